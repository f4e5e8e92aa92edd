"""On the production stack: a real redis-server and a real Celery worker process (not eager)
produce every output asked for through the web views; a killed worker leaves a failed job.

Needs PostgreSQL (the worker is another process and must share the test database); the test
command runs on it. Module-scoped: one broker and one worker for the whole module.
"""

import contextlib
import datetime as dt
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from kombu import pools

from config.celery import app
from outputs import services
from outputs.models import JobStatus, OutputJob
from projects.models import Indicator
from tests.bulletins.conftest import make_issue
from tests.pdf import pdf_text
from tests.world import World, anhui_programme

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the worker process must share the test database",
    ),
]

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def media(settings, shared_media):
    """The worker writes the files where the web process reads them."""
    settings.MEDIA_ROOT = shared_media
    return shared_media


@pytest.fixture(scope="module")
def broker(tmp_path_factory) -> Iterator[str]:
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("redis-server did not start")
    yield url
    process.terminate()
    process.wait(10)


class Worker:
    """A `celery worker` process on the test database, consuming both queues."""

    def __init__(self, broker: str, media: Path, log: Path, django_db_setup: None) -> None:
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
            ),
            "CELERY_BROKER_URL": broker,
            "MEDIA_ROOT": str(media),
            "CONN_MAX_AGE": "0",
        }
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        name = f"test-{os.getpid()}-{time.monotonic_ns()}@localhost"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                "celery,pdf",
                "-c",
                "1",
                "--pool",
                "prefork",
                "-l",
                "info",
                "-n",
                name,
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed as a whole
        )
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    pytest.fail(f"celery worker exited:\n{self.log.read_text()[-3000:]}")
                if app.control.ping(destination=[name], timeout=0.5):
                    return
            pytest.fail(f"celery worker not ready:\n{self.log.read_text()[-3000:]}")
        except BaseException:
            self.kill()  # never leave a worker behind when the fixture cannot start
            raise

    def restart(self) -> None:
        """A new worker process. Each transactional test flushes the database, and the
        content types come back with new ids that a long-lived worker has cached the old ones
        of: its permission checks then find nothing (an empty workbook, done at once).
        Killed, not stopped: a warm shutdown takes seconds and it has nothing left to do."""
        self.kill()
        self.start()

    def kill(self) -> None:
        """SIGKILL to the worker and its pool: no chance to clean up, as in a crash."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def _use_broker(**conf: object) -> dict:
    """Point the Celery app of this process at another broker; returns what it replaced.
    The connection and producer pools are dropped, since they remember the old broker."""
    saved = {key: app.conf[key] for key in conf}
    app.conf.update(conf)
    # Celery's pools come from kombu's global registry, keyed by broker URL: closing one
    # there (force_close_all) would leave a closed pool for the next user of that broker.
    # reset() closes and forgets them all, so the next send builds fresh ones.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    return saved


@pytest.fixture(scope="module")
def worker(broker, shared_media, tmp_path_factory, django_db_setup, django_db_blocker):
    """The web process sends to the broker instead of running tasks in-process."""
    saved = _use_broker(
        task_always_eager=False,
        broker_url=broker,
        broker_read_url=broker,
        broker_write_url=broker,
    )
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    running = Worker(broker, shared_media, log, django_db_setup)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        _use_broker(**saved)


def _wait(job_pk: int, until: set[str], seconds: float = 90) -> OutputJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = OutputJob.objects.get(pk=job_pk)
        if job.status in until:
            return job
        time.sleep(0.05)
    pytest.fail(f"job {job_pk} still {job.status} after {seconds} s")


def _ask(client, kind: str, data: dict) -> OutputJob:
    response = client.post(reverse("outputs:new", args=[kind]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = OutputJob.objects.latest("pk")
    assert response.url == reverse("outputs:detail", args=[job.pk])
    return job


def _download(client, job: OutputJob) -> bytes:
    job = _wait(job.pk, {JobStatus.DONE, JobStatus.FAILED})
    assert job.status == JobStatus.DONE, job.error
    assert job.attempts == 1 and job.started_at and job.finished_at
    response = client.get(reverse("outputs:download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_every_output_through_the_worker(
    client, world: World, summary_period, worker, tmp_path
) -> None:
    coordinator = world.users["bnu_coordinator"]
    client.force_login(coordinator)
    summary = _ask(
        client,
        "consortium_summary_pdf",
        {"consortium": world.consortium.pk, "period": summary_period.pk, "overview": "综述"},
    )
    workbook = _ask(
        client,
        "indicator_workbook_xlsx",
        {"programme": world.programme.pk, "consortium": world.consortium.pk},
    )
    # Queued in Redis, not run in this process: the request returned before the file exists.
    assert OutputJob.objects.get(pk=summary.pk).file.name == ""

    text = re.sub(r"\s+", "", pdf_text(_download(client, summary), tmp_path))
    for needle in [
        "季度工作汇总",
        "二、报送完整率与及时率",
        "阜阳师范大学",
        "阿坝师范学院",
        "附录",
    ]:
        assert needle in text
    rows = list(
        openpyxl.load_workbook(io.BytesIO(_download(client, workbook)))["指标数据"].iter_rows(
            values_only=True
        )
    )
    assert rows[0][:2] == ("省份", "单位") and len(rows) == 3

    client.force_login(world.users["admin"])
    table = _ask(
        client,
        "summary_table_xlsx",
        {"programme": world.programme.pk, "province": world.region("四川省").pk},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(_download(client, table))).active
    assert "C4:D4" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["B6"].value == "阿坝师范学院"

    client.force_login(world.users["fynu_contact"])
    form = _ask(
        client,
        "report_form_xlsx",
        {"period": summary_period.pk, "institution": world.fynu.pk},
    )
    book = openpyxl.load_workbook(io.BytesIO(_download(client, form)))
    assert {"说明", "基本信息", "工作进展", "项目进展", "指标"} <= set(book.sheetnames)

    # The job page's polling fragment now offers the download.
    fragment = client.get(reverse("outputs:status", args=[form.pk])).content.decode()
    assert reverse("outputs:download", args=[form.pk]) in fragment

    # The 工作动态 bulletin of a provincial programme, as its readers get it.
    anhui = anhui_programme(world)
    issue = make_issue(world, anhui, entries=4, publish=True)
    bulletin = _ask(client, "bulletin_pdf", {"issue": issue.pk})
    text = re.sub(r"\s+", "", pdf_text(_download(client, bulletin), tmp_path))
    for needle in ["工作动态", "〔2023〕第1期", "【省级动态】", "【他山之石】", "第4条正文"]:
        assert needle in text


def _settle(broker: str, seconds: float = 60) -> None:
    """Wait until the worker has run everything queued so far (the test world's dashboard
    recounts), so that the next task it takes is the test's own."""
    queues = redis.Redis.from_url(broker)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(queues.llen(name) for name in ("celery", "pdf")):
            inspect = app.control.inspect(timeout=0.5)
            busy = [inspect.active(), inspect.reserved()]
            if all(reply is not None and not any(reply.values()) for reply in busy):
                return
        time.sleep(0.1)
    pytest.fail(f"the worker still had work after {seconds} s")


@contextlib.contextmanager
def _indicators_locked() -> Iterator[None]:
    """Another connection holds the indicator table locked: an indicator workbook job starts
    (marked running, its task held by the worker) and then waits until the block ends."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"],
    ) as other:
        other.execute(f'LOCK TABLE "{Indicator._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
        try:
            yield
        finally:
            other.rollback()


def _running_workbook(client, world: World) -> OutputJob:
    """An indicator workbook job that the worker has started; call inside _indicators_locked."""
    client.force_login(world.users["bnu_coordinator"])
    job = _ask(
        client,
        "indicator_workbook_xlsx",
        {"programme": world.programme.pk, "consortium": world.consortium.pk},
    )
    job = _wait(job.pk, {JobStatus.RUNNING, JobStatus.DONE, JobStatus.FAILED})
    assert job.status == JobStatus.RUNNING
    return job


def test_ready_answers_for_database_redis_and_worker(client, broker, worker, settings) -> None:
    settings.CELERY_BROKER_URL = broker
    response = client.get("/healthz/ready")
    checks = response.json()["checks"]
    assert response.status_code == 200, checks
    assert [checks[name]["status"] for name in ("database", "broker", "worker")] == [
        "ok",
        "ok",
        "ok (1)",
    ]


def test_a_job_whose_worker_was_killed_fails_once_a_worker_is_back(
    client, world: World, broker, worker, settings
) -> None:
    worker.restart()
    _settle(broker)
    quiet = timezone.now() + dt.timedelta(seconds=settings.WORKER_ORPHAN_AFTER_SECONDS + 1)
    with _indicators_locked():
        job = _running_workbook(client, world)
        # Its heartbeat looks old, but a live worker holds its task: left alone.
        assert services.jobs_fail_stale(now=quiet) == 0
        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING
        worker.kill()
    time.sleep(1)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # nobody left to say otherwise…
    # With no worker answering, the sweep cannot tell a dead job from a busy one (after the
    # hard time limit the heartbeat alone tells, tests/outputs/test_jobs.py)…
    assert services.jobs_fail_stale(now=quiet) == 0
    # …until a worker is back and holds no such task (Redis would redeliver the message only
    # after its hour-long visibility timeout): failed at the next sweep, a minute later.
    worker.start()
    assert services.jobs_fail_stale(now=quiet) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "中断" in job.error
    fragment = client.get(reverse("outputs:status", args=[job.pk])).content.decode()
    assert job.error in fragment and "hx-trigger" not in fragment
    assert client.get(reverse("outputs:download", args=[job.pk])).status_code == 404
    assert Decimal(job.progress) < 100
