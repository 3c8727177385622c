from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from accounts.models import Profile, User
from accounts.roles import STAFF_ROLES, Role

TEST_PASSWORD = "correct-Horse-battery-9"


class UserFactory(DjangoModelFactory[User]):
    """A user with a verified email, a profile and one role (cardholder unless told).

    Staff roles also get an authenticator app (TOTP); its secret is kept on the instance as
    `totp_secret` so that tests can compute valid codes.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def role(user: User, create: bool, extracted: Role | None, **kwargs: Any) -> None:
        if not create:
            return
        role = extracted or Role.CARDHOLDER
        user.groups.add(Group.objects.get(name=role))
        Profile.objects.get_or_create(user=user, defaults={"full_name": user.email.split("@")[0]})
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"primary": True, "verified": True}
        )
        user.totp_secret = None
        if role in STAFF_ROLES and kwargs.get("mfa", True):
            user.totp_secret = generate_totp_secret()  # type: ignore[attr-defined]
            TOTP.activate(user, user.totp_secret)  # type: ignore[attr-defined]
            RecoveryCodes.activate(user)
