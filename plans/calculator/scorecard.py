"""An explainable risk score: points for what the bank knows of an account, each with its reason.

Pure functions over plain inputs (no Django), like the rest of the calculator. The points are
policy data (`Scorecard`, built from the negotiation policy); the band follows from the total.
Every point shown to staff comes with the fact that earned it, e.g. "+30: three months of the
last six paid below the minimum".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .recommend import RiskBand

#: The shares and changes the facts are compared with (documented in docs/risk.md).
HIGH_UTILISATION = Decimal("0.90")
LOW_PAYMENT_RATIO = Decimal("0.50")
LARGE_CASH_SHARE = Decimal("0.20")
LARGE_SPENDING_RISE = Decimal("0.30")
MISSED_MONTHS_COUNTED = 3


@dataclass(frozen=True)
class RiskFacts:
    """What the bank knows of one account. None: not known (it earns no points)."""

    days_past_due: int
    missed_months: int | None = None  # of the last six, months paid below the minimum
    utilisation: Decimal | None = None  # what is owed / the credit limit
    payment_ratio: Decimal | None = None  # paid over six months / the minimums due then
    cash_share: Decimal | None = None  # cash withdrawals / spending, last six months
    spending_change: Decimal | None = None  # last three months against the three before
    income_shortfall: bool | None = None  # the statement's income below essentials and debts


@dataclass(frozen=True)
class Scorecard:
    """Points per fact and where each band starts (the policy's values)."""

    dpd_1: int = 10
    dpd_30: int = 25
    dpd_60: int = 40
    dpd_90: int = 60
    dpd_180: int = 80
    missed_payment: int = 10
    utilisation_90: int = 10
    over_limit: int = 20
    low_payments: int = 15
    cash: int = 10
    spending_rise: int = 10
    income_shortfall: int = 15
    medium_from: int = 25
    high_from: int = 60
    very_high_from: int = 80


@dataclass(frozen=True)
class Reason:
    points: int
    code: str
    value: str = ""


@dataclass(frozen=True)
class RiskScore:
    points: int
    band: RiskBand
    reasons: tuple[Reason, ...]


def _dpd_points(days: int, card: Scorecard) -> int:
    for start, points in (
        (180, card.dpd_180),
        (90, card.dpd_90),
        (60, card.dpd_60),
        (30, card.dpd_30),
        (1, card.dpd_1),
    ):
        if days >= start:
            return points
    return 0


def band_for(points: int, card: Scorecard) -> RiskBand:
    if points >= card.very_high_from:
        return RiskBand.VERY_HIGH
    if points >= card.high_from:
        return RiskBand.HIGH
    if points >= card.medium_from:
        return RiskBand.MEDIUM
    return RiskBand.LOW


def score(facts: RiskFacts, card: Scorecard | None = None) -> RiskScore:
    """The account's points, band and the reason for every point."""
    card = card or Scorecard()
    reasons: list[Reason] = []

    def add(points: int, code: str, value: object = "") -> None:
        if points:
            reasons.append(Reason(points, code, str(value)))

    add(_dpd_points(facts.days_past_due, card), "days_past_due", facts.days_past_due)
    if facts.missed_months:
        counted = min(facts.missed_months, MISSED_MONTHS_COUNTED)
        add(card.missed_payment * counted, "missed_months", facts.missed_months)
    if facts.utilisation is not None:
        if facts.utilisation > 1:
            add(card.over_limit, "over_limit", _percent(facts.utilisation))
        elif facts.utilisation >= HIGH_UTILISATION:
            add(card.utilisation_90, "high_utilisation", _percent(facts.utilisation))
    if facts.payment_ratio is not None and facts.payment_ratio < LOW_PAYMENT_RATIO:
        add(card.low_payments, "low_payments", _percent(facts.payment_ratio))
    if facts.cash_share is not None and facts.cash_share >= LARGE_CASH_SHARE:
        add(card.cash, "cash_share", _percent(facts.cash_share))
    if facts.spending_change is not None and facts.spending_change >= LARGE_SPENDING_RISE:
        add(card.spending_rise, "spending_rise", _percent(facts.spending_change))
    if facts.income_shortfall:
        add(card.income_shortfall, "income_shortfall")
    points = sum(reason.points for reason in reasons)
    return RiskScore(points=points, band=band_for(points, card), reasons=tuple(reasons))


def _percent(share: Decimal) -> str:
    return str((share * 100).quantize(Decimal("1")))


@dataclass(frozen=True)
class MonthActivity:
    """One calendar month of an account: what was paid (positive), bought and withdrawn."""

    payments: Decimal = Decimal("0")
    purchases: Decimal = Decimal("0")
    cash: Decimal = Decimal("0")
    active: bool = False  # any transaction at all that month


def risk_facts(
    *,
    days_past_due: int,
    months: tuple[MonthActivity, ...],
    minimum_due: Decimal,
    owed: Decimal,
    credit_limit: Decimal,
    income: Decimal | None = None,
    outgoings: Decimal | None = None,
) -> RiskFacts:
    """The facts a score needs from an account's last months (oldest first), its balances and,
    when there is one, the case's statement (monthly income against essentials and debts).
    A month with no transaction at all says nothing (the history may not reach back so far)."""
    active = [month for month in months if month.active]
    missed = None
    ratio = None
    if active and minimum_due > 0:
        missed = sum(1 for month in active if month.payments < minimum_due)
        ratio = sum((m.payments for m in active), Decimal("0")) / (minimum_due * len(active))
    spent = sum((m.purchases + m.cash for m in active), Decimal("0"))
    cash = sum((m.cash for m in active), Decimal("0"))
    change = None
    if len(months) >= 6:
        earlier = sum((m.purchases + m.cash for m in months[-6:-3]), Decimal("0"))
        recent = sum((m.purchases + m.cash for m in months[-3:]), Decimal("0"))
        if earlier > 0:
            change = (recent - earlier) / earlier
    return RiskFacts(
        days_past_due=days_past_due,
        missed_months=missed,
        utilisation=owed / credit_limit if credit_limit > 0 else None,
        payment_ratio=ratio,
        cash_share=cash / spent if spent > 0 else None,
        spending_change=change,
        income_shortfall=(
            income < outgoings if income is not None and outgoings is not None else None
        ),
    )
