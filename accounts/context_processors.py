from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Perm

# (permission, url name, label): the navigation a role sees is exactly what it may open.
_NAVIGATION: tuple[tuple[str | None, str, Any], ...] = (
    (None, "dashboard", _("Dashboard")),
    (Perm.WORK_CASES, "cases:queue", _("Case queue")),
    (Perm.APPROVE_OFFERS, "cases:approvals", _("Approvals")),
    (None, "accounts:profile", _("My profile")),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
        for perm, name, label in _NAVIGATION
        if perm is None or user.has_perm(perm)
    ]
    return {"nav_items": items, "Perm": Perm}
