"""The collections team's use cases: claim, assign, request information, offers with
maker-checker approval, decline, close, expiry, evidence review.

Each service locks the case row, checks the actor's permission and the case's state (the
django-fsm-2 transition refuses a wrong one), compares the version the actor saw, changes the
case, writes a `CaseEvent` and notifies. Two staff acting on one case at once: the second waits
for the lock, then sees the new version and is refused with "this case changed".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Perm
from cases.core import (
    LIVE_OFFER_STATUSES,
    CaseActionRefused,
    bump_version,
    lock_case,
    lock_offer,
    notify_holder,
    record_event,
    run_transition,
    schedule_summary,
    terms_from_json,
    terms_to_json,
)
from cases.models import (
    CaseStatus,
    Document,
    DocumentStatus,
    HardshipCase,
    Message,
    Offer,
    OfferStatus,
    Proposer,
)
from cases.policy.rules import authority_for, authority_limits, current_policy, exceeded_limits
from plans.calculator import Schedule, build_schedule


def require_staff(actor: User) -> None:
    if not actor.has_perm(Perm.WORK_CASES):
        raise CaseActionRefused(_("Only the collections team can do this."))


def require_worker(case: HardshipCase, actor: User) -> None:
    """The assignee works the case; a supervisor may step in on any case."""
    require_staff(actor)
    if case.escalated and not actor.has_perm(Perm.APPROVE_OFFERS):
        raise CaseActionRefused(_("This case was appealed; only a supervisor can work on it."))
    if case.assignee_id != actor.pk and not actor.has_perm(Perm.ASSIGN_CASES):
        raise CaseActionRefused(_("Claim this case before working on it."))


@transaction.atomic
def case_claim(*, case: HardshipCase, actor: User, version: int) -> HardshipCase:
    case = lock_case(case, version=version)
    require_staff(actor)
    if case.escalated and not actor.has_perm(Perm.APPROVE_OFFERS):
        raise CaseActionRefused(_("This case was appealed; only a supervisor can work on it."))
    if case.assignee_id is not None and case.assignee_id != actor.pk:
        raise CaseActionRefused(_("Another agent has already claimed this case."))
    from_status = run_transition(case, "take_into_review")
    case.assignee = actor
    bump_version(case, "status", "assignee")
    record_event(case, actor=actor, kind="claimed", from_status=from_status, visible=False)
    return case


@transaction.atomic
def case_assign(*, case: HardshipCase, actor: User, assignee: User, version: int) -> HardshipCase:
    """A supervisor gives the case to an agent (or takes it back from one)."""
    case = lock_case(case, version=version)
    if not actor.has_perm(Perm.ASSIGN_CASES):
        raise CaseActionRefused(_("Only a supervisor can assign cases."))
    if not assignee.has_perm(Perm.WORK_CASES):
        raise CaseActionRefused(_("Cases can only be assigned to the collections team."))
    if case.escalated and not assignee.has_perm(Perm.APPROVE_OFFERS):
        raise CaseActionRefused(_("This case was appealed; assign it to a supervisor."))
    if not case.is_open or case.status == CaseStatus.DRAFT:
        raise CaseActionRefused(_("Only open, submitted cases can be assigned."))
    from_status = ""
    if case.status == CaseStatus.SUBMITTED:
        from_status = run_transition(case, "take_into_review")
    previous = case.assignee.email if case.assignee else ""
    case.assignee = assignee
    bump_version(case, "status", "assignee")
    record_event(
        case,
        actor=actor,
        kind="assigned",
        from_status=from_status,
        payload={"from": previous, "to": assignee.email},
        visible=False,
    )
    return case


@transaction.atomic
def case_request_info(
    *, case: HardshipCase, actor: User, version: int, request: str, due: date
) -> HardshipCase:
    case = lock_case(case, version=version)
    require_worker(case, actor)
    request = request.strip()
    if not request:
        raise CaseActionRefused(_("Say what information you need."))
    if due <= timezone.localdate():
        raise CaseActionRefused(_("The due date must be in the future."))
    from_status = run_transition(case, "await_cardholder")
    case.info_requested, case.info_due = request, due
    bump_version(case, "status", "info_requested", "info_due")
    Message.objects.create(case=case, author=actor, body=request, from_staff=True)
    record_event(
        case,
        actor=actor,
        kind="info_requested",
        from_status=from_status,
        payload={"due": due.isoformat()},
    )
    notify_holder(
        case,
        gettext_noop("We need more information for case %(reference)s"),
        gettext_noop("Please reply by %(due)s."),
        due=due.isoformat(),
    )
    return case


@transaction.atomic
def offer_propose(
    *, case: HardshipCase, actor: User, version: int, schedule: Schedule, rationale: str
) -> Offer:
    """Make the bank's offer (a recommended plan, custom terms, or a counter to the request).

    Within the maker's authority it goes to the cardholder at once; beyond it, it waits for a
    supervisor, with the limits it exceeds and by how much.
    """
    case = lock_case(case, version=version)
    require_worker(case, actor)
    rationale = rationale.strip()
    if not rationale:
        raise CaseActionRefused(_("Explain the offer: the cardholder reads this rationale."))
    excesses = exceeded_limits(schedule, authority_for(actor), current_apr=case.account.apr)
    target = "await_approval" if excesses else "await_cardholder"
    from_status = run_transition(case, target)
    previous = case.offers.filter(status__in=LIVE_OFFER_STATUSES).order_by("-created_at").first()
    case.offers.filter(status__in=LIVE_OFFER_STATUSES).update(status=OfferStatus.SUPERSEDED)
    if previous is not None:
        previous.refresh_from_db(fields=["status"])
    now = timezone.now()
    offer = Offer.objects.create(
        case=case,
        proposer=Proposer.BANK,
        created_by=actor,
        terms=terms_to_json(schedule.terms),
        summary=schedule_summary(schedule),
        rationale=rationale,
        status=OfferStatus.PENDING_APPROVAL if excesses else OfferStatus.OPEN,
        sent_at=None if excesses else now,
        expires_at=None if excesses else now + timedelta(days=current_policy().offer_validity_days),
        supersedes=previous,
        exceeds=[excess.as_json() for excess in excesses],
    )
    case.info_requested, case.info_due = "", None
    bump_version(case, "status", "info_requested", "info_due")
    if excesses:
        record_event(
            case,
            actor=actor,
            kind="offer_for_approval",
            from_status=from_status,
            payload={"offer": offer.pk, "exceeds": offer.exceeds},
            visible=False,
        )
    else:
        record_event(
            case,
            actor=actor,
            kind="offer_sent",
            from_status=from_status,
            payload={"offer": offer.pk},
        )
        notify_holder(case, gettext_noop("You have an offer on case %(reference)s"))
    return offer


@transaction.atomic
def offer_approve(*, offer: Offer, actor: User, version: int, note: str = "") -> Offer:
    """Maker-checker: a supervisor other than the maker sends the offer to the cardholder."""
    case = lock_case(offer.case, version=version)
    offer = lock_offer(offer, case)
    if not actor.has_perm(Perm.APPROVE_OFFERS):
        raise CaseActionRefused(_("Only a supervisor can approve offers."))
    if offer.created_by_id == actor.pk:
        raise CaseActionRefused(_("You made this offer, so someone else must approve it."))
    if offer.status != OfferStatus.PENDING_APPROVAL:
        raise CaseActionRefused(_("This offer is not waiting for approval."))
    schedule = build_schedule(terms_from_json(offer.terms))
    beyond = exceeded_limits(
        schedule, authority_limits(role="supervisor"), current_apr=case.account.apr
    )
    if beyond:
        raise CaseActionRefused(
            _("This offer is beyond your authority too; reject it with a reason.")
        )
    from_status = run_transition(case, "approve")
    now = timezone.now()
    offer.status = OfferStatus.OPEN
    offer.decided_by, offer.decided_at, offer.decision_reason = actor, now, note.strip()
    offer.sent_at = now
    offer.expires_at = now + timedelta(days=current_policy().offer_validity_days)
    offer.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_reason",
            "sent_at",
            "expires_at",
        ]
    )
    bump_version(case, "status")
    record_event(
        case,
        actor=actor,
        kind="offer_approved",
        from_status=from_status,
        payload={"offer": offer.pk, "note": offer.decision_reason},
        visible=False,
    )
    record_event(case, actor=actor, kind="offer_sent", payload={"offer": offer.pk})
    notify_holder(case, gettext_noop("You have an offer on case %(reference)s"))
    return offer


@transaction.atomic
def offer_reject(*, offer: Offer, actor: User, version: int, reason: str) -> Offer:
    """A supervisor refuses an offer beyond authority; it is kept, with the reason, forever."""
    case = lock_case(offer.case, version=version)
    offer = lock_offer(offer, case)
    if not actor.has_perm(Perm.APPROVE_OFFERS):
        raise CaseActionRefused(_("Only a supervisor can reject offers."))
    if offer.created_by_id == actor.pk:
        raise CaseActionRefused(_("You made this offer, so someone else must decide on it."))
    if offer.status != OfferStatus.PENDING_APPROVAL:
        raise CaseActionRefused(_("This offer is not waiting for approval."))
    reason = reason.strip()
    if not reason:
        raise CaseActionRefused(_("Give the reason for rejecting the offer."))
    from_status = run_transition(case, "reject")
    offer.status = OfferStatus.REJECTED
    offer.decided_by, offer.decided_at, offer.decision_reason = actor, timezone.now(), reason
    offer.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    bump_version(case, "status")
    record_event(
        case,
        actor=actor,
        kind="offer_rejected",
        from_status=from_status,
        payload={"offer": offer.pk, "reason": reason},
        visible=False,
    )
    return offer


def _expire(case: HardshipCase, offer: Offer) -> None:
    offer.status = OfferStatus.EXPIRED
    offer.save(update_fields=["status"])
    from_status = run_transition(case, "return_to_review")
    bump_version(case, "status")
    record_event(
        case, actor=None, kind="offer_expired", from_status=from_status, payload={"offer": offer.pk}
    )


def offers_expire_due(*, now: datetime | None = None) -> int:
    """Expire every open offer past its validity; each case returns to review. Idempotent."""
    now = now or timezone.now()
    expired = 0
    due = Offer.objects.filter(status=OfferStatus.OPEN, expires_at__lte=now).values_list(
        "pk", "case_id"
    )
    for offer_pk, case_pk in list(due):
        with transaction.atomic():
            case = HardshipCase.objects.select_for_update().get(pk=case_pk)
            offer = Offer.objects.select_for_update().get(pk=offer_pk)
            # Re-check under the lock: it may have been accepted a moment ago.
            if offer.status != OfferStatus.OPEN or case.status != CaseStatus.AWAITING_CARDHOLDER:
                continue
            _expire(case, offer)
            notify_holder(case, gettext_noop("The offer on case %(reference)s has expired"))
            expired += 1
    return expired


@transaction.atomic
def case_decline(*, case: HardshipCase, actor: User, version: int, reason: str) -> HardshipCase:
    """No plan can be offered. The reason is mandatory and shown; the cardholder may appeal."""
    case = lock_case(case, version=version)
    require_worker(case, actor)
    reason = reason.strip()
    if not reason:
        raise CaseActionRefused(_("Give the reason: the cardholder reads it and may appeal."))
    from_status = run_transition(case, "decline")
    case.outcome_reason, case.escalated = reason, False
    case.closed_at = timezone.now()
    case.offers.filter(status__in=LIVE_OFFER_STATUSES).update(status=OfferStatus.DECLINED)
    bump_version(case, "status", "outcome_reason", "escalated", "closed_at")
    record_event(
        case, actor=actor, kind="declined", from_status=from_status, payload={"reason": reason}
    )
    notify_holder(case, gettext_noop("Our decision on case %(reference)s"))
    return case


@transaction.atomic
def case_close(*, case: HardshipCase, actor: User, version: int, reason: str) -> HardshipCase:
    case = lock_case(case, version=version)
    require_worker(case, actor)
    reason = reason.strip()
    if not reason:
        raise CaseActionRefused(_("Give the reason for closing the case."))
    from_status = run_transition(case, "close")
    case.outcome_reason, case.closed_at = reason, timezone.now()
    case.offers.filter(status__in=LIVE_OFFER_STATUSES).update(status=OfferStatus.WITHDRAWN)
    bump_version(case, "status", "outcome_reason", "closed_at")
    record_event(
        case, actor=actor, kind="closed", from_status=from_status, payload={"reason": reason}
    )
    notify_holder(case, gettext_noop("Case %(reference)s was closed"))
    return case


@transaction.atomic
def document_review(
    *, document: Document, actor: User, accepted: bool, reason: str = ""
) -> Document:
    """Accept or reject one piece of evidence; the reason is shown to the cardholder."""
    case = lock_case(document.case, version=None)
    require_worker(case, actor)
    reason = reason.strip()
    if not accepted and not reason:
        raise CaseActionRefused(
            _("Say why the document cannot be accepted; the cardholder reads it.")
        )
    document = Document.objects.select_for_update().get(pk=document.pk, case=case)
    document.status = DocumentStatus.ACCEPTED if accepted else DocumentStatus.REJECTED
    document.review_reason = reason
    document.save(update_fields=["status", "review_reason"])
    record_event(
        case,
        actor=actor,
        kind="document_accepted" if accepted else "document_rejected",
        payload={"name": document.original_name, "reason": reason},
    )
    return document
