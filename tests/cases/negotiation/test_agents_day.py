"""The agent's day: finding a caller, taking down their income and spending, seeing how to reach
them, assigning to the right people, looking back on ended cases."""

import pytest
from django.urls import reverse

from accounts.models import Profile
from accounts.roles import Role
from cases.models import CaseStatus, ContactLog, HardshipCase
from cases.negotiation import services as n
from cases.negotiation.selectors import find_cardholder_accounts, team_members
from cases.planning import recommendations_for
from tests.factories import CardAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_caller_is_found_by_name_phone_last_four_or_reference(cardholder, account):
    cardholder.profile.phone = "+86 138 0013 8000"
    cardholder.profile.save()
    other = CardAccountFactory.create(holder_name="Ouyang Min", card_last4="1111")
    assert find_cardholder_accounts(account.card_last4) == [account]
    assert find_cardholder_accounts("138-0013-8000") == [account]
    assert find_cardholder_accounts("ouyang") == [other]
    assert find_cardholder_accounts(other.bank_reference) == [other]
    assert find_cardholder_accounts("   ") == []
    assert find_cardholder_accounts("nobody at all") == []


def test_the_open_page_searches_then_opens_and_claims_for_the_agent(client_for, agent, account):
    client = client_for(agent)
    found = client.get(reverse("cases:open_for_cardholder"), {"q": account.card_last4})
    page = found.content.decode()
    assert 'data-testid="caller-results"' in page
    assert f"account={account.pk}" in page
    chosen = client.get(
        reverse("cases:open_for_cardholder"), {"q": account.card_last4, "account": account.pk}
    )
    assert 'data-testid="chosen-card"' in chosen.content.decode()
    nothing = client.get(reverse("cases:open_for_cardholder"), {"q": "0000"})
    assert "No card matches" in nothing.content.decode()


STATEMENT = {
    "household_size": "3",
    "dependants": "1",
    "income_wages": "9000",
    "essential_housing": "2500",
    "essential_food": "1500",
    "debt_0_lender": "Car loan",
    "debt_0_balance": "20000",
    "debt_0_payment": "1200",
}


def _opened_by_phone(client, account):
    client.post(
        reverse("cases:open_for_cardholder"),
        {
            "account": account.pk,
            "identity_checked": "on",
            "channel": "phone",
            "reason": "job_loss",
            "duration": "temporary",
            "expected_recovery": "2099-01-01",
            "own_words": "Lost my job; new one starts in spring.",
        },
    )
    return HardshipCase.objects.get(account=account)


def test_income_and_spending_taken_down_by_phone_give_the_case_recommendations(
    client_for, agent, account
):
    client = client_for(agent)
    case = _opened_by_phone(client, account)
    assert case.expected_recovery is not None
    assert recommendations_for(case) is None  # nothing to work from yet
    form = client.get(reverse("cases:staff_statement", args=[case.pk])).content.decode()
    assert "People in the cardholder" in form  # staff pages speak about the cardholder
    response = client.post(
        reverse("cases:staff_statement", args=[case.pk]), {"version": case.version, **STATEMENT}
    )
    assert response.url == reverse("cases:review", args=[case.pk])
    case.refresh_from_db()
    result = recommendations_for(case)
    assert result is not None
    assert result.recommendations
    event = case.events.get(kind="statement_recorded")
    assert (event.actor, event.payload["channel"]) == (agent, "phone")
    review = client.get(reverse("cases:review", args=[case.pk])).content.decode()
    assert 'data-testid="other-debts"' in review
    assert "Car loan" in review


def test_bad_figures_by_phone_are_explained_and_change_nothing(client_for, agent, account):
    client = client_for(agent)
    case = _opened_by_phone(client, account)
    response = client.post(
        reverse("cases:staff_statement", args=[case.pk]),
        {"version": case.version, **STATEMENT, "dependants": "3"},
    )
    assert response.status_code == 400
    assert "Dependants must be fewer" in response.content.decode()
    assert not case.statement_lines.exists()


def test_only_whoever_works_the_case_takes_down_the_statement(
    client_for, agent, account, submitted
):
    # `submitted` is unclaimed: the agent must claim it first.
    response = client_for(agent).post(
        reverse("cases:staff_statement", args=[submitted.pk]),
        {"version": submitted.version, **STATEMENT},
    )
    assert response.status_code == 400
    assert "Claim this case before working on it." in response.content.decode()


def test_the_review_page_shows_how_and_when_to_reach_the_cardholder(
    client_for, agent, cardholder, submitted
):
    Profile.objects.filter(user=cardholder).update(phone="+86 138 0013 8000")
    page = client_for(agent).get(reverse("cases:review", args=[submitted.pk])).content.decode()
    assert 'data-testid="contact-preferences"' in page
    assert "+86 138 0013 8000" in page
    section = page[page.index('data-testid="contact-preferences"') :][:1500]
    assert "09:00–18:00" in section  # the window given in the application (tests/cases/conftest)


def test_the_assign_list_names_only_staff_who_may_take_the_case(supervisor, agent, submitted):
    editor = UserFactory.create(role=Role.EDITOR)
    admin = UserFactory.create(role=Role.ADMIN)
    team = list(team_members(submitted))
    assert agent in team
    assert supervisor in team
    assert editor not in team
    assert admin not in team
    # An appeal goes to a supervisor other than the one who declined it.
    n.case_claim(case=submitted, actor=supervisor, version=submitted.version)
    submitted.refresh_from_db()
    n.case_decline(case=submitted, actor=supervisor, version=submitted.version, reason="No.")
    other = UserFactory.create(role=Role.SUPERVISOR)
    HardshipCase.objects.filter(pk=submitted.pk).update(escalated=True)
    submitted.refresh_from_db()
    assert list(team_members(submitted)) == [other]


def test_assign_choices_show_names_and_roles_not_emails(client_for, supervisor, agent, submitted):
    page = client_for(supervisor).get(reverse("cases:review", args=[submitted.pk]))
    choices = [label for _value, label in page.context["assign_form"].fields["assignee"].choices]
    assert any(label.startswith(agent.profile.full_name) for label in choices)
    assert not any(label == agent.email for label in choices)


def test_the_queue_looks_back_on_ended_cases(client_for, agent, supervisor, submitted):
    n.case_claim(case=submitted, actor=agent, version=submitted.version)
    submitted.refresh_from_db()
    n.case_close(case=submitted, actor=agent, version=submitted.version, reason="Paid in full.")
    client = client_for(agent)
    open_queue = client.get(reverse("cases:queue")).content.decode()
    assert submitted.reference not in open_queue
    ended = client.get(reverse("cases:queue"), {"status": "ended"}).content.decode()
    assert submitted.reference in ended
    closed = client.get(reverse("cases:queue"), {"status": CaseStatus.CLOSED}).content.decode()
    assert submitted.reference in closed
    declined = client.get(reverse("cases:queue"), {"status": CaseStatus.DECLINED}).content.decode()
    assert submitted.reference not in declined


def test_texts_and_emails_go_in_the_contact_log(client_for, agent, submitted):
    client = client_for(agent)
    client.post(reverse("cases:claim", args=[submitted.pk]), {"version": submitted.version})
    for channel in ("sms", "email"):
        client.post(
            reverse("cases:contact", args=[submitted.pk]),
            {
                "channel": channel,
                "direction": "inbound",
                "outcome": "reached",
                "notes": "Asked about the offer.",
            },
        )
    assert set(ContactLog.objects.values_list("channel", flat=True)) == {"sms", "email"}


def _claimed(client, case):
    client.post(reverse("cases:claim", args=[case.pk]), {"version": case.version})
    return HardshipCase.objects.get(pk=case.pk)


def test_the_custom_offer_groups_each_plan_types_own_fields(client_for, agent, submitted):
    client = client_for(agent)
    case = _claimed(client, submitted)
    page = client.get(reverse("cases:review", args=[case.pk])).content.decode()
    assert "data-plan-type-select" in page
    assert '<div data-plan-types="deferral">' in page  # months without payments
    assert '<div data-plan-types="step_up">' in page
    assert '<div data-plan-types="fee_instalment">' in page
    assert '<div data-plan-types="settlement">' in page


def test_the_custom_offer_previews_every_payment_before_it_is_sent(client_for, agent, submitted):
    client = client_for(agent)
    case = _claimed(client, submitted)
    terms = {
        "version": case.version,
        "plan_type": "deferral",
        "months": "24",
        "deferral_months": "3",
        "settlement_percent": "50",  # another type's field: ignored
    }
    response = client.post(reverse("cases:offer_preview", args=[case.pk]), terms)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="schedule"' in page
    assert page.count('<tr class="table-light">') == 3  # the three months without payment
    assert "27 months, one row each" in page  # 3 without payment, then 24 payments
    assert 'data-testid="offer-preview-authority"' in page
    assert not case.offers.filter(proposer="bank").exists()  # a preview saves nothing
    assert HardshipCase.objects.get(pk=case.pk).version == case.version


def test_the_preview_explains_what_is_missing(client_for, agent, submitted):
    client = client_for(agent)
    case = _claimed(client, submitted)
    nothing = client.post(reverse("cases:offer_preview", args=[case.pk]), {"version": case.version})
    assert "Choose a plan type" in nothing.content.decode()
    step_up = client.post(
        reverse("cases:offer_preview", args=[case.pk]),
        {"version": case.version, "plan_type": "step_up", "months": "24"},
    ).content.decode()
    assert 'data-testid="offer-preview-problems"' in step_up
    assert 'data-testid="schedule"' not in step_up


@pytest.mark.parametrize(
    ("terms", "plan_type"),
    [
        (
            {"plan_type": "step_up", "months": "36", "step_months": "6", "step_percent": "50"},
            "step_up",
        ),
        ({"plan_type": "fee_instalment", "months": "24", "fee_rate": "0.5"}, "fee_instalment"),
        ({"plan_type": "interest_free", "months": "60", "apr": "12"}, "interest_free"),
    ],
)
def test_every_plan_type_can_be_offered_on_custom_terms(
    client_for, supervisor, submitted, terms, plan_type
):
    client = client_for(supervisor)
    case = _claimed(client, submitted)
    response = client.post(
        reverse("cases:offer", args=[case.pk]),
        {"version": case.version, "rationale": "fits the budget", **terms},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    offer = case.offers.get(proposer="bank")
    assert offer.terms["plan_type"] == plan_type
    if plan_type == "interest_free":
        assert offer.terms.get("apr") in (None, "0", "0.00")  # the typed APR belongs to other types


def test_only_who_can_see_the_case_may_preview(client_for, cardholder, agent, submitted):
    url = reverse("cases:offer_preview", args=[submitted.pk])
    assert client_for(cardholder).post(url, {"plan_type": "instalment"}).status_code == 403
