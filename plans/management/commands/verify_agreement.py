"""Check a PDF: exit 0 only for an authentic, unchanged agreement signed by this bank."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from plans.verification import MAX_PDF_BYTES, verify

_REASONS = {
    "not_pdf": "the file is not a PDF",
    "unknown": "the file is not one the bank signed, or it was changed after signing",
    "signature_invalid": "the bank's signature on the file does not hold",
}


class Command(BaseCommand):
    help = "Verify that a PDF is an authentic, unchanged agreement of this bank."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.stat().st_size > MAX_PDF_BYTES:
            raise CommandError(f"{path}: larger than any agreement ({MAX_PDF_BYTES} bytes)")
        verdict = verify(path.read_bytes())
        if not verdict.authentic or verdict.agreement is None:
            raise CommandError(f"NOT AUTHENTIC: {_REASONS[verdict.reason]}.")
        agreement = verdict.agreement
        self.stdout.write(
            f"AUTHENTIC: agreement {agreement.plan.reference} (case "
            f"{agreement.plan.case.reference}), signed {agreement.signed_at:%Y-%m-%d %H:%M %Z}, "
            f"SHA-256 {agreement.signed_sha256}."
        )
