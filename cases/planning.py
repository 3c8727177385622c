"""The calculator applied to a case: what to recommend, and quotes for the cardholder's terms.

Glue only: every figure comes from `plans.calculator`.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.cache import cache
from django.utils import timezone

from cases.models import HardshipCase, HardshipDuration
from cases.policy.rules import (
    plan_policy,
    policy_authority,
    recommendation_policy,
    risk_band_for,
)
from cases.selectors import balance_of, statement_of
from plans.calculator import (
    CalculatorError,
    PlanTerms,
    PlanType,
    RecommendationResult,
    Schedule,
    add_months,
    build_schedule,
    recommend_plans,
)


def shown_as(schedule: Schedule) -> str:
    """What a plan showed, sent back with the choice of it: its length, largest payment and
    total, so that the plan asked for is the plan that was on the page, or nothing."""
    return f"{schedule.months}:{schedule.max_payment}:{schedule.total_payable}"


def first_due_date(today: date | None = None) -> date:
    """Plans start a month from now: time to organise the first payment."""
    return add_months(today or timezone.localdate(), 1)


def recommendations_for(case: HardshipCase) -> RecommendationResult | None:
    """The plans best for the cardholder within the bank's policy, the same whoever looks.

    Worked out within the widest authority policy gives anyone (`policy_authority`): staff
    see which options are within their own limits, and one beyond them goes for approval.
    A temporary hardship with a recovery date gets a plan with lower payments until then.

    The calculator weighs over a hundred candidates (tens of milliseconds); the result depends
    only on the case's statement and account, the policy and the first due date, so it is
    kept in the cache under a key made of exactly those, and computed again when one changes.
    """
    statement = statement_of(case)
    if statement is None:
        return None
    account = case.account
    authority = policy_authority()
    policy = recommendation_policy()
    start = first_due_date()
    recovery = case.expected_recovery if case.duration == HardshipDuration.TEMPORARY else None
    inputs = repr(
        (case.pk, case.version, account.pk, account.updated_at, authority, policy, start, recovery)
    )
    key = "recommendations:" + hashlib.sha256(inputs.encode()).hexdigest()
    cached: RecommendationResult | None = cache.get(key)
    if cached is not None:
        return cached
    result = recommend_plans(
        balance_of(account).account(
            apr=account.apr, minimum_payment=account.minimum_payment_rule()
        ),
        statement,
        risk_band_for(account),
        authority,
        start_date=start,
        policy=policy,
        recovery_date=recovery,
    )
    cache.set(key, result, timeout=RECOMMENDATIONS_SECONDS)
    return result


RECOMMENDATIONS_SECONDS = 24 * 3600


def own_terms_schedule(case: HardshipCase, *, months: int, stop_interest: bool) -> Schedule:
    """The plan the cardholder proposes: level instalments over `months`, at the card's rate
    or with interest stopped. Raises CalculatorError for terms outside policy."""
    account = case.account
    balance = balance_of(account)
    plan_type = PlanType.INTEREST_FREE if stop_interest else PlanType.INSTALMENT
    terms = PlanTerms(
        plan_type=plan_type,
        balance=balance.principal,
        start_date=first_due_date(),
        apr=None if stop_interest else account.apr,
        months=months,
        accrued_interest=balance.accrued_interest,
        fees=balance.fees,
    )
    return build_schedule(terms, plan_policy())


__all__ = [
    "CalculatorError",
    "first_due_date",
    "own_terms_schedule",
    "recommendations_for",
]
