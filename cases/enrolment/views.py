"""The cardholder's card-linking page and the staff page of locked cards."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import AuthenticatedRequest, client_ip, permission_required
from accounts.roles import Perm
from cases.actions import perform
from cases.enrolment import services
from cases.enrolment.forms import CardReleaseForm, EnrolmentForm
from cases.enrolment.selectors import cards_with_linking_failures, linking_attempts_for
from cases.enrolment.services import EnrolmentRefused, enrolment_link
from cases.models import (
    CardAccount,
)
from cases.pagination import PAGE_SIZE


@permission_required(Perm.USE_PORTAL)
@require_http_methods(["GET", "POST"])
def enrol(request: AuthenticatedRequest) -> HttpResponse:
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = enrolment_link(
                user=request.user,
                card_last4=form.cleaned_data["card_last4"],
                birth_date=form.cleaned_data["birth_date"],
                id_last4=form.cleaned_data["id_last4"],
                ip_address=client_ip(request),
            )
        except EnrolmentRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("Your card ending %(last4)s is now linked.") % {"last4": account.card_last4},
            )
            return redirect("cases:portal")
    return render(request, "cases/enrolment/enrol.html", {"form": form})


@permission_required(Perm.WORK_CASES)
@require_GET
def card_linking(request: AuthenticatedRequest) -> HttpResponse:
    """Cards whose online linking is locked (or drawing failed attempts), with the attempts."""
    page = Paginator(cards_with_linking_failures(), PAGE_SIZE).get_page(request.GET.get("page"))
    attempts = linking_attempts_for(accounts=list(page.object_list))
    return render(
        request,
        "cases/enrolment/card_linking.html",
        {
            "page": page,
            "cards": [(account, attempts.get(account.pk, [])) for account in page.object_list],
            "release_form": CardReleaseForm(),
        },
    )


@permission_required(Perm.WORK_CASES)
@require_POST
def card_linking_release(request: AuthenticatedRequest, account_id: int) -> HttpResponse:
    account = CardAccount.objects.filter(pk=account_id).first()
    if account is None:
        raise Http404
    return perform(
        request,
        CardReleaseForm(request.POST),
        lambda data: services.card_linking_release(
            account=account, actor=request.user, note=data["note"]
        ),
        invalid=_("Say how you checked that the caller is the cardholder."),
        done=_("The card ending %(last4)s can be linked online again.")
        % {"last4": account.card_last4},
        back=reverse("cases:card_linking"),
    )
