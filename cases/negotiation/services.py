"""The collections team's use cases: claim, assign, request information, offers with
maker-checker approval, decline, close, expiry, evidence review.

Each service locks the case row, checks the actor's permission and the case's state (the
django-fsm-2 transition refuses a wrong one), compares the version the actor saw, changes the
case, writes a `CaseEvent` and notifies. Two staff acting on one case at once: the second waits
for the lock, then sees the new version and is refused with "this case changed".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import TransitionNotAllowed

from accounts import services as account_services
from accounts.models import User
from accounts.roles import Perm
from cases.core import (
    CaseActionRefused,
    bump_version,
    case_ended,
    lock_case,
    lock_offer,
    notify_holder,
    offer_move,
    offers_end,
    record_event,
    run_transition,
    schedule_summary,
    terms_from_json,
    terms_to_json,
)
from cases.models import (
    LIVE_OFFER_STATUSES,
    CaseStatus,
    Document,
    HardshipCase,
    Message,
    Offer,
    OfferStatus,
    Proposer,
)
from cases.policy.rules import authority_for, current_policy, exceeded_limits
from cases.statement import DebtLine, replace_statement
from plans.calculator import Schedule, build_schedule


def require_staff(actor: User) -> None:
    if not actor.has_perm(Perm.WORK_CASES):
        raise CaseActionRefused(_("Only the collections team can do this."))


def require_worker(case: HardshipCase, actor: User) -> None:
    """The assignee works the case; a supervisor may step in on any case."""
    require_staff(actor)
    if case.escalated and not actor.has_perm(Perm.APPROVE_OFFERS):
        raise CaseActionRefused(_("This case was appealed; only a supervisor can work on it."))
    if case.escalated and case.declined_by_id == actor.pk:
        raise CaseActionRefused(
            _("You declined this case, so its appeal must be heard by another supervisor.")
        )
    if case.assignee_id != actor.pk and not actor.has_perm(Perm.ASSIGN_CASES):
        raise CaseActionRefused(_("Claim this case before working on it."))


@transaction.atomic
def case_claim(*, case: HardshipCase, actor: User, version: int) -> HardshipCase:
    case = lock_case(case, version=version)
    require_staff(actor)
    if case.escalated and not actor.has_perm(Perm.APPROVE_OFFERS):
        raise CaseActionRefused(_("This case was appealed; only a supervisor can work on it."))
    if case.escalated and case.declined_by_id == actor.pk:
        raise CaseActionRefused(
            _("You declined this case, so its appeal must be heard by another supervisor.")
        )
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
    if case.escalated and case.declined_by_id == assignee.pk:
        raise CaseActionRefused(
            _("This supervisor declined the case; its appeal must be heard by someone else.")
        )
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
def case_record_statement(
    *,
    case: HardshipCase,
    actor: User,
    version: int,
    household_size: int,
    dependants: int,
    income: dict[str, Decimal],
    essentials: dict[str, Decimal],
    debts: list[DebtLine],
) -> HardshipCase:
    """Staff take down the cardholder's income and spending (on the phone, in a branch), so the
    case gets recommendations. Only while the case is in review, by whoever works it."""
    case = lock_case(case, version=version)
    require_worker(case, actor)
    if case.status != CaseStatus.IN_REVIEW:
        raise CaseActionRefused(
            _("Income and spending can be taken down only while the case is in review.")
        )
    replace_statement(
        case,
        household_size=household_size,
        dependants=dependants,
        income=income,
        essentials=essentials,
        debts=debts,
    )
    bump_version(case, "household_size", "dependants")
    record_event(case, actor=actor, kind="statement_recorded", payload={"channel": case.channel})
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


def approvers_for(*, schedule: Schedule, case: HardshipCase, maker: User) -> list[User]:
    """Who could approve an offer on these terms: every active supervisor, other than its maker
    (and other than whoever declined the case, if it was appealed), whose authority covers it."""
    candidates = (
        User.objects.filter(is_active=True, groups__permissions__codename=APPROVE_CODENAME)
        .exclude(pk=maker.pk)
        .distinct()
        .select_related("profile")
    )
    if case.escalated and case.declined_by_id:
        candidates = candidates.exclude(pk=case.declined_by_id)
    return [
        user
        for user in candidates
        if not exceeded_limits(schedule, authority_for(user), current_apr=case.account.apr)
    ]


APPROVE_CODENAME = Perm.APPROVE_OFFERS.split(".", 1)[1]


@transaction.atomic
def offer_propose(
    *, case: HardshipCase, actor: User, version: int, schedule: Schedule, rationale: str
) -> Offer:
    """Make the bank's offer (a recommended plan, custom terms, or a counter to the request).

    Within the maker's authority it goes to the cardholder at once; beyond it, it waits for a
    supervisor, with the limits it exceeds and by how much, and every supervisor who could
    approve it is told. An offer nobody could approve is refused before it is sent, with the
    reason, so that no case waits for an approval nobody can give.
    """
    case = lock_case(case, version=version)
    require_worker(case, actor)
    rationale = rationale.strip()
    if not rationale:
        raise CaseActionRefused(_("Explain the offer: the cardholder reads this rationale."))
    excesses = exceeded_limits(schedule, authority_for(actor), current_apr=case.account.apr)
    approvers = approvers_for(schedule=schedule, case=case, maker=actor) if excesses else []
    if excesses and not approvers:
        raise CaseActionRefused(
            _(
                "This offer goes beyond your authority, and nobody else who could approve it is "
                "available: no other supervisor's authority covers it. Change the terms to fit "
                "within the limits shown, or ask an administrator about the authority limits."
            )
        )
    target = "await_approval" if excesses else "await_cardholder"
    from_status = run_transition(case, target)
    previous = case.offers.filter(status__in=LIVE_OFFER_STATUSES).order_by("-created_at").first()
    offers_end(case, "supersede", actor=actor, with_case=False)
    if previous is not None:
        previous.refresh_from_db()
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
        for approver in approvers:
            account_services.notify(
                user=approver,
                title=gettext_noop("An offer on case %(reference)s waits for your approval"),
                params={"reference": case.reference},
                link=reverse("cases:approvals"),
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


def _pending(offer: Offer, case: HardshipCase) -> Offer:
    offer = lock_offer(offer, case)
    if offer.status != OfferStatus.PENDING_APPROVAL:
        raise CaseActionRefused(_("This offer is not waiting for approval."))
    return offer


def _tell_maker(offer: Offer, case: HardshipCase, title: str, **params: Any) -> None:
    if offer.created_by is None:  # an automatic decision's offer: nobody to tell
        return
    account_services.notify(
        user=offer.created_by,
        title=title,
        params={"reference": case.reference, **params},
        link=reverse("cases:review", args=[case.pk]),
    )


@transaction.atomic
def offer_approve(*, offer: Offer, actor: User, version: int, note: str = "") -> Offer:
    """Maker-checker: a supervisor other than the maker sends the offer to the cardholder."""
    case = lock_case(offer.case, version=version)
    offer = _pending(offer, case)
    if not actor.has_perm(Perm.APPROVE_OFFERS):
        raise CaseActionRefused(_("Only a supervisor can approve offers."))
    if offer.created_by_id == actor.pk:
        raise CaseActionRefused(_("You made this offer, so someone else must approve it."))
    schedule = build_schedule(terms_from_json(offer.terms))
    if exceeded_limits(schedule, authority_for(actor), current_apr=case.account.apr):
        raise CaseActionRefused(
            _("This offer is beyond your authority too; reject it with a reason.")
        )
    from_status = run_transition(case, "approve")
    now = timezone.now()
    offer.decided_by, offer.decided_at, offer.decision_reason = actor, now, note.strip()
    offer.sent_at = now
    offer.expires_at = now + timedelta(days=current_policy().offer_validity_days)
    offer_move(
        offer,
        "send",
        case=case,
        actor=actor,
        from_status=from_status,
        kind="offer_approved",
        payload={"note": offer.decision_reason},
        # The approval is staff business; what the cardholder sees is that an offer was sent.
        visible=False,
    )
    bump_version(case, "status")
    record_event(case, actor=actor, kind="offer_sent", payload={"offer": offer.pk})
    notify_holder(case, gettext_noop("You have an offer on case %(reference)s"))
    _tell_maker(offer, case, gettext_noop("Your offer on case %(reference)s was approved"))
    return offer


@transaction.atomic
def offer_reject(*, offer: Offer, actor: User, version: int, reason: str) -> Offer:
    """A supervisor refuses an offer beyond authority; it is kept, with the reason, forever."""
    case = lock_case(offer.case, version=version)
    offer = _pending(offer, case)
    if not actor.has_perm(Perm.APPROVE_OFFERS):
        raise CaseActionRefused(_("Only a supervisor can reject offers."))
    if offer.created_by_id == actor.pk:
        raise CaseActionRefused(_("You made this offer, so someone else must decide on it."))
    reason = reason.strip()
    if not reason:
        raise CaseActionRefused(_("Give the reason for rejecting the offer."))
    from_status = run_transition(case, "reject")
    offer.decided_by, offer.decided_at, offer.decision_reason = actor, timezone.now(), reason
    offer_move(
        offer, "reject", case=case, actor=actor, from_status=from_status, payload={"reason": reason}
    )
    bump_version(case, "status")
    _tell_maker(
        offer,
        case,
        gettext_noop("Your offer on case %(reference)s was rejected: %(reason)s"),
        reason=reason,
    )
    return offer


@transaction.atomic
def offer_recall(*, offer: Offer, actor: User, version: int) -> Offer:
    """The maker takes back an offer still waiting for a supervisor; the case is theirs to
    review again. (A supervisor working the case may recall it too.)"""
    case = lock_case(offer.case, version=version)
    offer = _pending(offer, case)
    if offer.created_by_id != actor.pk and not actor.has_perm(Perm.ASSIGN_CASES):
        raise CaseActionRefused(_("Only the person who made this offer can take it back."))
    from_status = run_transition(case, "recall_offer")
    offer_move(offer, "withdraw", case=case, actor=actor, from_status=from_status)
    bump_version(case, "status")
    return offer


@transaction.atomic
def offer_withdraw(*, offer: Offer, actor: User, version: int, reason: str) -> Offer:
    """The bank takes back an offer the cardholder has not answered (to revise it, or because
    circumstances changed); the cardholder is told why, and the case returns to review."""
    case = lock_case(offer.case, version=version)
    require_worker(case, actor)
    offer = lock_offer(offer, case)
    if offer.status != OfferStatus.OPEN:
        raise CaseActionRefused(_("This offer is no longer open: it was answered or replaced."))
    reason = reason.strip()
    if not reason:
        raise CaseActionRefused(_("Say why the offer is withdrawn: the cardholder reads it."))
    from_status = run_transition(case, "return_to_review")
    offer.decision_reason = reason
    offer_move(
        offer,
        "withdraw",
        case=case,
        actor=actor,
        from_status=from_status,
        payload={"reason": reason},
    )
    bump_version(case, "status")
    notify_holder(
        case,
        gettext_noop("We withdrew our offer on case %(reference)s"),
        gettext_noop("The reason: %(reason)s"),
        reason=reason,
    )
    return offer


def _expire(case: HardshipCase, offer: Offer) -> None:
    from_status = run_transition(case, "return_to_review")
    offer_move(offer, "expire", case=case, actor=None, from_status=from_status)
    bump_version(case, "status")


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
    case.outcome_reason, case.escalated, case.declined_by = reason, False, actor
    case.closed_at = timezone.now()
    offers_end(case, "decline", actor=actor, statuses=[OfferStatus.REQUESTED])
    offers_end(case, "withdraw", actor=actor)
    bump_version(case, "status", "outcome_reason", "escalated", "declined_by", "closed_at")
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
    offers_end(case, "withdraw", actor=actor)
    bump_version(case, "status", "outcome_reason", "closed_at")
    record_event(
        case, actor=actor, kind="closed", from_status=from_status, payload={"reason": reason}
    )
    case_ended.send(sender=HardshipCase, case=case, actor=actor)
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
    try:
        document.accept() if accepted else document.reject()
    except TransitionNotAllowed:
        raise CaseActionRefused(
            _("The document is already %(status)s.")
            % {"status": document.get_status_display().lower()}
        ) from None
    document.review_reason = reason
    document.save(update_fields=["status", "review_reason"])
    record_event(
        case,
        actor=actor,
        kind="document_accepted" if accepted else "document_rejected",
        payload={"name": document.original_name, "reason": reason},
    )
    return document
