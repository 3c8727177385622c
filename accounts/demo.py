"""The demo personas `seed_demo` creates: one login per role, with fixed credentials.

Fixed on purpose: a newcomer and a browser test can log in without reading the output. These
users exist only where `seed_demo` was run, which refuses to run with debug off unless forced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accounts.roles import Role

DEMO_PASSWORD = "demo-Pass-2026"  # noqa: S105 - published demo credential, debug-only
# Base32 secrets for the staff authenticators, so that any TOTP app (or `manage.py totp_code`)
# produces valid codes for the demo staff.
_SECRETS = {
    "agent@demo.example": "JBSWY3DPEHPK3PXPAGENTAAAAAAAAAAA",
    "supervisor@demo.example": "JBSWY3DPEHPK3PXPSUPERVISORAAAAAA",
    "admin@demo.example": "JBSWY3DPEHPK3PXPADMINAAAAAAAAAAA",
    "admin2@demo.example": "JBSWY3DPEHPK3PXPADMINTWOAAAAAAAA",
    "editor@demo.example": "JBSWY3DPEHPK3PXPEDITORAAAAAAAAAA",
}


@dataclass(frozen=True)
class DemoPersona:
    role: Role
    email: str
    full_name: str
    preferred_language: str = "en"

    @property
    def totp_secret(self) -> str | None:
        return _SECRETS.get(self.email)


DEMO_PERSONAS: tuple[DemoPersona, ...] = (
    DemoPersona(Role.CARDHOLDER, "cardholder@demo.example", "Li Wei", "zh-hans"),
    DemoPersona(Role.AGENT, "agent@demo.example", "Chen Jing"),
    DemoPersona(Role.SUPERVISOR, "supervisor@demo.example", "Wang Fang"),
    DemoPersona(Role.ADMIN, "admin@demo.example", "Zhang Min"),
    # A policy change takes effect when a second administrator approves it.
    DemoPersona(Role.ADMIN, "admin2@demo.example", "Zhou Lan"),
    DemoPersona(Role.EDITOR, "editor@demo.example", "Liu Yang"),
)


# --- Seeders from other apps -----------------------------------------------------------------
# `seed_demo` lives here, at the bottom of the app graph, yet must also seed cases, plans and
# articles. Each app registers a seeder in its own `demo.py` (found by autodiscovery, like the
# admin's `admin.py`), so that accounts never imports the apps built on it.

Seeder = Callable[[], list[str]]
_SEEDERS: list[tuple[int, str, Seeder]] = []


def register_seeder(order: int) -> Callable[[Seeder], Seeder]:
    """Register `seeder` to run after the demo logins exist, lowest `order` first.

    A seeder must be idempotent and return the lines to print (logins, references to try).
    """

    def decorator(seeder: Seeder) -> Seeder:
        key = f"{seeder.__module__}.{seeder.__qualname__}"
        if all(existing != key for _order, existing, _fn in _SEEDERS):
            _SEEDERS.append((order, key, seeder))
        return seeder

    return decorator


def registered_seeders() -> list[Seeder]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    return [seeder for _order, _key, seeder in sorted(_SEEDERS, key=lambda item: item[:2])]
