"""The cardholder reads, downloads and signs their agreement; staff read and download it."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import AuthenticatedRequest, client_ip, permission_required
from accounts.roles import Perm
from cases import selectors
from plans.forms import PaymentForm, SignForm
from plans.models import Agreement, AgreementStatus, PaymentSource, RepaymentPlan
from plans.payments import PaymentRefused, payment_record
from plans.signing import (
    SigningRefused,
    agreement_sign,
    signing_code_channel,
    signing_code_send,
)


def _plan(request: AuthenticatedRequest, case_id: int) -> RepaymentPlan:
    """The case's latest plan, if the user may see the case (404 otherwise)."""
    case = selectors.case_get(user=request.user, case_id=case_id)
    plan = (
        RepaymentPlan.objects.select_related("agreement", "account", "case")
        .filter(case=case)
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def _own_plan(request: AuthenticatedRequest, case_id: int) -> RepaymentPlan:
    plan = _plan(request, case_id)
    if plan.account.holder_id != request.user.pk:
        raise Http404  # signing is the cardholder's act alone
    return plan


@permission_required(Perm.USE_PORTAL)
@require_GET
def agreement(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    plan = _own_plan(request, case_id)
    return render(
        request,
        "plans/agreement_page.html",
        {
            "plan": plan,
            "case": plan.case,
            "agreement": plan.agreement,
            "instalments": plan.instalments.all(),
            "form": SignForm(),
            "code_channel": signing_code_channel(request.user),
        },
    )


@permission_required(Perm.USE_PORTAL, Perm.WORK_CASES)
@require_GET
def agreement_pdf(request: AuthenticatedRequest, case_id: int) -> FileResponse:
    """The signed agreement once there is one, else the draft being read; inline unless
    `?download` is asked for."""
    plan = _plan(request, case_id)
    agreement: Agreement = plan.agreement
    document = agreement.signed or agreement.draft
    if not document:
        raise Http404
    suffix = "signed" if agreement.signed else "draft"
    response = FileResponse(
        document.open("rb"),
        content_type="application/pdf",
        as_attachment="download" in request.GET,
        filename=f"{plan.reference}-{suffix}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required(Perm.USE_PORTAL)
@require_POST
def agreement_code(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    plan = _own_plan(request, case_id)
    try:
        channel = signing_code_send(agreement=plan.agreement, actor=request.user)
    except SigningRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if channel == "sms":
            phone = signing_code_channel(request.user)[1]
            messages.success(
                request,
                _(
                    "We sent a 6-digit code by text message to your number ending %(last)s. "
                    "It works for 15 minutes."
                )
                % {"last": phone[-4:]},
            )
        else:
            messages.success(
                request,
                _("We sent a 6-digit code to %(email)s. It works for 15 minutes.")
                % {"email": request.user.email},
            )
    return redirect("plans:agreement", case_id=case_id)


@permission_required(Perm.USE_PORTAL)
@require_POST
def agreement_sign_view(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    plan = _own_plan(request, case_id)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            agreement_sign(
                agreement=plan.agreement,
                actor=request.user,
                name_typed=form.cleaned_data["full_name"],
                code=form.cleaned_data["code"],
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except SigningRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("You signed your agreement. Your plan is active; download the signed copy."),
            )
            return redirect("plans:agreement", case_id=case_id)
    plan.agreement.refresh_from_db()
    return render(
        request,
        "plans/agreement_page.html",
        {
            "plan": plan,
            "case": plan.case,
            "agreement": plan.agreement,
            "instalments": plan.instalments.all(),
            "form": form,
            "code_channel": signing_code_channel(request.user),
        },
        status=400,
    )


@permission_required(Perm.WORK_CASES)
@require_POST
def agreement_retry(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """Staff ask again for an agreement whose preparation failed."""
    plan = _plan(request, case_id)
    if plan.agreement.status == AgreementStatus.FAILED:
        from plans.tasks import agreement_render

        agreement_render.delay(plan.agreement.pk)
        messages.success(request, _("The agreement is being prepared again."))
    return redirect("cases:review", case_id=case_id)


@permission_required(Perm.WORK_CASES)
@require_POST
def payment_add(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """Staff record a payment the core system has not sent yet (audited on the timeline)."""
    plan = _plan(request, case_id)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(map(str, errors))}"
            for name, errors in form.errors.items()
            if name in form.fields
        )
        messages.error(
            request, _("The payment was not recorded. %(problems)s") % {"problems": problems}
        )
        return redirect("cases:review", case_id=case_id)
    try:
        made = payment_record(
            plan=plan,
            reference=form.cleaned_data["reference"],
            amount=form.cleaned_data["amount"],
            received_on=form.cleaned_data["received_on"],
            source=PaymentSource.STAFF,
            actor=request.user,
        )
    except PaymentRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if made is None:
            messages.warning(request, _("A payment with this reference is already recorded."))
        else:
            messages.success(request, _("Payment recorded."))
    return redirect("cases:review", case_id=case_id)


@permission_required(Perm.WORK_CASES)
@require_GET
def arrangements_waiting(request: AuthenticatedRequest) -> HttpResponse:
    """Arrangements the core system has not confirmed a day after they were sent."""
    from plans.arrangements import unacknowledged

    return render(
        request, "plans/arrangements_waiting.html", {"arrangements": unacknowledged()[:200]}
    )
