"""The cardholder's side of the negotiation: accept, decline or counter an offer, answer a
request for information, appeal a decline.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import services as account_services
from accounts.models import User
from cases.conversation import message_post
from cases.core import (
    CaseActionRefused,
    bump_version,
    cardholder_request_create,
    lock_case,
    lock_offer,
    record_event,
    run_transition,
)
from cases.models import (
    CaseStatus,
    HardshipCase,
    Message,
    Offer,
    OfferStatus,
)
from plans.calculator import Schedule


def _holder(case: HardshipCase, actor: User) -> None:
    if case.account.holder_id != actor.pk:
        raise CaseActionRefused(_("Only the cardholder can answer this."))


def _refuse_if_expired(offer: Offer) -> None:
    """An offer past its validity can be neither accepted nor countered, even in the minutes
    before the expiry task returns the case to review."""
    if offer.expires_at is not None and offer.expires_at <= timezone.now():
        raise CaseActionRefused(_("This offer has expired. We will review your case again."))


def _open_offer_for_cardholder(case: HardshipCase, offer: Offer, actor: User) -> Offer:
    _holder(case, actor)
    offer = lock_offer(offer, case)
    if offer.status != OfferStatus.OPEN or case.status != CaseStatus.AWAITING_CARDHOLDER:
        raise CaseActionRefused(_("This offer is no longer open: it was answered or replaced."))
    return offer


@transaction.atomic
def offer_accept(*, offer: Offer, actor: User, version: int, consent: bool) -> Offer:
    """The cardholder accepts, with explicit consent, an open offer that has not expired."""
    case = lock_case(offer.case, version=version)
    offer = _open_offer_for_cardholder(case, offer, actor)
    if not consent:
        raise CaseActionRefused(_("Tick the box to confirm that you agree to these terms."))
    _refuse_if_expired(offer)
    from_status = run_transition(case, "agree")
    offer.status = OfferStatus.ACCEPTED
    offer.decided_by, offer.decided_at = actor, timezone.now()
    offer.save(update_fields=["status", "decided_by", "decided_at"])
    bump_version(case, "status")
    record_event(
        case,
        actor=actor,
        kind="offer_accepted",
        from_status=from_status,
        payload={"offer": offer.pk},
    )
    if case.assignee is not None:
        account_services.notify(
            user=case.assignee,
            title=gettext_noop("The cardholder accepted the offer on case %(reference)s"),
            params={"reference": case.reference},
            link=case.get_absolute_url(),
        )
    return offer


@transaction.atomic
def offer_decline(*, offer: Offer, actor: User, version: int, reason: str = "") -> Offer:
    case = lock_case(offer.case, version=version)
    offer = _open_offer_for_cardholder(case, offer, actor)
    from_status = run_transition(case, "return_to_review")
    offer.status = OfferStatus.DECLINED
    offer.decided_by, offer.decided_at, offer.decision_reason = (
        actor,
        timezone.now(),
        reason.strip(),
    )
    offer.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    bump_version(case, "status")
    record_event(
        case,
        actor=actor,
        kind="offer_declined",
        from_status=from_status,
        payload={"offer": offer.pk, "reason": offer.decision_reason},
    )
    return offer


@transaction.atomic
def offer_counter(
    *, offer: Offer, actor: User, version: int, schedule: Schedule, note: str
) -> Offer:
    """The cardholder answers an offer with terms of their own; the case goes back to review."""
    case = lock_case(offer.case, version=version)
    offer = _open_offer_for_cardholder(case, offer, actor)
    _refuse_if_expired(offer)
    from_status = run_transition(case, "return_to_review")
    offer.status = OfferStatus.SUPERSEDED
    offer.save(update_fields=["status"])
    counter = cardholder_request_create(
        case=case, actor=actor, schedule=schedule, note=note, supersedes=offer
    )
    bump_version(case, "status")
    record_event(
        case, actor=actor, kind="countered", from_status=from_status, payload={"offer": counter.pk}
    )
    return counter


@transaction.atomic
def case_reply(
    *, case: HardshipCase, actor: User, version: int, body: str, attachment: Any = None
) -> Message:
    """The cardholder answers a request for information: the case returns to review."""
    case = lock_case(case, version=version)
    _holder(case, actor)
    if case.status != CaseStatus.AWAITING_CARDHOLDER or not case.info_requested:
        raise CaseActionRefused(_("We are not waiting for information from you on this case."))
    message = message_post(case=case, author=actor, body=body, attachment=attachment)
    case.refresh_from_db()
    from_status = run_transition(case, "return_to_review")
    case.info_requested, case.info_due = "", None
    bump_version(case, "status", "info_requested", "info_due")
    record_event(case, actor=actor, kind="info_provided", from_status=from_status)
    return message


@transaction.atomic
def case_appeal(*, case: HardshipCase, actor: User, version: int, reason: str) -> HardshipCase:
    """The cardholder appeals a decline: the case goes to a supervisor."""
    case = lock_case(case, version=version)
    _holder(case, actor)
    reason = reason.strip()
    if not reason:
        raise CaseActionRefused(_("Tell us why you are appealing."))
    from_status = run_transition(case, "appeal")
    case.escalated, case.assignee, case.closed_at = True, None, None
    bump_version(case, "status", "escalated", "assignee", "closed_at")
    record_event(
        case, actor=actor, kind="appealed", from_status=from_status, payload={"reason": reason}
    )
    return case
