"""The forms of the staff pages: queue filters, review actions, approvals, intake."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.forms_light import LightFormMixin
from accounts.roles import Role
from accounts.widgets import DATE_HELP, DateTextInput
from cases.forms import VersionedForm
from cases.models import (
    STAFF_CONTACT_CHANNELS,
    STAFF_CONTACT_OUTCOMES,
    CaseStatus,
    Channel,
    DelinquencyBucket,
    Direction,
    HardshipDuration,
    HardshipReason,
)
from cases.policy.rules import RISK_BAND_LABELS
from plans.calculator import PlanType

RISK_CHOICES = [
    ("", _("Any risk")),
    *((band.value, label) for band, label in RISK_BAND_LABELS.items()),
]


class QueueFilterForm(LightFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))]
        + [
            (s.value, s.label)
            for s in (
                CaseStatus.SUBMITTED,
                CaseStatus.IN_REVIEW,
                CaseStatus.AWAITING_APPROVAL,
                CaseStatus.AWAITING_CARDHOLDER,
                CaseStatus.AGREED,
            )
        ]
        + [
            (
                "ended",
                pgettext_lazy("queue filter", "Ended: declined, withdrawn or closed"),
            ),
            *((s.value, s.label) for s in (CaseStatus.DECLINED, CaseStatus.WITHDRAWN)),
            (CaseStatus.CLOSED.value, CaseStatus.CLOSED.label),
        ],
    )
    bucket = forms.ChoiceField(
        label=_("Days past due"),
        required=False,
        choices=[("", _("Any")), *DelinquencyBucket.choices],
    )
    risk = forms.ChoiceField(label=_("Risk band"), required=False, choices=RISK_CHOICES)
    reason = forms.ChoiceField(
        label=_("Reason"), required=False, choices=[("", _("Any reason")), *HardshipReason.choices]
    )
    sla = forms.ChoiceField(
        label=_("Decision deadline"),
        required=False,
        choices=[("", _("Any")), ("soon", _("Due within 2 days")), ("breached", _("Missed"))],
    )
    auto = forms.ChoiceField(
        label=_("Automatic decision"),
        required=False,
        choices=[
            ("", _("Any")),
            ("approve", _("Approved automatically")),
            ("refer", _("Referred to a person")),
        ],
    )
    assignee = forms.ChoiceField(
        label=_("Assigned to"),
        required=False,
        choices=[("", _("Anyone")), ("mine", _("Me")), ("unassigned", _("Nobody"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("due", _("Decision deadline")),
            ("-dpd", _("Most days past due")),
            ("submitted", _("Oldest first")),
            ("-balance", _("Largest balance")),
        ],
    )


class AssignForm(VersionedForm):
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Assign to"), queryset=None
    )

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = team
        field.widget.attrs["class"] = "form-select form-select-sm mw-100"
        field.label_from_instance = _team_member_label  # type: ignore[method-assign,assignment]


def _team_member_label(user: Any) -> str:
    """A name and a role ("Wang Fang · Supervisor"), never a bare email address."""
    role = Role(user.role).label if user.role else ""
    return f"{user.display_name} · {role}" if role else str(user.display_name)


class RequestInfoForm(LightFormMixin, VersionedForm):
    request = forms.CharField(
        label=_("What do you need from the cardholder?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due = forms.DateField(label=_("Reply needed by"), widget=DateTextInput(), help_text=DATE_HELP)

    def clean_due(self) -> Any:
        due = self.cleaned_data["due"]
        if due <= timezone.localdate() or due > timezone.localdate() + timedelta(days=60):
            raise forms.ValidationError(_("Choose a date in the next 60 days."))
        return due


class ReasonForm(LightFormMixin, VersionedForm):
    reason = forms.CharField(
        label=_("Reason (the cardholder reads it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


#: The custom-offer fields each plan type uses (the rest are hidden in the browser and ignored).
PLAN_TYPE_FIELDS: dict[str, frozenset[PlanType]] = {
    "months": frozenset(set(PlanType) - {PlanType.SETTLEMENT}),
    "apr": frozenset({PlanType.INSTALMENT, PlanType.DEFERRAL, PlanType.STEP_UP}),
    "fee_rate": frozenset({PlanType.FEE_INSTALMENT}),
    "deferral_months": frozenset({PlanType.DEFERRAL}),
    "step_months": frozenset({PlanType.STEP_UP}),
    "step_percent": frozenset({PlanType.STEP_UP}),
    "settlement_percent": frozenset({PlanType.SETTLEMENT}),
    "settlement_payments": frozenset({PlanType.SETTLEMENT}),
}


class OfferForm(LightFormMixin, VersionedForm):
    """Custom terms, or a recommended plan picked by its rank (`choice`).

    `preview=True` checks the terms only (the rationale may still be empty), for the live
    schedule shown while the terms are typed.
    """

    choice = forms.CharField(required=False, widget=forms.HiddenInput)
    plan_type = forms.ChoiceField(
        label=_("Plan type"),
        required=False,
        choices=[
            ("", _("Choose a plan type")),
            (PlanType.INSTALMENT.value, _("Instalments")),
            (PlanType.INTEREST_FREE.value, _("Interest-free instalments")),
            (PlanType.FEE_INSTALMENT.value, _("Instalments with a monthly fee")),
            (PlanType.DEFERRAL.value, _("Payment holiday, then instalments")),
            (PlanType.STEP_UP.value, _("Lower payments first, then instalments")),
            (PlanType.SETTLEMENT.value, _("Settlement")),
        ],
        widget=forms.Select(attrs={"data-plan-type-select": ""}),
    )
    months = forms.IntegerField(
        label=_("Months"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_("Months with a payment; a payment holiday comes before them."),
    )
    apr = forms.DecimalField(
        label=_("APR (%)"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        help_text=_("Leave empty for the card's own rate."),
    )
    fee_rate = forms.DecimalField(
        label=_("Monthly fee rate (%)"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("5"),
        decimal_places=4,
        help_text=_(
            "A share of the amount financed at the start, charged every month, not of what is left."
        ),
    )
    deferral_months = forms.IntegerField(
        label=_("Months without payments"),
        required=False,
        min_value=1,
        max_value=12,
        help_text=_("Interest is still charged in these months and added to the amount to repay."),
    )
    step_months = forms.IntegerField(
        label=_("Months at the lower payment"), required=False, min_value=1, max_value=24
    )
    step_percent = forms.DecimalField(
        label=_("Lower payment, as a share of the level payment (%)"),
        required=False,
        min_value=Decimal("1"),
        max_value=Decimal("99"),
        decimal_places=2,
    )
    settlement_percent = forms.DecimalField(
        label=_("Settlement: share of the debt to pay (%)"),
        required=False,
        min_value=Decimal("1"),
        max_value=Decimal("100"),
        decimal_places=2,
    )
    settlement_payments = forms.IntegerField(
        label=_("Settlement payments"), required=False, min_value=1, max_value=3
    )
    interest_waived = forms.DecimalField(
        label=_("Interest waived"), required=False, min_value=Decimal("0"), decimal_places=2
    )
    fees_waived = forms.DecimalField(
        label=_("Fees waived"), required=False, min_value=Decimal("0"), decimal_places=2
    )
    start_date = forms.DateField(
        label=_("First payment date"),
        required=False,
        widget=DateTextInput(),
    )
    rationale = forms.CharField(
        label=_("Why this offer (the cardholder reads it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, preview: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preview = preview
        if preview:
            self.fields["rationale"].required = False

    def fields_by_plan_type(self) -> list[tuple[forms.BoundField, str]]:
        """Each field with the plan types it belongs to, space-separated ("" for every type)."""
        return [
            (field, " ".join(sorted(PLAN_TYPE_FIELDS.get(field.name, ()))))
            for field in self
            if field.name != "choice"
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        choice = cleaned.get("choice") or ""
        if not choice and not cleaned.get("plan_type"):
            raise forms.ValidationError(_("Choose a recommended plan or set custom terms."))
        start = cleaned.get("start_date")
        if start and not timezone.localdate() <= start <= timezone.localdate() + timedelta(
            days=120
        ):
            self.add_error("start_date", _("The first payment must fall within the next 120 days."))
        if not choice and cleaned.get("plan_type"):
            plan_type = PlanType(cleaned["plan_type"])
            for name, types in PLAN_TYPE_FIELDS.items():
                if plan_type not in types:
                    cleaned[name] = None  # shown for another plan type: not part of this offer
        return cleaned


class ContactForm(LightFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CONTACT_CHANNELS)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=STAFF_CONTACT_OUTCOMES)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    acknowledge = forms.BooleanField(
        label=_("I know this breaks the contact rules; log it anyway"), required=False
    )


class DocumentReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Reason shown to the cardholder"), required=False, max_length=500
    )


class ApprovalForm(VersionedForm):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Reason (required to reject)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StaffMessageForm(forms.Form):
    body = forms.CharField(label=_("Message to the cardholder"), max_length=4000)


class CallerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the cardholder"),
        help_text=_("Name, phone number, the card's last four digits, or the account reference."),
        max_length=100,
    )


class OpenForCardholderForm(forms.Form):
    account = forms.IntegerField(widget=forms.HiddenInput)
    identity_checked = forms.BooleanField(
        label=_("I checked the caller's identity as the bank's procedure requires."),
        error_messages={"required": _("Check the caller's identity before opening a case.")},
    )
    channel = forms.ChoiceField(
        label=_("How did the cardholder contact us?"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.BRANCH, Channel.BRANCH.label)],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=HardshipReason.choices)
    duration = forms.ChoiceField(label=_("How long"), choices=HardshipDuration.choices)
    expected_recovery = forms.DateField(
        label=_("When does the cardholder expect things to improve? (if temporary)"),
        required=False,
        widget=DateTextInput(),
        help_text=DATE_HELP,
    )
    own_words = forms.CharField(
        label=_("What the cardholder told us"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_expected_recovery(self) -> Any:
        value = self.cleaned_data.get("expected_recovery")
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(_("Give a date in the future."))
        return value


class OfferWithdrawForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why the offer is withdrawn (the cardholder reads it)"), max_length=2000
    )
