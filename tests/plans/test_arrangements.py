"""What was agreed goes to the core system exactly once, and is tracked until it is applied."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from plans.arrangements import arrangement_record, unacknowledged
from plans.models import Arrangement, PlanStatus, RepaymentPlan
from plans.payments import payment_record

pytestmark = pytest.mark.django_db


def test_a_signed_plan_is_exported_once_and_its_acknowledgement_shown(
    active,
    tmp_path,
    client_for,
    cardholder,
    agent,
):
    arrangement_record(plan=active, kind="start")
    arrangement_record(plan=active, kind="start")  # once per plan and kind
    assert Arrangement.objects.count() == 1
    call_command("export_arrangements", "--out", str(tmp_path))
    call_command("export_arrangements", "--out", str(tmp_path))
    files = sorted(tmp_path.glob("*.json"))
    batches = [json.loads(f.read_text())["arrangements"] for f in files]
    assert sum(len(b) for b in batches) == 1  # exactly once, whatever runs twice
    sent = next(b for b in batches if b)[0]
    assert sent["plan_reference"] == active.reference
    assert len(sent["instalments"]) == active.instalments.count()
    assert sent["reset_days_past_due"] is True
    csv_text = next(f for f in sorted(tmp_path.glob("*.csv")) if f.read_text().count("\n") > 1)
    assert active.account.bank_reference in csv_text.read_text()

    # Not acknowledged after a day: staff see it.
    Arrangement.objects.update(exported_at=timezone.now() - timedelta(days=2))
    assert list(unacknowledged()) == list(Arrangement.objects.all())
    page = client_for(agent).get(reverse("plans:arrangements")).content.decode()
    assert active.reference in page

    arrangement = Arrangement.objects.get()
    acks = tmp_path / "acks.csv"
    acks.write_text(
        f"arrangement_id,status,applied_on,note\n{arrangement.pk},applied,2026-12-01,\n"
    )
    call_command("import_arrangement_acks", str(acks))
    assert not unacknowledged().exists()
    active.agreement.status = "signed"
    active.agreement.signed_at = timezone.now()
    active.agreement.save()
    mine = client_for(cardholder).get(reverse("plans:agreement", args=[active.case_id]))
    assert 'data-testid="relief-applied"' in mine.content.decode()


def test_a_bad_acknowledgement_file_changes_nothing(active, tmp_path):
    arrangement = arrangement_record(plan=active, kind="start")
    call_command("export_arrangements", "--out", str(tmp_path))
    acks = tmp_path / "acks.csv"
    acks.write_text(
        "arrangement_id,status,applied_on,note\n"
        f"{arrangement.pk},applied,2026-12-01,\n"
        f"{arrangement.pk},maybe,,\n"
    )
    with pytest.raises(CommandError, match="line 3"):
        call_command("import_arrangement_acks", str(acks))
    arrangement.refresh_from_db()
    assert arrangement.ack_status == ""
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("arrangement_id,status,applied_on,note\n999,applied,2026-12-01,\n")
    with pytest.raises(CommandError, match="never exported"):
        call_command("import_arrangement_acks", str(unknown))


def test_a_completed_plan_tells_the_core_system_it_ended(active):
    payment_record(
        plan=active,
        reference="ALL",
        amount=active.total_payable,
        received_on=active.created_at.date(),
        source="staff",
    )
    assert RepaymentPlan.objects.get(pk=active.pk).status == PlanStatus.COMPLETED
    assert Arrangement.objects.filter(plan=active, kind="end").exists()


def test_closing_a_case_cancels_its_running_plan_and_tells_the_core_system(active, supervisor):
    from cases.models import CaseEvent
    from cases.negotiation import services as n

    case = active.case
    case.refresh_from_db()
    n.case_close(case=case, actor=supervisor, version=case.version, reason="Moved abroad")
    plan = RepaymentPlan.objects.get(pk=active.pk)
    assert plan.status == PlanStatus.CANCELLED
    assert plan.ended_at is not None
    ended = Arrangement.objects.get(plan=plan, kind="end")
    assert ended.payload["outcome"] == PlanStatus.CANCELLED
    event = CaseEvent.objects.get(case=case, kind="plan_cancelled")
    assert event.visible_to_cardholder
    # Its instalments are no longer reminded of.
    from cases.outreach.services import reminders_scan

    first = plan.instalments.filter(amount__gt=0).order_by("number")[0]
    due_day = datetime.combine(first.due_date, time(10), tzinfo=ZoneInfo("Asia/Shanghai"))
    assert reminders_scan(now=due_day) == 0


def test_withdrawing_before_signing_cancels_the_plan_without_an_arrangement(
    submitted, agent, supervisor, cardholder
):
    from cases.portal.services import case_withdraw
    from tests.plans.test_plan_and_agreement import _accepted

    _accepted(submitted, agent, supervisor, cardholder, "instalment")
    case = submitted
    case.refresh_from_db()
    case_withdraw(case=case, actor=cardholder, version=case.version)
    plan = RepaymentPlan.objects.get(case=case)
    assert plan.status == PlanStatus.CANCELLED
    assert not Arrangement.objects.filter(plan=plan).exists()
