"""The team's outcomes, computed in the database: a fixed number of queries whatever the size of
the portfolio, and no Python loop over cases.

Every figure is over the cases the filters select: submitted in the date range, and optionally
of one agent (the case's assignee), hardship reason, plan type (of the plan agreed), risk band
(days past due) or product. Percentiles use PostgreSQL's `percentile_cont`; on SQLite (a laptop)
the durations are fetched as one column and ranked in Python.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import OFFER_FUNNEL_EVENTS, AutoDecision, CaseEvent, HardshipCase
from cases.negotiation.selectors import SLA_STATUSES
from cases.policy.rules import RiskBand, risk_band_q
from insights.models import SurveyResponse
from plans.models import Instalment, InstalmentStatus, PlanStatus, RepaymentPlan

#: The timeline events of the offer funnel.
OFFER_EVENTS = OFFER_FUNNEL_EVENTS

#: A plan is "cured" when the account is current this long after the plan started.
CURE_WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    agent_id: int | None = None
    reason: str = ""
    plan_type: str = ""
    risk: str = ""
    product: str = ""

    @classmethod
    def last_days(cls, days: int = 90) -> Filters:
        today = timezone.localdate()
        return cls(start=today - timedelta(days=days - 1), end=today)


def _bounds(filters: Filters) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    return (
        datetime.combine(filters.start, time.min, tzinfo=zone),
        datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=zone),
    )


def selected_cases(filters: Filters) -> QuerySet[HardshipCase]:
    start, end = _bounds(filters)
    cases = HardshipCase.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    if filters.agent_id:
        cases = cases.filter(assignee_id=filters.agent_id)
    if filters.reason:
        cases = cases.filter(reason=filters.reason)
    if filters.product:
        cases = cases.filter(account__product=filters.product)
    if filters.plan_type:
        # Exists, not a join: a case with two plans (one expired, one agreed) counts once.
        cases = cases.filter(
            Exists(RepaymentPlan.objects.filter(case=OuterRef("pk"), plan_type=filters.plan_type))
        )
    if filters.risk in RiskBand.__members__.values():
        cases = cases.filter(risk_band_q(RiskBand(filters.risk), "account__"))
    return cases


class _Percentile(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=fraction, **extra)


class _Epoch(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class Durations:
    count: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None


def _durations(cases: QuerySet[HardshipCase], moment: str) -> Durations:
    """From submission to `moment` (a case column kept by `cases.core.record_event`)."""
    timed = cases.filter(**{f"{moment}__isnull": False})
    elapsed = ExpressionWrapper(F(moment) - F("submitted_at"), output_field=DurationField())
    if connection.vendor == "postgresql":
        figures = timed.annotate(elapsed=elapsed).aggregate(
            count=Count("pk"),
            median=_Percentile(_Epoch(F("elapsed")), 0.5),
            p90=_Percentile(_Epoch(F("elapsed")), 0.9),
        )
        hours = {k: (v / 3600 if v is not None else None) for k, v in figures.items()}
        return Durations(int(figures["count"]), hours["median"], hours["p90"])
    seconds = sorted(
        d.total_seconds() for d in timed.annotate(e=elapsed).values_list("e", flat=True)
    )
    if not seconds:
        return Durations()
    p90 = (
        statistics.quantiles(seconds, n=10, method="inclusive")[-1]
        if len(seconds) > 1
        else seconds[0]
    )
    return Durations(len(seconds), statistics.median(seconds) / 3600, p90 / 3600)


def _both_durations(cases: QuerySet[HardshipCase]) -> tuple[Durations, Durations]:
    """First response and decision times; on PostgreSQL in one query."""
    if connection.vendor != "postgresql":
        return _durations(cases, "first_response_at"), _durations(cases, "decided_at")
    figures: dict[str, Any] = {}
    for moment in ("first_response_at", "decided_at"):
        seconds = _Epoch(
            ExpressionWrapper(F(moment) - F("submitted_at"), output_field=DurationField())
        )
        timed = Q(**{f"{moment}__isnull": False})
        figures[f"{moment}_count"] = Count("pk", filter=timed)
        figures[f"{moment}_median"] = _Percentile(seconds, 0.5, filter=timed)
        figures[f"{moment}_p90"] = _Percentile(seconds, 0.9, filter=timed)
    values = cases.aggregate(**figures)

    def durations(moment: str) -> Durations:
        median, p90 = values[f"{moment}_median"], values[f"{moment}_p90"]
        return Durations(
            int(values[f"{moment}_count"]),
            median / 3600 if median is not None else None,
            p90 / 3600 if p90 is not None else None,
        )

    return durations("first_response_at"), durations("decided_at")


def _agents(groups: list[dict[str, Any]], ids: QuerySet[HardshipCase, Any]) -> list[dict[str, Any]]:
    """The per-agent table from the (assignee, status) groups: two more queries, for the plans
    made on each agent's cases (any plan type, whatever the filter) and for the agents' names."""
    rows: dict[int, dict[str, Any]] = {}
    for group in groups:
        if group["assignee"] is None:
            continue
        row = rows.setdefault(
            group["assignee"],
            {"assignee": group["assignee"], "cases": 0, "decided": 0, "breached": 0},
        )
        for figure in ("cases", "decided", "breached"):
            row[figure] += group[figure]
    plans_made = dict(
        RepaymentPlan.objects.filter(case__in=ids, case__assignee__isnull=False)
        .exclude(status__in=(PlanStatus.EXPIRED, PlanStatus.CANCELLED))
        .order_by()
        .values_list("case__assignee")
        .annotate(n=Count("pk"))
        .values_list("case__assignee", "n")
    )
    names = (
        get_user_model()
        .objects.filter(pk__in=list(rows))
        .values_list("pk", "email", "profile__full_name")
    )
    for pk, email, full_name in names:
        rows[pk].update(
            assignee__email=email,
            assignee__profile__full_name=full_name,
            plans_made=plans_made.get(pk, 0),
        )
    return sorted(rows.values(), key=lambda row: (-row["cases"], row["assignee__email"]))


@dataclass
class Kpis:
    filters: Filters
    cases_total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    first_response: Durations = field(default_factory=Durations)
    decision: Durations = field(default_factory=Durations)
    sla_cases: int = 0
    sla_breached: int = 0
    offers: dict[str, int] = field(default_factory=dict)
    concessions: dict[str, Decimal] = field(default_factory=dict)
    plans_by_status: dict[str, int] = field(default_factory=dict)
    instalments_due: int = 0
    instalments_kept: int = 0
    cure_base: int = 0
    cured: int = 0
    agents: list[dict[str, Any]] = field(default_factory=list)
    satisfaction: dict[str, Any] = field(default_factory=dict)
    satisfaction_by_month: list[dict[str, Any]] = field(default_factory=list)
    # Automatic decisions (issue 16): requests decided by the machine against by a person.
    auto_requests: int = 0
    auto_approved: int = 0
    auto_referred: int = 0
    decision_auto: Durations = field(default_factory=Durations)
    decision_human: Durations = field(default_factory=Durations)
    broken_by_month: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sla_breach_rate(self) -> float | None:
        return round(100 * self.sla_breached / self.sla_cases, 1) if self.sla_cases else None

    @property
    def promise_kept_rate(self) -> float | None:
        if not self.instalments_due:
            return None
        return round(100 * self.instalments_kept / self.instalments_due, 1)

    @property
    def auto_share(self) -> float | None:
        """The share of submitted requests approved automatically (percent)."""
        if not self.cases_total:
            return None
        return round(100 * self.auto_approved / self.cases_total, 1)

    @property
    def cure_rate(self) -> float | None:
        return round(100 * self.cured / self.cure_base, 1) if self.cure_base else None


def compute(filters: Filters, *, now: datetime | None = None) -> Kpis:
    """Every KPI for the selected cases (about a dozen queries, whatever their number)."""
    now = now or timezone.now()
    cases = selected_cases(filters)
    ids = cases.values("pk")
    kpis = Kpis(filters=filters)
    # One pass over the cases, by assignee and status: the status counts, the deadline figures
    # and the per-agent table are all sums of these groups.
    late = Q(decided_at__gt=F("decision_due")) | Q(
        decided_at__isnull=True, status__in=SLA_STATUSES, decision_due__lt=now
    )
    groups = list(
        cases.order_by()
        .values("assignee", "status")
        .annotate(
            cases=Count("pk"),
            decided=Count("pk", filter=Q(decided_at__isnull=False)),
            with_deadline=Count("pk", filter=Q(decision_due__isnull=False)),
            breached=Count("pk", filter=late),
        )
    )
    for group in groups:
        kpis.by_status[group["status"]] = kpis.by_status.get(group["status"], 0) + group["cases"]
    kpis.cases_total = sum(kpis.by_status.values())
    # A missed deadline implies there was one: every breached case is among `with_deadline`.
    kpis.sla_cases = sum(group["with_deadline"] for group in groups)
    kpis.sla_breached = sum(group["breached"] for group in groups)
    kpis.first_response, kpis.decision = _both_durations(cases)

    # Only the offer events, counted by case id (the index has it, not the event's id): the
    # partial index `case_offer_events` (migration insights 0003) holds just these, so the
    # funnel reads that small index alone instead of every event of the year.
    events = CaseEvent.objects.filter(case__in=ids, kind__in=OFFER_EVENTS)
    kpis.offers = events.aggregate(
        made=Count("case", filter=Q(kind__in=("offer_sent", "offer_for_approval"))),
        for_approval=Count("case", filter=Q(kind="offer_for_approval")),
        approved=Count("case", filter=Q(kind="offer_approved")),
        rejected=Count("case", filter=Q(kind="offer_rejected")),
        accepted=Count("case", filter=Q(kind="offer_accepted")),
    )

    plans = RepaymentPlan.objects.filter(case__in=ids)
    if filters.plan_type:
        plans = plans.filter(plan_type=filters.plan_type)
    zero = Decimal("0.00")
    sums = plans.exclude(status__in=(PlanStatus.EXPIRED, PlanStatus.CANCELLED)).aggregate(
        interest=Sum("interest_waived"),
        fees=Sum("fees_waived"),
        principal=Sum("forgiven"),
        plans=Count("pk"),
    )
    kpis.concessions = {
        "interest": sums["interest"] or zero,
        "fees": sums["fees"] or zero,
        "principal": sums["principal"] or zero,
        "plans": sums["plans"],
    }
    kpis.plans_by_status = dict(
        plans.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )

    today = timezone.localdate()
    due = Instalment.objects.filter(
        plan__in=plans.filter(activated_at__isnull=False).values("pk"),
        due_date__lt=today,
        amount__gt=0,
    ).aggregate(
        due=Count("pk"),
        kept=Count("pk", filter=Q(status=InstalmentStatus.PAID)),
    )
    kpis.instalments_due, kpis.instalments_kept = due["due"], due["kept"]

    cure = plans.filter(activated_at__lte=now - CURE_WINDOW).aggregate(
        base=Count("pk"),
        cured=Count(
            "pk",
            filter=Q(status=PlanStatus.COMPLETED)
            | Q(status__in=(PlanStatus.ON_TRACK, PlanStatus.AT_RISK), account__days_past_due=0),
        ),
    )
    kpis.cure_base, kpis.cured = cure["base"], cure["cured"]

    _automatic(kpis, cases, plans)
    kpis.agents = _agents(groups, ids)
    answers = SurveyResponse.objects.filter(case__in=ids)
    kpis.satisfaction = answers.aggregate(average=Avg("score"), answers=Count("pk"))
    kpis.satisfaction_by_month = list(
        answers.annotate(month=TruncMonth("created_at"))
        .order_by()
        .values("month")
        .annotate(average=Avg("score"), answers=Count("pk"))
        .order_by("month")
    )
    return kpis


def _automatic(kpis: Kpis, cases: QuerySet[HardshipCase], plans: QuerySet[RepaymentPlan]) -> None:
    """What the self-service band decides: the share of requests approved at once, the time to
    a decision automatic against human, and the broken-plan rate of each by month the plan
    started (five queries), so the bank can widen or narrow the band on evidence."""
    approved = Exists(AutoDecision.objects.filter(case=OuterRef("pk"), outcome="approve"))
    referred = Exists(AutoDecision.objects.filter(case=OuterRef("pk"), outcome="refer"))
    counts = cases.annotate(is_approved=approved, is_referred=referred).aggregate(
        requests=Count("pk", filter=Q(is_approved=True) | Q(is_referred=True)),
        approved=Count("pk", filter=Q(is_approved=True)),
        referred=Count("pk", filter=Q(is_referred=True, is_approved=False)),
    )
    kpis.auto_requests = counts["requests"]
    kpis.auto_approved = counts["approved"]
    kpis.auto_referred = counts["referred"]
    kpis.decision_auto = _durations(cases.filter(approved), "decided_at")
    kpis.decision_human = _durations(cases.exclude(approved), "decided_at")
    started = (
        plans.filter(activated_at__isnull=False)
        .annotate(
            month=TruncMonth("activated_at"),
            automatic=Case(
                When(acceptance__offer__auto_decision__isnull=False, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by()
        .values("month", "automatic")
        .annotate(started=Count("pk"), broken=Count("pk", filter=Q(status=PlanStatus.BROKEN)))
        .order_by("month", "automatic")
    )
    by_month: dict[Any, dict[str, Any]] = {}
    for row in started:
        side = "auto" if row["automatic"] else "human"
        month = by_month.setdefault(row["month"], {"month": row["month"]})
        month[f"{side}_started"] = row["started"]
        month[f"{side}_broken"] = row["broken"]
        month[f"{side}_rate"] = round(100 * row["broken"] / row["started"], 1)
    kpis.broken_by_month = list(by_month.values())
