"""Automatic decisions on the pages: the journey that skips what the request does not need,
'send now', the approval and the referral the cardholder reads, staff oversight, the pause
switch, flags, and manage.py explain_decision."""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import QuerySet
from django.urls import reverse

from cases.application.services import case_request_plan, case_start
from cases.decisions import services
from cases.models import (
    AccountFlag,
    AutoDecision,
    CaseStatus,
    DecisionReview,
    HardshipCase,
)
from cases.planning import recommendations_for
from tests.cases.conftest import fill_draft
from tests.cases.decisions.conftest import must
from tests.cases.decisions.test_auto_decision import submit

pytestmark = pytest.mark.django_db


def apply_url(case, step):
    return reverse("cases:apply", args=[case.pk, step])


@pytest.fixture
def filled(small_account, cardholder) -> HardshipCase:
    return fill_draft(case_start(account=small_account, actor=cardholder), cardholder)


def shown_on(page: str, rank: int) -> dict[str, str]:
    """The fingerprint of option `rank` as the page carries it, to send back with the choice."""
    match = re.search(rf'name="shown-{rank}" value="([^"]+)"', page)
    assert match, f"option {rank} is on the page"
    return {f"shown-{rank}": match.group(1)}


def tamper(record: AutoDecision) -> QuerySet[AutoDecision]:
    """The record as someone with the database itself would reach it (the model refuses)."""
    return QuerySet[AutoDecision](model=AutoDecision).filter(pk=record.pk)


def instant_rank(case) -> int:
    result = must(recommendations_for(case))
    ranks = services.instant_ranks(case, list(result.recommendations))
    assert ranks, "the demo figures leave at least one plan that can be agreed at once"
    return min(ranks)


def test_the_journey_skips_documents_and_contact_when_not_needed(
    client_for, cardholder, small_account
):
    client = client_for(cardholder)
    client.post(reverse("cases:apply_start", args=[small_account.pk]))
    case = HardshipCase.objects.get(account=small_account)
    response = client.post(
        apply_url(case, "reason"),
        {"version": case.version, "reason": "job_loss", "duration": "long_term"},
    )
    assert response.url == apply_url(case, "money")
    case.refresh_from_db()
    case.contact_channel, case.contact_from, case.contact_until = "email", "09:00", "18:00"
    case.save()
    response = client.post(
        apply_url(case, "money"),
        {
            "version": case.version,
            "household_size": 1,
            "dependants": 0,
            "income_wages": "9000",
            "essential_housing": "2500",
        },
    )
    # Under the evidence threshold, with contact preferences known: straight to the plans.
    assert response.url == apply_url(case, "options")
    case.refresh_from_db()
    assert case.wizard_step == "options"


def test_documents_are_asked_for_above_the_evidence_threshold(client_for, cardholder, draft):
    # The shared fixture's account owes about 32,000: above the default 30,000.
    assert services.evidence_required(draft)
    client = client_for(cardholder)
    response = client.post(
        apply_url(draft, "money"),
        {"version": draft.version, "household_size": 1, "dependants": 0, "income_wages": "9000"},
    )
    assert response.url == apply_url(draft, "evidence")


def test_send_now_approves_at_once_and_shows_every_payment(client_for, cardholder, filled):
    client = client_for(cardholder)
    page = client.get(apply_url(filled, "options")).content.decode()
    rank = instant_rank(filled)
    assert f'data-testid="instant-{rank}"' in page
    response = client.post(
        apply_url(filled, "options"),
        {"version": filled.version, "choice": f"send-{rank}", **shown_on(page, rank)},
    )
    filled.refresh_from_db()
    assert response.url == filled.get_absolute_url()
    assert filled.status == CaseStatus.AWAITING_CARDHOLDER
    page = client.get(filled.get_absolute_url()).content.decode()
    assert "Your plan is approved" in page
    offer = must(AutoDecision.objects.get(case=filled).offer)
    # Every instalment is on the page the cardholder accepts from.
    assert page.count('class="disclosure-row"') == offer.summary["months"] or (
        str(offer.summary["months"]) in page
    )
    assert "Your plan was approved at once" in page


def test_a_referral_explains_and_offers_the_plan_that_can_be_agreed_now(
    client_for, cardholder, filled
):
    best = must(recommendations_for(filled)).recommendations[0]
    case_request_plan(case=filled, actor=cardholder, version=filled.version, schedule=best.schedule)
    filled.refresh_from_db()
    case = submit(filled, cardholder)
    client = client_for(cardholder)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "A person will decide on your request" in page
    assert "This is not a refusal" in page
    assert "A plan that reduces what you owe is agreed by a person." in page
    assert 'data-testid="alternative"' in page
    # No threshold of the band is shown to the cardholder.
    assert "60000" not in page
    assert "60,000" not in page
    referral = must(services.referral_for(case))
    alternative = must(referral.alternative)
    response = client.post(
        reverse("cases:take_alternative", args=[case.pk]),
        {
            "version": case.version,
            "rank": alternative.rank,
            "shown": must(re.search(r'name="shown" value="([^"]+)"', page)).group(1),
        },
    )
    assert response.url == case.get_absolute_url()
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CARDHOLDER


def test_another_cardholder_cannot_take_the_alternative(
    client_for, other_cardholder, cardholder, filled
):
    case = submit(filled, cardholder)
    response = client_for(other_cardholder).post(
        reverse("cases:take_alternative", args=[case.pk]),
        {"version": case.version, "rank": 1, "shown": "1:1:1"},
    )
    assert response.status_code == 404


def test_staff_see_the_decision_and_each_rule(client_for, agent, cardholder, filled):
    case = submit(filled, cardholder)
    client = client_for(agent)
    page = client.get(reverse("cases:review", args=[case.pk])).content.decode()
    assert 'data-testid="auto-decisions"' in page
    assert "Plan length (months)" in page
    queue = client.get(reverse("cases:queue") + "?auto=" + case.decisions.get().outcome)
    assert case.reference in queue.content.decode()


def test_quality_review(client_for, supervisor, agent, cardholder, filled):
    from cases.models import NegotiationPolicy

    NegotiationPolicy.objects.filter(pk=1).update(auto_sample_percent=Decimal("100"))
    rank = instant_rank(filled)
    client = client_for(cardholder)
    page = client.get(apply_url(filled, "options")).content.decode()
    client.post(
        apply_url(filled, "options"),
        {"version": filled.version, "choice": f"send-{rank}", **shown_on(page, rank)},
    )
    decision = AutoDecision.objects.get(case=filled)
    assert decision.sampled
    assert client_for(agent).get(reverse("cases:quality_reviews")).status_code == 403
    client = client_for(supervisor)
    page = client.get(reverse("cases:quality_reviews")).content.decode()
    assert filled.reference in page
    url = reverse("cases:quality_review_decide", args=[decision.pk])
    client.post(url, {f"{decision.pk}-verdict": "disagree", f"{decision.pk}-reason": ""})
    assert not DecisionReview.objects.exists()
    client.post(
        url, {f"{decision.pk}-verdict": "disagree", f"{decision.pk}-reason": "Income looks thin"}
    )
    review = DecisionReview.objects.get()
    assert review.reviewer == supervisor
    assert filled.events.filter(kind="auto_reviewed").exists()
    # Once only.
    client.post(url, {f"{decision.pk}-verdict": "agree"})
    assert DecisionReview.objects.count() == 1


def test_the_switch_page(client_for, admin, supervisor, cardholder, filled):
    assert client_for(supervisor).get(reverse("cases:auto_switch")).status_code == 403
    client = client_for(admin)
    assert client.get(reverse("cases:auto_switch")).status_code == 200
    client.post(reverse("cases:auto_switch"), {"action": "pause", "reason": ""})
    assert not services.is_paused()
    client.post(reverse("cases:auto_switch"), {"action": "pause", "reason": "Incident 42"})
    assert services.is_paused()
    # Only the button pressed changes anything: a POST without it (or with another) resumes nothing.
    for data in ({"reason": "no button"}, {"action": "resume!", "reason": "odd"}):
        page = client.post(reverse("cases:auto_switch"), data)
        assert page.status_code == 200
        assert "Press Pause or Resume." in page.content.decode()
        assert services.is_paused()
    case = submit(filled, cardholder)
    assert case.status == CaseStatus.SUBMITTED
    assert [r["code"] for r in case.decisions.get().rules if not r["passed"]][-1:] == ["paused"]
    client.post(reverse("cases:auto_switch"), {"action": "resume", "reason": "Fixed"})
    assert not services.is_paused()


def test_flags_raised_and_cleared_by_staff_only(client_for, agent, cardholder, filled):
    case = submit(filled, cardholder)
    denied = client_for(cardholder).post(
        reverse("cases:flag_raise", args=[case.pk]), {"kind": "bereavement"}
    )
    assert denied.status_code in (403, 404)
    client = client_for(agent)
    client.post(reverse("cases:flag_raise", args=[case.pk]), {"kind": "bereavement", "note": "x"})
    flag = AccountFlag.objects.get(account=case.account)
    assert services.case_facts(case).flags == frozenset({"bereavement"})
    client.post(reverse("cases:flag_clear", args=[case.pk, flag.pk]))
    flag.refresh_from_db()
    assert flag.cleared_by == agent
    assert services.case_facts(case).flags == frozenset()
    kinds = list(case.events.values_list("kind", flat=True))
    assert "flag_raised" in kinds
    assert "flag_cleared" in kinds


def test_explain_decision_reproduces_in_the_readers_language(cardholder, filled):
    rank = instant_rank(filled)
    schedule = next(r for r in must(recommendations_for(filled)).recommendations if r.rank == rank)
    case_request_plan(
        case=filled, actor=cardholder, version=filled.version, schedule=schedule.schedule
    )
    filled.refresh_from_db()
    case = submit(filled, cardholder)
    out = StringIO()
    call_command("explain_decision", case.reference, "--language", "en", stdout=out)
    text = out.getvalue()
    assert "Approved automatically" in text
    assert "Reproduced" in text
    assert "Plan length (months)" in text
    out = StringIO()
    call_command("explain_decision", case.reference, "--language", "zh-hans", stdout=out)
    assert "自动" in out.getvalue()
    # The version named is on record (a first decision records the baseline policy).
    record = AutoDecision.objects.get(case=case)
    assert services.band_at_version(record.policy_version) is not None
    # A version that is not on record cannot be checked, and says so.
    tamper(record).update(policy_version=record.policy_version + 999)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("explain_decision", case.reference, "--language", "en", stdout=out)
    assert "it cannot be checked" in out.getvalue()
    tamper(record).update(policy_version=record.policy_version)
    # A tampered record does not reproduce.
    tamper(record).update(outcome="refer")
    with pytest.raises(CommandError):
        call_command("explain_decision", case.reference, stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("explain_decision", "HC-999999", stdout=StringIO())


def test_income_and_spending_start_from_the_last_application_if_asked(
    client_for, cardholder, submitted, small_account
):
    from cases.application.services import case_save_reason

    case = case_start(account=small_account, actor=cardholder)
    case = case_save_reason(
        case=case,
        actor=cardholder,
        version=case.version,
        reason="job_loss",
        duration="long_term",
        expected_recovery=None,
        own_words="",
    )
    client = client_for(cardholder)
    page = client.get(apply_url(case, "money")).content.decode()
    assert 'data-testid="use-previous"' in page
    assert 'value="9000.00"' not in page  # nothing is copied until they say so
    page = client.get(apply_url(case, "money") + "?use=previous").content.decode()
    assert 'data-testid="statement-reused"' in page
    assert 'value="9000.00"' in page  # the wages of the earlier application


def test_the_plan_asked_for_is_the_plan_that_was_shown(client_for, cardholder, filled):
    client = client_for(cardholder)
    page = client.get(apply_url(filled, "options")).content.decode()
    assert 'data-testid="declaration"' in page  # sending confirms the statement is true
    rank = instant_rank(filled)
    offers_before = list(filled.offers.values_list("pk", "status", "terms"))
    for shown in ({}, {f"shown-{rank}": "12:1.00:12.00"}):
        response = client.post(
            apply_url(filled, "options"),
            {"version": filled.version, "choice": f"send-{rank}", **shown},
            follow=True,
        )
        assert "The plans have changed since this page was shown" in response.content.decode()
    filled.refresh_from_db()
    assert filled.status == CaseStatus.DRAFT
    assert list(filled.offers.values_list("pk", "status", "terms")) == offers_before
    assert not AutoDecision.objects.filter(case=filled).exists()


@pytest.mark.parametrize("choice", ["send-²", "²", "send-", "send-own-1", "٣"])
def test_an_odd_choice_is_a_clear_message(client_for, cardholder, filled, choice):
    response = client_for(cardholder).post(
        apply_url(filled, "options"), {"version": filled.version, "choice": choice}
    )
    assert response.status_code == 200
    assert "Choose one of the plans, or propose your own terms." in response.content.decode()
    assert filled.offers.count() <= 1
    assert not AutoDecision.objects.filter(case=filled).exists()


def test_a_note_too_long_says_so(client_for, cardholder, filled):
    rank = instant_rank(filled)
    client = client_for(cardholder)
    page = client.get(apply_url(filled, "options")).content.decode()
    offers_before = list(filled.offers.values_list("pk", "status"))
    response = client.post(
        apply_url(filled, "options"),
        {
            "version": filled.version,
            "choice": f"send-{rank}",
            "note": "x" * 2001,
            **shown_on(page, rank),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters" in body
    assert "Choose one of the plans" not in body
    assert list(filled.offers.values_list("pk", "status")) == offers_before
