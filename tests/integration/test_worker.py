"""Reminders through a real Celery worker on Redis and PostgreSQL: a worker killed while
sending leaves the reminder to be sent once by the next worker, and beat running the scan
twice sends once.

The workers run in their own processes against the test database (committed data: these tests
are transactional), with SMS backends that leave files behind (tests/integration/sms_probe.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
import zoneinfo
from datetime import time as clock
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from cases.models import ContactLog, NegotiationPolicy, Reminder, ReminderStatus
from tests.cases.conftest import account, complete_draft, draft, submitted  # noqa: F401
from tests.plans.conftest import active  # noqa: F401
from tests.services import need, redis_available

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def services() -> None:
    need(
        connection.vendor == "postgresql",
        "needs PostgreSQL: set DATABASE_URL=postgres://...",
        service="postgres",
    )
    need(redis_available(), "needs Redis: set REDIS_URL=redis://...", service="redis")


@pytest.fixture
def due_today(services, active, cardholder):  # noqa: F811 - the imported fixture
    """The plan's first instalment is due today for a cardholder who wants texts at any hour."""
    # (A transactional test starts without the policy row the migrations wrote.)
    NegotiationPolicy.objects.update_or_create(
        pk=1, defaults={"quiet_hours_start": clock(0), "quiet_hours_end": clock(0)}
    )
    profile = cardholder.profile
    profile.preferred_channel, profile.phone = "sms", "13800138000"
    profile.contact_from, profile.contact_until = clock(0), clock(23, 59, 59)
    profile.save()
    first = active.instalments.filter(amount__gt=0).order_by("number").first()
    first.due_date = timezone.now().astimezone(zoneinfo.ZoneInfo(profile.time_zone)).date()
    first.save()
    return first


def _worker(queue: str, backend: str, probe: Path, **extra_env: str) -> subprocess.Popen[str]:
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.integration.worker_settings",
        "DATABASE_URL": url,
        "SMS_BACKEND": f"tests.integration.sms_probe.{backend}",
        "SMS_PROBE_DIR": str(probe),
        "CELERY_VISIBILITY_TIMEOUT": "3",
        **extra_env,
    }
    return subprocess.Popen(  # noqa: S603
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


def _stop(worker: subprocess.Popen[str]) -> None:
    """Stop the worker and show what it said (pytest prints it when the test fails)."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=30)
    if worker.stdout and not worker.stdout.closed:
        sys.stdout.write(worker.stdout.read())
        worker.stdout.close()


def _wait_for(condition, worker: subprocess.Popen[str], *, what: str, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"the worker stopped while waiting for {what} (its output is below)")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what} (the worker's output is below)")
        time.sleep(0.2)


@pytest.fixture
def real_queue(monkeypatch):
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    return f"itest-{uuid.uuid4().hex[:8]}"


def test_a_worker_killed_while_sending_leaves_it_to_the_next_once(due_today, real_queue, tmp_path):
    from cases.outreach.tasks import queue_reminders

    first = _worker(real_queue, "Blocking", tmp_path)
    try:
        queue_reminders.apply_async(queue=real_queue)
        _wait_for(lambda: any(tmp_path.glob("started-*")), first, what="the first worker to send")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        _stop(first)
    reminder = Reminder.objects.get()
    # The killed worker's transaction died with it: nothing was marked sent or logged.
    assert reminder.status == ReminderStatus.PENDING
    assert not ContactLog.objects.exists()
    second = _worker(real_queue, "Recording", tmp_path)
    try:
        _wait_for(
            lambda: Reminder.objects.get().status == ReminderStatus.SENT,
            second,
            what="the second worker to send the reminder",
        )
    finally:
        _stop(second)
    assert len(list(tmp_path.glob("sent-*"))) == 1
    assert ContactLog.objects.count() == 1


def test_beat_running_the_scan_twice_sends_once(due_today, real_queue, tmp_path):
    from cases.outreach.tasks import queue_reminders
    from config.celery import worker_heartbeat
    from config.health import HEARTBEAT_KEY

    cache.delete(HEARTBEAT_KEY)
    worker = _worker(real_queue, "Recording", tmp_path)
    try:
        queue_reminders.apply_async(queue=real_queue)
        queue_reminders.apply_async(queue=real_queue)
        # One task at a time, in order: the heartbeat after them runs once both are done.
        worker_heartbeat.apply_async(queue=real_queue)
        _wait_for(
            lambda: cache.get(HEARTBEAT_KEY) is not None,
            worker,
            what="both scans and the heartbeat after them",
        )
    finally:
        _stop(worker)
    assert Reminder.objects.count() == 1
    assert Reminder.objects.get().status == ReminderStatus.SENT
    assert len(list(tmp_path.glob("sent-*"))) == 1


def test_a_failed_task_is_retried_with_backoff_until_it_succeeds(
    services,
    submitted,  # noqa: F811 - the imported fixture
    agent,
    supervisor,
    cardholder,
    real_queue,
    tmp_path,
):
    """Storing the agreement fails (its folder is a file), the worker retries with backoff; once
    the folder is put right, a retry stores it, once."""
    from config.celery import app
    from plans.models import Agreement, AgreementStatus
    from plans.tasks import agreement_render
    from tests.plans.test_plan_and_agreement import _accepted

    app.conf.task_always_eager = True  # the plan is made here, its render queued below
    _accepted(submitted, agent, supervisor, cardholder, "instalment")
    app.conf.task_always_eager = False
    agreement = Agreement.objects.get(plan__case=submitted)
    Agreement.objects.filter(pk=agreement.pk).update(
        status=AgreementStatus.QUEUED, attempts=0, draft="", draft_sha256=""
    )
    media = tmp_path / "media"
    media.mkdir()
    blocker = media / "agreements"
    blocker.write_text("a file where the agreements folder should be")
    worker = _worker(
        real_queue,
        "Recording",
        tmp_path,
        WORKER_MEDIA_ROOT=str(media),
        CELERY_VISIBILITY_TIMEOUT="120",
    )
    try:
        agreement_render.apply_async(args=(agreement.pk,), queue=real_queue)
        _wait_for(
            lambda: Agreement.objects.get(pk=agreement.pk).attempts >= 2,
            worker,
            what="a second attempt after the first failed",
        )
        assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.QUEUED
        blocker.unlink()
        _wait_for(
            lambda: Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.READY,
            worker,
            what="a retry to store the agreement",
        )
    finally:
        _stop(worker)
    stored = Agreement.objects.get(pk=agreement.pk)
    assert stored.draft_sha256
    assert len(list((media / "agreements").rglob("*.pdf"))) == 1
