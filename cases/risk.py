"""The explainable risk score of a card account: the facts from the bank's data, the points
from the policy (`plans.calculator.scorecard`), stored on the account with every reason.

`account_score` refreshes one account (three queries); `accounts_score_all` every account
(Celery beat, daily, and `manage.py score_accounts`). Until an account is scored its band is
read from days past due alone (`cases.policy.rules.risk_band_for`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from celery import shared_task
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CardAccount, HardshipCase, StatementLine, StatementSection
from cases.policy.rules import current_policy
from plans.calculator.scorecard import (
    MonthActivity,
    RiskScore,
    Scorecard,
    risk_facts,
    score,
)

MONTHS = 6
ZERO = Decimal("0")


def policy_scorecard() -> Scorecard:
    policy = current_policy()
    return Scorecard(
        dpd_1=policy.risk_points_dpd_1,
        dpd_30=policy.risk_points_dpd_30,
        dpd_60=policy.risk_points_dpd_60,
        dpd_90=policy.risk_points_dpd_90,
        dpd_180=policy.risk_points_dpd_180,
        missed_payment=policy.risk_points_missed_payment,
        utilisation_90=policy.risk_points_utilisation_90,
        over_limit=policy.risk_points_over_limit,
        low_payments=policy.risk_points_low_payments,
        cash=policy.risk_points_cash,
        spending_rise=policy.risk_points_spending_rise,
        income_shortfall=policy.risk_points_income_shortfall,
        medium_from=policy.risk_band_medium_from,
        high_from=policy.risk_band_high_from,
        very_high_from=policy.risk_band_very_high_from,
    )


def _month_starts(today: date) -> list[date]:
    """The first days of the last six complete months, oldest first."""
    first = today.replace(day=1)
    starts = []
    for _step in range(MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        starts.append(first)
    return list(reversed(starts))


def account_activity(account: CardAccount, *, today: date) -> tuple[MonthActivity, ...]:
    starts = _month_starts(today)
    rows = (
        account.transactions.filter(posted_on__gte=starts[0], posted_on__lt=today.replace(day=1))
        .annotate(month=TruncMonth("posted_on"))
        .order_by()
        .values("month")
        .annotate(
            payments=Sum("amount", filter=Q(kind="payment")),
            purchases=Sum("amount", filter=Q(kind="purchase")),
            cash=Sum("amount", filter=Q(kind="cash_advance")),
            n=Count("pk"),
        )
    )
    by_month = {}
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        by_month[month] = MonthActivity(
            payments=-(row["payments"] or ZERO),  # payments are stored negative
            purchases=row["purchases"] or ZERO,
            cash=row["cash"] or ZERO,
            active=row["n"] > 0,
        )
    return tuple(by_month.get(start, MonthActivity()) for start in starts)


def _statement(account: CardAccount) -> tuple[Decimal | None, Decimal | None]:
    case = (
        HardshipCase.objects.filter(account=account, statement_lines__isnull=False)
        .order_by("-created_at")
        .first()
    )
    if case is None:
        return None, None
    sums = StatementLine.objects.filter(case=case).aggregate(
        income=Sum("monthly_amount", filter=Q(section=StatementSection.INCOME)),
        outgoings=Sum("monthly_amount", filter=~Q(section=StatementSection.INCOME)),
    )
    return sums["income"] or ZERO, sums["outgoings"] or ZERO


def account_risk(account: CardAccount, *, today: date | None = None) -> RiskScore:
    from cases.selectors import balance_of

    today = today or timezone.localdate()
    income, outgoings = _statement(account)
    facts = risk_facts(
        days_past_due=account.days_past_due,
        months=account_activity(account, today=today),
        minimum_due=account.minimum_due,
        owed=balance_of(account).total,
        credit_limit=account.credit_limit,
        income=income,
        outgoings=outgoings,
    )
    return score(facts, policy_scorecard())


@transaction.atomic
def account_score(account: CardAccount) -> CardAccount:
    result = account_risk(account)
    account.risk_points = result.points
    account.risk_band = result.band.value
    account.risk_reasons = [
        {"points": r.points, "code": r.code, "value": r.value} for r in result.reasons
    ]
    account.risk_scored_at = timezone.now()
    account.save(update_fields=["risk_points", "risk_band", "risk_reasons", "risk_scored_at"])
    return account


def accounts_score_all() -> int:
    scored = 0
    for account in CardAccount.objects.iterator(chunk_size=500):
        account_score(account)
        scored += 1
    return scored


REASON_TEXTS = {
    "days_past_due": lambda v: _("%(days)s days past due") % {"days": v},
    "missed_months": lambda v: _("%(n)s of the last six months paid below the minimum") % {"n": v},
    "over_limit": lambda v: _("owes %(share)s%% of the credit limit") % {"share": v},
    "high_utilisation": lambda v: _("uses %(share)s%% of the credit limit") % {"share": v},
    "low_payments": lambda v: (
        _("paid %(share)s%% of the minimums due over six months") % {"share": v}
    ),
    "cash_share": lambda v: _("cash withdrawals are %(share)s%% of spending") % {"share": v},
    "spending_rise": lambda v: _("spending rose by %(share)s%% in three months") % {"share": v},
    "income_shortfall": lambda v: _("the statement's income does not cover essentials and debts"),
}


def reason_lines(account: CardAccount) -> list[str]:
    """The score's reasons as staff read them: "+40: 3 of the last six months paid below…"."""
    lines = []
    for reason in account.risk_reasons or []:
        text = REASON_TEXTS.get(reason["code"], lambda v, c=reason["code"]: c)(reason["value"])
        lines.append(f"+{reason['points']}: {text}")
    return lines


@shared_task(
    name="cases.tasks.score_accounts",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def score_accounts() -> int:
    """Every account's risk score, from the day's data (beat, daily)."""
    return accounts_score_all()
