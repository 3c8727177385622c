"""Hypothesis strategies and independent reference arithmetic for the calculator tests."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from plans.calculator import CalculatorError, PlanTerms, PlanType, build_schedule


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Whole-cent amounts between ``low`` and ``high`` cents."""
    return st.integers(low, high).map(lambda value: Decimal(value).scaleb(-2))


def two_place_rates(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Rates with two decimals, ``low/100`` to ``high/100``."""
    return st.integers(low, high).map(lambda value: Decimal(value).scaleb(-2))


start_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
aprs = two_place_rates(0, 10_000)
positive_aprs = two_place_rates(1, 10_000)


@st.composite
def balances(draw: st.DrawFn, minimum_cents: int = 1) -> dict[str, Any]:
    """Balance, accrued interest and fees with waivers no larger than what is owed."""
    accrued = draw(cents(0, 2_000_000))
    fees = draw(cents(0, 200_000))
    return {
        "balance": draw(cents(minimum_cents, 100_000_000)),
        "accrued_interest": accrued,
        "interest_waived": draw(cents(0, int(accrued * 100))),
        "fees": fees,
        "fees_waived": draw(cents(0, int(fees * 100))),
    }


def _buildable(terms: PlanTerms) -> PlanTerms:
    """Discard the tiny-balance plans whose payment would repay nothing (refused by design)."""
    try:
        build_schedule(terms)
    except CalculatorError as error:
        if error.code != "payment_too_small":
            raise
        assume(False)
    return terms


@st.composite
def plan_terms(
    draw: st.DrawFn,
    plan_types: tuple[PlanType, ...] = tuple(PlanType),
    minimum_cents: int = 1,
    max_term: int = 60,
) -> PlanTerms:
    """Valid, quotable terms of any plan type within ``max_term`` rows."""
    return _buildable(draw(_plan_terms(plan_types, minimum_cents, max_term)))


@st.composite
def _plan_terms(
    draw: st.DrawFn,
    plan_types: tuple[PlanType, ...],
    minimum_cents: int,
    max_term: int,
) -> PlanTerms:
    plan_type = draw(st.sampled_from(plan_types))
    common: dict[str, Any] = {
        "plan_type": plan_type,
        "start_date": draw(start_dates),
        **draw(balances(minimum_cents)),
    }
    if plan_type is PlanType.SETTLEMENT:
        terms = PlanTerms(
            settlement_percent=draw(two_place_rates(1, 10_000)),
            settlement_payments=draw(st.integers(1, 3)),
            **common,
        )
        # A settlement must come to at least a cent (smaller ones are refused).
        assume(terms.financed_amount * (terms.settlement_percent or 0) >= Decimal("0.5"))
        return terms
    if plan_type is PlanType.INTEREST_FREE:
        return PlanTerms(months=draw(st.integers(1, max_term)), **common)
    if plan_type is PlanType.INSTALMENT:
        return PlanTerms(apr=draw(aprs), months=draw(st.integers(1, max_term)), **common)
    if plan_type is PlanType.FEE_INSTALMENT:
        return PlanTerms(
            fee_rate=draw(two_place_rates(0, 500)),
            apr=draw(st.none() | aprs),
            months=draw(st.integers(1, max_term)),
            **common,
        )
    if plan_type is PlanType.DEFERRAL:
        deferral = draw(st.integers(1, min(12, max_term - 1)))
        return PlanTerms(
            apr=draw(aprs),
            deferral_months=deferral,
            months=draw(st.integers(1, max_term - deferral)),
            **common,
        )
    months = draw(st.integers(2, max_term))
    return PlanTerms(
        apr=draw(aprs),
        months=months,
        step_months=draw(st.integers(1, months - 1)),
        step_ratio=draw(st.integers(1, 9999).map(lambda value: Decimal(value).scaleb(-4))),
        **common,
    )


def round_half_up(value: Fraction) -> Decimal:
    """Round an exact rational to the cent, halves away from zero (independent of Decimal)."""
    hundredths = abs(value) * 100
    whole = int(hundredths)
    if hundredths - whole >= Fraction(1, 2):
        whole += 1
    result = Decimal(whole).scaleb(-2)
    return -result if value < 0 else result


def reference_interest(balance: Decimal, apr: Decimal) -> Decimal:
    """balance x APR / 1200 rounded half up, computed exactly with fractions."""
    return round_half_up(Fraction(balance) * Fraction(apr) / 1200)


def reference_level_payment(principal: Decimal, apr: Decimal, months: int) -> Decimal:
    """P r / (1 - (1 + r)^-n) rounded half up, exactly with fractions (P / n when r = 0)."""
    if apr == 0:
        return round_half_up(Fraction(principal) / months)
    r = Fraction(apr) / 1200
    growth = (1 + r) ** months
    return round_half_up(Fraction(principal) * r * growth / (growth - 1))


def reference_due_date(start: date, n: int) -> date:
    """Row ``n``'s due date, by a different route from the production code."""
    month_index = start.year * 12 + start.month - 1 + (n - 1)
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))
