"""Reading articles: what readers may see, search, related articles, the article explaining a
term, and the articles recommended to a cardholder."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, QuerySet

from accounts.models import User
from cases.models import HardshipCase, Offer, OfferStatus
from education.models import Article, ArticleStatus, Recommendation, Stage

#: A category is a "large share" of spending from a fifth of the monthly average up.
LARGE_SHARE = Decimal("0.20")


def published(language: str) -> QuerySet[Article]:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED, language=language)


def search(language: str, query: str) -> QuerySet[Article]:
    """Published articles matching `query`: PostgreSQL full-text search (English stemming for
    English; for Chinese, which has no spaces to split words on, a phrase match as well), and
    on SQLite a plain "contains" on title, summary and body."""
    articles = published(language)
    query = query.strip()[:100]
    if not query:
        return articles
    contains = Q(title__icontains=query) | Q(summary__icontains=query) | Q(body__icontains=query)
    if connection.vendor != "postgresql":
        return articles.filter(contains)
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    config = "english" if language == "en" else "simple"
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )
    search_query = SearchQuery(query, config=config, search_type="websearch")
    return (
        articles.annotate(rank=SearchRank(vector, search_query))
        .filter(Q(rank__gt=0) | contains)
        .order_by("-rank", "-published_at")
    )


def related(article: Article, limit: int = 3) -> list[Article]:
    """Published articles in its language sharing most topics with it."""
    topics = list(article.topics.values_list("pk", flat=True))
    return list(
        published(article.language)
        .exclude(pk=article.pk)
        .filter(topics__in=topics)
        .annotate(shared=Count("topics"))
        .order_by("-shared", "-published_at")[:limit]
    )


def term_articles(language: str) -> dict[str, Article]:
    """Each explained term's published guide in `language`, in one query."""
    articles: dict[str, Article] = {}
    for article in published(language).exclude(explains="").order_by("published_at"):
        articles.setdefault(article.explains, article)
    return articles


def translation_of(article: Article) -> Article | None:
    return (
        Article.objects.filter(key=article.key, status=ArticleStatus.PUBLISHED)
        .exclude(pk=article.pk)
        .first()
    )


@dataclass(frozen=True)
class Facts:
    """What recommendations look at, about one cardholder and (optionally) one case."""

    reason: str = ""
    plan_type: str = ""
    stage: str = Stage.NO_CASE
    large_spending: frozenset[str] = frozenset()


def facts_for(user: User, case: HardshipCase | None) -> Facts:
    from cases.selectors import spending_summary

    if case is None:
        case = HardshipCase.objects.filter(account__holder=user).order_by("-created_at").first()
    large: set[str] = set()
    account = case.account if case else None
    if account is None:
        account = user.card_accounts.first()
    if account is not None:
        summary = spending_summary(account=account)
        large = {
            trend.category
            for trend in summary.categories
            if summary.share_of(trend.category) >= LARGE_SHARE
        }
    if case is None:
        return Facts(large_spending=frozenset(large))
    return Facts(
        reason=case.reason or "",
        plan_type=_plan_type(case),
        stage=_stage(case),
        large_spending=frozenset(large),
    )


def _plan_type(case: HardshipCase) -> str:
    plan = case.plans.order_by("-created_at").first()
    if plan is not None:
        return str(plan.plan_type)
    offer: Offer | None = (
        case.offers.filter(status=OfferStatus.OPEN).order_by("-created_at").first()
    )
    if offer is not None:
        return str((offer.terms or {}).get("plan_type", ""))
    return ""


def _stage(case: HardshipCase) -> str:
    status = case.status
    if status in ("declined", "withdrawn", "closed", "completed"):
        return Stage.ENDED
    if status == "awaiting_cardholder":
        return Stage.OFFERED
    if status == "active":
        plan = case.plans.order_by("-created_at").first()
        if plan is not None and plan.status == "at_risk":
            return Stage.PLAN_AT_RISK
        return Stage.PLAN
    if status == "agreed":
        return Stage.PLAN
    return Stage.APPLYING


def _matches(rule: Recommendation, facts: Facts) -> bool:
    return (
        (not rule.reason or rule.reason == facts.reason)
        and (not rule.plan_type or rule.plan_type == facts.plan_type)
        and (not rule.stage or rule.stage == facts.stage)
        and (not rule.spending_category or rule.spending_category in facts.large_spending)
    )


def recommended(
    user: User, *, language: str, case: HardshipCase | None = None, limit: int = 3
) -> list[Article]:
    """The published articles the editors' rules recommend to this cardholder, in their
    language (the other language where no translation exists yet), most specific rule first."""
    facts = facts_for(user, case)
    rules = [rule for rule in Recommendation.objects.all() if _matches(rule, facts)]
    rules.sort(key=lambda r: (-r.priority, -_specificity(r), r.pk))
    keys: list[str] = []
    for rule in rules:
        if rule.article_key not in keys:
            keys.append(rule.article_key)
    if not keys:
        return []
    available = {
        (a.key, a.language): a
        for a in Article.objects.filter(key__in=keys, status=ArticleStatus.PUBLISHED)
    }
    chosen = []
    for key in keys:
        article = available.get((key, language)) or next(
            (a for (k, _), a in available.items() if k == key), None
        )
        if article is not None:
            chosen.append(article)
        if len(chosen) == limit:
            break
    return chosen


def _specificity(rule: Recommendation) -> int:
    return sum(bool(v) for v in (rule.reason, rule.plan_type, rule.stage, rule.spending_category))
