"""Repayment-plan calculator: pure Python, standard library only, money as ``Decimal``.

Public API (what the Django layer calls):

* Quotes: build :class:`PlanTerms` and call :func:`build_schedule` (optionally
  with a :class:`Policy`) to get a :class:`Schedule`.
* Affordability: build a :class:`Statement` and call :func:`assess_affordability`.
* "No plan": :func:`compare_no_plan` with a :class:`MinimumPaymentRule`.
* Recommendations: :func:`recommend_plans` with an :class:`Account`, a
  :class:`Statement`, a :class:`RiskBand` and the asker's :class:`AuthorityLimits`.

Every refusal is a :class:`CalculatorError` with a stable ``code`` and ``params``;
every explanation is a :class:`Message` (code + params, ``.text`` in English).
"""

from .affordability import (
    ESSENTIAL_CATEGORIES,
    Affordability,
    AffordabilityPolicy,
    GuidelineFlag,
    SpendingGuidelines,
    Statement,
    assess_affordability,
)
from .dates import add_months, due_date, parse_date
from .errors import CalculatorError
from .messages import Message, render
from .money import CENT, ZERO, format_money, parse_decimal, still_to_pay, to_money
from .no_plan import MinimumPaymentRule, NoPlanOutcome, compare_no_plan
from .rates import annualised_rate, effective_annual_rate, level_payment, monthly_irr
from .recommend import (
    Account,
    AuthorityLimits,
    KeepRate,
    Recommendation,
    RecommendationPolicy,
    RecommendationResult,
    RiskBand,
    recommend_plans,
)
from .schedule import Schedule, ScheduleRow, build_schedule
from .terms import PlanTerms, PlanType, Policy

__all__ = [
    "CENT",
    "ESSENTIAL_CATEGORIES",
    "ZERO",
    "Account",
    "Affordability",
    "AffordabilityPolicy",
    "AuthorityLimits",
    "CalculatorError",
    "GuidelineFlag",
    "KeepRate",
    "Message",
    "MinimumPaymentRule",
    "NoPlanOutcome",
    "PlanTerms",
    "PlanType",
    "Policy",
    "Recommendation",
    "RecommendationPolicy",
    "RecommendationResult",
    "RiskBand",
    "Schedule",
    "ScheduleRow",
    "SpendingGuidelines",
    "Statement",
    "add_months",
    "annualised_rate",
    "assess_affordability",
    "build_schedule",
    "compare_no_plan",
    "due_date",
    "effective_annual_rate",
    "format_money",
    "level_payment",
    "monthly_irr",
    "parse_date",
    "parse_decimal",
    "recommend_plans",
    "render",
    "still_to_pay",
    "to_money",
]
