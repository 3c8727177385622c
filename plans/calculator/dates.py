"""Due dates: monthly on the start date's day, or the month's last day when it has no such day."""

from __future__ import annotations

import calendar
import re
from datetime import MAXYEAR, date
from functools import lru_cache

from .errors import CalculatorError

_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February: common year
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def add_months(start: date, months: int) -> date:
    """Return the date ``months`` calendar months after ``start``.

    The day is ``start``'s day, or the last day of the target month when that
    month is shorter (31 Jan + 1 month = 28 or 29 Feb; 31 Jan + 2 months = 31 Mar).
    Always computed from ``start``, never from an earlier rolled date.
    """
    index = start.month - 1 + months
    year = start.year + index // 12
    if not 1 <= year <= MAXYEAR:
        raise CalculatorError("date_out_of_range")
    month = index % 12 + 1
    day = start.day
    if day > 28:
        last = 29 if month == 2 and calendar.isleap(year) else _DAYS_IN_MONTH[month]
        day = min(day, last)
    return date(year, month, day)


def due_date(start: date, n: int) -> date:
    """Due date of row ``n`` (1-based): row 1 falls on ``start``."""
    return add_months(start, n - 1)


@lru_cache(maxsize=256)
def due_dates(start: date, count: int) -> tuple[date, ...]:
    """Due dates of rows 1..``count``: ``due_date(start, n)`` for each n (memoised)."""
    return tuple(add_months(start, n) for n in range(count))


def parse_date(text: str, field: str = "start_date") -> date:
    """Parse ``YYYY-MM-DD`` strictly.

    Raises :class:`CalculatorError` (``invalid_date``) for other forms and for
    impossible dates such as 2023-02-29.
    """
    stripped = text.strip()
    if not _ISO_DATE.fullmatch(stripped):
        raise CalculatorError("invalid_date", field=field, value=text)
    try:
        return date.fromisoformat(stripped)
    except ValueError:
        raise CalculatorError("invalid_date", field=field, value=text) from None
