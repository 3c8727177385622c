from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.enrolment.services import HOLDER_NOTICE_COLUMNS, holder_notices_export


class Command(BaseCommand):
    help = (
        "Write the notices for cardholders not yet exported to a CSV file for the core system, "
        "which sends them through the bank's own channel (text message or letter to the "
        "contact details on file), and mark them exported. Safe to run on a schedule: a "
        "notice is exported once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file to write (must not exist)")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if file.exists():
            raise CommandError(f"{file} exists; choose a new file name.")
        try:
            handle = file.open("x", newline="", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        with handle:
            writer = csv.writer(handle)
            writer.writerow(HOLDER_NOTICE_COLUMNS)
            count = holder_notices_export(write=writer.writerow)
        self.stdout.write(f"Exported {count} notices to {file}.")
