"""A cardholder in difficulty, on a phone: link a card, apply with a document, submit, follow."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cases.models import CaseStatus, HardshipCase
from tests.cases.conftest import PDF
from tests.e2e.conftest import LIVE_DB, PHONE
from tests.e2e.test_login_journeys import sign_in
from tests.factories import CardAccountFactory, TransactionFactory

pytestmark = [pytest.mark.browser, LIVE_DB]

SUBMITTED = {"en": "Submitted", "zh-hans": "已提交"}
RECEIVED = {"en": "Application received", "zh-hans": "已收到申请"}


@pytest.fixture
def viewport():
    return PHONE


@pytest.fixture
def unlinked_card():
    account = CardAccountFactory.create(
        card_last4="8841",
        holder_birth_date=date(1988, 5, 17),
        holder_id_last4="0423",
        # Above the policy's evidence threshold (30,000): the journey asks for documents.
        principal_balance=Decimal("31000.00"),
        interest_balance=Decimal("640.00"),
        fees_balance=Decimal("200.00"),
        days_past_due=40,
        status="delinquent",
    )
    for month in range(1, 7):
        TransactionFactory.create(
            account=account, posted_on=date(2026, month + 5, 3), amount=Decimal("900.00")
        )
    return account


def submit(page) -> None:
    page.locator("main form button[type=submit]").last.click()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_link_a_card_apply_with_a_document_and_follow_the_case(
    page, shot, cardholder, unlinked_card, language, tmp_path
):
    sign_in(page, cardholder, language=language)
    page.wait_for_url("**/portal/")

    page.locator("a[href='/portal/link-card/']").first.click()
    page.fill("#id_card_last4", "8841")
    page.fill("#id_birth_date", "1988-05-17")
    page.fill("#id_id_last4", "0423")
    shot(page, "enrol")
    submit(page)
    page.wait_for_url("**/portal/")
    expect(page.locator("text=···· 8841")).to_have_count(1)

    page.locator(f"form[action='/portal/accounts/{unlinked_card.pk}/apply/'] button").first.click()
    page.wait_for_url("**/apply/reason/")
    page.check("#id_reason_0")  # job loss
    page.check("#id_duration_0")
    page.fill("#id_own_words", "I lost my job in October.")
    submit(page)

    page.wait_for_url("**/apply/money/")
    page.fill("#id_income_wages", "6000")
    page.fill("#id_essential_housing", "2000")
    page.get_by_test_id("disposable-income").wait_for()
    shot(page, "money")
    submit(page)

    page.wait_for_url("**/apply/evidence/")
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(PDF)
    page.set_input_files("#id_file", str(letter))
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    expect(page.get_by_role("link", name="letter.pdf")).to_have_count(1)
    shot(page, "evidence")
    page.locator("button[name=continue]").click()

    # Contact preferences come from the profile: the step is passed over, and can be opened.
    page.wait_for_url("**/apply/options/")
    page.get_by_test_id("change-contact").click()
    page.wait_for_url("**/apply/contact/")
    page.check("#id_channel_1")  # text message
    submit(page)

    page.wait_for_url("**/apply/options/")
    shot(page, "options")
    page.locator("button[name=choice][value='1']").click()

    page.wait_for_url("**/apply/review/")
    shot(page, "review")
    submit(page)

    expect(page.get_by_test_id("case-status")).to_have_text(SUBMITTED[language])
    expect(page.locator(".case-tracker li[aria-current=step]")).to_have_text(RECEIVED[language])
    expect(page.get_by_test_id("decision-due")).to_be_visible()
    shot(page, "tracker")
    assert page.console_errors == []

    case = HardshipCase.objects.get(account=unlinked_card)
    assert case.status == CaseStatus.SUBMITTED
    assert case.documents.get().original_name == "letter.pdf"
    assert case.statement_lines.filter(category="wages").get().monthly_amount == Decimal("6000.00")
