from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from accounts import services
from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            language = get_language() or settings.LANGUAGE_CODE
            services.cardholder_signed_up(user=user, preferred_language=language)
        return user

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        # Speak to people in the language they chose in their profile, on every device.
        # A choice made on this device (the language switcher) wins over the profile.
        profile = getattr(user, "profile", None)
        chosen_here = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        if profile is not None and profile.preferred_language and not chosen_here:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                profile.preferred_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Staff must keep their authenticator app: removing it would reopen every staff page
        # to a stolen password.
        user: User = authenticator.user
        if authenticator.type == Authenticator.Type.TOTP and user.is_bank_staff:
            return False
        return super().can_delete_authenticator(authenticator)
