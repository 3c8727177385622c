"""Build the repayment schedule of a plan, row by row, to the cent.

Conventions (shared by every part of the product):

* interest of a row = balance x APR / 1200, rounded to the cent;
* principal = payment - interest - fee (negative while interest is capitalised);
* balance after = balance - principal;
* the last row's principal is whatever remains, and its payment is
  principal + interest + fee.  If rounding would make an earlier payment clear
  more than is owed, that row becomes the last row with the smaller payment: a
  plan never overpays and the balance never goes below zero;
* due dates: row 1 on the start date, then monthly on the start date's day (the
  month's last day where it is shorter).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .dates import due_dates
from .errors import CalculatorError
from .money import HUNDRED, ZERO, format_money, to_money
from .rates import (
    annualised_rate,
    effective_annual_rate,
    level_payment,
    monthly_interest,
    monthly_irr,
)
from .terms import PlanTerms, PlanType, Policy

DEFAULT_POLICY = Policy()


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One monthly row: ``payment = principal + interest + fee``; ``balance`` is after the row."""

    n: int
    due_date: date
    payment: Decimal
    principal: Decimal
    interest: Decimal
    fee: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Schedule:
    """A quoted plan and its totals.

    Promises (proved by the test suite):

    * ``sum(principal) == financed_amount`` (for a settlement: ``== total_payable``,
      the settled amount) and the last row's balance is 0.00, none below zero;
    * ``total_payable == sum(payment) == total_principal + total_interest + total_fees``;
    * every payment is at least 0.00;
    * ``concession_total == interest_waived + fees_waived + forgiven``;
    * ``monthly_payment`` is the level payment (fee_instalment: the first payment;
      step_up: the later payment; deferral: the payment after the deferral;
      settlement: the first payment);
    * ``annualised_rate`` = 12 x monthly IRR and ``effective_annual_rate`` =
      (1 + monthly IRR)^12 - 1, both in percent; ``None`` for a settlement.
    """

    terms: PlanTerms
    rows: tuple[ScheduleRow, ...]
    financed_amount: Decimal
    monthly_payment: Decimal
    total_payable: Decimal
    total_principal: Decimal
    total_interest: Decimal
    total_fees: Decimal
    interest_waived: Decimal
    fees_waived: Decimal
    forgiven: Decimal
    concession_total: Decimal
    annualised_rate: Decimal | None
    effective_annual_rate: Decimal | None

    @property
    def plan_type(self) -> PlanType:
        """The plan's type."""
        return self.terms.plan_type

    @property
    def months(self) -> int:
        """Number of rows, i.e. months from the first due date to the last, inclusive."""
        return len(self.rows)

    @property
    def last_due_date(self) -> date:
        """When the last payment is due."""
        return self.rows[-1].due_date

    @property
    def max_payment(self) -> Decimal:
        """The largest single payment of the plan."""
        return max(row.payment for row in self.rows)


class _Ledger:
    """Appends rows while tracking the balance; stops once the balance is cleared."""

    __slots__ = ("apr", "balance", "cleared", "dates", "rows")

    def __init__(self, opening: Decimal, apr: Decimal, dates: tuple[date, ...]) -> None:
        self.balance = opening
        self.apr = apr
        self.dates = dates
        self.rows: list[ScheduleRow] = []
        self.cleared = False

    def _append(
        self, payment: Decimal, principal: Decimal, interest: Decimal, fee: Decimal
    ) -> None:
        self.balance -= principal
        n = len(self.rows) + 1
        self.rows.append(
            ScheduleRow(n, self.dates[n - 1], payment, principal, interest, fee, self.balance)
        )
        if not self.balance:
            self.cleared = True

    def pay(self, payment: Decimal) -> None:
        """A row with a fixed payment, capitalising the interest it does not cover.

        Should the payment be more than is owed, the row pays exactly what is owed.
        """
        if self.cleared:
            return
        interest = monthly_interest(self.balance, self.apr)
        principal = payment - interest
        if principal >= self.balance:
            principal = self.balance
            payment = principal + interest
        self._append(payment, principal, interest, ZERO)

    def repay(self, principal: Decimal, *, fee: Decimal, last: bool = False) -> None:
        """A row with a fixed principal; the payment adds interest and the fee."""
        if self.cleared:
            return
        interest = monthly_interest(self.balance, self.apr)
        if last or principal >= self.balance:
            principal = self.balance
        self._append(principal + interest + fee, principal, interest, fee)

    def defer(self) -> None:
        """A row without payment: the month's interest is added to the balance."""
        interest = monthly_interest(self.balance, self.apr)
        self._append(ZERO, -interest, interest, ZERO)

    def level(self, payment: Decimal, months: int) -> None:
        """``months`` rows of ``payment``; the last of them clears the balance.

        Refuses (``payment_too_small``) a payment that would not reduce the balance.
        The same arithmetic as :meth:`pay`, inlined: this is the hot loop.
        """
        _require_progress(payment - monthly_interest(self.balance, self.apr), payment, self.balance)
        apr = self.apr
        last = months - 1
        for month in range(months):
            if self.cleared:
                return
            balance = self.balance
            interest = monthly_interest(balance, apr)
            principal = payment - interest
            if month == last or principal >= balance:
                self._append(balance + interest, balance, interest, ZERO)
            else:
                self._append(payment, principal, interest, ZERO)


def _require_progress(principal: Decimal, payment: Decimal, balance: Decimal) -> None:
    """Refuse a plan whose regular payment would repay no principal (only tiny balances)."""
    if principal <= 0:
        raise CalculatorError(
            "payment_too_small",
            field="months",
            payment=format_money(payment),
            balance=format_money(balance),
        )


def _build_rows(terms: PlanTerms) -> tuple[list[ScheduleRow], Decimal]:
    """Rows of the plan and its ``monthly_payment``."""
    financed = terms.financed_amount
    apr = terms.plan_apr
    months = terms.months or 0
    plan_type = terms.plan_type
    dates = due_dates(terms.start_date, terms.term_months)

    if plan_type is PlanType.SETTLEMENT:
        paid = to_money(financed * (terms.settlement_percent or ZERO) / HUNDRED)
        ledger = _Ledger(paid, ZERO, dates)
        count = terms.payment_count
        payment = to_money(paid / count)
        ledger.level(payment, count)
        return ledger.rows, payment

    ledger = _Ledger(financed, apr, dates)
    if plan_type is PlanType.FEE_INSTALMENT:
        principal = to_money(financed / months)
        fee = to_money(financed * (terms.fee_rate or ZERO) / HUNDRED)
        _require_progress(principal, principal + fee, financed)
        for month in range(1, months + 1):
            ledger.repay(principal, fee=fee, last=month == months)
        return ledger.rows, ledger.rows[0].payment

    if plan_type is PlanType.DEFERRAL:
        for _ in range(terms.deferral_months or 0):
            ledger.defer()
        payment = level_payment(ledger.balance, apr, months)
        ledger.level(payment, months)
        return ledger.rows, payment

    if plan_type is PlanType.STEP_UP:
        step_months = terms.step_months or 0
        whole_term = level_payment(financed, apr, months)
        step_payment = to_money(whole_term * (terms.step_ratio or ZERO))
        for _ in range(step_months):
            ledger.pay(step_payment)
        if ledger.cleared:
            return ledger.rows, ZERO
        payment = level_payment(ledger.balance, apr, months - step_months)
        ledger.level(payment, months - step_months)
        return ledger.rows, payment

    payment = level_payment(financed, apr, months)
    ledger.level(payment, months)
    return ledger.rows, payment


def build_schedule(terms: PlanTerms, policy: Policy = DEFAULT_POLICY) -> Schedule:
    """Quote ``terms``: the full schedule with totals and disclosed rates.

    Raises :class:`CalculatorError` (code ``term_too_long``) when the plan runs
    longer than ``policy.max_term_months``, ``settlement_too_small`` when a
    settlement rounds to nothing, ``payment_too_small`` when a regular payment
    would repay no principal (a balance of a few pence spread over many months),
    and ``date_out_of_range`` past the year 9999.
    """
    terms.check_policy(policy)
    financed = terms.financed_amount
    if terms.plan_type is PlanType.SETTLEMENT:
        settled = to_money(financed * (terms.settlement_percent or ZERO) / HUNDRED)
        if not settled:
            raise CalculatorError(
                "settlement_too_small",
                field="settlement_percent",
                percent=terms.settlement_percent,
                financed=format_money(financed),
            )
    rows, monthly_payment = _build_rows(terms)

    total_payable = sum((row.payment for row in rows), ZERO)
    total_principal = sum((row.principal for row in rows), ZERO)
    total_interest = sum((row.interest for row in rows), ZERO)
    total_fees = sum((row.fee for row in rows), ZERO)

    if terms.plan_type is PlanType.SETTLEMENT:
        forgiven = financed - total_payable
        annualised: Decimal | None = None
        effective: Decimal | None = None
    else:
        forgiven = ZERO
        guess = float(terms.plan_apr) / 1200 or 0.01
        irr = monthly_irr(financed, [row.payment for row in rows], guess=guess)
        annualised = annualised_rate(irr)
        effective = effective_annual_rate(irr)

    return Schedule(
        terms=terms,
        rows=tuple(rows),
        financed_amount=financed,
        monthly_payment=monthly_payment,
        total_payable=total_payable,
        total_principal=total_principal,
        total_interest=total_interest,
        total_fees=total_fees,
        interest_waived=terms.interest_waived,
        fees_waived=terms.fees_waived,
        forgiven=forgiven,
        concession_total=terms.interest_waived + terms.fees_waived + forgiven,
        annualised_rate=annualised,
        effective_annual_rate=effective,
    )
