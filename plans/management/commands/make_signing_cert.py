"""Make a development certificate and key for signing agreements (never for production)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plans.certificates import make_development_pair


class Command(BaseCommand):
    help = "Make a self-signed development certificate and key for signing agreements."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Replace an existing pair.")
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing when a pair already exists."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cert = Path(settings.AGREEMENT_SIGNING_CERT)
        key = Path(settings.AGREEMENT_SIGNING_KEY)
        if cert.exists() or key.exists():
            if options["if_missing"]:
                return
            if not options["force"]:
                raise CommandError(f"{cert} or {key} exists; use --force to replace them.")
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Refusing with DEBUG off: a bank signs with its own certificate.")
        make_development_pair(cert, key)
        self.stdout.write(f"Development signing certificate: {cert}\nKey: {key}")
