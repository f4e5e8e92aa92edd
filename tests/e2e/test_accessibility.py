"""Issue #11: every page passes the accessibility basics (a11y.py) at a phone's width, as the
role that works on it, with the test world's content on it; the checker itself first proves
that it finds each kind of fault."""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Browser, Page, Response

from assessments import services as assessments
from assessments.models import (
    AssessmentIndicator,
    AssessmentResult,
    AssessmentRun,
    AssessmentScheme,
    Basis,
    Rule,
    Source,
)
from bulletins.models import BulletinIssue, NewsItem
from imports import services as imports
from imports.importers import IMPORTERS
from imports.models import ImportBatch
from outputs import services as outputs
from outputs.exporters import EXPORTERS
from outputs.models import OutputJob
from programmes.models import Application, Programme
from projects.models import Activity, Meeting, SchoolPlan, Visit
from projects.services import plans as plan_services
from reports.models import QuarterlyReport, ReportingPeriod
from tests.bulletins.conftest import make_issue, push
from tests.e2e.a11y import Violation, violations
from tests.e2e.conftest import PHONE
from tests.imports.books import upload, xlsx
from tests.projects.conftest import Work, build_work
from tests.reports.conftest import make_period
from tests.reports.helpers import fill
from tests.world import World, anhui_programme

BAD = """<!doctype html><html lang="en"><head><meta name="viewport"
content="width=device-width, initial-scale=1"></head><body>
<header><nav><a href="/" id="covered">首页</a>
<div style="position:fixed;top:0;left:0;width:200px;height:60px;background:#fff"></div></nav>
</header>
<h1>标题</h1><h3>跳级的标题</h3>
<label>有标签 <input name="ok"></label><input name="bare"><select name="pick"></select>
<p style="color:#aaa">浅灰色的字</p>
<img src="data:," width="10" height="10"><div role="img" aria-label=" "></div>
<a href="/x"></a><button></button>
<div style="width:1000px">很宽的一块</div>
<div style="overflow-x:auto"><p style="width:1000px;text-align:right">宽表
<span style="position:absolute">逃出滚动区</span></p></div>
</body></html>"""

GOOD = """<!doctype html><html lang="zh-CN"><head><meta name="viewport"
content="width=device-width, initial-scale=1"></head><body>
<header><nav><a href="/">首页</a></nav></header>
<h1>标题</h1><h2>小节</h2><h3>小小节</h3>
<label for="q">搜索</label><input id="q" name="q"><input aria-label="年份" name="year">
<p style="color:#595959">深灰色的字</p><p style="color:#fff;background:#2d6cb5">蓝底白字</p>
<img src="data:," alt="" width="10" height="10"><button aria-label="关闭">×</button>
<div style="overflow-x:auto;position:relative"><table style="width:1000px"><tr><td>很宽的表格
<span style="position:absolute">留在滚动区里</span></td></tr></table></div>
</body></html>"""


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    yield context.new_page()
    context.close()


def test_the_checker_finds_each_fault_and_passes_a_clean_page(phone_page: Page) -> None:
    phone_page.set_content(BAD)
    found = violations(phone_page, "bad", phone=True)
    rules = {v.rule for v in found}
    assert rules == {
        "lang",
        "label",
        "heading-order",
        "contrast",
        "img-alt",
        "name",
        "overflow",
        "nav",
    }, found
    assert {v.element for v in found if v.rule == "label"} == {
        "input[name=bare]",
        "select[name=pick]",
    }
    assert [v.element for v in found if v.rule == "overflow"] == [
        'div "很宽的一块"',
        'span "逃出滚动区"',
    ]
    assert any("2.32:1" in v.detail for v in found if v.rule == "contrast")  # #aaa on white
    assert len([v for v in found if v.rule == "name"]) == 2
    assert [v.element for v in found if v.rule == "img-alt"] == ["img", "div"]

    phone_page.set_content(BAD.replace("<h1>标题</h1>", ""))
    assert "h1" in {v.rule for v in violations(phone_page, "no h1", phone=True)}

    phone_page.set_content(GOOD)
    assert violations(phone_page, "good", phone=True) == []


# --- every page -------------------------------------------------------------------------


@dataclass
class Content:
    """The objects whose pages are visited: one of each, on the test world."""

    work: Work
    period: ReportingPeriod
    report: QuarterlyReport
    activity: Activity
    draft_plan: SchoolPlan
    application: Application
    anhui: Programme
    news: NewsItem
    issue: BulletinIssue
    job: OutputJob
    batch: ImportBatch
    scheme: AssessmentScheme  # scored and published
    draft_scheme: AssessmentScheme  # its next version, still editable
    run: AssessmentRun
    result: AssessmentResult


def build_content(world: World) -> Content:
    """Everything through the services (on_commit runs at once in a transactional test, and
    Celery is eager: the output job, the import check and the scoring run finish here)."""
    admin, officer = world.users["admin"], world.users["anhui_edu"]
    work = build_work(world)
    period = make_period(world)
    report = fill(world.users["fynu_contact"], period, world.fynu)
    draft_plan = plan_services.plan_create(
        user=admin,
        consortium=world.consortium,
        phase=world.phase,
        college=world.qhnu,
        supporter=world.bnu,
    )
    application = Application.objects.create(
        programme=world.programme,
        phase=world.phase,
        institution=world.fynu,
        province=world.region("安徽省"),
        contact_name="王五",
        contact_phone="0558-1234567",
    )
    anhui = anhui_programme(world)
    news = push(world, anhui)
    issue = make_issue(world, anhui, entries=4)
    job = outputs.job_request(
        user=world.users["fynu_contact"],
        kind="report_form_xlsx",
        params={"period": period.pk, "institution": world.fynu.pk},
    )
    batch = imports.batch_upload(
        user=admin,
        kind="round_setup",
        params={"programme": world.programme.pk, "phase": None},
        upload=upload(
            xlsx(
                {
                    "单位": [
                        ["单位名称", "单位类型", "省份", "地市", "县区", "联系人", "联系电话"],
                        [
                            "广州市天河区第一中学",
                            "初级中学",
                            "广东省",
                            "广州市",
                            "天河区",
                            "陈老师",
                            "020-38888888",
                        ],
                    ]
                }
            )
        ),
    )
    scheme = assessments.scheme_create(
        user=officer, programme=anhui, year=2025, name="2025 年度考核", basis=Basis.ROLE
    )
    indicator = assessments.indicator_save(
        user=officer,
        indicator=AssessmentIndicator(
            scheme=scheme,
            code="1",
            name="帮扶实绩",
            order=1,
            rule=Rule.MANUAL,
            source=Source.ENTERED,
        ),
    )
    assessments.weights_set(
        user=officer,
        scheme=scheme,
        weights={(indicator.pk, column): Decimal(100) for column in scheme.columns},
    )
    scheme.reviewers.add(world.users["bnu_expert"])
    assessments.entry_record(
        user=officer,
        indicator=indicator,
        party=world.ahnu,
        value=Decimal(88),
        evidence="实地查看",
    )
    run = assessments.run_start(user=officer, scheme=scheme)
    run = assessments.run_publish(user=officer, run=AssessmentRun.objects.get(pk=run.pk))
    return Content(
        work=work,
        period=period,
        report=report,
        activity=Activity.objects.earliest("pk"),
        draft_plan=draft_plan,
        application=application,
        anhui=anhui,
        news=news,
        issue=issue,
        job=job,
        batch=batch,
        scheme=scheme,
        draft_scheme=assessments.scheme_new_version(user=officer, scheme=scheme),
        run=run,
        result=run.results.get(party=world.ahnu),
    )


ANONYMOUS = ""

# Addresses that are no page of their own: the sweep must name every other one.
NOT_PAGES = {
    "home": "redirects to the user's dashboard or the programme list",
    "healthz": "probe (text)",
    "ready": "probe (JSON)",
    "logout": "POST",
    "set_language": "POST",
    "accounts:remove": "POST",
    "assessments:evidence": "file download",
    "assessments:indicator_delete": "POST",
    "assessments:run_publish": "POST",
    "assessments:run_start": "POST",
    "assessments:run_status": "fragment polled by the run page (checked there)",
    "assessments:version": "POST",
    "bulletins:create": "POST",
    "bulletins:decline": "POST",
    "bulletins:entry_add": "POST",
    "bulletins:entry_delete": "POST",
    "bulletins:entry_move": "POST",
    "bulletins:entry_new": "POST",
    "bulletins:publish": "POST",
    "imports:confirm": "POST",
    "imports:discard": "POST",
    "imports:file": "file download",
    "imports:status": "fragment polled by the import page (checked there)",
    "imports:template": "file download",
    "outputs:download": "file download",
    "outputs:status": "fragment polled by the job page (checked there)",
    "programmes:application_add_to_consortium": "POST",
    "programmes:application_move": "POST",
    "projects:adopt": "POST",
    "projects:pairing_adopt": "POST",
    "projects:plan_action": "POST",
    "projects:status": "POST",
    "projects:attachment": "file download",
    "reports:action": "POST",
    "reports:approve_selected": "POST",
    "reports:attachment": "file download",
}


def url_names(patterns: list, namespace: str = "") -> Iterator[str]:
    """Every named address of the site, Django's own admin left out (its own templates)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name


@dataclass(frozen=True)
class Address:
    name: str  # the URL's name, or the error page's
    role: str  # username, or ANONYMOUS
    url: str
    status: int = 200
    lands: str = ""  # the path it redirects to, if it does


LOCKED_OUT = "locked_out"  # the page django-axes shows at the next failed sign-in


def visits(w: World, c: Content) -> list[Address]:
    """Every page, opened by the role that works on it."""
    coordinator, contact, college = "bnu_coordinator", "ahnu_contact", "fynu_contact"
    province, expert, admin = "anhui_edu", "bnu_expert", "admin"
    project, plan = c.work.project, c.work.plan
    draft_indicator = c.draft_scheme.indicators.get()
    entry = c.issue.entries.first()
    assert entry is not None
    user = w.users["fynu_contact"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))

    def at(name: str, role: str, *args: object) -> Address:
        return Address(name, role, reverse(name, args=args))

    return [
        at("login", ANONYMOUS),
        at("password_reset", ANONYMOUS),
        at("password_reset_done", ANONYMOUS),
        at("password_reset_confirm", ANONYMOUS, "MQ", "set-password"),  # an invalid link
        Address(
            "password_reset_confirm",
            ANONYMOUS,
            reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)]),
            lands=reverse("password_reset_confirm", args=[uid, "set-password"]),
        ),
        at("password_reset_complete", ANONYMOUS),
        Address(LOCKED_OUT, ANONYMOUS, reverse("login"), 429),
        at("password_change", college),
        at("password_change_done", college),
        Address("404", college, "/no-such-page/", 404),
        Address("403", college, reverse("dashboards:province"), 403),
        at("programmes:list", college),
        at("programmes:detail", college, w.programme.slug),
        at("programmes:application_list", province),
        at("programmes:application_detail", province, c.application.pk),
        at("pairings:consortium", coordinator, w.consortium.pk),
        at("accounts:people", coordinator, w.consortium.pk),
        at("accounts:history", coordinator, w.consortium.pk),
        at("dashboards:coordinator", coordinator),
        at("dashboards:coordinator_for", coordinator, w.consortium.pk),
        at("dashboards:province", province),
        at("dashboards:late", province),
        at("projects:list", contact),
        at("projects:create", contact),
        at("projects:detail", contact, project.pk),
        at("projects:edit", contact, project.pk),
        at("projects:pairing", contact, w.pairings[1].pk),
        at("projects:indicator_create", contact, project.pk),
        at("projects:pairing_indicator_create", contact, w.pairings[1].pk),
        at("projects:indicator", contact, c.work.indicator.pk),
        at("projects:indicator_edit", contact, c.work.indicator.pk),
        at("projects:templates", admin, w.programme.slug),
        at("projects:activities", contact),
        at("projects:activity_create", contact),
        at("projects:activity_edit", admin, c.activity.pk),
        at("projects:plans", expert),
        at("projects:plan_create", contact),
        at("projects:plan", expert, plan.pk),
        at("projects:plan", coordinator, plan.pk),
        at("projects:plan_edit", admin, c.draft_plan.pk),
        at("projects:overview", coordinator, w.consortium.pk),
        at("projects:visits", coordinator, w.consortium.pk),
        at("projects:visit_create", coordinator, w.consortium.pk),
        at("projects:visit_edit", coordinator, Visit.objects.get().pk),
        at("projects:meetings", coordinator, w.consortium.pk),
        at("projects:meeting_create", coordinator, w.consortium.pk),
        at("projects:meeting_edit", coordinator, Meeting.objects.get().pk),
        at("reports:mine", college),
        at("reports:fill", contact, c.period.pk, w.ahnu.pk),
        at("reports:upload_offline", contact, c.period.pk, w.ahnu.pk),
        at("reports:detail", coordinator, c.report.pk),
        at("reports:review", coordinator),
        at("reports:completeness", coordinator, w.programme.slug),
        at("reports:period_edit", admin, c.period.pk),
        at("reports:notifications", college),
        at("outputs:list", college),
        *(at("outputs:new", admin, kind) for kind in EXPORTERS),
        at("outputs:detail", college, c.job.pk),
        at("bulletins:index", province),
        at("bulletins:news", province),
        at("bulletins:push", "fynu_info"),
        at("bulletins:issues", province, c.anhui.slug),
        at("bulletins:issue", province, c.issue.pk),
        at("bulletins:edit", province, c.issue.pk),
        at("bulletins:entry_edit", province, entry.pk),
        at("imports:list", admin),
        *(at("imports:new", admin, kind) for kind in IMPORTERS),
        at("imports:detail", admin, c.batch.pk),
        at("schools:institution_list", college),
        at("schools:institution", college, w.fynu.pk),
        at("schools:regions", college),
        at("schools:region", college, "34"),
        at("assessments:list", province),
        at("assessments:new", province),
        at("assessments:scheme", province, c.scheme.pk),
        at("assessments:indicator_new", province, c.draft_scheme.pk),
        at("assessments:indicator_edit", province, c.draft_scheme.pk, draft_indicator.pk),
        at("assessments:weights", province, c.draft_scheme.pk),
        at("assessments:data", expert, c.draft_scheme.pk),
        at("assessments:entry", expert, c.draft_scheme.pk, draft_indicator.pk, w.ahnu.pk),
        at("assessments:run", province, c.run.pk),
        at("assessments:result", contact, c.result.pk),
    ]


def fail_to_sign_in(page: Page, url: str) -> Response | None:
    """Sign in with a wrong password until django-axes locks the account out."""
    page.goto(url)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.fill("input[name=username]", "alice")  # no role: not signed in here otherwise
        page.fill("input[name=password]", "wrong")
        with page.expect_navigation() as answer:
            page.press("input[name=password]", "Enter")
    return answer.value


@pytest.mark.django_db(transaction=True)
def test_every_page_passes_the_basics_at_a_phones_width(
    world: World, sign_in, browser: Browser, live_server, shot
) -> None:
    content = build_content(world)
    pages = visits(world, content)
    missing = set(url_names(get_resolver().url_patterns)) - set(NOT_PAGES) - {v.name for v in pages}
    assert not missing, f"pages the sweep does not visit: {sorted(missing)}"

    anonymous = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    tabs: dict[str, Page] = {ANONYMOUS: anonymous.new_page()}
    found: list[Violation] = []
    for visit in pages:
        if visit.role not in tabs:
            tabs[visit.role] = sign_in(visit.role, phone=True)
        page = tabs[visit.role]
        name = f"{visit.url} [{visit.name}, {visit.role or 'anonymous'}]"
        if visit.name == LOCKED_OUT:
            response = fail_to_sign_in(page, live_server.url + visit.url)
        else:
            response = page.goto(live_server.url + visit.url)
        status = response.status if response else 0
        if status != visit.status or urlsplit(page.url).path != (visit.lands or visit.url):
            found.append(Violation(name, "reach", visit.url, f"{status} at {page.url}"))
            continue
        found += violations(page, name, phone=True)
        shot(page, f"{visit.role or 'anonymous'} {visit.url}")
    anonymous.close()
    assert not found, f"{len(found)} accessibility problems:\n" + "\n".join(map(str, found))
