"""Negotiation policy: authority limits per role, plan rules, contact rules, risk bands.

Policy is data (`NegotiationPolicy`, `AuthorityLimit`, edited by administrators with history);
these functions read it, falling back to the defaults below when a row is missing, and turn it
into the calculator's terms. Every caller goes through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Perm, Role
from cases.models import AuthorityLimit, CardAccount, NegotiationPolicy
from plans.calculator import (
    AffordabilityPolicy,
    AuthorityLimits,
    Policy,
    RecommendationPolicy,
    RiskBand,
    Schedule,
)
from plans.calculator.money import HUNDRED

#: Defaults, the same as the data migration `cases/0003_default_policy` writes.
PLAN_POLICY = Policy(max_term_months=60)
AUTHORITY: dict[str, AuthorityLimits] = {
    Role.AGENT: AuthorityLimits(
        max_interest_waiver_share=Decimal("0.5"),
        max_fee_waiver_share=Decimal("1"),
        max_settlement_discount=Decimal("20"),
        max_term_months=36,
        min_apr=Decimal("0"),
    ),
    Role.SUPERVISOR: AuthorityLimits(
        max_interest_waiver_share=Decimal("1"),
        max_fee_waiver_share=Decimal("1"),
        max_settlement_discount=Decimal("50"),
        max_term_months=60,
        min_apr=Decimal("0"),
    ),
}


def current_policy() -> NegotiationPolicy:
    return NegotiationPolicy.objects.filter(pk=1).first() or NegotiationPolicy(pk=1)


def plan_policy() -> Policy:
    return Policy(max_term_months=current_policy().max_term_months)


def affordability_policy(policy: NegotiationPolicy | None = None) -> AffordabilityPolicy:
    """What a plan must leave the cardholder of their monthly surplus."""
    policy = policy or current_policy()
    return AffordabilityPolicy(
        buffer_share=policy.buffer_percent / HUNDRED, buffer_floor=policy.buffer_floor
    )


def recommendation_policy() -> RecommendationPolicy:
    """The calculator's recommendation settings from the bank's policy: the plan rules, the
    safety buffer, and what it may expect with no plan in each risk band."""
    policy = current_policy()
    return RecommendationPolicy(
        plan_policy=Policy(max_term_months=policy.max_term_months),
        affordability=affordability_policy(policy),
        roll_rates={
            RiskBand.LOW: policy.roll_rate_low / HUNDRED,
            RiskBand.MEDIUM: policy.roll_rate_medium / HUNDRED,
            RiskBand.HIGH: policy.roll_rate_high / HUNDRED,
            RiskBand.VERY_HIGH: policy.roll_rate_very_high / HUNDRED,
        },
        charge_off_recovery=policy.charge_off_recovery_percent / HUNDRED,
    )


def policy_authority() -> AuthorityLimits:
    """The most the bank's policy allows anyone to agree: the widest of every role's limits.

    Recommendations are worked out within it, so what a cardholder is shown does not depend
    on who is looking; a plan beyond the offering agent's own limits goes for approval.
    """
    limits = [authority_limits(role) for role in (Role.AGENT, Role.SUPERVISOR)]
    return AuthorityLimits(
        max_interest_waiver_share=max(limit.max_interest_waiver_share for limit in limits),
        max_fee_waiver_share=max(limit.max_fee_waiver_share for limit in limits),
        max_settlement_discount=max(limit.max_settlement_discount for limit in limits),
        max_term_months=max(limit.max_term_months for limit in limits),
        min_apr=min(limit.min_apr for limit in limits),
    )


def risk_band_q(band: RiskBand, prefix: str = "") -> Q:
    """The rows in `band`: scored accounts by their score's band, the others by days past due
    (`prefix` leads to the account, e.g. "account__")."""
    low, high = RISK_BAND_DAYS[band]
    unscored = Q(**{f"{prefix}risk_band": "", f"{prefix}days_past_due__gte": low})
    if high is not None:
        unscored &= Q(**{f"{prefix}days_past_due__lte": high})
    return Q(**{f"{prefix}risk_band": band.value}) | unscored


def authority_limits(role: str) -> AuthorityLimits:
    row = AuthorityLimit.objects.filter(role=role).first()
    if row is None:
        return AUTHORITY[role]
    return AuthorityLimits(
        max_interest_waiver_share=row.max_interest_waiver_share,
        max_fee_waiver_share=row.max_fee_waiver_share,
        max_settlement_discount=row.max_settlement_discount,
        max_term_months=row.max_term_months,
        min_apr=row.min_apr,
    )


def role_for_authority(user: User) -> str:
    return Role.SUPERVISOR if user.has_perm(Perm.APPROVE_OFFERS) else Role.AGENT


def authority_for(user: User) -> AuthorityLimits:
    return authority_limits(role_for_authority(user))


#: The days past due each risk band covers (the upper bound included; None: no upper bound),
#: until the bank's risk model feeds one in. The queue filters by the same bands.
RISK_BAND_DAYS: dict[RiskBand, tuple[int, int | None]] = {
    RiskBand.LOW: (0, 29),
    RiskBand.MEDIUM: (30, 89),
    RiskBand.HIGH: (90, 179),
    RiskBand.VERY_HIGH: (180, None),
}
RISK_BAND_LABELS: dict[RiskBand, Any] = {
    RiskBand.LOW: gettext_lazy("Low"),
    RiskBand.MEDIUM: gettext_lazy("Medium"),
    RiskBand.HIGH: gettext_lazy("High"),
    RiskBand.VERY_HIGH: gettext_lazy("Very high"),
}


def risk_band_for(account: CardAccount) -> RiskBand:
    """The band of the account's risk score (cases/risk.py); until it is scored, the band
    whose days past due include the account's."""
    if account.risk_band in RiskBand.__members__.values():
        return RiskBand(account.risk_band)
    days = account.days_past_due
    for band, (_low, high) in RISK_BAND_DAYS.items():
        if high is None or days <= high:
            return band
    return RiskBand.VERY_HIGH


@dataclass(frozen=True)
class Excess:
    """One authority limit an offer goes beyond: what was allowed, what is offered."""

    limit: str
    allowed: str
    offered: str

    def as_json(self) -> dict[str, str]:
        return {"limit": self.limit, "allowed": self.allowed, "offered": self.offered}


def exceeded_limits(
    schedule: Schedule, limits: AuthorityLimits, *, current_apr: Decimal
) -> list[Excess]:
    """Every limit of `limits` that `schedule` goes beyond, with the amounts, for the approver."""
    terms = schedule.terms
    excesses = []
    allowed_interest = limits.max_interest_waiver(terms.accrued_interest)
    if terms.interest_waived > allowed_interest:
        excesses.append(
            Excess("interest_waiver", str(allowed_interest), str(terms.interest_waived))
        )
    allowed_fees = limits.max_fee_waiver(terms.fees)
    if terms.fees_waived > allowed_fees:
        excesses.append(Excess("fee_waiver", str(allowed_fees), str(terms.fees_waived)))
    if schedule.months > limits.max_term_months:
        excesses.append(Excess("term", str(limits.max_term_months), str(schedule.months)))
    if terms.settlement_percent is not None:
        discount = HUNDRED - terms.settlement_percent
        if discount > limits.max_settlement_discount:
            excesses.append(
                Excess("settlement_discount", str(limits.max_settlement_discount), str(discount))
            )
    elif not limits.permits(schedule, current_apr=current_apr) and not excesses:
        excesses.append(Excess("min_apr", str(limits.min_apr), str(terms.plan_apr)))
    return excesses
