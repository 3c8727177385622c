"""Writing, reviewing and publishing articles, and what readers tell us about them.

The editorial rule is maker-checker: one editor writes and submits an article for review, a
different editor (or an administrator) publishes it, at once or at a time in the future (Celery
beat publishes it then). A published article is changed by taking it back to draft, so no text
reaches readers without a second pair of eyes. Every save is a revision (django-simple-history)
with who made it and why; any earlier revision can be restored into a draft.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Perm
from education.models import Article, ArticleFeedback, ArticleStatus, Recommendation, Topic
from education.rendering import reading_minutes, render_markdown

#: Fields an editor writes; the rest follows from them or from the workflow.
TEXT_FIELDS = ("key", "language", "title", "slug", "summary", "body", "explains")
#: Only a draft's text changes: in review it is frozen, so the reviewer publishes what they read.
EDITABLE = (ArticleStatus.DRAFT,)


def uneditable_message() -> str:
    return _(
        "Only a draft can be changed: send an article in review back to draft, or take a "
        "published one back, first."
    )


def UNEDITABLE_MESSAGE() -> str:
    return uneditable_message()


class EducationRefused(Exception):
    """The action is not possible; the message says why, in the reader's language."""


def _require_editor(actor: User) -> None:
    if not actor.has_perm(Perm.EDIT_ARTICLES):
        raise EducationRefused(_("Only editors and administrators can change articles."))


def _save(article: Article, actor: User, reason: str) -> None:
    article._history_user = actor  # type: ignore[attr-defined]
    article._change_reason = reason  # type: ignore[attr-defined]
    article.save()


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


@transaction.atomic
def article_save(
    *,
    actor: User,
    values: dict[str, Any],
    topics: Iterable[Topic],
    article: Article | None = None,
) -> Article:
    """Create an article, or change a draft or one in review. The body is rendered and
    sanitised here, once; the slug and the key must be free in the article's language."""
    _require_editor(actor)
    if article is None:
        article = Article(author=actor, status=ArticleStatus.DRAFT)
        reason = "created"
    else:
        article = _locked(article)
        if article.status not in EDITABLE:
            raise EducationRefused(uneditable_message())
        reason = "edited"
    for field in TEXT_FIELDS:
        if field in values:
            setattr(article, field, values[field])
    if not (article.title or "").strip():
        raise EducationRefused(_("Give the article a title."))
    article.body_html = render_markdown(article.body)
    article.reading_minutes = reading_minutes(article.body)
    clash = Article.objects.filter(language=article.language).exclude(pk=article.pk)
    if clash.filter(slug=article.slug).exists():
        raise EducationRefused(_("Another article in this language has this address (slug)."))
    if clash.filter(key=article.key).exists():
        raise EducationRefused(_("This translation key already has an article in this language."))
    try:
        with transaction.atomic():
            _save(article, actor, reason)
    except IntegrityError:  # a concurrent save took the slug or key first
        raise EducationRefused(
            _("Another article in this language has this address (slug).")
        ) from None
    article.topics.set(list(topics))
    return article


@transaction.atomic
def article_submit(*, article: Article, actor: User) -> Article:
    _require_editor(actor)
    article = _locked(article)
    if article.status != ArticleStatus.DRAFT:
        raise EducationRefused(_("Only a draft can be sent for review."))
    article.status = ArticleStatus.IN_REVIEW
    _save(article, actor, "submitted for review")
    return article


@transaction.atomic
def article_return(*, article: Article, actor: User, note: str) -> Article:
    """The reviewer sends it back to its author, saying why."""
    _require_editor(actor)
    article = _locked(article)
    if article.status != ArticleStatus.IN_REVIEW:
        raise EducationRefused(_("Only an article in review can be sent back."))
    if not note.strip():
        raise EducationRefused(_("Say what needs changing."))
    article.status = ArticleStatus.DRAFT
    _save(article, actor, f"sent back: {note.strip()[:80]}")
    return article


def writers_since_published(article: Article) -> set[int]:
    """Everyone who changed the text since the article was last published (or ever, if it
    never was): compared revision by revision, whatever the revision was called."""
    fields = ("title", "slug", "summary", "body", "explains")
    revisions = list(article.history.order_by("history_date", "history_id"))
    writers: set[int] = set()
    previous: tuple[str, ...] | None = None
    for revision in revisions:
        if revision.status == ArticleStatus.PUBLISHED:
            writers.clear()
        text = tuple(getattr(revision, field) or "" for field in fields)
        if text != previous and revision.history_user_id is not None:
            writers.add(revision.history_user_id)
        previous = text
    return writers


def latest_revision(article: Article) -> int | None:
    return (
        article.history.order_by("-history_date", "-history_id")
        .values_list("history_id", flat=True)
        .first()
    )


@transaction.atomic
def article_publish(
    *,
    article: Article,
    actor: User,
    publish_at: datetime | None = None,
    revision: int | None = None,
) -> Article:
    """Publish now, or schedule for `publish_at`. Never by anyone who wrote any of the text
    since it was last published: a second editor checks every text readers see. `revision` is
    the revision the reviewer read; if the article moved on since, nothing is published."""
    _require_editor(actor)
    article = _locked(article)
    if article.status != ArticleStatus.IN_REVIEW:
        raise EducationRefused(_("Only an article in review can be published."))
    if revision is not None and revision != latest_revision(article):
        raise EducationRefused(
            _("The article changed since you opened it. Read it again before publishing.")
        )
    if actor.pk in writers_since_published(article) | {article.author_id}:
        raise EducationRefused(_("Another editor must publish what you wrote."))
    now = timezone.now()
    if publish_at is not None and publish_at <= now:
        raise EducationRefused(_("Choose a publishing time in the future, or publish now."))
    article.reviewer = actor
    if publish_at is None:
        article.status = ArticleStatus.PUBLISHED
        article.published_at = now
        article.publish_at = None
        _save(article, actor, "published")
    else:
        article.status = ArticleStatus.SCHEDULED
        article.publish_at = publish_at
        _save(article, actor, "scheduled")
    return article


def articles_publish_due(*, now: datetime | None = None) -> int:
    """Publish every scheduled article whose time has come (Celery beat). Idempotent."""
    now = now or timezone.now()
    published = 0
    for pk in Article.objects.filter(
        status=ArticleStatus.SCHEDULED, publish_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=pk)
            if article.status != ArticleStatus.SCHEDULED:
                continue
            article.status = ArticleStatus.PUBLISHED
            article.published_at = article.publish_at or now
            article._change_reason = "published on schedule"  # type: ignore[attr-defined]
            article.save()
            published += 1
    return published


@transaction.atomic
def article_unpublish(*, article: Article, actor: User) -> Article:
    """Take a published, scheduled or archived article back to draft to change it."""
    _require_editor(actor)
    article = _locked(article)
    if article.status not in (
        ArticleStatus.PUBLISHED,
        ArticleStatus.SCHEDULED,
        ArticleStatus.ARCHIVED,
    ):
        raise EducationRefused(_("This article is already being edited."))
    article.status = ArticleStatus.DRAFT
    article.publish_at = None
    _save(article, actor, "taken back to draft")
    return article


@transaction.atomic
def article_archive(*, article: Article, actor: User) -> Article:
    _require_editor(actor)
    article = _locked(article)
    if article.status != ArticleStatus.PUBLISHED:
        raise EducationRefused(_("Only a published article can be archived."))
    article.status = ArticleStatus.ARCHIVED
    _save(article, actor, "archived")
    return article


@transaction.atomic
def article_revert(*, article: Article, actor: User, history_id: int) -> Article:
    """Put an earlier revision's text back into a draft (or an article in review)."""
    _require_editor(actor)
    article = _locked(article)
    if article.status not in EDITABLE:
        raise EducationRefused(uneditable_message())
    revision = article.history.filter(history_id=history_id).first()
    if revision is None:
        raise EducationRefused(_("That revision does not belong to this article."))
    for field in ("title", "slug", "summary", "body", "explains"):
        setattr(article, field, getattr(revision, field))
    if (
        Article.objects.filter(language=article.language, slug=article.slug)
        .exclude(pk=article.pk)
        .exists()
    ):
        raise EducationRefused(_("Another article in this language has this address (slug)."))
    article.body_html = render_markdown(article.body)
    article.reading_minutes = reading_minutes(article.body)
    _save(article, actor, f"restored the revision of {revision.history_date:%Y-%m-%d %H:%M}")
    return article


def _voter(session_key: str) -> str:
    return hashlib.sha256(f"education:{session_key}".encode()).hexdigest()


def feedback_record(*, article: Article, session_key: str, helpful: bool) -> bool:
    """A reader's "was this helpful?"; once per article per browser session (False if they
    had answered already)."""
    try:
        with transaction.atomic():
            ArticleFeedback.objects.create(
                article=article, voter=_voter(session_key), helpful=helpful
            )
            field = "helpful_yes" if helpful else "helpful_no"
            Article.objects.filter(pk=article.pk).update(**{field: F(field) + 1})
    except IntegrityError:
        return False
    return True


def article_viewed(*, article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)


def article_read_to_end(*, article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(reads_to_end=F("reads_to_end") + 1)


@transaction.atomic
def recommendation_add(*, actor: User, values: dict[str, Any]) -> Recommendation:
    _require_editor(actor)
    if not Article.objects.filter(key=values.get("article_key", "")).exists():
        raise EducationRefused(_("No article has this translation key."))
    rule = Recommendation(created_by=actor, **values)
    rule._history_user = actor  # type: ignore[attr-defined]
    rule.save()
    return rule


@transaction.atomic
def recommendation_delete(*, actor: User, rule: Recommendation) -> None:
    _require_editor(actor)
    rule._history_user = actor  # type: ignore[attr-defined]
    rule.delete()
