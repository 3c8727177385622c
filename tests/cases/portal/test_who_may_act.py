"""Cardholder actions are the cardholder's; staff have their own; each sees what is theirs.

Regression tests for what a hostile tester found: staff withdrawing any case through the
cardholder's URL, staff writing on an unsubmitted draft, cardholders seeing offers that never
left the bank, messages on finished cases, a counter-offer to an expired offer.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import negotiation as n
from cases.application.services import case_open_for_cardholder
from cases.conversation import message_post
from cases.core import CaseActionRefused
from cases.models import CaseStatus, Message, Offer, OfferStatus
from cases.portal.services import case_withdraw
from tests.cases.negotiation.test_negotiation import fresh, quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(submitted, agent):
    return n.case_claim(case=submitted, actor=agent, version=submitted.version)


@pytest.fixture
def awaiting_approval(in_review, agent, supervisor):
    accrued = in_review.account.interest_balance + in_review.account.penalty_interest_balance
    n.offer_propose(
        case=in_review,
        actor=agent,
        version=in_review.version,
        schedule=quote(in_review, months=48, interest_waived=str(accrued)),
        rationale="A SECRET RATIONALE for the supervisor only",
    )
    return fresh(in_review)


# --- withdrawing ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["agent", "supervisor", "other_agent"])
def test_staff_cannot_withdraw_through_the_cardholders_url(request, client_for, submitted, persona):
    staff = request.getfixturevalue(persona)
    response = client_for(staff).post(
        reverse("cases:withdraw", args=[submitted.pk]), {"version": submitted.version}
    )
    assert response.status_code == 403
    assert fresh(submitted).status == CaseStatus.SUBMITTED


def test_the_withdraw_service_refuses_staff(submitted, agent):
    with pytest.raises(CaseActionRefused, match="Only the cardholder"):
        case_withdraw(case=submitted, actor=agent, version=submitted.version)
    assert fresh(submitted).status == CaseStatus.SUBMITTED


def test_an_appealed_case_cannot_be_withdrawn_by_staff(in_review, agent, supervisor, cardholder):
    declined = n.case_decline(
        case=in_review, actor=agent, version=in_review.version, reason="No income"
    )
    appealed = n.case_appeal(
        case=declined, actor=cardholder, version=declined.version, reason="New job offer"
    )
    with pytest.raises(CaseActionRefused):
        case_withdraw(case=appealed, actor=supervisor, version=appealed.version)
    assert fresh(appealed).status == CaseStatus.IN_REVIEW


def test_the_cardholder_still_withdraws_their_own_case(client_for, cardholder, submitted):
    client_for(cardholder).post(
        reverse("cases:withdraw", args=[submitted.pk]), {"version": submitted.version}
    )
    assert fresh(submitted).status == CaseStatus.WITHDRAWN


# --- cardholder-only actions through their URLs -------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["cases:message", "cases:reply", "cases:appeal", "cases:withdraw"]
)
def test_staff_cannot_post_to_cardholder_action_urls(client_for, agent, submitted, url_name):
    response = client_for(agent).post(
        reverse(url_name, args=[submitted.pk]), {"version": submitted.version, "body": "x"}
    )
    assert response.status_code == 403
    assert not Message.objects.filter(case=submitted).exists()


def test_staff_cannot_answer_an_offer_for_the_cardholder(client_for, agent, in_review):
    offer = n.offer_propose(
        case=in_review,
        actor=agent,
        version=in_review.version,
        schedule=quote(in_review),
        rationale="Fits",
    )
    case = fresh(in_review)
    client = client_for(agent)
    for name in ("cases:offer_answer", "cases:offer_counter"):
        response = client.post(
            reverse(name, args=[case.pk, offer.pk]),
            {"version": case.version, "answer": "accept", "consent": "on", "months": "24"},
        )
        assert response.status_code == 403
    assert fresh(case).status == CaseStatus.AWAITING_CARDHOLDER


# --- drafts are the cardholder's ----------------------------------------------------------------


def test_staff_cannot_read_or_write_on_an_unsubmitted_draft(client_for, agent, complete_draft):
    client = client_for(agent)
    assert client.get(reverse("cases:review", args=[complete_draft.pk])).status_code == 404
    assert client.get(complete_draft.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("cases:staff_message", args=[complete_draft.pk]), {"body": "Hello"}
    )
    assert response.status_code == 404
    with pytest.raises(CaseActionRefused):
        message_post(case=complete_draft, author=agent, body="Hello")
    assert not Message.objects.exists()


def test_staff_see_a_case_they_opened_for_a_caller(client_for, agent, account):
    case = case_open_for_cardholder(
        account=account,
        actor=agent,
        channel="phone",
        reason="job_loss",
        duration="temporary",
        own_words="Called in.",
    )
    assert client_for(agent).get(reverse("cases:review", args=[case.pk])).status_code == 200


# --- the case page speaks to the cardholder -----------------------------------------------------


def test_staff_following_a_case_link_land_on_their_review_page(client_for, agent, submitted):
    response = client_for(agent).get(submitted.get_absolute_url())
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("cases:review", args=[submitted.pk])


def test_an_offer_waiting_for_a_supervisor_is_not_shown_to_the_cardholder(
    client_for, cardholder, awaiting_approval
):
    html = client_for(cardholder).get(awaiting_approval.get_absolute_url()).content.decode()
    assert "A SECRET RATIONALE" not in html
    assert "Waiting for a supervisor" not in html


def test_a_rejected_offer_is_not_shown_to_the_cardholder(
    client_for, cardholder, supervisor, awaiting_approval
):
    pending = awaiting_approval.offers.get(status=OfferStatus.PENDING_APPROVAL)
    n.offer_reject(
        offer=pending, actor=supervisor, version=awaiting_approval.version, reason="Too generous"
    )
    html = client_for(cardholder).get(awaiting_approval.get_absolute_url()).content.decode()
    assert "A SECRET RATIONALE" not in html
    assert "Rejected by a supervisor" not in html
    assert "Too generous" not in html


def test_an_approved_offer_is_shown_once_sent(
    client_for, cardholder, supervisor, awaiting_approval
):
    pending = awaiting_approval.offers.get(status=OfferStatus.PENDING_APPROVAL)
    offer = n.offer_approve(offer=pending, actor=supervisor, version=awaiting_approval.version)
    assert offer.sent_at is not None
    html = client_for(cardholder).get(awaiting_approval.get_absolute_url()).content.decode()
    assert "A SECRET RATIONALE" in html


def test_the_cardholder_sees_their_own_request(client_for, cardholder, submitted):
    html = client_for(cardholder).get(submitted.get_absolute_url()).content.decode()
    assert "Your request" in html


# --- messages only while someone will read them -------------------------------------------------


@pytest.mark.parametrize("ending", ["withdraw", "close"])
def test_no_messages_on_a_finished_case(client_for, cardholder, agent, in_review, ending):
    if ending == "withdraw":
        case = case_withdraw(case=in_review, actor=cardholder, version=in_review.version)
    else:
        case = n.case_close(case=in_review, actor=agent, version=in_review.version, reason="Paid")
    for author in (cardholder, agent):
        with pytest.raises(CaseActionRefused, match="has ended"):
            message_post(case=case, author=author, body="Hello?")
    response = client_for(cardholder).post(
        reverse("cases:message", args=[case.pk]), {"body": "Hello?"}, follow=True
    )
    html = response.content.decode()
    assert "no more messages can be sent" in html
    assert f'action="{reverse("cases:message", args=[case.pk])}"' not in html
    assert not Message.objects.filter(case=case).exists()


# --- expired offers -----------------------------------------------------------------------------


def test_a_counter_to_an_expired_offer_is_refused(in_review, agent, cardholder):
    offer = n.offer_propose(
        case=in_review,
        actor=agent,
        version=in_review.version,
        schedule=quote(in_review),
        rationale="Fits",
    )
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    case = fresh(in_review)
    with pytest.raises(CaseActionRefused, match="expired"):
        n.offer_counter(
            offer=offer, actor=cardholder, version=case.version, schedule=quote(case), note=""
        )
    assert fresh(case).status == CaseStatus.AWAITING_CARDHOLDER
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.OPEN
