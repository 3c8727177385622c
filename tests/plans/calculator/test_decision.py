"""The decision engine's promises: each rule at and either side of its threshold, an approval
never outside the band, a pause or any exclusion always refers, the same inputs the same
result, and the record round-trips through JSON."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.calculator.decision import (
    EXCLUSIONS,
    FLAG_EXCLUSIONS,
    Band,
    CaseFacts,
    Outcome,
    PlanRequest,
    RuleKind,
    decide,
    is_sampled,
)

BAND = Band(
    plan_types=frozenset({"instalment", "interest_free", "deferral"}),
    max_term_months=48,
    max_deferral_months=3,
    min_apr=Decimal("0"),
    max_interest_waiver_share=Decimal("0.5"),
    max_fee_waiver_share=Decimal("1"),
    max_balance=Decimal("60000.00"),
    max_income_share=Decimal("0.7"),
    risk_bands=frozenset({"low", "medium"}),
    evidence_above=Decimal("30000.00"),
)
FACTS = CaseFacts(
    balance=Decimal("20000.00"),
    risk_band="medium",
    disposable_income=Decimal("2000.00"),
    broken_plan_12_months=False,
)
REQUEST = PlanRequest(
    plan_type="instalment",
    months=36,
    deferral_months=0,
    apr=Decimal("9.90"),
    accrued_interest=Decimal("1000.00"),
    interest_waived=Decimal("0.00"),
    fees=Decimal("300.00"),
    fees_waived=Decimal("0.00"),
    forgiven=Decimal("0.00"),
    largest_payment=Decimal("700.00"),
)


def rule(decision, code):
    return next(r for r in decision.rules if r.code == code)


def test_a_request_inside_the_band_is_approved_with_every_rule_shown():
    decision = decide(FACTS, REQUEST, BAND)
    assert decision.outcome == Outcome.APPROVE
    assert all(r.passed for r in decision.rules)
    codes = [r.code for r in decision.rules]
    assert len(codes) == len(set(codes))
    assert set(EXCLUSIONS) <= set(codes)
    assert rule(decision, "term").value == "36"
    assert rule(decision, "term").limit == "48"


# (field on the request or facts, value at the limit, value just beyond, rule code)
THRESHOLDS = [
    ("request", "months", 48, 49, "term"),
    ("request", "months", 47, 49, "term"),
    ("request", "interest_waived", Decimal("500.00"), Decimal("500.01"), "interest_waiver"),
    ("request", "fees_waived", Decimal("300.00"), Decimal("300.01"), "fee_waiver"),
    ("request", "forgiven", Decimal("0.00"), Decimal("0.01"), "principal"),
    ("request", "largest_payment", Decimal("1400.00"), Decimal("1400.01"), "affordability"),
    ("facts", "balance", Decimal("30000.00"), Decimal("30000.01"), "evidence"),
    ("facts", "disposable_income", Decimal("1000.00"), Decimal("999.99"), "affordability"),
]


@pytest.mark.parametrize(("where", "name", "inside", "outside", "code"), THRESHOLDS)
def test_each_rule_at_and_beyond_its_threshold(where, name, inside, outside, code):
    facts, request = FACTS, REQUEST
    if name == "disposable_income":
        request = replace(REQUEST, largest_payment=Decimal("700.00"))
    for value, expected in ((inside, True), (outside, False)):
        if where == "request":
            request = replace(request, **{name: value})
        else:
            facts = replace(facts, **{name: value})
        decision = decide(facts, request, BAND)
        assert rule(decision, code).passed is expected, (name, value)
        assert (decision.outcome == Outcome.APPROVE) is expected


def test_the_balance_limit_at_and_beyond():
    band = replace(BAND, evidence_above=Decimal("100000"))
    at = decide(replace(FACTS, balance=Decimal("60000.00")), REQUEST, band)
    beyond = decide(replace(FACTS, balance=Decimal("60000.01")), REQUEST, band)
    assert rule(at, "balance").passed
    assert at.outcome == Outcome.APPROVE
    assert not rule(beyond, "balance").passed
    assert beyond.outcome == Outcome.REFER


def test_the_deferral_limit_and_plan_types():
    deferral = replace(REQUEST, plan_type="deferral", deferral_months=3)
    assert decide(FACTS, deferral, BAND).outcome == Outcome.APPROVE
    longer = decide(FACTS, replace(deferral, deferral_months=4), BAND)
    assert longer.outcome == Outcome.REFER
    assert [r.code for r in longer.failed] == ["deferral"]
    for plan_type in ("settlement", "step_up", "fee_instalment"):
        refused = decide(FACTS, replace(REQUEST, plan_type=plan_type), BAND)
        assert [r.code for r in refused.failed] == ["plan_type"]


def test_a_rate_below_the_lowest_allowed_refers():
    band = replace(BAND, min_apr=Decimal("5.00"))
    assert decide(FACTS, replace(REQUEST, apr=Decimal("5.00")), band).outcome == Outcome.APPROVE
    below = decide(FACTS, replace(REQUEST, apr=Decimal("4.99")), band)
    assert [r.code for r in below.failed] == ["rate"]


def test_risk_bands_outside_the_band_refer():
    for band_name, expected in (
        ("low", Outcome.APPROVE),
        ("medium", Outcome.APPROVE),
        ("high", Outcome.REFER),
        ("very_high", Outcome.REFER),
        ("", Outcome.REFER),
    ):
        assert decide(replace(FACTS, risk_band=band_name), REQUEST, BAND).outcome == expected


def test_no_surplus_never_approves():
    facts = replace(FACTS, disposable_income=Decimal("0.00"))
    request = replace(REQUEST, largest_payment=Decimal("0.00"))
    assert decide(facts, request, BAND).outcome == Outcome.REFER


@pytest.mark.parametrize("flag", sorted(FLAG_EXCLUSIONS))
def test_each_flag_refers_on_its_own(flag):
    decision = decide(replace(FACTS, flags=frozenset({flag})), REQUEST, BAND)
    assert decision.outcome == Outcome.REFER
    assert [r.code for r in decision.failed] == [flag]
    assert decision.failed[0].kind == RuleKind.CIRCUMSTANCE
    assert not decision.failed_choices


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"broken_plan_12_months": True}, "broken_plan"),
        ({"identity_verified": False}, "identity"),
        ({"asked_for_person": True}, "asked_for_person"),
        ({"wrote_to_us": True}, "wrote_to_us"),
    ],
)
def test_other_exclusions_refer(change, code):
    decision = decide(replace(FACTS, **change), REQUEST, BAND)
    assert [r.code for r in decision.failed] == [code]


def test_evidence_above_the_threshold_needs_a_review():
    facts = replace(FACTS, balance=Decimal("40000.00"))
    assert [r.code for r in decide(facts, REQUEST, BAND).failed] == ["evidence"]
    reviewed = replace(facts, evidence_reviewed=True)
    assert decide(reviewed, REQUEST, BAND).outcome == Outcome.APPROVE


def test_a_paused_band_refers_everything():
    decision = decide(FACTS, REQUEST, replace(BAND, paused=True))
    assert decision.outcome == Outcome.REFER
    assert [r.code for r in decision.failed] == ["paused"]


def test_choices_and_circumstances_are_told_apart():
    decision = decide(
        replace(FACTS, flags=frozenset({"complaint"})), replace(REQUEST, months=60), BAND
    )
    assert [r.code for r in decision.failed_choices] == ["term"]
    assert {r.code for r in decision.failed} == {"term", "complaint"}


money = st.decimals(min_value=Decimal("0"), max_value=Decimal("200000"), places=2)
shares = st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2)
bands = st.builds(
    Band,
    plan_types=st.frozensets(st.sampled_from(["instalment", "interest_free", "deferral"])),
    max_term_months=st.integers(1, 60),
    max_deferral_months=st.integers(0, 12),
    min_apr=st.decimals(min_value=Decimal("0"), max_value=Decimal("30"), places=2),
    max_interest_waiver_share=shares,
    max_fee_waiver_share=shares,
    max_balance=money,
    max_income_share=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("1"), places=2),
    risk_bands=st.frozensets(st.sampled_from(["low", "medium", "high", "very_high"])),
    evidence_above=money,
    paused=st.booleans(),
)
facts_strategy = st.builds(
    CaseFacts,
    balance=money,
    risk_band=st.sampled_from(["low", "medium", "high", "very_high"]),
    disposable_income=st.decimals(min_value=Decimal("-5000"), max_value=Decimal("20000"), places=2),
    broken_plan_12_months=st.booleans(),
    flags=st.frozensets(st.sampled_from(sorted(FLAG_EXCLUSIONS)), max_size=2),
    identity_verified=st.booleans(),
    evidence_reviewed=st.booleans(),
    asked_for_person=st.booleans(),
    wrote_to_us=st.booleans(),
)
requests = st.builds(
    PlanRequest,
    plan_type=st.sampled_from(
        ["instalment", "interest_free", "deferral", "settlement", "step_up", "fee_instalment"]
    ),
    months=st.integers(1, 72),
    deferral_months=st.integers(0, 12),
    apr=st.one_of(
        st.none(), st.decimals(min_value=Decimal("0"), max_value=Decimal("36"), places=2)
    ),
    accrued_interest=money,
    interest_waived=money,
    fees=money,
    fees_waived=money,
    forgiven=st.one_of(st.just(Decimal("0.00")), money),
    largest_payment=st.decimals(min_value=Decimal("0"), max_value=Decimal("20000"), places=2),
)


@given(facts_strategy, requests, bands)
def test_an_approval_never_lies_outside_the_band(facts, request, band):
    decision = decide(facts, request, band)
    if decision.outcome != Outcome.APPROVE:
        assert decision.failed, "a referral always names the rule that sent it to a person"
        return
    assert not band.paused
    assert request.plan_type in band.plan_types
    assert request.months <= band.max_term_months
    assert request.deferral_months <= band.max_deferral_months
    assert request.apr is None or request.apr >= band.min_apr
    assert request.interest_waived <= request.accrued_interest * band.max_interest_waiver_share
    assert request.fees_waived <= request.fees * band.max_fee_waiver_share
    assert request.forgiven == 0
    assert facts.balance <= band.max_balance
    assert facts.disposable_income > 0
    assert request.largest_payment <= facts.disposable_income * band.max_income_share
    assert facts.risk_band in band.risk_bands
    assert not facts.flags
    assert not facts.broken_plan_12_months
    assert not facts.asked_for_person
    assert not facts.wrote_to_us
    assert facts.identity_verified
    assert facts.balance <= band.evidence_above or facts.evidence_reviewed


@given(facts_strategy, requests, bands)
def test_same_inputs_same_decision_also_after_a_round_trip(facts, request, band):
    first = decide(facts, request, band)
    again = decide(
        CaseFacts.from_json(facts.as_json()),
        PlanRequest.from_json(request.as_json()),
        Band.from_json(band.as_json()),
    )
    assert first == again
    assert first.as_json() == again.as_json()


def test_the_engine_never_declines():
    assert {outcome.value for outcome in Outcome} == {"approve", "refer"}


def test_sampling_share():
    assert is_sampled(0.049, Decimal("0.05"))
    assert not is_sampled(0.05, Decimal("0.05"))
    assert not is_sampled(0.0, Decimal("0"))
    assert is_sampled(0.999, Decimal("1"))
