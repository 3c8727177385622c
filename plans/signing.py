"""The agreement's life: prepared (rendered) for the cardholder to read, then signed.

Services here are idempotent: preparing an agreement that is already prepared does nothing,
so a task delivered twice (a retried task, a worker killed after the work) changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from cases.core import bump_version, lock_case, notify_holder, record_event, run_transition
from cases.models import CaseStatus
from cases.outreach import channels
from plans.agreement import render_agreement
from plans.arrangements import arrangement_record
from plans.certificates import SigningCertificateError, check_signing_certificate
from plans.models import Agreement, AgreementStatus, ArrangementKind, PlanStatus, RepaymentPlan

logger = logging.getLogger(__name__)


def agreement_prepare(*, agreement_id: int) -> Agreement:
    """Render the draft agreement, store it with its SHA-256, and tell the cardholder.

    A failure leaves the agreement visibly failed (with the error) for staff to retry; the
    exception is raised again so the task's retry policy applies.
    """
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update().select_related("plan__case").get(pk=agreement_id)
        )
        if agreement.status not in (AgreementStatus.QUEUED, AgreementStatus.FAILED):
            return agreement
        agreement.attempts += 1
        agreement.save(update_fields=["attempts"])
    plan = agreement.plan
    try:
        rendered = render_agreement(plan)
    except Exception as error:
        logger.exception("Agreement %s could not be rendered", agreement.pk)
        Agreement.objects.filter(pk=agreement.pk).update(
            status=AgreementStatus.FAILED, error=str(error)[:1000]
        )
        record_event(
            plan.case,
            actor=None,
            kind="agreement_failed",
            payload={"error": str(error)[:200]},
            visible=False,
        )
        raise
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.status not in (AgreementStatus.QUEUED, AgreementStatus.FAILED):
            return agreement
        agreement.draft.save(f"{plan.reference}-draft.pdf", ContentFile(rendered.pdf), save=False)
        agreement.draft_sha256 = rendered.sha256
        agreement.status = AgreementStatus.READY
        agreement.error = ""
        agreement.rendered_at = timezone.now()
        agreement.save()
        record_event(
            plan.case, actor=None, kind="agreement_ready", payload={"plan": plan.reference}
        )
    return agreement


# --- Signing -------------------------------------------------------------------------------------

CODE_VALID_MINUTES = 15
CODE_MAX_ATTEMPTS = 5
CODE_RESEND_SECONDS = 60
#: A phone number changed less than this long ago does not receive signing codes (email does).
PHONE_SETTLING = timedelta(days=1)


class SigningRefused(Exception):
    """The cardholder's signature could not be taken; the message says why, to them."""


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _signable(agreement_id: int, actor: User) -> Agreement:
    agreement = (
        Agreement.objects.select_for_update()
        .select_related("plan__case__account", "plan__account")
        .get(pk=agreement_id)
    )
    if agreement.plan.case.account.holder_id != actor.pk:
        raise Agreement.DoesNotExist
    # A case withdrawn or closed since the offer was accepted has nothing left to sign.
    if agreement.status != AgreementStatus.READY or agreement.plan.case.status != CaseStatus.AGREED:
        raise SigningRefused(_("This agreement cannot be signed now."))
    if timezone.now() > agreement.plan.sign_by:
        raise SigningRefused(
            _("The time to sign this agreement has passed. We will review your case again.")
        )
    return agreement


def signing_code_channel(user: User) -> tuple[str, str]:
    """How a cardholder gets their signing code: by text message if that is their chosen
    channel and we have their number, else by email. (A code is not a reminder: opting out of
    reminders by a channel does not stop it.)"""
    profile = getattr(user, "profile", None)
    settled = profile is not None and (
        profile.phone_changed_at is None
        or timezone.now() - profile.phone_changed_at >= PHONE_SETTLING
    )
    if profile and profile.preferred_channel == "sms" and profile.phone and settled:
        return "sms", profile.phone
    return "email", user.email


@transaction.atomic
def signing_code_send(*, agreement: Agreement, actor: User) -> str:
    """Send the cardholder a one-time code to confirm their signature; returns the channel."""
    agreement = _signable(agreement.pk, actor)
    now = timezone.now()
    if agreement.code_sent_at and (now - agreement.code_sent_at).total_seconds() < (
        CODE_RESEND_SECONDS
    ):
        raise SigningRefused(_("We have just sent you a code. Wait a minute before asking again."))
    code = f"{secrets.randbelow(10**6):06d}"
    agreement.code_sha256 = _digest(code)
    agreement.code_sent_at = now
    agreement.code_attempts = 0
    channel, address = signing_code_channel(actor)
    agreement.code_channel = channel
    agreement.save(update_fields=["code_sha256", "code_sent_at", "code_attempts", "code_channel"])
    reference = agreement.plan.reference
    with translation.override(agreement.language):
        subject = _("Your code to sign agreement %(reference)s") % {"reference": reference}
        body = _(
            "Your code to sign repayment plan agreement %(reference)s is %(code)s. It works for "
            "%(minutes)s minutes. Nobody from the bank will ever ask you for it."
        ) % {"reference": reference, "code": code, "minutes": CODE_VALID_MINUTES}
    if channel == "sms":
        transaction.on_commit(lambda: channels.sms_send(address, body))
    else:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        )
    record_event(agreement.plan.case, actor=actor, kind="signing_code_sent", visible=False)
    return agreement.code_channel


def _names_match(typed: str, expected: str) -> bool:
    def norm(name: str) -> str:
        return "".join(name.split()).casefold()

    return bool(norm(typed)) and norm(typed) == norm(expected)


def _bank_signer():
    """The bank's signer, loaded once per process and again only when the files change."""
    check_signing_certificate()
    cert = Path(settings.AGREEMENT_SIGNING_CERT)
    key = Path(settings.AGREEMENT_SIGNING_KEY)
    return _load_signer(str(key), str(cert), key.stat().st_mtime_ns, cert.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _load_signer(key: str, cert: str, key_mtime: int, cert_mtime: int):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class BankSigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner parses its private key again for every signature, twice per
        document (a dry run sizes the signature first): about 0.09 s each for RSA-3072, as
        cryptography checks the key every time. This one parses it once per process; other
        mechanisms than RSA PKCS#1 v1.5 and ECDSA take pyHanko's own path."""

        parsed_key = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                name = mechanism.signature_algo
            except ValueError:
                name = mechanism["algorithm"].native
            if self.parsed_key is None:
                self.parsed_key = serialization.load_der_private_key(
                    self.signing_key.dump(), password=None
                )
            hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
            key = self.parsed_key
            if name == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                return key.sign(data, PKCS1v15(), hash_algorithm)
            if name == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
                return key.sign(data, ECDSA(hash_algorithm))
            return super().sign_raw(data, digest_algorithm)

    loaded = signers.SimpleSigner.load(key, cert)
    if loaded is None:
        raise SigningCertificateError(f"cannot load the signing key {key} or certificate {cert}")
    return BankSigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )


def bank_sign(pdf: bytes) -> bytes:
    """The PDF with the bank's PAdES signature (SHA-256) over the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="BankSignature",
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason="Repayment plan agreement",
        name=settings.BANK_NAME,
    )
    output = signers.sign_pdf(writer, meta, signer=_bank_signer(), timestamper=_timestamper())
    return output.getvalue()


def _timestamper():
    """The time-stamping authority's client, where one is configured (AGREEMENT_TSA_URL)."""
    if not settings.AGREEMENT_TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.AGREEMENT_TSA_URL, timeout=10)


def agreement_sign(
    *,
    agreement: Agreement,
    actor: User,
    name_typed: str,
    code: str,
    ip_address: str | None,
    user_agent: str,
) -> Agreement:
    """The cardholder signs: the typed name must be theirs and the code the one sent; the final
    agreement (with the signature record) is rendered, signed by the bank and stored with its
    SHA-256; the plan becomes active and the case with it. Refused, nothing changes."""
    with transaction.atomic():
        agreement = _signable(agreement.pk, actor)
        plan = agreement.plan
        now = timezone.now()
        if not agreement.code_sha256 or not agreement.code_sent_at:
            raise SigningRefused(_("Ask for a code first: we send it to you to confirm it is you."))
        if (
            agreement.code_attempts >= CODE_MAX_ATTEMPTS
            or (now - agreement.code_sent_at).total_seconds() > CODE_VALID_MINUTES * 60
        ):
            raise SigningRefused(_("This code has expired. Ask for a new one."))
        if not secrets.compare_digest(agreement.code_sha256, _digest(code.strip())):
            Agreement.objects.filter(pk=agreement.pk).update(code_attempts=F("code_attempts") + 1)
            wrong = True
        else:
            wrong = False
        if not wrong and not _names_match(name_typed, plan.account.holder_name):
            raise SigningRefused(
                _("Type your full name exactly as it is on your card account: %(name)s.")
                % {"name": plan.account.holder_name}
            )
    if wrong:
        raise SigningRefused(_("That code is not right. Check the latest code we sent you."))
    with transaction.atomic():
        agreement = _signable(agreement.pk, actor)
        plan = agreement.plan
        signature = {
            "name": name_typed.strip(),
            "signed_at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S %Z"),
            "ip": ip_address or "-",
            "channel": agreement.code_channel,
            "draft_sha256": agreement.draft_sha256,
        }
        try:
            final = bank_sign(render_agreement(plan, signature=signature).pdf)
        except OSError:  # the time-stamping authority did not answer (TimestampRequestError)
            logger.exception("The bank's signature failed for %s", plan.reference)
            raise SigningRefused(
                _("We could not complete the bank's signature just now. Try again in a minute.")
            ) from None
        agreement.signed.save(f"{plan.reference}-signed.pdf", ContentFile(final), save=False)
        agreement.signed_sha256 = hashlib.sha256(final).hexdigest()
        agreement.status = AgreementStatus.SIGNED
        agreement.signed_at = now
        agreement.signer = actor
        agreement.signer_name = name_typed.strip()[:150]
        agreement.signer_ip = ip_address
        agreement.signer_user_agent = user_agent[:300]
        agreement.code_sha256 = ""
        agreement.save()
        plan.activate()
        plan.activated_at = now
        plan.save()
        arrangement_record(plan=plan, kind=ArrangementKind.START)
        case = lock_case(plan.case, version=plan.case.version)
        from_status = run_transition(case, "start_plan")
        bump_version(case, "status")
        record_event(
            case,
            actor=actor,
            kind="agreement_signed",
            from_status=from_status,
            payload={"plan": plan.reference, "sha256": agreement.signed_sha256},
        )
    return agreement


def agreements_expire_due(*, now: datetime | None = None) -> int:
    """Plans not signed by their date expire; each case goes back to review, and the cardholder
    is told. Safe to run twice: an expired plan is not found again."""
    now = now or timezone.now()
    expired = 0
    due = RepaymentPlan.objects.filter(
        status=PlanStatus.AWAITING_SIGNATURE, sign_by__lt=now
    ).values_list("pk", flat=True)
    for plan_id in due:
        with transaction.atomic():
            plan = (
                # Only the plan's row: its agreement is the nullable side of an outer join,
                # which PostgreSQL cannot lock.
                RepaymentPlan.objects.select_for_update(of=("self",))
                .select_related("case", "agreement")
                .get(pk=plan_id)
            )
            if plan.status != PlanStatus.AWAITING_SIGNATURE:
                continue
            plan.expire()
            plan.ended_at = now
            plan.save()
            Agreement.objects.filter(plan=plan).update(status=AgreementStatus.EXPIRED)
            case = lock_case(plan.case, version=plan.case.version)
            if case.status == CaseStatus.AGREED:
                from_status = run_transition(case, "reopen_agreement")
                bump_version(case, "status")
                record_event(
                    case,
                    actor=None,
                    kind="agreement_expired",
                    from_status=from_status,
                    payload={"plan": plan.reference},
                )
                notify_holder(
                    case,
                    gettext_noop(
                        "The agreement for case %(reference)s was not signed in time; "
                        "we are reviewing your case again"
                    ),
                )
            expired += 1
    return expired
