"""Reads for the provincial dashboard: every figure is a GROUP BY in the database over the
cached summaries (dashboards/models.py) or the programme's own tables, filtered to the region
the user looks at; Python only merges the grouped rows (a few hundred at most) into the
region's children. The number of queries is fixed whatever the size of the programme."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from dashboards.filters import Filters
from dashboards.models import IndicatorStanding, IndicatorTotal, ReportSlot, Standing, SummaryState
from pairings.models import Pairing
from projects.choices import Aggregation, ProjectStatus
from projects.models import Project, ResponsibleUnit, Visit
from reports.models import IndicatorValue, ReportStatus
from reports.selectors import RECEIVED
from reports.selectors import Tally as ReportTally
from schools.models import Institution, InstitutionKind, Region, Zone

# Scoped base querysets ------------------------------------------------------------------------


def slots_of(f: Filters) -> QuerySet[ReportSlot]:
    slots = ReportSlot.objects.filter(programme=f.programme, region_code__startswith=f.code)
    if f.institution is not None:
        slots = slots.filter(institution=f.institution)
    return slots.filter(kind=f.kind) if f.kind else slots


def standings_of(f: Filters) -> QuerySet[IndicatorStanding]:
    standings = IndicatorStanding.objects.filter(
        programme=f.programme, phase=f.phase, region_code__startswith=f.code
    )
    if f.institution is not None:
        standings = standings.filter(institution=f.institution)
    return standings.filter(kind=f.kind) if f.kind else standings


def totals_of(f: Filters) -> QuerySet[IndicatorTotal]:
    totals = IndicatorTotal.objects.filter(programme=f.programme, region_code__startswith=f.code)
    return totals.filter(kind=f.kind) if f.kind else totals


def pairings_of(f: Filters) -> QuerySet[Pairing]:
    """Pairings of the round with either party in the region (or the institution)."""
    pairings = Pairing.objects.filter(programme=f.programme)
    if f.phase is not None:
        pairings = pairings.filter(phase=f.phase)
    if f.institution is not None:
        pairings = pairings.filter(Q(supporter=f.institution) | Q(supported=f.institution))
    elif f.code:
        pairings = pairings.filter(
            Q(supporter__region__code__startswith=f.code)
            | Q(supported__region__code__startswith=f.code)
        )
    if f.kind:
        pairings = pairings.filter(Q(supporter__kind=f.kind) | Q(supported__kind=f.kind))
    return pairings


def projects_of(f: Filters) -> QuerySet[Project]:
    """Projects of those pairings, and consortium projects with a responsible unit there."""
    units = ResponsibleUnit.objects.filter(institution__region__code__startswith=f.code)
    if f.institution is not None:
        units = units.filter(institution=f.institution)
    if f.kind:
        units = units.filter(institution__kind=f.kind)
    projects = Project.objects.filter(programme=f.programme).filter(
        Q(pairing__in=pairings_of(f).values("pk"))
        | Q(pairing__isnull=True, pk__in=units.values("project"))
    )
    if f.phase is not None:
        projects = projects.filter(starts_on__lte=f.phase.ends_on, ends_on__gte=f.phase.starts_on)
    return projects


# Figures ---------------------------------------------------------------------------------------


@dataclass
class Tally(ReportTally):
    """Reports owed, received and received by the due date, for one place and period."""

    late: int = 0  # due date passed and not received on time (missing or late)
    awaiting: int = 0  # submitted, waiting for review

    def add(self, row: dict[str, int]) -> None:
        for name in ("expected", "received", "timely", "late", "awaiting"):
            setattr(self, name, getattr(self, name) + row.get(f"{name}_n", 0))


@dataclass
class Attainment:
    """A programme indicator's target and actual over some indicators (one template)."""

    aggregation: str = Aggregation.SUM
    target: Decimal = Decimal(0)
    targets: int = 0  # indicators with a target
    indicators: int = 0
    behind: int = 0
    total: Decimal = Decimal(0)  # reported values added up (to date, or in the quarter)
    values: int = 0

    @property
    def target_value(self) -> Decimal | None:
        """The round's target: the targets added up, or their average for a level (%)."""
        if not self.targets:
            return None
        if self.aggregation == Aggregation.LATEST:
            return (self.target / self.targets).quantize(Decimal("0.1"))
        return self.target

    @property
    def actual(self) -> Decimal | None:
        if not self.values:
            return None
        if self.aggregation == Aggregation.LATEST:
            return (self.total / self.values).quantize(Decimal("0.1"))
        return self.total

    @property
    def percent(self) -> int | None:
        target, actual = self.target_value, self.actual
        if not target:
            return None
        return round((actual or 0) * 100 / target)

    @property
    def gap(self) -> Decimal | None:
        target, actual = self.target_value, self.actual
        if target is None:
            return None
        return max(Decimal(0), target - (actual or 0))


@dataclass
class Child:
    """One row of the drill-down: a region below the current one, or an institution."""

    key: str
    name: str
    url_params: dict[str, str]  # the dashboard's filters for this row
    drill: bool = True  # False: the region's own institutions, no page of their own
    tally: Tally = field(default_factory=Tally)
    institutions: int = 0
    pairings_supporting: int = 0
    pairings_supported: int = 0
    on_track: int = 0
    behind: int = 0
    attainment: Attainment = field(default_factory=Attainment)
    heat: dict[int, Tally] = field(default_factory=dict)  # period pk → tally

    @property
    def indicators(self) -> int:
        return self.on_track + self.behind

    @property
    def query(self) -> str:
        return urlencode(self.url_params)


@dataclass
class Dashboard:
    filters: Filters
    refreshed_at: Any
    tally: Tally
    institutions_by_kind: list[tuple[str, int]]
    pairings_by_kind: list[tuple[str, int]]
    projects_by_area: list[tuple[str, list[int], int]]  # area, counts per status, total
    project_statuses: list[str]
    standings: dict[str, int]
    visits_required: int
    visits_done: int
    children: list[Child]
    child_level: str
    trend: list[tuple[Any, Tally, Attainment, dict[str, Attainment]]]
    indicators: list[tuple[Any, Attainment, dict[str, Attainment]]]
    zones: list[tuple[str, str]]

    @property
    def institutions(self) -> int:
        return sum(n for _kind, n in self.institutions_by_kind)

    @property
    def pairings(self) -> int:
        return sum(n for _kind, n in self.pairings_by_kind)

    @property
    def projects(self) -> int:
        return sum(total for _area, _counts, total in self.projects_by_area)


# The region's children -------------------------------------------------------------------------


class _Children:
    """Maps the region codes (or institutions) of grouped rows to the rows of the drill-down:
    the current region's child regions, plus its own institutions (本级) — or, in a county,
    its institutions one by one."""

    def __init__(self, f: Filters, institutions: QuerySet[Institution]) -> None:
        self.f = f
        self.by_institution = f.institution is not None or (
            f.region is not None and not f.region.children.exists()
        )
        self.rows: dict[str, Child] = {}
        if self.by_institution:
            self.level = _("单位")
            for institution in institutions.order_by("name"):
                self.rows[str(institution.pk)] = Child(
                    str(institution.pk),
                    institution.display_name,
                    f.params(institution=institution.pk, region=institution.region.code),
                )
            self.lengths: list[int] = []
            return
        if f.region is None:
            children = Region.objects.provinces()
            self.level = _("省份")
        else:
            children = f.region.children.all()
            self.level = _("地级") if len(f.region.code) == 2 else _("县级")
        for region in children.order_by("code"):
            self.rows[region.code] = Child(
                region.code, region.name, f.params(region=region.code, institution="")
            )
        self.lengths = sorted({len(code) for code in self.rows}, reverse=True)
        self.own = Child(f.code, _("本级直属单位"), f.params(), drill=False)

    def place(
        self,
        queryset: QuerySet,
        code: str = "region_code",
        pk: str = "institution_id",
        name: str = "place",
    ) -> QuerySet:
        """The queryset annotated with the drill-down row each record falls in (`name`): the
        institution in a county; else the region code cut to the children's length when
        they all have one (the database then groups by child, not by every county)."""
        if self.by_institution:
            return queryset.annotate(**{name: F(pk)})
        if len(self.lengths) == 1:
            return queryset.annotate(**{name: Substr(code, 1, self.lengths[0])})
        return queryset.annotate(**{name: F(code)})

    def find(self, key: Any) -> Child | None:
        key = str(key)
        if self.by_institution:
            return self.rows.get(key)
        for length in self.lengths:
            child = self.rows.get(key[:length])
            if child is not None:
                return child
        return self.own if key == self.f.code else None

    def all(self) -> list[Child]:
        rows = list(self.rows.values())
        if not self.by_institution and (self.own.tally.expected or self.own.indicators):
            rows.append(self.own)
        return rows


# The dashboard ---------------------------------------------------------------------------------

TALLY = {  # the annotations Tally.add reads (not named like the slot's own fields)
    "expected_n": Count("pk"),
    "received_n": Count("pk", filter=Q(received=True)),
    "timely_n": Count("pk", filter=Q(timely=True)),
    "awaiting_n": Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
}


def _late(f: Filters) -> dict[str, Any]:
    return {"late_n": Count("pk", filter=Q(timely=False, due_on__lt=f.today))}


def dashboard_build(f: Filters) -> Dashboard:
    """Every figure of the provincial dashboard for the filters (a fixed number of queries)."""
    slots = slots_of(f)
    round_slots = slots.filter(period__in=[p.pk for p in f.periods])
    standings = standings_of(f)
    participants = Institution.objects.filter(
        Q(pk__in=round_slots.values("institution")) | Q(pk__in=standings.values("institution"))
    ).select_related("region")
    if f.code:
        participants = participants.filter(region__code__startswith=f.code)
    children = _Children(f, participants)

    # Reports: the quarter's tally, and every quarter of the round by child (the heat map).
    tally = Tally()
    trend_tallies: dict[int, Tally] = defaultdict(Tally)
    group = "place"
    placed_slots = children.place(round_slots)
    for row in placed_slots.values(group, "period_id").annotate(**TALLY, **_late(f)).order_by():
        trend_tallies[row["period_id"]].add(row)
        child = children.find(row[group])
        if child is None:
            continue
        child.heat.setdefault(row["period_id"], Tally()).add(row)
        if f.period is not None and row["period_id"] == f.period.pk:
            child.tally.add(row)
    if f.period is not None:
        tally = trend_tallies.get(f.period.pk, Tally())
    # Participants: each institution has one place and one kind, so one GROUP BY serves both.
    kinds = dict(InstitutionKind.choices)
    per_kind: dict[str, int] = defaultdict(int)
    for row in (
        placed_slots.values(group, "kind")
        .annotate(n=Count("institution", distinct=True))
        .order_by()
    ):
        per_kind[row["kind"]] += row["n"]
        child = children.find(row[group])
        if child is not None:
            child.institutions += row["n"]
    institutions_by_kind = [
        (str(kinds.get(kind, kind)), n) for kind, n in sorted(per_kind.items(), key=lambda i: -i[1])
    ]

    # Pairings by kind and by the place of each side, in one GROUP BY.
    pairings = pairings_of(f)
    pairing_kinds = dict(Pairing._meta.get_field("kind").choices or [])
    sides = ("supporter_place", "supported_place")
    placed_pairings = pairings
    for side, name in zip(("supporter", "supported"), sides, strict=True):
        placed_pairings = children.place(
            placed_pairings, f"{side}__region__code", f"{side}_id", name=name
        )
    per_pairing_kind: dict[str, int] = defaultdict(int)
    for row in placed_pairings.values("kind", *sides).annotate(n=Count("pk")).order_by():
        per_pairing_kind[row["kind"]] += row["n"]
        for side, attribute in zip(
            sides, ("pairings_supporting", "pairings_supported"), strict=True
        ):
            child = children.find(row[side])
            if child is not None:
                setattr(child, attribute, getattr(child, attribute) + row["n"])
    pairings_by_kind = [
        (str(pairing_kinds.get(kind, kind)), n)
        for kind, n in sorted(per_pairing_kind.items(), key=lambda i: -i[1])
    ]
    statuses = list(ProjectStatus.values)
    areas: dict[str, list[int]] = {}
    for row in (
        projects_of(f)
        .values("area__name", "area__order", "status")
        .annotate(n=Count("pk"))
        .order_by("area__order", "area__name")
    ):
        counts = areas.setdefault(row["area__name"], [0] * len(statuses))
        counts[statuses.index(row["status"])] += row["n"]

    # Indicators: standings and targets in one GROUP BY (template × place × zone × standing),
    # actuals from the per-quarter totals.
    standing_counts: dict[str, int] = dict.fromkeys(Standing.values, 0)
    by_zone: dict[tuple[int, Any], Attainment] = {}
    by_child: dict[tuple[int, Any], Attainment] = {}
    for row in (
        children.place(standings)
        .values("template_id", group, "zone", "standing")
        .annotate(n=Count("pk"), target_sum=Sum("target"), targets_n=Count("target"))
        .order_by()
    ):
        standing_counts[row["standing"]] += row["n"]
        child = children.find(row[group])
        if child is not None and row["standing"] == Standing.ON_TRACK:
            child.on_track += row["n"]
        elif child is not None and row["standing"] == Standing.BEHIND:
            child.behind += row["n"]
        if row["template_id"] is None:
            continue
        _add_target(f, by_zone, (row["template_id"], row["zone"]), row)
        if f.template is not None and row["template_id"] == f.template.pk:
            _add_target(f, by_child, (row["template_id"], row[group]), row)
    cells = _reported(f)
    indicators, zones = _indicator_table(f, _add_actuals(f, by_zone, cells))
    if f.template is not None:
        reported = _reported(f, children, template=f.template)
        for (_template, key), part in _add_actuals(f, by_child, reported).items():
            child = children.find(key)
            if child is not None:
                child.attainment.aggregation = f.template.aggregation
                _merge(child.attainment, part)
    trend = _trend(f, trend_tallies, cells)
    visits_required, visits_done = _visits(f, pairings)
    state = SummaryState.objects.filter(programme=f.programme).first()
    return Dashboard(
        filters=f,
        refreshed_at=state.refreshed_at if state else None,
        tally=tally,
        institutions_by_kind=institutions_by_kind,
        pairings_by_kind=pairings_by_kind,
        projects_by_area=[(name, counts, sum(counts)) for name, counts in areas.items()],
        project_statuses=[str(label) for _value, label in ProjectStatus.choices],
        standings=standing_counts,
        visits_required=visits_required,
        visits_done=visits_done,
        children=children.all(),
        child_level=children.level,
        trend=trend,
        indicators=indicators,
        zones=zones,
    )


Cells = dict[tuple[int, Any, int], tuple[Decimal, int]]  # (template, zone, period) → total, n


def _reported(f: Filters, children: "_Children | None" = None, template: Any = None) -> Cells:
    """Reported values of the round by programme indicator, place and period — by zone when
    no `children` are given: from the totals, or — for one institution, or a county's
    institutions one by one — from the values of their own indicators (the totals are kept
    by region, not by institution)."""
    cells: Cells = {}
    by_institution = children is not None and children.by_institution
    if f.institution is not None or by_institution:
        indicators = standings_of(f).filter(template__isnull=False)
        if template is not None:
            indicators = indicators.filter(template=template)
        owners = {
            indicator: (template_id, institution if by_institution else zone)
            for indicator, template_id, institution, zone in indicators.values_list(
                "indicator_id", "template_id", "institution_id", "zone"
            )
        }
        in_round = {p.pk for p in f.periods}
        for row in _institution_values(owners):
            if row["report__period_id"] not in in_round:
                continue
            template_id, owner = owners[row["indicator_id"]]
            k = (template_id, owner, row["report__period_id"])
            total, n = cells.get(k, (Decimal(0), 0))
            cells[k] = (total + row["value_sum"] / row["n"], n + 1)  # two parties: their average
        return cells
    totals = totals_of(f).filter(period__in=[p.pk for p in f.periods])
    if template is not None:
        totals = totals.filter(template=template)
    key = "zone"
    if children is not None:
        totals, key = children.place(totals), "place"
    for row in (
        totals.values("template_id", key, "period_id")
        .annotate(total_sum=Sum("total"), n=Sum("count"))
        .order_by()
    ):
        cells[(row["template_id"], row[key], row["period_id"])] = (row["total_sum"], row["n"])
    return cells


def _add_target(
    f: Filters, result: dict[tuple[int, Any], Attainment], key: tuple[int, Any], row: dict
) -> None:
    """Add a grouped row of standings (its indicators, targets, how many behind)."""
    a = result.get(key)
    if a is None:
        template = next((t for t in f.templates if t.pk == key[0]), None)
        a = result[key] = Attainment(template.aggregation if template else Aggregation.SUM)
    a.target += row["target_sum"] or 0
    a.targets += row["targets_n"]
    a.indicators += row["n"]
    if row["standing"] == Standing.BEHIND:
        a.behind += row["n"]


def _add_actuals(
    f: Filters, result: dict[tuple[int, Any], Attainment], cells: Cells
) -> dict[tuple[int, Any], Attainment]:
    """Actuals up to the chosen quarter: added up, or the quarter's average for a level."""
    aggregation = {t.pk: t.aggregation for t in f.templates}
    so_far = {p.pk for p in f.periods_so_far}
    for (template_id, key, period_id), (total, n) in cells.items():
        level = aggregation.get(template_id) == Aggregation.LATEST
        if period_id not in so_far or (level and f.period and period_id != f.period.pk):
            continue
        a = result.setdefault(
            (template_id, key), Attainment(aggregation.get(template_id, Aggregation.SUM))
        )
        a.total += total
        a.values += n
    return result


def _merge(into: Attainment, other: Attainment) -> None:
    for name in ("target", "targets", "indicators", "behind", "total", "values"):
        setattr(into, name, getattr(into, name) + getattr(other, name))


def _indicator_table(
    f: Filters, by_zone: dict[tuple[int, Any], Attainment]
) -> tuple[list[tuple[Any, Attainment, dict[str, Attainment]]], list[tuple[str, str]]]:
    """Each programme indicator: the place's target and actual, and the same per zone."""
    zones_present = sorted({zone for (_t, zone) in by_zone if zone})
    labels = dict(Zone.choices)
    rows = []
    for template in f.templates:
        overall = Attainment(template.aggregation)
        per_zone: dict[str, Attainment] = {}
        for zone in ["", *zones_present]:
            part = by_zone.get((template.pk, zone))
            if part is None:
                continue
            _merge(overall, part)
            if zone:
                per_zone[zone] = part
        rows.append((template, overall, per_zone))
    return rows, [(zone, str(labels.get(zone, zone))) for zone in zones_present]


def _institution_values(indicator_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Each indicator's values per period from received reports, added up and counted."""
    rows: Any = (
        IndicatorValue.objects.filter(
            indicator__in=list(indicator_ids), report__status__in=RECEIVED, value__isnull=False
        )
        .values("indicator_id", "report__period_id")
        .annotate(value_sum=Sum("value"), n=Count("pk"))
        .order_by()
    )
    return list(rows)


def _trend(
    f: Filters, tallies: dict[int, Tally], cells: Cells
) -> list[tuple[Any, Tally, Attainment, dict[str, Attainment]]]:
    """Per quarter of the round: the reports' tally and the focused indicator's value in that
    quarter (overall and per zone)."""
    values: dict[int, dict[str, Attainment]] = defaultdict(dict)
    if f.template is not None:
        for (template_id, zone, period_id), (total, n) in cells.items():
            if template_id != f.template.pk:
                continue
            a = values[period_id].setdefault(zone, Attainment(f.template.aggregation))
            a.total += total
            a.values += n
    rows = []
    for period in f.periods:
        overall = Attainment(f.template.aggregation if f.template else Aggregation.SUM)
        for part in values[period.pk].values():
            _merge(overall, part)
        per_zone = {zone: a for zone, a in values[period.pk].items() if zone}
        rows.append((period, tallies.get(period.pk, Tally()), overall, per_zone))
    return rows


def _visits(f: Filters, pairings: QuerySet[Pairing]) -> tuple[int, int]:
    """Consortium pairings of the round (their supported side in the place) and how many had
    the yearly visit by the supporting university's responsible leader in the quarter's year."""
    if f.period is None:
        return 0, 0
    year = f.period.starts_on.year
    visited = Visit.objects.filter(
        consortium=OuterRef("consortium"),
        visiting=OuterRef("supporter"),
        visited=OuterRef("supported"),
        is_responsible_leader=True,
        starts_on__year=year,
    )
    counts = (
        pairings.filter(consortium__isnull=False)
        .annotate(visited=Exists(visited))
        .aggregate(required=Count("pk"), done=Count("pk", filter=Q(visited=True)))
    )
    return counts["required"], counts["done"]


# Late reports ----------------------------------------------------------------------------------


def late_slots(f: Filters, *, all_quarters: bool = False) -> QuerySet[ReportSlot]:
    """Reports of the place past their due date and not received on time — missing, still in
    draft or returned, or received late — for the chosen quarter (or the whole round)."""
    slots = slots_of(f).filter(due_on__lt=f.today, timely=False)
    if all_quarters or f.period is None:
        slots = slots.filter(period__in=[p.pk for p in f.periods])
    else:
        slots = slots.filter(period=f.period)
    return slots.select_related("institution__region", "period", "report").order_by(
        "period__starts_on", "region_code", "institution__name"
    )
