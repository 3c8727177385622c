"""The risk score of real accounts: facts from their transactions and statement, points from
the policy, stored with the reasons staff read; the queue and the recommendations use its band."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import CardAccount, NegotiationPolicy
from cases.policy.rules import risk_band_for
from cases.risk import account_activity, account_score, reason_lines
from plans.calculator import RiskBand
from tests.cases.conftest import account, complete_draft, draft, submitted  # noqa: F401
from tests.factories import CardAccountFactory, TransactionFactory

pytestmark = pytest.mark.django_db


def _month(today: date, back: int) -> date:
    first = today.replace(day=1)
    for _ in range(back):
        first = (first - timedelta(days=1)).replace(day=1)
    return first + timedelta(days=9)


def test_an_account_scored_from_its_last_six_months():
    today = date.today()
    card = CardAccountFactory.create(
        days_past_due=45,
        minimum_due=Decimal("500.00"),
        credit_limit=Decimal("10000.00"),
        principal_balance=Decimal("9800.00"),
        interest_balance=Decimal("300.00"),
        penalty_interest_balance=Decimal("0"),
        fees_balance=Decimal("0"),
    )
    for back in range(1, 7):
        TransactionFactory.create(
            account=card, posted_on=_month(today, back), amount=Decimal("800")
        )
        paid = Decimal("600") if back > 3 else Decimal("100")  # the last three months short
        TransactionFactory.create(
            account=card, posted_on=_month(today, back), kind="payment", amount=-paid
        )
    activity = account_activity(card, today=today)
    assert [m.payments for m in activity] == [Decimal("600")] * 3 + [Decimal("100")] * 3
    account_score(card)
    card.refresh_from_db()
    # 25 for 45 days past due, 30 for three months below the minimum, 20 over the limit.
    assert card.risk_points == 75
    assert card.risk_band == RiskBand.HIGH  # high from 60 points
    assert reason_lines(card) == [
        "+25: 45 days past due",
        "+30: 3 of the last six months paid below the minimum",
        "+20: owes 101% of the credit limit",
    ]
    assert risk_band_for(card) == RiskBand.HIGH


def test_the_points_are_the_policys(settings):
    card = CardAccountFactory.create(days_past_due=45)
    NegotiationPolicy.objects.filter(pk=1).update(risk_points_dpd_30=70)
    account_score(card)
    card.refresh_from_db()
    assert card.risk_points == 70
    assert card.risk_band == RiskBand.HIGH


def test_unscored_accounts_keep_the_days_past_due_band():
    card = CardAccountFactory.create(days_past_due=100)
    assert card.risk_band == ""
    assert risk_band_for(card) == RiskBand.HIGH


def test_staff_read_the_reasons_and_the_queue_filters_by_the_scored_band(
    submitted,  # noqa: F811 - the imported fixture
    agent,
    client_for,
):
    card = submitted.account
    CardAccount.objects.filter(pk=card.pk).update(days_past_due=200)  # very high by days alone
    call_command("score_accounts", stdout=None)
    card.refresh_from_db()
    client = client_for(agent)
    page = client.get(reverse("cases:review", args=[submitted.pk])).content.decode()
    assert 'data-testid="risk-reasons"' in page
    assert "+80: 200 days past due" in page
    CardAccount.objects.filter(pk=card.pk).update(risk_band=RiskBand.LOW)
    low = client.get(reverse("cases:queue"), {"risk": "low"}).content.decode()
    assert submitted.reference in low
    very_high = client.get(reverse("cases:queue"), {"risk": "very_high"}).content.decode()
    assert submitted.reference not in very_high
