"""Demo card accounts and a year of their transactions, for `seed_demo` (see `accounts.demo`).

Each account's history is simulated day by day from its arrears story: healthy spending and
payments, then a few months of struggling (less eating out and shopping, more cash withdrawals,
minimum payments only), then missed payments with late fees and interest, a suspended card
and, at 180 days past due, a charge-off. Balances are whatever that history leaves, so the
account and its transactions tell the same story.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_UP, Decimal

from django.db import transaction
from django.utils import timezone

from accounts.demo import register_seeder
from accounts.models import User
from cases.corebanking.demo_people import (
    ACCOUNT_PREFIX,
    APR,
    BUSINESS_BILLS,
    BUSINESS_HABITS,
    BUSINESS_RATE,
    CASH,
    CASH_FEE_SHARE,
    CASH_RATE,
    CHARGED_OFF_AFTER_DAYS,
    DAILY_RATE,
    DEMO_ACCOUNTS,
    DEMO_CARDHOLDER_EMAIL,
    DISCRETIONARY_RATE,
    ENROLMENT_CARD_LAST4,
    ESSENTIAL_RATE,
    LATE_FEE_SHARE,
    LI_WEI_BIRTH_DATE,
    LI_WEI_ID_LAST4,
    MINIMUM_SHARE,
    PENALTY_DAILY_RATE,
    PERSONAL_BILLS,
    PERSONAL_HABITS,
    STATEMENT_DAYS_BEFORE_DUE,
    SUSPENDED_AFTER_DAYS,
    DemoAccount,
    Merchant,
    Phase,
)
from cases.corebanking.imports import accounts_import, transaction_contents, transactions_import
from cases.corebanking.rows import CENT, AccountRow, TransactionRow
from cases.models import (
    AccountStatus,
    CardAccount,
    Category,
    Product,
    Transaction,
    TransactionKind,
)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _yuan(rng: random.Random, merchant: Merchant, scale_percent: int) -> Decimal:
    cents = rng.randint(merchant.low * 100, merchant.high * 100) * scale_percent // 100
    return (Decimal(cents) / 100).quantize(CENT)


@dataclass
class _Ledger:
    """The account's balances as its history is replayed, and the transactions posted."""

    reference: str
    principal: Decimal
    interest: Decimal = Decimal("0.00")
    penalty: Decimal = Decimal("0.00")
    fees: Decimal = Decimal("0.00")
    missed_payments: int = 0
    next_due: date | None = None
    transactions: list[TransactionRow] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.penalty + self.fees

    def minimum(self, *, missed: int) -> Decimal:
        # Each missed cycle's share of principal stays due on top of this cycle's.
        due = self.principal * MINIMUM_SHARE * (1 + missed) + self.interest + self.penalty
        return min(self.total, (due + self.fees).quantize(CENT))

    def post(
        self,
        day: date,
        description: str,
        category: Category,
        kind: TransactionKind,
        amount: Decimal,
        *,
        penalty: bool = False,
    ) -> None:
        if amount == 0:
            return
        if kind in (TransactionKind.PURCHASE, TransactionKind.CASH_ADVANCE):
            self.principal += amount
        elif kind == TransactionKind.FEE:
            self.fees += amount
        elif kind == TransactionKind.INTEREST and penalty:
            self.penalty += amount
        elif kind == TransactionKind.INTEREST:
            self.interest += amount
        else:
            self._allocate_payment(-amount)
        self.transactions.append(
            TransactionRow(
                bank_reference=f"DEMO-TX-{self.reference[-4:]}-{len(self.transactions) + 1:04d}",
                account_reference=self.reference,
                posted_on=day,
                description=description,
                category=category,
                kind=kind,
                amount=amount,
            )
        )

    def _allocate_payment(self, paid: Decimal) -> None:
        # Chinese card issuers apply payments to fees, then interest, then principal.
        for bucket in ("fees", "penalty", "interest", "principal"):
            balance: Decimal = getattr(self, bucket)
            applied = min(balance, paid)
            setattr(self, bucket, balance - applied)
            paid -= applied


_PAYMENT_DESCRIPTIONS = (
    "Repayment via Alipay (支付宝还款)",
    "Repayment via WeChat Pay (微信还款)",
    "Repayment, mobile banking (手机银行还款)",
)


def _simulate(spec: DemoAccount, *, today: date, rng: random.Random) -> _Ledger:
    arrears_start = today - timedelta(days=spec.days_past_due) if spec.days_past_due else None
    struggling_from = (arrears_start or today) - timedelta(days=spec.struggling_days)
    # Due dates fall on the same day each month; in arrears, the first missed one is day 1.
    anchor = arrears_start or date(today.year, today.month, rng.randint(1, 28))
    due_dates = [_add_months(anchor, k) for k in range(-15, 16)]
    statements = {due - timedelta(days=STATEMENT_DAYS_BEFORE_DUE): due for due in due_dates}
    # Long enough to show a few healthy months before the trouble began, within 6-12 months;
    # the history opens on the first statement date after that (hence the extra month).
    needed_months = (spec.days_past_due + spec.struggling_days + 120 + 29) // 30 + 1
    months = min(12, max(rng.randint(8, 12), needed_months))
    start = min(day for day in statements if day >= _add_months(today, -months))

    def phase_on(day: date) -> Phase:
        if arrears_start is None or day < arrears_start:
            return Phase.STRUGGLING if day >= struggling_from else Phase.HEALTHY
        behind = (day - arrears_start).days
        if behind >= CHARGED_OFF_AFTER_DAYS:
            return Phase.CHARGED_OFF
        return Phase.SUSPENDED if behind >= SUSPENDED_AFTER_DAYS else Phase.IN_ARREARS

    business = spec.product == Product.SMALL_BUSINESS
    habits = BUSINESS_HABITS if business else PERSONAL_HABITS
    bills = BUSINESS_BILLS if business else PERSONAL_BILLS
    bill_days = [rng.randint(1, 28) for _ in bills]
    habit_percent = rng.randint(60, 110)  # some people simply use their card more
    scale_percent = max(40, min(250, spec.credit_limit * 100 // (120_000 if business else 40_000)))
    limit = Decimal(spec.credit_limit)
    opening_percent = rng.randint(8, 15) if spec.pays_in_full else rng.randint(15, 45)
    ledger = _Ledger(spec.reference, principal=(limit * opening_percent / 100).quantize(CENT))
    revolving_target = ledger.principal

    statement_balance = ledger.total
    statement_minimum = ledger.minimum(missed=0)
    paid_since_statement = Decimal("0.00")
    payment_day: date | None = None
    revolving = not spec.pays_in_full
    last_statement = start - timedelta(days=30)

    for offset in range((today - start).days + 1):
        day = start + timedelta(days=offset)
        phase = phase_on(day)
        if phase == Phase.CHARGED_OFF:
            break  # charged off: the balance is frozen and passed to collections

        if day in statements:
            due = statements[day]
            days = (day - last_statement).days
            last_statement = day
            if revolving:
                interest = ((ledger.principal + ledger.interest) * DAILY_RATE * days).quantize(CENT)
                ledger.post(
                    day, "Interest (利息)", Category.FEES, TransactionKind.INTEREST, interest
                )
            if ledger.missed_payments:
                penalty = (ledger.principal * PENALTY_DAILY_RATE * days).quantize(CENT)
                ledger.post(
                    day,
                    "Penalty interest, overdue (逾期罚息)",
                    Category.FEES,
                    TransactionKind.INTEREST,
                    penalty,
                    penalty=True,
                )
            statement_balance = ledger.total
            statement_minimum = ledger.minimum(missed=ledger.missed_payments)
            paid_since_statement = Decimal("0.00")
            payment_day = due - timedelta(days=rng.randint(0, 5))
            if arrears_start is not None and due >= arrears_start:
                payment_day = None  # this is where the payments stop

        yesterday = day - timedelta(days=1)
        if (
            yesterday in due_dates
            and yesterday > start
            and paid_since_statement < statement_minimum
        ):
            ledger.missed_payments += 1
            revolving = True
            unpaid = statement_minimum - paid_since_statement
            late_fee = (LATE_FEE_SHARE * unpaid).quantize(CENT)
            ledger.post(
                day, "Late payment charge (违约金)", Category.FEES, TransactionKind.FEE, late_fee
            )

        if day == payment_day:
            if phase == Phase.HEALTHY and spec.pays_in_full:
                amount = statement_balance
            elif phase == Phase.HEALTHY:
                # A revolver pays down to about the balance they usually carry.
                carried = revolving_target * rng.randint(85, 115) / 100
                amount = max(statement_minimum, (statement_balance - carried).quantize(CENT))
            else:
                # Struggling: only the minimum, rounded up to whole ten yuan as people do.
                amount = (statement_minimum / 10).quantize(Decimal(1), rounding=ROUND_UP) * 10
            amount = min(amount, ledger.total).quantize(CENT)
            revolving = amount < statement_balance
            paid_since_statement += amount
            ledger.post(
                day,
                rng.choice(_PAYMENT_DESCRIPTIONS),
                Category.PAYMENT,
                TransactionKind.PAYMENT,
                -amount,
            )

        if phase == Phase.SUSPENDED:
            continue
        for bill, bill_day in zip(bills, bill_days, strict=True):
            if day.day == bill_day and (bill.essential or phase == Phase.HEALTHY):
                _spend(ledger, day, bill.category, bill.merchant, limit, rng, scale_percent)
        for habit in habits:
            if habit.category == Category.BUSINESS:
                rate = BUSINESS_RATE[phase]
            elif habit.essential:
                rate = ESSENTIAL_RATE[phase]
            else:
                rate = DISCRETIONARY_RATE[phase]
            if rng.randrange(300 * 100 * 100) < habit.tenths_per_month * rate * habit_percent:
                merchant = rng.choice(habit.merchants)
                _spend(ledger, day, habit.category, merchant, limit, rng, scale_percent)
        if rng.randrange(300 * 100) < CASH.tenths_per_month * CASH_RATE[phase]:
            _withdraw_cash(ledger, day, limit, rng, scale_percent)

    ledger.next_due = min(due for due in due_dates if due > today)
    return ledger


def _spend(
    ledger: _Ledger,
    day: date,
    category: Category,
    merchant: Merchant,
    limit: Decimal,
    rng: random.Random,
    scale_percent: int,
) -> None:
    amount = _yuan(rng, merchant, scale_percent if merchant.low != merchant.high else 100)
    if ledger.principal + amount <= limit:  # over the limit, the card is declined
        ledger.post(day, merchant.name, category, TransactionKind.PURCHASE, amount)


def _withdraw_cash(
    ledger: _Ledger, day: date, limit: Decimal, rng: random.Random, scale_percent: int
) -> None:
    amount = Decimal(max(3, rng.randint(5, 20) * scale_percent // 100) * 100)
    fee = max(Decimal("10.00"), (amount * CASH_FEE_SHARE).quantize(CENT))
    if ledger.principal + amount + fee <= limit:
        merchant = CASH.merchants[0].name
        ledger.post(day, merchant, Category.CASH, TransactionKind.CASH_ADVANCE, amount)
        ledger.post(day, "Cash advance fee (取现手续费)", Category.FEES, TransactionKind.FEE, fee)


# --- Seeding ---------------------------------------------------------------------------------


def _account_row(spec: DemoAccount, ledger: _Ledger, *, rng: random.Random) -> AccountRow:
    if spec.belongs_to_li_wei:
        birth_date, id_last4 = LI_WEI_BIRTH_DATE, LI_WEI_ID_LAST4
    else:
        birth_date = date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
        id_last4 = f"{rng.randint(0, 999):03d}{rng.choice('0123456789X')}"
    opened_on = date(rng.randint(2014, 2023), rng.randint(1, 12), rng.randint(1, 28))
    charged_off = spec.days_past_due >= CHARGED_OFF_AFTER_DAYS
    if charged_off:
        status, minimum_due, due_date = AccountStatus.CHARGED_OFF, ledger.total, None
    else:
        status = AccountStatus.DELINQUENT if spec.days_past_due else AccountStatus.CURRENT
        minimum_due = ledger.minimum(missed=ledger.missed_payments)
        due_date = ledger.next_due
    return AccountRow(
        bank_reference=spec.reference,
        holder_name=spec.holder_name,
        card_last4=spec.card_last4,
        holder_birth_date=birth_date,
        holder_id_last4=id_last4,
        product=spec.product,
        currency="CNY",
        credit_limit=Decimal(spec.credit_limit).quantize(CENT),
        principal_balance=ledger.principal,
        interest_balance=ledger.interest,
        penalty_interest_balance=ledger.penalty,
        fees_balance=ledger.fees,
        apr=APR,
        minimum_due=minimum_due,
        payment_due_date=due_date,
        days_past_due=spec.days_past_due,
        status=status,
        opened_on=opened_on,
    )


def _replace_stale_transactions(rows: Sequence[TransactionRow]) -> None:
    """Store the demo transactions unless exactly these are stored already.

    Posted transactions are immutable, yet a history that ends "today" moves every day. On a
    later day the old demo history is therefore replaced as a whole; on the same day, nothing
    is written.
    """
    demo = Transaction.objects.filter(account__bank_reference__startswith=ACCOUNT_PREFIX)
    if transaction_contents(demo) == {row.bank_reference: row.content() for row in rows}:
        return
    demo.delete()
    transactions_import(rows=rows)


@transaction.atomic
def demo_accounts_seed(*, today: date) -> list[str]:
    """Create or refresh the demo card accounts and their history up to `today`.

    Idempotent: on the same day a second run changes nothing. The demo cardholder is linked to
    two accounts, never unlinked, and the enrolment-demo account is never linked here.
    """
    rng = random.Random(2026)  # noqa: S311 - demo data, not secrets
    account_rows: list[AccountRow] = []
    transaction_rows: list[TransactionRow] = []
    for spec in DEMO_ACCOUNTS:
        # Each account draws from its own stream, so changing one leaves the others alone.
        account_rng = random.Random(rng.randrange(2**32))  # noqa: S311
        ledger = _simulate(spec, today=today, rng=account_rng)
        account_rows.append(_account_row(spec, ledger, rng=account_rng))
        transaction_rows.extend(ledger.transactions)
    accounts_import(rows=account_rows)
    _replace_stale_transactions(transaction_rows)

    lines = [
        "",
        f"  Card accounts: {len(account_rows)} demo accounts in every arrears bucket, "
        f"{len(transaction_rows)} transactions.",
    ]
    cardholder = User.objects.filter(email=DEMO_CARDHOLDER_EMAIL).first()
    linked = [spec for spec in DEMO_ACCOUNTS if spec.linked]
    if cardholder is None:
        lines.append(f"  {DEMO_CARDHOLDER_EMAIL} does not exist: no card accounts linked.")
    else:
        CardAccount.objects.filter(
            bank_reference__in=[spec.reference for spec in linked], holder__isnull=True
        ).update(holder=cardholder)
        cards = " and ".join(
            f"{spec.card_last4} ({spec.product.label}, {spec.days_past_due} days past due)"
            for spec in linked
        )
        lines.append(f"  {DEMO_CARDHOLDER_EMAIL} holds cards ending {cards}.")
    lines.append(
        f"  Enrolment demo: card ending {ENROLMENT_CARD_LAST4}, date of birth "
        f"{LI_WEI_BIRTH_DATE.isoformat()}, ID ending {LI_WEI_ID_LAST4}"
    )
    return lines


@register_seeder(order=10)
def seed_card_accounts() -> list[str]:
    return demo_accounts_seed(today=timezone.localdate())
