import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.application.services import case_save_reason, case_submit
from cases.models import CaseEvent, Document, Message
from tests.cases.conftest import JPEG, PDF, PNG, fill_draft

pytestmark = pytest.mark.django_db


def _upload(client, case, content, name="evidence.pdf", kind="termination_letter"):
    return client.post(
        reverse("cases:apply", args=[case.pk, "evidence"]),
        {
            "evidence_kind": kind,
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )


@pytest.fixture
def job_loss_draft(draft, cardholder):

    return case_save_reason(
        case=draft,
        actor=cardholder,
        version=draft.version,
        reason="job_loss",
        duration="temporary",
        expected_recovery=None,
        own_words="",
    )


@pytest.mark.parametrize(
    ("content", "kind"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_pdf_jpeg_and_png_are_accepted_by_content(
    client_for, cardholder, job_loss_draft, content, kind
):
    # The name says .txt: only the content decides.
    response = _upload(client_for(cardholder), job_loss_draft, content, name="scan.txt")
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == kind
    assert document.original_name == "scan.txt"
    assert document.size == len(content)
    assert "scan" not in document.file.name  # stored under a name we chose


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 this is an executable", "is not a PDF, JPEG or PNG"),
        (b"%PDF-1.4 but truncated without its end", "is not a PDF, JPEG or PNG"),
        (b"", "The submitted file is empty."),
    ],
)
def test_disguised_or_broken_files_are_refused(
    client_for, cardholder, job_loss_draft, content, message
):
    response = _upload(client_for(cardholder), job_loss_draft, content, name="payslip.pdf")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_files_over_ten_megabytes_are_refused(client_for, cardholder, job_loss_draft):
    big = PDF[:-6] + b"0" * (10 * 1024 * 1024) + b"%%EOF\n"
    response = _upload(client_for(cardholder), job_loss_draft, big)
    assert "the largest we accept is 10 MB" in response.content.decode()
    assert not Document.objects.exists()


def test_the_checklist_follows_the_reason(client_for, cardholder, job_loss_draft):
    page = client_for(cardholder).get(reverse("cases:apply", args=[job_loss_draft.pk, "evidence"]))
    assert "Letter ending your job" in page.content.decode()
    assert "hospital certificate" not in page.content.decode()


def test_documents_are_served_to_the_owner_and_staff_only(
    client, client_for, cardholder, other_cardholder, agent, job_loss_draft, password
):
    _upload(client_for(cardholder), job_loss_draft, PDF)
    document = Document.objects.get()
    url = reverse("cases:document", args=[job_loss_draft.pk, document.pk])
    owner = client.get(url)
    assert owner.status_code == 200
    assert b"".join(owner.streaming_content) == PDF
    assert "no-store" in owner["Cache-Control"]
    assert "private" in owner["Cache-Control"]
    client.logout()
    assert client_for(other_cardholder).get(url).status_code == 404
    # Staff see an application once it is submitted, not while the cardholder writes it.
    staff = client_for(agent)
    assert staff.get(url).status_code == 404
    fill_draft(job_loss_draft, cardholder)
    job_loss_draft.refresh_from_db()
    case_submit(case=job_loss_draft, actor=cardholder, version=job_loss_draft.version)
    assert staff.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # anonymous: to login


def test_documents_are_stored_outside_the_web_root(
    settings, client_for, cardholder, job_loss_draft
):
    _upload(client_for(cardholder), job_loss_draft, PDF)
    path = Document.objects.get().file.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.STATIC_ROOT))


def test_a_document_can_be_removed_from_a_draft(client_for, cardholder, job_loss_draft):
    client = client_for(cardholder)
    _upload(client, job_loss_draft, PDF)
    document = Document.objects.get()
    client.post(reverse("cases:document_remove", args=[job_loss_draft.pk, document.pk]))
    assert not Document.objects.exists()
    assert CaseEvent.objects.filter(case=job_loss_draft, kind="document_removed").exists()


def test_messages_with_an_attachment_reach_the_case(client_for, cardholder, submitted):
    client = client_for(cardholder)
    response = client.post(
        reverse("cases:message", args=[submitted.pk]),
        {"body": "Here is my letter", "attachment": SimpleUploadedFile("letter.png", PNG)},
    )
    assert response.status_code == 302
    message = Message.objects.get(case=submitted)
    assert message.attachment is not None
    assert message.attachment.content_type == "image/png"
    assert not message.from_staff
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert "Here is my letter" in page
    assert "letter.png" in page


def test_a_message_with_a_disguised_attachment_sends_nothing(client_for, cardholder, submitted):
    response = client_for(cardholder).post(
        reverse("cases:message", args=[submitted.pk]),
        {"body": "See attached", "attachment": SimpleUploadedFile("letter.pdf", b"not a pdf")},
        follow=True,
    )
    assert "is not a PDF, JPEG or PNG" in response.content.decode()
    assert not Message.objects.exists()
    assert not Document.objects.exists()


def test_staff_messages_notify_the_cardholder(client_for, agent, cardholder, submitted):
    response = client_for(agent).post(
        reverse("cases:staff_message", args=[submitted.pk]), {"body": "Please send payslips"}
    )
    assert response.headers["Location"].startswith(reverse("cases:review", args=[submitted.pk]))
    message = Message.objects.get()
    assert message.from_staff
    assert cardholder.notifications.filter(title__startswith="New message").exists()


def test_another_cardholder_cannot_write_on_a_case(client_for, other_cardholder, submitted):
    response = client_for(other_cardholder).post(
        reverse("cases:message", args=[submitted.pk]), {"body": "hi"}
    )
    assert response.status_code == 404
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "served"),
    [
        ("page.html", PDF, "page.pdf"),
        ("photo.svg", PNG, "photo.png"),
        ("scan.exe", JPEG, "scan.jpg"),
        ("../../etc/passwd", PDF, "passwd.pdf"),
        ("no-extension", PNG, "no-extension.png"),
        (".htaccess", PDF, "document.pdf"),
    ],
)
def test_a_document_is_served_under_the_extension_of_what_it_really_is(
    client_for, cardholder, job_loss_draft, name, content, served
):
    client = client_for(cardholder)
    _upload(client, job_loss_draft, content, name=name)
    document = Document.objects.get()
    response = client.get(reverse("cases:document", args=[job_loss_draft.pk, document.pk]))
    assert response.status_code == 200
    assert f'filename="{served}"' in response["Content-Disposition"]
    assert response["Content-Type"] == document.content_type
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_case_holds_a_limited_number_of_documents(
    client_for, cardholder, job_loss_draft, settings
):
    settings.MAX_DOCUMENTS_PER_CASE = 2
    client = client_for(cardholder)
    _upload(client, job_loss_draft, PDF)
    _upload(client, job_loss_draft, PNG, name="b.png")
    response = _upload(client, job_loss_draft, JPEG, name="c.jpg")
    assert response.status_code == 200
    assert "already holds 2 documents" in response.content.decode()
    assert Document.objects.count() == 2


def test_a_case_holds_a_limited_volume_of_documents(
    client_for, cardholder, job_loss_draft, settings
):
    settings.MAX_CASE_UPLOAD_BYTES = len(PDF) + 10
    client = client_for(cardholder)
    _upload(client, job_loss_draft, PDF)
    response = _upload(client, job_loss_draft, PNG, name="b.png")
    assert "would come to more than" in response.content.decode()
    assert Document.objects.count() == 1
