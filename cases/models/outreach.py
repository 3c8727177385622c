"""Automated reminders: what the service tells people by itself, and how it went out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import HardshipCase


class ReminderKind(models.TextChoices):
    INSTALMENT_SOON = "instalment_soon", _("Instalment due soon")
    INSTALMENT_TODAY = "instalment_today", _("Instalment due today")
    INSTALMENT_MISSED = "instalment_missed", _("Instalment missed")
    OFFER_EXPIRING = "offer_expiring", _("Offer about to expire")
    SIGNATURE_EXPIRING = "signature_expiring", _("Agreement about to expire unsigned")
    SLA_BREACHED = "sla_breached", _("Decision overdue")
    ARRANGEMENT_UNCONFIRMED = "arrangement_unconfirmed", _("Arrangement not confirmed")
    SURVEY = "survey", _("How did we do?")


class Audience(models.TextChoices):
    CARDHOLDER = "cardholder", _("Cardholder")
    STAFF = "staff", _("Staff")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to go out")
    SENT = "sent", _("Sent")
    IN_APP = "in_app", _("In the online inbox only")
    HELD = "held", _("Held back by the contact limits")
    CANCELLED = "cancelled", _("No longer needed")
    FAILED = "failed", _("Could not be sent")


class Reminder(models.Model):
    """One automated reminder to one person, written once under a unique `key`.

    The key names what the reminder is about and when ("instalment:42:today"), so a scan that
    runs twice, or a task retried on another worker, finds the row and sends nothing more.
    Delivery puts it in the person's online inbox, then, within the contact rules, sends it by
    their channel; `sent_text` keeps exactly what went out, and a cardholder's reminder is
    written to the case's contact log.
    """

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    case = models.ForeignKey(
        HardshipCase, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    # What the reminder is about, for the check that it is still needed ("instalment:42").
    topic = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    deliver_after = models.DateTimeField(default=timezone.now)
    notification = models.OneToOneField(
        "accounts.Notification",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reminder",
    )
    channel = models.CharField(max_length=10, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_text = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The delivery task's scan.
            models.Index(
                fields=["deliver_after", "id"],
                condition=Q(status="pending"),
                name="reminder_pending_by_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.status}"
