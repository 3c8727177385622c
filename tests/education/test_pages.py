"""The public guides, what editors see, and who may see what."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from education.models import Article, ArticleStatus, Recommendation, Topic
from tests.education.conftest import publish, write

pytestmark = pytest.mark.django_db


def test_readers_see_published_articles_without_signing_in(client, published):
    page = client.get(reverse("education:index"))
    assert published.title in page.content.decode()
    article = client.get(published.get_absolute_url())
    assert article.status_code == 200
    assert "List what comes in" in article.content.decode()
    assert Article.objects.get().views == 1


def test_a_draft_is_seen_only_by_editors(client, client_for, editor, cardholder):
    draft = write(editor)
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client_for(cardholder).get(url).status_code == 404
    seen = client_for(editor).get(url)
    assert seen.status_code == 200
    assert 'data-testid="not-published"' in seen.content.decode()
    assert draft.title not in client.get(reverse("education:index")).content.decode()


def test_was_it_helpful_counts_once_per_reader(client, published):
    url = reverse("education:feedback", args=[published.language, published.slug])
    client.post(url, {"helpful": "yes"})
    client.post(url, {"helpful": "no"})
    Client().post(url, {"helpful": "no"})
    article = Article.objects.get()
    assert (article.helpful_yes, article.helpful_no) == (1, 1)
    assert article.helpful_share == 50
    assert client.post(url, {"helpful": "maybe"}).status_code == 302
    assert Article.objects.get().helpful_yes == 1


def test_reading_to_the_end_counts_once_per_reader(client, published):
    url = reverse("education:read", args=[published.language, published.slug])
    assert client.post(url).status_code == 204
    client.post(url)
    assert Article.objects.get().reads_to_end == 1


def test_search_finds_words_in_the_body(client, editor, other_editor):
    publish(
        write(editor, body="Interest is charged **daily** on cash withdrawals."),
        editor,
        other_editor,
    )
    found = client.get(reverse("education:index"), {"q": "withdrawals"}).content.decode()
    assert "Budgeting basics" in found
    missing = client.get(reverse("education:index"), {"q": "mortgage"}).content.decode()
    assert 'data-testid="no-articles"' in missing


@pytest.mark.postgres
def test_search_on_postgresql_stems_english_words(client, editor, other_editor):
    from tests.services import need

    need(connection.vendor == "postgresql", "needs PostgreSQL", service="postgres")
    publish(
        write(editor, body="Interest is charged daily on cash withdrawals."), editor, other_editor
    )
    # "withdrawal" (singular) matches "withdrawals" only through stemming.
    found = client.get(reverse("education:index"), {"q": "withdrawal charges"}).content.decode()
    assert "Budgeting basics" in found


def test_chinese_readers_get_chinese_articles(client, editor, other_editor):
    publish(
        write(editor, key="k", slug="k-zh", language="zh-hans", title="预算入门"),
        editor,
        other_editor,
    )
    publish(write(editor, key="k", slug="k"), editor, other_editor)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("education:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "预算入门" in page
    assert "Budgeting basics" not in page
    article = client.get(reverse("education:article", args=["zh-hans", "k-zh"])).content.decode()
    assert "Read in English" in article  # the link to the translation


def test_editor_pages_are_for_editors_only(cardholder, agent, editor):
    from tests.conftest import login_as

    urls = [
        reverse("education:editor_list"),
        reverse("education:editor_new"),
        reverse("education:editor_recommendations"),
    ]
    for user, status in ((cardholder, 403), (agent, 403), (editor, 200)):
        client = login_as(Client(), user)
        assert [client.get(url).status_code for url in urls] == [status] * 3, user


def test_an_editor_writes_previews_and_sends_for_review(client_for, editor, other_editor):
    client = client_for(editor)
    preview = client.post(
        reverse("education:editor_preview"), {"body": "**bold** <script>x</script>"}
    ).content.decode()
    assert "<strong>bold</strong>" in preview
    assert "<script>" not in preview
    bad = client.post(reverse("education:editor_new"), {"language": "en", "key": "k", "slug": "k"})
    assert bad.status_code == 400
    assert "Give the article a title." in bad.content.decode()
    saved = client.post(
        reverse("education:editor_new"),
        {
            "language": "en",
            "key": "k",
            "title": "Talking to your bank",
            "slug": "talking",
            "summary": "What to say.",
            "topics": [Topic.objects.get(slug="talking-to-bank").pk],
            "body": "Be early.",
        },
    )
    assert saved.status_code == 302
    article = Article.objects.get()
    client.post(reverse("education:editor_action", args=[article.pk, "submit"]))
    page = client.get(reverse("education:editor_edit", args=[article.pk])).content.decode()
    assert "Another editor must review and publish what you wrote." in page
    reviewer = client_for(other_editor)
    past = reviewer.post(
        reverse("education:editor_action", args=[article.pk, "publish"]),
        {"when": "later", "publish_at": "2020-01-01T10:00"},
        follow=True,
    )
    assert "in the future" in past.content.decode()
    assert Article.objects.get().status == ArticleStatus.IN_REVIEW
    reviewer.post(reverse("education:editor_action", args=[article.pk, "publish"]), {"when": "now"})
    assert Article.objects.get().status == ArticleStatus.PUBLISHED
    history = client.get(reverse("education:editor_history", args=[article.pk])).content.decode()
    assert "published" in history


def test_editors_keep_the_recommendation_rules(client_for, editor, published):
    client = client_for(editor)
    before = Recommendation.objects.count()
    added = client.post(
        reverse("education:editor_recommendations"),
        {"article_key": published.key, "reason": "illness", "priority": 99},
    )
    assert added.status_code == 302
    rule = Recommendation.objects.get(reason="illness", article_key=published.key)
    assert rule.created_by == editor
    client.post(reverse("education:editor_recommendations"), {"delete": rule.pk})
    assert Recommendation.objects.count() == before
