"""The cardholder's side of the negotiation: accept, decline or counter an offer, answer a
request for information, appeal a decline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import User
from cases.conversation import message_post
from cases.core import (
    CaseActionRefused,
    bump_version,
    cardholder_request_create,
    lock_case,
    lock_offer,
    offer_accepted,
    offer_move,
    owed_moved_since,
    record_event,
    run_transition,
    schedule_summary,
)
from cases.disclosure import disclosure_for, schedule_as_json
from cases.models import (
    CaseStatus,
    HardshipCase,
    Message,
    Offer,
    OfferAcceptance,
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


class OfferOutOfDate(CaseActionRefused):
    """What is owed moved too far since the offer was made; the case went back to review."""


@dataclass(frozen=True)
class Consent:
    """How the cardholder consented: the hash of the disclosure their page showed, and where
    from (kept with the acceptance)."""

    shown_sha256: str
    ip_address: str | None = None
    user_agent: str = ""


def _balances(case: HardshipCase) -> dict[str, str]:
    account = case.account
    return {
        "principal": str(account.principal_balance),
        "interest": str(account.interest_balance),
        "penalty_interest": str(account.penalty_interest_balance),
        "fees": str(account.fees_balance),
    }


def offer_accept(*, offer: Offer, actor: User, version: int, consent: Consent | None) -> Offer:
    """The cardholder accepts, with explicit consent, exactly the open offer they were shown.

    Refused, changing nothing: without consent; past the offer's validity; when the disclosure
    the page showed (its SHA-256) is not the one the offer gives now. When what is owed moved
    beyond the policy's tolerance since the offer was made, the offer is withdrawn as out of
    date and the case goes back to review (recorded), and the refusal says so.

    On acceptance the disclosure, every instalment, the figures and the balances are stored,
    with the consent record, in an `OfferAcceptance` that is never changed.
    """
    with transaction.atomic():
        case = lock_case(offer.case, version=version)
        offer = _open_offer_for_cardholder(case, offer, actor)
        if consent is None:
            raise CaseActionRefused(_("Tick the box to confirm that you agree to these terms."))
        _refuse_if_expired(offer)
        if owed_moved_since(offer, case):
            from_status = run_transition(case, "return_to_review")
            offer.decision_reason = "balances changed"
            offer_move(
                offer,
                "withdraw",
                case=case,
                actor=None,
                from_status=from_status,
                kind="offer_out_of_date",
                payload={"balances": _balances(case)},
            )
            bump_version(case, "status")
            out_of_date = True
        else:
            out_of_date = False
            _accept(case, offer, actor, consent)
    if out_of_date:
        raise OfferOutOfDate(
            _(
                "What you owe has changed since we made this offer, so it is out of date and "
                "was withdrawn. We are reviewing your case again and will send you a new offer."
            )
        )
    return offer


def _accept(case: HardshipCase, offer: Offer, actor: User, consent: Consent) -> None:
    disclosure = disclosure_for(offer, case.account)
    if consent.shown_sha256 != disclosure.sha256:
        raise CaseActionRefused(
            _(
                "The terms on your page are not the ones of this offer any more (the page may "
                "be old, or in another language). Read the offer again before accepting."
            )
        )
    from_status = run_transition(case, "agree")
    now = timezone.now()
    offer.decided_by, offer.decided_at = actor, now
    offer_move(offer, "accept", case=case, actor=actor, from_status=from_status)
    acceptance = OfferAcceptance.objects.create(
        offer=offer,
        accepted_by=actor,
        accepted_at=now,
        ip_address=consent.ip_address,
        user_agent=consent.user_agent[:300],
        language=get_language() or "",
        currency=disclosure.currency,
        terms=offer.terms,
        schedule=schedule_as_json(disclosure.schedule),
        figures=schedule_summary(disclosure.schedule),
        balances=_balances(case),
        disclosure_text=disclosure.text,
        disclosure_sha256=disclosure.sha256,
    )
    bump_version(case, "status")
    offer_accepted.send(sender=OfferAcceptance, acceptance=acceptance)
    if case.assignee is not None:
        account_services.notify(
            user=case.assignee,
            title=gettext_noop("The cardholder accepted the offer on case %(reference)s"),
            params={"reference": case.reference},
            link=reverse("cases:review", args=[case.pk]),
        )


@transaction.atomic
def offer_decline(*, offer: Offer, actor: User, version: int, reason: str = "") -> Offer:
    case = lock_case(offer.case, version=version)
    offer = _open_offer_for_cardholder(case, offer, actor)
    from_status = run_transition(case, "return_to_review")
    offer.decided_by, offer.decided_at, offer.decision_reason = (
        actor,
        timezone.now(),
        reason.strip(),
    )
    offer_move(
        offer,
        "decline",
        case=case,
        actor=actor,
        from_status=from_status,
        payload={"reason": offer.decision_reason},
    )
    bump_version(case, "status")
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
    offer_move(offer, "supersede", case=case, actor=actor)
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
