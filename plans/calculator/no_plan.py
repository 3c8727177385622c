"""The "no plan" comparison: minimum payments at the account's current (penalty) rate.

Each month: interest = balance x APR / 1200 (rounded), plus ``monthly_fee``; the
minimum payment is ``max(floor, percent_of_balance% x balance [+ interest + fee])``,
the share of the balance rounded up to the cent, never more than is owed.  The
balance never clears when a month's minimum payment does not cover that month's
interest and fees (the balance cannot fall), or when it has not cleared within
``horizon_months``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

from .money import CENT, HUNDRED, ZERO, check_amount, check_count, check_rate
from .rates import monthly_interest
from .terms import MAX_APR

#: How long the simulation runs before "never clears" (50 years).
DEFAULT_HORIZON_MONTHS = 600


@dataclass(frozen=True)
class MinimumPaymentRule:
    """How the card's minimum payment is set each month.

    minimum = max(``floor``, ``percent_of_balance``% x balance, rounded up to the cent
    + (interest + fee when ``plus_interest_and_fees``)), capped at what is owed.

    The default is the usual rule for cards in China: 10% of the balance plus the month's
    interest and fees, at least 100.00 (the floor and the share vary by product; each card
    account carries its own).  The common UK rule is ``MinimumPaymentRule(floor=Decimal("25.00"),
    percent_of_balance=Decimal(1))``.  Rounding the share up means a balance always falls when
    interest and fees are covered, so at 0% it always clears.
    """

    floor: Decimal = Decimal("100.00")
    percent_of_balance: Decimal = Decimal(10)
    plus_interest_and_fees: bool = True

    def __post_init__(self) -> None:
        check_amount(self.floor, "floor")
        check_rate(self.percent_of_balance, "percent_of_balance", minimum=ZERO, maximum=HUNDRED)

    def minimum_payment(self, balance: Decimal, interest: Decimal, fee: Decimal) -> Decimal:
        """This month's minimum payment on ``balance`` (before interest), capped at what is owed."""
        share = (balance * self.percent_of_balance / HUNDRED).quantize(CENT, ROUND_UP)
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


def minimum_payments(
    balance: Decimal,
    apr: Decimal,
    monthly_fee: Decimal = ZERO,
    rule: MinimumPaymentRule = DEFAULT_MINIMUM_PAYMENT_RULE,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
) -> Iterator[tuple[Decimal, Decimal, Decimal, Decimal]]:
    """Each month of making only the minimum payment: (payment, interest, fee, balance after).

    Stops when the balance is cleared, when a payment would not reduce it (that payment is not
    yielded), or after ``horizon_months``.
    """
    outstanding = balance
    for _month in range(horizon_months):
        interest = monthly_interest(outstanding, apr)
        payment = rule.minimum_payment(outstanding, interest, monthly_fee)
        principal = payment - interest - monthly_fee
        if principal <= 0:  # the balance cannot fall: it never clears
            return
        outstanding -= principal
        yield payment, interest, monthly_fee, outstanding
        if not outstanding:
            return


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

    paid = interest_total = fee_total = ZERO
    first_payment: Decimal | None = None
    for month, (payment, interest, fee, outstanding) in enumerate(
        minimum_payments(balance, apr, monthly_fee, rule, horizon_months), start=1
    ):
        if first_payment is None:
            first_payment = payment
        paid += payment
        interest_total += interest
        fee_total += fee
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
    if first_payment is None:  # not even the first payment reduces the balance
        interest = monthly_interest(balance, apr)
        first_payment = rule.minimum_payment(balance, interest, monthly_fee)
    return NoPlanOutcome(
        opening_balance=balance,
        apr=apr,
        monthly_fee=monthly_fee,
        first_payment=first_payment,
        never_clears=True,
        months_to_clear=None,
        total_paid=None,
        total_interest=None,
        total_fees=None,
    )
