"""Settings shared by every environment; everything deployment-specific comes from the environment.

Environment variables (all optional; without them the app runs on SQLite with Celery eager):
DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS,
EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL,
ADMINS, SERVER_EMAIL, LOG_FORMAT (json | text), LOG_LEVEL.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.logging import build as build_logging

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "axes",
    "simple_history",
    "import_export",
    "accounts",
    "schools",
    "programmes",
    "pairings",
    "projects",
    "reports",
    "outputs",
    "bulletins",
    "imports",
    "dashboards",
    "assessments",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.logging.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.locale.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A kept connection is checked before each request reuses it: after a database
        # restart the first request on every thread would otherwise fail.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while an account is locked out
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # django-guardian: anonymous visitors hold no object permissions
# Lock an account for 30 minutes after 5 failed sign-ins from the same address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day; users sign in again the next morning
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Plan attachments (PDF / Word); checked in projects/uploads.py, served only through views.
DOCUMENT_UPLOAD_MAX_BYTES = int(os.environ.get("DOCUMENT_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
# Spreadsheet imports (imports/): the file, what it may unzip to (a zip bomb is refused before
# parsing), the rows a sheet may have, and up to how many data rows the check runs in the
# request; larger files are checked and applied by a Celery job with progress.
IMPORT_UPLOAD_MAX_BYTES = int(os.environ.get("IMPORT_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
IMPORT_UNZIPPED_MAX_BYTES = int(os.environ.get("IMPORT_UNZIPPED_MAX_BYTES", 200 * 1024 * 1024))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 50_000))
IMPORT_SYNC_MAX_ROWS = int(os.environ.get("IMPORT_SYNC_MAX_ROWS", 2_000))
# django-import-export (admin exports): formula-looking text leaves as text.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Every script, style and font comes from our own static files (no CDN). An inline script,
# should one ever be needed, carries nonce="{{ csp_nonce }}" (a fresh nonce per response).
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", CSP.NONCE],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"


def smtp_mailer() -> dict:
    """The SMTP server named by EMAIL_HOST (default: the local MTA)."""
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
        },
    }


# Invitations and password resets print to the console unless EMAIL_HOST names a server.
MAILERS = {
    "default": smtp_mailer()
    if os.environ.get("EMAIL_HOST")
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "xtzt@localhost")
# Unhandled errors and failed background tasks are mailed to ADMINS (comma-separated emails).
ADMINS = env_list("ADMINS")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[协同提质] "
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

# Celery: a real broker when CELERY_BROKER_URL is set; otherwise tasks run in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker logs through LOGGING (JSON in production) instead of its own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
# Fixed schedule (django-celery-beat does not support Django 6.1): periods ahead, reminders.
CELERY_BEAT_SCHEDULE: dict = {
    "reporting-periods-ahead": {
        "task": "reports.tasks.periods_create_ahead",
        "schedule": 6 * 60 * 60,
    },
    "reporting-reminders-daily": {
        "task": "reports.tasks.reminders_send_daily",
        "schedule": crontab(hour=8, minute=0),
    },
    "outputs-fail-stale": {"task": "outputs.tasks.outputs_fail_stale", "schedule": 60},
    "outputs-expire": {"task": "outputs.tasks.outputs_expire", "schedule": 60 * 60},
    "imports-fail-stale": {"task": "imports.tasks.imports_fail_stale", "schedule": 5 * 60},
    "dashboards-refresh-nightly": {
        "task": "dashboards.tasks.summaries_refresh_all",
        "schedule": crontab(hour=2, minute=30),
    },
}
# Output jobs (outputs/): PDFs go to their own queue so a long one never holds up the rest.
CELERY_TASK_DEFAULT_QUEUE = "celery"
OUTPUT_SOFT_TIME_LIMIT = int(os.environ.get("OUTPUT_SOFT_TIME_LIMIT", 600))  # hard: +30 s
# A running job without progress for this long has lost its worker (hard limit + a minute).
OUTPUT_STALE_AFTER_SECONDS = OUTPUT_SOFT_TIME_LIMIT + 30 + 60
# A running output job without progress for this long is asked after (every minute): if no
# live worker holds its task (its worker was killed and restarted), it has failed.
WORKER_ORPHAN_AFTER_SECONDS = int(os.environ.get("WORKER_ORPHAN_AFTER_SECONDS", 120))
OUTPUT_QUEUE_TIMEOUT_SECONDS = int(os.environ.get("OUTPUT_QUEUE_TIMEOUT_SECONDS", 60 * 60))
OUTPUT_RETENTION_HOURS = int(os.environ.get("OUTPUT_RETENTION_HOURS", 72))
# Links in emails (reminders, invitations) point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Structured logs (config/logging.py): LOG_FORMAT=json (production's default) or text.
LOGGING = build_logging(os.environ.get("LOG_FORMAT", "text"), LOG_LEVEL)
