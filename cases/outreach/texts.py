"""What each reminder says: English source text (translated for its reader when shown or sent)
with %(name)s placeholders from the reminder's params. Dates are ISO text and amounts
`money_param`s, so both read in the reader's format (`accounts.formatting.localise_params`)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from cases.models import ReminderKind

TEXTS: dict[str, tuple[str, str]] = {
    ReminderKind.INSTALMENT_SOON: (
        gettext_noop("Your instalment of %(amount)s is due on %(due)s"),
        gettext_noop(
            "This is instalment %(number)s of plan %(plan)s. If you cannot pay it in full, "
            "tell us before the day: we can look at your plan again."
        ),
    ),
    ReminderKind.INSTALMENT_TODAY: (
        gettext_noop("Your instalment of %(amount)s is due today"),
        gettext_noop(
            "Instalment %(number)s of plan %(plan)s is due today, %(due)s. If you have "
            "already paid, thank you: payments can take a working day to show."
        ),
    ),
    ReminderKind.INSTALMENT_MISSED: (
        gettext_noop("We have not received your instalment of %(amount)s"),
        gettext_noop(
            "Instalment %(number)s of plan %(plan)s was due on %(due)s. Pay it as soon as you "
            "can. If your situation has changed, write to us on your case page: we can look "
            "at the plan again. A payment made in the last day may not show yet."
        ),
    ),
    ReminderKind.OFFER_EXPIRING: (
        gettext_noop("Our offer on case %(reference)s ends on %(deadline)s"),
        gettext_noop(
            "Read it and answer on your case page before then. If it does not work for you, "
            "tell us why: we can look at it again."
        ),
    ),
    ReminderKind.SIGNATURE_EXPIRING: (
        gettext_noop("Sign your agreement %(plan)s by %(deadline)s"),
        gettext_noop(
            "Your plan starts only once you have signed it. If it is not signed by then, "
            "your case goes back to our team for review."
        ),
    ),
    ReminderKind.SLA_BREACHED: (
        gettext_noop("Decision overdue on case %(reference)s"),
        gettext_noop(
            "The decision was due by %(deadline)s and the case is still waiting. Assign it "
            "or take it from the queue."
        ),
    ),
    ReminderKind.ARRANGEMENT_UNCONFIRMED: (
        gettext_noop("The core system has not confirmed arrangement %(plan)s"),
        gettext_noop(
            "It was exported on %(exported)s and has not been acknowledged since. Check with "
            "the core-system team that the relief has been applied."
        ),
    ),
    ReminderKind.SURVEY: (
        gettext_noop("How did we do with case %(reference)s?"),
        gettext_noop(
            "Tell us in one click, from 1 to 5, on your case page. It takes a minute and helps "
            "us help the next person; answering is up to you and changes nothing on your case."
        ),
    ),
}

#: The line every email and text message to a cardholder ends with.
OPT_OUT_EMAIL = gettext_noop(
    "You get these reminders by email. To get them only in the online service, open %(url)s"
)
OPT_OUT_SMS = gettext_noop("To stop these texts, open %(url)s")
