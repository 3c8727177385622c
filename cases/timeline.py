"""What each timeline event says, in the reader's language and to the reader.

The cardholder's page speaks to them ("Message from you"); the staff page speaks about them
("Message from the cardholder"). Unknown kinds are shown as they are stored, so that an event
written by newer code is never hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.formatting import money_in_text
from cases.models import CaseEvent, Channel, FlagKind, Verdict

# kind → (to the cardholder, to staff); a text may name payload fields as %(name)s.
_TEXTS: dict[str, tuple[Any, Any]] = {
    "submitted": (gettext_lazy("Application submitted"), gettext_lazy("Application submitted")),
    "withdrawn": (
        gettext_lazy("You withdrew the case"),
        gettext_lazy("Withdrawn by the cardholder"),
    ),
    "draft_expired": (gettext_lazy("Draft expired"), gettext_lazy("Draft expired")),
    "document_added": (
        gettext_lazy("Document added: %(name)s"),
        gettext_lazy("Document added: %(name)s"),
    ),
    "document_removed": (
        gettext_lazy("Document removed: %(name)s"),
        gettext_lazy("Document removed: %(name)s"),
    ),
    "claimed": (gettext_lazy("Claimed by an agent"), gettext_lazy("Claimed by an agent")),
    "statement_recorded": (
        gettext_lazy("We took down your income and spending"),
        gettext_lazy("Income and spending taken down by staff"),
    ),
    "assigned": (gettext_lazy("Assigned to %(to)s"), gettext_lazy("Assigned to %(to)s")),
    "info_requested": (
        gettext_lazy("We asked you for information"),
        gettext_lazy("Information requested from the cardholder"),
    ),
    "info_provided": (
        gettext_lazy("You sent the information"),
        gettext_lazy("The cardholder sent the information"),
    ),
    "offer_sent": (
        gettext_lazy("We sent you an offer"),
        gettext_lazy("Offer sent to the cardholder"),
    ),
    "auto_approved": (
        gettext_lazy("Your plan was approved at once"),
        gettext_lazy("Approved automatically under policy version %(version)s"),
    ),
    "auto_referred": (
        gettext_lazy("Your request went to a person, who will decide"),
        gettext_lazy("Referred to a person by the automatic decision (policy version %(version)s)"),
    ),
    "auto_reviewed": (
        gettext_lazy("Quality review of the automatic decision"),
        gettext_lazy("Quality review of the automatic decision: %(verdict)s"),
    ),
    "flag_raised": (
        gettext_lazy("Flag recorded: %(flag)s"),
        gettext_lazy("Flag recorded: %(flag)s"),
    ),
    "flag_cleared": (
        gettext_lazy("Flag cleared: %(flag)s"),
        gettext_lazy("Flag cleared: %(flag)s"),
    ),
    "offer_for_approval": (
        gettext_lazy("Offer sent for approval"),
        gettext_lazy("Offer sent for approval"),
    ),
    "offer_approved": (gettext_lazy("Offer approved"), gettext_lazy("Offer approved")),
    "offer_rejected": (
        gettext_lazy("Offer rejected: %(reason)s"),
        gettext_lazy("Offer rejected: %(reason)s"),
    ),
    "offer_accepted": (
        gettext_lazy("You accepted the offer"),
        gettext_lazy("The cardholder accepted the offer"),
    ),
    "plan_created": (
        gettext_lazy("Your plan %(plan)s was set up; your agreement is being prepared"),
        gettext_lazy("Plan %(plan)s set up; agreement being prepared"),
    ),
    "agreement_ready": (
        gettext_lazy("Your agreement is ready to sign"),
        gettext_lazy("Agreement ready for the cardholder to sign"),
    ),
    "agreement_failed": (
        gettext_lazy("We are still preparing your agreement"),
        gettext_lazy("The agreement could not be prepared: %(error)s"),
    ),
    "agreement_signed": (
        gettext_lazy("You signed your agreement; your plan is active"),
        gettext_lazy("The cardholder signed the agreement; the plan is active"),
    ),
    "agreement_expired": (
        gettext_lazy("Your agreement was not signed in time; we are reviewing your case again"),
        gettext_lazy("The agreement was not signed in time; the case is back in review"),
    ),
    "payment_received": (
        gettext_lazy("Payment of %(amount)s received"),
        gettext_lazy("Payment of %(amount)s received (%(reference)s)"),
    ),
    "plan_at_risk": (
        gettext_lazy("A payment is overdue"),
        gettext_lazy("Plan at risk: a payment is overdue"),
    ),
    "plan_back_on_track": (
        gettext_lazy("Your plan is back on track"),
        gettext_lazy("Plan back on track"),
    ),
    "plan_broken": (
        gettext_lazy("Payments were missed and the plan ended; we are looking at it again"),
        gettext_lazy("Plan broken: payments missed; back in review"),
    ),
    "plan_completed": (
        gettext_lazy("You completed your plan"),
        gettext_lazy("Plan completed"),
    ),
    "offer_declined": (
        gettext_lazy("You declined the offer"),
        gettext_lazy("The cardholder declined the offer"),
    ),
    "offer_expired": (gettext_lazy("Offer expired"), gettext_lazy("Offer expired")),
    "offer_superseded": (
        gettext_lazy("A newer proposal replaced this one"),
        gettext_lazy("Proposal replaced by a newer one"),
    ),
    "offer_withdrawn": (
        gettext_lazy("We withdrew our offer: %(reason)s"),
        gettext_lazy("Offer withdrawn: %(reason)s"),
    ),
    "offer_withdrawn_unsent": (
        gettext_lazy("Offer withdrawn"),
        gettext_lazy("Offer taken back before approval"),
    ),
    "offer_ended_with_case": (
        gettext_lazy("Offer ended with the case"),
        gettext_lazy("Offer ended with the case"),
    ),
    "offer_out_of_date": (
        gettext_lazy(
            "The offer was out of date (what you owe had changed); we are reviewing again"
        ),
        gettext_lazy("Offer withdrawn as out of date: the balances moved beyond the tolerance"),
    ),
    "countered": (
        gettext_lazy("You proposed other terms"),
        gettext_lazy("Counter-proposal from the cardholder"),
    ),
    "declined": (gettext_lazy("Declined: %(reason)s"), gettext_lazy("Declined: %(reason)s")),
    "appealed": (
        gettext_lazy("You appealed to a supervisor"),
        gettext_lazy("Appealed by the cardholder to a supervisor"),
    ),
    "closed": (gettext_lazy("Closed: %(reason)s"), gettext_lazy("Closed: %(reason)s")),
    "document_accepted": (
        gettext_lazy("Document accepted: %(name)s"),
        gettext_lazy("Document accepted: %(name)s"),
    ),
    "document_rejected": (
        gettext_lazy("Document not accepted: %(name)s (%(reason)s)"),
        gettext_lazy("Document not accepted: %(name)s (%(reason)s)"),
    ),
    "contact_logged": (gettext_lazy("Contact logged"), gettext_lazy("Contact logged")),
    "plan_cancelled": (
        gettext_lazy("Your plan %(plan)s ended with the case"),
        gettext_lazy("Plan %(plan)s cancelled with the case"),
    ),
    "survey_answered": (
        gettext_lazy("You told us how we did"),
        gettext_lazy("The cardholder answered the satisfaction survey"),
    ),
    "reminder_sent": (
        gettext_lazy("Reminder sent"),
        gettext_lazy("Automated reminder to the cardholder (in the contact log)"),
    ),
}


def describe(event: CaseEvent, *, for_staff: bool) -> str:
    """One line saying what happened, for the cardholder or for staff."""
    payload = event.payload or {}
    if event.kind == "opened":
        if payload.get("channel", Channel.ONLINE) == Channel.ONLINE:
            return _("Application started online")
        return _("Case opened by our team (%(channel)s)") % {
            "channel": Channel(payload["channel"]).label
        }
    if event.kind == "message":
        if payload.get("from_staff"):
            return _("Message from the team") if for_staff else _("Message from our team")
        return _("Message from the cardholder") if for_staff else _("Message from you")
    texts = _TEXTS.get(event.kind)
    if texts is None:
        return event.kind
    text = str(texts[1] if for_staff else texts[0])
    values = {"name": "", "reason": "", "to": "", **payload}
    if "amount" in payload and "currency" in payload:
        values["amount"] = money_in_text(payload["amount"], payload["currency"])
    if payload.get("flag") in FlagKind.values:
        values["flag"] = FlagKind(payload["flag"]).label
    if payload.get("verdict") in Verdict.values:
        values["verdict"] = Verdict(payload["verdict"]).label
    try:
        return text % values
    except (KeyError, TypeError, ValueError):
        return text


def with_text(events: Iterable[CaseEvent], *, for_staff: bool) -> list[CaseEvent]:
    """The events, each carrying its `text` for the template."""
    described = list(events)
    for event in described:
        event.text = describe(event, for_staff=for_staff)  # type: ignore[attr-defined]
    return described
