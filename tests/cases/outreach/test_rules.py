"""The next moment a cardholder may be contacted, in their own time zone, across midnight and
daylight-saving changes (the same rules the agents' contact log warns about)."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, time

import pytest

from cases.outreach.rules import Window

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def window(zone, contact_from=time(9), contact_until=time(20)):
    return Window(
        zone=zone,
        quiet_start=time(21),
        quiet_end=time(8),
        contact_from=contact_from,
        contact_until=contact_until,
    )


def test_an_allowed_moment_is_itself():
    at = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
    assert window(SHANGHAI).next_allowed(at) == at


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        # Late at night: the next morning, at the start of the cardholder's own hours.
        (datetime(2026, 12, 7, 23, 30), datetime(2026, 12, 8, 9, 0)),
        # Just after midnight: the same morning.
        (datetime(2026, 12, 8, 0, 15), datetime(2026, 12, 8, 9, 0)),
        # After the quiet hours but before their own hours.
        (datetime(2026, 12, 8, 8, 30), datetime(2026, 12, 8, 9, 0)),
        # After their own hours, before the quiet hours.
        (datetime(2026, 12, 8, 20, 0), datetime(2026, 12, 9, 9, 0)),
    ],
)
def test_outside_the_hours_it_waits_for_the_cardholders_morning(local, expected):
    at = local.replace(tzinfo=SHANGHAI)
    assert window(SHANGHAI).next_allowed(at) == expected.replace(tzinfo=SHANGHAI)


def test_quiet_hours_end_is_the_start_when_the_cardholder_allows_earlier():
    at = datetime(2026, 12, 8, 2, 0, tzinfo=SHANGHAI)
    early = window(SHANGHAI, contact_from=time(7), contact_until=time(22))
    assert early.next_allowed(at) == datetime(2026, 12, 8, 8, 0, tzinfo=SHANGHAI)


def test_the_morning_daylight_saving_starts_is_nine_local_not_nine_standard():
    # 8 March 2026: New York moves from EST (UTC-5) to EDT (UTC-4) at 02:00.
    at = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 00:00 EST
    allowed = window(NEW_YORK).next_allowed(at)
    assert allowed.astimezone(NEW_YORK).time() == time(9, 0)
    assert allowed.astimezone(UTC) == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)


def test_the_morning_daylight_saving_ends_is_nine_local_too():
    # 1 November 2026: back from EDT to EST at 02:00.
    at = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    allowed = window(NEW_YORK).next_allowed(at)
    assert allowed.astimezone(UTC) == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)


def test_hours_that_lie_inside_the_quiet_hours_fall_back_to_the_end_of_them():
    at = datetime(2026, 12, 8, 12, 0, tzinfo=SHANGHAI)
    impossible = window(SHANGHAI, contact_from=time(6), contact_until=time(7))
    assert impossible.next_allowed(at) == datetime(2026, 12, 9, 8, 0, tzinfo=SHANGHAI)


def test_without_a_profile_only_the_quiet_hours_count():
    no_profile = Window(
        zone=SHANGHAI,
        quiet_start=time(21),
        quiet_end=time(8),
        contact_from=None,
        contact_until=None,
    )
    at = datetime(2026, 12, 8, 22, 0, tzinfo=SHANGHAI)
    assert no_profile.next_allowed(at) == datetime(2026, 12, 9, 8, 0, tzinfo=SHANGHAI)
    assert no_profile.allows(datetime(2026, 12, 8, 20, 30, tzinfo=SHANGHAI))


def test_a_policy_not_yet_saved_has_real_times(db):
    from cases.models import NegotiationPolicy
    from cases.outreach.rules import contact_window
    from cases.policy.rules import current_policy

    NegotiationPolicy.objects.all().delete()
    policy = current_policy()
    assert policy.quiet_hours_start == time(21)
    assert contact_window(None).allows(datetime(2026, 12, 8, 12, 0, tzinfo=SHANGHAI))
