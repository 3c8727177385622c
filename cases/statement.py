"""The lines of the income and expenditure statement and their names in the reader's language,
for the cardholder's wizard and the staff review page alike."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

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
