"""Reminders of instalments and signatures: queued once per moment in the cardholder's own day,
delivered within the contact rules by their channel, held at the caps, cancelled when paid,
kept out of a channel they opted out of, and written to the case's contact log."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from accounts.models import Notification
from cases.models import (
    ContactChannelKind,
    ContactLog,
    ContactOutcome,
    Direction,
    Reminder,
    ReminderKind,
    ReminderStatus,
)
from cases.outreach import channels
from cases.outreach.services import opt_out_token, reminders_deliver_due, reminders_scan
from cases.outreach.tasks import deliver_reminders, queue_reminders
from plans.models import InstalmentStatus, RepaymentPlan
from plans.payments import payment_record

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _at(day, hour, minute=0, zone=SHANGHAI):
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _prefer(user, channel, **extra):
    profile = user.profile
    profile.preferred_channel = channel
    for name, value in extra.items():
        setattr(profile, name, value)
    profile.save()


@pytest.fixture
def first(active):
    return active.instalments.filter(amount__gt=0).order_by("number").first()


def test_a_reminder_before_the_due_date_goes_out_once_by_email(active, first, cardholder):
    _prefer(cardholder, "email")
    now = _at(first.due_date - timedelta(days=3), 10)
    assert reminders_scan(now=now) == 1
    assert reminders_scan(now=now) == 0  # a second beat adds nothing
    assert reminders_deliver_due(now=now) == 1
    assert reminders_deliver_due(now=now) == 0
    reminder = Reminder.objects.get()
    assert reminder.kind == ReminderKind.INSTALMENT_SOON
    assert reminder.status == ReminderStatus.SENT
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [cardholder.email]
    assert "is due on" in email.subject
    assert str(first.amount) in email.subject.replace(",", "")
    assert "/reminders/stop/" in email.body
    assert reminder.sent_text == email.body
    log = ContactLog.objects.get(case=active.case)
    assert log.staff is None
    assert log.channel == ContactChannelKind.EMAIL
    assert log.direction == Direction.OUTBOUND
    assert log.outcome == ContactOutcome.AUTOMATED
    assert log.notes == email.subject
    # Always in the online inbox too.
    assert Notification.objects.filter(user=cardholder, reminder=reminder).exists()


def test_on_the_day_and_after_a_miss(active, first, cardholder):
    reminders_scan(now=_at(first.due_date, 10))
    reminders_scan(now=_at(first.due_date + timedelta(days=1), 10))
    kinds = set(Reminder.objects.values_list("kind", flat=True))
    assert kinds == {ReminderKind.INSTALMENT_TODAY, ReminderKind.INSTALMENT_MISSED}


def test_nothing_is_sent_for_a_month_with_nothing_to_pay(active, first):
    first.amount = 0
    first.status = InstalmentStatus.NOTHING_DUE
    first.save()
    assert reminders_scan(now=_at(first.due_date, 10)) == 0


def test_quiet_hours_hold_it_until_the_cardholders_morning(active, first, cardholder):
    _prefer(cardholder, "email")
    early = _at(first.due_date, 6, 30)
    reminders_scan(now=early)
    reminders_deliver_due(now=early)
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.deliver_after == _at(first.due_date, 9, 0)  # their hours start at 09:00
    assert mail.outbox == []
    assert reminder.notification is not None  # the inbox does not wait
    reminders_deliver_due(now=_at(first.due_date, 8, 59))
    assert mail.outbox == []
    reminders_deliver_due(now=_at(first.due_date, 9, 0))
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert len(mail.outbox) == 1


def test_the_cardholders_day_decides_which_reminder(active, first, cardholder):
    # 02:00 UTC on the due date: already the day in Shanghai, still the day before in New York.
    now = datetime.combine(first.due_date, time(2, 0), tzinfo=UTC)
    reminders_scan(now=now)
    assert Reminder.objects.get().kind == ReminderKind.INSTALMENT_TODAY
    Reminder.objects.all().delete()
    _prefer(cardholder, "email", time_zone="America/New_York")
    reminders_scan(now=now)
    assert Reminder.objects.get().kind == ReminderKind.INSTALMENT_SOON


def test_a_reminder_paid_before_it_could_go_out_is_cancelled(active, first, cardholder):
    _prefer(cardholder, "email")
    night = _at(first.due_date, 23, 30)
    reminders_scan(now=night)
    reminders_deliver_due(now=night)
    payment_record(
        plan=active,
        reference="PAID-1",
        amount=first.amount,
        received_on=active.created_at.date(),
        source="import",
    )
    reminders_deliver_due(now=_at(first.due_date + timedelta(days=1), 9))
    assert Reminder.objects.get().status == ReminderStatus.CANCELLED
    assert mail.outbox == []


def test_over_the_contact_cap_it_stays_in_the_inbox(active, first, cardholder, agent):
    _prefer(cardholder, "email")
    now = _at(first.due_date, 10)
    for minutes in (60, 30):  # the policy allows two outbound contacts a day
        ContactLog.objects.create(
            case=active.case,
            staff=agent,
            occurred_at=now - timedelta(minutes=minutes),
            channel=ContactChannelKind.PHONE,
            direction=Direction.OUTBOUND,
            outcome=ContactOutcome.NO_ANSWER,
        )
    reminders_scan(now=now)
    reminders_deliver_due(now=now)
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.HELD
    assert "daily_cap" in reminder.note
    assert mail.outbox == []
    assert Notification.objects.filter(user=cardholder, reminder=reminder).exists()
    assert ContactLog.objects.filter(channel=ContactChannelKind.IN_APP).count() == 1


def test_an_opted_out_channel_is_not_used(active, first, cardholder):
    _prefer(cardholder, "email", reminders_by_email=False)
    now = _at(first.due_date, 10)
    reminders_scan(now=now)
    reminders_deliver_due(now=now)
    assert Reminder.objects.get().status == ReminderStatus.IN_APP
    assert mail.outbox == []
    assert ContactLog.objects.get().channel == ContactChannelKind.IN_APP


def test_by_text_message_with_its_own_opt_out(active, first, cardholder, sms_outbox):
    _prefer(cardholder, "sms", phone="+86 138 0013 8000")
    now = _at(first.due_date, 10)
    reminders_scan(now=now)
    reminders_deliver_due(now=now)
    assert len(sms_outbox) == 1
    message = sms_outbox[0]
    assert message.phone == "+86 138 0013 8000"
    assert "due today" in message.text
    assert "To stop these texts" in message.text
    assert ContactLog.objects.get().channel == ContactChannelKind.SMS


def test_in_chinese_for_a_cardholder_who_reads_chinese(active, first, cardholder, sms_outbox):
    _prefer(cardholder, "sms", phone="13800138000", preferred_language="zh-hans")
    now = _at(first.due_date, 10)
    reminders_scan(now=now)
    reminders_deliver_due(now=now)
    text = sms_outbox[0].text
    assert "今天" in text
    assert "元" in text  # the amount as a Chinese sentence writes it


class Refusing:
    def send(self, phone, text):
        raise channels.SendFailed("gateway down")


def test_a_failing_gateway_is_retried_then_given_up(active, first, cardholder, settings):
    settings.SMS_BACKEND = "tests.plans.test_reminders.Refusing"
    _prefer(cardholder, "sms", phone="13800138000")
    now = _at(first.due_date, 10)
    reminders_scan(now=now)
    reminders_deliver_due(now=now)
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.attempts == 1
    assert reminder.deliver_after == now + timedelta(minutes=5)
    for _ in range(4):
        reminders_deliver_due(now=reminder.deliver_after)
        reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED
    assert not ContactLog.objects.exists()


def test_the_beat_tasks_queue_and_deliver(active, first, cardholder, monkeypatch):
    _prefer(cardholder, "email")
    now = _at(first.due_date, 10)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    assert queue_reminders.apply().get() == 1
    assert queue_reminders.apply().get() == 0
    assert deliver_reminders.apply().get() == 0
    assert len(mail.outbox) == 1


def test_an_unsigned_agreement_is_reminded_before_it_expires(
    submitted, agent, supervisor, cardholder
):
    from tests.plans.test_plan_and_agreement import _accepted

    _accepted(submitted, agent, supervisor, cardholder, "instalment")
    plan = RepaymentPlan.objects.get(case=submitted)
    assert reminders_scan(now=plan.sign_by - timedelta(days=3)) == 0
    now = plan.sign_by - timedelta(days=1)
    assert reminders_scan(now=now) == 1
    reminder = Reminder.objects.get()
    assert reminder.kind == ReminderKind.SIGNATURE_EXPIRING
    assert reminder.link == reverse("plans:agreement", args=[submitted.pk])
    with transaction.atomic():
        plan.activate()
        plan.save()
    reminders_deliver_due(now=now)
    assert Reminder.objects.get().status == ReminderStatus.CANCELLED


def test_the_opt_out_link_asks_before_it_stops(client, active, cardholder):
    url = reverse("cases:reminders_stop", args=[opt_out_token(cardholder, "email")])
    page = client.get(url)
    assert page.status_code == 200
    cardholder.profile.refresh_from_db()
    assert cardholder.profile.reminders_by_email  # opening the link changes nothing
    done = client.post(url)
    assert done.status_code == 200
    assert "we will not send you reminders this way" in done.content.decode()
    cardholder.profile.refresh_from_db()
    assert not cardholder.profile.reminders_by_email
    assert cardholder.profile.reminders_by_sms


def test_a_forged_or_altered_opt_out_link_is_not_found(client, cardholder):
    token = opt_out_token(cardholder, "email")
    assert client.get(reverse("cases:reminders_stop", args=[token + "x"])).status_code == 404
    assert client.get(reverse("cases:reminders_stop", args=["nonsense"])).status_code == 404


def test_the_dashboard_shows_the_next_payment_and_how_reminders_come(
    client_for, active, first, cardholder
):
    _prefer(cardholder, "email")
    page = client_for(cardholder).get(reverse("cases:portal")).content.decode()
    assert 'data-testid="next-instalment"' in page
    assert f"{first.amount:,}" in page
    assert "Here and by email" in page
    payment_record(
        plan=active,
        reference="PART-1",
        amount=first.amount - 100,
        received_on=active.created_at.date(),
        source="import",
    )
    page = client_for(cardholder).get(reverse("cases:portal")).content.decode()
    assert "CNY 100.00" in page  # what is left of the first instalment


def test_staff_see_a_reminder_waiting_for_the_cardholders_hours(
    client_for, active, first, cardholder, agent
):
    _prefer(cardholder, "email")
    early = _at(first.due_date, 6, 30)
    reminders_scan(now=early)
    reminders_deliver_due(now=early)
    page = client_for(agent).get(reverse("cases:review", args=[active.case_id])).content.decode()
    assert 'data-testid="reminders-waiting"' in page
    assert "Instalment due today" in page


class Broken:
    def send(self, phone, text):
        raise ValueError("the provider's client rejects this number")


def test_a_gateway_error_of_any_kind_holds_up_nothing_else(active, first, cardholder, settings):
    settings.SMS_BACKEND = "tests.plans.test_reminders.Broken"
    _prefer(cardholder, "sms", phone="13800138000")
    now = _at(first.due_date, 10)
    reminders_scan(now=now)
    assert reminders_deliver_due(now=now) == 1  # no exception escapes
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == (ReminderStatus.PENDING, 1)


def test_contact_hours_inside_the_quiet_hours_leave_the_inbox_only(active, first, cardholder):
    _prefer(cardholder, "email", contact_from=time(22, 0), contact_until=time(23, 0))
    now = _at(first.due_date, 10)
    reminders_scan(now=now)
    reminders_deliver_due(now=now)
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.IN_APP
    assert "no allowed contact hours" in reminder.note
    assert mail.outbox == []
