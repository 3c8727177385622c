"""Money and dates as each reader's language writes them: the one place that decides.

Chinese: figures "¥19,634.72", in a sentence "19,634.72 元", never "CNY"; dates "2026年12月9日".
English: "CNY 19,634.72" (the symbol alone is ambiguous to English readers), dates "9 Dec 2026".
Amounts are grouped by thousands in both languages, inside sentences too, as banks print them.
Used by templates (the `money` filters in `ui`), translated messages, and documents.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from django.utils import formats, numberformat
from django.utils.translation import get_language

#: The symbol a Chinese reader sees before a figure, and the unit after an amount in a sentence.
_SYMBOLS = {"CNY": "¥", "USD": "US$", "HKD": "HK$", "EUR": "€", "GBP": "£", "JPY": "JP¥"}
_UNITS_ZH = {"CNY": "元", "USD": "美元", "HKD": "港元", "EUR": "欧元", "GBP": "英镑", "JPY": "日元"}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def number(amount: Decimal | str | int | float) -> str:
    """Two decimals, grouped by thousands: "30,000.00"."""
    return numberformat.format(
        Decimal(str(amount)),
        ".",
        decimal_pos=2,
        grouping=3,
        thousand_sep=",",
        force_grouping=True,
    )


def money(amount: Decimal | str | int | float, currency: str = "CNY") -> str:
    """An amount shown as a figure (a table cell, a card): "¥30,000.00" / "CNY 30,000.00"."""
    if _chinese():
        return f"{_SYMBOLS.get(currency, currency + ' ')}{number(amount)}"
    return f"{currency} {number(amount)}"


def money_in_text(amount: Decimal | str | int | float, currency: str = "CNY") -> str:
    """An amount inside a sentence: "30,000.00 元" / "CNY 30,000.00"."""
    if _chinese():
        return f"{number(amount)} {_UNITS_ZH.get(currency, currency)}"
    return f"{currency} {number(amount)}"


def day(value: date | datetime | str) -> str:
    """A date in the reader's language (the locale's DATE_FORMAT): "2026年12月9日"."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return formats.date_format(value, "DATE_FORMAT")


def localise_params(params: dict[str, object]) -> dict[str, object]:
    """Stored messages keep dates as ISO text and amounts as {"amount": "12.30", "currency":
    "CNY"}; show each in the reader's format."""

    def localise(value: object) -> object:
        if isinstance(value, str) and _ISO_DATE.match(value):
            return day(value)
        if isinstance(value, dict) and set(value) == {"amount", "currency"}:
            return money_in_text(str(value["amount"]), str(value["currency"]))
        return value

    return {key: localise(value) for key, value in params.items()}


def money_param(amount: Decimal, currency: str) -> dict[str, str]:
    """An amount as a stored message keeps it, for `localise_params`."""
    return {"amount": str(amount), "currency": currency}
