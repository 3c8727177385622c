"""Segregation of duties: administrators set the authority limits, so they no longer work
cases (and cannot grant concessions under limits they set themselves)."""

from django.db import migrations


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin = Group.objects.filter(name="admin").first()
    if admin:
        admin.permissions.remove(
            *Permission.objects.filter(content_type__app_label="accounts", codename="work_cases")
        )


def restore(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin = Group.objects.filter(name="admin").first()
    if admin:
        admin.permissions.add(
            *Permission.objects.filter(content_type__app_label="accounts", codename="work_cases")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_notifications_and_card_audit"),
    ]

    operations = [migrations.RunPython(revoke, restore)]
