"""Card accounts and their transactions as the bank's core system reports them, the attempts to
link a login to a card, notices for the bank's own channel, and the record of each import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.calculator import MinimumPaymentRule


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
    # The card's own minimum-payment rule (from the core system): max(floor, percent x balance
    # (+ the month's interest and fees when `_plus_interest`)), capped at what is owed. What
    # "making only the minimum payments" is compared against.
    minimum_payment_percent = models.DecimalField(
        _("minimum payment, share of the balance (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
    )
    minimum_payment_floor = models.DecimalField(
        _("minimum payment, at least"), max_digits=14, decimal_places=2, default=Decimal("100.00")
    )
    minimum_payment_plus_interest = models.BooleanField(
        _("minimum payment adds the month's interest and fees"), default=True
    )
    # Failed attempts to link this card online since it was last linked or released, whoever
    # made them: a limit per card, which no new login resets. At the limit the card cannot be
    # linked online until staff release it.
    linking_failures = models.PositiveSmallIntegerField(default=0)
    linking_locked_at = models.DateTimeField(_("online linking locked"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The explainable risk score (cases/risk.py), refreshed daily by beat and by
    # `manage.py score_accounts`.
    risk_points = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_band = models.CharField(max_length=10, blank=True, db_index=True)
    risk_reasons = models.JSONField(default=list, blank=True)
    risk_scored_at = models.DateTimeField(null=True, blank=True)

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

    def minimum_payment_rule(self) -> MinimumPaymentRule:
        return MinimumPaymentRule(
            floor=self.minimum_payment_floor,
            percent_of_balance=self.minimum_payment_percent,
            plus_interest_and_fees=self.minimum_payment_plus_interest,
        )

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
