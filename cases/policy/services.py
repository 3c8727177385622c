"""Changing the negotiation policy and the authority limits, the administrators' use case.

The policy (one `NegotiationPolicy` row) and the limits of both roles (`AuthorityLimit` rows)
are changed together: the rules that tie them (an agent may not concede more than a
supervisor; no limit allows a plan longer than the policy does) are checked on the state they
would have together, and either every change is saved or none is.

Maker-checker: an administrator proposes a change (`policy_change_propose`); it takes effect
only when a second administrator approves it (`policy_change_approve`), and can be rejected or
withdrawn instead. Every proposal is kept (`PolicyChange`), and every row a change touched keeps
a django-simple-history record in the proposer's name, with their reason, dated when it took
effect.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import services as account_services
from accounts.models import AuditAction, User
from accounts.roles import Perm
from cases.models import BankCalendarDay, PolicyChange, PolicyChangeStatus
from cases.policy.validation import (
    BASELINE_REASON,
    POLICY_SCOPE,
    REASON_SCOPE,
    PolicyProblem,
    PolicyRejected,
    Proposal,
    policy_fingerprint,
    reason_problems,
)

MANAGE_POLICY_CODENAME = Perm.MANAGE_POLICY.split(".", 1)[1]


def pending_policy_change() -> PolicyChange | None:
    return (
        PolicyChange.objects.filter(status=PolicyChangeStatus.PENDING)
        .select_related("proposed_by__profile")
        .first()
    )


def policy_approvers(*, change: PolicyChange) -> list[User]:
    """Who could approve `change`: every other active administrator. Empty means nobody can,
    which the page says, so that the proposer is not left waiting."""
    return list(
        User.objects.filter(is_active=True, groups__permissions__codename=MANAGE_POLICY_CODENAME)
        .exclude(pk=change.proposed_by_id)
        .distinct()
        .select_related("profile")
    )


def _stale_refusal() -> PolicyRejected:
    return PolicyRejected(
        [
            PolicyProblem(
                REASON_SCOPE,
                "",
                _(
                    "The policy changed while you were looking at it. "
                    "Reload the page to see the current values, then try again."
                ),
            )
        ]
    )


@transaction.atomic
def policy_change_propose(
    *,
    actor: User,
    policy_values: Mapping[str, Any],
    authority_values: Mapping[str, Mapping[str, Any]],
    reason: str,
    seen: str,
) -> PolicyChange | None:
    """Propose a change to the policy and the roles' authority limits, all or nothing.

    Nothing changes in force: the proposal waits for a second administrator. `seen` is the
    fingerprint of the rows the page was drawn from; a proposal made from a page drawn before
    another change took effect (or with no fingerprint at all) is refused, as is one made
    while another waits. Raises `PolicyRejected` with every problem found; returns None, and
    records nothing, when the values change nothing.
    """
    if not actor.has_perm(Perm.MANAGE_POLICY):
        raise PolicyRejected(
            [PolicyProblem(REASON_SCOPE, "", _("Only an administrator can change the policy."))]
        )
    problems = reason_problems(reason)
    proposal = Proposal.of_current_rows(lock=True)
    if not seen or seen != policy_fingerprint(proposal.policy, proposal.limits):
        raise _stale_refusal()
    waiting = PolicyChange.objects.select_for_update().filter(status=PolicyChangeStatus.PENDING)
    if waiting.exists():
        raise PolicyRejected(
            [
                PolicyProblem(
                    REASON_SCOPE,
                    "",
                    _(
                        "Another change is waiting for approval. It must be approved, rejected "
                        "or withdrawn before a new one is proposed."
                    ),
                )
            ]
        )
    problems.extend(proposal.apply(policy_values, authority_values))
    if problems:
        raise PolicyRejected(problems)
    changes = proposal.changed_values()
    if not changes:
        return None
    change = PolicyChange.objects.create(
        proposed_by=actor,
        reason=reason.strip(),
        changes=changes,
        base=seen,
    )
    for approver in policy_approvers(change=change):
        account_services.notify(
            user=approver,
            title=gettext_noop("A policy change waits for your approval"),
            body=gettext_noop("Proposed by %(proposer)s: %(reason)s"),
            params={"proposer": actor.display_name, "reason": change.reason},
            link=reverse("policy:edit"),
        )
    return change


def _decidable(change: PolicyChange) -> PolicyChange:
    locked = PolicyChange.objects.select_for_update().get(pk=change.pk)
    if locked.status != PolicyChangeStatus.PENDING:
        raise PolicyRejected(
            [PolicyProblem(REASON_SCOPE, "", _("This change is no longer waiting for approval."))]
        )
    return locked


def _checker(change: PolicyChange, actor: User) -> None:
    if not actor.has_perm(Perm.MANAGE_POLICY):
        raise PolicyRejected(
            [PolicyProblem(REASON_SCOPE, "", _("Only an administrator can decide on this."))]
        )
    if change.proposed_by_id == actor.pk:
        raise PolicyRejected(
            [
                PolicyProblem(
                    REASON_SCOPE,
                    "",
                    _("You proposed this change, so another administrator must decide on it."),
                )
            ]
        )


@transaction.atomic
def policy_change_approve(*, change: PolicyChange, actor: User, note: str = "") -> PolicyChange:
    """A second administrator puts the proposed change in force.

    The rules are checked again on the rows as they are now; each changed row keeps a history
    record in the proposer's name and with their reason, dated when the change took effect.
    """
    change = _decidable(change)
    _checker(change, actor)
    proposal = Proposal.of_current_rows(lock=True)
    if change.base != policy_fingerprint(proposal.policy, proposal.limits):
        raise PolicyRejected(
            [
                PolicyProblem(
                    REASON_SCOPE,
                    "",
                    _(
                        "The policy changed after this proposal was made, so it cannot be "
                        "approved as it stands. Reject it and ask for a new proposal."
                    ),
                )
            ]
        )
    policy_values = change.changes.get(POLICY_SCOPE, {})
    authority_values = {
        role: values for role, values in change.changes.items() if role != POLICY_SCOPE
    }
    problems = proposal.apply(
        {name: value["new"] for name, value in policy_values.items()},
        {
            role: {name: value["new"] for name, value in values.items()}
            for role, values in authority_values.items()
        },
    )
    if problems:
        raise PolicyRejected(problems)
    now = timezone.now()
    for scope, row in proposal.rows.items():
        if proposal.changed[scope]:
            _save_with_history(
                row,
                proposal.before[scope],
                actor=change.proposed_by,
                reason=change.reason,
                when=now,
            )
    change.status = PolicyChangeStatus.APPROVED
    change.decided_by, change.decided_at, change.decision_note = actor, now, note.strip()[:500]
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    account_services.notify(
        user=change.proposed_by,
        title=gettext_noop("Your policy change was approved and is in force"),
        params={},
        link=reverse("policy:history"),
    )
    return change


@transaction.atomic
def policy_change_reject(*, change: PolicyChange, actor: User, note: str) -> PolicyChange:
    """A second administrator refuses the proposed change, saying why; it is kept."""
    change = _decidable(change)
    _checker(change, actor)
    note = note.strip()
    if not note:
        raise PolicyRejected(
            [PolicyProblem(REASON_SCOPE, "note", _("Say why you are rejecting this change."))]
        )
    change.status = PolicyChangeStatus.REJECTED
    change.decided_by, change.decided_at, change.decision_note = actor, timezone.now(), note[:500]
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    account_services.notify(
        user=change.proposed_by,
        title=gettext_noop("Your policy change was rejected"),
        body=gettext_noop("Reason given: %(note)s"),
        params={"note": change.decision_note},
        link=reverse("policy:history"),
    )
    return change


@transaction.atomic
def policy_change_withdraw(*, change: PolicyChange, actor: User) -> PolicyChange:
    """The proposer takes back a change nobody has decided on yet; it is kept."""
    change = _decidable(change)
    if change.proposed_by_id != actor.pk:
        raise PolicyRejected(
            [
                PolicyProblem(
                    REASON_SCOPE, "", _("Only the administrator who proposed it can withdraw it.")
                )
            ]
        )
    change.status = PolicyChangeStatus.WITHDRAWN
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_at"])
    return change


def _save_with_history(
    row: models.Model,
    before: models.Model,
    *,
    actor: User,
    reason: str,
    when: datetime.datetime,
) -> None:
    history: Any = type(row).history  # type: ignore[attr-defined]
    if not row._state.adding and not row.history.exists():  # type: ignore[attr-defined]
        # Rows created by the data migration have no history yet; without this record the
        # first change would show only the new values, not what they replaced.
        before._history_user = None  # type: ignore[attr-defined]
        history.bulk_history_create(
            [before],
            default_change_reason=BASELINE_REASON,
            default_date=getattr(before, "updated_at", None),
        )
    row.updated_by = actor  # type: ignore[attr-defined]
    row._history_user = actor  # type: ignore[attr-defined]
    row._change_reason = reason  # type: ignore[attr-defined]
    # The version is dated when it took effect: the moment of approval, shared by every row
    # the change touched and by the approval itself, which is how the history finds it.
    row._history_date = when  # type: ignore[attr-defined]
    row.save()


# --- The bank's calendar ---------------------------------------------------------------------


@transaction.atomic
def calendar_day_add(*, actor: User, day: datetime.date, kind: str, name: str) -> BankCalendarDay:
    """List a public holiday, or a weekend day worked in exchange for one (audited)."""
    require_policy_manager(actor)
    if BankCalendarDay.objects.filter(day=day).exists():
        raise CalendarRefused(_("That date is already in the calendar; remove it first."))
    entry = BankCalendarDay.objects.create(day=day, kind=kind, name=name.strip(), created_by=actor)
    account_services.audit_record(
        actor=actor,
        subject=None,
        action=AuditAction.CALENDAR_CHANGED,
        changes={"added": {"day": day.isoformat(), "kind": kind, "name": entry.name}},
    )
    return entry


@transaction.atomic
def calendar_day_remove(*, actor: User, entry: BankCalendarDay) -> None:
    """Take a day off the calendar (audited). Deadlines already promised do not move."""
    require_policy_manager(actor)
    account_services.audit_record(
        actor=actor,
        subject=None,
        action=AuditAction.CALENDAR_CHANGED,
        changes={"removed": {"day": entry.day.isoformat(), "kind": entry.kind, "name": entry.name}},
    )
    entry.delete()


class CalendarRefused(Exception):
    """A calendar change that cannot be made; the message says why."""


def require_policy_manager(actor: User) -> None:
    if not actor.has_perm(Perm.MANAGE_POLICY):
        raise PermissionDenied
