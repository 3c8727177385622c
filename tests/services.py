"""Tests that need a real service (PostgreSQL, Redis, a browser) ask for it here.

On a laptop without the service they skip with a clear reason. In CI, where the services
exist, `.ci/run` sets REQUIRE_SERVICES=1 and a missing service fails the test instead: CI can
never pass by skipping what it was meant to prove.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") == "1"


def need(available: bool, reason: str) -> None:
    if available:
        return
    if services_required():
        pytest.fail(f"{reason}; REQUIRE_SERVICES=1 forbids skipping it", pytrace=False)
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
