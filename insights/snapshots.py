"""One snapshot of the portfolio a day (Celery beat, idempotent: the day's first one stands),
and a back-fill from history for the days before snapshots were taken."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from cases.models import CardAccount, CaseEvent, HardshipCase
from insights.models import DailySnapshot
from plans.models import PlanStatus, RepaymentPlan

LIVE = (PlanStatus.ON_TRACK, PlanStatus.AT_RISK)


def portfolio_figures() -> dict[str, Any]:
    """Today's portfolio: accounts 30+ and 90+ days past due, with and without a live plan;
    cases and plans by status. Three queries."""
    with_plan = Exists(RepaymentPlan.objects.filter(account=OuterRef("pk"), status__in=LIVE))
    accounts = CardAccount.objects.annotate(planned=with_plan).aggregate(
        total=Count("pk"),
        with_plan=Count("pk", filter=Q(planned=True)),
        dpd30=Count("pk", filter=Q(days_past_due__gte=30)),
        dpd90=Count("pk", filter=Q(days_past_due__gte=90)),
        dpd30_planned=Count("pk", filter=Q(days_past_due__gte=30, planned=True)),
        dpd90_planned=Count("pk", filter=Q(days_past_due__gte=90, planned=True)),
    )
    cases = dict(
        HardshipCase.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    plans = dict(
        RepaymentPlan.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {"accounts": accounts, "cases": cases, "plans": plans}


def snapshot_take(*, day: date | None = None) -> DailySnapshot:
    """Today's snapshot; a second call on the same day returns the first, unchanged."""
    day = day or timezone.localdate()
    existing = DailySnapshot.objects.filter(day=day).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return DailySnapshot.objects.create(day=day, figures=portfolio_figures())
    except IntegrityError:  # another worker took it a moment ago
        return DailySnapshot.objects.get(day=day)


def snapshots_backfill(*, first: date, last: date) -> int:
    """Snapshots for the days from `first` to `last` that have none, from the case timeline:
    cases by status as of each day's end. Days past due have no history here, so back-filled
    snapshots carry no delinquency figures (they are marked `backfilled`)."""
    zone = timezone.get_default_timezone()
    made = 0
    day = first
    while day <= last:
        if not DailySnapshot.objects.filter(day=day).exists():
            end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
            latest = (
                CaseEvent.objects.filter(case=OuterRef("pk"), occurred_at__lt=end)
                .exclude(to_status="")
                .order_by("-occurred_at", "-pk")
                .values("to_status")[:1]
            )
            statuses = dict(
                HardshipCase.objects.annotate(then=Subquery(latest))
                .exclude(then=None)
                .order_by()
                .values_list("then")
                .annotate(n=Count("pk"))
                .values_list("then", "n")
            )
            DailySnapshot.objects.create(
                day=day, backfilled=True, figures={"cases": statuses, "accounts": {}, "plans": {}}
            )
            made += 1
        day += timedelta(days=1)
    return made


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def delinquency_trend(first: date, last: date) -> list[dict[str, Any]]:
    """Each day's snapshot from `first` to `last`: the share of accounts 30+ and 90+ days past
    due, and 30+ with and without a live plan (percent; absent on back-filled days)."""
    rows = []
    for snapshot in DailySnapshot.objects.filter(day__range=(first, last)).order_by("day"):
        accounts = snapshot.figures.get("accounts") or {}
        total, planned = accounts.get("total"), accounts.get("with_plan") or 0
        row: dict[str, Any] = {"day": snapshot.day, "backfilled": snapshot.backfilled}
        if total:
            row.update(
                dpd30_all=_share(accounts["dpd30"], total),
                dpd90_all=_share(accounts["dpd90"], total),
                dpd30_plan=_share(accounts["dpd30_planned"], planned),
                dpd30_no_plan=_share(
                    accounts["dpd30"] - accounts["dpd30_planned"], total - planned
                ),
            )
        rows.append(row)
    return rows
