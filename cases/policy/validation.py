"""The values of the negotiation policy and the authority limits: their allowed ranges, the rules
that tie them together, and checking a proposed change against both on the state it would leave.
Nothing here saves anything: `cases.policy.services` does, with a second administrator's approval.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.roles import Role
from cases.models import AuthorityLimit, NegotiationPolicy
from cases.policy.rules import AUTHORITY

#: The roles that have authority limits, in the order they are shown and locked.
AUTHORITY_ROLES: tuple[str, ...] = (Role.AGENT.value, Role.SUPERVISOR.value)


#: Editable policy fields and the values the bank allows for each (inclusive).
POLICY_RANGES: dict[str, tuple[int, int] | None] = {
    "max_term_months": (1, 60),
    "offer_validity_days": (1, 90),
    "signature_days": (1, 60),
    "decision_business_days": (1, 30),
    "reminder_days_before": (1, 14),
    "quiet_hours_start": None,
    "quiet_hours_end": None,
    "max_contacts_per_day": (1, 10),
    "max_contacts_per_week": (1, 30),
    "broken_plan_tolerance_days": (1, 120),
    "stale_offer_tolerance_percent": (0, 10),
    "buffer_percent": (10, 60),
    "buffer_floor": (0, 5000),
    "roll_rate_low": (0, 100),
    "roll_rate_medium": (0, 100),
    "roll_rate_high": (0, 100),
    "roll_rate_very_high": (0, 100),
    "charge_off_recovery_percent": (0, 100),
    "risk_points_dpd_1": (0, 200),
    "risk_points_dpd_30": (0, 200),
    "risk_points_dpd_60": (0, 200),
    "risk_points_dpd_90": (0, 200),
    "risk_points_dpd_180": (0, 200),
    "risk_points_missed_payment": (0, 200),
    "risk_points_utilisation_90": (0, 200),
    "risk_points_over_limit": (0, 200),
    "risk_points_low_payments": (0, 200),
    "risk_points_cash": (0, 200),
    "risk_points_spending_rise": (0, 200),
    "risk_points_income_shortfall": (0, 200),
    "risk_band_medium_from": (1, 500),
    "risk_band_high_from": (1, 500),
    "risk_band_very_high_from": (1, 500),
    "auto_instalment": None,
    "auto_deferral": None,
    "auto_max_deferral_months": (0, 12),
    "auto_max_term_months": (1, 60),
    "auto_min_apr": (0, 100),
    "auto_max_interest_waiver_percent": (0, 100),
    "auto_max_fee_waiver_percent": (0, 100),
    "auto_max_balance": (0, 10_000_000),
    "auto_max_income_percent": (10, 100),
    "auto_risk_low": None,
    "auto_risk_medium": None,
    "auto_risk_high": None,
    "auto_risk_very_high": None,
    "auto_evidence_above": (0, 10_000_000),
    "auto_sample_percent": (0, 100),
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


def reason_problems(reason: str) -> list[PolicyProblem]:
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
    return Proposal.of_current_rows(lock=False).apply(policy_values, authority_values)


class Proposal:
    """The rows as a change would leave them, with what it changed."""

    def __init__(self, policy: NegotiationPolicy, limits: dict[str, AuthorityLimit]) -> None:
        self.policy = policy
        self.limits = limits
        self.rows: dict[str, models.Model] = {POLICY_SCOPE: policy, **limits}
        self.before = {scope: copy.copy(row) for scope, row in self.rows.items()}
        self.changed = dict.fromkeys(self.rows, False)

    @classmethod
    def of_current_rows(cls, *, lock: bool) -> Proposal:
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

    bands = tuple(
        (POLICY_SCOPE, name)
        for name in ("risk_band_medium_from", "risk_band_high_from", "risk_band_very_high_from")
    )
    if usable(*bands) and not (
        policy.risk_band_medium_from < policy.risk_band_high_from < policy.risk_band_very_high_from
    ):
        problems.append(
            PolicyProblem(
                POLICY_SCOPE,
                "risk_band_high_from",
                _("The risk bands must start at rising scores: medium, then high, then very high."),
            )
        )

    band_term = ((POLICY_SCOPE, "max_term_months"), (POLICY_SCOPE, "auto_max_term_months"))
    if usable(*band_term) and policy.auto_max_term_months > policy.max_term_months:
        problems.append(
            PolicyProblem(
                POLICY_SCOPE,
                "auto_max_term_months",
                _(
                    "Cannot be longer than the maximum plan length of the policy "
                    "(%(months)s months)."
                )
                % {"months": policy.max_term_months},
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
