"""The calculator applied to a case: what to recommend, and quotes for the cardholder's terms.

Glue only: every figure comes from `plans.calculator`.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.cache import cache
from django.utils import timezone

from accounts.roles import Role
from cases.models import HardshipCase
from cases.policy.rules import authority_limits, plan_policy, risk_band_for
from cases.selectors import balance_of, statement_of
from plans.calculator import (
    AuthorityLimits,
    CalculatorError,
    PlanTerms,
    PlanType,
    RecommendationResult,
    Schedule,
    add_months,
    build_schedule,
    recommend_plans,
)


def first_due_date(today: date | None = None) -> date:
    """Plans start a month from now: time to organise the first payment."""
    return add_months(today or timezone.localdate(), 1)


def recommendations_for(
    case: HardshipCase, authority: AuthorityLimits | None = None
) -> RecommendationResult | None:
    """Plans the cardholder could be granted within `authority` (an agent's by default).

    The calculator weighs over a hundred candidates (tens of milliseconds); the result depends
    only on the case's statement and account, the authority and the first due date, so it is
    kept in the cache under a key made of exactly those, and computed again when one changes.
    """
    statement = statement_of(case)
    if statement is None:
        return None
    account = case.account
    authority = authority or authority_limits(Role.AGENT)
    start = first_due_date()
    inputs = repr((case.pk, case.version, account.pk, account.updated_at, authority, start))
    key = "recommendations:" + hashlib.sha256(inputs.encode()).hexdigest()
    cached: RecommendationResult | None = cache.get(key)
    if cached is not None:
        return cached
    result = recommend_plans(
        balance_of(account).account(apr=account.apr),
        statement,
        risk_band_for(account),
        authority,
        start_date=start,
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


__all__ = ["CalculatorError", "first_due_date", "own_terms_schedule", "recommendations_for"]
