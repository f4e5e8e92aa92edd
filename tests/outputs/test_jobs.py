"""The job machinery: queued after commit, run once, progress, failure with a message,
stale jobs failed, files expired, downloads only for the requester."""

import datetime as dt

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from outputs import services
from outputs.exporters.consortium_summary import ConsortiumSummaryExporter
from outputs.models import JobStatus, OutputJob
from tests.world import World

KIND = ConsortiumSummaryExporter.kind


def _request(client, world: World, period, **extra):
    return client.post(
        reverse("outputs:new", args=[KIND]),
        {"consortium": world.consortium.pk, "period": period.pk, "overview": "综述", **extra},
    )


def test_job_is_queued_only_when_the_transaction_commits(
    client, world: World, summary_period, django_capture_on_commit_callbacks
) -> None:
    client.force_login(world.users["bnu_coordinator"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _request(client, world, summary_period)
    job = OutputJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("outputs:detail", args=[job.pk])
    assert len(callbacks) == 1
    assert job.status == JobStatus.QUEUED and not job.file
    assert job.title == "北京师范大学组团 · 2024年第1季度 季度工作汇总"


def test_job_runs_and_the_requester_downloads_it(
    client, world: World, summary_period, django_capture_on_commit_callbacks
) -> None:
    client.force_login(world.users["bnu_coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, world, summary_period)
    job = OutputJob.objects.get()
    assert job.status == JobStatus.DONE, job.error
    assert job.progress == 100 and job.attempts == 1 and job.size == len(job.file.read())
    assert job.expires_at and job.expires_at > timezone.now() + dt.timedelta(hours=71)
    status = client.get(reverse("outputs:status", args=[job.pk])).content.decode()
    assert reverse("outputs:download", args=[job.pk]) in status
    assert "hx-trigger" not in status  # finished: the page stops polling
    response = client.get(reverse("outputs:download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]


def test_an_unfinished_job_polls(client, world: World) -> None:
    user = world.users["bnu_coordinator"]
    job = OutputJob.objects.create(kind=KIND, title="x", requested_by=user, progress=40)
    client.force_login(user)
    fragment = client.get(reverse("outputs:status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'value="40"' in fragment
    page = client.get(reverse("outputs:detail", args=[job.pk])).content.decode()
    assert "vendor/htmx/htmx.min.js" in page


@pytest.mark.parametrize(
    "username, allowed",
    [
        ("admin", True),
        ("bnu_coordinator", True),
        ("carol", False),  # coordinates the other consortium, contact in this one
        ("ahnu_contact", False),
        ("fynu_info", False),
        ("anhui_edu", False),
        ("bnu_expert", False),
        ("alice", False),
    ],
)
def test_who_may_ask_for_the_summary(
    client, world: World, summary_period, username, allowed, django_capture_on_commit_callbacks
) -> None:
    user = world.alice if username == "alice" else world.users[username]
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=False):
        response = _request(client, world, summary_period)
    assert OutputJob.objects.exists() == allowed
    assert response.status_code == (302 if allowed else 200)
    if not allowed:
        assert "consortium" in response.context["form"].errors


@pytest.mark.parametrize("username", ["carol", "ahnu_contact", "anhui_edu", "alice", "admin"])
def test_nobody_else_sees_or_downloads_a_job(
    client, world: World, summary_period, username, django_capture_on_commit_callbacks
) -> None:
    client.force_login(world.users["bnu_coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, world, summary_period)
    job = OutputJob.objects.get()
    client.force_login(world.alice if username == "alice" else world.users[username])
    for name in ("detail", "status", "download"):
        assert client.get(reverse(f"outputs:{name}", args=[job.pk])).status_code == 404
    assert job.title not in client.get(reverse("outputs:list")).content.decode()


def test_a_requester_who_lost_the_role_cannot_download(
    client, world: World, summary_period, django_capture_on_commit_callbacks
) -> None:
    coordinator = world.users["bnu_coordinator"]
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, world, summary_period)
    job = OutputJob.objects.get()
    coordinator.affiliations.all().delete()
    from guardian.models import UserObjectPermission

    UserObjectPermission.objects.filter(user=coordinator).delete()
    client.force_login(coordinator)
    assert client.get(reverse("outputs:download", args=[job.pk])).status_code == 404


def test_a_failing_exporter_fails_the_job_with_a_message(
    client, world: World, summary_period, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    def broken(self, progress):
        raise RuntimeError("boom")

    monkeypatch.setattr(ConsortiumSummaryExporter, "run", broken)
    client.force_login(world.users["bnu_coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, world, summary_period)
    job = OutputJob.objects.get()
    assert job.status == JobStatus.FAILED and job.finished_at
    assert job.error == "生成失败：系统内部错误，已记录，请联系管理员。"
    fragment = client.get(reverse("outputs:status", args=[job.pk])).content.decode()
    assert 'role="alert"' in fragment and job.error in fragment
    assert client.get(reverse("outputs:download", args=[job.pk])).status_code == 404


def test_a_transient_error_is_retried(
    client, world: World, summary_period, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    real = ConsortiumSummaryExporter.run
    calls = []

    def flaky(self, progress):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(self, progress)

    monkeypatch.setattr(ConsortiumSummaryExporter, "run", flaky)
    client.force_login(world.users["bnu_coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, world, summary_period)
    job = OutputJob.objects.get()
    assert len(calls) == 2
    assert job.status == JobStatus.DONE and job.attempts == 2


def test_a_finished_job_is_not_run_again(world: World) -> None:
    """A redelivered message (acks late) finds the job done and leaves it alone."""
    job = OutputJob.objects.create(
        kind=KIND, title="x", requested_by=world.users["admin"], status=JobStatus.DONE
    )
    assert services.job_run(job.pk) is None
    job.refresh_from_db()
    assert job.attempts == 0


def test_stale_jobs_are_failed(world: World, settings) -> None:
    user = world.users["admin"]
    now = timezone.now()
    stale_after = dt.timedelta(seconds=settings.OUTPUT_STALE_AFTER_SECONDS)
    dead = OutputJob.objects.create(
        kind=KIND,
        title="dead",
        requested_by=user,
        status=JobStatus.RUNNING,
        heartbeat_at=now - stale_after - dt.timedelta(seconds=5),
    )
    alive = OutputJob.objects.create(
        kind=KIND, title="alive", requested_by=user, status=JobStatus.RUNNING, heartbeat_at=now
    )
    waiting = OutputJob.objects.create(kind=KIND, title="waiting", requested_by=user)
    forgotten = OutputJob.objects.create(kind=KIND, title="forgotten", requested_by=user)
    OutputJob.objects.filter(pk=forgotten.pk).update(
        created_at=now - dt.timedelta(seconds=settings.OUTPUT_QUEUE_TIMEOUT_SECONDS + 5)
    )
    assert services.jobs_fail_stale(now=now) == 2
    statuses = dict(OutputJob.objects.values_list("title", "status"))
    assert statuses == {
        "dead": JobStatus.FAILED,
        "alive": JobStatus.RUNNING,
        "waiting": JobStatus.QUEUED,
        "forgotten": JobStatus.FAILED,
    }
    dead.refresh_from_db()
    assert "中断" in dead.error
    assert alive.pk and waiting.pk


def test_expired_files_are_deleted_and_the_row_kept(
    client, world: World, summary_period, django_capture_on_commit_callbacks
) -> None:
    client.force_login(world.users["bnu_coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, world, summary_period)
    job = OutputJob.objects.get()
    path = job.file.path
    assert services.jobs_expire(now=timezone.now()) == 0
    assert job.expires_at is not None
    assert services.jobs_expire(now=job.expires_at + dt.timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert not job.file and job.status == JobStatus.DONE
    import os

    assert not os.path.exists(path)
    assert client.get(reverse("outputs:download", args=[job.pk])).status_code == 404
    assert "文件已过期" in client.get(reverse("outputs:status", args=[job.pk])).content.decode()


def test_job_list_query_count(client, world: World, django_assert_max_num_queries) -> None:
    user = world.users["bnu_coordinator"]
    for i in range(30):
        OutputJob.objects.create(kind=KIND, title=f"任务{i}", requested_by=user)
    client.force_login(user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("outputs:list"))
    assert response.status_code == 200 and "任务29" in response.content.decode()
