"""The "no plan" comparison: minimum payments at the account's current (penalty) rate.

Each month: interest = balance x APR / 1200 (rounded), plus ``monthly_fee``; the
minimum payment is ``max(floor, percent_of_balance% x balance [+ interest + fee])``,
never more than is owed.  The balance never clears when a month's minimum
payment does not cover that month's interest and fees (the balance cannot fall),
or when it has not cleared within ``horizon_months``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .money import HUNDRED, ZERO, check_amount, check_count, check_rate, to_money
from .rates import monthly_interest
from .terms import MAX_APR

#: How long the simulation runs before "never clears" (50 years).
DEFAULT_HORIZON_MONTHS = 600


@dataclass(frozen=True)
class MinimumPaymentRule:
    """How the card's minimum payment is set each month.

    minimum = max(``floor``, ``percent_of_balance``% x balance
    + (interest + fee when ``plus_interest_and_fees``)), capped at what is owed.

    Defaults follow the common UK rule "1% of the balance plus interest and fees,
    at least 25.00".  The Chinese card rule is
    ``MinimumPaymentRule(floor=Decimal("0.00"), percent_of_balance=Decimal(10),
    plus_interest_and_fees=False)``.
    """

    floor: Decimal = Decimal("25.00")
    percent_of_balance: Decimal = Decimal(1)
    plus_interest_and_fees: bool = True

    def __post_init__(self) -> None:
        check_amount(self.floor, "floor")
        check_rate(self.percent_of_balance, "percent_of_balance", minimum=ZERO, maximum=HUNDRED)

    def minimum_payment(self, balance: Decimal, interest: Decimal, fee: Decimal) -> Decimal:
        """This month's minimum payment on ``balance`` (before interest), capped at what is owed."""
        share = to_money(balance * self.percent_of_balance / HUNDRED)
        if self.plus_interest_and_fees:
            share += interest + fee
        return min(max(self.floor, share), balance + interest + fee)


DEFAULT_MINIMUM_PAYMENT_RULE = MinimumPaymentRule()


@dataclass(frozen=True)
class NoPlanOutcome:
    """What minimum payments alone would do.

    When ``never_clears`` is false: ``months_to_clear`` payments totalling
    ``total_paid`` (= opening balance + ``total_interest`` + ``total_fees``) clear
    the balance.  When it is true those three are ``None``.
    """

    opening_balance: Decimal
    apr: Decimal
    monthly_fee: Decimal
    first_payment: Decimal
    never_clears: bool
    months_to_clear: int | None
    total_paid: Decimal | None
    total_interest: Decimal | None
    total_fees: Decimal | None


def compare_no_plan(
    balance: Decimal,
    apr: Decimal,
    monthly_fee: Decimal = ZERO,
    rule: MinimumPaymentRule = DEFAULT_MINIMUM_PAYMENT_RULE,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
) -> NoPlanOutcome:
    """Simulate minimum payments on ``balance`` at ``apr`` with ``monthly_fee`` each month."""
    check_amount(balance, "balance", positive=True)
    check_rate(apr, "apr", minimum=ZERO, maximum=MAX_APR)
    check_amount(monthly_fee, "monthly_fee")
    check_count(horizon_months, "horizon_months", minimum=1)

    outstanding = balance
    paid = interest_total = fee_total = ZERO
    first_payment: Decimal | None = None
    for month in range(1, horizon_months + 1):
        interest = monthly_interest(outstanding, apr)
        payment = rule.minimum_payment(outstanding, interest, monthly_fee)
        if first_payment is None:
            first_payment = payment
        principal = payment - interest - monthly_fee
        if principal <= 0:  # the balance cannot fall: it never clears
            break
        outstanding -= principal
        paid += payment
        interest_total += interest
        fee_total += monthly_fee
        if not outstanding:
            return NoPlanOutcome(
                opening_balance=balance,
                apr=apr,
                monthly_fee=monthly_fee,
                first_payment=first_payment,
                never_clears=False,
                months_to_clear=month,
                total_paid=paid,
                total_interest=interest_total,
                total_fees=fee_total,
            )
    return NoPlanOutcome(
        opening_balance=balance,
        apr=apr,
        monthly_fee=monthly_fee,
        first_payment=first_payment if first_payment is not None else ZERO,
        never_clears=True,
        months_to_clear=None,
        total_paid=None,
        total_interest=None,
        total_fees=None,
    )
