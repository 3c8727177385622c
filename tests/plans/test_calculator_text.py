"""The Django translation layer speaks every sentence the calculator can produce."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from string import Formatter

import pytest
from django.utils import translation

from cases.calculator_text import (
    CATEGORY_WORDS,
    ERROR_TEXT,
    EXPLANATION_TEXT,
    FIELD_LABELS,
    PLAN_TYPE_WORDS,
    format_amount,
    translate_error,
    translate_message,
)
from plans.calculator import (
    ESSENTIAL_CATEGORIES,
    CalculatorError,
    Message,
    PlanTerms,
    PlanType,
    build_schedule,
)
from plans.calculator.messages import ERROR_MESSAGES, EXPLANATION_MESSAGES
from plans.calculator.messages import FIELD_LABELS as CALCULATOR_LABELS

ALL_CALCULATOR = {**ERROR_MESSAGES, **EXPLANATION_MESSAGES}
ALL_OURS = {**ERROR_TEXT, **EXPLANATION_TEXT}


def calculator_placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def our_placeholders(template: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", template))


def sample_params(template: str) -> dict[str, str]:
    # Values that no localisation touches: a field name gives the label, the rest are numbers.
    params = dict.fromkeys(calculator_placeholders(template), "12.50")
    if "label" in params:
        del params["label"]
        params["field"] = "balance"
    for key in ("plan_type", "category", "value", "choices"):
        if key in params:
            params[key] = {"plan_type": "settlement", "category": "housing"}.get(key, "x")
    return params


def test_every_calculator_code_has_a_translatable_sentence():
    assert set(ERROR_TEXT) == set(ERROR_MESSAGES)
    assert set(EXPLANATION_TEXT) == set(EXPLANATION_MESSAGES)


@pytest.mark.parametrize("code", sorted(ALL_CALCULATOR))
def test_each_sentence_has_exactly_the_calculators_placeholders(code):
    ours = str(ALL_OURS[code])
    assert our_placeholders(ours) == calculator_placeholders(ALL_CALCULATOR[code])
    # Every other percent sign is a literal one, written %% for the %-interpolation.
    assert "%" not in re.sub(r"%\(\w+\)s|%%", "", ours)


@pytest.mark.parametrize("code", sorted(ALL_CALCULATOR))
def test_in_english_each_sentence_reads_as_the_calculators(code):
    message = Message(code, sample_params(ALL_CALCULATOR[code]))
    with translation.override("en"):
        assert translate_message(message) == message.text


def test_every_input_the_calculator_names_has_a_label():
    assert set(FIELD_LABELS) == set(CALCULATOR_LABELS)
    with translation.override("en"):
        assert {key: str(label) for key, label in FIELD_LABELS.items()} == dict(CALCULATOR_LABELS)


def test_plan_types_and_categories_have_words():
    assert set(PLAN_TYPE_WORDS) == set(PlanType)
    assert set(CATEGORY_WORDS) == set(ESSENTIAL_CATEGORIES)


def test_a_real_error_is_rendered_with_its_label_and_amounts():
    with pytest.raises(CalculatorError) as caught:
        PlanTerms(
            PlanType.INSTALMENT,
            balance=Decimal("1000.00"),
            start_date=date(2026, 1, 31),
            apr=Decimal("10"),
            months=12,
            accrued_interest=Decimal("50.00"),
            interest_waived=Decimal("1250.00"),
        )
    with translation.override("en"):
        assert translate_error(caught.value) == str(caught.value)
        assert translate_error(caught.value, currency="CNY") == (
            "The interest waiver of CNY 1,250.00 is more than the accrued interest of CNY 50.00."
        )


def test_words_inside_a_sentence_are_shown_in_plain_english():
    error = CalculatorError("option_required", field="months", plan_type="interest_free")
    with translation.override("en"):
        assert translate_error(error) == (
            "The number of months is required for a plan of type interest-free."
        )
    ratio = CalculatorError(
        "value_out_of_range", field="step_ratio", minimum="more than 0", maximum="less than 1"
    )
    with translation.override("en"):
        assert (
            translate_error(ratio)
            == "The step-up ratio must be between more than 0 and less than 1."
        )


def test_an_explanation_from_a_real_schedule_shows_money_with_the_currency():
    schedule = build_schedule(
        PlanTerms(
            PlanType.INSTALMENT,
            balance=Decimal("30000.00"),
            start_date=date(2026, 1, 5),
            apr=Decimal("18.25"),
            months=24,
        )
    )
    payment = f"{schedule.monthly_payment:f}"
    message = Message("plan_instalment", {"months": "24", "payment": payment, "apr": "18.25"})
    with translation.override("en"):
        text = translate_message(message, currency="CNY")
    assert text == f"24 monthly payments of {format_amount(payment, 'CNY')} at an APR of 18.25%."
    assert "CNY 1," in text


def test_unknown_codes_fall_back_to_english():
    error = CalculatorError("negative_amount", field="fees")
    error.code = "a_code_from_a_newer_calculator"
    assert translate_error(error) == "The outstanding fees cannot be negative."


def test_the_sentences_render_in_chinese_without_breaking():
    # The Chinese sentences are added to the catalogue later; until then English shows through,
    # and rendering under zh-hans must still work for every code.
    with translation.override("zh-hans"):
        for code, template in ALL_CALCULATOR.items():
            assert translate_message(Message(code, sample_params(template)))
