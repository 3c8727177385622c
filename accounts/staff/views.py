"""The administrators' staff-logins page, and the page an invited person sets a password on."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import AuthenticatedRequest, permission_required
from accounts.models import StaffInvitation, User
from accounts.roles import STAFF_ROLES, Perm
from accounts.staff import services
from accounts.staff.forms import DeactivateForm, InviteForm, RoleForm


def _staff() -> list[User]:
    return list(
        User.objects.filter(groups__name__in=STAFF_ROLES)
        .distinct()
        .select_related("profile")
        .prefetch_related(
            "groups",
            Prefetch(
                "invitations",
                queryset=StaffInvitation.objects.filter(accepted_at=None, revoked_at=None),
                to_attr="open_invitations",
            ),
            Prefetch(
                "authenticator_set",
                queryset=Authenticator.objects.filter(type=Authenticator.Type.TOTP),
                to_attr="totp",
            ),
        )
        .order_by("-is_active", "profile__full_name", "email")
    )


def _link_builder(request: HttpRequest) -> services.LinkBuilder:
    return lambda token: request.build_absolute_uri(
        reverse("accounts:staff_invitation", args=[token])
    )


def _page(request: AuthenticatedRequest, invite_form: InviteForm | None = None) -> HttpResponse:
    return render(
        request,
        "accounts/staff/list.html",
        {
            "staff": _staff(),
            "invite_form": invite_form or InviteForm(),
            "role_form": RoleForm(),
            "deactivate_form": DeactivateForm(),
        },
        status=200,
    )


@permission_required(Perm.MANAGE_USERS)
@require_http_methods(["GET"])
def staff_list(request: AuthenticatedRequest) -> HttpResponse:
    return _page(request)


@permission_required(Perm.MANAGE_USERS)
@require_POST
def staff_invite(request: AuthenticatedRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _page(request, invite_form=form)
    try:
        invitation = services.staff_invite(
            actor=request.user, link_for=_link_builder(request), **form.cleaned_data
        )
    except services.StaffChangeRefused as refusal:
        form.add_error(None, str(refusal))
        return _page(request, invite_form=form)
    messages.success(
        request,
        _("Invitation sent to %(email)s. The link works once, for three days.")
        % {"email": invitation.user.email},
    )
    return redirect("accounts:staff")


def _member(user_id: int) -> User:
    staff = User.objects.filter(groups__name__in=STAFF_ROLES).distinct()
    return get_object_or_404(staff, pk=user_id)


@permission_required(Perm.MANAGE_USERS)
@require_POST
def staff_resend(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    member = _member(user_id)
    try:
        services.staff_invitation_resend(
            actor=request.user, user=member, link_for=_link_builder(request)
        )
    except services.StaffChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("A new invitation was sent to %(email)s; the earlier link no longer works.")
            % {"email": member.email},
        )
    return redirect("accounts:staff")


@permission_required(Perm.MANAGE_USERS)
@require_POST
def staff_role(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    member = _member(user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a staff role."))
        return redirect("accounts:staff")
    try:
        services.staff_role_change(actor=request.user, user=member, role=form.cleaned_data["role"])
    except services.StaffChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(name)s's role was changed.") % {"name": member.display_name})
    return redirect("accounts:staff")


@permission_required(Perm.MANAGE_USERS)
@require_POST
def staff_deactivate(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    member = _member(user_id)
    form = DeactivateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for deactivating the login."))
        return redirect("accounts:staff")
    try:
        services.staff_deactivate(
            actor=request.user, user=member, reason=form.cleaned_data["reason"]
        )
    except services.StaffChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("%(name)s can no longer sign in. Reassign their open cases from the queue.")
            % {"name": member.display_name},
        )
    return redirect("accounts:staff")


@permission_required(Perm.MANAGE_USERS)
@require_POST
def staff_reactivate(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    member = _member(user_id)
    try:
        services.staff_reactivate(actor=request.user, user=member)
    except services.StaffChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(name)s can sign in again.") % {"name": member.display_name})
    return redirect("accounts:staff")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the invited person sets their password (the link is their proof of identity)."""
    if request.user.is_authenticated:
        return render(request, "accounts/staff/invitation_signed_in.html", status=409)
    invitation = services.invitation_for(token)
    if invitation is None:
        return render(request, "accounts/staff/invitation_unusable.html", status=404)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_invitation_accept(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
        except services.StaffChangeRefused:
            return render(request, "accounts/staff/invitation_unusable.html", status=404)
        messages.success(
            request,
            _(
                "Your password is set. Sign in now; you will then set up your authenticator app, "
                "which staff need every time they sign in."
            ),
        )
        return redirect("account_login")
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")
    return render(
        request,
        "accounts/staff/invitation_accept.html",
        {"form": form, "invitation": invitation},
        status=400 if form.errors else 200,
    )
