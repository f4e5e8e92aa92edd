"""The building blocks both generators share: pairing rows → projects with indicators and
targets → quarterly reports with indicator values, drawn from one seeded random.Random.

Rows go in with bulk_create (no full_clean, no signals, no history rows), so these functions
keep the rules themselves: projects inside their pairing's round with statuses that fit
their dates, reports only from the institutions expected to report, timestamps that fit the
report's status.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from pairings.choices import PairingKind
from pairings.models import Pairing
from programmes.models import ContentArea, Phase, Programme
from projects.choices import ActualSource, Aggregation, ProjectStatus, TargetBasis
from projects.demo import GUANGDONG_TEMPLATES
from projects.models import (
    Indicator,
    IndicatorTarget,
    IndicatorTemplate,
    Milestone,
    Project,
    ResponsibleUnit,
)
from projects.services.indicators import DEFINITION_FIELDS
from reports.models import IndicatorValue, QuarterlyReport, ReportingPeriod, ReportStatus
from schools.models import Institution, KindGroup, Region, Zone

BATCH = 2000
Log = Callable[[str], object]

# The content areas a pairing's projects are in, by kind of pairing.
AREAS_BY_KIND: dict[str, str] = {
    PairingKind.CITY_CITY: "1234567",
    PairingKind.COUNTY_COUNTY: "123467",
    PairingKind.NORMAL_COLLEGE_CITY: "84136",
    PairingKind.NON_NORMAL_COLLEGE_AREA: "846",
    PairingKind.TEACHING_RESEARCH: "536",
    PairingKind.SCHOOL_SCHOOL: "1347",
    PairingKind.INTRA_REGION: "3457",
}
# area code → (project titles, templates most relevant first: a project takes the first few)
AREA_WORK = {
    "1": (
        ("校长跟岗研修", "后备校长专项培养", "校领导双向挂职"),
        "G4 G32 G15b G15a G23 G12 G20 G30",
    ),
    "2": (("教育行政干部双向挂职", "教育管理干部观摩学习"), "G32 G4 G15b G23 G20 G15a G12 G30"),
    "3": (
        ("骨干教师支教跟岗", "名师工作室结对培养", "骨干教师提升研修"),
        "G12 G15a G15b G32 G20 G23 G4 G30",
    ),
    "4": (("教师全员轮训", "组团支教与跟岗", "教师学历提升"), "G15a G15b G30 G23 G12 G32 G4 G20"),
    "5": (("教研指导帮扶", "教研员蹲点联系", "教研员专项培训"), "G20 G12 G32 G15a G23 G15b G4 G30"),
    "6": (("教师信息技术应用能力提升", "网络研修社区共建"), "G23 G15b G15a G32 G30 G20 G12 G4"),
    "7": (("跨区域教育集团建设", "种子学校建设"), "G32 G4 G15a G12 G20 G15b G23 G30"),
    "8": (
        ("师范生实习支教置换培训", "大学生志愿服务", "送教讲学与资源共享"),
        "G29 G30 G17 G32 G23 G15a G15b G12",
    ),
}
COLLEGE_TEMPLATES = {"G29", "G30", "G17"}  # student volunteers and trainees: higher education's
STEPS = [
    "签订帮扶协议，制定年度工作方案",
    "完成受援方需求调研",
    "开展第一批集中培训",
    "组织跟岗交流与送教下乡",
    "中期评估与整改",
    "年度总结与成果汇编",
    "项目验收",
]
COUNTED = {"人", "次", "个"}  # units whose values are whole numbers
SEASON = {1: 0.8, 2: 1.0, 3: 1.3, 4: 0.9}  # school holidays: more volunteering in Q3
# (draft, returned, submitted) shares of the reports that exist, by age of the period
# (0 = the latest one due): the latest quarter is still being reviewed.
STATUS_SHARES = [(0.04, 0.04, 0.35), (0.01, 0.02, 0.08), (0.005, 0.01, 0.01)]


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _at(day: dt.date, rng: random.Random, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(8, 21), rng.randint(0, 59), tzinfo=tz
    )


def whole(x: float, rng: random.Random) -> int:
    """Round at random in proportion to the fraction, so small rates still add up."""
    return int(x) + (1 if rng.random() < x - int(x) else 0)


@dataclass(frozen=True)
class Profile:
    """How a prefecture's institutions behave: reporting (0–1) and target attainment."""

    diligence: float
    attainment: float


DEFAULT_PROFILE = Profile(0.8, 1.0)


def prefecture_profiles(prefectures: list[Region], rng: random.Random) -> dict[str, Profile]:
    """By prefecture code: 珠三角 reports well and reaches its targets; about a quarter of
    粤东粤西粤北 lags on both, so heat maps and attainment charts show a pattern."""
    ewn = [p.code for p in prefectures if p.zone == Zone.EAST_WEST_NORTH]
    behind = set(rng.sample(ewn, round(len(ewn) / 4)))
    profiles = {}
    for p in prefectures:
        if p.code in behind:
            profiles[p.code] = Profile(rng.uniform(0.1, 0.35), rng.uniform(0.5, 0.75))
        elif p.zone == Zone.EAST_WEST_NORTH:
            profiles[p.code] = Profile(rng.uniform(0.45, 0.85), rng.uniform(0.95, 1.2))
        else:
            profiles[p.code] = Profile(rng.uniform(0.65, 0.95), rng.uniform(1.0, 1.25))
    return profiles


@dataclass(frozen=True, slots=True)
class PairingRow:
    """What projects and reports need of a pairing, read once."""

    pk: int
    kind: str
    phase: Phase
    starts_on: dt.date
    ends_on: dt.date
    supporter: Institution
    supported: Institution

    @staticmethod
    def of(pairing: Pairing) -> "PairingRow":
        assert pairing.phase is not None
        return PairingRow(
            pairing.pk,
            pairing.kind,
            pairing.phase,
            pairing.starts_on or pairing.phase.starts_on,
            pairing.ends_on or pairing.phase.ends_on,
            pairing.supporter,
            pairing.supported,
        )


@dataclass(slots=True)
class ProjectRow:
    """A generated project as the reports see it: who reports on it, when, and what."""

    pk: int
    starts_on: dt.date
    ends_on: dt.date
    suspended: bool
    attainment: float
    units: tuple[int, ...]
    indicators: list[tuple[int, IndicatorTemplate]]
    # (indicator, period) → what its activities give, for indicators derived from activities
    derived: dict[tuple[int, int], Decimal] = field(default_factory=dict)


TEMPLATE_FIELDS = [
    "code",
    *DEFINITION_FIELDS,
    "applies_to",
    "target_basis",
    "target_value",
    "checklist",
]


# What an indicator copies from the template it is taken from (as indicator_adopt does).
INDICATOR_FIELDS = [
    "name",
    "kind",
    "unit",
    "direction",
    "aggregation",
    "participant_kind",
    "description",
    "order",
]


def templates_copy(programme: Programme) -> dict[str, IndicatorTemplate]:
    """Give the programme the demo Guangdong programme's indicator templates: as stored when
    the demo is loaded, else as projects.demo defines them (seed 004 annex 2-1)."""
    stored = IndicatorTemplate.objects.filter(programme__slug="guangdong").order_by("order")
    copies = [
        IndicatorTemplate(programme=programme, **{f: getattr(t, f) for f in TEMPLATE_FIELDS})
        for t in stored
    ] or [
        IndicatorTemplate(
            programme=programme,
            code=code,
            name=name,
            unit=unit,
            target_value=target,
            target_basis=basis,
            aggregation=aggregation,
            source=source,
            activity_kind=activity_kind,
            participant_kind=participants,
            applies_to=applies_to,
            description=basis_text,
            order=order,
        )
        for order, (
            code,
            name,
            unit,
            target,
            basis,
            aggregation,
            source,
            activity_kind,
            participants,
            applies_to,
            basis_text,
        ) in enumerate(GUANGDONG_TEMPLATES, start=1)
    ]
    return {t.code: t for t in IndicatorTemplate.objects.bulk_create(copies)}


def _label(institution: Institution) -> str:
    return institution.short_name or institution.name


def _years_later(day: dt.date, years: int) -> dt.date:
    return dt.date(day.year + years, day.month, min(day.day, 28))


def _dates(rng: random.Random, row: PairingRow) -> tuple[dt.date, dt.date]:
    """Most projects run the whole round; some start later or last one to three years."""
    first = max(row.starts_on, row.phase.starts_on)
    last = min(row.ends_on, row.phase.ends_on)
    starts_on = first
    if rng.random() > 0.7:
        month = first.month - 1 + 3 * rng.randint(1, 6)
        starts_on = min(dt.date(first.year + month // 12, month % 12 + 1, 1), last)
    ends_on = last
    if rng.random() > 0.75:
        ends_on = min(last, _years_later(starts_on, rng.randint(1, 3)) - dt.timedelta(days=1))
    return starts_on, ends_on


def _status(rng: random.Random, starts_on: dt.date, ends_on: dt.date, today: dt.date) -> str:
    if starts_on > today:
        return ProjectStatus.PLANNED
    if ends_on < today:
        return ProjectStatus.SUSPENDED if rng.random() < 0.06 else ProjectStatus.COMPLETED
    return ProjectStatus.SUSPENDED if rng.random() < 0.08 else ProjectStatus.ACTIVE


def _milestones(
    rng: random.Random, project: Project, status: str, today: dt.date
) -> list[Milestone]:
    """Two to four steps spread over the project: done when due (a few late), some overdue
    and some due in the coming month for running projects."""
    n = rng.randint(2, 4)
    span = (project.ends_on - project.starts_on).days
    middle = sorted(rng.sample(range(1, len(STEPS) - 1), n - 2))
    titles = [STEPS[0], *(STEPS[i] for i in middle), STEPS[-1]]
    steps = []
    for order, title in enumerate(titles):
        due = project.starts_on + dt.timedelta(days=span * (order + 1) // (n + 1))
        steps.append(Milestone(project=project, title=title, due_on=due, order=order))
    upcoming = today + dt.timedelta(days=rng.randint(1, 30))
    following = next((step for step in steps if step.due_on > today), None)
    soon = rng.random() < 0.3
    if soon and status == ProjectStatus.ACTIVE and following and upcoming <= project.ends_on:
        following.due_on = upcoming
    overdue = status != ProjectStatus.COMPLETED and rng.random() < 0.35
    for step in steps:
        if step.due_on >= today or status == ProjectStatus.PLANNED:
            continue
        if overdue and step.due_on > today - dt.timedelta(days=200):
            continue  # left undone: overdue
        step.done_on = min(today, step.due_on + dt.timedelta(days=rng.randint(-20, 25)))
    return steps


def _templates_for(
    rng: random.Random,
    area: str,
    supporter_kind: str,
    templates: dict[str, IndicatorTemplate],
    sizes: tuple[int, int],
) -> list[IndicatorTemplate]:
    codes = [
        code
        for code in AREA_WORK[area][1].split()
        if code in templates
        and templates[code].applies_to_projects()
        and (code not in COLLEGE_TEMPLATES or supporter_kind in KindGroup.HIGHER)
        and (code != "G17" or supporter_kind in KindGroup.NORMAL_HIGHER)
    ]
    return [templates[c] for c in codes[: rng.randint(*sizes)]]


def projects_create(
    *,
    programme: Programme,
    plan: list[tuple[PairingRow, int]],
    templates: dict[str, IndicatorTemplate],
    profiles: dict[str, Profile],
    rng: random.Random,
    today: dt.date,
    indicators: tuple[int, int] = (5, 8),
    is_demo: bool = False,
    note: str = "",
) -> list[ProjectRow]:
    """`plan`: how many projects each pairing gets, each in its own content area, with the
    supporter as lead unit (and often the supported side as second unit), milestones, and
    indicators taken on from the templates with a target per round or per year."""
    areas = {a.code: a for a in ContentArea.objects.filter(programme=programme)}
    projects: list[Project] = []
    extras: list[tuple[PairingRow, str, str, bool, float]] = []
    for row, count in plan:
        kind_areas = [a for a in AREAS_BY_KIND.get(row.kind, "1234567") if a in areas]
        for area in rng.sample(kind_areas, min(count, len(kind_areas))):
            starts_on, ends_on = _dates(rng, row)
            status = _status(rng, starts_on, ends_on, today)
            title = rng.choice(AREA_WORK[area][0])
            budget = Decimal(rng.choice([5, 10, 20, 30, 50, 80, 120]) * 10_000)
            elapsed = (min(today, ends_on) - starts_on).days / max(1, (ends_on - starts_on).days)
            years = Decimal(rng.choice([0, 0, 1, 2, 3])) if area in "1237" else Decimal(0)
            projects.append(
                Project(
                    programme=programme,
                    area=areas[area],
                    pairing_id=row.pk,
                    title=f"{title}（{_label(row.supporter)}→{_label(row.supported)}）",
                    starts_on=starts_on,
                    ends_on=ends_on,
                    status=status,
                    budget_planned=budget,
                    budget_spent=(
                        budget * Decimal(max(0.0, elapsed) * rng.uniform(0.6, 1.0))
                    ).quantize(Decimal(1)),
                    exchange_person_years=years,
                    exchange_funding=years * rng.choice([40_000, 40_000, 48_000]),
                    description=note,
                    is_demo=is_demo,
                )
            )
            attainment = profiles.get(row.supported.region.code[:4], DEFAULT_PROFILE).attainment
            extras.append((row, area, status, rng.random() < 0.9, attainment))
    Project.objects.bulk_create(projects, batch_size=BATCH)

    units, beneficiaries, steps, chosen = [], [], [], []
    indicators_made: list[Indicator] = []
    through = Project.beneficiaries.through
    for project, (row, area, status, both, _attainment) in zip(projects, extras, strict=True):
        units.append(ResponsibleUnit(project=project, institution=row.supporter, order=0))
        if both:
            units.append(ResponsibleUnit(project=project, institution=row.supported, order=1))
        beneficiaries.append(through(project_id=project.pk, institution_id=row.supported.pk))
        steps += _milestones(rng, project, status, today)
        chosen.append(_templates_for(rng, area, row.supporter.kind, templates, indicators))
        indicators_made += [
            Indicator(
                project=project,
                template=t,
                source=ActualSource.MANUAL,  # typed into the reports: no activity records
                **{f: getattr(t, f) for f in INDICATOR_FIELDS},
            )
            for t in chosen[-1]
        ]
    ResponsibleUnit.objects.bulk_create(units, batch_size=BATCH)
    through.objects.bulk_create(beneficiaries, batch_size=BATCH)
    Milestone.objects.bulk_create(steps, batch_size=BATCH)
    Indicator.objects.bulk_create(indicators_made, batch_size=BATCH)

    saved = iter(indicators_made)
    made, targets = [], []
    for project, (row, _area, status, both, attainment), taken in zip(
        projects, extras, chosen, strict=True
    ):
        own = [(next(saved).pk, t) for t in taken]
        parties = (row.supporter.pk, row.supported.pk) if both else (row.supporter.pk,)
        suspended, attainment = (
            status == ProjectStatus.SUSPENDED,
            attainment * rng.uniform(0.9, 1.1),
        )
        made.append(
            ProjectRow(
                project.pk, project.starts_on, project.ends_on, suspended, attainment, parties, own
            )
        )
        calendar = range(project.starts_on.year, project.ends_on.year + 1)
        for indicator_id, t in own:
            if t.target_value is None:
                continue
            spans: list[dict] = (
                [{"phase": row.phase}]
                if t.target_basis == TargetBasis.PER_ROUND
                else [{"year": year} for year in calendar]
            )
            targets += [
                IndicatorTarget(indicator_id=indicator_id, value=t.target_value, **span)
                for span in spans
            ]
    IndicatorTarget.objects.bulk_create(targets, batch_size=BATCH)
    return made


def parties_by_period(
    rows: list[PairingRow], periods: list[ReportingPeriod]
) -> dict[int, set[int]]:
    """Both parties of every pairing running in the period (programme.pairing_parties_report:
    the rule of reports.selectors, kept here for rows already in memory)."""
    return {
        period.pk: {
            pk
            for row in rows
            if row.starts_on <= period.ends_on
            and row.ends_on >= period.starts_on
            and row.phase.starts_on <= period.ends_on
            and row.phase.ends_on >= period.starts_on
            for pk in (row.supporter.pk, row.supported.pk)
        }
        for period in periods
    }


@dataclass(slots=True)
class _Filed:
    """How one report stands (drawn before the row is built, so a skipped one costs little)."""

    status: str = ReportStatus.DRAFT
    version: int = 1
    first_submitted_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None
    approved_at: dt.datetime | None = None


def _filed(
    rng: random.Random,
    period: ReportingPeriod,
    diligence: float,
    age: int,
    progress: float,
    today: dt.date,
    tz: ZoneInfo,
) -> _Filed | None:
    """One institution's report for a period, or None when it never reported. Worse
    prefectures miss and are late more often; everyone improves over the years."""
    slack = 1 - diligence
    if rng.random() < (0.008 + 0.09 * slack) * (1.5 - progress) + (0.03 if age == 0 else 0):
        return None
    draft, returned, submitted = STATUS_SHARES[min(age, 2)]
    roll = rng.random()
    if roll < draft:
        return _Filed()
    latest = today - dt.timedelta(days=1)
    late = rng.random() < (0.04 + 0.4 * slack) * (1.3 - 0.8 * progress)
    if late and period.due_on < latest:
        first = min(latest, period.due_on + dt.timedelta(days=1 + int(rng.expovariate(1 / 7))))
    else:
        first = min(latest, period.due_on - dt.timedelta(days=rng.randint(0, 15)))
    last, version = first, 2
    if rng.random() < 0.06:  # returned once and sent again
        last, version = min(latest, first + dt.timedelta(days=rng.randint(2, 12))), 4
    first_at = _at(first, rng, tz)
    filed = _Filed(ReportStatus.SUBMITTED, version, first_at, max(first_at, _at(last, rng, tz)))
    if roll < draft + returned:
        filed.status, filed.submitted_at = ReportStatus.RETURNED, first_at
    elif roll >= draft + returned + submitted and last < latest:
        assert filed.submitted_at is not None
        approved = min(latest, last + dt.timedelta(days=rng.randint(1, 20)))
        filed.status = ReportStatus.APPROVED
        filed.approved_at = max(filed.submitted_at, _at(approved, rng, tz))
    return filed


def _value(
    rng: random.Random,
    template: IndicatorTemplate,
    project: ProjectRow,
    period: ReportingPeriod,
    progress: float,
) -> Decimal:
    """A plausible value for one quarter: cumulative levels climb through the round or the
    year, sums come a quarter at a time; scaled by the prefecture's attainment."""
    target = float(template.target_value or 10)
    quarter = (period.starts_on.month + 2) // 3
    if template.aggregation == Aggregation.LATEST:
        if template.target_basis == TargetBasis.PER_ROUND:
            span = max(1, (project.ends_on - project.starts_on).days)
            share = min(1.0, max(0.05, (period.ends_on - project.starts_on).days / span))
        else:
            share = quarter / 4
    else:
        share = SEASON[quarter] / 4 if template.target_basis == TargetBasis.PER_YEAR else 1 / 20
    x = target * share * project.attainment * (0.92 + 0.12 * progress) * rng.uniform(0.85, 1.15)
    if project.suspended:
        x *= 0.25
    if template.unit in COUNTED:
        return Decimal(whole(x, rng))
    return Decimal(f"{min(x, 100.0) if template.unit == '%' else x:.1f}")


def reports_create(
    *,
    periods: list[ReportingPeriod],
    reporters: dict[int, set[int]],
    institutions: dict[int, Institution],
    projects: list[ProjectRow],
    profiles: dict[str, Profile],
    seed: int,
    today: dt.date,
    skip: set[tuple[int, int]] | frozenset = frozenset(),
) -> tuple[int, int]:
    """Reports from the expected reporters of every period due before `today`, each with
    values for the indicators of the running projects its institution is a responsible unit
    of. Returns (reports, values) made.

    Each period draws from its own generator, for every expected reporter, before the pairs in
    `skip` (institution, period) are left out: run again, it makes the same choices, so the
    reports that were "never sent" stay missing and nothing is made twice."""
    by_unit: dict[int, list[ProjectRow]] = {}
    for project in projects:
        for unit in project.units:
            by_unit.setdefault(unit, []).append(project)
    due = sorted((p for p in periods if p.due_on < today), key=lambda p: p.starts_on)
    tz = _tz()
    counts = [0, 0]
    for index, period in enumerate(due):
        age, progress = len(due) - 1 - index, index / max(1, len(due) - 1)
        rng = random.Random(f"{seed}:{period.starts_on}")  # noqa: S311 — not secrets
        made: list[QuarterlyReport] = []
        for pk in sorted(reporters[period.pk], key=lambda pk: institutions[pk].name):
            profile = profiles.get(institutions[pk].region.code[:4], DEFAULT_PROFILE)
            filed = _filed(rng, period, profile.diligence, age, progress, today, tz)
            if filed is not None and (pk, period.pk) not in skip:
                made.append(
                    QuarterlyReport(
                        period=period,
                        institution_id=pk,
                        status=filed.status,
                        version=filed.version,
                        first_submitted_at=filed.first_submitted_at,
                        submitted_at=filed.submitted_at,
                        approved_at=filed.approved_at,
                        contact_name="示例信息员",
                        contact_phone="020-00000000",
                    )
                )
        QuarterlyReport.objects.bulk_create(made, batch_size=BATCH)
        values = []
        for report in made:
            for project in by_unit.get(report.institution_id, ()):
                if project.starts_on > period.ends_on or project.ends_on < period.starts_on:
                    continue
                for indicator_id, template in project.indicators:
                    derived = project.derived.get((indicator_id, period.pk))
                    value = _value(rng, template, project, period, progress)
                    values.append(
                        IndicatorValue(
                            report_id=report.pk,
                            indicator_id=indicator_id,
                            value=value if derived is None else derived,
                            derived=derived,
                        )
                    )
        IndicatorValue.objects.bulk_create(values, batch_size=BATCH)
        counts[0] += len(made)
        counts[1] += len(values)
    return counts[0], counts[1]
