"""The lines of the income and expenditure statement and their names in the reader's language,
for the cardholder's wizard and the staff review page alike."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from cases.models import HardshipCase, StatementLine, StatementSection
from plans.calculator import ESSENTIAL_CATEGORIES

INCOME_FIELDS: tuple[tuple[str, Any], ...] = (
    ("wages", _("Wages or salary after tax")),
    ("business", _("Income from your business")),
    ("benefits", _("Benefits and allowances")),
    ("pension", _("Pension")),
    ("support", _("Support from family")),
    ("other_income", _("Other income")),
)

ESSENTIAL_LABELS: dict[str, Any] = {
    "housing": _("Rent or mortgage"),
    "utilities": _("Utilities, phone and internet"),
    "food": _("Food and household goods"),
    "transport": _("Transport"),
    "childcare": _("Childcare and school costs"),
    "health": _("Health and medicines"),
    "other_essentials": _("Other essentials"),
}
assert set(ESSENTIAL_LABELS) == set(ESSENTIAL_CATEGORIES)  # noqa: S101 - import-time guard


def statement_label(category: str) -> Any:
    """The reader's name for a line of the income & expenditure statement."""
    return dict(INCOME_FIELDS).get(category) or ESSENTIAL_LABELS.get(category, category)


@dataclass(frozen=True)
class DebtLine:
    lender: str
    balance: Decimal
    monthly_payment: Decimal


def replace_statement(
    case: HardshipCase,
    *,
    household_size: int,
    dependants: int,
    income: dict[str, Decimal],
    essentials: dict[str, Decimal],
    debts: list[DebtLine],
) -> bool:
    """Replace the statement lines and household of a locked case; whether anything changed.
    The caller saves the case (with `bump_version`) and records what happened."""
    before = _statement_fingerprint(case)
    case.statement_lines.all().delete()
    lines = (
        [
            StatementLine(
                case=case, section=StatementSection.INCOME, category=name, monthly_amount=amount
            )
            for name, amount in income.items()
            if amount
        ]
        + [
            StatementLine(
                case=case, section=StatementSection.ESSENTIAL, category=name, monthly_amount=amount
            )
            for name, amount in essentials.items()
            if amount
        ]
        + [
            StatementLine(
                case=case,
                section=StatementSection.DEBT,
                category="other_debt",
                lender=debt.lender,
                balance=debt.balance,
                monthly_amount=debt.monthly_payment,
            )
            for debt in debts
        ]
    )
    StatementLine.objects.bulk_create(lines)
    case.household_size, case.dependants = household_size, dependants
    return _statement_fingerprint(case) != before


def _statement_fingerprint(case: HardshipCase) -> tuple[object, ...]:
    lines = sorted(
        (line.section, line.category, line.lender, line.balance, line.monthly_amount)
        for line in case.statement_lines.all()
    )
    return (case.household_size, case.dependants, tuple(map(str, lines)))
