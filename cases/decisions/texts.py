"""What each rule of the decision engine says, to staff and to the cardholder.

Staff read every rule with the value compared and its limit. The cardholder reads only what
they chose that sent their request to a person, in plain words, never the band's thresholds
beyond what they need, and never as a refusal; their circumstances are not listed back to them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import AutoDecision, FlagKind
from cases.policy.rules import RISK_BAND_LABELS
from plans.calculator import RiskBand

#: Rule code → what staff read beside the value and the limit.
STAFF_LABELS: dict[str, Any] = {
    "plan_type": gettext_lazy("Plan type allowed"),
    "term": gettext_lazy("Plan length (months)"),
    "deferral": gettext_lazy("Payment break (months)"),
    "rate": gettext_lazy("APR, at least (%)"),
    "interest_waiver": gettext_lazy("Interest waived"),
    "fee_waiver": gettext_lazy("Fees waived"),
    "principal": gettext_lazy("Principal reduced"),
    "affordability": gettext_lazy("Largest payment, against the share of the surplus allowed"),
    "paused": gettext_lazy("Automatic decisions paused"),
    "balance": gettext_lazy("Amount owed, on all the cardholder's cards"),
    "risk_band": gettext_lazy("Risk band"),
    "broken_plan": gettext_lazy("A plan broken in the last 12 months"),
    "identity": gettext_lazy("Identity check passed"),
    "evidence": gettext_lazy("Evidence reviewed (needed above the amount shown)"),
    "asked_for_person": gettext_lazy("The cardholder asked for a person"),
    "wrote_to_us": gettext_lazy("The cardholder wrote a note with the request, for a person"),
    **{kind.value: kind.label for kind in FlagKind if kind != FlagKind.IDENTITY},
}

_PLAN_TYPE_NAMES = {
    "instalment": gettext_lazy("instalments"),
    "interest_free": gettext_lazy("interest-free instalments"),
    "deferral": gettext_lazy("payment break"),
    "settlement": gettext_lazy("settlement"),
    "step_up": gettext_lazy("step-up"),
    "fee_instalment": gettext_lazy("instalments with a monthly fee"),
}


def _shown(code: str, text: str) -> str:
    """A compared value in words where it is a code (risk band, plan types, yes/no)."""
    if text in ("yes", "no"):
        return _("yes") if text == "yes" else _("no")
    if text == "not needed":
        return _("not needed")
    if code == "risk_band":
        return ", ".join(
            str(RISK_BAND_LABELS[RiskBand(part)]) if part in RiskBand.__members__.values() else part
            for part in text.split(",")
        )
    if code == "plan_type":
        return ", ".join(str(_PLAN_TYPE_NAMES.get(part, part)) for part in text.split(","))
    return text


def staff_rules(decision: AutoDecision) -> list[dict[str, Any]]:
    """Each rule of a stored decision as staff read it."""
    return [
        {
            "label": str(STAFF_LABELS.get(rule["code"], rule["code"])),
            "passed": rule["passed"],
            "value": _shown(rule["code"], rule["value"]),
            "limit": _shown(rule["code"], rule["limit"]),
            "kind": rule["kind"],
        }
        for rule in decision.rules
    ]


def cardholder_reasons(decision: AutoDecision) -> list[str]:
    """What the cardholder chose that sent the request to a person, in plain words."""
    failed = {rule["code"]: rule for rule in decision.rules if not rule["passed"]}
    plan = decision.plan or {}
    reasons = []
    if "principal" in failed or (plan.get("plan_type") == "settlement" and "plan_type" in failed):
        reasons.append(_("A plan that reduces what you owe is agreed by a person."))
    elif "plan_type" in failed:
        reasons.append(_("A plan of this kind is agreed by a person."))
    if "term" in failed:
        reasons.append(
            _("A %(months)s-month plan is longer than we can agree straight away.")
            % {"months": failed["term"]["value"]}
        )
    if "deferral" in failed:
        reasons.append(
            _("A %(months)s-month payment break is longer than we can agree straight away.")
            % {"months": failed["deferral"]["value"]}
        )
    if {"rate", "interest_waiver", "fee_waiver"} & failed.keys():
        reasons.append(
            _("The interest or fees you asked us to stop are more than we can agree straight away.")
        )
    if "affordability" in failed:
        reasons.append(
            _(
                "The payments would take a large part of what your income leaves each month, "
                "so a person will check that they are affordable for you."
            )
        )
    if "asked_for_person" in failed:
        reasons.append(_("You asked for a person to look at your request."))
    if "wrote_to_us" in failed:
        reasons.append(_("You wrote to us with your request, so a person will read it first."))
    return reasons
