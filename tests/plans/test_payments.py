"""Payments go to the oldest instalment first; the plan is on track, at risk, broken or
completed by the policy's tolerance, and the case follows; files import all or nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from cases.models import CaseEvent, CaseStatus
from plans.models import InstalmentStatus, Payment, PlanStatus, RepaymentPlan
from plans.payments import payment_record, plan_assess

pytestmark = pytest.mark.django_db


def _fresh(plan):
    return RepaymentPlan.objects.select_related("case").get(pk=plan.pk)


def test_money_goes_to_the_oldest_instalment_first(active):
    first, second = active.instalments.order_by("number")[:2]
    payment_record(
        plan=active,
        reference="P-1",
        amount=first.amount + Decimal("10.00"),
        received_on=active.created_at.date(),
        source="import",
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.paid == first.amount
    assert first.status == InstalmentStatus.PAID
    assert second.paid == Decimal("10.00")
    assert CaseEvent.objects.filter(case=active.case, kind="payment_received").exists()


def test_a_payment_reference_is_recorded_once(active):
    args = {"plan": active, "amount": Decimal("50.00"), "source": "import"}
    today = active.created_at.date()
    assert payment_record(reference="P-2", received_on=today, **args) is not None
    assert payment_record(reference="P-2", received_on=today, **args) is None
    assert Payment.objects.count() == 1


def test_one_overdue_puts_the_plan_at_risk_two_break_it(active):
    instalments = list(active.instalments.order_by("number"))
    day_after_first = instalments[0].due_date + timedelta(days=1)
    with transaction.atomic():
        plan_assess(plan=_fresh(active), today=day_after_first)
    assert _fresh(active).status == PlanStatus.AT_RISK
    assert _fresh(active).case.status == CaseStatus.ACTIVE
    with transaction.atomic():
        plan_assess(plan=_fresh(active), today=instalments[1].due_date + timedelta(days=1))
    broken = _fresh(active)
    assert broken.status == PlanStatus.BROKEN
    assert broken.case.status == CaseStatus.IN_REVIEW
    assert CaseEvent.objects.filter(case=active.case, kind="plan_broken").exists()


def test_one_payment_later_than_the_tolerance_breaks_the_plan(active):
    first = active.instalments.order_by("number").first()
    with transaction.atomic():
        plan_assess(plan=_fresh(active), today=first.due_date + timedelta(days=31))
    assert _fresh(active).status == PlanStatus.BROKEN


def test_paying_everything_completes_the_plan_and_ends_the_case(active):
    payment_record(
        plan=active,
        reference="ALL",
        amount=active.total_payable,
        received_on=active.created_at.date(),
        source="staff",
    )
    done = _fresh(active)
    assert done.status == PlanStatus.COMPLETED
    assert done.case.closed_at == done.ended_at  # the case ended when the plan did
    assert done.case.status == CaseStatus.COMPLETED
    assert not done.instalments.exclude(status=InstalmentStatus.PAID).exists()


def test_a_bad_file_imports_nothing_and_a_good_one_once(active, tmp_path):
    today = active.created_at.date().isoformat()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "payment_reference,plan_reference,amount,received_on\n"
        f"A1,{active.reference},100.00,{today}\n"
        f"A2,{active.reference},-5,{today}\n"
        f"A3,{active.reference},ten,{today}\n"
    )
    with pytest.raises(CommandError, match=r"line 3.*\n.*line 4"):
        call_command("import_payments", str(bad))
    assert not Payment.objects.exists()
    unknown = tmp_path / "unknown.csv"
    unknown.write_text(
        "payment_reference,plan_reference,amount,received_on\n"
        f"B1,{active.reference},100.00,{today}\n"
        f"B2,PL-NOPE,100.00,{today}\n"
    )
    with pytest.raises(CommandError, match="PL-NOPE"):
        call_command("import_payments", str(unknown))
    assert not Payment.objects.exists()
    good = tmp_path / "good.csv"
    good.write_text(
        "payment_reference,plan_reference,amount,received_on\n"
        f"C1,{active.reference},100.00,{today}\n"
    )
    call_command("import_payments", str(good))
    call_command("import_payments", str(good))
    assert Payment.objects.count() == 1


def test_staff_record_a_payment_once_and_cardholders_cannot(
    client_for, supervisor, cardholder, active
):
    from django.urls import reverse

    url = reverse("plans:payment_add", args=[active.case_id])
    data = {"reference": "RCPT-7", "amount": "100.00", "received_on": active.created_at.date()}
    assert client_for(cardholder).post(url, data).status_code == 403
    staff = client_for(supervisor)
    staff.post(url, data)
    staff.post(url, data)
    payment = Payment.objects.get()
    assert (payment.entered_by, payment.source) == (supervisor, "staff")
    bad = staff.post(url, {**data, "reference": "RCPT-8", "amount": "-1"}, follow=True)
    assert "The payment was not recorded" in bad.content.decode()
    assert Payment.objects.count() == 1
    page = staff.get(reverse("cases:review", args=[active.case_id])).content.decode()
    assert "RCPT-7" in page


def test_the_timeline_says_the_payment_with_its_currency(active, client_for, cardholder):
    from django.urls import reverse

    payment_record(
        plan=active,
        reference="P-CUR",
        amount=Decimal("1234.50"),
        received_on=active.created_at.date(),
        source="import",
    )
    page = client_for(cardholder).get(reverse("cases:detail", args=[active.case_id]))
    assert "Payment of CNY 1,234.50 received" in page.content.decode()
