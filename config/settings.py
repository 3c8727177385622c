"""Settings, all read from the environment (see README "Configuration").

Defaults serve development on a laptop: SQLite, an embedded Celery broker under var/, mail to
the console. With DJANGO_DEBUG=0 the production variables become mandatory and the security
settings switch on, so that `manage.py check --deploy` has nothing to report.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import (
    SettingError,
    check_secret_key,
    env_bool,
    env_int,
    env_list,
    env_str,
    env_time_zone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DJANGO_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", default=True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdefghij"  # noqa: S105
SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY",
    _DEV_SECRET_KEY if DEBUG else None,
    required_because=" when DJANGO_DEBUG=0 (50 or more random characters)",
)
if not DEBUG:
    check_secret_key(SECRET_KEY, development_key=_DEV_SECRET_KEY)

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise SettingError("DJANGO_ALLOWED_HOSTS must list the site's host names when DJANGO_DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "simple_history",
    "accounts",
    "cases",
    "plans",
    "education",
    "insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.NoStoreWhenSignedInMiddleware",
    "accounts.middleware.SessionRenewalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_database_url = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            # A busy web process and a Celery worker share the file: wait instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker ----------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "arrears",
        }
    }
else:
    # A cache shared by every local process (web, worker, beat): login throttling and the
    # worker heartbeat must be seen by all of them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

CELERY_BROKER_URL = REDIS_URL or "filesystem://"
# A task is acknowledged only when done (acks_late): on Redis, one taken by a worker that died is
# handed out again once the visibility timeout has passed. It must exceed the longest task and
# the longest retry countdown (5 minutes).
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 30 * 60, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    # Workers look for such tasks every 10 s (kombu's default throttle looks every 100 s).
    {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT, "unacked_restore_throttle": 1}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Without it the transport writes its exchange table to ./control in the working folder.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "config.worker_heartbeat", "schedule": 30.0},
    "expire-offers": {"task": "cases.tasks.expire_offers", "schedule": 15 * 60.0},
    "assess-plans": {"task": "plans.tasks.assess_plans", "schedule": 6 * 60 * 60.0},
    "expire-unsigned-agreements": {
        "task": "plans.tasks.expire_unsigned_agreements",
        "schedule": 60 * 60.0,
    },
    "queue-reminders": {"task": "cases.tasks.queue_reminders", "schedule": 30 * 60.0},
    "deliver-reminders": {"task": "cases.tasks.deliver_reminders", "schedule": 5 * 60.0},
    "daily-snapshot": {"task": "insights.tasks.take_snapshot", "schedule": 60 * 60.0},
    "score-accounts": {"task": "cases.tasks.score_accounts", "schedule": 24 * 60 * 60.0},
    "publish-scheduled-articles": {
        "task": "education.tasks.publish_scheduled",
        "schedule": 5 * 60.0,
    },
}
WORKER_HEARTBEAT_MAX_AGE_SECONDS = 120

# --- The bank, as its agreements name it ------------------------------------------------------
BANK_NAME = env_str("BANK_NAME", "Demo Bank")
BANK_HELPLINE = env_str("BANK_HELPLINE", "400 000 0000")
# The public address of the site, printed (and QR-coded) on agreements for their verification.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The bank's agreement-signing certificate and key (PEM). `manage.py make_signing_cert` makes a
# development pair under var/; production names its own. No real key is ever committed.
AGREEMENT_SIGNING_CERT = Path(
    env_str("AGREEMENT_SIGNING_CERT", str(VAR_DIR / "signing" / "agreements-cert.pem"))
)
AGREEMENT_SIGNING_KEY = Path(
    env_str("AGREEMENT_SIGNING_KEY", str(VAR_DIR / "signing" / "agreements-key.pem"))
)
# An RFC 3161 time-stamping authority: when set, the bank's signature carries its timestamp
# (PAdES B-T), and AGREEMENT_TSA_CERT (PEM: the TSA's root) is trusted when checking one.
AGREEMENT_TSA_URL = env_str("AGREEMENT_TSA_URL", "")
AGREEMENT_TSA_CERT = env_str("AGREEMENT_TSA_CERT", "")

# --- Cases ------------------------------------------------------------------------------------
# A draft application untouched for this long can no longer be resumed.
CASE_DRAFT_LIFETIME_DAYS = env_int("CASE_DRAFT_LIFETIME_DAYS", 30, minimum=1)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A request body may hold one upload and the form around it; anything larger is refused
# before it is read.
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 256 * 1024
# Per case, however many people upload: enough for any honest application.
MAX_DOCUMENTS_PER_CASE = 30
MAX_CASE_UPLOAD_BYTES = 100 * 1024 * 1024
# Failed attempts to link a card online: per login and per client address in 24 hours, and per
# card until it is linked or staff release it.
ENROLMENT_MAX_FAILURES_PER_DAY = 5
ENROLMENT_MAX_FAILURES_PER_ADDRESS = 20
ENROLMENT_MAX_FAILURES_PER_CARD = 5

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    # Five wrong passwords for one account within five minutes, or twenty from one address
    # within a minute, and further attempts are refused with a message until the window passes.
    "login_failed": "20/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "signup": "20/m/ip",
}
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Arrears Resolution")
MFA_RECOVERY_CODE_COUNT = 10
# Accept the code of the previous and next 30-second step too (RFC 6238's allowance for clock
# drift and for a code typed as it changes); a used code still cannot be replayed.
MFA_TOTP_TOLERANCE = 1

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
if LANGUAGE_CODE not in {code for code, _name in LANGUAGES}:
    raise SettingError(f"LANGUAGE_CODE={LANGUAGE_CODE!r} must be one of: en, zh-hans.")
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env_time_zone("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Private files (evidence, agreements) live outside the web root and are only ever streamed by
# a view that checks who is asking.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Arrears Resolution <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
# Text messages (reminders, signing codes): a class with send(phone, text), see
# cases/outreach/channels.py. Console prints them; File writes them under SMS_FILE_PATH.
SMS_BACKEND = env_str("SMS_BACKEND", "cases.outreach.channels.Console")
SMS_FILE_PATH = Path(env_str("SMS_FILE_PATH", str(VAR_DIR / "sms")))
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
if not DEBUG and not EMAIL_HOST:
    raise SettingError("EMAIL_HOST must be set when DJANGO_DEBUG=0: password resets need mail.")

# --- Security ---------------------------------------------------------------------------------
# Behind a load balancer that sets X-Forwarded-Proto and appends to X-Forwarded-For.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=False)
SESSION_COOKIE_HTTPONLY = True
# A signed-in session ends after this long without a request (financial data on a shared or
# lost device); every page warns a minute or two before and offers to stay signed in.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=2) * 60
# The session is renewed at most once a minute (accounts.middleware.SessionRenewalMiddleware), not
# written on every request.
SESSION_RENEWAL_SECONDS = 60
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Strict policy: scripts, styles and fonts only from our own origin, no inline code at all.
# htmx's indicator styles are switched off in base.html and provided by static/css/app.css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"forbidden_one_line": {"()": "config.middleware.ForbiddenWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django.request": {"filters": ["forbidden_one_line"]},
        # Their progress lines (each CSS parse, each font subset) say nothing an operator needs.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
