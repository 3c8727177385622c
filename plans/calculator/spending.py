"""Spending insights: months of card spending by category, averages, and what changed.

Pure arithmetic over (date, category, amount) triples; the Django layer reads transactions and
passes them in. Spending is positive; payments, refunds and other credits (negative amounts)
are not spending and are ignored here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .money import HUNDRED, ZERO, to_money


def _month(day: date) -> date:
    return day.replace(day=1)


def months_ending(today: date, count: int) -> tuple[date, ...]:
    """The first days of the `count` calendar months ending with `today`'s month, oldest first."""
    year, month = today.year, today.month
    firsts = []
    for _ in range(count):
        firsts.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return tuple(reversed(firsts))


@dataclass(frozen=True)
class CategoryTrend:
    """One category: its total per month, its monthly average, and the recent change.

    `change` compares the average of the latest `window` months with the `window` before them;
    `change_percent` is None when the earlier average was zero.
    """

    category: str
    monthly: tuple[Decimal, ...]
    average: Decimal
    recent_average: Decimal
    earlier_average: Decimal
    change: Decimal
    change_percent: Decimal | None


@dataclass(frozen=True)
class SpendingSummary:
    months: tuple[date, ...]
    categories: tuple[CategoryTrend, ...]  # largest average first
    monthly_totals: tuple[Decimal, ...]
    average_total: Decimal

    def average_for(self, category: str) -> Decimal:
        for trend in self.categories:
            if trend.category == category:
                return trend.average
        return ZERO

    def share_of(self, category: str) -> Decimal:
        """The category's share of average monthly spending, 0 to 1 (0 with no spending)."""
        if self.average_total <= ZERO:
            return Decimal("0")
        return self.average_for(category) / self.average_total


def _average(values: Iterable[Decimal], count: int) -> Decimal:
    return to_money(sum(values, ZERO) / count) if count else ZERO


def summarise_spending(
    transactions: Iterable[tuple[date, str, Decimal]],
    *,
    today: date,
    months: int = 6,
    window: int = 3,
) -> SpendingSummary:
    """Summarise the spending of the `months` calendar months ending with `today`'s month."""
    if months < 2 or not 1 <= window <= months // 2:
        raise ValueError("months must be at least 2 and window at most half of it")
    firsts = months_ending(today, months)
    index = {first: position for position, first in enumerate(firsts)}
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * months)
    for posted_on, category, amount in transactions:
        position = index.get(_month(posted_on))
        if position is None or amount <= ZERO:
            continue
        totals[category][position] += amount

    trends = []
    for category, monthly in totals.items():
        recent = _average(monthly[-window:], window)
        earlier = _average(monthly[-2 * window : -window], window)
        change = to_money(recent - earlier)
        percent = None if earlier == ZERO else to_money(change * HUNDRED / earlier)
        trends.append(
            CategoryTrend(
                category=category,
                monthly=tuple(to_money(value) for value in monthly),
                average=_average(monthly, months),
                recent_average=recent,
                earlier_average=earlier,
                change=change,
                change_percent=percent,
            )
        )
    trends.sort(key=lambda trend: (-trend.average, trend.category))
    monthly_totals = tuple(
        to_money(sum((trend.monthly[i] for trend in trends), ZERO)) for i in range(months)
    )
    return SpendingSummary(
        months=firsts,
        categories=tuple(trends),
        monthly_totals=monthly_totals,
        average_total=_average(monthly_totals, months),
    )
