"""The forms of the automatic-decision pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from cases.models import FlagKind, Verdict


class AlternativeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    rank = forms.IntegerField(widget=forms.HiddenInput)
    shown = forms.CharField(widget=forms.HiddenInput, max_length=100)  # planning.shown_as


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label=gettext_lazy("Your verdict"), choices=Verdict.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=gettext_lazy("Because (required when you disagree)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SwitchForm(forms.Form):
    #: Sent by the button pressed: nothing else pauses or resumes.
    action = forms.ChoiceField(
        choices=(("pause", "pause"), ("resume", "resume")),
        error_messages={
            "required": gettext_lazy("Press Pause or Resume."),
            "invalid_choice": gettext_lazy("Press Pause or Resume."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept with the change)"), max_length=200, strip=True
    )


class FlagForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Flag"),
        choices=FlagKind.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm mw-100"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
