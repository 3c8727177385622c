"""Demo repayment plans, one in every stage of a plan's life, for `seed_demo` (see `accounts.demo`).

He Ping's agreed case (card 7702, from `cases.corebanking.demo_cases`) already has a plan waiting
for his signature; here its agreement is rendered, so that he can read and sign it. Four more
stories are told on demo cards of their own, the way `demo_cases` tells its stories: the case is
opened, the agent offers a plan, the holder accepts it (which makes the plan), the agreement is
rendered and signed, and payments are recorded, only through the real services. They end on
track, at risk, broken (the case back in review) and completed (the case completed). One holder
prefers Chinese, so her agreement is in Chinese.

Signing needs the bank's certificate (`manage.py make_signing_cert`, which `make run` runs
first). Without it the four stories are skipped, with a line saying so.

Each story is told only on a card account without a case, so a second run changes nothing.
Runs after the demo cases (order 30, after their 20).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.demo import DEMO_PASSWORD, register_seeder
from accounts.models import User
from cases.core import CaseActionRefused
from cases.corebanking.demo_cases import (
    Circumstances,
    Team,
    accept_offer,
    apply_online,
    claim_and_offer,
    demo_account,
    demo_team,
    holder_login,
    requested_plan,
    taken_by_phone,
)
from cases.enrolment.services import EnrolmentRefused
from cases.models import CardAccount, HardshipDuration, HardshipReason, Offer, OfferStatus
from cases.negotiation.services import offer_approve, offer_propose
from cases.planning import first_due_date
from cases.policy.rules import plan_policy
from cases.selectors import balance_of
from plans.calculator import PlanTerms, PlanType, Schedule, build_schedule
from plans.certificates import SigningCertificateError, check_signing_certificate
from plans.models import (
    Agreement,
    AgreementStatus,
    Instalment,
    PaymentSource,
    PlanStatus,
    RepaymentPlan,
)
from plans.payments import PaymentRefused, payment_record, plan_assess
from plans.signing import SigningRefused, agreement_prepare, agreement_sign

#: He Ping's plan, from the agreed case of `demo_cases`: rendered here, left for him to sign.
AWAITING_SIGNATURE_CARD = "7702"
#: The phoned-in stories' plans: level payments at the card's rate, within an agent's authority.
PLAN_MONTHS = 12

LANGUAGE_NAMES = {"en": "English", "zh-hans": "Chinese"}


@dataclass(frozen=True)
class PlanStory:
    """One demo plan: the card it is on, the standing it ends in, and how it gets there."""

    card_last4: str
    ends_in: PlanStatus
    how: str
    circumstances: Circumstances
    after_signing: Callable[[RepaymentPlan], RepaymentPlan]
    # The holder applies online (and asks for the plan the wizard recommends), or phones in.
    online: bool = False
    language: str = "en"


# --- What happens once the agreement is signed ------------------------------------------------
# Plans start a month from now (`first_due_date`), so no instalment is due yet on a fresh start.
# Payments are recorded as received today (the service refuses future dates): paying early keeps
# a plan on track, and paying everything completes it. A missed instalment needs time to pass,
# so the at-risk and broken plans are assessed as of the day after the instalments they miss
# fall due, exactly as the daily assessment (`plans_assess_all`) will on that day. Backdating
# the plans instead would mean offering and accepting a schedule already under way, which the
# real services (rightly) do not allow. The broken plan, like the completed one, has ended for
# good; the at-risk plan is put right again by the daily assessment until its first instalment
# really is late, which is how a demo database a month old should look.


def _payable(plan: RepaymentPlan) -> list[Instalment]:
    return [i for i in plan.instalments.order_by("number") if i.amount > 0]


def _pay(plan: RepaymentPlan, instalments: list[Instalment], label: str) -> None:
    payment_record(
        plan=plan,
        reference=f"DEMO-{plan.reference}-{label}",
        amount=sum((i.amount for i in instalments), Decimal("0.00")),
        received_on=timezone.localdate(),
        source=PaymentSource.IMPORT,
    )


def _assess_as_of(plan: RepaymentPlan, day: date) -> RepaymentPlan:
    """The plan's standing on `day`, assessed under its lock as `plan_assess` requires."""
    with transaction.atomic():
        locked = RepaymentPlan.objects.select_for_update().select_related("case").get(pk=plan.pk)
        return plan_assess(plan=locked, today=day)


def _pays_ahead(plan: RepaymentPlan) -> RepaymentPlan:
    """The first two instalments paid early, one payment each: on track."""
    for number, instalment in enumerate(_payable(plan)[:2], start=1):
        _pay(plan, [instalment], str(number))
    return plan


def _misses_one(plan: RepaymentPlan) -> RepaymentPlan:
    """Nothing paid, seen the day after the first instalment falls due: at risk."""
    return _assess_as_of(plan, _payable(plan)[0].due_date + timedelta(days=1))


def _misses_two(plan: RepaymentPlan) -> RepaymentPlan:
    """Nothing paid, seen the day after the second instalment falls due: broken."""
    return _assess_as_of(plan, _payable(plan)[1].due_date + timedelta(days=1))


def _pays_off(plan: RepaymentPlan) -> RepaymentPlan:
    """Everything paid at once (the holder's new job came with a bonus): completed."""
    _pay(plan, _payable(plan), "1")
    return plan


# --- The stories ----------------------------------------------------------------------------

GAO_YAN = Circumstances(
    reason=HardshipReason.BUSINESS,
    duration=HardshipDuration.LONG_TERM,
    own_words=(
        "My print shop lost two government contracts when the district moved its orders online. "
        "I have cut costs and can pay every month, just not the whole balance at once."
    ),
    household_size=3,
    dependants=1,
    income={"business": Decimal("18000.00")},
    essentials={
        "housing": Decimal("4000.00"),
        "food": Decimal("2400.00"),
        "utilities": Decimal("600.00"),
        "transport": Decimal("500.00"),
        "childcare": Decimal("1200.00"),
    },
)

LUO_NA = Circumstances(
    reason=HardshipReason.ILLNESS,
    duration=HardshipDuration.LONG_TERM,
    own_words=(
        "I have a long-term illness and now work three days a week. My income is lower but "
        "steady, and I want to clear this card."
    ),
    income={"wages": Decimal("6500.00")},
    essentials={
        "housing": Decimal("2000.00"),
        "food": Decimal("1200.00"),
        "utilities": Decimal("250.00"),
        "transport": Decimal("200.00"),
        "health": Decimal("500.00"),
    },
)

ZHOU_QIANG = Circumstances(
    reason=HardshipReason.JOB_LOSS,
    duration=HardshipDuration.LONG_TERM,
    own_words=(
        "I lost my job in logistics and now drive for a ride-hailing app. I earn less than "
        "before and some months are better than others."
    ),
    income={"wages": Decimal("6000.00")},
    essentials={
        "housing": Decimal("1800.00"),
        "food": Decimal("1200.00"),
        "utilities": Decimal("250.00"),
        "transport": Decimal("600.00"),
    },
)

SUN_LI = Circumstances(
    reason=HardshipReason.BUSINESS,
    duration=HardshipDuration.LONG_TERM,
    own_words=(
        "Two of my tea shop's suppliers went bust and I had to pay new ones in advance. "
        "Business is steady again, but the card fell behind."
    ),
    household_size=2,
    income={"business": Decimal("20000.00")},
    essentials={
        "housing": Decimal("4500.00"),
        "food": Decimal("2200.00"),
        "utilities": Decimal("600.00"),
        "transport": Decimal("500.00"),
    },
)

STORIES: tuple[PlanStory, ...] = (
    PlanStory(
        "3468",
        PlanStatus.ON_TRACK,
        "two instalments paid early",
        GAO_YAN,
        _pays_ahead,
        language="zh-hans",
    ),
    PlanStory(
        "2647",
        PlanStatus.AT_RISK,
        "applied online, first instalment overdue",
        LUO_NA,
        _misses_one,
        online=True,
    ),
    PlanStory(
        "4053",
        PlanStatus.BROKEN,
        "two instalments missed, case back in review",
        ZHOU_QIANG,
        _misses_two,
    ),
    PlanStory(
        "6718",
        PlanStatus.COMPLETED,
        "paid off in one payment, case completed",
        SUN_LI,
        _pays_off,
    ),
)


def instalment_plan(account: CardAccount, months: int = PLAN_MONTHS) -> Schedule:
    """Level payments at the card's rate over `months`, from the first due date."""
    balance = balance_of(account)
    terms = PlanTerms(
        plan_type=PlanType.INSTALMENT,
        balance=balance.principal,
        accrued_interest=balance.accrued_interest,
        fees=balance.fees,
        start_date=first_due_date(),
        apr=account.apr,
        months=months,
    )
    return build_schedule(terms, plan_policy())


def _offer(story: PlanStory, account: CardAccount, holder: User, team: Team) -> Offer:
    """The case opened and the agent's offer made (approved by Wang Fang if beyond the agent)."""
    if story.online:
        case = apply_online(account, holder, story.circumstances)
        offer = claim_and_offer(
            case, team.agent, requested_plan(case), rationale="The plan you asked for."
        )
    else:
        case = taken_by_phone(account, team.agent, story.circumstances)
        offer = offer_propose(
            case=case,
            actor=team.agent,
            version=case.version,
            schedule=instalment_plan(account),
            rationale=f"Level payments over {PLAN_MONTHS} months that fit your budget.",
        )
    if offer.status == OfferStatus.PENDING_APPROVAL:
        offer = offer_approve(
            offer=offer,
            actor=team.supervisor,
            version=offer.case.version,
            note="Affordable, and the customer has always dealt with us openly.",
        )
    return offer


def _sign(plan: RepaymentPlan, holder: User) -> None:
    """The holder signs the rendered agreement with a one-time code.

    In use, `signing_code_send` emails the holder a code and keeps only its SHA-256; a seeder
    cannot read the holder's email, so it stores the digest of a code it chose the same way the
    service does (channel, time sent, no attempts yet) and signs with that code. Everything
    after that (checking the code and the typed name, the bank's signature, the plan and the
    case becoming active) is the real `agreement_sign`.
    """
    agreement = agreement_prepare(agreement_id=plan.agreement.pk)
    code = f"{secrets.randbelow(10**6):06d}"
    Agreement.objects.filter(pk=agreement.pk).update(
        code_sha256=hashlib.sha256(code.encode()).hexdigest(),
        code_sent_at=timezone.now(),
        code_attempts=0,
        code_channel="email",
    )
    agreement_sign(
        agreement=agreement,
        actor=holder,
        name_typed=plan.account.holder_name,
        code=code,
        ip_address=None,
        user_agent="seed_demo",
    )


def _tell(story: PlanStory, account: CardAccount, team: Team) -> None:
    holder = holder_login(account)
    if holder.profile.preferred_language != story.language:
        account_services.profile_update(
            profile=holder.profile, actor=holder, preferred_language=story.language
        )
    # `accept_offer` accepts in the holder's preferred language (Chinese for Gao Yan), which
    # becomes the plan's and its agreement's language.
    offer = accept_offer(_offer(story, account, holder, team), holder)
    plan = RepaymentPlan.objects.select_related("account", "agreement").get(acceptance__offer=offer)
    _sign(plan, holder)
    # A fresh copy: the plan's status is protected, so it cannot be refreshed in place.
    story.after_signing(RepaymentPlan.objects.select_related("case").get(pk=plan.pk))


def _prepare_waiting_agreement() -> list[str]:
    """He Ping's agreement rendered, if it is still queued (the worker may not have run)."""
    agreement = Agreement.objects.filter(
        plan__account__card_last4=AWAITING_SIGNATURE_CARD,
        plan__status=PlanStatus.AWAITING_SIGNATURE,
        status__in=(AgreementStatus.QUEUED, AgreementStatus.FAILED),
    ).first()
    if agreement is None:
        return []
    try:
        with transaction.atomic():
            agreement_prepare(agreement_id=agreement.pk)
    except Exception as error:  # a render failure is reported, not allowed to stop the seeding
        return [f"  Card {AWAITING_SIGNATURE_CARD}: the agreement could not be rendered: {error}"]
    return []


@transaction.atomic
def demo_plans_seed() -> list[str]:
    """Render He Ping's waiting agreement and tell every plan story whose card has no case yet.

    Idempotent: a second run finds every card with its case and changes nothing. A story the
    services refuse is reported, not forced.
    """
    team = demo_team()
    if team is None:
        return ["", "  Plans: the demo staff or Li Wei are missing, no plans seeded."]
    refused = _prepare_waiting_agreement()
    try:
        check_signing_certificate()
    except SigningCertificateError as missing:
        return [
            "",
            f"  Plans: no demo plans signed, the bank's signing certificate is missing ({missing})",
            "  Run `manage.py make_signing_cert`, then `manage.py seed_demo` again.",
            *refused,
        ]
    for story in STORIES:
        account = demo_account(story.card_last4)
        if account.cases.exists():
            continue
        try:
            with transaction.atomic():
                _tell(story, account, team)
        except (
            CaseActionRefused,
            EnrolmentRefused,
            SigningRefused,
            PaymentRefused,
        ) as refusal:
            refused.append(f"  Card {story.card_last4}: no demo plan, refused: {refusal}")
    return _report(refused)


def _describe(plan: RepaymentPlan, how: str) -> str:
    language = LANGUAGE_NAMES.get(plan.language, plan.language)
    return (
        f"    {plan.reference:<14} {plan.status:<19} card {plan.account.card_last4}  "
        f"{plan.account.holder_name:<10} {language} agreement, {how}"
    )


def _report(refused: list[str]) -> list[str]:
    lines, logins = ["", "  Plans, one in every stage:"], []
    waiting = (
        RepaymentPlan.objects.select_related("account")
        .filter(account__card_last4=AWAITING_SIGNATURE_CARD)
        .first()
    )
    if waiting is not None:
        lines.append(_describe(waiting, "waiting for the holder's signature"))
    for story in STORIES:
        plan = (
            RepaymentPlan.objects.select_related("account__holder")
            .filter(account__card_last4=story.card_last4)
            .first()
        )
        if plan is not None:
            lines.append(_describe(plan, story.how))
            if plan.account.holder is not None:
                logins.append(f"    {plan.account.holder.email:<26} {plan.account.holder_name}")
    lines.extend(refused)
    if logins:
        lines.append(f"  The plans' holders sign in with {DEMO_PASSWORD}:")
        lines.extend(logins)
    return lines


@register_seeder(order=30)
def seed_demo_plans() -> list[str]:
    return demo_plans_seed()


@register_seeder(order=40)
def seed_demo_reminders() -> list[str]:
    """Run the reminder scan once, as beat does every half hour, so that the demo inboxes, the
    contact logs and the supervisors' alerts show what is due today. A second run adds nothing."""
    from cases.models import Reminder
    from cases.outreach.services import reminders_deliver_due, reminders_scan

    queued = reminders_scan()
    reminders_deliver_due()
    counts: dict[str, int] = {}
    for kind in Reminder.objects.values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    if not counts:
        return ["", "  Reminders: none due today (beat looks again every 30 minutes)."]
    lines = ["", f"  Reminders: {queued} queued now, {sum(counts.values())} in all:"]
    lines += [f"    {kind:<24} {count}" for kind, count in sorted(counts.items())]
    return lines
