"""The survey on the cardholder's case page (cases templates load it; cases never imports
insights)."""

from __future__ import annotations

from typing import Any

from django import template

from insights.forms import SurveyForm
from insights.surveys import open_moment

register = template.Library()


@register.inclusion_tag("insights/survey.html")
def survey_form(case: Any) -> dict[str, Any]:
    moment = open_moment(case)
    return {
        "case": case,
        "moment": moment,
        "form": SurveyForm(initial={"moment": moment}) if moment else None,
    }
