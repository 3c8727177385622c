"""Hardship cases: the application, its statement, evidence, messages and timeline.

The status moves only through the transitions on `HardshipCase` (django-fsm-2), each called by a
service that also writes the `CaseEvent`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from accounts.models import ContactChannel
from cases.models.card import CardAccount


class HardshipReason(models.TextChoices):
    JOB_LOSS = "job_loss", _("Job loss or drop in income")
    ILLNESS = "illness", _("Illness or injury")
    BUSINESS = "business", _("Business downturn")
    FAMILY = "family", _("Family emergency")
    OVER_INDEBTED = "over_indebted", _("Too many debts")
    DISASTER = "disaster", _("Natural disaster or accident")
    OTHER = "other", _("Something else")


class HardshipDuration(models.TextChoices):
    TEMPORARY = "temporary", _("Temporary: I expect things to improve")
    LONG_TERM = "long_term", _("Long-term: I do not expect things to improve soon")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PHONE = "phone", _("Phone")
    BRANCH = "branch", _("In person at a branch")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    AWAITING_CARDHOLDER = "awaiting_cardholder", _("Waiting for your answer")
    AGREED = "agreed", _("Agreed")
    ACTIVE = "active", _("Plan active")
    COMPLETED = "completed", _("Completed")
    BROKEN = "broken", _("Plan broken")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DECLINED = "declined", pgettext_lazy("case status", "Declined")
    CLOSED = "closed", _("Closed by the bank")


#: Status names on staff pages, where the cardholder's own ("Waiting for your answer") would
#: speak to the wrong person.
STAFF_STATUS_LABELS = {
    CaseStatus.AWAITING_CARDHOLDER: _("Waiting for the cardholder's answer"),
}

#: The team's first visible step on a submitted case, and the bank's decision on it.
FIRST_RESPONSE_EVENTS = (
    "claimed",
    "assigned",
    "info_requested",
    "offer_sent",
    "offer_for_approval",
    "declined",
    "contact_logged",
    "auto_approved",
)
DECISION_EVENTS = ("offer_sent", "offer_approved", "declined", "auto_approved")
#: The timeline events the outcomes page's offer funnel counts (an index serves exactly these).
OFFER_FUNNEL_EVENTS = (
    "offer_sent",
    "offer_for_approval",
    "offer_approved",
    "offer_rejected",
    "offer_accepted",
)


def staff_status_label(status: str) -> str:
    """A status as staff pages say it: about the cardholder, not to them."""
    return str(STAFF_STATUS_LABELS.get(CaseStatus(status), CaseStatus(status).label))


#: Statuses of cases that ended without a plan, which staff can look back on from the queue.
ENDED_STATUSES = (CaseStatus.DECLINED, CaseStatus.WITHDRAWN, CaseStatus.CLOSED)

#: Statuses in which a case is still being worked on: only one such case per account.
OPEN_STATUSES = (
    CaseStatus.DRAFT,
    CaseStatus.SUBMITTED,
    CaseStatus.IN_REVIEW,
    CaseStatus.AWAITING_APPROVAL,
    CaseStatus.AWAITING_CARDHOLDER,
    CaseStatus.AGREED,
    CaseStatus.ACTIVE,
)
#: The cardholder may withdraw any open case, an agreed one too until the plan is signed.
WITHDRAWABLE = [s.value for s in OPEN_STATUSES if s != CaseStatus.ACTIVE]
#: Statuses in the team's queue: submitted, and not yet ended or turned into an active plan.
QUEUE_STATUSES = (
    CaseStatus.SUBMITTED,
    CaseStatus.IN_REVIEW,
    CaseStatus.AWAITING_APPROVAL,
    CaseStatus.AWAITING_CARDHOLDER,
    CaseStatus.AGREED,
)
#: Statuses in which the cardholder and the team write to each other: a submitted case, until
#: it ends. Nobody reads a draft's messages, and nobody answers on a finished case.
MESSAGE_STATUSES = (
    *(s for s in OPEN_STATUSES if s != CaseStatus.DRAFT),
    CaseStatus.ACTIVE,
    CaseStatus.BROKEN,
)


class HardshipCase(ConcurrentTransitionMixin, models.Model):
    """A cardholder's request for help with one card account, from first draft to outcome.

    The status moves only through the transitions below (django-fsm-2), each called by a
    service in `cases.services` that also writes the `CaseEvent`. `version` grows with every
    change so that a form posted against an older version is refused instead of applied.
    """

    account = models.ForeignKey(CardAccount, on_delete=models.PROTECT, related_name="cases")
    # Who applied online; empty when staff opened the case for a caller without a login.
    # Cardholders see cases through the account they hold, never through this field.
    cardholder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hardship_cases",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    status = FSMField(
        _("status"), default=CaseStatus.DRAFT, choices=CaseStatus.choices, protected=True
    )
    version = models.PositiveIntegerField(default=1)
    wizard_step = models.CharField(max_length=20, default="reason")

    reason = models.CharField(
        _("reason"), max_length=20, choices=HardshipReason.choices, blank=True
    )
    duration = models.CharField(
        _("how long"), max_length=10, choices=HardshipDuration.choices, blank=True
    )
    expected_recovery = models.DateField(_("expected recovery date"), null=True, blank=True)
    own_words = models.TextField(_("in your own words"), max_length=4000, blank=True)

    # Asked in the application: each sends the request to a person rather than an automatic
    # decision.
    asked_for_person = models.BooleanField(
        _("I would like a person to look at my request"), default=False
    )
    third_party = models.BooleanField(
        _("Someone else (a relative, carer or adviser) is helping me with this request"),
        default=False,
    )
    household_size = models.PositiveSmallIntegerField(_("people in your household"), default=1)
    dependants = models.PositiveSmallIntegerField(_("of whom dependants"), default=0)

    contact_channel = models.CharField(
        _("preferred contact channel"), max_length=10, choices=ContactChannel.choices, blank=True
    )
    contact_from = models.TimeField(_("contact me from"), null=True, blank=True)
    contact_until = models.TimeField(_("contact me until"), null=True, blank=True)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )
    # Set when a declined case is appealed: only a supervisor may then work it.
    escalated = models.BooleanField(_("escalated to a supervisor"), default=False)
    # Who declined it last: an appeal is heard by someone else.
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    info_requested = models.TextField(_("information requested"), blank=True, max_length=2000)
    info_due = models.DateField(_("information due by"), null=True, blank=True)
    outcome_reason = models.TextField(_("reason for the outcome"), blank=True, max_length=2000)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decision_due = models.DateTimeField(_("decision due"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The team's first step after submission, and the bank's decision (an offer reaching the
    # cardholder, or a decline): kept by `cases.core.record_event` for the outcomes page.
    first_response_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hardship case")
        verbose_name_plural = _("hardship cases")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="one_open_case_per_account",
                violation_error_message=_("This account already has an open case."),
            ),
            models.CheckConstraint(
                condition=Q(household_size__gte=1) & Q(household_size__lte=20),
                name="case_household_size_range",
            ),
        ]
        indexes = [
            # The outcomes page: cases submitted in a date range, with the columns its case
            # figures read, answered from the index alone.
            models.Index(
                fields=[
                    "submitted_at",
                    "id",
                    "status",
                    "assignee",
                    "decision_due",
                    "decided_at",
                    "first_response_at",
                ],
                name="case_submitted",
            ),
            # The queue: its default order, and "my cases" in that order, over the open cases
            # only (closed ones pile up for ever and are never in the queue).
            models.Index(
                fields=["decision_due", "id"],
                condition=Q(status__in=[s.value for s in QUEUE_STATUSES]),
                name="case_queue_by_due",
            ),
            models.Index(
                fields=["assignee", "decision_due", "id"],
                condition=Q(status__in=[s.value for s in QUEUE_STATUSES]),
                name="case_queue_assignee_by_due",
            ),
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status__in=[s.value for s in QUEUE_STATUSES]),
                name="case_queue_by_submitted",
            ),
        ]
        permissions = [("open_case_for_cardholder", "Can open a case on a cardholder's behalf")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.account} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"HC-{self.pk:06d}"

    @property
    def status_for_staff(self) -> str:
        """The status as staff pages say it: about the cardholder, not to them."""
        return staff_status_label(self.status)

    @property
    def decision_pending(self) -> bool:
        """Whether the bank owes the cardholder a decision (the promised date applies)."""
        return self.status in (
            CaseStatus.SUBMITTED,
            CaseStatus.IN_REVIEW,
            CaseStatus.AWAITING_APPROVAL,
        )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def draft_expires_at(self) -> Any:
        return self.updated_at + timedelta(days=settings.CASE_DRAFT_LIFETIME_DAYS)

    # --- transitions (called only from cases.services) -----------------------------------
    @transition(field=status, source=CaseStatus.DRAFT, target=CaseStatus.SUBMITTED)
    def submit(self) -> None:
        pass

    @transition(field=status, source=WITHDRAWABLE, target=CaseStatus.WITHDRAWN)
    def withdraw(self) -> None:
        pass

    @transition(
        field=status,
        source=[CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW],
        target=CaseStatus.IN_REVIEW,
    )
    def take_into_review(self) -> None:
        """Claimed by an agent or assigned by a supervisor (reassignment keeps it in review)."""

    @transition(field=status, source=CaseStatus.IN_REVIEW, target=CaseStatus.AWAITING_CARDHOLDER)
    def await_cardholder(self) -> None:
        """An offer went out, or information was requested."""

    @transition(field=status, source=CaseStatus.IN_REVIEW, target=CaseStatus.AWAITING_APPROVAL)
    def await_approval(self) -> None:
        """An offer beyond the maker's authority waits for a supervisor."""

    @transition(
        field=status, source=CaseStatus.AWAITING_APPROVAL, target=CaseStatus.AWAITING_CARDHOLDER
    )
    def approve(self) -> None:
        pass

    @transition(field=status, source=CaseStatus.AWAITING_APPROVAL, target=CaseStatus.IN_REVIEW)
    def reject(self) -> None:
        pass

    @transition(field=status, source=CaseStatus.AWAITING_APPROVAL, target=CaseStatus.IN_REVIEW)
    def recall_offer(self) -> None:
        """The maker takes back an offer that was waiting for a supervisor."""

    @transition(field=status, source=CaseStatus.AGREED, target=CaseStatus.IN_REVIEW)
    def reopen_agreement(self) -> None:
        """The agreed plan was not signed in time, or the balances moved: review again."""

    @transition(field=status, source=CaseStatus.AGREED, target=CaseStatus.ACTIVE)
    def start_plan(self) -> None:
        """The cardholder and the bank signed the agreement: the plan runs."""

    @transition(field=status, source=CaseStatus.ACTIVE, target=CaseStatus.COMPLETED)
    def complete_plan(self) -> None:
        """Every instalment of the plan was paid: the case ends."""

    @transition(field=status, source=CaseStatus.ACTIVE, target=CaseStatus.IN_REVIEW)
    def plan_broken(self) -> None:
        """The plan broke beyond the policy's tolerance: staff look at it again."""

    @transition(field=status, source=CaseStatus.AWAITING_CARDHOLDER, target=CaseStatus.IN_REVIEW)
    def return_to_review(self) -> None:
        """The cardholder replied or countered, declined the offer, or the offer expired."""

    @transition(field=status, source=CaseStatus.AWAITING_CARDHOLDER, target=CaseStatus.AGREED)
    def agree(self) -> None:
        pass

    @transition(field=status, source=CaseStatus.IN_REVIEW, target=CaseStatus.DECLINED)
    def decline(self) -> None:
        pass

    @transition(field=status, source=CaseStatus.DECLINED, target=CaseStatus.IN_REVIEW)
    def appeal(self) -> None:
        pass

    @transition(
        field=status,
        source=[
            CaseStatus.SUBMITTED,
            CaseStatus.IN_REVIEW,
            CaseStatus.AWAITING_APPROVAL,
            CaseStatus.AWAITING_CARDHOLDER,
            CaseStatus.AGREED,
            CaseStatus.ACTIVE,
        ],
        target=CaseStatus.CLOSED,
    )
    def close(self) -> None:
        """Staff close a case that needs no plan (for example, the arrears were paid)."""


class StatementSection(models.TextChoices):
    INCOME = "income", _("Income")
    ESSENTIAL = "essential", _("Essential spending")
    DEBT = "debt", _("Other debts")


class StatementLine(models.Model):
    """One monthly line of the case's income & expenditure statement."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="statement_lines")
    section = models.CharField(max_length=10, choices=StatementSection.choices)
    category = models.CharField(max_length=40)
    label = models.CharField(max_length=100, blank=True)
    monthly_amount = models.DecimalField(max_digits=14, decimal_places=2)
    # Other debts only: who is owed, and how much in all.
    lender = models.CharField(max_length=100, blank=True)
    balance = models.DecimalField(null=True, blank=True, max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["section", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=0), name="statement_line_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.section}:{self.category} {self.monthly_amount}"


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")


def _document_path(instance: Document, filename: str) -> str:
    # The stored name never comes from the user; the original is kept in `original_name`.
    return f"cases/{instance.case_id}/{instance.sha256[:16]}-{timezone.now():%Y%m%d%H%M%S%f}"


class Document(FSMModelMixin, models.Model):
    """Evidence or a message attachment, stored in private storage outside the web root.

    Staff accept or reject it (and may change their mind), each through a transition."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="documents")
    evidence_kind = models.CharField(_("what it shows"), max_length=40, blank=True)
    file = models.FileField(upload_to=_document_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = FSMField(
        max_length=10,
        choices=DocumentStatus.choices,
        default=DocumentStatus.PENDING,
        protected=True,
    )
    review_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @transition(
        field=status,
        source=[DocumentStatus.PENDING, DocumentStatus.REJECTED],
        target=DocumentStatus.ACCEPTED,
    )
    def accept(self) -> None:
        pass

    @transition(
        field=status,
        source=[DocumentStatus.PENDING, DocumentStatus.ACCEPTED],
        target=DocumentStatus.REJECTED,
    )
    def reject(self) -> None:
        pass


class CaseEvent(models.Model):
    """The append-only timeline of a case: who did what, when, from which status to which."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    visible_to_cardholder = models.BooleanField(default=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            # A case's first event of some kinds (the outcomes page: first response, decision).
            models.Index(fields=["case", "kind", "occurred_at"], name="case_event_kind_time"),
            # The offer funnel of the outcomes page, without reading the whole timeline.
            models.Index(
                fields=["case", "kind"],
                condition=Q(kind__in=OFFER_FUNNEL_EVENTS),
                name="case_offer_events",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.from_status}->{self.to_status}"


class Message(models.Model):
    """A message between the cardholder and staff on one case."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=4000)
    sent_at = models.DateTimeField(default=timezone.now)
    attachment = models.OneToOneField(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="message"
    )
    from_staff = models.BooleanField(default=False)

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.sent_at:%Y-%m-%d %H:%M}"
