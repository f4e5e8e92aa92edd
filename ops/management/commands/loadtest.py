# ruff: noqa: S105, S310, S311  (a test tool: its own accounts, http:// URLs, a seeded mix)
"""manage.py loadtest — a bounded load test against a running server, then a count check.

Run it with the server's own settings (same DATABASE_URL), e.g. on `scripts/stack.sh`:

    STACK_DIR=/tmp/xtzt-stack bash scripts/stack.sh start
    (env of the stack) uv run python manage.py loadtest --url http://127.0.0.1:8000

Virtual users (default 50, for 120 s) sign in through the login form and loop over what their
role does: college contacts (each its own account and report, made by the command) open their
report, save drafts and submit once; coordinators browse projects, reports and their
dashboard and export the quarterly summary PDF and the indicator workbook (polling the job
until it is done); provincial departments read their dashboard, late reports, regions and
institutions. Every request is timed per endpoint (p50 / p95 / max / errors).

Afterwards the database is asked: every save the server acknowledged (a redirect after
保存草稿 or 提交审核) raised its report's version by one, so version growth must equal the
acknowledged saves (nothing lost, nothing doubled); every acknowledged submission left the
report submitted with its event; every export job reached 完成 (none stuck).
"""

import http.cookiejar
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import scope_of
from accounts.services import user_ensure_with_affiliation
from dashboards.models import ReportSlot
from outputs.models import OutputJob
from pairings.models import Consortium
from reports.models import QuarterlyReport, ReportEvent, ReportingPeriod, ReportStatus

PREFIX = "loadtest-"
PASSWORD = "load-test-password-2026"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _Forms(HTMLParser):
    """The fields of every <form method=post> on a page: action → list of (name, value)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self.forms.append((a.get("action", ""), []))
            return
        if not self.forms:
            return
        fields = self.forms[-1][1]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            chosen = [v for v, s in self._options if s] or [v for v, _s in self._options if v]
            self.forms[-1][1].append((self._select, chosen[0] if chosen else ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1][1].append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


def post_forms(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, endpoint: str, seconds: float, error: str = "") -> None:
        with self.lock:
            self.times[endpoint].append(seconds)
            if error:
                self.errors[endpoint].append(error)


class Client:
    """One virtual user's browser: cookies, CSRF token, timing of every request."""

    def __init__(self, base: str, stats: Stats) -> None:
        self.base = base.rstrip("/")
        self.stats = stats
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self, endpoint: str, path: str, data: list[tuple[str, str]] | None = None
    ) -> tuple[int, str, str]:
        """(status, body, Location); a status ≥ 400 or a connection error counts as an error."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Referer", self.base + path)  # CSRF checks the origin on HTTPS only
        started = time.perf_counter()
        status, text, location, error = 0, "", "", ""
        try:
            with self.opener.open(request, timeout=60) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as answer:
            status, location = answer.code, answer.headers.get("Location", "")
            text = answer.read().decode("utf-8", "replace")
            if status >= 400:
                error = f"HTTP {status}"
        except (OSError, urllib.error.URLError) as failure:
            error = f"{type(failure).__name__}: {failure}"
        self.stats.add(endpoint, time.perf_counter() - started, error)
        return status, text, location

    def csrf(self) -> str:
        return next((c.value or "" for c in self.jar if c.name == "csrftoken"), "")

    def sign_in(self, username: str, password: str) -> bool:
        self.request("login page", "/login/")
        status, _text, location = self.request(
            "login",
            "/login/",
            [("csrfmiddlewaretoken", self.csrf()), ("username", username), ("password", password)],
        )
        return status == 302 and "/login/" not in location


@dataclass
class Ledger:
    """What the server acknowledged, to compare with the database afterwards."""

    saves: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # report → count
    submitted: set[int] = field(default_factory=set)
    jobs: set[int] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _filled(fields: list[tuple[str, str]], token: str) -> list[tuple[str, str]]:
    """The report form with every text area carrying the token and the contact filled in."""
    out = []
    for name, value in fields:
        if name.endswith(("work_done", "next_plan", "problems", "highlights")) or (
            name.endswith("-narrative")
        ):
            value = f"{token} 开展帮扶工作，形成阶段成果。"
        elif name.endswith("-percent") and not value:
            value = "50"
        elif name.endswith("-value") and not value:
            value = "1"
        elif name == "contact_name" and not value:
            value = "压测信息员"
        elif name == "contact_phone" and not value:
            value = "020-12345678"
        out.append((name, value))
    return out


class Command(BaseCommand):
    help = "负载测试：虚拟用户浏览、查看看板、保存并提交季度报告、导出，之后核对数据库。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", required=True, help="服务器地址，如 http://127.0.0.1:8000")
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--duration", type=int, default=120, help="秒")
        parser.add_argument("--demo-password", default="xtzt-demo-2026")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        random.seed(options["seed"])
        users = options["users"]
        contacts = max(1, users * 3 // 5)
        coordinators = max(1, users // 5)
        provinces = max(0, users - contacts - coordinators)
        reports = self._prepare(contacts)
        self.stdout.write(
            f"虚拟用户 {users}：单位联系人 {len(reports)}（各自的报告），"
            f"协调人 {coordinators}，省级教育行政部门 {provinces}；时长 {options['duration']} 秒。"
        )
        stats, ledger = Stats(), Ledger()
        deadline = time.monotonic() + options["duration"]
        demo = options["demo_password"]
        plans: list[Callable[[], None]] = []
        for n, (username, report) in enumerate(reports):
            plans.append(
                self._contact(options["url"], stats, ledger, deadline, username, report, n)
            )
        for n in range(coordinators):
            plans.append(self._coordinator(options["url"], stats, ledger, deadline, demo, n))
        for n in range(provinces):
            plans.append(self._province(options["url"], stats, deadline, demo, n))
        threads = [threading.Thread(target=plan, daemon=True) for plan in plans]
        started = time.monotonic()
        for thread in threads:
            thread.start()
            time.sleep(0.05)  # a ramp of a few seconds, as people arrive
        for thread in threads:
            thread.join(timeout=max(0.0, deadline + 90 - time.monotonic()))
        elapsed = time.monotonic() - started
        self._report(stats, elapsed)
        connection.close()  # ours may have been cut during the run (a database restart drill)
        ok = self._check(ledger, reports)
        if not ok:
            raise SystemExit(1)

    # -- setup ------------------------------------------------------------------------------

    @transaction.atomic
    def _prepare(self, count: int) -> list[tuple[str, QuarterlyReport]]:
        """Accounts of our own, one per institution with an open, unsubmitted report slot."""
        today = timezone.localdate()
        open_periods = ReportingPeriod.objects.filter(opens_on__lte=today, locks_on__gte=today)
        slots = (
            ReportSlot.objects.filter(period__in=open_periods)
            .exclude(report__status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED])
            .select_related("period", "institution")
            .order_by("period_id", "institution_id")
        )
        chosen: list[tuple[str, QuarterlyReport]] = []
        password_hash = make_password(PASSWORD)
        User.objects.filter(username__startswith=PREFIX).delete()  # a fresh set every run
        coordinator = User.objects.filter(username="bnu_coordinator").first()
        coordinated = sorted(scope_of(coordinator).coordinated) if coordinator else []
        consortium = Consortium.objects.filter(pk__in=coordinated[:1]).first()
        period = (
            ReportingPeriod.objects.filter(
                programme__consortia=consortium, opens_on__lte=today, reports__isnull=False
            )
            .order_by("-opens_on")
            .first()
        )
        self._export_query = (
            f"?consortium={consortium.pk}&period={period.pk if period else ''}"
            if consortium
            else ""
        )
        seen: set[int] = set()
        for slot in slots:
            if len(chosen) == count:
                break
            if slot.institution_id in seen:
                continue
            seen.add(slot.institution_id)
            username = f"{PREFIX}{len(chosen) + 1:02d}"
            user = user_ensure_with_affiliation(
                username=username,
                password_hash=password_hash,
                full_name=f"压测联系人 {len(chosen) + 1}",
                institution=slot.institution,
                role=Role.CONTACT,
                consortium=slot.consortium,
            )
            user.password = password_hash  # the same password on a second run
            user.save(update_fields=["password"])
            report, _made = QuarterlyReport.objects.get_or_create(
                period=slot.period,
                institution=slot.institution,
                defaults={"consortium_id": slot.consortium_id},
            )
            chosen.append((username, report))
        if len(chosen) < count:
            self.stderr.write(f"只有 {len(chosen)} 个开放的报送位可用（要 {count} 个）。")
        for _username, report in chosen:
            report.refresh_from_db()
        self._start_versions = {r.pk: r.version for _u, r in chosen}
        return chosen

    # -- the virtual users ------------------------------------------------------------------

    def _contact(
        self,
        base: str,
        stats: Stats,
        ledger: Ledger,
        deadline: float,
        username: str,
        report: QuarterlyReport,
        n: int,
    ) -> Callable[[], None]:
        fill = f"/reports/fill/{report.period_id}/{report.institution_id}/"
        submit_at = deadline - 30 - (n % 10)  # each submits once, in the last half minute

        def run() -> None:
            client = Client(base, stats)
            if not client.sign_in(username, PASSWORD):
                ledger.refused.append(f"{username}: 登录失败")
                return
            saves, submitted = 0, False
            while time.monotonic() < deadline:
                action = random.choices(["browse", "save", "submit"], [2, 3, 1])[0]
                if action == "browse":
                    path = random.choice(["/", "/reports/", "/notifications/", "/bulletins/"])
                    client.request(f"GET {path}", path)
                    continue
                if submitted:
                    client.request("GET /reports/<id>/", f"/reports/{report.pk}/")
                    continue
                status, html, _loc = client.request("GET report form", fill)
                forms = [f for a, f in post_forms(html) if any(k == "version" for k, _v in f)]
                if status != 200 or not forms:
                    continue
                final = action == "submit" and time.monotonic() >= submit_at
                token = f"[{username}#{saves + 1}]"
                data = [*_filled(forms[0], token), ("action", "submit" if final else "save")]
                status, html, location = client.request(
                    "POST submit report" if final else "POST save draft", fill, data
                )
                if status == 302 and final and f"/reports/{report.pk}/" in location:
                    with ledger.lock:
                        ledger.saves[report.pk] += 1
                        ledger.submitted.add(report.pk)
                    submitted = True
                elif status == 302 and not final and location.endswith(fill):
                    saves += 1
                    with ledger.lock:
                        ledger.saves[report.pk] += 1
                elif status == 200:
                    # Saved but not submittable (the message names what is missing): the
                    # draft itself was saved in the same request.
                    if "草稿已保存" in html:
                        with ledger.lock:
                            ledger.saves[report.pk] += 1
                    alert = re.search(r'<div class="error" role="alert"><ul>(.*?)</ul>', html, re.S)
                    messages = re.findall(r"<li>(.*?)</li>", alert.group(1))[:2] if alert else []
                    what = "提交" if final else "保存"
                    ledger.refused.append(f"{username}: {what}未通过 {messages}")

        return run

    def _coordinator(
        self, base: str, stats: Stats, ledger: Ledger, deadline: float, password: str, n: int
    ) -> Callable[[], None]:
        def run() -> None:
            client = Client(base, stats)
            if not client.sign_in("bnu_coordinator", password):
                ledger.refused.append("bnu_coordinator: 登录失败")
                return
            while time.monotonic() < deadline:
                action = random.choices(["browse", "dashboard", "export"], [6, 3, 1])[0]
                if action == "browse":
                    path = random.choice(
                        ["/projects/", "/reports/review/", "/plans/", "/activities/", "/outputs/"]
                    )
                    client.request(f"GET {path}", path)
                elif action == "dashboard":
                    client.request("GET /dashboard/consortium/", "/dashboard/consortium/")
                else:
                    kind = random.choice(["consortium_summary_pdf", "indicator_workbook_xlsx"])
                    self._export(client, ledger, kind, deadline)

        return run

    def _export(self, client: Client, ledger: Ledger, kind: str, deadline: float) -> None:
        status, html, _loc = client.request(
            f"GET new {kind}", f"/outputs/new/{kind}/{self._export_query}"
        )
        path = f"/outputs/new/{kind}/"
        forms = [fields for action, fields in post_forms(html) if action in {"", path}]
        if status != 200 or not forms:
            return
        data = forms[0]
        status, _html, location = client.request(f"POST {kind}", path, data)
        match = re.search(r"/outputs/(\d+)/", location)
        if status != 302 or match is None:
            ledger.refused.append(f"export {kind}: {status}")
            return
        job = int(match.group(1))
        with ledger.lock:
            ledger.jobs.add(job)
        while time.monotonic() < deadline + 60:
            _s, fragment, _l = client.request("GET job status", f"/outputs/{job}/status/")
            if "/download/" in fragment:
                client.request(f"GET download {kind}", f"/outputs/{job}/download/")
                return
            if "失败" in fragment:
                return
            time.sleep(1)

    def _province(
        self, base: str, stats: Stats, deadline: float, password: str, n: int
    ) -> Callable[[], None]:
        username, query = [
            ("anhui_edu", "programme=national&region=34"),
            ("guangdong_edu", "programme=guangdong&region=44"),
            ("jiangxi_edu", "programme=jiangxi&region=36"),
        ][n % 3]

        def run() -> None:
            client = Client(base, stats)
            if not client.sign_in(username, password):
                return
            while time.monotonic() < deadline:
                path = random.choice(
                    [
                        f"/dashboard/?{query}",
                        f"/dashboard/?{query}",
                        f"/dashboard/late/?{query}",
                        "/institutions/",
                        "/regions/",
                        "/assessments/",
                        "/projects/",
                    ]
                )
                client.request(f"GET {path.split('?')[0]}", path)

        return run

    # -- figures and the count check ------------------------------------------------------

    def _report(self, stats: Stats, elapsed: float) -> None:
        total = sum(len(t) for t in stats.times.values())
        errors = sum(len(e) for e in stats.errors.values())
        header = f"{'endpoint':<34}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'err':>6}"
        self.stdout.write("\n" + header)
        for endpoint in sorted(stats.times, key=lambda e: -len(stats.times[e])):
            times = sorted(stats.times[endpoint])
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            self.stdout.write(
                f"{endpoint[:33]:<34}{len(times):>6}{statistics.median(times) * 1000:>9.0f}"
                f"{p95 * 1000:>9.0f}{times[-1] * 1000:>9.0f}{len(stats.errors[endpoint]):>6}"
            )
        self.stdout.write(
            f"\n{total} requests in {elapsed:.0f} s = {total / elapsed:.1f} req/s; "
            f"errors {errors} ({errors / max(total, 1):.2%})"
        )
        for endpoint, problems in stats.errors.items():
            kinds: dict[str, int] = defaultdict(int)
            for problem in problems:
                kinds[problem[:80]] += 1
            for problem, count in kinds.items():
                self.stdout.write(f"  {endpoint}: {problem} ×{count}")

    def _check(self, ledger: Ledger, reports: list[tuple[str, QuarterlyReport]]) -> bool:
        ok = True
        grown = acknowledged = 0
        for _username, report in reports:
            report.refresh_from_db()
            growth = report.version - self._start_versions[report.pk]
            grown += growth
            acknowledged += ledger.saves.get(report.pk, 0)
            if growth != ledger.saves.get(report.pk, 0):
                ok = False
                self.stdout.write(
                    f"  报告 {report.pk}: 确认保存 {ledger.saves.get(report.pk, 0)} 次，"
                    f"版本只增加了 {growth}"
                )
        self.stdout.write(
            f"\n确认的保存 acknowledged saves: {acknowledged}; 入库 in the database: {grown}"
        )
        submitted = set(
            QuarterlyReport.objects.filter(
                pk__in=ledger.submitted, status=ReportStatus.SUBMITTED
            ).values_list("pk", flat=True)
        )
        events = set(
            ReportEvent.objects.filter(
                report__in=ledger.submitted, to_status=ReportStatus.SUBMITTED
            ).values_list("report_id", flat=True)
        )
        self.stdout.write(
            f"确认的提交 acknowledged submissions: {len(ledger.submitted)}; "
            f"已提交 submitted: {len(submitted)}; with event: {len(events)}"
        )
        ok = ok and submitted == ledger.submitted == events
        deadline = time.monotonic() + 120
        while True:
            states = dict(
                OutputJob.objects.filter(pk__in=ledger.jobs)
                .values_list("status")
                .annotate(n=Count("pk"))
            )
            pending = sum(n for s, n in states.items() if s in {"queued", "running"})
            if not pending or time.monotonic() > deadline:
                break
            time.sleep(2)
        self.stdout.write(f"导出任务 export jobs: {len(ledger.jobs)} → {states}")
        ok = ok and not pending
        if ledger.refused:
            self.stdout.write(f"未通过的操作 refused ({len(ledger.refused)}): {ledger.refused[:5]}")
        verdict = "没有丢失 nothing lost" if ok else "有出入 MISMATCH"
        self.stdout.write(self.style.SUCCESS(verdict) if ok else self.style.ERROR(verdict))
        return ok
