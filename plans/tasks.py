"""Background work of plans. Thin tasks over idempotent services; a task on a killed worker is
delivered again (acks_late) and finds the work done or does it."""

from __future__ import annotations

from celery import shared_task

from plans.payments import plans_assess_all
from plans.signing import agreement_prepare, agreements_expire_due


@shared_task(
    name="plans.tasks.agreement_render",
    acks_late=True,
    autoretry_for=(OSError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def agreement_render(agreement_id: int) -> None:
    """Render the agreement the cardholder will read and sign (once; a repeat does nothing)."""
    agreement_prepare(agreement_id=agreement_id)


@shared_task(
    name="plans.tasks.expire_unsigned_agreements",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def expire_unsigned_agreements() -> int:
    """Plans not signed in time expire and their cases return to review (beat, hourly)."""
    return agreements_expire_due()


@shared_task(
    name="plans.tasks.assess_plans",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def assess_plans() -> int:
    """Every live plan's standing, daily: time alone makes an instalment overdue."""
    return plans_assess_all()
