"""The application re-checks what it sends: the chosen plan against the statement as it is now,
one source of contact preferences, and a decision date counted on the bank's calendar."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent
from cases.models import (
    BankCalendarDay,
    CalendarDayKind,
    CaseStatus,
    HardshipCase,
    OfferStatus,
    StatementLine,
)
from cases.negotiation.contacts import contact_rule_warnings
from cases.negotiation.sla import add_business_days

pytestmark = pytest.mark.django_db


def _apply_url(case, step):
    return reverse("cases:apply", args=[case.pk, step])


STATEMENT = {
    "household_size": 2,
    "dependants": 1,
    "income_wages": "9000.00",
    "essential_housing": "2500",
    "essential_food": "1500",
    "debt_0_lender": "Car loan",
    "debt_0_balance": "20000",
    "debt_0_payment": "1200",
}


def test_changing_the_statement_after_choosing_a_plan_asks_for_a_new_choice(
    client_for, cardholder, complete_draft
):
    client = client_for(cardholder)
    assert complete_draft.offers.filter(status=OfferStatus.REQUESTED).exists()
    # Saving the same statement again keeps the choice.
    client.post(
        _apply_url(complete_draft, "money"), {"version": complete_draft.version, **STATEMENT}
    )
    case = HardshipCase.objects.get(pk=complete_draft.pk)
    assert case.offers.filter(status=OfferStatus.REQUESTED).exists()
    # Going back and cutting the income drops it: the old plan cannot be sent.
    client.post(
        _apply_url(case, "money"),
        {"version": case.version, **STATEMENT, "income_wages": "5000.00"},
    )
    case = HardshipCase.objects.get(pk=case.pk)
    assert not case.offers.exists()
    response = client.post(_apply_url(case, "review"), {"version": case.version})
    assert HardshipCase.objects.get(pk=case.pk).status == CaseStatus.DRAFT
    page = client.get(response.url).content.decode()
    assert "the plan you would like" in page


def test_a_plan_that_no_longer_fits_the_statement_cannot_be_sent(
    client_for, cardholder, complete_draft
):
    # The statement changed under the chosen plan (an older tab, say): income cut to little.
    StatementLine.objects.filter(case=complete_draft, category="wages").update(
        monthly_amount=Decimal("5300.00")
    )
    client = client_for(cardholder)
    review = client.get(_apply_url(complete_draft, "review")).content.decode()
    assert 'data-testid="plan-no-longer-fits"' in review
    assert "Submit my application" not in review
    response = client.post(
        _apply_url(complete_draft, "review"), {"version": complete_draft.version}
    )
    assert response.url == _apply_url(complete_draft, "options")
    case = HardshipCase.objects.get(pk=complete_draft.pk)
    assert case.status == CaseStatus.DRAFT
    assert case.submitted_at is None
    assert not case.events.filter(kind="submitted").exists()
    page = client.get(response.url).content.decode()
    assert "Choose a plan again." in page


def test_the_contact_window_given_in_the_application_is_the_one_the_rules_use(
    client_for, cardholder, complete_draft
):
    client = client_for(cardholder)
    case = complete_draft
    client.post(
        _apply_url(case, "contact"),
        {
            "version": case.version,
            "channel": "phone",
            "contact_from": "18:00",
            "contact_until": "20:00",
        },
    )
    cardholder.profile.refresh_from_db()
    assert (cardholder.profile.contact_from, cardholder.profile.contact_until) == (
        time(18, 0),
        time(20, 0),
    )
    assert cardholder.profile.preferred_channel == "phone"
    assert AuditEvent.objects.filter(
        subject=cardholder, action=AuditAction.PROFILE_UPDATED
    ).exists()
    # 10:00 in Shanghai (02:00 UTC) is outside the cardholder's 18:00-20:00.
    morning = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    warnings = contact_rule_warnings(case, at=morning)
    assert any("18:00 and 20:00" in warning for warning in warnings)
    evening = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # 19:00 in Shanghai
    assert contact_rule_warnings(case, at=evening) == []


def test_the_decision_date_skips_weekends_and_the_banks_holidays(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    # Wednesday 30 September 2026, 10:00 in Shanghai.
    submitted = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)
    plain = add_business_days(submitted, 5)
    assert plain.date() == date(2026, 10, 7)  # Thu, Fri, Mon, Tue, Wed
    assert (plain.hour, plain.minute) == (23, 59)
    for offset in range(7):
        BankCalendarDay.objects.create(
            day=date(2026, 10, 1) + timedelta(days=offset),
            kind=CalendarDayKind.HOLIDAY,
            name="National Day",
        )
    BankCalendarDay.objects.create(
        day=date(2026, 10, 10), kind=CalendarDayKind.WORKING, name="Worked for National Day"
    )
    # 1-7 October do not count; Thu 8, Fri 9, Sat 10 (worked), Mon 12, Tue 13.
    assert add_business_days(submitted, 5).date() == date(2026, 10, 13)


def test_a_deadline_near_midnight_is_counted_in_the_banks_time_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    # Friday 23:30 in Shanghai is still Friday 15:30 UTC: the count starts on Monday.
    late_friday = datetime(2026, 3, 13, 15, 30, tzinfo=UTC)
    assert add_business_days(late_friday, 1).date() == date(2026, 3, 16)
    # Saturday 00:30 in Shanghai is Friday 16:30 UTC; it is Saturday at the bank.
    saturday = datetime(2026, 3, 13, 16, 30, tzinfo=UTC)
    assert add_business_days(saturday, 1).date() == date(2026, 3, 16)


def test_administrators_keep_the_calendar_and_every_change_is_audited(client_for, admin, agent):
    as_agent = client_for(agent)
    assert as_agent.get(reverse("policy:calendar")).status_code == 403
    assert as_agent.post(reverse("policy:calendar_remove", args=[1])).status_code == 403
    client = client_for(admin)
    response = client.post(
        reverse("policy:calendar"),
        {"day": "2027-01-01", "kind": "holiday", "name": "New Year's Day"},
    )
    assert response.status_code == 302
    entry = BankCalendarDay.objects.get(day=date(2027, 1, 1))
    assert entry.created_by == admin
    added = AuditEvent.objects.get(action=AuditAction.CALENDAR_CHANGED)
    assert added.actor == admin
    assert added.changes["added"]["name"] == "New Year's Day"
    # The same day twice is refused with a message beside the date; nothing changes.
    again = client.post(
        reverse("policy:calendar"), {"day": "2027-01-01", "kind": "holiday", "name": "Again"}
    )
    assert again.status_code == 400
    assert "already in the calendar" in again.content.decode()
    assert BankCalendarDay.objects.count() == 1
    # A date that is not one is explained.
    bad = client.post(
        reverse("policy:calendar"), {"day": "2027-02-30", "kind": "holiday", "name": "x"}
    )
    assert bad.status_code == 400
    assert BankCalendarDay.objects.count() == 1
    client.post(reverse("policy:calendar_remove", args=[entry.pk]))
    assert not BankCalendarDay.objects.exists()
    removed = AuditEvent.objects.filter(action=AuditAction.CALENDAR_CHANGED).latest("id")
    assert removed.changes["removed"]["day"] == "2027-01-01"
