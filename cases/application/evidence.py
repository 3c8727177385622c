"""What evidence helps a hardship case, per reason. Shown to the cardholder as a checklist."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import HardshipReason

EVIDENCE_KINDS: dict[str, Promise] = {
    "termination_letter": _("Letter ending your job, or notice of reduced hours"),
    "payslips": _("Your last three payslips"),
    "benefit_letter": _("Unemployment or social-security benefit letter"),
    "medical_certificate": _("Doctor's or hospital certificate"),
    "medical_bills": _("Medical bills you have paid or owe"),
    "business_accounts": _("Recent business accounts or tax returns"),
    "business_bank_statements": _("Business bank statements for the last three months"),
    "family_document": _(
        "A document about the emergency (for example a hospital or death certificate)"
    ),
    "debt_statements": _("Statements from your other lenders"),
    "disaster_proof": _("Proof of the disaster or accident (insurance claim, official notice)"),
    "bank_statements": _("Your bank statements for the last three months"),
    "other": _("Anything else that explains your situation"),
}

CHECKLIST: dict[str, tuple[str, ...]] = {
    HardshipReason.JOB_LOSS: ("termination_letter", "benefit_letter", "bank_statements"),
    HardshipReason.ILLNESS: ("medical_certificate", "medical_bills", "payslips"),
    HardshipReason.BUSINESS: ("business_accounts", "business_bank_statements"),
    HardshipReason.FAMILY: ("family_document", "bank_statements"),
    HardshipReason.OVER_INDEBTED: ("debt_statements", "bank_statements", "payslips"),
    HardshipReason.DISASTER: ("disaster_proof", "bank_statements"),
    HardshipReason.OTHER: ("bank_statements",),
}


def checklist_for(reason: str) -> list[tuple[str, Promise]]:
    codes = CHECKLIST.get(reason, CHECKLIST[HardshipReason.OTHER])
    return [(code, EVIDENCE_KINDS[code]) for code in (*codes, "other")]
