"""Form bases every feature's forms share."""

from __future__ import annotations

from django import forms

from accounts.forms_light import LightFormMixin


class LightForm(LightFormMixin, forms.Form):
    """A form drawn by `components/fields.html` (see accounts.forms_light)."""


class VersionedForm(forms.Form):
    """Carries the case version the page was drawn from, to refuse stale submissions."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
