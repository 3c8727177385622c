"""The contact log and the contact rules (quiet hours, the cardholder's hours, caps)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.core import (
    CaseActionRefused,
    lock_case,
    record_event,
)
from cases.models import (
    ContactLog,
    Direction,
    HardshipCase,
)
from cases.negotiation.services import require_staff
from cases.policy.rules import current_policy


def contact_rule_warnings(case: HardshipCase, *, at: datetime) -> list[str]:
    """The contact rules an outbound contact at `at` would break, in the reader's language."""
    policy = current_policy()
    holder = case.account.holder
    profile = getattr(holder, "profile", None) if holder else None
    zone_name = profile.time_zone if profile else settings.TIME_ZONE
    local = at.astimezone(zoneinfo.ZoneInfo(zone_name))
    warnings = []
    start, end = policy.quiet_hours_start, policy.quiet_hours_end
    clock = local.time()
    in_quiet = (clock >= start or clock < end) if start > end else (start <= clock < end)
    if in_quiet:
        warnings.append(
            _("It is %(time)s for the cardholder: inside the quiet hours (%(start)s–%(end)s).")
            % {
                "time": clock.strftime("%H:%M"),
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
            }
        )
    elif profile and not profile.contact_from <= clock < profile.contact_until:
        warnings.append(
            _("The cardholder asked to be contacted only between %(start)s and %(end)s.")
            % {
                "start": profile.contact_from.strftime("%H:%M"),
                "end": profile.contact_until.strftime("%H:%M"),
            }
        )
    outbound = ContactLog.objects.filter(case__account=case.account, direction=Direction.OUTBOUND)
    today = outbound.filter(occurred_at__gte=at - timedelta(days=1)).count()
    week = outbound.filter(occurred_at__gte=at - timedelta(days=7)).count()
    if today >= policy.max_contacts_per_day:
        warnings.append(
            _("This would be contact number %(n)s in 24 hours; the limit is %(limit)s.")
            % {"n": today + 1, "limit": policy.max_contacts_per_day}
        )
    if week >= policy.max_contacts_per_week:
        warnings.append(
            _("This would be contact number %(n)s in 7 days; the limit is %(limit)s.")
            % {"n": week + 1, "limit": policy.max_contacts_per_week}
        )
    return warnings


class ContactRulesWarning(CaseActionRefused):
    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings
        super().__init__(" ".join(warnings))


@transaction.atomic
def contact_record(
    *,
    case: HardshipCase,
    actor: User,
    channel: str,
    direction: str,
    outcome: str,
    notes: str,
    occurred_at: datetime | None = None,
    acknowledge_warnings: bool = False,
) -> ContactLog:
    """Log a contact. An outbound one that breaks the contact rules is refused with the rules
    it breaks, unless the agent acknowledges them (then they are recorded with it)."""
    case = lock_case(case, version=None)
    require_staff(actor)
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise CaseActionRefused(_("A contact cannot be logged in the future."))
    warnings = (
        contact_rule_warnings(case, at=occurred_at) if direction == Direction.OUTBOUND else []
    )
    if warnings and not acknowledge_warnings:
        raise ContactRulesWarning(warnings)
    log = ContactLog.objects.create(
        case=case,
        staff=actor,
        occurred_at=occurred_at,
        channel=channel,
        direction=direction,
        outcome=outcome,
        notes=notes.strip(),
        rule_warnings=warnings,
    )
    record_event(
        case,
        actor=actor,
        kind="contact_logged",
        payload={
            "channel": channel,
            "direction": direction,
            "outcome": outcome,
            "warnings": len(warnings),
        },
        visible=False,
    )
    return log
