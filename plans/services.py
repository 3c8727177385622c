"""After "I accept": the plan and its instalments, made from what the cardholder was shown.

Called when `cases.core.offer_accepted` is sent, inside the acceptance's transaction, so that an
acceptance never exists without its plan. The agreement is rendered afterwards by a Celery task
queued when the transaction commits.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.core import record_event
from cases.models import HardshipCase, OfferAcceptance
from cases.policy.rules import current_policy
from plans.models import (
    Agreement,
    ArrangementKind,
    Instalment,
    InstalmentStatus,
    PlanStatus,
    RepaymentPlan,
)

#: Plans a case's end cancels: not yet signed, or running.
CANCELLABLE = (PlanStatus.AWAITING_SIGNATURE, PlanStatus.ON_TRACK, PlanStatus.AT_RISK)


def _money(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal("0.00")


def plan_create(*, acceptance: OfferAcceptance) -> RepaymentPlan:
    """The plan of an acceptance: terms, figures and every instalment copied from its snapshot."""
    offer = acceptance.offer
    case = offer.case
    terms = acceptance.terms
    now = timezone.now()
    plan = RepaymentPlan.objects.create(
        acceptance=acceptance,
        case=case,
        account_id=case.account_id,
        reference=f"PL-{case.reference.split('-')[-1]}-{acceptance.pk}",
        currency=acceptance.currency,
        language=acceptance.language or "en",
        plan_type=terms["plan_type"],
        terms=terms,
        figures=acceptance.figures,
        financed_amount=_money(acceptance.figures["financed_amount"]),
        total_payable=_money(acceptance.figures["total_payable"]),
        interest_waived=_money(terms.get("interest_waived")),
        fees_waived=_money(terms.get("fees_waived")),
        forgiven=_money(acceptance.figures.get("forgiven")),
        created_at=now,
        sign_by=now + timedelta(days=current_policy().signature_days),
    )
    Instalment.objects.bulk_create(
        Instalment(
            plan=plan,
            number=row["n"],
            due_date=date.fromisoformat(row["due_date"]),
            amount=_money(row["payment"]),
            principal=_money(row["principal"]),
            interest=_money(row["interest"]),
            fee=_money(row["fee"]),
            balance_after=_money(row["balance"]),
            status=InstalmentStatus.SCHEDULED
            if _money(row["payment"])
            else InstalmentStatus.NOTHING_DUE,
        )
        for row in acceptance.schedule
    )
    agreement = Agreement.objects.create(plan=plan, language=plan.language)
    record_event(
        case,
        actor=acceptance.accepted_by,
        kind="plan_created",
        payload={"plan": plan.reference, "instalments": len(acceptance.schedule)},
    )
    transaction.on_commit(lambda: _queue_render(agreement.pk))
    return plan


def _queue_render(agreement_id: int) -> None:
    from plans.tasks import agreement_render

    agreement_render.delay(agreement_id)


def on_offer_accepted(sender: object, acceptance: OfferAcceptance, **kwargs: object) -> None:
    plan_create(acceptance=acceptance)


def on_case_ended(sender: object, case: HardshipCase, actor: User, **kwargs: object) -> None:
    plan_cancel_with_case(case=case, actor=actor)


def plan_cancel_with_case(*, case: HardshipCase, actor: User) -> RepaymentPlan | None:
    """The case ended (closed or withdrawn) before its plan did: the plan is cancelled, its
    unpaid instalments stop being reminded of, and a plan the core system was applying is
    ended there too. Runs inside the transaction that ended the case."""
    from plans.arrangements import arrangement_record

    plan = (
        RepaymentPlan.objects.select_for_update(of=("self",))
        .filter(case=case, status__in=CANCELLABLE)
        .first()
    )
    if plan is None:
        return None
    was_running = plan.status != PlanStatus.AWAITING_SIGNATURE
    plan.cancel()
    plan.ended_at = timezone.now()
    plan.save(update_fields=["status", "ended_at"])
    record_event(
        case,
        actor=actor,
        kind="plan_cancelled",
        payload={"plan": plan.reference, "was_running": was_running},
    )
    if was_running:
        arrangement_record(plan=plan, kind=ArrangementKind.END)
    return plan
