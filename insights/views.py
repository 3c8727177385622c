"""The KPI dashboard for supervisors and administrators, and its tables as CSV."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import AuthenticatedRequest, permission_required
from accounts.roles import Perm
from cases.core import CaseActionRefused
from cases.models import HardshipCase
from cases.models.case import staff_status_label
from insights.csv_export import csv_response
from insights.forms import KpiFilterForm, SurveyForm
from insights.kpis import compute
from insights.snapshots import delinquency_trend
from insights.surveys import survey_answer
from plans.models import PlanStatus


@permission_required(Perm.VIEW_KPIS)
@require_GET
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    data = {**KpiFilterForm.initial_values(), **request.GET.dict()}
    form = KpiFilterForm(data)
    if not form.is_valid():
        return render(request, "insights/dashboard.html", {"form": form}, status=400)
    kpis = compute(form.filters())
    trend = delinquency_trend(kpis.filters.start, kpis.filters.end)
    export = request.GET.get("export")
    if export == "status":
        return csv_response(
            "cases-by-status.csv",
            [_("Status"), _("Cases")],
            [(staff_status_label(s), n) for s, n in sorted(kpis.by_status.items())],
        )
    if export == "agents":
        return csv_response(
            "agents.csv",
            [_("Agent"), _("Cases"), _("Decided"), _("Plans"), _("Decided late or overdue")],
            [
                (
                    row["assignee__profile__full_name"] or row["assignee__email"],
                    row["cases"],
                    row["decided"],
                    row["plans_made"],
                    row["breached"],
                )
                for row in kpis.agents
            ],
        )
    if export == "automatic":
        return csv_response(
            "automatic-decisions.csv",
            [
                _("Month"),
                _("Automatic: plans started"),
                _("Automatic: broken"),
                _("By a person: plans started"),
                _("By a person: broken"),
            ],
            [
                (
                    row["month"].date().isoformat()
                    if hasattr(row["month"], "date")
                    else str(row["month"]),
                    row.get("auto_started", 0),
                    row.get("auto_broken", 0),
                    row.get("human_started", 0),
                    row.get("human_broken", 0),
                )
                for row in kpis.broken_by_month
            ],
        )
    if export == "trend":
        return csv_response(
            "delinquency.csv",
            [
                _("Day"),
                _("Accounts 30+ days past due (percent)"),
                _("Accounts 90+ days past due (percent)"),
                _("With a plan: 30+ days past due (percent)"),
                _("Without a plan: 30+ days past due (percent)"),
            ],
            [
                (
                    r["day"],
                    r.get("dpd30_all"),
                    r.get("dpd90_all"),
                    r.get("dpd30_plan"),
                    r.get("dpd30_no_plan"),
                )
                for r in trend
            ],
        )
    chart = {
        "labels": [str(r["day"]) for r in trend if "dpd30_all" in r],
        "with_plan": [r["dpd30_plan"] for r in trend if "dpd30_all" in r],
        "without_plan": [r["dpd30_no_plan"] for r in trend if "dpd30_all" in r],
        "series": [_("30+ days past due with a plan"), _("30+ days past due without a plan")],
    }
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "insights/dashboard.html",
        {
            "form": form,
            "kpis": kpis,
            "status_rows": [(staff_status_label(s), n) for s, n in sorted(kpis.by_status.items())],
            "plan_rows": [
                (PlanStatus(s).label, n) for s, n in sorted(kpis.plans_by_status.items())
            ],
            "trend": trend,
            "chart": chart,
            "query": query.urlencode(),
        },
    )


@permission_required(Perm.USE_PORTAL)
@require_POST
def survey(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """The cardholder's answer to "how did we do?" on their case page."""
    case = get_object_or_404(HardshipCase, pk=case_id, account__holder=request.user)
    form = SurveyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a score from 1 to 5."))
        return redirect(reverse("cases:detail", args=[case.pk]) + "#survey")
    try:
        survey_answer(
            case=case,
            actor=request.user,
            moment=form.cleaned_data["moment"],
            score=int(form.cleaned_data["score"]),
            comment=form.cleaned_data["comment"],
        )
    except CaseActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Thank you for telling us how we did."))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#survey")
