"""Each KPI against a small portfolio whose answers are worked out by hand."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.application.services import case_start, case_submit
from cases.core import record_event
from cases.models import CaseEvent, HardshipCase
from insights.csv_export import neutralise
from insights.kpis import Filters, compute
from insights.models import DailySnapshot
from insights.snapshots import snapshot_take
from insights.tasks import take_snapshot
from tests.cases.conftest import fill_draft
from tests.factories import CardAccountFactory, UserFactory
from tests.plans.conftest import account, active, complete_draft, draft, submitted  # noqa: F401

pytestmark = pytest.mark.django_db


def _case(holder, agent, *, at, events, due_in):
    card = CardAccountFactory.create(holder=holder)
    case = fill_draft(case_start(account=card, actor=holder), holder)
    case = case_submit(case=case, actor=holder, version=case.version)
    HardshipCase.objects.filter(pk=case.pk).update(
        submitted_at=at, decision_due=at + due_in, assignee=agent
    )
    CaseEvent.objects.filter(case=case).update(occurred_at=at)
    case.refresh_from_db()
    for kind, hours in events:
        record_event(case, actor=agent, kind=kind, occurred_at=at + timedelta(hours=hours))
    return case


@pytest.fixture
def portfolio(cardholder, agent):
    t0 = timezone.now() - timedelta(days=10)
    a = _case(
        cardholder,
        agent,
        at=t0,
        events=[("claimed", 2), ("offer_sent", 10)],
        due_in=timedelta(days=5),
    )
    b = _case(
        UserFactory.create(),
        agent,
        at=t0,
        events=[("claimed", 4), ("declined", 30)],
        due_in=timedelta(days=5),
    )
    c = _case(UserFactory.create(), agent, at=t0, events=[], due_in=timedelta(days=5))
    HardshipCase.objects.filter(pk=b.pk).update(status="declined")
    return a, b, c


def test_response_and_decision_times_and_the_deadline(portfolio):
    kpis = compute(Filters.last_days(30))
    assert kpis.cases_total == 3
    assert kpis.by_status == {"submitted": 2, "declined": 1}
    # First responses after 2 h and 4 h; decisions after 10 h and 30 h.
    assert kpis.first_response.count == 2
    assert kpis.first_response.median_hours == pytest.approx(3.0)
    assert kpis.first_response.p90_hours == pytest.approx(3.8)
    assert kpis.decision.median_hours == pytest.approx(20.0)
    # The third case was never answered and its deadline passed five days ago.
    assert (kpis.sla_breached, kpis.sla_cases) == (1, 3)
    assert kpis.sla_breach_rate == pytest.approx(33.3)
    assert kpis.offers["made"] == 1
    agent_row = kpis.agents[0]
    assert (agent_row["cases"], agent_row["decided"], agent_row["breached"]) == (3, 2, 1)


def test_filters_narrow_the_cases(portfolio, other_agent):
    assert compute(Filters.last_days(5)).cases_total == 0  # submitted ten days ago
    narrowed = Filters(
        start=timezone.localdate() - timedelta(days=30),
        end=timezone.localdate(),
        agent_id=other_agent.pk,
    )
    assert compute(narrowed).cases_total == 0
    reason = Filters(
        start=timezone.localdate() - timedelta(days=30),
        end=timezone.localdate(),
        reason="illness",
    )
    assert compute(reason).cases_total == 0


def test_plans_concessions_promises_and_cure(active):  # noqa: F811 - the imported fixture
    from plans.models import InstalmentStatus, RepaymentPlan

    first = active.instalments.filter(amount__gt=0).order_by("number").first()
    first.due_date = timezone.localdate() - timedelta(days=3)
    first.status = InstalmentStatus.PAID
    first.paid = first.amount
    first.save()
    RepaymentPlan.objects.filter(pk=active.pk).update(
        activated_at=timezone.now() - timedelta(days=100),
        interest_waived=Decimal("120.50"),
        fees_waived=Decimal("30.00"),
    )
    active.account.days_past_due = 0
    active.account.save()
    kpis = compute(Filters.last_days(30))
    assert kpis.concessions["interest"] == Decimal("120.50")
    assert kpis.concessions["fees"] == Decimal("30.00")
    assert kpis.plans_by_status == {"on_track": 1}
    assert (kpis.instalments_kept, kpis.instalments_due) == (1, 1)
    assert (kpis.cured, kpis.cure_base) == (1, 1)


def test_the_snapshot_is_taken_once_a_day(portfolio):
    first = snapshot_take()
    HardshipCase.objects.update(status="closed")
    assert take_snapshot.apply().get() == str(first.day)
    assert DailySnapshot.objects.count() == 1
    kept = DailySnapshot.objects.get()
    assert kept.figures["cases"] == {"submitted": 2, "declined": 1}  # the day's first stands
    assert kept.figures["accounts"]["total"] == 3
    assert kept.figures["accounts"]["with_plan"] == 0


def test_back_filled_snapshots_come_from_the_timeline(portfolio):
    from django.core.management import call_command

    call_command("backfill_snapshots", "--days", "12")
    assert DailySnapshot.objects.filter(backfilled=True).count() == 12
    last = DailySnapshot.objects.order_by("-day")[0]
    assert last.figures["cases"].get("submitted") == 3
    call_command("backfill_snapshots", "--days", "12")
    assert DailySnapshot.objects.count() == 12


def test_csv_cells_cannot_run_formulas():
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for dangerous in ("+1", "-1+1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(dangerous).startswith("'")
    assert neutralise("Zhang Min") == "Zhang Min"
    assert neutralise(None) == ""


def test_the_dashboard_and_its_csv(portfolio, client_for, supervisor, agent, cardholder):
    agent.profile.full_name = "=cmd|' /C calc'!A0"
    agent.profile.save()
    client = client_for(supervisor)
    page = client.get(reverse("insights:dashboard"))
    assert page.status_code == 200
    assert 'data-testid="kpi-cases">3<' in page.content.decode()
    csv_file = client.get(reverse("insights:dashboard"), {"export": "agents"})
    assert csv_file["Content-Type"].startswith("text/csv")
    body = csv_file.content.decode("utf-8-sig")
    assert "'=cmd" in body
    ancient = client.get(
        reverse("insights:dashboard"), {"start": "0001-01-01", "end": "0001-01-02"}
    )
    assert ancient.status_code == 400
    bad = client.get(reverse("insights:dashboard"), {"start": "2026-12-31", "end": "2026-01-01"})
    assert bad.status_code == 400
    assert "must be after its start" in bad.content.decode()


def test_only_supervisors_and_administrators_see_outcomes(client_for, agent):
    assert client_for(agent).get(reverse("insights:dashboard")).status_code == 403


def test_a_case_with_two_plans_counts_once_under_a_plan_type_filter(active):  # noqa: F811
    """An agreement left unsigned expires; the case gets a second plan of the same type."""
    from cases.models import Offer, OfferAcceptance
    from plans.models import PlanStatus, RepaymentPlan

    acceptance = OfferAcceptance.objects.get(pk=active.acceptance_id)
    offer = Offer.objects.get(pk=acceptance.offer_id)  # accepted: copied as it is
    offer.pk, offer.supersedes = None, None
    offer.save()
    acceptance.pk, acceptance.offer = None, offer
    acceptance.save()
    expired = RepaymentPlan.objects.get(pk=active.pk)
    expired.pk, expired.reference, expired.acceptance = None, "PL-EXPIRED", acceptance
    expired.save()
    RepaymentPlan.objects.filter(pk=expired.pk).update(status=PlanStatus.EXPIRED)
    filters = Filters(
        start=timezone.localdate() - timedelta(days=30),
        end=timezone.localdate(),
        plan_type=active.plan_type,
    )
    kpis = compute(filters)
    assert kpis.cases_total == 1
    assert kpis.agents[0]["plans_made"] == 1


def test_the_case_keeps_its_first_response_and_decision(submitted, supervisor):  # noqa: F811
    from cases.negotiation import services as n
    from tests.plans.test_plan_and_agreement import _schedule

    assert submitted.first_response_at is None
    case = n.case_claim(case=submitted, actor=supervisor, version=submitted.version)
    case.refresh_from_db()
    claimed = case.first_response_at
    assert claimed is not None
    assert case.decided_at is None
    n.offer_propose(
        case=case,
        actor=supervisor,
        version=case.version,
        schedule=_schedule(case, "instalment"),
        rationale="Fits",
    )
    case.refresh_from_db()
    assert case.first_response_at == claimed  # the first one stays
    assert case.decided_at is not None
