"""Celery beat's part in education: publishing what was scheduled."""

from __future__ import annotations

from celery import shared_task

from education.services import articles_publish_due


@shared_task(
    name="education.tasks.publish_scheduled",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def publish_scheduled() -> int:
    """Publish every article whose scheduled time has come (idempotent)."""
    return articles_publish_due()
