import pytest
from django.urls import reverse

from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

VALID = {
    "full_name": "Alice Zhang",
    "phone": "+86 138 0000 0000",
    "preferred_language": "zh-hans",
    "preferred_channel": "sms",
    "time_zone": "Asia/Shanghai",
    "contact_from": "09:00",
    "contact_until": "18:30",
}


def test_a_cardholder_updates_their_profile_and_it_is_audited(client_for, cardholder):
    response = client_for(cardholder).post(reverse("accounts:profile"), VALID)
    assert response.status_code == 302
    cardholder.profile.refresh_from_db()
    assert cardholder.profile.full_name == "Alice Zhang"
    assert cardholder.profile.preferred_channel == "sms"
    assert response.cookies["django_language"].value == "zh-hans"
    event = AuditEvent.objects.get(subject=cardholder, action="profile_updated")
    assert event.actor == cardholder
    assert event.changes["preferred_channel"] == {"old": "in_app", "new": "sms"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_until", "08:00", "must be before the end"),
        ("phone", "call me maybe", "Enter a phone number"),
        ("time_zone", "Mars/Olympus", "Select a valid choice"),
        ("preferred_channel", "pigeon", "Select a valid choice"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(client_for, cardholder, field, value, message):
    before = cardholder.profile.full_name
    response = client_for(cardholder).post(reverse("accounts:profile"), {**VALID, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    cardholder.profile.refresh_from_db()
    assert cardholder.profile.full_name == before
    assert not AuditEvent.objects.filter(action="profile_updated").exists()


def test_saving_an_unchanged_profile_writes_no_audit_event(client_for, cardholder):
    client = client_for(cardholder)
    client.post(reverse("accounts:profile"), VALID)
    client.post(reverse("accounts:profile"), VALID)
    assert AuditEvent.objects.filter(action="profile_updated").count() == 1
