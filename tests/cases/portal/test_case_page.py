import pytest
from django.urls import reverse

from accounts.roles import Role
from cases.models import CaseEvent, CaseStatus, Channel, HardshipCase
from tests.factories import CardAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_case_page_shows_status_next_step_deadline_and_timeline(
    client_for, cardholder, submitted
):
    page = client_for(cardholder).get(submitted.get_absolute_url()).content.decode()
    assert 'data-testid="case-status">Submitted<' in page
    assert "A member of our team will review your application." in page
    assert 'data-testid="decision-due"' in page
    assert "Application submitted" in page
    assert "Your request" in page


def test_another_cardholder_gets_404_for_a_case_url(client_for, other_cardholder, submitted):
    assert client_for(other_cardholder).get(submitted.get_absolute_url()).status_code == 404


def test_an_editor_cannot_see_cases(client_for, editor, submitted):
    assert client_for(editor).get(submitted.get_absolute_url()).status_code == 403


def test_the_cardholder_withdraws_and_the_timeline_records_it(client_for, cardholder, submitted):
    client = client_for(cardholder)
    response = client.post(
        reverse("cases:withdraw", args=[submitted.pk]),
        {"version": submitted.version, "reason": "Found a job"},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.WITHDRAWN
    assert submitted.offers.get().status == "withdrawn"
    event = CaseEvent.objects.get(case=submitted, kind="withdrawn")
    assert event.payload == {"reason": "Found a job"}
    assert "You withdrew the case" in client.get(submitted.get_absolute_url()).content.decode()


def test_withdrawing_twice_is_refused_and_changes_nothing(client_for, cardholder, submitted):
    client = client_for(cardholder)
    client.post(reverse("cases:withdraw", args=[submitted.pk]), {"version": submitted.version})
    submitted.refresh_from_db()
    response = client.post(
        reverse("cases:withdraw", args=[submitted.pk]), {"version": submitted.version}, follow=True
    )
    assert "can no longer be withdrawn" in response.content.decode()
    assert CaseEvent.objects.filter(case=submitted, kind="withdrawn").count() == 1


def test_withdrawing_from_a_stale_page_is_refused(client_for, cardholder, submitted):
    response = client_for(cardholder).post(
        reverse("cases:withdraw", args=[submitted.pk]),
        {"version": submitted.version - 1},
        follow=True,
    )
    assert "This case changed while you were looking at it" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED


def test_staff_open_a_case_for_a_caller_and_the_channel_is_recorded(
    client_for, agent, cardholder, account
):
    response = client_for(agent).post(
        reverse("cases:open_for_cardholder"),
        {
            "account": account.pk,
            "identity_checked": "on",
            "channel": "phone",
            "reason": "illness",
            "duration": "temporary",
            "own_words": "Called from hospital.",
        },
    )
    case = HardshipCase.objects.get(account=account)
    # Staff stay on staff pages: next, the cardholder's income and spending.
    assert response.url == reverse("cases:staff_statement", args=[case.pk])
    assert (case.channel, case.status, case.opened_by, case.assignee) == (
        Channel.PHONE,
        CaseStatus.IN_REVIEW,
        agent,
        agent,
    )
    assert case.decision_due is not None
    assert CaseEvent.objects.get(case=case, kind="submitted").payload["on_behalf"] is True
    # The cardholder sees it on their dashboard and is told.
    client_for(cardholder)
    assert cardholder.notifications.filter(title__startswith="We opened case").exists()


def test_staff_can_open_a_case_for_an_account_without_a_login(client_for, agent):
    account = CardAccountFactory.create()
    client_for(agent).post(
        reverse("cases:open_for_cardholder"),
        {
            "account": account.pk,
            "identity_checked": "on",
            "channel": "branch",
            "reason": "business",
            "duration": "long_term",
            "own_words": "Shop closed.",
        },
    )
    case = HardshipCase.objects.get(account=account)
    assert case.cardholder is None
    assert case.channel == Channel.BRANCH


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"account": "999999"}, "Find and choose the cardholder&#x27;s card first."),
        ({"identity_checked": ""}, "Check the caller&#x27;s identity before opening a case."),
        ({"channel": "online"}, "Select a valid choice."),
    ],
)
def test_staff_opening_bad_input_is_explained(client_for, agent, account, data, message):
    base = {
        "account": account.pk,
        "identity_checked": "on",
        "channel": "phone",
        "reason": "illness",
        "duration": "temporary",
        "own_words": "x",
    }
    response = client_for(agent).post(reverse("cases:open_for_cardholder"), {**base, **data})
    assert message in response.content.decode()
    assert not HardshipCase.objects.exists()


def test_a_second_open_case_cannot_be_opened_by_staff(client_for, agent, submitted):
    response = client_for(agent).post(
        reverse("cases:open_for_cardholder"),
        {
            "account": submitted.account.pk,
            "identity_checked": "on",
            "channel": "phone",
            "reason": "illness",
            "duration": "temporary",
            "own_words": "again",
        },
    )
    page = response.content.decode()
    assert "already has an open case" in page
    assert submitted.reference in page
    assert HardshipCase.objects.count() == 1


def test_cardholders_cannot_open_cases_for_others(client_for, cardholder, other_account):
    response = client_for(cardholder).get(reverse("cases:open_for_cardholder"))
    assert response.status_code == 403


def test_the_dashboard_shows_accounts_cases_and_notifications(client_for, cardholder, submitted):
    page = client_for(cardholder).get(reverse("cases:portal")).content.decode()
    assert "···· 3307" in page
    assert submitted.reference in page
    assert "We received your application" in page
    assert "45 days past due" in page
    assert 'data-testid="balance-total">CNY 32,051.47<' in page


def test_the_dashboard_of_one_cardholder_never_lists_anothers_accounts(
    client_for, other_cardholder, account
):
    UserFactory.create(role=Role.CARDHOLDER)
    page = client_for(other_cardholder).get(reverse("cases:portal")).content.decode()
    assert "3307" not in page


def test_the_timeline_speaks_to_the_cardholder_and_about_them_to_staff(
    client_for, cardholder, agent, submitted
):
    from cases import conversation as services

    services.message_post(case=submitted, author=cardholder, body="Hello")
    mine = client_for(cardholder).get(submitted.get_absolute_url()).content.decode()
    assert "Message from you" in mine
    theirs = client_for(agent).get(reverse("cases:review", args=[submitted.pk])).content.decode()
    assert "Message from the cardholder" in theirs
    assert "Message from you" not in theirs
