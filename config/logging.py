"""Structured logs: one JSON object per line in production, readable text elsewhere.

Every line written while a request or a Celery task runs carries where it came from
(`request_id`, `method`, `path`, `user_id` — or `task_id`, `task_name`), so one request's or one
job's lines can be found together. The request id comes from the proxy's `X-Request-ID` when it
is sane, else a new one, and goes back to the client in the response's `X-Request-ID`.
"""

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # settings import this module: it must not load Django's HTTP machinery
    from django.http import HttpRequest, HttpResponse

_context: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("log_context")

# Attributes every LogRecord has; anything else on a record was passed as `extra`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_CONTEXT_FIELDS = ("request_id", "method", "path", "user_id", "task_id", "task_name")
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def bind(**fields: Any) -> contextvars.Token:
    """Add fields to every log line until `unbind(token)`."""
    return _context.set({**_context.get({}), **fields})


def unbind(token: contextvars.Token) -> None:
    _context.reset(token)


class ContextFilter(logging.Filter):
    """Copies the request's or task's fields onto each record ('-' when there is none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get({})
        # django.request logs a response after the middleware has returned: it passes the
        # request itself.
        request = getattr(record, "request", None) or context.get("request")
        if request is not None and hasattr(request, "META"):
            context = {
                **context,
                "request_id": getattr(request, "request_id", "-"),
                "method": request.method,
                "path": request.path,
            }
            # The user only once authentication has looked it up: logging never queries.
            user = getattr(request, "_cached_user", None)
            if user is not None and user.is_authenticated:
                context["user_id"] = user.pk
        for field in _CONTEXT_FIELDS:
            if not hasattr(record, field):
                setattr(record, field, context.get(field, "-"))
        record.origin = context.get("request_id") or context.get("task_id") or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key == "origin" or key.startswith("_") or value == "-":
                continue
            if hasattr(value, "META"):  # django.request passes the request itself
                continue
            payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def build(fmt: str, level: str) -> dict:
    """The LOGGING setting: `fmt` is "json" or "text"; errors are mailed to ADMINS."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "config.logging.ContextFilter"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {
            "json": {"()": "config.logging.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(origin)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": fmt,
            },
            # Unhandled errors in views (django.request) and failed Celery tasks (xtzt.tasks).
            "mail_admins": {
                "class": "django.utils.log.AdminEmailHandler",
                "level": "ERROR",
                "filters": ["require_debug_false"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Replaces Django's default handlers for "django" (its console prints only in DEBUG).
            "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
            "xtzt.tasks": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
            # WeasyPrint logs every rendering step at INFO; keep its warnings (a refused URL).
            "weasyprint": {"level": "WARNING"},
            "weasyprint.progress": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }


class RequestContextMiddleware:
    """Binds the request's id, method and path to every log line written while it runs."""

    def __init__(self, get_response: "Callable[[HttpRequest], HttpResponse]") -> None:
        self.get_response = get_response

    def __call__(self, request: "HttpRequest") -> "HttpResponse":
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = bind(request=request)
        try:
            response = self.get_response(request)
        finally:
            unbind(token)
        response["X-Request-ID"] = request_id
        return response
