"""The chart specifications the page hands to static/js/charts.js (as json_script data): the
same figures as the tables beside them, already translated and rounded."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from dashboards.selectors import Dashboard, Tally


def _number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def heat_map(dashboard: Dashboard, rows: list[tuple[Any, list["HeatCell"]]]) -> dict[str, Any]:
    """Children × quarters, coloured by completeness (or timeliness); a click opens the late
    reports of that place and quarter."""
    f = dashboard.filters
    cells = []
    for row, (child, heat_cells) in enumerate(rows):
        for column, (period, cell) in enumerate(zip(f.periods, heat_cells, strict=True)):
            tip = _(
                "%(place)s · %(period)s：应报 %(expected)s，已报 %(received)s，"
                "按时 %(timely)s，逾期 %(late)s"
            ) % {
                "place": child.name,
                "period": period.name,
                "expected": cell.tally.expected,
                "received": cell.tally.received,
                "timely": cell.tally.timely,
                "late": cell.tally.late,
            }
            cells.append([row, column, cell.value, cell.url, tip])
    return {
        "type": "heatmap",
        "rows": [child.name for child in dashboard.children],
        "columns": [str(period.name) for period in f.periods],
        "cells": cells,
        "unit": "%",
        "min": 0,
        "max": 100,
    }


def indicator_by_child(dashboard: Dashboard) -> dict[str, Any]:
    template = dashboard.filters.template
    return {
        "type": "bar",
        "horizontal": True,
        "categories": [child.name for child in dashboard.children],
        "series": [
            {"name": _("实际"), "data": [_number(c.attainment.actual) for c in dashboard.children]},
            {
                "name": _("目标"),
                "data": [_number(c.attainment.target_value) for c in dashboard.children],
            },
        ],
        "unit": template.unit if template else "",
    }


def zones_side_by_side(dashboard: Dashboard) -> dict[str, Any]:
    """Each programme indicator's completion (%) per zone."""
    return {
        "type": "bar",
        "horizontal": True,
        "categories": [template.name for template, _a, _z in dashboard.indicators],
        "series": [
            {
                "name": label,
                "data": [
                    _number(per_zone[zone].percent if zone in per_zone else None)
                    for _t, _a, per_zone in dashboard.indicators
                ],
            }
            for zone, label in dashboard.zones
        ]
        or [
            {
                "name": _("完成率"),
                "data": [_number(overall.percent) for _t, overall, _z in dashboard.indicators],
            }
        ],
        "unit": "%",
    }


def reporting_trend(dashboard: Dashboard) -> dict[str, Any]:
    return {
        "type": "line",
        "categories": [str(period.name) for period, *_rest in dashboard.trend],
        "series": [
            {"name": _("完整率"), "data": [t.completeness for _p, t, _a, _z in dashboard.trend]},
            {"name": _("及时率"), "data": [t.timeliness for _p, t, _a, _z in dashboard.trend]},
        ],
        "unit": "%",
    }


def indicator_trend(dashboard: Dashboard) -> dict[str, Any]:
    template = dashboard.filters.template
    series = [{"name": _("全部"), "data": [_number(a.actual) for _p, _t, a, _z in dashboard.trend]}]
    for zone, label in dashboard.zones:
        series.append(
            {
                "name": label,
                "data": [
                    _number(z[zone].actual if zone in z else None)
                    for _p, _t, _a, z in dashboard.trend
                ],
            }
        )
    return {
        "type": "line",
        "categories": [str(period.name) for period, *_rest in dashboard.trend],
        "series": series,
        "unit": template.unit if template else "",
    }


@dataclass(frozen=True)
class HeatCell:
    tally: Tally
    value: int | None
    band: str  # css class: heat-0 … heat-4, heat-none
    url: str | None


def _band(value: int | None) -> str:
    if value is None:
        return "heat-none"
    return f"heat-{min(4, value // 20)}"  # five bands of 20 %, as the chart colours them


def heat_legend() -> list[tuple[str, str]]:
    bands = [(f"heat-{i}", f"{i * 20}–{i * 20 + 19}%") for i in range(4)]
    return [*bands, ("heat-4", "80–100%"), ("heat-none", _("无应报"))]


def heat_table(dashboard: Dashboard) -> list[tuple[Any, list[HeatCell]]]:
    """The heat map as a table (beside the chart, and what prints without JavaScript)."""
    f = dashboard.filters
    timely = f.metric == "timeliness"
    late_url = reverse("dashboards:late")
    rows = []
    for child in dashboard.children:
        cells = []
        for period in f.periods:
            tally = child.heat.get(period.pk, Tally())
            value = tally.timeliness if timely else tally.completeness
            params = {**child.url_params, "period": str(period.pk)}
            url = f"{late_url}?{urlencode(params)}" if tally.late else None
            cells.append(HeatCell(tally, value, _band(value), url))
        rows.append((child, cells))
    return rows
