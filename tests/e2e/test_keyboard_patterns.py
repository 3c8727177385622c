"""The shared accessibility patterns, and each role's main task done with the keyboard alone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from cases import negotiation as n
from cases.models import CaseStatus, HardshipCase, OfferStatus, PolicyChange
from tests.cases.negotiation.test_negotiation import fresh, quote
from tests.cases.negotiation.test_staff_pages import set_agent_authority
from tests.e2e.conftest import DESKTOP, LIVE_DB, PHONE
from tests.e2e.site_pages import PERSONAS, pages_for, populated_site, signed_in_client
from tests.e2e.test_accessibility import open_as
from tests.e2e.test_login_journeys import sign_in

pytestmark = [pytest.mark.browser, LIVE_DB]

MAX_PRESSES = 300


def tab_to(page: Any, locator: Any, *, key: str = "Tab") -> None:
    """Press Tab until `locator` has focus, as a keyboard user would reach it."""
    handle = locator.element_handle()
    for _ in range(MAX_PRESSES):
        page.keyboard.press(key)
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
    raise AssertionError(f"{locator} cannot be reached with {key}")


# --- patterns --------------------------------------------------------------------------------


def test_arrow_keys_on_the_language_switcher_change_nothing(page, cardholder):
    sign_in(page, cardholder, language="en")
    page.get_by_test_id("dashboard-title").wait_for()
    switch = page.locator('[data-testid="language-switcher"] button').first
    tab_to(page, switch)
    page.evaluate("window.stillHere = true")
    for key in ("ArrowDown", "ArrowUp", "ArrowRight", "ArrowLeft"):
        page.keyboard.press(key)
    assert page.evaluate("window.stillHere") is True
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(switch).to_be_focused()
    # Only pressing it changes the language.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_a_refused_form_puts_focus_on_its_error_summary(page, cardholder):
    page.goto("/accounts/login/")
    page.fill("#id_login", cardholder.email)
    page.fill("#id_password", "not the password")
    page.locator("form.allauth-form button[type=submit]:not([form])").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    # Each problem links to its field.
    expect(summary).to_contain_text("The email address and/or password you specified are not")


def test_focus_stays_in_place_when_the_calculator_results_rerender(page, cardholder):
    sign_in(page, cardholder, language="en")
    page.get_by_test_id("dashboard-title").wait_for()
    page.goto("/plans/calculator/")
    summary = page.locator('[data-testid="schedule-b"] summary')
    tab_to(page, summary)
    # The results are drawn again (another input changed) while the person is on them.
    page.evaluate("htmx.trigger('#calculator-form', 'submit')")
    page.wait_for_function(
        "() => document.getElementById('calculator-status').textContent"
        ".includes('Comparison updated')"
    )
    expect(page.locator('[data-testid="schedule-b"] summary')).to_be_focused()
    assert page.console_errors == []


def test_the_queue_filters_announce_the_count_not_every_row(page, agent, submitted):
    sign_in(page, agent, language="en")
    page.goto("/staff/queue/")
    page.select_option("#id_status", "submitted")
    expect(page.locator("#queue-status")).to_have_text("The queue now shows 1 case.")
    assert page.locator("#queue-results").get_attribute("aria-live") is None


def test_the_session_warning_offers_one_button_to_stay(page, cardholder, settings):
    settings.SESSION_COOKIE_AGE = 123  # the warning comes two minutes before the end
    sign_in(page, cardholder, language="en")
    page.get_by_test_id("dashboard-title").wait_for()
    warning = page.locator("[data-session-warning]")
    expect(warning).to_be_visible(timeout=20_000)
    button = warning.get_by_role("button", name="Stay signed in")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(warning).to_be_hidden()
    page.reload()
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()


# --- reflow ------------------------------------------------------------------------------------

TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_reflows_at_320_pixels_with_wider_text_spacing(browser, live_server, language):
    """WCAG 1.4.10 and 1.4.12: no sideways scrolling of the page at 320 CSS pixels (what 400%
    zoom leaves of a 1280-pixel screen), even with the text spacing a reader may force; wide
    tables scroll inside their own region."""
    site = populated_site()
    problems = []
    for persona in PERSONAS:
        client = signed_in_client(site.users[persona])
        page = open_as(
            browser,
            live_server,
            client,
            language=language,
            viewport={"width": 320, "height": 640},
            bypass_csp=True,  # to add the text-spacing style sheet a reader's tool would
        )
        for url in pages_for(client, site.params[persona]):
            page.goto(url)
            page.add_style_tag(content=TEXT_SPACING)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 1:
                wide = page.evaluate(
                    """() => Array.from(document.querySelectorAll('body *'))
                      .filter((el) => el.getBoundingClientRect().right > innerWidth + 1
                        && !el.closest('.table-responsive'))
                      .slice(0, 3).map((el) => el.tagName + '.' + el.className)"""
                )
                problems.append(f"{persona} {url}: {overflow}px too wide: {wide}")
        page.context.close()
    assert problems == [], "\n".join(problems)


# --- each role's main task, keys alone ---------------------------------------------------------


@pytest.fixture
def offered(submitted, agent):
    case = n.case_claim(case=submitted, actor=agent, version=submitted.version)
    n.offer_propose(
        case=case, actor=agent, version=case.version, schedule=quote(case), rationale="Fits"
    )
    return fresh(case)


def test_a_cardholder_accepts_an_offer_with_the_keyboard(page, cardholder, offered):
    page.set_viewport_size(PHONE)
    sign_in(page, cardholder, language="en")
    page.get_by_test_id("dashboard-title").wait_for()
    page.goto(offered.get_absolute_url())
    consent = page.get_by_label("I have read and understood every payment")
    tab_to(page, consent)
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Accept this plan"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("case-status")).to_have_text("Agreed")
    assert fresh(offered).status == CaseStatus.AGREED


def test_an_agent_claims_a_case_and_sends_an_offer_with_the_keyboard(page, agent, submitted):
    set_agent_authority()  # option 1 (the cheapest for the cardholder) is within it
    page.set_viewport_size(DESKTOP)
    sign_in(page, agent, language="en")
    page.goto("/staff/queue/")
    tab_to(page, page.get_by_role("link", name=submitted.reference))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Claim"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, page.locator("#rationale-1"))
    page.keyboard.type("This keeps the payment within your budget.")
    tab_to(page, page.get_by_role("button", name=re.compile(r"^Offer this plan\W+option 1\b")))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("case-status")).to_have_text("Waiting for the cardholder's answer")
    assert fresh(submitted).offers.filter(status=OfferStatus.OPEN).exists()


def test_a_supervisor_approves_an_offer_with_the_keyboard(page, agent, supervisor, submitted):
    case = n.case_claim(case=submitted, actor=agent, version=submitted.version)
    n.offer_propose(
        case=case,
        actor=agent,
        version=case.version,
        schedule=quote(case, months=48),
        rationale="Long illness",
    )
    sign_in(page, supervisor, language="en")
    page.goto("/supervisor/approvals/")
    tab_to(page, page.get_by_role("button", name="Approve"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Offer approved and sent to the cardholder.")).to_be_visible()
    assert HardshipCase.objects.get(pk=case.pk).status == CaseStatus.AWAITING_CARDHOLDER


def test_an_admin_proposes_a_policy_change_with_the_keyboard(page, admin):
    sign_in(page, admin, language="en")
    page.goto("/administration/policy/")
    field = page.locator("#id_policy-offer_validity_days")
    tab_to(page, field)
    page.keyboard.press("Control+A")
    page.keyboard.type("21")
    tab_to(page, page.locator("#id_reason"))
    page.keyboard.type("Give cardholders more time")
    tab_to(page, page.get_by_role("button", name="Propose this change"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("pending-change")).to_be_visible()
    assert PolicyChange.objects.get().changes["policy"]["offer_validity_days"]["new"] == 21
