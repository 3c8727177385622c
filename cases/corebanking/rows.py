"""The core system's CSV formats: reading a file and parsing its rows into typed rows or a list
of `RowError`s (docs/import-format.md).

Parsing and writing are separate steps so that a file is checked completely before anything is
written: `parse_accounts` / `parse_transactions` here, then `accounts_import` /
`transactions_import` in `cases.corebanking.imports`, in one transaction. Both imports are
idempotent by the bank's reference.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, TypeVar

from django.db.models import TextChoices
from django.utils import timezone

from cases.models import (
    AccountStatus,
    Category,
    Product,
    TransactionKind,
)

#: Rows per INSERT or UPDATE query.
BATCH_SIZE = 1000
#: References per `IN (...)` lookup, within SQLite's cap on query parameters.
LOOKUP_SIZE = 5000

_MONEY_INTEGER_DIGITS = 12  # MONEY is 14 digits with 2 decimal places
_MAX_POSITIVE_INTEGER = 2_147_483_647  # PositiveIntegerField on PostgreSQL
_EARLIEST_DATE = date(1900, 1, 1)
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CENT = Decimal("0.01")


# --- Results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One broken rule in one cell; `line` is the physical line in the file (header is 1)."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.reason}"


class ImportFileError(Exception):
    """The file as a whole cannot be imported (missing, not UTF-8, bad header)."""


class ImportRejected(Exception):
    """Rows that the database refuses; nothing was written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__(f"{errors_summary(self.errors)}; nothing was imported.")


@dataclass(frozen=True)
class AccountRow:
    """One account as the core system reports it, named after `CardAccount`'s fields."""

    bank_reference: str
    holder_name: str
    card_last4: str
    holder_birth_date: date
    holder_id_last4: str
    product: str
    currency: str
    credit_limit: Decimal
    principal_balance: Decimal
    interest_balance: Decimal
    penalty_interest_balance: Decimal
    fees_balance: Decimal
    apr: Decimal
    minimum_due: Decimal
    payment_due_date: date | None
    days_past_due: int
    status: str
    opened_on: date | None
    # The card's own minimum-payment rule; when a column is absent or empty, the account keeps
    # the rule it has (a new account gets the product default).
    minimum_payment_percent: Decimal | None = None
    minimum_payment_floor: Decimal | None = None
    minimum_payment_plus_interest: bool | None = None
    line: int = 0

    def field_values(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "line"
            and not (f.name in MINIMUM_PAYMENT_FIELDS and getattr(self, f.name) is None)
        }


MINIMUM_PAYMENT_FIELDS = frozenset(
    {"minimum_payment_percent", "minimum_payment_floor", "minimum_payment_plus_interest"}
)


@dataclass(frozen=True)
class TransactionRow:
    """One posted transaction; spending is positive, payments and refunds negative."""

    bank_reference: str
    account_reference: str
    posted_on: date
    description: str
    category: str
    kind: str
    amount: Decimal
    line: int = 0

    def content(self) -> tuple[str, date, str, str, str, Decimal]:
        return (
            self.account_reference,
            self.posted_on,
            self.description,
            self.category,
            self.kind,
            self.amount,
        )


RowT = TypeVar("RowT", AccountRow, TransactionRow)


@dataclass(frozen=True)
class ImportResult(Generic[RowT]):
    """What parsing a file found: the rows if every one is good, else every error."""

    rows: list[RowT]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return (
            f"Imported: {self.created} created, {self.updated} updated, {self.unchanged} unchanged."
        )


def errors_summary(errors: Sequence[RowError]) -> str:
    """ "1 error in 1 row", "5 errors in 3 rows": the operator's one-line verdict."""
    rows = len({error.line for error in errors})
    return (
        f"{len(errors)} error{'s' if len(errors) != 1 else ''} "
        f"in {rows} row{'s' if rows != 1 else ''}"
    )


# --- Reading ---------------------------------------------------------------------------------


def read_csv_lines(path: Path) -> list[str]:
    """The file's lines, decoded as UTF-8 (a byte-order mark is allowed, as Excel writes one)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file.") from None
    except OSError as error:
        raise ImportFileError(f"{path}: cannot be read ({error.strerror}).") from None
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(f"{path}: looks like an Excel workbook; save it as CSV UTF-8.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            f"{path}: not UTF-8 text (first bad byte on line {line}); save it as UTF-8 CSV."
        ) from None
    # newline="" splits on line ends only and keeps them, as the csv module expects;
    # str.splitlines() would also split on characters such as U+2028 inside a description.
    return list(io.StringIO(text, newline=""))


# --- Cell rules ------------------------------------------------------------------------------


class _BadValue(Exception):
    """A cell that breaks its column's rule; the message is what the operator reads."""


CellParser = Callable[[str], Any]


@dataclass(frozen=True)
class _Column:
    name: str
    field: str
    parse: CellParser
    required: bool = True


def _text(max_length: int) -> CellParser:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise _BadValue(f"longer than {max_length} characters")
        return value

    return parse


def _reference(max_length: int) -> CellParser:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise _BadValue(f"longer than {max_length} characters")
        if any(char.isspace() for char in value):
            raise _BadValue("must not contain spaces")
        return value

    return parse


def _digits4(value: str) -> str:
    if not re.fullmatch(r"[0-9]{4}", value):
        raise _BadValue(f"must be exactly 4 digits, got {value!r}")
    return value


def _id_last4(value: str) -> str:
    # Chinese resident ID numbers end in a check character that can be X (never elsewhere).
    if not re.fullmatch(r"[0-9]{3}[0-9Xx]", value):
        raise _BadValue(f"must be 4 characters, digits or a final X, got {value!r}")
    return value.upper()


def _currency(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise _BadValue(f"must be 3 uppercase letters (ISO 4217), got {value!r}")
    return value


def _choice(choices: type[TextChoices]) -> CellParser:
    allowed = [str(choice) for choice in choices.values]

    def parse(value: str) -> str:
        if value not in allowed:
            raise _BadValue(f"{value!r} is not one of {', '.join(allowed)}")
        return value

    return parse


def _date(*, today: date | None = None) -> CellParser:
    """An ISO date; with `today`, a date after today is refused."""

    def parse(value: str) -> date:
        if not _ISO_DATE.fullmatch(value):
            raise _BadValue(f"must be a date as YYYY-MM-DD, got {value!r}")
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise _BadValue(f"{value} is not a real date") from None
        if parsed < _EARLIEST_DATE:
            raise _BadValue(f"{value} is before {_EARLIEST_DATE.isoformat()}")
        if today is not None and parsed > today:
            raise _BadValue(f"{value} is in the future (today is {today.isoformat()})")
        return parsed

    return parse


def _decimal(value: str, *, places: int = 2) -> Decimal:
    if not _NUMBER.fullmatch(value):
        raise _BadValue(
            f"must be a number like 1234.56 (decimal point, no thousands separators), got {value!r}"
        )
    number = Decimal(value)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise _BadValue(f"{value} has more than {places} decimal places")
    return number


def _money(*, signed: bool = False) -> CellParser:
    def parse(value: str) -> Decimal:
        number = _decimal(value)
        if number < 0 and not signed:
            raise _BadValue(f"{value} must not be negative")
        if abs(number) >= Decimal(10) ** _MONEY_INTEGER_DIGITS:
            raise _BadValue(f"{value} is too large (at most {_MONEY_INTEGER_DIGITS} digits)")
        return number.quantize(CENT)

    return parse


def _apr(value: str) -> Decimal:
    number = _decimal(value)
    if not Decimal(0) <= number <= Decimal(100):
        raise _BadValue(f"{value} must be between 0 and 100 (a yearly percentage)")
    return number.quantize(CENT)


def _percent(value: str) -> Decimal:
    number = _decimal(value)
    if not Decimal(0) <= number <= Decimal(100):
        raise _BadValue(f"{value} must be between 0 and 100 (a percentage)")
    return number.quantize(CENT)


def _yes_no(value: str) -> bool:
    answers = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
    answer = answers.get(value.lower())
    if answer is None:
        raise _BadValue(f"must be yes or no, got {value!r}")
    return answer


def _days(value: str) -> int:
    if not re.fullmatch(r"[0-9]+", value):
        raise _BadValue(f"must be a whole number of days, 0 or more, got {value!r}")
    days = int(value)
    if days > _MAX_POSITIVE_INTEGER:
        raise _BadValue(f"{value} is too large")
    return days


def account_columns(today: date) -> list[_Column]:
    money = _money()
    return [
        _Column("account_reference", "bank_reference", _reference(40)),
        _Column("holder_name", "holder_name", _text(150)),
        _Column("card_last4", "card_last4", _digits4),
        _Column("holder_birth_date", "holder_birth_date", _date(today=today)),
        _Column("holder_id_last4", "holder_id_last4", _id_last4),
        _Column("product", "product", _choice(Product)),
        _Column("currency", "currency", _currency),
        _Column("credit_limit", "credit_limit", money),
        _Column("principal_balance", "principal_balance", money),
        _Column("interest_balance", "interest_balance", money),
        _Column("penalty_interest_balance", "penalty_interest_balance", money),
        _Column("fees_balance", "fees_balance", money),
        _Column("apr", "apr", _apr),
        _Column("minimum_due", "minimum_due", money),
        _Column("payment_due_date", "payment_due_date", _date(), required=False),
        _Column("days_past_due", "days_past_due", _days),
        _Column("status", "status", _choice(AccountStatus)),
        _Column("opened_on", "opened_on", _date(today=today), required=False),
        _Column("minimum_payment_percent", "minimum_payment_percent", _percent, required=False),
        _Column("minimum_payment_floor", "minimum_payment_floor", money, required=False),
        _Column(
            "minimum_payment_plus_interest",
            "minimum_payment_plus_interest",
            _yes_no,
            required=False,
        ),
    ]


def transaction_columns(today: date) -> list[_Column]:
    return [
        _Column("transaction_reference", "bank_reference", _reference(60)),
        _Column("account_reference", "account_reference", _reference(40)),
        _Column("posted_on", "posted_on", _date(today=today)),
        _Column("description", "description", _text(200)),
        _Column("category", "category", _choice(Category)),
        _Column("kind", "kind", _choice(TransactionKind)),
        _Column("amount", "amount", _money(signed=True)),
    ]


# --- Parsing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ParsedRow:
    line: int
    values: dict[str, Any]


def parse_rows(
    lines: Iterable[str], columns: list[_Column], *, reference_column: str
) -> tuple[list[_ParsedRow], list[RowError]]:
    """Check the header and every cell; rows come back only where every cell is good."""
    reader = csv.reader(lines)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise ImportFileError("The file is empty: expected a header row.") from None
    except csv.Error as error:
        raise ImportFileError(f"line 1: not valid CSV ({error}).") from None
    check_header(header, columns)

    rows: list[_ParsedRow] = []
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(line, "row", f"not valid CSV ({error})"))
            break
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, such as a trailing one, carry no row
        if len(cells) != len(header):
            errors.append(
                RowError(line, "row", f"has {len(cells)} values, the header has {len(header)}")
            )
            continue
        cell_by_name = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        values: dict[str, Any] = {}
        row_errors: list[RowError] = []
        for column in columns:
            value = cell_by_name.get(column.name, "")
            if value == "":
                if column.required:
                    row_errors.append(RowError(line, column.name, "required"))
                values[column.field] = None
                continue
            try:
                values[column.field] = column.parse(value)
            except _BadValue as error:
                row_errors.append(RowError(line, column.name, str(error)))
        reference = cell_by_name.get(reference_column, "")
        if reference:
            if reference in first_line_of:
                row_errors.append(
                    RowError(
                        line,
                        reference_column,
                        f"{reference} appears twice (first on line {first_line_of[reference]})",
                    )
                )
            else:
                first_line_of[reference] = line
        errors.extend(row_errors)
        if not row_errors:
            rows.append(_ParsedRow(line, values))
    return rows, errors


def check_header(header: list[str], columns: list[_Column]) -> None:
    known = [column.name for column in columns]
    problems: list[str] = []
    missing = [c.name for c in columns if c.required and c.name not in header]
    if missing:
        problems.append(f"missing required columns: {', '.join(missing)}")
    unknown = [name for name in header if name not in known]
    if unknown:
        # A misspelt optional column would otherwise be silently dropped.
        problems.append(f"unknown columns: {', '.join(unknown)}")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        problems.append(f"repeated columns: {', '.join(repeated)}")
    if problems:
        raise ImportFileError(
            f"line 1: bad header: {'; '.join(problems)}. Expected columns: {', '.join(known)}."
        )


def parse_accounts(lines: Iterable[str], *, today: date | None = None) -> ImportResult[AccountRow]:
    """Check an accounts CSV (header first) and return its rows, or every bad cell.

    Raises `ImportFileError` for a file that cannot be read as rows at all (bad header).
    """
    today = today or timezone.localdate()
    parsed, errors = parse_rows(lines, account_columns(today), reference_column="account_reference")
    if errors:
        return ImportResult(rows=[], errors=errors)
    rows = [AccountRow(line=row.line, **row.values) for row in parsed]
    return ImportResult(rows=rows, errors=[])


_CREDIT_KINDS = frozenset({TransactionKind.PAYMENT, TransactionKind.REFUND})


def amount_sign_error(kind: str, amount: Decimal) -> str | None:
    if amount == 0:
        return "must not be zero"
    if kind in _CREDIT_KINDS and amount > 0:
        return f"a {kind} reduces the balance, so it must be negative (got {amount})"
    if kind not in _CREDIT_KINDS and amount < 0:
        return f"a {kind} adds to the balance, so it must be positive (got {amount})"
    return None
