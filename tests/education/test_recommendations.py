"""Guides recommended by the editors' rules: by hardship reason, plan type, stage and spending,
in the reader's language, most specific and highest priority first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from education import selectors
from education.models import Recommendation, Stage
from tests.cases.conftest import account, complete_draft, draft, submitted  # noqa: F401
from tests.education.conftest import publish, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def guides(editor, other_editor):
    made = {}
    for key, title in (
        ("income", "When income stops"),
        ("pause", "What a payment pause costs"),
        ("scams", "Spotting scams"),
    ):
        made[key] = publish(write(editor, key=key, slug=key, title=title), editor, other_editor)
        publish(
            write(editor, key=key, slug=f"{key}-zh", language="zh-hans", title=f"{title}（中文）"),
            editor,
            other_editor,
        )
    Recommendation.objects.all().delete()
    Recommendation.objects.create(article_key="income", reason="job_loss", priority=70)
    Recommendation.objects.create(
        article_key="pause", plan_type="deferral", stage=Stage.OFFERED, priority=90
    )
    Recommendation.objects.create(article_key="scams", priority=10)
    return made


def test_the_rules_a_cardholder_matches_decide_their_guides(
    guides,
    submitted,  # noqa: F811 - the imported fixture
    cardholder,
):
    titles = [a.title for a in selectors.recommended(cardholder, language="en", case=submitted)]
    # Job loss matches; the pause needs an offered deferral; the catch-all comes last.
    assert titles == ["When income stops", "Spotting scams"]


def test_each_reader_gets_their_language(
    guides,
    submitted,  # noqa: F811 - the imported fixture
    cardholder,
):
    titles = [a.title for a in selectors.recommended(cardholder, language="zh-hans")]
    assert titles == ["When income stops（中文）", "Spotting scams（中文）"]


def test_an_offered_deferral_brings_the_pause_guide_first(
    guides,
    submitted,  # noqa: F811 - the imported fixture
    cardholder,
    supervisor,
):
    from cases.negotiation import services as n
    from tests.plans.test_plan_and_agreement import _schedule

    case = n.case_claim(case=submitted, actor=supervisor, version=submitted.version)
    n.offer_propose(
        case=case,
        actor=supervisor,
        version=case.version,
        schedule=_schedule(case, "deferral"),
        rationale="Breathing room",
    )
    case.refresh_from_db()
    titles = [a.title for a in selectors.recommended(cardholder, language="en", case=case)]
    assert titles[0] == "What a payment pause costs"


def test_the_dashboard_and_the_case_page_show_them(
    guides,
    submitted,  # noqa: F811 - the imported fixture
    cardholder,
    client_for,
):
    client = client_for(cardholder)
    dashboard = client.get(reverse("cases:portal")).content.decode()
    assert 'data-testid="recommended-guides"' in dashboard
    assert "When income stops" in dashboard
    case_page = client.get(reverse("cases:detail", args=[submitted.pk])).content.decode()
    assert "When income stops" in case_page


def test_no_rule_no_recommendation(cardholder):
    Recommendation.objects.all().delete()
    assert selectors.recommended(cardholder, language="en") == []


def test_a_term_links_to_the_guide_that_explains_it(editor, other_editor):
    from django.template import Context, Template

    publish(write(editor, key="apr", slug="apr", explains="annualised_rate"), editor, other_editor)
    html = Template('{% load education_tags %}{% explain "annualised_rate" "x" %}').render(
        Context({})
    )
    assert 'href="/learn/en/apr/"' in html
    assert 'data-testid="explain-annualised_rate"' in html
    none = Template('{% load education_tags %}{% explain "settlement" %}').render(Context({}))
    assert none.strip() == ""
