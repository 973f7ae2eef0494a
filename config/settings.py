"""Mianshi settings: one file, every knob from a MIANSHI_* variable, embedded defaults.

Defaults run a whole deployment on one machine with no server: SQLite (WAL), a SQLite
Celery broker through kombu's SQLAlchemy transport, and files in a local folder. Setting
MIANSHI_DATABASE_URL / MIANSHI_BROKER_URL / MIANSHI_STORAGE=s3 switches to PostgreSQL,
Redis or RabbitMQ, and S3-compatible object storage.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """Read one MIANSHI_* knob."""
    return os.environ.get(f"MIANSHI_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG")
# The default key is for the embedded demo only; production sets MIANSHI_SECRET_KEY
# (`manage.py check --deploy` reports an error while a public demo key is in use).
DEMO_SECRET_KEY = "insecure-demo-key-change-me-" + "0" * 32
SECRET_KEY = env("SECRET_KEY", DEMO_SECRET_KEY)
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o]
# Django admin, for support: not mounted unless asked for (H4); it signs in through the
# site's login (lockout, second factor, audit) and shows accounts read-only.
ADMIN_ENABLED = env_bool("ADMIN")

# Our apps come first: for a msgid both define ("From", "Time"…), the first app's
# translation wins, and Django admin's wording is not ours.
INSTALLED_APPS = [
    "mianshi.common",
    "mianshi.organisations",
    "mianshi.accounts",
    "mianshi.compliance",
    "mianshi.events",
    "mianshi.jobs",
    "mianshi.candidates",
    "mianshi.invitations",
    "mianshi.interviews",
    "mianshi.analysis",
    "mianshi.reviews",
    "mianshi.integrations",
    "mianshi.integrations.webhooks",
    "mianshi.integrations.connectors",
    "mianshi.integrations.automation",
    "mianshi.recruitment",
    "mianshi.employees",
    "mianshi.insights",
    "mianshi.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mianshi.common.middleware.RequestIdMiddleware",
    "mianshi.common.inputguard.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mianshi.common.locale_default.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mianshi.common.middleware.SessionIdleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mianshi" / "common" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mianshi.organisations.navigation.navigation",
            ],
        },
    },
]


def database_from_url(url: str) -> dict[str, object]:
    """Turn postgres://user:pass@host:port/name into a Django DATABASES entry."""
    parts = urlparse(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"MIANSHI_DATABASE_URL: unsupported scheme {parts.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "TEST": {"NAME": env("TEST_DATABASE_NAME", "test_mianshi")},
    }


# MIANSHI_SQLITE_PATH: a test's real Celery worker opens the test process's database file.
SQLITE_PATH = Path(env("SQLITE_PATH", str(DATA_DIR / "mianshi.sqlite3")))
if env("DATABASE_URL"):
    DATABASES = {"default": database_from_url(env("DATABASE_URL"))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Reopening the file and running the PRAGMAs below on every request cost more
            # CPU than a whole tus PATCH (1.3 ms of 2.4 ms measured); keep connections.
            "CONN_MAX_AGE": 60,
            # WAL lets the web server read while the worker writes.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests use a file too: with Django's in-memory default every live-server
            # thread shares ONE connection, so concurrent requests (a browser's chunk
            # uploads beside its heartbeats) interleave in one transaction and fail with
            # "database table is locked" — not what a deployment does. One file per test
            # process: developers sharing a checkout run suites side by side.
            "TEST": {"NAME": str(DATA_DIR / f"test-mianshi-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(env("PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "insights:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
# Lockout after repeated failures (F-04).
LOGIN_MAX_FAILURES = int(env("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCK_MINUTES = int(env("LOGIN_LOCK_MINUTES", "15"))
# API keys expire (review L7): the default and the longest lifetime a new key may ask for.
API_KEY_DAYS = int(env("API_KEY_DAYS", "365"))
# Behind a reverse proxy on another host, its address (or network) goes here, so that the
# client is read from the X-Forwarded-For it appends: otherwise every applicant of the
# public 报名 form would share the proxy's address and its rate limit (common/ratelimit.py).
TRUSTED_PROXIES = [p for p in env("TRUSTED_PROXIES", "127.0.0.0/8,::1/128").split(",") if p]
# Submissions of the public 报名 form per client address and hour (a school's network
# shares one address; a script filling the list is stopped all the same).
APPLY_LIMIT_PER_HOUR = int(env("APPLY_LIMIT_PER_HOUR", "10"))
# A JSON file of the majors public recruitment's rules read, in the shape of the shipped
# mianshi/recruitment/data/majors.json ("" = that one): a locality's own catalogue.
MAJOR_CATALOGUE = env("MAJOR_CATALOGUE")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Off: zh-Hans until the user switches; on: follow the browser's Accept-Language.
HONOUR_BROWSER_LANGUAGE = env_bool("HONOUR_BROWSER_LANGUAGE")
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"


def s3_storage() -> dict[str, object]:
    """The default storage on an S3-compatible service (MinIO, Ceph, any S3)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET", "mianshi"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "access_key": env("S3_ACCESS_KEY"),
            "secret_key": env("S3_SECRET_KEY"),
            "region_name": env("S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            # Never replace a stored object by saving under its name (django-storages'
            # default does): services use unique names, this is the second line of defence.
            "file_overwrite": False,
        },
    }


if env("STORAGE", "local") == "s3":
    DEFAULT_STORAGE = s3_storage()
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
RESUME_MAX_BYTES = int(env("RESUME_MAX_BYTES", str(10 * 1024 * 1024)))
# Recorded answers over tus (F-44): the largest upload, the largest PATCH body (one
# MediaRecorder chunk is ~0.1–0.5 MB; a whole-file fallback PATCH may be larger) and how
# long an unfinished upload may be resumed before its chunks are purged.
UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_BYTES", str(2 * 1024**3)))
UPLOAD_CHUNK_MAX = int(env("UPLOAD_CHUNK_MAX", str(16 * 1024**2)))
UPLOAD_EXPIRY_HOURS = int(env("UPLOAD_EXPIRY_HOURS", "72"))
# The raw chunks of a FAILED recording (never playable) stay this long after its upload
# expired, so a person can look at it or have it re-verified before anything is deleted.
FAILED_UPLOAD_KEEP_DAYS = int(env("FAILED_UPLOAD_KEEP_DAYS", "30"))
# A recorded answer lasts at most its answer time plus this grace, measured on the decoded
# file; its uploads hold at most (answer time + grace) × this many bytes per second
# (1.5 MB/s = 12 Mbit/s, several times what MediaRecorder writes at 720p).
ANSWER_GRACE_SECONDS = int(env("ANSWER_GRACE_SECONDS", "30"))
UPLOAD_BYTES_PER_SECOND = int(env("UPLOAD_BYTES_PER_SECOND", "1500000"))
# Soft time limits (s) of the work one recording causes; the hard limit is 60 s later.
VERIFY_TIME_LIMIT = int(env("VERIFY_TIME_LIMIT", "600"))
QUALITY_CHECK_TIME_LIMIT = int(env("QUALITY_CHECK_TIME_LIMIT", "900"))
ANALYSIS_TIME_LIMIT = int(env("ANALYSIS_TIME_LIMIT", "1500"))
# File answers (F-48): documents and images up to this size.
INTERVIEW_FILE_MAX_BYTES = int(env("INTERVIEW_FILE_MAX_BYTES", str(20 * 1024**2)))

# Personal identifiers: AES-GCM keys ("id:base64key", newest first) and the HMAC key of
# the blind index used for exact-match search. The demo keys below are public on purpose;
# a deployment sets its own.
DEMO_ENCRYPTION_KEY = "k1:ZGVtby1rZXktZGVtby1rZXktZGVtby1rZXktMDAwMCE="
ENCRYPTION_KEYS = [k for k in env("ENCRYPTION_KEYS", DEMO_ENCRYPTION_KEY).split(",") if k]
DEMO_BLIND_INDEX_KEY = "demo-blind-index-key-change-me"
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", DEMO_BLIND_INDEX_KEY)

CELERY_BROKER_URL = env("BROKER_URL", f"sqla+sqlite:///{DATA_DIR / 'broker.sqlite3'}")
CELERY_RESULT_BACKEND = env("RESULT_BACKEND") or None
# The queue tasks go to (and a worker started without -Q consumes); tests give each real
# worker its own, so the tasks its tasks send (verify → check → analyse) come back to it.
CELERY_TASK_DEFAULT_QUEUE = env("TASK_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_EAGER")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# E-mail (F-31). With MIANSHI_EMAIL_HOST set, mail goes out over SMTP; without it, each
# message is written as a file into DATA_DIR/outbox, so the demo shows exactly what was sent
# and nothing pretends to deliver to a server that is not there.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = 30
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = DATA_DIR / "outbox"
DEFAULT_FROM_EMAIL = env("EMAIL_FROM", "Mianshi <noreply@localhost>")
# Where candidates reach the server: the base of every invitation link.
PUBLIC_URL = env("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Invitation channels, comma-separated: built-in names ("email") or dotted paths of classes
# implementing mianshi.invitations.channels.Channel (SMS, WeCom… later).
CHANNELS = [c.strip() for c in env("CHANNELS", "email").split(",") if c.strip()]

# Integrations (F-90, F-91). Webhooks and connectors never call loopback, link-local or
# cloud-metadata addresses unless allow-listed here (comma-separated hosts and CIDR ranges):
# an on-prem EHR on a private network needs no entry; one on this very machine does.
WEBHOOK_ALLOW = [h.strip() for h in env("WEBHOOK_ALLOW").split(",") if h.strip()]
WEBHOOK_TIMEOUT = float(env("WEBHOOK_TIMEOUT", "15"))
# How long a rotated webhook secret keeps signing beside the new one.
WEBHOOK_SECRET_OVERLAP_HOURS = int(env("WEBHOOK_SECRET_OVERLAP_HOURS", "24"))
# How long an Idempotency-Key's first response is replayed.
IDEMPOTENCY_TTL_HOURS = int(env("IDEMPOTENCY_TTL_HOURS", "24"))

# Invitation tokens never reach the log (review L7): the filter sits on the loggers that
# write request paths (so every handler of theirs, tests' too, gets the redacted record)
# and on the console handler for anything else.
_NO_TOKENS = {"filters": ["redact_tokens"]}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "mianshi.common.logfilters.RedactTokens"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", **_NO_TOKENS}},
    "loggers": {"django.request": _NO_TOKENS, "django.server": _NO_TOKENS},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# One switch for a deployment served over HTTPS (M9): redirect http to https, HSTS, secure
# cookies, and trust X-Forwarded-Proto from the reverse proxy, which must set it (and drop
# a client's own). MIANSHI_SECURE_COOKIES alone still makes only the cookies secure.
HTTPS = env_bool("HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS or env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Staff sessions end after this many minutes without a request, and after SESSION_MAX_HOURS
# however active (common.middleware.SessionIdleMiddleware); candidates use no session.
# A proxy in front sets X-Request-ID (and replaces a client's): keep it as the request id
# of logs and audit events. Off: every request gets an id of ours.
TRUST_REQUEST_ID = env_bool("TRUST_REQUEST_ID")
SESSION_IDLE_MINUTES = int(env("SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = int(env("SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
X_FRAME_OPTIONS = "DENY"

# Serve static files straight from the apps when collectstatic has not run (tests, dev).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
