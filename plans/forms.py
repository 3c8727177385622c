"""The calculator page's inputs: what is owed, and up to three plans to compare.

The forms only parse what was typed. Every rule about plans (ranges, waivers, terms) belongs to
`plans.calculator`; where a form checks a bound too (a negative amount), it says so in the
calculator's own words.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from accounts.widgets import DateTextInput
from cases.calculator_text import error_text
from plans.calculator import Account, PlanTerms, PlanType
from plans.calculator.money import MAX_AMOUNT, ZERO, format_money

#: The option columns, left to right. Option A is always shown; B and C can be switched off.
OPTION_KEYS: tuple[str, ...] = ("a", "b", "c")

PLAN_TYPE_LABELS: dict[str, Any] = {
    PlanType.INSTALMENT: _("Instalments"),
    PlanType.INTEREST_FREE: _("Interest-free instalments"),
    PlanType.FEE_INSTALMENT: _("Instalments with a monthly fee"),
    PlanType.DEFERRAL: _("Payment holiday, then instalments"),
    PlanType.STEP_UP: _("Lower payments first (step-up)"),
    PlanType.SETTLEMENT: _("Settlement"),
}

#: The inputs each plan type uses besides `COMMON_FIELDS` (see docs/calculator.md). The others
#: are hidden on the page and ignored here, so a value left in a hidden field never counts.
#: Interest-free, fee instalment and settlement plans charge no APR: their APR stays unset.
PLAN_FIELDS: dict[PlanType, tuple[str, ...]] = {
    PlanType.INSTALMENT: ("months", "apr"),
    PlanType.INTEREST_FREE: ("months",),
    PlanType.FEE_INSTALMENT: ("months", "fee_rate"),
    PlanType.DEFERRAL: ("deferral_months", "months", "apr"),
    PlanType.STEP_UP: ("months", "apr", "step_months", "step_ratio"),
    PlanType.SETTLEMENT: ("settlement_percent", "settlement_payments"),
}
COMMON_FIELDS: tuple[str, ...] = ("start_date", "interest_waived", "fees_waived")
TYPE_FIELDS: tuple[str, ...] = (
    "deferral_months",
    "months",
    "apr",
    "fee_rate",
    "step_months",
    "step_ratio",
    "settlement_percent",
    "settlement_payments",
)

# Characters people type to group thousands ("30,000.00", "30 000.00", a full-width comma).
_GROUPING = str.maketrans("", "", ",，  _")


class MoneyField(forms.DecimalField):
    """An amount in whole cents; a typed "30,000.00" is read as 30000.00."""

    def __init__(self, *, name: str, positive: bool = False, **kwargs: Any) -> None:
        code = "amount_not_positive" if positive else "negative_amount"
        too_large = error_text("amount_too_large", name, maximum=format_money(MAX_AMOUNT))
        kwargs.setdefault("error_messages", {}).update(
            min_value=error_text(code, name),
            max_digits=too_large,
            max_whole_digits=too_large,
            max_decimal_places=error_text("too_many_decimals", name, places="2"),
        )
        super().__init__(
            max_digits=12,
            decimal_places=2,
            min_value=Decimal("0.01") if positive else ZERO,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.translate(_GROUPING)
        return super().to_python(value)


class RateField(forms.DecimalField):
    """A rate, percentage or ratio: up to four decimals, never negative."""

    def __init__(self, *, name: str, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {}).update(
            min_value=error_text("negative_amount", name),
            max_decimal_places=error_text("too_many_decimals", name, places="4"),
        )
        super().__init__(
            max_digits=8,
            decimal_places=4,
            min_value=ZERO,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **kwargs,
        )


class CountField(forms.IntegerField):
    """A whole number of months or payments, at least one."""

    def __init__(self, *, name: str, maximum: int | None = None, **kwargs: Any) -> None:
        if maximum is None:
            message = error_text("value_too_small", name, minimum="1")
        else:
            message = error_text("value_out_of_range", name, minimum="1", maximum=str(maximum))
        kwargs.setdefault("error_messages", {}).update(min_value=message, max_value=message)
        super().__init__(
            min_value=1,
            max_value=maximum,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            **kwargs,
        )


def _style_inputs(form: forms.Form) -> None:
    for name, field in form.fields.items():
        if name == "enabled":
            field.widget.attrs.update({"class": "form-check-input", "role": "switch"})
        elif name == "plan_type":
            field.widget.attrs["class"] = "form-select"
        else:
            field.widget.attrs["class"] = "form-control"


class AmountsForm(forms.Form):
    """What is owed on the card, shared by every option."""

    balance = MoneyField(name="balance", positive=True, label=_("Balance owed"))
    accrued_interest = MoneyField(
        name="accrued_interest", required=False, label=_("Interest added so far")
    )
    fees = MoneyField(name="fees", required=False, label=_("Fees owed"))
    current_apr = RateField(name="apr", label=_("Current APR"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style_inputs(self)

    def account(self) -> Account:
        """The calculator's view of these amounts (raises `CalculatorError` if it refuses)."""
        data = self.cleaned_data
        return Account(
            balance=data["balance"],
            apr=data["current_apr"],
            accrued_interest=data["accrued_interest"] or ZERO,
            fees=data["fees"] or ZERO,
        )


class OptionForm(forms.Form):
    """One plan to compare. Its inputs carry a prefix: `a-months`, `b-plan_type`, ..."""

    enabled = forms.BooleanField(required=False, label=_("Compare this option"))
    plan_type = forms.ChoiceField(label=_("Plan type"), choices=list(PLAN_TYPE_LABELS.items()))
    months = CountField(name="months", required=False, label=_("Number of monthly payments"))
    apr = RateField(name="apr", required=False, label=_("APR"))
    deferral_months = CountField(
        name="deferral_months", required=False, label=_("Months without payments")
    )
    fee_rate = RateField(name="fee_rate", required=False, label=_("Monthly fee"))
    step_months = CountField(
        name="step_months", required=False, label=_("Months of lower payments")
    )
    step_ratio = RateField(name="step_ratio", required=False, label=_("Lower payment as a share"))
    settlement_percent = RateField(
        name="settlement_percent", required=False, label=_("Share of the debt to pay")
    )
    settlement_payments = CountField(
        name="settlement_payments",
        maximum=3,
        required=False,
        label=_("Number of payments (1 to 3)"),
    )
    start_date = forms.DateField(
        label=_("First payment date"),
        widget=DateTextInput(),
    )
    interest_waived = MoneyField(name="interest_waived", required=False, label=_("Interest waived"))
    fees_waived = MoneyField(name="fees_waived", required=False, label=_("Fees waived"))

    def __init__(self, *args: Any, switchable: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.switchable = switchable
        if switchable:
            self.fields["enabled"].widget.attrs["aria-controls"] = f"option-{self.prefix}-fields"
        else:
            del self.fields["enabled"]
        _style_inputs(self)

    @property
    def is_compared(self) -> bool:
        """Whether this option is being compared (option A always is)."""
        if not self.switchable:
            return True
        widget = self.fields["enabled"].widget
        return bool(widget.value_from_datadict(self.data, self.files, self.add_prefix("enabled")))

    def chosen_type(self) -> PlanType | None:
        """The plan type as typed (before validation), to know which inputs count."""
        try:
            return PlanType(self.data.get(self.add_prefix("plan_type"), ""))
        except ValueError:
            return None

    def used_fields(self) -> set[str]:
        """The inputs that count for the chosen plan type."""
        plan_type = self.chosen_type()
        if plan_type is None:
            return {"plan_type"}
        return {"enabled", "plan_type", *COMMON_FIELDS, *PLAN_FIELDS[plan_type]}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A hidden input of another plan type may hold anything; it is not part of this plan.
        used = self.used_fields()
        for name in list(self.errors):
            if name not in used and name != NON_FIELD_ERRORS:
                del self.errors[name]
        return {name: value for name, value in cleaned.items() if name in used}

    def plan_terms(self, account: Account) -> PlanTerms:
        """The terms of this option for `account` (raises `CalculatorError` if it refuses)."""
        data = self.cleaned_data
        plan_type = PlanType(data["plan_type"])
        options = {name: data.get(name) for name in PLAN_FIELDS[plan_type]}
        return PlanTerms(
            plan_type,
            balance=account.balance,
            start_date=data["start_date"],
            accrued_interest=account.accrued_interest,
            interest_waived=data.get("interest_waived") or ZERO,
            fees=account.fees,
            fees_waived=data.get("fees_waived") or ZERO,
            **options,
        )


#: What the page shows before anyone types: a typical card in arrears and three common plans.
AMOUNTS_INITIAL: dict[str, Any] = {
    "balance": Decimal("30000.00"),
    "accrued_interest": Decimal("0.00"),
    "fees": Decimal("0.00"),
    "current_apr": Decimal("18.25"),
}
_TYPE_DEFAULTS: dict[str, Any] = {
    "months": 24,
    "apr": Decimal("18.25"),
    "deferral_months": 3,
    "fee_rate": Decimal("0.60"),
    "step_months": 6,
    "step_ratio": Decimal("0.50"),
    "settlement_percent": Decimal("80"),
    "settlement_payments": 1,
    "interest_waived": Decimal("0.00"),
    "fees_waived": Decimal("0.00"),
}
OPTION_INITIAL: dict[str, dict[str, Any]] = {
    "a": {**_TYPE_DEFAULTS, "enabled": True, "plan_type": PlanType.INSTALMENT},
    "b": {**_TYPE_DEFAULTS, "enabled": True, "plan_type": PlanType.INTEREST_FREE, "months": 36},
    "c": {**_TYPE_DEFAULTS, "enabled": True, "plan_type": PlanType.DEFERRAL},
}


def default_data(*, first_due: date) -> dict[str, str]:
    """The defaults as the browser would post them, so that the first view is computed just
    like every later one."""
    data = {name: str(value) for name, value in AMOUNTS_INITIAL.items()}
    for key, values in OPTION_INITIAL.items():
        for name, value in {**values, "start_date": first_due.isoformat()}.items():
            if name == "enabled":
                if value:
                    data[f"{key}-enabled"] = "on"
            else:
                data[f"{key}-{name}"] = str(value)
    return data


def calculator_forms(data: Any) -> tuple[AmountsForm, dict[str, OptionForm]]:
    """The page's forms bound to `data` (the posted inputs, or `default_data`)."""
    amounts = AmountsForm(data)
    options = {
        key: OptionForm(data, prefix=key, switchable=key != OPTION_KEYS[0]) for key in OPTION_KEYS
    }
    return amounts, options


class VerifyForm(forms.Form):
    document = forms.FileField(
        label=_("The agreement (PDF)"),
        help_text=_("The file is checked and not kept."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_document(self) -> Any:
        from plans.verification import MAX_PDF_BYTES

        document = self.cleaned_data["document"]
        if document.size > MAX_PDF_BYTES:
            raise forms.ValidationError(_("Choose a PDF of at most 10 MB."))
        return document


class SignForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        help_text=_("As it is on your card account."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    code = forms.CharField(
        label=_("The 6-digit code we sent you"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )


class PaymentForm(forms.Form):
    reference = forms.CharField(
        label=_("Receipt or transaction reference"),
        max_length=64,
        help_text=_("A payment is recorded once per reference."),
    )
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateTextInput())
