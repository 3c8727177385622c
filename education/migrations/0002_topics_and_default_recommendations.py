"""The topics readers browse by, and the recommendation rules the product ships with (editors
change them at /editor/recommendations/)."""

from django.db import migrations

TOPICS = [
    "budgeting",
    "interest-and-fees",
    "minimum-payment",
    "instalment-cost",
    "income-loss",
    "illness",
    "small-business",
    "credit-record",
    "scams",
    "talking-to-bank",
]

# (article key, reason, plan type, stage, spending category, priority)
RULES = [
    ("talking-to-your-bank", "", "", "plan_at_risk", "", 95),
    ("settlement-and-credit-record", "", "settlement", "offered", "", 90),
    ("payment-pause", "", "deferral", "offered", "", 90),
    ("reading-an-annualised-rate", "", "instalment", "offered", "", 85),
    ("reading-an-annualised-rate", "", "fee_instalment", "offered", "", 85),
    ("sudden-loss-of-income", "job_loss", "", "", "", 70),
    ("illness-and-money", "illness", "", "", "", 70),
    ("small-business-cash-flow", "business", "", "", "", 70),
    ("minimum-payment-trap", "over_indebted", "", "", "", 60),
    ("repairing-a-credit-record", "", "", "ended", "", 60),
    ("card-interest-and-fees", "", "", "", "cash", 55),
    ("talking-to-your-bank", "", "", "applying", "", 50),
    ("budgeting", "", "", "plan", "", 45),
    ("budgeting", "over_indebted", "", "", "", 45),
    ("debt-relief-scams", "", "", "applying", "", 40),
    ("minimum-payment-trap", "", "", "no_case", "", 30),
    ("debt-relief-scams", "", "", "", "", 10),
]


def forwards(apps, schema_editor):
    Topic = apps.get_model("education", "Topic")
    Recommendation = apps.get_model("education", "Recommendation")
    for order, slug in enumerate(TOPICS):
        Topic.objects.update_or_create(slug=slug, defaults={"order": order})
    if not Recommendation.objects.exists():
        for key, reason, plan_type, stage, spending, priority in RULES:
            Recommendation.objects.create(
                article_key=key,
                reason=reason,
                plan_type=plan_type,
                stage=stage,
                spending_category=spending,
                priority=priority,
            )


class Migration(migrations.Migration):
    dependencies = [("education", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
