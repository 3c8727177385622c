import csv
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from cases.models import EnrolmentAttempt, HolderNotice
from tests.conftest import login_as
from tests.factories import CardAccountFactory, UserFactory

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
    # Only staff can move a linked card; the message says where to go, nothing more.
    assert "We cannot link this card online" in response.content.decode()
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
        ("birth_date", "2999-01-01", "Enter a valid date of birth."),
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


# --- limits per card, per address, per login: signing up again resets nothing -------------------


def _guess(user, id_last4, *, ip="203.0.113.7"):
    from cases.enrolment import services

    try:
        services.enrolment_link(
            user=user,
            card_last4="8841",
            birth_date=date(1988, 5, 17),
            id_last4=id_last4,
            ip_address=ip,
        )
    except services.EnrolmentRefused as refusal:
        return str(refusal)
    return "linked"


def test_guessing_across_many_logins_locks_the_card_before_the_id_is_found(unlinked):
    """The attack that worked: five self-registered logins, five guesses each, each from its
    own address. The card locks after five near misses, whoever made them."""
    guesses = iter(f"{n:04d}" for n in range(1, 100))  # the real one (042X) is never reached
    for n in range(5):
        attacker = UserFactory.create()
        for _ in range(5):
            _guess(attacker, next(guesses), ip=f"198.51.100.{n}")
    unlinked.refresh_from_db()
    assert unlinked.linking_locked_at is not None
    # Even the right details no longer link it online, and say only "call us".
    latecomer = UserFactory.create()
    assert "call us" in _guess(latecomer, "042X", ip="192.0.2.99")
    unlinked.refresh_from_db()
    assert unlinked.holder is None


def test_a_locked_card_tells_its_holder_through_the_banks_channel(cardholder, unlinked):
    unlinked.holder = cardholder
    unlinked.save()
    attacker = UserFactory.create()
    for n in range(5):
        _guess(attacker, f"{n:04d}", ip=f"198.51.100.{n}")
    notice = HolderNotice.objects.get(account=unlinked)
    assert notice.kind == "linking_locked"
    assert notice.exported_at is None
    assert cardholder.notifications.filter(title__startswith="Someone tried to link").exists()
    assert AuditEvent.objects.filter(action="card_linking_locked", subject=cardholder).exists()


def test_the_real_owner_cannot_link_a_locked_card_until_staff_release_it(
    client_for, cardholder, agent, unlinked
):
    for n in range(5):
        _guess(UserFactory.create(), f"{n:04d}", ip=f"198.51.100.{n}")
    owner = client_for(cardholder)
    refused = owner.post(reverse("cases:enrol"), GOOD)
    assert "We cannot link this card online" in refused.content.decode()

    staff = Client()
    login_as(staff, agent)
    page = staff.get(reverse("cases:card_linking"))
    assert page.status_code == 200
    assert unlinked.bank_reference in page.content.decode()
    release = reverse("cases:card_linking_release", args=[unlinked.pk])
    nothing = staff.post(release, {"note": " "}, follow=True)
    assert "Say how you checked" in nothing.content.decode()
    staff.post(release, {"note": "Called back on the number on file; ID checked"})
    unlinked.refresh_from_db()
    assert (unlinked.linking_locked_at, unlinked.linking_failures) == (None, 0)
    assert AuditEvent.objects.filter(action="card_linking_released", actor=agent).exists()

    owner.post(reverse("cases:enrol"), GOOD)
    unlinked.refresh_from_db()
    assert unlinked.holder == cardholder


def test_a_card_linked_to_someone_else_is_never_relinked_and_counts_as_a_failure(
    other_cardholder, unlinked
):
    unlinked.holder = other_cardholder
    unlinked.save()
    attacker = UserFactory.create()
    assert "call us" in _guess(attacker, "042X")
    unlinked.refresh_from_db()
    assert unlinked.holder == other_cardholder
    assert unlinked.linking_failures == 1


def test_failures_from_one_address_are_limited_across_logins(unlinked, settings):
    settings.ENROLMENT_MAX_FAILURES_PER_ADDRESS = 3
    settings.ENROLMENT_MAX_FAILURES_PER_CARD = 100
    for n in range(3):
        _guess(UserFactory.create(), f"{n:04d}")
    assert "Too many unsuccessful attempts" in _guess(UserFactory.create(), "042X")
    unlinked.refresh_from_db()
    assert unlinked.holder is None
    # From elsewhere, the right details still link it.
    owner = UserFactory.create()
    assert _guess(owner, "042X", ip="192.0.2.1") == "linked"


def test_an_attempt_far_from_every_card_counts_against_none(unlinked):
    from cases.enrolment import services

    with pytest.raises(services.EnrolmentRefused):
        services.enrolment_link(
            user=UserFactory.create(),
            card_last4="8841",
            birth_date=date(1970, 1, 1),
            id_last4="9999",
        )
    unlinked.refresh_from_db()
    assert unlinked.linking_failures == 0


def test_a_successful_link_resets_the_cards_count(cardholder, unlinked):
    _guess(UserFactory.create(), "0001")
    _guess(cardholder, "042X")
    unlinked.refresh_from_db()
    assert (unlinked.holder, unlinked.linking_failures) == (cardholder, 0)


@pytest.mark.parametrize("persona", ["cardholder", "editor"])
def test_only_staff_see_and_release_locked_cards(request, client_for, persona, unlinked):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("cases:card_linking")).status_code == 403
    release = reverse("cases:card_linking_release", args=[unlinked.pk])
    assert client.post(release, {"note": "x"}).status_code == 403


def test_notices_are_exported_once_for_the_core_system(tmp_path, unlinked):
    for n in range(5):
        _guess(UserFactory.create(), f"{n:04d}", ip=f"198.51.100.{n}")
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    call_command("export_holder_notices", str(first))
    call_command("export_holder_notices", str(second))
    rows = list(csv.reader(first.open()))
    assert rows[0] == ["notice_id", "account_reference", "kind", "created_at"]
    assert [row[1:3] for row in rows[1:]] == [[unlinked.bank_reference, "linking_locked"]]
    assert list(csv.reader(second.open()))[1:] == []
    with pytest.raises(CommandError, match="exists"):
        call_command("export_holder_notices", str(first))


def test_the_address_behind_the_load_balancer_is_the_one_it_added(
    client_for, cardholder, unlinked, settings
):
    settings.BEHIND_PROXY = True
    client_for(cardholder).post(
        reverse("cases:enrol"),
        {**GOOD, "id_last4": "0000"},
        HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.50",
    )
    assert EnrolmentAttempt.objects.get().ip_address == "203.0.113.50"
