"""What the negotiation reminds people of: the cardholder, of an offer about to expire; the
supervisors, of a decision past its deadline. Registered with `cases.outreach` in the app config."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import active_with_role
from cases.models import Audience, HardshipCase, Offer, OfferStatus, Reminder, ReminderKind
from cases.negotiation.selectors import SLA_STATUSES
from cases.outreach.services import Due

#: How long before an offer expires the cardholder is reminded.
OFFER_WARNING = timedelta(days=2)


def _local_day(moment: datetime, user: User | None) -> str:
    profile = getattr(user, "profile", None) if user else None
    zone = zoneinfo.ZoneInfo(profile.time_zone if profile else settings.TIME_ZONE)
    return moment.astimezone(zone).date().isoformat()


def offers_expiring(now: datetime) -> Iterator[Due]:
    offers = Offer.objects.filter(
        status=OfferStatus.OPEN,
        expires_at__gt=now,
        expires_at__lte=now + OFFER_WARNING,
        case__account__holder__isnull=False,
    ).select_related("case__account__holder__profile")
    for offer in offers:
        case = offer.case
        holder = case.account.holder
        assert offer.expires_at is not None  # noqa: S101 - filtered above
        yield Due(
            key=f"offer:{offer.pk}:expiring",
            kind=ReminderKind.OFFER_EXPIRING,
            audience=Audience.CARDHOLDER,
            recipient_id=holder.pk,
            case_id=case.pk,
            topic=f"offer:{offer.pk}",
            params={"reference": case.reference, "deadline": _local_day(offer.expires_at, holder)},
            link=case.get_absolute_url(),
        )


def offer_still_open(reminder: Reminder) -> bool:
    offer_id = int(reminder.topic.split(":")[1])
    return Offer.objects.filter(pk=offer_id, status=OfferStatus.OPEN).exists()


def decisions_overdue(now: datetime) -> Iterator[Due]:
    """Each case past its decision deadline, to every active supervisor, once per deadline."""
    cases = list(
        HardshipCase.objects.filter(status__in=SLA_STATUSES, decision_due__lt=now).only(
            "pk", "decision_due", "created_at"
        )
    )
    if not cases:
        return
    supervisors = list(active_with_role(Role.SUPERVISOR))
    for case in cases:
        assert case.decision_due is not None  # noqa: S101 - filtered above
        for supervisor in supervisors:
            yield Due(
                key=f"sla:{case.pk}:{case.decision_due:%Y%m%d%H%M}:{supervisor.pk}",
                kind=ReminderKind.SLA_BREACHED,
                audience=Audience.STAFF,
                recipient_id=supervisor.pk,
                case_id=case.pk,
                topic=f"case:{case.pk}",
                params={
                    "reference": case.reference,
                    "deadline": _local_day(case.decision_due, supervisor),
                },
                link=reverse("cases:review", args=[case.pk]),
            )


def decision_still_overdue(reminder: Reminder) -> bool:
    return HardshipCase.objects.filter(pk=reminder.case_id, status__in=SLA_STATUSES).exists()
