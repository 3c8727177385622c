"""What a plan is: its type, the balances it finances, its concessions and the policy limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from .errors import CalculatorError
from .money import HUNDRED, ONE, ZERO, check_amount, check_count, check_rate, format_money

#: The highest APR (percent) accepted; anything above is treated as a typing mistake.
MAX_APR = Decimal(100)
#: The highest monthly fee rate (percent of the original balance) of a fee instalment plan.
MAX_FEE_RATE = Decimal(5)
#: A settlement is paid in at most this many payments.
MAX_SETTLEMENT_PAYMENTS = 3
#: The default policy maximum term: the personalised-instalment rules' five years.
DEFAULT_MAX_TERM_MONTHS = 60
#: No policy may allow plans longer than this (fifty years).
MAX_POLICY_TERM_MONTHS = 600


class PlanType(StrEnum):
    """The repayment plans the bank offers."""

    INSTALMENT = "instalment"
    """Level monthly payments over ``months`` at an APR (reduced or 0% allowed)."""
    INTEREST_FREE = "interest_free"
    """Level monthly payments over ``months`` at 0%."""
    FEE_INSTALMENT = "fee_instalment"
    """Equal principal each month plus a monthly fee of ``fee_rate``% of the financed amount."""
    DEFERRAL = "deferral"
    """``deferral_months`` without payment (interest capitalised), then level payments."""
    STEP_UP = "step_up"
    """``step_months`` at ``step_ratio`` x the level payment, then a level payment that clears."""
    SETTLEMENT = "settlement"
    """``settlement_percent``% of the financed amount in 1 to 3 payments; the rest is forgiven."""


LEVEL_PLAN_TYPES = frozenset({PlanType.INSTALMENT, PlanType.INTEREST_FREE})


@dataclass(frozen=True)
class Policy:
    """The bank's limits that every plan must respect.

    ``max_term_months``: rows of the whole plan (deferral months included) may not
    exceed it; 60 by default, at most 600.
    """

    max_term_months: int = DEFAULT_MAX_TERM_MONTHS

    def __post_init__(self) -> None:
        check_count(
            self.max_term_months, "max_term_months", minimum=1, maximum=MAX_POLICY_TERM_MONTHS
        )


# Which optional inputs each plan type needs ("required"), may take ("optional") or
# must leave unset (anything not listed).
_OPTIONS: dict[PlanType, dict[str, str]] = {
    PlanType.INSTALMENT: {"apr": "required", "months": "required"},
    PlanType.INTEREST_FREE: {"apr": "optional", "months": "required"},
    PlanType.FEE_INSTALMENT: {"apr": "optional", "months": "required", "fee_rate": "required"},
    PlanType.DEFERRAL: {"apr": "required", "months": "required", "deferral_months": "required"},
    PlanType.STEP_UP: {
        "apr": "required",
        "months": "required",
        "step_months": "required",
        "step_ratio": "required",
    },
    PlanType.SETTLEMENT: {
        "apr": "optional",
        "settlement_percent": "required",
        "settlement_payments": "optional",
    },
}
_PLAN_OPTIONS = (
    "apr",
    "months",
    "fee_rate",
    "deferral_months",
    "step_months",
    "step_ratio",
    "settlement_percent",
    "settlement_payments",
)


@dataclass(frozen=True)
class PlanTerms:
    """Everything needed to quote one plan, validated on construction.

    Balances: ``balance`` (principal owed, > 0), ``accrued_interest`` and ``fees``
    (outstanding account fees).  Concessions: ``interest_waived`` (at most the
    accrued interest), ``fees_waived`` (at most the fees), a reduced ``apr`` and a
    later ``start_date`` (a grace period is simply a later start date).

    Plan options (see :class:`PlanType`): ``apr`` (percent, 0 to 100), ``months``
    (>= 1), ``fee_rate`` (monthly percent of the financed amount, 0 to 5),
    ``deferral_months`` (>= 1), ``step_months`` (1 to months - 1), ``step_ratio``
    (strictly between 0 and 1), ``settlement_percent`` (more than 0, at most 100),
    ``settlement_payments`` (1 to 3, default 1).  An option a type does not use
    must be left as ``None``; a settlement or interest-free plan's APR may only be
    ``None`` or 0.

    Raises :class:`CalculatorError` (with a stable ``code``) for anything else.
    Amounts must be whole cents; rates at most four decimal places.
    """

    plan_type: PlanType
    balance: Decimal
    start_date: date
    apr: Decimal | None = None
    months: int | None = None
    accrued_interest: Decimal = ZERO
    interest_waived: Decimal = ZERO
    fees: Decimal = ZERO
    fees_waived: Decimal = ZERO
    fee_rate: Decimal | None = None
    deferral_months: int | None = None
    step_months: int | None = None
    step_ratio: Decimal | None = None
    settlement_percent: Decimal | None = None
    settlement_payments: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.plan_type, PlanType):
            try:
                object.__setattr__(self, "plan_type", PlanType(self.plan_type))
            except ValueError:
                raise CalculatorError(
                    "unknown_plan_type",
                    field="plan_type",
                    value=self.plan_type,
                    choices=", ".join(PlanType),
                ) from None
        if not isinstance(self.start_date, date) or isinstance(self.start_date, datetime):
            raise CalculatorError("invalid_date", field="start_date", value=self.start_date)
        check_amount(self.balance, "balance", positive=True)
        check_amount(self.accrued_interest, "accrued_interest")
        check_amount(self.interest_waived, "interest_waived")
        check_amount(self.fees, "fees")
        check_amount(self.fees_waived, "fees_waived")
        if self.interest_waived > self.accrued_interest:
            raise CalculatorError(
                "waiver_exceeds_interest",
                field="interest_waived",
                waiver=format_money(self.interest_waived),
                accrued=format_money(self.accrued_interest),
            )
        if self.fees_waived > self.fees:
            raise CalculatorError(
                "waiver_exceeds_fees",
                field="fees_waived",
                waiver=format_money(self.fees_waived),
                fees=format_money(self.fees),
            )
        self._check_options()

    def _check_options(self) -> None:
        rules = _OPTIONS[self.plan_type]
        for name in _PLAN_OPTIONS:
            value = getattr(self, name)
            rule = rules.get(name)
            if value is None:
                if rule == "required":
                    raise CalculatorError("option_required", field=name, plan_type=self.plan_type)
                continue
            if rule is None:
                raise CalculatorError("option_not_applicable", field=name, plan_type=self.plan_type)
        if self.apr is not None:
            check_rate(self.apr, "apr", minimum=ZERO, maximum=MAX_APR)
            if self.apr != 0 and self.plan_type is PlanType.INTEREST_FREE:
                raise CalculatorError("apr_not_zero", field="apr")
            if self.apr != 0 and self.plan_type is PlanType.SETTLEMENT:
                raise CalculatorError("option_not_applicable", field="apr", plan_type="settlement")
        if self.months is not None:
            check_count(self.months, "months", minimum=1)
        if self.fee_rate is not None:
            check_rate(self.fee_rate, "fee_rate", minimum=ZERO, maximum=MAX_FEE_RATE)
        if self.deferral_months is not None:
            check_count(self.deferral_months, "deferral_months", minimum=1)
        if self.step_months is not None:
            check_count(self.step_months, "step_months", minimum=1)
            if self.months is not None and self.step_months >= self.months:
                raise CalculatorError(
                    "step_months_too_long",
                    field="step_months",
                    step_months=self.step_months,
                    months=self.months,
                )
        if self.step_ratio is not None:
            check_rate(
                self.step_ratio, "step_ratio", minimum=ZERO, maximum=ONE, allow_minimum=False
            )
            if self.step_ratio == ONE:
                raise CalculatorError(
                    "value_out_of_range",
                    field="step_ratio",
                    minimum="more than 0",
                    maximum="less than 1",
                )
        if self.settlement_percent is not None:
            check_rate(
                self.settlement_percent,
                "settlement_percent",
                minimum=ZERO,
                maximum=HUNDRED,
                allow_minimum=False,
            )
        if self.settlement_payments is not None:
            check_count(
                self.settlement_payments,
                "settlement_payments",
                minimum=1,
                maximum=MAX_SETTLEMENT_PAYMENTS,
            )

    @property
    def financed_amount(self) -> Decimal:
        """Balance + accrued interest - interest waived + fees - fees waived."""
        return (
            self.balance
            + self.accrued_interest
            - self.interest_waived
            + self.fees
            - self.fees_waived
        )

    @property
    def plan_apr(self) -> Decimal:
        """The APR the plan charges (0 when none was given)."""
        return ZERO if self.apr is None else self.apr

    @property
    def payment_count(self) -> int:
        """How many settlement payments (1 unless given); 0 for other plan types."""
        if self.plan_type is not PlanType.SETTLEMENT:
            return 0
        return 1 if self.settlement_payments is None else self.settlement_payments

    @property
    def term_months(self) -> int:
        """Rows of the whole plan as scheduled (deferral months included)."""
        if self.plan_type is PlanType.SETTLEMENT:
            return self.payment_count
        return (self.months or 0) + (self.deferral_months or 0)

    def check_policy(self, policy: Policy) -> None:
        """Raise ``term_too_long`` when the plan runs longer than ``policy`` allows."""
        if self.term_months > policy.max_term_months:
            raise CalculatorError(
                "term_too_long",
                field="months",
                months=self.term_months,
                max_months=policy.max_term_months,
            )
