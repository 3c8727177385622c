"""Writing parsed core-system rows to the database, all or nothing, and the record of each import.

The rows come from `cases.corebanking.rows`; see docs/import-format.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

#: Rows per INSERT or UPDATE query.
from cases.corebanking.rows import (
    BATCH_SIZE,
    LOOKUP_SIZE,
    AccountRow,
    ImportRejected,
    ImportResult,
    ImportSummary,
    RowError,
    TransactionRow,
    amount_sign_error,
    parse_rows,
    transaction_columns,
)
from cases.models import (
    CardAccount,
    ImportRun,
    Transaction,
)

# --- Database checks and writes --------------------------------------------------------------


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    size = min(LOOKUP_SIZE, (connection.features.max_query_params or LOOKUP_SIZE) - 10)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _account_ids(references: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(references))
    found: dict[str, int] = {}
    for chunk in _chunks(wanted):
        found.update(
            CardAccount.objects.filter(bank_reference__in=chunk).values_list("bank_reference", "id")
        )
    return found


TransactionContent = tuple[str, date, str, str, str, Decimal]


def transaction_contents(transactions: QuerySet[Transaction]) -> dict[str, TransactionContent]:
    """Each stored transaction's content as `TransactionRow.content()` gives it, by reference:
    what an import compares a row with."""
    rows = transactions.values_list(
        "bank_reference",
        "account__bank_reference",
        "posted_on",
        "description",
        "category",
        "kind",
        "amount",
    )
    return {reference: tuple(content) for reference, *content in rows}  # type: ignore[misc]


def _stored_transactions(references: Iterable[str]) -> dict[str, TransactionContent]:
    wanted = sorted(set(references))
    stored: dict[str, TransactionContent] = {}
    for chunk in _chunks(wanted):
        stored.update(transaction_contents(Transaction.objects.filter(bank_reference__in=chunk)))
    return stored


_CONTENT_COLUMNS = ("account_reference", "posted_on", "description", "category", "kind", "amount")


def _conflicts_with_database(
    rows: Sequence[TransactionRow],
    *,
    account_ids: dict[str, int] | None = None,
    stored: dict[str, TransactionContent] | None = None,
) -> list[RowError]:
    """Rows naming an unknown account, or re-using a reference for different content."""
    if account_ids is None:
        account_ids = _account_ids(row.account_reference for row in rows)
    if stored is None:
        stored = _stored_transactions(row.bank_reference for row in rows)
    errors: list[RowError] = []
    for row in rows:
        if row.account_reference not in account_ids:
            errors.append(
                RowError(
                    row.line,
                    "account_reference",
                    f"no account {row.account_reference}; import the accounts file first",
                )
            )
        previous = stored.get(row.bank_reference)
        if previous is not None and previous != row.content():
            changed = [
                column
                for column, old, new in zip(_CONTENT_COLUMNS, previous, row.content(), strict=True)
                if old != new
            ]
            errors.append(
                RowError(
                    row.line,
                    "transaction_reference",
                    f"{row.bank_reference} was already imported with a different "
                    f"{', '.join(changed)}; posted transactions cannot change",
                )
            )
    return errors


ACCOUNT_FIELDS = tuple(f.name for f in fields(AccountRow) if f.name != "line")


@transaction.atomic
def accounts_import(*, rows: Sequence[AccountRow]) -> ImportSummary:
    """Create new accounts and bring existing ones up to date, matched by bank reference.

    Only the bank's own fields are written: `holder`, the link a cardholder made by enrolling,
    is never touched, so a re-import cannot hand an account to someone else or take it away.
    """
    references = [row.bank_reference for row in rows]
    if len(set(references)) != len(references):
        raise ValueError("accounts_import: the same account reference appears twice.")
    existing: dict[str, CardAccount] = {}
    for chunk in _chunks(references):
        existing.update(
            (account.bank_reference, account)
            for account in CardAccount.objects.filter(bank_reference__in=chunk)
        )
    now = timezone.now()
    to_create: list[CardAccount] = []
    to_update: list[CardAccount] = []
    for row in rows:
        values = row.field_values()
        account = existing.get(row.bank_reference)
        if account is None:
            to_create.append(CardAccount(**values))
            continue
        if all(getattr(account, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(account, name, value)
        account.updated_at = now  # bulk_update does not apply auto_now
        to_update.append(account)
    CardAccount.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    CardAccount.objects.bulk_update(
        to_update, [*ACCOUNT_FIELDS, "updated_at"], batch_size=BATCH_SIZE
    )
    return ImportSummary(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
    )


@transaction.atomic
def transactions_import(*, rows: Sequence[TransactionRow]) -> ImportSummary:
    """Store transactions not seen before; ones already stored identically are left alone.

    Posted transactions never change, so a known reference with different content, or an
    unknown account, rejects the whole batch (`ImportRejected`). This is checked again here,
    inside the transaction, because the database may have changed since the file was parsed.
    """
    references = [row.bank_reference for row in rows]
    if len(set(references)) != len(references):
        raise ValueError("transactions_import: the same transaction reference appears twice.")
    account_ids = _account_ids(row.account_reference for row in rows)
    stored = _stored_transactions(references)
    errors = _conflicts_with_database(rows, account_ids=account_ids, stored=stored)
    if errors:
        raise ImportRejected(errors)
    new = [
        Transaction(
            account_id=account_ids[row.account_reference],
            bank_reference=row.bank_reference,
            posted_on=row.posted_on,
            description=row.description,
            category=row.category,
            kind=row.kind,
            amount=row.amount,
        )
        for row in rows
        if row.bank_reference not in stored
    ]
    Transaction.objects.bulk_create(new, batch_size=BATCH_SIZE)
    return ImportSummary(created=len(new), updated=0, unchanged=len(rows) - len(new))


def import_run_record(
    *,
    kind: str,
    path: Path,
    operator: str,
    summary: ImportSummary | None = None,
    errors: Sequence[RowError] = (),
) -> ImportRun:
    """Leave the audit record of an import (or of a refused one)."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = ""
    return ImportRun.objects.create(
        kind=kind,
        file_name=str(path)[-255:],
        file_sha256=digest,
        operator=operator[:150],
        succeeded=summary is not None,
        created=summary.created if summary else 0,
        updated=summary.updated if summary else 0,
        unchanged=summary.unchanged if summary else 0,
        error_count=len(errors),
        first_errors=[str(error) for error in errors[:20]],
    )


def parse_transactions(
    lines: Iterable[str], *, today: date | None = None
) -> ImportResult[TransactionRow]:
    """Check a transactions CSV, including against accounts and transactions already stored.

    Raises `ImportFileError` for a file that cannot be read as rows at all (bad header).
    """
    today = today or timezone.localdate()
    parsed, errors = parse_rows(
        lines, transaction_columns(today), reference_column="transaction_reference"
    )
    rows: list[TransactionRow] = []
    for row in parsed:
        problem = amount_sign_error(row.values["kind"], row.values["amount"])
        if problem:
            errors.append(RowError(row.line, "amount", problem))
        else:
            rows.append(TransactionRow(line=row.line, **row.values))
    errors.extend(_conflicts_with_database(rows))
    if errors:
        return ImportResult(rows=[], errors=sorted(errors, key=lambda error: error.line))
    return ImportResult(rows=rows, errors=[])
