"""The operator's imports of card accounts and transactions (docs/import-format.md)."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from cases.corebanking.imports import parse_transactions, transactions_import
from cases.corebanking.rows import ImportRejected
from cases.models import AccountStatus, CardAccount, Transaction
from tests.factories import CardAccountFactory, TransactionFactory

pytestmark = pytest.mark.django_db

ACCOUNT_COLUMNS = [
    "account_reference",
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
]
TRANSACTION_COLUMNS = [
    "transaction_reference",
    "account_reference",
    "posted_on",
    "description",
    "category",
    "kind",
    "amount",
]


def account_row(reference: str = "CA-0001", **changes: str) -> dict[str, str]:
    row = {
        "account_reference": reference,
        "holder_name": "Zhao Min",
        "card_last4": "0921",
        "holder_birth_date": "1985-03-09",
        "holder_id_last4": "312X",
        "product": "personal",
        "currency": "CNY",
        "credit_limit": "30000.00",
        "principal_balance": "14210.75",
        "interest_balance": "641.20",
        "penalty_interest_balance": "160.30",
        "fees_balance": "58.40",
        "apr": "18.25",
        "minimum_due": "4383.70",
        "payment_due_date": "2026-02-08",
        "days_past_due": "47",
        "status": "delinquent",
        "opened_on": "2021-07-01",
    }
    return {**row, **changes}


def purchase(reference: str = "TX-0001", **changes: str) -> dict[str, str]:
    row = {
        "transaction_reference": reference,
        "account_reference": "CA-0001",
        "posted_on": "2025-12-03",
        "description": "Hema Fresh (盒马鲜生)",
        "category": "groceries",
        "kind": "purchase",
        "amount": "236.80",
    }
    return {**row, **changes}


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(command: str, path: Path) -> tuple[str, str]:
    """Run an import command; returns (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command(command, str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(command: str, path: Path) -> tuple[str, str]:
    """Run an import command that must fail; returns (CommandError message, stderr)."""
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(command, str(path), stdout=io.StringIO(), stderr=err)
    return str(failure.value), err.getvalue()


@pytest.fixture
def stored_account(db: None) -> CardAccount:
    return CardAccountFactory.create(bank_reference="CA-0001")


# --- Accounts --------------------------------------------------------------------------------


def test_a_good_accounts_file_creates_every_account_with_its_values(tmp_path: Path) -> None:
    rows = [account_row("CA-0001"), account_row("CA-0002", product="small_business", opened_on="")]
    out, err = run("import_accounts", write_csv(tmp_path / "a.csv", ACCOUNT_COLUMNS, rows))

    assert out.strip() == "Imported: 2 created, 0 updated, 0 unchanged."
    assert err == ""
    first = CardAccount.objects.get(bank_reference="CA-0001")
    assert first.holder is None
    assert first.card_last4 == "0921"
    assert first.holder_birth_date == date(1985, 3, 9)
    assert first.holder_id_last4 == "312X"
    assert first.principal_balance == Decimal("14210.75")
    assert first.apr == Decimal("18.25")
    assert first.days_past_due == 47
    assert first.status == AccountStatus.DELINQUENT
    assert first.payment_due_date == date(2026, 2, 8)
    second = CardAccount.objects.get(bank_reference="CA-0002")
    assert second.product == "small_business"
    assert second.opened_on is None


def test_importing_the_same_accounts_file_again_changes_nothing(tmp_path: Path) -> None:
    rows = [account_row("CA-0001"), account_row("CA-0002")]
    path = write_csv(tmp_path / "a.csv", ACCOUNT_COLUMNS, rows)
    run("import_accounts", path)
    before = {a.bank_reference: a.updated_at for a in CardAccount.objects.all()}

    out, _err = run("import_accounts", path)

    assert out.strip() == "Imported: 0 created, 0 updated, 2 unchanged."
    assert {a.bank_reference: a.updated_at for a in CardAccount.objects.all()} == before


def test_a_changed_row_updates_the_bank_fields_but_keeps_the_enrolled_holder(
    tmp_path: Path, cardholder: User
) -> None:
    run("import_accounts", write_csv(tmp_path / "a.csv", ACCOUNT_COLUMNS, [account_row()]))
    CardAccount.objects.filter(bank_reference="CA-0001").update(holder=cardholder)
    changed = account_row(
        principal_balance="14800.00",
        fees_balance="120.00",
        days_past_due="78",
        payment_due_date="",
        status="delinquent",
    )

    out, _err = run("import_accounts", write_csv(tmp_path / "b.csv", ACCOUNT_COLUMNS, [changed]))

    assert out.strip() == "Imported: 0 created, 1 updated, 0 unchanged."
    updated = CardAccount.objects.get(bank_reference="CA-0001")
    assert updated.holder == cardholder
    assert updated.principal_balance == Decimal("14800.00")
    assert updated.fees_balance == Decimal("120.00")
    assert updated.days_past_due == 78
    assert updated.payment_due_date is None


def test_optional_columns_may_be_left_out_of_the_header(tmp_path: Path) -> None:
    columns = [c for c in ACCOUNT_COLUMNS if c not in ("payment_due_date", "opened_on")]
    row = {c: v for c, v in account_row().items() if c in columns}

    out, _err = run("import_accounts", write_csv(tmp_path / "a.csv", columns, [row]))

    assert "1 created" in out
    assert CardAccount.objects.get().opened_on is None


def test_the_cards_minimum_payment_rule_is_imported_and_kept_when_left_out(
    tmp_path: Path,
) -> None:
    rule_columns = [
        "minimum_payment_percent",
        "minimum_payment_floor",
        "minimum_payment_plus_interest",
    ]
    rule = {
        "minimum_payment_percent": "5",
        "minimum_payment_floor": "50.00",
        "minimum_payment_plus_interest": "no",
    }
    out, _err = run(
        "import_accounts",
        write_csv(tmp_path / "a.csv", ACCOUNT_COLUMNS + rule_columns, [account_row(**rule)]),
    )
    assert "1 created" in out
    account = CardAccount.objects.get()
    imported = account.minimum_payment_rule()
    assert (imported.percent_of_balance, imported.floor, imported.plus_interest_and_fees) == (
        Decimal("5.00"),
        Decimal("50.00"),
        False,
    )
    # A later file without the columns changes the balance but keeps the card's rule.
    run(
        "import_accounts",
        write_csv(tmp_path / "b.csv", ACCOUNT_COLUMNS, [account_row(fees_balance="60.00")]),
    )
    account.refresh_from_db()
    assert account.fees_balance == Decimal("60.00")
    assert account.minimum_payment_rule() == imported
    # A bad value is reported with its line, and nothing changes.
    bad = account_row(**{**rule, "minimum_payment_plus_interest": "maybe"})
    with pytest.raises(CommandError):
        run("import_accounts", write_csv(tmp_path / "c.csv", ACCOUNT_COLUMNS + rule_columns, [bad]))
    account.refresh_from_db()
    assert account.minimum_payment_rule() == imported


def test_a_new_account_without_the_columns_gets_the_chinese_card_rule(tmp_path: Path) -> None:
    run("import_accounts", write_csv(tmp_path / "a.csv", ACCOUNT_COLUMNS, [account_row()]))
    rule = CardAccount.objects.get().minimum_payment_rule()
    assert (rule.percent_of_balance, rule.floor, rule.plus_interest_and_fees) == (
        Decimal("10.00"),
        Decimal("100.00"),
        True,
    )


def test_a_lowercase_x_in_the_id_is_stored_as_the_capital_x_printed_on_id_cards(
    tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "a.csv", ACCOUNT_COLUMNS, [account_row(holder_id_last4="312x")])
    run("import_accounts", path)
    assert CardAccount.objects.get().holder_id_last4 == "312X"


TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("account_reference", "", "required"),
        ("account_reference", "A" * 41, "longer than 40 characters"),
        ("account_reference", "CA 0002", "must not contain spaces"),
        ("holder_name", "", "required"),
        ("card_last4", "921", "exactly 4 digits"),
        ("card_last4", "12a4", "exactly 4 digits"),
        ("holder_birth_date", "17/05/1988", "YYYY-MM-DD"),
        ("holder_birth_date", "1988-02-30", "not a real date"),
        ("holder_birth_date", TOMORROW, "in the future"),
        ("holder_id_last4", "X123", "final X"),
        ("holder_id_last4", "12345", "4 characters"),
        ("product", "gold", "not one of personal, small_business"),
        ("currency", "cny", "3 uppercase letters"),
        ("credit_limit", "30,000.00", "decimal point"),
        ("credit_limit", "1e5", "decimal point"),
        ("principal_balance", "100.555", "more than 2 decimal places"),
        ("principal_balance", "1000000000000.00", "too large"),
        ("interest_balance", "-1.00", "must not be negative"),
        ("penalty_interest_balance", "abc", "decimal point"),
        ("fees_balance", "", "required"),
        ("apr", "101", "between 0 and 100"),
        ("apr", "18.255", "more than 2 decimal places"),
        ("minimum_due", "-5", "must not be negative"),
        ("payment_due_date", "2026-13-01", "not a real date"),
        ("days_past_due", "-3", "whole number"),
        ("days_past_due", "4.5", "whole number"),
        ("status", "overdue", "not one of current, delinquent, charged_off, closed"),
        ("opened_on", TOMORROW, "in the future"),
    ],
)
def test_a_bad_account_cell_is_reported_with_its_line_and_nothing_is_imported(
    tmp_path: Path, column: str, value: str, reason: str
) -> None:
    rows = [
        account_row("CA-0001"),
        account_row("CA-0002", **{column: value}),
        account_row("CA-0003"),
    ]
    path = write_csv(tmp_path / "a.csv", ACCOUNT_COLUMNS, rows)

    message, stderr = run_failing("import_accounts", path)

    assert message.endswith("a.csv: 1 error in 1 row; nothing was imported.")
    [line] = stderr.strip().splitlines()
    assert line.startswith(f"line 3: {column}: ")
    assert reason in line
    assert not CardAccount.objects.exists()


def test_a_bad_last_row_stops_the_whole_file(tmp_path: Path) -> None:
    rows = [account_row(f"CA-{n:04d}") for n in range(1, 6)]
    rows.append(account_row("CA-0006", apr="eighteen"))
    path = write_csv(tmp_path / "a.csv", ACCOUNT_COLUMNS, rows)

    _message, stderr = run_failing("import_accounts", path)

    assert stderr.strip().splitlines() == [
        "line 7: apr: must be a number like 1234.56 (decimal point, no thousands separators), "
        "got 'eighteen'"
    ]
    assert not CardAccount.objects.exists()


def test_every_bad_cell_is_reported_not_only_the_first(tmp_path: Path) -> None:
    rows = [account_row(card_last4="12", currency="RMB1"), account_row("CA-0002", status="")]
    path = write_csv(tmp_path / "a.csv", ACCOUNT_COLUMNS, rows)

    message, stderr = run_failing("import_accounts", path)

    lines = stderr.strip().splitlines()
    assert [line.split(":")[:2] for line in lines] == [
        ["line 2", " card_last4"],
        ["line 2", " currency"],
        ["line 3", " status"],
    ]
    assert "3 errors in 2 rows" in message


def test_a_reference_repeated_in_the_file_is_a_bad_row(tmp_path: Path) -> None:
    rows = [
        account_row("CA-0001"),
        account_row("CA-0002"),
        account_row("CA-0001", fees_balance="1.00"),
    ]
    path = write_csv(tmp_path / "a.csv", ACCOUNT_COLUMNS, rows)

    _message, stderr = run_failing("import_accounts", path)

    assert stderr.strip() == ("line 4: account_reference: CA-0001 appears twice (first on line 2)")
    assert not CardAccount.objects.exists()


def test_a_row_with_too_few_values_is_a_bad_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ACCOUNT_COLUMNS, [account_row()])
    with path.open("a", encoding="utf-8") as file:
        file.write("CA-0002,Sun Hao,0921\n")

    _message, stderr = run_failing("import_accounts", path)

    assert stderr.strip() == "line 3: row: has 3 values, the header has 18"


def test_line_numbers_count_physical_lines_including_quoted_line_breaks(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        ACCOUNT_COLUMNS,
        [account_row("CA-0001", holder_name="Qian Lu Trading\nCo., Ltd."), account_row("CA-0002")],
    )
    with path.open("a", encoding="utf-8") as file:
        file.write("\n")  # a blank line is skipped but still counted
    with path.open("a", encoding="utf-8", newline="") as file:
        csv.DictWriter(file, fieldnames=ACCOUNT_COLUMNS).writerow(account_row("CA-0003", apr="200"))

    _message, stderr = run_failing("import_accounts", path)

    assert stderr.strip().startswith("line 6: apr: ")


def test_a_header_missing_required_columns_is_one_clear_error(tmp_path: Path) -> None:
    columns = [c for c in ACCOUNT_COLUMNS if c not in ("card_last4", "apr")]
    row = {c: v for c, v in account_row().items() if c in columns}

    message, stderr = run_failing("import_accounts", write_csv(tmp_path / "a.csv", columns, [row]))

    assert "missing required columns: card_last4, apr" in message
    assert stderr == ""
    assert not CardAccount.objects.exists()


def test_an_unknown_column_is_refused_rather_than_silently_ignored(tmp_path: Path) -> None:
    columns = [*ACCOUNT_COLUMNS, "opened_at"]
    message, _stderr = run_failing(
        "import_accounts",
        write_csv(tmp_path / "a.csv", columns, [{**account_row(), "opened_at": "2020-01-01"}]),
    )
    assert "unknown columns: opened_at" in message


def test_a_file_that_is_not_utf8_is_refused_with_one_error_line(tmp_path: Path) -> None:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=ACCOUNT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(account_row(holder_name="赵敏"))
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.getvalue().encode("gbk"))

    message, stderr = run_failing("import_accounts", path)

    assert "not UTF-8" in message
    assert "line 2" in message
    assert "\n" not in message
    assert stderr == ""
    assert not CardAccount.objects.exists()


def test_an_excel_workbook_given_by_mistake_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "accounts.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)

    message, _stderr = run_failing("import_accounts", path)

    assert message == f"{path}: looks like an Excel workbook; save it as CSV UTF-8."


def test_a_utf8_file_with_a_byte_order_mark_from_excel_imports(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ACCOUNT_COLUMNS, [account_row(holder_name="赵敏")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    out, _err = run("import_accounts", path)

    assert "1 created" in out
    assert CardAccount.objects.get().holder_name == "赵敏"


def test_a_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    message, _stderr = run_failing("import_accounts", tmp_path / "nowhere.csv")
    assert message == f"{tmp_path / 'nowhere.csv'}: no such file."


def test_an_empty_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    message, _stderr = run_failing("import_transactions", path)
    assert "empty" in message


def test_manage_py_exits_non_zero_without_a_traceback(tmp_path: Path) -> None:
    # The operator's view: the real command line, not call_command.
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "import_accounts", str(tmp_path / "nowhere.csv")],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- Transactions ----------------------------------------------------------------------------


def test_a_good_transactions_file_is_stored_and_a_second_import_changes_nothing(
    tmp_path: Path, stored_account: CardAccount
) -> None:
    rows = [
        purchase("TX-0001"),
        purchase("TX-0002", kind="refund", category="shopping", amount="-399.00"),
        purchase("TX-0003", kind="payment", category="payment", amount="-6120"),
        purchase("TX-0004", kind="interest", category="fees", amount="213.16"),
    ]
    path = write_csv(tmp_path / "t.csv", TRANSACTION_COLUMNS, rows)

    out, _err = run("import_transactions", path)
    again, _err = run("import_transactions", path)

    assert out.strip() == "Imported: 4 created, 0 updated, 0 unchanged."
    assert again.strip() == "Imported: 0 created, 0 updated, 4 unchanged."
    amounts = dict(
        Transaction.objects.filter(account=stored_account).values_list("bank_reference", "amount")
    )
    assert amounts == {
        "TX-0001": Decimal("236.80"),
        "TX-0002": Decimal("-399.00"),
        "TX-0003": Decimal("-6120.00"),
        "TX-0004": Decimal("213.16"),
    }


def test_a_posted_transaction_cannot_be_changed_by_a_later_file(
    tmp_path: Path, stored_account: CardAccount
) -> None:
    TransactionFactory.create(
        account=stored_account,
        bank_reference="TX-0001",
        posted_on=date(2025, 12, 3),
        description="Hema Fresh (盒马鲜生)",
        amount=Decimal("236.80"),
    )
    rows = [purchase("TX-0002"), purchase("TX-0001", amount="263.80")]

    message, stderr = run_failing(
        "import_transactions", write_csv(tmp_path / "t.csv", TRANSACTION_COLUMNS, rows)
    )

    assert stderr.strip() == (
        "line 3: transaction_reference: TX-0001 was already imported with a different amount; "
        "posted transactions cannot change"
    )
    assert "nothing was imported" in message
    assert Transaction.objects.get(bank_reference="TX-0001").amount == Decimal("236.80")
    assert not Transaction.objects.filter(bank_reference="TX-0002").exists()


@pytest.mark.parametrize(
    ("kind", "amount", "reason"),
    [
        ("payment", "500.00", "must be negative"),
        ("refund", "20.00", "must be negative"),
        ("purchase", "-10.00", "must be positive"),
        ("cash_advance", "-100", "must be positive"),
        ("fee", "-1.00", "must be positive"),
        ("interest", "-0.01", "must be positive"),
        ("purchase", "0.00", "must not be zero"),
        ("payment", "-0", "must not be zero"),
    ],
)
def test_an_amount_whose_sign_contradicts_its_kind_is_a_bad_row(
    tmp_path: Path, stored_account: CardAccount, kind: str, amount: str, reason: str
) -> None:
    rows = [purchase("TX-0001"), purchase("TX-0002", kind=kind, amount=amount)]

    _message, stderr = run_failing(
        "import_transactions", write_csv(tmp_path / "t.csv", TRANSACTION_COLUMNS, rows)
    )

    [line] = stderr.strip().splitlines()
    assert line.startswith("line 3: amount: ")
    assert reason in line
    assert not Transaction.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("account_reference", "CA-9999", "no account CA-9999; import the accounts file first"),
        ("posted_on", TOMORROW, "in the future"),
        ("posted_on", "2025-12-3", "YYYY-MM-DD"),
        ("description", "", "required"),
        ("description", "x" * 201, "longer than 200 characters"),
        ("category", "food", "is not one of groceries"),
        ("kind", "transfer", "is not one of purchase"),
        ("amount", "12.345", "more than 2 decimal places"),
        ("amount", "¥12.00", "decimal point"),
        ("transaction_reference", "T" * 61, "longer than 60 characters"),
    ],
)
def test_a_bad_transaction_cell_is_reported_with_its_line_and_nothing_is_imported(
    tmp_path: Path, stored_account: CardAccount, column: str, value: str, reason: str
) -> None:
    rows = [purchase("TX-0001"), purchase("TX-0002"), purchase("TX-0003", **{column: value})]

    message, stderr = run_failing(
        "import_transactions", write_csv(tmp_path / "t.csv", TRANSACTION_COLUMNS, rows)
    )

    [line] = stderr.strip().splitlines()
    assert line.startswith(f"line 4: {column}: ")
    assert reason in line
    assert "1 error in 1 row" in message
    assert not Transaction.objects.exists()


def test_a_transaction_reference_repeated_in_the_file_is_a_bad_row(
    tmp_path: Path, stored_account: CardAccount
) -> None:
    rows = [purchase("TX-0001"), purchase("TX-0001")]
    _message, stderr = run_failing(
        "import_transactions", write_csv(tmp_path / "t.csv", TRANSACTION_COLUMNS, rows)
    )
    assert stderr.strip() == (
        "line 3: transaction_reference: TX-0001 appears twice (first on line 2)"
    )


def test_a_conflict_arising_after_the_file_was_checked_still_writes_nothing(
    stored_account: CardAccount,
) -> None:
    # Another import may store the same reference between checking a file and writing it.
    lines = io.StringIO()
    writer = csv.DictWriter(lines, fieldnames=TRANSACTION_COLUMNS)
    writer.writeheader()
    writer.writerows([purchase("TX-0001"), purchase("TX-0002")])
    result = parse_transactions(lines.getvalue().splitlines(keepends=True))
    assert result.ok
    TransactionFactory.create(
        account=stored_account,
        bank_reference="TX-0002",
        posted_on=date(2025, 12, 3),
        description="Hema Fresh (盒马鲜生)",
        amount=Decimal("1.00"),
    )

    with pytest.raises(ImportRejected) as rejected:
        transactions_import(rows=result.rows)

    assert [str(error) for error in rejected.value.errors] == [
        "line 3: transaction_reference: TX-0002 was already imported with a different "
        "amount; posted transactions cannot change"
    ]
    assert not Transaction.objects.filter(bank_reference="TX-0001").exists()


def test_ten_thousand_transactions_import_without_a_query_per_row(
    tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    accounts = CardAccountFactory.create_batch(20)
    rows = [
        purchase(
            f"TX-{n:06d}",
            account_reference=accounts[n % 20].bank_reference,
            amount=f"{n % 900 + 10}.{n % 100:02d}",
        )
        for n in range(10_000)
    ]
    path = write_csv(tmp_path / "t.csv", TRANSACTION_COLUMNS, rows)

    # Batches, not rows: SQLite's parameter cap splits the work into about a hundred queries.
    with django_assert_max_num_queries(200):
        out, _err = run("import_transactions", path)

    assert out.strip() == "Imported: 10000 created, 0 updated, 0 unchanged."
    assert Transaction.objects.count() == 10_000


def test_the_sample_files_in_the_docs_import_cleanly() -> None:
    samples = Path(settings.BASE_DIR) / "docs" / "samples"

    accounts_out, _err = run("import_accounts", samples / "accounts.csv")
    transactions_out, _err = run("import_transactions", samples / "transactions.csv")

    assert re.fullmatch(r"Imported: [1-9][0-9]* created, 0 updated, 0 unchanged\.\n", accounts_out)
    assert re.fullmatch(
        r"Imported: [1-9][0-9]* created, 0 updated, 0 unchanged\.\n", transactions_out
    )
    assert CardAccount.objects.count() >= 3
    assert Transaction.objects.count() >= 5


def test_every_import_leaves_an_audit_record(tmp_path):
    from cases.models import ImportRun

    good = tmp_path / "accounts.csv"
    good.write_text(Path("docs/samples/accounts.csv").read_text(encoding="utf-8"), encoding="utf-8")
    call_command("import_accounts", str(good), stdout=StringIO())
    run = ImportRun.objects.get()
    assert (run.kind, run.succeeded, run.error_count) == ("accounts", True, 0)
    assert run.created == CardAccount.objects.count()
    assert run.created > 0
    assert len(run.file_sha256) == 64

    bad = tmp_path / "bad.csv"
    lines = good.read_text(encoding="utf-8").splitlines()
    bad.write_text(
        "\n".join([lines[0], lines[1].replace("personal", "yacht")]) + "\n", encoding="utf-8"
    )
    with pytest.raises(CommandError):
        call_command("import_accounts", str(bad), stdout=StringIO(), stderr=StringIO())
    refused = ImportRun.objects.get(succeeded=False)
    assert refused.error_count >= 1
    assert refused.first_errors[0].startswith("line 2:")
