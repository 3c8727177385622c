"""Settings for the test suite: the real settings, made fast and isolated.

PostgreSQL is used when DATABASE_URL is set (CI), SQLite otherwise; the cache and the broker are
Redis when REDIS_URL is set. Tasks run eagerly in unit tests; tests/integration starts a real
worker where a broker is available.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, REDIS_URL

# Argon2 is deliberately slow; the suite hashes hundreds of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "arrears-test",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

TEST_VAR_DIR = BASE_DIR / "var" / "test"
PRIVATE_MEDIA_ROOT = TEST_VAR_DIR / "private"
# var/ is not in the repository: a fresh clone has none of it, and SQLite cannot create the
# folder of its database file.
PRIVATE_MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the live server thread of browser tests then gets its own connection
    # instead of sharing the test's, as it would in production.
    # One file per run, so that two test runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(TEST_VAR_DIR / f"test-db-{os.getpid()}.sqlite3")
    }
