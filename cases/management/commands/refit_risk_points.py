from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from cases.policy.services import PolicyRejected, policy_change_propose
from cases.policy.validation import Proposal, policy_fingerprint
from cases.risk_refit import RefitRefused, read_rows, refit


class Command(BaseCommand):
    help = (
        "Fit the risk score's points to the bank's outcomes (a CSV: docs/risk.md) and propose "
        "them as a policy change for a second administrator to approve."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--proposer", required=True, help="the administrator proposing it (email)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print the fitted points, propose nothing"
        )

    def handle(self, *args: Any, file: Path, proposer: str, dry_run: bool, **options: Any) -> None:
        actor = User.objects.filter(email__iexact=proposer, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active login {proposer}.")
        try:
            features, outcomes = read_rows(file)
            fit = refit(features, outcomes)
        except (OSError, RefitRefused) as error:
            raise CommandError(f"{file}: {error}") from None
        self.stdout.write(f"{fit.rows} rows, {fit.bad_rate:.1%} bad outcomes.")
        for field, points in fit.points.items():
            self.stdout.write(f"  {field:<32} {points:>4}")
        if dry_run:
            return
        current = Proposal.of_current_rows(lock=False)
        try:
            change = policy_change_propose(
                actor=actor,
                policy_values=fit.points,
                authority_values={},
                reason=f"Risk points refitted from {file.name} ({fit.rows} rows)",
                seen=policy_fingerprint(current.policy, current.limits),
            )
        except PolicyRejected as refusal:
            raise CommandError(str(refusal)) from None
        if change is None:
            self.stdout.write("The fitted points are the points in force: nothing to propose.")
        else:
            self.stdout.write(
                f"Proposed as policy change {change.pk}; a second administrator approves it."
            )
