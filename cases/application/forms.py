"""The forms of the application wizard."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import ContactHoursMixin
from accounts.models import ContactChannel
from accounts.widgets import DATE_HELP, DateTextInput, FilePickerInput, TimeSelect
from cases.application.services import DebtLine
from cases.forms import VersionedForm
from cases.models import HardshipCase, HardshipDuration, HardshipReason, StatementSection
from cases.statement import ESSENTIAL_LABELS, INCOME_FIELDS
from plans.calculator import ESSENTIAL_CATEGORIES

#: Larger monthly amounts than this are almost certainly typing mistakes.
MAX_MONTHLY = Decimal("10000000")


def money_field(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_value=MAX_MONTHLY,
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        error_messages={
            "invalid": _("Enter an amount in numbers, for example 1250.50."),
            "min_value": _("Amounts cannot be negative."),
            "max_value": _("That amount looks too large; check it."),
            "max_decimal_places": _("Use at most two decimal places."),
        },
    )


class ReasonForm(VersionedForm):
    reason = forms.ChoiceField(
        label=_("What has made it hard to pay?"),
        choices=HardshipReason.choices,
        widget=forms.RadioSelect,
    )
    duration = forms.ChoiceField(
        label=_("How long do you expect this to last?"),
        choices=HardshipDuration.choices,
        widget=forms.RadioSelect,
    )
    expected_recovery = forms.DateField(
        label=_("When do you expect things to improve? (optional)"),
        required=False,
        widget=DateTextInput(),
        help_text=DATE_HELP,
    )
    own_words = forms.CharField(
        label=_("Tell us what happened, in your own words (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    third_party = forms.BooleanField(
        label=_("Someone else (a relative, carer or adviser) is helping me with this request"),
        required=False,
    )
    asked_for_person = forms.BooleanField(
        label=_("I would like a person to look at my request"),
        required=False,
        help_text=_(
            "Otherwise a plan within what we can agree straight away is approved at once, "
            "at any hour."
        ),
    )

    def clean_expected_recovery(self) -> date | None:
        value: date | None = self.cleaned_data.get("expected_recovery")
        today = timezone.localdate()
        if value is not None and not today < value <= today + timedelta(days=5 * 366):
            raise forms.ValidationError(_("Choose a date in the next five years."))
        return value


MAX_DEBTS = 5


class StatementForm(VersionedForm):
    """Monthly income and spending, shaped like the UK Standard Financial Statement."""

    household_size = forms.IntegerField(
        label=_("People in your household (including you)"), min_value=1, max_value=20, initial=1
    )
    dependants = forms.IntegerField(
        label=_("Of whom depend on you"), min_value=0, max_value=19, initial=0
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in INCOME_FIELDS:
            self.fields[f"income_{name}"] = money_field(label)
        for name in ESSENTIAL_CATEGORIES:
            self.fields[f"essential_{name}"] = money_field(ESSENTIAL_LABELS[name])
        for i in range(MAX_DEBTS):
            self.fields[f"debt_{i}_lender"] = forms.CharField(
                label=_("Lender"), required=False, max_length=100
            )
            self.fields[f"debt_{i}_balance"] = money_field(_("Amount owed"))
            self.fields[f"debt_{i}_payment"] = money_field(_("Monthly payment"))

    def income_fields(self) -> list[forms.BoundField]:
        return [self[f"income_{name}"] for name, _label in INCOME_FIELDS]

    def essential_fields(self) -> list[forms.BoundField]:
        return [self[f"essential_{name}"] for name in ESSENTIAL_CATEGORIES]

    def debts(self) -> list[DebtLine]:
        """The other debts given, in order (rows without a lender are left out)."""
        debts = []
        for i in range(MAX_DEBTS):
            lender = (self.cleaned_data.get(f"debt_{i}_lender") or "").strip()
            if lender:
                debts.append(
                    DebtLine(
                        lender=lender,
                        balance=self.cleaned_data.get(f"debt_{i}_balance") or Decimal("0"),
                        monthly_payment=self.cleaned_data.get(f"debt_{i}_payment") or Decimal("0"),
                    )
                )
        return debts

    def debt_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"debt_{i}_lender"], self[f"debt_{i}_balance"], self[f"debt_{i}_payment"])
            for i in range(MAX_DEBTS)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        size, dependants = cleaned.get("household_size"), cleaned.get("dependants")
        if size is not None and dependants is not None and dependants >= size:
            self.add_error(
                "dependants", _("Dependants must be fewer than the people in the household.")
            )
        for i in range(MAX_DEBTS):
            lender = (cleaned.get(f"debt_{i}_lender") or "").strip()
            payment = cleaned.get(f"debt_{i}_payment")
            balance = cleaned.get(f"debt_{i}_balance")
            if (payment or balance) and not lender:
                self.add_error(f"debt_{i}_lender", _("Say who this debt is with."))
            if lender and payment is None:
                self.add_error(f"debt_{i}_payment", _("Enter the monthly payment (0 if none)."))
        amounts = [
            value
            for key, value in cleaned.items()
            if key.startswith(("income_", "essential_")) and value
        ]
        if not amounts and not self.errors:
            raise forms.ValidationError(_("Enter at least one amount of income or spending."))
        return cleaned

    def income(self) -> dict[str, Decimal]:
        return {
            name: self.cleaned_data.get(f"income_{name}") or Decimal("0")
            for name, _l in INCOME_FIELDS
        }

    def essentials(self) -> dict[str, Decimal]:
        return {
            name: self.cleaned_data.get(f"essential_{name}") or Decimal("0")
            for name in ESSENTIAL_CATEGORIES
        }


class EvidenceForm(forms.Form):
    evidence_kind = forms.ChoiceField(label=_("What does this document show?"), choices=())
    file = forms.FileField(
        label=_("Document (PDF, JPEG or PNG, at most 10 MB)"),
        widget=FilePickerInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, checklist: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["evidence_kind"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = checklist


class ContactForm(ContactHoursMixin, VersionedForm):
    channel = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=ContactChannel.choices,
        widget=forms.RadioSelect,
    )
    contact_from = forms.TimeField(label=_("From"), widget=TimeSelect())
    contact_until = forms.TimeField(label=_("Until"), widget=TimeSelect())


class ChoosePlanForm(VersionedForm):
    """Either one of the recommended plans (by its rank), or the cardholder's own terms."""

    choice = forms.CharField(widget=forms.HiddenInput, required=False)
    own_months = forms.IntegerField(
        label=_("Over how many months could you repay?"), required=False, min_value=1, max_value=60
    )
    own_interest = forms.ChoiceField(
        label=_("What would you ask for on interest?"),
        required=False,
        choices=(
            ("keep", _("Keep the card's current interest rate")),
            ("stop", _("Ask for interest to be stopped")),
        ),
    )
    note = forms.CharField(
        label=_("Anything you want us to know about this request (optional)"),
        help_text=_(
            "If you write here, a person reads it before your plan is agreed, so it cannot "
            "be agreed straight away."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        choice = cleaned.get("choice") or ""
        # "send-2": ask for option 2 and send the application at once (no review page).
        cleaned["send"] = choice.startswith("send-")
        if cleaned["send"]:
            choice = cleaned["choice"] = choice.removeprefix("send-")
        if choice == "own":
            if not cleaned.get("own_months"):
                self.add_error("own_months", _("Enter the number of months."))
            if not cleaned.get("own_interest"):
                self.add_error("own_interest", _("Choose what you ask for on interest."))
        elif not (choice.isascii() and choice.isdigit()):
            raise forms.ValidationError(_("Choose one of the plans, or propose your own terms."))
        return cleaned


class StaffStatementForm(StatementForm):
    """The same statement, taken down by staff from a cardholder on the phone or in a branch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household_size"].label = _("People in the cardholder's household (with them)")
        self.fields["dependants"].label = _("Of whom depend on the cardholder")


def statement_initial(case: HardshipCase) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "version": case.version,
        "household_size": case.household_size,
        "dependants": case.dependants,
    }
    debt_index = 0
    for line in case.statement_lines.all():
        if line.section == StatementSection.INCOME:
            initial[f"income_{line.category}"] = line.monthly_amount
        elif line.section == StatementSection.ESSENTIAL:
            initial[f"essential_{line.category}"] = line.monthly_amount
        else:
            initial[f"debt_{debt_index}_lender"] = line.lender
            initial[f"debt_{debt_index}_balance"] = line.balance
            initial[f"debt_{debt_index}_payment"] = line.monthly_amount
            debt_index += 1
    return initial
