"""On the production stack: a real redis-server and a real Celery worker process (not eager)
produce every output asked for through the web views; a killed worker leaves a failed job.

Needs PostgreSQL (the worker is another process and must share the test database); the test
command runs on it. Module-scoped: one broker and one worker for the whole module.
"""

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
from projects.models import Indicator, Project, ResponsibleUnit
from reports.models import ReportingPeriod
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


def _big_workbook(world: World) -> dict:
    """Enough rows (2 units × 400 indicators × 48 quarters) that the job runs for seconds."""
    project = Project.objects.get(title="青年骨干教师培育")
    Indicator.objects.bulk_create(
        Indicator(project=project, name=f"指标{i}", unit="人次", order=i) for i in range(400)
    )
    ReportingPeriod.objects.bulk_create(
        ReportingPeriod(
            programme=world.programme,
            name=f"{2030 + q // 4}年第{q % 4 + 1}季度",
            starts_on=f"{2030 + q // 4}-{3 * (q % 4) + 1:02d}-01",
            ends_on=f"{2030 + q // 4}-{3 * (q % 4) + 1:02d}-28",
            opens_on=f"{2030 + q // 4}-{3 * (q % 4) + 1:02d}-01",
            due_on=f"{2030 + q // 4}-{3 * (q % 4) + 2:02d}-10",
            locks_on=f"{2030 + q // 4}-{3 * (q % 4) + 2:02d}-28",
        )
        for q in range(48)
    )
    assert ResponsibleUnit.objects.filter(project=project).count() == 2
    return {"programme": world.programme.pk, "consortium": world.consortium.pk}


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


def test_a_killed_worker_leaves_a_failed_job(
    client, world: World, summary_period, worker, settings
) -> None:
    client.force_login(world.users["bnu_coordinator"])
    job = _ask(client, "indicator_workbook_xlsx", _big_workbook(world))
    job = _wait(job.pk, {JobStatus.RUNNING, JobStatus.DONE, JobStatus.FAILED})
    assert job.status == JobStatus.RUNNING, "the job finished before the worker could be killed"
    worker.kill()
    time.sleep(1)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # nobody left to say otherwise…
    # …until the periodic check finds no heartbeat for longer than a job may run.
    later = timezone.now() + dt.timedelta(seconds=settings.OUTPUT_STALE_AFTER_SECONDS + 1)
    assert services.jobs_fail_stale(now=later) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "中断" in job.error
    fragment = client.get(reverse("outputs:status", args=[job.pk])).content.decode()
    assert job.error in fragment and "hx-trigger" not in fragment
    assert client.get(reverse("outputs:download", args=[job.pk])).status_code == 404
    assert Decimal(job.progress) < 100
