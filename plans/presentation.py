"""What the calculator page shows, worded and formatted for people.

Nothing here computes money: every amount comes from `plans.calculator`. This module chooses
which figure goes where, formats it (two decimals, grouped, with the currency) and turns the
calculator's refusals into messages next to the inputs they are about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import BoundField, Form
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.formatting import day
from accounts.models import User
from accounts.roles import Perm
from cases import planning
from cases.calculator_text import (
    format_amount,
    format_amount_in_text,
    format_number,
    translate_error,
    translate_message,
)
from cases.policy.rules import plan_policy
from cases.selectors import latest_situation_for
from plans.calculator import (
    Account,
    CalculatorError,
    NoPlanOutcome,
    PlanType,
    Recommendation,
    Schedule,
    build_schedule,
    compare_no_plan,
)
from plans.forms import (
    COMMON_FIELDS,
    OPTION_KEYS,
    PLAN_FIELDS,
    PLAN_TYPE_LABELS,
    TYPE_FIELDS,
    AmountsForm,
    OptionForm,
    calculator_forms,
)

#: The bank's currency: the calculator quotes in it (every card account defaults to it).
CURRENCY = "CNY"

# What follows an input: the currency, a percent sign, or nothing.
_MONEY_FIELDS = frozenset({"balance", "accrued_interest", "fees", "interest_waived", "fees_waived"})
_PERCENT_FIELDS = frozenset({"current_apr", "apr", "fee_rate", "settlement_percent"})
# Inputs of what is owed that the calculator may name in a refusal, by its name for them.
_AMOUNT_FIELD_FOR = {
    "balance": "balance",
    "accrued_interest": "accrued_interest",
    "fees": "fees",
    "apr": "current_apr",
}


_HELP_TEXTS = {
    "fee_rate": gettext_lazy(
        "Charged every month as a percentage of the amount to repay at the start, however much "
        "has been repaid since."
    ),
    "deferral_months": gettext_lazy(
        "Interest is still charged in these months and added to the amount to repay."
    ),
    "step_ratio": gettext_lazy("A share of the full payment, for example 0.5 for half."),
    "settlement_percent": gettext_lazy("The rest is forgiven."),
    "months": gettext_lazy("Not counting months without payments."),
}


@dataclass(frozen=True)
class FieldView:
    """One input with its label, what follows it, and the messages about it."""

    field: BoundField
    errors: tuple[str, ...]
    plan_types: str  # the plan types that use it, space-separated; "" when every type does
    hidden: bool
    addon: str
    help: str

    @property
    def error_id(self) -> str:
        return f"{self.field.auto_id}-error"

    @property
    def help_id(self) -> str:
        return f"{self.field.auto_id}-help"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Row:
    n: int
    due_date: str
    payment: str
    principal: str
    interest: str
    fee: str
    balance: str


@dataclass(frozen=True)
class OptionView:
    """One option column: its inputs, and its quote or why there is none."""

    key: str
    title: str
    form: OptionForm
    enabled: bool
    plan_type: str
    fields: tuple[FieldView, ...]
    plan_name: str
    schedule: Schedule | None
    figures: tuple[Figure, ...]
    rows: tuple[Row, ...]
    problems: tuple[str, ...]
    first_invalid: str

    @property
    def switch(self) -> BoundField | None:
        return self.form["enabled"] if self.form.switchable else None


@dataclass(frozen=True)
class Comparison:
    """Everything the results region shows, and the inputs it was computed from."""

    currency: str
    amount_fields: tuple[FieldView, ...]
    amounts_valid: bool
    options: tuple[OptionView, ...]
    no_plan: tuple[str, ...]
    chart: dict[str, Any]

    @property
    def enabled_options(self) -> tuple[OptionView, ...]:
        return tuple(option for option in self.options if option.enabled)

    @property
    def quoted_options(self) -> tuple[OptionView, ...]:
        return tuple(option for option in self.options if option.schedule is not None)


def _percent(value: Any) -> str:
    return _("%(rate)s%%") % {"rate": format_number(value)}


def _field_view(
    form: Form,
    name: str,
    *,
    errors: list[str],
    plan_types: str = "",
    hidden: bool = False,
) -> FieldView:
    bound = form[name]
    widget = bound.field.widget
    view = FieldView(
        field=bound,
        errors=tuple(errors),
        plan_types=plan_types,
        hidden=hidden,
        addon=CURRENCY if name in _MONEY_FIELDS else "%" if name in _PERCENT_FIELDS else "",
        help=str(_HELP_TEXTS.get(name, "")),
    )
    described_by = [view.error_id] + ([view.help_id] if view.help else [])
    widget.attrs["aria-describedby"] = " ".join(described_by)
    if errors:
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
        widget.attrs["aria-invalid"] = "true"
    return view


def _errors_of(form: Form, name: str, *, shown: bool) -> list[str]:
    return [str(error) for error in form.errors.get(name, [])] if shown else []


def _add_option_error(form: OptionForm, error: CalculatorError) -> None:
    """Put the calculator's refusal next to the input it is about."""
    field = error.field
    if error.code == "date_out_of_range":
        field = "start_date"
    if field not in form.used_fields() or field not in form.fields:
        field = None
    form.add_error(field, translate_error(error, currency=CURRENCY))


def _monthly_payment(schedule: Schedule, currency: str) -> Figure:
    terms = schedule.terms
    payment = format_amount(schedule.monthly_payment, currency)
    first = schedule.rows[0]
    if terms.plan_type is PlanType.SETTLEMENT:
        if schedule.months == 1:
            return Figure("monthly_payment", _("Payment"), payment)
        note = _("%(count)s payments") % {"count": schedule.months}
        return Figure("monthly_payment", _("Each payment"), payment, note)
    note = ""
    if terms.plan_type is PlanType.DEFERRAL:
        note = _(
            "after %(months)s months without payments, during which interest is still added"
        ) % {"months": terms.deferral_months}
    elif terms.plan_type is PlanType.STEP_UP:
        note = _("after %(months)s lower payments of %(payment)s") % {
            "months": terms.step_months,
            "payment": format_amount_in_text(first.payment, currency),
        }
    elif terms.plan_type is PlanType.FEE_INSTALMENT:
        note = _("including a fee of %(fee)s") % {"fee": format_amount_in_text(first.fee, currency)}
    return Figure("monthly_payment", _("Monthly payment"), payment, note)


def _figures(schedule: Schedule) -> tuple[Figure, ...]:
    def money(value: Any) -> str:
        return format_amount(value, CURRENCY)

    not_applicable = _("Not applicable to a settlement")
    annualised = schedule.annualised_rate
    effective = schedule.effective_annual_rate
    figures = [
        Figure("financed_amount", _("Amount to repay"), money(schedule.financed_amount)),
        _monthly_payment(schedule, CURRENCY),
        Figure("total_payable", _("Total to pay"), money(schedule.total_payable)),
        Figure("total_interest", _("Total interest"), money(schedule.total_interest)),
        Figure("total_fees", _("Total fees"), money(schedule.total_fees)),
        Figure("concession_total", _("Concessions"), money(schedule.concession_total)),
    ]
    if schedule.plan_type is PlanType.SETTLEMENT:
        figures.append(Figure("forgiven", _("Forgiven"), money(schedule.forgiven)))
    figures += [
        Figure(
            "annualised_rate",
            _("Annualised rate"),
            _percent(annualised) if annualised is not None else not_applicable,
        ),
        Figure(
            "effective_annual_rate",
            _("Effective annual rate"),
            _percent(effective) if effective is not None else not_applicable,
        ),
        Figure("months", _("Number of months"), str(schedule.months)),
        Figure("first_due_date", _("First payment due"), day(schedule.rows[0].due_date)),
        Figure("last_due_date", _("Last payment due"), day(schedule.last_due_date)),
    ]
    return tuple(figures)


def _rows(schedule: Schedule) -> tuple[Row, ...]:
    return tuple(
        Row(
            n=row.n,
            due_date=day(row.due_date),
            payment=format_number(row.payment),
            principal=format_number(row.principal),
            interest=format_number(row.interest),
            fee=format_number(row.fee),
            balance=format_number(row.balance),
        )
        for row in schedule.rows
    )


def _option_view(form: OptionForm, account: Account | None) -> OptionView:
    key = form.prefix or ""
    enabled = form.is_compared
    schedule: Schedule | None = None
    problems: list[str] = []
    if enabled:
        if form.is_valid() and account is not None:
            try:
                schedule = build_schedule(form.plan_terms(account), plan_policy())
            except CalculatorError as error:
                _add_option_error(form, error)
        if schedule is None and any(name != NON_FIELD_ERRORS for name in form.errors):
            problems.append(_("Correct the inputs marked in this option to see its figures."))
        problems += [str(error) for error in form.non_field_errors()]

    chosen = form.chosen_type()
    used = form.used_fields()
    fields = [
        _field_view(
            form,
            "plan_type",
            errors=_errors_of(form, "plan_type", shown=enabled),
        )
    ]
    for name in TYPE_FIELDS:
        types = " ".join(t for t, names in PLAN_FIELDS.items() if name in names)
        shown = enabled and name in used
        fields.append(
            _field_view(
                form,
                name,
                errors=_errors_of(form, name, shown=shown),
                plan_types=types,
                hidden=chosen is not None and name not in used,
            )
        )
    for name in COMMON_FIELDS:
        fields.append(_field_view(form, name, errors=_errors_of(form, name, shown=enabled)))
    first_invalid = next((view.field.auto_id for view in fields if view.errors), "")
    plan_name = str(PLAN_TYPE_LABELS.get(chosen, "")) if chosen else ""
    return OptionView(
        key=key,
        title=_("Option %(letter)s") % {"letter": key.upper()},
        form=form,
        enabled=enabled,
        plan_type=chosen or "",
        fields=tuple(fields),
        plan_name=plan_name,
        schedule=schedule,
        figures=_figures(schedule) if schedule else (),
        rows=_rows(schedule) if schedule else (),
        problems=tuple(problems),
        first_invalid=first_invalid,
    )


def _no_plan_text(outcome: NoPlanOutcome, account: Account) -> tuple[str, ...]:
    apr = _percent(account.apr)
    if outcome.never_clears or outcome.total_paid is None:
        headline = _(
            "Paying only the minimum each month at the current APR of %(apr)s would never "
            "clear what is owed."
        ) % {"apr": apr}
    else:
        headline = _(
            "Paying only the minimum each month at the current APR of %(apr)s would take "
            "%(months)s months and %(total)s in all to clear what is owed."
        ) % {
            "apr": apr,
            "months": outcome.months_to_clear,
            "total": format_amount_in_text(outcome.total_paid, CURRENCY),
        }
    rule = account.minimum_payment
    values = {
        "percent": _("%(rate)s%%") % {"rate": f"{rule.percent_of_balance.normalize():f}"},
        "floor": format_amount_in_text(rule.floor, CURRENCY),
    }
    if rule.plus_interest_and_fees:
        detail = _(
            "The minimum payment is taken as %(percent)s of the balance plus that month's "
            "interest and fees, and at least %(floor)s."
        )
    else:
        detail = _(
            "The minimum payment is taken as %(percent)s of the balance, at least %(floor)s."
        )
    return headline, detail % values


def _chart(options: tuple[OptionView, ...]) -> dict[str, Any]:
    """The balance after each payment, per option: what `static/js/calculator.js` draws."""
    quoted = [(option, option.schedule) for option in options if option.schedule is not None]
    length = max((schedule.months for _option, schedule in quoted), default=0)
    series = []
    for option, schedule in quoted:
        balances = [str(schedule.financed_amount)] + [str(row.balance) for row in schedule.rows]
        series.append(
            {"key": option.key, "label": f"{option.title}: {option.plan_name}", "data": balances}
        )
    return {
        "labels": [_("Start")] + [str(n) for n in range(1, length + 1)],
        "series": series,
        "xTitle": _("Payment number"),
        "yTitle": _("Balance owed (%(currency)s)") % {"currency": CURRENCY},
    }


def compare_plans(data: Any) -> Comparison:
    """Quote every switched-on option from `data` (posted inputs, or the defaults)."""
    amounts, option_forms = calculator_forms(data)
    account: Account | None = None
    no_plan: tuple[str, ...] = ()
    if amounts.is_valid():
        try:
            account = amounts.account()
            outcome = compare_no_plan(
                account.total_owed, account.apr, account.monthly_fee, account.minimum_payment
            )
        except CalculatorError as error:
            account = None
            name = _AMOUNT_FIELD_FOR.get(error.field or "")
            amounts.add_error(name, translate_error(error, currency=CURRENCY))
        else:
            no_plan = _no_plan_text(outcome, account)
    amount_fields = tuple(
        _field_view(amounts, name, errors=_errors_of(amounts, name, shown=True))
        for name in AmountsForm.base_fields
    )
    options = tuple(_option_view(option_forms[key], account) for key in OPTION_KEYS)
    return Comparison(
        currency=CURRENCY,
        amount_fields=amount_fields,
        amounts_valid=account is not None,
        options=options,
        no_plan=no_plan,
        chart=_chart(options),
    )


@dataclass(frozen=True)
class RecommendationView:
    rank: int
    plan_name: str
    sentences: tuple[str, ...]
    figures: tuple[Figure, ...]
    compare_into: str
    compare_title: str
    compare_values: dict[str, dict[str, str]]

    @property
    def compare_id(self) -> str:
        return f"recommendation-{self.rank}-terms"


@dataclass(frozen=True)
class PersonalView:
    """The cardholder's own situation: recommended plans, or how to get them."""

    has_situation: bool
    account_name: str = ""
    case_reference: str = ""
    recommendations: tuple[RecommendationView, ...] = ()
    reason: str = ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _compare_values(recommendation: Recommendation, current_apr: Any) -> dict[str, dict[str, str]]:
    """The recommended terms as the option inputs take them, for the "Compare" button."""
    terms = recommendation.terms
    option = {"plan_type": str(terms.plan_type), "start_date": terms.start_date.isoformat()}
    for name in (*PLAN_FIELDS[terms.plan_type], "interest_waived", "fees_waived"):
        option[name] = _text(getattr(terms, name))
    amounts = {
        "balance": _text(terms.balance),
        "accrued_interest": _text(terms.accrued_interest),
        "fees": _text(terms.fees),
        "current_apr": _text(current_apr),
    }
    return {"amounts": amounts, "option": option}


def personal_recommendations(user: User) -> PersonalView | None:
    """Plans for the signed-in cardholder's latest situation; None for staff, who see none."""
    if user.has_perm(Perm.WORK_CASES) or not user.has_perm(Perm.USE_PORTAL):
        return None
    situation = latest_situation_for(user=user)
    if situation is None:
        return PersonalView(has_situation=False)
    account, case, _statement = situation
    currency = account.currency
    try:
        result = planning.recommendations_for(case)
    except CalculatorError as error:
        return PersonalView(
            has_situation=True,
            account_name=str(account),
            case_reference=case.reference,
            reason=translate_error(error, currency=currency),
        )
    views = []
    for recommendation, key in zip(
        result.recommendations if result else (), OPTION_KEYS, strict=False
    ):
        schedule = recommendation.schedule
        views.append(
            RecommendationView(
                rank=recommendation.rank,
                plan_name=str(PLAN_TYPE_LABELS[schedule.plan_type]),
                sentences=tuple(
                    translate_message(message, currency=currency)
                    for message in recommendation.explanation
                ),
                figures=(
                    _monthly_payment(schedule, currency),
                    Figure(
                        "total_payable",
                        _("Total to pay"),
                        format_amount(schedule.total_payable, currency),
                    ),
                    Figure("months", _("Number of months"), str(schedule.months)),
                ),
                compare_into=key,
                compare_title=_("Option %(letter)s") % {"letter": key.upper()},
                compare_values=_compare_values(recommendation, account.apr),
            )
        )
    reason = ""
    if result is not None and result.reason is not None:
        reason = translate_message(result.reason, currency=currency)
    return PersonalView(
        has_situation=True,
        account_name=str(account),
        case_reference=case.reference,
        recommendations=tuple(views),
        reason=reason,
    )
