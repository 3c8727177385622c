"""Write the arrangements the core system has not been sent yet (CSV and JSON), each once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from plans.arrangements import arrangements_export


class Command(BaseCommand):
    help = "Export new and changed arrangements for the core system (docs/arrangements.md)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--out", type=Path, default=settings.VAR_DIR / "exports", help="folder to write to"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        export = arrangements_export(folder=options["out"])
        self.stdout.write(
            f"{export.count} arrangements in batch {export.batch}: {export.csv_path}, "
            f"{export.json_path}"
        )
