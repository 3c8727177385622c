from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from accounts.models import Profile, User
from accounts.roles import STAFF_ROLES, Role
from cases.models import AccountStatus, CardAccount, Category, Product, Transaction, TransactionKind

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
        if role == Role.ADMIN:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        Profile.objects.get_or_create(user=user, defaults={"full_name": user.email.split("@")[0]})
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"primary": True, "verified": True}
        )
        user.totp_secret = None
        if role in STAFF_ROLES and kwargs.get("mfa", True):
            user.totp_secret = generate_totp_secret()  # type: ignore[attr-defined]
            TOTP.activate(user, user.totp_secret)  # type: ignore[attr-defined]
            RecoveryCodes.activate(user)


class CardAccountFactory(DjangoModelFactory[CardAccount]):
    """A personal card account, up to date and not yet linked to any login."""

    class Meta:
        model = CardAccount

    bank_reference = factory.Sequence(lambda n: f"ACC-{n:06d}")
    holder = None
    holder_name = "Zhang San"
    card_last4 = factory.Sequence(lambda n: f"{n % 10000:04d}")
    holder_birth_date = datetime.date(1990, 1, 15)
    holder_id_last4 = "1234"
    product = Product.PERSONAL
    currency = "CNY"
    credit_limit = Decimal("30000.00")
    principal_balance = Decimal("8000.00")
    interest_balance = Decimal("0.00")
    penalty_interest_balance = Decimal("0.00")
    fees_balance = Decimal("0.00")
    apr = Decimal("18.25")
    minimum_due = Decimal("800.00")
    payment_due_date = None
    days_past_due = 0
    status = AccountStatus.CURRENT
    opened_on = datetime.date(2020, 6, 1)


class TransactionFactory(DjangoModelFactory[Transaction]):
    """A grocery purchase posted on an account."""

    class Meta:
        model = Transaction

    account = factory.SubFactory(CardAccountFactory)
    bank_reference = factory.Sequence(lambda n: f"TX-{n:08d}")
    posted_on = datetime.date(2026, 1, 10)
    description = "Hema Fresh"
    category = Category.GROCERIES
    kind = TransactionKind.PURCHASE
    amount = Decimal("128.50")
