"""The calculator's sentences in the user's language.

`plans.calculator` speaks English only: every error and explanation it produces is a stable
`code` with string `params` (see `plans/calculator/messages.py`). This module holds the same
sentences as Django translation strings, keyed by code, and renders a calculator `Message` or
`CalculatorError` in the active language. A test keeps the two in step: every code has an
entry here with exactly the calculator's placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import suppress
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import formatting
from plans.calculator import CalculatorError, Message, PlanType

#: Every error sentence, by `CalculatorError.code`.
ERROR_TEXT: Mapping[str, Promise] = {
    "not_a_number": _("The %(label)s must be a number, not '%(value)s'."),
    "not_a_whole_number": _("The %(label)s must be a whole number, not '%(value)s'."),
    "not_a_decimal": _("The %(label)s must be given as a Decimal."),
    "negative_amount": _("The %(label)s cannot be negative."),
    "amount_not_positive": _("The %(label)s must be more than zero."),
    "too_many_decimals": _("The %(label)s can have at most %(places)s decimal places."),
    "amount_too_large": _("The %(label)s cannot be more than %(maximum)s."),
    "value_out_of_range": _("The %(label)s must be between %(minimum)s and %(maximum)s."),
    "value_too_small": _("The %(label)s must be at least %(minimum)s."),
    "value_too_large": _("The %(label)s cannot be more than %(maximum)s."),
    "option_required": _("The %(label)s is required for a plan of type %(plan_type)s."),
    "option_not_applicable": _("The %(label)s does not apply to a plan of type %(plan_type)s."),
    "apr_not_zero": _("An interest-free plan cannot have an APR; leave it at 0."),
    "term_too_long": _(
        "The plan would run for %(months)s months, longer than the maximum of %(max_months)s."
    ),
    "step_months_too_long": _(
        "The %(step_months)s step-up months must be fewer than the %(months)s months of the plan."
    ),
    "waiver_exceeds_interest": _(
        "The interest waiver of %(waiver)s is more than the accrued interest of %(accrued)s."
    ),
    "waiver_exceeds_fees": _(
        "The fee waiver of %(waiver)s is more than the outstanding fees of %(fees)s."
    ),
    "settlement_too_small": _(
        "A settlement of %(percent)s%% of %(financed)s rounds to nothing; "
        "choose a higher percentage."
    ),
    "payment_too_small": _(
        "A payment of %(payment)s would not reduce the balance of %(balance)s; "
        "choose fewer months or payments."
    ),
    "invalid_date": _("The %(label)s '%(value)s' is not a real date in the form YYYY-MM-DD."),
    "date_out_of_range": _("The plan's due dates would run past the year 9999."),
    "unknown_plan_type": _("The plan type '%(value)s' is not known; choose one of %(choices)s."),
    "unknown_category": _(
        "The spending category '%(value)s' is not known; choose one of %(choices)s."
    ),
    "unknown_risk_band": _("The risk band '%(value)s' is not known; choose one of %(choices)s."),
    "empty_line_name": _("Every %(label)s line needs a name."),
    "missing_keep_rate": _("The policy has no keep rate for the '%(value)s' risk band."),
    "missing_roll_rate": _("The policy has no roll rate for the '%(value)s' risk band."),
}

#: Every explanation and reason sentence, by `Message.code`.
EXPLANATION_TEXT: Mapping[str, Promise] = {
    "plan_instalment": _("%(months)s monthly payments of %(payment)s at an APR of %(apr)s%%."),
    "plan_interest_free": _("%(months)s interest-free monthly payments of %(payment)s."),
    "plan_fee_instalment": _(
        "%(months)s monthly payments of %(payment)s, each including a fee of %(fee)s."
    ),
    "plan_deferral": _(
        "No payments for %(deferral_months)s months, while interest is still charged and added "
        "to what you owe; then %(months)s monthly payments of %(payment)s at an APR of %(apr)s%%."
    ),
    "plan_step_up": _(
        "%(step_months)s reduced payments of %(step_payment)s, then %(later_months)s monthly "
        "payments of %(payment)s at an APR of %(apr)s%%."
    ),
    "plan_settlement_single": _(
        "Settle the account with one payment of %(paid)s (%(percent)s%% of what is owed); "
        "%(forgiven)s is forgiven."
    ),
    "plan_settlement_multiple": _(
        "Settle the account for %(paid)s (%(percent)s%% of what is owed) in %(payments)s "
        "payments; %(forgiven)s is forgiven."
    ),
    "payment_share": _(
        "The largest monthly payment from income, %(payment)s, is %(share)s%% of the "
        "monthly surplus of %(disposable)s."
    ),
    "months_to_clear": _(
        "The account is cleared in %(months)s months, with the last payment due on "
        "%(last_due_date)s."
    ),
    "saving_vs_minimum": _(
        "This costs %(saving)s less than making minimum payments at the current rate of "
        "%(apr)s%%, which would take %(minimum_months)s months."
    ),
    "extra_vs_minimum": _(
        "This costs %(extra)s more than making minimum payments at the current rate of "
        "%(apr)s%%, which would take %(minimum_months)s months."
    ),
    "minimum_never_clears": _(
        "Minimum payments at the current rate of %(apr)s%% would never clear the balance."
    ),
    "annualised_rate": _("The annualised rate is %(rate)s%%."),
    "concessions": _("Concessions worth %(amount)s are included."),
    "relief_until_recovery": _(
        "Payments are lower, or paused, for the first %(relief_months)s months, until "
        "%(relief_date)s, when you expect things to improve."
    ),
    "above_guideline": _(
        "Spending on %(category)s of %(amount)s is above the guideline of %(guideline)s for a "
        "household of %(household_size)s."
    ),
    "no_disposable_income": _(
        "The statement leaves no monthly surplus (%(disposable)s a month), so no plan is "
        "affordable."
    ),
    "nothing_affordable": _(
        "No plan within policy and the authority limits is affordable: after the safety "
        "buffer, %(available)s a month is available from a monthly surplus of %(disposable)s."
    ),
}

#: The calculator's input names as they appear inside sentences (its `{label}`).
FIELD_LABELS: Mapping[str, Promise] = {
    "plan_type": _("plan type"),
    "balance": _("balance"),
    "apr": _("APR"),
    "months": _("number of months"),
    "start_date": _("start date"),
    "fee_rate": _("monthly fee rate"),
    "deferral_months": _("number of deferral months"),
    "step_months": _("number of step-up months"),
    "step_ratio": _("step-up ratio"),
    "settlement_percent": _("settlement percentage"),
    "settlement_payments": _("number of settlement payments"),
    "accrued_interest": _("accrued interest"),
    "interest_waived": _("interest waiver"),
    "fees": _("outstanding fees"),
    "fees_waived": _("fee waiver"),
    "max_term_months": _("maximum term"),
    "household_size": _("household size"),
    "income": _("income"),
    "essentials": _("essential spending"),
    "debt_repayments": _("other debt repayment"),
    "lump_sum_available": _("lump sum available"),
    "monthly_fee": _("monthly fee"),
    "floor": _("minimum payment floor"),
    "percent_of_balance": _("minimum payment percentage"),
    "max_interest_waiver_share": _("maximum interest waiver share"),
    "max_fee_waiver_share": _("maximum fee waiver share"),
    "max_settlement_discount": _("maximum settlement discount"),
    "min_apr": _("minimum APR"),
    "buffer_share": _("safety buffer share"),
    "buffer_floor": _("safety buffer floor"),
    "risk_band": _("risk band"),
    "horizon_months": _("horizon"),
    "keep_rates": _("keep rates"),
    "first_payment": _("first-payment keep probability"),
    "monthly_hazard": _("monthly hazard"),
    "burden_hazard": _("payment-burden hazard"),
    "annual_discount_rate": _("annual discount rate"),
    "apr_factors": _("APR factor"),
    "top_n": _("number of recommendations"),
    "roll_rates": _("roll rate"),
    "charge_off_recovery": _("charge-off recovery share"),
    "max_relief_months": _("longest relief period"),
    "relief_step_ratio": _("relief step-up ratio"),
}

#: Plan types inside sentences ("a plan of type interest-free").
PLAN_TYPE_WORDS: Mapping[str, Promise] = {
    PlanType.INSTALMENT: _("instalment"),
    PlanType.INTEREST_FREE: _("interest-free"),
    PlanType.FEE_INSTALMENT: _("fee instalment"),
    PlanType.DEFERRAL: _("deferral"),
    PlanType.STEP_UP: _("step-up"),
    PlanType.SETTLEMENT: _("settlement"),
}

#: Essential spending categories inside sentences ("Spending on housing of ...").
CATEGORY_WORDS: Mapping[str, Promise] = {
    "housing": _("housing"),
    "utilities": _("utilities"),
    "food": _("food"),
    "transport": _("transport"),
    "childcare": _("childcare"),
    "health": _("health"),
    "other_essentials": _("other essentials"),
}

#: Params that hold a date (ISO text from the calculator), shown in the reader's format.
DATE_PARAMS = frozenset(
    {"last_due_date", "first_due_date", "due_date", "start_date", "relief_date"}
)

#: Params that hold an amount of money (shown with the currency when one is given).
MONEY_PARAMS = frozenset(
    {
        "payment",
        "step_payment",
        "fee",
        "paid",
        "forgiven",
        "saving",
        "extra",
        "amount",
        "guideline",
        "disposable",
        "available",
        "waiver",
        "accrued",
        "fees",
        "balance",
        "financed",
    }
)

# Bounds the calculator words in English ("more than 0", "less than 1").
_STRICT_BOUND = re.compile(r"^(more|less) than (\S+)$")


def format_number(amount: Decimal | str) -> str:
    """An amount with two decimals, grouped by thousands ("30,000.00"), in both languages."""
    return formatting.number(amount)


def format_amount(amount: Decimal | str, currency: str) -> str:
    """Money shown as a figure, in the reader's style ("¥30,000.00" / "CNY 30,000.00")."""
    return formatting.money(amount, currency)


def format_amount_in_text(amount: Decimal | str, currency: str) -> str:
    """Money inside a sentence, in the reader's style ("30,000.00 元" / "CNY 30,000.00")."""
    return formatting.money_in_text(amount, currency)


def _bound(value: str) -> str:
    match = _STRICT_BOUND.match(value)
    if match is None:
        return value
    if match.group(1) == "more":
        return gettext("more than %(value)s") % {"value": match.group(2)}
    return gettext("less than %(value)s") % {"value": match.group(2)}


def _localised(params: Mapping[str, str], currency: str | None) -> dict[str, str]:
    """The params with the words and amounts inside them in the user's language."""
    values = dict(params)
    if "field" in values:
        field = values["field"]
        values.setdefault("label", str(FIELD_LABELS.get(field, field)))
    if "plan_type" in values:
        values["plan_type"] = str(PLAN_TYPE_WORDS.get(values["plan_type"], values["plan_type"]))
    if "category" in values:
        values["category"] = str(CATEGORY_WORDS.get(values["category"], values["category"]))
    for key in ("minimum", "maximum"):
        if key in values:
            values[key] = _bound(values[key])
    for key in DATE_PARAMS.intersection(values):
        with suppress(ValueError):
            values[key] = formatting.day(values[key])
    if currency:
        for key in MONEY_PARAMS.intersection(values):
            # Not a number after all: show it as the calculator gave it.
            with suppress(InvalidOperation, ValueError):
                values[key] = format_amount_in_text(values[key], currency)
    return values


def _render(code: str, params: Mapping[str, str], currency: str | None) -> str | None:
    template = ERROR_TEXT.get(code) or EXPLANATION_TEXT.get(code)
    if template is None:
        return None
    return str(template) % _localised(params, currency)


def translate_message(message: Message, *, currency: str | None = None) -> str:
    """The calculator's explanation in the active language.

    With `currency`, amounts are shown grouped and with the currency ("CNY 1,234.50");
    without, as the calculator gave them ("1234.50"). An unknown code falls back to English.
    """
    return _render(message.code, message.params, currency) or message.text


def translate_error(error: CalculatorError, *, currency: str | None = None) -> str:
    """Why the calculator refused, in the active language (English for an unknown code)."""
    return _render(error.code, error.params, currency) or str(error)


def _error_text(code: str, field: str, **params: str) -> str:
    return _render(code, {**params, "field": field}, None) or code


#: `error_text(code, field, **params)`: a lazy sentence for a form's `error_messages`, so that a
#: form checking one of the calculator's rules says so in the calculator's words, in the
#: language of the request that shows it.
error_text = lazy(_error_text, str)
