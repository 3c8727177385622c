"""Scale benchmark: a bank-sized database, then the pages that must stay fast on it.

Everything runs against the PostgreSQL database named by ``DATABASE_URL``. From the project root:

    createdb -h 127.0.0.1 -U postgres arrears_scale
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/arrears_scale
    .venv/bin/python manage.py migrate --noinput
    .venv/bin/python benchmarks/scale.py generate --accounts 100000 \\
        --transactions-per-account 20 --cases 100000
    .venv/bin/python benchmarks/scale.py measure --label before --write
    .venv/bin/python benchmarks/scale.py load --clients 20 --seconds 30 --label before --write

``generate`` fills an empty database (no card accounts yet; ``--recreate`` drops and recreates
the database and migrates it first) with card accounts, their transactions, cardholder logins,
a team of agents and supervisors with an authenticator app (TOTP), and hardship cases in every
status with their statement lines, offers, timeline, messages, contact logs and notifications.
Rows are written with PostgreSQL ``COPY`` inside one transaction; the same ``--seed`` gives the
same data, dated relative to the day it runs. Every login's password is ``PASSWORD`` below.

``measure`` logs in as a cardholder, an agent and a supervisor through the real login and
two-factor pages (Django's test client, production settings: ``DJANGO_DEBUG=0``) and times each
page: median and p95 over ``--requests`` requests after warm-up, the queries of one more
request, the response size and the ratio to a trivial login-protected view that goes through
the same middleware (added only here, by a URLconf override).

``load`` starts ``gunicorn config.wsgi -w 2`` with production settings and drives it from
``--clients`` threads, each logged in as its own agent through the login and two-factor pages
(CSRF included; clients beyond the 20 agents share sessions), one page of ``--pages`` at a time
for ``--seconds`` seconds; it reports requests per second and latency percentiles per page.

``--write`` puts the tables in benchmarks/RESULTS.md between ``<!-- scale:start -->`` and
``<!-- scale:end -->``, one block per ``--label`` (before, after) and command, keeping the others.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import random
import re
import secrets
import socket
import statistics
import string
import subprocess
import sys
import threading
import time
import types
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
VAR_DIR = ROOT / "var" / "scale-bench"
START_MARKER = "<!-- scale:start -->"
END_MARKER = "<!-- scale:end -->"
PASSWORD = "scale-Bench-password-2026"  # noqa: S105 - benchmark data on a local database
EMAIL_DOMAIN = "scale.example"
ACCOUNT_PREFIX = "SCALE-ACC-"
TRANSACTION_PREFIX = "SCALE-TX-"
AGENTS = 20
SUPERVISORS = 3
BATCH_CASES = 5000
TRIVIAL_PATH = "/bench/trivial/"

#: Share of cases in each status (per mille); every status of CaseStatus appears.
STATUS_SHARES: dict[str, int] = {
    "draft": 40,
    "submitted": 80,
    "in_review": 120,
    "awaiting_approval": 15,
    "awaiting_cardholder": 70,
    "agreed": 25,
    "active": 180,
    "completed": 170,
    "broken": 50,
    "withdrawn": 90,
    "declined": 80,
    "closed": 80,
}
OPEN = (
    "draft",
    "submitted",
    "in_review",
    "awaiting_approval",
    "awaiting_cardholder",
    "agreed",
    "active",
)

_SURNAMES = """Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo
Zheng Liang Xie Song Tang Han Feng Deng Cao Peng"""
_GIVEN = """Wei Fang Na Min Jing Li Qiang Lei Jun Yang Yong Yan Jie Juan Tao Ming Chao Xiuying Xia
Ping Gang Hui Bo Lan Hong Jian Xin Yu Hao Ning Rui Ting Kai Lin Shu Qian"""
SURNAMES, GIVEN = _SURNAMES.split(), _GIVEN.split()

#: (category, kind, description, lowest and highest amount in yuan, weight)
SPENDING: tuple[tuple[str, str, str, int, int, int], ...] = (
    ("groceries", "purchase", "Hema Fresh (盒马鲜生)", 40, 420, 16),
    ("groceries", "purchase", "Yonghui Superstores (永辉超市)", 30, 380, 12),
    ("dining", "purchase", "Meituan Waimai (美团外卖)", 20, 95, 18),
    ("dining", "purchase", "Luckin Coffee (瑞幸咖啡)", 12, 45, 10),
    ("dining", "purchase", "Haidilao Hot Pot (海底捞)", 150, 520, 3),
    ("transport", "purchase", "DiDi Chuxing (滴滴出行)", 14, 85, 9),
    ("transport", "purchase", "Sinopec fuel (中国石化)", 200, 480, 4),
    ("utilities", "purchase", "China Mobile (中国移动)", 88, 158, 4),
    ("utilities", "purchase", "State Grid electricity (国家电网)", 120, 380, 3),
    ("shopping", "purchase", "JD.com (京东)", 60, 900, 8),
    ("shopping", "purchase", "Taobao (淘宝)", 30, 420, 8),
    ("entertainment", "purchase", "Wanda Cinemas (万达影城)", 45, 160, 2),
    ("health", "purchase", "Dashenlin Pharmacy (大参林)", 30, 420, 2),
    ("travel", "purchase", "Trip.com (携程)", 600, 3800, 1),
    ("business", "purchase", "1688.com wholesale (1688批发)", 800, 9000, 1),
    ("cash", "cash_advance", "ATM cash withdrawal (ATM取现)", 500, 3000, 1),
)
PAYMENTS = (
    "Repayment via Alipay (支付宝还款)",
    "Repayment via WeChat Pay (微信还款)",
    "Repayment, mobile banking (手机银行还款)",
)
REASON_WORDS = {
    "job_loss": "The factory cut my shifts in half and then let me go.",
    "illness": "I was in hospital for three weeks and could not work.",
    "business": "Orders at my shop fell by more than half this year.",
    "family": "My mother needed an operation and I paid for it.",
    "over_indebted": "I borrowed on other apps to pay this card and now cannot keep up.",
    "disaster": "Flooding damaged the shop and the stock.",
    "other": "My income became irregular after I changed jobs.",
}
LENDERS = (
    "Ant Credit Pay (花呗)",
    "WeBank Weilidai (微粒贷)",
    "China Merchants Bank card",
    "Car loan",
    "JD Baitiao (京东白条)",
)
CARDHOLDER_MESSAGES = (
    "I can pay a little each month but not the full minimum.",
    "I have uploaded my payslips. Is anything else needed?",
    "Could the first payment be after my salary date, the 15th?",
    "Thank you, I will wait for your answer.",
    "My hours were cut again this month.",
)
STAFF_MESSAGES = (
    "Thank you for your application. We are looking at your statement now.",
    "Could you tell us whether the support from family will continue?",
    "We have sent you an offer; please read it carefully before answering.",
    "Your plan is set up. The first payment is due next month.",
    "We noticed a missed payment. Please contact us if your situation changed.",
)
BANK_RATIONALE = (
    "A lower rate over three years keeps the payment within what your statement shows "
    "you can afford."
)


# --- settings ---------------------------------------------------------------------------------


def benchmark_environment(*, allowed_hosts: str) -> dict[str, str]:
    """The production-like variables every command runs with (DJANGO_DEBUG=0)."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL benchmark database.")
    alphabet = string.ascii_letters + string.digits
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY")
        or "".join(secrets.choice(alphabet) for _ in range(60)),
        "DJANGO_ALLOWED_HOSTS": allowed_hosts,
        "EMAIL_HOST": "smtp.example.com",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_VAR_DIR": str(VAR_DIR),
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def setup_django() -> None:
    os.environ.update(benchmark_environment(allowed_hosts="testserver,127.0.0.1,localhost"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def collect_static() -> None:
    """DJANGO_DEBUG=0 serves hashed static files: their manifest must exist."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


# --- generate ---------------------------------------------------------------------------------


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def copy_rows(model: Any, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write `rows` into `model`'s table with COPY; columns are database column names."""
    from django.db import connection, models

    # Fields added since the generator was written take their model default, so that a new
    # NOT NULL column never breaks it.
    extra = [
        field
        for field in model._meta.concrete_fields
        if field.column not in columns
        and not field.null
        and (field.has_default() or isinstance(field, models.CharField | models.TextField))
    ]
    defaults = [
        to_json(field.get_default()) if isinstance(field, models.JSONField) else field.get_default()
        for field in extra
    ]
    columns = [*columns, *(field.column for field in extra)]
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([*row, *defaults])
            count += 1
    return count


def max_id(model: Any) -> int:
    from django.db.models import Max

    return int(model.objects.aggregate(top=Max("id"))["top"] or 0)


def add_business_days(start: datetime, days: int) -> datetime:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def shares(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split `total` in proportion to `weights`, largest remainders first, summing exactly."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    counts = {key: math.floor(value) for key, value in exact.items()}
    short = total - sum(counts.values())
    for key in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[:short]:
        counts[key] += 1
    return counts


@dataclass(slots=True)
class AccountPlan:
    holder: int | None  # user id
    holder_name: str
    dpd: int = 0
    principal: int = 0  # cents
    interest: int = 0
    penalty: int = 0
    fees: int = 0
    apr: str = "18.25"


@dataclass(slots=True)
class CasePlan:
    status: str
    account: int  # index into the account plans
    online: bool


@dataclass
class Staff:
    agents: list[int]
    supervisors: list[int]


@dataclass
class Buffers:
    """Rows of one batch of cases and everything hanging off them, ready for COPY."""

    cases: list[tuple[object, ...]] = field(default_factory=list)
    lines: list[tuple[object, ...]] = field(default_factory=list)
    offers: list[tuple[object, ...]] = field(default_factory=list)
    events: list[tuple[object, ...]] = field(default_factory=list)
    messages: list[tuple[object, ...]] = field(default_factory=list)
    contacts: list[tuple[object, ...]] = field(default_factory=list)
    notifications: list[tuple[object, ...]] = field(default_factory=list)


class Generator:
    """Plans and writes the data; see `generate` for the order."""

    def __init__(self, *, accounts: int, per_account: int, cases: int, seed: int) -> None:
        from django.utils import timezone

        self.n_accounts, self.per_account, self.n_cases = accounts, per_account, cases
        self.rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.counts: dict[str, int] = {}

    # -- people -------------------------------------------------------------------------------

    def staff(self, password_hash: str) -> Staff:
        """Agents and supervisors through the ORM, each with TOTP and recovery codes."""
        from allauth.account.models import EmailAddress
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
        from django.contrib.auth.models import Group

        from accounts.models import Profile, User

        team = Staff(agents=[], supervisors=[])
        for role, count, ids in (
            ("agent", AGENTS, team.agents),
            ("supervisor", SUPERVISORS, team.supervisors),
        ):
            group = Group.objects.get(name=role)
            for number in range(1, count + 1):
                email = f"{role}{number:02d}@{EMAIL_DOMAIN}"
                user = User.objects.create(email=email, password=password_hash)
                user.groups.add(group)
                name = f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}"
                Profile.objects.create(user=user, full_name=name)
                EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
                TOTP.activate(user, generate_totp_secret())
                RecoveryCodes.activate(user)
                ids.append(user.pk)
        return team

    def plan_accounts(self) -> list[AccountPlan]:
        """Who holds each account: most are linked, some holders have two cards."""
        from accounts.models import User

        first_user = max_id(User) + 1
        rng = self.rng
        plans: list[AccountPlan] = []
        self.holders: list[tuple[int, str]] = []
        for _ in range(self.n_accounts):
            name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
            if rng.random() < 0.15:
                plans.append(AccountPlan(holder=None, holder_name=name))
                continue
            if self.holders and rng.random() < 0.08:
                user_id, name = self.holders[-1]  # a second card of the previous holder
            else:
                user_id = first_user + len(self.holders)
                self.holders.append((user_id, name))
            plans.append(AccountPlan(holder=user_id, holder_name=name))
        return plans

    def write_cardholders(self, password_hash: str) -> None:
        from allauth.account.models import EmailAddress
        from django.contrib.auth.models import Group

        from accounts.models import Profile, User

        joined = self.now - timedelta(days=400)
        group = Group.objects.get(name="cardholder").pk
        rng = self.rng

        def emails(user_id: int) -> str:
            return f"holder{user_id:07d}@{EMAIL_DOMAIN}"

        self.counts["cardholders"] = copy_rows(
            User,
            ("id", "password", "is_superuser", "email", "is_active", "is_staff", "date_joined"),
            (
                (uid, password_hash, False, emails(uid), True, False, joined)
                for uid, _n in self.holders
            ),
        )
        base = max_id(User.groups.through)
        copy_rows(
            User.groups.through,
            ("id", "user_id", "group_id"),
            ((base + i + 1, uid, group) for i, (uid, _n) in enumerate(self.holders)),
        )
        base = max_id(Profile)
        channels = ("in_app", "in_app", "sms", "phone", "email")
        copy_rows(
            Profile,
            (
                "id",
                "user_id",
                "full_name",
                "phone",
                "preferred_language",
                "preferred_channel",
                "time_zone",
                "contact_from",
                "contact_until",
                "updated_at",
            ),
            (
                (
                    base + i + 1,
                    uid,
                    name,
                    f"+86 13{rng.randrange(10**9):09d}",
                    "zh-hans" if rng.random() < 0.7 else "en",
                    rng.choice(channels),
                    "Asia/Shanghai",
                    clock(9, 0),
                    clock(20, 0),
                    joined,
                )
                for i, (uid, name) in enumerate(self.holders)
            ),
        )
        base = max_id(EmailAddress)
        copy_rows(
            EmailAddress,
            ("id", "user_id", "email", "verified", "primary"),
            (
                (base + i + 1, uid, emails(uid), True, True)
                for i, (uid, _n) in enumerate(self.holders)
            ),
        )

    # -- cases, planned before the accounts so that balances fit the story ----------------------

    def plan_cases(self, accounts: list[AccountPlan]) -> list[CasePlan]:
        """Every status, at most one open case per account, drafts only on linked accounts."""
        rng = self.rng
        statuses = [s for s, n in shares(self.n_cases, STATUS_SHARES).items() for _ in range(n)]
        rng.shuffle(statuses)
        order = list(range(len(accounts)))
        rng.shuffle(order)
        linked = [i for i in order if accounts[i].holder is not None]
        unlinked = [i for i in order if accounts[i].holder is None]
        n_open = sum(1 for s in statuses if s in OPEN)
        if n_open > len(accounts):
            raise SystemExit(f"{n_open} open cases need as many accounts; add --accounts.")
        plans: list[CasePlan] = []
        for status in statuses:
            if status in OPEN:
                # Each open case takes an account of its own from one of the two disjoint pools.
                # Drafts are cardholders' own applications; staff open others for callers.
                first, second = (linked, unlinked) if rng.random() < 0.85 else (unlinked, linked)
                if status == "draft":
                    first = second = linked
                if not first and not second:
                    raise SystemExit("Not enough linked accounts for the drafts; add --accounts.")
                index = first.pop() if first else second.pop()
            else:
                index = rng.randrange(len(accounts))
            online = accounts[index].holder is not None and (
                status == "draft" or rng.random() < 0.85
            )
            plans.append(CasePlan(status=status, account=index, online=online))
        # Arrears fit the latest case: open and broken plans are behind, completed ones are not.
        for plan in plans:
            account = accounts[plan.account]
            if plan.status == "active":
                account.dpd = max(account.dpd, rng.choice((0, 0, 0, 3)))
            elif plan.status in OPEN or plan.status == "broken":
                account.dpd = max(account.dpd, rng.choice((5, 12, 25, 33, 45, 61, 75, 95, 130)))
                account.dpd += rng.randrange(0, 40)
        for account in accounts:
            if account.dpd == 0 and rng.random() < 0.25:
                account.dpd = rng.randrange(1, 260)
        return plans

    def write_accounts(self, accounts: list[AccountPlan]) -> int:
        from cases.models import CardAccount

        self.account_base = max_id(CardAccount)
        rng = self.rng

        def rows() -> Iterator[tuple[object, ...]]:
            for index, plan in enumerate(accounts):
                business = rng.random() < 0.15
                limit = rng.choice((10, 15, 20, 30, 50, 80) if not business else (60, 100, 200))
                limit_cents = limit * 1000 * 100
                used = rng.uniform(0.35, 0.98) if plan.dpd else rng.uniform(0.05, 0.6)
                plan.principal = max(10_000, int(limit_cents * used))
                months_behind = plan.dpd / 30
                plan.interest = int(plan.principal * 0.015 * (1 + months_behind))
                plan.penalty = int(plan.principal * 0.0075 * months_behind)
                plan.fees = int(plan.principal * 0.05 * min(months_behind, 6) / 6) + (
                    1000 if plan.dpd else 0
                )
                charged_off = plan.dpd >= 180
                status = "charged_off" if charged_off else "delinquent" if plan.dpd else "current"
                total = plan.principal + plan.interest + plan.penalty + plan.fees
                minimum = total if charged_off else min(total, total // 10 * (1 + plan.dpd // 30))
                due = None if charged_off else self.today + timedelta(days=rng.randrange(1, 29))
                yield (
                    self.account_base + index + 1,
                    f"{ACCOUNT_PREFIX}{index + 1:07d}",
                    plan.holder,
                    plan.holder_name,
                    f"{rng.randrange(10000):04d}",
                    date(rng.randint(1960, 2002), rng.randint(1, 12), rng.randint(1, 28)),
                    f"{rng.randrange(1000):03d}{rng.choice('0123456789X')}",
                    "small_business" if business else "personal",
                    "CNY",
                    money(limit_cents),
                    money(plan.principal),
                    money(plan.interest),
                    money(plan.penalty),
                    money(plan.fees),
                    plan.apr,
                    money(minimum),
                    due,
                    plan.dpd,
                    status,
                    date(rng.randint(2012, 2023), rng.randint(1, 12), rng.randint(1, 28)),
                    self.now,
                )

        return copy_rows(
            CardAccount,
            (
                "id",
                "bank_reference",
                "holder_id",
                "holder_name",
                "card_last4",
                "holder_birth_date",
                "holder_id_last4",
                "product",
                "currency",
                "credit_limit",
                "principal_balance",
                "interest_balance",
                "penalty_interest_balance",
                "fees_balance",
                "apr",
                "minimum_due",
                "payment_due_date",
                "days_past_due",
                "status",
                "opened_on",
                "updated_at",
            ),
            rows(),
        )

    def write_transactions(self, accounts: list[AccountPlan]) -> int:
        """`per_account` transactions an account over the last year: spending, payments, fees."""
        from cases.models import Transaction

        rng = self.rng
        base = max_id(Transaction)
        days = [(self.today - timedelta(days=offset)).isoformat() for offset in range(366)]
        weights = [item[5] for item in SPENDING]

        def rows() -> Iterator[tuple[object, ...]]:
            next_id = base
            for index, plan in enumerate(accounts):
                account_id = self.account_base + index + 1
                behind = plan.dpd > 0
                spends = rng.choices(SPENDING, weights=weights, k=self.per_account)
                for number in range(self.per_account):
                    next_id += 1
                    day = days[rng.randrange(366)]
                    slot = number % 10
                    if slot == 9 and not (behind and rng.random() < 0.6):
                        # About one payment in ten rows, fewer when behind.
                        yield (
                            next_id,
                            account_id,
                            f"{TRANSACTION_PREFIX}{next_id:010d}",
                            day,
                            rng.choice(PAYMENTS),
                            "payment",
                            "payment",
                            "-" + money(rng.randrange(20_000, 600_000)),
                        )
                        continue
                    if slot == 8 and behind:
                        kind, description = rng.choice(
                            (
                                ("interest", "Interest (利息)"),
                                ("fee", "Late payment charge (违约金)"),
                                ("interest", "Penalty interest, overdue (逾期罚息)"),
                            )
                        )
                        yield (
                            next_id,
                            account_id,
                            f"{TRANSACTION_PREFIX}{next_id:010d}",
                            day,
                            description,
                            "fees",
                            kind,
                            money(rng.randrange(2_000, 90_000)),
                        )
                        continue
                    category, kind, description, low, high, _weight = spends[number]
                    yield (
                        next_id,
                        account_id,
                        f"{TRANSACTION_PREFIX}{next_id:010d}",
                        day,
                        description,
                        category,
                        kind,
                        money(rng.randrange(low * 100, high * 100 + 1)),
                    )

        return copy_rows(
            Transaction,
            (
                "id",
                "account_id",
                "bank_reference",
                "posted_on",
                "description",
                "category",
                "kind",
                "amount",
            ),
            rows(),
        )

    # -- case stories --------------------------------------------------------------------------

    def offer_json(
        self, plan: AccountPlan, kind: str, start: date
    ) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, str]]]:
        """Terms, summary and exceeded agent limits of a plan, computed by the real calculator."""
        from cases.core import schedule_summary, terms_to_json
        from cases.policy.rules import AUTHORITY, exceeded_limits
        from plans.calculator import PlanTerms, PlanType, build_schedule

        accrued = plan.interest + plan.penalty
        principal = Decimal(money(plan.principal))
        interest, fees = Decimal(money(accrued)), Decimal(money(plan.fees))
        if kind == "request":  # the cardholder asks for interest to stop over two years
            terms = PlanTerms(
                PlanType.INTEREST_FREE,
                principal,
                start,
                months=24,
                accrued_interest=interest,
                fees=fees,
            )
        elif kind == "beyond":  # four years and all interest waived: beyond an agent
            terms = PlanTerms(
                PlanType.INSTALMENT,
                principal,
                start,
                apr=Decimal("6.00"),
                months=48,
                accrued_interest=interest,
                interest_waived=interest,
                fees=fees,
                fees_waived=fees,
            )
        else:  # within an agent's authority
            terms = PlanTerms(
                PlanType.INSTALMENT,
                principal,
                start,
                apr=Decimal("9.00"),
                months=36,
                accrued_interest=interest,
                interest_waived=(interest / 2).quantize(Decimal("0.01")),
                fees=fees,
                fees_waived=fees,
            )
        schedule = build_schedule(terms)
        excess = exceeded_limits(schedule, AUTHORITY["agent"], current_apr=Decimal(plan.apr))
        return terms_to_json(terms), schedule_summary(schedule), [e.as_json() for e in excess]

    def write_cases(self, accounts: list[AccountPlan], plans: list[CasePlan], team: Staff) -> None:
        from accounts.models import Notification
        from cases.models import (
            CaseEvent,
            ContactLog,
            HardshipCase,
            Message,
            Offer,
            StatementLine,
        )

        self.ids = {
            "case": max_id(HardshipCase),
            "line": max_id(StatementLine),
            "offer": max_id(Offer),
            "event": max_id(CaseEvent),
            "message": max_id(Message),
            "contact": max_id(ContactLog),
            "notification": max_id(Notification),
        }
        columns = {
            HardshipCase: (
                "id",
                "account_id",
                "cardholder_id",
                "opened_by_id",
                "channel",
                "status",
                "version",
                "wizard_step",
                "reason",
                "duration",
                "expected_recovery",
                "own_words",
                "household_size",
                "dependants",
                "contact_channel",
                "contact_from",
                "contact_until",
                "assignee_id",
                "escalated",
                "info_requested",
                "info_due",
                "outcome_reason",
                "created_at",
                "updated_at",
                "submitted_at",
                "decision_due",
                "closed_at",
            ),
            StatementLine: (
                "id",
                "case_id",
                "section",
                "category",
                "label",
                "monthly_amount",
                "lender",
                "balance",
            ),
            Offer: (
                "id",
                "case_id",
                "proposer",
                "created_by_id",
                "created_at",
                "terms",
                "summary",
                "rationale",
                "status",
                "expires_at",
                "supersedes_id",
                "exceeds",
                "decided_by_id",
                "decided_at",
                "decision_reason",
            ),
            CaseEvent: (
                "id",
                "case_id",
                "occurred_at",
                "actor_id",
                "kind",
                "from_status",
                "to_status",
                "payload",
                "visible_to_cardholder",
            ),
            Message: ("id", "case_id", "author_id", "body", "sent_at", "from_staff"),
            ContactLog: (
                "id",
                "case_id",
                "staff_id",
                "occurred_at",
                "channel",
                "direction",
                "outcome",
                "notes",
                "rule_warnings",
            ),
            Notification: (
                "id",
                "user_id",
                "created_at",
                "title",
                "body",
                "params",
                "link",
                "read_at",
            ),
        }
        totals = dict.fromkeys(columns, 0)
        for start in range(0, len(plans), BATCH_CASES):
            buffers = Buffers()
            for plan in plans[start : start + BATCH_CASES]:
                self.case_story(plan, accounts[plan.account], team, buffers)
            for model, rows in (
                (HardshipCase, buffers.cases),
                (StatementLine, buffers.lines),
                (Offer, buffers.offers),
                (CaseEvent, buffers.events),
                (Message, buffers.messages),
                (ContactLog, buffers.contacts),
                (Notification, buffers.notifications),
            ):
                totals[model] += copy_rows(model, columns[model], rows)
        for model, total in totals.items():
            self.counts[model.__name__] = total

    def case_story(self, plan: CasePlan, account: AccountPlan, team: Staff, out: Buffers) -> None:
        rng, now, ids = self.rng, self.now, self.ids
        ids["case"] += 1
        case_id = ids["case"]
        status = plan.status
        holder = account.holder if plan.online else None
        agent = rng.choice(team.agents)
        opener = holder if plan.online and holder is not None else agent
        channel = "online" if plan.online else rng.choice(("phone", "phone", "branch"))
        age_days = {
            "draft": (0, 20),
            "submitted": (0, 9),
            "in_review": (2, 40),
            "awaiting_approval": (3, 20),
            "awaiting_cardholder": (4, 12),
            "agreed": (6, 30),
            "active": (60, 420),
            "completed": (300, 900),
            "broken": (120, 600),
            "withdrawn": (20, 700),
            "declined": (20, 700),
            "closed": (20, 700),
        }[status]
        created = now - timedelta(days=rng.uniform(*age_days))
        clock_at = [created]
        first_event = len(out.events)

        def later(low_hours: float, high_hours: float) -> datetime:
            moment = clock_at[0] + timedelta(hours=rng.uniform(low_hours, high_hours))
            latest = now - timedelta(minutes=rng.randrange(1, 120))
            clock_at[0] = max(clock_at[0], min(moment, latest))
            return clock_at[0]

        def event(
            kind: str,
            actor: int | None,
            at: datetime,
            *,
            change: tuple[str, str] = ("", ""),
            payload: dict[str, Any] | None = None,
            visible: bool = True,
        ) -> None:
            ids["event"] += 1
            out.events.append(
                (ids["event"], case_id, at, actor, kind, *change, to_json(payload or {}), visible)
            )

        def notify(title: str, at: datetime, **params: str) -> None:
            if account.holder is None:
                return
            ids["notification"] += 1
            read = at + timedelta(hours=rng.uniform(1, 72)) if rng.random() < 0.6 else None
            out.notifications.append(
                (
                    ids["notification"],
                    account.holder,
                    at,
                    title,
                    "",
                    to_json({"reference": f"HC-{case_id:06d}", **params}),
                    f"/cases/{case_id}/",
                    read if read is None or read < now else None,
                )
            )

        def offer(
            proposer: str,
            author: int,
            kind: str,
            status_: str,
            at: datetime,
            *,
            supersedes: int | None = None,
            decided: tuple[int | None, datetime | None, str] = (None, None, ""),
            expires: datetime | None = None,
        ) -> int:
            ids["offer"] += 1
            start = (at + timedelta(days=31)).date()
            terms, summary, exceeds = self.offer_json(account, kind, start)
            out.offers.append(
                (
                    ids["offer"],
                    case_id,
                    proposer,
                    author,
                    at,
                    to_json(terms),
                    to_json(summary),
                    "" if proposer == "cardholder" else BANK_RATIONALE,
                    status_,
                    expires,
                    supersedes,
                    to_json(exceeds if kind == "beyond" else []),
                    *decided,
                )
            )
            return ids["offer"]

        event("opened", opener, created, payload={"channel": channel})
        reason = rng.choice(tuple(REASON_WORDS))
        household = rng.choice((1, 1, 2, 2, 3, 3, 4, 5))
        wizard = "done"
        if status == "draft":
            wizard = rng.choice(("reason", "money", "evidence", "contact", "options", "review"))
        filled = status != "draft" or wizard not in ("reason", "money")
        if plan.online and filled:
            self.statement(case_id, account, household, out)
        requested = None
        if plan.online and (status != "draft" or wizard == "review"):
            requested = offer("cardholder", opener, "request", "requested", later(0.2, 2))
        submitted = decision_due = assignee = None
        escalated, info, info_due, outcome, closed = False, "", None, "", None
        if status != "draft":
            submitted = later(0.1, 30)
            decision_due = add_business_days(submitted, 5)
            event(
                "submitted",
                opener,
                submitted,
                change=("draft", "submitted"),
                payload={"decision_due": decision_due.isoformat()},
            )
            notify("We received your application %(reference)s", submitted)
        stage = status
        if status in ("withdrawn", "closed"):
            stage = rng.choice(("submitted", "in_review"))
        if status not in ("draft", "submitted") and stage != "submitted":
            assignee = agent
            event("claimed", agent, later(2, 60), change=("submitted", "in_review"), visible=False)
        if plan.online and assignee is not None:
            self.messages(case_id, holder, assignee, later, event, notify, out)
        if assignee is not None and rng.random() < 0.06:
            self.contacts(case_id, assignee, later, event, out)
        if status == "in_review" and rng.random() < 0.2:
            # A first offer was refused: by a supervisor, or by the cardholder.
            if rng.random() < 0.5:
                made, boss = later(1, 24), rng.choice(team.supervisors)
                decided: tuple[int | None, datetime | None, str]
                decided = (boss, later(1, 24), "Too generous.")
                first = offer(
                    "bank", agent, "beyond", "rejected", made, supersedes=requested, decided=decided
                )
                event(
                    "offer_for_approval",
                    agent,
                    made,
                    change=("in_review", "awaiting_approval"),
                    payload={"offer": first},
                    visible=False,
                )
                event(
                    "offer_rejected",
                    boss,
                    clock_at[0],
                    change=("awaiting_approval", "in_review"),
                    payload={"offer": first, "reason": "Too generous."},
                    visible=False,
                )
            elif holder is not None:
                made = later(1, 24)
                first = offer(
                    "bank",
                    agent,
                    "within",
                    "declined",
                    made,
                    supersedes=requested,
                    decided=(holder, later(2, 48), "I cannot pay that much."),
                )
                event("offer_sent", agent, made, change=("in_review", "awaiting_cardholder"))
                event(
                    "offer_declined",
                    holder,
                    clock_at[0],
                    change=("awaiting_cardholder", "in_review"),
                    payload={"offer": first, "reason": "I cannot pay that much."},
                )
            if requested is not None:
                self.set_offer_status(out, requested, "superseded")
        if status == "in_review" and rng.random() < 0.03:
            escalated, assignee = True, rng.choice(team.supervisors)
            event("declined", agent, later(1, 48), change=("in_review", "declined"))
            event("appealed", holder or agent, later(1, 48), change=("declined", "in_review"))
        if status == "awaiting_approval":
            made = later(1, 48)
            offer("bank", agent, "beyond", "pending_approval", made, supersedes=requested)
            if requested is not None:
                self.set_offer_status(out, requested, "superseded")
            event(
                "offer_for_approval",
                agent,
                made,
                change=("in_review", "awaiting_approval"),
                payload={"offer": ids["offer"]},
                visible=False,
            )
        if status == "awaiting_cardholder" and rng.random() < 0.2:
            info = "Please send your last three payslips and the hospital bill."
            info_due = (later(1, 24) + timedelta(days=14)).date()
            event("info_requested", agent, clock_at[0], change=("in_review", "awaiting_cardholder"))
        elif status in ("awaiting_cardholder", "agreed", "active", "completed", "broken"):
            made = later(1, 48)
            accepted = status != "awaiting_cardholder"
            decided = (holder or agent, later(2, 72), "") if accepted else (None, None, "")
            sent = offer(
                "bank",
                agent,
                "within",
                "accepted" if accepted else "open",
                made,
                supersedes=requested,
                decided=decided,
                expires=made + timedelta(days=14),
            )
            if requested is not None:
                self.set_offer_status(out, requested, "superseded")
            event(
                "offer_sent",
                agent,
                made,
                change=("in_review", "awaiting_cardholder"),
                payload={"offer": sent},
            )
            notify("You have an offer on case %(reference)s", made)
            if accepted:
                event(
                    "offer_accepted",
                    holder or agent,
                    decided[1] or made,
                    change=("awaiting_cardholder", "agreed"),
                    payload={"offer": sent},
                )
        if status in ("active", "completed", "broken"):
            started = later(24 * 20, 24 * 40)
            event("plan_activated", None, started, change=("agreed", "active"), visible=True)
            if status != "active":
                ended = later(24 * 60, 24 * 400)
                event("plan_" + status, None, ended, change=("active", status))
                closed = ended
        if status == "declined":
            outcome = "Income and essential spending leave nothing to offer a plan on."
            closed = later(2, 96)
            event(
                "declined",
                agent,
                closed,
                change=("in_review", "declined"),
                payload={"reason": outcome},
            )
        elif status == "closed":
            outcome = "The arrears were paid in full."
            closed = later(2, 96)
            event("closed", agent, closed, change=(stage, "closed"), payload={"reason": outcome})
        elif status == "withdrawn":
            closed = later(2, 96)
            event("withdrawn", holder or agent, closed, change=(stage, "withdrawn"))
            if requested is not None:
                self.set_offer_status(out, requested, "withdrawn")
        updated = clock_at[0]
        out.cases.append(
            (
                case_id,
                self.account_base + plan.account + 1,
                holder,
                opener,
                channel,
                status,
                len(out.events) - first_event,  # one change per event, as the services bump
                wizard,
                reason if filled or wizard != "reason" else "",
                rng.choice(("temporary", "long_term")) if status != "draft" else "",
                None,
                REASON_WORDS[reason],
                household,
                max(0, household - 2),
                "in_app" if plan.online else "phone",
                clock(9, 0),
                clock(20, 0),
                assignee,
                escalated,
                info,
                info_due,
                outcome,
                created,
                updated,
                submitted,
                decision_due,
                closed,
            )
        )

    @staticmethod
    def set_offer_status(out: Buffers, offer_id: int, status: str) -> None:
        for position in range(len(out.offers) - 1, -1, -1):
            row = out.offers[position]
            if row[0] == offer_id:
                out.offers[position] = (*row[:8], status, *row[9:])
                return

    def statement(self, case_id: int, account: AccountPlan, household: int, out: Buffers) -> None:
        rng, ids = self.rng, self.ids
        wages = rng.randrange(2500, 12000) * 100
        lines: list[tuple[str, str, int, str, int | None]] = [("income", "wages", wages, "", None)]
        if rng.random() < 0.3:
            lines.append(("income", "benefits", rng.randrange(300, 1500) * 100, "", None))
        for category, low, high in (
            ("housing", 800, 4500),
            ("utilities", 150, 500),
            ("food", 600, 2500),
            ("transport", 100, 800),
            ("childcare", 300, 2000),
            ("health", 50, 600),
        ):
            if category == "childcare" and household < 3:
                continue
            lines.append(("essential", category, rng.randrange(low, high) * 100, "", None))
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            owed = rng.randrange(3000, 60000) * 100
            lines.append(("debt", "loan", owed // 24, rng.choice(LENDERS), owed))
        for section, category, cents, lender, balance in lines:
            ids["line"] += 1
            out.lines.append(
                (
                    ids["line"],
                    case_id,
                    section,
                    category,
                    "",
                    money(cents),
                    lender,
                    None if balance is None else money(balance),
                )
            )

    def messages(
        self,
        case_id: int,
        holder: int | None,
        staff: int,
        later: Callable[[float, float], datetime],
        event: Callable[..., None],
        notify: Callable[..., None],
        out: Buffers,
    ) -> None:
        rng, ids = self.rng, self.ids
        for turn in range(rng.choice((0, 1, 1, 2, 3, 4))):
            from_staff = turn % 2 == 0 or holder is None
            author = staff if from_staff else holder
            sent = later(1, 30)
            ids["message"] += 1
            body = rng.choice(STAFF_MESSAGES if from_staff else CARDHOLDER_MESSAGES)
            out.messages.append((ids["message"], case_id, author, body, sent, from_staff))
            event("message", author, sent, payload={"from_staff": from_staff})
            if from_staff:
                notify("New message about your case %(reference)s", sent)

    def contacts(
        self,
        case_id: int,
        staff: int,
        later: Callable[[float, float], datetime],
        event: Callable[..., None],
        out: Buffers,
    ) -> None:
        rng, ids = self.rng, self.ids
        for _ in range(rng.randint(1, 3)):
            at = later(2, 48)
            ids["contact"] += 1
            outcome = rng.choice(("reached", "no_answer", "left_message", "promise"))
            out.contacts.append(
                (
                    ids["contact"],
                    case_id,
                    staff,
                    at,
                    rng.choice(("phone", "phone", "chat")),
                    "outbound",
                    outcome,
                    "Called about the application; explained the next steps.",
                    "[]",
                )
            )
            event("contact_logged", staff, at, payload={"contact": ids["contact"]}, visible=False)


def recreate_database() -> None:
    """Drop and recreate the DATABASE_URL database, then migrate it."""
    import psycopg
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    database = settings.DATABASES["default"]
    name = database["NAME"]
    connection.close()
    admin = psycopg.connect(
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        quoted = '"' + name.replace('"', '""') + '"'
        admin.execute(f"DROP DATABASE IF EXISTS {quoted}")
        admin.execute(f"CREATE DATABASE {quoted}")
    call_command("migrate", interactive=False, verbosity=0)


def generate(arguments: argparse.Namespace) -> None:
    setup_django()
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from cases.models import CardAccount

    if arguments.recreate:
        recreate_database()
    if CardAccount.objects.exists():
        raise SystemExit(
            "The database already has card accounts: generate into an empty, migrated database "
            "(or pass --recreate to drop and recreate it)."
        )
    started = time.perf_counter()
    steps: list[tuple[str, float]] = []

    def step(name: str, since: float) -> float:
        moment = time.perf_counter()
        steps.append((name, moment - since))
        print(f"  {name}: {moment - since:.1f} s", flush=True)
        return moment

    generator = Generator(
        accounts=arguments.accounts,
        per_account=arguments.transactions_per_account,
        cases=arguments.cases,
        seed=arguments.seed,
    )
    password_hash = make_password(PASSWORD)
    with transaction.atomic():
        moment = time.perf_counter()
        team = generator.staff(password_hash)
        accounts = generator.plan_accounts()
        generator.write_cardholders(password_hash)
        moment = step(f"staff and {generator.counts['cardholders']:,} cardholder logins", moment)
        plans = generator.plan_cases(accounts)
        generator.counts["accounts"] = generator.write_accounts(accounts)
        moment = step(f"{generator.counts['accounts']:,} card accounts", moment)
        generator.counts["transactions"] = generator.write_transactions(accounts)
        moment = step(f"{generator.counts['transactions']:,} transactions", moment)
        generator.write_cases(accounts, plans, team)
        moment = step(f"{len(plans):,} cases and their rows", moment)
        from django.apps import apps

        models = [*apps.get_app_config("accounts").get_models()]
        models += [*apps.get_app_config("cases").get_models()]
        models += [*apps.get_app_config("account").get_models()]
        models += [*apps.get_app_config("auth").get_models(include_auto_created=True)]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    moment = time.perf_counter()
    # A year of daily snapshots for the outcomes page's trend: today's figures, written for
    # each of the last 365 days (the page reads them; their values do not matter to its speed).
    from insights.models import DailySnapshot
    from insights.snapshots import portfolio_figures

    figures = portfolio_figures()
    today = date.today()
    DailySnapshot.objects.bulk_create(
        [DailySnapshot(day=today - timedelta(days=n), figures=figures) for n in range(365)],
        ignore_conflicts=True,
    )
    moment = step("365 daily snapshots", moment)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    step("VACUUM ANALYZE", moment)
    elapsed = time.perf_counter() - started
    command = (
        f"benchmarks/scale.py generate --accounts {arguments.accounts} "
        f"--transactions-per-account {arguments.transactions_per_account} "
        f"--cases {arguments.cases} --seed {arguments.seed}"
    )
    note = {
        "command": command,
        "seconds": round(elapsed, 1),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "steps": [[name, round(seconds, 1)] for name, seconds in steps],
    }
    with connection.cursor() as cursor:
        quoted = connection.ops.quote_name(connection.settings_dict["NAME"])
        literal = "'" + to_json(note).replace("'", "''") + "'"
        cursor.execute(f"COMMENT ON DATABASE {quoted} IS {literal}")
    print(f"Generated in {elapsed / 60:.1f} min ({elapsed:.0f} s).")
    print(f"Logins (password {PASSWORD}): agent01@{EMAIL_DOMAIN} .. agent{AGENTS:02d}, ")
    print(f"supervisor01@{EMAIL_DOMAIN} .. supervisor{SUPERVISORS:02d}, holder<id>@{EMAIL_DOMAIN}")


# --- subjects and logins ----------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    email: str
    totp_secret: str | None


@dataclass(frozen=True)
class Subjects:
    cardholder: Login
    agent: Login
    supervisor: Login
    case_id: int
    account_id: int
    agents: list[Login]
    supervisors: list[Login]
    review_cases: list[int]


def login_of(user: Any) -> Login:
    from allauth.mfa.models import Authenticator

    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return Login(user.email, totp.data["secret"] if totp else None)


def pick_subjects() -> Subjects:
    """The same people and case on every run: chosen by id from the generated data."""
    from django.db.models import Count, Exists, OuterRef

    from accounts.models import User
    from cases.models import CardAccount, HardshipCase, Offer, StatementLine

    # A cardholder with two cards, one of them with an offer waiting for an answer.
    two_cards = (
        CardAccount.objects.filter(holder__isnull=False)
        .values("holder")
        .annotate(cards=Count("id"))
        .filter(cards__gte=2)
        .values("holder")
    )
    with_statement = Exists(StatementLine.objects.filter(case=OuterRef("pk")))
    open_offer = Exists(Offer.objects.filter(case=OuterRef("pk"), status="open"))
    case = (
        HardshipCase.objects.filter(
            with_statement, open_offer, status="awaiting_cardholder", cardholder__in=two_cards
        )
        .select_related("account__holder")
        .order_by("id")
        .first()
    )
    if case is None or case.account.holder is None:
        raise SystemExit("No case to measure: run `generate` first.")
    staff = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    agents = [login_of(user) for user in staff.filter(groups__name="agent").order_by("email")]
    supervisors = [
        login_of(user) for user in staff.filter(groups__name="supervisor").order_by("email")
    ]
    if not agents or not supervisors:
        raise SystemExit("No benchmark staff: run `generate` first.")
    review_cases = list(
        HardshipCase.objects.filter(with_statement, status="in_review")
        .order_by("id")
        .values_list("id", flat=True)[:200]
    )
    return Subjects(
        cardholder=login_of(case.account.holder),
        agent=agents[0],
        supervisor=supervisors[0],
        case_id=case.pk,
        account_id=case.account_id,
        agents=agents,
        supervisors=supervisors,
        review_cases=review_cases,
    )


def totp_codes(secret: str) -> list[str]:
    """The codes an authenticator app accepts now: this step first, then the next and last.

    A code already used (by an earlier run within the last 90 seconds) is refused, so the
    login tries the neighbouring steps that the site also accepts.
    """
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    step = int(time.time()) // 30
    return [format_hotp_value(hotp_value(secret, step + delta)) for delta in (0, 1, -1)]


# --- measure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    path: str


@dataclass
class PageResult:
    page: Page
    median_ms: float
    p95_ms: float
    queries: int
    size: int
    ratio: float = 0.0


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def trivial_urlconf() -> str:
    """A URLconf with the project's URLs plus a login-protected view that does nothing."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpRequest, HttpResponse
    from django.urls import include, path

    def trivial(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    name = "benchmarks_scale_urls"
    module = types.ModuleType(name)
    module.urlpatterns = [  # type: ignore[attr-defined]
        path(TRIVIAL_PATH.strip("/") + "/", login_required(trivial)),
        path("", include("config.urls")),
    ]
    module.handler403 = "config.errors.permission_denied"  # type: ignore[attr-defined]
    module.handler404 = "config.errors.page_not_found"  # type: ignore[attr-defined]
    module.handler500 = "config.errors.server_error"  # type: ignore[attr-defined]
    sys.modules[name] = module
    return name


def client_login(client: Any, login: Login) -> None:
    response = client.post("/accounts/login/", {"login": login.email, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"Login refused for {login.email}: {response.status_code}")
    if login.totp_secret:
        for code in totp_codes(login.totp_secret):
            response = client.post("/accounts/2fa/authenticate/", {"code": code})
            if response.status_code == 302:
                break
        else:
            raise SystemExit(f"Two-factor code refused for {login.email}")


def measure(arguments: argparse.Namespace) -> None:
    setup_django()
    collect_static()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    subjects = pick_subjects()
    pages = [
        Page("Trivial view (login required)", "agent", TRIVIAL_PATH),
        Page("Trivial view (login required)", "cardholder", TRIVIAL_PATH),
        Page("Cardholder portal", "cardholder", "/portal/"),
        Page("Cardholder case page", "cardholder", f"/cases/{subjects.case_id}/"),
        Page("Account page", "cardholder", f"/portal/accounts/{subjects.account_id}/"),
        Page("Queue, default", "agent", "/staff/queue/"),
        Page("Queue, page 200", "agent", "/staff/queue/?page=200"),
        Page("Staff review page", "agent", f"/staff/cases/{subjects.case_id}/"),
        Page("Supervisor approvals", "supervisor", "/supervisor/approvals/"),
        Page(
            "Outcomes, last 365 days",
            "supervisor",
            f"/insights/?start={date.today() - timedelta(days=364)}&end={date.today()}",
        ),
    ]
    results: list[PageResult] = []
    with override_settings(ROOT_URLCONF=trivial_urlconf()):
        clients: dict[str, Any] = {}
        for role, login in (
            ("cardholder", subjects.cardholder),
            ("agent", subjects.agent),
            ("supervisor", subjects.supervisor),
        ):
            clients[role] = Client()
            client_login(clients[role], login)

        def get(page: Page) -> Any:
            response = clients[page.role].get(page.path)
            if response.status_code != 200:
                raise SystemExit(f"{page.path} as {page.role}: {response.status_code}")
            return response

        for _ in range(arguments.warmup):
            for page in pages:
                get(page)
        # Round robin: a slow moment of this (noisy, shared) machine hits every page alike, so
        # the ratios to the trivial view stay steady from run to run even when medians do not.
        timings: dict[Page, list[float]] = {page: [] for page in pages}
        for _ in range(arguments.requests):
            for page in pages:
                begin = time.perf_counter()
                get(page)
                timings[page].append((time.perf_counter() - begin) * 1000)
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                response = get(page)
            results.append(
                PageResult(
                    page,
                    statistics.median(timings[page]),
                    percentile(timings[page], 0.95),
                    len(queries.captured_queries),
                    len(response.content),
                )
            )
            last = results[-1]
            print(
                f"  {page.name} ({page.role}): median {last.median_ms:.1f} ms, "
                f"p95 {last.p95_ms:.1f} ms, {last.queries} queries",
                flush=True,
            )
    baseline = results[0].median_ms
    for result in results:
        result.ratio = result.median_ms / baseline
    block = render_measure(arguments, subjects, results)
    print(block)
    if arguments.write:
        write_block(arguments.label, "measure", block)


# --- load -------------------------------------------------------------------------------------


class Browser:
    """One person's HTTP connection and cookies (the session cookie among them)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Any:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            # The server closed a kept-alive connection: open a new one and ask again.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "max-age=0" in header.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response.status, response.getheader("Location", ""), content

    def csrf_token(self, path: str) -> str:
        status, _location, content = self.request("GET", path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or match is None:
            raise SystemExit(f"No CSRF token on {path} ({status}).")
        return match.group(1).decode()

    def login(self, login: Login) -> None:
        token = self.csrf_token("/accounts/login/")
        form = {"csrfmiddlewaretoken": token, "login": login.email, "password": PASSWORD}
        status, location, _content = self.request("POST", "/accounts/login/", form)
        if status != 302:
            raise SystemExit(f"Login refused for {login.email} ({status}).")
        if login.totp_secret:
            for code in totp_codes(login.totp_secret):
                token = self.csrf_token("/accounts/2fa/authenticate/")
                form = {"csrfmiddlewaretoken": token, "code": code}
                status, location, _content = self.request(
                    "POST", "/accounts/2fa/authenticate/", form
                )
                if status == 302:
                    break
            else:
                raise SystemExit(f"Two-factor code refused for {login.email}.")
        if "login" in location or "2fa" in location:
            raise SystemExit(f"Login of {login.email} ended at {location}.")


@dataclass
class LoadResult:
    name: str
    clients: int
    requests: int
    errors: int
    seconds: float
    median_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(port: int, workers: int) -> subprocess.Popen[bytes]:
    # setup_django() put the secret key in os.environ: the same one is used here.
    env = {**os.environ, **benchmark_environment(allowed_hosts="127.0.0.1,localhost")}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    process = subprocess.Popen(  # noqa: S603 - fixed command line
        [*command, "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited while starting.")
        with contextlib.suppress(OSError, http.client.HTTPException):
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/accounts/login/")
            if probe.getresponse().status == 200:
                return process
        time.sleep(0.5)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 seconds.")


def run_phase(
    name: str, browsers: list[Browser], paths: Callable[[int], str], seconds: float
) -> LoadResult:
    """Every browser requests its next path until time is up; latencies of all of them."""
    latencies: list[list[float]] = [[] for _ in browsers]
    errors = [0] * len(browsers)
    finished = [0.0] * len(browsers)
    ready = threading.Barrier(len(browsers) + 1)
    start = [0.0]

    def client(index: int) -> None:
        browser = browsers[index]
        ready.wait()
        deadline = start[0] + seconds
        number = 0
        while time.perf_counter() < deadline and number < 100_000:
            path = paths(index * 100_003 + number)
            begin = time.perf_counter()
            status, _location, _content = browser.request("GET", path)
            latencies[index].append((time.perf_counter() - begin) * 1000)
            if status != 200:
                errors[index] += 1
            number += 1
        finished[index] = time.perf_counter()

    threads = [
        threading.Thread(target=client, args=(i,), daemon=True) for i in range(len(browsers))
    ]
    for thread in threads:
        thread.start()
    start[0] = time.perf_counter()
    ready.wait()
    for thread in threads:
        thread.join()
    flat = [value for values in latencies for value in values]
    return LoadResult(
        name=name,
        clients=len(browsers),
        requests=len(flat),
        errors=sum(errors),
        seconds=max(finished) - start[0],
        median_ms=statistics.median(flat),
        p95_ms=percentile(flat, 0.95),
        p99_ms=percentile(flat, 0.99),
    )


def load(arguments: argparse.Namespace) -> None:
    setup_django()
    collect_static()
    from django.db import connection

    subjects = pick_subjects()
    reviews = subjects.review_cases or [subjects.case_id]
    phases: dict[str, tuple[str, Callable[[int], str]]] = {
        "queue": ("Queue, default", lambda n: "/staff/queue/"),
        "queue_p200": ("Queue, page 200", lambda n: "/staff/queue/?page=200"),
        "review": ("Staff review page", lambda n: f"/staff/cases/{reviews[n % len(reviews)]}/"),
        "approvals": ("Supervisor approvals", lambda n: "/supervisor/approvals/"),
    }
    chosen = [name.strip() for name in arguments.pages.split(",") if name.strip()]
    unknown = set(chosen) - set(phases)
    if unknown:
        raise SystemExit(f"Unknown pages: {', '.join(sorted(unknown))}; use {', '.join(phases)}.")
    connection.close()
    port = free_port()
    process = start_gunicorn(port, arguments.workers)
    results: list[LoadResult] = []
    sessions: dict[str, dict[str, str]] = {}
    people_role = "agent"
    try:
        browsers = []
        # Supervisors may open every page, agents all but approvals. There are more agents than
        # clients by default; a client beyond the number of people shares a session.
        people = subjects.supervisors if "approvals" in chosen else subjects.agents
        people_role = "supervisor" if "approvals" in chosen else "agent"
        for index in range(arguments.clients):
            person = people[index % len(people)]
            browser = Browser(port)
            if person.email in sessions:
                browser.cookies = dict(sessions[person.email])
            else:
                browser.login(person)
                sessions[person.email] = dict(browser.cookies)
            browsers.append(browser)
        print(f"  {len(browsers)} clients logged in with {len(sessions)} sessions", flush=True)
        for name in chosen:
            label, paths = phases[name]
            run_phase(label, browsers, paths, min(3.0, arguments.seconds))  # warm-up
            result = run_phase(label, browsers, paths, arguments.seconds)
            results.append(result)
            print(
                f"  {label}: {result.rate:.1f} req/s, median {result.median_ms:.0f} ms, "
                f"p95 {result.p95_ms:.0f} ms, {result.errors} errors",
                flush=True,
            )
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    block = render_load(arguments, results, people=len(sessions), role=people_role)
    print(block)
    if arguments.write:
        write_block(arguments.label, "load", block)


# --- report -----------------------------------------------------------------------------------


def machine_lines() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return [
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; code at commit `{commit}`",
        f"- Machine: nproc {os.cpu_count()}, {platform.machine()}, load average {load} "
        f"(1/5/15 min); Python {platform.python_version()}; PostgreSQL {postgres.split()[0]}",
    ]


def data_line() -> str:
    from django.db.models import Count

    from cases.models import (
        QUEUE_STATUSES,
        CardAccount,
        CaseEvent,
        HardshipCase,
        Offer,
        Transaction,
    )

    statuses = dict(HardshipCase.objects.values_list("status").annotate(n=Count("id")).order_by())
    queue = sum(statuses.get(status, 0) for status in QUEUE_STATUSES)
    pending = Offer.objects.filter(status="pending_approval").count()
    return (
        f"- Data: {CardAccount.objects.count():,} accounts, "
        f"{Transaction.objects.count():,} transactions, "
        f"{HardshipCase.objects.count():,} cases in {len(statuses)} statuses "
        f"({queue:,} in the staff queue, {statuses.get('awaiting_approval', 0):,} awaiting "
        f"approval with {pending:,} pending offers), {Offer.objects.count():,} offers, "
        f"{CaseEvent.objects.count():,} case events"
    )


def generation_note() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    try:
        return dict(json.loads(row[0])) if row and row[0] else {}
    except ValueError:
        return {}


def size_text(size: int) -> str:
    return f"{size} B" if size < 1024 else f"{size / 1024:,.1f} KiB"


def render_measure(
    arguments: argparse.Namespace, subjects: Subjects, results: list[PageResult]
) -> str:
    lines = [
        f"### {arguments.label.capitalize()}: one request at a time (`measure`)",
        "",
        *machine_lines(),
        data_line(),
        f"- Method: Django test client in one process with `DJANGO_DEBUG=0` settings, logged in "
        f"through the login and two-factor pages; {arguments.warmup} warm-up and "
        f"{arguments.requests} timed requests per page, taken round robin over the pages; "
        "queries counted on one more request; "
        "p95 is the nearest rank; x trivial = median / the agent's trivial-view median",
        f"- Subjects: case HC-{subjects.case_id:06d} (awaiting the cardholder's answer, seen by "
        f"its holder {subjects.cardholder.email} who has two cards, and by "
        f"{subjects.agent.email}); approvals as {subjects.supervisor.email}",
        "",
        "| Page | As | Median | p95 | Queries | Size | x trivial |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        page = result.page
        lines.append(
            f"| {page.name} `{page.path}` | {page.role} | {result.median_ms:,.1f} ms | "
            f"{result.p95_ms:,.1f} ms | {result.queries:,} | {size_text(result.size)} | "
            f"{result.ratio:,.1f} |"
        )
    return "\n".join(lines)


def render_load(
    arguments: argparse.Namespace, results: list[LoadResult], *, people: int, role: str
) -> str:
    lines = [
        f"### {arguments.label.capitalize()}: {arguments.clients} concurrent clients (`load`)",
        "",
        *machine_lines(),
        data_line(),
        f"- Method: `gunicorn config.wsgi -w {arguments.workers}` (sync workers, "
        f"`DJANGO_DEBUG=0`) on this machine; {arguments.clients} client threads on the same "
        f"machine (Python threads, `http.client`), logged in through the login and two-factor "
        f"pages with CSRF as {people} different {role}s ({people} sessions), each page requested "
        f"by all clients for {arguments.seconds:g} s after a 3 s warm-up; the review page "
        "rotates over 200 cases in review",
        "",
        "| Page | Clients | Requests | Requests/s | Median | p95 | p99 | Errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        lines.append(
            f"| {result.name} | {result.clients} | {result.requests:,} | {result.rate:,.1f} | "
            f"{result.median_ms:,.0f} ms | {result.p95_ms:,.0f} ms | {result.p99_ms:,.0f} ms | "
            f"{result.errors} |"
        )
    return "\n".join(lines)


def block_markers(label: str, kind: str) -> tuple[str, str]:
    return f"<!-- scale:{label}:{kind}:start -->", f"<!-- scale:{label}:{kind}:end -->"


def write_block(label: str, kind: str, block: str) -> None:
    """Replace this label's block of this kind in the scale section, keeping the others."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    section = re.compile(re.escape(START_MARKER) + r".*?" + re.escape(END_MARKER), re.DOTALL)
    found = section.search(text)
    blocks: dict[tuple[str, str], str] = {}
    if found:
        inner = re.compile(
            r"<!-- scale:([\w-]+):(measure|load):start -->\n(.*?)\n"
            r"<!-- scale:\1:\2:end -->",
            re.DOTALL,
        )
        for match in inner.finditer(found.group(0)):
            blocks[(match.group(1), match.group(2))] = match.group(3)
    blocks[(label, kind)] = block
    labels = sorted({key[0] for key in blocks}, key=lambda name: (name != "before", name))
    parts = [START_MARKER, *section_header()]
    for name in labels:
        for part in ("measure", "load"):
            if (name, part) in blocks:
                start, end = block_markers(name, part)
                parts += [start, blocks[(name, part)], end, ""]
    parts.append(END_MARKER)
    rendered = "\n".join(parts)
    if found:
        text = text[: found.start()] + rendered + text[found.end() :]
    else:
        text = text.rstrip("\n") + "\n\n" + rendered
    RESULTS.write_text(text.rstrip("\n") + "\n")


def section_header() -> list[str]:
    note = generation_note()
    generated = (
        f"Generated by `{note['command']}` in {note['seconds'] / 60:.1f} min "
        f"({note['seconds']:.0f} s) on {note['date']}, with `COPY` in one transaction, "
        "then `VACUUM ANALYZE`."
        if note
        else "Generated by `benchmarks/scale.py generate`."
    )
    return [
        "## Scale: pages on a bank-sized database",
        "",
        generated,
        "",
        "Reproduce (PostgreSQL on 127.0.0.1, from the project root):",
        "",
        "```sh",
        "createdb -h 127.0.0.1 -U postgres arrears_scale",
        "export DATABASE_URL=postgres://postgres@127.0.0.1:5432/arrears_scale",
        ".venv/bin/python manage.py migrate --noinput",
        ".venv/bin/python benchmarks/scale.py generate --accounts 100000 "
        "--transactions-per-account 20 --cases 100000",
        ".venv/bin/python benchmarks/scale.py measure --label before --write",
        ".venv/bin/python benchmarks/scale.py load --clients 20 --seconds 30 --label before "
        "--write",
        "```",
        "",
        "This 2-core machine is a shared VM: the same plain CPU loop took 157-285 ms from one "
        "run to the next while these figures were taken, so compare medians within one run, or "
        "by their ratio to the trivial view (timed in the same rounds); query counts do not "
        "vary. The trivial view exists only in the benchmark's URLconf.",
        "",
    ]


# --- command line -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("generate", help="fill an empty database")
    make.add_argument("--accounts", type=int, default=100_000)
    make.add_argument("--transactions-per-account", type=int, default=20)
    make.add_argument("--cases", type=int, default=100_000)
    make.add_argument("--seed", type=int, default=2026)
    make.add_argument("--recreate", action="store_true", help="drop, create and migrate first")
    for name, help_text in (
        ("measure", "time pages one request at a time"),
        ("load", "drive gunicorn with concurrent clients"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--label", default="before", help="before, after, ...")
        command.add_argument("--write", action="store_true", help="record in RESULTS.md")
    commands.choices["measure"].add_argument("--requests", type=int, default=30)
    commands.choices["measure"].add_argument("--warmup", type=int, default=3)
    commands.choices["load"].add_argument("--clients", type=int, default=20)
    commands.choices["load"].add_argument("--seconds", type=float, default=30.0)
    commands.choices["load"].add_argument("--workers", type=int, default=2)
    commands.choices["load"].add_argument(
        "--pages", default="queue,queue_p200,review", help="queue, queue_p200, review, approvals"
    )
    arguments = parser.parse_args()
    if not re.fullmatch(r"[\w-]+", getattr(arguments, "label", "x")):
        parser.error("--label: letters, digits, - and _ only")
    {"generate": generate, "measure": measure, "load": load}[arguments.command](arguments)


if __name__ == "__main__":
    main()
