"""Template tags for pages outside `plans` that show a plan's next step (the dashboard)."""

from __future__ import annotations

from django import template

from cases.models import HardshipCase
from plans.models import Instalment, InstalmentStatus
from plans.payments import LIVE_PLAN_STATUSES

register = template.Library()


@register.simple_tag
def next_instalment(case: HardshipCase | None) -> Instalment | None:
    """The first instalment of the case's live plan with something still to pay, or None."""
    if case is None or case.status != "active":
        return None
    return (
        Instalment.objects.filter(
            plan__case=case, plan__status__in=LIVE_PLAN_STATUSES, amount__gt=0
        )
        .exclude(status=InstalmentStatus.PAID)
        .select_related("plan")
        .order_by("due_date", "number")
        .first()
    )
