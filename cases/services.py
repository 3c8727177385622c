"""Use cases that change card accounts and hardship cases.

Every service is keyword-only and atomic, checks who is acting and the case's state, and leaves
a `CaseEvent` (or, for enrolment, an `AuditEvent`). Services that change a case lock its row
and compare the version the user saw: two people acting on one case at once cannot both win,
and a form posted from a stale page changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext
from django_fsm import TransitionNotAllowed

from accounts import services as account_services
from accounts.models import AuditAction, User
from accounts.roles import Perm
from cases.models import (
    MESSAGE_STATUSES,
    CardAccount,
    CaseEvent,
    CaseStatus,
    Channel,
    Document,
    EnrolmentAttempt,
    HardshipCase,
    HolderNotice,
    HolderNoticeKind,
    Message,
    Offer,
    OfferStatus,
    Proposer,
    StatementLine,
    StatementSection,
)
from cases.sla import add_business_days
from cases.uploads import UploadRejected, inspect_upload
from plans.calculator import PlanTerms, PlanType, Schedule


class CaseActionRefused(Exception):
    """The action is not possible now; the message tells the user why, in their language."""


class CaseChanged(CaseActionRefused):
    """Someone else changed the case since this page was loaded."""

    def __init__(self) -> None:
        super().__init__(
            _("This case changed while you were looking at it. Reload the page and try again.")
        )


class EnrolmentRefused(Exception):
    pass


# --- enrolment --------------------------------------------------------------------------------


def _failures_today(user: User) -> int:
    since = timezone.now() - timedelta(days=1)
    return user.enrolment_attempts.filter(attempted_at__gte=since, succeeded=False).count()


def _failures_today_from(ip_address: str | None) -> int:
    if not ip_address:
        return 0
    since = timezone.now() - timedelta(days=1)
    return EnrolmentAttempt.objects.filter(
        ip_address=ip_address, attempted_at__gte=since, succeeded=False
    ).count()


@dataclass(frozen=True)
class _Outcome:
    account: CardAccount | None = None
    refusal: str = ""


def _call_us() -> str:
    return _(
        "We cannot link this card online. For your security, please call us on the number on "
        "the back of your card, or visit a branch with your ID."
    )


def enrolment_link(
    *,
    user: User,
    card_last4: str,
    birth_date: date,
    id_last4: str,
    ip_address: str | None = None,
) -> CardAccount:
    """Link the card whose holder details all match to `user`'s login.

    Failed attempts are limited three ways, so that signing up again resets nothing: per login
    and per client address (a day each), and per card, across every login: an attempt that
    gets the card's last four digits and one of the two identity details right counts against
    that card, and at ENROLMENT_MAX_FAILURES_PER_CARD the card can no longer be linked online
    until staff release it. Its holder is then told through the bank's own channel.

    A card linked to another login is never re-linked here: that takes staff. Every attempt is
    recorded, the refused ones too (the refusal is raised only after the record is committed).
    The "no match" refusal never says which detail was wrong, nor whether the card exists.
    """
    limit = settings.ENROLMENT_MAX_FAILURES_PER_DAY
    with transaction.atomic():
        # Lock the user's row so that parallel attempts cannot slip past the limit together.
        User.objects.select_for_update().get(pk=user.pk)
        failures = _failures_today(user)
        if failures >= limit or _failures_today_from(ip_address) >= (
            settings.ENROLMENT_MAX_FAILURES_PER_ADDRESS
        ):
            outcome = _Outcome(
                refusal=_(
                    "Too many unsuccessful attempts. For your security, try again tomorrow "
                    "or call us."
                )
            )
        else:
            outcome = _enrolment_match(user, card_last4, birth_date, id_last4, ip_address)
    if outcome.account is not None:
        return outcome.account
    if outcome.refusal:
        raise EnrolmentRefused(outcome.refusal)
    raise EnrolmentRefused(
        _(
            "We could not match those details to a card. Check them and try again "
            "(%(remaining)s attempts left today)."
        )
        % {"remaining": max(limit - failures - 1, 0)}
    )


def _enrolment_match(
    user: User, card_last4: str, birth_date: date, id_last4: str, ip_address: str | None
) -> _Outcome:
    # Every card the attempt comes close to, locked in a fixed order: parallel attempts from
    # many logins count one after the other against the same card.
    near = list(
        CardAccount.objects.select_for_update()
        .filter(card_last4=card_last4)
        .filter(Q(holder_birth_date=birth_date) | Q(holder_id_last4__iexact=id_last4))
        .order_by("pk")
    )
    match = next(
        (
            account
            for account in near
            if account.holder_birth_date == birth_date
            and account.holder_id_last4.upper() == id_last4.upper()
        ),
        None,
    )
    linkable = (
        match is not None and match.linking_locked_at is None and match.holder_id in (None, user.pk)
    )
    attempt = EnrolmentAttempt.objects.create(
        user=user,
        succeeded=linkable,
        card_last4=card_last4,
        accounts_linked=1 if linkable else 0,
        ip_address=ip_address,
    )
    attempt.accounts.set(near)
    if linkable and match is not None:
        _link(match, user, card_last4)
        return _Outcome(account=match)
    account_services.audit_record(
        actor=user,
        subject=user,
        action=AuditAction.CARD_LINK_FAILED,
        changes={"card_last4": card_last4},
    )
    for account in near:
        _count_failure(account, user)
    if match is not None:
        # The details are right but the card is locked or linked to someone else: only staff
        # can help, and the message is the same either way.
        return _Outcome(refusal=_call_us())
    return _Outcome()


def _link(account: CardAccount, user: User, card_last4: str) -> None:
    first_link = account.holder_id is None
    account.holder = user
    account.linking_failures = 0
    account.save(update_fields=["holder", "linking_failures", "updated_at"])
    if first_link:
        account_services.audit_record(
            actor=user,
            subject=user,
            action=AuditAction.CARD_LINKED,
            changes={"account": account.bank_reference, "card_last4": card_last4},
        )


def _count_failure(account: CardAccount, user: User) -> None:
    account.linking_failures += 1
    fields = ["linking_failures", "updated_at"]
    lock_now = (
        account.linking_locked_at is None
        and account.linking_failures >= settings.ENROLMENT_MAX_FAILURES_PER_CARD
    )
    if lock_now:
        account.linking_locked_at = timezone.now()
        fields.append("linking_locked_at")
    account.save(update_fields=fields)
    if not lock_now:
        return
    account_services.audit_record(
        actor=user,
        subject=account.holder,
        action=AuditAction.CARD_LINKING_LOCKED,
        changes={"account": account.bank_reference, "failures": account.linking_failures},
    )
    HolderNotice.objects.create(account=account, kind=HolderNoticeKind.LINKING_LOCKED)
    if account.holder is not None:
        account_services.notify(
            user=account.holder,
            title=gettext_noop("Someone tried to link your card ending %(last4)s"),
            body=gettext_noop(
                "After several wrong attempts we stopped online linking of this card. "
                "If it was not you, your card is safe; call us if you are worried."
            ),
            params={"last4": account.card_last4},
        )


HOLDER_NOTICE_COLUMNS = ("notice_id", "account_reference", "kind", "created_at")


@transaction.atomic
def holder_notices_export(*, write: Callable[[Sequence[Any]], object]) -> int:
    """Hand each notice not yet exported to `write` (one row each) and mark it exported.

    The rows are locked while they are written, so two exports running at once cannot send a
    notice twice; if writing fails, nothing is marked.
    """
    notices = list(
        HolderNotice.objects.select_for_update()
        .filter(exported_at__isnull=True)
        .select_related("account")
        .order_by("pk")
    )
    for notice in notices:
        write(
            (
                notice.pk,
                notice.account.bank_reference,
                notice.kind,
                notice.created_at.isoformat(),
            )
        )
    HolderNotice.objects.filter(pk__in=[n.pk for n in notices]).update(exported_at=timezone.now())
    return len(notices)


@transaction.atomic
def card_linking_release(*, account: CardAccount, actor: User, note: str) -> CardAccount:
    """Staff re-open online linking of a card after checking, outside this service, that the
    person asking is its holder (how is said in `note`, kept in the audit trail)."""
    if not actor.has_perm(Perm.WORK_CASES):
        raise CaseActionRefused(_("Only the collections team can release a card."))
    account = CardAccount.objects.select_for_update().get(pk=account.pk)
    if account.linking_locked_at is None:
        raise CaseActionRefused(_("Online linking of this card is not locked."))
    note = note.strip()
    if not note:
        raise CaseActionRefused(_("Say how you checked that the caller is the cardholder."))
    failures = account.linking_failures
    account.linking_locked_at, account.linking_failures = None, 0
    account.save(update_fields=["linking_locked_at", "linking_failures", "updated_at"])
    account_services.audit_record(
        actor=actor,
        subject=account.holder,
        action=AuditAction.CARD_LINKING_RELEASED,
        changes={"account": account.bank_reference, "failures": failures, "note": note},
    )
    return account


# --- case helpers -----------------------------------------------------------------------------


def _record(
    case: HardshipCase,
    *,
    actor: User | None,
    kind: str,
    from_status: str = "",
    payload: dict[str, Any] | None = None,
    visible: bool = True,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=case.status if from_status else "",
        payload=payload or {},
        visible_to_cardholder=visible,
    )


def _may_act_as_cardholder(case: HardshipCase, user: User) -> bool:
    return case.account.holder_id == user.pk


def _lock(case: HardshipCase, *, version: int | None) -> HardshipCase:
    """Re-read the case under a row lock; refuse if it moved on since `version`."""
    locked = HardshipCase.objects.select_for_update().select_related("account").get(pk=case.pk)
    if version is not None and locked.version != version:
        raise CaseChanged
    return locked


def _bump(case: HardshipCase, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=["version", "updated_at", *fields])


def _editable_draft(case: HardshipCase, actor: User) -> None:
    if not _may_act_as_cardholder(case, actor) and case.opened_by_id != actor.pk:
        raise CaseActionRefused(_("Only the cardholder can change this application."))
    if case.status != CaseStatus.DRAFT:
        raise CaseActionRefused(
            _("This application has been submitted and can no longer be changed.")
        )
    if case.draft_expires_at() < timezone.now():
        raise CaseActionRefused(
            _(
                "This draft is more than %(days)s days old and has expired. "
                "Please start a new application."
            )
            % {"days": settings.CASE_DRAFT_LIFETIME_DAYS}
        )


# --- the application (draft) ------------------------------------------------------------------


@transaction.atomic
def case_start(*, account: CardAccount, actor: User, channel: str = Channel.ONLINE) -> HardshipCase:
    """Open a draft application on `account`, or refuse if one is already open on it."""
    is_holder = account.holder_id == actor.pk
    if not is_holder and not actor.has_perm(Perm.WORK_CASES):
        raise CaseActionRefused(_("You cannot open a case on this account."))
    CardAccount.objects.select_for_update().get(pk=account.pk)
    stale = account.cases.filter(status=CaseStatus.DRAFT).first()
    if stale is not None and stale.draft_expires_at() < timezone.now():
        # An abandoned draft must not block a new application: close it, with a record.
        stale.withdraw()
        stale.closed_at = timezone.now()
        _bump(stale, "status", "closed_at")
        _record(stale, actor=None, kind="draft_expired", from_status=CaseStatus.DRAFT)
    try:
        with transaction.atomic():
            case = HardshipCase.objects.create(
                account=account,
                cardholder=account.holder,
                opened_by=actor,
                channel=channel,
            )
    except IntegrityError:
        raise CaseActionRefused(_("There is already an open case on this account.")) from None
    if account.holder_id:
        profile = getattr(account.holder, "profile", None)
        if profile is not None:
            case.contact_channel = profile.preferred_channel
            case.contact_from = profile.contact_from
            case.contact_until = profile.contact_until
            case.save(update_fields=["contact_channel", "contact_from", "contact_until"])
    _record(case, actor=actor, kind="opened", payload={"channel": channel})
    return case


@transaction.atomic
def case_save_reason(
    *,
    case: HardshipCase,
    actor: User,
    version: int,
    reason: str,
    duration: str,
    expected_recovery: date | None,
    own_words: str,
) -> HardshipCase:
    case = _lock(case, version=version)
    _editable_draft(case, actor)
    case.reason, case.duration = reason, duration
    case.expected_recovery, case.own_words = expected_recovery, own_words.strip()
    case.wizard_step = "money"
    _bump(case, "reason", "duration", "expected_recovery", "own_words", "wizard_step")
    return case


@dataclass(frozen=True)
class DebtLine:
    lender: str
    balance: Decimal
    monthly_payment: Decimal


@transaction.atomic
def case_save_statement(
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
    """Replace the case's income & expenditure statement as a whole."""
    case = _lock(case, version=version)
    _editable_draft(case, actor)
    case.statement_lines.all().delete()
    lines = (
        [
            StatementLine(
                case=case, section=StatementSection.INCOME, category=name, monthly_amount=amount
            )
            for name, amount in income.items()
            if amount
        ]
        + [
            StatementLine(
                case=case, section=StatementSection.ESSENTIAL, category=name, monthly_amount=amount
            )
            for name, amount in essentials.items()
            if amount
        ]
        + [
            StatementLine(
                case=case,
                section=StatementSection.DEBT,
                category="other_debt",
                lender=debt.lender,
                balance=debt.balance,
                monthly_amount=debt.monthly_payment,
            )
            for debt in debts
        ]
    )
    StatementLine.objects.bulk_create(lines)
    case.household_size, case.dependants = household_size, dependants
    case.wizard_step = "evidence"
    _bump(case, "household_size", "dependants", "wizard_step")
    return case


@transaction.atomic
def document_upload(
    *, case: HardshipCase, actor: User, uploaded_file: Any, evidence_kind: str = ""
) -> Document:
    """Store a PDF, JPEG or PNG for the case after checking its content (see cases.uploads)."""
    case = _lock(case, version=None)
    if not _may_act_as_cardholder(case, actor) and not (
        actor.has_perm(Perm.WORK_CASES) and case.status != CaseStatus.DRAFT
    ):
        raise CaseActionRefused(_("You cannot add documents to this case."))
    if not case.is_open:
        raise CaseActionRefused(_("This case is closed; documents can no longer be added."))
    inspected = inspect_upload(uploaded_file)
    _refuse_beyond_case_quota(case, adding=inspected.size)
    document = Document(
        case=case,
        evidence_kind=evidence_kind,
        original_name=(uploaded_file.name or "document")[-200:],
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=actor,
    )
    document.file.save("upload", uploaded_file, save=False)
    try:
        document.save()
        _record(
            case,
            actor=actor,
            kind="document_added",
            payload={"name": document.original_name, "kind": evidence_kind},
        )
    except Exception:
        # The database write failed: do not leave an unreferenced file behind.
        document.file.storage.delete(document.file.name)
        raise
    return document


def _refuse_beyond_case_quota(case: HardshipCase, *, adding: int) -> None:
    """A case holds at most MAX_DOCUMENTS_PER_CASE files and MAX_CASE_UPLOAD_BYTES in all,
    whoever uploads them (the case row is locked, so parallel uploads cannot slip past)."""
    stored = case.documents.aggregate(count=Count("id"), size=Sum("size"))
    if stored["count"] >= settings.MAX_DOCUMENTS_PER_CASE:
        raise UploadRejected(
            _(
                "This case already holds %(count)s documents, the most it can hold. "
                "Remove one you no longer need, or send it by post."
            )
            % {"count": settings.MAX_DOCUMENTS_PER_CASE}
        )
    if (stored["size"] or 0) + adding > settings.MAX_CASE_UPLOAD_BYTES:
        raise UploadRejected(
            _(
                "The documents on this case would come to more than %(limit)s MB. "
                "Send a smaller file (a photo at a lower resolution, or fewer pages)."
            )
            % {"limit": settings.MAX_CASE_UPLOAD_BYTES // 1_048_576}
        )


@transaction.atomic
def document_remove(*, document: Document, actor: User) -> None:
    """Take back a document uploaded to a draft (before anyone relied on it)."""
    case = _lock(document.case, version=None)
    _editable_draft(case, actor)
    name = document.file.name
    _record(case, actor=actor, kind="document_removed", payload={"name": document.original_name})
    document.delete()
    transaction.on_commit(lambda: document.file.storage.delete(name))


def withdrawable_statuses() -> list[str]:
    from cases.models import WITHDRAWABLE

    return WITHDRAWABLE


@transaction.atomic
def case_set_step(*, case: HardshipCase, actor: User, step: str) -> HardshipCase:
    """Move the draft's bookmark on (a step with nothing to save, such as documents)."""
    case = _lock(case, version=None)
    _editable_draft(case, actor)
    case.wizard_step = step
    _bump(case, "wizard_step")
    return case


@transaction.atomic
def case_save_contact(
    *,
    case: HardshipCase,
    actor: User,
    version: int,
    channel: str,
    contact_from: time,
    contact_until: time,
) -> HardshipCase:
    case = _lock(case, version=version)
    _editable_draft(case, actor)
    case.contact_channel, case.contact_from, case.contact_until = (
        channel,
        contact_from,
        contact_until,
    )
    case.wizard_step = "options"
    _bump(case, "contact_channel", "contact_from", "contact_until", "wizard_step")
    return case


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


@transaction.atomic
def case_request_plan(
    *, case: HardshipCase, actor: User, version: int, schedule: Schedule, note: str = ""
) -> Offer:
    """Record the plan the cardholder asks for (a recommended one or their own terms).

    In a draft the request can be changed: the earlier request is marked withdrawn, never
    deleted, so the negotiation thread keeps its history.
    """
    case = _lock(case, version=version)
    _editable_draft(case, actor)
    case.offers.filter(status=OfferStatus.REQUESTED).update(status=OfferStatus.WITHDRAWN)
    offer = Offer.objects.create(
        case=case,
        proposer=Proposer.CARDHOLDER,
        created_by=actor,
        terms=terms_to_json(schedule.terms),
        summary=schedule_summary(schedule),
        rationale=note.strip(),
        status=OfferStatus.REQUESTED,
    )
    case.wizard_step = "review"
    _bump(case, "wizard_step")
    return offer


def list_text(items: list[str]) -> str:
    """Items joined as the reader's language lists them ("a, b" in English, "a、b" in Chinese)."""
    # Translators: the separator between items of a list.
    return pgettext("list separator", ", ").join(items)


def missing_for_submission(case: HardshipCase) -> list[str]:
    """What the application still lacks, in the user's language (empty when complete)."""
    missing = []
    if not case.reason or not case.duration:
        missing.append(_("the reason for your difficulty"))
    if not case.statement_lines.exists():
        missing.append(_("your income and spending"))
    if not case.contact_channel or case.contact_from is None or case.contact_until is None:
        missing.append(_("how and when we may contact you"))
    if not case.offers.filter(status=OfferStatus.REQUESTED).exists():
        missing.append(_("the plan you would like"))
    return missing


def _decision_due(submitted_at: datetime) -> datetime:
    from cases.policy import current_policy

    return add_business_days(submitted_at, current_policy().decision_business_days)


@transaction.atomic
def case_submit(*, case: HardshipCase, actor: User, version: int) -> HardshipCase:
    """Send a complete application to the collections team; the decision clock starts."""
    case = _lock(case, version=version)
    _editable_draft(case, actor)
    missing = missing_for_submission(case)
    if missing:
        raise CaseActionRefused(
            _("Before you submit, please add: %(missing)s.") % {"missing": list_text(missing)}
        )
    from_status = case.status
    case.submit()
    now = timezone.now()
    case.submitted_at, case.decision_due = now, _decision_due(now)
    case.wizard_step = "done"
    _bump(case, "status", "submitted_at", "decision_due", "wizard_step")
    _record(
        case,
        actor=actor,
        kind="submitted",
        from_status=from_status,
        payload={"decision_due": case.decision_due.isoformat()},
    )
    holder = case.account.holder
    if holder is not None:
        account_services.notify(
            user=holder,
            title=gettext_noop("We received your application %(reference)s"),
            body=gettext_noop("We will reply by %(due)s."),
            params={
                "reference": case.reference,
                "due": timezone.localtime(case.decision_due).strftime("%Y-%m-%d"),
            },
            link=case.get_absolute_url(),
        )
    return case


@transaction.atomic
def case_withdraw(
    *, case: HardshipCase, actor: User, version: int, reason: str = ""
) -> HardshipCase:
    """The cardholder stops their case. Staff never withdraw a case: they close it, with a
    reason (`negotiation.case_close`)."""
    case = _lock(case, version=version)
    if not _may_act_as_cardholder(case, actor):
        raise CaseActionRefused(_("Only the cardholder can withdraw this case."))
    from_status = case.status
    try:
        case.withdraw()
    except TransitionNotAllowed:
        raise CaseActionRefused(_("This case can no longer be withdrawn.")) from None
    case.closed_at = timezone.now()
    case.offers.filter(
        status__in=[OfferStatus.REQUESTED, OfferStatus.OPEN, OfferStatus.PENDING_APPROVAL]
    ).update(status=OfferStatus.WITHDRAWN)
    _bump(case, "status", "closed_at")
    _record(
        case,
        actor=actor,
        kind="withdrawn",
        from_status=from_status,
        payload={"reason": reason.strip()},
    )
    return case


@transaction.atomic
def message_post(
    *, case: HardshipCase, author: User, body: str, attachment: Any | None = None
) -> Message:
    """A message on the case from its cardholder or from staff, optionally with one document.

    Only on a submitted case that has not ended: a draft is the cardholder's alone, and nobody
    would answer on a withdrawn, closed or finished case.
    """
    case = _lock(case, version=None)
    from_staff = not _may_act_as_cardholder(case, author)
    if from_staff and not author.has_perm(Perm.WORK_CASES):
        raise CaseActionRefused(_("You cannot write on this case."))
    if case.status == CaseStatus.DRAFT:
        raise CaseActionRefused(_("Submit the application first; then we can write to each other."))
    if case.status not in MESSAGE_STATUSES:
        raise CaseActionRefused(_("This case has ended, so no more messages can be sent on it."))
    body = body.strip()
    if not body:
        raise CaseActionRefused(_("Write a message before sending."))
    document = None
    if attachment is not None:
        document = document_upload(
            case=case, actor=author, uploaded_file=attachment, evidence_kind=""
        )
    message = Message.objects.create(
        case=case, author=author, body=body, attachment=document, from_staff=from_staff
    )
    _record(case, actor=author, kind="message", payload={"from_staff": from_staff})
    holder = case.account.holder
    if from_staff and holder is not None:
        account_services.notify(
            user=holder,
            title=gettext_noop("New message about your case %(reference)s"),
            params={"reference": case.reference},
            link=case.get_absolute_url(),
        )
    return message


@transaction.atomic
def case_open_for_cardholder(
    *,
    account: CardAccount,
    actor: User,
    channel: str,
    reason: str,
    duration: str,
    own_words: str,
) -> HardshipCase:
    """Staff open and submit a case for a cardholder who phoned or came to a branch.

    The channel is recorded; the case goes straight to the team's queue, and the cardholder
    (if they have a login) sees it on their dashboard.
    """
    if not actor.has_perm(Perm.WORK_CASES):
        raise CaseActionRefused(_("Only staff can open a case for a cardholder."))
    if channel not in (Channel.PHONE, Channel.BRANCH):
        raise CaseActionRefused(_("Choose whether the cardholder phoned or came to a branch."))
    case = case_start(account=account, actor=actor, channel=channel)
    case.reason, case.duration, case.own_words = reason, duration, own_words.strip()
    from_status = case.status
    case.submit()
    now = timezone.now()
    case.submitted_at, case.decision_due = now, _decision_due(now)
    case.wizard_step = "done"
    _bump(
        case,
        "reason",
        "duration",
        "own_words",
        "status",
        "submitted_at",
        "decision_due",
        "wizard_step",
    )
    _record(
        case,
        actor=actor,
        kind="submitted",
        from_status=from_status,
        payload={
            "channel": channel,
            "on_behalf": True,
            "decision_due": case.decision_due.isoformat(),
        },
    )
    if account.holder is not None:
        account_services.notify(
            user=account.holder,
            title=gettext_noop("We opened case %(reference)s after talking to you"),
            body=gettext_noop("We will reply by %(due)s."),
            params={
                "reference": case.reference,
                "due": timezone.localtime(case.decision_due).strftime("%Y-%m-%d"),
            },
            link=case.get_absolute_url(),
        )
    return case
