"""Demo reporting for the demo Guangdong programme (run by load_demo after build_reports;
idempotent): projects on a sample of the round 1 and 2 pairings, with indicators from the G*
templates and their round or year targets, and the quarterly reports of both parties of every
running pairing for every period already due, with indicator values — built by the same code
as the scale data (dashboards/synthetic), so the dashboards have something to show.

Existing reports are never touched (those institution–period pairs are skipped), and
华南师范大学's reports from 2026 on are left to reports/demo.py, which keeps its latest
quarter open for scnu_contact. Dates follow the day the demo is loaded; texts are invented.
The dashboards' summaries are rebuilt by load_demo once everything is loaded.
"""

import datetime as dt
import random

from django.db.models import Q
from django.utils import timezone

from dashboards.synthetic import (
    DEFAULT_PROFILE,
    PairingRow,
    Profile,
    ProjectRow,
    parties_by_period,
    prefecture_profiles,
    projects_create,
    reports_create,
)
from pairings.choices import PairingKind
from pairings.models import Pairing
from programmes.models import Programme
from projects.choices import IndicatorKind, ProjectStatus
from projects.models import Indicator, IndicatorTemplate, Project
from reports.models import QuarterlyReport, ReportingPeriod
from reports.selectors import derived_value
from schools.models import Institution, Region

SEED = 44
NOTE = "示例项目：由 programmes/demo/guangdong_work.py 生成，用于数据看板演示。"
# Projects per round and kind of pairing: 53 a round, one per pairing sampled.
PROJECTS = {
    PairingKind.CITY_CITY: 5,
    PairingKind.COUNTY_COUNTY: 12,
    PairingKind.NORMAL_COLLEGE_CITY: 6,
    PairingKind.NON_NORMAL_COLLEGE_AREA: 10,
    PairingKind.TEACHING_RESEARCH: 8,
    PairingKind.SCHOOL_SCHOOL: 8,
    PairingKind.INTRA_REGION: 4,
}
SCNU = "华南师范大学"
SCNU_FROM = dt.date(2026, 1, 1)  # reports/demo.py's quarters for scnu_contact


def build_guangdong_work() -> None:
    programme = Programme.objects.filter(slug="guangdong").first()
    if programme is None:
        return
    today = timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 — demo data, not secrets
    pairings = list(
        Pairing.objects.filter(programme=programme, phase__isnull=False)
        .select_related("phase", "supporter__region", "supported__region")
        .order_by("phase__number", "kind", "supporter__name", "supported__name")
    )
    rows = [PairingRow.of(p) for p in pairings]
    profiles = prefecture_profiles(list(Region.objects.filter(parent__code="44")), rng)

    ours = Project.objects.filter(programme=programme, description=NOTE)
    if not ours.exists():
        plan = []
        for number in (1, 2):
            for kind, count in PROJECTS.items():
                candidates = [r for r in rows if r.phase.number == number and r.kind == kind]
                plan += [(r, 1) for r in rng.sample(candidates, min(count, len(candidates)))]
        templates = {t.code: t for t in IndicatorTemplate.objects.filter(programme=programme)}
        projects_create(
            programme=programme,
            plan=plan,
            templates=templates,
            profiles=profiles,
            rng=rng,
            today=today,
            indicators=(2, 4),
            is_demo=True,
            note=NOTE,
        )

    periods = list(ReportingPeriod.objects.filter(programme=programme).order_by("starts_on"))
    skip = set(
        QuarterlyReport.objects.filter(period__programme=programme).values_list(
            "institution_id", "period_id"
        )
    )
    institutions = {
        i.pk: i
        for i in Institution.objects.filter(
            pk__in={pk for r in rows for pk in (r.supporter.pk, r.supported.pk)}
        ).select_related("region")
    }
    scnu = next((i for i in institutions.values() if i.name == SCNU), None)
    if scnu is not None:
        skip |= {(scnu.pk, p.pk) for p in periods if p.starts_on >= SCNU_FROM}
    reports_create(
        periods=periods,
        reporters=parties_by_period(rows, periods),
        institutions=institutions,
        projects=_reported(programme, rows, periods, profiles),
        profiles=profiles,
        seed=SEED,
        today=today,
        skip=skip,
    )


def _reported(
    programme: Programme,
    pairings: list[PairingRow],
    periods: list[ReportingPeriod],
    profiles: dict[str, Profile],
) -> list[ProjectRow]:
    """What the reports carry values for: every project of the programme (these and the one
    projects/demo.py built by hand) and every pairing's own indicators, reported by the
    project's units or the pairing's parties while it runs. Indicators derived from
    activities report what the activities give, as reports/demo.py fills them in."""
    indicators = (
        Indicator.objects.filter(kind=IndicatorKind.QUANTITATIVE, template__isnull=False)
        .filter(Q(project__programme=programme) | Q(pairing__programme=programme))
        .select_related("template")
        .prefetch_related("activities")
        .order_by("pk")
    )
    owned: dict[tuple[str, int], list[Indicator]] = {}
    for indicator in indicators:
        key = ("project", indicator.project_id) if indicator.project_id else None
        owned.setdefault(key or ("pairing", indicator.pairing_id or 0), []).append(indicator)

    # (owner, starts_on, ends_on, units reporting on it, the side it helps, suspended?)
    owners: list[tuple[tuple[str, int], dt.date, dt.date, tuple[int, ...], Institution, bool]]
    owners = [
        (
            ("project", project.pk),
            project.starts_on,
            project.ends_on,
            tuple(unit.institution_id for unit in project.units.all()),
            project.pairing.supported,
            project.status == ProjectStatus.SUSPENDED,
        )
        for project in Project.objects.filter(programme=programme, pairing__isnull=False)
        .select_related("pairing__supported__region")
        .prefetch_related("units")
        if project.pairing is not None
    ]
    owners += [
        (
            ("pairing", r.pk),
            r.starts_on,
            r.ends_on,
            (r.supporter.pk, r.supported.pk),
            r.supported,
            False,
        )
        for r in pairings
    ]
    rows = []
    for key, starts_on, ends_on, units, supported, suspended in owners:
        mine = owned.get(key, [])
        if not mine:
            continue
        derived = {
            (i.pk, p.pk): value
            for i in mine
            for p in periods
            if (value := derived_value(i, p)) is not None
        }
        attainment = profiles.get(supported.region.code[:4], DEFAULT_PROFILE).attainment
        chosen = [(i.pk, i.template) for i in mine if i.template is not None]
        rows.append(
            ProjectRow(key[1], starts_on, ends_on, suspended, attainment, units, chosen, derived)
        )
    return rows
