"""Every transition of the negotiation, and every forbidden one."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases import negotiation as n
from cases.core import CaseActionRefused, CaseChanged
from cases.models import CaseEvent, CaseStatus, Offer, OfferStatus
from cases.planning import first_due_date
from plans.calculator import PlanTerms, PlanType, build_schedule

pytestmark = pytest.mark.django_db


def quote(case, *, months=24, interest_waived="0.00", apr=None):
    account = case.account
    return build_schedule(
        PlanTerms(
            plan_type=PlanType.INSTALMENT,
            balance=account.principal_balance,
            start_date=first_due_date(),
            apr=account.apr if apr is None else Decimal(apr),
            months=months,
            accrued_interest=account.interest_balance + account.penalty_interest_balance,
            interest_waived=Decimal(interest_waived),
            fees=account.fees_balance,
        )
    )


def consent_for(offer):
    """The consent a cardholder gives on the page: the hash of the disclosure they read."""
    from cases.disclosure import disclosure_for
    from cases.models import Offer
    from cases.negotiation.answers import Consent

    offer = Offer.objects.get(pk=offer.pk)
    return Consent(shown_sha256=disclosure_for(offer, offer.case.account).sha256)


def fresh(case):
    case.refresh_from_db()
    return case


@pytest.fixture
def in_review(submitted, agent):
    return n.case_claim(case=submitted, actor=agent, version=submitted.version)


def test_claiming_puts_the_case_in_review_with_the_agent(submitted, agent):
    case = n.case_claim(case=submitted, actor=agent, version=submitted.version)
    assert (case.status, case.assignee) == (CaseStatus.IN_REVIEW, agent)
    assert CaseEvent.objects.filter(
        case=case, kind="claimed", from_status="submitted", to_status="in_review"
    ).exists()


def test_a_claimed_case_cannot_be_claimed_by_another_agent(in_review, other_agent):
    with pytest.raises(CaseActionRefused, match="already claimed"):
        n.case_claim(case=in_review, actor=other_agent, version=in_review.version)


def test_cardholders_cannot_claim(submitted, cardholder):
    with pytest.raises(CaseActionRefused):
        n.case_claim(case=submitted, actor=cardholder, version=submitted.version)


def test_supervisors_assign_and_reassign_agents_cannot(submitted, supervisor, agent, other_agent):
    case = n.case_assign(
        case=submitted, actor=supervisor, assignee=agent, version=submitted.version
    )
    assert case.assignee == agent
    case = n.case_assign(case=case, actor=supervisor, assignee=other_agent, version=case.version)
    assert case.assignee == other_agent
    with pytest.raises(CaseActionRefused, match="Only a supervisor"):
        n.case_assign(case=case, actor=agent, assignee=agent, version=case.version)


def test_an_offer_within_authority_goes_to_the_cardholder(in_review, agent, cardholder):
    offer = n.offer_propose(
        case=in_review,
        actor=agent,
        version=in_review.version,
        schedule=quote(in_review),
        rationale="Fits your budget",
    )
    case = fresh(in_review)
    assert case.status == CaseStatus.AWAITING_CARDHOLDER
    assert offer.status == OfferStatus.OPEN
    assert offer.expires_at is not None
    assert offer.expires_at > timezone.now() + timedelta(days=13)
    previous = offer.supersedes
    assert previous is not None
    assert previous.proposer == "cardholder"
    assert previous.status == OfferStatus.SUPERSEDED
    assert cardholder.notifications.filter(title__startswith="You have an offer").exists()


def test_an_offer_beyond_authority_waits_for_a_supervisor_with_the_excess(
    in_review, agent, supervisor
):
    accrued = in_review.account.interest_balance + in_review.account.penalty_interest_balance
    offer = n.offer_propose(
        case=in_review,
        actor=agent,
        version=in_review.version,
        schedule=quote(in_review, months=48, interest_waived=str(accrued)),
        rationale="Long illness",
    )
    assert fresh(in_review).status == CaseStatus.AWAITING_APPROVAL
    assert offer.status == OfferStatus.PENDING_APPROVAL
    limits = {item["limit"]: item for item in offer.exceeds}
    assert limits["term"] == {"limit": "term", "allowed": "36", "offered": "48"}
    assert limits["interest_waiver"]["offered"] == str(accrued)
    assert Decimal(limits["interest_waiver"]["allowed"]) == (accrued / 2).quantize(
        Decimal("0.01"), "ROUND_DOWN"
    )


def test_an_offer_needs_a_rationale(in_review, agent):
    with pytest.raises(CaseActionRefused, match="rationale"):
        n.offer_propose(
            case=in_review,
            actor=agent,
            version=in_review.version,
            schedule=quote(in_review),
            rationale=" ",
        )
    assert fresh(in_review).status == CaseStatus.IN_REVIEW


@pytest.fixture
def pending(in_review, agent, supervisor):
    return n.offer_propose(
        case=in_review,
        actor=agent,
        version=in_review.version,
        schedule=quote(in_review, months=48),
        rationale="Needs time",
    )


def test_a_supervisor_approves_and_the_cardholder_gets_the_offer(pending, supervisor):
    case = fresh(pending.case)
    offer = n.offer_approve(offer=pending, actor=supervisor, version=case.version)
    assert offer.status == OfferStatus.OPEN
    assert offer.decided_by == supervisor
    assert fresh(case).status == CaseStatus.AWAITING_CARDHOLDER


def test_a_maker_never_approves_their_own_offer(in_review, supervisor):
    # A supervisor working a case is a maker too: their own offer needs another supervisor.
    n.case_assign(case=in_review, actor=supervisor, assignee=supervisor, version=in_review.version)
    case = fresh(in_review)
    accrued = case.account.interest_balance + case.account.penalty_interest_balance
    offer = n.offer_propose(
        case=case,
        actor=supervisor,
        version=case.version,
        schedule=quote(case, interest_waived=str(accrued)),
        rationale="x",
    )
    # Within the supervisor's own authority: it goes straight out, no approval to fake.
    assert offer.status == OfferStatus.OPEN


def test_an_agent_cannot_approve_nor_can_the_maker(pending, agent, other_agent):
    case = fresh(pending.case)
    with pytest.raises(CaseActionRefused, match="Only a supervisor"):
        n.offer_approve(offer=pending, actor=other_agent, version=case.version)
    with pytest.raises(CaseActionRefused):
        n.offer_approve(offer=pending, actor=agent, version=case.version)
    assert fresh(case).status == CaseStatus.AWAITING_APPROVAL


def test_the_maker_check_applies_to_supervisors_too(pending, supervisor):
    Offer.objects.filter(pk=pending.pk).update(created_by=supervisor)
    pending.refresh_from_db()
    with pytest.raises(CaseActionRefused, match="someone else must approve"):
        n.offer_approve(offer=pending, actor=supervisor, version=fresh(pending.case).version)


def test_a_rejection_needs_a_reason_and_is_kept(pending, supervisor):
    case = fresh(pending.case)
    with pytest.raises(CaseActionRefused, match="reason"):
        n.offer_reject(offer=pending, actor=supervisor, version=case.version, reason="")
    offer = n.offer_reject(
        offer=pending, actor=supervisor, version=case.version, reason="Income supports 36 months"
    )
    assert offer.status == OfferStatus.REJECTED
    assert fresh(case).status == CaseStatus.IN_REVIEW
    event = CaseEvent.objects.get(case=case, kind="offer_rejected")
    assert event.payload["reason"] == "Income supports 36 months"
    assert Offer.objects.filter(pk=offer.pk).exists()


@pytest.fixture
def open_offer(in_review, agent):
    return n.offer_propose(
        case=in_review,
        actor=agent,
        version=in_review.version,
        schedule=quote(in_review),
        rationale="Fits",
    )


def test_the_cardholder_accepts_with_consent(open_offer, cardholder, agent):
    case = fresh(open_offer.case)
    with pytest.raises(CaseActionRefused, match="Tick the box"):
        n.offer_accept(offer=open_offer, actor=cardholder, version=case.version, consent=None)
    offer = n.offer_accept(
        offer=open_offer, actor=cardholder, version=case.version, consent=consent_for(open_offer)
    )
    assert offer.status == OfferStatus.ACCEPTED
    assert fresh(case).status == CaseStatus.AGREED
    assert agent.notifications.filter(title__startswith="The cardholder accepted").exists()


def test_an_offer_cannot_be_accepted_twice(open_offer, cardholder):
    case = fresh(open_offer.case)
    n.offer_accept(
        offer=open_offer, actor=cardholder, version=case.version, consent=consent_for(open_offer)
    )
    with pytest.raises(CaseActionRefused):
        n.offer_accept(
            offer=open_offer,
            actor=cardholder,
            version=fresh(case).version,
            consent=consent_for(open_offer),
        )


def test_an_expired_offer_cannot_be_accepted_and_expiry_returns_the_case_to_review(
    open_offer, cardholder
):
    Offer.objects.filter(pk=open_offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    case = fresh(open_offer.case)
    open_offer.refresh_from_db()
    with pytest.raises(CaseActionRefused, match="expired"):
        n.offer_accept(
            offer=open_offer,
            actor=cardholder,
            version=case.version,
            consent=consent_for(open_offer),
        )
    assert n.offers_expire_due() == 1
    assert n.offers_expire_due() == 0
    open_offer.refresh_from_db()
    assert open_offer.status == OfferStatus.EXPIRED
    assert fresh(case).status == CaseStatus.IN_REVIEW


def test_a_superseded_offer_cannot_be_accepted(open_offer, agent, cardholder):
    case = fresh(open_offer.case)
    n.offer_decline(offer=open_offer, actor=cardholder, version=case.version, reason="Too high")
    case = fresh(case)
    n.offer_propose(
        case=case,
        actor=agent,
        version=case.version,
        schedule=quote(case, months=30),
        rationale="Lower",
    )
    with pytest.raises(CaseActionRefused, match="no longer open"):
        n.offer_accept(
            offer=open_offer,
            actor=cardholder,
            version=fresh(case).version,
            consent=consent_for(open_offer),
        )


def test_another_cardholder_cannot_accept(open_offer, other_cardholder):
    with pytest.raises(CaseActionRefused, match="Only the cardholder"):
        n.offer_accept(
            offer=open_offer,
            actor=other_cardholder,
            version=fresh(open_offer.case).version,
            consent=consent_for(open_offer),
        )


def test_the_cardholder_counters_and_the_case_returns_to_review(open_offer, cardholder):
    case = fresh(open_offer.case)
    counter = n.offer_counter(
        offer=open_offer,
        actor=cardholder,
        version=case.version,
        schedule=quote(case, months=36),
        note="Can pay less",
    )
    assert counter.proposer == "cardholder"
    assert counter.supersedes == open_offer
    assert fresh(case).status == CaseStatus.IN_REVIEW


def test_request_information_and_the_reply_returns_the_case(in_review, agent, cardholder):
    due = timezone.localdate() + timedelta(days=7)
    case = n.case_request_info(
        case=in_review, actor=agent, version=in_review.version, request="Send payslips", due=due
    )
    assert (case.status, case.info_due) == (CaseStatus.AWAITING_CARDHOLDER, due)
    n.case_reply(case=case, actor=cardholder, version=case.version, body="Attached")
    case = fresh(case)
    assert case.status == CaseStatus.IN_REVIEW
    assert case.info_requested == ""


def test_request_information_needs_a_future_date(in_review, agent):
    with pytest.raises(CaseActionRefused, match="future"):
        n.case_request_info(
            case=in_review,
            actor=agent,
            version=in_review.version,
            request="x",
            due=timezone.localdate(),
        )


def test_decline_needs_a_reason_shown_and_appeal_goes_to_a_supervisor(
    in_review, agent, other_agent, cardholder, supervisor
):
    with pytest.raises(CaseActionRefused, match="reason"):
        n.case_decline(case=in_review, actor=agent, version=in_review.version, reason="")
    case = n.case_decline(
        case=in_review, actor=agent, version=in_review.version, reason="No income at all"
    )
    assert (case.status, case.outcome_reason) == (CaseStatus.DECLINED, "No income at all")
    case = n.case_appeal(
        case=case, actor=cardholder, version=case.version, reason="I start work next month"
    )
    assert (case.status, case.escalated, case.assignee) == (CaseStatus.IN_REVIEW, True, None)
    with pytest.raises(CaseActionRefused, match="only a supervisor"):
        n.case_claim(case=case, actor=other_agent, version=case.version)
    case = n.case_claim(case=case, actor=supervisor, version=case.version)
    assert case.assignee == supervisor


def test_close_needs_a_reason(in_review, agent):
    case = n.case_close(
        case=in_review, actor=agent, version=in_review.version, reason="Paid in full"
    )
    assert case.status == CaseStatus.CLOSED


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("decline", CaseStatus.SUBMITTED),
        ("agree", CaseStatus.IN_REVIEW),
        ("approve", CaseStatus.IN_REVIEW),
        ("appeal", CaseStatus.IN_REVIEW),
        ("submit", CaseStatus.IN_REVIEW),
        ("return_to_review", CaseStatus.SUBMITTED),
    ],
)
def test_forbidden_transitions_are_refused(submitted, agent, action, status):
    from cases.core import run_transition
    from cases.models import HardshipCase

    HardshipCase.objects.filter(pk=submitted.pk).update(status=status)
    case = fresh(submitted)
    with pytest.raises(CaseActionRefused, match="not possible"):
        run_transition(case, action)


def test_a_stale_version_changes_nothing(in_review, agent):
    with pytest.raises(CaseChanged):
        n.offer_propose(
            case=in_review,
            actor=agent,
            version=in_review.version - 1,
            schedule=quote(in_review),
            rationale="x",
        )
    assert fresh(in_review).status == CaseStatus.IN_REVIEW
    assert not Offer.objects.filter(proposer="bank").exists()


def test_an_unassigned_agent_must_claim_before_acting(in_review, other_agent):
    with pytest.raises(CaseActionRefused, match="Claim this case"):
        n.offer_propose(
            case=in_review,
            actor=other_agent,
            version=in_review.version,
            schedule=quote(in_review),
            rationale="x",
        )


def test_document_review_reason_is_required_for_a_rejection(in_review, agent, cardholder):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.documents import document_upload
    from tests.cases.conftest import PDF

    document = document_upload(
        case=in_review, actor=cardholder, uploaded_file=SimpleUploadedFile("a.pdf", PDF)
    )
    with pytest.raises(CaseActionRefused):
        n.document_review(document=document, actor=agent, accepted=False, reason="")
    document = n.document_review(
        document=document, actor=agent, accepted=False, reason="Unreadable photo"
    )
    assert (document.status, document.review_reason) == ("rejected", "Unreadable photo")


def test_outbound_contact_in_quiet_hours_warns_then_records_when_acknowledged(
    in_review, agent, cardholder
):
    import zoneinfo
    from datetime import datetime

    late = datetime(2026, 11, 20, 22, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    with pytest.raises(n.ContactRulesWarning) as warning:
        n.contact_record(
            case=in_review,
            actor=agent,
            channel="phone",
            direction="outbound",
            outcome="no_answer",
            notes="",
            occurred_at=late,
        )
    assert "quiet hours" in str(warning.value)
    log = n.contact_record(
        case=in_review,
        actor=agent,
        channel="phone",
        direction="outbound",
        outcome="no_answer",
        notes="",
        occurred_at=late,
        acknowledge_warnings=True,
    )
    assert log.rule_warnings


def test_the_daily_contact_cap_warns(in_review, agent):
    import zoneinfo
    from datetime import datetime

    noon = datetime(2026, 11, 20, 12, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    for minute in (0, 10):
        n.contact_record(
            case=in_review,
            actor=agent,
            channel="phone",
            direction="outbound",
            outcome="no_answer",
            notes="",
            occurred_at=noon.replace(minute=minute),
        )
    with pytest.raises(n.ContactRulesWarning, match="in 24 hours"):
        n.contact_record(
            case=in_review,
            actor=agent,
            channel="phone",
            direction="outbound",
            outcome="no_answer",
            notes="",
            occurred_at=noon.replace(minute=20),
        )
    # Inbound contacts are never limited.
    n.contact_record(
        case=in_review,
        actor=agent,
        channel="phone",
        direction="inbound",
        outcome="reached",
        notes="",
        occurred_at=noon.replace(minute=30),
    )
