"""Values computed from data already in the system, per assessed party and calendar year:
report timeliness and completeness (the dashboards' report slots), field visits, milestones
done on time, training hours, and the actuals of a programme indicator from the quarterly
reports. One or two queries per indicator for all parties together.

Every value comes with its trace: the counts it was made of, shown on the party's result.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.models import AssessmentScheme, Metric
from assessments.rules import HUNDRED, rounded
from dashboards.models import ReportSlot
from projects.choices import ActivityKind, Aggregation
from projects.models import Activity, IndicatorTemplate, Milestone, Visit
from reports.models import IndicatorValue
from reports.selectors import RECEIVED


@dataclass(frozen=True)
class Value:
    value: Decimal
    trace: dict[str, Any] = field(default_factory=dict)


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _rate(part: int, whole: int) -> Decimal:
    return rounded(Decimal(part) / Decimal(whole) * HUNDRED)


def _report_slots(
    scheme: AssessmentScheme, parties: Collection[int], year: int, *, timely: bool
) -> dict[int, Value]:
    """Of the reports a party owed for this year's quarters whose due date has passed, the
    share received (completeness) or received by the due date (timeliness)."""
    first, last = _year(year)
    rows = (
        ReportSlot.objects.filter(
            programme=scheme.programme,
            institution__in=parties,
            period__starts_on__gte=first,
            period__starts_on__lte=last,
            due_on__lte=timezone.localdate(),
        )
        .values("institution")
        .annotate(
            due=Count("id"),
            received=Count("id", filter=Q(received=True)),
            timely=Count("id", filter=Q(timely=True)),
        )
    )
    counted = "timely" if timely else "received"
    rows_: list[dict[str, Any]] = list(rows)  # type: ignore[arg-type]
    return {
        row["institution"]: Value(
            _rate(row[counted], row["due"]), {"due": row["due"], counted: row[counted]}
        )
        for row in rows_
        if row["due"]
    }


def _visits(scheme: AssessmentScheme, parties: Collection[int], year: int) -> dict[int, Value]:
    first, last = _year(year)
    visits = Visit.objects.filter(
        consortium__programme=scheme.programme, starts_on__gte=first, starts_on__lte=last
    )
    made = dict(visits.filter(visiting__in=parties).values_list("visiting").annotate(n=Count("id")))
    received = dict(
        visits.filter(visited__in=parties).values_list("visited").annotate(n=Count("id"))
    )
    return {
        party: Value(
            Decimal(made.get(party, 0) + received.get(party, 0)),
            {"made": made.get(party, 0), "hosted": received.get(party, 0)},
        )
        for party in parties
    }


def _party_work(scheme: AssessmentScheme, parties: Collection[int], prefix: str) -> Q:
    """Rows (milestones, activities) of the programme's work a party takes part in: as a side
    of the pairing, or as a responsible unit of the project. Restricted to the scheme's round."""
    pairing = f"{prefix}pairing__"
    where = (
        Q(**{f"{pairing}supporter__in": parties})
        | Q(**{f"{pairing}supported__in": parties})
        | Q(**{f"{prefix}units__institution__in": parties})
    )
    if scheme.phase_id:
        where &= Q(**{f"{pairing}phase": scheme.phase_id})
    return where & Q(**{f"{prefix}programme": scheme.programme_id})


def _by_party(
    rows: Any, parties: Collection[int], *, keys: tuple[str, ...]
) -> dict[int, dict[str, Any]]:
    """Rows of (pk, supporter, supported, responsible unit, …) folded into per-party sums,
    each row counted once per party even when the party is on more than one side."""
    chosen = set(parties)
    seen: set[tuple[int, int]] = set()
    out: dict[int, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(keys, 0))
    for pk, supporter, supported, unit, *values in rows:
        for party in {supporter, supported, unit} & chosen:
            if (party, pk) in seen:
                continue
            seen.add((party, pk))
            for key, value in zip(keys, values, strict=True):
                out[party][key] += value
    return out


def _milestones(scheme: AssessmentScheme, parties: Collection[int], year: int) -> dict[int, Value]:
    """Of the milestones due this year (and already due), the share done by their date."""
    first, last = _year(year)
    last = min(last, timezone.localdate())
    rows = (
        Milestone.objects.filter(_party_work(scheme, parties, "project__"))
        .filter(due_on__gte=first, due_on__lte=last)
        .values_list(
            "pk",
            "project__pairing__supporter",
            "project__pairing__supported",
            "project__units__institution",
            "due_on",
            "done_on",
        )
    )
    folded = _by_party(
        (
            (pk, a, b, c, 1, int(done is not None and done <= due))
            for pk, a, b, c, due, done in rows
        ),
        parties,
        keys=("due", "on_time"),
    )
    return {
        party: Value(_rate(counts["on_time"], counts["due"]), counts)
        for party, counts in folded.items()
        if counts["due"]
    }


def _training_hours(
    scheme: AssessmentScheme, parties: Collection[int], year: int
) -> dict[int, Value]:
    """Σ hours × participants of the trainings held this year in the party's pairings and
    projects (人学时)."""
    first, last = _year(year)
    in_pairing = Q(pairing__supporter__in=parties) | Q(pairing__supported__in=parties)
    in_project = Q(project__pairing__supporter__in=parties) | Q(
        project__pairing__supported__in=parties
    )
    on_programme = Q(pairing__programme=scheme.programme_id) | Q(
        project__programme=scheme.programme_id
    )
    rows = (
        Activity.objects.filter(
            (in_pairing | in_project) & on_programme,
            kind=ActivityKind.TRAINING,
            starts_on__gte=first,
            starts_on__lte=last,
        )
        .annotate(
            who=F("teachers") + F("principals") + F("students") + F("volunteers"),
        )
        .values_list(
            "pk",
            Coalesce("pairing__supporter", "project__pairing__supporter"),
            Coalesce("pairing__supported", "project__pairing__supported"),
            "organiser",
            "hours",
            "who",
        )
    )
    folded = _by_party(
        ((pk, a, b, c, hours * who, 1) for pk, a, b, c, hours, who in rows),
        parties,
        keys=("person_hours", "trainings"),
    )
    return {
        party: Value(
            rounded(Decimal(folded[party]["person_hours"])) if party in folded else Decimal(0),
            dict(folded[party]) if party in folded else {"person_hours": 0, "trainings": 0},
        )
        for party in parties
    }


def _indicator_actual(
    scheme: AssessmentScheme, template: IndicatorTemplate, parties: Collection[int], year: int
) -> dict[int, Value]:
    """What the party reported on the programme indicator in this year's received quarterly
    reports: the sum of the quarters, or the latest quarter's value for a level indicator."""
    first, last = _year(year)
    values = IndicatorValue.objects.filter(
        indicator__template=template,
        report__institution__in=parties,
        report__status__in=RECEIVED,
        report__period__programme=scheme.programme,
        report__period__starts_on__gte=first,
        report__period__starts_on__lte=last,
    ).annotate(amount=Coalesce("value", "derived"))
    if template.aggregation == Aggregation.LATEST:
        latest: dict[int, tuple[dt.date, Decimal, str]] = {}
        for party, starts_on, amount, label in values.exclude(amount=None).values_list(
            "report__institution", "report__period__starts_on", "amount", "report__period__name"
        ):
            if party not in latest or starts_on > latest[party][0]:
                latest[party] = (starts_on, amount, label)
        return {
            party: Value(amount, {"template": template.code, "period": label})
            for party, (_on, amount, label) in latest.items()
        }
    sums = values.values("report__institution").annotate(total=Sum("amount"), quarters=Count("id"))
    return {
        row["report__institution"]: Value(
            row["total"], {"template": template.code, "quarters": row["quarters"]}
        )
        for row in sums
        if row["total"] is not None
    }


def computed(
    scheme: AssessmentScheme,
    metric: str,
    template: IndicatorTemplate | None,
    parties: Collection[int],
    year: int,
) -> dict[int, Value]:
    """The metric's value for each party that has one (parties without data are absent)."""
    if metric == Metric.REPORT_TIMELINESS:
        return _report_slots(scheme, parties, year, timely=True)
    if metric == Metric.REPORT_COMPLETENESS:
        return _report_slots(scheme, parties, year, timely=False)
    if metric == Metric.VISITS:
        return _visits(scheme, parties, year)
    if metric == Metric.MILESTONES_ON_TIME:
        return _milestones(scheme, parties, year)
    if metric == Metric.TRAINING_HOURS:
        return _training_hours(scheme, parties, year)
    if metric == Metric.INDICATOR_ACTUAL and template is not None:
        return _indicator_actual(scheme, template, parties, year)
    raise ValueError(metric)
