"""After "I accept": the plan is the snapshot of what was shown, and its agreement is rendered
in the cardholder's language with every instalment, a CJK font embedded for Chinese."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from cases import negotiation as n
from cases.models import CaseEvent, CaseStatus
from cases.negotiation.answers import offer_accept
from cases.planning import first_due_date
from plans.agreement import render_agreement
from plans.calculator import PlanTerms, PlanType, build_schedule
from plans.models import AgreementStatus, InstalmentStatus, RepaymentPlan
from plans.signing import agreement_prepare
from tests.cases.negotiation.test_negotiation import consent_for

pytestmark = pytest.mark.django_db

PLAN_TERMS: dict[str, dict[str, Any]] = {
    "instalment": {"apr": Decimal("12"), "months": 24},
    "interest_free": {"months": 36},
    "fee_instalment": {"months": 24, "fee_rate": Decimal("0.5")},
    "deferral": {"apr": Decimal("12"), "months": 21, "deferral_months": 3},
    "step_up": {"apr": Decimal("12"), "months": 36, "step_months": 6, "step_ratio": Decimal("0.5")},
    "settlement": {"settlement_percent": Decimal("60"), "settlement_payments": 3},
}


def _schedule(case, plan_type):
    acc = case.account
    return build_schedule(
        PlanTerms(
            plan_type=PlanType(plan_type),
            balance=acc.principal_balance,
            start_date=first_due_date(),
            accrued_interest=acc.interest_balance + acc.penalty_interest_balance,
            fees=acc.fees_balance,
            interest_waived=Decimal("100.00"),
            **PLAN_TERMS[plan_type],
        )
    )


def _accepted(case, agent, supervisor, cardholder, plan_type, *, language="en"):
    case = n.case_claim(case=case, actor=supervisor, version=case.version)
    offer = n.offer_propose(
        case=case,
        actor=supervisor,
        version=case.version,
        schedule=_schedule(case, plan_type),
        rationale="Fits your budget",
    )
    case.refresh_from_db()
    with translation.override(language):
        offer_accept(
            offer=offer, actor=cardholder, version=case.version, consent=consent_for(offer)
        )
    return offer


@pytest.mark.parametrize("plan_type", list(PLAN_TERMS))
def test_the_plan_is_exactly_the_accepted_snapshot(
    submitted, agent, supervisor, cardholder, plan_type
):
    offer = _accepted(submitted, agent, supervisor, cardholder, plan_type)
    plan = RepaymentPlan.objects.get(case=submitted)
    shown = offer.acceptance.schedule
    made = list(plan.instalments.all())
    assert len(made) == len(shown)
    for row, instalment in zip(shown, made, strict=True):
        assert instalment.number == row["n"]
        assert instalment.due_date.isoformat() == row["due_date"]
        assert str(instalment.amount) == row["payment"]
        assert str(instalment.principal) == row["principal"]
        assert str(instalment.interest) == row["interest"]
        assert str(instalment.fee) == row["fee"]
        assert str(instalment.balance_after) == row["balance"]
        expected = (
            InstalmentStatus.SCHEDULED if Decimal(row["payment"]) else InstalmentStatus.NOTHING_DUE
        )
        assert instalment.status == expected
    # ...and it agrees to the cent with the calculator's schedule for the same terms.
    again = _schedule(submitted, plan_type)
    assert [i.amount for i in made] == [r.payment for r in again.rows]
    assert sum(i.amount for i in made) == plan.total_payable == again.total_payable
    assert str(plan.financed_amount) == offer.acceptance.figures["financed_amount"]
    assert plan.interest_waived == Decimal("100.00")
    assert plan.case.status == CaseStatus.AGREED
    assert CaseEvent.objects.filter(case=submitted, kind="plan_created").exists()
    assert plan.agreement.status == AgreementStatus.QUEUED


def test_an_acceptance_refused_makes_no_plan(submitted, supervisor, cardholder):
    case = n.case_claim(case=submitted, actor=supervisor, version=submitted.version)
    offer = n.offer_propose(
        case=case,
        actor=supervisor,
        version=case.version,
        schedule=_schedule(case, "instalment"),
        rationale="x",
    )
    case.refresh_from_db()
    with pytest.raises(Exception):  # noqa: B017, PT011 - any refusal
        offer_accept(offer=offer, actor=cardholder, version=case.version, consent=None)
    assert not RepaymentPlan.objects.exists()


def _poppler(tool: str, *args: str, stdin: bytes | None = None) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} is not installed"
    return subprocess.run(  # noqa: S603 - our own arguments
        [path, *args], input=stdin, capture_output=True, check=True
    ).stdout.decode()


def _pdftotext(pdf: bytes) -> str:
    return _poppler("pdftotext", "-layout", "-", "-", stdin=pdf)


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdffonts)"
)


@needs_poppler
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Repayment plan agreement", "Every payment", "Amount to repay under the plan"]),
        ("zh-hans", ["还款", "每一期还款"]),
    ],
)
def test_the_agreement_is_rendered_in_the_cardholders_language_with_every_row(
    submitted, agent, supervisor, cardholder, language, words, tmp_path
):
    _accepted(submitted, agent, supervisor, cardholder, "deferral", language=language)
    plan = RepaymentPlan.objects.get(case=submitted)
    assert plan.language == language
    agreement = agreement_prepare(agreement_id=plan.agreement.pk)
    assert agreement.status == AgreementStatus.READY
    pdf = agreement.draft.read()
    assert pdf.startswith(b"%PDF")
    text = _pdftotext(pdf)
    for word in words:
        assert word in text
    assert plan.reference in text
    # Every instalment is printed, the months with nothing to pay included.
    for instalment in plan.instalments.all():
        assert f"{instalment.amount:,}" in text
    path = tmp_path / "agreement.pdf"
    path.write_bytes(pdf)
    fonts = _poppler("pdffonts", str(path))
    embedded = [line.split()[0] for line in fonts.splitlines()[2:] if " yes " in line]
    assert any("DejaVu" in name for name in embedded)  # the Latin font first...
    # ...and the CJK fallback only where Chinese is written (else the PDF grows sevenfold).
    assert any("CJK" in name for name in embedded) == (language == "zh-hans")
    # Prepared once: a task delivered again changes nothing.
    again = agreement_prepare(agreement_id=plan.agreement.pk)
    assert again.draft_sha256 == agreement.draft_sha256
    assert again.attempts == 1


def test_a_failed_render_is_visible_and_can_be_done_again(
    submitted, agent, supervisor, cardholder, monkeypatch
):
    _accepted(submitted, agent, supervisor, cardholder, "instalment")
    plan = RepaymentPlan.objects.get(case=submitted)

    def broken(*args, **kwargs):
        raise OSError("fonts missing")

    monkeypatch.setattr("plans.signing.render_agreement", broken)
    with pytest.raises(OSError, match="fonts missing"):
        agreement_prepare(agreement_id=plan.agreement.pk)
    plan.agreement.refresh_from_db()
    assert plan.agreement.status == AgreementStatus.FAILED
    assert "fonts missing" in plan.agreement.error
    monkeypatch.setattr("plans.signing.render_agreement", render_agreement)
    assert agreement_prepare(agreement_id=plan.agreement.pk).status == AgreementStatus.READY


def test_the_public_check_refuses_what_the_bank_did_not_sign(
    client, submitted, agent, supervisor, cardholder
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    _accepted(submitted, agent, supervisor, cardholder, "instalment")
    plan = RepaymentPlan.objects.get(case=submitted)
    draft_pdf = agreement_prepare(agreement_id=plan.agreement.pk).draft.read()
    url = reverse("plans:verify")
    assert client.get(url).status_code == 200  # no login needed
    unsigned = client.post(url, {"document": SimpleUploadedFile("a.pdf", draft_pdf)})
    assert "Not an authentic agreement of this bank" in unsigned.content.decode()
    assert "not one the bank signed" in unsigned.content.decode()
    text = client.post(url, {"document": SimpleUploadedFile("a.pdf", b"hello")})
    assert "The file is not a PDF." in text.content.decode()
    empty = client.post(url, {})
    assert empty.status_code == 400


def test_staff_see_the_plan_and_prepare_a_failed_agreement_again(
    client_for, submitted, agent, supervisor, cardholder, monkeypatch
):
    from django.urls import reverse

    _accepted(submitted, agent, supervisor, cardholder, "instalment")
    plan = RepaymentPlan.objects.get(case=submitted)
    monkeypatch.setattr(
        "plans.signing.render_agreement", lambda *a, **k: (_ for _ in ()).throw(OSError("no fonts"))
    )
    with pytest.raises(OSError, match="no fonts"):
        agreement_prepare(agreement_id=plan.agreement.pk)
    monkeypatch.setattr("plans.signing.render_agreement", render_agreement)
    client = client_for(supervisor)
    page = client.get(reverse("cases:review", args=[submitted.pk])).content.decode()
    assert 'data-testid="staff-plan"' in page
    assert "no fonts" in page
    client.post(reverse("plans:agreement_retry", args=[submitted.pk]))
    plan.agreement.refresh_from_db()
    assert plan.agreement.status == AgreementStatus.READY
    # The cardholder, not staff, is the one who signs.
    assert client.get(reverse("plans:agreement", args=[submitted.pk])).status_code == 403
