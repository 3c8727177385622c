"""The demo's outcomes: today's portfolio snapshot, the last month back-filled from the case
timeline, and survey answers from two demo cardholders (a signed plan and a finished one), so
that the outcomes page has something on it. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import register_seeder
from cases.core import CaseActionRefused
from cases.models import HardshipCase
from insights.models import SurveyResponse
from insights.snapshots import snapshot_take, snapshots_backfill
from insights.surveys import open_moment, survey_answer

#: (card, score, comment): the demo cardholders who answer the survey.
ANSWERS = (
    ("3468", 5, "The agent explained every payment and never rushed me."),
    ("6718", 4, "Quick once I had sent my papers."),
)


@transaction.atomic
def demo_outcomes_seed() -> list[str]:
    from cases.risk import accounts_score_all

    scored = accounts_score_all()
    today = timezone.localdate()
    made = snapshots_backfill(first=today - timedelta(days=30), last=today - timedelta(days=1))
    snapshot_take(day=today)
    answered = 0
    for card, score, comment in ANSWERS:
        case = (
            HardshipCase.objects.filter(account__card_last4=card)
            .select_related("account__holder")
            .order_by("-created_at")
            .first()
        )
        if case is None or case.account.holder is None:
            continue
        moment = open_moment(case)
        if moment is None:
            continue
        try:
            survey_answer(
                case=case, actor=case.account.holder, moment=moment, score=score, comment=comment
            )
            answered += 1
        except CaseActionRefused:
            continue
    return [
        "",
        f"  Outcomes: {scored} accounts risk-scored, {made} days of snapshots back-filled, "
        "today's taken; "
        f"{SurveyResponse.objects.count()} survey answers ({answered} now);",
        "    supervisors and administrators see them at /insights/.",
    ]


@register_seeder(order=35)
def seed_demo_outcomes() -> list[str]:
    return demo_outcomes_seed()
