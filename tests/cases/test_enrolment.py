import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from cases.models import EnrolmentAttempt
from tests.factories import CardAccountFactory

pytestmark = pytest.mark.django_db

GOOD = {"card_last4": "8841", "birth_date": "1988-05-17", "id_last4": "042x"}


@pytest.fixture
def unlinked():
    return CardAccountFactory.create(
        card_last4="8841", holder_birth_date="1988-05-17", holder_id_last4="042X"
    )


def test_a_cardholder_links_their_card_with_matching_details(client_for, cardholder, unlinked):
    client = client_for(cardholder)
    # Before the link, the account is not theirs to see.
    assert client.get(reverse("cases:account", args=[unlinked.pk])).status_code == 404
    response = client.post(reverse("cases:enrol"), GOOD)
    assert response.status_code == 302
    unlinked.refresh_from_db()
    assert unlinked.holder == cardholder
    assert client.get(reverse("cases:account", args=[unlinked.pk])).status_code == 200
    assert AuditEvent.objects.filter(subject=cardholder, action="card_linked").exists()


@pytest.mark.parametrize("field", ["card_last4", "birth_date", "id_last4"])
def test_any_wrong_detail_links_nothing_and_says_nothing_about_the_card(
    client_for, cardholder, unlinked, field
):
    wrong = {"card_last4": "8842", "birth_date": "1988-05-18", "id_last4": "0424"}[field]
    response = client_for(cardholder).post(reverse("cases:enrol"), {**GOOD, field: wrong})
    assert response.status_code == 200
    text = response.content.decode()
    assert "We could not match those details to a card" in text
    assert "4 attempts left today" in text
    unlinked.refresh_from_db()
    assert unlinked.holder is None


def test_a_card_linked_to_someone_else_cannot_be_taken(
    client_for, other_cardholder, cardholder, unlinked
):
    unlinked.holder = other_cardholder
    unlinked.save()
    response = client_for(cardholder).post(reverse("cases:enrol"), GOOD)
    assert "We could not match those details to a card" in response.content.decode()
    unlinked.refresh_from_db()
    assert unlinked.holder == other_cardholder


def test_attempts_are_limited_per_day_and_logged(client_for, cardholder, unlinked):
    client = client_for(cardholder)
    for _ in range(5):
        client.post(reverse("cases:enrol"), {**GOOD, "card_last4": "0000"})
    response = client.post(reverse("cases:enrol"), GOOD)
    assert "Too many unsuccessful attempts" in response.content.decode()
    unlinked.refresh_from_db()
    assert unlinked.holder is None
    assert EnrolmentAttempt.objects.filter(user=cardholder, succeeded=False).count() == 5


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("card_last4", "12a4", "Enter exactly four digits."),
        ("birth_date", "2999-01-01", "Enter your real date of birth."),
        ("birth_date", "not a date", "Enter a valid date."),
        ("id_last4", "12", "Ensure this value has at least 4 characters"),
    ],
)
def test_malformed_details_are_explained_before_any_lookup(
    client_for, cardholder, field, value, message
):
    response = client_for(cardholder).post(reverse("cases:enrol"), {**GOOD, field: value})
    assert message in response.content.decode()
    assert not EnrolmentAttempt.objects.exists()


def test_staff_cannot_use_enrolment(client_for, agent):
    assert client_for(agent).get(reverse("cases:enrol")).status_code == 403
