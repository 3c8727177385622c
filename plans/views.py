"""The live repayment calculator (compare up to three plans side by side), and the public page
that verifies an agreement."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import AuthenticatedRequest, permission_required
from accounts.roles import Perm
from cases.planning import first_due_date
from plans import verification
from plans.forms import VerifyForm, default_data
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


def _masked(name: str) -> str:
    """A name as a stranger may see it: the first character of each part."""
    return " ".join(part[:1] + "*" * max(len(part) - 1, 1) for part in name.split()) or "*"


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: anyone (a court, another bank) checks that a PDF is an authentic, unchanged
    agreement of this bank, and learns which one (names masked)."""
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    verdict = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        verdict = verification.verify(upload.read())
    context = {
        "form": form,
        "verdict": verdict,
        "holder": _masked(verdict.agreement.plan.account.holder_name)
        if verdict and verdict.agreement
        else "",
    }
    return render(request, "plans/verify.html", context, status=400 if form.errors else 200)
