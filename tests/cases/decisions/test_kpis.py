"""The outcomes page's figures for automatic decisions, against a hand-built portfolio: one
request approved at once (its plan started and broke), one referred, one decided by a person."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.application.services import case_request_plan, case_start
from cases.corebanking.demo_cases import accept_offer
from cases.decisions import services
from cases.models import AutoDecision, HardshipCase
from cases.planning import recommendations_for
from insights.kpis import Filters, compute
from plans.models import PlanStatus, RepaymentPlan
from tests.cases.conftest import fill_draft
from tests.cases.decisions.conftest import must
from tests.cases.decisions.test_auto_decision import submit
from tests.factories import CardAccountFactory

pytestmark = pytest.mark.django_db


def draft_on(holder, last4: str) -> HardshipCase:
    account = CardAccountFactory.create(
        holder=holder,
        card_last4=last4,
        principal_balance=Decimal("12000.00"),
        interest_balance=Decimal("600.00"),
        penalty_interest_balance=Decimal("0.00"),
        fees_balance=Decimal("150.00"),
        days_past_due=35,
        status="delinquent",
    )
    return fill_draft(case_start(account=account, actor=holder), holder)


def test_automatic_against_human(cardholder, client_for, supervisor):
    approved = draft_on(cardholder, "1111")
    result = must(recommendations_for(approved))
    rank = min(services.instant_ranks(approved, list(result.recommendations)))
    chosen = next(r for r in result.recommendations if r.rank == rank)
    case_request_plan(
        case=approved, actor=cardholder, version=approved.version, schedule=chosen.schedule
    )
    approved.refresh_from_db()
    approved = submit(approved, cardholder)
    accept_offer(must(AutoDecision.objects.get(case=approved).offer), cardholder)
    # The plan started and then broke (as the payment checks would record it).
    RepaymentPlan.objects.filter(case=approved).update(
        activated_at=timezone.now() - timedelta(days=1), status=PlanStatus.BROKEN
    )
    referred = submit(draft_on(cardholder, "2222"), cardholder)  # a settlement: referred

    kpis = compute(Filters.last_days(30))
    assert kpis.cases_total == 2
    assert kpis.auto_requests == 2
    assert kpis.auto_approved == 1
    assert kpis.auto_referred == 1
    assert kpis.auto_share == 50.0
    assert kpis.decision_auto.count == 1
    assert kpis.decision_auto.median_hours is not None
    assert kpis.decision_auto.median_hours < 0.01  # decided within seconds
    assert kpis.decision_human.count == 0  # the referral waits for a person
    (month,) = kpis.broken_by_month
    assert month["auto_started"] == 1
    assert month["auto_broken"] == 1
    assert month["auto_rate"] == 100.0
    assert "human_started" not in month
    assert referred.status == "submitted"

    client = client_for(supervisor)
    page = client.get(reverse("insights:dashboard")).content.decode()
    assert 'data-testid="automatic"' in page
    csv = client.get(reverse("insights:dashboard") + "?export=automatic").content.decode()
    assert csv.splitlines()[1].endswith(",1,1,0,0")
