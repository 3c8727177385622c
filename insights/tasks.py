"""Celery beat's part in outcomes: the day's snapshot."""

from __future__ import annotations

from celery import shared_task

from insights.snapshots import snapshot_take


@shared_task(
    name="insights.tasks.take_snapshot",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def take_snapshot() -> str:
    """The day's portfolio snapshot (run hourly; only the day's first one is kept)."""
    return str(snapshot_take().day)
