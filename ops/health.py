"""Readiness checks (运行状态): the database answers, the broker answers, a worker answers.

`/healthz` stays a liveness probe without I/O; `/healthz/ready` runs these checks for
monitoring (JSON, 200 when everything answers, 503 otherwise). In the embedded default
(no broker) tasks run in-process, so broker and worker report "embedded".
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection

OK, EMBEDDED = "ok", "embedded"


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return EMBEDDED
    import redis

    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2
    )
    client.ping()
    return OK


def _worker() -> str:
    if not settings.CELERY_BROKER_URL:
        return EMBEDDED
    from config.celery import app

    replies = app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no worker answered within 1 s")
    return f"{OK} ({len(replies)})"


CHECKS: dict[str, Callable[[], str]] = {"database": _database, "broker": _broker, "worker": _worker}


def readiness() -> tuple[bool, dict[str, Any]]:
    """Every check's outcome and time; a failing check stops neither the others nor the page."""
    report: dict[str, Any] = {}
    for name, check in CHECKS.items():
        if name == "worker" and report["broker"]["status"].startswith("error"):
            report[name] = {"status": "skipped: no broker", "ms": 0}
            continue
        started = time.perf_counter()
        try:
            status = check()
        except Exception as error:
            status = f"error: {type(error).__name__}: {str(error)[:200]}"
        report[name] = {"status": status, "ms": round((time.perf_counter() - started) * 1000)}
    healthy = all(not c["status"].startswith(("error", "skipped")) for c in report.values())
    return healthy, report
