from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.middleware import session_seconds_left
from accounts.roles import Perm

# (any of these permissions, url name, label): the navigation a role sees is exactly what it
# may open.
_NAVIGATION: tuple[tuple[tuple[str, ...], str, Any], ...] = (
    ((), "dashboard", _("Dashboard")),
    ((Perm.WORK_CASES,), "cases:queue", _("Case queue")),
    ((Perm.APPROVE_OFFERS,), "cases:approvals", _("Approvals")),
    ((Perm.USE_PORTAL, Perm.WORK_CASES), "plans:calculator", _("Plan calculator")),
    ((Perm.VIEW_KPIS,), "insights:dashboard", _("Outcomes")),
    ((Perm.MANAGE_POLICY,), "policy:edit", _("Policy")),
    ((Perm.EDIT_ARTICLES,), "education:editor_list", _("Articles")),
    ((Perm.USE_PORTAL,), "education:index", _("Money guides")),
    ((), "accounts:profile", _("My profile")),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        {"url": reverse(name), "label": label, "active": request.path == reverse(name)}
        for perms, name, label in _NAVIGATION
        if not perms or any(user.has_perm(perm) for perm in perms)
    ]
    return {
        "nav_items": items,
        "Perm": Perm,
        # The page warns before the session ends (static/js/session.js).
        "session_seconds": session_seconds_left(request),
    }
