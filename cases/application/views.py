"""The application wizard: one view per step, each saving through a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import AuthenticatedRequest, permission_required
from accounts.roles import Perm
from cases import planning, selectors
from cases.application import services
from cases.application.evidence import EVIDENCE_KINDS, checklist_for
from cases.application.forms import (
    ESSENTIAL_LABELS,
    ChoosePlanForm,
    ContactForm,
    EvidenceForm,
    ReasonForm,
    StatementForm,
    statement_initial,
)
from cases.application.services import (
    PlanNoLongerFits,
    case_request_plan,
    case_save_contact,
    case_save_reason,
    case_save_statement,
    case_set_step,
    case_start,
    case_submit,
    missing_for_submission,
    plan_refusal,
)
from cases.calculator_text import translate_error, translate_message
from cases.core import CaseActionRefused, list_text
from cases.decisions.services import evidence_required, instant_ranks
from cases.documents import UploadRejected, document_upload
from cases.forms import VersionedForm
from cases.models import (
    CaseStatus,
    HardshipCase,
    OfferStatus,
)
from cases.policy.rules import affordability_policy
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
        case = case_start(account=account, actor=request.user)
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


def _skipped(case: HardshipCase, step: str) -> bool:
    """Steps the journey passes over when they ask nothing the request needs: documents when
    the policy asks for none at this amount, contact preferences already on the profile. The
    cardholder can still open either from the list of steps."""
    if step == "evidence":
        return not evidence_required(case)
    if step == "contact":
        return bool(case.contact_channel and case.contact_from and case.contact_until)
    return False


def _next(case: HardshipCase, step: str) -> HttpResponse:
    case.refresh_from_db()
    index = STEP_NAMES.index(step) + 1
    while index < len(STEP_NAMES) - 1 and _skipped(case, STEP_NAMES[index]):
        index += 1
    following = STEP_NAMES[min(index, len(STEP_NAMES) - 1)]
    bookmark = STEP_NAMES.index(case.wizard_step) if case.wizard_step in STEP_NAMES else 0
    if bookmark < STEP_NAMES.index(following):
        case_set_step(case=case, actor=case.cardholder or case.opened_by, step=following)
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
        return render(request, "cases/application/draft_expired.html", {"case": case}, status=410)
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
        "third_party": case.third_party,
        "asked_for_person": case.asked_for_person,
    }
    form = ReasonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case_save_reason(
            case=case,
            actor=request.user,
            version=data["version"],
            reason=data["reason"],
            duration=data["duration"],
            expected_recovery=data["expected_recovery"],
            own_words=data["own_words"],
            third_party=data["third_party"],
            asked_for_person=data["asked_for_person"],
        )
        return _next(case, "reason")
    return render(
        request, "cases/application/apply_reason.html", _wizard_context(case, "reason", form=form)
    )


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


def _affordability(form: StatementForm) -> Any:
    debts = {f"{debt.lender}#{i}": debt.monthly_payment for i, debt in enumerate(form.debts())}
    statement = Statement(
        income={k: v for k, v in form.income().items() if v},
        essentials={k: v for k, v in form.essentials().items() if v},
        debt_repayments={k: v for k, v in debts.items() if v},
        household_size=form.cleaned_data["household_size"],
    )
    return assess_affordability(statement, policy=affordability_policy())


def _previous_statement_case(case: HardshipCase) -> HardshipCase | None:
    """The cardholder's latest earlier application with an income and spending statement, on
    any of their cards: its figures can start this one, if they say so."""
    if case.statement_lines.exists() or case.cardholder_id is None:
        return None
    return (
        HardshipCase.objects.filter(cardholder_id=case.cardholder_id, statement_lines__isnull=False)
        .exclude(pk=case.pk)
        .order_by("-updated_at")
        .distinct()
        .first()
    )


def _step_money(request: AuthenticatedRequest, case: HardshipCase) -> HttpResponse:
    initial = statement_initial(case)
    previous = _previous_statement_case(case)
    reused = previous is not None and request.GET.get("use") == "previous"
    if reused and previous is not None:
        # The cardholder chose to start from what they told us last time.
        initial = {**statement_initial(previous), "version": case.version}
    hints = {} if reused else _card_spending_hints(case)
    if not case.statement_lines.exists():
        for category, amount in hints.items():
            initial.setdefault(f"essential_{category}", amount)
    form = StatementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        case_save_statement(
            case=case,
            actor=request.user,
            version=form.cleaned_data["version"],
            household_size=form.cleaned_data["household_size"],
            dependants=form.cleaned_data["dependants"],
            income=form.income(),
            essentials=form.essentials(),
            debts=form.debts(),
        )
        return _next(case, "money")
    return render(
        request,
        "cases/application/apply_money.html",
        _wizard_context(
            case, "money", form=form, hints=bool(hints), previous=previous, reused=reused
        ),
    )


@permission_required(Perm.USE_PORTAL)
@require_POST
def statement_totals(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """htmx: the live totals of the statement being typed (nothing is saved)."""
    case = _draft_for(request, case_id)
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
        "cases/application/statement_totals.html",
        {
            "form": form,
            "affordability": affordability,
            "flags": flags,
            "currency": case.account.currency,
        },
    )


def _step_evidence(request: AuthenticatedRequest, case: HardshipCase) -> HttpResponse:
    checklist = checklist_for(case.reason)
    form = EvidenceForm(request.POST or None, request.FILES or None, checklist=checklist)
    if request.method == "POST":
        if "continue" in request.POST:
            case_set_step(case=case, actor=request.user, step="contact")
            return _next(case, "evidence")
        if form.is_valid():
            try:
                document_upload(
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
        "cases/application/apply_evidence.html",
        _wizard_context(
            case,
            "evidence",
            form=form,
            documents=[(d, EVIDENCE_KINDS.get(d.evidence_kind, "")) for d in documents],
            checklist=[(code, label, code in provided) for code, label in checklist],
        ),
    )


def _step_contact(request: AuthenticatedRequest, case: HardshipCase) -> HttpResponse:
    # One source of contact preferences: the profile, which this step also saves.
    profile = getattr(request.user, "profile", None)
    initial = {
        "version": case.version,
        "channel": case.contact_channel or (profile.preferred_channel if profile else ""),
        "contact_from": case.contact_from or (profile.contact_from if profile else None),
        "contact_until": case.contact_until or (profile.contact_until if profile else None),
    }
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        case_save_contact(
            case=case,
            actor=request.user,
            version=form.cleaned_data["version"],
            channel=form.cleaned_data["channel"],
            contact_from=form.cleaned_data["contact_from"],
            contact_until=form.cleaned_data["contact_until"],
        )
        return _next(case, "contact")
    return render(
        request, "cases/application/apply_contact.html", _wizard_context(case, "contact", form=form)
    )


def _step_options(request: AuthenticatedRequest, case: HardshipCase) -> HttpResponse:
    result = planning.recommendations_for(case)
    if result is None:
        messages.info(request, _("Tell us about your income and spending first."))
        return redirect("cases:apply", case_id=case.pk, step="money")
    recommendations = list(result.recommendations)
    chosen_before = case.offers.filter(status=OfferStatus.REQUESTED).first()
    form = ChoosePlanForm(
        request.POST or None,
        # Coming back to this step keeps what the cardholder wrote to us.
        initial={"version": case.version, "note": chosen_before.rationale if chosen_before else ""},
    )
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
                # What is asked for is exactly what the page showed, or nothing.
                if request.POST.get(f"shown-{rank}") != planning.shown_as(chosen.schedule):
                    raise CaseActionRefused(
                        _(
                            "The plans have changed since this page was shown (another tab, or "
                            "new figures). Look at them again and choose."
                        )
                    )
                schedule = chosen.schedule
        except CalculatorError as error:
            form.add_error("own_months", translate_error(error))
        else:
            case_request_plan(
                case=case,
                actor=request.user,
                version=data["version"],
                schedule=schedule,
                note=data["note"],
            )
            if data["send"]:
                return _send(request, case)
            return _next(case, "options")
    return render(
        request,
        "cases/application/apply_options.html",
        _wizard_context(
            case,
            "options",
            form=form,
            result=result,
            recommendations=[
                (
                    r,
                    [translate_message(m, currency=case.account.currency) for m in r.explanation],
                    planning.shown_as(r.schedule),
                )
                for r in recommendations
            ],
            instant=instant_ranks(case, recommendations),
            reason=translate_message(result.reason, currency=case.account.currency)
            if result.reason
            else "",
            no_plan=result.no_plan,
        ),
    )


def _send(request: AuthenticatedRequest, case: HardshipCase) -> HttpResponse:
    """Submit the application just completed; what is missing sends the cardholder to the
    review page, which lists it."""
    case.refresh_from_db()
    if missing_for_submission(case):
        return redirect("cases:apply", case_id=case.pk, step="review")
    try:
        case = case_submit(case=case, actor=request.user, version=case.version)
    except PlanNoLongerFits as refusal:
        messages.error(request, str(refusal))
        return redirect("cases:apply", case_id=case.pk, step="options")
    _tell_sent(request, case)
    return redirect(case.get_absolute_url())


def _tell_sent(request: AuthenticatedRequest, case: HardshipCase) -> None:
    if case.status == CaseStatus.AWAITING_CARDHOLDER:
        messages.success(
            request, _("Your plan is approved. Read it, accept it, then sign your agreement.")
        )
    else:
        messages.success(
            request, _("Your application has been sent. We will reply by the date shown.")
        )


def _step_review(request: AuthenticatedRequest, case: HardshipCase) -> HttpResponse:
    form = VersionedForm(initial={"version": case.version})
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", "0"))
        except ValueError:
            version = 0
        try:
            case = case_submit(case=case, actor=request.user, version=version)
        except PlanNoLongerFits as refusal:
            messages.error(request, str(refusal))
            return redirect("cases:apply", case_id=case.pk, step="options")
        _tell_sent(request, case)
        return redirect(case.get_absolute_url())
    requested = case.offers.filter(status=OfferStatus.REQUESTED).first()
    statement = selectors.statement_of(case)
    return render(
        request,
        "cases/application/apply_review.html",
        _wizard_context(
            case,
            "review",
            form=form,
            requested=requested,
            affordability=assess_affordability(statement, policy=affordability_policy())
            if statement
            else None,
            missing=list_text(missing_for_submission(case)),
            plan_refusal=plan_refusal(case),
            documents=list(case.documents.all()),
        ),
    )


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
