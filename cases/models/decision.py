"""Automatic decisions: the flags that send a case to a person, the record of each decision,
its quality review, and the switch that pauses them all."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.card import CardAccount
from cases.models.case import HardshipCase
from cases.models.negotiation import Offer


class FlagKind(models.TextChoices):
    """Circumstances staff record on an account; each sends a request to a person."""

    VULNERABILITY = "vulnerability", _("Vulnerable customer")
    SPECIAL_CIRCUMSTANCE = "special_circumstance", _("Special circumstances")
    BEREAVEMENT = "bereavement", _("Bereavement")
    SERIOUS_ILLNESS = "serious_illness", _("Serious illness")
    INSOLVENCY = "insolvency", _("Insolvency or bankruptcy")
    THIRD_PARTY = "third_party", _("Someone acts for the cardholder")
    DISPUTE = "dispute", _("Open dispute")
    COMPLAINT = "complaint", _("Open complaint")
    IDENTITY = "identity", _("Identity check not passed")


class AccountFlag(models.Model):
    """A circumstance recorded on an account, open until someone clears it (both audited)."""

    account = models.ForeignKey(CardAccount, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("flag"), max_length=30, choices=FlagKind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind"],
                condition=Q(cleared_at__isnull=True),
                name="one_open_flag_per_kind",
                violation_error_message=_("This flag is already open on the account."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approve", _("Approved automatically")
    REFERRED = "refer", _("Referred to a person")


class DecisionQuerySet(models.QuerySet["AutoDecision"]):
    """Decision records in bulk: read, never updated or deleted (an audit record)."""

    def update(self, **kwargs: Any) -> int:
        raise ValueError("A decision record is never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("A decision record is never deleted.")


class AutoDecision(models.Model):
    """What the decision engine decided on one request, and everything it decided on.

    Written once and never changed (`save` refuses an update): the policy version and the band
    it read, the facts and the request as the engine saw them, and each rule's outcome. With
    these, `manage.py explain_decision` runs the engine again and gets the same result.
    `error` holds the fault when the engine failed: the request then went to a person.
    """

    case = models.ForeignKey(HardshipCase, on_delete=models.PROTECT, related_name="decisions")
    request = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="decisions")
    offer = models.OneToOneField(
        Offer, null=True, blank=True, on_delete=models.PROTECT, related_name="auto_decision"
    )
    outcome = models.CharField(max_length=10, choices=DecisionOutcome.choices)
    policy_version = models.PositiveIntegerField()
    engine_version = models.PositiveSmallIntegerField()
    band = models.JSONField()
    facts = models.JSONField()
    plan = models.JSONField()
    rules = models.JSONField()
    error = models.TextField(blank=True)
    sampled = models.BooleanField(default=False)
    decided_at = models.DateTimeField(default=timezone.now)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["outcome", "decided_at"], name="auto_decision_outcome_time"),
            models.Index(
                fields=["decided_at"],
                condition=Q(sampled=True),
                name="auto_decision_sampled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.outcome} v{self.policy_version}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("A decision record is never changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("A decision record is never deleted.")


class Verdict(models.TextChoices):
    AGREE = "agree", _("Agree")
    DISAGREE = "disagree", _("Disagree")


class DecisionReview(models.Model):
    """A supervisor's quality review of one sampled automatic approval."""

    decision = models.OneToOneField(AutoDecision, on_delete=models.CASCADE, related_name="review")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    reason = models.TextField(_("because"), max_length=2000, blank=True)
    reviewed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.decision_id} {self.verdict}"


class AutoDecisionSwitch(models.Model):
    """One row (pk=1): whether automatic decisions are paused. An administrator flips it at
    once (no second approval: it only ever sends requests to people); every change is kept."""

    paused = models.BooleanField(default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return "paused" if self.paused else "running"
