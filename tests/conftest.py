from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.models import User
from accounts.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

# Property tests check what the calculator promises, not how fast it keeps them (the benchmarks
# do that): no per-example deadline, which a busy CI machine would turn into a flaky failure.
hypothesis_settings.register_profile(
    "project", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("project")


def totp_code(user: User) -> str:
    """The authenticator app's current code for a persona."""
    secret: str = user.totp_secret  # type: ignore[attr-defined]
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Login throttling and used TOTP codes live in the cache: no test may inherit another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _sms_backend(settings: Any) -> Iterator[None]:
    # Text messages go to an in-memory outbox, like Django's test email.
    from cases.outreach import channels

    settings.SMS_BACKEND = "cases.outreach.channels.Memory"
    channels.outbox.clear()
    yield
    channels.outbox.clear()


@pytest.fixture
def sms_outbox() -> list[Any]:
    """The text messages sent in this test."""
    from cases.outreach import channels

    return channels.outbox


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"live_server", "transactional_db"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _roles(request: pytest.FixtureRequest) -> None:
    # Transactional tests empty the database after each test, taking the roles and policy
    # the data migrations made with it; put them back.
    if not _is_transactional(request):
        return
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.models import ContentType

    from accounts.roles import sync_role_groups

    request.getfixturevalue("transactional_db")
    # The content-type cache outlives the flush; let it reread the table.
    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    sync_role_groups()


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def cardholder(db: None) -> User:
    return UserFactory.create(email="alice@example.test", role=Role.CARDHOLDER)


@pytest.fixture
def other_cardholder(db: None) -> User:
    return UserFactory.create(email="bob@example.test", role=Role.CARDHOLDER)


@pytest.fixture
def agent(db: None) -> User:
    return UserFactory.create(email="charlie.agent@example.test", role=Role.AGENT)


@pytest.fixture
def other_agent(db: None) -> User:
    return UserFactory.create(email="dana.agent@example.test", role=Role.AGENT)


@pytest.fixture
def supervisor(db: None) -> User:
    return UserFactory.create(email="erin.supervisor@example.test", role=Role.SUPERVISOR)


@pytest.fixture
def admin(db: None) -> User:
    return UserFactory.create(email="frank.admin@example.test", role=Role.ADMIN)


@pytest.fixture
def other_admin(db: None) -> User:
    """The second administrator, who approves what `admin` proposes (maker-checker)."""
    return UserFactory.create(email="hana.admin@example.test", role=Role.ADMIN)


@pytest.fixture
def editor(db: None) -> User:
    return UserFactory.create(email="grace.editor@example.test", role=Role.EDITOR)


def login_as(client: Client, user: User) -> Client:
    """Log a persona in the way the site does, MFA included, in a test client."""
    client.logout()
    response = client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    if getattr(user, "totp_secret", None):
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(user)})
        assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture
def client_for(client: Client) -> Callable[[User], Client]:
    """`client_for(persona)` returns the test client logged in as that persona."""

    def _login(user: User) -> Client:
        return login_as(client, user)

    return _login
