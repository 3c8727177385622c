"""Decision benchmark (issue 16): the server time of an automatic decision on a bank-sized
database, with a trivial view timed in the same run as the floor.

Against the PostgreSQL database of `benchmarks/scale.py` (100,000 cases; generate it first, see
that file), from the project root:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/arrears_scale
    .venv/bin/python manage.py migrate --noinput
    .venv/bin/python benchmarks/decision.py --requests 40 --write

It finds scale-data cardholders whose card has no open case and whose plans fall inside the
self-service band, and prepares a draft application for each through the real services (reason,
income and spending; contact preferences come from the profile), outside the timing. Then, one
cardholder after another, each signed in by the test client's `force_login` (forty real
logins from one address would trip the login rate limit; production settings,
`DJANGO_DEBUG=0`, Django's test client), it times:

* the POST of "ask for this plan and send my application" (`choice=send-<rank>`) to the
  wizard's plan step: requesting the plan, submitting, gathering the facts, running the engine,
  building the schedule and the bank's open offer, the records and the timeline; every one must
  end approved, awaiting the cardholder's answer;
* within it, `cases.decisions.services.auto_decide` alone (wrapped in this process only);
* a trivial login-protected view, interleaved with the above, as the floor.

The cases it creates stay in the database (each run picks fresh cards). `--write` records the
table in RESULTS.md between `<!-- decision:start -->` and `<!-- decision:end -->`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import scale  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
START, END = "<!-- decision:start -->", "<!-- decision:end -->"
TARGET_P95_MS = 100.0


def prepare(count: int) -> list[tuple[Any, Any, int]]:
    """(case, holder, rank) for `count` drafts ready to send with a plan inside the band."""
    from cases.application.services import case_save_reason, case_save_statement, case_start
    from cases.decisions import services
    from cases.models import OPEN_STATUSES, CardAccount
    from cases.planning import recommendations_for

    drafts: list[tuple[Any, Any, int]] = []
    candidates = (
        CardAccount.objects.filter(holder__isnull=False, principal_balance__lte=Decimal(20000))
        .exclude(cases__status__in=[s.value for s in OPEN_STATUSES])
        .select_related("holder")
        .order_by("?")
    )
    tried = 0
    for account in candidates.iterator(chunk_size=200):
        if len(drafts) == count or tried > 20 * count:
            break
        tried += 1
        holder = account.holder
        if holder is None:
            continue
        profile = getattr(holder, "profile", None)
        if profile is None or profile.contact_from >= profile.contact_until:
            continue
        case = case_start(account=account, actor=holder)
        case = case_save_reason(
            case=case,
            actor=holder,
            version=case.version,
            reason="job_loss",
            duration="long_term",
            expected_recovery=None,
            own_words="",
        )
        case = case_save_statement(
            case=case,
            actor=holder,
            version=case.version,
            household_size=1,
            dependants=0,
            income={"wages": Decimal("12000.00")},
            essentials={"housing": Decimal("2500.00"), "food": Decimal("1200.00")},
            debts=[],
        )
        case.contact_channel = profile.preferred_channel
        case.contact_from, case.contact_until = profile.contact_from, profile.contact_until
        case.save(update_fields=["contact_channel", "contact_from", "contact_until"])
        result = recommendations_for(case)
        ranks = services.instant_ranks(case, list(result.recommendations)) if result else set()
        if ranks:
            case.refresh_from_db()
            drafts.append((case, holder, min(ranks)))
    if len(drafts) < count:
        raise SystemExit(f"Only {len(drafts)} cards with a plan inside the band in {tried} tried.")
    return drafts


def run(arguments: argparse.Namespace) -> None:
    scale.setup_django()
    scale.collect_static()
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from cases.decisions import services
    from cases.models import AutoDecision, CaseStatus

    warmup = 3
    drafts = prepare(arguments.requests + warmup)
    decide_ms: list[float] = []
    real_auto_decide = services.auto_decide

    def timed_auto_decide(case: Any) -> Any:
        begin = time.perf_counter()
        try:
            return real_auto_decide(case)
        finally:
            decide_ms.append((time.perf_counter() - begin) * 1000)

    services.auto_decide = timed_auto_decide
    post_ms: list[float] = []
    trivial_ms: list[float] = []
    referred = 0
    queries = 0
    from django.db import connection

    with override_settings(ROOT_URLCONF=scale.trivial_urlconf()):
        for index, (case, holder, rank) in enumerate(drafts):
            client = Client()
            # Forty logins from one address in a minute trip the login rate limit.
            client.force_login(holder, backend="accounts.backends.ModelBackend")
            client.get(scale.TRIVIAL_PATH)  # the session's first request, untimed
            begin = time.perf_counter()
            response = client.get(scale.TRIVIAL_PATH)
            trivial = (time.perf_counter() - begin) * 1000
            url = f"/cases/{case.pk}/apply/options/"
            data = {"version": case.version, "choice": f"send-{rank}"}
            with CaptureQueriesContext(connection) as captured:
                begin = time.perf_counter()
                response = client.post(url, data)
                elapsed = (time.perf_counter() - begin) * 1000
            case.refresh_from_db()
            if response.status_code != 302:
                raise SystemExit(f"{url}: {response.status_code}")
            decision = AutoDecision.objects.filter(case=case).first()
            approved = (
                decision is not None
                and decision.outcome == "approve"
                and case.status == CaseStatus.AWAITING_CARDHOLDER
            )
            if index < warmup:
                decide_ms.clear()
                continue
            if not approved:
                referred += 1
                decide_ms.pop()
                continue
            post_ms.append(elapsed)
            trivial_ms.append(trivial)
            queries = len(captured.captured_queries)
    services.auto_decide = real_auto_decide

    floor = statistics.median(trivial_ms)
    rows = [
        ("Trivial view (login required)", trivial_ms, "-"),
        ("Ask for a plan and send: the whole POST", post_ms, str(queries)),
        ("of which the automatic decision (`auto_decide`)", decide_ms, "-"),
    ]
    lines = [
        START,
        "## Automatic decision: server time (issue 16)",
        "",
        *scale.machine_lines(),
        scale.data_line(),
        f"- Method: `benchmarks/decision.py --requests {arguments.requests}`: {len(post_ms)} "
        "cardholders each send an in-band request (`choice=send-<rank>` on the plan step) "
        "through the test client (signed in by `force_login`) with production settings, after "
        "3 warm-up ones; the trivial "
        "view is timed by the same client just before (its second request); p95 is the nearest rank"
        + (f"; {referred} request(s) were referred and are left out" if referred else ""),
        "",
        "| Measure | Median | p95 | Queries | x trivial |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, values, count in rows:
        median = statistics.median(values)
        lines.append(
            f"| {name} | {median:.1f} ms | {scale.percentile(values, 0.95):.1f} ms | {count} | "
            f"{median / floor:.1f} |"
        )
    p95 = scale.percentile(post_ms, 0.95)
    lines += [
        "",
        f"Target: under {TARGET_P95_MS:.0f} ms at p95 for the decision including the schedule: "
        + (
            f"met ({p95:.1f} ms for the whole request)."
            if p95 < TARGET_P95_MS
            else f"not met ({p95:.1f} ms for the whole request)."
        ),
        END,
    ]
    block = "\n".join(lines)
    print(block)
    if arguments.write:
        text = RESULTS.read_text()
        if START in text:
            before, rest = text.split(START, 1)
            text = before + block + rest.split(END, 1)[1]
        else:
            text = text.rstrip() + "\n\n" + block + "\n"
        RESULTS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--write", action="store_true", help="record in RESULTS.md")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
