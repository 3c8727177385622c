"""The repayment plan a cardholder agreed to, its instalments, and its agreement document.

A plan is made once, from the `OfferAcceptance` snapshot of what the cardholder was shown, never
from a new calculation: every instalment's date and amounts are copied from it. The agreement is
rendered from the plan (in the language the offer was read in), signed by the cardholder and the
bank, and kept in private storage with the SHA-256 of each version.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from plans.calculator import still_to_pay


class PlanStatus(models.TextChoices):
    AWAITING_SIGNATURE = "awaiting_signature", _("Waiting for signature")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BROKEN = "broken", _("Broken")
    COMPLETED = "completed", _("Completed")
    EXPIRED = "expired", _("Not signed in time")
    CANCELLED = "cancelled", _("Cancelled")


class RepaymentPlan(models.Model):
    """One agreed plan: the terms and figures as accepted, and its instalments."""

    acceptance = models.OneToOneField(
        "cases.OfferAcceptance", on_delete=models.PROTECT, related_name="plan"
    )
    case = models.ForeignKey("cases.HardshipCase", on_delete=models.PROTECT, related_name="plans")
    account = models.ForeignKey("cases.CardAccount", on_delete=models.PROTECT, related_name="plans")
    reference = models.CharField(max_length=20, unique=True)
    status = FSMField(
        default=PlanStatus.AWAITING_SIGNATURE, choices=PlanStatus.choices, protected=True
    )
    currency = models.CharField(max_length=3)
    language = models.CharField(max_length=10)
    plan_type = models.CharField(max_length=20)
    terms = models.JSONField()
    figures = models.JSONField()
    financed_amount = models.DecimalField(max_digits=14, decimal_places=2)
    total_payable = models.DecimalField(max_digits=14, decimal_places=2)
    interest_waived = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    fees_waived = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    forgiven = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(default=timezone.now)
    sign_by = models.DateTimeField()
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("repayment plan")
        verbose_name_plural = _("repayment plans")

    def __str__(self) -> str:
        return self.reference

    @transition(field=status, source=PlanStatus.AWAITING_SIGNATURE, target=PlanStatus.ON_TRACK)
    def activate(self) -> None:
        """Both sides signed the agreement."""

    @transition(field=status, source=PlanStatus.AWAITING_SIGNATURE, target=PlanStatus.EXPIRED)
    def expire(self) -> None:
        """The cardholder did not sign within the policy's days."""

    @transition(
        field=status, source=[PlanStatus.ON_TRACK, PlanStatus.AT_RISK], target=PlanStatus.AT_RISK
    )
    def fall_behind(self) -> None:
        """An instalment is overdue, within the policy's tolerance."""

    @transition(
        field=status, source=[PlanStatus.ON_TRACK, PlanStatus.AT_RISK], target=PlanStatus.ON_TRACK
    )
    def catch_up(self) -> None:
        """Nothing is overdue any more."""

    @transition(
        field=status, source=[PlanStatus.ON_TRACK, PlanStatus.AT_RISK], target=PlanStatus.BROKEN
    )
    def break_plan(self) -> None:
        """Beyond the policy's tolerance: two instalments missed, or one late too long."""

    @transition(
        field=status, source=[PlanStatus.ON_TRACK, PlanStatus.AT_RISK], target=PlanStatus.COMPLETED
    )
    def complete(self) -> None:
        """Every instalment is paid."""

    @transition(
        field=status,
        source=[PlanStatus.AWAITING_SIGNATURE, PlanStatus.ON_TRACK, PlanStatus.AT_RISK],
        target=PlanStatus.CANCELLED,
    )
    def cancel(self) -> None:
        """The case was withdrawn or closed while the plan ran."""


class InstalmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DUE = "due", _("Due")
    PAID = "paid", _("Paid")
    PART_PAID = "part_paid", _("Part paid")
    OVERDUE = "overdue", _("Overdue")
    NOTHING_DUE = "nothing_due", _("Nothing due")


class Instalment(models.Model):
    """One month of the plan, exactly as shown at acceptance (months with nothing due included)."""

    plan = models.ForeignKey(RepaymentPlan, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField()
    due_date = models.DateField(db_index=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    principal = models.DecimalField(max_digits=14, decimal_places=2)
    interest = models.DecimalField(max_digits=14, decimal_places=2)
    fee = models.DecimalField(max_digits=14, decimal_places=2)
    balance_after = models.DecimalField(max_digits=14, decimal_places=2)
    paid = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    status = models.CharField(
        max_length=20, choices=InstalmentStatus.choices, default=InstalmentStatus.SCHEDULED
    )

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_instalment_per_month")
        ]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")

    def __str__(self) -> str:
        return f"{self.plan_id} #{self.number} {self.due_date} {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return still_to_pay(self.amount, self.paid)


class AgreementStatus(models.TextChoices):
    QUEUED = "queued", _("Being prepared")
    FAILED = "failed", _("Could not be prepared")
    READY = "ready", _("Ready to sign")
    SIGNED = "signed", _("Signed")
    EXPIRED = "expired", _("Not signed in time")


def _agreement_path(instance: Agreement, filename: str) -> str:
    return f"agreements/{instance.plan_id}/{filename}"


class Agreement(models.Model):
    """The plan's agreement: rendered by a Celery task, signed by the cardholder, then the bank.

    `draft` is the PDF the cardholder reads; `signed` the final file with the signature record
    and the bank's PAdES signature. The SHA-256 of each is kept, so that anyone can check later
    that a copy is authentic and unchanged.
    """

    plan = models.OneToOneField(RepaymentPlan, on_delete=models.CASCADE, related_name="agreement")
    status = models.CharField(
        max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.QUEUED
    )
    language = models.CharField(max_length=10)
    draft = models.FileField(upload_to=_agreement_path, blank=True)
    draft_sha256 = models.CharField(max_length=64, blank=True)
    signed = models.FileField(upload_to=_agreement_path, blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signer_name = models.CharField(max_length=150, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer_ip = models.GenericIPAddressField(null=True, blank=True)
    signer_user_agent = models.CharField(max_length=300, blank=True)
    # The one-time code that confirms the signature: only its SHA-256 is kept.
    code_sha256 = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    code_channel = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.status}"


class PaymentSource(models.TextChoices):
    IMPORT = "import", _("Core-system file")
    STAFF = "staff", _("Entered by staff")


class Payment(models.Model):
    """Money received for a plan, allocated to the oldest unpaid instalments first.

    `reference` is the core system's (or the staff member's receipt number): a payment is
    recorded once, however often a file is imported.
    """

    plan = models.ForeignKey(RepaymentPlan, on_delete=models.PROTECT, related_name="payments")
    reference = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    received_on = models.DateField()
    source = models.CharField(max_length=10, choices=PaymentSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class ArrangementKind(models.TextChoices):
    START = "start", _("Apply the plan")
    END = "end", _("End the plan")


class AckStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Rejected")


class Arrangement(models.Model):
    """What the core system must apply to the card account, sent once and tracked until it says
    it did: the plan's instalments, its rate, the waivers to post and the re-ageing (START), or
    that the arrangement ends (END)."""

    plan = models.ForeignKey(RepaymentPlan, on_delete=models.PROTECT, related_name="arrangements")
    kind = models.CharField(max_length=10, choices=ArrangementKind.choices)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    exported_at = models.DateTimeField(null=True, blank=True, db_index=True)
    export_batch = models.CharField(max_length=40, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack_status = models.CharField(max_length=10, choices=AckStatus.choices, blank=True)
    applied_on = models.DateField(null=True, blank=True)
    ack_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="one_arrangement_per_plan_event")
        ]
        verbose_name = _("arrangement")
        verbose_name_plural = _("arrangements")

    def __str__(self) -> str:
        return f"ARR-{self.pk} {self.kind} {self.plan_id}"
