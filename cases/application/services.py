"""The hardship application: a draft saved step by step, the statement, the plan asked for,
submission, and staff opening a case for a caller.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import services as account_services
from accounts.formatting import money
from accounts.models import Profile, User
from accounts.roles import Perm
from cases.core import (
    CaseActionRefused,
    bump_version,
    cardholder_request_create,
    is_holder,
    list_text,
    lock_case,
    owed_moved_since,
    record_event,
    terms_from_json,
)
from cases.models import (
    CardAccount,
    CaseStatus,
    Channel,
    Document,
    HardshipCase,
    Offer,
    OfferStatus,
)
from cases.negotiation.sla import add_business_days
from cases.statement import DebtLine, replace_statement
from plans.calculator import Schedule, assess_affordability, build_schedule


def _editable_draft(case: HardshipCase, actor: User) -> None:
    if not is_holder(case, actor) and case.opened_by_id != actor.pk:
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
        bump_version(stale, "status", "closed_at")
        record_event(stale, actor=None, kind="draft_expired", from_status=CaseStatus.DRAFT)
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
    record_event(case, actor=actor, kind="opened", payload={"channel": channel})
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
    third_party: bool = False,
    asked_for_person: bool = False,
) -> HardshipCase:
    case = lock_case(case, version=version)
    _editable_draft(case, actor)
    case.reason, case.duration = reason, duration
    case.expected_recovery, case.own_words = expected_recovery, own_words.strip()
    case.third_party, case.asked_for_person = third_party, asked_for_person
    case.wizard_step = "money"
    bump_version(
        case,
        "reason",
        "duration",
        "expected_recovery",
        "own_words",
        "third_party",
        "asked_for_person",
        "wizard_step",
    )
    return case


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
    """Replace the case's income & expenditure statement as a whole.

    A plan chosen against the old statement is dropped when the statement changes: what is
    affordable depends on it, so the cardholder chooses again before sending.
    """
    case = lock_case(case, version=version)
    _editable_draft(case, actor)
    changed = replace_statement(
        case,
        household_size=household_size,
        dependants=dependants,
        income=income,
        essentials=essentials,
        debts=debts,
    )
    if changed:
        case.offers.filter(status=OfferStatus.REQUESTED).delete()
    case.wizard_step = "evidence"
    bump_version(case, "household_size", "dependants", "wizard_step")
    return case


def plan_refusal(case: HardshipCase) -> str | None:
    """Why the plan the cardholder chose cannot be sent as it is, or None.

    It must be worked out on today's figures: its first payment no sooner than a plan starts
    today, on what is owed now (within the policy's tolerance).

    Its largest monthly payment must fit in the monthly surplus of the statement as it is now
    (its own, not the policy's buffer: a cardholder may ask for a plan that leaves less).
    """
    from cases.planning import first_due_date
    from cases.policy.rules import affordability_policy
    from cases.selectors import statement_of

    requested = case.offers.filter(status=OfferStatus.REQUESTED).first()
    statement = statement_of(case)
    if requested is None or statement is None:
        return None
    # A plan worked out on an earlier day is not sent as it was: its first payment would now
    # come sooner than a plan allows, or what is owed has moved since (a payment, a fee).
    terms = terms_from_json(requested.terms)
    if terms.start_date < first_due_date():
        return _(
            "The plan you chose was worked out on an earlier day, and its first payment "
            "would now come too soon. Here are the plans as they are today: choose again."
        )
    if owed_moved_since(requested, case):
        return _(
            "What you owe has changed since the plan you chose was worked out. Here are the "
            "plans as they are today: choose again."
        )
    affordability = assess_affordability(statement, policy=affordability_policy())
    payment = build_schedule(terms).max_payment
    currency = case.account.currency
    if affordability.disposable_income <= 0 or payment > affordability.disposable_income:
        return _(
            "The plan you chose asks for up to %(payment)s a month, more than the "
            "%(surplus)s a month your income and spending leave. Choose a plan again."
        ) % {
            "payment": money(payment, currency),
            "surplus": money(max(affordability.disposable_income, Decimal(0)), currency),
        }
    return None


@transaction.atomic
def document_remove(*, document: Document, actor: User) -> None:
    """Take back a document uploaded to a draft (before anyone relied on it)."""
    case = lock_case(document.case, version=None)
    _editable_draft(case, actor)
    name = document.file.name
    record_event(
        case, actor=actor, kind="document_removed", payload={"name": document.original_name}
    )
    document.delete()
    transaction.on_commit(lambda: document.file.storage.delete(name))


@transaction.atomic
def case_set_step(*, case: HardshipCase, actor: User, step: str) -> HardshipCase:
    """Move the draft's bookmark on (a step with nothing to save, such as documents)."""
    case = lock_case(case, version=None)
    _editable_draft(case, actor)
    case.wizard_step = step
    bump_version(case, "wizard_step")
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
    """How and when the cardholder may be contacted. The profile is the one source the contact
    rules read, so it is saved there too (audited); the case keeps what was given with the
    application."""
    case = lock_case(case, version=version)
    _editable_draft(case, actor)
    case.contact_channel, case.contact_from, case.contact_until = (
        channel,
        contact_from,
        contact_until,
    )
    case.wizard_step = "options"
    bump_version(case, "contact_channel", "contact_from", "contact_until", "wizard_step")
    profile, _created = Profile.objects.get_or_create(user=actor)
    account_services.profile_update(
        profile=profile,
        actor=actor,
        preferred_channel=channel,
        contact_from=contact_from,
        contact_until=contact_until,
    )
    return case


@transaction.atomic
def case_request_plan(
    *, case: HardshipCase, actor: User, version: int, schedule: Schedule, note: str = ""
) -> Offer:
    """Record the plan the cardholder asks for (a recommended one or their own terms).

    In a draft the request can be changed: the earlier request is marked withdrawn, never
    deleted, so the negotiation thread keeps its history.
    """
    case = lock_case(case, version=version)
    _editable_draft(case, actor)
    # A plan chosen and changed again before the application is sent was never a request to
    # the bank: the earlier choice is replaced, not kept as a "withdrawn" request.
    case.offers.filter(status=OfferStatus.REQUESTED).delete()
    offer = cardholder_request_create(case=case, actor=actor, schedule=schedule, note=note)
    case.wizard_step = "review"
    bump_version(case, "wizard_step")
    return offer


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


class PlanNoLongerFits(CaseActionRefused):
    """The chosen plan does not fit the statement as it is now: choose again."""


def _decision_due(submitted_at: datetime) -> datetime:
    from cases.policy.rules import current_policy

    return add_business_days(submitted_at, current_policy().decision_business_days)


@transaction.atomic
def case_submit(*, case: HardshipCase, actor: User, version: int) -> HardshipCase:
    """Send a complete application to the collections team; the decision clock starts."""
    case = lock_case(case, version=version)
    _editable_draft(case, actor)
    missing = missing_for_submission(case)
    if missing:
        raise CaseActionRefused(
            _("Before you submit, please add: %(missing)s.") % {"missing": list_text(missing)}
        )
    refusal = plan_refusal(case)
    if refusal:
        raise PlanNoLongerFits(refusal)
    from_status = case.status
    case.submit()
    now = timezone.now()
    case.submitted_at, case.decision_due = now, _decision_due(now)
    case.wizard_step = "done"
    bump_version(case, "status", "submitted_at", "decision_due", "wizard_step")
    record_event(
        case,
        actor=actor,
        kind="submitted",
        from_status=from_status,
        payload={"decision_due": case.decision_due.isoformat()},
    )
    from cases.decisions.services import auto_decide

    decision = auto_decide(case)
    if decision is not None and decision.outcome == "approve":
        return case  # the cardholder is told their plan is approved
    holder = case.account.holder
    if holder is not None:
        account_services.notify(
            user=holder,
            title=gettext_noop("We received your application %(reference)s"),
            body=gettext_noop("We will reply by %(due)s."),
            params={
                "reference": case.reference,
                "due": timezone.localtime(case.decision_due).date().isoformat(),
            },
            link=case.get_absolute_url(),
        )
    return case


@transaction.atomic
def case_open_for_cardholder(
    *,
    account: CardAccount,
    actor: User,
    channel: str,
    reason: str,
    duration: str,
    own_words: str,
    expected_recovery: date | None = None,
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
    case.expected_recovery = expected_recovery if duration == "temporary" else None
    from_status = case.status
    case.submit()
    now = timezone.now()
    case.submitted_at, case.decision_due = now, _decision_due(now)
    case.wizard_step = "done"
    bump_version(
        case,
        "reason",
        "duration",
        "expected_recovery",
        "own_words",
        "status",
        "submitted_at",
        "decision_due",
        "wizard_step",
    )
    record_event(
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
                "due": timezone.localtime(case.decision_due).date().isoformat(),
            },
            link=case.get_absolute_url(),
        )
    return case
