"""Money and rate helpers: quantising, validating and parsing ``Decimal`` values.

Money is always a ``Decimal`` with two decimal places, rounded ROUND_HALF_UP.
Floats are never used for money.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import CalculatorError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ONE = Decimal(1)
HUNDRED = Decimal(100)
#: The largest amount of money accepted anywhere (keeps every product exact).
MAX_AMOUNT = Decimal("1000000000.00")
#: Whole numbers typed by a user may have at most this many digits.
MAX_COUNT_DIGITS = 9
#: Rates, percentages and ratios may have at most this many decimal places.
RATE_PLACES = 4


def to_money(value: Decimal) -> Decimal:
    """Round ``value`` to the cent, halves away from zero (ROUND_HALF_UP)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def still_to_pay(due: Decimal, paid: Decimal) -> Decimal:
    """What is left of an instalment of `due` once `paid` has gone to it; never below zero."""
    return max(to_money(due - paid), ZERO)


def format_money(value: Decimal) -> str:
    """Show money (or a two-decimal rate) as a plain string such as ``"1234.50"``."""
    return f"{to_money(value):f}"


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _require_decimal(value: object, field: str) -> Decimal:
    if not isinstance(value, Decimal):
        raise CalculatorError("not_a_decimal", field=field)
    if not value.is_finite():
        raise CalculatorError("not_a_number", field=field, value=value)
    return value


def check_amount(value: object, field: str, *, positive: bool = False) -> Decimal:
    """Validate an amount of money and return it.

    Promises: the result is a finite ``Decimal`` of whole cents, not negative
    (more than zero when ``positive``) and at most :data:`MAX_AMOUNT`.
    """
    amount = _require_decimal(value, field)
    if amount < 0:
        raise CalculatorError("negative_amount", field=field)
    if positive and amount == 0:
        raise CalculatorError("amount_not_positive", field=field)
    if amount > MAX_AMOUNT:
        raise CalculatorError("amount_too_large", field=field, maximum=format_money(MAX_AMOUNT))
    if amount != amount.quantize(CENT):
        raise CalculatorError("too_many_decimals", field=field, places=2)
    return amount


def check_rate(
    value: object,
    field: str,
    *,
    minimum: Decimal,
    maximum: Decimal,
    allow_minimum: bool = True,
) -> Decimal:
    """Validate a rate, percentage or ratio and return it.

    Promises: a finite ``Decimal`` with at most :data:`RATE_PLACES` decimals in
    ``[minimum, maximum]`` (``(minimum, maximum]`` when ``allow_minimum`` is false).
    """
    rate = _require_decimal(value, field)
    if rate < minimum or rate > maximum or (rate == minimum and not allow_minimum):
        if rate < 0 and minimum >= 0:
            raise CalculatorError("negative_amount", field=field)
        raise CalculatorError(
            "value_out_of_range",
            field=field,
            minimum=f"{'more than ' if not allow_minimum else ''}{minimum}",
            maximum=maximum,
        )
    if _places(rate) > RATE_PLACES:
        raise CalculatorError("too_many_decimals", field=field, places=RATE_PLACES)
    return rate


def check_count(value: object, field: str, *, minimum: int, maximum: int | None = None) -> int:
    """Validate a whole number such as a number of months and return it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise CalculatorError("not_a_whole_number", field=field, value=value)
    if maximum is not None and not minimum <= value <= maximum:
        raise CalculatorError("value_out_of_range", field=field, minimum=minimum, maximum=maximum)
    if value < minimum:
        raise CalculatorError("value_too_small", field=field, minimum=minimum)
    return value


def parse_decimal(text: str, field: str) -> Decimal:
    """Parse user text into a finite ``Decimal``; say which input was wrong if it isn't one."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise CalculatorError("not_a_number", field=field, value=text) from None
    if not value.is_finite():
        raise CalculatorError("not_a_number", field=field, value=text)
    return value


def parse_count(text: str, field: str) -> int:
    """Parse user text into an ``int`` (digits only, optional sign)."""
    stripped = text.strip()
    digits = stripped[1:] if stripped[:1] in "+-" else stripped
    if not digits.isascii() or not digits.isdigit():
        raise CalculatorError("not_a_whole_number", field=field, value=text)
    if len(digits) > MAX_COUNT_DIGITS:
        raise CalculatorError("value_too_large", field=field, maximum="9" * MAX_COUNT_DIGITS)
    return int(stripped)
