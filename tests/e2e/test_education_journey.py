"""An editor writes a guide with the live preview and sends it for review; a second editor
publishes it; a cardholder whose case matches the editors' rule finds it on their dashboard
and reads it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from education.models import Recommendation, Topic
from tests.e2e.conftest import DESKTOP, LIVE_DB
from tests.e2e.test_login_journeys import sign_in
from tests.e2e.test_negotiation_journey import new_page

pytestmark = [pytest.mark.browser, LIVE_DB]


def test_a_published_guide_reaches_the_cardholder_it_is_for(
    browser,
    live_server,
    page,
    shot,
    submitted,
    editor,
    admin,
    cardholder,
):
    Topic.objects.get_or_create(slug="income-loss")
    Recommendation.objects.create(article_key="when-work-stops", reason="job_loss", priority=80)

    writer = new_page(browser, live_server, DESKTOP)
    sign_in(writer, editor, language="en")
    writer.goto("/editor/articles/new/")
    writer.get_by_label("Title").fill("When work stops")
    writer.get_by_label("Translation key").fill("when-work-stops")
    writer.get_by_label("Address").fill("when-work-stops")
    writer.get_by_label("Summary").fill("The first week after losing your job.")
    writer.get_by_label("A sudden loss of income").check()
    writer.get_by_label("Body (Markdown)").fill(
        "## First steps\n\nTell your bank **early**. <script>alert(1)</script>"
    )
    preview = writer.get_by_test_id("preview-body")
    expect(preview.locator("strong")).to_have_text("early")
    expect(preview).to_contain_text("<script>alert(1)</script>")  # shown as text, never run
    with writer.expect_navigation():
        writer.get_by_role("button", name="Save").click()
    with writer.expect_navigation():
        writer.get_by_role("button", name="Send for review").click()
    expect(writer.get_by_test_id("status")).to_have_text("In review")

    reviewer = new_page(browser, live_server, DESKTOP)
    sign_in(reviewer, admin, language="en")
    reviewer.goto("/editor/articles/?status=in_review")
    reviewer.get_by_role("link", name="When work stops").click()
    reviewer.get_by_label("Publish now").check()
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Publish", exact=True).click()
    expect(reviewer.get_by_test_id("status")).to_have_text("Published")

    sign_in(page, cardholder, language="en")
    page.goto("/portal/")
    guides = page.get_by_test_id("recommended-guides")
    expect(guides).to_contain_text("When work stops")
    guides.get_by_role("link", name="When work stops").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("When work stops")
    shot(page, "guide-read-by-cardholder")
    assert not page.console_errors
