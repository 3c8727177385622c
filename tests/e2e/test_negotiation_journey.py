"""Cardholder requests a plan → agent counters beyond authority → supervisor approves →
cardholder accepts. Three people, three browsers, one case."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cases.application.services import case_start, case_submit
from cases.models import CaseStatus, HardshipCase, OfferStatus
from tests.cases.conftest import fill_draft
from tests.e2e.conftest import DESKTOP, LIVE_DB, PHONE
from tests.e2e.test_login_journeys import sign_in
from tests.factories import CardAccountFactory

pytestmark = [pytest.mark.browser, LIVE_DB]


@pytest.fixture
def requested(cardholder):
    account = CardAccountFactory.create(
        holder=cardholder,
        card_last4="3307",
        principal_balance=Decimal("29927.43"),
        interest_balance=Decimal("1197.92"),
        penalty_interest_balance=Decimal("422.02"),
        fees_balance=Decimal("504.10"),
        days_past_due=45,
    )
    case = fill_draft(case_start(account=account, actor=cardholder), cardholder)
    return case_submit(case=case, actor=cardholder, version=case.version)


def new_page(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    return page


def test_counter_beyond_authority_is_approved_and_accepted(
    browser, live_server, page, shot, requested, agent, supervisor, cardholder
):
    agent_page = new_page(browser, live_server, DESKTOP)
    sign_in(agent_page, agent, language="en")
    agent_page.goto("/staff/queue/?assignee=unassigned")
    agent_page.get_by_role("link", name=requested.reference).click()
    with agent_page.expect_navigation():
        agent_page.get_by_role("button", name="Claim").click()
    expect(agent_page.get_by_test_id("assignee")).not_to_have_text("nobody")
    custom = agent_page.locator("form[action$='/offer/']").last
    custom.locator("#id_plan_type").select_option("instalment")
    custom.locator("#id_months").fill("48")
    custom.locator("#id_rationale").fill("A longer plan keeps the payment within your budget.")
    shot(agent_page, "agent-offer")
    with agent_page.expect_navigation():
        custom.locator("button[type=submit]").click()
    expect(agent_page.get_by_test_id("case-status")).to_have_text("Awaiting approval")
    expect(agent_page.locator("text=waits for a supervisor")).to_have_count(1)

    supervisor_page = new_page(browser, live_server, DESKTOP)
    sign_in(supervisor_page, supervisor, language="en")
    supervisor_page.goto("/supervisor/approvals/")
    approval = supervisor_page.get_by_test_id("approval")
    expect(approval).to_contain_text("48 months is longer than the authority of 36 months.")
    shot(supervisor_page, "approval")
    with supervisor_page.expect_navigation():
        approval.get_by_role("button", name="Approve").click()
    expect(
        supervisor_page.locator("text=Offer approved and sent to the cardholder.")
    ).to_have_count(1)

    page.set_viewport_size(PHONE)
    sign_in(page, cardholder, language="en")
    page.goto(requested.get_absolute_url())
    offer_box = page.get_by_test_id("open-offer")
    expect(offer_box).to_contain_text("A longer plan keeps the payment within your budget.")
    offer_box.get_by_label("I have read and understood every payment").check()
    shot(page, "cardholder-offer")
    with page.expect_navigation():
        offer_box.get_by_role("button", name="Accept this plan").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Agreed")
    shot(page, "agreed")

    case = HardshipCase.objects.get(pk=requested.pk)
    assert case.status == CaseStatus.AGREED
    accepted = case.offers.get(status=OfferStatus.ACCEPTED)
    assert accepted.summary["months"] == 48
    assert accepted.decided_by == cardholder
    for p in (agent_page, supervisor_page, page):
        assert p.console_errors == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_deferral_is_shown_month_by_month_before_the_cardholder_accepts(
    browser, live_server, page, shot, requested, agent, cardholder, language
):
    # The agent picks the plan type, sees only its fields, and the payments before sending.
    agent_page = new_page(browser, live_server, DESKTOP)
    sign_in(agent_page, agent, language="en")
    agent_page.goto(f"/staff/cases/{requested.pk}/")
    with agent_page.expect_navigation():
        agent_page.get_by_role("button", name="Claim").click()
    custom = agent_page.get_by_test_id("custom-offer")
    custom.locator("#id_plan_type").select_option("deferral")
    expect(custom.locator("#id_settlement_percent")).to_be_hidden()
    expect(custom.locator("#id_step_months")).to_be_hidden()
    custom.locator("#id_months").fill("21")
    custom.locator("#id_deferral_months").fill("3")
    preview = agent_page.get_by_test_id("offer-preview")
    expect(preview.get_by_test_id("schedule").locator("tbody tr")).to_have_count(24)
    expect(preview.get_by_test_id("offer-preview-authority")).to_contain_text(
        "Within your authority"
    )
    custom.locator("#id_rationale").fill("Three months to get back on your feet, then 21 payments.")
    shot(agent_page, "agent-deferral-preview")
    with agent_page.expect_navigation():
        custom.get_by_role("button", name="Send offer").click()
    expect(agent_page.get_by_test_id("case-status")).to_have_text(
        "Waiting for the cardholder's answer"
    )

    # On a phone, in their language, the cardholder sees every row, the empty months included.
    page.set_viewport_size(PHONE)
    sign_in(page, cardholder, language=language)
    page.goto(requested.get_absolute_url())
    offer_box = page.get_by_test_id("open-offer")
    rows = offer_box.get_by_test_id("schedule").locator("tbody tr")
    expect(rows).to_have_count(24)
    for month in range(3):
        expect(rows.nth(month).locator("td").nth(1)).to_have_text(re.compile(r"^(CNY |¥)0\.00$"))
    expect(offer_box.get_by_test_id("payments")).to_have_text("21")
    offer_box.get_by_test_id("schedule").scroll_into_view_if_needed()
    shot(page, f"deferral-offer-{language}")
    offer_box.locator("input[name=consent]").check()
    with page.expect_navigation():
        offer_box.locator("button[name=answer][value=accept]").click()
    case = HardshipCase.objects.get(pk=requested.pk)
    assert case.status == CaseStatus.AGREED
    accepted = case.offers.get(status=OfferStatus.ACCEPTED)
    shown = accepted.acceptance
    assert len(shown.schedule) == 24  # what was stored is every row that was shown
    assert shown.language == language
    for p in (agent_page, page):
        assert p.console_errors == []


def test_accept_sign_download_and_check_the_agreement(
    live_server, page, shot, requested, supervisor, cardholder, settings, tmp_path
):
    from django.core import mail

    from cases import negotiation as n
    from plans.certificates import make_development_pair
    from tests.cases.negotiation.test_negotiation import quote

    settings.AGREEMENT_SIGNING_CERT = tmp_path / "cert.pem"
    settings.AGREEMENT_SIGNING_KEY = tmp_path / "key.pem"
    make_development_pair(settings.AGREEMENT_SIGNING_CERT, settings.AGREEMENT_SIGNING_KEY)
    case = n.case_claim(case=requested, actor=supervisor, version=requested.version)
    n.offer_propose(
        case=case, actor=supervisor, version=case.version, schedule=quote(case), rationale="Fits"
    )

    page.set_viewport_size(PHONE)
    sign_in(page, cardholder, language="en")
    page.goto(requested.get_absolute_url())
    offer_box = page.get_by_test_id("open-offer")
    offer_box.get_by_label("I have read and understood every payment").check()
    with page.expect_navigation():
        offer_box.get_by_role("button", name="Accept this plan").click()
    expect(page.get_by_test_id("case-status")).to_have_text("Agreed")
    with page.expect_navigation():
        page.get_by_test_id("agreement-link").click()
    expect(page.get_by_test_id("sign-form")).to_be_visible()
    with page.expect_navigation():
        page.get_by_test_id("send-code").click()
    code = re.search(r"is (\d{6})\.", str(mail.outbox[-1].body))
    assert code
    form = page.get_by_test_id("sign-form")
    form.get_by_label("Your full name").fill(requested.account.holder_name)
    form.get_by_label("The 6-digit code we sent you").fill(code.group(1))
    shot(page, "sign")
    with page.expect_navigation():
        form.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_test_id("agreement-status")).to_contain_text("Your plan is active")
    with page.expect_download() as download:
        page.get_by_test_id("download-signed").click()
    signed = tmp_path / "signed.pdf"
    download.value.save_as(signed)
    assert signed.read_bytes().startswith(b"%PDF")

    page.goto("/plans/verify/")
    page.get_by_label("The agreement (PDF)").set_input_files(str(signed))
    with page.expect_navigation():
        page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("verdict")).to_contain_text("Authentic and unchanged")
    shot(page, "verified")
    assert HardshipCase.objects.get(pk=requested.pk).status == CaseStatus.ACTIVE
