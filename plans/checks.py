"""A deployment without a usable agreement-signing certificate cannot sign agreements: say so
at `check --deploy`, before the first cardholder finds out."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register

from plans.certificates import SigningCertificateError, check_signing_certificate


@register(Tags.security, deploy=True)
def signing_certificate_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        check_signing_certificate()
    except SigningCertificateError as error:
        return [Error(str(error), id="plans.E001")]
    return []
