"""What the bank keeps to see outcomes over time: one snapshot of the portfolio a day.

Trends (delinquency with and without a plan, cases and plans by status) are read from these
snapshots, never recomputed from today's state, which has forgotten yesterday.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class DailySnapshot(models.Model):
    day = models.DateField(unique=True)
    taken_at = models.DateTimeField(default=timezone.now)
    # Backfilled from history: the figures history cannot give (days past due) are absent.
    backfilled = models.BooleanField(default=False)
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"snapshot {self.day}"
