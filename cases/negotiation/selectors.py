"""Reads for the staff queue and the supervisors' approvals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone

from accounts.models import User
from cases.models import (
    QUEUE_STATUSES,
    CaseStatus,
    HardshipCase,
    Offer,
    OfferStatus,
)
from cases.policy.rules import RISK_BAND_DAYS
from plans.calculator import RiskBand

#: The SLA clock runs while the bank owes the cardholder an answer.
SLA_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.AWAITING_APPROVAL)


QUEUE_SORTS = {
    "due": ("decision_due", "id"),
    "-dpd": ("-account__days_past_due", "id"),
    "submitted": ("submitted_at", "id"),
    "-balance": ("-account__principal_balance", "id"),
}


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    bucket: str = ""
    risk: str = ""
    reason: str = ""
    sla: str = ""  # "soon" | "breached"
    assignee: str = ""  # "mine" | "unassigned" | "" (anyone)
    sort: str = "due"


def queue_for(
    *, user: User, filters: QueueFilters, now: datetime | None = None
) -> QuerySet[HardshipCase]:
    """Submitted and worked cases for the team, filtered; one query whatever the page size."""
    from cases.models import DelinquencyBucket

    now = now or timezone.now()
    cases = (
        HardshipCase.objects.filter(status__in=QUEUE_STATUSES)
        .select_related("account", "assignee__profile")
        .annotate(
            sla_breached=Case(
                When(status__in=SLA_STATUSES, decision_due__lt=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if filters.status in QUEUE_STATUSES:
        cases = cases.filter(status=filters.status)
    if filters.bucket in DelinquencyBucket.values:
        low, high = DelinquencyBucket.day_range(filters.bucket)
        cases = cases.filter(account__days_past_due__gte=low)
        if high is not None:
            cases = cases.filter(account__days_past_due__lte=high)
    if filters.risk in RiskBand.__members__.values():
        low, high = RISK_BAND_DAYS[RiskBand(filters.risk)]
        cases = cases.filter(account__days_past_due__gte=low)
        if high is not None:
            cases = cases.filter(account__days_past_due__lte=high)
    if filters.reason:
        cases = cases.filter(reason=filters.reason)
    if filters.sla == "breached":
        cases = cases.filter(status__in=SLA_STATUSES, decision_due__lt=now)
    elif filters.sla == "soon":
        cases = cases.filter(
            status__in=SLA_STATUSES, decision_due__gte=now, decision_due__lt=now + timedelta(days=2)
        )
    if filters.assignee == "mine":
        cases = cases.filter(assignee=user)
    elif filters.assignee == "unassigned":
        cases = cases.filter(assignee__isnull=True)
    return cases.order_by(*QUEUE_SORTS.get(filters.sort, QUEUE_SORTS["due"]))


def approvals_for(*, user: User) -> QuerySet[Offer]:
    """Offers waiting for a supervisor, oldest first; the user's own offers are left out."""
    return (
        Offer.objects.filter(status=OfferStatus.PENDING_APPROVAL)
        .exclude(created_by=user)
        .select_related("case__account", "created_by__profile")
        .order_by("created_at", "id")
    )


def team_members() -> QuerySet[User]:
    """Everyone who works cases and is active, with their names, for the assign list."""
    return (
        User.objects.filter(groups__permissions__codename="work_cases", is_active=True)
        .distinct()
        .select_related("profile")
        .order_by("email")
    )
