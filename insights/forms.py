"""The KPI dashboard's filters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from accounts.widgets import DATE_HELP, DateTextInput
from cases.models import HardshipReason, Product
from cases.policy.rules import RISK_BAND_LABELS
from insights.kpis import Filters
from insights.models import SurveyMoment
from plans.forms import PLAN_TYPE_LABELS

MAX_RANGE = timedelta(days=3 * 366)
EARLIEST = date(2000, 1, 1)


def _any(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("Any")), *choices]


class AgentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class KpiFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateTextInput(), help_text=DATE_HELP)
    end = forms.DateField(label=_("To"), widget=DateTextInput(), help_text=DATE_HELP)
    agent = AgentChoice(
        label=_("Agent"),
        required=False,
        queryset=User.objects.filter(groups__name__in=(Role.AGENT, Role.SUPERVISOR))
        .distinct()
        .select_related("profile")
        .order_by("email"),
        empty_label=_("Any"),
    )
    reason = forms.ChoiceField(
        label=_("Hardship reason"), required=False, choices=_any(HardshipReason.choices)
    )
    plan_type = forms.ChoiceField(
        label=_("Plan type"), required=False, choices=_any(PLAN_TYPE_LABELS.items())
    )
    risk = forms.ChoiceField(
        label=_("Risk band"),
        required=False,
        choices=_any((band.value, label) for band, label in RISK_BAND_LABELS.items()),
    )
    product = forms.ChoiceField(label=_("Product"), required=False, choices=_any(Product.choices))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = (
                f"{css} form-{'select' if 'select' in css else 'control'}-sm"
            )

    @classmethod
    def initial_values(cls) -> dict[str, Any]:
        default = Filters.last_days(90)
        return {"start": default.start, "end": default.end}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start < EARLIEST or end > timezone.localdate() + timedelta(days=366):
                self.add_error("start", _("Choose dates between 2000 and next year."))
            elif start > end:
                self.add_error("end", _("The end of the period must be after its start."))
            elif end - start > MAX_RANGE:
                self.add_error("start", _("Choose a period of three years at most."))
            elif start > timezone.localdate():
                self.add_error("start", _("The period must start today or earlier."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        agent = data.get("agent")
        return Filters(
            start=data["start"],
            end=data["end"],
            agent_id=agent.pk if agent else None,
            reason=data.get("reason") or "",
            plan_type=data.get("plan_type") or "",
            risk=data.get("risk") or "",
            product=data.get("product") or "",
        )


class SurveyForm(forms.Form):
    moment = forms.ChoiceField(choices=SurveyMoment.choices, widget=forms.HiddenInput)
    score = forms.TypedChoiceField(
        label=_("How well did we help you?"),
        choices=[
            ("1", _("1: very poorly")),
            ("2", _("2: poorly")),
            ("3", _("3: fairly")),
            ("4", _("4: well")),
            ("5", _("5: very well")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
