"""Reads for cases and card accounts, always scoped to the person asking.

A cardholder reaches accounts they hold and the cases on them; anything else is a 404, so a
guessed URL reveals nothing. Staff who work cases reach every case but an online draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.roles import Perm
from cases.models import (
    OPEN_STATUSES,
    CardAccount,
    CaseEvent,
    CaseStatus,
    Channel,
    HardshipCase,
    Offer,
    Proposer,
    Transaction,
)
from plans.calculator import Statement
from plans.calculator.balances import BalanceBreakdown
from plans.calculator.spending import SpendingSummary, summarise_spending


def accounts_for(*, user: User) -> QuerySet[CardAccount]:
    return CardAccount.objects.filter(holder=user).order_by("bank_reference")


def account_get(*, user: User, account_id: int) -> CardAccount:
    """The cardholder's own account, or 404 (also for staff: they reach accounts via cases)."""
    try:
        return accounts_for(user=user).get(pk=account_id)
    except CardAccount.DoesNotExist:
        raise Http404 from None


def balance_of(account: CardAccount) -> BalanceBreakdown:
    return BalanceBreakdown(
        principal=account.principal_balance,
        interest=account.interest_balance,
        penalty_interest=account.penalty_interest_balance,
        fees=account.fees_balance,
    )


def cases_for(*, user: User) -> QuerySet[HardshipCase]:
    """The cases `user` may reach: a cardholder's own; for staff, every case except an
    application the cardholder is still writing (a draft opened online is theirs alone until
    they submit it)."""
    base = HardshipCase.objects.select_related("account", "cardholder", "opened_by")
    own = Q(account__holder=user)
    if user.has_perm(Perm.WORK_CASES):
        return base.filter(own | ~Q(status=CaseStatus.DRAFT, channel=Channel.ONLINE))
    return base.filter(own)


def case_get(*, user: User, case_id: int) -> HardshipCase:
    """The case if `user` may see it, else 404."""
    try:
        return cases_for(user=user).get(pk=case_id)
    except HardshipCase.DoesNotExist:
        raise Http404 from None


def staff_case_get(*, user: User, case_id: int) -> HardshipCase:
    """The case for the review page, with the people it shows (and their names) and its
    statement loaded once, whatever else the page reads."""
    try:
        return (
            cases_for(user=user)
            .select_related(
                "assignee__profile",
                "account__holder__profile",
                "cardholder__profile",
                "opened_by__profile",
            )
            .prefetch_related("statement_lines")
            .get(pk=case_id)
        )
    except HardshipCase.DoesNotExist:
        raise Http404 from None


def open_case_on(*, account: CardAccount) -> HardshipCase | None:
    return account.cases.filter(status__in=OPEN_STATUSES).first()


def case_timeline(*, case: HardshipCase, for_staff: bool) -> QuerySet[CaseEvent]:
    events = case.events.select_related("actor__profile")
    return events if for_staff else events.filter(visible_to_cardholder=True)


def case_offers(*, case: HardshipCase) -> QuerySet[Offer]:
    """Every proposal on the case, for staff: including offers that never left the bank."""
    return case.offers.select_related("created_by__profile", "decided_by__profile")


def case_offers_for_cardholder(*, case: HardshipCase) -> QuerySet[Offer]:
    """What the cardholder may see of the negotiation: their own requests and the bank's offers
    that were actually sent to them, never one that waited for (or was refused by) a
    supervisor."""
    return case.offers.filter(Q(proposer=Proposer.CARDHOLDER) | Q(sent_at__isnull=False))


@dataclass(frozen=True)
class AccountOverview:
    account: CardAccount
    balance: BalanceBreakdown
    case: HardshipCase | None


def dashboard_accounts(*, user: User) -> list[AccountOverview]:
    """Each account the cardholder holds, with its open (or latest) case, in two queries."""
    accounts = list(
        accounts_for(user=user).prefetch_related(
            Prefetch("cases", queryset=HardshipCase.objects.order_by("-created_at"))
        )
    )
    pairs = []
    for account in accounts:
        cases = list(account.cases.all())
        open_case = next((c for c in cases if c.status in OPEN_STATUSES), None)
        latest = open_case or (cases[0] if cases else None)
        pairs.append(AccountOverview(account=account, balance=balance_of(account), case=latest))
    return pairs


def spending_summary(
    *, account: CardAccount, months: int = 6, today: date | None = None
) -> SpendingSummary:
    today = today or timezone.localdate()
    since = (today.replace(day=1) - timedelta(days=31 * months)).replace(day=1)
    rows = Transaction.objects.filter(account=account, posted_on__gte=since, amount__gt=0)
    return summarise_spending(
        rows.values_list("posted_on", "category", "amount"), today=today, months=months
    )


def stale_draft(case: HardshipCase) -> bool:
    return case.status == CaseStatus.DRAFT and case.draft_expires_at() < timezone.now()


def statement_of(case: HardshipCase) -> Statement | None:
    """The case's income & expenditure statement for the calculator, or None if not given."""
    lines = list(case.statement_lines.all())
    if not lines:
        return None
    income: dict[str, Decimal] = {}
    essentials: dict[str, Decimal] = {}
    debts: dict[str, Decimal] = {}
    for line in lines:
        target = {"income": income, "essential": essentials, "debt": debts}[line.section]
        key = (
            line.category if line.section != "debt" else f"{line.lender or line.category}#{line.pk}"
        )
        target[key] = line.monthly_amount
    return Statement(
        income=income,
        essentials=essentials,
        debt_repayments=debts,
        household_size=case.household_size,
    )


def latest_situation_for(*, user: User) -> tuple[CardAccount, HardshipCase, Statement] | None:
    """The cardholder's most recent case that has a statement: what the calculator page uses
    to recommend plans for their own situation."""
    for case in cases_for(user=user).filter(account__holder=user).order_by("-updated_at")[:5]:
        statement = statement_of(case)
        if statement is not None:
            return case.account, case, statement
    return None
