"""Automatic decisions: gather the facts, run the engine, act on its answer, keep the record.

The engine (`plans.calculator.decision`) is pure; this module reads what it needs from the
database, and does what it decided: an approval becomes the bank's open offer on exactly the
terms asked for, at once; a referral leaves the request with the team, who are told why. The
engine only approves or refers. A fault in it refers too, with the error logged: it never
approves and never loses the request.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Perm
from cases.core import (
    CaseActionRefused,
    bump_version,
    cardholder_request_create,
    is_holder,
    lock_case,
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
    AccountFlag,
    AutoDecision,
    AutoDecisionSwitch,
    CardAccount,
    CaseStatus,
    DecisionOutcome,
    DecisionReview,
    FlagKind,
    HardshipCase,
    NegotiationPolicy,
    Offer,
    OfferStatus,
    Proposer,
    Verdict,
)
from cases.policy.rules import affordability_policy, current_policy, risk_band_for
from cases.selectors import balance_of, statement_of
from plans.calculator import Schedule, assess_affordability, build_schedule
from plans.calculator import decision as engine
from plans.calculator.money import HUNDRED, ZERO
from plans.calculator.recommend import Recommendation
from plans.models import PlanStatus, RepaymentPlan

logger = logging.getLogger(__name__)

#: How far back a broken plan sends a request to a person.
BROKEN_PLAN_LOOKBACK = timedelta(days=365)


# --- reading the band -------------------------------------------------------------------------


def is_paused() -> bool:
    switch = AutoDecisionSwitch.objects.filter(pk=1).first()
    return bool(switch and switch.paused)


def policy_version() -> int:
    """The version of the negotiation policy in force: its latest history record (0 before
    the first recorded change)."""
    latest = NegotiationPolicy.history.order_by("-history_id").values_list("history_id", flat=True)
    return latest.first() or 0


def band_of(policy: Any, *, paused: bool = False) -> engine.Band:
    """The self-service band of a policy row (or a historical record of one)."""
    plan_types = set()
    if policy.auto_instalment:
        plan_types |= {"instalment", "interest_free"}
    if policy.auto_deferral:
        plan_types.add("deferral")
    bands = {
        name
        for name, allowed in (
            ("low", policy.auto_risk_low),
            ("medium", policy.auto_risk_medium),
            ("high", policy.auto_risk_high),
            ("very_high", policy.auto_risk_very_high),
        )
        if allowed
    }
    return engine.Band(
        plan_types=frozenset(plan_types),
        max_term_months=policy.auto_max_term_months,
        max_deferral_months=policy.auto_max_deferral_months,
        min_apr=policy.auto_min_apr,
        max_interest_waiver_share=policy.auto_max_interest_waiver_percent / HUNDRED,
        max_fee_waiver_share=policy.auto_max_fee_waiver_percent / HUNDRED,
        max_balance=policy.auto_max_balance,
        max_income_share=policy.auto_max_income_percent / HUNDRED,
        risk_bands=frozenset(bands),
        evidence_above=policy.auto_evidence_above,
        paused=paused,
    )


def band_at_version(version: int) -> engine.Band | None:
    """The band as it stood at policy `version` (pause aside), or None if unknown."""
    record = NegotiationPolicy.history.filter(history_id=version).first()
    if record is None:
        return None
    return band_of(record)


def _baseline_version(policy: NegotiationPolicy) -> int:
    """Record the policy as it stands when it has no history yet (the row the first migration
    made), so that every decision names a version that can be looked up and checked."""
    if policy._state.adding:
        policy.save()  # the defaults, kept: saving records them in the history
    else:
        NegotiationPolicy.history.bulk_history_create(
            [policy], default_change_reason="baseline: the policy in force, first recorded"
        )
    return policy_version()


def current_band() -> tuple[engine.Band, int]:
    """The band in force and its policy version, read so that they agree: the band of the
    policy row is the band recorded at that version (a change approved between the two reads
    is read again). A change waiting for approval is not in force: only the policy row is
    read, never a pending proposal."""
    paused = is_paused()
    for _attempt in range(3):
        version = policy_version()
        policy = current_policy()
        band = band_of(policy, paused=paused)
        if version == 0:
            version = _baseline_version(policy)
            continue
        recorded = band_at_version(version)
        if recorded is not None and replace(recorded, paused=paused) == band:
            return band, version
    # Still apart: the row was changed outside the audited path. The band used is stored with
    # each decision, and explain_decision reports that it differs from the version named.
    logger.warning("The policy row differs from its latest history record (%s)", version)
    return band, version


# --- the facts --------------------------------------------------------------------------------


def plan_request_of(schedule: Schedule) -> engine.PlanRequest:
    terms = schedule.terms
    return engine.PlanRequest(
        plan_type=terms.plan_type.value,
        months=schedule.months,
        deferral_months=terms.deferral_months or 0,
        apr=None if schedule.annualised_rate is None else terms.plan_apr,
        accrued_interest=terms.accrued_interest,
        interest_waived=terms.interest_waived,
        fees=terms.fees,
        fees_waived=terms.fees_waived,
        forgiven=schedule.forgiven,
        largest_payment=schedule.max_payment,
    )


def holder_accounts(account: CardAccount) -> list[CardAccount]:
    """Every card of the account's holder (the account alone before they enrol): a decision
    weighs the cardholder, not one card, so a flag or a broken plan on another card counts."""
    if account.holder_id is None:
        return [account]
    return list(CardAccount.objects.filter(holder_id=account.holder_id).order_by("pk"))


def owed_by_holder(accounts: list[CardAccount]) -> Decimal:
    """What the cardholder owes on all their cards (exact cents: a sum, no rounding)."""
    return sum((balance_of(account).total for account in accounts), ZERO)


def case_facts(case: HardshipCase, requested: Offer | None = None) -> engine.CaseFacts:
    """The facts the engine weighs: across every card of the cardholder for the amount owed,
    the flags and the broken plans. `requested`: the request being decided (its note)."""
    account = case.account
    accounts = holder_accounts(account)
    statement = statement_of(case)
    disposable = (
        assess_affordability(statement, policy=affordability_policy()).disposable_income
        if statement is not None
        else ZERO
    )
    open_flags = set(
        AccountFlag.objects.filter(account__in=accounts, cleared_at__isnull=True).values_list(
            "kind", flat=True
        )
    )
    flags = open_flags & engine.FLAG_EXCLUSIONS
    if case.third_party:
        flags.add(FlagKind.THIRD_PARTY.value)
    documents = list(case.documents.values_list("status", flat=True))
    broken = RepaymentPlan.objects.filter(
        account__in=accounts,
        status=PlanStatus.BROKEN,
        ended_at__gte=timezone.now() - BROKEN_PLAN_LOOKBACK,
    ).exists()
    return engine.CaseFacts(
        balance=owed_by_holder(accounts),
        risk_band=risk_band_for(account).value,
        disposable_income=disposable,
        broken_plan_12_months=broken,
        flags=frozenset(flags),
        identity_verified=FlagKind.IDENTITY.value not in open_flags,
        evidence_reviewed=bool(documents)
        and "pending" not in documents
        and "accepted" in documents,
        asked_for_person=case.asked_for_person,
        wrote_to_us=requested is not None and bool(requested.rationale.strip()),
    )


def evidence_required(case: HardshipCase) -> bool:
    """Whether the policy asks for evidence, reviewed by a person, at this amount owed."""
    owed = owed_by_holder(holder_accounts(case.account))
    return owed > current_policy().auto_evidence_above


def instant_ranks(case: HardshipCase, recommendations: list[Recommendation]) -> set[int]:
    """The ranks of the recommended plans that would be agreed at once if asked for now."""
    band, _version = current_band()
    if band.paused:
        return set()
    facts = case_facts(case)
    return {
        r.rank
        for r in recommendations
        if engine.decide(facts, plan_request_of(r.schedule), band).outcome == engine.Outcome.APPROVE
    }


# --- deciding ---------------------------------------------------------------------------------


#: Set by `sampling_forced` (the demo data): every approval sampled, or none.
_forced_sample: ContextVar[bool | None] = ContextVar("forced_sample", default=None)


@contextmanager
def sampling_forced(sampled: bool) -> Iterator[None]:
    """Within the block, approvals are sampled for quality review (or not) whatever the
    policy's share: for the demo data, so that a fresh start has reviews to show."""
    token = _forced_sample.set(sampled)
    try:
        yield
    finally:
        _forced_sample.reset(token)


def _sample_roll() -> float:
    forced = _forced_sample.get()
    if forced is not None:
        return 0.0 if forced else 1.0
    return secrets.SystemRandom().random()


def _approve(
    case: HardshipCase, requested: Offer, schedule: Schedule, record: AutoDecision
) -> Offer:
    """The bank's offer on exactly the terms asked for, open to the cardholder at once."""
    from_status = case.status
    run_transition(case, "take_into_review")
    run_transition(case, "await_cardholder")
    offers_end(case, "supersede", actor=None, with_case=False)
    now = timezone.now()
    offer = Offer.objects.create(
        case=case,
        proposer=Proposer.BANK,
        created_by=None,
        terms=terms_to_json(schedule.terms),
        summary=schedule_summary(schedule),
        rationale="",
        status=OfferStatus.OPEN,
        sent_at=now,
        expires_at=now + timedelta(days=current_policy().offer_validity_days),
        supersedes=requested,
    )
    bump_version(case, "status")
    record.offer = offer
    record.save()
    record_event(
        case,
        actor=None,
        kind="auto_approved",
        from_status=from_status,
        payload={"offer": offer.pk, "decision": record.pk, "version": record.policy_version},
    )
    notify_holder(case, gettext_noop("Your plan on case %(reference)s is approved"))
    return offer


def _refer(case: HardshipCase, record: AutoDecision) -> None:
    record.save()
    record_event(
        case,
        actor=None,
        kind="auto_referred",
        payload={
            "decision": record.pk,
            "version": record.policy_version,
            "failed": [rule["code"] for rule in record.rules if not rule["passed"]],
            "error": bool(record.error),
        },
    )


def _decide(case: HardshipCase, requested: Offer) -> AutoDecision:
    schedule = build_schedule(terms_from_json(requested.terms))
    band, version = current_band()
    facts = case_facts(case, requested)
    request = plan_request_of(schedule)
    decision = engine.decide(facts, request, band)
    approved = decision.outcome == engine.Outcome.APPROVE
    record = AutoDecision(
        case=case,
        request=requested,
        outcome=decision.outcome.value,
        policy_version=version,
        engine_version=engine.ENGINE_VERSION,
        band=band.as_json(),
        facts=facts.as_json(),
        plan=request.as_json(),
        rules=[rule.as_json() for rule in decision.rules],
        sampled=approved
        and engine.is_sampled(_sample_roll(), current_policy().auto_sample_percent / HUNDRED),
    )
    if approved:
        _approve(case, requested, schedule, record)
    else:
        _refer(case, record)
    return record


def auto_decide(case: HardshipCase) -> AutoDecision | None:
    """Decide the case's request at once, if it can be: called under the case's lock, with the
    case just submitted (or its request just changed). Returns the record, or None when there
    is no request to decide."""
    requested = case.offers.filter(status=OfferStatus.REQUESTED).order_by("-pk").first()
    if requested is None or case.status != CaseStatus.SUBMITTED:
        return None
    try:
        with transaction.atomic():
            return _decide(case, requested)
    except Exception as error:
        # A fault never approves and never loses the request: it goes to a person.
        logger.exception("Automatic decision failed on case %s", case.pk)
        case.refresh_from_db()
        band, version = (None, 0)
        try:
            band, version = current_band()
        except Exception:  # the band itself may be what failed
            logger.exception("Could not read the self-service band")
        record = AutoDecision(
            case=case,
            request=requested,
            outcome=DecisionOutcome.REFERRED,
            policy_version=version,
            engine_version=engine.ENGINE_VERSION,
            band=band.as_json() if band else {},
            facts={},
            plan={},
            rules=[],
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        _refer(case, record)
        return record


def latest_decision(case: HardshipCase) -> AutoDecision | None:
    return case.decisions.order_by("-decided_at", "-pk").first()


# --- a referral that helps --------------------------------------------------------------------


@dataclass(frozen=True)
class Referral:
    """What the cardholder is told of a referral: the rules about their choices that sent it to
    a person, and a plan inside the band they can have at once instead (if any)."""

    decision: AutoDecision
    choices: list[str]
    alternative: Recommendation | None


def _failed(record: AutoDecision) -> list[dict[str, Any]]:
    return [rule for rule in record.rules if not rule["passed"]]


def in_band_alternative(case: HardshipCase, record: AutoDecision) -> Recommendation | None:
    """The plan best for the cardholder among those that would be agreed at once, when only
    their choices (not their circumstances) sent the request to a person."""
    from cases.planning import recommendations_for

    failed = _failed(record)
    if record.error or not failed or any(rule["kind"] != "choice" for rule in failed):
        return None
    result = recommendations_for(case)
    if result is None:
        return None
    band, _version = current_band()
    facts = case_facts(case)
    for recommendation in sorted(result.recommendations, key=lambda r: r.rank):
        decision = engine.decide(facts, plan_request_of(recommendation.schedule), band)
        if decision.outcome == engine.Outcome.APPROVE:
            return recommendation
    return None


def referral_for(case: HardshipCase) -> Referral | None:
    """The referral to explain on the cardholder's page, while nobody has taken the case up."""
    if case.status != CaseStatus.SUBMITTED:
        return None
    record = latest_decision(case)
    if record is None or record.outcome != DecisionOutcome.REFERRED:
        return None
    choices = [rule["code"] for rule in _failed(record) if rule["kind"] == "choice"]
    return Referral(decision=record, choices=choices, alternative=in_band_alternative(case, record))


@transaction.atomic
def case_take_alternative(
    *, case: HardshipCase, actor: User, version: int, rank: int, shown: str
) -> AutoDecision | None:
    """The cardholder takes the in-band plan offered beside a referral: it replaces their
    request and is decided again, on what is submitted now (never on what was shown before)."""
    case = lock_case(case, version=version)
    if not is_holder(case, actor):
        raise CaseActionRefused(_("Only the cardholder can change their request."))
    if case.status != CaseStatus.SUBMITTED:
        raise CaseActionRefused(
            _("Someone is already looking at your request, so it can no longer be changed here.")
        )
    from cases.planning import shown_as

    record = latest_decision(case)
    alternative = in_band_alternative(case, record) if record else None
    if alternative is None or alternative.rank != rank or shown_as(alternative.schedule) != shown:
        raise CaseActionRefused(
            _("The plans we can agree at once have changed. Look at them again below.")
        )
    requested = case.offers.filter(status=OfferStatus.REQUESTED).order_by("-pk").first()
    if requested is not None:
        offer_move(requested, "supersede", case=case, actor=actor)
    cardholder_request_create(
        case=case, actor=actor, schedule=alternative.schedule, note="", supersedes=requested
    )
    bump_version(case)
    return auto_decide(case)


# --- oversight --------------------------------------------------------------------------------


@transaction.atomic
def switch_set(*, actor: User, paused: bool, reason: str) -> AutoDecisionSwitch:
    """Pause or resume every automatic decision; effective on the next request."""
    if not actor.has_perm(Perm.MANAGE_POLICY):
        raise CaseActionRefused(_("Only an administrator can pause automatic decisions."))
    reason = reason.strip()
    if not reason:
        raise CaseActionRefused(_("Give a reason: it is kept with the change."))
    switch, _created = AutoDecisionSwitch.objects.select_for_update().get_or_create(pk=1)
    if switch.paused == paused:
        raise CaseActionRefused(
            _("Automatic decisions are already paused.")
            if paused
            else _("Automatic decisions are already running.")
        )
    switch.paused, switch.reason = paused, reason[:200]
    switch.changed_by, switch.changed_at = actor, timezone.now()
    switch._change_reason = reason[:100]  # type: ignore[attr-defined]
    switch.save()
    logger.warning(
        "Automatic decisions %s by user %s: %s", "paused" if paused else "resumed", actor.pk, reason
    )
    return switch


@transaction.atomic
def decision_review(
    *, decision: AutoDecision, actor: User, verdict: str, reason: str
) -> DecisionReview:
    """A supervisor's verdict on a sampled automatic approval (once; never their own case)."""
    if not actor.has_perm(Perm.APPROVE_OFFERS):
        raise CaseActionRefused(_("Only a supervisor can review automatic decisions."))
    decision = AutoDecision.objects.select_for_update().get(pk=decision.pk)
    if not decision.sampled:
        raise CaseActionRefused(_("This decision was not sampled for review."))
    if DecisionReview.objects.filter(decision=decision).exists():
        raise CaseActionRefused(_("Someone has already reviewed this decision."))
    if verdict not in Verdict.values:
        raise CaseActionRefused(_("Choose whether you agree with the decision."))
    reason = reason.strip()
    if verdict == Verdict.DISAGREE and not reason:
        raise CaseActionRefused(_("Say why you disagree: the band's owners read it."))
    review = DecisionReview.objects.create(
        decision=decision, reviewer=actor, verdict=verdict, reason=reason
    )
    record_event(
        decision.case,
        actor=actor,
        kind="auto_reviewed",
        payload={"decision": decision.pk, "verdict": verdict, "reason": reason},
        visible=False,
    )
    return review


@transaction.atomic
def flag_raise(*, case: HardshipCase, actor: User, kind: str, note: str) -> AccountFlag:
    """Record a circumstance on the case's account (staff); it sends requests to a person."""
    if not actor.has_perm(Perm.WORK_CASES):
        raise CaseActionRefused(_("Only staff can flag an account."))
    if kind not in FlagKind.values:
        raise CaseActionRefused(_("Choose what to flag."))
    case = lock_case(case, version=None)
    if AccountFlag.objects.filter(
        account=case.account, kind=kind, cleared_at__isnull=True
    ).exists():
        raise CaseActionRefused(_("This flag is already open on the account."))
    flag = AccountFlag.objects.create(
        account=case.account, kind=kind, note=note.strip()[:500], raised_by=actor
    )
    record_event(
        case,
        actor=actor,
        kind="flag_raised",
        payload={"flag": kind, "note": flag.note},
        visible=False,
    )
    return flag


@transaction.atomic
def flag_clear(*, case: HardshipCase, flag: AccountFlag, actor: User) -> AccountFlag:
    if not actor.has_perm(Perm.WORK_CASES):
        raise CaseActionRefused(_("Only staff can clear a flag."))
    case = lock_case(case, version=None)
    flag = AccountFlag.objects.select_for_update().get(pk=flag.pk, account=case.account)
    if flag.cleared_at is not None:
        raise CaseActionRefused(_("This flag was already cleared."))
    flag.cleared_by, flag.cleared_at = actor, timezone.now()
    flag.save(update_fields=["cleared_by", "cleared_at"])
    record_event(case, actor=actor, kind="flag_cleared", payload={"flag": flag.kind}, visible=False)
    return flag
