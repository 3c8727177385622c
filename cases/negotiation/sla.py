"""Service-level deadlines: when a decision is due."""

from __future__ import annotations

from datetime import datetime, timedelta


def add_business_days(start: datetime, days: int) -> datetime:
    """`days` working days after `start` (Saturdays and Sundays do not count).

    Public holidays are not modelled yet: a deadline may land on one, which errs on the side
    of the cardholder (an earlier answer).
    """
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
