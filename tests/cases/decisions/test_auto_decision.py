"""Instant approval within the self-service band, referral that helps, and the safeguards:
the kill switch, pending policy changes, faults, stale and concurrent submissions."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.models import User
from cases.application.services import PlanNoLongerFits, case_start, case_submit
from cases.core import CaseActionRefused, CaseChanged, terms_from_json, terms_to_json
from cases.corebanking.demo_cases import accept_offer
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
from cases.planning import first_due_date, recommendations_for, shown_as
from plans.models import PlanStatus, RepaymentPlan
from tests.cases.conftest import fill_draft
from tests.cases.decisions.conftest import must
from tests.factories import CardAccountFactory

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
    with pytest.raises(ValueError, match="never changed"):
        AutoDecision.objects.filter(pk=record.pk).update(outcome="refer")
    with pytest.raises(ValueError, match="never deleted"):
        AutoDecision.objects.filter(pk=record.pk).delete()
    with pytest.raises(ValueError, match="never deleted"):
        record.delete()
    with pytest.raises(ProtectedError):
        HardshipCase.objects.filter(pk=ready.pk).delete()
    assert AutoDecision.objects.get(pk=record.pk).outcome == "approve"


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
        shown=shown_as(alternative.schedule),
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
            case=case, actor=cardholder, version=case.version, rank=1, shown="1:1.00:1.00"
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


# --- the cardholder, not one card ---------------------------------------------------------


def other_card(holder: User, **balances: str) -> CardAccount:
    values = {
        "principal_balance": "3000.00",
        "interest_balance": "0.00",
        "penalty_interest_balance": "0.00",
        "fees_balance": "0.00",
    } | balances
    return CardAccountFactory.create(
        holder=holder,
        card_last4="9999",
        days_past_due=0,
        status="current",
        **{key: Decimal(value) for key, value in values.items()},
    )


def test_a_flag_on_another_card_of_the_cardholder_refers(ready, cardholder, agent):
    AccountFlag.objects.create(account=other_card(cardholder), kind="insolvency", raised_by=agent)
    case = submit(ready, cardholder)
    record = AutoDecision.objects.get(case=case)
    assert [r["code"] for r in record.rules if not r["passed"]] == ["insolvency"]


def test_a_plan_broken_on_another_card_refers(ready, cardholder):
    first = submit(ready, cardholder)
    accept_offer(must(AutoDecision.objects.get(case=first).offer), cardholder)
    RepaymentPlan.objects.filter(case=first).update(
        status=PlanStatus.BROKEN, ended_at=timezone.now() - timedelta(days=30)
    )
    second = other_card(cardholder, principal_balance="9000.00", interest_balance="300.00")
    later = fill_draft(case_start(account=second, actor=cardholder), cardholder)
    facts = services.case_facts(later)
    assert facts.broken_plan_12_months


def test_the_amount_owed_is_on_every_card_of_the_cardholder(ready, cardholder):
    alone = services.case_facts(ready).balance
    other_card(cardholder, principal_balance="50000.00", fees_balance="12.34")
    assert services.case_facts(ready).balance == alone + Decimal("50012.34")
    case = submit(ready, cardholder)
    failed = [r["code"] for r in AutoDecision.objects.get(case=case).rules if not r["passed"]]
    assert failed == ["balance", "evidence"]


def test_a_card_without_an_enrolled_holder_stands_alone(small_account):
    assert services.holder_accounts(CardAccountFactory.create(holder=None, card_last4="1234")) == [
        CardAccount.objects.get(card_last4="1234")
    ]
    assert services.holder_accounts(small_account) == [small_account]


# --- what is decided is what was asked, today ------------------------------------------------


def test_a_note_with_the_request_goes_to_a_person(ready, cardholder):
    requested = ready.offers.get(status=OfferStatus.REQUESTED)
    requested.rationale = "My partner died last month."
    requested.save()
    case = submit(ready, cardholder)
    record = AutoDecision.objects.get(case=case)
    assert case.status == CaseStatus.SUBMITTED
    assert [r["code"] for r in record.rules if not r["passed"]] == ["wrote_to_us"]
    referral = must(services.referral_for(case))
    assert referral.alternative is None  # a person reads it; no plan is agreed around it


def test_a_request_worked_out_on_an_earlier_day_is_not_sent(ready, cardholder):
    # The plan was chosen three days ago: its first payment date is now less than a month off.
    requested = ready.offers.get(status=OfferStatus.REQUESTED)
    chosen_on = timezone.localdate() - timedelta(days=3)
    requested.terms = terms_to_json(
        replace(terms_from_json(requested.terms), start_date=first_due_date(chosen_on))
    )
    requested.save()
    before = ready.version
    with pytest.raises(PlanNoLongerFits, match="earlier day"):
        case_submit(case=ready, actor=cardholder, version=ready.version)
    ready.refresh_from_db()
    assert ready.status == CaseStatus.DRAFT
    assert ready.version == before
    assert not AutoDecision.objects.filter(case=ready).exists()


def test_a_request_on_balances_that_moved_is_not_sent(ready, cardholder):
    CardAccount.objects.filter(pk=ready.account_id).update(fees_balance=Decimal("2150.00"))
    ready.refresh_from_db()
    with pytest.raises(PlanNoLongerFits, match="changed since"):
        case_submit(case=ready, actor=cardholder, version=ready.version)
    assert ready.offers.filter(status=OfferStatus.REQUESTED).count() == 1
    assert not AutoDecision.objects.filter(case=ready).exists()
