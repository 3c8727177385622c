"""Linking a login to card accounts, with limits per login, per client address and per card;
staff release of a locked card; notices for the bank's own channel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import services as account_services
from accounts.models import AuditAction, User
from accounts.roles import Perm
from cases.core import CaseActionRefused
from cases.models import (
    CardAccount,
    EnrolmentAttempt,
    HolderNotice,
    HolderNoticeKind,
)


class EnrolmentRefused(Exception):
    pass


def _failures_today(user: User) -> int:
    since = timezone.now() - timedelta(days=1)
    return user.enrolment_attempts.filter(attempted_at__gte=since, succeeded=False).count()


def _failures_today_from(ip_address: str | None) -> int:
    if not ip_address:
        return 0
    since = timezone.now() - timedelta(days=1)
    return EnrolmentAttempt.objects.filter(
        ip_address=ip_address, attempted_at__gte=since, succeeded=False
    ).count()


@dataclass(frozen=True)
class _Outcome:
    account: CardAccount | None = None
    refusal: str = ""


def _call_us() -> str:
    return _(
        "We cannot link this card online. For your security, please call us on the number on "
        "the back of your card, or visit a branch with your ID."
    )


def enrolment_link(
    *,
    user: User,
    card_last4: str,
    birth_date: date,
    id_last4: str,
    ip_address: str | None = None,
) -> CardAccount:
    """Link the card whose holder details all match to `user`'s login.

    Failed attempts are limited three ways, so that signing up again resets nothing: per login
    and per client address (a day each), and per card, across every login: an attempt that
    gets the card's last four digits and one of the two identity details right counts against
    that card, and at ENROLMENT_MAX_FAILURES_PER_CARD the card can no longer be linked online
    until staff release it. Its holder is then told through the bank's own channel.

    A card linked to another login is never re-linked here: that takes staff. Every attempt is
    recorded, the refused ones too (the refusal is raised only after the record is committed).
    The "no match" refusal never says which detail was wrong, nor whether the card exists.
    """
    limit = settings.ENROLMENT_MAX_FAILURES_PER_DAY
    with transaction.atomic():
        # Lock the user's row so that parallel attempts cannot slip past the limit together.
        User.objects.select_for_update().get(pk=user.pk)
        failures = _failures_today(user)
        if failures >= limit or _failures_today_from(ip_address) >= (
            settings.ENROLMENT_MAX_FAILURES_PER_ADDRESS
        ):
            outcome = _Outcome(
                refusal=_(
                    "Too many unsuccessful attempts. For your security, try again tomorrow "
                    "or call us."
                )
            )
        else:
            outcome = _enrolment_match(user, card_last4, birth_date, id_last4, ip_address)
    if outcome.account is not None:
        return outcome.account
    if outcome.refusal:
        raise EnrolmentRefused(outcome.refusal)
    raise EnrolmentRefused(
        _(
            "We could not match those details to a card. Check them and try again "
            "(%(remaining)s attempts left today)."
        )
        % {"remaining": max(limit - failures - 1, 0)}
    )


def _enrolment_match(
    user: User, card_last4: str, birth_date: date, id_last4: str, ip_address: str | None
) -> _Outcome:
    # Every card the attempt comes close to, locked in a fixed order: parallel attempts from
    # many logins count one after the other against the same card.
    near = list(
        CardAccount.objects.select_for_update()
        .filter(card_last4=card_last4)
        .filter(Q(holder_birth_date=birth_date) | Q(holder_id_last4__iexact=id_last4))
        .order_by("pk")
    )
    match = next(
        (
            account
            for account in near
            if account.holder_birth_date == birth_date
            and account.holder_id_last4.upper() == id_last4.upper()
        ),
        None,
    )
    linkable = (
        match is not None and match.linking_locked_at is None and match.holder_id in (None, user.pk)
    )
    attempt = EnrolmentAttempt.objects.create(
        user=user,
        succeeded=linkable,
        card_last4=card_last4,
        accounts_linked=1 if linkable else 0,
        ip_address=ip_address,
    )
    attempt.accounts.set(near)
    if linkable and match is not None:
        _link(match, user, card_last4)
        return _Outcome(account=match)
    account_services.audit_record(
        actor=user,
        subject=user,
        action=AuditAction.CARD_LINK_FAILED,
        changes={"card_last4": card_last4},
    )
    for account in near:
        _count_failure(account, user)
    if match is not None:
        # The details are right but the card is locked or linked to someone else: only staff
        # can help, and the message is the same either way.
        return _Outcome(refusal=_call_us())
    return _Outcome()


def _link(account: CardAccount, user: User, card_last4: str) -> None:
    first_link = account.holder_id is None
    account.holder = user
    account.linking_failures = 0
    account.save(update_fields=["holder", "linking_failures", "updated_at"])
    if first_link:
        account_services.audit_record(
            actor=user,
            subject=user,
            action=AuditAction.CARD_LINKED,
            changes={"account": account.bank_reference, "card_last4": card_last4},
        )


def _count_failure(account: CardAccount, user: User) -> None:
    account.linking_failures += 1
    fields = ["linking_failures", "updated_at"]
    lock_now = (
        account.linking_locked_at is None
        and account.linking_failures >= settings.ENROLMENT_MAX_FAILURES_PER_CARD
    )
    if lock_now:
        account.linking_locked_at = timezone.now()
        fields.append("linking_locked_at")
    account.save(update_fields=fields)
    if not lock_now:
        return
    account_services.audit_record(
        actor=user,
        subject=account.holder,
        action=AuditAction.CARD_LINKING_LOCKED,
        changes={"account": account.bank_reference, "failures": account.linking_failures},
    )
    HolderNotice.objects.create(account=account, kind=HolderNoticeKind.LINKING_LOCKED)
    if account.holder is not None:
        account_services.notify(
            user=account.holder,
            title=gettext_noop("Someone tried to link your card ending %(last4)s"),
            body=gettext_noop(
                "After several wrong attempts we stopped online linking of this card. "
                "If it was not you, your card is safe; call us if you are worried."
            ),
            params={"last4": account.card_last4},
        )


HOLDER_NOTICE_COLUMNS = ("notice_id", "account_reference", "kind", "created_at")


@transaction.atomic
def holder_notices_export(*, write: Callable[[Sequence[Any]], object]) -> int:
    """Hand each notice not yet exported to `write` (one row each) and mark it exported.

    The rows are locked while they are written, so two exports running at once cannot send a
    notice twice; if writing fails, nothing is marked.
    """
    notices = list(
        HolderNotice.objects.select_for_update()
        .filter(exported_at__isnull=True)
        .select_related("account")
        .order_by("pk")
    )
    for notice in notices:
        write(
            (
                notice.pk,
                notice.account.bank_reference,
                notice.kind,
                notice.created_at.isoformat(),
            )
        )
    HolderNotice.objects.filter(pk__in=[n.pk for n in notices]).update(exported_at=timezone.now())
    return len(notices)


@transaction.atomic
def card_linking_release(*, account: CardAccount, actor: User, note: str) -> CardAccount:
    """Staff re-open online linking of a card after checking, outside this service, that the
    person asking is its holder (how is said in `note`, kept in the audit trail)."""
    if not actor.has_perm(Perm.WORK_CASES):
        raise CaseActionRefused(_("Only the collections team can release a card."))
    account = CardAccount.objects.select_for_update().get(pk=account.pk)
    if account.linking_locked_at is None:
        raise CaseActionRefused(_("Online linking of this card is not locked."))
    note = note.strip()
    if not note:
        raise CaseActionRefused(_("Say how you checked that the caller is the cardholder."))
    failures = account.linking_failures
    account.linking_locked_at, account.linking_failures = None, 0
    account.save(update_fields=["linking_locked_at", "linking_failures", "updated_at"])
    account_services.audit_record(
        actor=actor,
        subject=account.holder,
        action=AuditAction.CARD_LINKING_RELEASED,
        changes={"account": account.bank_reference, "failures": failures, "note": note},
    )
    return account
