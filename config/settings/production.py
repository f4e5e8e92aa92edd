"""Production: secrets and hosts from the environment, HTTPS only, manifest static files."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import (
    LOG_LEVEL,
    MIDDLEWARE,
    SECRET_KEY,
    STORAGES,
    build_logging,
    env_bool,
    smtp_mailer,
)

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Off only for scripts/stack.sh on plain-HTTP loopback (check --deploy then warns, rightly).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SESSION_COOKIE_HTTPONLY = True
# WhiteNoise serves the collected static files straight after SecurityMiddleware.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MAILERS = {"default": smtp_mailer()}
# One JSON object per log line for the log collector (LOG_FORMAT=text for people).
LOGGING = build_logging(os.environ.get("LOG_FORMAT", "json"), LOG_LEVEL)
