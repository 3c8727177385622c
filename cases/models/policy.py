"""The bank's negotiation policy and authority limits, and the proposals to change them."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


# Defaults as functions: a time of day given as a value trips Django's "fixed default" check
# (fields.W161) whenever the check runs within ten seconds of that time.
def default_quiet_start() -> time:
    return time(21, 0)


def default_quiet_end() -> time:
    return time(8, 0)


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
    signature_days = models.PositiveSmallIntegerField(
        _("an accepted plan must be signed within (days)"), default=14
    )
    decision_business_days = models.PositiveSmallIntegerField(
        _("decision due within (working days)"), default=5
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("remind the cardholder of an instalment (days before)"), default=3
    )
    quiet_hours_start = models.TimeField(_("no contact from"), default=default_quiet_start)
    quiet_hours_end = models.TimeField(_("no contact until"), default=default_quiet_end)
    max_contacts_per_day = models.PositiveSmallIntegerField(
        _("outbound contacts a day, at most"), default=2
    )
    max_contacts_per_week = models.PositiveSmallIntegerField(
        _("outbound contacts a week, at most"), default=7
    )
    broken_plan_tolerance_days = models.PositiveSmallIntegerField(
        _("a plan breaks after a payment is late by (days)"), default=30
    )
    stale_offer_tolerance_percent = models.DecimalField(
        _("an offer is out of date when what is owed has moved by more than (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
    )
    # Affordability: what a plan must leave the cardholder of their monthly surplus.
    buffer_percent = models.DecimalField(
        _("a plan leaves the cardholder at least this share of their monthly surplus (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30.00"),
    )
    buffer_floor = models.DecimalField(
        _("and at least this amount a month"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("200.00"),
    )
    # The risk score: points per fact, and the bands (cases/risk.py, docs/risk.md).
    risk_points_dpd_1 = models.PositiveSmallIntegerField(
        _("risk score: points for 1 to 29 days past due"), default=10
    )
    risk_points_dpd_30 = models.PositiveSmallIntegerField(
        _("risk score: points for 30 to 59 days past due"), default=25
    )
    risk_points_dpd_60 = models.PositiveSmallIntegerField(
        _("risk score: points for 60 to 89 days past due"), default=40
    )
    risk_points_dpd_90 = models.PositiveSmallIntegerField(
        _("risk score: points for 90 to 179 days past due"), default=60
    )
    risk_points_dpd_180 = models.PositiveSmallIntegerField(
        _("risk score: points for 180 or more days past due"), default=80
    )
    risk_points_missed_payment = models.PositiveSmallIntegerField(
        _("risk score: points a month paid below the minimum (last six, three at most)"),
        default=10,
    )
    risk_points_utilisation_90 = models.PositiveSmallIntegerField(
        _("risk score: points for using 90 percent or more of the credit limit"), default=10
    )
    risk_points_over_limit = models.PositiveSmallIntegerField(
        _("risk score: points for owing more than the credit limit"), default=20
    )
    risk_points_low_payments = models.PositiveSmallIntegerField(
        _("risk score: points for paying less than half of the minimums over six months"),
        default=15,
    )
    risk_points_cash = models.PositiveSmallIntegerField(
        _("risk score: points when cash withdrawals are a fifth or more of spending"), default=10
    )
    risk_points_spending_rise = models.PositiveSmallIntegerField(
        _("risk score: points when spending rose by 30 percent or more"), default=10
    )
    risk_points_income_shortfall = models.PositiveSmallIntegerField(
        _("risk score: points when the statement's income does not cover essentials and debts"),
        default=15,
    )
    risk_band_medium_from = models.PositiveSmallIntegerField(
        _("medium risk from (points)"), default=25
    )
    risk_band_high_from = models.PositiveSmallIntegerField(_("high risk from (points)"), default=60)
    risk_band_very_high_from = models.PositiveSmallIntegerField(
        _("very high risk from (points)"), default=80
    )
    # What the bank may expect with no plan, by risk band: the monthly chance an account left
    # without a plan rolls on towards charge-off, and what is recovered of it then.
    roll_rate_low = models.DecimalField(
        _("no plan: monthly roll rate to charge-off, low risk (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
    )
    roll_rate_medium = models.DecimalField(
        _("no plan: monthly roll rate to charge-off, medium risk (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15.00"),
    )
    roll_rate_high = models.DecimalField(
        _("no plan: monthly roll rate to charge-off, high risk (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("30.00"),
    )
    roll_rate_very_high = models.DecimalField(
        _("no plan: monthly roll rate to charge-off, very high risk (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
    )
    charge_off_recovery_percent = models.DecimalField(
        _("share recovered after charge-off (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
    )
    # The self-service band: what a request may ask for and still be agreed at once, with no
    # person (plans/calculator/decision.py). Anything outside it goes to a person.
    auto_instalment = models.BooleanField(
        _("self-service: instalment plans (reduced-rate or interest-free)"), default=True
    )
    auto_deferral = models.BooleanField(_("self-service: short payment breaks"), default=True)
    auto_max_deferral_months = models.PositiveSmallIntegerField(
        _("self-service: payment break, at most (months)"), default=3
    )
    auto_max_term_months = models.PositiveSmallIntegerField(
        _("self-service: plan length, at most (months)"), default=48
    )
    auto_min_apr = models.DecimalField(
        _("self-service: APR, at least (%)"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    auto_max_interest_waiver_percent = models.DecimalField(
        _("self-service: interest waived, at most (percent of the interest owed)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100.00"),
    )
    auto_max_fee_waiver_percent = models.DecimalField(
        _("self-service: fees waived, at most (percent of the fees owed)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100.00"),
    )
    auto_max_balance = models.DecimalField(
        _("self-service: amount owed, at most"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("60000.00"),
    )
    auto_max_income_percent = models.DecimalField(
        _("self-service: the largest payment, at most (percent of the monthly surplus)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70.00"),
    )
    auto_risk_low = models.BooleanField(_("self-service: low risk"), default=True)
    auto_risk_medium = models.BooleanField(_("self-service: medium risk"), default=True)
    auto_risk_high = models.BooleanField(_("self-service: high risk"), default=False)
    auto_risk_very_high = models.BooleanField(_("self-service: very high risk"), default=False)
    auto_evidence_above = models.DecimalField(
        _("evidence needed, reviewed by a person, when the amount owed is above"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("30000.00"),
    )
    auto_sample_percent = models.DecimalField(
        _("automatic approvals sampled for quality review (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
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


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday: not a working day")
    WORKING = "working", _("Working day on a weekend (a swapped day)")


class BankCalendarDay(models.Model):
    """A day the bank's calendar treats differently from the usual week: a public holiday, or
    a Saturday or Sunday worked in exchange for one. Deadlines counted in working days (the
    decision promised to a cardholder) skip holidays and count swapped working days.

    Entered by administrators on the staff calendar page; every change is audited.
    """

    day = models.DateField(
        _("date"),
        unique=True,
        error_messages={"unique": _("That date is already in the calendar; remove it first.")},
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day"]
        verbose_name = _("bank calendar day")
        verbose_name_plural = _("bank calendar")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}"


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
