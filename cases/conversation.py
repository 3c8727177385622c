"""Messages between the cardholder and the team on a case, for both audiences."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import services as account_services
from accounts.models import User
from accounts.roles import Perm
from cases.core import CaseActionRefused, is_holder, lock_case, record_event
from cases.documents import document_upload
from cases.models import (
    MESSAGE_STATUSES,
    CaseStatus,
    HardshipCase,
    Message,
)


@transaction.atomic
def message_post(
    *, case: HardshipCase, author: User, body: str, attachment: Any | None = None
) -> Message:
    """A message on the case from its cardholder or from staff, optionally with one document.

    Only on a submitted case that has not ended: a draft is the cardholder's alone, and nobody
    would answer on a withdrawn, closed or finished case.
    """
    case = lock_case(case, version=None)
    from_staff = not is_holder(case, author)
    if from_staff and not author.has_perm(Perm.WORK_CASES):
        raise CaseActionRefused(_("You cannot write on this case."))
    if case.status == CaseStatus.DRAFT:
        raise CaseActionRefused(_("Submit the application first; then we can write to each other."))
    if case.status not in MESSAGE_STATUSES:
        raise CaseActionRefused(_("This case has ended, so no more messages can be sent on it."))
    body = body.strip()
    if not body:
        raise CaseActionRefused(_("Write a message before sending."))
    document = None
    if attachment is not None:
        document = document_upload(
            case=case, actor=author, uploaded_file=attachment, evidence_kind=""
        )
    message = Message.objects.create(
        case=case, author=author, body=body, attachment=document, from_staff=from_staff
    )
    record_event(case, actor=author, kind="message", payload={"from_staff": from_staff})
    holder = case.account.holder
    if from_staff and holder is not None:
        account_services.notify(
            user=holder,
            title=gettext_noop("New message about your case %(reference)s"),
            params={"reference": case.reference},
            link=case.get_absolute_url(),
        )
    return message
