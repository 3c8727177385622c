"""The command line: ``python -m plans.calculator quote ...``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.calculator import PlanTerms, PlanType, build_schedule
from plans.calculator.cli import main, schedule_to_json

ROOT = Path(__file__).resolve().parents[3]
D = Decimal


def run_cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Run the calculator in a fresh interpreter, as staff scripts do."""
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "-m", "plans.calculator", "quote", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


MONEY_KEYS = ("monthly_payment", "total_payable", "total_interest", "total_fees")
ROW_KEYS = {"n", "due_date", "payment", "principal", "interest", "fee", "balance"}


def test_quote_json_has_the_documented_shape() -> None:
    result = run_cli(
        "--type", "instalment", "--balance", "1000", "--apr", "19.99", "--months", "12",
        "--start", "2024-01-31", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["type"] == "instalment"
    assert data["monthly_payment"] == "92.63"
    assert data["total_payable"] == "1111.56"
    assert data["total_interest"] == "111.56"
    assert data["total_fees"] == "0.00"
    assert data["concession_total"] == "0.00"
    assert data["annualised_rate"] == "19.99"
    assert data["effective_annual_rate"] == "21.93"
    assert len(data["schedule"]) == 12
    assert all(set(row) == ROW_KEYS for row in data["schedule"])
    assert [row["due_date"] for row in data["schedule"][:3]] == [
        "2024-01-31",
        "2024-02-29",
        "2024-03-31",
    ]
    assert data["schedule"][0] == {
        "n": 1,
        "due_date": "2024-01-31",
        "payment": "92.63",
        "principal": "75.97",
        "interest": "16.66",
        "fee": "0.00",
        "balance": "924.03",
    }
    for key in MONEY_KEYS:
        assert isinstance(data[key], str)
        assert len(data[key].split(".")[1]) == 2


def test_quote_json_matches_the_library_for_every_option() -> None:
    result = run_cli(
        "--type", "deferral", "--balance", "2500.00", "--apr", "9.9", "--months", "24",
        "--deferral-months", "3", "--start", "2024-03-31", "--accrued-interest", "120.50",
        "--waive-interest", "60.25", "--fees", "36", "--waive-fees", "12", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = build_schedule(
        PlanTerms(
            PlanType.DEFERRAL,
            D("2500.00"),
            date(2024, 3, 31),
            apr=D("9.9"),
            months=24,
            deferral_months=3,
            accrued_interest=D("120.50"),
            interest_waived=D("60.25"),
            fees=D("36"),
            fees_waived=D("12"),
        )
    )
    assert json.loads(result.stdout) == schedule_to_json(expected)
    assert json.loads(result.stdout)["concession_total"] == "72.25"


def test_settlement_json_has_null_rates() -> None:
    result = run_cli(
        "--type", "settlement", "--balance", "5000", "--settlement-percent", "60",
        "--settlement-payments", "3", "--start", "2024-01-10", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["annualised_rate"] is None
    assert data["effective_annual_rate"] is None
    assert data["monthly_payment"] == "1000.00"
    assert data["total_payable"] == "3000.00"
    assert data["concession_total"] == "2000.00"
    assert data["schedule"][-1]["balance"] == "0.00"


def test_fee_instalment_and_step_up_report_their_monthly_payment() -> None:
    fee = io.StringIO()
    assert main(
        ["quote", "--type", "fee_instalment", "--balance", "12000", "--months", "12",
         "--fee-rate", "0.6", "--start", "2024-01-01", "--json"],
        stdout=fee,
    ) == 0  # fmt: skip
    assert json.loads(fee.getvalue())["monthly_payment"] == "1072.00"
    assert json.loads(fee.getvalue())["total_fees"] == "864.00"
    step = io.StringIO()
    assert main(
        ["quote", "--type", "step_up", "--balance", "1200", "--apr", "0", "--months", "12",
         "--step-months", "6", "--step-ratio", "0.5", "--start", "2024-01-01", "--json"],
        stdout=step,
    ) == 0  # fmt: skip
    assert json.loads(step.getvalue())["monthly_payment"] == "150.00"


def test_start_defaults_to_today() -> None:
    before = date.today()
    result = run_cli("--type", "interest_free", "--balance", "300", "--months", "3", "--json")
    after = date.today()
    assert result.returncode == 0, result.stderr
    first = date.fromisoformat(json.loads(result.stdout)["schedule"][0]["due_date"])
    assert before <= first <= after


def test_table_output_is_readable() -> None:
    result = run_cli(
        "--type", "instalment", "--balance", "1000", "--apr", "19.99", "--months", "12",
        "--start", "2024-01-31",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Monthly payment:" in result.stdout
    assert "92.63" in result.stdout
    assert "Annualised rate:" in result.stdout
    assert "19.99%" in result.stdout
    header = next(line for line in lines if "Due date" in line)
    assert header.split() == [
        "n",
        "Due",
        "date",
        "Payment",
        "Principal",
        "Interest",
        "Fee",
        "Balance",
    ]
    assert lines[-1].split() == ["12", "2024-12-31", "92.63", "91.11", "1.52", "0.00", "0.00"]


def test_max_term_option_sets_the_policy() -> None:
    base = (
        "--type",
        "interest_free",
        "--balance",
        "900",
        "--months",
        "90",
        "--start",
        "2024-01-01",
    )
    assert run_cli(*base).returncode != 0
    result = run_cli(*base, "--max-term", "120", "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["schedule"]) == 90


BAD_ARGUMENTS = [
    (["--type", "instalment", "--balance", "-5", "--apr", "10", "--months", "12"], "negative"),
    (["--type", "instalment", "--balance", "abc", "--apr", "10", "--months", "12"], "number"),
    (["--type", "instalment", "--balance", "1e999999", "--apr", "10", "--months", "12"],
     "more than"),
    (["--type", "instalment", "--balance", "100", "--apr", "ten", "--months", "12"], "number"),
    (["--type", "instalment", "--balance", "100", "--apr", "-1", "--months", "12"], "negative"),
    (["--type", "instalment", "--balance", "100", "--apr", "250", "--months", "12"], "between"),
    (["--type", "instalment", "--balance", "100", "--apr", "10", "--months", "0"], "at least 1"),
    (["--type", "instalment", "--balance", "100", "--apr", "10", "--months", "61"],
     "maximum of 60"),
    (["--type", "instalment", "--balance", "100", "--apr", "10", "--months", "1.5"], "whole"),
    (["--type", "instalment", "--balance", "100", "--apr", "10", "--months", "9" * 5000],
     "more than"),
    (["--type", "instalment", "--balance", "100", "--apr", "10"], "required"),
    (["--type", "instalment", "--balance", "100", "--months", "12"], "APR is required"),
    (["--type", "instalment", "--balance", "100", "--apr", "10", "--months", "12",
      "--start", "2023-02-29"], "real date"),
    (["--type", "instalment", "--balance", "100", "--apr", "10", "--months", "12",
      "--start", "31/01/2024"], "real date"),
    (["--type", "instalment", "--balance", "100", "--apr", "10", "--months", "12",
      "--start", "9999-12-01"], "9999"),
    (["--type", "instalment", "--balance", "100", "--apr", "10", "--months", "12",
      "--accrued-interest", "5", "--waive-interest", "6"], "more than the accrued interest"),
    (["--type", "instalment", "--balance", "100", "--apr", "10", "--months", "12",
      "--waive-fees", "1"], "more than the outstanding fees"),
    (["--type", "instalment", "--balance", "100", "--apr", "10", "--months", "12",
      "--fee-rate", "1"], "does not apply"),
    (["--type", "interest_free", "--balance", "100", "--apr", "10", "--months", "12"], "APR"),
    (["--type", "settlement", "--balance", "100", "--settlement-percent", "50",
      "--settlement-payments", "4"], "between 1 and 3"),
    (["--type", "settlement", "--balance", "100"], "settlement percentage is required"),
    (["--type", "step_up", "--balance", "100", "--apr", "10", "--months", "12",
      "--step-months", "12", "--step-ratio", "0.5"], "fewer than"),
    (["--type", "mortgage", "--balance", "100"], "plan type"),
    (["--type", "instalment", "--apr", "10", "--months", "12"], "--balance"),
    (["--type", "instalment", "--balance", "100", "--apr", "10", "--months", "12",
      "--bogus"], "unrecognized"),
    (["--type", "instalment", "--balance", "100", "--apr", "10", "--months", "12",
      "--max-term", "0"], "between 1 and 600"),
    (["--type", "instalment", "--balance", "100", "--apr", "10", "--months", "12",
      "--max-term", "601"], "between 1 and 600"),
    (["--typ", "instalment", "--balance", "100"], "required"),
    ([], "required"),
]  # fmt: skip


@pytest.mark.parametrize(("arguments", "fragment"), BAD_ARGUMENTS)
def test_bad_arguments_exit_non_zero_with_one_clear_line(
    arguments: list[str], fragment: str
) -> None:
    result = run_cli(*arguments)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]


def test_missing_subcommand_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "plans.calculator"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("error: ")


OPTIONS = [
    "--balance", "--apr", "--months", "--start", "--fee-rate", "--deferral-months",
    "--step-months", "--step-ratio", "--settlement-percent", "--settlement-payments",
    "--accrued-interest", "--waive-interest", "--fees", "--waive-fees", "--max-term",
]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=12),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**12), 10**12).map(str),
    st.dates(max_value=date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(["0", "-0", "1e9", "0.001", "100.00", "2024-02-30", "NaN", "\n", "--json"]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([*PlanType, "bogus"]),
    st.dictionaries(st.sampled_from(OPTIONS), VALUES, max_size=8),
)
def test_any_input_gives_a_quote_or_one_error_line(plan_type: str, options: dict[str, str]) -> None:
    argv = ["quote", "--type", str(plan_type)]
    for option, value in options.items():
        argv.append(f"{option}={value}")
    if "--balance" not in options:
        argv.append("--balance=1000")
    out, err = io.StringIO(), io.StringIO()
    try:
        status = main(argv, stdout=out, stderr=err, today=date(2024, 1, 15))
    except SystemExit as exit_:  # argparse usage errors
        status = exit_.code if isinstance(exit_.code, int) else 1
        assert status == 2
        return
    if status == 0:
        assert err.getvalue() == ""
        assert "Monthly payment:" in out.getvalue()
    else:
        assert status == 1
        assert out.getvalue() == ""
        assert err.getvalue().count("\n") == 1
        assert err.getvalue().startswith("error: ")


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["quote", "--type", "instalment", "--balance", "1", "--months"])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: ")


def test_today_is_a_date_in_the_future_for_grace_periods() -> None:
    out = io.StringIO()
    start = date(2024, 1, 15) + timedelta(days=45)
    assert main(
        ["quote", "--type", "interest_free", "--balance", "300", "--months", "3",
         "--start", start.isoformat(), "--json"],
        stdout=out,
        today=date(2024, 1, 15),
    ) == 0  # fmt: skip
    assert json.loads(out.getvalue())["schedule"][0]["due_date"] == "2024-02-29"
