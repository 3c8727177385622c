"""Instant approval within the self-service band, referral that helps, and the safeguards:
the kill switch, pending policy changes, faults, stale and concurrent submissions."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest

from accounts.models import User
from cases.application.services import case_submit
from cases.core import CaseActionRefused, CaseChanged
from cases.decisions import services
from cases.models import (
    AccountFlag,
    AutoDecision,
    CardAccount,
    CaseEvent,
    CaseStatus,
    HardshipCase,
    NegotiationPolicy,
    OfferStatus,
    Proposer,
)
from cases.planning import recommendations_for
from tests.cases.conftest import fill_draft
from tests.cases.decisions.conftest import must

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(small_account: CardAccount, cardholder: User) -> HardshipCase:
    from cases.application.services import case_request_plan, case_start

    case = fill_draft(case_start(account=small_account, actor=cardholder), cardholder)
    result = must(recommendations_for(case))
    level = next(
        r
        for r in result.recommendations
        if r.schedule.terms.plan_type in ("instalment", "interest_free") and r.schedule.months <= 48
    )
    case_request_plan(case=case, actor=cardholder, version=case.version, schedule=level.schedule)
    case.refresh_from_db()
    return case


def submit(case: HardshipCase, user: User) -> HardshipCase:
    case = case_submit(case=case, actor=user, version=case.version)
    case.refresh_from_db()
    return case


def test_a_request_inside_the_band_is_approved_at_once(ready, cardholder):
    case = submit(ready, cardholder)
    record = AutoDecision.objects.get(case=case)
    assert record.outcome == "approve", record.rules
    assert case.status == CaseStatus.AWAITING_CARDHOLDER
    offer = must(record.offer)
    assert offer.status == OfferStatus.OPEN
    assert offer.proposer == Proposer.BANK
    assert offer.created_by is None
    assert offer.terms == record.request.terms  # exactly what was asked for
    assert offer.summary == record.request.summary
    assert record.request.status == OfferStatus.SUPERSEDED
    event = case.events.get(kind="auto_approved")
    assert event.payload["version"] == record.policy_version
    assert event.visible_to_cardholder
    assert case.decided_at is not None
    assert case.first_response_at is not None
    assert all(rule["passed"] for rule in record.rules)


def test_the_decision_record_cannot_be_edited(ready, cardholder):
    submit(ready, cardholder)
    record = AutoDecision.objects.get(case=ready)
    record.outcome = "refer"
    with pytest.raises(ValueError, match="never changed"):
        record.save()


def test_outside_the_band_refers_and_offers_an_alternative_in_band(ready, cardholder):
    from cases.application.services import case_request_plan

    # The plan best for this cardholder is a settlement: it reduces what they owe, which
    # only a person may agree.
    result = must(recommendations_for(ready))
    best = result.recommendations[0]
    assert best.schedule.terms.plan_type == "settlement"
    case_request_plan(case=ready, actor=cardholder, version=ready.version, schedule=best.schedule)
    ready.refresh_from_db()
    case = submit(ready, cardholder)
    assert case.status == CaseStatus.SUBMITTED
    referral = must(services.referral_for(case))
    assert referral is not None
    assert referral.choices == ["plan_type", "principal"]
    alternative = must(referral.alternative)
    assert alternative is not None
    assert alternative.schedule.terms.plan_type in ("instalment", "interest_free", "deferral")
    event = case.events.get(kind="auto_referred")
    assert event.payload["failed"] == ["plan_type", "principal"]

    services.case_take_alternative(
        case=case,
        actor=cardholder,
        version=case.version,
        rank=alternative.rank,
        payment=str(alternative.schedule.max_payment),
        months=alternative.schedule.months,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CARDHOLDER
    latest = must(services.latest_decision(case))
    assert latest.outcome == "approve"
    assert must(latest.offer).summary == latest.request.summary
    assert latest.request.summary["monthly_payment"] == str(alternative.schedule.monthly_payment)


def test_a_stale_alternative_is_decided_on_what_is_submitted(ready, cardholder):
    policy = NegotiationPolicy.objects.get(pk=1)
    policy.auto_max_term_months = 1
    policy.save()
    case = submit(ready, cardholder)
    with pytest.raises(CaseActionRefused):
        services.case_take_alternative(
            case=case, actor=cardholder, version=case.version, rank=1, payment="1.00", months=1
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert AutoDecision.objects.filter(case=case).count() == 1


def test_a_flag_refers_without_an_alternative(ready, cardholder, agent):
    AccountFlag.objects.create(account=ready.account, kind="bereavement", raised_by=agent)
    case = submit(ready, cardholder)
    referral = must(services.referral_for(case))
    assert case.status == CaseStatus.SUBMITTED
    assert referral.choices == []
    assert referral.alternative is None
    assert AutoDecision.objects.get(case=case).outcome == "refer"


def test_asking_for_a_person_refers(ready, cardholder):
    HardshipCase.objects.filter(pk=ready.pk).update(asked_for_person=True)
    ready.refresh_from_db()
    assert submit(ready, cardholder).status == CaseStatus.SUBMITTED


def test_the_kill_switch_sends_requests_to_people(ready, admin, cardholder):
    services.switch_set(actor=admin, paused=True, reason="Checking the band after an incident")
    case = submit(ready, cardholder)
    assert case.status == CaseStatus.SUBMITTED
    record = AutoDecision.objects.get(case=case)
    assert [r["code"] for r in record.rules if not r["passed"]] == ["paused"]
    assert services.is_paused()


def test_only_an_administrator_pauses_and_with_a_reason(agent, supervisor, admin):
    for actor in (agent, supervisor):
        with pytest.raises(CaseActionRefused):
            services.switch_set(actor=actor, paused=True, reason="x")
    with pytest.raises(CaseActionRefused):
        services.switch_set(actor=admin, paused=True, reason="  ")
    switch = services.switch_set(actor=admin, paused=True, reason="incident")
    assert switch.history.latest().paused
    assert switch.history.latest().reason == "incident"
    services.switch_set(actor=admin, paused=False, reason="resolved")
    assert not services.is_paused()


def test_a_pending_policy_change_never_affects_decisions(ready, admin, cardholder):
    from tests.cases.policy.test_policy_page import propose

    propose(admin, policy_values={"auto_max_term_months": 1, "auto_risk_high": True})
    case = submit(ready, cardholder)
    assert AutoDecision.objects.get(case=case).outcome == "approve"


def test_an_engine_fault_refers_and_loses_nothing(ready, cardholder, caplog):
    with mock.patch.object(services.engine, "decide", side_effect=RuntimeError("boom")):
        case = submit(ready, cardholder)
    assert case.status == CaseStatus.SUBMITTED
    record = AutoDecision.objects.get(case=case)
    assert record.outcome == "refer"
    assert "boom" in record.error
    assert case.offers.filter(status=OfferStatus.REQUESTED).count() == 1
    assert "Automatic decision failed" in caplog.text
    assert CaseEvent.objects.filter(case=case, kind="auto_referred").exists()


def test_a_replayed_submission_is_refused(ready, cardholder):
    version = ready.version
    submit(ready, cardholder)
    with pytest.raises(CaseChanged):
        case_submit(case=ready, actor=cardholder, version=version)
    assert AutoDecision.objects.filter(case=ready).count() == 1


def test_sampling_follows_the_policy_share(ready, cardholder):
    NegotiationPolicy.objects.filter(pk=1).update(auto_sample_percent=Decimal("100"))
    submit(ready, cardholder)
    assert AutoDecision.objects.get(case=ready).sampled


def test_never_sampled_at_zero(ready, cardholder):
    NegotiationPolicy.objects.filter(pk=1).update(auto_sample_percent=Decimal("0"))
    submit(ready, cardholder)
    assert not AutoDecision.objects.get(case=ready).sampled


def test_a_decision_is_reproduced_from_its_record(ready, cardholder):
    from plans.calculator.decision import Band, CaseFacts, PlanRequest, decide

    submit(ready, cardholder)
    record = AutoDecision.objects.get(case=ready)
    again = decide(
        CaseFacts.from_json(record.facts),
        PlanRequest.from_json(record.plan),
        Band.from_json(record.band),
    )
    assert again.outcome.value == record.outcome
    assert [r.as_json() for r in again.rules] == record.rules
