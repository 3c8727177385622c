"""An account whose plans fall inside the default self-service band."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

import pytest

from accounts.models import User
from cases.models import CardAccount
from tests.factories import CardAccountFactory


@pytest.fixture
def small_account(cardholder: User) -> CardAccount:
    return CardAccountFactory.create(
        holder=cardholder,
        card_last4="4242",
        principal_balance=Decimal("12000.00"),
        interest_balance=Decimal("600.00"),
        penalty_interest_balance=Decimal("0.00"),
        fees_balance=Decimal("150.00"),
        days_past_due=35,
        status="delinquent",
    )


T = TypeVar("T")


def must(value: T | None) -> T:
    """`value`, which the test expects to be there (and tells mypy so)."""
    assert value is not None
    return value
