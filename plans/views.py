"""The live repayment calculator: compare up to three plans side by side."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import AuthenticatedRequest, permission_required
from accounts.roles import Perm
from cases.planning import first_due_date
from plans.forms import default_data
from plans.presentation import compare_plans, personal_recommendations

#: Cardholders use the calculator for themselves; case workers use it while talking to one.
CALCULATOR_PERMISSIONS = (Perm.USE_PORTAL, Perm.WORK_CASES)


@permission_required(*CALCULATOR_PERMISSIONS)
@require_http_methods(["GET", "POST"])
def calculator(request: AuthenticatedRequest) -> HttpResponse:
    """The whole page. A POST comes from a browser without JavaScript pressing "Update"."""
    data = request.POST if request.method == "POST" else default_data(first_due=first_due_date())
    context = {
        "comparison": compare_plans(data),
        "personal": personal_recommendations(request.user),
    }
    return render(request, "plans/calculator.html", context)


@permission_required(*CALCULATOR_PERMISSIONS)
@require_POST
def calculator_results(request: AuthenticatedRequest) -> HttpResponse:
    """The results region alone, recomputed as the inputs change (htmx)."""
    return render(
        request, "plans/calculator_results.html", {"comparison": compare_plans(request.POST)}
    )
