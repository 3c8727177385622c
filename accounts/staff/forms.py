"""The forms of the staff-logins page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.forms_light import LightFormMixin
from accounts.roles import STAFF_ROLES, Role

STAFF_ROLE_CHOICES = [(role.value, role.label) for role in Role if role in STAFF_ROLES]


class InviteForm(LightFormMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Work email"),
        help_text=_("The invitation is sent here. The link works once, for three days."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
    preferred_language = forms.ChoiceField(
        label=_("Language of the invitation and the pages"), choices=settings.LANGUAGES
    )


class RoleForm(LightFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)


class DeactivateForm(LightFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the audit trail)"),
        max_length=500,
        widget=forms.TextInput(),
    )
