"""Queueing and delivering automated reminders.

Each feature registers a *scanner* (what is due now) and, where a reminder can stop being
needed before it goes out, a *check* (`register_scanner`, `register_check`, called from an app
config's `ready`). `reminders_scan` writes what the scanners found under each reminder's unique
key, in bulk, ignoring keys already written: a second beat, a retried task or two workers at
once add nothing. `reminders_deliver_due` then delivers each pending reminder under its row
lock, once:

1. a reminder no longer needed (the instalment was paid meanwhile) is cancelled;
2. it goes into the person's online inbox (always, whatever the hour);
3. staff get it by email at once; a cardholder gets it by their chosen channel (email, or SMS
   through the pluggable backend) unless they opted out of that channel or chose the online
   service, and only within the contact rules (`cases.outreach.rules`, the same the agents
   keep): in quiet hours or outside their contact hours it waits for the next allowed time in
   their time zone; over the contact caps it is held (inbox only);
4. what went out is kept (`sent_text`), written to the case's contact log, and a timeline event
   for staff records it. A failing gateway is retried with backoff, then marked failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts import services as account_services
from accounts.models import Notification, User
from cases.core import record_event
from cases.models import (
    Audience,
    ContactChannelKind,
    ContactLog,
    ContactOutcome,
    Direction,
    Reminder,
    ReminderStatus,
)
from cases.outreach import channels, texts
from cases.outreach.rules import TIMING_RULES, contact_breaches, contact_window

logger = logging.getLogger(__name__)

#: A failing gateway is tried this many times (5, 10, 20, 40 minutes apart), then given up.
MAX_ATTEMPTS = 5
BATCH = 1000
OPT_OUT_SALT = "cases.outreach.opt-out"
#: The profile setting each channel's opt-out turns off.
OPT_OUT_FIELDS = {"email": "reminders_by_email", "sms": "reminders_by_sms"}


@dataclass(frozen=True)
class Due:
    """A reminder a scanner found due: written once under `key`."""

    key: str
    kind: str
    audience: str
    recipient_id: int
    case_id: int | None
    topic: str
    params: dict[str, Any] = field(default_factory=dict)
    link: str = ""


Scanner = Callable[[datetime], Iterable[Due]]
Check = Callable[[Reminder], bool]
SCANNERS: dict[str, Scanner] = {}
CHECKS: dict[str, Check] = {}


def register_scanner(name: str, scanner: Scanner) -> None:
    SCANNERS[name] = scanner


def register_check(kind: str, check: Check) -> None:
    """`check(reminder)` says whether a reminder of `kind` is still needed."""
    CHECKS[kind] = check


def reminders_queue(dues: Iterable[Due], *, now: datetime | None = None) -> int:
    """Write the reminders not written before; returns how many are new."""
    now = now or timezone.now()
    created = 0
    iterator = iter(dues)
    while batch := list(islice(iterator, BATCH)):
        keys = {due.key for due in batch}
        known = set(Reminder.objects.filter(key__in=keys).values_list("key", flat=True))
        fresh = {due.key: due for due in batch if due.key not in known}
        Reminder.objects.bulk_create(
            [
                Reminder(
                    key=due.key,
                    kind=due.kind,
                    audience=due.audience,
                    recipient_id=due.recipient_id,
                    case_id=due.case_id,
                    topic=due.topic,
                    params=due.params,
                    link=due.link,
                    created_at=now,
                    deliver_after=now,
                )
                for due in fresh.values()
            ],
            ignore_conflicts=True,
        )
        created += len(fresh)
    return created


def reminders_scan(*, now: datetime | None = None) -> int:
    """Run every registered scanner and queue what it found due."""
    now = now or timezone.now()
    return sum(reminders_queue(scanner(now), now=now) for scanner in SCANNERS.values())


def reminders_deliver_due(*, now: datetime | None = None) -> int:
    """Deliver every pending reminder whose time has come; returns how many were handled."""
    now = now or timezone.now()
    handled = 0
    last_id = 0
    while True:
        ids = list(
            Reminder.objects.filter(
                status=ReminderStatus.PENDING, deliver_after__lte=now, id__gt=last_id
            )
            .order_by("id")
            .values_list("id", flat=True)[:BATCH]
        )
        if not ids:
            return handled
        for reminder_id in ids:
            try:
                handled += reminder_deliver(reminder_id, now=now)
            except Exception:
                # One reminder that cannot be handled (a check or a template failing) must not
                # hold up every later one: it is put back with a backoff, then given up.
                logger.exception("Reminder %s could not be delivered", reminder_id)
                _count_failure(reminder_id, now=now)
        last_id = ids[-1]


def reminder_deliver(reminder_id: int, *, now: datetime | None = None) -> bool:
    """Deliver one pending reminder (see the module's steps); False if another worker has it
    or it is no longer pending."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "case__account")
            .filter(pk=reminder_id, status=ReminderStatus.PENDING, deliver_after__lte=now)
            .first()
        )
        if reminder is None:
            return False
        check = CHECKS.get(reminder.kind)
        if check is not None and not check(reminder):
            _finish(reminder, ReminderStatus.CANCELLED, note="no longer needed")
            return True
        if reminder.notification_id is None:
            title, body = texts.TEXTS[reminder.kind]
            reminder.notification = account_services.notify(
                user=reminder.recipient,
                title=title,
                body=body,
                params=reminder.params,
                link=reminder.link,
            )
        if reminder.audience == Audience.STAFF:
            _deliver_to_staff(reminder, now=now)
        else:
            _deliver_to_cardholder(reminder, now=now)
    return True


def _count_failure(reminder_id: int, *, now: datetime) -> None:
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(pk=reminder_id, status=ReminderStatus.PENDING)
            .first()
        )
        if reminder is None:
            return
        reminder.attempts += 1
        if reminder.attempts >= MAX_ATTEMPTS:
            reminder.status = ReminderStatus.FAILED
            reminder.note = "could not be delivered"
        else:
            reminder.deliver_after = now + timedelta(minutes=5 * 2 ** (reminder.attempts - 1))
        reminder.save()


def _finish(reminder: Reminder, status: str, *, note: str = "") -> None:
    reminder.status = status
    reminder.note = note[:300]
    reminder.save()


def _deliver_to_staff(reminder: Reminder, *, now: datetime) -> None:
    user = reminder.recipient
    if not user.is_active or not user.email:
        _finish(reminder, ReminderStatus.IN_APP, note="no email address")
        return
    _send(reminder, "email", user.email, language=_language(user), now=now)


def _deliver_to_cardholder(reminder: Reminder, *, now: datetime) -> None:
    user = reminder.recipient
    case = reminder.case
    channel, address, why = _channel(user)
    if not channel or case is None:
        _log_contact(reminder, ContactChannelKind.IN_APP, now=now)
        _finish(reminder, ReminderStatus.IN_APP, note=why or "no case")
        return
    breaches = contact_breaches(case.account, at=now)
    if any(breach.rule in TIMING_RULES for breach in breaches):
        profile = getattr(user, "profile", None)
        window = contact_window(profile)
        later = window.next_allowed(now)
        if not window.allows(later):
            # The cardholder's own hours lie inside the quiet hours: no moment is allowed.
            _log_contact(reminder, ContactChannelKind.IN_APP, now=now)
            _finish(reminder, ReminderStatus.IN_APP, note="no allowed contact hours")
            return
        reminder.deliver_after = later
        reminder.note = "waiting for the contact hours"
        reminder.save()
        return
    if breaches:
        _log_contact(reminder, ContactChannelKind.IN_APP, now=now)
        _finish(
            reminder,
            ReminderStatus.HELD,
            note="; ".join(breach.rule for breach in breaches),
        )
        return
    _send(reminder, channel, address, language=_language(user), now=now)


def _channel(user: User) -> tuple[str, str, str]:
    """(channel, address, why not) for a cardholder's reminders outside the service."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return "", "", "no profile"
    if profile.preferred_channel == "email":
        if not profile.reminders_by_email:
            return "", "", "opted out of email"
        return ("email", user.email, "") if user.email else ("", "", "no email address")
    if profile.preferred_channel == "sms":
        if not profile.reminders_by_sms:
            return "", "", "opted out of text messages"
        return ("sms", profile.phone, "") if profile.phone else ("", "", "no phone number")
    return "", "", f"prefers {profile.preferred_channel}"


def _language(user: User) -> str:
    profile = getattr(user, "profile", None)
    return profile.preferred_language if profile else settings.LANGUAGE_CODE


def opt_out_token(user: User, channel: str) -> str:
    return signing.dumps({"u": user.pk, "c": channel}, salt=OPT_OUT_SALT)


def opt_out_read(token: str) -> tuple[User, str] | None:
    """The person and channel an opt-out link names; None for a link that is not ours."""
    try:
        data = signing.loads(token, salt=OPT_OUT_SALT)
        user = User.objects.get(pk=int(data["u"]), is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    channel = data.get("c")
    return (user, channel) if channel in OPT_OUT_FIELDS else None


def opt_out(*, user: User, channel: str) -> None:
    """Stop reminders to `user` by `channel` (they still appear in the online inbox)."""
    account_services.profile_update(
        profile=user.profile, actor=user, **{OPT_OUT_FIELDS[channel]: False}
    )


def _message(reminder: Reminder, channel: str, language: str) -> tuple[str, str]:
    """(subject, text) exactly as they go out, in the reader's language."""
    notification: Notification = reminder.notification  # type: ignore[assignment]
    with translation.override(language):
        title, body = notification.rendered_title, notification.rendered_body
        lines = [body]
        if reminder.link:
            lines.append(settings.SITE_URL + reminder.link)
        if reminder.audience == Audience.CARDHOLDER:
            url = settings.SITE_URL + reverse(
                "cases:reminders_stop", args=[opt_out_token(reminder.recipient, channel)]
            )
            stop = texts.OPT_OUT_EMAIL if channel == "email" else texts.OPT_OUT_SMS
            lines.append(translation.gettext(stop) % {"url": url})
    if channel == "sms":
        return title, " ".join([title + ".", *lines])
    return title, "\n\n".join(lines)


def _send(reminder: Reminder, channel: str, address: str, *, language: str, now: datetime) -> None:
    subject, text = _message(reminder, channel, language)
    try:
        if channel == "email":
            channels.email_send(address, subject, text)
        else:
            channels.sms_send(address, text)
    except Exception as error:
        reminder.attempts += 1
        logger.warning("Reminder %s not sent by %s: %s", reminder.key, channel, error)
        if reminder.attempts >= MAX_ATTEMPTS:
            _finish(reminder, ReminderStatus.FAILED, note=str(error))
        else:
            reminder.deliver_after = now + timedelta(minutes=5 * 2 ** (reminder.attempts - 1))
            reminder.note = str(error)[:300]
            reminder.save()
        return
    reminder.channel = channel
    reminder.sent_at = now
    reminder.sent_text = text
    _finish(reminder, ReminderStatus.SENT)
    if reminder.audience == Audience.CARDHOLDER:
        _log_contact(reminder, channel, now=now)


def _log_contact(reminder: Reminder, channel: str, *, now: datetime) -> None:
    """Every automated contact with a cardholder is in the case's contact log."""
    if reminder.case is None or reminder.notification is None:
        return
    with translation.override(_language(reminder.recipient)):
        said = reminder.notification.rendered_title
    ContactLog.objects.create(
        case=reminder.case,
        staff=None,
        occurred_at=now,
        channel=channel,
        direction=Direction.OUTBOUND,
        outcome=ContactOutcome.AUTOMATED,
        notes=said,
    )
    record_event(
        reminder.case,
        actor=None,
        kind="reminder_sent",
        payload={"reminder": reminder.kind, "channel": channel},
        visible=False,
    )
