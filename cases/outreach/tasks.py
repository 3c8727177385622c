"""Celery beat's part in reminders: find what is due, then deliver what may go out now."""

from __future__ import annotations

from celery import shared_task

from cases.outreach.services import reminders_deliver_due, reminders_scan


@shared_task(
    name="cases.tasks.queue_reminders",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def queue_reminders() -> int:
    """Queue every reminder now due (idempotent: each has a unique key), then deliver."""
    created = reminders_scan()
    reminders_deliver_due()
    return created


@shared_task(
    name="cases.tasks.deliver_reminders",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def deliver_reminders() -> int:
    """Send the reminders whose time has come (those that waited for the contact hours)."""
    return reminders_deliver_due()
