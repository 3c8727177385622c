"""The use cases of staff logins. Keyword-only, one transaction each, audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AuditAction, StaffInvitation, User
from accounts.roles import STAFF_ROLES, Role
from accounts.selectors import active_with_role
from accounts.services import audit_record, role_assign, user_create

STAFF_INVITATION_DAYS = 3

#: Builds the absolute address of the invitation page for a token (the view knows the host).
LinkBuilder = Callable[[str], str]


class StaffChangeRefused(Exception):
    """A staff change that would break a rule; the message says which, for the administrator."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_manager(actor: User) -> None:
    if not actor.has_perm("accounts.manage_users"):
        raise StaffChangeRefused(_("Only an administrator can manage staff logins."))


def _require_staff_role(role: str) -> Role:
    if role not in STAFF_ROLES:
        raise StaffChangeRefused(_("Choose a staff role."))
    return Role(role)


def _active_admins() -> int:
    return active_with_role(Role.ADMIN).count()


@transaction.atomic
def staff_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    preferred_language: str,
    link_for: LinkBuilder,
) -> StaffInvitation:
    """Create a staff login without a password and email the person a link to set one."""
    _require_manager(actor)
    staff_role = _require_staff_role(role)
    email = User.objects.normalize_email(email.strip()).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise StaffChangeRefused(
            _("%(email)s already has a login. Change its role or reactivate it instead.")
            % {"email": email}
        )
    user = user_create(
        email=email,
        password=None,
        role=staff_role,
        full_name=full_name.strip(),
        preferred_language=preferred_language,
        email_verified=False,
        actor=actor,
    )
    return _send_invitation(user=user, actor=actor, link_for=link_for)


@transaction.atomic
def staff_invitation_resend(*, actor: User, user: User, link_for: LinkBuilder) -> StaffInvitation:
    """A new link for someone who has not set a password yet; the old link stops working."""
    _require_manager(actor)
    if user.has_usable_password():
        raise StaffChangeRefused(_("This person has already set their password."))
    if not user.is_active:
        raise StaffChangeRefused(_("Reactivate the login before inviting the person again."))
    return _send_invitation(user=user, actor=actor, link_for=link_for)


def _send_invitation(*, user: User, actor: User, link_for: LinkBuilder) -> StaffInvitation:
    now = timezone.now()
    user.invitations.filter(accepted_at=None, revoked_at=None).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = StaffInvitation.objects.create(
        user=user,
        invited_by=actor,
        token_sha256=_digest(token),
        created_at=now,
        expires_at=now + timedelta(days=STAFF_INVITATION_DAYS),
    )
    audit_record(
        actor=actor,
        subject=user,
        action=AuditAction.STAFF_INVITED,
        changes={"role": user.role or "", "expires_at": invitation.expires_at.isoformat()},
    )
    language = getattr(getattr(user, "profile", None), "preferred_language", "") or "en"
    context = {
        "name": user.display_name,
        "inviter": actor.display_name,
        "link": link_for(token),
        "days": STAFF_INVITATION_DAYS,
    }
    with translation.override(language):
        subject = render_to_string("accounts/staff/email/invitation_subject.txt", context)
        body = render_to_string("accounts/staff/email/invitation_message.txt", context)
    transaction.on_commit(
        lambda: send_mail(
            " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email]
        )
    )
    return invitation


def invitation_for(token: str) -> StaffInvitation | None:
    """The usable invitation a link's token belongs to, or None (unknown, used, expired)."""
    invitation = (
        StaffInvitation.objects.select_related("user__profile")
        .filter(token_sha256=_digest(token))
        .first()
    )
    if invitation is None or not invitation.is_usable or not invitation.user.is_active:
        return None
    return invitation


@transaction.atomic
def staff_invitation_accept(*, invitation: StaffInvitation, password: str) -> User:
    """Set the invited person's password; the link proves their email address. Once only."""
    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise StaffChangeRefused(_("This invitation has already been used or has expired."))
    user = invitation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(actor=user, subject=user, action=AuditAction.STAFF_INVITATION_ACCEPTED, changes={})
    return user


@transaction.atomic
def staff_role_change(*, actor: User, user: User, role: str) -> None:
    """Give a staff member another staff role; never one's own, never the last administrator's."""
    _require_manager(actor)
    staff_role = _require_staff_role(role)
    if user.pk == actor.pk:
        raise StaffChangeRefused(_("You cannot change your own role; ask another administrator."))
    if not user.is_bank_staff:
        raise StaffChangeRefused(_("Only staff logins are managed here."))
    if user.role == staff_role:
        return
    if user.role == Role.ADMIN and user.is_active and _active_admins() <= 1:
        raise StaffChangeRefused(_("The bank must keep at least one active administrator."))
    role_assign(user=user, role=staff_role, actor=actor)


@transaction.atomic
def staff_deactivate(*, actor: User, user: User, reason: str) -> None:
    """Stop a staff login from signing in (at once: open sessions end with it)."""
    _require_manager(actor)
    reason = reason.strip()
    if not reason:
        raise StaffChangeRefused(_("Give the reason for deactivating the login."))
    if user.pk == actor.pk:
        raise StaffChangeRefused(_("You cannot deactivate your own login."))
    if not user.is_bank_staff:
        raise StaffChangeRefused(_("Only staff logins are managed here."))
    if not user.is_active:
        return
    if user.role == Role.ADMIN and _active_admins() <= 1:
        raise StaffChangeRefused(_("The bank must keep at least one active administrator."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.invitations.filter(accepted_at=None, revoked_at=None).update(revoked_at=timezone.now())
    audit_record(
        actor=actor, subject=user, action=AuditAction.STAFF_DEACTIVATED, changes={"reason": reason}
    )


@transaction.atomic
def staff_reactivate(*, actor: User, user: User) -> None:
    _require_manager(actor)
    if not user.is_bank_staff:
        raise StaffChangeRefused(_("Only staff logins are managed here."))
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, subject=user, action=AuditAction.STAFF_REACTIVATED, changes={})
