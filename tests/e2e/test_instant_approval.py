"""Decisions in minutes, in a real browser on a phone, in both languages: a cardholder asks for a
plan inside the self-service band and has it approved at once, with every payment shown; one
who asks for more is told a person will decide, and takes the plan that can be agreed now.

The first journey is also the measurement of issue 16: the screens and the fields a cardholder
must touch from sign-in to an approved plan (recorded in benchmarks/RESULTS.md).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cases.decisions import services
from cases.models import AutoDecision, CaseStatus, HardshipCase, OfferStatus
from cases.planning import recommendations_for
from tests.cases.decisions.conftest import must
from tests.e2e.conftest import LIVE_DB, PHONE
from tests.factories import TEST_PASSWORD, CardAccountFactory

pytestmark = [pytest.mark.browser, LIVE_DB]

APPROVED = {"en": "Your plan is approved", "zh-hans": "您的计划已获批准"}
REFERRAL = {"en": "A person will decide on your request", "zh-hans": "将由专人为您的申请作出决定"}
#: Issue 16's target for an in-band instalment request.
MAX_SCREENS, MAX_FIELDS = 4, 15


@pytest.fixture
def viewport():
    return PHONE


@pytest.fixture
def linked_card(cardholder):
    return CardAccountFactory.create(
        holder=cardholder,
        card_last4="4242",
        principal_balance=Decimal("12000.00"),
        interest_balance=Decimal("600.00"),
        penalty_interest_balance=Decimal("0.00"),
        fees_balance=Decimal("150.00"),
        days_past_due=35,
        status="delinquent",
    )


class Journey:
    """Counts what the cardholder does: each screen they act on, each field they fill or tick
    (a plan chosen counts as one field)."""

    def __init__(self, page) -> None:
        self.page, self.screens, self.fields = page, 0, 0

    def screen(self) -> None:
        self.screens += 1

    def fill(self, selector: str, value: str) -> None:
        self.page.fill(selector, value)
        self.fields += 1

    def check(self, selector: str) -> None:
        self.page.check(selector)
        self.fields += 1


def sign_in(page, journey: Journey, user, language: str) -> None:
    page.goto("/accounts/login/")
    if language != "en":
        page.locator(".navbar-toggler").click()
        switch = page.locator(f'[data-testid="language-switcher"] button[value="{language}"]')
        switch.wait_for(state="visible")
        with page.expect_navigation():
            switch.click()
    journey.fill("#id_login", user.email)
    journey.fill("#id_password", TEST_PASSWORD)
    page.locator("form.allauth-form button[type=submit]:not([form])").click()
    page.wait_for_url("**/portal/")


def apply_until_plans(page, journey: Journey, card) -> None:
    journey.screen()  # the dashboard: ask for help on the card
    page.locator(f"form[action='/portal/accounts/{card.pk}/apply/'] button").first.click()
    page.wait_for_url("**/apply/reason/")
    journey.screen()
    journey.check("#id_reason_0")  # job loss
    journey.check("#id_duration_1")  # long-term
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/apply/money/")
    journey.screen()
    journey.fill("#id_income_wages", "9000")
    journey.fill("#id_essential_housing", "2500")
    page.get_by_test_id("disposable-income").wait_for()
    page.locator("main form button[type=submit]").last.click()
    # Under the evidence threshold, with contact preferences on the profile: straight on.
    page.wait_for_url("**/apply/options/")
    journey.screen()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_plan_inside_the_band_is_approved_at_once(page, shot, cardholder, linked_card, language):
    journey = Journey(page)
    sign_in(page, journey, cardholder, language)
    apply_until_plans(page, journey, linked_card)
    case = HardshipCase.objects.get(account=linked_card)
    instant = services.instant_ranks(case, list(must(recommendations_for(case)).recommendations))
    rank = min(instant)
    expect(page.get_by_test_id(f"instant-{rank}")).to_be_visible()
    shot(page, f"plans-{language}")
    journey.fields += 1  # choosing the plan
    with page.expect_navigation():
        page.get_by_test_id(f"send-plan-{rank}").click()

    expect(page.get_by_test_id("approved-heading")).to_have_text(APPROVED[language])
    offer = must(AutoDecision.objects.get(case=case).offer)
    rows = page.get_by_test_id("open-offer").get_by_test_id("schedule").locator("tbody tr")
    expect(rows).to_have_count(offer.summary["months"])  # every payment, before consent
    shot(page, f"approved-{language}")
    print(f"\nJOURNEY {language}: {journey.screens} screens after sign-in, {journey.fields} fields")
    assert journey.screens <= MAX_SCREENS
    assert journey.fields <= MAX_FIELDS

    box = page.get_by_test_id("open-offer")
    box.locator("input[name=consent]").check()
    with page.expect_navigation():
        box.locator("button[name=answer][value=accept]").click()
    expect(page.get_by_test_id("agreement-link")).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.AGREED
    accepted = case.offers.get(status=OfferStatus.ACCEPTED)
    assert len(accepted.acceptance.schedule) == offer.summary["months"]
    assert page.console_errors == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_referral_offers_the_plan_that_can_be_agreed_now(
    page, shot, cardholder, linked_card, language
):
    journey = Journey(page)
    sign_in(page, journey, cardholder, language)
    apply_until_plans(page, journey, linked_card)
    # The plan best for this cardholder reduces what they owe: only a person may agree it.
    with page.expect_navigation():
        page.get_by_test_id("send-plan-1").click()
    referral = page.get_by_test_id("referral")
    expect(referral.locator("h2")).to_have_text(REFERRAL[language])
    expect(referral.get_by_test_id("referral-reasons").locator("li")).to_have_count(1)
    expect(referral.get_by_test_id("alternative")).to_be_visible()
    shot(page, f"referral-{language}")
    case = HardshipCase.objects.get(account=linked_card)
    assert case.status == CaseStatus.SUBMITTED
    with page.expect_navigation():
        page.get_by_test_id("take-alternative").click()
    expect(page.get_by_test_id("approved-heading")).to_have_text(APPROVED[language])
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CARDHOLDER
    assert page.console_errors == []


def test_with_automatic_decisions_paused_the_request_goes_to_a_person(
    page, cardholder, linked_card, admin
):
    services.switch_set(actor=admin, paused=True, reason="Reviewing the band")
    journey = Journey(page)
    sign_in(page, journey, cardholder, "en")
    apply_until_plans(page, journey, linked_card)
    expect(page.locator("[data-testid^=instant-]")).to_have_count(0)
    with page.expect_navigation():
        page.locator("[data-testid^=send-plan-]").last.click()
    expect(page.get_by_test_id("case-status")).to_have_text("Submitted")
    assert HardshipCase.objects.get(account=linked_card).status == CaseStatus.SUBMITTED
