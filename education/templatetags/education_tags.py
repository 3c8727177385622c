"""Articles on other features' pages: the guide that explains a term, and the guides
recommended to a cardholder."""

from __future__ import annotations

from typing import Any

from django import template

from education import selectors
from education.views import reader_language

register = template.Library()


@register.inclusion_tag("education/explain_link.html", takes_context=True)
def explain(context: Any, term: str, label: str = "") -> dict[str, Any]:
    """A small "What is this?" link to the published guide explaining `term` in the reader's
    language; nothing when there is none. One query a page, however many terms it explains
    (a list of offers explains the same terms on every row)."""
    language = reader_language()
    request = context.get("request")
    cache: dict[str, dict[str, Any]] = getattr(request, "_education_terms", None) or {}
    if language not in cache:
        cache[language] = selectors.term_articles(language)
        if request is not None:
            request._education_terms = cache
    return {"article": cache[language].get(term), "label": label}


@register.inclusion_tag("education/recommended.html", takes_context=True)
def recommended_articles(context: dict[str, Any], case: Any = None) -> dict[str, Any]:
    """Up to three guides the editors' rules recommend to the signed-in cardholder."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"articles": []}
    return {"articles": selectors.recommended(user, language=reader_language(), case=case)}


@register.simple_tag(takes_context=True)
def article_counts(context: dict[str, Any]) -> dict[str, int]:
    """For the editors' dashboard: published, waiting for this editor's review, drafts."""
    from django.db.models import Count, Q

    from education.models import Article, ArticleStatus

    request = context.get("request")
    user_id = getattr(getattr(request, "user", None), "pk", None)
    return Article.objects.aggregate(
        total=Count("pk"),
        published=Count("pk", filter=Q(status=ArticleStatus.PUBLISHED)),
        waiting=Count("pk", filter=Q(status=ArticleStatus.IN_REVIEW) & ~Q(author_id=user_id)),
        drafts=Count("pk", filter=Q(status=ArticleStatus.DRAFT)),
    )
