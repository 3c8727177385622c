"""The cardholder signs with their typed name and a one-time code; the bank's PAdES signature
makes the file provable to anyone; one changed byte, or a foreign file, is refused."""

from __future__ import annotations

import io
import re
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import CaseEvent, CaseStatus
from plans.models import AgreementStatus, PlanStatus, RepaymentPlan
from plans.signing import agreement_prepare
from plans.verification import verify
from tests.plans.test_plan_and_agreement import _accepted

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(submitted, agent, supervisor, cardholder, signing_cert):
    _accepted(submitted, agent, supervisor, cardholder, "deferral")
    plan = RepaymentPlan.objects.get(case=submitted)
    agreement_prepare(agreement_id=plan.agreement.pk)
    return plan


def _code(client, plan, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("plans:agreement_code", args=[plan.case_id]))
    found = re.search(r"is (\d{6})\.", str(mail.outbox[-1].body))
    assert found
    return found.group(1)


def test_the_cardholder_signs_and_the_plan_becomes_active(
    client_for, cardholder, ready, django_capture_on_commit_callbacks
):
    client = client_for(cardholder)
    page = client.get(reverse("plans:agreement", args=[ready.case_id]))
    assert page.status_code == 200
    assert 'data-testid="sign-form"' in page.content.decode()
    pdf = client.get(reverse("plans:agreement_pdf", args=[ready.case_id]))
    assert pdf["Content-Type"] == "application/pdf"
    code = _code(client, ready, django_capture_on_commit_callbacks)
    wrong_name = client.post(
        reverse("plans:agreement_sign", args=[ready.case_id]),
        {"full_name": "Somebody Else", "code": code},
    )
    assert wrong_name.status_code == 400
    assert "Type your full name exactly" in wrong_name.content.decode()
    signed = client.post(
        reverse("plans:agreement_sign", args=[ready.case_id]),
        {"full_name": ready.account.holder_name.upper(), "code": code},
    )
    assert signed.status_code == 302
    ready = RepaymentPlan.objects.select_related("agreement", "case").get(pk=ready.pk)
    agreement = ready.agreement
    assert agreement.status == AgreementStatus.SIGNED
    assert ready.status == PlanStatus.ON_TRACK
    assert ready.case.status == CaseStatus.ACTIVE
    assert CaseEvent.objects.filter(case=ready.case, kind="agreement_signed").exists()
    data = agreement.signed.read()
    verdict = verify(data)
    assert verdict.authentic, verdict.reason
    assert verdict.agreement == agreement
    # The public page says so too, naming the agreement with the holder's name masked.
    result = client.post(
        reverse("plans:verify"), {"document": SimpleUploadedFile("a.pdf", data)}
    ).content.decode()
    assert "Authentic and unchanged" in result
    assert ready.reference in result
    assert ready.account.holder_name not in result


def test_one_changed_byte_or_an_appended_update_is_refused(
    client_for, cardholder, ready, django_capture_on_commit_callbacks
):
    from plans.signing import agreement_sign

    client = client_for(cardholder)
    code = _code(client, ready, django_capture_on_commit_callbacks)
    agreement = agreement_sign(
        agreement=ready.agreement,
        actor=cardholder,
        name_typed=ready.account.holder_name,
        code=code,
        ip_address="203.0.113.7",
        user_agent="test",
    )
    data = agreement.signed.read()
    index = data.index(b"Repayment") if b"Repayment" in data else len(data) // 2
    changed = data[:index] + bytes([data[index] ^ 1]) + data[index + 1 :]
    assert not verify(changed).authentic
    assert not verify(data + b"\n% appended\n").authentic
    assert verify(data).authentic


def test_a_wrong_code_counts_and_changes_nothing(
    client_for, cardholder, ready, django_capture_on_commit_callbacks
):
    client = client_for(cardholder)
    code = _code(client, ready, django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(
        reverse("plans:agreement_sign", args=[ready.case_id]),
        {"full_name": ready.account.holder_name, "code": wrong},
    )
    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    ready.agreement.refresh_from_db()
    assert ready.agreement.status == AgreementStatus.READY
    assert ready.agreement.code_attempts == 1


def test_only_the_cardholder_signs_and_others_get_404(client_for, other_cardholder, agent, ready):
    assert (
        client_for(other_cardholder)
        .get(reverse("plans:agreement", args=[ready.case_id]))
        .status_code
        == 404
    )
    assert (
        client_for(other_cardholder)
        .get(reverse("plans:agreement_pdf", args=[ready.case_id]))
        .status_code
        == 404
    )
    staff = client_for(agent)
    assert staff.get(reverse("plans:agreement_pdf", args=[ready.case_id])).status_code == 200
    assert staff.post(reverse("plans:agreement_code", args=[ready.case_id])).status_code == 403


def test_a_missing_certificate_is_a_clear_error(settings, tmp_path):
    from plans.certificates import SigningCertificateError, check_signing_certificate

    settings.AGREEMENT_SIGNING_CERT = tmp_path / "none.pem"
    with pytest.raises(SigningCertificateError, match="make_signing_cert"):
        check_signing_certificate()


def test_the_command_line_check_exits_zero_only_for_an_authentic_file(
    client_for, cardholder, ready, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.management import CommandError, call_command

    from plans.signing import agreement_sign

    code = _code(client_for(cardholder), ready, django_capture_on_commit_callbacks)
    agreement = agreement_sign(
        agreement=ready.agreement,
        actor=cardholder,
        name_typed=ready.account.holder_name,
        code=code,
        ip_address=None,
        user_agent="",
    )
    good = tmp_path / "good.pdf"
    good.write_bytes(agreement.signed.read())
    call_command("verify_agreement", str(good))  # no error: exit 0
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(good.read_bytes().replace(b"/Type", b"/Typf", 1))
    with pytest.raises(CommandError, match="NOT AUTHENTIC"):
        call_command("verify_agreement", str(bad))
    draft = tmp_path / "draft.pdf"
    draft.write_bytes(agreement.draft.read())
    with pytest.raises(CommandError, match="NOT AUTHENTIC"):
        call_command("verify_agreement", str(draft))


def test_an_agreement_not_signed_in_time_expires_and_the_case_returns_to_review(
    client_for, cardholder, ready
):
    from datetime import timedelta

    from plans.signing import agreements_expire_due

    later = ready.sign_by + timedelta(minutes=1)
    assert agreements_expire_due(now=ready.sign_by - timedelta(minutes=1)) == 0
    assert agreements_expire_due(now=later) == 1
    assert agreements_expire_due(now=later) == 0  # beat running twice changes nothing
    plan = RepaymentPlan.objects.select_related("agreement", "case").get(pk=ready.pk)
    assert plan.status == PlanStatus.EXPIRED
    assert plan.agreement.status == AgreementStatus.EXPIRED
    assert plan.case.status == CaseStatus.IN_REVIEW
    assert CaseEvent.objects.filter(case=plan.case, kind="agreement_expired").exists()
    page = client_for(cardholder).get(reverse("plans:agreement", args=[plan.case_id]))
    assert "not signed in time" in page.content.decode()


def test_a_withdrawn_case_leaves_nothing_to_sign(
    client_for, cardholder, ready, django_capture_on_commit_callbacks
):
    from cases.portal.services import case_withdraw

    client = client_for(cardholder)
    code = _code(client, ready, django_capture_on_commit_callbacks)
    case = ready.case
    case.refresh_from_db()
    case_withdraw(case=case, actor=cardholder, version=case.version)
    response = client.post(
        reverse("plans:agreement_sign", args=[ready.case_id]),
        {"full_name": ready.account.holder_name, "code": code},
    )
    assert response.status_code == 400
    assert "cannot be signed now" in response.content.decode()
    assert RepaymentPlan.objects.get(pk=ready.pk).agreement.status == AgreementStatus.READY
    page = client.get(reverse("plans:agreement", args=[ready.case_id])).content.decode()
    assert "the case has ended" in page


def test_a_cardholder_who_chose_text_messages_gets_the_code_by_sms(
    client_for, cardholder, ready, django_capture_on_commit_callbacks, sms_outbox
):
    profile = cardholder.profile
    profile.preferred_channel, profile.phone = "sms", "13800138000"
    # Opting out of reminders by text does not stop a code the cardholder asked for.
    profile.reminders_by_sms = False
    profile.save()
    client = client_for(cardholder)
    page = client.get(reverse("plans:agreement", args=[ready.case_id])).content.decode()
    assert "by text message to your number ending 8000" in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("plans:agreement_code", args=[ready.case_id]), follow=True)
    assert "by text message to your number ending 8000" in answer.content.decode()
    assert mail.outbox == []
    code = re.search(r"is (\d{6})\.", sms_outbox[-1].text)
    assert code
    assert sms_outbox[-1].phone == "13800138000"
    signed = client.post(
        reverse("plans:agreement_sign", args=[ready.case_id]),
        {"full_name": ready.account.holder_name, "code": code.group(1)},
    )
    assert signed.status_code == 302
    ready.agreement.refresh_from_db()
    assert ready.agreement.code_channel == "sms"


class _TimeStampingAuthority(ThreadingHTTPServer):
    """An RFC 3161 authority on a local port, answering with pyHanko's dummy TSA."""


def _tsa(folder):
    from asn1crypto import keys as asn1_keys
    from asn1crypto import tsp
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = folder / "tsa.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    authority = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = authority.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = _TimeStampingAuthority(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, pem


def test_with_a_time_stamping_authority_the_signature_carries_its_timestamp(
    client_for, cardholder, ready, django_capture_on_commit_callbacks, settings, tmp_path
):
    from pyhanko.pdf_utils.reader import PdfFileReader

    server, pem = _tsa(tmp_path)
    try:
        settings.AGREEMENT_TSA_URL = f"http://127.0.0.1:{server.server_port}/"
        settings.AGREEMENT_TSA_CERT = str(pem)
        client = client_for(cardholder)
        code = _code(client, ready, django_capture_on_commit_callbacks)
        signed = client.post(
            reverse("plans:agreement_sign", args=[ready.case_id]),
            {"full_name": ready.account.holder_name, "code": code},
        )
        assert signed.status_code == 302
    finally:
        server.shutdown()
    data = RepaymentPlan.objects.get(pk=ready.pk).agreement.signed.read()
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    unsigned = signature.signer_info["unsigned_attrs"].native or []
    assert any(a["type"] == "signature_time_stamp_token" for a in unsigned)
    assert verify(data).authentic
    # Without trusting the authority, the timestamp (and so the file) is not accepted.
    settings.AGREEMENT_TSA_CERT = ""
    assert not verify(data).authentic


def test_an_authority_that_does_not_answer_refuses_cleanly(
    client_for, cardholder, ready, django_capture_on_commit_callbacks, settings
):
    settings.AGREEMENT_TSA_URL = "http://127.0.0.1:9/"  # nothing listens on the discard port
    client = client_for(cardholder)
    code = _code(client, ready, django_capture_on_commit_callbacks)
    response = client.post(
        reverse("plans:agreement_sign", args=[ready.case_id]),
        {"full_name": ready.account.holder_name, "code": code},
    )
    assert response.status_code == 400
    assert "could not complete the bank&#x27;s signature" in response.content.decode()
    assert RepaymentPlan.objects.get(pk=ready.pk).agreement.status == AgreementStatus.READY


def test_a_phone_number_changed_just_now_gets_no_codes_and_the_owner_is_told(
    client_for, cardholder, ready, django_capture_on_commit_callbacks, sms_outbox
):
    from accounts.services import profile_update

    profile = cardholder.profile
    profile.preferred_channel = "sms"
    profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(profile=profile, actor=cardholder, phone="13900139000")
    assert mail.outbox[-1].to == [cardholder.email]
    assert "phone number was changed" in mail.outbox[-1].subject
    client = client_for(cardholder)
    code = _code(client, ready, django_capture_on_commit_callbacks)  # read from the email
    assert code
    assert sms_outbox == []
