"""What the cardholder does to their own case outside the negotiation: withdrawing it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from accounts.models import User
from cases.core import (
    CaseActionRefused,
    bump_version,
    case_ended,
    is_holder,
    lock_case,
    offers_end,
    record_event,
)
from cases.models import (
    HardshipCase,
)


def withdrawable_statuses() -> list[str]:
    from cases.models import WITHDRAWABLE

    return WITHDRAWABLE


@transaction.atomic
def case_withdraw(
    *, case: HardshipCase, actor: User, version: int, reason: str = ""
) -> HardshipCase:
    """The cardholder stops their case. Staff never withdraw a case: they close it, with a
    reason (`case_close`)."""
    case = lock_case(case, version=version)
    if not is_holder(case, actor):
        raise CaseActionRefused(_("Only the cardholder can withdraw this case."))
    from_status = case.status
    try:
        case.withdraw()
    except TransitionNotAllowed:
        raise CaseActionRefused(_("This case can no longer be withdrawn.")) from None
    case.closed_at = timezone.now()
    offers_end(case, "withdraw", actor=actor)
    bump_version(case, "status", "closed_at")
    record_event(
        case,
        actor=actor,
        kind="withdrawn",
        from_status=from_status,
        payload={"reason": reason.strip()},
    )
    case_ended.send(sender=HardshipCase, case=case, actor=actor)
    return case
