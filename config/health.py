"""`/healthz`: is this web process able to serve? For load balancers and operators.

Answers JSON with the state of the database, the broker and the Celery workers, and never
anything secret (no host names, no URLs, no error texts). The status is 200 when the database
and the broker answer, else 503; a silent worker is reported but does not take the web
process out of rotation, since web pages still work without one.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

HEARTBEAT_KEY = "celery:worker-heartbeat"


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def worker_last_seen() -> float | None:
    """Seconds since a worker last ran the heartbeat task, or None if never seen."""
    try:
        beat = cache.get(HEARTBEAT_KEY)
    except Exception:
        return None
    return None if beat is None else max(0.0, time.time() - float(beat))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = _database_ok()
    broker = _broker_ok()
    last_seen = worker_last_seen()
    worker = last_seen is not None and last_seen <= settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS
    healthy = database and broker
    from plans.certificates import SigningCertificateError, check_signing_certificate

    try:
        check_signing_certificate()
        signing = "ok"
    except SigningCertificateError:
        signing = "missing or expired"
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": "ok" if database else "unavailable",
            "broker": "ok" if broker else "unavailable",
            "worker": "ok" if worker else "silent",
            "worker_last_seen_seconds": None if last_seen is None else round(last_seen),
            # Pages work without it, but no agreement can be signed until it is fixed.
            "signing_certificate": signing,
        },
        status=200 if healthy else 503,
    )
