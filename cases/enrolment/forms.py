"""The enrolment form (the cardholder) and the release form (staff)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.widgets import DATE_HELP, DateTextInput


class EnrolmentForm(forms.Form):
    card_last4 = forms.CharField(
        label=_("Last four digits of your card number"),
        min_length=4,
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("Enter exactly four digits."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=DateTextInput(attrs={"autocomplete": "bday"}),
        help_text=DATE_HELP,
    )
    id_last4 = forms.CharField(
        label=_("Last four characters of your ID number"),
        min_length=4,
        max_length=4,
        validators=[
            RegexValidator(
                r"^[0-9]{3}[0-9Xx]$", _("Enter four characters: digits, and the last may be X.")
            )
        ],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_birth_date(self) -> date:
        value: date = self.cleaned_data["birth_date"]
        if value > timezone.localdate() or value.year < 1900:
            raise forms.ValidationError(_("Enter a valid date of birth."))
        return value


class CardReleaseForm(forms.Form):
    note = forms.CharField(
        label=_("How you checked that the caller is the cardholder"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
