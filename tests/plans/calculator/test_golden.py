"""Golden cases, cross-checked against numpy-financial (a test-only dependency)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest

from plans.calculator import PlanTerms, PlanType, build_schedule, level_payment

D = Decimal


def npf_cents(value: float) -> Decimal:
    """A numpy-financial float shown to the cent."""
    return D(repr(float(value))).quantize(D("0.01"))


def npf_annualised(financed: Decimal, payments: list[Decimal]) -> Decimal:
    irr = npf.irr([-float(financed), *(float(payment) for payment in payments)])
    return D(repr(float(irr) * 1200)).quantize(D("0.01"))


LEVEL_CASES = [
    # principal, APR, months, expected level payment
    (D("1000.00"), D("19.99"), 12, D("92.63")),
    (D("10000.00"), D("6.00"), 60, D("193.33")),
    (D("2500.00"), D("29.90"), 24, D("139.65")),
    (D("7250.50"), D("9.90"), 36, D("233.61")),
    (D("150000.00"), D("3.50"), 60, D("2728.76")),
    (D("480.00"), D("0.00"), 12, D("40.00")),
    (D("1000.00"), D("0.00"), 3, D("333.33")),
    (D("999.99"), D("99.99"), 7, D("194.26")),
]


@pytest.mark.parametrize(("principal", "apr", "months", "expected"), LEVEL_CASES)
def test_level_payment_matches_numpy_financial(
    principal: Decimal, apr: Decimal, months: int, expected: Decimal
) -> None:
    ours = level_payment(principal, apr, months)
    theirs = -npf.pmt(float(apr) / 1200, months, float(principal))
    assert ours == expected
    assert abs(float(ours) - theirs) <= 0.005 + 1e-9


@pytest.mark.parametrize(("principal", "apr", "months", "expected"), LEVEL_CASES)
def test_level_schedule_matches_numpy_financial_amortisation(
    principal: Decimal, apr: Decimal, months: int, expected: Decimal
) -> None:
    schedule = build_schedule(
        PlanTerms(PlanType.INSTALMENT, principal, date(2024, 1, 15), apr=apr, months=months)
    )
    rate = float(apr) / 1200
    periods = list(range(1, months + 1))
    if rate:
        ipmt = [-float(value) for value in npf.ipmt(rate, periods, months, float(principal))]
        ppmt = [-float(value) for value in npf.ppmt(rate, periods, months, float(principal))]
    else:  # numpy-financial divides by the rate here
        ipmt = [0.0] * months
        ppmt = [float(principal) / months] * months
    # Our rows round every month; numpy-financial does not.  They agree within the
    # cents that rounding can accumulate.
    tolerance = 0.01 * months
    for row, interest, principal_part in zip(schedule.rows, ipmt, ppmt, strict=True):
        assert abs(float(row.interest) - interest) <= tolerance
        assert abs(float(row.principal) - principal_part) <= tolerance
    assert abs(float(schedule.total_interest) - sum(ipmt)) <= tolerance
    assert schedule.monthly_payment == expected
    assert schedule.annualised_rate == npf_annualised(principal, [r.payment for r in schedule.rows])
    if rate:
        implied = npf.rate(months, -float(expected), float(principal), 0) * 1200
        assert abs(float(schedule.annualised_rate or 0) - implied) <= 0.015
    assert abs((schedule.annualised_rate or D(0)) - apr) <= D("0.01")


def test_instalment_golden_schedule() -> None:
    schedule = build_schedule(
        PlanTerms(PlanType.INSTALMENT, D("1000.00"), date(2024, 1, 31), apr=D("19.99"), months=12)
    )
    first, last = schedule.rows[0], schedule.rows[-1]
    assert (first.payment, first.interest, first.principal, first.balance) == (
        D("92.63"),
        D("16.66"),
        D("75.97"),
        D("924.03"),
    )
    assert (last.payment, last.interest, last.principal, last.balance) == (
        D("92.63"),
        D("1.52"),
        D("91.11"),
        D("0.00"),
    )
    assert schedule.total_payable == D("1111.56")
    assert schedule.total_interest == D("111.56")
    assert schedule.annualised_rate == D("19.99")
    assert schedule.effective_annual_rate == D("21.93")
    effective = (1 + npf.irr([-1000.0] + [float(r.payment) for r in schedule.rows])) ** 12 - 1
    assert schedule.effective_annual_rate == npf_cents(effective * 100)


def test_interest_is_rounded_half_up_at_an_exact_half_cent() -> None:
    # 600.00 x 19.99% / 12 = 9.995 exactly: half up gives 10.00 (half-even would give 9.99,
    # and computing the monthly rate first would give 9.994999...).
    schedule = build_schedule(
        PlanTerms(PlanType.INSTALMENT, D("600.00"), date(2024, 1, 1), apr=D("19.99"), months=6)
    )
    assert schedule.rows[0].interest == D("10.00")


def test_fee_instalment_golden_case() -> None:
    schedule = build_schedule(
        PlanTerms(
            PlanType.FEE_INSTALMENT,
            D("12000.00"),
            date(2024, 3, 1),
            months=12,
            fee_rate=D("0.60"),
        )
    )
    assert all(row.principal == D("1000.00") for row in schedule.rows)
    assert all(row.fee == D("72.00") and row.payment == D("1072.00") for row in schedule.rows)
    assert schedule.monthly_payment == D("1072.00")
    assert schedule.total_fees == D("864.00")
    assert schedule.total_payable == D("12864.00")
    assert schedule.total_interest == D("0.00")
    expected = npf_annualised(D("12000.00"), [row.payment for row in schedule.rows])
    assert schedule.annualised_rate == expected
    assert D("13.00") < expected < D("14.00")  # about 1.85 x the nominal 7.2%


def test_deferral_golden_case() -> None:
    schedule = build_schedule(
        PlanTerms(
            PlanType.DEFERRAL,
            D("1000.00"),
            date(2024, 1, 10),
            apr=D("12.00"),
            deferral_months=3,
            months=12,
        )
    )
    deferred = schedule.rows[:3]
    assert [row.interest for row in deferred] == [D("10.00"), D("10.10"), D("10.20")]
    assert [row.payment for row in deferred] == [D("0.00")] * 3
    assert deferred[-1].balance == D("1030.30")
    expected = npf_cents(-npf.pmt(0.01, 12, 1030.30))
    assert schedule.monthly_payment == expected == D("91.54")
    assert len(schedule.rows) == 15
    assert schedule.annualised_rate == D("12.00")
    assert schedule.annualised_rate == npf_annualised(
        D("1000.00"), [row.payment for row in schedule.rows]
    )


def test_deferral_at_zero_apr_accrues_nothing() -> None:
    schedule = build_schedule(
        PlanTerms(
            PlanType.DEFERRAL,
            D("1200.00"),
            date(2024, 1, 10),
            apr=D("0"),
            deferral_months=2,
            months=12,
        )
    )
    assert [row.balance for row in schedule.rows[:2]] == [D("1200.00"), D("1200.00")]
    assert schedule.monthly_payment == D("100.00")
    assert schedule.total_payable == D("1200.00")


def test_step_up_golden_case() -> None:
    schedule = build_schedule(
        PlanTerms(
            PlanType.STEP_UP,
            D("1200.00"),
            date(2024, 1, 10),
            apr=D("0"),
            months=12,
            step_months=6,
            step_ratio=D("0.5"),
        )
    )
    assert [row.payment for row in schedule.rows] == [D("50.00")] * 6 + [D("150.00")] * 6
    assert schedule.monthly_payment == D("150.00")


def test_step_up_with_interest_matches_numpy_financial() -> None:
    terms = PlanTerms(
        PlanType.STEP_UP,
        D("5000.00"),
        date(2024, 1, 31),
        apr=D("24.90"),
        months=12,
        step_months=3,
        step_ratio=D("0.25"),
    )
    schedule = build_schedule(terms)
    whole = npf_cents(-npf.pmt(0.249 / 12, 12, 5000.0))
    assert whole == D("474.98")
    assert schedule.rows[0].payment == D("118.75")  # 474.98 x 0.25 = 118.745, half up
    later = npf_cents(-npf.pmt(0.249 / 12, 9, float(schedule.rows[2].balance)))
    assert schedule.monthly_payment == later
    assert schedule.annualised_rate == D("24.90")
    assert schedule.annualised_rate == npf_annualised(
        D("5000.00"), [row.payment for row in schedule.rows]
    )


def test_settlement_golden_case() -> None:
    schedule = build_schedule(
        PlanTerms(
            PlanType.SETTLEMENT,
            D("5000.00"),
            date(2024, 1, 10),
            accrued_interest=D("200.00"),
            interest_waived=D("200.00"),
            settlement_percent=D("60"),
            settlement_payments=3,
        )
    )
    assert [row.payment for row in schedule.rows] == [D("1000.00")] * 3
    assert [row.balance for row in schedule.rows] == [D("2000.00"), D("1000.00"), D("0.00")]
    assert schedule.forgiven == D("2000.00")
    assert schedule.concession_total == D("2200.00")
    assert schedule.total_payable == D("3000.00")
    assert schedule.annualised_rate is None


def test_settlement_last_payment_absorbs_the_rounding() -> None:
    schedule = build_schedule(
        PlanTerms(
            PlanType.SETTLEMENT,
            D("1000.00"),
            date(2024, 1, 10),
            settlement_percent=D("50"),
            settlement_payments=3,
        )
    )
    assert [row.payment for row in schedule.rows] == [D("166.67"), D("166.67"), D("166.66")]


def test_concessions_reduce_the_financed_amount() -> None:
    schedule = build_schedule(
        PlanTerms(
            PlanType.INTEREST_FREE,
            D("3000.00"),
            date(2024, 1, 10),
            months=12,
            accrued_interest=D("250.00"),
            interest_waived=D("250.00"),
            fees=D("60.00"),
            fees_waived=D("24.00"),
        )
    )
    assert schedule.financed_amount == D("3036.00")
    assert schedule.monthly_payment == D("253.00")
    assert schedule.concession_total == D("274.00")
    assert schedule.total_payable == D("3036.00")
    assert schedule.annualised_rate == D("0.00")
    assert schedule.effective_annual_rate == D("0.00")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2023, 1, 31), [date(2023, 1, 31), date(2023, 2, 28), date(2023, 3, 31)]),
        (date(2024, 1, 31), [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]),
        (
            date(2024, 2, 29),
            [date(2024, 2, 29), date(2024, 3, 29), date(2024, 4, 29)],
        ),
        (date(2023, 1, 30), [date(2023, 1, 30), date(2023, 2, 28), date(2023, 3, 30)]),
        (date(2023, 11, 30), [date(2023, 11, 30), date(2023, 12, 30), date(2024, 1, 30)]),
        (date(2023, 12, 31), [date(2023, 12, 31), date(2024, 1, 31), date(2024, 2, 29)]),
    ],
)
def test_due_dates_roll_to_the_month_end(start: date, expected: list[date]) -> None:
    schedule = build_schedule(
        PlanTerms(PlanType.INTEREST_FREE, D("300.00"), start, months=len(expected))
    )
    assert [row.due_date for row in schedule.rows] == expected


def test_29_february_start_uses_28_february_in_common_years() -> None:
    schedule = build_schedule(
        PlanTerms(PlanType.INTEREST_FREE, D("1300.00"), date(2024, 2, 29), months=49)
    )
    dates = {row.due_date.year: row.due_date for row in schedule.rows if row.due_date.month == 2}
    assert dates == {
        2024: date(2024, 2, 29),
        2025: date(2025, 2, 28),
        2026: date(2026, 2, 28),
        2027: date(2027, 2, 28),
        2028: date(2028, 2, 29),
    }


def test_small_balances_disclose_the_rate_of_their_rounded_cash_flows() -> None:
    # Documented in docs/calculator.md: cent rounding of a 13.75 balance moves the rate.
    schedule = build_schedule(
        PlanTerms(PlanType.INSTALMENT, D("13.75"), date(2025, 1, 1), apr=D("75.38"), months=2)
    )
    assert [row.payment for row in schedule.rows] == [D("7.53"), D("7.52")]
    assert schedule.annualised_rate == D("74.90")
    assert schedule.annualised_rate == npf_annualised(D("13.75"), [D("7.53"), D("7.52")])
