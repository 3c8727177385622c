"""The collections team's lists: the queue, approvals, and opening a case for a caller."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import AuthenticatedRequest, permission_required
from accounts.roles import Perm
from cases.application.services import case_open_for_cardholder
from cases.core import CaseActionRefused
from cases.disclosure import disclosure_for
from cases.models import (
    CardAccount,
    Offer,
)
from cases.negotiation.forms import (
    ApprovalForm,
    CallerSearchForm,
    OpenForCardholderForm,
    QueueFilterForm,
)
from cases.negotiation.selectors import (
    QueueFilters,
    approvals_for,
    find_cardholder_accounts,
    queue_for,
)
from cases.negotiation.services import case_claim, offer_approve, offer_reject
from cases.pagination import PAGE_SIZE, LeanCountPaginator
from cases.selectors import open_case_on as selectors_open_case


@permission_required(Perm.WORK_CASES)
@require_GET
def queue(request: AuthenticatedRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = QueueFilters(**{k: v for k, v in data.items() if v})
    page = LeanCountPaginator(queue_for(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": page, "querystring": _querystring(request)}
    template = (
        "cases/negotiation/queue_results.html" if request.htmx else "cases/negotiation/queue.html"
    )
    return render(request, template, context)


def _querystring(request: AuthenticatedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@permission_required(Perm.APPROVE_OFFERS)
@require_GET
def approvals(request: AuthenticatedRequest) -> HttpResponse:
    page = LeanCountPaginator(approvals_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/negotiation/approvals.html",
        {
            "page": page,
            "items": [
                (
                    offer,
                    ApprovalForm(initial={"version": offer.case.version}),
                    disclosure_for(offer, offer.case.account),
                )
                for offer in page.object_list
            ],
        },
    )


@permission_required(Perm.APPROVE_OFFERS)
@require_POST
def approval_decide(request: AuthenticatedRequest, offer_id: int) -> HttpResponse:
    offer = Offer.objects.select_related("case").filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    form = ApprovalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("cases:approvals")
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            offer_approve(
                offer=offer, actor=request.user, version=data["version"], note=data["reason"]
            )
            messages.success(request, _("Offer approved and sent to the cardholder."))
        else:
            offer_reject(
                offer=offer, actor=request.user, version=data["version"], reason=data["reason"]
            )
            messages.success(request, _("Offer rejected; the case is back with the agent."))
    except CaseActionRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("cases:approvals")


@permission_required(Perm.WORK_CASES)
@require_http_methods(["GET", "POST"])
def open_for_cardholder(request: AuthenticatedRequest) -> HttpResponse:
    """For a caller or a visitor to a branch: find their card, check who they are, open the case
    (claimed by whoever opens it, who goes on to take down their income and spending)."""
    search = CallerSearchForm(request.GET if "q" in request.GET else None)
    results = find_cardholder_accounts(search.cleaned_data["q"]) if search.is_valid() else []
    account_id = request.POST.get("account") or request.GET.get("account")
    account = None
    if account_id and str(account_id).isdigit():
        account = (
            CardAccount.objects.select_related("holder__profile").filter(pk=account_id).first()
        )
    form = OpenForCardholderForm(
        request.POST if request.method == "POST" else None,
        initial={"account": account.pk if account else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if account is None:
            form.add_error(None, _("Find and choose the cardholder's card first."))
        else:
            try:
                case = case_open_for_cardholder(
                    account=account,
                    actor=request.user,
                    channel=data["channel"],
                    reason=data["reason"],
                    duration=data["duration"],
                    own_words=data["own_words"],
                    expected_recovery=data["expected_recovery"],
                )
                case = case_claim(case=case, actor=request.user, version=case.version)
            except CaseActionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                opened = _("Case %(reference)s opened.") % {"reference": case.reference}
                next_step = _("Now take down the cardholder's income and spending.")
                messages.success(request, f"{opened} {next_step}")
                return redirect("cases:staff_statement", case_id=case.pk)
    open_case = selectors_open_case(account=account) if account else None
    return render(
        request,
        "cases/negotiation/open_for_cardholder.html",
        {
            "search": search,
            "results": results,
            "searched": search.is_bound,
            "account": account,
            "open_case": open_case,
            "form": form,
        },
        status=400 if form.errors else 200,
    )
