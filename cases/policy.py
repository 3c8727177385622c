"""Negotiation policy: authority limits per role, risk bands, and the plan rules.

These are the defaults until policy becomes data an administrator edits (with history); every
caller goes through these functions so that the change is made in one place.
"""

from __future__ import annotations

from decimal import Decimal

from accounts.models import User
from accounts.roles import Perm, Role
from cases.models import CardAccount
from plans.calculator import AuthorityLimits, Policy, RiskBand

PLAN_POLICY = Policy(max_term_months=60)

#: What each role may agree to without a second pair of eyes. Cardholders see recommendations
#: computed within an agent's authority, so that what they request can be granted at once.
AUTHORITY: dict[str, AuthorityLimits] = {
    Role.AGENT: AuthorityLimits(
        max_interest_waiver_share=Decimal("0.50"),
        max_fee_waiver_share=Decimal("1.00"),
        max_settlement_discount=Decimal("20"),
        max_term_months=36,
        min_apr=Decimal("0"),
    ),
    Role.SUPERVISOR: AuthorityLimits(
        max_interest_waiver_share=Decimal("1.00"),
        max_fee_waiver_share=Decimal("1.00"),
        max_settlement_discount=Decimal("50"),
        max_term_months=60,
        min_apr=Decimal("0"),
    ),
}


def authority_for(user: User) -> AuthorityLimits:
    if user.has_perm(Perm.APPROVE_OFFERS):
        return AUTHORITY[Role.SUPERVISOR]
    return AUTHORITY[Role.AGENT]


def risk_band_for(account: CardAccount) -> RiskBand:
    """A simple band from days past due, until the bank's risk model feeds one in."""
    days = account.days_past_due
    if days < 30:
        return RiskBand.LOW
    if days < 90:
        return RiskBand.MEDIUM
    if days < 180:
        return RiskBand.HIGH
    return RiskBand.VERY_HIGH
