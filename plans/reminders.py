"""What plans remind people of, queued through `cases.outreach` (registered in the app config).

The cardholder: an instalment coming up (policy: days before), due today, and missed (the day
after); an agreement about to expire unsigned. Supervisors: an arrangement the core system has
not confirmed a day after its export. Dates are the cardholder's own: "today" is today in their
time zone, so a reminder is queued on the right day in Shanghai and in New York alike; the
contact rules then decide the hour it goes out.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.conf import settings
from django.urls import reverse

from accounts.formatting import money_param
from accounts.roles import Role
from accounts.selectors import active_with_role
from cases.models import Audience, Reminder, ReminderKind
from cases.outreach.services import Due
from cases.policy.rules import current_policy
from plans.arrangements import unacknowledged
from plans.calculator import still_to_pay
from plans.models import Instalment, InstalmentStatus, PlanStatus, RepaymentPlan
from plans.payments import LIVE_PLAN_STATUSES

#: A missed instalment is reminded of once, within this many days of its due date (a scan that
#: was down for longer does not send stale news).
MISSED_WITHIN_DAYS = 7
#: How long before an unsigned agreement expires the cardholder is reminded.
SIGNATURE_WARNING = timedelta(days=2)
_UNPAID = (
    InstalmentStatus.SCHEDULED,
    InstalmentStatus.DUE,
    InstalmentStatus.PART_PAID,
    InstalmentStatus.OVERDUE,
)


def _zone(name: str | None) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)


def instalments_due(now: datetime) -> Iterator[Due]:
    days_before = current_policy().reminder_days_before
    utc_today = now.date()
    rows = (
        Instalment.objects.filter(
            plan__status__in=LIVE_PLAN_STATUSES,
            status__in=_UNPAID,
            amount__gt=0,
            # A day's margin each side: the cardholder's "today" may differ from UTC's.
            due_date__gte=utc_today - timedelta(days=MISSED_WITHIN_DAYS + 1),
            due_date__lte=utc_today + timedelta(days=days_before + 1),
            plan__account__holder__isnull=False,
        )
        .values_list(
            "pk",
            "number",
            "due_date",
            "amount",
            "paid",
            "plan__reference",
            "plan__currency",
            "plan__case_id",
            "plan__account__holder_id",
            "plan__account__holder__profile__time_zone",
        )
        .iterator(chunk_size=2000)
    )
    zones: dict[str | None, zoneinfo.ZoneInfo] = {}
    for pk, number, due, amount, paid, plan_ref, currency, case_id, holder_id, zone_name in rows:
        zone = zones.get(zone_name) or zones.setdefault(zone_name, _zone(zone_name))
        today = now.astimezone(zone).date()
        moment = _moment(due, today, days_before)
        if moment is None:
            continue
        yield Due(
            key=f"instalment:{pk}:{moment}",
            kind=moment,
            audience=Audience.CARDHOLDER,
            recipient_id=holder_id,
            case_id=case_id,
            topic=f"instalment:{pk}",
            params={
                "amount": money_param(still_to_pay(amount, paid), currency),
                "due": due.isoformat(),
                "number": number,
                "plan": plan_ref,
            },
            link=reverse("cases:detail", args=[case_id]),
        )


def _moment(due: date, today: date, days_before: int) -> str | None:
    """Which reminder an unpaid instalment due on `due` is owed on the cardholder's `today`."""
    if today == due:
        return ReminderKind.INSTALMENT_TODAY
    if due - timedelta(days=days_before) <= today < due:
        return ReminderKind.INSTALMENT_SOON
    if due < today <= due + timedelta(days=MISSED_WITHIN_DAYS):
        return ReminderKind.INSTALMENT_MISSED
    return None


def instalment_unpaid(reminder: Reminder) -> bool:
    instalment_id = int(reminder.topic.split(":")[1])
    return Instalment.objects.filter(
        pk=instalment_id, status__in=_UNPAID, plan__status__in=LIVE_PLAN_STATUSES
    ).exists()


def signatures_expiring(now: datetime) -> Iterator[Due]:
    plans = RepaymentPlan.objects.filter(
        status=PlanStatus.AWAITING_SIGNATURE,
        sign_by__gt=now,
        sign_by__lte=now + SIGNATURE_WARNING,
        account__holder__isnull=False,
    ).select_related("account__holder__profile")
    for plan in plans:
        holder = plan.account.holder
        assert holder is not None  # noqa: S101 - filtered above
        profile = getattr(holder, "profile", None)
        yield Due(
            key=f"plan:{plan.pk}:signature-expiring",
            kind=ReminderKind.SIGNATURE_EXPIRING,
            audience=Audience.CARDHOLDER,
            recipient_id=holder.pk,
            case_id=plan.case_id,
            topic=f"plan:{plan.pk}",
            params={
                "plan": plan.reference,
                "deadline": plan.sign_by.astimezone(_zone(profile and profile.time_zone))
                .date()
                .isoformat(),
            },
            link=reverse("plans:agreement", args=[plan.case_id]),
        )


def plan_unsigned(reminder: Reminder) -> bool:
    plan_id = int(reminder.topic.split(":")[1])
    return RepaymentPlan.objects.filter(pk=plan_id, status=PlanStatus.AWAITING_SIGNATURE).exists()


def arrangements_unconfirmed(now: datetime) -> Iterator[Due]:
    waiting = list(unacknowledged(now=now))
    if not waiting:
        return
    supervisors = list(active_with_role(Role.SUPERVISOR))
    for arrangement in waiting:
        assert arrangement.exported_at is not None  # noqa: S101 - filtered by unacknowledged
        for supervisor in supervisors:
            yield Due(
                key=f"arrangement:{arrangement.pk}:unconfirmed:{supervisor.pk}",
                kind=ReminderKind.ARRANGEMENT_UNCONFIRMED,
                audience=Audience.STAFF,
                recipient_id=supervisor.pk,
                case_id=arrangement.plan.case_id,
                topic=f"arrangement:{arrangement.pk}",
                params={
                    "plan": arrangement.plan.reference,
                    "exported": arrangement.exported_at.date().isoformat(),
                },
                link=reverse("plans:arrangements"),
            )


def arrangement_unconfirmed(reminder: Reminder) -> bool:
    arrangement_id = int(reminder.topic.split(":")[1])
    return unacknowledged().filter(pk=arrangement_id).exists()
