"""The demo hardship cases that `seed_demo` opens (cases/corebanking/demo_cases.py)."""

from __future__ import annotations

from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.demo import DEMO_PASSWORD, DEMO_PERSONAS
from accounts.models import User
from cases.core import terms_from_json
from cases.corebanking.demo_cases import (
    AGENT_EMAIL,
    HOLIDAY_MONTHS,
    STORIES,
    SUPERVISOR_EMAIL,
    holder_login_email,
)
from cases.corebanking.demo_people import DEMO_CARDHOLDER_EMAIL
from cases.models import (
    CardAccount,
    CaseEvent,
    CaseStatus,
    HardshipCase,
    Offer,
    OfferAcceptance,
    OfferStatus,
)
from plans.calculator import PlanType, build_schedule
from tests.conftest import totp_code

pytestmark = pytest.mark.django_db

EVERY_STATE = (
    CaseStatus.SUBMITTED,
    CaseStatus.IN_REVIEW,
    CaseStatus.AWAITING_APPROVAL,
    CaseStatus.AWAITING_CARDHOLDER,
    CaseStatus.AGREED,
    CaseStatus.DECLINED,
    CaseStatus.WITHDRAWN,
    CaseStatus.CLOSED,
)


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(settings: Any) -> str:
    settings.DEBUG = True
    return seed_demo()


def sign_in(client: Client, email: str) -> Client:
    """Sign a demo persona in as a newcomer would: the demo password, then (staff) a code from
    an authenticator app holding the published secret."""
    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    persona = next(persona for persona in DEMO_PERSONAS if persona.email == email)
    if persona.totp_secret:
        user = User.objects.get(email=email)
        user.totp_secret = persona.totp_secret  # type: ignore[attr-defined]
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(user)})
        assert response.status_code == 302, response.content[:500]
    return client


STORY_CARDS = [story.card_last4 for story in STORIES]


def case_in(status: CaseStatus) -> HardshipCase:
    """The case a story left in `status` (the demo plans, seeded when a signing certificate is
    configured, add cases of their own on other cards)."""
    return HardshipCase.objects.select_related("account").get(
        status=status, account__card_last4__in=STORY_CARDS
    )


def li_weis_offer() -> Offer:
    return Offer.objects.get(
        case__account__card_last4="3307",
        case__account__holder__email=DEMO_CARDHOLDER_EMAIL,
        status=OfferStatus.OPEN,
    )


def test_seed_demo_leaves_a_case_in_every_state(seeded: str) -> None:
    statuses = set(HardshipCase.objects.values_list("status", flat=True))
    assert statuses >= set(EVERY_STATE)
    for story in STORIES:
        case = HardshipCase.objects.get(account__card_last4=story.card_last4)
        assert case.status == story.ends_in, story.card_last4
        assert case.reference in seeded
    # Each story has a card of its own.
    stories_cases = HardshipCase.objects.filter(account__card_last4__in=STORY_CARDS)
    assert stories_cases.values("account").distinct().count() == len(STORIES)
    assert case_in(CaseStatus.SUBMITTED).assignee is None
    assert case_in(CaseStatus.IN_REVIEW).assignee == User.objects.get(email=AGENT_EMAIL)


def test_li_wei_finds_a_payment_holiday_offer_on_card_3307_when_he_signs_in(
    seeded: str, client: Client
) -> None:
    offer = li_weis_offer()
    assert offer.case.status == CaseStatus.AWAITING_CARDHOLDER
    terms = terms_from_json(offer.terms)
    assert terms.plan_type == PlanType.DEFERRAL
    payments = [row.payment for row in build_schedule(terms).rows]
    assert payments[:HOLIDAY_MONTHS] == [0] * HOLIDAY_MONTHS
    assert all(payment > 0 for payment in payments[HOLIDAY_MONTHS:])
    assert "Li Wei (cardholder@demo.example) has an offer waiting on card 3307" in seeded

    sign_in(client, DEMO_CARDHOLDER_EMAIL)
    assert offer.case.reference in client.get(reverse("cases:portal")).content.decode()
    page = client.get(offer.case.get_absolute_url())
    assert page.status_code == 200
    assert escape(offer.rationale) in page.content.decode()


def test_li_wei_keeps_a_card_free_to_apply_on(seeded: str) -> None:
    li_wei = User.objects.get(email=DEMO_CARDHOLDER_EMAIL)
    free = CardAccount.objects.filter(holder=li_wei, cases__isnull=True)
    assert list(free.values_list("card_last4", flat=True)) == ["5126"]


def test_the_agreed_case_has_its_holders_acceptance(seeded: str) -> None:
    case = case_in(CaseStatus.AGREED)
    acceptance = OfferAcceptance.objects.get(offer__case=case)
    holder = case.account.holder
    assert holder is not None
    assert acceptance.accepted_by == holder
    assert acceptance.offer.status == OfferStatus.ACCEPTED
    assert acceptance.schedule
    # A demo-only login for the fictional holder, which the developer can sign in with.
    assert holder.email == holder_login_email(case.account.holder_name)
    assert holder.check_password(DEMO_PASSWORD)
    assert holder.email in seeded


def test_every_case_has_a_timeline_that_leads_to_its_status(seeded: str) -> None:
    for case in HardshipCase.objects.all():
        events = list(CaseEvent.objects.filter(case=case))
        assert events[0].kind == "opened", case.reference
        moves = [(event.from_status, event.to_status) for event in events if event.to_status]
        assert moves[0][0] == CaseStatus.DRAFT, case.reference
        for (_, reached), (left, _) in pairwise(moves):
            assert left == reached, case.reference
        assert moves[-1][1] == case.status, case.reference


def test_seed_demo_twice_changes_nothing(seeded: str) -> None:
    counts = (
        HardshipCase.objects.count(),
        CaseEvent.objects.count(),
        Offer.objects.count(),
        User.objects.count(),
    )
    again = seed_demo()
    assert counts == (
        HardshipCase.objects.count(),
        CaseEvent.objects.count(),
        Offer.objects.count(),
        User.objects.count(),
    )
    assert "Hardship cases (0 new)" in again
    assert case_in(CaseStatus.SUBMITTED).reference in again


def test_the_demo_agent_finds_the_submitted_case_in_the_queue_and_opens_every_case(
    seeded: str, client: Client
) -> None:
    sign_in(client, AGENT_EMAIL)
    queue = client.get(reverse("cases:queue"))
    assert queue.status_code == 200
    assert case_in(CaseStatus.SUBMITTED).reference in queue.content.decode()
    for case in HardshipCase.objects.all():
        response = client.get(reverse("cases:review", args=[case.pk]))
        assert response.status_code == 200, case.reference


def test_the_demo_supervisor_finds_the_agents_offer_beyond_authority_to_approve(
    seeded: str, client: Client
) -> None:
    offer = Offer.objects.get(status=OfferStatus.PENDING_APPROVAL)
    assert offer.case.status == CaseStatus.AWAITING_APPROVAL
    assert offer.created_by.email == AGENT_EMAIL
    assert [excess["limit"] for excess in offer.exceeds] == ["term"]

    sign_in(client, SUPERVISOR_EMAIL)
    response = client.get(reverse("cases:approvals"))
    assert response.status_code == 200
    assert offer.case.reference in response.content.decode()


def test_the_default_risk_weights_rank_the_seeded_outcomes(seeded: str) -> None:
    """Calibration (issue 14): with the default points, each band up the scale holds a larger
    share of accounts in arrears, and of accounts 90+ days behind or charged off; and the
    automatic-decision stories are on record (issue 16)."""
    from cases.models import AutoDecision, CardAccount

    bands = ("low", "medium", "high", "very_high")
    accounts = list(CardAccount.objects.values("risk_band", "days_past_due", "status"))
    assert {a["risk_band"] for a in accounts} <= set(bands)

    def share(band: str, outcome: Any) -> float:
        members = [a for a in accounts if a["risk_band"] == band]
        return sum(1 for a in members if outcome(a)) / len(members) if members else 0.0

    in_arrears = [share(b, lambda a: a["days_past_due"] > 0) for b in bands]
    serious = [
        share(b, lambda a: a["days_past_due"] >= 90 or a["status"] == "charged_off") for b in bands
    ]
    assert in_arrears == sorted(in_arrears), in_arrears
    assert serious == sorted(serious), serious
    assert in_arrears[0] < in_arrears[-1]
    assert serious[0] < serious[-1]
    outcomes = set(AutoDecision.objects.values_list("outcome", flat=True))
    assert outcomes == {"approve", "refer"}
    assert AutoDecision.objects.filter(sampled=True, review__isnull=False).exists()
    assert AutoDecision.objects.filter(sampled=True, review__isnull=True).exists()
    from cases.decisions.services import referral_for

    referred = AutoDecision.objects.get(case__account__card_last4="6009").case  # Zheng Hui
    referral = referral_for(referred)
    assert referral is not None  # her page explains the referral:
    assert referral.choices == []  # her circumstances (charged off), not her choice,
    assert referral.alternative is None  # so no plan is offered around a person's decision
    assert "Automatic decisions" in seeded
