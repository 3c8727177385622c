"""Payments against a plan, their allocation, and the plan's standing.

Money goes to the oldest unpaid instalment first. The plan is on track while nothing is
overdue, at risk while something is overdue within the policy's tolerance, broken when two
instalments are missed or one is later than the tolerance (the case returns to review), and
completed when every instalment is paid (the case ends). `plan_assess` is idempotent and runs
after every payment and daily on Celery beat, since time alone makes an instalment overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from cases.core import bump_version, lock_case, notify_holder, record_event, run_transition
from cases.models import CaseStatus
from cases.policy.rules import current_policy
from plans.arrangements import arrangement_record
from plans.models import (
    ArrangementKind,
    Instalment,
    InstalmentStatus,
    Payment,
    PaymentSource,
    PlanStatus,
    RepaymentPlan,
)

LIVE_PLAN_STATUSES = (PlanStatus.ON_TRACK, PlanStatus.AT_RISK)


class PaymentRefused(Exception):
    """A payment that cannot be recorded; the message says why."""


@dataclass(frozen=True)
class PaymentLine:
    reference: str
    plan_reference: str
    amount: Decimal
    received_on: date


def _allocate(plan: RepaymentPlan) -> None:
    """Spread every payment received over the instalments, oldest first (recomputed whole, so
    the order payments arrive in does not matter)."""
    remaining = sum((p.amount for p in plan.payments.all()), Decimal("0.00"))
    instalments = list(plan.instalments.order_by("number"))
    for instalment in instalments:
        paid = min(instalment.amount, remaining)
        remaining -= paid
        instalment.paid = paid
    Instalment.objects.bulk_update(instalments, ["paid"])


def _instalment_status(instalment: Instalment, today: date) -> str:
    if not instalment.amount:
        return InstalmentStatus.NOTHING_DUE
    if instalment.paid >= instalment.amount:
        return InstalmentStatus.PAID
    if instalment.due_date < today:
        return InstalmentStatus.OVERDUE
    if instalment.paid > 0:
        return InstalmentStatus.PART_PAID
    if instalment.due_date == today:
        return InstalmentStatus.DUE
    return InstalmentStatus.SCHEDULED


def plan_assess(*, plan: RepaymentPlan, today: date | None = None) -> RepaymentPlan:
    """Bring the instalments' and the plan's standing up to date (inside the caller's lock)."""
    today = today or timezone.localdate()
    instalments = list(plan.instalments.order_by("number"))
    for instalment in instalments:
        instalment.status = _instalment_status(instalment, today)
    Instalment.objects.bulk_update(instalments, ["status"])
    if plan.status not in LIVE_PLAN_STATUSES:
        return plan
    overdue = [i for i in instalments if i.status == InstalmentStatus.OVERDUE]
    tolerance = current_policy().broken_plan_tolerance_days
    case = lock_case(plan.case, version=plan.case.version)
    if all(i.status in (InstalmentStatus.PAID, InstalmentStatus.NOTHING_DUE) for i in instalments):
        plan.complete()
        plan.ended_at = timezone.now()
        plan.save()
        arrangement_record(plan=plan, kind=ArrangementKind.END)
        if case.status == CaseStatus.ACTIVE:
            from_status = run_transition(case, "complete_plan")
            case.closed_at = plan.ended_at
            bump_version(case, "status", "closed_at")
            record_event(case, actor=None, kind="plan_completed", from_status=from_status)
            notify_holder(case, gettext_noop("You completed your plan on case %(reference)s"))
    elif len(overdue) >= 2 or any(today - i.due_date > timedelta(days=tolerance) for i in overdue):
        plan.break_plan()
        plan.ended_at = timezone.now()
        plan.save()
        arrangement_record(plan=plan, kind=ArrangementKind.END)
        if case.status == CaseStatus.ACTIVE:
            from_status = run_transition(case, "plan_broken")
            bump_version(case, "status")
            record_event(
                case,
                actor=None,
                kind="plan_broken",
                from_status=from_status,
                payload={"overdue": len(overdue)},
            )
            notify_holder(
                case,
                gettext_noop(
                    "Payments on case %(reference)s were missed, so the plan has ended. Write to "
                    "us from your case page: we will look at what you can afford now"
                ),
            )
    elif overdue and plan.status == PlanStatus.ON_TRACK:
        plan.fall_behind()
        plan.save()
        record_event(case, actor=None, kind="plan_at_risk", payload={"overdue": len(overdue)})
    elif not overdue and plan.status == PlanStatus.AT_RISK:
        plan.catch_up()
        plan.save()
        record_event(case, actor=None, kind="plan_back_on_track")
    return plan


def _locked_plan(plan_id: int) -> RepaymentPlan:
    return RepaymentPlan.objects.select_for_update().select_related("case").get(pk=plan_id)


@transaction.atomic
def payment_record(
    *,
    plan: RepaymentPlan,
    reference: str,
    amount: Decimal,
    received_on: date,
    source: str,
    actor: User | None = None,
) -> Payment | None:
    """Record a payment once (None if its reference is already recorded), allocate, assess."""
    plan = _locked_plan(plan.pk)
    if Payment.objects.filter(reference=reference).exists():
        return None
    if plan.status not in (*LIVE_PLAN_STATUSES, PlanStatus.COMPLETED, PlanStatus.BROKEN):
        raise PaymentRefused(_("Payments are recorded only against a signed plan."))
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise PaymentRefused(_("Enter an amount above zero, to the cent."))
    if received_on > timezone.localdate():
        raise PaymentRefused(_("A payment cannot be received in the future."))
    payment = Payment.objects.create(
        plan=plan,
        reference=reference,
        amount=amount,
        received_on=received_on,
        source=source,
        entered_by=actor,
    )
    _allocate(plan)
    record_event(
        plan.case,
        actor=actor,
        kind="payment_received",
        payload={
            "amount": str(amount),
            "currency": plan.currency,
            "reference": reference,
            "source": source,
        },
    )
    plan_assess(plan=plan)
    return payment


def payments_import(lines: list[PaymentLine]) -> tuple[int, int]:
    """Record a validated file's payments in one transaction: (recorded, already known)."""
    recorded = known = 0
    with transaction.atomic():
        for line in lines:
            plan = RepaymentPlan.objects.filter(reference=line.plan_reference).first()
            if plan is None:
                raise PaymentRefused(
                    _("No plan with reference %(reference)s.") % {"reference": line.plan_reference}
                )
            made = payment_record(
                plan=plan,
                reference=line.reference,
                amount=line.amount,
                received_on=line.received_on,
                source=PaymentSource.IMPORT,
            )
            if made is None:
                known += 1
            else:
                recorded += 1
    return recorded, known


def plans_assess_all(*, today: date | None = None) -> int:
    """The daily run: every live plan's standing (time alone makes instalments overdue)."""
    count = 0
    for plan_id in RepaymentPlan.objects.filter(status__in=LIVE_PLAN_STATUSES).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            plan_assess(plan=_locked_plan(plan_id), today=today)
        count += 1
    return count
