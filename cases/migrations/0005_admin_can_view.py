"""Administrators may read (never change) users, the audit trail, accounts, cases and imports in
the admin site; every change still goes through the application's services."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = {
    "accounts": ["view_user", "view_auditevent"],
    "cases": [
        "view_cardaccount",
        "view_hardshipcase",
        "view_offer",
        "view_caseevent",
        "view_contactlog",
        "view_importrun",
    ],
}


def grant(apps, schema_editor):
    for label in VIEW:
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin, _ = Group.objects.get_or_create(name="admin")
    for label, codenames in VIEW.items():
        admin.permissions.add(
            *Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin = Group.objects.filter(name="admin").first()
    if admin:
        for label, codenames in VIEW.items():
            admin.permissions.remove(
                *Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_import_runs"),
        ("accounts", "0003_notifications_and_card_audit"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
