"""When Redis (the Celery broker) is down, work that was saved stays saved and says so, and
work that needed a worker fails at once with a Chinese message instead of waiting forever.

The broker here is a closed loopback port; tasks are sent, not run eagerly.
"""

from collections.abc import Iterator

import pytest

from assessments import services as assessment_services
from assessments.models import RunStatus
from outputs import services as output_services
from outputs.models import JobStatus
from reports import services as report_services
from tests.assessments.conftest import Guangdong, gd, scheme_with  # noqa: F401 (fixture)
from tests.assessments.test_scoring import MANUAL
from tests.outputs.test_worker import _use_broker
from tests.reports.conftest import make_period
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down() -> Iterator[None]:
    saved = _use_broker(broker_url="redis://127.0.0.1:9/0", task_always_eager=False)
    yield
    _use_broker(**saved)


def test_a_report_change_is_saved_and_counted_in_the_request(
    world: World, broker_down, django_capture_on_commit_callbacks, caplog
) -> None:
    period = make_period(world)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_open(
            user=world.users["fynu_contact"], period=period, institution=world.fynu
        )
    # The recount that follows the change could not be queued: it ran here instead of
    # raising (a 500 after the change was committed).
    assert "Broker unreachable: dashboards.tasks.reports_summaries_refresh" in caplog.text
    assert report.pk is not None and report.status == "draft"


def test_an_export_fails_at_once_with_a_chinese_message(
    world: World, broker_down, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = output_services.job_request(
            user=world.users["bnu_coordinator"],
            kind="indicator_workbook_xlsx",
            params={"programme": world.programme.pk, "consortium": world.consortium.pk},
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "暂时无法连接后台处理服务，任务未能开始，请稍后重新生成。"


def test_a_scoring_run_fails_at_once_with_a_chinese_message(
    gd: Guangdong,  # noqa: F811 (the fixture imported above)
    broker_down,
    django_capture_on_commit_callbacks,
) -> None:
    scheme = scheme_with(gd, [("1", "实绩", MANUAL, {"prd": 100, "ewn": 100})])
    with django_capture_on_commit_callbacks(execute=True):
        run = assessment_services.run_start(user=gd.officer, scheme=scheme)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error == "暂时无法连接后台处理服务，评分未能开始，请稍后重新发起。"
