"""Rates: the level payment, the monthly IRR and the disclosed annual rates.

Only the *rate* is solved in floating point (a safeguarded Newton iteration);
every amount of money stays a ``Decimal``.  Reported rates are ``Decimal``
percentages with two decimals, rounded ROUND_HALF_UP.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal

from .money import CENT, ONE, ZERO, to_money

_MONTHS_PER_YEAR = 12
_APR_TO_MONTHLY = Decimal(1200)
# A roomy context for the level-payment formula so that rounding to the cent is
# decided by the exact value, not by 28-digit noise.
_WIDE = Context(prec=60)
_IRR_TOLERANCE = 1e-15
_IRR_MAX_ITERATIONS = 200


def monthly_rate(apr: Decimal) -> Decimal:
    """The periodic rate r = APR / 1200 (APR in percent)."""
    return apr / _APR_TO_MONTHLY


def monthly_interest(balance: Decimal, apr: Decimal) -> Decimal:
    """One month's interest on ``balance``: balance x APR / 1200, rounded to the cent.

    The product is formed before dividing so that exact half cents round up.
    """
    if not apr:
        return ZERO
    return to_money(balance * apr / _APR_TO_MONTHLY)


def level_payment(principal: Decimal, apr: Decimal, months: int) -> Decimal:
    """The level payment P r / (1 - (1 + r)^-n), rounded to the cent; P / n when r = 0."""
    if months < 1:
        raise ValueError("months must be at least 1")
    if not apr:
        return to_money(_WIDE.divide(principal, Decimal(months)))
    r = _WIDE.divide(apr, _APR_TO_MONTHLY)
    growth = _WIDE.power(_WIDE.add(ONE, r), months)
    # P r / (1 - g^-n) == P r g^n / (g^n - 1)
    numerator = _WIDE.multiply(_WIDE.multiply(principal, r), growth)
    exact = _WIDE.divide(numerator, _WIDE.subtract(growth, ONE))
    return to_money(exact)


def _npv_and_slope(financed: float, payments: Sequence[float], rate: float) -> tuple[float, float]:
    """NPV of (-financed at t=0, payments[k] at t=k+1) at ``rate`` and its derivative."""
    factor = 1.0 / (1.0 + rate)
    discount = 1.0
    npv = -financed
    slope = 0.0
    for period, payment in enumerate(payments, start=1):
        discount *= factor
        npv += payment * discount
        slope -= period * payment * discount * factor
    return npv, slope


def monthly_irr(financed: Decimal, payments: Sequence[Decimal], guess: float = 0.01) -> float:
    """The monthly internal rate of return of a plan.

    Cash flows: ``financed`` lent at period 0 and ``payments[k]`` received at
    period k + 1 (so a deferral's zero payments count as months).  The payments
    must total at least ``financed`` and at least one must be positive; the rate
    is then unique and not negative.  Solved to about 1e-15 by Newton's method,
    kept inside a bisection bracket so that it always converges.
    """
    total = sum(payments, ZERO)
    if total < financed or total <= 0:
        raise ValueError("payments must total at least the financed amount")
    if total == financed:
        return 0.0
    flows = [float(payment) for payment in payments]
    lent = float(financed)
    low, high = 0.0, 1.0
    while _npv_and_slope(lent, flows, high)[0] > 0:
        low, high = high, high * 2
    rate = guess if low < guess < high else (low + high) / 2
    for _ in range(_IRR_MAX_ITERATIONS):
        npv, slope = _npv_and_slope(lent, flows, rate)
        if npv > 0:
            low = rate
        else:
            high = rate
        step = npv / slope if slope else 0.0
        candidate = rate - step
        if not low < candidate < high:
            candidate = (low + high) / 2
        if abs(candidate - rate) <= _IRR_TOLERANCE * max(1.0, rate):
            return candidate
        rate = candidate
    return rate


def annualised_rate(monthly: float) -> Decimal:
    """12 x the monthly IRR, in percent, two decimals."""
    return (Decimal(monthly) * _APR_TO_MONTHLY).quantize(CENT, rounding=ROUND_HALF_UP)


def effective_annual_rate(monthly: float) -> Decimal:
    """((1 + monthly IRR)^12 - 1), in percent, two decimals."""
    growth = _WIDE.power(_WIDE.add(ONE, Decimal(monthly)), _MONTHS_PER_YEAR)
    return ((growth - ONE) * 100).quantize(CENT, rounding=ROUND_HALF_UP)
