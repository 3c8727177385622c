"""What a cardholder agrees to is exactly and completely what they were shown, and no case can
get stuck: regression tests for issue 11 (sections 1, 2 and 7)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from cases import negotiation as n
from cases.core import CaseActionRefused, offer_move
from cases.models import (
    CardAccount,
    CaseEvent,
    CaseStatus,
    HardshipCase,
    Offer,
    OfferAcceptance,
    OfferStatus,
)
from cases.negotiation.answers import Consent, OfferOutOfDate
from cases.planning import first_due_date
from cases.portal import services as portal
from plans.calculator import PlanTerms, PlanType, build_schedule
from tests.cases.negotiation.test_negotiation import consent_for, fresh, quote
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(submitted, agent):
    return n.case_claim(case=submitted, actor=agent, version=submitted.version)


def deferral(case, *, months=24, deferral_months=3):
    account = case.account
    return build_schedule(
        PlanTerms(
            plan_type=PlanType.DEFERRAL,
            balance=account.principal_balance,
            start_date=first_due_date(),
            apr=account.apr,
            months=months,
            deferral_months=deferral_months,
            accrued_interest=account.interest_balance + account.penalty_interest_balance,
            fees=account.fees_balance,
        )
    )


@pytest.fixture
def deferral_offer(in_review, agent):
    offer = n.offer_propose(
        case=in_review,
        actor=agent,
        version=in_review.version,
        schedule=deferral(in_review),
        rationale="A pause while you look for work",
    )
    return fresh(in_review), offer


# --- 1. full disclosure before consent ---------------------------------------------------------


def test_the_cardholder_sees_every_instalment_and_the_months_with_nothing_to_pay(
    client_for, cardholder, deferral_offer
):
    case, _offer = deferral_offer
    page = client_for(cardholder).get(case.get_absolute_url())
    html = page.content.decode()
    disclosure = page.context["open_disclosure"]
    # Three months with nothing due, then 24 payments: 27 rows, every one shown.
    assert len(disclosure.rows) == 27
    assert disclosure.zero_payment_months == 3
    assert disclosure.payments == 24
    assert html.count("<tr") - 1 == 27  # one header row
    assert "In 3 months nothing is due" in html
    assert "interest is still charged" in disclosure.accrual
    assert "minimum payments" in disclosure.comparison
    assert f'name="disclosure" value="{disclosure.sha256}"' in html
    assert "Amount to repay under the plan" in html


def test_acceptance_stores_exactly_what_was_shown_with_the_consent_record(
    client_for, cardholder, deferral_offer
):
    case, offer = deferral_offer
    client = client_for(cardholder)
    page = client.get(case.get_absolute_url())
    shown = page.context["open_disclosure"]
    client.post(
        reverse("cases:offer_answer", args=[case.pk, offer.pk]),
        {"version": case.version, "answer": "accept", "consent": "on", "disclosure": shown.sha256},
        HTTP_USER_AGENT="Mozilla/5.0 (Phone)",
        REMOTE_ADDR="203.0.113.9",
    )
    acceptance = OfferAcceptance.objects.get(offer=offer)
    assert acceptance.disclosure_sha256 == shown.sha256
    assert acceptance.disclosure_text == shown.text
    assert len(acceptance.schedule) == 27
    assert acceptance.schedule[0]["payment"] == "0.00"
    assert [row["payment"] for row in acceptance.schedule] == [
        str(row.payment) for row in shown.rows
    ]
    assert (acceptance.ip_address, acceptance.user_agent) == ("203.0.113.9", "Mozilla/5.0 (Phone)")
    assert acceptance.accepted_by == cardholder
    assert acceptance.language == "en"
    assert fresh(case).status == CaseStatus.AGREED
    with pytest.raises(ValueError, match="never changed"):
        acceptance.save()


def test_consent_to_a_disclosure_that_is_not_the_offers_changes_nothing(cardholder, deferral_offer):
    case, offer = deferral_offer
    with pytest.raises(CaseActionRefused, match="Read the offer again"):
        n.offer_accept(
            offer=offer,
            actor=cardholder,
            version=case.version,
            consent=Consent(shown_sha256="0" * 64),
        )
    assert fresh(case).status == CaseStatus.AWAITING_CARDHOLDER
    assert not OfferAcceptance.objects.exists()


def test_an_offer_made_on_balances_that_moved_is_out_of_date(cardholder, deferral_offer):
    case, offer = deferral_offer
    consent = consent_for(offer)
    # A payment of 2,000 came in after the offer was made.
    CardAccount.objects.filter(pk=case.account_id).update(
        principal_balance=case.account.principal_balance - Decimal("2000.00")
    )
    with pytest.raises(OfferOutOfDate, match="out of date"):
        n.offer_accept(offer=offer, actor=cardholder, version=case.version, consent=consent)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert fresh(case).status == CaseStatus.IN_REVIEW
    assert CaseEvent.objects.filter(case=case, kind="offer_out_of_date").exists()
    assert not OfferAcceptance.objects.exists()


def test_a_small_move_within_the_tolerance_is_accepted(cardholder, deferral_offer):
    case, offer = deferral_offer
    consent = consent_for(offer)
    CardAccount.objects.filter(pk=case.account_id).update(
        fees_balance=case.account.fees_balance + Decimal("1.00")
    )
    n.offer_accept(offer=offer, actor=cardholder, version=case.version, consent=consent)
    assert fresh(case).status == CaseStatus.AGREED


def test_staff_see_the_same_disclosure_before_sending(client_for, agent, in_review):
    html = client_for(agent).get(reverse("cases:review", args=[in_review.pk])).content.decode()
    assert "What the cardholder will see for option 1: every payment" in html
    assert 'data-testid="disclosure"' in html


# --- 2. no dead ends --------------------------------------------------------------------------


def test_an_offer_nobody_could_approve_is_refused_before_it_is_sent(in_review, supervisor):
    # The supervisor's own offer beyond a supervisor's authority: nobody above them.
    case = n.case_assign(
        case=in_review, actor=supervisor, assignee=supervisor, version=in_review.version
    )
    accrued = case.account.interest_balance + case.account.penalty_interest_balance
    settle = build_schedule(
        PlanTerms(
            plan_type=PlanType.SETTLEMENT,
            balance=case.account.principal_balance,
            start_date=first_due_date(),
            settlement_percent=Decimal("30"),
            accrued_interest=accrued,
            fees=case.account.fees_balance,
        )
    )
    with pytest.raises(CaseActionRefused, match="nobody else who could approve it"):
        n.offer_propose(
            case=case, actor=supervisor, version=case.version, schedule=settle, rationale="x"
        )
    assert fresh(case).status == CaseStatus.IN_REVIEW
    assert not Offer.objects.filter(case=case, proposer="bank").exists()


def test_every_possible_approver_is_told_and_the_maker_can_take_it_back(
    in_review, agent, supervisor
):
    other = UserFactory.create(role="supervisor")
    offer = n.offer_propose(
        case=in_review,
        actor=agent,
        version=in_review.version,
        schedule=quote(in_review, months=48),
        rationale="Long illness",
    )
    for approver in (supervisor, other):
        assert approver.notifications.filter(title__contains="waits for your approval").exists()
    case = fresh(in_review)
    n.offer_recall(offer=offer, actor=agent, version=case.version)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert fresh(case).status == CaseStatus.IN_REVIEW


def test_the_maker_is_told_when_their_offer_is_approved_or_rejected(in_review, agent, supervisor):
    offer = n.offer_propose(
        case=in_review,
        actor=agent,
        version=in_review.version,
        schedule=quote(in_review, months=48),
        rationale="x",
    )
    n.offer_reject(
        offer=offer, actor=supervisor, version=fresh(in_review).version, reason="Too long"
    )
    assert agent.notifications.filter(title__contains="was rejected").exists()


def test_the_bank_withdraws_an_open_offer_and_the_cardholder_is_told_why(
    client_for, in_review, agent, cardholder
):
    offer = n.offer_propose(
        case=in_review,
        actor=agent,
        version=in_review.version,
        schedule=quote(in_review),
        rationale="x",
    )
    case = fresh(in_review)
    client_for(agent).post(
        reverse("cases:offer_withdraw", args=[case.pk, offer.pk]),
        {"version": case.version, "reason": "We found a better plan for you"},
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert fresh(case).status == CaseStatus.IN_REVIEW
    notice = cardholder.notifications.filter(title__startswith="We withdrew our offer").get()
    assert "We found a better plan for you" in notice.rendered_body
    html = client_for(cardholder).get(case.get_absolute_url()).content.decode()
    assert "We withdrew our offer: We found a better plan for you" in html


def test_an_appeal_is_heard_by_someone_other_than_who_declined(in_review, supervisor, cardholder):
    case = n.case_assign(
        case=in_review, actor=supervisor, assignee=supervisor, version=in_review.version
    )
    case = n.case_decline(case=case, actor=supervisor, version=case.version, reason="No income")
    case = n.case_appeal(case=case, actor=cardholder, version=case.version, reason="New job")
    with pytest.raises(CaseActionRefused, match="another supervisor"):
        n.case_claim(case=case, actor=supervisor, version=case.version)
    other = UserFactory.create(role="supervisor")
    assert n.case_claim(case=case, actor=other, version=case.version).assignee == other
    # One appeal per decline: the appealed case is in review, not declined, so no second one.
    with pytest.raises(CaseActionRefused):
        n.case_appeal(case=fresh(case), actor=cardholder, version=fresh(case).version, reason="x")


def test_an_agreed_case_can_be_withdrawn_or_closed(agent, cardholder, in_review):
    offer = n.offer_propose(
        case=in_review,
        actor=agent,
        version=in_review.version,
        schedule=quote(in_review),
        rationale="x",
    )
    case = fresh(in_review)
    n.offer_accept(offer=offer, actor=cardholder, version=case.version, consent=consent_for(offer))
    case = fresh(case)
    assert case.status == CaseStatus.AGREED
    portal.case_withdraw(case=case, actor=cardholder, version=case.version)
    assert fresh(case).status == CaseStatus.WITHDRAWN


def test_every_status_has_a_way_out():
    """No status but the final ones is a dead end (docs/architecture.md lists the moves)."""
    final = {
        CaseStatus.COMPLETED,
        CaseStatus.WITHDRAWN,
        CaseStatus.CLOSED,
        CaseStatus.DECLINED,  # appealed, or final after the appeal window
        CaseStatus.ACTIVE,  # left by the plan's own moves (issue 12)
        CaseStatus.BROKEN,
    }
    sources = set()
    for transition in HardshipCase._meta.get_field("status").get_all_transitions(HardshipCase):
        sources.add(transition.source)
    for status in CaseStatus:
        if status not in final:
            assert status.value in sources, status


# --- 7. offers and documents move only through their transitions ----------------------------


def test_an_offer_status_cannot_be_set_by_hand(deferral_offer):
    _case, offer = deferral_offer
    with pytest.raises(AttributeError):
        offer.status = OfferStatus.ACCEPTED


def test_every_offer_move_is_an_event(deferral_offer, agent):
    case, offer = deferral_offer
    before = CaseEvent.objects.filter(case=case).count()
    offer_move(offer, "expire", case=case, actor=None)
    assert CaseEvent.objects.filter(case=case).count() == before + 1
    with pytest.raises(CaseActionRefused):
        offer_move(offer, "accept", case=case, actor=None)
