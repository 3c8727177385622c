"""Every page each role can reach, found from the URL patterns, for the accessibility checks.

A populated site (a case in each state the pages show) gives each URL parameter real values
per persona; every GET pattern is tried for every persona, and the pages that answer 200 with
HTML are that persona's pages. A new page is checked without anyone listing it; a new URL
parameter with no sample fails `pages_for`, so that nobody forgets to give it one.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from accounts.roles import Role
from cases import negotiation as n
from cases.application.services import (
    case_save_reason,
    case_save_statement,
    case_start,
    case_submit,
)
from cases.application.views import STEP_NAMES
from cases.conversation import message_post
from cases.documents import document_upload
from cases.enrolment.services import EnrolmentRefused, enrolment_link
from tests.cases.conftest import PDF, fill_draft
from tests.cases.negotiation.test_negotiation import quote
from tests.factories import CardAccountFactory, TransactionFactory, UserFactory
from tests.test_url_guard import ALL_URLS

PERSONAS = ("anonymous", "cardholder", "agent", "supervisor", "admin", "editor")

#: URL parameters with no page behind them for a GET (tokens of emails we did not send): a
#: made-up value shows the page a person with a stale link gets.
_TOKENS = {"key": ["not-a-real-key"], "uidb36": ["0"]}

#: Admin-site pages about one object, and its catch-all: Django's own, read-only for our
#: admins; the index, the app pages and the lists are checked.
_SKIPPED_PATTERNS = re.compile(r"^admin/.*(<(\w+:)?(object_id|id)>|\(\?P<url>)")


@dataclass
class Site:
    users: dict[str, User | None]
    params: dict[str, dict[str, list[str]]] = field(default_factory=dict)


def _account(holder: User | None, last4: str, days_past_due: int) -> Any:
    account = CardAccountFactory.create(
        holder=holder,
        card_last4=last4,
        principal_balance=Decimal("29927.43"),
        interest_balance=Decimal("1197.92"),
        penalty_interest_balance=Decimal("422.02"),
        fees_balance=Decimal("504.10"),
        days_past_due=days_past_due,
        status="delinquent",
    )
    for month in range(1, 7):
        TransactionFactory.create(
            account=account, posted_on=date(2026, month + 5, 3), amount=Decimal("900.00")
        )
    return account


def populated_site() -> Site:
    """A cardholder with a draft, a case with an open offer and a declined one; a case
    waiting for a supervisor; a locked card; a pending policy change."""
    users: dict[str, User | None] = {
        "anonymous": None,
        "cardholder": UserFactory.create(email="li.wei@example.test", role=Role.CARDHOLDER),
        "agent": UserFactory.create(email="chen.jing@example.test", role=Role.AGENT),
        "supervisor": UserFactory.create(email="wang.fang@example.test", role=Role.SUPERVISOR),
        "admin": UserFactory.create(email="zhang.min@example.test", role=Role.ADMIN),
        "editor": UserFactory.create(email="liu.yang@example.test", role=Role.EDITOR),
    }
    holder, agent = users["cardholder"], users["agent"]
    assert holder is not None
    assert agent is not None
    other_admin = UserFactory.create(email="zhou.lan@example.test", role=Role.ADMIN)

    # A draft filled up to the choice of plan, so that every step of the wizard has a page.
    draft = case_start(account=_account(holder, "3307", 45), actor=holder)
    draft = case_save_reason(
        case=draft,
        actor=holder,
        version=draft.version,
        reason="job_loss",
        duration="temporary",
        expected_recovery=None,
        own_words="I lost my job in October.",
    )
    draft = case_save_statement(
        case=draft,
        actor=holder,
        version=draft.version,
        household_size=2,
        dependants=1,
        income={"wages": Decimal("9000.00")},
        essentials={"housing": Decimal("2500.00"), "food": Decimal("1500.00")},
        debts=[],
    )
    document_upload(
        case=draft,
        actor=holder,
        uploaded_file=SimpleUploadedFile("letter.pdf", PDF),
        evidence_kind="termination_letter",
    )

    offered = fill_draft(case_start(account=_account(holder, "5126", 95), actor=holder), holder)
    offered = case_submit(case=offered, actor=holder, version=offered.version)
    offered = n.case_claim(case=offered, actor=agent, version=offered.version)
    message_post(case=offered, author=holder, body="I can pay a little more in spring.")
    n.offer_propose(
        case=offered,
        actor=agent,
        version=offered.version,
        schedule=quote(offered),
        rationale="Fits",
    )

    waiting = fill_draft(case_start(account=_account(holder, "7781", 120), actor=holder), holder)
    waiting = case_submit(case=waiting, actor=holder, version=waiting.version)
    waiting = n.case_claim(case=waiting, actor=agent, version=waiting.version)
    n.offer_propose(
        case=waiting,
        actor=agent,
        version=waiting.version,
        schedule=quote(waiting, months=48),
        rationale="Long illness",
    )

    from cases.policy.rules import current_policy
    from cases.policy.services import policy_change_propose
    from cases.policy.validation import current_authority_limit_rows, policy_fingerprint

    policy_change_propose(
        actor=other_admin,
        policy_values={"offer_validity_days": 21},
        authority_values={},
        reason="More time to decide",
        seen=policy_fingerprint(current_policy(), current_authority_limit_rows()),
    )
    locked = _account(None, "8841", 30)
    for attempt in range(5):
        with contextlib.suppress(EnrolmentRefused):
            enrolment_link(
                user=UserFactory.create(),
                card_last4="8841",
                birth_date=locked.holder_birth_date,
                id_last4=f"{attempt:04d}",
            )

    from datetime import timedelta

    from django.utils import timezone

    from cases.models import BankCalendarDay, CalendarDayKind

    BankCalendarDay.objects.create(
        day=timezone.localdate() + timedelta(days=30),
        kind=CalendarDayKind.HOLIDAY,
        name="National Day",
    )

    # A colleague invited but not yet signed up: the page their emailed link opens.
    from accounts.staff.services import staff_invite

    tokens: list[str] = []

    def keep(token: str) -> str:
        tokens.append(token)
        return f"/invitation/{token}/"

    admin = users["admin"]
    assert admin is not None
    staff_invite(
        actor=admin,
        email="sun.yue@example.test",
        full_name="Sun Yue",
        role=Role.AGENT,
        preferred_language="en",
        link_for=keep,
    )

    # A published guide in each language and a draft, for the guide and editor pages.
    from education import services as education
    from education.models import Topic

    topic, _ = Topic.objects.get_or_create(slug="budgeting")
    editor = users["editor"]
    assert editor is not None
    guides = []
    for language, slug, title in (
        ("en", "budgeting", "Building a budget"),
        ("zh-hans", "budgeting-zh", "编制预算"),
    ):
        guide = education.article_save(
            actor=editor,
            values={
                "key": "budgeting",
                "language": language,
                "title": title,
                "slug": slug,
                "summary": "Essentials first.",
                "body": "## Start\n\nList what comes in and what must go out.",
                "explains": "",
            },
            topics=[topic],
        )
        education.article_submit(article=guide, actor=editor)
        guides.append(education.article_publish(article=guide, actor=admin))
    draft_guide = education.article_save(
        actor=editor,
        values={
            "key": "draft-guide",
            "language": "en",
            "title": "Not yet",
            "slug": "draft-guide",
            "summary": "Still being written.",
            "body": "Soon.",
            "explains": "",
        },
        topics=[topic],
    )

    cardholder_cases = [str(draft.pk), str(offered.pk)]
    staff_cases = [str(offered.pk), str(waiting.pk)]
    accounts = [str(draft.account_id)]
    site = Site(users=users)
    for persona in PERSONAS:
        staff = persona in ("agent", "supervisor", "admin", "editor")
        site.params[persona] = {
            "case_id": staff_cases if staff else cardholder_cases,
            "account_id": accounts,
            "step": list(STEP_NAMES),
            "app_label": ["accounts", "cases"],
            "token": tokens,
            "language": ["en", "zh-hans"],
            "slug": [g.slug for g in guides] + [draft_guide.slug],
            "article_id": [str(guides[0].pk), str(draft_guide.pk)],
            **_TOKENS,
        }
    return site


def _parameters(pattern: str) -> list[str]:
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern)]


def _fill(pattern: str, values: dict[str, str]) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], pattern)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def candidate_urls(params: dict[str, list[str]]) -> list[str]:
    urls = []
    missing: set[str] = set()
    for _name, pattern in ALL_URLS:
        if _SKIPPED_PATTERNS.search(pattern):
            continue
        names = _parameters(pattern) or []
        if any(name not in params for name in names):
            missing.update(name for name in names if name not in params)
            continue
        for combination in itertools.product(*(params[name] for name in names)):
            urls.append(_fill(pattern, dict(zip(names, combination, strict=True))))
    # Only the parameters of document downloads and POST-only actions may lack a sample.
    unknown = missing - {
        "document_id",
        "offer_id",
        "change_id",
        "entry_id",
        "user_id",
        "action",
        "decision_id",
        "flag_id",
    }
    assert not unknown, f"give these URL parameters a sample in tests/e2e/site_pages.py: {unknown}"
    return sorted(set(urls))


def pages_for(client: Client, params: dict[str, list[str]]) -> list[str]:
    """The URLs that answer `client` with an HTML page (not a redirect, refusal or file)."""
    pages = []
    for url in candidate_urls(params):
        response = client.get(url)
        content_type = response.headers.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            pages.append(url)
    return pages


def signed_in_client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="accounts.backends.ModelBackend")
    return client
