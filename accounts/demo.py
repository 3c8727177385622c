"""The demo personas `seed_demo` creates: one login per role, with fixed credentials.

Fixed on purpose: a newcomer and a browser test can log in without reading the output. These
users exist only where `seed_demo` was run, which refuses to run with debug off unless forced.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.roles import Role

DEMO_PASSWORD = "demo-Pass-2026"  # noqa: S105 - published demo credential, debug-only
# Base32 secrets for the staff authenticators, so that any TOTP app (or `manage.py totp_code`)
# produces valid codes for the demo staff.
_SECRETS = {
    Role.AGENT: "JBSWY3DPEHPK3PXPAGENTAAAAAAAAAAA",
    Role.SUPERVISOR: "JBSWY3DPEHPK3PXPSUPERVISORAAAAAA",
    Role.ADMIN: "JBSWY3DPEHPK3PXPADMINAAAAAAAAAAA",
    Role.EDITOR: "JBSWY3DPEHPK3PXPEDITORAAAAAAAAAA",
}


@dataclass(frozen=True)
class DemoPersona:
    role: Role
    email: str
    full_name: str
    preferred_language: str = "en"

    @property
    def totp_secret(self) -> str | None:
        return _SECRETS.get(self.role)


DEMO_PERSONAS: tuple[DemoPersona, ...] = (
    DemoPersona(Role.CARDHOLDER, "cardholder@demo.example", "Li Wei", "zh-hans"),
    DemoPersona(Role.AGENT, "agent@demo.example", "Chen Jing"),
    DemoPersona(Role.SUPERVISOR, "supervisor@demo.example", "Wang Fang"),
    DemoPersona(Role.ADMIN, "admin@demo.example", "Zhang Min"),
    DemoPersona(Role.EDITOR, "editor@demo.example", "Liu Yang"),
)
