"""Is this PDF an authentic, unchanged agreement of this bank, and which one?

Two checks, both required: the file's SHA-256 is one the bank stored when it signed an
agreement (so not one byte was changed, nothing appended), and the PDF's own signature validates
against the bank's certificate with pyHanko, judged by `bottom_line` (never `valid`, which stays
True after tampering), covering the entire file.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from django.conf import settings

from plans.models import Agreement, AgreementStatus

logger = logging.getLogger(__name__)

MAX_PDF_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Verdict:
    authentic: bool
    agreement: Agreement | None
    reason: str  # a stable code: "authentic", "unknown", "not_pdf", "signature_invalid"


def _bank_certificate():
    from pyhanko.keys import load_cert_from_pemder

    return load_cert_from_pemder(str(settings.AGREEMENT_SIGNING_CERT))


def _tsa_certificates() -> list:
    """The time-stamping authority's root, trusted for the timestamp in a signature."""
    if not settings.AGREEMENT_TSA_CERT:
        return []
    from pyhanko.keys import load_certs_from_pemder

    return list(load_certs_from_pemder([str(settings.AGREEMENT_TSA_CERT)]))


def signature_valid(data: bytes) -> bool:
    """Whether the PDF carries one signature by the bank's certificate covering the whole file."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return False
        context = ValidationContext(trust_roots=[_bank_certificate(), *_tsa_certificates()])
        status = validate_pdf_signature(signatures[0], context)
    except Exception:  # a malformed or foreign file is simply not authentic
        logger.info("Signature check failed", exc_info=True)
        return False
    # Signed by the bank's own certificate, not merely by one the trusted roots vouch for (the
    # time-stamping authority's root is trusted for timestamps only).
    signed_by_bank = status.signing_cert.dump() == _bank_certificate().dump()
    return (
        bool(status.bottom_line)
        and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        and signed_by_bank
    )


def verify(data: bytes) -> Verdict:
    if not data.startswith(b"%PDF"):
        return Verdict(False, None, "not_pdf")
    digest = hashlib.sha256(data).hexdigest()
    agreement = (
        Agreement.objects.select_related("plan__case", "plan__account")
        .filter(signed_sha256=digest, status=AgreementStatus.SIGNED)
        .first()
    )
    if agreement is None:
        return Verdict(False, None, "unknown")
    if not signature_valid(data):
        return Verdict(False, None, "signature_invalid")
    return Verdict(True, agreement, "authentic")
