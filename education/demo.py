"""The demo's money guides: every shipped guide written by the demo editor and published by
an administrator (the second pair of eyes), plus one guide waiting for the editor's review,
so that every page of the editorial workflow has something on it. Idempotent."""

from __future__ import annotations

from django.db import transaction

from accounts.demo import register_seeder
from accounts.models import User
from education import services
from education.library import guides
from education.models import Article, ArticleStatus, Topic

EMERGENCY_FUND = """## Why a small fund matters

Most arrears start with one surprise bill: a repair, a doctor, a month with less work. A small
fund turns that surprise into an inconvenience instead of a missed payment.

## Start small

- Put aside a fixed small amount on the day your income arrives, before you spend.
- Keep it in a separate account you do not carry a card for.
- Aim first for one week of essentials, then one month.

## What you can do now

- Decide on an amount you will not miss, even a small one.
- Set up an automatic transfer for the day after payday.
"""


@transaction.atomic
def demo_guides_seed() -> list[str]:
    editor = User.objects.filter(email="editor@demo.example").first()
    admin = User.objects.filter(email="admin@demo.example").first()
    if editor is None or admin is None:
        return ["", "  Guides: the demo editor or administrator is missing, none seeded."]
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    added = 0
    for guide in guides():
        if Article.objects.filter(key=guide.key, language=guide.language).exists():
            continue
        article = services.article_save(
            actor=editor,
            values={
                "key": guide.key,
                "language": guide.language,
                "title": guide.title,
                "slug": guide.slug,
                "summary": guide.summary,
                "body": guide.body,
                "explains": guide.explains,
            },
            topics=[topics[t] for t in guide.topics if t in topics],
        )
        services.article_submit(article=article, actor=editor)
        services.article_publish(article=article, actor=admin)
        added += 1
    if not Article.objects.filter(key="emergency-fund").exists():
        waiting = services.article_save(
            actor=admin,
            values={
                "key": "emergency-fund",
                "language": "en",
                "title": "Saving a small emergency fund",
                "slug": "emergency-fund",
                "summary": "A little set aside turns the next surprise bill into an "
                "inconvenience instead of a missed payment.",
                "body": EMERGENCY_FUND,
                "explains": "",
            },
            topics=[topics["budgeting"]] if "budgeting" in topics else [],
        )
        services.article_submit(article=waiting, actor=admin)
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED).count()
    return [
        "",
        f"  Money guides: {published} published ({added} added now), one waiting for review;",
        "    editor@demo.example writes and reviews them at /editor/articles/.",
    ]


@register_seeder(order=15)
def seed_demo_guides() -> list[str]:
    return demo_guides_seed()
