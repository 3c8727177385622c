"""Administrators invite staff, change their roles and deactivate them; the invited person sets a
password from a single-use link and must then set up their authenticator app."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent, StaffInvitation, User
from accounts.roles import Role
from accounts.staff import services
from tests.conftest import login_as

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-Long-new-passphrase-42"


def _invite(client, **extra):
    data = {
        "full_name": "Sun Yue",
        "email": "sun.yue@bank.example",
        "role": "agent",
        "preferred_language": "zh-hans",
        **extra,
    }
    return client.post(reverse("accounts:staff_invite"), data)


def _link(message) -> str:
    found = re.search(r"http://testserver(/invitation/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_an_admin_invites_a_colleague_who_sets_a_password_then_must_set_up_mfa(
    client_for, admin, django_capture_on_commit_callbacks
):
    client = client_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client)
    assert response.status_code == 302
    invited = User.objects.get(email="sun.yue@bank.example")
    assert invited.role == Role.AGENT
    assert not invited.has_usable_password()
    assert AuditEvent.objects.filter(subject=invited, action=AuditAction.STAFF_INVITED).exists()
    [message] = mail.outbox
    assert message.to == ["sun.yue@bank.example"]
    assert "Sun Yue" in message.body
    assert "邀请" in message.subject  # in the language chosen for them
    link = _link(message)
    client.logout()

    page = client.get(link)
    assert page.status_code == 200
    assert "sun.yue@bank.example" in page.content.decode()
    weak = client.post(link, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 400
    assert not User.objects.get(pk=invited.pk).has_usable_password()
    done = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.headers["Location"] == reverse("account_login")
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=invited).verified
    assert AuditEvent.objects.filter(
        subject=invited, action=AuditAction.STAFF_INVITATION_ACCEPTED
    ).exists()
    # Used once: the link is dead.
    assert client.get(link).status_code == 404
    # First sign-in: nothing opens before the authenticator app is set up.
    signed_in = client.post("/accounts/login/", {"login": invited.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert client.get(reverse("cases:queue")).headers["Location"] == reverse("mfa_activate_totp")


def test_a_new_invitation_kills_the_old_link_and_links_expire(
    client_for, admin, django_capture_on_commit_callbacks
):
    client = client_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client)
    invited = User.objects.get(email="sun.yue@bank.example")
    first = _link(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:staff_resend", args=[invited.pk]))
    second = _link(mail.outbox[1])
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    StaffInvitation.objects.filter(user=invited).update(expires_at="2000-01-01T00:00Z")
    assert client.get(second).status_code == 404
    assert client.get("/invitation/made-up-token/").status_code == 404


def test_bad_invitations_are_explained_and_create_nothing(client_for, admin, agent):
    client = client_for(admin)
    taken = _invite(client, email=agent.email)
    assert "already has a login" in taken.content.decode()
    cardholder_role = _invite(client, role="cardholder", email="x@bank.example")
    assert cardholder_role.status_code == 200
    assert not User.objects.filter(email="x@bank.example").exists()
    assert mail.outbox == []


def test_deactivated_staff_cannot_sign_in_and_their_session_ends(client, admin, agent):
    agent_client = login_as(client, agent)
    assert agent_client.get(reverse("cases:queue")).status_code == 200
    services.staff_deactivate(actor=admin, user=agent, reason="left the bank")
    assert client.get(reverse("cases:queue")).status_code == 302  # signed out
    assert AuditEvent.objects.filter(
        subject=agent, action=AuditAction.STAFF_DEACTIVATED, changes__reason="left the bank"
    ).exists()
    services.staff_reactivate(actor=admin, user=agent)
    assert User.objects.get(pk=agent.pk).is_active


def test_roles_change_but_never_ones_own_nor_the_last_admins(client_for, admin, agent):
    client = client_for(admin)
    client.post(reverse("accounts:staff_role", args=[agent.pk]), {"role": "supervisor"})
    assert User.objects.get(pk=agent.pk).role == Role.SUPERVISOR
    assert AuditEvent.objects.filter(subject=agent, action=AuditAction.ROLE_ASSIGNED).exists()
    with pytest.raises(services.StaffChangeRefused):
        services.staff_role_change(actor=admin, user=admin, role="agent")
    with pytest.raises(services.StaffChangeRefused):
        services.staff_deactivate(actor=admin, user=admin, reason="x")
    page = client.post(
        reverse("accounts:staff_deactivate", args=[admin.pk]), {"reason": "x"}, follow=True
    )
    assert "cannot deactivate your own login" in page.content.decode()
    assert User.objects.get(pk=admin.pk).is_active


def test_the_last_active_administrator_stays(admin, other_admin):
    services.staff_deactivate(actor=admin, user=other_admin, reason="moved team")
    other_admin.refresh_from_db()
    assert not other_admin.is_active
    # `admin` is now the only active administrator: nobody may take that away.
    spare = User.objects.create_user(email="temp@bank.example", password=None)
    with pytest.raises(services.StaffChangeRefused):
        services.staff_role_change(actor=spare, user=admin, role="agent")


def test_cardholders_are_not_managed_here(client_for, admin, cardholder):
    client = client_for(admin)
    response = client.post(
        reverse("accounts:staff_deactivate", args=[cardholder.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    assert User.objects.get(pk=cardholder.pk).is_active


def test_only_administrators_open_the_staff_page(client_for, admin, supervisor, agent):
    assert client_for(admin).get(reverse("accounts:staff")).status_code == 200
    for user in (supervisor, agent):
        client = client_for(user)
        assert client.get(reverse("accounts:staff")).status_code == 403
        assert _invite(client).status_code == 403


def test_a_signed_in_person_opening_an_invitation_is_told_to_sign_out(
    client_for, admin, django_capture_on_commit_callbacks
):
    client = client_for(admin)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client)
    response = client.get(_link(mail.outbox[0]))
    assert response.status_code == 409
    assert "Sign out first" in response.content.decode()
