from __future__ import annotations

import time
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

# What a staff member without MFA may still open: the MFA set-up itself, reauthentication it
# may ask for, logging out, switching language, and the health probe.
_ALLOWED_WITHOUT_MFA = {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_generate_recovery_codes",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "account_reauthenticate",
    "account_logout",
    "set_language",
    "healthz",
}


class StaffMFARequiredMiddleware:
    """Send a bank-staff user who has not set up TOTP to do so before any other page opens."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if (
            user.is_authenticated
            and user.is_bank_staff
            and not self._allowed(request)
            and not is_mfa_enabled(user, ["totp"])
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _allowed(request: HttpRequest) -> bool:
        if request.path_info.startswith(("/static/", "/favicon")):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True
        return match.url_name in _ALLOWED_WITHOUT_MFA


RENEWED_AT = "_renewed_at"


def session_seconds_left(request: HttpRequest) -> int:
    """How long the signed-in session has before it ends for lack of activity."""
    renewed = request.session.get(RENEWED_AT, time.time())
    return max(int(settings.SESSION_COOKIE_AGE - (time.time() - renewed)), 0)


class SessionRenewalMiddleware:
    """A signed-in session ends after SESSION_COOKIE_AGE without activity. Each request renews
    it, but the session is written at most once every SESSION_RENEWAL_SECONDS, not on every
    request (a database write per page view would be the price of the idle timeout)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if session is not None and user is not None and user.is_authenticated:
            renewed = session.get(RENEWED_AT, 0)
            if time.time() - renewed >= settings.SESSION_RENEWAL_SECONDS:
                # Marks the session modified: SessionMiddleware saves it and resets the cookie.
                session[RENEWED_AT] = time.time()
        return response
