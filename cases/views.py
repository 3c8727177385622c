"""Cardholder portal and hardship applications. Views parse, check access, call one service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts.access import AuthenticatedRequest, permission_required
from accounts.roles import Perm
from cases import negotiation, planning, selectors, services
from cases.calculator_text import translate_error, translate_message
from cases.evidence import EVIDENCE_KINDS, checklist_for
from cases.forms import (
    ESSENTIAL_LABELS,
    AppealForm,
    ChoosePlanForm,
    ContactForm,
    CounterForm,
    EnrolmentForm,
    EvidenceForm,
    MessageForm,
    OfferAnswerForm,
    OpenForCardholderForm,
    ReasonForm,
    ReplyForm,
    StatementForm,
    VersionedForm,
    WithdrawForm,
)
from cases.models import (
    MESSAGE_STATUSES,
    CardAccount,
    CaseStatus,
    HardshipCase,
    OfferStatus,
    StatementSection,
    category_label,
)
from cases.services import CaseActionRefused, CaseChanged, DebtLine, EnrolmentRefused
from cases.timeline import with_text
from cases.uploads import UploadRejected, served_name
from plans.calculator import CalculatorError, Statement, assess_affordability

WIZARD_STEPS: tuple[tuple[str, Any], ...] = (
    ("reason", gettext_lazy("Your situation")),
    ("money", gettext_lazy("Income and spending")),
    ("evidence", gettext_lazy("Documents")),
    ("contact", gettext_lazy("Contact")),
    ("options", gettext_lazy("Choose a plan")),
    ("review", gettext_lazy("Review and submit")),
)
STEP_NAMES = [name for name, _label in WIZARD_STEPS]


def _client_ip(request: AuthenticatedRequest) -> str | None:
    """The client's address: behind the load balancer, the one it added to X-Forwarded-For
    (the last entry; earlier ones come from the client and can be forged)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


# --- dashboard, enrolment, accounts -----------------------------------------------------------


@permission_required(Perm.USE_PORTAL)
def portal(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "cases/portal.html",
        {
            "accounts": selectors.dashboard_accounts(user=user),
            **account_selectors.notifications_for(user=user),
            "profile": getattr(user, "profile", None),
        },
    )


@permission_required(Perm.USE_PORTAL)
@require_http_methods(["GET", "POST"])
def enrol(request: AuthenticatedRequest) -> HttpResponse:
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.enrolment_link(
                user=request.user,
                card_last4=form.cleaned_data["card_last4"],
                birth_date=form.cleaned_data["birth_date"],
                id_last4=form.cleaned_data["id_last4"],
                ip_address=_client_ip(request),
            )
        except EnrolmentRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("Your card ending %(last4)s is now linked.") % {"last4": account.card_last4},
            )
            return redirect("cases:portal")
    return render(request, "cases/enrol.html", {"form": form})


@permission_required(Perm.USE_PORTAL)
def account_detail(request: AuthenticatedRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get(user=request.user, account_id=account_id)
    summary = selectors.spending_summary(account=account)
    chart = {
        "labels": [month.strftime("%Y-%m") for month in summary.months],
        "datasets": [
            {"label": str(category_label(trend.category)), "data": [str(v) for v in trend.monthly]}
            for trend in summary.categories
        ],
    }
    return render(
        request,
        "cases/account_detail.html",
        {
            "account": account,
            "balance": selectors.balance_of(account),
            "summary": summary,
            "trends": [(trend, category_label(trend.category)) for trend in summary.categories],
            "chart": chart,
            "open_case": selectors.open_case_on(account=account),
        },
    )


# --- the application wizard -------------------------------------------------------------------


@permission_required(Perm.USE_PORTAL)
@require_POST
def apply_start(request: AuthenticatedRequest, account_id: int) -> HttpResponse:
    account = selectors.account_get(user=request.user, account_id=account_id)
    existing = selectors.open_case_on(account=account)
    if existing is not None and not selectors.stale_draft(existing):
        if existing.status == CaseStatus.DRAFT:
            return redirect("cases:apply", case_id=existing.pk, step=existing.wizard_step)
        messages.info(request, _("This account already has an open case. Here it is."))
        return redirect(existing.get_absolute_url())
    try:
        case = services.case_start(account=account, actor=request.user)
    except CaseActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("cases:portal")
    return redirect("cases:apply", case_id=case.pk, step="reason")


def _draft_for(request: AuthenticatedRequest, case_id: int) -> HardshipCase:
    case = selectors.case_get(user=request.user, case_id=case_id)
    if case.account.holder_id != request.user.pk:
        raise Http404
    return case


def _wizard_context(case: HardshipCase, step: str, **extra: Any) -> dict[str, Any]:
    reached = (
        STEP_NAMES.index(case.wizard_step) if case.wizard_step in STEP_NAMES else len(STEP_NAMES)
    )
    steps = [
        {"name": name, "label": label, "current": name == step, "reachable": index <= reached}
        for index, (name, label) in enumerate(WIZARD_STEPS)
    ]
    return {"case": case, "step": step, "steps": steps, **extra}


def _next(case: HardshipCase, step: str) -> HttpResponse:
    following = STEP_NAMES[min(STEP_NAMES.index(step) + 1, len(STEP_NAMES) - 1)]
    return redirect("cases:apply", case_id=case.pk, step=following)


@permission_required(Perm.USE_PORTAL)
@require_http_methods(["GET", "POST"])
def apply(request: AuthenticatedRequest, case_id: int, step: str) -> HttpResponse:
    case = _draft_for(request, case_id)
    if step not in STEP_NAMES:
        raise Http404
    if case.status != CaseStatus.DRAFT:
        messages.info(request, _("This application has already been submitted."))
        return redirect(case.get_absolute_url())
    if selectors.stale_draft(case):
        return render(request, "cases/draft_expired.html", {"case": case}, status=410)
    handler = {
        "reason": _step_reason,
        "money": _step_money,
        "evidence": _step_evidence,
        "contact": _step_contact,
        "options": _step_options,
        "review": _step_review,
    }[step]
    try:
        return handler(request, case)
    except CaseActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("cases:apply", case_id=case.pk, step=step)


def _step_reason(request: AuthenticatedRequest, case: HardshipCase) -> HttpResponse:
    initial = {
        "version": case.version,
        "reason": case.reason,
        "duration": case.duration,
        "expected_recovery": case.expected_recovery,
        "own_words": case.own_words,
    }
    form = ReasonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.case_save_reason(
            case=case,
            actor=request.user,
            version=data["version"],
            reason=data["reason"],
            duration=data["duration"],
            expected_recovery=data["expected_recovery"],
            own_words=data["own_words"],
        )
        return _next(case, "reason")
    return render(request, "cases/apply_reason.html", _wizard_context(case, "reason", form=form))


def _statement_initial(case: HardshipCase) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "version": case.version,
        "household_size": case.household_size,
        "dependants": case.dependants,
    }
    debt_index = 0
    for line in case.statement_lines.all():
        if line.section == StatementSection.INCOME:
            initial[f"income_{line.category}"] = line.monthly_amount
        elif line.section == StatementSection.ESSENTIAL:
            initial[f"essential_{line.category}"] = line.monthly_amount
        else:
            initial[f"debt_{debt_index}_lender"] = line.lender
            initial[f"debt_{debt_index}_balance"] = line.balance
            initial[f"debt_{debt_index}_payment"] = line.monthly_amount
            debt_index += 1
    return initial


# Card spending categories that feed an essential line of the statement.
_SPENDING_TO_ESSENTIAL = {
    "groceries": "food",
    "transport": "transport",
    "utilities": "utilities",
    "housing": "housing",
    "health": "health",
    "education": "childcare",
}


def _card_spending_hints(case: HardshipCase) -> dict[str, Any]:
    """Monthly averages from the card, as a starting point for the essential lines."""
    summary = selectors.spending_summary(account=case.account)
    hints: dict[str, Any] = {}
    for trend in summary.categories:
        essential = _SPENDING_TO_ESSENTIAL.get(trend.category)
        if essential and trend.average:
            hints[essential] = trend.average
    return hints


def _debts(form: StatementForm) -> list[DebtLine]:
    debts = []
    for i in range(5):
        lender = (form.cleaned_data.get(f"debt_{i}_lender") or "").strip()
        if lender:
            debts.append(
                DebtLine(
                    lender=lender,
                    balance=form.cleaned_data.get(f"debt_{i}_balance") or Decimal("0"),
                    monthly_payment=form.cleaned_data.get(f"debt_{i}_payment") or Decimal("0"),
                )
            )
    return debts


def _affordability(form: StatementForm) -> Any:
    debts = {f"{debt.lender}#{i}": debt.monthly_payment for i, debt in enumerate(_debts(form))}
    statement = Statement(
        income={k: v for k, v in form.income().items() if v},
        essentials={k: v for k, v in form.essentials().items() if v},
        debt_repayments={k: v for k, v in debts.items() if v},
        household_size=form.cleaned_data["household_size"],
    )
    return assess_affordability(statement)


def _step_money(request: AuthenticatedRequest, case: HardshipCase) -> HttpResponse:
    initial = _statement_initial(case)
    hints = _card_spending_hints(case)
    if not case.statement_lines.exists():
        for category, amount in hints.items():
            initial.setdefault(f"essential_{category}", amount)
    form = StatementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.case_save_statement(
            case=case,
            actor=request.user,
            version=form.cleaned_data["version"],
            household_size=form.cleaned_data["household_size"],
            dependants=form.cleaned_data["dependants"],
            income=form.income(),
            essentials=form.essentials(),
            debts=_debts(form),
        )
        return _next(case, "money")
    return render(
        request,
        "cases/apply_money.html",
        _wizard_context(case, "money", form=form, hints=bool(hints)),
    )


@permission_required(Perm.USE_PORTAL)
@require_POST
def statement_totals(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """htmx: the live totals of the statement being typed (nothing is saved)."""
    _draft_for(request, case_id)
    form = StatementForm(request.POST)
    affordability = None
    if form.is_valid():
        try:
            affordability = _affordability(form)
        except CalculatorError as error:
            form.add_error(None, translate_error(error))
    flags = (
        [ESSENTIAL_LABELS.get(flag.category, flag.category) for flag in affordability.flags]
        if affordability
        else []
    )
    return render(
        request,
        "cases/partials/statement_totals.html",
        {"form": form, "affordability": affordability, "flags": flags},
    )


def _step_evidence(request: AuthenticatedRequest, case: HardshipCase) -> HttpResponse:
    checklist = checklist_for(case.reason)
    form = EvidenceForm(request.POST or None, request.FILES or None, checklist=checklist)
    if request.method == "POST":
        if "continue" in request.POST:
            services.case_set_step(case=case, actor=request.user, step="contact")
            return _next(case, "evidence")
        if form.is_valid():
            try:
                services.document_upload(
                    case=case,
                    actor=request.user,
                    uploaded_file=form.cleaned_data["file"],
                    evidence_kind=form.cleaned_data["evidence_kind"],
                )
            except UploadRejected as rejection:
                form.add_error("file", str(rejection))
            else:
                messages.success(request, _("Document added."))
                return redirect("cases:apply", case_id=case.pk, step="evidence")
    documents = list(case.documents.all())
    provided = {document.evidence_kind for document in documents}
    return render(
        request,
        "cases/apply_evidence.html",
        _wizard_context(
            case,
            "evidence",
            form=form,
            documents=[(d, EVIDENCE_KINDS.get(d.evidence_kind, "")) for d in documents],
            checklist=[(code, label, code in provided) for code, label in checklist],
        ),
    )


def _step_contact(request: AuthenticatedRequest, case: HardshipCase) -> HttpResponse:
    initial = {
        "version": case.version,
        "channel": case.contact_channel,
        "contact_from": case.contact_from,
        "contact_until": case.contact_until,
    }
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.case_save_contact(
            case=case,
            actor=request.user,
            version=form.cleaned_data["version"],
            channel=form.cleaned_data["channel"],
            contact_from=form.cleaned_data["contact_from"],
            contact_until=form.cleaned_data["contact_until"],
        )
        return _next(case, "contact")
    return render(request, "cases/apply_contact.html", _wizard_context(case, "contact", form=form))


def _step_options(request: AuthenticatedRequest, case: HardshipCase) -> HttpResponse:
    result = planning.recommendations_for(case)
    if result is None:
        messages.info(request, _("Tell us about your income and spending first."))
        return redirect("cases:apply", case_id=case.pk, step="money")
    recommendations = list(result.recommendations)
    form = ChoosePlanForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["choice"] == "own":
                schedule = planning.own_terms_schedule(
                    case, months=data["own_months"], stop_interest=data["own_interest"] == "stop"
                )
            else:
                rank = int(data["choice"])
                chosen = next((r for r in recommendations if r.rank == rank), None)
                if chosen is None:
                    raise CaseActionRefused(_("That plan is no longer available; choose again."))
                schedule = chosen.schedule
        except CalculatorError as error:
            form.add_error("own_months", translate_error(error))
        else:
            services.case_request_plan(
                case=case,
                actor=request.user,
                version=data["version"],
                schedule=schedule,
                note=data["note"],
            )
            return _next(case, "options")
    return render(
        request,
        "cases/apply_options.html",
        _wizard_context(
            case,
            "options",
            form=form,
            result=result,
            recommendations=[
                (r, [translate_message(m) for m in r.explanation]) for r in recommendations
            ],
            reason=translate_message(result.reason) if result.reason else "",
            no_plan=result.no_plan,
        ),
    )


def _step_review(request: AuthenticatedRequest, case: HardshipCase) -> HttpResponse:
    form = VersionedForm(initial={"version": case.version})
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", "0"))
        except ValueError:
            version = 0
        services.case_submit(case=case, actor=request.user, version=version)
        messages.success(
            request, _("Your application has been sent. We will reply by the date shown.")
        )
        return redirect(case.get_absolute_url())
    requested = case.offers.filter(status=OfferStatus.REQUESTED).first()
    statement = selectors.statement_of(case)
    return render(
        request,
        "cases/apply_review.html",
        _wizard_context(
            case,
            "review",
            form=form,
            requested=requested,
            affordability=assess_affordability(statement) if statement else None,
            missing=services.list_text(services.missing_for_submission(case)),
            documents=list(case.documents.all()),
        ),
    )


# --- the case page ----------------------------------------------------------------------------

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
    CaseStatus.AGREED: gettext_lazy("We are preparing your agreement for signature."),
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
    position = _TRACKER_POSITION.get(case.status, -1)
    tracker = [
        {"label": label, "done": index < position, "current": index == position}
        for index, (_status, label) in enumerate(TRACKER)
    ]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "tracker": tracker,
            "next_step": NEXT_STEP.get(case.status, ""),
            "events": with_text(
                selectors.case_timeline(case=case, for_staff=False), for_staff=False
            ),
            "offers": offers,
            "case_messages": case.messages.select_related("author", "attachment"),
            "documents": case.documents.all(),
            "message_form": MessageForm(),
            "withdraw_form": WithdrawForm(initial={"version": case.version}),
            "can_withdraw": case.status in services.withdrawable_statuses(),
            "can_message": case.status in MESSAGE_STATUSES,
            "is_holder": True,
            "open_offer": next((o for o in offers if o.status == OfferStatus.OPEN), None),
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
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(CaseChanged()))
        return redirect(case.get_absolute_url())
    try:
        services.case_withdraw(
            case=case,
            actor=request.user,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except CaseActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Your case has been withdrawn."))
    return redirect(case.get_absolute_url())


@permission_required(Perm.USE_PORTAL)
@require_POST
def message_send(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """The cardholder writes to the team (staff write from their review page)."""
    case = _holder_case(request, case_id)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.message_post(
                case=case,
                author=request.user,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data.get("attachment"),
            )
        except (CaseActionRefused, UploadRejected) as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Message sent."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#messages")


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


@permission_required(Perm.USE_PORTAL)
@require_POST
def document_remove(request: AuthenticatedRequest, case_id: int, document_id: int) -> HttpResponse:
    case = _draft_for(request, case_id)
    document = case.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    try:
        services.document_remove(document=document, actor=request.user)
    except CaseActionRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("cases:apply", case_id=case.pk, step="evidence")


# --- staff: a case for a caller ---------------------------------------------------------------


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
                case = services.case_open_for_cardholder(
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
                return redirect(case.get_absolute_url())
    return render(request, "cases/open_for_cardholder.html", {"form": form})


# --- the cardholder's answers -----------------------------------------------------------------


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
            negotiation.offer_accept(
                offer=offer, actor=request.user, version=data["version"], consent=data["consent"]
            )
            messages.success(
                request, _("Thank you. You accepted the plan; we will prepare your agreement.")
            )
        else:
            negotiation.offer_decline(
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
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Write your answer before sending."))
        return redirect(case.get_absolute_url())
    try:
        negotiation.case_reply(
            case=case,
            actor=request.user,
            version=form.cleaned_data["version"],
            body=form.cleaned_data["body"],
            attachment=form.cleaned_data.get("attachment"),
        )
    except (CaseActionRefused, UploadRejected) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Thank you. Your case is back with our team."))
    return redirect(case.get_absolute_url())


@permission_required(Perm.USE_PORTAL)
@require_POST
def appeal(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _holder_case(request, case_id)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tell us why you are appealing."))
        return redirect(case.get_absolute_url())
    try:
        negotiation.case_appeal(
            case=case,
            actor=request.user,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except CaseActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Your appeal was sent to a supervisor."))
    return redirect(case.get_absolute_url())
