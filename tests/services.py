"""Tests that need a real service (PostgreSQL, Redis, a browser) ask for it here.

On a laptop without the service they skip with a clear reason. In CI, where the services
exist, `.ci/run` sets REQUIRE_SERVICES and a missing service fails the test instead: CI can
never pass by skipping what it was meant to prove. REQUIRE_SERVICES=1 requires every service;
a comma-separated list (`browser`, `postgres`, `redis`) requires just those, as in CI's first
run, which is a newcomer's `make test` with chromium but no database server.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


SERVICES = ("browser", "postgres", "redis")


def services_required() -> frozenset[str]:
    """The services whose absence fails a test instead of skipping it."""
    value = os.environ.get("REQUIRE_SERVICES", "").strip()
    if value in ("1", "all"):
        return frozenset(SERVICES)
    required = frozenset(part.strip() for part in value.split(",") if part.strip())
    unknown = required - set(SERVICES)
    if unknown:
        raise pytest.UsageError(
            f"REQUIRE_SERVICES names unknown services: {', '.join(sorted(unknown))}"
        )
    return required


def need(available: bool, reason: str, *, service: str) -> None:
    if available:
        return
    if service in services_required():
        pytest.fail(f"{reason}; REQUIRE_SERVICES forbids skipping it", pytrace=False)
    pytest.skip(reason)


def redis_url() -> str | None:
    return os.environ.get("REDIS_URL") or None


def redis_available() -> bool:
    url = redis_url()
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def chromium_available() -> bool:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True
