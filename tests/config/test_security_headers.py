import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_no_template_contains_inline_script_or_style():
    # The CSP would block them in the browser; catch them before a user does.
    offenders = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"<style[\s>]", text):
            offenders.append(str(template))
        if re.search(r"\sstyle=\"", text) or re.search(r"\son[a-z]+=\"", text):
            offenders.append(str(template))
    assert offenders == []


def test_htmx_is_told_not_to_inject_its_indicator_styles(client):
    html = client.get("/").content.decode()
    assert '"includeIndicatorStyles": false' in html


def test_vendored_libraries_keep_their_licences():
    vendor = Path(settings.BASE_DIR, "static", "vendor")
    for library in ("bootstrap", "htmx", "chartjs"):
        assert any((vendor / library).glob("LICENSE*")), library


# --- caching: a signed-in page is never stored ----------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("cardholder", "/portal/"),
        ("cardholder", "/me/profile/"),
        ("cardholder", "/plans/calculator/"),
        ("agent", "/staff/queue/"),
        ("admin", "/administration/policy/"),
    ],
)
def test_every_signed_in_page_forbids_caching(request, client_for, persona, url):
    response = client_for(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_an_error_page_for_a_signed_in_person_is_not_stored_either(client_for, cardholder):
    response = client_for(cardholder).get("/staff/queue/")
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]


# --- a refusal is one line in the log ------------------------------------------------------------


def test_a_refused_request_is_logged_as_one_line_without_a_traceback(client_for, cardholder):
    import io
    import logging

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        client_for(cardholder).get("/staff/queue/")
    finally:
        root.removeHandler(handler)
    logged = stream.getvalue()
    assert "Forbidden (Permission denied): /staff/queue/" in logged
    assert "Traceback" not in logged
    assert len(logged.strip().splitlines()) == 1


# --- request size ---------------------------------------------------------------------------------


def test_a_body_larger_than_the_largest_upload_is_refused_before_it_is_read(
    client_for, cardholder, settings
):
    client = client_for(cardholder)

    class Unreadable:
        """A body that must never be read: reading it fails the test."""

        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    response = client.generic(
        "POST",
        "/portal/link-card/",
        data=b"",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "The file is too large" in response.content.decode()
