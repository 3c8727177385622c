"""A card account's balance as the core system reports it, and the sums made from it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .money import ZERO, check_amount, check_rate, to_money
from .no_plan import DEFAULT_MINIMUM_PAYMENT_RULE, MinimumPaymentRule
from .recommend import Account
from .terms import MAX_APR


@dataclass(frozen=True)
class BalanceBreakdown:
    """What is owed on a card, by kind. All amounts whole-cent and non-negative."""

    principal: Decimal
    interest: Decimal = ZERO
    penalty_interest: Decimal = ZERO
    fees: Decimal = ZERO

    def __post_init__(self) -> None:
        for name in ("principal", "interest", "penalty_interest", "fees"):
            check_amount(getattr(self, name), name)

    @property
    def accrued_interest(self) -> Decimal:
        """Ordinary and penalty interest together: what an interest waiver applies to."""
        return to_money(self.interest + self.penalty_interest)

    @property
    def total(self) -> Decimal:
        return to_money(self.principal + self.interest + self.penalty_interest + self.fees)

    def account(
        self, *, apr: Decimal, minimum_payment: MinimumPaymentRule = DEFAULT_MINIMUM_PAYMENT_RULE
    ) -> Account:
        """The calculator's view of this balance at the card's current rate, with the card's
        own minimum-payment rule."""
        check_rate(apr, "apr", minimum=ZERO, maximum=MAX_APR)
        return Account(
            balance=self.principal,
            apr=apr,
            accrued_interest=self.accrued_interest,
            fees=self.fees,
            minimum_payment=minimum_payment,
        )
