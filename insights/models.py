"""What the bank keeps to see outcomes over time: one snapshot of the portfolio a day.

Trends (delinquency with and without a plan, cases and plans by status) are read from these
snapshots, never recomputed from today's state, which has forgotten yesterday.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class SurveyMoment(models.TextChoices):
    SIGNED = "signed", _("After signing the agreement")
    ENDED = "ended", _("After the case ended")


class SurveyResponse(models.Model):
    """A cardholder's answer to "how did we do?", once per case and moment. Never edited: no
    service changes one, and staff have no page that could."""

    case = models.ForeignKey(
        "cases.HardshipCase", on_delete=models.CASCADE, related_name="survey_responses"
    )
    moment = models.CharField(max_length=10, choices=SurveyMoment.choices)
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=1000)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "moment"], name="one_answer_per_moment"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="survey_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.moment} {self.score}"
