from __future__ import annotations

import zoneinfo
from datetime import time
from functools import cached_property
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.managers import UserManager
from accounts.roles import ROLE_PERMISSION_CHOICES, ROLE_PRECEDENCE, STAFF_ROLES, Role


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: a cardholder or a member of the bank's staff.

    The email address is the login. Roles are Django groups (see `accounts.roles`); `is_staff`
    keeps Django's meaning (may open the admin site) and is unrelated to the bank-staff roles.
    """

    email = models.EmailField(_("email address"), unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("Whether the user may open the Django admin site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = ROLE_PERMISSION_CHOICES

    def __str__(self) -> str:
        return self.email

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(group.name for group in self.groups.all())

    @property
    def role(self) -> str | None:
        """The role that decides the landing page, or None for a user with no role yet."""
        for role in ROLE_PRECEDENCE:
            if role in self.role_names:
                return role
        return None

    @property
    def role_label(self) -> str:
        """The role's name in the reader's language ("" without a role)."""
        return str(Role(self.role).label) if self.role else ""

    @property
    def is_bank_staff(self) -> bool:
        """Works for the bank (agent, supervisor, admin, editor): must use MFA."""
        return bool(self.role_names & STAFF_ROLES)

    @property
    def display_name(self) -> str:
        profile = getattr(self, "profile", None)
        return profile.full_name if profile and profile.full_name else self.email


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    PHONE = "phone", _("Phone call")
    IN_APP = "in_app", _("Message in this service")
    POST = "post", _("Letter")


def _validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Choose a time zone from the list."), code="time_zone") from None


# Defaults as functions: a time of day given as a value trips Django's "fixed default" check
# (fields.W161) whenever the check runs within ten seconds of that time.
def default_contact_from() -> time:
    return time(9, 0)


def default_contact_until() -> time:
    return time(20, 0)


class Profile(models.Model):
    """How to address and reach a person, and when they may be contacted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone number"), max_length=32, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    preferred_channel = models.CharField(
        _("preferred contact channel"),
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.IN_APP,
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[_validate_time_zone]
    )
    contact_from = models.TimeField(_("contact me from"), default=default_contact_from)
    contact_until = models.TimeField(_("contact me until"), default=default_contact_until)
    # Reminders (instalments due, offers and signatures about to expire) always appear in the
    # online inbox; these say whether they may also go out by email or text message.
    reminders_by_email = models.BooleanField(_("send me reminders by email"), default=True)
    reminders_by_sms = models.BooleanField(_("send me reminders by text message"), default=True)
    # When the phone number last changed: a number changed recently (by whoever holds the
    # session) does not yet receive signing codes, and the owner is told by email.
    phone_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact_from__lt=models.F("contact_until")),
                name="profile_contact_hours_ordered",
                violation_error_message=_(
                    "The start of your contact hours must be before the end."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or str(self.user)


class AuditAction(models.TextChoices):
    USER_CREATED = "user_created", _("Login created")
    SIGNED_UP = "signed_up", _("Signed up")
    ROLE_ASSIGNED = "role_assigned", _("Role changed")
    PROFILE_UPDATED = "profile_updated", _("Profile updated")
    CARD_LINKED = "card_linked", _("Card linked")
    CARD_LINK_FAILED = "card_link_failed", _("Card link refused")
    CARD_LINKING_LOCKED = "card_linking_locked", _("Online card linking locked")
    CARD_LINKING_RELEASED = "card_linking_released", _("Online card linking released")
    CALENDAR_CHANGED = "calendar_changed", _("Bank calendar changed")
    STAFF_INVITED = "staff_invited", _("Staff member invited")
    STAFF_INVITATION_ACCEPTED = "staff_invitation_accepted", _("Staff invitation accepted")
    STAFF_DEACTIVATED = "staff_deactivated", _("Staff login deactivated")
    STAFF_REACTIVATED = "staff_reactivated", _("Staff login reactivated")


class StaffInvitation(models.Model):
    """A single-use link an administrator sends a new staff member to set their password.

    Only the SHA-256 of the token is stored; the link carries the token itself. A new
    invitation for the same person replaces the old one (which stops working), and an
    invitation ends when it is used or after `STAFF_INVITATION_DAYS`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and timezone.now() < self.expires_at
        )


class AuditEvent(models.Model):
    """An append-only record of a change made outside a case (profiles, roles, enrolment).

    Case changes have their own timeline (`cases.CaseEvent`); this is the same idea for the
    person. Rows are never updated or deleted by the application.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Empty for an event about a card nobody has linked yet (its reference is in `changes`).
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    action = models.CharField(max_length=64, choices=AuditAction.choices)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.subject_id}"


class Notification(models.Model):
    """A message in a person's inbox, rendered in the language of whoever reads it.

    `title` and `body` are English source strings (marked with gettext_noop where they are
    written) with %(name)s placeholders filled from `params` when displayed, so a notification
    queued in English reads in Chinese for a reader who chose Chinese.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=500, blank=True)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=200, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.title}"

    def _render(self, text: str) -> str:
        from django.utils.translation import gettext

        from accounts.formatting import localise_params

        translated = gettext(text)
        params = localise_params(self.params) if self.params else {}
        try:
            return translated % params if params else translated
        except (KeyError, TypeError, ValueError):
            # A translation with a broken placeholder must not hide the notice.
            return text % self.params if self.params else text

    @property
    def rendered_title(self) -> str:
        return self._render(self.title)

    @property
    def rendered_body(self) -> str:
        return self._render(self.body) if self.body else ""


__all__ = ["AuditAction", "AuditEvent", "ContactChannel", "Notification", "Profile", "Role", "User"]
