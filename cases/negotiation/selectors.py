"""Reads for the staff queue and the supervisors' approvals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import BooleanField, Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Replace
from django.utils import timezone

from accounts.models import User
from cases.models import (
    ENDED_STATUSES,
    QUEUE_STATUSES,
    AutoDecision,
    CardAccount,
    CaseStatus,
    HardshipCase,
    Offer,
    OfferStatus,
)
from cases.policy.rules import risk_band_q
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
    auto: str = ""  # "approve" | "refer": the latest automatic decision
    sort: str = "due"


def queue_for(
    *, user: User, filters: QueueFilters, now: datetime | None = None
) -> QuerySet[HardshipCase]:
    """Submitted and worked cases for the team, filtered; one query whatever the page size."""
    from cases.models import DelinquencyBucket

    now = now or timezone.now()
    # Open cases by default; ended ones when asked for (to look back on a decision).
    if filters.status == "ended":
        statuses: tuple[str, ...] = ENDED_STATUSES
    elif filters.status in ENDED_STATUSES:
        statuses = (filters.status,)
    else:
        statuses = QUEUE_STATUSES
    cases = (
        HardshipCase.objects.filter(status__in=statuses)
        .select_related("account", "assignee__profile")
        .annotate(
            # The latest automatic decision on the case, if any ("approve" or "refer").
            auto_outcome=Subquery(
                AutoDecision.objects.filter(case=OuterRef("pk"))
                .order_by("-decided_at", "-pk")
                .values("outcome")[:1]
            ),
            sla_breached=Case(
                When(status__in=SLA_STATUSES, decision_due__lt=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )
    if filters.status in QUEUE_STATUSES:
        cases = cases.filter(status=filters.status)
    if statuses is ENDED_STATUSES or filters.status in ENDED_STATUSES:
        # Ended cases are looked back on newest first, whatever the sort.
        return cases.order_by(F("closed_at").desc(nulls_last=True), "-id")
    if filters.bucket in DelinquencyBucket.values:
        low, high = DelinquencyBucket.day_range(filters.bucket)
        cases = cases.filter(account__days_past_due__gte=low)
        if high is not None:
            cases = cases.filter(account__days_past_due__lte=high)
    if filters.risk in RiskBand.__members__.values():
        cases = cases.filter(risk_band_q(RiskBand(filters.risk), "account__"))
    if filters.reason:
        cases = cases.filter(reason=filters.reason)
    if filters.sla == "breached":
        cases = cases.filter(status__in=SLA_STATUSES, decision_due__lt=now)
    elif filters.sla == "soon":
        cases = cases.filter(
            status__in=SLA_STATUSES, decision_due__gte=now, decision_due__lt=now + timedelta(days=2)
        )
    if filters.auto in ("approve", "refer"):
        cases = cases.filter(auto_outcome=filters.auto)
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


def team_members(case: HardshipCase | None = None) -> QuerySet[User]:
    """Who may be given `case`, with their names, for the assign list: active staff who work
    cases; for an appeal, supervisors only, never the one who declined it."""
    team = User.objects.filter(groups__permissions__codename="work_cases", is_active=True)
    if case is not None and case.escalated:
        team = team.filter(groups__permissions__codename="approve_offers")
        if case.declined_by_id:
            team = team.exclude(pk=case.declined_by_id)
    return (
        User.objects.filter(pk__in=team.values("pk"))
        .select_related("profile")
        .prefetch_related("groups")
        .order_by("profile__full_name", "email")
    )


def find_cardholder_accounts(query: str, *, limit: int = 20) -> list[CardAccount]:
    """Card accounts a caller may hold, for staff opening a case: by the card's last four
    digits, the holder's phone number, the account reference or the holder's name."""
    query = query.strip()
    if not query:
        return []
    digits = "".join(ch for ch in query if ch.isdigit())
    accounts = CardAccount.objects.select_related("holder__profile")
    if len(query) == 4 and query.isdigit():
        found = accounts.filter(card_last4=query)
    elif len(digits) >= 7 and len(digits) >= len(query.replace(" ", "").replace("-", "")) - 1:
        # Phone numbers are stored as typed ("+86 138 0013 8000"): compare the digits.
        bare = Replace(
            Replace(
                Replace("holder__profile__phone", Value(" "), Value("")), Value("-"), Value("")
            ),
            Value("+"),
            Value(""),
        )
        found = accounts.annotate(phone_digits=bare).filter(phone_digits__contains=digits[-8:])
    else:
        found = accounts.filter(Q(bank_reference__iexact=query) | Q(holder_name__icontains=query))
    return list(found.order_by("holder_name", "card_last4", "id")[:limit])
