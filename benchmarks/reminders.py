"""Benchmark reminders: scan 100,000 instalments and queue their reminders, then deliver them.

Run: ``.venv/bin/python benchmarks/reminders.py`` (``--instalments``, 100,000 by default;
``--no-write`` to only print). With ``DATABASE_URL`` naming a PostgreSQL database it runs there
(the database is emptied first: use a scratch one); otherwise on a scratch SQLite file. One plan
is accepted through the real services, then copied (account, case, offer, acceptance, plan,
instalments) until there are enough instalments, their due dates spread over the month around
today so that a realistic share is due. It times:

- the scan that finds what is due and queues it (target, issue 12: under 60 s);
- the same scan again (a second beat), which must queue nothing;
- delivering what was queued (by email to a test backend, within the contact rules).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
START_MARKER = "<!-- reminders:start -->"
END_MARKER = "<!-- reminders:end -->"
TARGET_SECONDS = 60.0
BATCH = 2000


def _setup(folder: Path) -> str:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    engine = "sqlite"
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        engine = "postgresql"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["DJANGO_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if engine == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from accounts.roles import sync_role_groups

    sync_role_groups()
    return engine


def _one_plan():
    """An instalment plan accepted through the services, signed off as on track."""
    from agreements import _plans  # benchmarks/agreements.py
    from django.db import transaction

    from cases.core import bump_version, lock_case, run_transition
    from plans.models import RepaymentPlan

    plan = next(p for p in _plans("en") if p.plan_type == "instalment")
    with transaction.atomic():
        plan = RepaymentPlan.objects.select_related("case").get(pk=plan.pk)
        plan.activate()
        plan.save()
        case = lock_case(plan.case, version=plan.case.version)
        run_transition(case, "start_plan")
        bump_version(case, "status")
    holder = plan.account.holder
    if holder is None:
        raise SystemExit("The benchmark plan has no holder.")
    holder.profile.preferred_channel = "email"
    holder.profile.save()
    return RepaymentPlan.objects.select_related("case", "account", "acceptance__offer").get(
        pk=plan.pk
    )


def _copy(instance, **changes):
    clone = type(instance)(
        **{
            f.attname: getattr(instance, f.attname)
            for f in instance._meta.concrete_fields
            if not f.primary_key
        }
    )
    for name, value in changes.items():
        setattr(clone, name, value)
    return clone


def populate(instalments: int, today) -> int:
    """Copies of one plan until there are `instalments` instalments; returns how many."""
    from cases.models import CardAccount, HardshipCase, Offer, OfferAcceptance
    from plans.models import Instalment, RepaymentPlan

    plan = _one_plan()
    template_rows = list(plan.instalments.order_by("number"))
    per_plan = len(template_rows)
    copies = max(0, -(-instalments // per_plan) - 1)
    rng = random.Random(12)  # noqa: S311 - repeatable test data, not a secret
    made = per_plan
    for start in range(0, copies, BATCH // per_plan + 1):
        size = min(BATCH // per_plan + 1, copies - start)
        numbers = range(start, start + size)
        accounts = CardAccount.objects.bulk_create(
            [_copy(plan.account, bank_reference=f"BENCH-{i:07d}") for i in numbers]
        )
        cases = HardshipCase.objects.bulk_create(
            [_copy(plan.case, account_id=a.pk) for a in accounts]
        )
        offers = Offer.objects.bulk_create(
            [_copy(plan.acceptance.offer, case_id=c.pk, supersedes_id=None) for c in cases]
        )
        acceptances = OfferAcceptance.objects.bulk_create(
            [_copy(plan.acceptance, offer_id=o.pk) for o in offers]
        )
        plans = RepaymentPlan.objects.bulk_create(
            [
                _copy(
                    plan,
                    acceptance_id=acceptance.pk,
                    case_id=case.pk,
                    account_id=account.pk,
                    reference=f"PB-{i:07d}",
                )
                for i, acceptance, case, account in zip(
                    numbers, acceptances, cases, accounts, strict=True
                )
            ]
        )
        rows = []
        for copy in plans:
            # The first instalment falls somewhere in the two weeks either side of today.
            shift = today + timedelta(days=rng.randint(-14, 14)) - template_rows[0].due_date
            rows += [
                _copy(row, plan_id=copy.pk, due_date=row.due_date + shift) for row in template_rows
            ]
        Instalment.objects.bulk_create(rows, batch_size=BATCH)
        made += len(rows)
    return made


def measure(instalments: int) -> dict[str, float]:
    from django.core import mail

    from cases.models import Reminder, ReminderStatus
    from cases.outreach.services import reminders_deliver_due, reminders_scan

    now = datetime.now(UTC).replace(hour=3, minute=0, second=0, microsecond=0)  # 11:00 Shanghai
    made = populate(instalments, now.date())
    start = time.perf_counter()
    queued = reminders_scan(now=now)
    scan = time.perf_counter() - start
    start = time.perf_counter()
    again = reminders_scan(now=now)
    rescan = time.perf_counter() - start
    start = time.perf_counter()
    reminders_deliver_due(now=now)
    deliver = time.perf_counter() - start
    sent = Reminder.objects.filter(status=ReminderStatus.SENT).count()
    return {
        "instalments": made,
        "queued": queued,
        "again": again,
        "scan": scan,
        "rescan": rescan,
        "deliver": deliver,
        "sent": sent,
        "emails": len(mail.outbox),
    }


def render(f: dict[str, float], engine: str) -> str:
    load = os.getloadavg()
    verdict = "meets" if f["scan"] < TARGET_SECONDS else "does not meet"
    per = f["deliver"] / f["sent"] * 1000 if f["sent"] else 0.0
    return "\n".join(
        [
            START_MARKER,
            "## Reminders: scan and queue, then deliver",
            "",
            f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- Machine: nproc {os.cpu_count()}, {platform.machine()}, load average "
            f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}; database: {engine}",
            f"- Method: `benchmarks/reminders.py --instalments {int(f['instalments'])}`: copies "
            "of one accepted instalment plan, first due dates spread over the 4 weeks around "
            "today; every cardholder prefers email (a test backend)",
            "",
            "| Step | Instalments | Reminders | Time |",
            "| --- | --- | --- | --- |",
            f"| Scan and queue (target < 60 s) | {int(f['instalments']):,} | "
            f"{int(f['queued']):,} queued | {f['scan']:.1f} s ({verdict}) |",
            f"| The same scan again (second beat) | {int(f['instalments']):,} | "
            f"{int(f['again']):,} queued | {f['rescan']:.1f} s |",
            f"| Deliver what was queued | | {int(f['sent']):,} sent, {int(f['emails']):,} "
            f"emails | {f['deliver']:.1f} s ({per:.1f} ms each) |",
            END_MARKER,
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--instalments", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true", help="print only")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = _setup(Path(folder))
        section = render(measure(arguments.instalments), engine)
    print(section)
    if not arguments.no_write:
        text = RESULTS.read_text()
        pattern = re.compile(re.escape(START_MARKER) + r".*?" + re.escape(END_MARKER), re.DOTALL)
        text = (
            pattern.sub(lambda _: section, text)
            if pattern.search(text)
            else (text.rstrip("\n") + "\n\n" + section)
        )
        RESULTS.write_text(text.rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
