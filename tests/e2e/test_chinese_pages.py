"""On a phone in Chinese, the pages a cardholder reads most write money and dates as a Chinese
bank does: ¥ and grouped figures, 元 in sentences, 2026年12月9日, never CNY or ISO dates."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases import negotiation as n
from cases.application import services
from tests.cases.conftest import fill_draft
from tests.cases.negotiation.test_negotiation import fresh, quote
from tests.e2e.conftest import LIVE_DB, PHONE
from tests.e2e.test_login_journeys import sign_in

pytestmark = [pytest.mark.browser, LIVE_DB]

ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
CHINESE_DATE = re.compile(r"20\d\d年\d{1,2}月\d{1,2}日")
GROUPED_YUAN = re.compile(r"¥\d{1,3}(,\d{3})+\.\d\d")


@pytest.fixture
def viewport():
    return PHONE


def main_text(page) -> str:
    return page.locator("main").inner_text()


def assert_chinese_formats(text: str) -> None:
    assert "CNY" not in text
    assert not ISO_DATE.search(text), ISO_DATE.search(text)


def test_a_cardholder_reads_chinese_money_and_dates(page, shot, cardholder, account, agent):
    offered = fill_draft(services.case_start(account=account, actor=cardholder), cardholder)
    offered = services.case_submit(case=offered, actor=cardholder, version=offered.version)
    offered = n.case_claim(case=offered, actor=agent, version=offered.version)
    n.offer_propose(
        case=offered, actor=agent, version=offered.version, schedule=quote(offered), rationale="好"
    )
    offered = fresh(offered)

    sign_in(page, cardholder, language="zh-hans")
    page.get_by_test_id("dashboard-title").wait_for()
    expect(page.get_by_test_id("balance-total").first).to_have_text(GROUPED_YUAN)
    assert_chinese_formats(main_text(page))
    shot(page, "dashboard")

    page.goto(offered.get_absolute_url())
    offer = page.get_by_test_id("open-offer")
    expect(offer).to_contain_text("元")  # the sentence: 每月 1,234.56 元
    expect(offer).to_contain_text(CHINESE_DATE)
    expect(offer).to_contain_text(GROUPED_YUAN)
    assert_chinese_formats(main_text(page))
    shot(page, "offer")


def test_the_plan_step_of_the_wizard_in_chinese(page, shot, cardholder, account):
    draft = fill_draft(services.case_start(account=account, actor=cardholder), cardholder)
    sign_in(page, cardholder, language="zh-hans")
    page.get_by_test_id("dashboard-title").wait_for()
    page.goto(f"/cases/{draft.pk}/apply/options/")
    expect(page.locator("main h2").first).to_be_visible()
    text = main_text(page)
    assert GROUPED_YUAN.search(text), text[:400]
    assert "年化利率（单利）" in text
    assert "实际年利率（复利）" in text
    assert_chinese_formats(text)
    shot(page, "plan-step")
