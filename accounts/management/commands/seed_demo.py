from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts import services
from accounts.demo import DEMO_PASSWORD, DEMO_PERSONAS, registered_seeders
from accounts.models import User


class Command(BaseCommand):
    help = "Create the demo logins (one per role). Safe to run again: it changes nothing twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DJANGO_DEBUG=0 (never on a production database).",
        )

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo logins with DJANGO_DEBUG=0: they have published "
                "passwords. Use --force only on a throw-away database."
            )
        with transaction.atomic():
            created = [self._ensure(persona) for persona in DEMO_PERSONAS]
            extra_lines = [line for seeder in registered_seeders() for line in seeder()]
        self._print_logins(created_count=sum(created))
        for line in extra_lines:
            self.stdout.write(line)

    def _ensure(self, persona: Any) -> bool:
        if User.objects.filter(email=persona.email).exists():
            return False
        user = services.user_create(
            email=persona.email,
            password=DEMO_PASSWORD,
            role=persona.role,
            full_name=persona.full_name,
            preferred_language=persona.preferred_language,
            email_verified=True,
        )
        if (
            persona.totp_secret
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, persona.totp_secret)
            RecoveryCodes.activate(user)
        return True

    def _print_logins(self, *, created_count: int) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo data ready ({created_count} new logins)."))
        write("")
        write(f"  {'role':<11} {'email':<26} password")
        for persona in DEMO_PERSONAS:
            write(f"  {persona.role:<11} {persona.email:<26} {DEMO_PASSWORD}")
        write("")
        write("  Staff sign in with a code from an authenticator app. Either add their secret")
        write("  to your app, or print the current code with:")
        write("    .venv/bin/python manage.py totp_code agent@demo.example")
        for persona in DEMO_PERSONAS:
            if persona.totp_secret:
                write(f"  {persona.email:<26} TOTP secret {persona.totp_secret}")
