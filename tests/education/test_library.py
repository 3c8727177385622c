"""The guides the product ships with: both languages for every guide, valid topics and terms,
and each loads through the editorial services; seed_demo publishes them once."""

from __future__ import annotations

import pytest

from education.library import guides
from education.models import TOPIC_NAMES, Article, ArticleStatus, Term
from education.rendering import render_markdown


def test_every_guide_has_both_languages_and_valid_headers():
    found = guides()
    keys = {g.key for g in found}
    assert len(keys) >= 12
    for key in keys:
        assert {g.language for g in found if g.key == key} == {"en", "zh-hans"}, key
    for guide in found:
        assert set(guide.topics) <= set(TOPIC_NAMES), guide.key
        assert guide.explains in {"", *Term.values}, guide.key
        assert len(guide.title) <= 120
        assert len(guide.summary) <= 300
        assert "<h2>" in render_markdown(guide.body), guide.key
    # Every term the product links has its guide, in both languages.
    explained = {(g.explains, g.language) for g in found if g.explains}
    assert explained == {(term, language) for term in Term.values for language in ("en", "zh-hans")}


@pytest.mark.django_db
def test_seed_demo_publishes_them_once():
    from accounts.roles import Role
    from education.demo import demo_guides_seed
    from tests.factories import UserFactory

    UserFactory.create(email="editor@demo.example", role=Role.EDITOR)
    UserFactory.create(email="admin@demo.example", role=Role.ADMIN)
    demo_guides_seed()
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED).count()
    assert published == len(guides())
    assert Article.objects.filter(status=ArticleStatus.IN_REVIEW).count() == 1
    demo_guides_seed()
    assert Article.objects.filter(status=ArticleStatus.PUBLISHED).count() == published
    assert all(a.history.count() >= 3 for a in Article.objects.filter(status="published"))
