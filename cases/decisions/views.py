"""Automatic decisions on the pages: the cardholder takes the plan that can be agreed at once;
supervisors review a sample of automatic approvals; administrators pause them all; staff flag
an account's circumstances."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import AuthenticatedRequest, permission_required
from accounts.roles import Perm
from cases import selectors
from cases.core import CaseActionRefused
from cases.decisions import services
from cases.decisions.forms import AlternativeForm, FlagForm, ReviewForm, SwitchForm
from cases.decisions.texts import staff_rules
from cases.models import AccountFlag, AutoDecision, AutoDecisionSwitch
from cases.pagination import LeanCountPaginator

PAGE_SIZE = 20


@permission_required(Perm.USE_PORTAL)
@require_POST
def take_alternative(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, case_id=case_id)
    if case.account.holder_id != request.user.pk:
        raise Http404
    form = AlternativeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The plans we can agree at once have changed. Look again."))
        return redirect(case.get_absolute_url())
    data = form.cleaned_data
    try:
        record = services.case_take_alternative(
            case=case,
            actor=request.user,
            version=data["version"],
            rank=data["rank"],
            shown=data["shown"],
        )
    except CaseActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if record is not None and record.outcome == "approve":
            messages.success(
                request, _("Your plan is approved. Read it, accept it, then sign your agreement.")
            )
        else:
            messages.info(request, _("A person will decide on your request."))
    return redirect(case.get_absolute_url())


@permission_required(Perm.APPROVE_OFFERS)
@require_GET
def quality_reviews(request: AuthenticatedRequest) -> HttpResponse:
    """The sampled automatic approvals: those waiting for a verdict first, then the latest."""
    waiting = (
        AutoDecision.objects.filter(sampled=True, review__isnull=True)
        .select_related("case__account", "offer")
        .order_by("decided_at", "pk")
    )
    page = LeanCountPaginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    reviewed = (
        AutoDecision.objects.filter(sampled=True, review__isnull=False)
        .select_related("case", "review__reviewer__profile")
        .order_by("-review__reviewed_at")[:20]
    )
    return render(
        request,
        "cases/decisions/quality.html",
        {
            "page": page,
            "items": [(d, staff_rules(d), ReviewForm(prefix=str(d.pk))) for d in page.object_list],
            "reviewed": reviewed,
        },
    )


@permission_required(Perm.APPROVE_OFFERS)
@require_POST
def quality_review_decide(request: AuthenticatedRequest, decision_id: int) -> HttpResponse:
    decision = AutoDecision.objects.filter(pk=decision_id, sampled=True).first()
    if decision is None:
        raise Http404
    form = ReviewForm(request.POST, prefix=str(decision.pk))
    if not form.is_valid():
        messages.error(request, _("Choose whether you agree with the decision."))
        return redirect("cases:quality_reviews")
    try:
        services.decision_review(
            decision=decision,
            actor=request.user,
            verdict=form.cleaned_data["verdict"],
            reason=form.cleaned_data["reason"],
        )
    except CaseActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Review recorded."))
    return redirect("cases:quality_reviews")


@permission_required(Perm.MANAGE_POLICY)
@require_http_methods(["GET", "POST"])
def switch(request: AuthenticatedRequest) -> HttpResponse:
    """Pause or resume every automatic decision (administrators; audited)."""
    form = SwitchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        paused = form.cleaned_data["action"] == "pause"
        try:
            services.switch_set(
                actor=request.user, paused=paused, reason=form.cleaned_data["reason"]
            )
        except CaseActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("Automatic decisions are paused: every request now goes to a person.")
                if paused
                else _("Automatic decisions are running again."),
            )
            return redirect("cases:auto_switch")
    current = AutoDecisionSwitch.objects.filter(pk=1).first()
    history = (
        AutoDecisionSwitch.history.filter(changed_by__isnull=False)
        .select_related("changed_by__profile")
        .order_by("-history_date")[:20]
        if current
        else []
    )
    band, version = services.current_band()
    return render(
        request,
        "cases/decisions/switch.html",
        {
            "form": form,
            "paused": bool(current and current.paused),
            "current": current,
            "history": history,
            "version": version,
            "band": band,
        },
    )


@permission_required(Perm.WORK_CASES)
@require_POST
def flag_raise(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = selectors.staff_case_get(user=request.user, case_id=case_id)
    form = FlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to flag."))
    else:
        try:
            services.flag_raise(
                case=case,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
        except CaseActionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Flag recorded: requests on this account go to a person."))
    return redirect("cases:review", case_id=case.pk)


@permission_required(Perm.WORK_CASES)
@require_POST
def flag_clear(request: AuthenticatedRequest, case_id: int, flag_id: int) -> HttpResponse:
    case = selectors.staff_case_get(user=request.user, case_id=case_id)
    flag = AccountFlag.objects.filter(pk=flag_id, account=case.account).first()
    if flag is None:
        raise Http404
    try:
        services.flag_clear(case=case, flag=flag, actor=request.user)
    except CaseActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Flag cleared."))
    return redirect("cases:review", case_id=case.pk)
