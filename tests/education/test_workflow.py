"""One editor writes, another publishes, now or at a set time; every save is a revision that
can be restored; bad input is refused with a clear message and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from education import services
from education.models import Article, ArticleStatus
from education.services import EducationRefused
from education.tasks import publish_scheduled
from tests.education.conftest import write

pytestmark = pytest.mark.django_db


def test_the_author_cannot_publish_their_own_article(editor, other_editor):
    article = write(editor)
    services.article_submit(article=article, actor=editor)
    with pytest.raises(EducationRefused, match="Another editor must publish"):
        services.article_publish(article=article, actor=editor)
    done = services.article_publish(article=article, actor=other_editor)
    assert done.status == ArticleStatus.PUBLISHED
    assert done.reviewer == other_editor
    assert done.published_at is not None


def test_a_reviewer_who_rewrote_it_cannot_publish_it_either(editor, other_editor, admin):
    article = write(editor)
    services.article_save(
        actor=other_editor, article=article, values={"title": "Better"}, topics=article.topics.all()
    )
    services.article_submit(article=article, actor=editor)
    with pytest.raises(EducationRefused):
        services.article_publish(article=article, actor=other_editor)
    assert services.article_publish(article=article, actor=admin).status == "published"


def test_scheduled_publishing_waits_for_its_time(editor, other_editor, monkeypatch):
    article = write(editor)
    services.article_submit(article=article, actor=editor)
    with pytest.raises(EducationRefused, match="in the future"):
        services.article_publish(
            article=article, actor=other_editor, publish_at=timezone.now() - timedelta(hours=1)
        )
    when = timezone.now() + timedelta(days=1)
    services.article_publish(article=article, actor=other_editor, publish_at=when)
    assert Article.objects.get().status == ArticleStatus.SCHEDULED
    assert services.articles_publish_due(now=when - timedelta(minutes=1)) == 0
    monkeypatch.setattr("django.utils.timezone.now", lambda: when + timedelta(minutes=1))
    assert publish_scheduled.apply().get() == 1
    assert publish_scheduled.apply().get() == 0  # a second beat changes nothing
    article = Article.objects.get()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_at == when


def test_a_published_article_is_changed_only_after_taking_it_back(published, editor):
    with pytest.raises(EducationRefused, match="back to draft"):
        services.article_save(
            actor=editor, article=published, values={"title": "x"}, topics=published.topics.all()
        )
    services.article_unpublish(article=published, actor=editor)
    assert Article.objects.get().status == ArticleStatus.DRAFT


def test_a_revision_can_be_restored(editor):
    article = write(editor, body="First version.")
    services.article_save(
        actor=editor,
        article=article,
        values={"body": "Second version, worse."},
        topics=article.topics.all(),
    )
    first = article.history.order_by("history_date").first()
    restored = services.article_revert(article=article, actor=editor, history_id=first.history_id)
    assert restored.body == "First version."
    assert "First version." in restored.body_html
    assert article.history.count() == 3
    assert article.history.first().history_change_reason.startswith("restored")


def test_bad_input_is_refused_and_changes_nothing(editor):
    write(editor, key="one", slug="same")
    with pytest.raises(EducationRefused, match="has this address"):
        write(editor, key="two", slug="same")
    with pytest.raises(EducationRefused, match="title"):
        write(editor, key="three", slug="three", title="   ")
    assert Article.objects.count() == 1
    # The same slug in the other language is another article's address: allowed.
    write(editor, key="one", slug="same", language="zh-hans", title="预算")
    assert Article.objects.count() == 2


def test_only_editors_and_administrators_change_articles(cardholder, agent):
    for outsider in (cardholder, agent):
        with pytest.raises(EducationRefused):
            write(outsider)


def test_the_body_is_stored_sanitised(editor):
    article = write(editor, body="Hi <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script" not in article.body_html
    assert 'href="javascript' not in article.body_html


def test_publishing_requires_review_first(editor, other_editor):
    article = write(editor)
    with pytest.raises(EducationRefused, match="in review"):
        services.article_publish(article=article, actor=other_editor)


def test_text_in_review_is_frozen(editor, other_editor):
    article = write(editor)
    services.article_submit(article=article, actor=editor)
    with pytest.raises(EducationRefused, match="Only a draft"):
        services.article_save(
            actor=other_editor,
            article=article,
            values={"body": "Rewritten by the reviewer."},
            topics=article.topics.all(),
        )


def test_nobody_publishes_text_they_wrote_whatever_came_between(editor, other_editor, admin):
    article = write(editor)
    # A second editor rewrites the draft; then the article goes round a send-back.
    services.article_save(
        actor=other_editor, article=article, values={"body": "Theirs."}, topics=article.topics.all()
    )
    services.article_submit(article=article, actor=editor)
    services.article_return(article=article, actor=admin, note="Shorter, please")
    services.article_submit(article=article, actor=editor)
    for writer in (editor, other_editor):
        with pytest.raises(EducationRefused, match="Another editor"):
            services.article_publish(article=article, actor=writer)
    # The reviewer who only sent it back, and read it again unchanged, may publish it.
    assert services.article_publish(article=article, actor=admin).status == "published"


def test_a_reviewer_publishes_only_the_revision_they_read(editor, other_editor, admin):
    article = write(editor)
    services.article_submit(article=article, actor=editor)
    read = services.latest_revision(article)
    services.article_return(article=article, actor=admin, note="One more thing")
    services.article_save(
        actor=editor, article=article, values={"body": "Changed."}, topics=article.topics.all()
    )
    services.article_submit(article=article, actor=editor)
    with pytest.raises(EducationRefused, match="changed since you opened it"):
        services.article_publish(article=article, actor=other_editor, revision=read)
    fresh = services.latest_revision(article)
    done = services.article_publish(article=article, actor=other_editor, revision=fresh)
    assert done.status == "published"
