from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest

from accounts.models import User
from cases.application.services import (
    DebtLine,
    case_request_plan,
    case_save_contact,
    case_save_reason,
    case_save_statement,
    case_start,
    case_submit,
)
from cases.models import CardAccount, HardshipCase
from cases.planning import recommendations_for
from tests.factories import CardAccountFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + b"IEND\xaeB`\x82"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32 + b"\xff\xd9"


@pytest.fixture
def account(cardholder: User) -> CardAccount:
    return CardAccountFactory.create(
        holder=cardholder,
        card_last4="3307",
        principal_balance=Decimal("29927.43"),
        interest_balance=Decimal("1197.92"),
        penalty_interest_balance=Decimal("422.02"),
        fees_balance=Decimal("504.10"),
        days_past_due=45,
        status="delinquent",
    )


@pytest.fixture
def other_account(other_cardholder: User) -> CardAccount:
    return CardAccountFactory.create(holder=other_cardholder, card_last4="9999")


@pytest.fixture
def draft(account: CardAccount, cardholder: User) -> HardshipCase:
    return case_start(account=account, actor=cardholder)


def fill_draft(case: HardshipCase, user: User) -> HardshipCase:
    """Complete every step of an application through the services, as the wizard does."""
    case = case_save_reason(
        case=case,
        actor=user,
        version=case.version,
        reason="job_loss",
        duration="temporary",
        expected_recovery=None,
        own_words="Lost my job in September.",
    )
    case = case_save_statement(
        case=case,
        actor=user,
        version=case.version,
        household_size=2,
        dependants=1,
        income={"wages": Decimal("9000.00")},
        essentials={"housing": Decimal("2500.00"), "food": Decimal("1500.00")},
        debts=[
            DebtLine(lender="Car loan", balance=Decimal("20000"), monthly_payment=Decimal("1200"))
        ],
    )
    case = case_save_contact(
        case=case,
        actor=user,
        version=case.version,
        channel="sms",
        contact_from=time(9, 0),
        contact_until=time(18, 0),
    )
    result = recommendations_for(case)
    assert result is not None
    assert result.recommendations
    case_request_plan(
        case=case, actor=user, version=case.version, schedule=result.recommendations[0].schedule
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def complete_draft(draft: HardshipCase, cardholder: User) -> HardshipCase:
    return fill_draft(draft, cardholder)


@pytest.fixture
def submitted(complete_draft: HardshipCase, cardholder: User) -> HardshipCase:
    return case_submit(case=complete_draft, actor=cardholder, version=complete_draft.version)
