"""The negotiation thread of a case (offers) and the contacts staff log with the cardholder."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from cases.models.case import HardshipCase


class Proposer(models.TextChoices):
    CARDHOLDER = "cardholder", _("Cardholder")
    BANK = "bank", _("Bank")


class OfferStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested by the cardholder")
    PENDING_APPROVAL = "pending_approval", _("Waiting for a supervisor")
    OPEN = "open", _("Waiting for the cardholder")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", pgettext_lazy("offer status", "Declined")
    REJECTED = "rejected", _("Rejected by a supervisor")
    SUPERSEDED = "superseded", _("Replaced by a newer proposal")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: Offers still in play: the cardholder's request, one waiting for a supervisor, an open offer.
LIVE_OFFER_STATUSES = (OfferStatus.REQUESTED, OfferStatus.PENDING_APPROVAL, OfferStatus.OPEN)


class Offer(ConcurrentTransitionMixin, models.Model):
    """One proposal in a case's negotiation thread; never edited, only superseded.

    Its status moves only through the transitions below (django-fsm-2, protected); each is
    called by `cases.core.offer_move`, which also writes the timeline event.

    `terms` are the calculator's `PlanTerms` as JSON (amounts as strings); `summary` is what the
    calculator computed from them when the offer was made (payment, totals, annualised rate),
    kept so that what was shown is exactly what is later agreed.
    """

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="offers")
    proposer = models.CharField(max_length=10, choices=Proposer.choices)
    # Empty for the bank's offer made by an automatic decision (`auto_decision` says which).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    terms = models.JSONField()
    summary = models.JSONField(default=dict)
    rationale = models.TextField(blank=True, max_length=4000)
    status = FSMField(max_length=20, choices=OfferStatus.choices, protected=True)
    # When the bank's offer went to the cardholder: empty for an offer that waited for a
    # supervisor and never left the bank (rejected, or withdrawn with the case). The cardholder
    # sees their own requests and the offers that were sent to them, nothing else.
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    # Limits of the maker's authority this offer goes beyond: [{limit, allowed, offered}].
    exceeds = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The supervisors' approvals page, oldest first.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(status="pending_approval"),
                name="offer_waiting_for_approval",
            ),
            # The expiry task's scan.
            models.Index(
                fields=["expires_at"], condition=Q(status="open"), name="offer_open_by_expiry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.proposer} {self.status}"

    # --- transitions (called only through cases.core.offer_move) ------------------------------
    @transition(field=status, source=OfferStatus.PENDING_APPROVAL, target=OfferStatus.OPEN)
    def send(self) -> None:
        """A supervisor approved it: it goes to the cardholder."""

    @transition(field=status, source=OfferStatus.PENDING_APPROVAL, target=OfferStatus.REJECTED)
    def reject(self) -> None:
        pass

    @transition(field=status, source=OfferStatus.OPEN, target=OfferStatus.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(
        field=status,
        source=[OfferStatus.OPEN, OfferStatus.REQUESTED],
        target=OfferStatus.DECLINED,
    )
    def decline(self) -> None:
        """The cardholder turned the offer down, or the bank declined the case it was for."""

    @transition(field=status, source=list(LIVE_OFFER_STATUSES), target=OfferStatus.SUPERSEDED)
    def supersede(self) -> None:
        """A newer proposal replaces it."""

    @transition(field=status, source=OfferStatus.OPEN, target=OfferStatus.EXPIRED)
    def expire(self) -> None:
        pass

    @transition(field=status, source=list(LIVE_OFFER_STATUSES), target=OfferStatus.WITHDRAWN)
    def withdraw(self) -> None:
        """Its maker took it back, or the case it belongs to ended."""


class ContactChannelKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("Text message (SMS)")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Online chat")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("Letter")
    IN_APP = "in_app", _("Message in this service")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("From the cardholder")
    OUTBOUND = "outbound", _("To the cardholder")


class ContactOutcome(models.TextChoices):
    REACHED = "reached", _("Spoke to the cardholder")
    NO_ANSWER = "no_answer", _("No answer")
    LEFT_MESSAGE = "left_message", _("Left a message")
    PROMISE = "promise", _("Promise to pay")
    REFUSED = "refused", _("Refused to talk")
    OTHER = "other", _("Other")
    AUTOMATED = "automated", _("Automated reminder")


#: What staff may choose when they log a contact by hand (the rest are written by the service).
STAFF_CONTACT_CHANNELS = [
    choice for choice in ContactChannelKind.choices if choice[0] != ContactChannelKind.IN_APP
]
STAFF_CONTACT_OUTCOMES = [
    choice for choice in ContactOutcome.choices if choice[0] != ContactOutcome.AUTOMATED
]


class ContactLog(models.Model):
    """A contact with the cardholder outside the messages: a call, a chat, a visit, a letter,
    or an automated reminder (then `staff` is empty and `outcome` is "automated")."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="contacts")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannelKind.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ContactOutcome.choices)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    # The contact rules this contact broke, as the agent was warned at the time.
    rule_warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.channel} {self.direction} {self.occurred_at:%Y-%m-%d %H:%M}"


class OfferAcceptance(models.Model):
    """What the cardholder agreed to, exactly as it was shown, and the record of their consent.

    Written once when the cardholder accepts and never changed: the terms, every instalment,
    the figures, the plain-text disclosure in the language it was read in and its SHA-256, the
    balances it was based on, and who consented, when, from where, with what browser.
    Everything built later (the plan, the agreement, reminders) is built from this, never from
    a new calculation.
    """

    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="acceptance")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=10)
    currency = models.CharField(max_length=3)
    terms = models.JSONField()
    schedule = models.JSONField()
    figures = models.JSONField()
    balances = models.JSONField()
    disclosure_text = models.TextField()
    disclosure_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("offer acceptance")
        verbose_name_plural = _("offer acceptances")

    def __str__(self) -> str:
        return f"{self.offer_id} {self.accepted_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("An offer acceptance is never changed once recorded.")
        super().save(*args, **kwargs)
