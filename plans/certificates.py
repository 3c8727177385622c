"""The bank's agreement-signing certificate: a development pair for a fresh machine, and the
check that the configured one can sign (present, readable, not expired)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings


class SigningCertificateError(Exception):
    """The agreement-signing certificate or key is missing, unreadable or expired."""


def make_development_pair(cert_path: Path, key_path: Path, *, days: int = 825) -> None:
    """A self-signed RSA-3072 certificate for signing documents, and its key (mode 0600)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.BANK_NAME),
            x509.NameAttribute(
                NameOID.COMMON_NAME, f"{settings.BANK_NAME} agreements (development)"
            ),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def check_signing_certificate() -> x509.Certificate:
    """The configured certificate, or a clear error saying what is wrong and how to fix it."""
    cert_path = Path(settings.AGREEMENT_SIGNING_CERT)
    key_path = Path(settings.AGREEMENT_SIGNING_KEY)
    for path, what in ((cert_path, "certificate"), (key_path, "key")):
        if not path.is_file():
            raise SigningCertificateError(
                f"The agreement-signing {what} {path} does not exist. Run `manage.py "
                "make_signing_cert` on a development machine, or set AGREEMENT_SIGNING_CERT and "
                "AGREEMENT_SIGNING_KEY to the bank's own."
            )
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except ValueError as error:
        raise SigningCertificateError(f"{cert_path} is not a PEM certificate: {error}") from None
    now = dt.datetime.now(dt.UTC)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise SigningCertificateError(
            f"The agreement-signing certificate {cert_path} is not valid now (valid "
            f"{cert.not_valid_before_utc:%Y-%m-%d} to {cert.not_valid_after_utc:%Y-%m-%d})."
        )
    return cert
