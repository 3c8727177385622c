"""Bad inputs are refused with a stable code and one plain-English line; helpers round correctly."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.calculator import (
    CalculatorError,
    PlanTerms,
    PlanType,
    Policy,
    add_months,
    build_schedule,
    format_money,
    parse_date,
    parse_decimal,
    to_money,
)
from plans.calculator.messages import ERROR_MESSAGES, EXPLANATION_MESSAGES, Message, render
from plans.calculator.money import check_amount, parse_count

D = Decimal
START = date(2024, 5, 17)


def instalment(**overrides: Any) -> PlanTerms:
    values: dict[str, Any] = {
        "plan_type": PlanType.INSTALMENT,
        "balance": D("1000.00"),
        "start_date": START,
        "apr": D("19.99"),
        "months": 12,
    }
    values.update(overrides)
    return PlanTerms(**values)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("0.005"), D("0.01")),
        (D("0.0049999"), D("0.00")),
        (D("2.675"), D("2.68")),
        (D("2.665"), D("2.67")),
        (D("-0.005"), D("-0.01")),
        (D("10"), D("10.00")),
    ],
)
def test_money_rounds_half_up_to_the_cent(value: Decimal, expected: Decimal) -> None:
    assert to_money(value) == expected
    assert to_money(value).as_tuple().exponent == -2


def test_format_money_is_plain_two_decimals() -> None:
    assert format_money(D("1E+3")) == "1000.00"
    assert format_money(D("0.5")) == "0.50"


BAD_TERMS: list[tuple[dict[str, Any], str, str | None]] = [
    ({"balance": D("-1.00")}, "negative_amount", "balance"),
    ({"balance": D("0.00")}, "amount_not_positive", "balance"),
    ({"balance": D("10.001")}, "too_many_decimals", "balance"),
    ({"balance": D("1000000000.01")}, "amount_too_large", "balance"),
    ({"balance": D("NaN")}, "not_a_number", "balance"),
    ({"balance": D("Infinity")}, "not_a_number", "balance"),
    ({"balance": 1000.0}, "not_a_decimal", "balance"),
    ({"apr": D("-0.01")}, "negative_amount", "apr"),
    ({"apr": D("100.01")}, "value_out_of_range", "apr"),
    ({"apr": D("19.99999")}, "too_many_decimals", "apr"),
    ({"apr": None}, "option_required", "apr"),
    ({"months": 0}, "value_too_small", "months"),
    ({"months": -3}, "value_too_small", "months"),
    ({"months": 1.5}, "not_a_whole_number", "months"),
    ({"months": True}, "not_a_whole_number", "months"),
    ({"months": None}, "option_required", "months"),
    ({"fee_rate": D("1")}, "option_not_applicable", "fee_rate"),
    ({"deferral_months": 2}, "option_not_applicable", "deferral_months"),
    ({"settlement_percent": D("50")}, "option_not_applicable", "settlement_percent"),
    ({"accrued_interest": D("-5.00")}, "negative_amount", "accrued_interest"),
    (
        {"accrued_interest": D("5.00"), "interest_waived": D("5.01")},
        "waiver_exceeds_interest",
        "interest_waived",
    ),
    ({"fees": D("30.00"), "fees_waived": D("30.01")}, "waiver_exceeds_fees", "fees_waived"),
    ({"interest_waived": D("0.01")}, "waiver_exceeds_interest", "interest_waived"),
    ({"fees_waived": D("-1.00")}, "negative_amount", "fees_waived"),
    ({"plan_type": "mortgage"}, "unknown_plan_type", "plan_type"),
    ({"start_date": "2024-01-01"}, "invalid_date", "start_date"),
    ({"start_date": datetime(2024, 1, 1, 12, 0)}, "invalid_date", "start_date"),
]


@pytest.mark.parametrize(("overrides", "code", "field"), BAD_TERMS)
def test_bad_terms_are_refused_with_a_stable_code(
    overrides: dict[str, Any], code: str, field: str | None
) -> None:
    with pytest.raises(CalculatorError) as raised:
        instalment(**overrides)
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.code == code
    assert error.field == field
    assert error.params.get("field") == field
    message = str(error)
    assert message == error.message
    assert "\n" not in message
    assert message[0].isupper()
    assert message.endswith(".")


BAD_PLAN_OPTIONS: list[tuple[dict[str, Any], str]] = [
    ({"plan_type": PlanType.INTEREST_FREE, "apr": D("5")}, "apr_not_zero"),
    ({"plan_type": PlanType.FEE_INSTALMENT, "apr": None}, "option_required"),
    ({"plan_type": PlanType.FEE_INSTALMENT, "fee_rate": D("5.01")}, "value_out_of_range"),
    ({"plan_type": PlanType.FEE_INSTALMENT, "fee_rate": D("-0.1")}, "negative_amount"),
    ({"plan_type": PlanType.DEFERRAL}, "option_required"),
    ({"plan_type": PlanType.DEFERRAL, "deferral_months": 0}, "value_too_small"),
    ({"plan_type": PlanType.STEP_UP, "step_ratio": D("0.5")}, "option_required"),
    ({"plan_type": PlanType.STEP_UP, "step_months": 3}, "option_required"),
    (
        {"plan_type": PlanType.STEP_UP, "step_months": 12, "step_ratio": D("0.5")},
        "step_months_too_long",
    ),
    ({"plan_type": PlanType.STEP_UP, "step_months": 3, "step_ratio": D("1")}, "value_out_of_range"),
    ({"plan_type": PlanType.STEP_UP, "step_months": 3, "step_ratio": D("0")}, "value_out_of_range"),
    (
        {"plan_type": PlanType.STEP_UP, "step_months": 3, "step_ratio": D("1.5")},
        "value_out_of_range",
    ),
    ({"plan_type": PlanType.SETTLEMENT, "months": None, "apr": None}, "option_required"),
    (
        {"plan_type": PlanType.SETTLEMENT, "apr": None, "settlement_percent": D("50")},
        "option_not_applicable",
    ),
    (
        {
            "plan_type": PlanType.SETTLEMENT,
            "months": None,
            "apr": D("5"),
            "settlement_percent": D("50"),
        },
        "option_not_applicable",
    ),
    (
        {
            "plan_type": PlanType.SETTLEMENT,
            "months": None,
            "apr": None,
            "settlement_percent": D("0"),
        },
        "value_out_of_range",
    ),
    (
        {
            "plan_type": PlanType.SETTLEMENT,
            "months": None,
            "apr": None,
            "settlement_percent": D("100.01"),
        },
        "value_out_of_range",
    ),
    (
        {
            "plan_type": PlanType.SETTLEMENT,
            "months": None,
            "apr": None,
            "settlement_percent": D("50"),
            "settlement_payments": 4,
        },
        "value_out_of_range",
    ),
    (
        {
            "plan_type": PlanType.SETTLEMENT,
            "months": None,
            "apr": None,
            "settlement_percent": D("50"),
            "settlement_payments": 0,
        },
        "value_out_of_range",
    ),
]


@pytest.mark.parametrize(("overrides", "code"), BAD_PLAN_OPTIONS)
def test_plan_type_options_are_checked(overrides: dict[str, Any], code: str) -> None:
    with pytest.raises(CalculatorError) as raised:
        instalment(**overrides)
    assert raised.value.code == code


def test_string_plan_types_are_accepted() -> None:
    assert instalment(plan_type="instalment").plan_type is PlanType.INSTALMENT


def test_settlement_that_rounds_to_nothing_is_refused() -> None:
    terms = PlanTerms(
        PlanType.SETTLEMENT, D("0.01"), START, settlement_percent=D("10"), settlement_payments=1
    )
    with pytest.raises(CalculatorError) as raised:
        build_schedule(terms)
    assert raised.value.code == "settlement_too_small"


def test_term_limit_counts_deferral_months() -> None:
    terms = PlanTerms(
        PlanType.DEFERRAL, D("1000.00"), START, apr=D("10"), deferral_months=6, months=55
    )
    with pytest.raises(CalculatorError) as raised:
        build_schedule(terms)
    assert raised.value.code == "term_too_long"
    assert raised.value.params == {"field": "months", "months": "61", "max_months": "60"}
    assert len(build_schedule(terms, Policy(max_term_months=61)).rows) == 61


def test_policy_needs_a_positive_maximum() -> None:
    with pytest.raises(CalculatorError):
        Policy(max_term_months=0)


def test_dates_past_the_year_9999_are_refused() -> None:
    terms = instalment(start_date=date(9999, 6, 1), months=12)
    with pytest.raises(CalculatorError) as raised:
        build_schedule(terms)
    assert raised.value.code == "date_out_of_range"


@pytest.mark.parametrize(
    "text",
    [
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-1-5",
        "5/1/2024",
        "20240105",
        "2024-W01-1",
        "",
        "today",
        "\uff12\uff10\uff12\uff14-\uff10\uff11-\uff10\uff11",
    ],
)
def test_impossible_or_malformed_dates_are_refused(text: str) -> None:
    with pytest.raises(CalculatorError) as raised:
        parse_date(text)
    assert raised.value.code == "invalid_date"


def test_parse_date_accepts_iso_dates() -> None:
    assert parse_date(" 2024-02-29 ") == date(2024, 2, 29)


@pytest.mark.parametrize("text", ["abc", "", "1,000", "NaN", "inf", "-Infinity", "0x10", "1e"])
def test_non_numbers_are_refused(text: str) -> None:
    with pytest.raises(CalculatorError) as raised:
        parse_decimal(text, "balance")
    assert raised.value.code == "not_a_number"


@pytest.mark.parametrize("text", ["1.5", "", "twelve", "\uff11\uff12", "1e2", "0x10"])
def test_non_whole_numbers_are_refused(text: str) -> None:
    with pytest.raises(CalculatorError) as raised:
        parse_count(text, "months")
    assert raised.value.code == "not_a_whole_number"


def test_long_user_input_is_shortened_to_one_line_in_messages() -> None:
    with pytest.raises(CalculatorError) as raised:
        parse_decimal("x" * 500 + "\nsecond line", "balance")
    assert "\n" not in str(raised.value)
    assert len(str(raised.value)) < 120


@given(st.integers(-(10**12), 10**12))
def test_check_amount_accepts_exactly_the_non_negative_whole_cents_up_to_the_maximum(
    value_cents: int,
) -> None:
    amount = D(value_cents).scaleb(-2)
    if 0 <= amount <= D("1000000000.00"):
        assert check_amount(amount, "balance") == amount
    else:
        with pytest.raises(CalculatorError):
            check_amount(amount, "balance")


@given(st.dates(max_value=date(9000, 1, 1)), st.integers(0, 1200))
def test_add_months_keeps_the_day_or_uses_the_last_day(start: date, months: int) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    if result.day != start.day:
        assert result.day < start.day
        next_day = result.toordinal() + 1
        assert date.fromordinal(next_day).day == 1  # it is the last day of its month


def test_every_message_code_renders_to_a_sentence() -> None:
    for code, template in {**ERROR_MESSAGES, **EXPLANATION_MESSAGES}.items():
        names = [part.split("}")[0] for part in template.split("{")[1:]]
        params = dict.fromkeys(names, "X")
        text = render(code, params)
        assert text.endswith("."), code
        assert Message(code, params).text == text
