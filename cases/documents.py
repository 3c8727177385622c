"""Documents on a case: checking an upload by its content, storing it within the case's quota,
and the name it is served under. Used by the application wizard, messages and staff review.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Perm
from cases.core import CaseActionRefused, is_holder, lock_case, record_event
from cases.models import (
    CaseStatus,
    Document,
    HardshipCase,
)


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


@transaction.atomic
def document_upload(
    *, case: HardshipCase, actor: User, uploaded_file: Any, evidence_kind: str = ""
) -> Document:
    """Store a PDF, JPEG or PNG for the case after checking its content (see cases.uploads)."""
    case = lock_case(case, version=None)
    if not is_holder(case, actor) and not (
        actor.has_perm(Perm.WORK_CASES) and case.status != CaseStatus.DRAFT
    ):
        raise CaseActionRefused(_("You cannot add documents to this case."))
    if not case.is_open:
        raise CaseActionRefused(_("This case is closed; documents can no longer be added."))
    inspected = inspect_upload(uploaded_file)
    _refuse_beyond_case_quota(case, adding=inspected.size)
    document = Document(
        case=case,
        evidence_kind=evidence_kind,
        original_name=(uploaded_file.name or "document")[-200:],
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=actor,
    )
    document.file.save("upload", uploaded_file, save=False)
    try:
        document.save()
        record_event(
            case,
            actor=actor,
            kind="document_added",
            payload={"name": document.original_name, "kind": evidence_kind},
        )
    except Exception:
        # The database write failed: do not leave an unreferenced file behind.
        document.file.storage.delete(document.file.name)
        raise
    return document


def _refuse_beyond_case_quota(case: HardshipCase, *, adding: int) -> None:
    """A case holds at most MAX_DOCUMENTS_PER_CASE files and MAX_CASE_UPLOAD_BYTES in all,
    whoever uploads them (the case row is locked, so parallel uploads cannot slip past)."""
    stored = case.documents.aggregate(count=Count("id"), size=Sum("size"))
    if stored["count"] >= settings.MAX_DOCUMENTS_PER_CASE:
        raise UploadRejected(
            _(
                "This case already holds %(count)s documents, the most it can hold. "
                "Remove one you no longer need, or send it by post."
            )
            % {"count": settings.MAX_DOCUMENTS_PER_CASE}
        )
    if (stored["size"] or 0) + adding > settings.MAX_CASE_UPLOAD_BYTES:
        raise UploadRejected(
            _(
                "The documents on this case would come to more than %(limit)s MB. "
                "Send a smaller file (a photo at a lower resolution, or fewer pages)."
            )
            % {"limit": settings.MAX_CASE_UPLOAD_BYTES // 1_048_576}
        )
