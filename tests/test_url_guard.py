"""Every page of the project is closed to anonymous visitors, except a short public list.

The walk covers every URL pattern, including those added by later work and by libraries, so a
new page that forgets its access declaration fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

#: Pages a visitor must be able to open before logging in. Keep this list short.
PUBLIC = {
    "home",
    "accessibility",
    "healthz",
    "set_language",
    "javascript-catalog",
    "account_login",
    "account_logout",
    "account_signup",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_confirm_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "mfa_authenticate",
    "accounts:staff_invitation",
    "plans:verify",
    "cases:reminders_stop",
    "education:index",
    "education:article",
    "education:feedback",
    "education:read",
    "admin:login",
    "admin:logout",
}

_SAMPLES = {
    "int": "1",
    "slug": "sample",
    "str": "sample",
    "path": "sample/x",
    "uuid": "6f1c0d9e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
}


def _concrete(pattern: str) -> str:
    """Turn a route or regex pattern into a URL path a client can request."""
    path = re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: _SAMPLES.get(m.group(1) or "str", "sample"), pattern
    )
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "abc123", path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or entry.lookup_str
            yield (f"{namespace}:{name}" if namespace else name), prefix + str(entry.pattern)


ALL_URLS = sorted(set(_walk(get_resolver().url_patterns)))
GUARDED = [(name, pattern) for name, pattern in ALL_URLS if name not in PUBLIC]


def test_the_walk_finds_the_project_pages():
    names = {name for name, _ in ALL_URLS}
    assert {"dashboard", "accounts:agent_dashboard", "accounts:profile", "admin:index"} <= names
    assert len(GUARDED) > 30


def test_every_public_name_still_exists():
    # A stale allow-list entry could later silently open a new page with the same name.
    names = {name for name, _ in ALL_URLS}
    assert names >= PUBLIC


@pytest.mark.parametrize(("name", "pattern"), GUARDED, ids=[name for name, _ in GUARDED])
def test_anonymous_visitors_are_sent_to_login_or_refused(client, name, pattern):
    response = client.get(_concrete(pattern))
    if response.status_code in (301, 302):
        target = response.headers["Location"]
        assert target.startswith(("/accounts/login/", "/admin/login/")), (name, target)
    else:
        assert response.status_code in (403, 405), (name, response.status_code)
