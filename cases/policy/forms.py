"""The forms of the policy page: the negotiation policy, each role's authority limits, a reason.

Ranges come from `cases.policy_services`, which checks them again together with the rules
that tie the forms to each other; the forms catch what a single field can show.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.widgets import DATE_HELP, DateTextInput, TimeSelect
from cases.models import AuthorityLimit, BankCalendarDay, NegotiationPolicy
from cases.policy.validation import (
    AUTHORITY_FIELDS,
    AUTHORITY_RANGES,
    AUTHORITY_ROLES,
    POLICY_FIELDS,
    POLICY_RANGES,
    POLICY_SCOPE,
    REASON_MAX_LENGTH,
    REASON_SCOPE,
    PolicyProblem,
    policy_fingerprint,
    range_message,
)

_TIME_WIDGET = TimeSelect()


def _limit_to_ranges(form: forms.BaseForm, ranges: dict[str, tuple[int, int] | None]) -> None:
    """Replace the model's generic bounds by the bank's, with one message naming both ends."""
    for name, bounds in ranges.items():
        if bounds is None:
            continue
        low, high = bounds
        field = form.fields[name]
        message = range_message(low, high)
        field.validators = [
            validator
            for validator in field.validators
            if not isinstance(validator, MinValueValidator | MaxValueValidator)
        ] + [MinValueValidator(low, message), MaxValueValidator(high, message)]
        field.error_messages["invalid"] = message
        is_decimal = isinstance(field, forms.DecimalField)
        field.widget.attrs.update(
            {"min": str(low), "max": str(high), "inputmode": "decimal" if is_decimal else "numeric"}
        )


class NegotiationPolicyForm(forms.ModelForm):
    class Meta:
        model = NegotiationPolicy
        fields = list(POLICY_FIELDS)
        widgets = {"quiet_hours_start": _TIME_WIDGET, "quiet_hours_end": _TIME_WIDGET}
        help_texts = {
            "quiet_hours_start": _("Staff may not contact cardholders from this time…"),
            "quiet_hours_end": _("…until this time the next morning."),
            "max_contacts_per_day": _("At most as many as a week allows."),
            "auto_instalment": _("Level monthly payments, at a reduced rate or interest-free."),
            "auto_deferral": _("A few months without payments, then level payments."),
            "auto_max_deferral_months": _("A longer break goes to a person."),
            "auto_max_term_months": _(
                "Longer plans go to a person. At most the maximum plan length above."
            ),
            "auto_min_apr": _("0 lets an interest-free plan be agreed at once."),
            "auto_max_interest_waiver_percent": _(
                "Of the interest owed when the plan starts. Stopping interest and fees is the "
                "usual first step of a hardship plan; principal is never reduced automatically."
            ),
            "auto_max_fee_waiver_percent": _("Of the fees owed when the plan starts."),
            "auto_max_balance": _("Larger debts go to a person, whatever the plan."),
            "auto_max_income_percent": _(
                "Of what the cardholder's income and spending leave each month: a plan that "
                "takes more of it goes to a person, who can check it is affordable."
            ),
            "auto_evidence_above": _(
                "Above this amount the policy asks for evidence, and a person reviews it first."
            ),
            "auto_sample_percent": _(
                "This share of automatic approvals goes to a supervisor's quality-review list."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_to_ranges(self, POLICY_RANGES)


class AuthorityLimitForm(forms.ModelForm):
    class Meta:
        model = AuthorityLimit
        fields = list(AUTHORITY_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_to_ranges(self, AUTHORITY_RANGES)


class ChangeReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=REASON_MAX_LENGTH,
        help_text=_("Kept in the history with the change, for auditors and colleagues."),
        error_messages={"required": _("Say why you are making this change.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    seen = forms.CharField(required=False, widget=forms.HiddenInput)


class PolicyPage:
    """Every form of the policy page, validated and read together."""

    def __init__(
        self,
        data: Any = None,
        *,
        policy: NegotiationPolicy,
        limits: dict[str, AuthorityLimit],
    ) -> None:
        self.policy_form = NegotiationPolicyForm(data, instance=policy, prefix=POLICY_SCOPE)
        self.authority_forms = {
            role: AuthorityLimitForm(data, instance=limits[role], prefix=role)
            for role in AUTHORITY_ROLES
        }
        self.reason_form = ChangeReasonForm(
            data, initial={"seen": policy_fingerprint(policy, limits)}
        )

    @property
    def forms(self) -> list[forms.BaseForm]:
        return [self.policy_form, *self.authority_forms.values(), self.reason_form]

    @property
    def authority_sections(self) -> list[tuple[str, AuthorityLimitForm]]:
        """(role's name, form) for the template, in the order the roles are shown."""
        return [(str(Role(role).label), form) for role, form in self.authority_forms.items()]

    def values_are_valid(self) -> bool:
        """Every value form is valid (the reason may not be)."""
        results = [form.is_valid() for form in [self.policy_form, *self.authority_forms.values()]]
        return all(results)

    def is_valid(self) -> bool:
        # Every form is validated, not only up to the first bad one: all mistakes show at once.
        results = [form.is_valid() for form in self.forms]
        return all(results)

    def has_changes(self) -> bool:
        return self.policy_form.has_changed() or any(
            form.has_changed() for form in self.authority_forms.values()
        )

    def policy_values(self) -> dict[str, Any]:
        return {name: self.policy_form.cleaned_data[name] for name in POLICY_FIELDS}

    def authority_values(self) -> dict[str, dict[str, Any]]:
        return {
            role: {name: form.cleaned_data[name] for name in AUTHORITY_FIELDS}
            for role, form in self.authority_forms.items()
        }

    def reason(self) -> str:
        return str(self.reason_form.cleaned_data["reason"])

    def seen(self) -> str:
        return str(self.reason_form.cleaned_data.get("seen") or "")

    def disable(self) -> None:
        """Show the values without letting them be edited (while a change waits)."""
        for form in self.forms:
            for field in form.fields.values():
                field.disabled = True

    def add_problems(self, problems: list[PolicyProblem]) -> None:
        """Show the service's refusals next to the fields they are about."""
        scopes: dict[str, forms.BaseForm] = {
            POLICY_SCOPE: self.policy_form,
            REASON_SCOPE: self.reason_form,
            **self.authority_forms,
        }
        for problem in problems:
            form = scopes[problem.scope]
            field = problem.field if problem.field in form.fields else None
            form.add_error(field, problem.message)


class PolicyDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "approve"), ("reject", "reject"), ("withdraw", "withdraw")]
    )
    note = forms.CharField(
        label=_("Note (needed to reject)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = BankCalendarDay
        fields = ["day", "kind", "name"]
        widgets = {"day": DateTextInput(), "kind": forms.RadioSelect}
        help_texts = {
            "day": DATE_HELP,
            "name": _("For example: National Day, or: worked for the Spring Festival."),
        }
