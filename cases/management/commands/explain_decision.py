"""manage.py explain_decision HC-000123: the automatic decisions on a case, each rule with the
value it compared and its limit, and the proof that it is reproducible: the engine run again on
the stored inputs under the same policy version gives the same result.

Printed in the language of the person running it (`--language`, else the locale's LANG).
"""

from __future__ import annotations

import locale
import os
import re
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from cases.decisions.services import band_at_version
from cases.decisions.texts import staff_rules
from cases.models import AutoDecision, HardshipCase
from plans.calculator.decision import ENGINE_VERSION, Band, CaseFacts, PlanRequest, decide


def _language(option: str | None) -> str:
    """The language asked for, else the environment's (zh_CN.UTF-8 → zh-hans), else English."""
    wanted = option or os.environ.get("LANG") or (locale.getlocale()[0] or "")
    wanted = wanted.split(".")[0].replace("_", "-").lower()
    for code, _name in settings.LANGUAGES:
        if wanted == code or wanted.split("-")[0] == code.split("-")[0]:
            return code
    return "en"


class Command(BaseCommand):
    help = "Explain the automatic decisions on a case and check that each one reproduces."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="the case reference, e.g. HC-000123")
        parser.add_argument("--language", help="en or zh-hans (default: from LANG)")

    def handle(self, *args: Any, **options: Any) -> None:
        match = re.fullmatch(r"(?:HC-)?0*(\d+)", options["reference"].strip().upper())
        case = HardshipCase.objects.filter(pk=int(match.group(1))).first() if match else None
        if case is None:
            raise CommandError(f"No case {options['reference']}.")
        with translation.override(_language(options.get("language"))):
            self._explain(case)

    def _explain(self, case: HardshipCase) -> None:
        decisions = list(AutoDecision.objects.filter(case=case).order_by("decided_at", "pk"))
        if not decisions:
            self.stdout.write(
                _("No automatic decision on case %(reference)s.") % {"reference": case.reference}
            )
            return
        failures = 0
        for record in decisions:
            self.stdout.write(
                _("%(reference)s: %(outcome)s on %(when)s, policy version %(version)s")
                % {
                    "reference": case.reference,
                    "outcome": record.get_outcome_display(),
                    "when": record.decided_at.isoformat(timespec="seconds"),
                    "version": record.policy_version,
                }
            )
            if record.error:
                self.stdout.write(
                    "  "
                    + _("The engine failed; the request went to a person: %(error)s")
                    % {"error": record.error}
                )
                continue
            for rule in staff_rules(record):
                mark = _("passed") if rule["passed"] else _("sent to a person")
                self.stdout.write(f"  [{mark}] {rule['label']}: {rule['value']} / {rule['limit']}")
            failures += self._reproduce(record)
        if failures:
            raise CommandError(_("%(count)s decision(s) did not reproduce.") % {"count": failures})

    def _reproduce(self, record: AutoDecision) -> int:
        if record.engine_version != ENGINE_VERSION:
            self.stdout.write(
                "  "
                + _(
                    "Decided by engine version %(then)s; this is version %(now)s, so it cannot "
                    "be run again here."
                )
                % {"then": record.engine_version, "now": ENGINE_VERSION}
            )
            return 1
        band = Band.from_json(record.band)
        historical = band_at_version(record.policy_version)
        if historical is None:
            self.stdout.write(
                "  "
                + _(
                    "Policy version %(version)s is not in the policy history: it cannot be checked."
                )
                % {"version": record.policy_version}
            )
            return 1
        if historical.as_json() | {"paused": band.paused} != band.as_json():
            self.stdout.write(
                "  "
                + _("The stored band differs from policy version %(version)s.")
                % {"version": record.policy_version}
            )
            return 1
        again = decide(CaseFacts.from_json(record.facts), PlanRequest.from_json(record.plan), band)
        if (
            again.outcome.value != record.outcome
            or [rule.as_json() for rule in again.rules] != record.rules
        ):
            self.stdout.write("  " + _("Run again, the engine gives a different result."))
            return 1
        self.stdout.write(
            "  "
            + _(
                "Reproduced: the same inputs under policy version %(version)s give the same result."
            )
            % {"version": record.policy_version}
        )
        return 0
