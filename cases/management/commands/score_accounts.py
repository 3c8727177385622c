from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cases.risk import accounts_score_all


class Command(BaseCommand):
    help = "Refresh every card account's risk score (beat does it daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{accounts_score_all()} accounts scored.")
