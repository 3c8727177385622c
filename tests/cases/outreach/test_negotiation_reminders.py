"""The negotiation's reminders: an offer about to expire (to the cardholder), a decision past
its deadline (to every supervisor, by email, once per deadline)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification
from cases.models import ContactLog, Reminder, ReminderKind, ReminderStatus
from cases.negotiation import services as n
from cases.outreach.services import reminders_deliver_due, reminders_scan
from tests.cases.conftest import account, complete_draft, draft, submitted  # noqa: F401

pytestmark = pytest.mark.django_db


def test_an_offer_about_to_expire_is_reminded_once(
    submitted,  # noqa: F811 - the imported fixture
    supervisor,
    cardholder,
):
    from tests.plans.test_plan_and_agreement import _schedule

    case = n.case_claim(case=submitted, actor=supervisor, version=submitted.version)
    offer = n.offer_propose(
        case=case,
        actor=supervisor,
        version=case.version,
        schedule=_schedule(case, "instalment"),
        rationale="Fits",
    )
    assert offer.expires_at
    assert reminders_scan(now=offer.expires_at - timedelta(days=3)) == 0
    now = offer.expires_at - timedelta(days=1)
    assert reminders_scan(now=now) == 1
    assert reminders_scan(now=now + timedelta(hours=1)) == 0
    reminder = Reminder.objects.get()
    assert reminder.kind == ReminderKind.OFFER_EXPIRING
    assert reminder.recipient == cardholder
    assert reminder.link == case.get_absolute_url()


def test_an_overdue_decision_goes_to_every_supervisor_once(
    submitted,  # noqa: F811 - the imported fixture
    supervisor,
    other_admin,
    agent,
):
    assert submitted.decision_due
    late = submitted.decision_due + timedelta(hours=1)
    assert reminders_scan(now=submitted.decision_due - timedelta(hours=1)) == 0
    assert reminders_scan(now=late) == 1  # one supervisor in this test
    assert reminders_scan(now=late + timedelta(hours=1)) == 0
    reminders_deliver_due(now=late)
    reminder = Reminder.objects.get()
    assert reminder.recipient == supervisor
    assert reminder.status == ReminderStatus.SENT
    assert mail.outbox[0].to == [supervisor.email]
    assert submitted.reference in mail.outbox[0].subject
    assert reverse("cases:review", args=[submitted.pk]) in mail.outbox[0].body
    assert "/reminders/stop/" not in mail.outbox[0].body  # staff alerts are part of the job
    assert Notification.objects.filter(user=supervisor, link=reminder.link).exists()
    # Not a contact with the cardholder: nothing in the case's contact log.
    assert not ContactLog.objects.exists()


def test_a_decision_taken_before_the_alert_went_out_cancels_it(
    submitted,  # noqa: F811 - the imported fixture
    supervisor,
):
    late = submitted.decision_due + timedelta(hours=1)
    reminders_scan(now=late)
    case = n.case_claim(case=submitted, actor=supervisor, version=submitted.version)
    n.case_decline(case=case, actor=supervisor, version=case.version, reason="No income")
    reminders_deliver_due(now=late)
    assert Reminder.objects.get().status == ReminderStatus.CANCELLED
    assert mail.outbox == []
