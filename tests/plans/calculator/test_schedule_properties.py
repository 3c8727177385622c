"""Property tests: every promise of a quoted schedule, for every plan type."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from plans.calculator import (
    CalculatorError,
    PlanTerms,
    PlanType,
    Policy,
    Schedule,
    build_schedule,
    level_payment,
    monthly_irr,
)
from tests.plans.calculator.strategies import (
    balances,
    cents,
    plan_terms,
    reference_due_date,
    reference_interest,
    reference_level_payment,
    round_half_up,
    start_dates,
    two_place_rates,
)

ZERO = Decimal("0.00")
RATE_PLAN_TYPES = (
    PlanType.INSTALMENT,
    PlanType.INTEREST_FREE,
    PlanType.DEFERRAL,
    PlanType.STEP_UP,
)


@given(plan_terms())
def test_principal_sums_to_the_financed_amount_and_the_balance_clears(terms: PlanTerms) -> None:
    schedule = build_schedule(terms)
    principal = sum((row.principal for row in schedule.rows), ZERO)
    if terms.plan_type is PlanType.SETTLEMENT:
        assert principal == schedule.total_payable
        assert schedule.total_payable + schedule.forgiven == schedule.financed_amount
    else:
        assert principal == schedule.financed_amount
    assert schedule.total_principal == principal
    assert schedule.rows[-1].balance == ZERO
    assert all(row.balance >= 0 for row in schedule.rows)
    assert all(row.balance > 0 for row in schedule.rows[:-1])


@given(plan_terms())
def test_rows_follow_the_conventions_to_the_cent(terms: PlanTerms) -> None:
    schedule = build_schedule(terms)
    opening = schedule.financed_amount if terms.plan_type is not PlanType.SETTLEMENT else None
    previous = opening if opening is not None else schedule.total_payable
    apr = terms.plan_apr
    for n, row in enumerate(schedule.rows, start=1):
        assert row.n == n
        assert row.payment == row.principal + row.interest + row.fee
        assert row.balance == previous - row.principal
        assert row.interest == reference_interest(previous, apr)
        assert row.payment >= 0
        assert row.payment.as_tuple().exponent == -2
        previous = row.balance


@given(plan_terms())
def test_totals_add_up(terms: PlanTerms) -> None:
    schedule = build_schedule(terms)
    rows = schedule.rows
    assert schedule.total_payable == sum((row.payment for row in rows), ZERO)
    assert schedule.total_interest == sum((row.interest for row in rows), ZERO)
    assert schedule.total_fees == sum((row.fee for row in rows), ZERO)
    assert schedule.total_payable == (
        schedule.total_principal + schedule.total_interest + schedule.total_fees
    )
    if terms.plan_type is not PlanType.SETTLEMENT:
        assert schedule.total_payable == (
            schedule.financed_amount + schedule.total_interest + schedule.total_fees
        )
    assert schedule.concession_total == (
        terms.interest_waived + terms.fees_waived + schedule.forgiven
    )
    assert schedule.financed_amount == (
        terms.balance
        + terms.accrued_interest
        - terms.interest_waived
        + terms.fees
        - terms.fees_waived
    )


@given(plan_terms())
def test_due_dates_roll_monthly_from_the_start_date(terms: PlanTerms) -> None:
    schedule = build_schedule(terms)
    dates = [row.due_date for row in schedule.rows]
    assert dates[0] == terms.start_date
    assert dates == sorted(set(dates))
    for n, due in enumerate(dates, start=1):
        assert due == reference_due_date(terms.start_date, n)


@given(plan_terms())
def test_term_is_as_agreed_and_never_longer(terms: PlanTerms) -> None:
    schedule = build_schedule(terms)
    assert len(schedule.rows) <= terms.term_months
    if schedule.financed_amount >= 1000:
        # Only a tiny balance can clear early (see the overshoot test below).
        assert len(schedule.rows) == terms.term_months


@given(plan_terms(plan_types=(PlanType.INSTALMENT, PlanType.INTEREST_FREE)))
def test_level_plans_pay_the_level_payment_until_the_last_row(terms: PlanTerms) -> None:
    schedule = build_schedule(terms)
    expected = reference_level_payment(schedule.financed_amount, terms.plan_apr, terms.months or 0)
    assert schedule.monthly_payment == expected
    assert all(row.payment == expected for row in schedule.rows[:-1])
    assert all(row.principal > 0 for row in schedule.rows)
    if len(schedule.rows) == terms.months:
        # The last payment differs from the others only by the cent roundings of the
        # earlier rows (at most 0.01 each), grown by interest since.
        growth = 1 + Fraction(terms.plan_apr) / 1200
        bound = Fraction(1, 100) * (sum(growth**k for k in range(len(schedule.rows))) + 1)
        assert abs(Fraction(schedule.rows[-1].payment - expected)) <= bound


@given(plan_terms(plan_types=(PlanType.FEE_INSTALMENT,)))
def test_fee_instalment_pays_equal_principal_and_a_fee_on_the_original_balance(
    terms: PlanTerms,
) -> None:
    schedule = build_schedule(terms)
    financed = schedule.financed_amount
    months = terms.months or 0
    principal = round_half_up(Fraction(financed) / months)
    fee = round_half_up(Fraction(financed) * Fraction(terms.fee_rate or 0) / 100)
    assert all(row.fee == fee for row in schedule.rows)
    assert all(row.principal == principal for row in schedule.rows[:-1])
    assert schedule.monthly_payment == schedule.rows[0].payment
    assert schedule.total_fees == fee * len(schedule.rows)


@given(plan_terms(plan_types=(PlanType.DEFERRAL,)))
def test_deferral_capitalises_interest_then_pays_level(terms: PlanTerms) -> None:
    schedule = build_schedule(terms)
    deferral = terms.deferral_months or 0
    deferred = schedule.rows[:deferral]
    assert all(row.payment == ZERO and row.principal == -row.interest for row in deferred)
    capitalised = schedule.financed_amount + sum((row.interest for row in deferred), ZERO)
    assert deferred[-1].balance == capitalised
    expected = reference_level_payment(capitalised, terms.plan_apr, terms.months or 0)
    assert schedule.monthly_payment == expected
    assert schedule.rows[deferral].payment == min(
        expected, capitalised + schedule.rows[deferral].interest
    )
    if terms.plan_apr == 0:
        assert all(row.balance == schedule.financed_amount for row in deferred)


@given(plan_terms(plan_types=(PlanType.STEP_UP,), minimum_cents=100_000))
def test_step_up_pays_the_ratio_then_a_clearing_level_payment(terms: PlanTerms) -> None:
    schedule = build_schedule(terms)
    months = terms.months or 0
    step_months = terms.step_months or 0
    whole_term = reference_level_payment(schedule.financed_amount, terms.plan_apr, months)
    step_payment = round_half_up(Fraction(whole_term) * Fraction(terms.step_ratio or 0))
    assert all(row.payment == step_payment for row in schedule.rows[:step_months])
    after_step = schedule.rows[step_months - 1].balance
    later = reference_level_payment(after_step, terms.plan_apr, months - step_months)
    assert schedule.monthly_payment == later
    assert all(row.payment == later for row in schedule.rows[step_months:-1])
    assert schedule.rows[-1].balance == ZERO


@given(plan_terms(plan_types=(PlanType.SETTLEMENT,)))
def test_settlement_pays_the_percentage_and_forgives_the_rest(terms: PlanTerms) -> None:
    schedule = build_schedule(terms)
    financed = schedule.financed_amount
    settled = round_half_up(Fraction(financed) * Fraction(terms.settlement_percent or 0) / 100)
    assert schedule.total_payable == settled
    assert schedule.forgiven == financed - settled
    assert (
        schedule.concession_total == terms.interest_waived + terms.fees_waived + financed - settled
    )
    count = terms.settlement_payments or 1
    each = round_half_up(Fraction(settled) / count)
    assert len(schedule.rows) <= count
    assert all(row.payment == each for row in schedule.rows[:-1])
    assert schedule.monthly_payment == each
    assert schedule.total_interest == schedule.total_fees == ZERO
    assert schedule.annualised_rate is None
    assert schedule.effective_annual_rate is None


@given(plan_terms(plan_types=(*RATE_PLAN_TYPES, PlanType.FEE_INSTALMENT)))
def test_zero_apr_means_no_interest(terms: PlanTerms) -> None:
    assume(terms.plan_apr == 0)
    schedule = build_schedule(terms)
    assert schedule.total_interest == ZERO
    assert all(row.interest == ZERO for row in schedule.rows)
    if terms.plan_type is not PlanType.FEE_INSTALMENT or schedule.total_fees == 0:
        assert schedule.total_payable == schedule.financed_amount
        assert schedule.annualised_rate == ZERO


@given(
    plan_terms(plan_types=RATE_PLAN_TYPES, minimum_cents=100_000),
)
def test_annualised_rate_of_an_apr_plan_equals_its_apr(terms: PlanTerms) -> None:
    schedule = build_schedule(terms)
    assert schedule.annualised_rate is not None
    assert abs(schedule.annualised_rate - terms.plan_apr) <= Decimal("0.01")


@given(plan_terms(plan_types=RATE_PLAN_TYPES))
def test_annualised_rate_error_is_bounded_by_cent_rounding_for_any_balance(
    terms: PlanTerms,
) -> None:
    # Rounding each month's interest to the cent moves the true rate of return by at
    # most about 12 / financed percentage points (see docs/calculator.md).
    schedule = build_schedule(terms)
    irr = monthly_irr(schedule.financed_amount, [row.payment for row in schedule.rows])
    error = abs(Decimal(irr) * 1200 - terms.plan_apr)
    assert error <= Decimal(12) / schedule.financed_amount + Decimal("1e-9")


@given(
    cents(100_000, 100_000_000),
    two_place_rates(10, 500),
    st.integers(1, 60),
    start_dates,
)
def test_fee_instalment_annualised_rate_exceeds_the_nominal_fee(
    financed: Decimal, fee_rate: Decimal, months: int, start: date
) -> None:
    terms = PlanTerms(PlanType.FEE_INSTALMENT, financed, start, months=months, fee_rate=fee_rate)
    schedule = build_schedule(terms)
    assert schedule.annualised_rate is not None
    nominal = fee_rate * 12
    if months == 1:
        assert abs(schedule.annualised_rate - nominal) <= Decimal("0.01")
    else:
        # Fees on the original balance while the balance falls: roughly double the nominal.
        assert schedule.annualised_rate > nominal
    assert schedule.effective_annual_rate is not None
    assert schedule.effective_annual_rate >= schedule.annualised_rate


@given(plan_terms(plan_types=(*RATE_PLAN_TYPES, PlanType.FEE_INSTALMENT)))
def test_effective_rate_compounds_the_monthly_irr(terms: PlanTerms) -> None:
    schedule = build_schedule(terms)
    irr = monthly_irr(schedule.financed_amount, [row.payment for row in schedule.rows])
    assert schedule.annualised_rate == round_half_up(Fraction(irr) * 1200)
    effective = round_half_up(((1 + Fraction(irr)) ** 12 - 1) * 100)
    assert schedule.effective_annual_rate is not None
    assert abs(schedule.effective_annual_rate - effective) <= Decimal("0.01")


@given(balances(), st.integers(1, 100_000), st.sampled_from(["interest", "fees"]), start_dates)
def test_waiving_more_than_is_outstanding_is_an_error_never_an_overpayment(
    owed: dict[str, Any], extra_cents: int, which: str, start: date
) -> None:
    extra = Decimal(extra_cents).scaleb(-2)
    if which == "interest":
        owed["interest_waived"] = owed["accrued_interest"] + extra
        code = "waiver_exceeds_interest"
    else:
        owed["fees_waived"] = owed["fees"] + extra
        code = "waiver_exceeds_fees"
    with pytest.raises(CalculatorError) as raised:
        PlanTerms(PlanType.INSTALMENT, start_date=start, apr=Decimal(10), months=12, **owed)
    assert raised.value.code == code


@given(plan_terms(), st.integers(1, 59))
def test_plans_longer_than_the_policy_are_refused(terms: PlanTerms, max_term: int) -> None:
    policy = Policy(max_term_months=max_term)
    if terms.term_months > max_term:
        with pytest.raises(CalculatorError) as raised:
            build_schedule(terms, policy)
        assert raised.value.code == "term_too_long"
        assert raised.value.params["max_months"] == str(max_term)
    else:
        assert isinstance(build_schedule(terms, policy), Schedule)


@settings(max_examples=300)
@given(cents(1, 2_000), st.integers(2, 60), two_place_rates(0, 10_000), start_dates)
def test_tiny_balances_never_overpay_even_when_rounding_overshoots(
    financed: Decimal, months: int, apr: Decimal, start: date
) -> None:
    terms = PlanTerms(PlanType.INSTALMENT, financed, start, apr=apr, months=months)
    if reference_level_payment(financed, apr, months) <= reference_interest(financed, apr):
        # Refused exactly when the level payment would not repay any principal.
        with pytest.raises(CalculatorError, match="would not reduce the balance"):
            build_schedule(terms)
        return
    schedule = build_schedule(terms)
    assert schedule.rows[-1].balance == ZERO
    assert all(row.balance >= 0 and row.payment >= 0 for row in schedule.rows)
    assert all(row.payment <= schedule.monthly_payment for row in schedule.rows[:-1])
    assert sum((row.principal for row in schedule.rows), ZERO) == financed


def test_overshooting_level_payment_ends_the_plan_early_instead_of_overpaying() -> None:
    # 0.09 over 6 months at 0%: the level payment rounds up to 0.02, so five payments
    # would pay 0.10.  The fifth row pays only the remaining 0.01 and ends the plan.
    schedule = build_schedule(
        PlanTerms(PlanType.INTEREST_FREE, Decimal("0.09"), date(2024, 1, 1), months=6)
    )
    assert [row.payment for row in schedule.rows] == [Decimal("0.02")] * 4 + [Decimal("0.01")]
    assert schedule.total_payable == Decimal("0.09")


@pytest.mark.parametrize(
    "terms",
    [
        PlanTerms(
            PlanType.INSTALMENT, Decimal("0.39"), date(2024, 1, 1), apr=Decimal("46.16"), months=25
        ),
        PlanTerms(PlanType.INTEREST_FREE, Decimal("0.01"), date(2024, 1, 1), months=60),
        PlanTerms(
            PlanType.FEE_INSTALMENT,
            Decimal("0.10"),
            date(2024, 1, 1),
            months=60,
            fee_rate=Decimal(1),
        ),
        PlanTerms(
            PlanType.DEFERRAL,
            Decimal("0.20"),
            date(2024, 1, 1),
            apr=Decimal(60),
            months=40,
            deferral_months=2,
        ),
        PlanTerms(
            PlanType.SETTLEMENT,
            Decimal("0.01"),
            date(2024, 1, 1),
            settlement_percent=Decimal(100),
            settlement_payments=3,
        ),
    ],
)
def test_payments_that_would_repay_nothing_are_refused(terms: PlanTerms) -> None:
    with pytest.raises(CalculatorError) as raised:
        build_schedule(terms)
    assert raised.value.code == "payment_too_small"


@given(cents(1, 100_000_000), two_place_rates(0, 10_000), st.integers(1, 60))
def test_level_payment_matches_exact_rational_arithmetic(
    principal: Decimal, apr: Decimal, months: int
) -> None:
    assert level_payment(principal, apr, months) == reference_level_payment(principal, apr, months)
