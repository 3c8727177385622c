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
