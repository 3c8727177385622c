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
    OpenForCardholderForm,
    QueueFilterForm,
)
from cases.negotiation.selectors import QueueFilters, approvals_for, queue_for
from cases.negotiation.services import offer_approve, offer_reject
from cases.pagination import PAGE_SIZE, LeanCountPaginator


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
    form = OpenForCardholderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = CardAccount.objects.filter(
            bank_reference=data["account_reference"].strip()
        ).first()
        if account is None:
            form.add_error("account_reference", _("No card account has this reference."))
        else:
            try:
                case = case_open_for_cardholder(
                    account=account,
                    actor=request.user,
                    channel=data["channel"],
                    reason=data["reason"],
                    duration=data["duration"],
                    own_words=data["own_words"],
                )
            except CaseActionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request, _("Case %(reference)s opened.") % {"reference": case.reference}
                )
                return redirect("cases:review", case_id=case.pk)
    return render(request, "cases/negotiation/open_for_cardholder.html", {"form": form})
