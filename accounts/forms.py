from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile
from accounts.widgets import TimeSelect

# Time zones a person in our markets is likely to pick first, then every other one.
_COMMON_ZONES = ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "UTC"]


def _time_zone_choices() -> list[tuple[str, str]]:
    rest = sorted(zoneinfo.available_timezones() - set(_COMMON_ZONES))
    return [(zone, zone) for zone in [*_COMMON_ZONES, *rest]]


class ContactHoursMixin:
    """The hours a person may be contacted: `contact_from` must come before `contact_until`
    (the profile and the application ask the same question)."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}  # type: ignore[misc]
        start, end = cleaned.get("contact_from"), cleaned.get("contact_until")
        if start and end and start >= end:
            self.add_error(  # type: ignore[attr-defined]
                "contact_until", _("The start of your contact hours must be before the end.")
            )
        return cleaned


class ProfileForm(ContactHoursMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)

    class Meta:
        model = Profile
        fields = [
            "full_name",
            "phone",
            "preferred_language",
            "preferred_channel",
            "time_zone",
            "contact_from",
            "contact_until",
        ]
        widgets = {
            "contact_from": TimeSelect(),
            "contact_until": TimeSelect(),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        help_texts = {
            "contact_from": _("We will not call or message you outside these hours."),
        }

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        digits = phone.replace(" ", "").replace("-", "")
        if digits and not (digits.lstrip("+").isdigit() and 6 <= len(digits.lstrip("+")) <= 15):
            raise forms.ValidationError(
                _("Enter a phone number of 6 to 15 digits, optionally starting with +.")
            )
        return phone
