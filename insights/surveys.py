"""The satisfaction survey: after the agreement is signed, and after the case ends, the
cardholder is asked once (in the inbox and by their channel, through the reminders) for a
score from 1 to 5 and an optional comment. Answers are theirs: nobody edits them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.core import CaseActionRefused, is_holder, record_event
from cases.models import Audience, HardshipCase, Reminder, ReminderKind
from cases.outreach.services import Due
from insights.models import SurveyMoment, SurveyResponse

#: Statuses after which a case has ended (with or without a plan that ran to its end).
ENDED = ("completed", "closed", "declined", "withdrawn")
#: The survey is offered, and reminded of, for this long after the moment.
ASK_WITHIN = timedelta(days=14)


def open_moment(case: HardshipCase, *, now: datetime | None = None) -> str | None:
    """The moment the cardholder may answer for now, if they have not yet."""
    now = now or timezone.now()
    answered = set(SurveyResponse.objects.filter(case=case).values_list("moment", flat=True))
    if case.status in ENDED and case.closed_at and now - case.closed_at <= ASK_WITHIN:
        return None if SurveyMoment.ENDED in answered else SurveyMoment.ENDED
    signed = case.plans.filter(activated_at__gte=now - ASK_WITHIN).exists()
    if case.status in ("active", "broken") and signed:
        return None if SurveyMoment.SIGNED in answered else SurveyMoment.SIGNED
    return None


@transaction.atomic
def survey_answer(
    *, case: HardshipCase, actor: User, moment: str, score: int, comment: str = ""
) -> SurveyResponse:
    if not is_holder(case, actor):
        raise CaseActionRefused(_("Only the cardholder can answer this survey."))
    if moment != open_moment(case):
        raise CaseActionRefused(_("This survey is closed, or you have already answered it."))
    if not 1 <= score <= 5:
        raise CaseActionRefused(_("Choose a score from 1 to 5."))
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                case=case,
                moment=moment,
                score=score,
                comment=comment.strip()[:1000],
                respondent=actor,
            )
    except IntegrityError:
        raise CaseActionRefused(_("You have already answered this survey.")) from None
    record_event(
        case, actor=actor, kind="survey_answered", payload={"moment": moment}, visible=False
    )
    return response


def surveys_due(now: datetime) -> Iterator[Due]:
    """Cases whose survey moment came in the last two weeks: signed, or ended."""
    since = now - ASK_WITHIN
    signed = HardshipCase.objects.filter(
        status__in=("active", "broken"),
        plans__activated_at__gte=since,
        account__holder__isnull=False,
    ).exclude(survey_responses__moment=SurveyMoment.SIGNED)
    ended = HardshipCase.objects.filter(
        status__in=ENDED, closed_at__gte=since, account__holder__isnull=False
    ).exclude(survey_responses__moment=SurveyMoment.ENDED)
    for moment, cases in ((SurveyMoment.SIGNED, signed), (SurveyMoment.ENDED, ended)):
        for case_id, holder_id in cases.values_list("pk", "account__holder_id").distinct():
            yield Due(
                key=f"survey:{case_id}:{moment}",
                kind=ReminderKind.SURVEY,
                audience=Audience.CARDHOLDER,
                recipient_id=holder_id,
                case_id=case_id,
                topic=f"survey:{case_id}:{moment}",
                params={"reference": HardshipCase(pk=case_id).reference},
                link=reverse("cases:detail", args=[case_id]) + "#survey",
            )


def survey_still_open(reminder: Reminder) -> bool:
    _prefix, case_id, moment = reminder.topic.split(":")
    case = HardshipCase.objects.filter(pk=int(case_id)).first()
    return case is not None and open_moment(case) == moment
