import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PASSWORD, DEMO_PERSONAS
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_one_login_per_role_and_prints_them(capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    for persona in DEMO_PERSONAS:
        user = User.objects.get(email=persona.email)
        assert user.role == persona.role
        assert user.check_password(DEMO_PASSWORD)
        assert persona.email in out
        has_totp = Authenticator.objects.filter(user=user, type="totp").exists()
        assert has_totp == user.is_bank_staff
    assert DEMO_PASSWORD in out


def demo_persona_logins():
    # Other apps' seeders may add logins of their own (the holders of the demo cases).
    return User.objects.filter(email__in=[persona.email for persona in DEMO_PERSONAS])


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    logins = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == logins
    assert demo_persona_logins().count() == len(DEMO_PERSONAS)
    staff = sum(1 for persona in DEMO_PERSONAS if persona.totp_secret)
    assert staff == 5  # agent, supervisor, two administrators, editor
    assert Authenticator.objects.filter(type="totp").count() == staff


def test_seed_demo_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing"):
        call_command("seed_demo")
    assert not User.objects.exists()
    call_command("seed_demo", "--force")
    assert demo_persona_logins().count() == len(DEMO_PERSONAS)
