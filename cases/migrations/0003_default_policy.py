"""The bank's starting policy and authority limits; administrators change them afterwards."""

from decimal import Decimal

from django.db import migrations

AUTHORITY = {
    "agent": {
        "max_interest_waiver_share": Decimal("0.5"),
        "max_fee_waiver_share": Decimal("1"),
        "max_settlement_discount": Decimal("20"),
        "max_term_months": 36,
        "min_apr": Decimal("0"),
    },
    "supervisor": {
        "max_interest_waiver_share": Decimal("1"),
        "max_fee_waiver_share": Decimal("1"),
        "max_settlement_discount": Decimal("50"),
        "max_term_months": 60,
        "min_apr": Decimal("0"),
    },
}


def create(apps, schema_editor):
    apps.get_model("cases", "NegotiationPolicy").objects.get_or_create(pk=1)
    AuthorityLimit = apps.get_model("cases", "AuthorityLimit")
    for role, limits in AUTHORITY.items():
        AuthorityLimit.objects.get_or_create(role=role, defaults=limits)


def remove(apps, schema_editor):
    apps.get_model("cases", "AuthorityLimit").objects.filter(role__in=AUTHORITY).delete()
    apps.get_model("cases", "NegotiationPolicy").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_negotiation_policy_and_contacts")]

    operations = [migrations.RunPython(create, remove)]
