"""Sending a message outside the service: email through Django's mail backend, text messages
through the SMS backend named by `settings.SMS_BACKEND`.

An SMS backend is a class with `send(phone, text)` that raises on failure. Here: `Console`
(development: prints), `File` (writes one file per message under `SMS_FILE_PATH`) and `Memory`
(tests: `channels.outbox`). A bank plugs in its provider's gateway the same way.
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class TextMessage:
    phone: str
    text: str


#: What the in-memory backend has sent (like `django.core.mail.outbox`).
outbox: list[TextMessage] = []
_lock = threading.Lock()


class Console:
    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"SMS to {phone}: {text}\n")
        sys.stdout.flush()


class File:
    def send(self, phone: str, text: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{threading.get_ident()}.json"
        (folder / name).write_text(
            json.dumps({"phone": phone, "text": text}, ensure_ascii=False), encoding="utf-8"
        )


class Memory:
    def send(self, phone: str, text: str) -> None:
        with _lock:
            outbox.append(TextMessage(phone, text))


def sms_send(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)


def email_send(address: str, subject: str, text: str) -> None:
    send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)


class SendFailed(Exception):
    """A gateway refused or could not take a message (an SMS backend raises this)."""
