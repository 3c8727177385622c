"""Card accounts from the bank's core system, and hardship cases built on them.

Money is stored as Decimal to the cent; every amount a person reads is computed by
`plans.calculator`, never here.
"""

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
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from accounts.models import ContactChannel


class Product(models.TextChoices):
    PERSONAL = "personal", _("Personal card")
    SMALL_BUSINESS = "small_business", _("Small-business card")


class AccountStatus(models.TextChoices):
    CURRENT = "current", _("Up to date")
    DELINQUENT = "delinquent", _("Behind on payments")
    CHARGED_OFF = "charged_off", _("Charged off")
    CLOSED = "closed", _("Closed")


class DelinquencyBucket(models.TextChoices):
    CURRENT = "current", _("Up to date")
    DPD_1_29 = "1-29", _("1–29 days past due")
    DPD_30_59 = "30-59", _("30–59 days past due")
    DPD_60_89 = "60-89", _("60–89 days past due")
    DPD_90_179 = "90-179", _("90–179 days past due")
    DPD_180_PLUS = "180+", _("180 or more days past due")

    @classmethod
    def for_days(cls, days_past_due: int) -> DelinquencyBucket:
        for bound, bucket in (
            (0, cls.CURRENT),
            (29, cls.DPD_1_29),
            (59, cls.DPD_30_59),
            (89, cls.DPD_60_89),
            (179, cls.DPD_90_179),
        ):
            if days_past_due <= bound:
                return bucket
        return cls.DPD_180_PLUS

    @classmethod
    def day_range(cls, bucket: str) -> tuple[int, int | None]:
        return {
            cls.CURRENT: (0, 0),
            cls.DPD_1_29: (1, 29),
            cls.DPD_30_59: (30, 59),
            cls.DPD_60_89: (60, 89),
            cls.DPD_90_179: (90, 179),
            cls.DPD_180_PLUS: (180, None),
        }[cls(bucket)]


class CardAccount(models.Model):
    """A credit-card account as the bank's core system reports it (see docs/import-format.md).

    `holder` is empty until the cardholder enrols (proves who they are with the identity
    fields below). Nothing about an account is shown to anyone before that link exists.
    """

    bank_reference = models.CharField(_("account reference"), max_length=40, unique=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="card_accounts",
    )
    holder_name = models.CharField(_("cardholder name"), max_length=150)
    card_last4 = models.CharField(_("card number, last four digits"), max_length=4)
    holder_birth_date = models.DateField(_("date of birth"))
    holder_id_last4 = models.CharField(_("ID number, last four characters"), max_length=4)
    product = models.CharField(_("product"), max_length=20, choices=Product.choices)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    credit_limit = models.DecimalField(_("credit limit"), max_digits=14, decimal_places=2)
    principal_balance = models.DecimalField(_("principal"), max_digits=14, decimal_places=2)
    interest_balance = models.DecimalField(_("interest"), max_digits=14, decimal_places=2)
    penalty_interest_balance = models.DecimalField(
        _("penalty interest"), max_digits=14, decimal_places=2
    )
    fees_balance = models.DecimalField(_("fees"), max_digits=14, decimal_places=2)
    apr = models.DecimalField(_("annual interest rate (%)"), max_digits=6, decimal_places=2)
    minimum_due = models.DecimalField(_("minimum payment due"), max_digits=14, decimal_places=2)
    payment_due_date = models.DateField(_("payment due date"), null=True, blank=True)
    days_past_due = models.PositiveIntegerField(_("days past due"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=AccountStatus.choices)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    # Failed attempts to link this card online since it was last linked or released, whoever
    # made them: a limit per card, which no new login resets. At the limit the card cannot be
    # linked online until staff release it.
    linking_failures = models.PositiveSmallIntegerField(default=0)
    linking_locked_at = models.DateTimeField(_("online linking locked"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("card account")
        verbose_name_plural = _("card accounts")
        ordering = ["bank_reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(principal_balance__gte=0)
                & Q(interest_balance__gte=0)
                & Q(penalty_interest_balance__gte=0)
                & Q(fees_balance__gte=0)
                & Q(credit_limit__gte=0)
                & Q(minimum_due__gte=0),
                name="card_account_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_product_display()} ···· {self.card_last4}"

    @property
    def delinquency_bucket(self) -> DelinquencyBucket:
        return DelinquencyBucket.for_days(self.days_past_due)


class Category(models.TextChoices):
    GROCERIES = "groceries", _("Groceries")
    DINING = "dining", _("Eating out")
    TRANSPORT = "transport", _("Transport")
    UTILITIES = "utilities", _("Utilities and phone")
    HOUSING = "housing", _("Rent and housing")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education and childcare")
    SHOPPING = "shopping", _("Shopping")
    ENTERTAINMENT = "entertainment", _("Entertainment")
    TRAVEL = "travel", _("Travel")
    BUSINESS = "business", _("Business supplies")
    CASH = "cash", _("Cash withdrawals")
    FEES = "fees", _("Fees and interest")
    PAYMENT = "payment", _("Payments received")
    OTHER = "other", _("Other")


def category_label(category: str) -> Any:
    """The reader's name for a spending category; an unknown code is shown as it is."""
    try:
        return Category(category).label
    except ValueError:
        return category


class TransactionKind(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    CASH_ADVANCE = "cash_advance", _("Cash advance")
    FEE = "fee", _("Fee")
    INTEREST = "interest", _("Interest")
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class Transaction(models.Model):
    """A posted card transaction. Spending is positive; payments and refunds are negative."""

    account = models.ForeignKey(CardAccount, on_delete=models.CASCADE, related_name="transactions")
    bank_reference = models.CharField(_("transaction reference"), max_length=60, unique=True)
    posted_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=TransactionKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["-posted_on", "-id"]
        indexes = [models.Index(fields=["account", "posted_on"])]

    def __str__(self) -> str:
        return f"{self.posted_on} {self.description} {self.amount}"


class EnrolmentAttempt(models.Model):
    """One try at linking a login to card accounts; kept to limit and audit attempts.

    `accounts` are the cards the attempt came close to: the card number's last four digits
    and one of the two identity details matched. Those are the attempts that count against a
    card, and that staff see when they release it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_attempts"
    )
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)
    succeeded = models.BooleanField(default=False)
    card_last4 = models.CharField(max_length=4)
    accounts_linked = models.PositiveSmallIntegerField(default=0)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    accounts = models.ManyToManyField(CardAccount, blank=True, related_name="enrolment_attempts")

    class Meta:
        ordering = ["-attempted_at"]
        indexes = [models.Index(fields=["ip_address", "attempted_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.attempted_at:%Y-%m-%d %H:%M} {self.succeeded}"


class HolderNoticeKind(models.TextChoices):
    LINKING_LOCKED = "linking_locked", _("Online linking of the card was locked")


class HolderNotice(models.Model):
    """A notice for a cardholder that goes out through the bank's own channel (the text
    message or letter to the contact details in the core system), not through this service:
    the person it warns may have no login here, or the login may be the attacker's.

    `manage.py export_holder_notices` hands the notices not yet exported to the core system.
    """

    account = models.ForeignKey(CardAccount, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=20, choices=HolderNoticeKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    exported_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


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


#: Statuses in which a case is still being worked on: only one such case per account.
OPEN_STATUSES = (
    CaseStatus.DRAFT,
    CaseStatus.SUBMITTED,
    CaseStatus.IN_REVIEW,
    CaseStatus.AWAITING_APPROVAL,
    CaseStatus.AWAITING_CARDHOLDER,
    CaseStatus.AGREED,
)
WITHDRAWABLE = [s.value for s in OPEN_STATUSES if s != CaseStatus.AGREED]
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
    info_requested = models.TextField(_("information requested"), blank=True, max_length=2000)
    info_due = models.DateField(_("information due by"), null=True, blank=True)
    outcome_reason = models.TextField(_("reason for the outcome"), blank=True, max_length=2000)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decision_due = models.DateTimeField(_("decision due"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

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
        source=[CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.AWAITING_CARDHOLDER],
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


class Document(models.Model):
    """Evidence or a message attachment, stored in private storage outside the web root."""

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
    status = models.CharField(
        max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    review_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


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


class Offer(models.Model):
    """One proposal in a case's negotiation thread; never edited, only superseded.

    `terms` are the calculator's `PlanTerms` as JSON (amounts as strings); `summary` is what the
    calculator computed from them when the offer was made (payment, totals, annualised rate),
    kept so that what was shown is exactly what is later agreed.
    """

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="offers")
    proposer = models.CharField(max_length=10, choices=Proposer.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    terms = models.JSONField()
    summary = models.JSONField(default=dict)
    rationale = models.TextField(blank=True, max_length=4000)
    status = models.CharField(max_length=20, choices=OfferStatus.choices)
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


class ContactChannelKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Online chat")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("Letter")


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


class ContactLog(models.Model):
    """A contact with the cardholder outside the messages: a call, a chat, a visit, a letter."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="contacts")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
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


class NegotiationPolicy(models.Model):
    """The bank's negotiation rules, edited by administrators; every change is kept.

    There is one row (pk=1). `cases.policy.current_policy()` reads it.
    """

    max_term_months = models.PositiveSmallIntegerField(
        _("maximum plan length (months)"), default=60
    )
    offer_validity_days = models.PositiveSmallIntegerField(
        _("offers expire after (days)"), default=14
    )
    decision_business_days = models.PositiveSmallIntegerField(
        _("decision due within (working days)"), default=5
    )
    quiet_hours_start = models.TimeField(_("no contact from"), default="21:00")
    quiet_hours_end = models.TimeField(_("no contact until"), default="08:00")
    max_contacts_per_day = models.PositiveSmallIntegerField(
        _("outbound contacts a day, at most"), default=2
    )
    max_contacts_per_week = models.PositiveSmallIntegerField(
        _("outbound contacts a week, at most"), default=7
    )
    broken_plan_tolerance_days = models.PositiveSmallIntegerField(
        _("a plan breaks after a payment is late by (days)"), default=30
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("negotiation policy")
        verbose_name_plural = _("negotiation policy")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_term_months__gte=1) & Q(max_term_months__lte=60),
                name="policy_term_within_rules",
                violation_error_message=_("The maximum term must be between 1 and 60 months."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Negotiation policy"))


class AuthorityLimit(models.Model):
    """What one role may concede without a second pair of eyes; every change is kept."""

    role = models.CharField(_("role"), max_length=20, unique=True)
    max_interest_waiver_share = models.DecimalField(
        _("interest waiver, at most (share of accrued interest, 0–1)"),
        max_digits=5,
        decimal_places=4,
    )
    max_fee_waiver_share = models.DecimalField(
        _("fee waiver, at most (share of fees, 0–1)"), max_digits=5, decimal_places=4
    )
    max_settlement_discount = models.DecimalField(
        _("settlement discount, at most (%)"), max_digits=5, decimal_places=2
    )
    max_term_months = models.PositiveSmallIntegerField(_("plan length, at most (months)"))
    min_apr = models.DecimalField(_("APR, at least (%)"), max_digits=6, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["role"]
        verbose_name = _("authority limit")
        verbose_name_plural = _("authority limits")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_interest_waiver_share__gte=0)
                & Q(max_interest_waiver_share__lte=1)
                & Q(max_fee_waiver_share__gte=0)
                & Q(max_fee_waiver_share__lte=1)
                & Q(max_settlement_discount__gte=0)
                & Q(max_settlement_discount__lte=100)
                & Q(min_apr__gte=0),
                name="authority_limit_ranges",
            ),
        ]

    def __str__(self) -> str:
        return self.role


class PolicyChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second administrator")
    APPROVED = "approved", _("Approved and in force")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn by the proposer")


class PolicyChange(models.Model):
    """A proposed change to the negotiation policy or the authority limits (maker-checker).

    Nothing takes effect when it is proposed: a second administrator approves it (then the
    rows change, each with its own history) or rejects it, or the proposer withdraws it. Every
    proposal is kept, whatever became of it. At most one waits at a time, so two proposals can
    never undo each other.

    `changes` is {scope: {field: {"old": text, "new": text}}}, scope being "policy" or a role;
    `base` is the fingerprint of the rows the proposal was made against: if they changed
    meanwhile, the proposal can no longer be approved as it stands.
    """

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason for the change"), max_length=100)
    changes = models.JSONField()
    base = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=PolicyChangeStatus.choices, default=PolicyChangeStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("policy change")
        verbose_name_plural = _("policy changes")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="pending"),
                name="one_pending_policy_change",
                violation_error_message=_("Another change is already waiting for approval."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | ~Q(decided_by=models.F("proposed_by")),
                name="policy_change_checker_is_not_maker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposed_at:%Y-%m-%d %H:%M} {self.status}"


class ImportRun(models.Model):
    """The audit record of one import of core-system data: who, which file, what it changed.

    Refused imports are recorded too (they change nothing, but someone tried).
    """

    kind = models.CharField(max_length=20)  # "accounts" | "transactions"
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    operator = models.CharField(max_length=150)
    ran_at = models.DateTimeField(default=timezone.now)
    succeeded = models.BooleanField()
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    first_errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} {self.ran_at:%Y-%m-%d %H:%M}"
