"""The recommender: permitted, affordable, ranked, explained."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.calculator import (
    Account,
    AuthorityLimits,
    CalculatorError,
    MinimumPaymentRule,
    PlanTerms,
    PlanType,
    Recommendation,
    RecommendationPolicy,
    RecommendationResult,
    RiskBand,
    Schedule,
    Statement,
    assess_affordability,
    build_schedule,
    recommend_plans,
)
from plans.calculator.no_plan import minimum_payments
from plans.calculator.recommend import (
    DEFAULT_KEEP_RATES,
    DEFAULT_RECOMMENDATION_POLICY,
    DEFAULT_ROLL_RATES,
    Candidate,
    no_plan_recovery,
    permitted_candidates,
)
from tests.plans.calculator.strategies import cents, two_place_rates

D = Decimal
START = date(2025, 1, 15)
ACCOUNT = Account(
    balance=D("4800.00"),
    apr=D("29.90"),
    accrued_interest=D("350.00"),
    fees=D("120.00"),
    monthly_fee=D("12.00"),
)
GENEROUS = AuthorityLimits(
    max_interest_waiver_share=D("0.5"),
    max_fee_waiver_share=D("1"),
    max_settlement_discount=D("30"),
    max_term_months=60,
)


def statement(wages: str = "1600.00") -> Statement:
    return Statement(
        income={"wages": D(wages)},
        essentials={"housing": D("750.00"), "food": D("320.00")},
        household_size=2,
    )


def recommend(
    account: Account = ACCOUNT,
    wages: str = "1600.00",
    band: RiskBand | str = RiskBand.MEDIUM,
    authority: AuthorityLimits = GENEROUS,
    **options: object,
) -> RecommendationResult:
    return recommend_plans(
        account,
        statement(wages),
        band,
        authority,
        start_date=START,
        **options,  # type: ignore[arg-type]
    )


def reference_recovery(
    schedule: Schedule, band: RiskBand, burden: Decimal, disposable: Decimal
) -> Fraction:
    """The documented formula, computed exactly and independently."""
    keep = DEFAULT_KEEP_RATES[band]
    share = min(Fraction(1), Fraction(burden) / Fraction(disposable))
    survival = 1 - (Fraction(keep.monthly_hazard) + Fraction(3, 100) * share)
    discount = 1 / (1 + Fraction(8, 1200))
    return sum(
        (
            Fraction(row.payment) * Fraction(keep.first_payment) * survival ** (k - 1) * discount**k
            for k, row in enumerate(schedule.rows, start=1)
        ),
        Fraction(0),
    )


def candidates_for(
    account: Account = ACCOUNT,
    wages: str = "1600.00",
    authority: AuthorityLimits = GENEROUS,
    lump_sum: Decimal = Decimal(0),
    relief_months: int = 0,
) -> list[Candidate]:
    """Every permitted, affordable plan the recommender weighs."""
    found, _considered = permitted_candidates(
        account,
        assess_affordability(statement(wages)),
        RiskBand.MEDIUM,
        authority,
        start_date=START,
        lump_sum_available=lump_sum,
        relief_months=relief_months,
    )
    return found


def counts(schedule: Schedule, burden: Decimal) -> tuple[Decimal, int, Decimal, Decimal]:
    return (schedule.total_payable, schedule.months, burden, schedule.rows[0].payment)


def check_none_dominated(result: RecommendationResult, candidates: list[Candidate]) -> None:
    """No plan shown is beaten on every count (total cost, months, largest and first payment)
    by any plan the cardholder could have been offered."""
    for item in result.recommendations:
        shown = counts(item.schedule, item.monthly_burden)
        for other in candidates:
            theirs = counts(other.schedule, other.burden)
            better_everywhere = (
                theirs[0] <= shown[0]
                and theirs[1] <= shown[1]
                and theirs[2] <= shown[2]
                and theirs[3] <= shown[3]
            )
            assert not (better_everywhere and theirs != shown), (item.terms, other.schedule.terms)


def check_within_authority(
    recommendation: Recommendation, account: Account, authority: AuthorityLimits
) -> None:
    terms = recommendation.terms
    schedule = recommendation.schedule
    assert authority.permits(schedule, account.apr)
    assert terms.interest_waived <= account.accrued_interest * authority.max_interest_waiver_share
    assert terms.fees_waived <= account.fees * authority.max_fee_waiver_share
    assert len(schedule.rows) <= authority.max_term_months
    assert terms.term_months <= authority.max_term_months
    assert (terms.balance, terms.accrued_interest, terms.fees) == (
        account.balance,
        account.accrued_interest,
        account.fees,
    )
    if terms.plan_type is PlanType.SETTLEMENT:
        assert 100 - (terms.settlement_percent or 0) <= authority.max_settlement_discount
    elif terms.plan_type is not PlanType.FEE_INSTALMENT:
        assert terms.plan_apr >= min(authority.min_apr, account.apr)
        assert terms.plan_apr <= account.apr


def test_recommendations_are_ranked_for_the_cardholder_and_explained() -> None:
    result = recommend()
    assert result.reason is None
    assert [item.rank for item in result.recommendations] == [1, 2, 3]
    # Cheapest in total first, then the shortest.
    costs = [(item.schedule.total_payable, item.schedule.months) for item in result.recommendations]
    assert costs == sorted(costs)
    check_none_dominated(result, candidates_for())
    assert result.candidates_considered > len(result.recommendations)
    affordability = result.affordability
    for item in result.recommendations:
        check_within_authority(item, ACCOUNT, GENEROUS)
        assert item.monthly_burden == item.schedule.max_payment
        assert affordability.is_affordable(item.monthly_burden)
        expected = reference_recovery(
            item.schedule, RiskBand.MEDIUM, item.monthly_burden, affordability.disposable_income
        )
        assert abs(Fraction(item.expected_recovery) - expected) <= Fraction(1, 200)
        codes = [message.code for message in item.explanation]
        assert codes[0].startswith("plan_")
        assert "payment_share" in codes
        assert "months_to_clear" in codes
        assert "annualised_rate" in codes
        share = item.explanation[codes.index("payment_share")]
        assert share.params["share"] == str(item.payment_share)
        assert share.params["disposable"] == str(affordability.disposable_income)
        months = item.explanation[codes.index("months_to_clear")]
        assert months.params["months"] == str(item.schedule.months)
        assert result.no_plan.total_paid is not None
        assert item.saving_vs_minimum == result.no_plan.total_paid - item.schedule.total_payable
        if item.saving_vs_minimum >= 0:
            saving = item.explanation[codes.index("saving_vs_minimum")]
            assert saving.params["saving"] == str(item.saving_vs_minimum)
        else:
            extra = item.explanation[codes.index("extra_vs_minimum")]
            assert extra.params["extra"] == str(-item.saving_vs_minimum)
        assert item.recovery_gain == item.expected_recovery - result.no_plan_recovery
        rate = item.explanation[codes.index("annualised_rate")]
        assert rate.params["rate"] == str(item.schedule.annualised_rate)
        assert item.text.startswith(item.explanation[0].text)
        assert f"{item.payment_share}% of the monthly surplus" in item.text


def test_the_first_plan_costs_the_cardholder_least_of_every_plan_they_could_be_offered() -> None:
    result = recommend()
    best = result.recommendations[0]
    candidates = candidates_for()
    assert len(candidates) > 10
    cheapest = min(candidate.schedule.total_payable for candidate in candidates)
    assert best.schedule.total_payable == cheapest
    shortest_of_cheapest = min(
        candidate.schedule.months
        for candidate in candidates
        if candidate.schedule.total_payable == cheapest
    )
    assert best.schedule.months == shortest_of_cheapest
    # Every payment leaves the safety buffer of the monthly surplus.
    for item in result.recommendations:
        assert item.monthly_burden <= result.affordability.available_for_plans


def test_an_option_beaten_on_every_count_is_never_shown() -> None:
    # Without the filter, a 12-month plan at the card's rate (dearer, heavier) would be shown
    # beside the 12-month interest-free plan.
    policy = RecommendationPolicy(
        apr_factors=(D(1), D(0)),
        deferral_months_options=(),
        step_up_options=(),
        settlement_payment_options=(),
        term_options=(12,),
        top_n=10,
    )
    authority = AuthorityLimits(max_term_months=12)
    result = recommend(wages="3000.00", authority=authority, policy=policy)
    plan_types = [item.terms.plan_type for item in result.recommendations]
    assert plan_types == [PlanType.INTEREST_FREE]


def test_the_bank_sees_what_each_plan_gains_over_no_plan() -> None:
    result = recommend()
    expected = reference_no_plan_recovery(ACCOUNT, RiskBand.MEDIUM)
    assert abs(Fraction(result.no_plan_recovery) - expected) <= Fraction(1, 100)
    assert D(0) < result.no_plan_recovery < ACCOUNT.total_owed
    for item in result.recommendations:
        assert item.recovery_gain == item.expected_recovery - result.no_plan_recovery
    # Riskier accounts are less likely to go on paying with no plan.
    by_band = [no_plan_recovery(ACCOUNT, band) for band in RiskBand]
    assert by_band == sorted(by_band, reverse=True)


def reference_no_plan_recovery(account: Account, band: RiskBand) -> Fraction:
    """The documented no-plan formula, computed exactly and independently of the code."""
    roll = Fraction(DEFAULT_ROLL_RATES[band])
    share = Fraction(DEFAULT_RECOMMENDATION_POLICY.charge_off_recovery)
    discount = 1 / (1 + Fraction(8, 1200))
    total = Fraction(0)
    balance = account.total_owed
    path = minimum_payments(balance, account.apr, account.monthly_fee, account.minimum_payment)
    for k, (payment, _interest, _fee, after) in enumerate(path, start=1):
        total += (1 - roll) ** (k - 1) * roll * share * Fraction(balance) * discount**k
        total += (1 - roll) ** k * Fraction(payment) * discount**k
        balance = after
    return total


def test_a_temporary_hardship_is_offered_lower_payments_until_recovery() -> None:
    recovery = date(2025, 5, 1)  # payments due 15 Jan .. 15 Apr fall before it: 4 months
    result = recommend(wages="2200.00", recovery_date=recovery)
    assert result.relief_months == 4
    relief = [item for item in result.recommendations if item.relief]
    assert relief, [item.terms for item in result.recommendations]
    plan = relief[0]
    early = plan.schedule.rows[:4]
    later = plan.schedule.rows[4:]
    assert max(row.payment for row in early) < min(row.payment for row in later)
    codes = [message.code for message in plan.explanation]
    assert "relief_until_recovery" in codes
    message = plan.explanation[codes.index("relief_until_recovery")]
    assert message.params == {"relief_months": "4", "relief_date": "2025-05-15"}
    # Without a recovery date no relief period is promised.
    plain = recommend(wages="2200.00")
    assert plain.relief_months == 0
    for item in plain.recommendations:
        assert "relief_until_recovery" not in [message.code for message in item.explanation]


def test_the_list_for_the_cardholder_does_not_depend_on_the_risk_band() -> None:
    low = recommend(band=RiskBand.LOW, wages="2500.00")
    very_high = recommend(band=RiskBand.VERY_HIGH, wages="2500.00")
    assert [item.terms for item in low.recommendations] == [
        item.terms for item in very_high.recommendations
    ]
    # Only what the bank may expect changes.
    assert very_high.recommendations[0].expected_recovery < low.recommendations[0].expected_recovery


def test_riskier_bands_expect_to_recover_less_from_the_same_plan() -> None:
    only_one_plan = RecommendationPolicy(
        term_options=(12,),
        apr_factors=(D(1),),
        deferral_months_options=(),
        step_up_options=(),
        settlement_payment_options=(),
    )
    authority = AuthorityLimits(max_term_months=12)
    recoveries = []
    for band in RiskBand:
        result = recommend(wages="2500.00", band=band, authority=authority, policy=only_one_plan)
        assert len(result.recommendations) == 1
        recoveries.append(result.recommendations[0].expected_recovery)
    assert recoveries == sorted(recoveries, reverse=True)
    assert len(set(recoveries)) == len(recoveries)


def test_keeping_probability_falls_with_term_length_and_payment_burden() -> None:
    policy = RecommendationPolicy(
        apr_factors=(D(1),),
        deferral_months_options=(),
        step_up_options=(),
        settlement_payment_options=(),
        top_n=10,
    )
    result = recommend(wages="3000.00", policy=policy, authority=AuthorityLimits())
    by_months = sorted(result.recommendations, key=lambda item: item.schedule.months)
    completions = [item.completion_probability for item in by_months]
    assert completions == sorted(completions, reverse=True)
    # Same 12 months but a heavier burden (less disposable income) lowers the chance.
    tight = recommend(wages="1800.00", policy=policy, authority=AuthorityLimits())

    def twelve(items: tuple[Recommendation, ...]) -> Recommendation:
        return next(item for item in items if item.schedule.months == 12)

    assert (
        twelve(tight.recommendations).completion_probability
        < twelve(result.recommendations).completion_probability
    )


def test_without_authority_there_are_no_concessions() -> None:
    result = recommend(authority=AuthorityLimits(), policy=RecommendationPolicy(top_n=50))
    assert result.recommendations
    for item in result.recommendations:
        check_within_authority(item, ACCOUNT, AuthorityLimits())
        assert item.schedule.concession_total == D("0.00")
        assert item.terms.plan_type is not PlanType.SETTLEMENT


def test_authority_limits_bound_term_and_apr() -> None:
    authority = AuthorityLimits(max_term_months=18, min_apr=D("20.00"))
    result = recommend(wages="2500.00", authority=authority, policy=RecommendationPolicy(top_n=50))
    assert result.recommendations
    for item in result.recommendations:
        check_within_authority(item, ACCOUNT, authority)
        assert item.terms.plan_apr >= D("20.00")
        assert item.terms.plan_type is not PlanType.INTEREST_FREE
    assert max(item.schedule.months for item in result.recommendations) == 18


def test_min_apr_above_the_current_rate_keeps_the_current_rate() -> None:
    account = Account(balance=D("3000.00"), apr=D("9.90"))
    authority = AuthorityLimits(min_apr=D("15.00"))
    result = recommend(account=account, wages="2500.00", authority=authority)
    assert {item.terms.plan_apr for item in result.recommendations} == {D("9.90")}


def test_fee_instalments_are_offered_when_the_policy_has_fee_rates() -> None:
    policy = RecommendationPolicy(
        apr_factors=(),
        deferral_months_options=(),
        step_up_options=(),
        settlement_payment_options=(),
        fee_rates=(D("0.60"),),
        top_n=50,
    )
    result = recommend(wages="2500.00", policy=policy, authority=AuthorityLimits())
    assert result.recommendations
    assert {item.terms.plan_type for item in result.recommendations} == {PlanType.FEE_INSTALMENT}
    first = result.recommendations[0]
    assert first.explanation[0].code == "plan_fee_instalment"
    assert first.explanation[0].params["fee"] == str(first.schedule.rows[0].fee)
    strict = AuthorityLimits(min_apr=D("50"))
    assert not recommend(wages="2500.00", policy=policy, authority=strict).recommendations


def test_a_settlement_funded_by_a_lump_sum_is_recommended_when_instalments_are_not_affordable() -> (
    None
):
    result = recommend(wages="1120.00", lump_sum_available=D("4000.00"))
    assert result.affordability.available_for_plans == D("30.00")
    assert result.recommendations
    best = result.recommendations[0]
    assert best.terms.plan_type is PlanType.SETTLEMENT
    assert best.monthly_burden == D("0.00")
    assert best.payment_share == D("0.00")
    assert best.schedule.total_payable <= D("4000.00")
    assert best.explanation[0].code == "plan_settlement_single"
    assert best.explanation[0].params["forgiven"] == str(best.schedule.forgiven)
    codes = [message.code for message in best.explanation]
    assert "annualised_rate" not in codes
    assert "concessions" in codes
    for item in result.recommendations:
        check_within_authority(item, ACCOUNT, GENEROUS)


def test_nothing_affordable_returns_no_plans_and_a_reason() -> None:
    result = recommend(wages="1120.00")
    assert result.recommendations == ()
    assert result.reason is not None
    assert result.reason.code == "nothing_affordable"
    assert result.reason.params == {"available": "30.00", "disposable": "50.00"}
    assert "30.00 a month is available" in result.reason.text
    assert result.candidates_considered > 0


def test_no_disposable_income_returns_no_plans_and_a_reason() -> None:
    result = recommend(wages="900.00")
    assert result.recommendations == ()
    assert result.reason is not None
    assert result.reason.code == "no_disposable_income"
    assert result.reason.params == {"disposable": "-170.00"}


def test_minimum_payments_that_never_clear_are_explained() -> None:
    account = Account(
        balance=D("4800.00"),
        apr=D("29.90"),
        minimum_payment=MinimumPaymentRule(floor=D("25.00"), percent_of_balance=D(0)),
    )
    result = recommend(account=account)
    assert result.no_plan.never_clears
    for item in result.recommendations:
        assert item.saving_vs_minimum is None
        codes = [message.code for message in item.explanation]
        assert "minimum_never_clears" in codes
        assert "saving_vs_minimum" not in codes


def test_tiny_balances_skip_plans_that_cannot_be_quoted() -> None:
    account = Account(balance=D("0.40"), apr=D("46.00"))
    assert recommend(account=account, wages="2500.00").recommendations
    months = set()
    for item in candidates_for(account, wages="2500.00"):
        assert item.schedule.rows[-1].balance == D("0.00")
        if item.schedule.plan_type is PlanType.INSTALMENT:
            assert all(row.principal > 0 for row in item.schedule.rows)
            months.add(item.schedule.months)
    # 0.40 at 46% over 60 months would pay only the interest: that plan is skipped.
    assert 6 in months
    assert 60 not in months


def test_unknown_risk_band_is_refused() -> None:
    with pytest.raises(CalculatorError) as raised:
        recommend(band="extreme")
    assert raised.value.code == "unknown_risk_band"


def test_risk_band_strings_are_accepted() -> None:
    assert recommend(band="low").recommendations == recommend(band=RiskBand.LOW).recommendations


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"max_interest_waiver_share": D("1.5")}, "value_out_of_range"),
        ({"max_fee_waiver_share": D("-0.1")}, "negative_amount"),
        ({"max_settlement_discount": D("101")}, "value_out_of_range"),
        ({"max_term_months": 0}, "value_too_small"),
        ({"min_apr": D("-1")}, "negative_amount"),
    ],
)
def test_bad_authority_limits_are_refused(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(CalculatorError) as raised:
        AuthorityLimits(**kwargs)  # type: ignore[arg-type]
    assert raised.value.code == code


@settings(max_examples=40, deadline=None)
@given(
    balance=cents(1, 5_000_000),
    apr=st.integers(0, 400_000).map(lambda value: Decimal(value).scaleb(-4)),
    accrued=cents(0, 100_000),
    fees=cents(0, 30_000),
    wages=cents(50_000, 500_000),
    band=st.sampled_from(RiskBand),
    interest_share=st.sampled_from([D(0), D("0.25"), D(1)]),
    fee_share=st.sampled_from([D(0), D("0.5"), D(1)]),
    discount=st.sampled_from([D(0), D(10), D("33.33")]),
    max_term=st.integers(1, 60),
    min_apr=two_place_rates(0, 3_000),
    lump_sum=cents(0, 1_000_000),
)
def test_every_recommendation_is_permitted_affordable_and_ranked(
    balance: Decimal,
    apr: Decimal,
    accrued: Decimal,
    fees: Decimal,
    wages: Decimal,
    band: RiskBand,
    interest_share: Decimal,
    fee_share: Decimal,
    discount: Decimal,
    max_term: int,
    min_apr: Decimal,
    lump_sum: Decimal,
) -> None:
    account = Account(balance=balance, apr=apr, accrued_interest=accrued, fees=fees)
    authority = AuthorityLimits(
        max_interest_waiver_share=interest_share,
        max_fee_waiver_share=fee_share,
        max_settlement_discount=discount,
        max_term_months=max_term,
        min_apr=min_apr,
    )
    result = recommend_plans(
        account,
        statement(str(wages)),
        band,
        authority,
        start_date=START,
        lump_sum_available=lump_sum,
    )
    affordability = assess_affordability(statement(str(wages)))
    assert result.affordability == affordability
    assert len(result.recommendations) <= 3
    assert (result.reason is None) == bool(result.recommendations)
    costs = [(item.schedule.total_payable, item.schedule.months) for item in result.recommendations]
    assert costs == sorted(costs)
    everything, _considered = permitted_candidates(
        account, affordability, band, authority, start_date=START, lump_sum_available=lump_sum
    )
    check_none_dominated(result, everything)
    if everything:
        cheapest = min(candidate.schedule.total_payable for candidate in everything)
        assert result.recommendations[0].schedule.total_payable == cheapest
    for item in result.recommendations:
        check_within_authority(item, account, authority)
        assert affordability.is_affordable(item.monthly_burden)
        if item.terms.plan_type is not PlanType.SETTLEMENT:
            assert item.monthly_burden == item.schedule.max_payment
        else:
            assert item.schedule.total_payable <= lump_sum + item.monthly_burden * len(
                item.schedule.rows
            )
        assert item.explanation
        assert all(message.text for message in item.explanation)


def quote(plan_type: PlanType, **options: object) -> Schedule:
    values: dict[str, object] = {
        "balance": D("1000.00"),
        "start_date": START,
        "accrued_interest": D("100.00"),
        "fees": D("40.00"),
    }
    values.update(options)
    return build_schedule(PlanTerms(plan_type, **values))  # type: ignore[arg-type]


def test_permits_checks_every_limit() -> None:
    limits = AuthorityLimits(
        max_interest_waiver_share=D("0.5"),
        max_fee_waiver_share=D("0.25"),
        max_settlement_discount=D("20"),
        max_term_months=24,
        min_apr=D("15"),
    )
    assert limits.max_interest_waiver(D("100.00")) == D("50.00")
    assert limits.max_fee_waiver(D("40.03")) == D("10.00")  # rounded down, never above
    ok = {"apr": D("15"), "months": 24, "interest_waived": D("50.00"), "fees_waived": D("10.00")}
    assert limits.permits(quote(PlanType.INSTALMENT, **ok))
    assert not limits.permits(quote(PlanType.INSTALMENT, **{**ok, "apr": D("14.99")}))
    assert not limits.permits(quote(PlanType.INSTALMENT, **{**ok, "months": 25}))
    assert not limits.permits(quote(PlanType.INSTALMENT, **{**ok, "interest_waived": D("50.01")}))
    assert not limits.permits(quote(PlanType.INSTALMENT, **{**ok, "fees_waived": D("10.01")}))
    assert not limits.permits(quote(PlanType.INTEREST_FREE, months=12))
    assert not limits.permits(quote(PlanType.DEFERRAL, apr=D("15"), months=22, deferral_months=3))
    # Charging at least the account's current rate reduces nothing, whatever min_apr says.
    assert limits.permits(quote(PlanType.INSTALMENT, apr=D("9.90"), months=12), D("9.90"))
    assert not limits.permits(quote(PlanType.INSTALMENT, apr=D("9.00"), months=12), D("9.90"))


def test_permits_checks_settlement_discount_and_fee_plan_rate() -> None:
    limits = AuthorityLimits(max_settlement_discount=D("20"), min_apr=D("10"))
    assert limits.permits(quote(PlanType.SETTLEMENT, settlement_percent=D("80")))
    assert not limits.permits(quote(PlanType.SETTLEMENT, settlement_percent=D("79.99")))
    cheap = quote(PlanType.FEE_INSTALMENT, months=12, fee_rate=D("0.30"))  # about 6.6%
    dear = quote(PlanType.FEE_INSTALMENT, months=12, fee_rate=D("0.60"))  # about 13.3%
    assert cheap.annualised_rate is not None
    assert cheap.annualised_rate < D("10") < (dear.annualised_rate or D(0))
    assert not limits.permits(cheap)
    assert limits.permits(dear)
