"""Administrators' pages for the negotiation policy and authority limits, and their history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import CharField, Value
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import AuthenticatedRequest, permission_required
from accounts.models import User
from accounts.roles import Perm, Role
from cases.models import AuthorityLimit, NegotiationPolicy
from cases.policy import current_policy
from cases.policy_forms import PolicyPage
from cases.policy_services import (
    BASELINE_REASON,
    PolicyRejected,
    current_authority_limit_rows,
    policy_check,
    policy_update,
)

HISTORY_PAGE_SIZE = 25

#: Bookkeeping fields every save changes; the history shows the fields an administrator set.
_NOT_SHOWN = ["id", "role", "updated_at", "updated_by"]


@permission_required(Perm.MANAGE_POLICY)
@require_http_methods(["GET", "POST"])
def policy_edit(request: AuthenticatedRequest) -> HttpResponse:
    page = PolicyPage(
        request.POST if request.method == "POST" else None,
        policy=current_policy(),
        limits=current_authority_limit_rows(),
    )
    if request.method == "POST" and page.values_are_valid():
        # Rules across fields are shown even while the reason is still missing.
        page.add_problems(
            policy_check(
                policy_values=page.policy_values(), authority_values=page.authority_values()
            )
        )
    if request.method == "POST" and page.is_valid():
        try:
            policy_update(
                actor=request.user,
                policy_values=page.policy_values(),
                authority_values=page.authority_values(),
                reason=page.reason(),
                seen=page.seen(),
            )
        except PolicyRejected as refusal:
            # Another administrator's change, saved meanwhile, can make these values break a rule.
            page.add_problems(refusal.problems)
        else:
            if page.has_changes():
                messages.success(request, _("The policy was saved. The change is in the history."))
            else:
                messages.info(request, _("Nothing was changed, so nothing was saved."))
            return redirect("policy:edit")
    # Reaching here after a POST means something was refused: say so above the form.
    return render(
        request, "cases/policy/edit.html", {"page": page, "refused": request.method == "POST"}
    )


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
    return render(request, "cases/policy/history.html", {"page": page, "entries": entries})


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
