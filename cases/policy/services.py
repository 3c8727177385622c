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

import copy
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import services as account_services
from accounts.models import User
from accounts.roles import Perm, Role
from cases.models import AuthorityLimit, NegotiationPolicy, PolicyChange, PolicyChangeStatus
from cases.policy.rules import AUTHORITY

#: The roles that have authority limits, in the order they are shown and locked.
AUTHORITY_ROLES: tuple[str, ...] = (Role.AGENT.value, Role.SUPERVISOR.value)

#: Editable policy fields and the values the bank allows for each (inclusive).
POLICY_RANGES: dict[str, tuple[int, int] | None] = {
    "max_term_months": (1, 60),
    "offer_validity_days": (1, 90),
    "decision_business_days": (1, 30),
    "quiet_hours_start": None,
    "quiet_hours_end": None,
    "max_contacts_per_day": (1, 10),
    "max_contacts_per_week": (1, 30),
    "broken_plan_tolerance_days": (1, 120),
}
POLICY_FIELDS = tuple(POLICY_RANGES)

#: Editable authority-limit fields and their allowed values (inclusive).
AUTHORITY_RANGES: dict[str, tuple[int, int] | None] = {
    "max_interest_waiver_share": (0, 1),
    "max_fee_waiver_share": (0, 1),
    "max_settlement_discount": (0, 100),
    "max_term_months": (1, 60),
    "min_apr": (0, 100),
}
AUTHORITY_FIELDS = tuple(AUTHORITY_RANGES)

#: Limits where a larger number is more generous; `min_apr` is the one where a smaller one is.
_GENEROUS_WHEN_LARGER = (
    "max_interest_waiver_share",
    "max_fee_waiver_share",
    "max_settlement_discount",
    "max_term_months",
)

MANAGE_POLICY_CODENAME = Perm.MANAGE_POLICY.split(".", 1)[1]

#: The history keeps this many characters of a reason (simple_history's column).
REASON_MAX_LENGTH = 100

#: Reason on the record of the values in force before the first recorded change; stored in
#: English, translated when shown.
BASELINE_REASON = gettext_noop("Values in force before the first recorded change")

#: The scope of a problem with the reason rather than with a value.
REASON_SCOPE = "reason"
POLICY_SCOPE = "policy"


@dataclass(frozen=True)
class PolicyProblem:
    """One thing wrong with a proposed change: where (`scope` is "policy", a role or
    "reason"; `field` a field name, or "" for the scope as a whole) and why, translated."""

    scope: str
    field: str
    message: str


class PolicyRejected(Exception):
    """The proposed change breaks a rule; nothing was saved."""

    def __init__(self, problems: list[PolicyProblem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


def range_message(low: int, high: int) -> str:
    return _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}


def current_authority_limit_rows() -> dict[str, AuthorityLimit]:
    """The limit row of each role; a role without a row gets an unsaved one with the defaults."""
    return _with_defaults(AuthorityLimit.objects.filter(role__in=AUTHORITY_ROLES))


def policy_fingerprint(policy: NegotiationPolicy, limits: Mapping[str, AuthorityLimit]) -> str:
    """When each row last changed: the page carries it, so that a save made from a page drawn
    before another administrator's save is refused instead of silently undoing it."""
    rows: list[Any] = [policy, *(limits[role] for role in AUTHORITY_ROLES)]
    return "|".join(row.updated_at.isoformat() if row.updated_at else "-" for row in rows)


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
    problems = _reason_problems(reason)
    proposal = _Proposal.of_current_rows(lock=True)
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
    proposal = _Proposal.of_current_rows(lock=True)
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


def _reason_problems(reason: str) -> list[PolicyProblem]:
    reason = reason.strip()
    if not reason:
        return [PolicyProblem(REASON_SCOPE, "reason", _("Say why you are making this change."))]
    if len(reason) > REASON_MAX_LENGTH:
        return [
            PolicyProblem(
                REASON_SCOPE,
                "reason",
                _("Keep the reason to %(count)s characters or fewer.")
                % {"count": REASON_MAX_LENGTH},
            )
        ]
    return []


def policy_check(
    *, policy_values: Mapping[str, Any], authority_values: Mapping[str, Mapping[str, Any]]
) -> list[PolicyProblem]:
    """What `policy_update` would refuse in these values (the reason aside); saves nothing.

    Lets a page show every problem at once, even while the reason is still missing.
    """
    return _Proposal.of_current_rows(lock=False).apply(policy_values, authority_values)


class _Proposal:
    """The rows as a change would leave them, with what it changed."""

    def __init__(self, policy: NegotiationPolicy, limits: dict[str, AuthorityLimit]) -> None:
        self.policy = policy
        self.limits = limits
        self.rows: dict[str, models.Model] = {POLICY_SCOPE: policy, **limits}
        self.before = {scope: copy.copy(row) for scope, row in self.rows.items()}
        self.changed = dict.fromkeys(self.rows, False)

    @classmethod
    def of_current_rows(cls, *, lock: bool) -> _Proposal:
        policies = NegotiationPolicy.objects.filter(pk=1)
        limits = AuthorityLimit.objects.filter(role__in=AUTHORITY_ROLES).order_by("role")
        if lock:
            # Locked in a fixed order (policy, then limits by role): two editors cannot
            # deadlock, and the second sees the first one's values.
            policies = policies.select_for_update()
            limits = limits.select_for_update()
        policy = policies.first() or NegotiationPolicy(pk=1)
        return cls(policy, _with_defaults(limits))

    def apply(
        self,
        policy_values: Mapping[str, Any],
        authority_values: Mapping[str, Mapping[str, Any]],
    ) -> list[PolicyProblem]:
        """Set the values on the rows; every problem with them, or with the result."""
        _refuse_unknown_fields(policy_values, POLICY_FIELDS, "policy")
        unknown_roles = set(authority_values) - set(AUTHORITY_ROLES)
        if unknown_roles:
            raise ValueError(f"No authority limits for roles: {', '.join(sorted(unknown_roles))}")
        for role, values in authority_values.items():
            _refuse_unknown_fields(values, AUTHORITY_FIELDS, role)

        problems: list[PolicyProblem] = []
        self.changed[POLICY_SCOPE] = _apply(
            self.policy, policy_values, POLICY_RANGES, POLICY_SCOPE, problems
        )
        for role in AUTHORITY_ROLES:
            self.changed[role] = _apply(
                self.limits[role], authority_values.get(role, {}), AUTHORITY_RANGES, role, problems
            )
        return problems + _rule_problems(self.policy, self.limits, problems)

    def changed_values(self) -> dict[str, dict[str, dict[str, Any]]]:
        """{scope: {field: {"old", "new"}}} for every value the change alters, as JSON."""
        changes: dict[str, dict[str, dict[str, Any]]] = {}
        for scope, row in self.rows.items():
            before = self.before[scope]
            fields = POLICY_FIELDS if scope == POLICY_SCOPE else AUTHORITY_FIELDS
            for name in fields:
                old, new = getattr(before, name), getattr(row, name)
                if old != new:
                    changes.setdefault(scope, {})[name] = {
                        "old": _as_json(old),
                        "new": _as_json(new),
                    }
        return changes


def _with_defaults(rows: Iterable[AuthorityLimit]) -> dict[str, AuthorityLimit]:
    found = {row.role: row for row in rows}
    return {role: found.get(role) or _default_limit(role) for role in AUTHORITY_ROLES}


def _default_limit(role: str) -> AuthorityLimit:
    defaults = AUTHORITY[role]
    return AuthorityLimit(
        role=role,
        max_interest_waiver_share=defaults.max_interest_waiver_share,
        max_fee_waiver_share=defaults.max_fee_waiver_share,
        max_settlement_discount=defaults.max_settlement_discount,
        max_term_months=defaults.max_term_months,
        min_apr=defaults.min_apr,
    )


def _refuse_unknown_fields(values: Mapping[str, Any], known: tuple[str, ...], what: str) -> None:
    unknown = set(values) - set(known)
    if unknown:
        raise TypeError(f"Not editable {what} fields: {', '.join(sorted(unknown))}")


def _apply(
    row: models.Model,
    values: Mapping[str, Any],
    ranges: Mapping[str, tuple[int, int] | None],
    scope: str,
    problems: list[PolicyProblem],
) -> bool:
    """Set the valid values on `row`, record a problem for each invalid one; True if any
    value differs from the row's."""
    changed = False
    for name, raw in values.items():
        field = row._meta.get_field(name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{name} is a relation, not a value")
        try:
            value = field.clean(raw, row)
        except ValidationError as error:
            problems.extend(PolicyProblem(scope, name, message) for message in error.messages)
            continue
        bounds = ranges[name]
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            problems.append(PolicyProblem(scope, name, range_message(*bounds)))
            continue
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _rule_problems(
    policy: NegotiationPolicy,
    limits: Mapping[str, AuthorityLimit],
    found: list[PolicyProblem],
) -> list[PolicyProblem]:
    """The rules that tie values together, checked on the state the change would leave.

    A value that was itself refused is left out: comparing against the value it would have
    replaced would only add confusing messages.
    """
    refused = {(problem.scope, problem.field) for problem in found}
    problems: list[PolicyProblem] = []

    def usable(*keys: tuple[str, str]) -> bool:
        return not refused.intersection(keys)

    contacts = ((POLICY_SCOPE, "max_contacts_per_day"), (POLICY_SCOPE, "max_contacts_per_week"))
    if usable(*contacts) and policy.max_contacts_per_day > policy.max_contacts_per_week:
        problems.append(
            PolicyProblem(
                POLICY_SCOPE,
                "max_contacts_per_day",
                _("Contacts a day cannot be more than contacts a week (%(week)s).")
                % {"week": policy.max_contacts_per_week},
            )
        )

    quiet = ((POLICY_SCOPE, "quiet_hours_start"), (POLICY_SCOPE, "quiet_hours_end"))
    if usable(*quiet) and policy.quiet_hours_start == policy.quiet_hours_end:
        # Equal ends would make the quiet hours empty: the rule would silently stop applying.
        problems.append(
            PolicyProblem(
                POLICY_SCOPE,
                "quiet_hours_end",
                _("The quiet hours must end at a different time from when they start."),
            )
        )

    for role, row in limits.items():
        terms = ((POLICY_SCOPE, "max_term_months"), (role, "max_term_months"))
        if usable(*terms) and row.max_term_months > policy.max_term_months:
            problems.append(
                PolicyProblem(
                    role,
                    "max_term_months",
                    _(
                        "Cannot be longer than the maximum plan length of the policy "
                        "(%(months)s months)."
                    )
                    % {"months": policy.max_term_months},
                )
            )

    agent_role, supervisor_role = Role.AGENT.value, Role.SUPERVISOR.value
    agent, supervisor = limits[agent_role], limits[supervisor_role]
    for name in AUTHORITY_FIELDS:
        if not usable((agent_role, name), (supervisor_role, name)):
            continue
        agent_value: Decimal | int = getattr(agent, name)
        supervisor_value: Decimal | int = getattr(supervisor, name)
        if name in _GENEROUS_WHEN_LARGER:
            beyond = agent_value > supervisor_value
            message = _("An agent may not be allowed more than a supervisor: at most %(limit)s.")
        else:
            beyond = agent_value < supervisor_value
            message = _(
                "An agent may not offer a lower APR than a supervisor can: at least %(limit)s."
            )
        if beyond:
            problems.append(
                PolicyProblem(agent_role, name, message % {"limit": _plain(supervisor_value)})
            )
    return problems


def _as_json(value: Any) -> Any:
    if isinstance(value, int):
        return value
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return str(value)


def _plain(value: Decimal | int) -> str:
    """A number without trailing zeros: 0.5000 → 0.5, 50.00 → 50."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


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
