"""The import commands' shared body: read and parse the whole file, refuse it whole with every
bad row listed, or write it in one transaction; every run, refused or not, is recorded."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cases.corebanking.imports import ImportSummary, import_run_record
from cases.corebanking.rows import (
    ImportFileError,
    ImportRejected,
    ImportResult,
    RowError,
    errors_summary,
    read_csv_lines,
)


def _operator() -> str:
    """Who ran the command, as the operating system knows them."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class ImportCommand(BaseCommand):
    """Subclasses name the `kind` of data and the `parse` and `write` steps for it."""

    kind: str
    parse: Callable[[list[str]], ImportResult[Any]]
    write: Callable[..., ImportSummary]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="UTF-8 CSV file with a header row")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            result = type(self).parse(read_csv_lines(file))
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        if result.errors:
            self._reject(file, result.errors)
        try:
            with transaction.atomic():
                summary = type(self).write(rows=result.rows)
                import_run_record(kind=self.kind, path=file, operator=_operator(), summary=summary)
        except ImportRejected as rejected:
            # Another import changed the database between checking the file and writing it.
            self._reject(file, rejected.errors)
        self.stdout.write(str(summary))

    def _reject(self, file: Path, errors: Sequence[RowError]) -> NoReturn:
        import_run_record(kind=self.kind, path=file, operator=_operator(), errors=list(errors))
        for error in errors:
            self.stderr.write(str(error))
        raise CommandError(f"{file}: {errors_summary(errors)}; nothing was imported.")
