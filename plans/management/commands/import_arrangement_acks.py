"""Read the core system's acknowledgements of exported arrangements (all or nothing).

CSV with a header row: arrangement_id, status (applied or rejected), applied_on (YYYY-MM-DD,
required when applied), note.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from plans.arrangements import Ack, acks_import

COLUMNS = ("arrangement_id", "status", "applied_on", "note")


class Command(BaseCommand):
    help = "Import the core system's acknowledgements of arrangements (docs/arrangements.md)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        acks, problems = [], []
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or set(COLUMNS) - set(reader.fieldnames):
                raise CommandError(f"The header must name the columns {', '.join(COLUMNS)}.")
            for number, row in enumerate(reader, start=2):
                status = (row["status"] or "").strip()
                applied = (row["applied_on"] or "").strip()
                try:
                    arrangement_id = int((row["arrangement_id"] or "").strip())
                    applied_on = date.fromisoformat(applied) if applied else None
                except ValueError:
                    problems.append(f"line {number}: arrangement_id or applied_on unreadable")
                    continue
                if status not in ("applied", "rejected"):
                    problems.append(f"line {number}: status must be applied or rejected")
                elif status == "applied" and applied_on is None:
                    problems.append(f"line {number}: applied_on is required when applied")
                else:
                    acks.append(
                        Ack(arrangement_id, status, applied_on, (row["note"] or "").strip())
                    )
        if problems:
            raise CommandError("Nothing imported:\n" + "\n".join(problems))
        try:
            changed = acks_import(acks)
        except ValueError as error:
            raise CommandError(f"Nothing imported: {error}") from None
        self.stdout.write(f"{changed} acknowledgements recorded.")
