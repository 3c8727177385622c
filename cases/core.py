"""What every feature of `cases` shares: refusals, the case row lock and version, the timeline
event, the FSM transition that refuses a wrong state with a clear message, offer terms as JSON,
and telling the cardholder. Features import this; this imports only models and the calculator.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_fsm import TransitionNotAllowed

from accounts import services as account_services
from accounts.models import User
from cases.models import (
    DECISION_EVENTS,
    FIRST_RESPONSE_EVENTS,
    LIVE_OFFER_STATUSES,
    CaseEvent,
    HardshipCase,
    Offer,
    OfferStatus,
    Proposer,
)
from plans.calculator import PlanTerms, PlanType, Schedule

#: Sent inside the acceptance's transaction with `acceptance` (an `OfferAcceptance`): `plans`
#: makes the repayment plan and queues its agreement (cases never imports plans).
offer_accepted = Signal()
#: Sent inside the transaction that ends a case (closed by staff, withdrawn by the cardholder),
#: with `case` and `actor`: `plans` cancels a plan not yet completed and tells the core system.
case_ended = Signal()


class CaseActionRefused(Exception):
    """The action is not possible now; the message tells the user why, in their language."""


class CaseChanged(CaseActionRefused):
    """Someone else changed the case since this page was loaded."""

    def __init__(self) -> None:
        super().__init__(
            _("This case changed while you were looking at it. Reload the page and try again.")
        )


def record_event(
    case: HardshipCase,
    *,
    actor: User | None,
    kind: str,
    from_status: str = "",
    payload: dict[str, Any] | None = None,
    visible: bool = True,
    occurred_at: datetime | None = None,
) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        actor=actor,
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        from_status=from_status,
        to_status=case.status if from_status else "",
        payload=payload or {},
        visible_to_cardholder=visible,
    )
    milestones = {}
    if case.submitted_at is not None:
        if kind in FIRST_RESPONSE_EVENTS and case.first_response_at is None:
            milestones["first_response_at"] = event.occurred_at
        if kind in DECISION_EVENTS and case.decided_at is None:
            milestones["decided_at"] = event.occurred_at
    if milestones:
        # A plain update: these are records of when, not changes anyone must see as a new
        # version of the case.
        HardshipCase.objects.filter(pk=case.pk).update(**milestones)
        for name, value in milestones.items():
            setattr(case, name, value)
    return event


def is_holder(case: HardshipCase, user: User) -> bool:
    return case.account.holder_id == user.pk


def lock_case(case: HardshipCase, *, version: int | None) -> HardshipCase:
    """Re-read the case under a row lock; refuse if it moved on since `version`."""
    locked = HardshipCase.objects.select_for_update().select_related("account").get(pk=case.pk)
    if version is not None and locked.version != version:
        raise CaseChanged
    return locked


def bump_version(case: HardshipCase, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=["version", "updated_at", *fields])


def terms_to_json(terms: PlanTerms) -> dict[str, Any]:
    """PlanTerms as JSON: amounts and rates as strings, dates ISO, absent options left out."""
    data: dict[str, Any] = {}
    for name in PlanTerms.__dataclass_fields__:
        value = getattr(terms, name)
        if value is None:
            continue
        if isinstance(value, (Decimal, date)):
            value = str(value) if isinstance(value, Decimal) else value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        data[name] = value
    return data


_INT_TERMS = {"months", "deferral_months", "step_months", "settlement_payments"}


def terms_from_json(data: dict[str, Any]) -> PlanTerms:
    """The inverse of `terms_to_json`: re-quote exactly the plan that was offered."""
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name == "plan_type":
            values[name] = PlanType(value)
        elif name == "start_date":
            values[name] = date.fromisoformat(value)
        elif name in _INT_TERMS:
            values[name] = int(value)
        else:
            values[name] = Decimal(value)
    return PlanTerms(**values)


def schedule_summary(schedule: Schedule) -> dict[str, Any]:
    """The figures shown with an offer, kept so that what was agreed is what was shown."""

    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "monthly_payment": text(schedule.monthly_payment),
        "financed_amount": text(schedule.financed_amount),
        "total_payable": text(schedule.total_payable),
        "total_interest": text(schedule.total_interest),
        "total_fees": text(schedule.total_fees),
        "concession_total": text(schedule.concession_total),
        "forgiven": text(schedule.forgiven),
        "annualised_rate": text(schedule.annualised_rate),
        "effective_annual_rate": text(schedule.effective_annual_rate),
        "months": schedule.months,
        "first_due_date": schedule.rows[0].due_date.isoformat(),
        "last_due_date": schedule.last_due_date.isoformat(),
    }


def list_text(items: list[str]) -> str:
    """Items joined as the reader's language lists them ("a, b" in English, "a、b" in Chinese)."""
    # Translators: the separator between items of a list.
    return pgettext("list separator", ", ").join(items)


def run_transition(case: HardshipCase, name: str) -> str:
    """Run the named FSM transition; a wrong state becomes a clear refusal."""
    from_status = case.status
    try:
        getattr(case, name)()
    except TransitionNotAllowed:
        raise CaseActionRefused(
            _("This action is not possible while the case is “%(status)s”.")
            % {"status": case.get_status_display()}
        ) from None
    return from_status


def notify_holder(case: HardshipCase, title: str, body: str = "", **params: Any) -> None:
    holder = case.account.holder
    if holder is not None:
        account_services.notify(
            user=holder,
            title=title,
            body=body,
            params={"reference": case.reference, **params},
            link=case.get_absolute_url(),
        )


#: Offer transitions whose event the cardholder does not see: the offer never reached them.
_STAFF_ONLY_OFFER_EVENTS = {"offer_rejected", "offer_withdrawn_unsent"}


def offer_move(
    offer: Offer,
    name: str,
    *,
    case: HardshipCase,
    actor: User | None,
    from_status: str = "",
    payload: dict[str, Any] | None = None,
    kind: str = "",
    visible: bool | None = None,
) -> CaseEvent:
    """Move the offer through its transition `name` and write the event, in one place.

    `from_status` is given when the case changed status in the same step, so the one event
    records both. The cardholder does not see events about offers that never reached them.
    """
    was_sent = offer.sent_at is not None or offer.proposer == Proposer.CARDHOLDER
    try:
        getattr(offer, name)()
    except TransitionNotAllowed:
        raise CaseActionRefused(
            _("This offer is no longer open: it was answered or replaced.")
        ) from None
    offer.save()
    kind = kind or f"offer_{offer.status}"
    if kind == "offer_withdrawn" and not was_sent:
        kind = "offer_withdrawn_unsent"
    return record_event(
        case,
        actor=actor,
        kind=kind,
        from_status=from_status,
        payload={"offer": offer.pk, **(payload or {})},
        visible=(was_sent and kind not in _STAFF_ONLY_OFFER_EVENTS) if visible is None else visible,
    )


def offers_end(
    case: HardshipCase,
    name: str,
    *,
    actor: User | None,
    statuses: Any = LIVE_OFFER_STATUSES,
    with_case: bool = True,
) -> None:
    """Every offer of the case still in play ends the same way: with the case (closed,
    withdrawn, declined; the case's own event says so, the offers' are for staff) or replaced
    by a new proposal (`with_case=False`)."""
    for offer in case.offers.filter(status__in=list(statuses)).order_by("pk"):
        if with_case:
            offer_move(
                offer, name, case=case, actor=actor, kind="offer_ended_with_case", visible=False
            )
        else:
            offer_move(offer, name, case=case, actor=actor)


def lock_offer(offer: Offer, case: HardshipCase) -> Offer:
    return Offer.objects.select_for_update().get(pk=offer.pk, case=case)


def cardholder_request_create(
    *,
    case: HardshipCase,
    actor: User,
    schedule: Schedule,
    note: str,
    supersedes: Offer | None = None,
) -> Offer:
    """Record a plan the cardholder asks for, in the application or as a counter-offer."""
    return Offer.objects.create(
        case=case,
        proposer=Proposer.CARDHOLDER,
        created_by=actor,
        terms=terms_to_json(schedule.terms),
        summary=schedule_summary(schedule),
        rationale=note.strip(),
        status=OfferStatus.REQUESTED,
        supersedes=supersedes,
    )


def owed_moved_since(offer: Offer, case: HardshipCase) -> bool:
    """Whether what is owed now differs from what `offer` was worked out on by more than the
    policy's tolerance (a payment came in, fees were charged)."""
    from cases.policy.rules import current_policy
    from cases.selectors import balance_of

    terms = terms_from_json(offer.terms)
    offered = terms.balance + terms.accrued_interest + terms.fees
    now_owed = balance_of(case.account).total
    tolerance = current_policy().stale_offer_tolerance_percent
    return abs(now_owed - offered) * 100 > offered * tolerance
