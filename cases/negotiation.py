"""The collections team's use cases: claim, review, offer, approve, and the cardholder's answer.

Each service locks the case row, checks the actor's permission and the case's state (the
django-fsm-2 transition refuses a wrong one), compares the version the actor saw, changes the
case, writes a `CaseEvent` and notifies. Two staff acting on one case at once: the second waits
for the lock, then sees the new version and is refused with "this case changed".
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_fsm import TransitionNotAllowed

from accounts import services as account_services
from accounts.models import User
from accounts.roles import Perm
from cases.models import (
    CaseStatus,
    ContactLog,
    Direction,
    Document,
    DocumentStatus,
    HardshipCase,
    Message,
    Offer,
    OfferStatus,
    Proposer,
)
from cases.policy import authority_for, authority_limits, current_policy, exceeded_limits
from cases.services import (
    CaseActionRefused,
    _bump,
    _lock,
    _record,
    message_post,
    schedule_summary,
    terms_from_json,
    terms_to_json,
)
from plans.calculator import Schedule, build_schedule

LIVE_OFFER_STATUSES = (OfferStatus.REQUESTED, OfferStatus.OPEN, OfferStatus.PENDING_APPROVAL)


def _transition(case: HardshipCase, name: str) -> str:
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


def _require_staff(actor: User) -> None:
    if not actor.has_perm(Perm.WORK_CASES):
        raise CaseActionRefused(_("Only the collections team can do this."))


def _require_worker(case: HardshipCase, actor: User) -> None:
    """The assignee works the case; a supervisor may step in on any case."""
    _require_staff(actor)
    if case.escalated and not actor.has_perm(Perm.APPROVE_OFFERS):
        raise CaseActionRefused(_("This case was appealed; only a supervisor can work on it."))
    if case.assignee_id != actor.pk and not actor.has_perm(Perm.ASSIGN_CASES):
        raise CaseActionRefused(_("Claim this case before working on it."))


def _holder(case: HardshipCase, actor: User) -> None:
    if case.account.holder_id != actor.pk:
        raise CaseActionRefused(_("Only the cardholder can answer this."))


def _notify_holder(case: HardshipCase, title: str, body: str = "", **params: Any) -> None:
    holder = case.account.holder
    if holder is not None:
        account_services.notify(
            user=holder,
            title=title,
            body=body,
            params={"reference": case.reference, **params},
            link=case.get_absolute_url(),
        )


# --- the queue --------------------------------------------------------------------------------


@transaction.atomic
def case_claim(*, case: HardshipCase, actor: User, version: int) -> HardshipCase:
    case = _lock(case, version=version)
    _require_staff(actor)
    if case.escalated and not actor.has_perm(Perm.APPROVE_OFFERS):
        raise CaseActionRefused(_("This case was appealed; only a supervisor can work on it."))
    if case.assignee_id is not None and case.assignee_id != actor.pk:
        raise CaseActionRefused(_("Another agent has already claimed this case."))
    from_status = _transition(case, "take_into_review")
    case.assignee = actor
    _bump(case, "status", "assignee")
    _record(case, actor=actor, kind="claimed", from_status=from_status, visible=False)
    return case


@transaction.atomic
def case_assign(*, case: HardshipCase, actor: User, assignee: User, version: int) -> HardshipCase:
    """A supervisor gives the case to an agent (or takes it back from one)."""
    case = _lock(case, version=version)
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
        from_status = _transition(case, "take_into_review")
    previous = case.assignee.email if case.assignee else ""
    case.assignee = assignee
    _bump(case, "status", "assignee")
    _record(
        case,
        actor=actor,
        kind="assigned",
        from_status=from_status,
        payload={"from": previous, "to": assignee.email},
        visible=False,
    )
    return case


# --- review actions ---------------------------------------------------------------------------


@transaction.atomic
def case_request_info(
    *, case: HardshipCase, actor: User, version: int, request: str, due: date
) -> HardshipCase:
    case = _lock(case, version=version)
    _require_worker(case, actor)
    request = request.strip()
    if not request:
        raise CaseActionRefused(_("Say what information you need."))
    if due <= timezone.localdate():
        raise CaseActionRefused(_("The due date must be in the future."))
    from_status = _transition(case, "await_cardholder")
    case.info_requested, case.info_due = request, due
    _bump(case, "status", "info_requested", "info_due")
    Message.objects.create(case=case, author=actor, body=request, from_staff=True)
    _record(
        case,
        actor=actor,
        kind="info_requested",
        from_status=from_status,
        payload={"due": due.isoformat()},
    )
    _notify_holder(
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
    case = _lock(case, version=version)
    _require_worker(case, actor)
    rationale = rationale.strip()
    if not rationale:
        raise CaseActionRefused(_("Explain the offer: the cardholder reads this rationale."))
    excesses = exceeded_limits(schedule, authority_for(actor), current_apr=case.account.apr)
    target = "await_approval" if excesses else "await_cardholder"
    from_status = _transition(case, target)
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
    _bump(case, "status", "info_requested", "info_due")
    if excesses:
        _record(
            case,
            actor=actor,
            kind="offer_for_approval",
            from_status=from_status,
            payload={"offer": offer.pk, "exceeds": offer.exceeds},
            visible=False,
        )
    else:
        _record(
            case,
            actor=actor,
            kind="offer_sent",
            from_status=from_status,
            payload={"offer": offer.pk},
        )
        _notify_holder(case, gettext_noop("You have an offer on case %(reference)s"))
    return offer


def _lock_offer(offer: Offer, case: HardshipCase) -> Offer:
    return Offer.objects.select_for_update().get(pk=offer.pk, case=case)


@transaction.atomic
def offer_approve(*, offer: Offer, actor: User, version: int, note: str = "") -> Offer:
    """Maker-checker: a supervisor other than the maker sends the offer to the cardholder."""
    case = _lock(offer.case, version=version)
    offer = _lock_offer(offer, case)
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
    from_status = _transition(case, "approve")
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
    _bump(case, "status")
    _record(
        case,
        actor=actor,
        kind="offer_approved",
        from_status=from_status,
        payload={"offer": offer.pk, "note": offer.decision_reason},
        visible=False,
    )
    _record(case, actor=actor, kind="offer_sent", payload={"offer": offer.pk})
    _notify_holder(case, gettext_noop("You have an offer on case %(reference)s"))
    return offer


@transaction.atomic
def offer_reject(*, offer: Offer, actor: User, version: int, reason: str) -> Offer:
    """A supervisor refuses an offer beyond authority; it is kept, with the reason, forever."""
    case = _lock(offer.case, version=version)
    offer = _lock_offer(offer, case)
    if not actor.has_perm(Perm.APPROVE_OFFERS):
        raise CaseActionRefused(_("Only a supervisor can reject offers."))
    if offer.created_by_id == actor.pk:
        raise CaseActionRefused(_("You made this offer, so someone else must decide on it."))
    if offer.status != OfferStatus.PENDING_APPROVAL:
        raise CaseActionRefused(_("This offer is not waiting for approval."))
    reason = reason.strip()
    if not reason:
        raise CaseActionRefused(_("Give the reason for rejecting the offer."))
    from_status = _transition(case, "reject")
    offer.status = OfferStatus.REJECTED
    offer.decided_by, offer.decided_at, offer.decision_reason = actor, timezone.now(), reason
    offer.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _bump(case, "status")
    _record(
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
    from_status = _transition(case, "return_to_review")
    _bump(case, "status")
    _record(
        case, actor=None, kind="offer_expired", from_status=from_status, payload={"offer": offer.pk}
    )


def _refuse_if_expired(offer: Offer) -> None:
    """An offer past its validity can be neither accepted nor countered, even in the minutes
    before the expiry task returns the case to review."""
    if offer.expires_at is not None and offer.expires_at <= timezone.now():
        raise CaseActionRefused(_("This offer has expired. We will review your case again."))


def _open_offer_for_cardholder(case: HardshipCase, offer: Offer, actor: User) -> Offer:
    _holder(case, actor)
    offer = _lock_offer(offer, case)
    if offer.status != OfferStatus.OPEN or case.status != CaseStatus.AWAITING_CARDHOLDER:
        raise CaseActionRefused(_("This offer is no longer open: it was answered or replaced."))
    return offer


@transaction.atomic
def offer_accept(*, offer: Offer, actor: User, version: int, consent: bool) -> Offer:
    """The cardholder accepts, with explicit consent, an open offer that has not expired."""
    case = _lock(offer.case, version=version)
    offer = _open_offer_for_cardholder(case, offer, actor)
    if not consent:
        raise CaseActionRefused(_("Tick the box to confirm that you agree to these terms."))
    _refuse_if_expired(offer)
    from_status = _transition(case, "agree")
    offer.status = OfferStatus.ACCEPTED
    offer.decided_by, offer.decided_at = actor, timezone.now()
    offer.save(update_fields=["status", "decided_by", "decided_at"])
    _bump(case, "status")
    _record(
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
    case = _lock(offer.case, version=version)
    offer = _open_offer_for_cardholder(case, offer, actor)
    from_status = _transition(case, "return_to_review")
    offer.status = OfferStatus.DECLINED
    offer.decided_by, offer.decided_at, offer.decision_reason = (
        actor,
        timezone.now(),
        reason.strip(),
    )
    offer.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _bump(case, "status")
    _record(
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
    case = _lock(offer.case, version=version)
    offer = _open_offer_for_cardholder(case, offer, actor)
    _refuse_if_expired(offer)
    from_status = _transition(case, "return_to_review")
    offer.status = OfferStatus.SUPERSEDED
    offer.save(update_fields=["status"])
    counter = Offer.objects.create(
        case=case,
        proposer=Proposer.CARDHOLDER,
        created_by=actor,
        terms=terms_to_json(schedule.terms),
        summary=schedule_summary(schedule),
        rationale=note.strip(),
        status=OfferStatus.REQUESTED,
        supersedes=offer,
    )
    _bump(case, "status")
    _record(
        case, actor=actor, kind="countered", from_status=from_status, payload={"offer": counter.pk}
    )
    return counter


@transaction.atomic
def case_reply(
    *, case: HardshipCase, actor: User, version: int, body: str, attachment: Any = None
) -> Message:
    """The cardholder answers a request for information: the case returns to review."""
    case = _lock(case, version=version)
    _holder(case, actor)
    if case.status != CaseStatus.AWAITING_CARDHOLDER or not case.info_requested:
        raise CaseActionRefused(_("We are not waiting for information from you on this case."))
    message = message_post(case=case, author=actor, body=body, attachment=attachment)
    case.refresh_from_db()
    from_status = _transition(case, "return_to_review")
    case.info_requested, case.info_due = "", None
    _bump(case, "status", "info_requested", "info_due")
    _record(case, actor=actor, kind="info_provided", from_status=from_status)
    return message


@transaction.atomic
def case_decline(*, case: HardshipCase, actor: User, version: int, reason: str) -> HardshipCase:
    """No plan can be offered. The reason is mandatory and shown; the cardholder may appeal."""
    case = _lock(case, version=version)
    _require_worker(case, actor)
    reason = reason.strip()
    if not reason:
        raise CaseActionRefused(_("Give the reason: the cardholder reads it and may appeal."))
    from_status = _transition(case, "decline")
    case.outcome_reason, case.escalated = reason, False
    case.closed_at = timezone.now()
    case.offers.filter(status__in=LIVE_OFFER_STATUSES).update(status=OfferStatus.DECLINED)
    _bump(case, "status", "outcome_reason", "escalated", "closed_at")
    _record(case, actor=actor, kind="declined", from_status=from_status, payload={"reason": reason})
    _notify_holder(case, gettext_noop("Our decision on case %(reference)s"))
    return case


@transaction.atomic
def case_appeal(*, case: HardshipCase, actor: User, version: int, reason: str) -> HardshipCase:
    """The cardholder appeals a decline: the case goes to a supervisor."""
    case = _lock(case, version=version)
    _holder(case, actor)
    reason = reason.strip()
    if not reason:
        raise CaseActionRefused(_("Tell us why you are appealing."))
    from_status = _transition(case, "appeal")
    case.escalated, case.assignee, case.closed_at = True, None, None
    _bump(case, "status", "escalated", "assignee", "closed_at")
    _record(case, actor=actor, kind="appealed", from_status=from_status, payload={"reason": reason})
    return case


@transaction.atomic
def case_close(*, case: HardshipCase, actor: User, version: int, reason: str) -> HardshipCase:
    case = _lock(case, version=version)
    _require_worker(case, actor)
    reason = reason.strip()
    if not reason:
        raise CaseActionRefused(_("Give the reason for closing the case."))
    from_status = _transition(case, "close")
    case.outcome_reason, case.closed_at = reason, timezone.now()
    case.offers.filter(status__in=LIVE_OFFER_STATUSES).update(status=OfferStatus.WITHDRAWN)
    _bump(case, "status", "outcome_reason", "closed_at")
    _record(case, actor=actor, kind="closed", from_status=from_status, payload={"reason": reason})
    _notify_holder(case, gettext_noop("Case %(reference)s was closed"))
    return case


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
            _notify_holder(case, gettext_noop("The offer on case %(reference)s has expired"))
            expired += 1
    return expired


# --- evidence and contacts --------------------------------------------------------------------


@transaction.atomic
def document_review(
    *, document: Document, actor: User, accepted: bool, reason: str = ""
) -> Document:
    """Accept or reject one piece of evidence; the reason is shown to the cardholder."""
    case = _lock(document.case, version=None)
    _require_worker(case, actor)
    reason = reason.strip()
    if not accepted and not reason:
        raise CaseActionRefused(
            _("Say why the document cannot be accepted; the cardholder reads it.")
        )
    document = Document.objects.select_for_update().get(pk=document.pk, case=case)
    document.status = DocumentStatus.ACCEPTED if accepted else DocumentStatus.REJECTED
    document.review_reason = reason
    document.save(update_fields=["status", "review_reason"])
    _record(
        case,
        actor=actor,
        kind="document_accepted" if accepted else "document_rejected",
        payload={"name": document.original_name, "reason": reason},
    )
    return document


def contact_rule_warnings(case: HardshipCase, *, at: datetime) -> list[str]:
    """The contact rules an outbound contact at `at` would break, in the reader's language."""
    policy = current_policy()
    holder = case.account.holder
    profile = getattr(holder, "profile", None) if holder else None
    zone_name = profile.time_zone if profile else settings.TIME_ZONE
    local = at.astimezone(zoneinfo.ZoneInfo(zone_name))
    warnings = []
    start, end = policy.quiet_hours_start, policy.quiet_hours_end
    clock = local.time()
    in_quiet = (clock >= start or clock < end) if start > end else (start <= clock < end)
    if in_quiet:
        warnings.append(
            _("It is %(time)s for the cardholder: inside the quiet hours (%(start)s–%(end)s).")
            % {
                "time": clock.strftime("%H:%M"),
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
            }
        )
    elif profile and not profile.contact_from <= clock < profile.contact_until:
        warnings.append(
            _("The cardholder asked to be contacted only between %(start)s and %(end)s.")
            % {
                "start": profile.contact_from.strftime("%H:%M"),
                "end": profile.contact_until.strftime("%H:%M"),
            }
        )
    outbound = ContactLog.objects.filter(case__account=case.account, direction=Direction.OUTBOUND)
    today = outbound.filter(occurred_at__gte=at - timedelta(days=1)).count()
    week = outbound.filter(occurred_at__gte=at - timedelta(days=7)).count()
    if today >= policy.max_contacts_per_day:
        warnings.append(
            _("This would be contact number %(n)s in 24 hours; the limit is %(limit)s.")
            % {"n": today + 1, "limit": policy.max_contacts_per_day}
        )
    if week >= policy.max_contacts_per_week:
        warnings.append(
            _("This would be contact number %(n)s in 7 days; the limit is %(limit)s.")
            % {"n": week + 1, "limit": policy.max_contacts_per_week}
        )
    return warnings


class ContactRulesWarning(CaseActionRefused):
    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings
        super().__init__(" ".join(warnings))


@transaction.atomic
def contact_record(
    *,
    case: HardshipCase,
    actor: User,
    channel: str,
    direction: str,
    outcome: str,
    notes: str,
    occurred_at: datetime | None = None,
    acknowledge_warnings: bool = False,
) -> ContactLog:
    """Log a contact. An outbound one that breaks the contact rules is refused with the rules
    it breaks, unless the agent acknowledges them (then they are recorded with it)."""
    case = _lock(case, version=None)
    _require_staff(actor)
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise CaseActionRefused(_("A contact cannot be logged in the future."))
    warnings = (
        contact_rule_warnings(case, at=occurred_at) if direction == Direction.OUTBOUND else []
    )
    if warnings and not acknowledge_warnings:
        raise ContactRulesWarning(warnings)
    log = ContactLog.objects.create(
        case=case,
        staff=actor,
        occurred_at=occurred_at,
        channel=channel,
        direction=direction,
        outcome=outcome,
        notes=notes.strip(),
        rule_warnings=warnings,
    )
    _record(
        case,
        actor=actor,
        kind="contact_logged",
        payload={
            "channel": channel,
            "direction": direction,
            "outcome": outcome,
            "warnings": len(warnings),
        },
        visible=False,
    )
    return log
