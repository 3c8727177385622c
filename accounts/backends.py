"""Authentication backends that load, with the signed-in user, what every page reads of them.

Every page shows the person's name (their profile) and checks their roles (their groups); loading
both with the user saves two queries on every request.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends

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


class ModelBackend(_LoadsProfileAndRoles, backends.ModelBackend):
    pass


class AuthenticationBackend(_LoadsProfileAndRoles, AllauthBackend):
    pass
