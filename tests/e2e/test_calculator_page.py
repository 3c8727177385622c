"""A cardholder compares plans on the live calculator, on a desktop and on a phone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cases import planning
from cases.calculator_text import format_amount
from cases.policy.rules import PLAN_POLICY
from plans.calculator import PlanTerms, PlanType, build_schedule
from tests.e2e.conftest import DESKTOP, LIVE_DB, PHONE
from tests.e2e.test_login_journeys import sign_in
from tests.plans.test_calculator_page import situation_for

pytestmark = [pytest.mark.browser, LIVE_DB]

CHART_LINES = (
    "() => Chart.getChart(document.querySelector('canvas[data-balance-chart]'))"
    ".data.datasets.length"
)
CHART_INKED = """() => {
  const canvas = document.querySelector("canvas[data-balance-chart]");
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked += 1;
  return inked > 1000;
}"""


def figure(page, option: str, name: str):
    return page.locator(f'[data-testid="result-{option}"] [data-figure="{name}"]')


def quote(plan_type: PlanType, **options):
    terms = PlanTerms(
        plan_type,
        balance=Decimal("30000.00"),
        start_date=planning.first_due_date(),
        **options,
    )
    return build_schedule(terms, PLAN_POLICY)


def open_calculator(page, user) -> None:
    sign_in(page, user, language="en")
    page.get_by_test_id("dashboard-title").wait_for()
    page.goto("/plans/calculator/")
    page.get_by_test_id("calculator-title").wait_for()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_cardholder_compares_plans_live(page, shot, cardholder, viewport):
    open_calculator(page, cardholder)
    shot(page, "opened")
    page.wait_for_function(f"({CHART_LINES})() === 3")
    page.evaluate("window.stillTheSamePage = true")

    # Option A over 12 months instead of 24: the figures change without a page load.
    twelve = quote(PlanType.INSTALMENT, apr=Decimal("18.25"), months=12)
    page.fill("#id_a-months", "12")
    figure(page, "a", "monthly_payment").filter(
        has_text=format_amount(twelve.monthly_payment, "CNY")
    ).wait_for()
    expect(figure(page, "a", "total_interest")).to_have_text(
        format_amount(twelve.total_interest, "CNY")
    )
    expect(figure(page, "a", "months")).to_have_text("12")

    # Option B becomes a payment holiday: its inputs change, and so do its figures.
    expect(page.locator("#id_b-deferral_months")).to_be_hidden()
    page.select_option("#id_b-plan_type", "deferral")
    expect(page.locator("#id_b-deferral_months")).to_be_visible()
    expect(page.locator("#id_b-apr")).to_be_visible()
    expect(page.locator("#id_b-settlement_percent")).to_be_hidden()
    deferral = quote(PlanType.DEFERRAL, apr=Decimal("18.25"), months=36, deferral_months=3)
    figure(page, "b", "months").filter(has_text="39").wait_for()
    expect(figure(page, "b", "monthly_payment")).to_have_text(
        format_amount(deferral.monthly_payment, "CNY")
    )
    assert page.evaluate("window.stillTheSamePage") is True

    # The chart is redrawn after each update, one line per option.
    page.locator("canvas[data-balance-chart]").scroll_into_view_if_needed()
    page.wait_for_function(f"({CHART_LINES})() === 3")
    page.wait_for_function(CHART_INKED)
    shot(page, "deferral-in-option-b")

    # A mistake is explained beside the input; the other options stay on screen.
    page.fill("#id_c-months", "90")
    message = page.locator("#id_c-months-error")
    message.filter(has_text="longer than the maximum of 60").wait_for()
    # The page marks the input after the swap settles: wait for that, not for the message.
    expect(page.locator("#id_c-months")).to_have_attribute("aria-invalid", "true")
    expect(figure(page, "a", "months")).to_have_text("12")
    expect(figure(page, "b", "months")).to_have_text("39")
    page.locator("#id_c-months").scroll_into_view_if_needed()
    shot(page, "mistake-in-option-c")
    page.fill("#id_c-months", "18")
    figure(page, "c", "months").filter(has_text="21").wait_for()
    expect(page.locator("#id_c-months")).not_to_have_attribute("aria-invalid", "true")

    # A schedule opens from the keyboard.
    summary = page.locator('[data-testid="schedule-a"] summary')
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator('[data-testid="schedule-a"] tbody tr')).to_have_count(12)
    expect(page.locator('[data-testid="schedule-a"] tbody tr').first).to_be_visible()
    shot(page, "schedule-open")

    # Option C can be switched off, and on again.
    page.get_by_label("Compare Option C").uncheck()
    page.get_by_test_id("result-c").wait_for(state="detached")
    expect(page.locator("#id_c-months")).to_be_hidden()
    page.get_by_label("Compare Option C").check()
    page.get_by_test_id("result-c").wait_for()

    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert page.console_errors == []  # includes Content Security Policy violations


def test_a_recommendation_is_loaded_into_an_option(page, shot, cardholder):
    _account, case = situation_for(cardholder, reference="ACC-ALICE-E2E")
    result = planning.recommendations_for(case)
    assert result is not None
    second = result.recommendations[1].schedule
    open_calculator(page, cardholder)
    section = page.get_by_test_id("personal")
    section.get_by_text("Recommended for you").wait_for()
    shot(page, "recommendations")
    button = page.get_by_role("button", name="Compare as Option B")
    button.click()
    # What is owed is now the cardholder's own card.
    expect(page.locator("#id_balance")).to_have_value("28000.00")
    figure(page, "b", "monthly_payment").filter(
        has_text=format_amount(second.monthly_payment, "CNY")
    ).wait_for()
    expect(figure(page, "b", "total_payable")).to_have_text(
        format_amount(second.total_payable, "CNY")
    )
    expect(page.locator("#option-b-title")).to_be_focused()
    shot(page, "recommendation-compared")
    assert page.console_errors == []


def test_the_page_prints_the_comparison_only(page, shot, agent):
    open_calculator(page, agent)
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    expect(page.locator("#calculator-form")).to_be_hidden()
    expect(page.locator("header")).to_be_hidden()
    expect(page.get_by_test_id("result-a")).to_be_visible()
    # Every schedule is printed open, then closed again for the screen.
    expect(page.locator('[data-testid="schedule-b"] tbody tr').nth(35)).to_be_visible()
    shot(page, "print")
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    expect(page.locator('[data-testid="schedule-b"] tbody tr').first).to_be_hidden()
    assert page.console_errors == []
