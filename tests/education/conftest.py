"""Articles written and published through the services, by two different editors."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from education import services
from education.models import Article, Topic
from tests.factories import UserFactory


@pytest.fixture
def other_editor(db):
    return UserFactory.create(email="second.editor@example.test", role=Role.EDITOR)


def write(editor, *, key="budgeting-basics", language="en", title="Budgeting basics", **extra):
    values = {
        "key": key,
        "language": language,
        "title": title,
        "slug": extra.pop("slug", key),
        "summary": extra.pop("summary", "Where the money goes."),
        "body": extra.pop("body", "## Start\n\nList what comes in and what must go out."),
        "explains": extra.pop("explains", ""),
    }
    topics = extra.pop("topics", ["budgeting"])
    return services.article_save(
        actor=editor, values=values, topics=Topic.objects.filter(slug__in=topics)
    )


def publish(article, author, reviewer) -> Article:
    services.article_submit(article=article, actor=author)
    return services.article_publish(article=article, actor=reviewer)


@pytest.fixture
def published(editor, other_editor):
    return publish(write(editor), editor, other_editor)
