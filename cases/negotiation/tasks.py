"""Background work of the negotiation. Tasks are thin: they call a service, which is idempotent."""

from __future__ import annotations

from celery import shared_task

from cases.negotiation.services import offers_expire_due


@shared_task(
    name="cases.tasks.expire_offers",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def expire_offers() -> int:
    """Expire open offers past their validity; each case goes back to review."""
    return offers_expire_due()
