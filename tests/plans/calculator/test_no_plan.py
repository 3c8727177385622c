"""The "no plan" comparison: minimum payments at the current rate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.calculator import CalculatorError, MinimumPaymentRule, compare_no_plan
from tests.plans.calculator.strategies import cents, reference_interest, two_place_rates

D = Decimal
UK_RULE = MinimumPaymentRule(floor=D("25.00"), percent_of_balance=D(1))


def test_interest_free_balance_clears_at_the_floor() -> None:
    outcome = compare_no_plan(D("1000.00"), D("0"), rule=UK_RULE)
    # 1% of the balance is below the 25.00 floor throughout, so 40 payments of 25.00.
    assert outcome.months_to_clear == 40
    assert outcome.total_paid == D("1000.00")
    assert outcome.total_interest == D("0.00")
    assert outcome.first_payment == D("25.00")
    assert not outcome.never_clears


def test_the_default_is_the_chinese_card_rule() -> None:
    # 10% of the balance plus the month's interest and fees, at least 100.00.
    outcome = compare_no_plan(D("10000.00"), D("18.25"), D("0.00"))
    assert outcome.first_payment == D("1000.00") + D("152.08")
    assert not outcome.never_clears
    # Below 1,000.00 the 100.00 floor applies; the last payment clears what is left.
    small = compare_no_plan(D("250.00"), D("0"))
    assert (small.months_to_clear, small.total_paid) == (3, D("250.00"))


def test_minimum_payment_clears_with_interest_and_fees() -> None:
    outcome = compare_no_plan(D("3000.00"), D("29.90"), monthly_fee=D("12.00"), rule=UK_RULE)
    assert not outcome.never_clears
    assert outcome.months_to_clear is not None
    assert outcome.total_interest is not None
    assert outcome.total_fees is not None
    assert outcome.total_paid == D("3000.00") + outcome.total_interest + outcome.total_fees
    assert outcome.total_fees == D("12.00") * outcome.months_to_clear
    # First month: 1% of 3000.00 + interest 74.75 + fee 12.00.
    assert outcome.first_payment == D("30.00") + D("74.75") + D("12.00")


def test_never_clears_when_the_payment_does_not_cover_the_interest() -> None:
    # A fixed 25.00 a month against 5000.00 at 29.9% (124.58 of interest a month).
    rule = MinimumPaymentRule(floor=D("25.00"), percent_of_balance=D(0))
    outcome = compare_no_plan(D("5000.00"), D("29.90"), rule=rule)
    assert outcome.never_clears
    assert outcome.months_to_clear is None
    assert outcome.total_paid is None


def test_a_share_without_interest_never_clears_when_it_barely_covers_fees() -> None:
    rule = MinimumPaymentRule(
        floor=D("0.00"), percent_of_balance=D(10), plus_interest_and_fees=False
    )
    # 10% of 100.00 is 10.00 while interest (1.50) and the monthly fee (10.00) are 11.50.
    assert compare_no_plan(D("100.00"), D("18.00"), D("10.00"), rule).never_clears
    # Without a floor, 10% of a shrinking balance is rounded up to the cent, so at 0% it
    # still clears (it once "never cleared" as the share rounded to nothing).
    at_zero = compare_no_plan(D("10000.00"), D("0"), D("0.00"), rule)
    assert not at_zero.never_clears
    assert at_zero.total_paid == D("10000.00")
    with_floor = MinimumPaymentRule(
        floor=D("50.00"), percent_of_balance=D(10), plus_interest_and_fees=False
    )
    clears = compare_no_plan(D("10000.00"), D("18.00"), D("0.00"), with_floor)
    assert not clears.never_clears
    assert clears.first_payment == D("1000.00")


def test_penalty_rate_costs_more_than_a_lower_rate() -> None:
    penalty = compare_no_plan(D("4000.00"), D("39.90"), rule=UK_RULE)
    normal = compare_no_plan(D("4000.00"), D("19.90"), rule=UK_RULE)
    assert penalty.total_paid is not None
    assert normal.total_paid is not None
    assert penalty.total_paid > normal.total_paid
    assert (penalty.months_to_clear or 0) > (normal.months_to_clear or 0)


def test_not_cleared_within_the_horizon_counts_as_never() -> None:
    assert compare_no_plan(D("1000.00"), D("0"), rule=UK_RULE, horizon_months=39).never_clears
    assert not compare_no_plan(D("1000.00"), D("0"), rule=UK_RULE, horizon_months=40).never_clears


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ((D("0.00"), D("10")), "amount_not_positive"),
        ((D("-1.00"), D("10")), "negative_amount"),
        ((D("100.00"), D("101")), "value_out_of_range"),
        ((D("100.00"), D("10"), D("-1.00")), "negative_amount"),
    ],
)
def test_bad_inputs_are_refused(arguments: tuple[Any, ...], code: str) -> None:
    with pytest.raises(CalculatorError) as raised:
        compare_no_plan(*arguments)
    assert raised.value.code == code


@given(
    cents(1, 5_000_000),
    two_place_rates(0, 6000),
    cents(0, 3_000),
    cents(0, 5_000),
    two_place_rates(0, 1500),
    st.booleans(),
)
def test_no_plan_outcome_adds_up_by_independent_simulation(
    balance: Decimal,
    apr: Decimal,
    fee: Decimal,
    floor: Decimal,
    percent: Decimal,
    plus: bool,
) -> None:
    rule = MinimumPaymentRule(floor=floor, percent_of_balance=percent, plus_interest_and_fees=plus)
    outcome = compare_no_plan(balance, apr, fee, rule, horizon_months=600)
    # Simulate again from the documented rule, independently.
    owed, paid, months, never = balance, D(0), 0, True
    for _ in range(600):
        interest = reference_interest(owed, apr)
        share = (owed * percent / 100).quantize(D("0.01"), "ROUND_UP")
        minimum = max(floor, share + (interest + fee if plus else 0))
        payment = min(minimum, owed + interest + fee)
        if payment - interest - fee <= 0:
            break
        owed = owed + interest + fee - payment
        paid += payment
        months += 1
        if owed == 0:
            never = False
            break
    assert outcome.never_clears == never
    if not never:
        assert outcome.months_to_clear == months
        assert outcome.total_paid == paid
        assert outcome.total_interest is not None
        assert outcome.total_fees is not None
        assert outcome.total_paid == balance + outcome.total_interest + outcome.total_fees
