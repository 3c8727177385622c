"""Administrators' pages for the negotiation policy and authority limits, and their history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import CharField, Value
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import AuthenticatedRequest, permission_required
from accounts.models import User
from accounts.roles import Perm, Role
from cases.models import (
    AuthorityLimit,
    BankCalendarDay,
    NegotiationPolicy,
    PolicyChange,
    PolicyChangeStatus,
)
from cases.policy.forms import CalendarDayForm, PolicyDecisionForm, PolicyPage
from cases.policy.rules import current_policy
from cases.policy.services import (
    CalendarRefused,
    calendar_day_add,
    calendar_day_remove,
    pending_policy_change,
    policy_approvers,
    policy_change_approve,
    policy_change_propose,
    policy_change_reject,
    policy_change_withdraw,
)
from cases.policy.validation import (
    AUTHORITY_ROLES,
    BASELINE_REASON,
    POLICY_SCOPE,
    PolicyRejected,
    current_authority_limit_rows,
    policy_check,
)

HISTORY_PAGE_SIZE = 25

#: Bookkeeping fields every save changes; the history shows the fields an administrator set.
_NOT_SHOWN = ["id", "role", "updated_at", "updated_by"]


@permission_required(Perm.MANAGE_POLICY)
@require_http_methods(["GET", "POST"])
def policy_edit(request: AuthenticatedRequest) -> HttpResponse:
    pending = pending_policy_change()
    page = PolicyPage(
        request.POST if request.method == "POST" and pending is None else None,
        policy=current_policy(),
        limits=current_authority_limit_rows(),
    )
    if pending is not None:
        page.disable()
    if request.method == "POST" and pending is None and page.values_are_valid():
        # Rules across fields are shown even while the reason is still missing.
        page.add_problems(
            policy_check(
                policy_values=page.policy_values(), authority_values=page.authority_values()
            )
        )
    if request.method == "POST" and pending is None and page.is_valid():
        try:
            proposed = policy_change_propose(
                actor=request.user,
                policy_values=page.policy_values(),
                authority_values=page.authority_values(),
                reason=page.reason(),
                seen=page.seen(),
            )
        except PolicyRejected as refusal:
            # Another administrator's proposal or change, made meanwhile, can refuse this one.
            page.add_problems(refusal.problems)
        else:
            if proposed is None:
                messages.info(request, _("Nothing was changed, so nothing was proposed."))
            else:
                messages.success(
                    request,
                    _(
                        "Your change was proposed. It takes effect when another administrator "
                        "approves it."
                    ),
                )
            return redirect("policy:edit")
    if request.method == "POST" and pending is not None:
        messages.error(
            request,
            _("Another change is waiting for approval; nothing was proposed."),
        )
        return redirect("policy:edit")
    return render(
        request,
        "cases/policy/edit.html",
        {
            "page": page,
            "refused": request.method == "POST",
            "pending": pending,
            "pending_rows": change_rows(pending) if pending else [],
            "approvers": policy_approvers(change=pending) if pending else [],
            "is_proposer": pending is not None and pending.proposed_by_id == request.user.pk,
            "decision_form": PolicyDecisionForm(),
        },
    )


@permission_required(Perm.MANAGE_POLICY)
@require_POST
def policy_decide(request: AuthenticatedRequest, change_id: int) -> HttpResponse:
    """Approve or reject another administrator's proposal, or withdraw one's own."""
    change = PolicyChange.objects.filter(pk=change_id).first()
    if change is None:
        raise Http404
    form = PolicyDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, reject or withdraw."))
        return redirect("policy:edit")
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    try:
        if decision == "approve":
            policy_change_approve(change=change, actor=request.user, note=note)
            messages.success(request, _("The change is approved and now in force."))
        elif decision == "reject":
            policy_change_reject(change=change, actor=request.user, note=note)
            messages.success(request, _("The change was rejected. It is kept in the history."))
        else:
            policy_change_withdraw(change=change, actor=request.user)
            messages.success(request, _("You withdrew the change. It is kept in the history."))
    except PolicyRejected as refusal:
        for problem in refusal.problems:
            messages.error(request, problem.message)
    return redirect("policy:edit")


@dataclass(frozen=True)
class ProposedValue:
    subject: str
    label: str
    old: str
    new: str


def change_rows(change: PolicyChange) -> list[ProposedValue]:
    """What a proposal changes, one row per value, in the order of the policy page."""
    rows = []
    for scope in (POLICY_SCOPE, *AUTHORITY_ROLES):
        values = change.changes.get(scope)
        if not values:
            continue
        model: type[NegotiationPolicy | AuthorityLimit]
        if scope == POLICY_SCOPE:
            model, subject = NegotiationPolicy, str(capfirst(NegotiationPolicy._meta.verbose_name))
        else:
            model = AuthorityLimit
            subject = _("Authority limits: %(role)s") % {"role": _role_label(scope)}
        for field in model._meta.concrete_fields:
            if field.name in values:
                rows.append(
                    ProposedValue(
                        subject=subject,
                        label=str(capfirst(field.verbose_name)),
                        old=_shown_json(field, values[field.name]["old"]),
                        new=_shown_json(field, values[field.name]["new"]),
                    )
                )
    return rows


def _shown_json(field: Any, value: Any) -> str:
    try:
        return _shown(field.to_python(value))
    except ValidationError:
        return str(value)


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One saved version of the policy or of a role's limits, and what it changed."""

    when: datetime.datetime
    who: User | None
    subject: str
    reason: str
    changes: list[FieldChange]
    # True for a version with nothing before it: `changes` then lists values, `old` is empty.
    first: bool


@permission_required(Perm.MANAGE_POLICY)
@require_GET
def policy_history(request: AuthenticatedRequest) -> HttpResponse:
    # Both histories in one list, newest first; only the page shown is loaded in full.
    versions = (
        _history_keys(NegotiationPolicy, "policy")
        .union(_history_keys(AuthorityLimit, "limit"), all=True)
        .order_by("-history_date", "-history_id")
    )
    page = Paginator(versions, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    ids: dict[str, list[int]] = {"policy": [], "limit": []}
    for history_id, _date, kind in page.object_list:
        ids[kind].append(history_id)
    records = {
        ("policy", record.history_id): record
        for record in NegotiationPolicy.history.filter(history_id__in=ids["policy"]).select_related(
            "history_user__profile"
        )
    }
    records.update(
        {
            ("limit", record.history_id): record
            for record in AuthorityLimit.history.filter(history_id__in=ids["limit"]).select_related(
                "history_user__profile"
            )
        }
    )
    entries = [_entry(records[kind, history_id]) for history_id, _date, kind in page.object_list]
    # A version that took effect by approval shares its date with the approval.
    approvals = {
        change.decided_at: change
        for change in PolicyChange.objects.filter(
            status=PolicyChangeStatus.APPROVED, decided_at__in={entry.when for entry in entries}
        ).select_related("decided_by__profile")
    }
    proposals = Paginator(
        PolicyChange.objects.select_related("proposed_by__profile", "decided_by__profile"),
        HISTORY_PAGE_SIZE,
    ).get_page(request.GET.get("proposals"))
    return render(
        request,
        "cases/policy/history.html",
        {
            "page": page,
            "entries": [(entry, approvals.get(entry.when)) for entry in entries],
            "proposals": proposals,
            "proposal_rows": [(change, change_rows(change)) for change in proposals.object_list],
        },
    )


def _history_keys(model: type[NegotiationPolicy | AuthorityLimit], kind: str) -> Any:
    # A history's own ordering is cleared: SQL does not allow one inside a UNION.
    return (
        model.history.order_by()
        .annotate(kind=Value(kind, output_field=CharField()))
        .values_list("history_id", "history_date", "kind")
    )


def _entry(record: Any) -> HistoryEntry:
    model = record.instance_type
    if model is AuthorityLimit:
        subject = _("Authority limits: %(role)s") % {"role": _role_label(record.role)}
    else:
        subject = str(model._meta.verbose_name).capitalize()
    reason = record.history_change_reason or ""
    if reason == BASELINE_REASON:
        reason = _(BASELINE_REASON)
    previous = record.prev_record
    if previous is None:
        changes = [
            FieldChange(
                str(capfirst(field.verbose_name)), "", _shown(getattr(record, field.attname))
            )
            for field in model._meta.concrete_fields
            if field.name not in _NOT_SHOWN
        ]
    else:
        delta = record.diff_against(previous, excluded_fields=_NOT_SHOWN)
        changed = {change.field: change for change in delta.changes}
        # In the order of the form, not the order the diff happens to come in.
        changes = [
            FieldChange(
                str(capfirst(field.verbose_name)),
                _shown(changed[field.name].old),
                _shown(changed[field.name].new),
            )
            for field in model._meta.concrete_fields
            if field.name in changed
        ]
    return HistoryEntry(
        when=record.history_date,
        who=record.history_user,
        subject=subject,
        reason=reason,
        changes=changes,
        first=previous is None,
    )


def _role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def _shown(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.time):
        return formats.time_format(value, "H:i")
    if isinstance(value, Decimal):
        # 0.5000 reads better as 0.5; `:f` keeps 50 from turning into 5E+1.
        return str(formats.localize(Decimal(f"{value.normalize():f}")))
    return str(formats.localize(value))


@permission_required(Perm.MANAGE_POLICY)
@require_http_methods(["GET", "POST"])
def calendar(request: AuthenticatedRequest) -> HttpResponse:
    """The bank's calendar: public holidays and swapped working days, which deadlines counted
    in working days follow."""
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            calendar_day_add(
                actor=request.user, day=data["day"], kind=data["kind"], name=data["name"]
            )
        except CalendarRefused as refusal:
            form.add_error("day", str(refusal))
        else:
            messages.success(request, _("The calendar has been updated."))
            return redirect("policy:calendar")
    today = timezone.localdate()
    return render(
        request,
        "cases/policy/calendar.html",
        {
            "form": form,
            "upcoming": BankCalendarDay.objects.filter(day__gte=today),
            "past": BankCalendarDay.objects.filter(day__lt=today).order_by("-day")[:20],
        },
        status=400 if form.errors else 200,
    )


@permission_required(Perm.MANAGE_POLICY)
@require_POST
def calendar_remove(request: AuthenticatedRequest, entry_id: int) -> HttpResponse:
    entry = BankCalendarDay.objects.filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    calendar_day_remove(actor=request.user, entry=entry)
    messages.success(request, _("The calendar has been updated."))
    return redirect("policy:calendar")
