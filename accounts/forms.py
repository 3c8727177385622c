from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile
from accounts.widgets import TimeSelect

#: A short list of time zones, by the places people know, the bank's own first; a profile set
#: to another zone keeps it as one more choice.
_ZONES: tuple[tuple[str, Any], ...] = (
    ("Asia/Shanghai", _("China (Beijing, Shanghai)")),
    ("Asia/Hong_Kong", _("Hong Kong")),
    ("Asia/Macau", _("Macau")),
    ("Asia/Taipei", _("Taipei")),
    ("Asia/Singapore", _("Singapore, Kuala Lumpur")),
    ("Asia/Tokyo", _("Tokyo, Seoul")),
    ("Asia/Bangkok", _("Bangkok, Jakarta, Hanoi")),
    ("Asia/Kolkata", _("India")),
    ("Asia/Dubai", _("Dubai")),
    ("Europe/London", _("London")),
    ("Europe/Paris", _("Paris, Berlin, Rome")),
    ("America/New_York", _("New York, Toronto")),
    ("America/Los_Angeles", _("Los Angeles, Vancouver")),
    ("Australia/Sydney", _("Sydney, Melbourne")),
    ("UTC", _("Coordinated Universal Time (UTC)")),
)


def time_zone_choices(current: str | None = None) -> list[tuple[str, Any]]:
    """The short list, the bank's own zone first."""
    zones = dict(_ZONES)
    first = settings.TIME_ZONE
    choices = [(first, zones.get(first, first))]
    choices += [(zone, label) for zone, label in _ZONES if zone != first]
    if current and current not in zones and current != first:
        choices.append((current, current))
    return choices


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
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

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
            "reminders_by_email",
            "reminders_by_sms",
        ]
        widgets = {
            "contact_from": TimeSelect(),
            "contact_until": TimeSelect(),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        help_texts = {
            "contact_from": _(
                "Except for notices the law requires and security alerts, we will not call or "
                "message you outside these hours."
            ),
            "reminders_by_email": _(
                "Reminders before a payment is due, on the day and if one is missed always "
                "appear in your inbox here; this also sends them by email, if email is your "
                "preferred channel."
            ),
            "reminders_by_sms": _(
                "The same by text message, if text message is your preferred channel. Codes "
                "to sign an agreement are sent whatever you choose here."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.time_zone if self.instance else None
        time_zone = self.fields["time_zone"]
        assert isinstance(time_zone, forms.ChoiceField)  # noqa: S101 - declared above
        time_zone.choices = time_zone_choices(current)

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        digits = phone.replace(" ", "").replace("-", "")
        if digits and not (digits.lstrip("+").isdigit() and 6 <= len(digits.lstrip("+")) <= 15):
            raise forms.ValidationError(
                _("Enter a phone number of 6 to 15 digits, optionally starting with +.")
            )
        return phone
