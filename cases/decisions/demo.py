"""Demo automatic decisions, for `seed_demo` (see `accounts.demo`): plans agreed at once within
the self-service band, a referral, and the supervisors' quality review of a sample.

Told through the real services on demo cards without a case, the way `demo_cases` tells its
stories: the holder applies online and asks for the first recommended plan the band allows
(or, for the referral, the plan best for them, which only a person may agree). The sample is
forced here (`sampling_forced`) so that the quality-review list is never empty on a fresh
start. Runs after the demo plans (order 32, after their 30).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from accounts.demo import register_seeder
from cases.application.services import case_request_plan, case_submit
from cases.core import CaseActionRefused
from cases.corebanking.demo_cases import (
    Circumstances,
    accept_offer,
    apply_online,
    demo_account,
    demo_team,
    holder_login,
)
from cases.decisions import services
from cases.enrolment.services import EnrolmentRefused
from cases.models import AutoDecision, HardshipCase, HardshipDuration, HardshipReason
from cases.planning import own_terms_schedule, recommendations_for


@dataclass(frozen=True)
class DecisionStory:
    card_last4: str
    how: str
    circumstances: Circumstances
    in_band: bool  # ask for a plan the band allows (else the plan best for the holder)
    sampled: bool = False
    accept: bool = False
    review: str = ""  # "agree" or a reason to disagree


ZHAO_LEI = Circumstances(
    reason=HardshipReason.JOB_LOSS,
    duration=HardshipDuration.TEMPORARY,
    recovery_in_months=6,
    own_words="My contract ended last month; I start a new job in the spring.",
    income={"wages": Decimal("7800.00")},
    essentials={
        "housing": Decimal("2200.00"),
        "food": Decimal("1200.00"),
        "utilities": Decimal("250.00"),
        "transport": Decimal("300.00"),
    },
)
SONG_JIA = Circumstances(
    reason=HardshipReason.FAMILY,
    duration=HardshipDuration.LONG_TERM,
    own_words="I now care for my father at home and work part-time.",
    household_size=2,
    dependants=1,
    income={"wages": Decimal("9500.00"), "support": Decimal("1200.00")},
    essentials={
        "housing": Decimal("2600.00"),
        "food": Decimal("1600.00"),
        "utilities": Decimal("400.00"),
        "health": Decimal("900.00"),
    },
)
ZHENG_HUI = Circumstances(
    reason=HardshipReason.OVER_INDEBTED,
    duration=HardshipDuration.LONG_TERM,
    own_words="I took loans to pay other loans and cannot keep up with any of them.",
    income={"wages": Decimal("6200.00")},
    essentials={
        "housing": Decimal("1900.00"),
        "food": Decimal("1100.00"),
        "utilities": Decimal("200.00"),
    },
)

STORIES = (
    DecisionStory(
        "2290",
        "approved automatically, accepted; sampled and reviewed by the supervisor",
        ZHAO_LEI,
        in_band=True,
        sampled=True,
        accept=True,
        review="agree",
    ),
    DecisionStory(
        "4480",
        "approved automatically, waiting for her answer; sampled, waiting for review",
        SONG_JIA,
        in_band=True,
        sampled=True,
    ),
    DecisionStory(
        "6009",
        "referred to a person by the automatic decision (charged off, very high risk)",
        ZHENG_HUI,
        in_band=False,
    ),
)


def _tell(story: DecisionStory) -> HardshipCase:
    account = demo_account(story.card_last4)
    holder = holder_login(account)
    # `apply_online` stops short of a decision only when asked to; here the holder leaves it to
    # the automatic decision, and chooses their plan below.
    case = apply_online(account, holder, story.circumstances, asked_for_person=False, send=False)
    result = recommendations_for(case)
    if result is None or not result.recommendations:
        raise CaseActionRefused(f"no plan fits the demo statement of {account.holder_name}")
    recommendations = list(result.recommendations)
    instant = services.instant_ranks(case, recommendations)
    if story.in_band:
        if not instant:
            raise CaseActionRefused(f"no plan within the band for {account.holder_name}")
        schedule = next(r for r in recommendations if r.rank == min(instant)).schedule
    else:
        outside = [r for r in recommendations if r.rank not in instant]
        # Whatever the band, a five-year plan of their own is longer than it agrees at once.
        schedule = (
            outside[0].schedule
            if outside
            else own_terms_schedule(case, months=60, stop_interest=False)
        )
    case_request_plan(case=case, actor=holder, version=case.version, schedule=schedule)
    case.refresh_from_db()
    with services.sampling_forced(story.sampled):
        case = case_submit(case=case, actor=holder, version=case.version)
    record = services.latest_decision(case)
    wanted = "approve" if story.in_band else "refer"
    if record is None or record.outcome != wanted:
        raise CaseActionRefused(f"the demo request of {account.holder_name} did not {wanted}")
    if story.accept and record.offer is not None:
        accept_offer(record.offer, holder)
    if story.review and record.sampled:
        team = demo_team()
        if team is not None:
            services.decision_review(
                decision=record,
                actor=team.supervisor,
                verdict="agree" if story.review == "agree" else "disagree",
                reason="" if story.review == "agree" else story.review,
            )
    return case


@register_seeder(order=32)
def seed_demo_decisions() -> list[str]:
    """Idempotent: a story is told only on a card without a case."""
    if demo_team() is None:
        return ["", "  Automatic decisions: the demo staff are missing, none seeded."]
    lines = ["", "  Automatic decisions (the self-service band, policy page):"]
    for story in STORIES:
        account = demo_account(story.card_last4)
        if not account.cases.exists():
            try:
                with transaction.atomic():
                    _tell(story)
            except (CaseActionRefused, EnrolmentRefused) as refusal:
                lines.append(f"    Card {story.card_last4}: not seeded, refused: {refusal}")
                continue
        case = account.cases.order_by("-created_at", "-pk").first()
        if case is None:
            continue
        decision = AutoDecision.objects.filter(case=case).order_by("-decided_at").first()
        outcome = decision.outcome if decision else "-"
        plan = case.plans.order_by("-pk").first()
        lines.append(
            f"    {case.reference}  {outcome:<8} {account.holder_name:<10} card "
            f"{account.card_last4}: {story.how}"
            + (f" (plan {plan.reference}, {plan.status})" if plan else "")
        )
    lines.append(
        "    Song Jia (song.jia@demo.example) can read her plan, approved automatically, and sign"
        " it; Zheng Hui's page says why a person decides hers."
    )
    return lines
