"""After signing and after the case ends, the cardholder is asked once how we did; the answer
is theirs alone, counted on the outcomes page, and reminded of within the contact rules."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.core import CaseActionRefused
from cases.models import Reminder, ReminderKind
from cases.outreach.services import reminders_scan
from insights.kpis import Filters, compute
from insights.models import SurveyResponse
from insights.surveys import open_moment, survey_answer
from plans.models import RepaymentPlan
from tests.plans.conftest import account, active, complete_draft, draft, submitted  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(active):  # noqa: F811 - the imported fixture
    RepaymentPlan.objects.filter(pk=active.pk).update(activated_at=timezone.now())
    return active.case


def test_a_signed_case_asks_once(signed, cardholder, client_for):
    assert open_moment(signed) == "signed"
    client = client_for(cardholder)
    page = client.get(reverse("cases:detail", args=[signed.pk])).content.decode()
    assert 'data-testid="survey"' in page
    client.post(
        reverse("insights:survey", args=[signed.pk]),
        {"moment": "signed", "score": "4", "comment": "Clear and kind"},
    )
    answer = SurveyResponse.objects.get()
    assert (answer.score, answer.comment, answer.respondent) == (4, "Clear and kind", cardholder)
    assert open_moment(signed) is None
    page = client.get(reverse("cases:detail", args=[signed.pk])).content.decode()
    assert 'data-testid="survey"' not in page
    with pytest.raises(CaseActionRefused):
        survey_answer(case=signed, actor=cardholder, moment="signed", score=5)
    assert SurveyResponse.objects.get().score == 4


def test_only_the_cardholder_answers_and_only_1_to_5(
    signed, cardholder, other_cardholder, supervisor, client_for
):
    with pytest.raises(CaseActionRefused):
        survey_answer(case=signed, actor=supervisor, moment="signed", score=5)
    with pytest.raises(CaseActionRefused):
        survey_answer(case=signed, actor=cardholder, moment="signed", score=9)
    response = client_for(other_cardholder).post(
        reverse("insights:survey", args=[signed.pk]), {"moment": "signed", "score": "5"}
    )
    assert response.status_code == 404
    assert not SurveyResponse.objects.exists()


def test_the_survey_is_reminded_of_once(signed, cardholder):
    now = datetime.combine(
        timezone.localdate(), time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")
    )
    reminders_scan(now=now)
    reminders_scan(now=now)
    assert Reminder.objects.filter(kind=ReminderKind.SURVEY).count() == 1


def test_satisfaction_appears_on_the_outcomes(signed, cardholder):
    survey_answer(case=signed, actor=cardholder, moment="signed", score=3)
    kpis = compute(Filters.last_days(30))
    assert kpis.satisfaction == {"average": 3.0, "answers": 1}
    assert kpis.satisfaction_by_month[0]["answers"] == 1


def test_no_survey_long_after_the_moment(signed):
    RepaymentPlan.objects.filter(case=signed).update(
        activated_at=timezone.now() - timedelta(days=30)
    )
    assert open_moment(signed) is None


def test_a_completed_plan_asks_about_the_whole_case(active, cardholder):  # noqa: F811
    from plans.payments import payment_record

    payment_record(
        plan=active,
        reference="ALL",
        amount=active.total_payable,
        received_on=active.created_at.date(),
        source="import",
    )
    active.case.refresh_from_db()
    assert open_moment(active.case) == "ended"
