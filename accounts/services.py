"""Use cases that change people: creating users, their roles and profiles.

Each service is keyword-only, runs in one transaction and leaves an `AuditEvent`.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent, Notification, Profile, User
from accounts.roles import Role


def audit_record(
    *,
    actor: User | None,
    subject: User | None,
    action: AuditAction,
    changes: dict[str, Any],
) -> AuditEvent:
    return AuditEvent.objects.create(actor=actor, subject=subject, action=action, changes=changes)


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    role: Role,
    full_name: str = "",
    preferred_language: str = "en",
    email_verified: bool = False,
    actor: User | None = None,
) -> User:
    """Create a user with one role and an empty profile.

    Staff accounts are created by an administrator (or the demo seeder); cardholders usually
    sign up themselves, which goes through `cardholder_signed_up` instead.
    """
    # Administrators read the admin site; nobody else needs it.
    user = User.objects.create_user(email=email, password=password, is_staff=role == Role.ADMIN)
    user.groups.add(Group.objects.get(name=role))
    Profile.objects.create(user=user, full_name=full_name, preferred_language=preferred_language)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    audit_record(
        actor=actor,
        subject=user,
        action=AuditAction.USER_CREATED,
        changes={"role": str(role), "email_verified": email_verified},
    )
    return user


@transaction.atomic
def cardholder_signed_up(*, user: User, preferred_language: str) -> None:
    """Give a self-registered user the cardholder role and a profile in their language."""
    user.groups.add(Group.objects.get(name=Role.CARDHOLDER))
    Profile.objects.get_or_create(user=user, defaults={"preferred_language": preferred_language})
    audit_record(
        actor=user, subject=user, action=AuditAction.SIGNED_UP, changes={"role": Role.CARDHOLDER}
    )


@transaction.atomic
def role_assign(*, user: User, role: Role, actor: User) -> None:
    """Replace the user's roles with `role`."""
    before = sorted(user.groups.values_list("name", flat=True))
    user.groups.set([Group.objects.get(name=role)])
    user.is_staff = role == Role.ADMIN
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("role_names", None)
    audit_record(
        actor=actor,
        subject=user,
        action=AuditAction.ROLE_ASSIGNED,
        changes={"roles": {"old": before, "new": [str(role)]}},
    )


PROFILE_FIELDS = (
    "full_name",
    "phone",
    "preferred_language",
    "preferred_channel",
    "time_zone",
    "contact_from",
    "contact_until",
    "reminders_by_email",
    "reminders_by_sms",
)


@transaction.atomic
def profile_update(*, profile: Profile, actor: User, **values: Any) -> Profile:
    """Change profile fields; records old and new values of what actually changed."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not profile fields: {', '.join(sorted(unknown))}")
    changes: dict[str, dict[str, str]] = {}
    for field, new in values.items():
        old = getattr(profile, field)
        if old != new:
            changes[field] = {"old": str(old), "new": str(new)}
            setattr(profile, field, new)
    if changes:
        if "phone" in changes:
            profile.phone_changed_at = timezone.now()
        profile.full_clean()
        profile.save()
        audit_record(
            actor=actor, subject=profile.user, action=AuditAction.PROFILE_UPDATED, changes=changes
        )
        if "phone" in changes and profile.user.email:
            _tell_phone_changed(profile)
    return profile


def _tell_phone_changed(profile: Profile) -> None:
    """The owner hears of a new phone number at their verified email address, in case it was
    not them (a number someone else set must not receive their codes unnoticed)."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import translation
    from django.utils.translation import gettext

    user = profile.user
    with translation.override(profile.preferred_language):
        subject = gettext("Your phone number was changed")
        body = gettext(
            "The phone number on your account was changed. If this was you, there is nothing "
            "to do. If it was not, sign in, change your password and tell us at once. For a "
            "day, codes to sign agreements still go to this email address."
        )
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    )


def notify(
    *, user: User, title: str, body: str = "", params: dict[str, Any] | None = None, link: str = ""
) -> Notification:
    """Put a notice in the user's inbox. `title`/`body` are untranslated English source text
    (mark them with gettext_noop); they are translated for the reader when displayed."""
    return Notification.objects.create(
        user=user, title=title, body=body, params=params or {}, link=link
    )


def notifications_mark_read(*, user: User) -> int:
    from django.utils import timezone

    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
