"""Demo hardship cases, at least one in every state, for `seed_demo` (see `accounts.demo`).

A fresh start has to show the product at work: the team's queue, the supervisor's approvals and
Li Wei's dashboard each need something on them. So each case here is made the way it is made in
use, by the cardholder's application (`cases.application.services`) or by staff opening it for
a caller, then moved on only by the team's and the cardholder's own services. No status is ever
set by hand, so every case carries a true timeline of `CaseEvent`s, and every offer the
figures the calculator gave it.

Each story is told on its own demo card account, and only on an account without a case: a
second run, or a card someone has since applied on, is left alone. Li Wei (the demo cardholder)
gets the payment-holiday offer on his card ending 3307; his card ending 5126 stays free, so he
can still apply. The fictional holders who must act themselves (apply online, accept, withdraw)
get a demo-only login, linked to their card through the real enrolment check.

Runs after the card accounts (order 20, after `demo_bank`'s 10).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation

from accounts import services as account_services
from accounts.demo import DEMO_PASSWORD, DEMO_PERSONAS, register_seeder
from accounts.models import ContactChannel, User
from accounts.roles import Role
from cases.application.services import (
    case_open_for_cardholder,
    case_request_plan,
    case_save_contact,
    case_save_reason,
    case_save_statement,
    case_start,
    case_submit,
)
from cases.core import CaseActionRefused, terms_from_json
from cases.corebanking.demo_people import DEMO_ACCOUNTS, DEMO_CARDHOLDER_EMAIL
from cases.disclosure import disclosure_for
from cases.enrolment.services import EnrolmentRefused, enrolment_link
from cases.models import (
    CardAccount,
    CaseStatus,
    Channel,
    HardshipCase,
    HardshipDuration,
    HardshipReason,
    Offer,
    OfferStatus,
)
from cases.negotiation.answers import Consent, offer_accept
from cases.negotiation.services import (
    case_claim,
    case_close,
    case_decline,
    case_record_statement,
    offer_approve,
    offer_propose,
)
from cases.planning import first_due_date, recommendations_for
from cases.policy.rules import plan_policy
from cases.portal.services import case_withdraw
from cases.selectors import balance_of
from cases.statement import DebtLine
from plans.calculator import PlanTerms, PlanType, Schedule, add_months, build_schedule


def _persona_email(role: Role) -> str:
    return next(persona.email for persona in DEMO_PERSONAS if persona.role == role)


#: The demo staff who work the cases: Chen Jing, the agent, and Wang Fang, the supervisor.
AGENT_EMAIL = _persona_email(Role.AGENT)
SUPERVISOR_EMAIL = _persona_email(Role.SUPERVISOR)

#: Li Wei's offer: this many months without payments, then level payments over the rest.
HOLIDAY_MONTHS = 3
HOLIDAY_REPAYMENT_MONTHS = 30
#: Beyond an agent's authority (36 months by default), within a supervisor's (60).
LONG_TERM_MONTHS = 48


@dataclass(frozen=True)
class Circumstances:
    """What a cardholder tells the bank: the reason, in their words, and the monthly budget."""

    reason: HardshipReason
    duration: HardshipDuration
    own_words: str
    income: dict[str, Decimal]
    essentials: dict[str, Decimal]
    debts: tuple[DebtLine, ...] = ()
    household_size: int = 1
    dependants: int = 0
    # A temporary hardship: when the cardholder expects things to improve.
    recovery_in_months: int | None = None

    def expected_recovery(self) -> date | None:
        if self.recovery_in_months is None:
            return None
        return add_months(timezone.localdate(), self.recovery_in_months)


@dataclass(frozen=True)
class Team:
    """The demo logins who work the cases, and the demo cardholder."""

    agent: User
    supervisor: User
    li_wei: User


@dataclass(frozen=True)
class Story:
    """One demo case: the card it is on, the state it ends in, and how it gets there."""

    card_last4: str
    ends_in: CaseStatus
    how: str
    tell: Callable[[CardAccount, Team], HardshipCase]
    # The fictional holder acts on the case themselves, so they get a demo-only login.
    holder_acts: bool = False


# --- The two ways a case begins --------------------------------------------------------------


def apply_online(
    account: CardAccount,
    holder: User,
    circumstances: Circumstances,
    *,
    asked_for_person: bool = True,
    send: bool = True,
) -> HardshipCase:
    """The cardholder fills in every step of the application wizard and sends it.

    The stories below are about the team's work, so their cardholders ask for a person to
    look at the request (no automatic decision); `cases/decisions/demo.py` tells the stories
    of automatic approvals and referrals, choosing the plan itself (`send=False` stops before
    the plan is chosen)."""
    case = case_start(account=account, actor=holder)
    case = case_save_reason(
        case=case,
        actor=holder,
        version=case.version,
        reason=circumstances.reason,
        duration=circumstances.duration,
        expected_recovery=circumstances.expected_recovery(),
        own_words=circumstances.own_words,
        asked_for_person=asked_for_person,
    )
    case = case_save_statement(
        case=case,
        actor=holder,
        version=case.version,
        household_size=circumstances.household_size,
        dependants=circumstances.dependants,
        income=circumstances.income,
        essentials=circumstances.essentials,
        debts=list(circumstances.debts),
    )
    case = case_save_contact(
        case=case,
        actor=holder,
        version=case.version,
        channel=ContactChannel.SMS,
        contact_from=time(9, 0),
        contact_until=time(19, 0),
    )
    if not send:
        return case
    # The cardholder asks for the plan the wizard recommends first, as most people do.
    result = recommendations_for(case)
    if result is None or not result.recommendations:
        raise CaseActionRefused(f"no plan fits the demo statement of {account.holder_name}")
    case_request_plan(
        case=case,
        actor=holder,
        version=case.version,
        schedule=result.recommendations[0].schedule,
    )
    case.refresh_from_db()
    return case_submit(case=case, actor=holder, version=case.version)


def taken_by_phone(
    account: CardAccount, agent: User, circumstances: Circumstances, *, channel: str = Channel.PHONE
) -> HardshipCase:
    """The cardholder phones (or comes to a branch): the agent opens the case, claims it and
    takes down their income and spending."""
    case = case_open_for_cardholder(
        account=account,
        actor=agent,
        channel=channel,
        reason=circumstances.reason,
        duration=circumstances.duration,
        own_words=circumstances.own_words,
        expected_recovery=circumstances.expected_recovery(),
    )
    case = case_claim(case=case, actor=agent, version=case.version)
    return case_record_statement(
        case=case,
        actor=agent,
        version=case.version,
        household_size=circumstances.household_size,
        dependants=circumstances.dependants,
        income=circumstances.income,
        essentials=circumstances.essentials,
        debts=list(circumstances.debts),
    )


# --- The offers ------------------------------------------------------------------------------


def payment_holiday(account: CardAccount) -> Schedule:
    """A few months without payments (interest added to the balance), then level payments at
    the card's rate."""
    balance = balance_of(account)
    terms = PlanTerms(
        plan_type=PlanType.DEFERRAL,
        balance=balance.principal,
        accrued_interest=balance.accrued_interest,
        fees=balance.fees,
        start_date=first_due_date(),
        apr=account.apr,
        deferral_months=HOLIDAY_MONTHS,
        months=HOLIDAY_REPAYMENT_MONTHS,
    )
    return build_schedule(terms, plan_policy())


def long_instalment_plan(account: CardAccount) -> Schedule:
    """Level payments at the card's rate over a term longer than an agent may agree."""
    balance = balance_of(account)
    terms = PlanTerms(
        plan_type=PlanType.INSTALMENT,
        balance=balance.principal,
        accrued_interest=balance.accrued_interest,
        fees=balance.fees,
        start_date=first_due_date(),
        apr=account.apr,
        months=LONG_TERM_MONTHS,
    )
    return build_schedule(terms, plan_policy())


def requested_plan(case: HardshipCase) -> Schedule:
    """The plan the cardholder asked for in their application, quoted again as it was."""
    requested = case.offers.get(status=OfferStatus.REQUESTED)
    return build_schedule(terms_from_json(requested.terms), plan_policy())


def claim_and_offer(case: HardshipCase, agent: User, schedule: Schedule, rationale: str) -> Offer:
    case = case_claim(case=case, actor=agent, version=case.version)
    return offer_propose(
        case=case, actor=agent, version=case.version, schedule=schedule, rationale=rationale
    )


def accept_offer(offer: Offer, holder: User) -> Offer:
    """The holder accepts with consent to the disclosure their page showed, in their language."""
    offer = Offer.objects.select_related("case__account").get(pk=offer.pk)
    with translation.override(holder.profile.preferred_language):
        shown = disclosure_for(offer, offer.case.account).sha256
        return offer_accept(
            offer=offer,
            actor=holder,
            version=offer.case.version,
            consent=Consent(shown_sha256=shown, user_agent="seed_demo"),
        )


# --- The stories -----------------------------------------------------------------------------

WU_HONG = Circumstances(
    reason=HardshipReason.ILLNESS,
    duration=HardshipDuration.TEMPORARY,
    recovery_in_months=4,
    own_words=(
        "I broke my leg in a fall at work and have been on reduced sick pay for six weeks. "
        "The doctor says I can go back in about four months."
    ),
    household_size=3,
    dependants=1,
    income={"wages": Decimal("5200.00"), "support": Decimal("800.00")},
    essentials={
        "housing": Decimal("1800.00"),
        "food": Decimal("1400.00"),
        "utilities": Decimal("300.00"),
        "transport": Decimal("200.00"),
        "health": Decimal("600.00"),
    },
)

XU_MING = Circumstances(
    reason=HardshipReason.BUSINESS,
    duration=HardshipDuration.LONG_TERM,
    own_words=(
        "My restaurant lost its biggest catering client in the spring. Takings are down by a "
        "third and I do not expect that contract back."
    ),
    household_size=4,
    dependants=2,
    income={"business": Decimal("14000.00")},
    essentials={
        "housing": Decimal("4500.00"),
        "food": Decimal("2500.00"),
        "utilities": Decimal("800.00"),
        "transport": Decimal("600.00"),
        "childcare": Decimal("1500.00"),
    },
    debts=(
        DebtLine(
            lender="Van loan", balance=Decimal("60000.00"), monthly_payment=Decimal("2200.00")
        ),
    ),
)

GUO_YING = Circumstances(
    reason=HardshipReason.BUSINESS,
    duration=HardshipDuration.LONG_TERM,
    own_words=(
        "The landlord of my shop doubled the rent and fewer people come by since the new mall "
        "opened. The shop still makes money, only less."
    ),
    household_size=2,
    income={"business": Decimal("11000.00")},
    essentials={
        "housing": Decimal("3000.00"),
        "food": Decimal("2000.00"),
        "utilities": Decimal("500.00"),
        "transport": Decimal("400.00"),
    },
)

LI_WEI = Circumstances(
    reason=HardshipReason.JOB_LOSS,
    duration=HardshipDuration.TEMPORARY,
    recovery_in_months=HOLIDAY_MONTHS,
    own_words=(
        "The factory where I worked closed. I have a new job that starts in three months; "
        "until then I live on unemployment benefit and help from my parents."
    ),
    household_size=1,
    income={"benefits": Decimal("2200.00"), "support": Decimal("1500.00")},
    essentials={
        "housing": Decimal("1500.00"),
        "food": Decimal("900.00"),
        "utilities": Decimal("200.00"),
        "transport": Decimal("150.00"),
    },
)

HE_PING = Circumstances(
    reason=HardshipReason.FAMILY,
    duration=HardshipDuration.LONG_TERM,
    own_words=(
        "My mother needs care since her stroke, and I pay for her treatment. I can pay every "
        "month, but not the whole minimum payment as well."
    ),
    household_size=2,
    dependants=1,
    income={"wages": Decimal("8500.00")},
    essentials={
        "housing": Decimal("2200.00"),
        "food": Decimal("1500.00"),
        "utilities": Decimal("300.00"),
        "transport": Decimal("300.00"),
        "health": Decimal("800.00"),
    },
    debts=(
        DebtLine(
            lender="Consumer loan", balance=Decimal("18000.00"), monthly_payment=Decimal("900.00")
        ),
    ),
)

LIN_TAO = Circumstances(
    reason=HardshipReason.OVER_INDEBTED,
    duration=HardshipDuration.LONG_TERM,
    own_words=(
        "I borrowed from one lender to pay another and now the repayments are more than I earn."
    ),
    income={"wages": Decimal("4800.00")},
    essentials={
        "housing": Decimal("2000.00"),
        "food": Decimal("1300.00"),
        "utilities": Decimal("300.00"),
        "transport": Decimal("250.00"),
    },
    debts=(
        DebtLine(
            lender="Online lender", balance=Decimal("45000.00"), monthly_payment=Decimal("2600.00")
        ),
        DebtLine(
            lender="Car loan", balance=Decimal("30000.00"), monthly_payment=Decimal("1200.00")
        ),
    ),
)

HU_JUN = Circumstances(
    reason=HardshipReason.JOB_LOSS,
    duration=HardshipDuration.TEMPORARY,
    recovery_in_months=2,
    own_words="My contract ended last month and I am looking for work.",
    income={"benefits": Decimal("2400.00"), "support": Decimal("2000.00")},
    essentials={
        "housing": Decimal("1600.00"),
        "food": Decimal("1000.00"),
        "utilities": Decimal("200.00"),
        "transport": Decimal("200.00"),
    },
)

TANG_XIN = Circumstances(
    reason=HardshipReason.BUSINESS,
    duration=HardshipDuration.TEMPORARY,
    recovery_in_months=1,
    own_words="A big customer is paying an invoice late, so I missed this month's payment.",
    household_size=3,
    dependants=1,
    income={"business": Decimal("16000.00")},
    essentials={
        "housing": Decimal("4000.00"),
        "food": Decimal("2200.00"),
        "utilities": Decimal("600.00"),
        "transport": Decimal("800.00"),
    },
)


def _submitted(account: CardAccount, team: Team) -> HardshipCase:
    return apply_online(account, holder_login(account), WU_HONG)


def _in_review(account: CardAccount, team: Team) -> HardshipCase:
    return taken_by_phone(account, team.agent, XU_MING)


def _awaiting_approval(account: CardAccount, team: Team) -> HardshipCase:
    case = taken_by_phone(account, team.agent, GUO_YING, channel=Channel.BRANCH)
    offer = offer_propose(
        case=case,
        actor=team.agent,
        version=case.version,
        schedule=long_instalment_plan(account),
        rationale=(
            f"{LONG_TERM_MONTHS} months at your card's rate keep the monthly payment within what "
            "the shop earns now."
        ),
    )
    return offer.case


def _awaiting_li_wei(account: CardAccount, team: Team) -> HardshipCase:
    case = apply_online(account, team.li_wei, LI_WEI)
    offer = claim_and_offer(
        case,
        team.agent,
        payment_holiday(account),
        rationale=(
            f"{HOLIDAY_MONTHS} months without payments until your new job starts, then "
            f"{HOLIDAY_REPAYMENT_MONTHS} equal monthly payments at your card's rate."
        ),
    )
    return offer.case


def _agreed(account: CardAccount, team: Team) -> HardshipCase:
    """The agent offers the plan He Ping asked for; it waives more interest than an agent may,
    so Wang Fang approves it before He Ping accepts."""
    holder = holder_login(account)
    case = apply_online(account, holder, HE_PING)
    offer = claim_and_offer(
        case,
        team.agent,
        requested_plan(case),
        rationale="The plan you asked for: payments you can keep up alongside your mother's care.",
    )
    if offer.status == OfferStatus.PENDING_APPROVAL:
        offer = offer_approve(
            offer=offer,
            actor=team.supervisor,
            version=offer.case.version,
            note="Long-standing customer; the waiver is what makes the plan affordable.",
        )
    return accept_offer(offer, holder).case


def _declined(account: CardAccount, team: Team) -> HardshipCase:
    case = taken_by_phone(account, team.agent, LIN_TAO)
    return case_decline(
        case=case,
        actor=team.agent,
        version=case.version,
        reason=(
            "Your income does not cover your essential spending and your other loan "
            "repayments, so no plan we could offer would be affordable. Free debt advice can "
            "help you deal with all your lenders together. You may appeal this decision."
        ),
    )


def _withdrawn(account: CardAccount, team: Team) -> HardshipCase:
    holder = holder_login(account)
    case = apply_online(account, holder, HU_JUN)
    return case_withdraw(
        case=case,
        actor=holder,
        version=case.version,
        reason="I found a new job and can pay the arrears myself.",
    )


def _closed(account: CardAccount, team: Team) -> HardshipCase:
    case = taken_by_phone(account, team.agent, TANG_XIN)
    return case_close(
        case=case,
        actor=team.agent,
        version=case.version,
        reason="The customer's invoice was paid and the arrears were cleared in full.",
    )


STORIES: tuple[Story, ...] = (
    Story("9136", CaseStatus.SUBMITTED, "applied online, waiting in the queue", _submitted, True),
    Story("1874", CaseStatus.IN_REVIEW, "phoned in, claimed by Chen Jing", _in_review),
    Story(
        "0386",
        CaseStatus.AWAITING_APPROVAL,
        f"{LONG_TERM_MONTHS}-month offer waiting for Wang Fang",
        _awaiting_approval,
    ),
    Story(
        "3307",
        CaseStatus.AWAITING_CARDHOLDER,
        f"{HOLIDAY_MONTHS}-month payment holiday offered to Li Wei",
        _awaiting_li_wei,
    ),
    Story("7702", CaseStatus.AGREED, "approved by Wang Fang, accepted by He Ping", _agreed, True),
    Story("8195", CaseStatus.DECLINED, "no affordable plan, declined", _declined),
    Story("5521", CaseStatus.WITHDRAWN, "withdrawn by the cardholder", _withdrawn, True),
    Story("7261", CaseStatus.CLOSED, "arrears paid, closed by Chen Jing", _closed),
)


# --- Logins for the fictional holders ---------------------------------------------------------


def holder_login_email(holder_name: str) -> str:
    """`Wu Hong` -> `wu.hong@demo.example`."""
    return ".".join(holder_name.lower().split()) + "@demo.example"


def holder_login(account: CardAccount) -> User:
    """The fictional holder's demo-only login, created and linked to `account` if need be.

    Linked through the real enrolment check (card digits, date of birth, ID digits), as the
    holder would link it, so the link is audited like any other."""
    email = holder_login_email(account.holder_name)
    holder = User.objects.filter(email=email).first()
    if holder is None:
        holder = account_services.user_create(
            email=email,
            password=DEMO_PASSWORD,
            role=Role.CARDHOLDER,
            full_name=account.holder_name,
            email_verified=True,
        )
    if account.holder_id != holder.pk:
        enrolment_link(
            user=holder,
            card_last4=account.card_last4,
            birth_date=account.holder_birth_date,
            id_last4=account.holder_id_last4,
        )
        account.refresh_from_db()
    return holder


# --- Seeding ---------------------------------------------------------------------------------


def demo_team() -> Team | None:
    emails = (AGENT_EMAIL, SUPERVISOR_EMAIL, DEMO_CARDHOLDER_EMAIL)
    by_email = {user.email: user for user in User.objects.filter(email__in=emails)}
    if len(by_email) < len(emails):
        return None
    return Team(
        agent=by_email[AGENT_EMAIL],
        supervisor=by_email[SUPERVISOR_EMAIL],
        li_wei=by_email[DEMO_CARDHOLDER_EMAIL],
    )


def demo_account(card_last4: str) -> CardAccount:
    spec = next(spec for spec in DEMO_ACCOUNTS if spec.card_last4 == card_last4)
    return CardAccount.objects.get(bank_reference=spec.reference)


@transaction.atomic
def demo_cases_seed() -> list[str]:
    """Tell every story whose card account has no case yet; report each story's case.

    Idempotent: a second run finds every account with its case and changes nothing. A story
    the services refuse (someone changed the demo data by hand) is reported, not forced.
    """
    team = demo_team()
    if team is None:
        return ["", "  Hardship cases: the demo staff or Li Wei are missing, no cases seeded."]
    created, refused = 0, []
    for story in STORIES:
        account = demo_account(story.card_last4)
        if account.cases.exists():
            continue
        try:
            with transaction.atomic():
                story.tell(account, team)
            created += 1
        except (CaseActionRefused, EnrolmentRefused) as refusal:
            refused.append(f"  Card {story.card_last4}: no demo case, refused: {refusal}")
    return _report(created=created, refused=refused)


def _report(*, created: int, refused: list[str]) -> list[str]:
    lines = ["", f"  Hardship cases ({created} new), one in every state:"]
    logins = []
    for story in STORIES:
        account = demo_account(story.card_last4)
        case = account.cases.order_by("-created_at", "-pk").first()
        if case is None:
            continue
        lines.append(
            f"    {case.reference}  {case.status:<20} card {account.card_last4}  "
            f"{account.holder_name:<10} {story.how}"
        )
        if story.holder_acts and account.holder is not None:
            logins.append(f"    {account.holder.email:<26} {account.holder_name}")
    lines.extend(refused)
    offer = Offer.objects.filter(
        case__account__holder__email=DEMO_CARDHOLDER_EMAIL, status=OfferStatus.OPEN
    ).first()
    if offer is not None:
        free_cards = CardAccount.objects.filter(
            holder__email=DEMO_CARDHOLDER_EMAIL, cases__isnull=True
        ).values_list("card_last4", flat=True)
        lines.append(
            f"  Li Wei ({DEMO_CARDHOLDER_EMAIL}) has an offer waiting on card "
            f"{offer.case.account.card_last4} ({offer.case.reference}); he can still apply "
            f"on card {', '.join(sorted(free_cards)) or '(none)'}."
        )
    if logins:
        lines.append(f"  The cardholders who act on their case sign in with {DEMO_PASSWORD}:")
        lines.extend(logins)
    return lines


@register_seeder(order=20)
def seed_demo_cases() -> list[str]:
    return demo_cases_seed()
