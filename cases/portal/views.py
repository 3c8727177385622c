"""The cardholder's portal: dashboard, account page, and the case page with their actions.
Views parse, check access, call one service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts.access import AuthenticatedRequest, client_ip, permission_required
from accounts.roles import Perm
from cases import negotiation, planning, selectors
from cases.actions import perform
from cases.calculator_text import translate_error
from cases.conversation import message_post
from cases.core import CaseActionRefused, CaseChanged
from cases.decisions.forms import AlternativeForm
from cases.decisions.services import referral_for
from cases.decisions.texts import cardholder_reasons
from cases.disclosure import disclosure_for
from cases.documents import served_name
from cases.models import (
    MESSAGE_STATUSES,
    CaseStatus,
    HardshipCase,
    OfferStatus,
    category_label,
)
from cases.negotiation.answers import Consent, case_appeal, case_reply, offer_accept, offer_decline
from cases.portal import services
from cases.portal.forms import (
    AppealForm,
    CounterForm,
    MessageForm,
    OfferAnswerForm,
    ReplyForm,
    WithdrawForm,
)
from cases.portal.services import withdrawable_statuses
from cases.timeline import with_text
from plans.calculator import CalculatorError


@permission_required(Perm.USE_PORTAL)
def portal(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "cases/portal/portal.html",
        {
            "accounts": selectors.dashboard_accounts(user=user),
            **account_selectors.notifications_for(user=user),
            "profile": getattr(user, "profile", None),
        },
    )


@permission_required(Perm.USE_PORTAL)
def account_detail(request: AuthenticatedRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get(user=request.user, account_id=account_id)
    summary = selectors.spending_summary(account=account)
    chart = {
        "labels": [formats.date_format(month, "YEAR_MONTH_FORMAT") for month in summary.months],
        "datasets": [
            {"label": str(category_label(trend.category)), "data": [str(v) for v in trend.monthly]}
            for trend in summary.categories
        ],
    }
    return render(
        request,
        "cases/portal/account_detail.html",
        {
            "account": account,
            "balance": selectors.balance_of(account),
            "summary": summary,
            "trends": [(trend, category_label(trend.category)) for trend in summary.categories],
            "chart": chart,
            "open_case": selectors.open_case_on(account=account),
        },
    )


TRACKER = (
    (CaseStatus.SUBMITTED, gettext_lazy("Application received")),
    (CaseStatus.IN_REVIEW, gettext_lazy("Being reviewed")),
    (CaseStatus.AWAITING_CARDHOLDER, gettext_lazy("Offer made")),
    (CaseStatus.AGREED, gettext_lazy("Plan agreed")),
    (CaseStatus.ACTIVE, gettext_lazy("Plan active")),
)


_TRACKER_POSITION = {
    CaseStatus.DRAFT: -1,
    CaseStatus.SUBMITTED: 0,
    CaseStatus.IN_REVIEW: 1,
    CaseStatus.AWAITING_APPROVAL: 1,
    CaseStatus.AWAITING_CARDHOLDER: 2,
    CaseStatus.AGREED: 3,
    CaseStatus.ACTIVE: 4,
    CaseStatus.COMPLETED: 5,
}


NEXT_STEP = {
    CaseStatus.DRAFT: gettext_lazy("Finish your application and submit it."),
    CaseStatus.SUBMITTED: gettext_lazy("A member of our team will review your application."),
    CaseStatus.IN_REVIEW: gettext_lazy(
        "We are reviewing your situation and may ask you for more information."
    ),
    CaseStatus.AWAITING_APPROVAL: gettext_lazy(
        "A supervisor is checking the offer we want to make you."
    ),
    CaseStatus.AWAITING_CARDHOLDER: gettext_lazy(
        "Read our offer and tell us whether you accept it."
    ),
    CaseStatus.AGREED: gettext_lazy(
        "Read your agreement and sign it: it sets out every payment of the plan you accepted."
    ),
    CaseStatus.ACTIVE: gettext_lazy("Make each payment on its due date."),
    CaseStatus.COMPLETED: gettext_lazy("Your plan is complete."),
    CaseStatus.BROKEN: gettext_lazy(
        "Payments were missed. Contact us so that we can look at it again."
    ),
    CaseStatus.WITHDRAWN: gettext_lazy("This case was withdrawn. You can apply again at any time."),
    CaseStatus.DECLINED: gettext_lazy(
        "We could not offer a plan. The reason is shown below; you can appeal."
    ),
}


@permission_required(Perm.USE_PORTAL, Perm.WORK_CASES)
@require_http_methods(["GET"])
def case_detail(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """The cardholder's page for their case. Staff who follow a link here (a notification,
    the case's address) are sent to their own review page: this page speaks to the
    cardholder, and its actions are theirs."""
    case = selectors.case_get(user=request.user, case_id=case_id)
    if case.account.holder_id != request.user.pk:
        return redirect("cases:review", case_id=case.pk)
    return _case_page(request, case)


def _case_page(
    request: AuthenticatedRequest, case: HardshipCase, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """The cardholder's case page; `forms` replaces a form with a bound one that was refused,
    so its errors show beside its fields."""
    offers = list(selectors.case_offers_for_cardholder(case=case))
    open_offer = next((o for o in offers if o.status == OfferStatus.OPEN), None)
    position = _TRACKER_POSITION.get(case.status, -1)
    next_step = NEXT_STEP.get(case.status, "")
    if case.status == CaseStatus.AWAITING_CARDHOLDER and case.info_requested:
        # A request for information is not an offer: the tracker stays at "being reviewed".
        position = _TRACKER_POSITION[CaseStatus.IN_REVIEW]
        next_step = gettext_lazy("Send us the information we asked for, below.")
    auto_approved = open_offer is not None and open_offer.created_by_id is None
    if auto_approved:
        next_step = gettext_lazy(
            "Your plan is approved. Read it, accept it below, then sign your agreement."
        )
    referral = referral_for(case)
    tracker = [
        {"label": label, "done": index < position, "current": index == position}
        for index, (_status, label) in enumerate(TRACKER)
    ]
    return render(
        request,
        "cases/portal/case_detail.html",
        {
            "case": case,
            "tracker": tracker,
            "next_step": next_step,
            "events": with_text(
                selectors.case_timeline(case=case, for_staff=False), for_staff=False
            ),
            "offers": offers,
            "case_messages": case.messages.select_related("author", "attachment"),
            "documents": case.documents.all(),
            "message_form": MessageForm(),
            "withdraw_form": WithdrawForm(initial={"version": case.version}),
            "can_withdraw": case.status in withdrawable_statuses(),
            "can_message": case.status in MESSAGE_STATUSES,
            "is_holder": True,
            "open_offer": open_offer,
            "auto_approved": auto_approved,
            "referral": referral,
            "referral_reasons": cardholder_reasons(referral.decision) if referral else [],
            "alternative_form": AlternativeForm(
                initial={
                    "version": case.version,
                    "rank": referral.alternative.rank,
                    "shown": planning.shown_as(referral.alternative.schedule),
                }
            )
            if referral and referral.alternative
            else None,
            "open_disclosure": disclosure_for(open_offer, case.account) if open_offer else None,
            "answer_form": forms.get("answer_form")
            or OfferAnswerForm(initial={"version": case.version}),
            "counter_form": CounterForm(initial={"version": case.version}),
            "reply_form": ReplyForm(initial={"version": case.version}),
            "appeal_form": AppealForm(initial={"version": case.version}),
        },
        status=status,
    )


@permission_required(Perm.USE_PORTAL)
@require_POST
def case_withdraw(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _holder_case(request, case_id)
    return perform(
        request,
        WithdrawForm(request.POST),
        lambda data: services.case_withdraw(
            case=case, actor=request.user, version=data["version"], reason=data["reason"]
        ),
        invalid=str(CaseChanged()),
        done=_("Your case has been withdrawn."),
        back=case.get_absolute_url(),
    )


@permission_required(Perm.USE_PORTAL)
@require_POST
def message_send(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """The cardholder writes to the team (staff write from their review page)."""
    case = _holder_case(request, case_id)
    return perform(
        request,
        MessageForm(request.POST, request.FILES),
        lambda data: message_post(
            case=case, author=request.user, body=data["body"], attachment=data.get("attachment")
        ),
        done=_("Message sent."),
        back=reverse("cases:detail", args=[case.pk]) + "#messages",
    )


@permission_required(Perm.USE_PORTAL, Perm.WORK_CASES)
@require_http_methods(["GET"])
def document_download(
    request: AuthenticatedRequest, case_id: int, document_id: int
) -> FileResponse:
    case = selectors.case_get(user=request.user, case_id=case_id)
    document = case.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=document.content_type == "application/pdf",
        # The name a browser saves it under ends in the extension of what the file really is,
        # whatever the uploader called it: a PDF named page.html is saved as page.pdf.
        filename=served_name(document.original_name, document.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Opened in the browser, a document can run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _holder_case(request: AuthenticatedRequest, case_id: int) -> HardshipCase:
    case = selectors.case_get(user=request.user, case_id=case_id)
    if case.account.holder_id != request.user.pk:
        raise Http404
    return case


@permission_required(Perm.USE_PORTAL)
@require_POST
def offer_answer(request: AuthenticatedRequest, case_id: int, offer_id: int) -> HttpResponse:
    """Accept (with explicit consent) or decline an open offer."""
    case = _holder_case(request, case_id)
    offer = case.offers.filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    form = OfferAnswerForm(request.POST)
    if not form.is_valid():
        if "answer" in form.errors or "version" in form.errors:
            messages.error(request, _("Choose whether you accept or decline the offer."))
            return redirect(case.get_absolute_url())
        # The refusal is shown beside the box to tick, on the page the person was reading.
        return _case_page(request, case, answer_form=form)
    data = form.cleaned_data
    try:
        if data["answer"] == "accept":
            consent = Consent(
                shown_sha256=data["disclosure"],
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
            offer_accept(
                offer=offer,
                actor=request.user,
                version=data["version"],
                consent=consent if data["consent"] else None,
            )
            messages.success(
                request,
                _(
                    "Thank you. You accepted the plan. Your agreement is being prepared: "
                    "read and sign it from this page."
                ),
            )
        else:
            offer_decline(
                offer=offer, actor=request.user, version=data["version"], reason=data["reason"]
            )
            messages.success(request, _("You declined the offer. We will look at your case again."))
    except CaseActionRefused as refusal:
        messages.error(request, str(refusal))
    return redirect(case.get_absolute_url())


@permission_required(Perm.USE_PORTAL)
@require_POST
def offer_counter(request: AuthenticatedRequest, case_id: int, offer_id: int) -> HttpResponse:
    case = _holder_case(request, case_id)
    offer = case.offers.filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    form = CounterForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(case.get_absolute_url())
    data = form.cleaned_data
    try:
        schedule = planning.own_terms_schedule(
            case, months=data["months"], stop_interest=data["interest"] == "stop"
        )
        negotiation.offer_counter(
            offer=offer,
            actor=request.user,
            version=data["version"],
            schedule=schedule,
            note=data["note"],
        )
    except CalculatorError as error:
        messages.error(request, translate_error(error))
    except CaseActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("We received your proposal and will review it."))
    return redirect(case.get_absolute_url())


@permission_required(Perm.USE_PORTAL)
@require_POST
def reply(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _holder_case(request, case_id)
    return perform(
        request,
        ReplyForm(request.POST, request.FILES),
        lambda data: case_reply(
            case=case,
            actor=request.user,
            version=data["version"],
            body=data["body"],
            attachment=data.get("attachment"),
        ),
        invalid=_("Write your answer before sending."),
        done=_("Thank you. Your case is back with our team."),
        back=case.get_absolute_url(),
    )


@permission_required(Perm.USE_PORTAL)
@require_POST
def appeal(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _holder_case(request, case_id)
    return perform(
        request,
        AppealForm(request.POST),
        lambda data: case_appeal(
            case=case, actor=request.user, version=data["version"], reason=data["reason"]
        ),
        invalid=_("Tell us why you are appealing."),
        done=_("Your appeal was sent to a supervisor."),
        back=case.get_absolute_url(),
    )
