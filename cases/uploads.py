"""Checking an uploaded file by its content, never by its name.

Only PDF, JPEG and PNG are accepted, at most MAX_UPLOAD_BYTES. A file is recognised by its
opening signature and its closing marker, so a renamed executable or a truncated file is
refused whatever it is called.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _


class UploadRejected(ValueError):
    """The file cannot be accepted; the message says why, in the user's language."""


@dataclass(frozen=True)
class Inspected:
    content_type: str
    size: int
    sha256: str


def _kind(head: bytes, tail: bytes) -> str | None:
    if head.startswith(b"%PDF-") and b"%%EOF" in tail:
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff") and tail.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n") and b"IEND" in tail[-16:]:
        return "image/png"
    return None


def inspect_upload(uploaded: UploadedFile) -> Inspected:
    limit = settings.MAX_UPLOAD_BYTES
    size = uploaded.size or 0
    if size == 0:
        raise UploadRejected(_("The file is empty."))
    if size > limit:
        raise UploadRejected(
            _("The file is %(size)s MB; the largest we accept is %(limit)s MB.")
            % {"size": f"{size / 1_048_576:.1f}", "limit": limit // 1_048_576}
        )
    digest = hashlib.sha256()
    head = b""
    tail = b""
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        tail = (tail + chunk)[-1024:]
        digest.update(chunk)
    uploaded.seek(0)
    kind = _kind(head, tail)
    if kind is None:
        raise UploadRejected(
            _("This file is not a PDF, JPEG or PNG document (we check the content, not the name).")
        )
    return Inspected(content_type=kind, size=size, sha256=digest.hexdigest())


#: The extension a stored document is served with, by the type its content was found to be.
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def served_name(original_name: str, content_type: str) -> str:
    """The uploader's name for the file, with the extension of its real type.

    Only the last path part is kept, control characters are dropped, and the extension the
    uploader chose is replaced (`page.html` holding a PDF is served as `page.pdf`).
    """
    base = PurePosixPath(original_name.replace("\\", "/")).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    stem = base.rsplit(".", 1)[0].strip(" .") if "." in base else base
    return f"{stem or 'document'}{EXTENSIONS[content_type]}"
