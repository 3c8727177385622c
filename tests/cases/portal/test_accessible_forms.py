"""A refused form says what is wrong at the top (a summary that takes focus and links to each
field) and beside each field (tied to it with aria-describedby), on the page being filled in."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases import negotiation as n
from cases.models import CaseStatus
from tests.cases.negotiation.test_negotiation import fresh, quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_offer(submitted, agent):
    case = n.case_claim(case=submitted, actor=agent, version=submitted.version)
    offer = n.offer_propose(
        case=case, actor=agent, version=case.version, schedule=quote(case), rationale="Fits"
    )
    return fresh(case), offer


def test_accepting_without_consent_explains_it_beside_the_box(client_for, cardholder, open_offer):
    case, offer = open_offer
    response = client_for(cardholder).post(
        reverse("cases:offer_answer", args=[case.pk, offer.pk]),
        {"version": case.version, "answer": "accept"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    # The summary at the top, linking to the box.
    assert "data-error-summary" in html
    assert 'href="#id_consent"' in html
    # The message beside the box, tied to it.
    box = re.search(r'<input[^>]*id="id_consent"[^>]*>', html)
    assert box is not None
    assert 'aria-invalid="true"' in box.group(0)
    assert 'aria-describedby="id_consent_error"' in box.group(0)
    assert 'id="id_consent_error"' in html
    assert "Tick the box to confirm" in html
    assert fresh(case).status == CaseStatus.AWAITING_CARDHOLDER


def test_a_wizard_step_refused_lists_each_problem_with_a_link(client_for, cardholder, draft):
    response = client_for(cardholder).post(
        reverse("cases:apply", args=[draft.pk, "reason"]), {"version": draft.version}
    )
    html = response.content.decode()
    assert 'data-testid="error-summary"' in html
    assert 'href="#id_reason_0"' in html
    assert 'href="#id_duration_0"' in html


def test_an_allauth_form_has_the_summary_too(client):
    response = client.post(reverse("account_login"), {"login": "", "password": ""})
    assert 'data-testid="error-summary"' in response.content.decode()


def test_a_page_without_errors_has_no_summary(client_for, cardholder, draft):
    html = client_for(cardholder).get(reverse("cases:apply", args=[draft.pk, "reason"]))
    assert "data-error-summary" not in html.content.decode()
