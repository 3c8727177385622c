from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cases import importers


def _operator() -> str:
    """Who ran the command, as the operating system knows them."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Command(BaseCommand):
    help = (
        "Add posted card transactions from the core system's CSV (docs/import-format.md). "
        "Their accounts must be imported first. A file with any bad row imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="UTF-8 CSV file with a header row")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            result = importers.parse_transactions(importers.read_csv_lines(file))
        except importers.ImportFileError as error:
            raise CommandError(str(error)) from None
        if result.errors:
            self._reject(file, result.errors)
        try:
            with transaction.atomic():
                summary = importers.transactions_import(rows=result.rows)
                importers.import_run_record(
                    kind="transactions", path=file, operator=_operator(), summary=summary
                )
        except importers.ImportRejected as rejected:
            # Another import changed the database between checking the file and writing it.
            self._reject(file, rejected.errors)
        self.stdout.write(str(summary))

    def _reject(self, file: Path, errors: list[importers.RowError]) -> NoReturn:
        importers.import_run_record(
            kind="transactions", path=file, operator=_operator(), errors=errors
        )
        for error in errors:
            self.stderr.write(str(error))
        raise CommandError(f"{file}: {importers.errors_summary(errors)}; nothing was imported.")
