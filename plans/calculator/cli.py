"""Command line: ``python -m plans.calculator quote ...`` (a stable interface for staff scripts).

Exit status: 0 on success; 1 when the calculator refuses the inputs; 2 for a
usage error.  Every error is a single line ``error: ...`` on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn, TextIO

from .dates import parse_date
from .errors import CalculatorError
from .money import format_money, parse_count, parse_decimal
from .schedule import Schedule, build_schedule
from .terms import DEFAULT_MAX_TERM_MONTHS, PlanTerms, Policy


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line: ``error: ...``, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {' '.join(message.split())}\n")


# (option, destination, help) for every option whose value is parsed by the calculator.
_MONEY_OPTIONS = (
    ("--balance", "balance", "principal balance owed (required)"),
    ("--accrued-interest", "accrued_interest", "interest accrued and unpaid (default 0)"),
    ("--waive-interest", "interest_waived", "accrued interest to waive (default 0)"),
    ("--fees", "fees", "outstanding account fees (default 0)"),
    ("--waive-fees", "fees_waived", "outstanding fees to waive (default 0)"),
)
_RATE_OPTIONS = (
    ("--apr", "apr", "APR in percent, e.g. 19.99"),
    ("--fee-rate", "fee_rate", "fee_instalment: monthly fee, percent of the financed amount"),
    ("--step-ratio", "step_ratio", "step_up: share (0 to 1) of the level payment paid at first"),
    ("--settlement-percent", "settlement_percent", "settlement: percent of the financed amount"),
)
_COUNT_OPTIONS = (
    ("--months", "months", "number of monthly payments (deferral: after the deferral)"),
    ("--deferral-months", "deferral_months", "deferral: months without payment"),
    ("--step-months", "step_months", "step_up: months at the reduced payment"),
    ("--settlement-payments", "settlement_payments", "settlement: 1 to 3 payments (default 1)"),
)


def build_parser() -> argparse.ArgumentParser:
    """The ``plans.calculator`` argument parser."""
    parser = _Parser(
        prog="python -m plans.calculator",
        description="Repayment-plan calculator.",
        allow_abbrev=False,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    quote = commands.add_parser(
        "quote", help="quote a plan", description="Quote a repayment plan.", allow_abbrev=False
    )
    quote.add_argument(
        "--type",
        dest="plan_type",
        required=True,
        metavar="TYPE",
        help="instalment, interest_free, fee_instalment, deferral, step_up or settlement",
    )
    for option, dest, text in (*_MONEY_OPTIONS, *_RATE_OPTIONS, *_COUNT_OPTIONS):
        quote.add_argument(
            option, dest=dest, metavar="VALUE", help=text, required=dest == "balance"
        )
    quote.add_argument("--start", metavar="YYYY-MM-DD", help="first due date (default today)")
    quote.add_argument(
        "--max-term",
        dest="max_term",
        metavar="MONTHS",
        default=str(DEFAULT_MAX_TERM_MONTHS),
        help=f"policy maximum of rows in the plan (default {DEFAULT_MAX_TERM_MONTHS})",
    )
    quote.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def terms_from_arguments(arguments: argparse.Namespace, today: date) -> tuple[PlanTerms, Policy]:
    """Turn parsed command-line strings into validated :class:`PlanTerms` and a :class:`Policy`."""
    values: dict[str, Any] = {}
    for _, dest, _ in (*_MONEY_OPTIONS, *_RATE_OPTIONS):
        text = getattr(arguments, dest)
        if text is not None:
            values[dest] = parse_decimal(text, dest)
    for _, dest, _ in _COUNT_OPTIONS:
        text = getattr(arguments, dest)
        if text is not None:
            values[dest] = parse_count(text, dest)
    start = today if arguments.start is None else parse_date(arguments.start)
    policy = Policy(max_term_months=parse_count(arguments.max_term, "max_term_months"))
    return PlanTerms(plan_type=arguments.plan_type, start_date=start, **values), policy


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else format_money(value)


def schedule_to_json(schedule: Schedule) -> dict[str, Any]:
    """The JSON object printed by ``quote --json``: money and rates as two-decimal strings."""
    return {
        "type": str(schedule.plan_type),
        "financed_amount": format_money(schedule.financed_amount),
        "monthly_payment": format_money(schedule.monthly_payment),
        "total_payable": format_money(schedule.total_payable),
        "total_interest": format_money(schedule.total_interest),
        "total_fees": format_money(schedule.total_fees),
        "concession_total": format_money(schedule.concession_total),
        "forgiven": format_money(schedule.forgiven),
        "annualised_rate": _rate(schedule.annualised_rate),
        "effective_annual_rate": _rate(schedule.effective_annual_rate),
        "schedule": [
            {
                "n": row.n,
                "due_date": row.due_date.isoformat(),
                "payment": format_money(row.payment),
                "principal": format_money(row.principal),
                "interest": format_money(row.interest),
                "fee": format_money(row.fee),
                "balance": format_money(row.balance),
            }
            for row in schedule.rows
        ],
    }


def render_table(schedule: Schedule) -> str:
    """A readable summary and schedule table."""
    data = schedule_to_json(schedule)

    def rate_text(value: str | None) -> str:
        return "n/a" if value is None else f"{value}%"

    summary = [
        ("Plan type", data["type"]),
        ("Financed amount", data["financed_amount"]),
        ("Monthly payment", data["monthly_payment"]),
        ("Total payable", data["total_payable"]),
        ("Total interest", data["total_interest"]),
        ("Total fees", data["total_fees"]),
        ("Concessions", data["concession_total"]),
        ("Forgiven", data["forgiven"]),
        ("Annualised rate", rate_text(data["annualised_rate"])),
        ("Effective annual rate", rate_text(data["effective_annual_rate"])),
    ]
    lines = [f"{label + ':':<23}{value}" for label, value in summary]
    headers = ("n", "Due date", "Payment", "Principal", "Interest", "Fee", "Balance")
    keys = ("n", "due_date", "payment", "principal", "interest", "fee", "balance")
    table = [headers] + [tuple(str(row[key]) for key in keys) for row in data["schedule"]]
    widths = [max(len(line[column]) for line in table) for column in range(len(headers))]
    lines.append("")
    for line in table:
        cells = [
            cell.ljust(width) if column == 1 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    today: date | None = None,
) -> int:
    """Run the command line; return the exit status (usage errors raise ``SystemExit(2)``)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    arguments = build_parser().parse_args(argv)
    try:
        terms, policy = terms_from_arguments(arguments, today or date.today())
        schedule = build_schedule(terms, policy)
    except CalculatorError as error:
        err.write(f"error: {error}\n")
        return 1
    if arguments.json:
        out.write(json.dumps(schedule_to_json(schedule), indent=2) + "\n")
    else:
        out.write(render_table(schedule) + "\n")
    return 0
