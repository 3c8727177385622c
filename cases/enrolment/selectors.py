"""Reads for the staff page of cards locked after failed linking."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from cases.models import (
    CardAccount,
    EnrolmentAttempt,
)


def cards_with_linking_failures() -> QuerySet[CardAccount]:
    """Locked cards first (newest lock first), then cards with failed attempts counting."""
    return (
        CardAccount.objects.filter(Q(linking_locked_at__isnull=False) | Q(linking_failures__gt=0))
        .select_related("holder")
        .order_by(F("linking_locked_at").desc(nulls_last=True), "-linking_failures", "pk")
    )


def linking_attempts_for(
    *, accounts: list[CardAccount], per_card: int = 10
) -> dict[int, list[EnrolmentAttempt]]:
    """The latest attempts that counted against each card, in one query."""
    through = EnrolmentAttempt.accounts.through
    rows = (
        through.objects.filter(cardaccount_id__in=[account.pk for account in accounts])
        .select_related("enrolmentattempt__user")
        .order_by("-enrolmentattempt__attempted_at")
    )
    found: dict[int, list[EnrolmentAttempt]] = {}
    for row in rows:
        attempts = found.setdefault(row.cardaccount_id, [])
        if len(attempts) < per_card:
            attempts.append(row.enrolmentattempt)
    return found
