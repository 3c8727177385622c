"""Against the real services: PostgreSQL, Redis, and a Celery worker in its own process.

Each test skips on a machine without the service, with the reason; CI sets REQUIRE_SERVICES=1
so that there they fail instead of skipping.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import time as clock
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction

from tests.services import need, redis_available

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres(db: None) -> None:
    need(
        connection.vendor == "postgresql",
        "needs PostgreSQL: set DATABASE_URL=postgres://...",
        service="postgres",
    )


@pytest.fixture
def redis() -> None:
    need(
        redis_available(),
        "needs Redis: set REDIS_URL=redis://... to a running server",
        service="redis",
    )


@pytest.mark.postgres
def test_the_database_enforces_profile_invariants(postgres, cardholder):
    profile = cardholder.profile
    profile.contact_from, profile.contact_until = clock(20, 0), clock(9, 0)
    with pytest.raises(IntegrityError), transaction.atomic():
        profile.save()


@pytest.mark.postgres
def test_the_suite_really_runs_on_postgresql(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    assert int(version.split(".")[0]) >= 13


@pytest.mark.redis
def test_the_cache_is_redis_and_shared_between_clients(redis, settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    key = f"probe-{uuid.uuid4()}"
    cache.set(key, "here", 30)
    import redis as redis_client

    raw = redis_client.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    assert any(key in str(name) for name in raw.keys(f"*{key}*"))


@pytest.mark.redis
def test_a_real_worker_consumes_the_queue_and_health_sees_it(redis, db, client, monkeypatch):
    from config.celery import app, worker_heartbeat

    queue = f"itest-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--queues",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        monkeypatch.setitem(app.conf, "task_always_eager", False)
        assert client.get("/healthz").json()["worker"] == "silent"
        worker_heartbeat.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        body = client.get("/healthz").json()
        while body["worker"] != "ok" and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            time.sleep(0.5)
            body = client.get("/healthz").json()
        assert body == {**body, "status": "ok", "broker": "ok", "worker": "ok"}
    finally:
        worker.terminate()
        worker.wait(timeout=30)
