"""The risk score's promises: every point has its reason, more arrears never lower the score,
the bands follow the policy's thresholds, and days past due alone keep the old bands."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.calculator import RiskBand
from plans.calculator.scorecard import (
    MonthActivity,
    RiskFacts,
    Scorecard,
    band_for,
    risk_facts,
    score,
)

shares = st.decimals(min_value=Decimal("0"), max_value=Decimal("3"), places=2)
facts = st.builds(
    RiskFacts,
    days_past_due=st.integers(min_value=0, max_value=720),
    missed_months=st.one_of(st.none(), st.integers(min_value=0, max_value=6)),
    utilisation=st.one_of(st.none(), shares),
    payment_ratio=st.one_of(st.none(), shares),
    cash_share=st.one_of(st.none(), shares),
    spending_change=st.one_of(st.none(), shares),
    income_shortfall=st.one_of(st.none(), st.booleans()),
)


@given(facts)
def test_the_points_are_the_sum_of_their_reasons(f):
    result = score(f)
    assert result.points == sum(reason.points for reason in result.reasons)
    assert all(reason.points > 0 for reason in result.reasons)
    assert result.band == band_for(result.points, Scorecard())


@given(facts, st.integers(min_value=0, max_value=400))
def test_more_days_past_due_never_lower_the_score(f, extra):
    later = RiskFacts(**{**f.__dict__, "days_past_due": f.days_past_due + extra})
    assert score(later).points >= score(f).points


@pytest.mark.parametrize(
    ("days", "band"),
    [
        (0, RiskBand.LOW),
        (29, RiskBand.LOW),
        (30, RiskBand.MEDIUM),
        (89, RiskBand.MEDIUM),
        (90, RiskBand.HIGH),
        (179, RiskBand.HIGH),
        (180, RiskBand.VERY_HIGH),
    ],
)
def test_days_past_due_alone_keep_the_bands_it_had(days, band):
    assert score(RiskFacts(days_past_due=days)).band == band


def test_an_example_with_its_reasons():
    result = score(
        RiskFacts(
            days_past_due=45,
            missed_months=3,
            utilisation=Decimal("1.05"),
            cash_share=Decimal("0.25"),
        )
    )
    assert [(r.points, r.code) for r in result.reasons] == [
        (25, "days_past_due"),
        (30, "missed_months"),
        (20, "over_limit"),
        (10, "cash_share"),
    ]
    assert result.points == 85
    assert result.band == RiskBand.VERY_HIGH


def test_facts_from_months_of_activity():
    quiet = MonthActivity()
    paid = MonthActivity(payments=Decimal("500"), purchases=Decimal("1000"), active=True)
    short = MonthActivity(payments=Decimal("100"), cash=Decimal("1000"), active=True)
    f = risk_facts(
        days_past_due=10,
        months=(quiet, paid, paid, short, short, short),
        minimum_due=Decimal("300"),
        owed=Decimal("9500"),
        credit_limit=Decimal("10000"),
        income=Decimal("3000"),
        outgoings=Decimal("3500"),
    )
    assert f.missed_months == 3  # the quiet month says nothing
    assert f.payment_ratio == Decimal("1300") / Decimal("1500")
    assert f.utilisation == Decimal("0.95")
    assert f.cash_share == Decimal("3000") / Decimal("5000")
    assert f.spending_change == Decimal("0.5")  # 3,000 against 2,000
    assert f.income_shortfall is True


def test_an_account_with_no_history_earns_no_points_for_it():
    f = risk_facts(
        days_past_due=0,
        months=(MonthActivity(),) * 6,
        minimum_due=Decimal("300"),
        owed=Decimal("0"),
        credit_limit=Decimal("10000"),
    )
    assert score(f).points == 0
