"""The synthetic Guangdong-scale data (dashboards/synthetic): deterministic for a seed, valid
pairings of all seven kinds, reports only from the institutions that owe them, with the mix
of statuses, lateness and gaps the dashboards have to show."""

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone

from dashboards.synthetic import DEFAULT_SLUG, REFERENCE_DATE, name_prefix
from pairings.choices import PairingKind, PairingStatus
from pairings.models import Pairing
from pairings.rules import pairing_kind_errors
from programmes.models import Programme
from projects.choices import ProjectStatus, TargetBasis
from projects.models import Indicator, IndicatorTarget, Milestone, Project, ResponsibleUnit
from reports.models import IndicatorValue, QuarterlyReport, ReportStatus
from reports.selectors import indicators_reported_by, reporters_by_period
from schools.models import Institution, Zone

TINY, TINIER = "0.01", "0.005"  # both complete: every kind of row, status and pairing


def generate(*args: str, scale: str = TINY) -> str:
    out = StringIO()
    call_command("generate_scale_data", "--scale", scale, *args, stdout=out)
    return out.getvalue()


def digest() -> str:
    """Everything generated, by names, dates and values — never by database id."""
    prefix = name_prefix(DEFAULT_SLUG)
    project = ("pairing__phase__number", "pairing__supporter__name", "pairing__supported__name")
    parts = [
        Institution.objects.filter(name__startswith=prefix).values_list(
            "name", "kind", "region__code"
        ),
        Pairing.objects.values_list(
            "phase__number", "kind", "supporter__name", "supported__name", "status", "starts_on"
        ),
        Project.objects.values_list(
            *project, "area__code", "title", "starts_on", "ends_on", "status", "budget_planned"
        ),
        Milestone.objects.values_list(
            *(f"project__{f}" for f in project), "project__area__code", "title", "due_on", "done_on"
        ),
        IndicatorTarget.objects.values_list(
            *(f"indicator__project__{f}" for f in project),
            "indicator__project__area__code",
            "indicator__template__code",
            "year",
            "phase__number",
            "value",
        ),
        QuarterlyReport.objects.values_list(
            "institution__name",
            "period__starts_on",
            "status",
            "first_submitted_at",
            "submitted_at",
            "approved_at",
        ),
        IndicatorValue.objects.values_list(
            "report__institution__name",
            "report__period__starts_on",
            *(f"indicator__project__{f}" for f in project),
            "indicator__project__area__code",
            "indicator__template__code",
            "value",
        ),
    ]
    rows = [sorted(part, key=repr) for part in parts]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_same_seed_same_data_and_replace_only_when_asked(guangdong_regions) -> None:
    out = generate(scale=TINIER)
    assert "季度报告" in out and "共用时" in out
    first = digest()
    assert Institution.objects.filter(is_demo=True, name__startswith="规模测试·").count() > 20

    with pytest.raises(CommandError, match=r"已存在.*--replace"):
        generate(scale=TINIER)
    assert digest() == first  # refused: nothing touched

    generate("--replace", scale=TINIER)
    assert digest() == first  # rebuilt from the seed: the very same data
    assert Programme.objects.filter(slug=DEFAULT_SLUG).count() == 1


def test_refuses_without_guangdong_regions(db) -> None:
    with pytest.raises(CommandError, match="行政区划尚未载入"):
        generate()
    assert not Programme.objects.exists()


def test_pairings_projects_and_reports_follow_the_rules(guangdong_regions) -> None:
    generate()
    programme = Programme.objects.get(slug=DEFAULT_SLUG)
    assert programme.pairing_parties_report
    assert programme.content_areas.count() == 8

    # Pairings: all seven Guangdong kinds in every round, each valid for its kind; 粤东粤西粤北
    # is helped, mostly by 珠三角; intra-region pairs stay in one city (pairing_kind_errors).
    pairings = list(Pairing.objects.filter(programme=programme).with_parties())
    for number, status in ((1, PairingStatus.ENDED), (2, PairingStatus.ACTIVE), (3, "planned")):
        in_round = [p for p in pairings if p.phase and p.phase.number == number]
        assert {p.kind for p in in_round} == {
            PairingKind.CITY_CITY,
            PairingKind.COUNTY_COUNTY,
            PairingKind.NORMAL_COLLEGE_CITY,
            PairingKind.NON_NORMAL_COLLEGE_AREA,
            PairingKind.TEACHING_RESEARCH,
            PairingKind.SCHOOL_SCHOOL,
            PairingKind.INTRA_REGION,
        }
        assert {p.status for p in in_round} == {status}
    for pairing in pairings:
        errors = pairing_kind_errors(
            kind=pairing.kind, supporter=pairing.supporter, supported=pairing.supported
        )
        assert errors == {}, (pairing, errors)
        assert pairing.supported.region.zone == Zone.EAST_WEST_NORTH
    across = [p for p in pairings if p.kind != PairingKind.INTRA_REGION]
    from_prd = [p for p in across if p.supporter.region.zone == Zone.PEARL_RIVER_DELTA]
    assert len(from_prd) > 0.8 * len(across)

    # Projects: in a pairing, inside its round, status fitting the dates; the supporter leads.
    projects = list(Project.objects.filter(programme=programme).select_related("pairing__phase"))
    assert {p.status for p in projects} >= {
        ProjectStatus.PLANNED,
        ProjectStatus.ACTIVE,
        ProjectStatus.COMPLETED,
    }
    for project in projects:
        assert project.consortium_id is None and project.pairing is not None
        phase = project.pairing.phase
        assert phase is not None
        assert phase.starts_on <= project.starts_on <= project.ends_on <= phase.ends_on
        if project.status == ProjectStatus.PLANNED:
            assert project.starts_on > REFERENCE_DATE
        elif project.status == ProjectStatus.COMPLETED:
            assert project.ends_on < REFERENCE_DATE
        elif project.status == ProjectStatus.ACTIVE:
            assert project.starts_on <= REFERENCE_DATE <= project.ends_on
    leads = ResponsibleUnit.objects.filter(project__programme=programme, order=0).values_list(
        "institution_id", "project__pairing__supporter_id"
    )
    assert len(leads) == len(projects) and all(lead == supporter for lead, supporter in leads)
    milestones = Milestone.objects.filter(project__programme=programme, done_on__isnull=True)
    month = REFERENCE_DATE + dt.timedelta(days=30)
    assert milestones.filter(due_on__gt=REFERENCE_DATE, due_on__lte=month).exists()
    assert milestones.filter(due_on__lt=REFERENCE_DATE).exists()  # overdue

    # Indicators come from the templates, with a target per round or per year of the project.
    indicators = Indicator.objects.filter(project__programme=programme).select_related(
        "template", "project__pairing"
    )
    assert indicators.count() > len(projects)
    for indicator in indicators.prefetch_related("targets"):
        template, owner = indicator.template, indicator.project
        assert template is not None and owner is not None and owner.pairing is not None
        assert (indicator.name, indicator.unit) == (template.name, template.unit)
        targets = {(t.year, t.phase_id) for t in indicator.targets.all()}
        if template.target_basis == TargetBasis.PER_ROUND:
            assert targets == {(None, owner.pairing.phase_id)}
        else:
            years = range(owner.starts_on.year, owner.ends_on.year + 1)
            assert targets == {(year, None) for year in years}

    # Reports: only from the institutions that owe one, with gaps, lateness and every status.
    periods = list(programme.reporting_periods.order_by("starts_on"))
    assert [p.name for p in (periods[0], periods[-1])] == ["2021年第4季度", "2026年第3季度"]
    expected = reporters_by_period(programme, periods)
    owed = {(i, p.pk) for p in periods for i in expected[p.pk]}
    reports = list(QuarterlyReport.objects.filter(period__programme=programme))
    made = {(r.institution_id, r.period_id) for r in reports}
    assert made <= owed
    assert 0.005 < len(owed - made) / len(owed) < 0.1  # a few percent never reported
    assert {r.status for r in reports} == set(ReportStatus.values)
    due = {p.pk: p.due_on for p in periods}
    late = 0
    for report in reports:
        if report.status == ReportStatus.DRAFT:
            assert report.first_submitted_at is None and report.submitted_at is None
            continue
        assert report.first_submitted_at and report.submitted_at
        assert report.first_submitted_at <= report.submitted_at
        assert report.submitted_at.date() < REFERENCE_DATE
        assert (report.approved_at is not None) == (report.status == ReportStatus.APPROVED)
        if report.approved_at:
            assert report.submitted_at <= report.approved_at
        late += timezone.localtime(report.first_submitted_at).date() > due[report.period_id]
    assert 0.03 < late / len(reports) < 0.4

    # Each report carries a value for every indicator its institution reports in the period.
    latest = periods[-1]
    for report in QuarterlyReport.objects.filter(period=latest).select_related("institution"):
        owed_values = {
            i.pk for i in indicators_reported_by(institution=report.institution, period=latest)
        }
        given = set(report.indicator_values.values_list("indicator_id", flat=True))
        assert given == owed_values
    assert (
        IndicatorValue.objects.filter(
            Q(value__isnull=True) | Q(value__lt=0), report__period__programme=programme
        ).count()
        == 0
    )
