"""The shell on a phone and from the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LIVE_DB, PHONE
from tests.e2e.test_login_journeys import sign_in

pytestmark = [pytest.mark.browser, LIVE_DB]


@pytest.fixture
def viewport():
    return PHONE


def test_on_a_phone_the_menu_opens_from_the_keyboard(page, shot, cardholder):
    sign_in(page, cardholder, language="en")
    page.get_by_test_id("dashboard-title").wait_for()
    profile_link = page.get_by_role("link", name="My profile")
    expect(profile_link).to_be_hidden()
    toggler = page.locator(".navbar-toggler")
    toggler.focus()
    page.keyboard.press("Enter")
    profile_link.wait_for(state="visible")
    shot(page, "menu-open")
    profile_link.click()
    page.wait_for_url("**/me/profile/")
    expect(page.locator("#id_full_name")).to_be_visible()


def test_the_skip_link_is_the_first_stop_for_keyboard_users(page, cardholder):
    sign_in(page, cardholder, language="en")
    page.get_by_test_id("dashboard-title").wait_for()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
