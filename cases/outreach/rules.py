"""The contact rules: when the bank may contact a cardholder, and how often.

One implementation for every outbound contact: the agent's call logged by hand is checked
against these rules (and warned), an automated reminder waits for the next allowed time or is
held back. The rules: the policy's quiet hours and the cardholder's own contact hours, both in
the cardholder's time zone, and the policy's caps on outbound contacts a day and a week (on the
card account, whoever made them; messages in the online inbox do not count).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import Profile
from cases.models import CardAccount, ContactChannelKind, ContactLog, Direction
from cases.policy.rules import current_policy

QUIET_HOURS = "quiet_hours"
CONTACT_HOURS = "contact_hours"
DAILY_CAP = "daily_cap"
WEEKLY_CAP = "weekly_cap"
#: Breaches that pass with time: a contact waits for the next allowed moment.
TIMING_RULES = frozenset({QUIET_HOURS, CONTACT_HOURS})


@dataclass(frozen=True)
class Breach:
    rule: str
    message: str


@dataclass(frozen=True)
class Window:
    """The hours of the day a cardholder may be contacted, in their time zone."""

    zone: zoneinfo.ZoneInfo
    quiet_start: time
    quiet_end: time
    contact_from: time | None
    contact_until: time | None

    def in_quiet_hours(self, clock: time) -> bool:
        start, end = self.quiet_start, self.quiet_end
        return (clock >= start or clock < end) if start > end else (start <= clock < end)

    def outside_contact_hours(self, clock: time) -> bool:
        if self.contact_from is None or self.contact_until is None:
            return False
        return not self.contact_from <= clock < self.contact_until

    def allows(self, at: datetime) -> bool:
        clock = at.astimezone(self.zone).time()
        return not self.in_quiet_hours(clock) and not self.outside_contact_hours(clock)

    def next_allowed(self, after: datetime) -> datetime:
        """`after` itself if it is allowed, else the first allowed moment after it.

        An allowed stretch always starts at the end of the quiet hours or at the start of the
        cardholder's hours, so those are the only candidates, day by day in their time zone
        (which keeps daylight-saving changes right). None in three days (the cardholder's
        hours lie entirely inside the quiet hours) falls back to the end of the quiet hours.
        """
        if self.allows(after):
            return after
        starts = [self.quiet_end] + ([self.contact_from] if self.contact_from else [])
        local_day = after.astimezone(self.zone).date()
        for offset in range(4):
            day = local_day + timedelta(days=offset)
            for start in sorted(starts):
                candidate = datetime.combine(day, start, tzinfo=self.zone)
                if candidate > after and self.allows(candidate):
                    return candidate
        day = local_day + timedelta(days=1)
        return datetime.combine(day, self.quiet_end, tzinfo=self.zone)


def holder_profile(account: CardAccount) -> Profile | None:
    holder = account.holder
    return getattr(holder, "profile", None) if holder else None


def contact_window(profile: Profile | None) -> Window:
    policy = current_policy()
    zone_name = profile.time_zone if profile else settings.TIME_ZONE
    return Window(
        zone=zoneinfo.ZoneInfo(zone_name),
        quiet_start=policy.quiet_hours_start,
        quiet_end=policy.quiet_hours_end,
        contact_from=profile.contact_from if profile else None,
        contact_until=profile.contact_until if profile else None,
    )


def contact_breaches(account: CardAccount, *, at: datetime) -> list[Breach]:
    """The contact rules an outbound contact with the account's holder at `at` would break,
    each with its message in the reader's language."""
    policy = current_policy()
    profile = holder_profile(account)
    window = contact_window(profile)
    clock = at.astimezone(window.zone).time()
    breaches = []
    if window.in_quiet_hours(clock):
        breaches.append(
            Breach(
                QUIET_HOURS,
                _("It is %(time)s for the cardholder: inside the quiet hours (%(start)s–%(end)s).")
                % {
                    "time": clock.strftime("%H:%M"),
                    "start": window.quiet_start.strftime("%H:%M"),
                    "end": window.quiet_end.strftime("%H:%M"),
                },
            )
        )
    elif profile and window.outside_contact_hours(clock):
        breaches.append(
            Breach(
                CONTACT_HOURS,
                _("The cardholder asked to be contacted only between %(start)s and %(end)s.")
                % {
                    "start": profile.contact_from.strftime("%H:%M"),
                    "end": profile.contact_until.strftime("%H:%M"),
                },
            )
        )
    outbound = ContactLog.objects.filter(
        case__account=account, direction=Direction.OUTBOUND
    ).exclude(channel=ContactChannelKind.IN_APP)
    today = outbound.filter(occurred_at__gte=at - timedelta(days=1)).count()
    week = outbound.filter(occurred_at__gte=at - timedelta(days=7)).count()
    if today >= policy.max_contacts_per_day:
        breaches.append(
            Breach(
                DAILY_CAP,
                _("This would be contact number %(n)s in 24 hours; the limit is %(limit)s.")
                % {"n": today + 1, "limit": policy.max_contacts_per_day},
            )
        )
    if week >= policy.max_contacts_per_week:
        breaches.append(
            Breach(
                WEEKLY_CAP,
                _("This would be contact number %(n)s in 7 days; the limit is %(limit)s.")
                % {"n": week + 1, "limit": policy.max_contacts_per_week},
            )
        )
    return breaches
