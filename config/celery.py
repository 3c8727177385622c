"""The Celery application: Redis when REDIS_URL is set, else an embedded filesystem broker."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("arrears")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders() -> None:
    """The filesystem transport expects its folders to exist before the first message."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = options.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


ensure_broker_folders()


@app.task(name="config.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    """Run by beat every 30 s: proves to /healthz that a worker is consuming the queue."""
    import time

    from django.core.cache import cache

    from config.health import HEARTBEAT_KEY

    cache.set(HEARTBEAT_KEY, time.time(), timeout=24 * 3600)
