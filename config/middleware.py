"""Project-wide request and response rules that no single view should have to remember."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template import loader
from django.utils.cache import add_never_cache_headers

Handler = Callable[[HttpRequest], HttpResponseBase]


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than the largest upload we accept.

    The check reads only the Content-Length header, so an oversized body is refused before a
    byte of it is read (Django would otherwise stream it to a temporary file first).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_REQUEST_BYTES:
            body = loader.render_to_string(
                "413.html",
                {"limit_mb": settings.MAX_UPLOAD_BYTES // 1_048_576},
                request=None,
            )
            response = HttpResponse(body, status=413)
            # The client may still be sending; tell it this connection is done.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Every page a signed-in person sees carries financial or personal data: no browser,
    proxy or back-button cache may keep a copy."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class ForbiddenWithoutTraceback(logging.Filter):
    """A refused request (403) is logged as one line, not with the traceback of the
    PermissionDenied that refused it: refusals are routine, and a traceback per refusal buries
    real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
