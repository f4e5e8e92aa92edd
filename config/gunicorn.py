"""gunicorn settings (`gunicorn -c config/gunicorn.py config.wsgi`): every value from the
environment, with defaults sized for one small server behind a reverse proxy.

GUNICORN_BIND (default 127.0.0.1:$PORT, PORT default 8000; a container sets 0.0.0.0:8000),
WEB_CONCURRENCY (worker processes; default 2 × cores + 1, at most 12), GUNICORN_THREADS
(threads per worker, default 2), GUNICORN_TIMEOUT (s, default 60), GUNICORN_MAX_REQUESTS
(default 1000; 0 never recycles), FORWARDED_ALLOW_IPS (the proxies trusted for
X-Forwarded-*, default 127.0.0.1), LOG_FORMAT (json, the default, or text).

Each access log line is one JSON object on stdout, shaped like the application's own lines
(config/logging.py) and carrying the same `request_id`, so a request's access line and its
application lines can be found together.
"""

import datetime as dt
import json
import os
import time
from typing import Any

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"
# CPU-bound Django on a small machine: the usual 2n+1, capped so a large host does not open
# more database connections (workers × threads) than PostgreSQL allows.
workers = _int("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 12))
# A second thread lets a worker serve one request while another waits on the database.
threads = _int("GUNICORN_THREADS", 2)
# Requests are short (PDFs and workbooks are made by Celery): a request still running after
# a minute is stuck, and its worker is replaced.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then (bounds any slow leak); jitter keeps them from all restarting
# at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The heartbeat file on tmpfs: a worker never stalls on a slow or full disk (Docker's /tmp
# is overlayfs).
_SHM = "/dev/shm"  # noqa: S108 (tmpfs for the heartbeat file, not a temporary file)
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class JsonAccessLogger(Logger):
    """Writes each access line as one JSON object (time, status, duration, request id …)."""

    def access(self, resp: Any, req: Any, environ: dict, request_time: dt.timedelta) -> None:
        if not self.access_log_enabled:
            return
        request_id = next(
            (value for key, value in resp.headers if key.lower() == "x-request-id"), "-"
        )
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        line = {
            "time": dt.datetime.fromtimestamp(time.time(), tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": "INFO",
            "logger": "gunicorn.access",
            "message": f"{environ['REQUEST_METHOD']} {environ.get('RAW_URI', '')} {status}",
            "request_id": request_id,
            "method": environ["REQUEST_METHOD"],
            "path": environ.get("RAW_URI", "").split("?", 1)[0],
            "query": environ.get("QUERY_STRING", ""),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote": environ.get("REMOTE_ADDR", "-"),
            "user_agent": environ.get("HTTP_USER_AGENT", "-"),
            "pid": os.getpid(),
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:
            self.exception("access log line could not be written")


if os.environ.get("LOG_FORMAT", "json") == "json":
    logger_class = JsonAccessLogger
