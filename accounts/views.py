from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.access import AuthenticatedRequest, any_user, permission_required
from accounts.adapters import LANGUAGE_CHOSEN_KEY
from accounts.forms import ProfileForm
from accounts.roles import Perm, Role

_DASHBOARD_FOR_ROLE: dict[str, str] = {
    Role.CARDHOLDER: "cases:portal",
    Role.AGENT: "accounts:agent_dashboard",
    Role.SUPERVISOR: "accounts:supervisor_dashboard",
    Role.ADMIN: "accounts:admin_dashboard",
    Role.EDITOR: "accounts:editor_dashboard",
}


def home(request: HttpRequest) -> HttpResponse:
    """Public: what the service is for, and the way in."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "accounts/home.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    """Public: the accessibility statement, linked from every page's footer."""
    return render(request, "accounts/accessibility.html")


@any_user
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """Send each person to their own role's dashboard."""
    role = request.user.role
    if role is None:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(_DASHBOARD_FOR_ROLE[role])


def _staff_context(request: AuthenticatedRequest) -> dict[str, object]:
    return {
        "mfa_enabled": is_mfa_enabled(request.user, ["totp"]),
        **selectors.notifications_for(user=request.user),
    }


@permission_required(Perm.WORK_CASES)
def agent_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "accounts/dashboard_agent.html", _staff_context(request))


@permission_required(Perm.APPROVE_OFFERS)
def supervisor_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "accounts/dashboard_supervisor.html", _staff_context(request))


@permission_required(Perm.MANAGE_POLICY)
def admin_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "accounts/dashboard_admin.html", _staff_context(request))


@permission_required(Perm.EDIT_ARTICLES)
def editor_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "accounts/dashboard_editor.html", _staff_context(request))


@require_POST
def set_language(request: HttpRequest) -> HttpResponseBase:
    """Django's language switch, which also keeps a signed-in person's choice on their profile,
    so that it follows them to every device and every sign-in. Public: anyone may switch."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    user = getattr(request, "user", None)
    if language not in dict(settings.LANGUAGES):
        return response
    if user is not None and user.is_authenticated:
        profile = selectors.profile_for(user=user)
        if profile.preferred_language != language:
            services.profile_update(profile=profile, actor=user, preferred_language=language)
    else:
        # Kept with the visit: signing in next keeps this choice on the profile.
        request.session[LANGUAGE_CHOSEN_KEY] = language
    return response


@any_user
@require_POST
def session_extend(request: AuthenticatedRequest) -> JsonResponse:
    """ "Stay signed in": any request renews the session (SESSION_SAVE_EVERY_REQUEST); this
    one does only that, and says how long the session now has."""
    return JsonResponse({"seconds": request.session.get_expiry_age()})


@any_user
@require_POST
def notifications_read(request: AuthenticatedRequest) -> HttpResponse:
    services.notifications_mark_read(user=request.user)
    return redirect("dashboard")


@any_user
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedRequest) -> HttpResponse:
    profile = selectors.profile_for(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        # The form validated a copy; the service applies and audits the change.
        profile.refresh_from_db()
        services.profile_update(profile=profile, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            profile.preferred_language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite="Lax",
        )
        return response
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "events": selectors.audit_events_for(user=request.user)},
    )
