import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent, User
from accounts.roles import Role

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_new_cardholder_signs_up_verifies_their_email_and_lands_on_the_portal(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.person@example.test",
            "password1": "a-Long-pass-phrase-7",
            "password2": "a-Long-pass-phrase-7",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.test")
    assert user.role == Role.CARDHOLDER
    assert user.profile.preferred_language == "en"
    assert AuditEvent.objects.filter(subject=user, action="signed_up").exists()
    # Nothing opens before the address is verified.
    assert client.get(reverse("cases:portal")).status_code == 302

    assert len(mail.outbox) == 1
    confirm_url = _link(mail.outbox[0])
    client.post(confirm_url)
    response = client.get(reverse("dashboard"))
    assert response.url == reverse("cases:portal")


def test_sign_up_in_chinese_records_chinese_as_the_preferred_language(client):
    client.cookies["django_language"] = "zh-hans"
    client.post(
        reverse("account_signup"),
        {
            "email": "zh.person@example.test",
            "password1": "a-Long-pass-phrase-7",
            "password2": "a-Long-pass-phrase-7",
        },
    )
    assert User.objects.get(email="zh.person@example.test").profile.preferred_language == "zh-hans"


def test_a_weak_password_is_refused_with_a_reason(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "weak@example.test", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert not User.objects.filter(email="weak@example.test").exists()


def test_password_reset_by_email_link(client, cardholder):
    client.post(reverse("account_reset_password"), {"email": cardholder.email})
    assert len(mail.outbox) == 1
    response = client.get(_link(mail.outbox[0]), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else None
    assert form_url
    response = client.post(
        form_url, {"password1": "brand-New-secret-42", "password2": "brand-New-secret-42"}
    )
    assert response.status_code == 302
    cardholder.refresh_from_db()
    assert cardholder.check_password("brand-New-secret-42")


def test_an_expired_or_forged_reset_link_is_explained(client, cardholder):
    response = client.get("/accounts/password/reset/key/1-forged-key/")
    assert response.status_code == 200
    assert "Bad Token" in response.content.decode()
    assert "invalid" in response.content.decode()
