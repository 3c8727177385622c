"""The agreement's life: prepared (rendered) for the cardholder to read, then signed.

Services here are idempotent: preparing an agreement that is already prepared does nothing,
so a task delivered twice (a retried task, a worker killed after the work) changes nothing.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cases.core import record_event
from plans.agreement import render_agreement
from plans.models import Agreement, AgreementStatus

logger = logging.getLogger(__name__)


def agreement_prepare(*, agreement_id: int) -> Agreement:
    """Render the draft agreement, store it with its SHA-256, and tell the cardholder.

    A failure leaves the agreement visibly failed (with the error) for staff to retry; the
    exception is raised again so the task's retry policy applies.
    """
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update().select_related("plan__case").get(pk=agreement_id)
        )
        if agreement.status not in (AgreementStatus.QUEUED, AgreementStatus.FAILED):
            return agreement
        agreement.attempts += 1
        agreement.save(update_fields=["attempts"])
    plan = agreement.plan
    try:
        rendered = render_agreement(plan)
    except Exception as error:
        logger.exception("Agreement %s could not be rendered", agreement.pk)
        Agreement.objects.filter(pk=agreement.pk).update(
            status=AgreementStatus.FAILED, error=str(error)[:1000]
        )
        record_event(
            plan.case,
            actor=None,
            kind="agreement_failed",
            payload={"error": str(error)[:200]},
            visible=False,
        )
        raise
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.status not in (AgreementStatus.QUEUED, AgreementStatus.FAILED):
            return agreement
        agreement.draft.save(f"{plan.reference}-draft.pdf", ContentFile(rendered.pdf), save=False)
        agreement.draft_sha256 = rendered.sha256
        agreement.status = AgreementStatus.READY
        agreement.error = ""
        agreement.rendered_at = timezone.now()
        agreement.save()
        record_event(
            plan.case, actor=None, kind="agreement_ready", payload={"plan": plan.reference}
        )
    return agreement
