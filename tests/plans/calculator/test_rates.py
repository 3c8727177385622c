"""The IRR solver and the disclosed rates."""

from __future__ import annotations

from decimal import Decimal

import numpy_financial as npf
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from plans.calculator import annualised_rate, effective_annual_rate, level_payment, monthly_irr
from tests.plans.calculator.strategies import cents

D = Decimal


def test_one_payment_a_month_later() -> None:
    assert monthly_irr(D("100.00"), [D("110.00")]) == pytest.approx(0.10, abs=1e-14)


def test_payments_equal_to_the_amount_lent_have_no_return() -> None:
    assert monthly_irr(D("300.00"), [D("100.00")] * 3) == 0.0
    assert annualised_rate(0.0) == D("0.00")
    assert effective_annual_rate(0.0) == D("0.00")


def test_zero_payments_count_as_months() -> None:
    # 100 lent, nothing for a month, then 121 two months later: 10% a month.
    assert monthly_irr(D("100.00"), [D("0.00"), D("121.00")]) == pytest.approx(0.10, abs=1e-14)


def test_payments_short_of_the_amount_lent_are_refused() -> None:
    with pytest.raises(ValueError, match="at least the financed amount"):
        monthly_irr(D("100.00"), [D("50.00"), D("49.99")])


def test_annual_rates_from_a_monthly_rate() -> None:
    assert annualised_rate(0.01) == D("12.00")
    assert effective_annual_rate(0.01) == D("12.68")
    assert annualised_rate(0.016658333333333334) == D("19.99")


def test_level_payment_needs_a_month() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        level_payment(D("100.00"), D("10"), 0)


# Most random cash flows do not repay the amount financed, so many examples are filtered out by
# design; on a loaded machine that trips hypothesis's "filter too much" and "too slow" checks.
@settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow], deadline=None)
@given(cents(100, 10_000_000), st.lists(cents(0, 5_000_000), min_size=1, max_size=60))
def test_monthly_irr_agrees_with_numpy_financial(
    financed: Decimal, payments: list[Decimal]
) -> None:
    total = sum(payments, D(0))
    assume(total >= financed * D("1.0001"))
    assume(payments[-1] > 0)
    assume(total <= financed * 20)  # keep numpy's polynomial root finder well conditioned
    ours = monthly_irr(financed, payments)
    theirs = float(npf.irr([-float(financed), *(float(payment) for payment in payments)]))
    assume(theirs == theirs)  # numpy-financial gives NaN when its root finder fails
    assert ours == pytest.approx(theirs, rel=1e-7, abs=1e-10)
    npv = -float(financed) + sum(
        float(payment) / (1 + ours) ** k for k, payment in enumerate(payments, start=1)
    )
    assert abs(npv) <= 1e-6 * float(total)
