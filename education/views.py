"""Reading (public: the bank links to these pages) and editing (editors and administrators)."""

from __future__ import annotations

import difflib
import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import AuthenticatedRequest, permission_required
from accounts.roles import Perm
from education import selectors, services
from education.forms import ArticleForm, PublishForm, RecommendationForm, ReturnForm, SearchForm
from education.models import (
    Article,
    ArticleStatus,
    Language,
    Recommendation,
    Topic,
)
from education.rendering import render_markdown
from education.services import EducationRefused

PAGE_SIZE = 12
SLUG = re.compile(r"[-a-z0-9]{1,40}")


def reader_language() -> str:
    return "zh-hans" if (get_language() or "").startswith("zh") else "en"


# --- Reading ------------------------------------------------------------------------------------
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Public: the articles in the reader's language, by topic, with search."""
    language = reader_language()
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    topic = None
    topic_slug = request.GET.get("topic", "")
    if topic_slug and SLUG.fullmatch(topic_slug):
        topic = Topic.objects.filter(slug=topic_slug).first()
    articles = selectors.search(language, query) if query else selectors.published(language)
    if topic is not None:
        articles = articles.filter(topics=topic)
    page = Paginator(articles.prefetch_related("topics"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "education/index.html",
        {
            "form": form,
            "query": query,
            "topic": topic,
            "topics": Topic.objects.all(),
            "page": page,
        },
    )


def _readable(request: HttpRequest, language: str, slug: str) -> Article:
    """Published articles for everyone; drafts too for editors (shown as such)."""
    article = get_object_or_404(
        Article.objects.prefetch_related("topics"), language=language, slug=slug
    )
    if article.status != ArticleStatus.PUBLISHED and not request.user.has_perm(Perm.EDIT_ARTICLES):
        raise Http404
    return article


@require_GET
def article(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    article = _readable(request, language, slug)
    is_editor = request.user.has_perm(Perm.EDIT_ARTICLES)
    if article.status == ArticleStatus.PUBLISHED and not is_editor:
        services.article_viewed(article=article)
    answered = article.pk in request.session.get("education_answered", [])
    return render(
        request,
        "education/article.html",
        {
            "article": article,
            "related": selectors.related(article),
            "translation": selectors.translation_of(article),
            "answered": answered,
            "is_editor": is_editor,
        },
    )


@require_POST
def feedback(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    """Public: "was this helpful?", once per article per browser session."""
    article = _readable(request, language, slug)
    answer = request.POST.get("helpful")
    if answer not in ("yes", "no") or article.status != ArticleStatus.PUBLISHED:
        messages.error(request, _("Choose yes or no."))
        return redirect(article.get_absolute_url() + "#helpful")
    if not request.session.session_key:
        request.session.save()
    session_key = request.session.session_key or ""
    services.feedback_record(article=article, session_key=session_key, helpful=answer == "yes")
    answered = request.session.get("education_answered", [])
    if article.pk not in answered:
        request.session["education_answered"] = [*answered, article.pk][-200:]
    messages.success(request, _("Thank you: your answer helps us improve these articles."))
    return redirect(article.get_absolute_url() + "#helpful")


@require_POST
def read(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    """Public: the page says a reader reached the end (once per article per session)."""
    article = _readable(request, language, slug)
    done = request.session.get("education_read", [])
    if article.status == ArticleStatus.PUBLISHED and article.pk not in done:
        services.article_read_to_end(article=article)
        request.session["education_read"] = [*done, article.pk][-200:]
    return HttpResponse(status=204)


# --- Editing ------------------------------------------------------------------------------------
@permission_required(Perm.EDIT_ARTICLES)
@require_GET
def editor_list(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    articles = Article.objects.select_related("author__profile").order_by("key", "language")
    if status in ArticleStatus.values:
        articles = articles.filter(status=status)
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if query:
        articles = articles.filter(Q(title__icontains=query) | Q(key__icontains=query))
    return render(
        request,
        "education/editor/list.html",
        {
            "articles": articles,
            "status": status,
            "statuses": ArticleStatus.choices,
            "query": query,
            "waiting": Article.objects.filter(status=ArticleStatus.IN_REVIEW)
            .exclude(author=request.user)
            .count(),
        },
    )


def _article_form(request: AuthenticatedRequest, article: Article | None) -> ArticleForm:
    preview = reverse("education:editor_preview")
    if request.method == "POST":
        return ArticleForm(request.POST, instance=article, preview_url=preview)
    initial = {"language": reader_language()} if article is None else None
    return ArticleForm(instance=article, initial=initial, preview_url=preview)


@permission_required(Perm.EDIT_ARTICLES)
@require_http_methods(["GET", "POST"])
def editor_edit(request: AuthenticatedRequest, article_id: int | None = None) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id) if article_id else None
    form = _article_form(request, article)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.TEXT_FIELDS}
        try:
            saved = services.article_save(
                actor=request.user,
                article=article,
                values=values,
                topics=form.cleaned_data["topics"],
            )
        except EducationRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Saved."))
            return redirect("education:editor_edit", article_id=saved.pk)
    editable = article is None or article.status in services.EDITABLE
    return render(
        request,
        "education/editor/edit.html",
        {
            "form": form,
            "article": article,
            "editable": editable,
            "preview": render_markdown(form["body"].value() or ""),
            "publish_form": PublishForm(),
            "return_form": ReturnForm(),
            "can_publish": article is not None
            and request.user.pk
            not in services.writers_since_published(article) | {article.author_id},
            "revision": services.latest_revision(article) if article else None,
        },
        status=400 if form.errors else 200,
    )


@permission_required(Perm.EDIT_ARTICLES)
@require_POST
def editor_preview(request: AuthenticatedRequest) -> HttpResponse:
    """The body as readers will see it: rendered and sanitised exactly as when published."""
    return render(
        request,
        "education/editor/preview.html",
        {"html": render_markdown(request.POST.get("body", "")[:40000])},
    )


@permission_required(Perm.EDIT_ARTICLES)
@require_POST
def editor_action(request: AuthenticatedRequest, article_id: int, action: str) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    try:
        if action == "submit":
            services.article_submit(article=article, actor=request.user)
            messages.success(request, _("Sent for review: another editor will publish it."))
        elif action == "publish":
            publish = PublishForm(request.POST)
            if not publish.is_valid():
                for errors in publish.errors.values():
                    for error in errors:
                        messages.error(request, str(error))
                return redirect("education:editor_edit", article_id=article.pk)
            later = publish.cleaned_data["when"] == "later"
            services.article_publish(
                article=article,
                actor=request.user,
                publish_at=publish.cleaned_data["publish_at"] if later else None,
                revision=publish.cleaned_data["revision"],
            )
            messages.success(request, _("Scheduled.") if later else _("Published."))
        elif action == "return":
            sent_back = ReturnForm(request.POST)
            note = sent_back.cleaned_data["note"] if sent_back.is_valid() else ""
            services.article_return(article=article, actor=request.user, note=note)
            messages.success(request, _("Sent back to the author."))
        elif action == "unpublish":
            services.article_unpublish(article=article, actor=request.user)
            messages.success(request, _("Back to draft: readers no longer see it."))
        elif action == "archive":
            services.article_archive(article=article, actor=request.user)
            messages.success(request, _("Archived: readers no longer see it."))
        else:
            raise Http404
    except EducationRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("education:editor_edit", article_id=article.pk)


@permission_required(Perm.EDIT_ARTICLES)
@require_http_methods(["GET", "POST"])
def editor_history(request: AuthenticatedRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    if request.method == "POST":
        try:
            history_id = int(request.POST.get("history_id", ""))
            services.article_revert(article=article, actor=request.user, history_id=history_id)
        except ValueError:
            messages.error(request, _("Choose a revision."))
        except EducationRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The revision's text is back in the draft."))
            return redirect("education:editor_edit", article_id=article.pk)
        return redirect("education:editor_history", article_id=article.pk)
    revisions = list(article.history.select_related("history_user__profile")[:50])
    changes = []
    for newer, older in zip(revisions, [*revisions[1:], None], strict=True):
        changes.append((newer, _diff(older, newer) if older else []))
    return render(
        request,
        "education/editor/history.html",
        {"article": article, "changes": changes},
    )


def _diff(older: Article, newer: Article) -> list[tuple[str, list[str]]]:
    """Per changed text field, the unified diff lines between two revisions."""
    result = []
    for field in ("title", "slug", "summary", "body", "explains"):
        before, after = getattr(older, field) or "", getattr(newer, field) or ""
        if before != after:
            lines = list(
                difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1)
            )[2:]
            result.append((field, lines))
    return result


@permission_required(Perm.EDIT_ARTICLES)
@require_http_methods(["GET", "POST"])
def editor_recommendations(request: AuthenticatedRequest) -> HttpResponse:
    form = RecommendationForm(request.POST or None)
    if request.method == "POST":
        if "delete" in request.POST:
            rule_id = request.POST.get("delete", "")
            if not rule_id.isdigit():
                raise Http404
            rule = get_object_or_404(Recommendation, pk=int(rule_id))
            services.recommendation_delete(actor=request.user, rule=rule)
            messages.success(request, _("Rule removed."))
            return redirect("education:editor_recommendations")
        if form.is_valid():
            try:
                services.recommendation_add(actor=request.user, values=form.cleaned_data)
            except EducationRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Rule added."))
                return redirect("education:editor_recommendations")
    titles = {}
    for key, language, title in Article.objects.values_list("key", "language", "title"):
        if language == Language.EN or key not in titles:
            titles[key] = title
    rules = [
        (rule, titles.get(rule.article_key, rule.article_key))
        for rule in Recommendation.objects.all()
    ]
    return render(
        request,
        "education/editor/recommendations.html",
        {"form": form, "rules": rules},
        status=400 if form.errors else 200,
    )
