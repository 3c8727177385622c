"""The product's roles, and what each may do.

A role is a Django group of the same name; its permissions are created by the data migration
`0002_create_roles` from `ROLE_PERMISSIONS`, so that a bank can inspect and adjust them in the
admin like any other data. Views declare the permission they need, never a role name.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CARDHOLDER = "cardholder", _("Cardholder")
    AGENT = "agent", _("Collections agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")
    EDITOR = "editor", _("Content editor")


#: Roles that work for the bank: they must use two-factor authentication.
STAFF_ROLES: frozenset[str] = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN, Role.EDITOR})

#: When a user holds several roles, the first here decides their landing page.
ROLE_PRECEDENCE: tuple[str, ...] = (
    Role.ADMIN,
    Role.SUPERVISOR,
    Role.AGENT,
    Role.EDITOR,
    Role.CARDHOLDER,
)


class Perm:
    """Fully qualified permission names, as views check them."""

    USE_PORTAL = "accounts.use_cardholder_portal"
    WORK_CASES = "accounts.work_cases"
    ASSIGN_CASES = "accounts.assign_cases"
    APPROVE_OFFERS = "accounts.approve_offers"
    VIEW_KPIS = "accounts.view_kpis"
    MANAGE_POLICY = "accounts.manage_policy"
    EDIT_ARTICLES = "accounts.edit_articles"
    MANAGE_USERS = "accounts.manage_users"


#: The custom permissions declared on `accounts.User` (codename, description).
ROLE_PERMISSION_CHOICES: tuple[tuple[str, str], ...] = (
    ("use_cardholder_portal", "Can use the cardholder portal"),
    ("work_cases", "Can work hardship cases"),
    ("assign_cases", "Can assign and reassign cases"),
    ("approve_offers", "Can approve offers beyond an agent's authority"),
    ("view_kpis", "Can view team KPIs"),
    ("manage_policy", "Can edit negotiation policy and authority limits"),
    ("edit_articles", "Can edit financial-education articles"),
    ("manage_users", "Can manage staff users and their roles"),
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.CARDHOLDER: ("use_cardholder_portal",),
    Role.AGENT: ("work_cases",),
    Role.SUPERVISOR: ("work_cases", "assign_cases", "approve_offers", "view_kpis"),
    # Segregation of duties: who sets the authority limits does not work cases under them.
    Role.ADMIN: ("view_kpis", "manage_policy", "edit_articles", "manage_users"),
    Role.EDITOR: ("edit_articles",),
}


def sync_role_groups() -> None:
    """Give every role's group the permissions `ROLE_PERMISSIONS` gives it.

    The data migration did this once for the roles as they were then; this applies the current
    mapping (after permissions were added in code, or to a database emptied by a test). It only
    adds: permissions granted by later migrations (the admins' read access) are kept.
    """
    from django.contrib.auth.models import Group, Permission

    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = list(
            Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
        )
        if len(permissions) != len(codenames):
            raise RuntimeError(f"Role {role} names a permission that does not exist.")
        group.permissions.add(*permissions)
