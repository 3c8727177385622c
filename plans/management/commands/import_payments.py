"""Import payments from the core system: every row checked first; a bad file imports nothing.

CSV with a header row: payment_reference, plan_reference, amount, received_on (YYYY-MM-DD).
Idempotent by payment reference: importing a file twice records each payment once.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from plans.payments import PaymentLine, PaymentRefused, payments_import

COLUMNS = ("payment_reference", "plan_reference", "amount", "received_on")


def read_lines(path: Path) -> list[PaymentLine]:
    """Every row as a `PaymentLine`, or a CommandError listing every bad row."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or set(COLUMNS) - set(reader.fieldnames):
            raise CommandError(f"The header must name the columns {', '.join(COLUMNS)}.")
        lines, problems, seen = [], [], set()
        for number, row in enumerate(reader, start=2):
            reference = (row["payment_reference"] or "").strip()
            try:
                amount = Decimal((row["amount"] or "").strip())
                received = date.fromisoformat((row["received_on"] or "").strip())
            except (InvalidOperation, ValueError):
                problems.append(f"line {number}: amount or date unreadable")
                continue
            if not reference or len(reference) > 64:
                problems.append(f"line {number}: payment_reference missing or too long")
            elif reference in seen:
                problems.append(f"line {number}: payment_reference {reference} repeated")
            elif amount <= 0 or amount != amount.quantize(Decimal("0.01")):
                problems.append(f"line {number}: amount must be above zero, to the cent")
            else:
                seen.add(reference)
                lines.append(
                    PaymentLine(reference, (row["plan_reference"] or "").strip(), amount, received)
                )
    if problems:
        raise CommandError("Nothing imported:\n" + "\n".join(problems))
    return lines


class Command(BaseCommand):
    help = "Import payments (CSV) from the core system; idempotent by payment reference."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        lines = read_lines(path)
        try:
            recorded, known = payments_import(lines)
        except PaymentRefused as refusal:
            raise CommandError(f"Nothing imported: {refusal}") from None
        self.stdout.write(f"{recorded} payments recorded, {known} already recorded.")
