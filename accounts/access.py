"""How views declare who may open them.

Every view in the project is wrapped by one of these (or is on the short public allow-list in
`tests/test_url_guard.py`). An anonymous visitor is sent to log in; a logged-in user without the
permission gets the 403 page in their language.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django_htmx.middleware import HtmxDetails

from accounts.models import User

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


class AuthenticatedRequest(HttpRequest):
    """The request a guarded view receives: its user is logged in."""

    user: User
    htmx: HtmxDetails


def permission_required(*perms: str) -> Callable[[ViewFunc], ViewFunc]:
    """Log in first; then refuse (403) a user who holds none of `perms`."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not any(request.user.has_perm(perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_permissions = perms  # type: ignore[attr-defined]
        return login_required(wrapper)  # type: ignore[return-value]

    return decorator


def any_user(view: ViewFunc) -> ViewFunc:
    """Any logged-in user, whatever their role (their own profile, notifications)."""
    return login_required(view)


class PermissionRequiredMixin(LoginRequiredMixin):
    """Class-based twin of `permission_required`."""

    required_permission: str = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.required_permission or not request.user.has_perm(self.required_permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: behind the load balancer, the one it added to X-Forwarded-For
    (the last entry; earlier ones come from the client and can be forged)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")
