"""Two people acting on one case at the same moment, against real PostgreSQL row locks.

Each request runs in its own thread with its own database connection, as two web processes
would. Exactly one wins; the other is told the case changed, and nothing of theirs is applied.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from cases import negotiation as n
from cases.models import CaseEvent, CaseStatus, HardshipCase, Offer, OfferStatus
from tests.cases.conftest import fill_draft
from tests.cases.negotiation.test_negotiation import consent_for, quote
from tests.conftest import login_as
from tests.factories import CardAccountFactory
from tests.services import need

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres() -> None:
    need(
        connection.vendor == "postgresql",
        "needs PostgreSQL: set DATABASE_URL=postgres://...",
        service="postgres",
    )


def race(*requests: Callable[[], Any]) -> list[Any]:
    """Start the requests together and return their responses (or exceptions)."""
    barrier = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)

    def run(index: int, request: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = request()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def case_in_review(cardholder, agent):
    from cases.application import services

    account = CardAccountFactory.create(
        holder=cardholder, days_past_due=45, interest_balance="900.00"
    )
    case = fill_draft(services.case_start(account=account, actor=cardholder), cardholder)
    case = services.case_submit(case=case, actor=cardholder, version=case.version)
    return n.case_claim(case=case, actor=agent, version=case.version)


def test_two_staff_sending_offers_at_once_one_wins(case_in_review, agent, supervisor):
    agent_client, supervisor_client = login_as(Client(), agent), login_as(Client(), supervisor)
    url = reverse("cases:offer", args=[case_in_review.pk])
    data = {"version": case_in_review.version, "choice": "1", "rationale": "Fits"}
    responses = race(
        lambda: agent_client.post(url, data, follow=True),
        lambda: supervisor_client.post(url, data, follow=True),
    )
    texts = [r.content.decode() for r in responses]
    assert sum("This case changed while you were looking at it" in t for t in texts) == 1
    assert Offer.objects.filter(case=case_in_review, proposer="bank").count() == 1
    # Whoever won, one offer went out: to the cardholder, or (when the agent won with terms
    # beyond an agent's authority) to a supervisor first.
    events = list(
        CaseEvent.objects.filter(
            case=case_in_review, kind__in=("offer_sent", "offer_for_approval")
        ).values_list("kind", flat=True)
    )
    assert len(events) == 1
    expected = {
        "offer_sent": CaseStatus.AWAITING_CARDHOLDER,
        "offer_for_approval": CaseStatus.AWAITING_APPROVAL,
    }[events[0]]
    assert HardshipCase.objects.get(pk=case_in_review.pk).status == expected


def test_an_offer_cannot_be_accepted_twice_at_once(case_in_review, agent, cardholder):
    offer = n.offer_propose(
        case=case_in_review,
        actor=agent,
        version=case_in_review.version,
        schedule=quote(case_in_review),
        rationale="Fits",
    )
    version = HardshipCase.objects.get(pk=case_in_review.pk).version
    phone, laptop = login_as(Client(), cardholder), login_as(Client(), cardholder)
    url = reverse("cases:offer_answer", args=[case_in_review.pk, offer.pk])
    # What the page posts: the consent box and the hash of the disclosure it showed.
    shown = consent_for(offer).shown_sha256
    data = {"version": version, "answer": "accept", "consent": "on", "disclosure": shown}
    results = race(lambda: phone.post(url, data), lambda: laptop.post(url, data))
    assert all(not isinstance(result, Exception) for result in results), results
    assert CaseEvent.objects.filter(case=case_in_review, kind="offer_accepted").count() == 1
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED


def test_accepting_while_a_supervisor_decides_cannot_both_win(case_in_review, agent, cardholder):
    # The cardholder answers an offer at the very moment the expiry job runs.
    offer = n.offer_propose(
        case=case_in_review,
        actor=agent,
        version=case_in_review.version,
        schedule=quote(case_in_review),
        rationale="Fits",
    )
    from datetime import timedelta

    from django.utils import timezone

    version = HardshipCase.objects.get(pk=case_in_review.pk).version
    expiry_time = (offer.expires_at or timezone.now()) + timedelta(seconds=1)
    results = race(
        lambda: n.offer_accept(
            offer=offer, actor=cardholder, version=version, consent=consent_for(offer)
        ),
        lambda: n.offers_expire_due(now=expiry_time),
    )
    offer.refresh_from_db()
    case = HardshipCase.objects.get(pk=case_in_review.pk)
    accepted = offer.status == OfferStatus.ACCEPTED
    assert accepted == (case.status == CaseStatus.AGREED)
    assert (not accepted) == (
        case.status == CaseStatus.IN_REVIEW and offer.status == OfferStatus.EXPIRED
    )
    assert results[1] == (0 if accepted else 1)


def test_parallel_guesses_from_many_logins_cannot_pass_the_cards_limit(settings):
    """Ten logins guess a card's ID at the same moment: the card's row lock counts them one
    after another, so it locks at the limit and the right guess among them cannot link it."""
    from datetime import date

    from cases.enrolment import services
    from cases.models import CardAccount
    from tests.factories import UserFactory

    settings.ENROLMENT_MAX_FAILURES_PER_CARD = 5
    card = CardAccountFactory.create(
        card_last4="8841", holder_birth_date=date(1988, 5, 17), holder_id_last4="042X"
    )
    attackers = [UserFactory.create() for _ in range(10)]

    def guess(user, id_last4, n):
        return lambda: services.enrolment_link(
            user=user,
            card_last4="8841",
            birth_date=date(1988, 5, 17),
            id_last4=id_last4,
            ip_address=f"198.51.100.{n}",
        )

    guesses = [guess(user, f"{n:04d}", n) for n, user in enumerate(attackers[:9])]
    race(*guesses)
    card = CardAccount.objects.get(pk=card.pk)
    assert card.linking_failures == 9
    assert card.linking_locked_at is not None
    with pytest.raises(services.EnrolmentRefused, match="call us"):
        guess(attackers[9], "042X", 99)()
    assert CardAccount.objects.get(pk=card.pk).holder is None
