"""Background work for cases. Tasks are thin: they call a service, which is idempotent."""

from __future__ import annotations

from celery import shared_task

from cases import negotiation


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def expire_offers() -> int:
    """Expire open offers past their validity; each case goes back to review."""
    return negotiation.offers_expire_due()
