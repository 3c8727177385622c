"""Every English sentence the calculator can produce, in one place.

Errors and explanations are identified by a stable ``code`` and carry their
numbers as string ``params``.  The Django layer translates by code and
interpolates the same params; :func:`render` is the English rendering used by the
command line and as a fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: Human names of the inputs, used inside messages as ``{label}``.
FIELD_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "plan_type": "plan type",
        "balance": "balance",
        "apr": "APR",
        "months": "number of months",
        "start_date": "start date",
        "fee_rate": "monthly fee rate",
        "deferral_months": "number of deferral months",
        "step_months": "number of step-up months",
        "step_ratio": "step-up ratio",
        "settlement_percent": "settlement percentage",
        "settlement_payments": "number of settlement payments",
        "accrued_interest": "accrued interest",
        "interest_waived": "interest waiver",
        "fees": "outstanding fees",
        "fees_waived": "fee waiver",
        "max_term_months": "maximum term",
        "household_size": "household size",
        "income": "income",
        "essentials": "essential spending",
        "debt_repayments": "other debt repayment",
        "lump_sum_available": "lump sum available",
        "monthly_fee": "monthly fee",
        "floor": "minimum payment floor",
        "percent_of_balance": "minimum payment percentage",
        "max_interest_waiver_share": "maximum interest waiver share",
        "max_fee_waiver_share": "maximum fee waiver share",
        "max_settlement_discount": "maximum settlement discount",
        "min_apr": "minimum APR",
        "buffer_share": "safety buffer share",
        "buffer_floor": "safety buffer floor",
        "risk_band": "risk band",
        "horizon_months": "horizon",
        "keep_rates": "keep rates",
        "first_payment": "first-payment keep probability",
        "monthly_hazard": "monthly hazard",
        "burden_hazard": "payment-burden hazard",
        "annual_discount_rate": "annual discount rate",
        "apr_factors": "APR factor",
        "top_n": "number of recommendations",
        "roll_rates": "roll rate",
        "charge_off_recovery": "charge-off recovery share",
        "max_relief_months": "longest relief period",
        "relief_step_ratio": "relief step-up ratio",
    }
)

#: Error messages, by :attr:`CalculatorError.code`.
ERROR_MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        "not_a_number": "The {label} must be a number, not '{value}'.",
        "not_a_whole_number": "The {label} must be a whole number, not '{value}'.",
        "not_a_decimal": "The {label} must be given as a Decimal.",
        "negative_amount": "The {label} cannot be negative.",
        "amount_not_positive": "The {label} must be more than zero.",
        "too_many_decimals": "The {label} can have at most {places} decimal places.",
        "amount_too_large": "The {label} cannot be more than {maximum}.",
        "value_out_of_range": "The {label} must be between {minimum} and {maximum}.",
        "value_too_small": "The {label} must be at least {minimum}.",
        "value_too_large": "The {label} cannot be more than {maximum}.",
        "option_required": "The {label} is required for a plan of type {plan_type}.",
        "option_not_applicable": "The {label} does not apply to a plan of type {plan_type}.",
        "apr_not_zero": "An interest-free plan cannot have an APR; leave it at 0.",
        "term_too_long": (
            "The plan would run for {months} months, longer than the maximum of {max_months}."
        ),
        "step_months_too_long": (
            "The {step_months} step-up months must be fewer than the {months} months of the plan."
        ),
        "waiver_exceeds_interest": (
            "The interest waiver of {waiver} is more than the accrued interest of {accrued}."
        ),
        "waiver_exceeds_fees": (
            "The fee waiver of {waiver} is more than the outstanding fees of {fees}."
        ),
        "settlement_too_small": (
            "A settlement of {percent}% of {financed} rounds to nothing; "
            "choose a higher percentage."
        ),
        "payment_too_small": (
            "A payment of {payment} would not reduce the balance of {balance}; "
            "choose fewer months or payments."
        ),
        "invalid_date": "The {label} '{value}' is not a real date in the form YYYY-MM-DD.",
        "date_out_of_range": "The plan's due dates would run past the year 9999.",
        "unknown_plan_type": "The plan type '{value}' is not known; choose one of {choices}.",
        "unknown_category": (
            "The spending category '{value}' is not known; choose one of {choices}."
        ),
        "unknown_risk_band": "The risk band '{value}' is not known; choose one of {choices}.",
        "empty_line_name": "Every {label} line needs a name.",
        "missing_keep_rate": "The policy has no keep rate for the '{value}' risk band.",
        "missing_roll_rate": "The policy has no roll rate for the '{value}' risk band.",
    }
)

#: Explanations and reasons produced by affordability checks and recommendations.
EXPLANATION_MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        "plan_instalment": "{months} monthly payments of {payment} at an APR of {apr}%.",
        "plan_interest_free": "{months} interest-free monthly payments of {payment}.",
        "plan_fee_instalment": (
            "{months} monthly payments of {payment}, each including a fee of {fee}."
        ),
        "plan_deferral": (
            "No payments for {deferral_months} months, while interest is still charged and "
            "added to what you owe; then {months} monthly payments of "
            "{payment} at an APR of {apr}%."
        ),
        "plan_step_up": (
            "{step_months} reduced payments of {step_payment}, then {later_months} monthly "
            "payments of {payment} at an APR of {apr}%."
        ),
        "plan_settlement_single": (
            "Settle the account with one payment of {paid} ({percent}% of what is owed); "
            "{forgiven} is forgiven."
        ),
        "plan_settlement_multiple": (
            "Settle the account for {paid} ({percent}% of what is owed) in {payments} payments; "
            "{forgiven} is forgiven."
        ),
        "payment_share": (
            "The largest monthly payment from income, {payment}, is {share}% of the monthly "
            "surplus of {disposable}."
        ),
        "months_to_clear": (
            "The account is cleared in {months} months, with the last payment due on "
            "{last_due_date}."
        ),
        "saving_vs_minimum": (
            "This costs {saving} less than making minimum payments at the current rate of "
            "{apr}%, which would take {minimum_months} months."
        ),
        "extra_vs_minimum": (
            "This costs {extra} more than making minimum payments at the current rate of "
            "{apr}%, which would take {minimum_months} months."
        ),
        "minimum_never_clears": (
            "Minimum payments at the current rate of {apr}% would never clear the balance."
        ),
        "annualised_rate": "The annualised rate is {rate}%.",
        "concessions": "Concessions worth {amount} are included.",
        "relief_until_recovery": (
            "Payments are lower, or paused, for the first {relief_months} months, until "
            "{relief_date}, when you expect things to improve."
        ),
        "above_guideline": (
            "Spending on {category} of {amount} is above the guideline of {guideline} for a "
            "household of {household_size}."
        ),
        "no_disposable_income": (
            "The statement leaves no monthly surplus ({disposable} a month), so no plan is "
            "affordable."
        ),
        "nothing_affordable": (
            "No plan within policy and the authority limits is affordable: after the safety "
            "buffer, {available} a month is available from a monthly surplus of {disposable}."
        ),
    }
)


def render(code: str, params: Mapping[str, str]) -> str:
    """Return the English sentence for ``code`` with ``params`` filled in.

    A ``field`` param is shown as its human label (``{label}``).  Raises
    ``KeyError`` for an unknown code, so a typo cannot ship silently.
    """
    template = ERROR_MESSAGES.get(code) or EXPLANATION_MESSAGES[code]
    values = dict(params)
    if "field" in values:
        values.setdefault("label", FIELD_LABELS.get(values["field"], values["field"]))
    return template.format(**values)


@dataclass(frozen=True)
class Message:
    """A translatable sentence: a stable ``code`` plus string ``params``.

    ``text`` is the English rendering; other languages render from the code.
    """

    code: str
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The English sentence."""
        return render(self.code, self.params)
