"""The contact log and the contact rules (quiet hours, the cardholder's hours, caps)."""

from __future__ import annotations

from datetime import datetime, timedelta

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
from cases.outreach.rules import contact_breaches


def contact_rule_warnings(case: HardshipCase, *, at: datetime) -> list[str]:
    """The contact rules an outbound contact at `at` would break, in the reader's language
    (the same rules every automated reminder keeps: `cases.outreach.rules`)."""
    return [breach.message for breach in contact_breaches(case.account, at=at)]


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
