from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from insights.snapshots import snapshots_backfill


class Command(BaseCommand):
    help = "Write daily snapshots, from the case timeline, for past days that have none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=365, help="how far back (default 365)")

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660.")
        yesterday = timezone.localdate() - timedelta(days=1)
        first: date = yesterday - timedelta(days=days - 1)
        made = snapshots_backfill(first=first, last=yesterday)
        self.stdout.write(f"{made} snapshots written ({first} to {yesterday}).")
