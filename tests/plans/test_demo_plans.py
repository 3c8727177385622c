"""The demo repayment plans that `seed_demo` leaves (plans/demo.py)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from cases.models import CaseEvent, CaseStatus, HardshipCase
from plans.demo import AWAITING_SIGNATURE_CARD, STORIES
from plans.models import Agreement, AgreementStatus, Payment, PlanStatus, RepaymentPlan

pytestmark = pytest.mark.django_db


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(settings: Any, signing_cert: Any) -> str:
    settings.DEBUG = True
    return seed_demo()


def plan_in(status: PlanStatus) -> RepaymentPlan:
    """The plans demo's plan in `status` (the automatic-decision stories have their own)."""
    return (
        RepaymentPlan.objects.select_related("case", "agreement")
        .exclude(case__decisions__outcome="approve")
        .get(status=status)
    )


def test_seed_demo_leaves_a_plan_in_every_stage(seeded: str) -> None:
    waiting = plan_in(PlanStatus.AWAITING_SIGNATURE)
    assert waiting.account.card_last4 == AWAITING_SIGNATURE_CARD
    assert waiting.case.status == CaseStatus.AGREED
    assert waiting.agreement.status == AgreementStatus.READY
    assert waiting.agreement.draft_sha256

    on_track = plan_in(PlanStatus.ON_TRACK)
    assert on_track.agreement.status == AgreementStatus.SIGNED
    assert on_track.agreement.signed_sha256
    assert on_track.payments.exists()
    assert on_track.case.status == CaseStatus.ACTIVE

    at_risk = plan_in(PlanStatus.AT_RISK)
    assert at_risk.agreement.status == AgreementStatus.SIGNED
    assert at_risk.case.status == CaseStatus.ACTIVE

    broken = plan_in(PlanStatus.BROKEN)
    assert broken.agreement.status == AgreementStatus.SIGNED
    assert broken.case.status == CaseStatus.IN_REVIEW

    completed = plan_in(PlanStatus.COMPLETED)
    assert completed.agreement.status == AgreementStatus.SIGNED
    assert completed.case.status == CaseStatus.COMPLETED

    for plan in RepaymentPlan.objects.all():
        assert plan.reference in seeded
    # Each story has a card of its own, none of them the cards Li Wei must keep.
    cards = {story.card_last4 for story in STORIES}
    assert len(cards) == len(STORIES)
    assert not cards & {"5126", "8841", AWAITING_SIGNATURE_CARD}


def test_one_holder_reads_and_signs_her_agreement_in_chinese(seeded: str) -> None:
    chinese = RepaymentPlan.objects.filter(language="zh-hans")
    assert chinese.exists()
    assert Agreement.objects.filter(plan__in=chinese, language="zh-hans").exists()
    assert RepaymentPlan.objects.filter(language="en").exists()
    assert "Chinese agreement" in seeded


def test_seed_demo_twice_changes_nothing(seeded: str) -> None:
    def counts() -> tuple[int, ...]:
        return (
            HardshipCase.objects.count(),
            CaseEvent.objects.count(),
            RepaymentPlan.objects.count(),
            Payment.objects.count(),
            Agreement.objects.filter(status=AgreementStatus.SIGNED).count(),
        )

    before = counts()
    statuses = dict(RepaymentPlan.objects.values_list("reference", "status"))
    again = seed_demo()
    assert counts() == before
    assert dict(RepaymentPlan.objects.values_list("reference", "status")) == statuses
    assert plan_in(PlanStatus.COMPLETED).reference in again


def test_without_a_signing_certificate_seed_demo_skips_the_plans_and_says_why(
    settings: Any, tmp_path: Any
) -> None:
    settings.DEBUG = True
    settings.AGREEMENT_SIGNING_CERT = tmp_path / "missing-cert.pem"
    settings.AGREEMENT_SIGNING_KEY = tmp_path / "missing-key.pem"
    output = seed_demo()
    assert "manage.py make_signing_cert" in output
    assert not RepaymentPlan.objects.exclude(status=PlanStatus.AWAITING_SIGNATURE).exists()
    # The cases are seeded all the same.
    assert HardshipCase.objects.filter(status=CaseStatus.AGREED).exists()
