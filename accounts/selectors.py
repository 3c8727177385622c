"""Reads about people, scoped to who is asking."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Profile, User


def profile_for(*, user: User) -> Profile:
    """The user's own profile, created on first use for users made outside our services."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def audit_events_for(*, user: User) -> QuerySet:
    return user.audit_events.select_related("actor")[:50]


def notifications_for(*, user: User, limit: int = 5) -> dict[str, object]:
    """The newest notices in the user's inbox and how many are unread, for a dashboard."""
    notifications = list(user.notifications.all()[:limit])
    return {
        "notifications": notifications,
        "unread": user.notifications.filter(read_at__isnull=True).count(),
    }


def active_with_role(role: str) -> QuerySet[User]:
    """The active logins holding `role`, with their profiles."""
    return (
        User.objects.filter(is_active=True, groups__name=role).distinct().select_related("profile")
    )
