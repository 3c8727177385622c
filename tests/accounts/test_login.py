import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.conftest import totp_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "dashboard"),
    [
        ("cardholder", "cases:portal"),
        ("agent", "accounts:agent_dashboard"),
        ("supervisor", "accounts:supervisor_dashboard"),
        ("admin", "accounts:admin_dashboard"),
        ("editor", "accounts:editor_dashboard"),
    ],
)
def test_each_role_lands_on_its_own_dashboard(request, client_for, persona, dashboard):
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse(dashboard)
    assert client.get(response.url).status_code == 200


def test_staff_must_enter_a_totp_code_after_the_password(client, agent, password):
    response = client.post(reverse("account_login"), {"login": agent.email, "password": password})
    assert response.url == reverse("mfa_authenticate")
    # Without the code, nothing opens.
    assert client.get(reverse("accounts:agent_dashboard")).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(agent)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:agent_dashboard")).status_code == 200


def test_a_totp_code_cannot_be_replayed(client, agent, password):
    code = totp_code(agent)
    client.post(reverse("account_login"), {"login": agent.email, "password": password})
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.logout()
    client.post(reverse("account_login"), {"login": agent.email, "password": password})
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200  # refused, form shown again


def test_staff_without_mfa_are_sent_to_set_it_up_before_any_staff_page(client, password):
    agent = UserFactory(email="new.agent@example.test", role=Role.AGENT, role__mfa=False)
    response = client.post(reverse("account_login"), {"login": agent.email, "password": password})
    assert response.status_code == 302
    for url in (
        reverse("dashboard"),
        reverse("accounts:agent_dashboard"),
        reverse("accounts:profile"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("mfa_activate_totp"), url
    # allauth asks for the password once more before an authenticator can be added.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    client.post(response.url, {"password": password})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert b"two-factor authentication is required" in page.content


def test_cardholders_do_not_need_mfa(client_for, cardholder):
    client = client_for(cardholder)
    assert client.get(reverse("cases:portal")).status_code == 200


def test_a_wrong_password_gets_a_clear_message_and_no_session(client, cardholder):
    response = client.post(
        reverse("account_login"), {"login": cardholder.email, "password": "wrong-password-1"}
    )
    assert response.status_code == 200
    assert (
        "The email address and/or password you specified are not correct."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_are_throttled_with_a_clear_message(client, cardholder, password):
    for _ in range(5):
        client.post(
            reverse("account_login"), {"login": cardholder.email, "password": "nope-nope-1"}
        )
    response = client.post(
        reverse("account_login"), {"login": cardholder.email, "password": password}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttle_message_is_translated(client, cardholder):
    client.cookies["django_language"] = "zh-hans"
    for _ in range(6):
        response = client.post(
            reverse("account_login"), {"login": cardholder.email, "password": "nope-nope-1"}
        )
    assert "登录失败次数过多" in response.content.decode()


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from config import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_login_remembers_the_profile_language_when_no_choice_was_made(client, cardholder, password):
    cardholder.profile.preferred_language = "zh-hans"
    cardholder.profile.save()
    client.post(reverse("account_login"), {"login": cardholder.email, "password": password})
    assert client.cookies["django_language"].value == "zh-hans"


def test_signing_in_speaks_the_language_kept_on_the_profile_from_the_first_message(
    client, cardholder, password
):
    cardholder.profile.preferred_language = "zh-hans"
    cardholder.profile.save()
    client.cookies["django_language"] = "en"  # an English browser
    response = client.post(
        reverse("account_login"), {"login": cardholder.email, "password": password}, follow=True
    )
    assert client.cookies["django_language"].value == "zh-hans"
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "Successfully signed in" not in html  # the message too is in Chinese


def test_switching_language_while_signed_in_is_kept_on_the_profile(client_for, cardholder):
    client = client_for(cardholder)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/portal/"})
    cardholder.profile.refresh_from_db()
    assert cardholder.profile.preferred_language == "zh-hans"


def test_a_language_picked_before_signing_in_is_a_choice_kept_on_the_profile(
    client, cardholder, password
):
    assert cardholder.profile.preferred_language == "en"
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/accounts/login/"})
    response = client.post(
        reverse("account_login"), {"login": cardholder.email, "password": password}, follow=True
    )
    assert '<html lang="zh-hans">' in response.content.decode()
    cardholder.profile.refresh_from_db()
    assert cardholder.profile.preferred_language == "zh-hans"
    # Only once: the next sign-in (another browser, say) follows the profile.
    client.logout()
    client.cookies["django_language"] = "en"
    client.post(reverse("account_login"), {"login": cardholder.email, "password": password})
    assert client.cookies["django_language"].value == "zh-hans"


def test_the_time_zone_is_a_short_list_with_the_banks_first(client_for, cardholder, settings):
    form = client_for(cardholder).get(reverse("accounts:profile")).context["form"]
    choices = [value for value, _label in form.fields["time_zone"].choices]
    assert choices[0] == settings.TIME_ZONE
    assert len(choices) < 25


def test_a_session_is_renewed_at_most_once_a_minute(client_for, cardholder, settings):
    import time

    from django.contrib.sessions.models import Session

    from accounts.middleware import RENEWED_AT

    client = client_for(cardholder)
    client.get("/portal/")
    key = client.session.session_key
    first_expiry = Session.objects.get(session_key=key).expire_date
    client.get("/portal/")
    assert Session.objects.get(session_key=key).expire_date == first_expiry
    # A minute later the next request renews it.
    session = client.session
    session[RENEWED_AT] = time.time() - settings.SESSION_RENEWAL_SECONDS - 1
    session.save()
    client.get("/portal/")
    assert Session.objects.get(session_key=key).expire_date > first_expiry


def test_an_idle_session_ends(client_for, cardholder, settings):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = client_for(cardholder)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
