"""Create one group per role with the permissions `accounts.roles.ROLE_PERMISSIONS` gives it.

The mapping is copied here rather than imported, so that this migration keeps meaning what it
meant when it was written even after the roles module changes; later changes to roles come as
new migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "cardholder": ["use_cardholder_portal"],
    "agent": ["work_cases"],
    "supervisor": ["work_cases", "assign_cases", "approve_offers", "view_kpis"],
    "admin": ["work_cases", "view_kpis", "manage_policy", "edit_articles", "manage_users"],
    "editor": ["edit_articles"],
}


def create_roles(apps, schema_editor):
    # Custom permissions are normally created after all migrations ran; make them now.
    accounts_config = apps.get_app_config("accounts")
    accounts_config.models_module = True
    create_permissions(accounts_config, apps=apps, verbosity=0)
    accounts_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(
            content_type__app_label="accounts", codename__in=codenames
        )
        if permissions.count() != len(codenames):
            raise RuntimeError(f"Missing permissions for role {role}")
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
