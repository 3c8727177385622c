"""The hardship application: a draft saved at every step, then submitted."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import Notification
from cases.application.services import case_start
from cases.core import CaseActionRefused
from cases.models import CaseEvent, CaseStatus, HardshipCase, Offer, StatementLine
from tests.cases.conftest import fill_draft

pytestmark = pytest.mark.django_db


def _apply_url(case, step):
    return reverse("cases:apply", args=[case.pk, step])


def test_asking_for_help_opens_a_draft_and_resumes_it(client_for, cardholder, account):
    client = client_for(cardholder)
    response = client.post(reverse("cases:apply_start", args=[account.pk]))
    case = HardshipCase.objects.get(account=account)
    assert response.url == _apply_url(case, "reason")
    assert case.status == CaseStatus.DRAFT
    client.post(
        _apply_url(case, "reason"),
        {
            "version": case.version,
            "reason": "illness",
            "duration": "temporary",
            "own_words": "Surgery",
        },
    )
    # Leaving and asking again resumes the same draft at the step reached.
    response = client.post(reverse("cases:apply_start", args=[account.pk]))
    assert response.url == _apply_url(case, "money")
    assert HardshipCase.objects.filter(account=account).count() == 1


def test_the_statement_is_saved_and_shown_again(client_for, cardholder, draft):
    client = client_for(cardholder)
    data = {
        "version": draft.version,
        "household_size": 3,
        "dependants": 1,
        "income_wages": "8000.00",
        "essential_housing": "2500",
        "essential_food": "1800.50",
        "debt_0_lender": "Family",
        "debt_0_balance": "10000",
        "debt_0_payment": "500",
    }
    response = client.post(_apply_url(draft, "money"), data)
    assert response.url == _apply_url(draft, "evidence")
    lines = {
        (line.section, line.category): line.monthly_amount
        for line in StatementLine.objects.filter(case=draft)
    }
    assert lines[("income", "wages")] == Decimal("8000.00")
    assert lines[("essential", "food")] == Decimal("1800.50")
    assert lines[("debt", "other_debt")] == Decimal("500.00")
    page = client.get(_apply_url(draft, "money")).content.decode()
    assert 'value="1800.50"' in page


def test_live_totals_come_from_the_calculator(client_for, cardholder, draft):
    response = client_for(cardholder).post(
        reverse("cases:statement_totals", args=[draft.pk]),
        {
            "version": draft.version,
            "household_size": 1,
            "dependants": 0,
            "income_wages": "5000",
            "essential_housing": "1200.25",
            "debt_0_lender": "Bank",
            "debt_0_payment": "300",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="disposable-income">CNY 3,499.75<' in html
    assert StatementLine.objects.count() == 0  # nothing saved while typing


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("income_wages", "-100", "Amounts cannot be negative."),
        ("income_wages", "lots", "Enter an amount in numbers"),
        ("essential_food", "99999999999", "That amount looks too large"),
        ("essential_food", "12.345", "Use at most two decimal places."),
        ("dependants", "3", "Dependants must be fewer than the people in the household."),
        ("debt_0_payment", "200", "Say who this debt is with."),
    ],
)
def test_bad_amounts_are_explained_and_nothing_is_saved(
    client_for, cardholder, draft, field, value, message
):
    data = {
        "version": draft.version,
        "household_size": 2,
        "dependants": 0,
        "income_wages": "5000",
        field: value,
    }
    response = client_for(cardholder).post(_apply_url(draft, "money"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StatementLine.objects.exists()
    draft.refresh_from_db()
    assert draft.wizard_step == "reason"


def test_a_stale_form_changes_nothing(client_for, cardholder, draft):
    client = client_for(cardholder)
    stale_version = draft.version
    client.post(
        _apply_url(draft, "reason"),
        {"version": stale_version, "reason": "illness", "duration": "temporary"},
    )
    response = client.post(
        _apply_url(draft, "reason"),
        {"version": stale_version, "reason": "family", "duration": "long_term"},
        follow=True,
    )
    assert "This case changed while you were looking at it" in response.content.decode()
    draft.refresh_from_db()
    assert draft.reason == "illness"


def test_the_options_step_offers_recommended_plans_and_records_the_choice(
    client_for, cardholder, draft
):
    client = client_for(cardholder)
    case = fill_draft(draft, cardholder)
    page = client.get(_apply_url(case, "options")).content.decode()
    assert "Option 1" in page
    assert "Annualised rate" in page
    shown = re.search(r'name="shown-2" value="([^"]+)"', page)
    assert shown
    response = client.post(
        _apply_url(case, "options"),
        {"version": case.version, "choice": "2", "shown-2": shown.group(1), "note": "Please"},
    )
    assert response.url == _apply_url(case, "review")
    requested = Offer.objects.get(case=case, status="requested")
    assert requested.proposer == "cardholder"
    assert requested.rationale == "Please"
    # Changing the choice before sending replaces it: the cardholder never sees a "withdrawn"
    # request they did not withdraw, and the bank never received the first choice.
    assert Offer.objects.filter(case=case).count() == 1
    # Coming back to the step keeps what they wrote.
    again = client.get(reverse("cases:apply", args=[case.pk, "options"]))
    assert again.context["form"].initial["note"] == "Please"


def test_own_terms_beyond_policy_are_refused_with_the_reason(client_for, cardholder, draft):
    case = fill_draft(draft, cardholder)
    response = client_for(cardholder).post(
        _apply_url(case, "options"),
        {"version": case.version, "choice": "own", "own_months": "61", "own_interest": "stop"},
    )
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 60." in response.content.decode()


def test_submitting_starts_the_decision_clock_and_tells_the_cardholder(
    client_for, cardholder, complete_draft
):
    client = client_for(cardholder)
    response = client.post(
        _apply_url(complete_draft, "review"), {"version": complete_draft.version}
    )
    assert response.url == complete_draft.get_absolute_url()
    case = HardshipCase.objects.get(pk=complete_draft.pk)
    assert case.status == CaseStatus.SUBMITTED
    assert case.decision_due is not None
    assert 5 <= (case.decision_due - case.submitted_at).days <= 9
    assert case.decision_due.weekday() < 5
    event = CaseEvent.objects.get(case=case, kind="submitted")
    assert (event.from_status, event.to_status, event.actor) == ("draft", "submitted", cardholder)
    assert Notification.objects.filter(user=cardholder, title__startswith="We received").exists()
    page = client.get(case.get_absolute_url()).content.decode()
    assert (
        formats.date_format(case.decision_due.astimezone(timezone.get_current_timezone())) in page
    )


def test_an_incomplete_application_cannot_be_submitted(client_for, cardholder, draft):
    response = client_for(cardholder).post(
        _apply_url(draft, "review"), {"version": draft.version}, follow=True
    )
    assert "Before you submit, please add" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == CaseStatus.DRAFT


def test_a_second_open_case_on_the_same_account_is_refused_with_a_link(
    client_for, cardholder, submitted
):
    client = client_for(cardholder)
    response = client.post(reverse("cases:apply_start", args=[submitted.account_id]), follow=True)
    assert response.redirect_chain[-1][0] == submitted.get_absolute_url()
    assert "already has an open case" in response.content.decode()
    with pytest.raises(CaseActionRefused):
        case_start(account=submitted.account, actor=cardholder)


def test_an_expired_draft_cannot_be_resumed_and_a_new_one_can_start(
    client_for, cardholder, draft, settings
):
    HardshipCase.objects.filter(pk=draft.pk).update(
        updated_at=timezone.now() - timedelta(days=settings.CASE_DRAFT_LIFETIME_DAYS + 1)
    )
    client = client_for(cardholder)
    response = client.get(_apply_url(draft, "reason"))
    assert response.status_code == 410
    assert "This draft has expired" in response.content.decode()
    response = client.post(reverse("cases:apply_start", args=[draft.account_id]))
    new_case = HardshipCase.objects.exclude(pk=draft.pk).get()
    assert response.url == _apply_url(new_case, "reason")
    draft.refresh_from_db()
    assert draft.status == CaseStatus.WITHDRAWN
    assert CaseEvent.objects.filter(case=draft, kind="draft_expired").exists()


def test_another_cardholders_draft_is_not_found(client_for, other_cardholder, draft):
    client = client_for(other_cardholder)
    assert client.get(_apply_url(draft, "reason")).status_code == 404
    response = client.post(
        _apply_url(draft, "reason"),
        {"version": draft.version, "reason": "other", "duration": "temporary"},
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.reason == ""


def test_a_tampered_account_id_is_not_found(client_for, cardholder, other_account):
    response = client_for(cardholder).post(reverse("cases:apply_start", args=[other_account.pk]))
    assert response.status_code == 404
    assert not HardshipCase.objects.exists()


def test_an_unknown_step_is_not_found(client_for, cardholder, draft):
    assert client_for(cardholder).get(_apply_url(draft, "payday")).status_code == 404
