"""Benchmark the repayment-plan calculator and record the figures in benchmarks/RESULTS.md.

Run: ``.venv/bin/python benchmarks/calculator.py`` (add ``--no-write`` to only print).

Measures, with ``timeit`` and the median of many repeats:

* a 60-month instalment schedule (``build_schedule``), with the due-date cache
  cleared before every call (cold) and left warm;
* numpy-financial computing the same schedule (``ipmt``/``ppmt`` over 60 periods)
  and the ratio between the two;
* a full recommendation for a typical case (``recommend_plans``).

Targets: a 60-month schedule under 1 ms, a recommendation under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import timeit
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
START_MARKER = "<!-- calculator:start -->"
END_MARKER = "<!-- calculator:end -->"
SCHEDULE_TARGET_MS = 1.0
RECOMMENDATION_TARGET_MS = 50.0


def median_ms(function: Callable[[], object], number: int, repeat: int) -> float:
    """Median over ``repeat`` runs of the mean time of one call, in milliseconds."""
    function()  # warm up imports and caches outside the measurement
    runs = timeit.repeat(function, number=number, repeat=repeat)
    return statistics.median(runs) / number * 1000


def measure() -> dict[str, float]:
    """Time the calculator and numpy-financial; return the figures in milliseconds."""
    sys.path.insert(0, str(ROOT))
    import numpy as np
    import numpy_financial as npf

    from plans.calculator import (
        Account,
        AuthorityLimits,
        PlanTerms,
        PlanType,
        Statement,
        build_schedule,
        recommend_plans,
    )
    from plans.calculator.dates import due_dates

    terms = PlanTerms(
        PlanType.INSTALMENT,
        Decimal("5000.00"),
        date(2025, 1, 31),
        apr=Decimal("19.99"),
        months=60,
    )

    def schedule_cold() -> object:
        due_dates.cache_clear()
        return build_schedule(terms)

    def schedule_warm() -> object:
        return build_schedule(terms)

    periods = np.arange(1, 61)
    rate = 0.1999 / 12

    def numpy_schedule() -> object:
        interest = npf.ipmt(rate, periods, 60, -5000.0)
        principal = npf.ppmt(rate, periods, 60, -5000.0)
        return interest, principal

    account = Account(
        balance=Decimal("4800.00"),
        apr=Decimal("29.90"),
        accrued_interest=Decimal("350.00"),
        fees=Decimal("120.00"),
        monthly_fee=Decimal("12.00"),
    )
    statement = Statement(
        income={"wages": Decimal("1850.00"), "benefits": Decimal("220.00")},
        essentials={
            "housing": Decimal("750.00"),
            "utilities": Decimal("160.00"),
            "food": Decimal("320.00"),
            "transport": Decimal("120.00"),
        },
        debt_repayments={"bank loan": Decimal("150.00")},
        household_size=2,
    )
    authority = AuthorityLimits(
        max_interest_waiver_share=Decimal("0.5"),
        max_fee_waiver_share=Decimal("1"),
        max_settlement_discount=Decimal("30"),
    )

    def recommendation() -> object:
        return recommend_plans(
            account,
            statement,
            "medium",
            authority,
            start_date=date(2025, 1, 15),
            lump_sum_available=Decimal("1000.00"),
        )

    figures = {
        "schedule_cold_ms": median_ms(schedule_cold, number=200, repeat=25),
        "schedule_warm_ms": median_ms(schedule_warm, number=200, repeat=25),
        "numpy_financial_ms": median_ms(numpy_schedule, number=500, repeat=25),
        "recommendation_ms": median_ms(recommendation, number=5, repeat=21),
    }
    figures["ratio_cold"] = figures["schedule_cold_ms"] / figures["numpy_financial_ms"]
    figures["candidates"] = float(recommendation().candidates_considered)  # type: ignore[attr-defined]
    return figures


def render(figures: dict[str, float]) -> str:
    """The RESULTS.md section for ``figures``."""

    def verdict(value: float, target: float) -> str:
        return "meets" if value < target else "MISSES"

    schedule = figures["schedule_cold_ms"]
    recommendation = figures["recommendation_ms"]
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    return "\n".join(
        [
            START_MARKER,
            "## Repayment-plan calculator",
            "",
            f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
            f"- Machine: nproc {os.cpu_count()}, {platform.machine()}, "
            f"load average {load} (1/5/15 min)",
            f"- Python: {platform.python_implementation()} {platform.python_version()}",
            "- Method: `timeit`, median of 21-25 repeats (`benchmarks/calculator.py`)",
            "",
            "| Measurement | Median | Target |",
            "| --- | --- | --- |",
            f"| 60-month schedule, due-date cache cold | {schedule:.3f} ms | "
            f"< {SCHEDULE_TARGET_MS:g} ms ({verdict(schedule, SCHEDULE_TARGET_MS)}) |",
            f"| 60-month schedule, due-date cache warm | {figures['schedule_warm_ms']:.3f} ms | |",
            f"| numpy-financial `ipmt` + `ppmt`, 60 periods | "
            f"{figures['numpy_financial_ms']:.3f} ms | |",
            f"| Ratio calculator (cold) / numpy-financial | {figures['ratio_cold']:.1f}x | |",
            f"| Full recommendation ({figures['candidates']:.0f} candidates) | "
            f"{recommendation:.2f} ms | < {RECOMMENDATION_TARGET_MS:g} ms "
            f"({verdict(recommendation, RECOMMENDATION_TARGET_MS)}) |",
            "",
            "The calculator builds every row in `Decimal` with cent rounding, due dates and",
            "the IRR-based disclosed rates; numpy-financial computes unrounded floats only.",
            END_MARKER,
        ]
    )


def write(section: str) -> None:
    """Replace the calculator section of RESULTS.md, or append it."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(START_MARKER) + r".*?" + re.escape(END_MARKER), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    arguments = parser.parse_args()
    section = render(measure())
    print(section)
    if not arguments.no_write:
        write(section)


if __name__ == "__main__":
    main()
