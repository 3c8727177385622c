"""The forms of the cardholder's case page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.widgets import FilePickerInput
from cases.forms import LightForm, VersionedForm


class WithdrawForm(LightForm, VersionedForm):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MessageForm(LightForm):
    body = forms.CharField(
        label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(
        label=_("Attach a document (optional: PDF, JPEG or PNG, at most 10 MB)"),
        required=False,
        widget=FilePickerInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class OfferAnswerForm(VersionedForm):
    answer = forms.ChoiceField(
        choices=(
            ("accept", _("Accept")),
            ("decline", pgettext_lazy("cardholder answers an offer", "Decline")),
        )
    )
    consent = forms.BooleanField(
        label=_(
            "I have read and understood every payment, the number of payments, the interest and "
            "the fees of the plan above, and I agree to repay as it shows."
        ),
        required=False,
    )
    # The SHA-256 of the disclosure the page showed: what is accepted is what was read.
    disclosure = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    reason = forms.CharField(
        label=_("Why are you declining? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == "accept" and not data.get("consent"):
            self.add_error("consent", _("Tick the box to confirm that you agree to these terms."))
        return data


class CounterForm(LightForm, VersionedForm):
    months = forms.IntegerField(
        label=_("Over how many months could you repay?"), min_value=1, max_value=60
    )
    interest = forms.ChoiceField(
        label=_("What would you ask for on interest?"),
        choices=(
            ("keep", _("Keep the card's current interest rate")),
            ("stop", _("Ask for interest to be stopped (the bank decides after review)")),
        ),
    )
    note = forms.CharField(
        label=_("Why these terms work better for you"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReplyForm(LightForm, VersionedForm):
    body = forms.CharField(
        label=_("Your answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(
        label=_("Attach a document (optional: PDF, JPEG or PNG, at most 10 MB)"), required=False
    )


class AppealForm(LightForm, VersionedForm):
    reason = forms.CharField(
        label=_("Why should we look again?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
