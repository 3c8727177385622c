"""What is left of an instalment: never negative, to the cent, and what was paid plus what is
left is what was due while nothing was overpaid."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from plans.calculator import still_to_pay

cents = st.decimals(min_value=Decimal("0"), max_value=Decimal("1000000"), places=2)


@given(due=cents, paid=cents)
def test_what_is_left_is_never_negative_and_to_the_cent(due, paid):
    left = still_to_pay(due, paid)
    assert left >= 0
    assert left == left.quantize(Decimal("0.01"))
    if paid <= due:
        assert paid + left == due
    else:
        assert left == 0
