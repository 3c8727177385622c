"""The staff review page of one case and its actions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import AuthenticatedRequest, permission_required
from accounts.roles import Perm
from cases import negotiation, selectors
from cases.actions import perform
from cases.application.evidence import EVIDENCE_KINDS
from cases.application.forms import StaffStatementForm, statement_initial
from cases.calculator_text import translate_error, translate_message
from cases.conversation import message_post
from cases.core import CaseActionRefused, CaseChanged
from cases.decisions.forms import FlagForm
from cases.decisions.texts import staff_rules
from cases.disclosure import disclosure_of
from cases.forms import VersionedForm
from cases.models import (
    MESSAGE_STATUSES,
    AccountFlag,
    Audience,
    CaseStatus,
    HardshipCase,
    OfferStatus,
    ReminderStatus,
    StatementSection,
    category_label,
)
from cases.negotiation.contacts import ContactRulesWarning, contact_record
from cases.negotiation.forms import (
    AssignForm,
    ContactForm,
    DocumentReviewForm,
    OfferForm,
    OfferWithdrawForm,
    ReasonForm,
    RequestInfoForm,
    StaffMessageForm,
)
from cases.negotiation.selectors import team_members
from cases.negotiation.services import (
    approvers_for,
    case_assign,
    case_claim,
    case_close,
    case_decline,
    case_record_statement,
    case_request_info,
    offer_propose,
)
from cases.planning import first_due_date, recommendations_for
from cases.policy.rules import (
    RISK_BAND_LABELS,
    affordability_policy,
    authority_for,
    exceeded_limits,
    plan_policy,
    risk_band_for,
)
from cases.risk import reason_lines as risk_reason_lines
from cases.statement import statement_label
from cases.timeline import with_text
from plans.calculator import (
    CalculatorError,
    PlanTerms,
    PlanType,
    assess_affordability,
    build_schedule,
)


def _staff_case(request: AuthenticatedRequest, case_id: int) -> HardshipCase:
    case = selectors.staff_case_get(user=request.user, case_id=case_id)
    if case.status == CaseStatus.DRAFT:
        raise Http404
    return case


def _recommendations(case: HardshipCase) -> Any:
    return recommendations_for(case)


@permission_required(Perm.WORK_CASES)
@require_GET
def review(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _staff_case(request, case_id)
    return render(request, "cases/negotiation/review.html", _review_context(request, case))


def _review_context(
    request: AuthenticatedRequest, case: HardshipCase, **forms: Any
) -> dict[str, Any]:
    account = case.account
    authority = authority_for(request.user)
    statement = selectors.statement_of(case)
    affordability = (
        assess_affordability(statement, policy=affordability_policy()) if statement else None
    )
    result = _recommendations(case)
    spending = selectors.spending_summary(account=account)
    lines = list(case.statement_lines.all())
    version = {"version": case.version}
    return {
        "case": case,
        "account": account,
        "balance": selectors.balance_of(account),
        "risk_band": RISK_BAND_LABELS[risk_band_for(account)],
        "risk_reasons": risk_reason_lines(account),
        "affordability": affordability,
        "flags": [(statement_label(flag.category), flag) for flag in affordability.flags]
        if affordability
        else [],
        "statement_lines": [
            (line.lender or statement_label(line.category), line) for line in lines
        ],
        "debts": [line for line in lines if line.section == StatementSection.DEBT],
        "holder_profile": getattr(account.holder, "profile", None) if account.holder_id else None,
        "spending": [(category_label(t.category), t) for t in spending.categories[:6]],
        "recommendations": [
            (
                r,
                [translate_message(m, currency=account.currency) for m in r.explanation],
                disclosure_of(r.schedule, account, reference=case.reference),
                authority.permits(r.schedule, account.apr),
            )
            for r in (result.recommendations if result else ())
        ],
        "no_plan_recovery": result.no_plan_recovery if result else None,
        "no_recommendation": translate_message(result.reason, currency=account.currency)
        if result and result.reason
        else "",
        "offers": selectors.case_offers(case=case),
        "decisions": [
            (decision, staff_rules(decision))
            for decision in case.decisions.select_related("review__reviewer__profile")[:5]
        ],
        "account_flags": AccountFlag.objects.filter(
            account=account, cleared_at__isnull=True
        ).select_related("raised_by__profile"),
        "flag_form": FlagForm(),
        "documents": [(d, EVIDENCE_KINDS.get(d.evidence_kind, "")) for d in case.documents.all()],
        "events": with_text(selectors.case_timeline(case=case, for_staff=True), for_staff=True),
        "case_messages": case.messages.select_related("author__profile", "attachment"),
        "contacts": case.contacts.select_related("staff__profile")[:20],
        # Automated reminders to the cardholder not (yet) in the contact log: waiting for the
        # contact hours, or failed.
        "reminders_waiting": case.reminders.filter(
            audience=Audience.CARDHOLDER,
            status__in=(ReminderStatus.PENDING, ReminderStatus.FAILED),
        ).order_by("deliver_after")[:10],
        "can_message": case.status in MESSAGE_STATUSES,
        "can_assign": request.user.has_perm(Perm.ASSIGN_CASES),
        "can_claim": case.assignee_id != request.user.pk
        and case.status in (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW),
        "can_close": case.status
        in (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.AWAITING_CARDHOLDER),
        "assign_form": forms.get("assign_form")
        or AssignForm(initial=version, team=team_members(case)),
        "info_form": forms.get("info_form") or RequestInfoForm(initial=version),
        "offer_form": forms.get("offer_form")
        or OfferForm(initial={**version, "start_date": first_due_date()}),
        "decline_form": forms.get("decline_form") or ReasonForm(initial=version, prefix="decline"),
        "close_form": forms.get("close_form") or ReasonForm(initial=version, prefix="close"),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "contact_warnings": forms.get("contact_warnings", []),
        "authority": authority,
    }


def _refused(request: AuthenticatedRequest, case: HardshipCase, refusal: Exception) -> HttpResponse:
    messages.error(request, str(refusal))
    return redirect("cases:review", case_id=case.pk)


def _version(request: AuthenticatedRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


@permission_required(Perm.WORK_CASES)
@require_POST
def claim(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _staff_case(request, case_id)
    return perform(
        request,
        VersionedForm(request.POST),
        lambda data: case_claim(case=case, actor=request.user, version=data["version"]),
        invalid=str(CaseChanged()),
        done=_("The case is yours."),
        back=reverse("cases:review", args=[case.pk]),
    )


@permission_required(Perm.ASSIGN_CASES)
@require_POST
def assign(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _staff_case(request, case_id)
    form = AssignForm(request.POST, team=team_members(case))
    if not form.is_valid():
        return _refused(request, case, CaseActionRefused(_("Choose someone from the team.")))
    try:
        case_assign(
            case=case,
            actor=request.user,
            assignee=form.cleaned_data["assignee"],
            version=form.cleaned_data["version"],
        )
    except CaseActionRefused as refusal:
        return _refused(request, case, refusal)
    messages.success(request, _("Case assigned."))
    return redirect("cases:review", case_id=case.pk)


def _invalid(request: AuthenticatedRequest, case: HardshipCase, **forms: Any) -> HttpResponse:
    return render(
        request,
        "cases/negotiation/review.html",
        _review_context(request, case, **forms),
        status=200,
    )


@permission_required(Perm.WORK_CASES)
@require_POST
def request_info(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _staff_case(request, case_id)
    form = RequestInfoForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, info_form=form)
    try:
        case_request_info(
            case=case,
            actor=request.user,
            version=form.cleaned_data["version"],
            request=form.cleaned_data["request"],
            due=form.cleaned_data["due"],
        )
    except CaseActionRefused as refusal:
        return _refused(request, case, refusal)
    messages.success(request, _("Request sent to the cardholder."))
    return redirect("cases:review", case_id=case.pk)


@permission_required(Perm.WORK_CASES)
@require_http_methods(["GET", "POST"])
def statement(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """Take down the cardholder's income and spending on the phone or in a branch."""
    case = _staff_case(request, case_id)
    form = StaffStatementForm(request.POST or None, initial=statement_initial(case))
    if request.method == "POST" and form.is_valid():
        try:
            case_record_statement(
                case=case,
                actor=request.user,
                version=form.cleaned_data["version"],
                household_size=form.cleaned_data["household_size"],
                dependants=form.cleaned_data["dependants"],
                income=form.income(),
                essentials=form.essentials(),
                debts=form.debts(),
            )
        except CaseActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, _("Income and spending saved; the recommendations below use them.")
            )
            return redirect("cases:review", case_id=case.pk)
    return render(
        request,
        "cases/negotiation/statement.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


def _custom_terms(case: HardshipCase, data: dict[str, Any]) -> PlanTerms:
    """The plan the custom-offer form describes (fields of other plan types are already None)."""
    balance = selectors.balance_of(case.account)
    plan_type = PlanType(data["plan_type"])
    options: dict[str, Any] = {
        "months": data.get("months"),
        "fee_rate": data.get("fee_rate"),
        "deferral_months": data.get("deferral_months"),
        "step_months": data.get("step_months"),
        "settlement_percent": data.get("settlement_percent"),
    }
    if plan_type in (PlanType.INSTALMENT, PlanType.DEFERRAL, PlanType.STEP_UP):
        options["apr"] = data.get("apr") if data.get("apr") is not None else case.account.apr
    if plan_type is PlanType.STEP_UP and data.get("step_percent") is not None:
        options["step_ratio"] = data["step_percent"] / Decimal("100")
    if plan_type is PlanType.SETTLEMENT:
        options["settlement_payments"] = data.get("settlement_payments") or 1
    return PlanTerms(
        plan_type=plan_type,
        balance=balance.principal,
        start_date=data.get("start_date") or first_due_date(),
        accrued_interest=balance.accrued_interest,
        interest_waived=data.get("interest_waived") or Decimal("0.00"),
        fees=balance.fees,
        fees_waived=data.get("fees_waived") or Decimal("0.00"),
        **options,
    )


_FORM_FIELDS = {
    "apr",
    "months",
    "fee_rate",
    "deferral_months",
    "step_months",
    "settlement_percent",
    "settlement_payments",
    "interest_waived",
    "fees_waived",
    "start_date",
}


def _form_field(error: CalculatorError) -> str | None:
    """The custom-offer field a calculator refusal is about (None: the terms as a whole)."""
    field = {"step_ratio": "step_percent"}.get(error.field or "", error.field)
    return field if field in _FORM_FIELDS else None


@permission_required(Perm.WORK_CASES)
@require_POST
def offer_preview(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """The custom offer as the cardholder would see it, recomputed while the terms are typed
    (htmx): every payment, the figures, and whether it is within the agent's authority or who
    would have to approve it. Nothing is saved."""
    case = _staff_case(request, case_id)
    form = OfferForm(request.POST, preview=True)
    context: dict[str, Any] = {"case": case, "account": case.account, "problems": []}
    if not request.POST.get("plan_type"):
        context["problems"] = [_("Choose a plan type to see the payments.")]
    elif form.is_valid():
        try:
            schedule = build_schedule(_custom_terms(case, form.cleaned_data), plan_policy())
        except CalculatorError as error:
            context["problems"] = [translate_error(error, currency=case.account.currency)]
        else:
            excesses = exceeded_limits(
                schedule, authority_for(request.user), current_apr=case.account.apr
            )
            context.update(
                disclosure=disclosure_of(schedule, case.account, reference=case.reference),
                exceeds=[excess.as_json() for excess in excesses],
                approvers=approvers_for(schedule=schedule, case=case, maker=request.user)
                if excesses
                else [],
            )
    else:
        context["problems"] = [
            f"{form.fields[name].label}: {' '.join(map(str, errors))}"
            if name in form.fields
            else " ".join(map(str, errors))
            for name, errors in form.errors.items()
            if name != "rationale"
        ]
    return render(request, "cases/negotiation/offer_preview.html", context)


@permission_required(Perm.WORK_CASES)
@require_POST
def offer(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _staff_case(request, case_id)
    form = OfferForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, offer_form=form)
    data = form.cleaned_data
    try:
        if data["choice"]:
            result = _recommendations(case)
            chosen = next(
                (
                    r
                    for r in (result.recommendations if result else ())
                    if str(r.rank) == data["choice"]
                ),
                None,
            )
            if chosen is None:
                raise CaseActionRefused(_("That recommendation is no longer available."))
            schedule = chosen.schedule
        else:
            schedule = build_schedule(_custom_terms(case, data), plan_policy())
    except CalculatorError as error:
        form.add_error(_form_field(error), translate_error(error, currency=case.account.currency))
        return _invalid(request, case, offer_form=form)
    except CaseActionRefused as refusal:
        return _refused(request, case, refusal)
    try:
        made = offer_propose(
            case=case,
            actor=request.user,
            version=data["version"],
            schedule=schedule,
            rationale=data["rationale"],
        )
    except CaseActionRefused as refusal:
        return _refused(request, case, refusal)
    if made.status == OfferStatus.PENDING_APPROVAL:
        messages.warning(
            request, _("The offer goes beyond your authority and now waits for a supervisor.")
        )
    else:
        messages.success(request, _("Offer sent to the cardholder."))
    return redirect("cases:review", case_id=case.pk)


def _reason_action(
    request: AuthenticatedRequest, case_id: int, prefix: str, service: Any, done: str
) -> HttpResponse:
    case = _staff_case(request, case_id)
    form = ReasonForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _invalid(request, case, **{f"{prefix}_form": form})
    try:
        service(
            case=case,
            actor=request.user,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except CaseActionRefused as refusal:
        return _refused(request, case, refusal)
    messages.success(request, done)
    return redirect("cases:review", case_id=case.pk)


@permission_required(Perm.WORK_CASES)
@require_POST
def decline(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    return _reason_action(request, case_id, "decline", case_decline, _("The case was declined."))


@permission_required(Perm.WORK_CASES)
@require_POST
def close(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    return _reason_action(request, case_id, "close", case_close, _("The case was closed."))


@permission_required(Perm.WORK_CASES)
@require_POST
def contact(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _staff_case(request, case_id)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, contact_form=form)
    try:
        contact_record(
            case=case,
            actor=request.user,
            channel=form.cleaned_data["channel"],
            direction=form.cleaned_data["direction"],
            outcome=form.cleaned_data["outcome"],
            notes=form.cleaned_data["notes"],
            acknowledge_warnings=form.cleaned_data["acknowledge"],
        )
    except ContactRulesWarning as warning:
        return _invalid(request, case, contact_form=form, contact_warnings=warning.warnings)
    except CaseActionRefused as refusal:
        return _refused(request, case, refusal)
    messages.success(request, _("Contact logged."))
    return redirect("cases:review", case_id=case.pk)


@permission_required(Perm.WORK_CASES)
@require_POST
def message(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """Staff write to the cardholder from the review page; the answer lands back here."""
    case = _staff_case(request, case_id)
    return perform(
        request,
        StaffMessageForm(request.POST),
        lambda data: message_post(case=case, author=request.user, body=data["body"]),
        invalid=_("Write a message before sending."),
        done=_("Message sent."),
        back=reverse("cases:review", args=[case.pk]) + "#msg-h",
    )


@permission_required(Perm.WORK_CASES)
@require_POST
def document_review(request: AuthenticatedRequest, case_id: int, document_id: int) -> HttpResponse:
    case = _staff_case(request, case_id)
    document = case.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return perform(
        request,
        DocumentReviewForm(request.POST),
        lambda data: negotiation.document_review(
            document=document,
            actor=request.user,
            accepted=data["decision"] == "accept",
            reason=data["reason"],
        ),
        invalid=_("Choose accept or reject."),
        done="",
        back=reverse("cases:review", args=[case.pk]),
    )


@permission_required(Perm.WORK_CASES)
@require_POST
def offer_recall(request: AuthenticatedRequest, case_id: int, offer_id: int) -> HttpResponse:
    case = _staff_case(request, case_id)
    offer = case.offers.filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    return perform(
        request,
        VersionedForm(request.POST),
        lambda data: negotiation.offer_recall(
            offer=offer, actor=request.user, version=data["version"]
        ),
        invalid=str(CaseChanged()),
        done=_("You took the offer back. The case is in review again."),
        back=reverse("cases:review", args=[case.pk]),
    )


@permission_required(Perm.WORK_CASES)
@require_POST
def offer_withdraw(request: AuthenticatedRequest, case_id: int, offer_id: int) -> HttpResponse:
    case = _staff_case(request, case_id)
    offer = case.offers.filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    return perform(
        request,
        OfferWithdrawForm(request.POST),
        lambda data: negotiation.offer_withdraw(
            offer=offer, actor=request.user, version=data["version"], reason=data["reason"]
        ),
        invalid=_("Say why the offer is withdrawn: the cardholder reads it."),
        done=_("The offer was withdrawn and the cardholder told why."),
        back=reverse("cases:review", args=[case.pk]),
    )
