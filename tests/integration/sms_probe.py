"""SMS backends for the worker tests, named by SMS_BACKEND in a worker's environment: each
leaves a file in SMS_PROBE_DIR, so the test sees what the worker process did."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path


def _folder() -> Path:
    return Path(os.environ["SMS_PROBE_DIR"])


class Blocking:
    """Says it started sending, then hangs: the test kills the worker here."""

    def send(self, phone: str, text: str) -> None:
        (_folder() / f"started-{os.getpid()}").write_text(text, encoding="utf-8")
        time.sleep(600)


class Recording:
    def send(self, phone: str, text: str) -> None:
        (_folder() / f"sent-{uuid.uuid4().hex}").write_text(text, encoding="utf-8")
