"""Affordability from an income and expenditure statement."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.calculator import (
    ESSENTIAL_CATEGORIES,
    AffordabilityPolicy,
    CalculatorError,
    SpendingGuidelines,
    Statement,
    assess_affordability,
)
from tests.plans.calculator.strategies import cents

D = Decimal


def statement(**overrides: object) -> Statement:
    values: dict[str, object] = {
        "income": {"wages": D("1850.00"), "benefits": D("220.00")},
        "essentials": {
            "housing": D("750.00"),
            "utilities": D("160.00"),
            "food": D("320.00"),
            "transport": D("120.00"),
        },
        "debt_repayments": {"bank loan": D("150.00")},
        "household_size": 2,
    }
    values.update(overrides)
    return Statement(**values)  # type: ignore[arg-type]


def test_disposable_income_is_income_less_essentials_and_other_debts() -> None:
    result = assess_affordability(statement())
    assert result.total_income == D("2070.00")
    assert result.total_essentials == D("1350.00")
    assert result.total_debt_repayments == D("150.00")
    assert result.disposable_income == D("570.00")


def test_buffer_is_a_share_of_disposable_income_with_a_floor() -> None:
    result = assess_affordability(statement())
    assert result.safety_buffer == D("57.00")  # 10% of 570.00
    assert result.available_for_plans == D("513.00")
    nothing_left = assess_affordability(statement(income={"wages": D("1500.00")}))
    assert nothing_left.disposable_income == D("0.00")
    assert nothing_left.available_for_plans == D("0.00")
    tight = assess_affordability(statement(income={"wages": D("1600.00")}))
    assert tight.disposable_income == D("100.00")
    assert tight.safety_buffer == D("20.00")  # the floor beats 10.00
    assert tight.available_for_plans == D("80.00")


def test_affordable_exactly_up_to_disposable_income_less_the_buffer() -> None:
    result = assess_affordability(statement())
    assert result.is_affordable(D("513.00"))
    assert not result.is_affordable(D("513.01"))
    assert result.payment_share(D("57.00")) == D("10.00")
    assert result.payment_share(D("190.00")) == D("33.33")


def test_custom_buffer_policy() -> None:
    policy = AffordabilityPolicy(buffer_share=D("0.25"), buffer_floor=D("0.00"))
    result = assess_affordability(statement(), policy=policy)
    assert result.safety_buffer == D("142.50")
    assert result.available_for_plans == D("427.50")


def test_no_disposable_income_means_nothing_is_affordable() -> None:
    result = assess_affordability(statement(income={"wages": D("1000.00")}))
    assert result.disposable_income == D("-500.00")
    assert result.available_for_plans == D("0.00")
    assert not result.is_affordable(D("0.01"))
    assert not result.is_affordable(D("0.00"))
    assert result.payment_share(D("10.00")) is None


def test_flags_spending_above_the_guideline_scaled_by_household_size() -> None:
    lines = {"food": D("400.00"), "housing": D("1000.00"), "childcare": D("100.00")}
    single = assess_affordability(statement(essentials=lines, household_size=1))
    assert [flag.category for flag in single.flags] == ["housing", "food", "childcare"]
    food = single.flags[1]
    assert (food.amount, food.guideline, food.excess) == (D("400.00"), D("300.00"), D("100.00"))
    assert food.message.code == "above_guideline"
    assert food.message.params["household_size"] == "1"
    assert food.message.text == (
        "Spending on food of 400.00 is above the guideline of 300.00 for a household of 1."
    )
    couple = assess_affordability(statement(essentials=lines, household_size=2))
    assert [flag.category for flag in couple.flags] == []  # 1050.00, 480.00 and 300.00 allowed
    family = assess_affordability(
        statement(essentials={"food": D("841.00"), "housing": D("1300.00")}, household_size=4)
    )
    assert [flag.category for flag in family.flags] == ["food"]  # food guideline 840.00


def test_a_line_exactly_at_the_guideline_is_not_flagged() -> None:
    result = assess_affordability(statement(essentials={"food": D("300.00")}, household_size=1))
    assert result.flags == ()


def test_custom_guidelines() -> None:
    guidelines = SpendingGuidelines(
        single_person={"transport": D("50.00")}, per_additional_person={"transport": D("10.00")}
    )
    result = assess_affordability(statement(), guidelines=guidelines)
    assert [(flag.category, flag.guideline) for flag in result.flags] == [("transport", D("60.00"))]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"essentials": {"holidays": D("100.00")}}, "unknown_category"),
        ({"essentials": {"food": D("-1.00")}}, "negative_amount"),
        ({"income": {"wages": D("100.001")}}, "too_many_decimals"),
        ({"income": {"": D("100.00")}}, "empty_line_name"),
        ({"debt_repayments": {"loan": 50.0}}, "not_a_decimal"),
        ({"household_size": 0}, "value_out_of_range"),
        ({"household_size": 21}, "value_out_of_range"),
    ],
)
def test_bad_statements_are_refused(overrides: dict[str, object], code: str) -> None:
    with pytest.raises(CalculatorError) as raised:
        statement(**overrides)
    assert raised.value.code == code


def test_statement_lines_cannot_be_changed_after_assessment() -> None:
    lines = {"wages": D("100.00")}
    frozen = statement(income=lines)
    lines["wages"] = D("999.00")
    assert frozen.income["wages"] == D("100.00")
    with pytest.raises(TypeError):
        frozen.income["wages"] = D("1.00")  # type: ignore[index]


@given(
    st.dictionaries(st.text(min_size=1, max_size=5).filter(str.strip), cents(0, 1_000_000)),
    st.dictionaries(st.sampled_from(ESSENTIAL_CATEGORIES), cents(0, 500_000)),
    st.dictionaries(st.text(min_size=1, max_size=5).filter(str.strip), cents(0, 200_000)),
    st.integers(1, 20),
    cents(0, 1_000_000),
)
def test_affordability_promises_hold_for_any_statement(
    income: dict[str, Decimal],
    essentials: dict[str, Decimal],
    debts: dict[str, Decimal],
    household: int,
    payment: Decimal,
) -> None:
    result = assess_affordability(Statement(income, essentials, debts, household))
    disposable = sum(income.values(), D(0)) - sum(essentials.values(), D(0))
    disposable -= sum(debts.values(), D(0))
    assert result.disposable_income == disposable
    assert result.available_for_plans >= 0
    assert result.available_for_plans <= max(disposable, D(0))
    if disposable > 0:
        assert result.safety_buffer >= D("20.00")
        assert result.available_for_plans == max(D(0), disposable - result.safety_buffer)
    assert result.is_affordable(payment) == (
        disposable > 0 and payment <= result.available_for_plans
    )
    guidelines = SpendingGuidelines()
    for flag in result.flags:
        assert flag.amount > guidelines.guideline_for(flag.category, household)  # type: ignore[operator]
    flagged = {flag.category for flag in result.flags}
    for category, amount in essentials.items():
        guideline = guidelines.guideline_for(category, household)
        assert (category in flagged) == (guideline is not None and amount > guideline)
