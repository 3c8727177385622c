from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import get_language

from accounts import services
from accounts.models import User

#: Session key: the language a person picked with the switcher before signing in.
LANGUAGE_CHOSEN_KEY = "language_chosen"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            language = get_language() or settings.LANGUAGE_CODE
            services.cardholder_signed_up(user=user, preferred_language=language)
        return user

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        # Speak to people in the language they chose (kept on their profile), on every device
        # and from the first message after signing in. A language picked with the switcher
        # just before signing in is a choice too: it is kept on the profile. What the browser
        # asks for is not a choice and never overrides the profile.
        profile = getattr(user, "profile", None)
        chosen = request.session.pop(LANGUAGE_CHOSEN_KEY, "")
        wanted = chosen in dict(settings.LANGUAGES)
        if profile is not None and wanted and profile.preferred_language != chosen:
            services.profile_update(profile=profile, actor=user, preferred_language=chosen)
        language = profile.preferred_language if profile is not None else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = super().post_login(request, user, **kwargs)
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
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
