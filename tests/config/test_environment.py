"""A bad environment value stops the process at start with one clear line."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import SettingError, env_bool, env_int, env_list, env_time_zone, env_url

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "arrears.example.com",
    "EMAIL_HOST": "smtp.example.com",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "TIME_ZONE", "LANGUAGE_CODE"))
    }
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE='Mars/Olympus' is not a known time zone"),
        ({"DATABASE_URL": "mysql://db/x"}, "DATABASE_URL must be a URL starting with one of"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must be a URL starting with one of"),
        ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT='twenty-five' is not a whole number"),
        ({"LANGUAGE_CODE": "fr"}, "LANGUAGE_CODE='fr' must be one of"),
        (
            {**PRODUCTION, "DJANGO_SECRET_KEY": ""},
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0",
        ),
        (
            {**PRODUCTION, "DJANGO_SECRET_KEY": "secret"},
            "DJANGO_SECRET_KEY is too weak for DJANGO_DEBUG=0",
        ),
        (
            {**PRODUCTION, "DJANGO_SECRET_KEY": "ab" * 40},
            "DJANGO_SECRET_KEY is too weak for DJANGO_DEBUG=0",
        ),
        (
            {**PRODUCTION, "DJANGO_SECRET_KEY": "django-insecure-" + secrets.token_urlsafe(50)},
            "not a development key",
        ),
        (
            {
                **PRODUCTION,
                "DJANGO_SECRET_KEY": (
                    "dev-only-insecure-key-never-use-in-production-0123456789abcdefghij"
                ),
            },
            "not a development key",
        ),
        ({**PRODUCTION, "DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS must list"),
        ({**PRODUCTION, "EMAIL_HOST": ""}, "EMAIL_HOST must be set when DJANGO_DEBUG=0"),
    ],
)
def test_a_bad_value_fails_at_start_with_one_clear_line(env, message):
    result = run_manage("check", **env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: ")
    assert message in lines[0]


def test_production_settings_pass_the_deployment_check(tmp_path):
    from plans.certificates import make_development_pair

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    signing = {"AGREEMENT_SIGNING_CERT": str(cert), "AGREEMENT_SIGNING_KEY": str(key)}
    missing = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **signing)
    assert missing.returncode != 0
    assert "plans.E001" in missing.stderr + missing.stdout  # no certificate: said at deploy
    make_development_pair(cert, key)
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **signing)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_readers_accept_good_values():
    env = {
        "B": "yes",
        "I": "42",
        "L": "a.example, b.example,",
        "Z": "Europe/London",
        "U": "redis://h:6379/0",
    }
    assert env_bool("B", default=False, environ=env) is True
    assert env_bool("MISSING", default=True, environ=env) is True
    assert env_int("I", 0, environ=env) == 42
    assert env_list("L", [], environ=env) == ["a.example", "b.example"]
    assert env_time_zone("Z", "UTC", environ=env) == "Europe/London"
    assert env_url("U", schemes=("redis",), environ=env) == "redis://h:6379/0"
    assert env_url("MISSING", schemes=("redis",), environ=env) is None


def test_int_reader_enforces_its_minimum():
    with pytest.raises(SettingError, match="at least 1"):
        env_int("P", 25, minimum=1, environ={"P": "0"})
