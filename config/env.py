"""Typed, checked reads of the process environment.

Every setting that comes from the environment is read through these helpers, so that a bad value
stops the process at start with one clear line naming the variable, instead of surfacing later
as a confusing error deep inside a request.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingError(ImproperlyConfigured):
    """A variable is set to a value the application cannot use."""


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    source = os.environ if environ is None else environ
    value = source.get(name)
    return value.strip() if value is not None else None


def env_str(
    name: str,
    default: str | None = None,
    *,
    required_because: str = "",
    environ: Mapping[str, str] | None = None,
) -> str:
    value = _raw(name, environ)
    if value is None or value == "":
        if default is None:
            raise SettingError(f"{name} must be set{required_because}.")
        return default
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingError(f"{name}={value!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_int(
    name: str, default: int, *, minimum: int | None = None, environ: Mapping[str, str] | None = None
) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingError(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise SettingError(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    value = _raw(name, environ)
    if value is None or value == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_time_zone(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = env_str(name, default, environ=environ)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SettingError(
            f"{name}={value!r} is not a known time zone (for example Asia/Shanghai)."
        ) from None
    return value


def env_url(
    name: str,
    *,
    schemes: tuple[str, ...],
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """An optional URL whose scheme must be one of `schemes`."""
    value = _raw(name, environ)
    if value is None or value == "":
        return None
    scheme, sep, _rest = value.partition("://")
    if not sep or scheme not in schemes:
        allowed = ", ".join(f"{s}://" for s in schemes)
        raise SettingError(f"{name} must be a URL starting with one of: {allowed}.")
    return value


def check_secret_key(value: str, *, development_key: str) -> None:
    """Refuse a secret key that a production process must not run with.

    The same bar as Django's own `security.W009` check, which only warns: 50 or more
    characters, at least 5 different ones, not Django's generated "django-insecure-" key and
    not the development default.
    """
    if value == development_key or value.startswith("django-insecure-"):
        raise SettingError(
            "DJANGO_SECRET_KEY must be set to a secret value when DJANGO_DEBUG=0, "
            "not a development key."
        )
    if len(value) < 50 or len(set(value)) < 5:
        raise SettingError(
            "DJANGO_SECRET_KEY is too weak for DJANGO_DEBUG=0: use 50 or more random characters "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(60))')."
        )
