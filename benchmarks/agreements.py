"""Benchmark agreements: render (WeasyPrint) and sign (pyHanko) in a warm process.

Run: ``.venv/bin/python benchmarks/agreements.py`` (``--no-write`` to only print; ``--count``
agreements, 20 by default). It builds a scratch SQLite database under a temporary folder,
accepts one offer per plan type through the real services, then times, after one warm-up
render, each agreement's render alone, the bank's signature alone, and both together, in
English and Chinese. Target (issue 12): under 0.5 s per agreement rendered and signed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
START_MARKER = "<!-- agreements:start -->"
END_MARKER = "<!-- agreements:end -->"
TARGET_SECONDS = 0.5


def _setup(folder: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["DJANGO_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.AGREEMENT_SIGNING_CERT = folder / "cert.pem"
    settings.AGREEMENT_SIGNING_KEY = folder / "key.pem"
    call_command("migrate", verbosity=0)
    from accounts.roles import sync_role_groups

    sync_role_groups()
    from plans.certificates import make_development_pair

    make_development_pair(settings.AGREEMENT_SIGNING_CERT, settings.AGREEMENT_SIGNING_KEY)


def _plans(language: str) -> list:
    """One accepted plan per plan type, through the services."""
    from django.utils import translation

    from accounts.roles import Role
    from cases import negotiation as n
    from cases.application.services import case_start, case_submit
    from cases.negotiation.answers import offer_accept
    from plans.models import RepaymentPlan
    from tests.cases.conftest import fill_draft
    from tests.cases.negotiation.test_negotiation import consent_for
    from tests.factories import CardAccountFactory, UserFactory
    from tests.plans.test_plan_and_agreement import PLAN_TERMS, _schedule

    supervisor = UserFactory.create(role=Role.SUPERVISOR)
    plans = []
    for plan_type in PLAN_TERMS:
        holder = UserFactory.create(role=Role.CARDHOLDER)
        account = CardAccountFactory.create(
            holder=holder,
            principal_balance=Decimal("29927.43"),
            interest_balance=Decimal("1197.92"),
            penalty_interest_balance=Decimal("422.02"),
            fees_balance=Decimal("504.10"),
            days_past_due=45,
            status="delinquent",
        )
        case = fill_draft(case_start(account=account, actor=holder), holder)
        case = case_submit(case=case, actor=holder, version=case.version)
        case = n.case_claim(case=case, actor=supervisor, version=case.version)
        offer = n.offer_propose(
            case=case,
            actor=supervisor,
            version=case.version,
            schedule=_schedule(case, plan_type),
            rationale="Benchmark",
        )
        case.refresh_from_db()
        with translation.override(language):
            offer_accept(
                offer=offer, actor=holder, version=case.version, consent=consent_for(offer)
            )
        plans.append(RepaymentPlan.objects.get(case=case))
    return plans


def measure(count: int) -> dict[str, dict[str, float]]:
    from plans.agreement import render_agreement
    from plans.signing import bank_sign

    figures: dict[str, dict[str, float]] = {}
    for language in ("en", "zh-hans"):
        plans = _plans(language)
        render_agreement(plans[0])  # warm-up: fonts, stylesheet, templates
        renders, signs, both, sizes = [], [], [], []
        for index in range(count):
            plan = plans[index % len(plans)]
            start = time.perf_counter()
            pdf = render_agreement(plan).pdf
            middle = time.perf_counter()
            signed = bank_sign(pdf)
            end = time.perf_counter()
            renders.append(middle - start)
            signs.append(end - middle)
            both.append(end - start)
            sizes.append(len(signed))
        figures[language] = {
            "render": statistics.median(renders),
            "sign": statistics.median(signs),
            "both": statistics.median(both),
            "both_p95": sorted(both)[max(0, int(len(both) * 0.95) - 1)],
            "per_minute": 60 / statistics.mean(both),
            "size_kb": statistics.median(sizes) / 1024,
        }
    return figures


def render(figures: dict[str, dict[str, float]], count: int) -> str:
    load = os.getloadavg()
    rows = []
    for language, f in figures.items():
        verdict = "meets" if f["both"] < TARGET_SECONDS else "does not meet"
        rows.append(
            f"| {language} | {f['render']:.3f} s | {f['sign']:.3f} s | {f['both']:.3f} s "
            f"({verdict}) | {f['both_p95']:.3f} s | {f['per_minute']:.0f} | {f['size_kb']:.0f} KB |"
        )
    return "\n".join(
        [
            START_MARKER,
            "## Agreements: render and sign",
            "",
            f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- Machine: nproc {os.cpu_count()}, {platform.machine()}, load average "
            f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}",
            f"- Method: `benchmarks/agreements.py --count {count}`: one warm process, one plan "
            "of each type accepted through the services, median of the agreements timed",
            "",
            "| Language | Render | Sign | Render + sign (target < 0.5 s) | p95 | Per minute | "
            "Signed size |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            "Render is WeasyPrint with the font configuration and stylesheet kept per process; "
            "sign is pyHanko's PAdES signature (RSA-3072, SHA-256) over the whole file.",
            END_MARKER,
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="print only")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _setup(Path(folder))
        section = render(measure(arguments.count), arguments.count)
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
