"""Authentication backends that load, with the signed-in user, what every page reads of them.

Every page shows the person's name (their profile) and checks their roles (their groups); loading
both with the user saves two queries on every request. What each role may do (its group's
permissions) changes only when a migration or an administrator changes the roles; it is kept
for ROLE_PERMISSIONS_SECONDS in each process, and dropped at once in the process that changes it.
"""

from __future__ import annotations

import threading
import time
from typing import Any, ClassVar

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed

from accounts.models import User


class _LoadsProfileAndRoles:
    def get_user(self, user_id: Any) -> User | None:
        user = (
            User.objects.select_related("profile")
            .prefetch_related("groups")
            .filter(pk=user_id)
            .first()
        )
        if user is None or not user.is_active:
            return None
        return user

    def _get_group_permissions(self, user_obj: Any) -> Any:
        group_ids = tuple(sorted(group.pk for group in user_obj.groups.all()))
        return _RolePermissions.of(group_ids)

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_group_perm_cache"):
            user_obj._group_perm_cache = set(self._get_group_permissions(user_obj))
        return set(user_obj._group_perm_cache)


class _RolePermissions:
    """`app_label.codename` of every permission of a set of groups, kept a short while."""

    _known: ClassVar[dict[tuple[int, ...], tuple[float, frozenset[str]]]] = {}
    _lock = threading.Lock()

    @classmethod
    def of(cls, group_ids: tuple[int, ...]) -> frozenset[str]:
        now = time.monotonic()
        with cls._lock:
            known = cls._known.get(group_ids)
        if known is not None and now - known[0] < ROLE_PERMISSIONS_SECONDS:
            return known[1]
        names = frozenset(
            f"{app_label}.{codename}"
            for app_label, codename in Permission.objects.filter(group__id__in=group_ids)
            .values_list("content_type__app_label", "codename")
            .distinct()
        )
        with cls._lock:
            cls._known[group_ids] = (now, names)
        return names

    @classmethod
    def forget(cls, **_kwargs: Any) -> None:
        with cls._lock:
            cls._known.clear()


ROLE_PERMISSIONS_SECONDS = 30
m2m_changed.connect(_RolePermissions.forget, sender=Group.permissions.through)
m2m_changed.connect(_RolePermissions.forget, sender=User.groups.through)


class ModelBackend(_LoadsProfileAndRoles, backends.ModelBackend):
    pass


class AuthenticationBackend(_LoadsProfileAndRoles, AllauthBackend):
    pass
