"""Each role logs in through the real pages (staff with a TOTP code) and reaches its dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import totp_code
from tests.e2e.conftest import LIVE_DB
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, LIVE_DB]

DASHBOARD_TITLES = {
    "cardholder": {"en": "My dashboard", "zh-hans": "我的首页"},
    "agent": {"en": "Agent workspace", "zh-hans": "专员工作台"},
    "supervisor": {"en": "Supervisor workspace", "zh-hans": "主管工作台"},
    "admin": {"en": "Administration", "zh-hans": "系统管理"},
    "editor": {"en": "Content editing", "zh-hans": "内容编辑"},
}


def sign_in(page, user, *, language: str) -> None:
    page.goto("/accounts/login/")
    if language != "en":
        # One button per language, as a person would use it; on a phone it sits in the
        # collapsed menu.
        toggler = page.locator(".navbar-toggler")
        switch = page.locator(f'[data-testid="language-switcher"] button[value="{language}"]')
        if toggler.is_visible():
            toggler.click()
            switch.wait_for(state="visible")
        with page.expect_navigation():
            switch.click()
        expect(page.locator("html")).to_have_attribute("lang", language)
    page.fill("#id_login", user.email)
    page.fill("#id_password", TEST_PASSWORD)
    page.locator("form.allauth-form button[type=submit]:not([form])").click()
    if getattr(user, "totp_secret", None):
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.fill("#id_code", totp_code(user))
        page.locator("form.allauth-form button[type=submit]:not([form])").click()
    # Signed in once the page says who is signed in; only then may a test navigate away.
    page.get_by_test_id("signed-in-as").wait_for(state="attached")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("persona", list(DASHBOARD_TITLES))
def test_each_role_signs_in_and_reaches_its_dashboard(request, page, shot, persona, language):
    user = request.getfixturevalue(persona)
    sign_in(page, user, language=language)
    expect(page.get_by_test_id("dashboard-title")).to_have_text(DASHBOARD_TITLES[persona][language])
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    shot(page, "dashboard")
    assert page.console_errors == []  # includes Content Security Policy violations
