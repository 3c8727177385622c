import time

import pytest
from django.core.cache import cache

from config.health import HEARTBEAT_KEY

pytestmark = pytest.mark.django_db


def test_health_reports_database_broker_and_a_silent_worker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] == "silent"
    assert body["worker_last_seen_seconds"] is None
    assert "no-cache" in response.headers["Cache-Control"]


def test_health_reports_a_worker_that_ran_the_heartbeat(client):
    from config.celery import worker_heartbeat

    worker_heartbeat.delay()  # eager in unit tests: runs here and writes the heartbeat
    body = client.get("/healthz").json()
    assert body["worker"] == "ok"
    assert body["worker_last_seen_seconds"] <= 5


def test_a_stale_heartbeat_counts_as_silent(client, settings):
    cache.set(HEARTBEAT_KEY, time.time() - settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS - 10)
    assert client.get("/healthz").json()["worker"] == "silent"


def test_health_is_unavailable_when_the_broker_is_down(client, monkeypatch):
    from config import health

    monkeypatch.setattr(health, "_broker_ok", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"


def test_health_reveals_no_configuration(client, settings):
    text = client.get("/healthz").content.decode()
    for secret in (settings.SECRET_KEY, str(settings.DATABASES["default"]["NAME"])):
        assert secret not in text
