"""Service-level deadlines: when a decision is due, counted on the bank's calendar."""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from django.conf import settings

from cases.models import BankCalendarDay, CalendarDayKind


def is_working_day(day: date, calendar: Mapping[date, str]) -> bool:
    """Monday to Friday, unless the calendar lists a public holiday; a weekend day the calendar
    lists as worked (a swapped day) counts."""
    kind = calendar.get(day)
    if kind == CalendarDayKind.HOLIDAY:
        return False
    if kind == CalendarDayKind.WORKING:
        return True
    return day.weekday() < 5


def calendar_between(first: date, last: date) -> dict[date, str]:
    """The calendar's special days from `first` to `last`, inclusive."""
    return dict(BankCalendarDay.objects.filter(day__range=(first, last)).values_list("day", "kind"))


def add_business_days(start: datetime, days: int) -> datetime:
    """The end of the `days`-th working day after `start`, on the bank's calendar and in its time
    zone (settings.TIME_ZONE): weekends and listed public holidays do not count, swapped
    working days do. The promise is "by the end of that day", so the result is 23:59:59 there.
    """
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    day = start.astimezone(zone).date()
    window = timedelta(days=max(days * 3, 14) + 40)  # room for a month of holidays
    calendar: dict[date, str] = {}
    loaded_until = day
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if day > loaded_until:
            calendar.update(calendar_between(day, day + window))
            loaded_until = day + window
        if is_working_day(day, calendar):
            remaining -= 1
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone)
