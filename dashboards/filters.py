"""What a provincial dashboard is looking at: programme, round, quarter, region (or one
institution), kind of institution and the indicator in focus — read from the URL so that a
view can be bookmarked and shared, checked against the user's scope."""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import User, dashboard_programmes_of, scope_of
from programmes.models import Phase, Programme
from projects.choices import IndicatorKind
from projects.models import IndicatorTemplate
from reports.models import ReportingPeriod
from schools.models import Institution, InstitutionKind, Region

METRICS = ("completeness", "timeliness")


@dataclass(frozen=True)
class Filters:
    programme: Programme
    programmes: list[Programme]  # what the user may choose from
    phases: list[Phase]
    phase: Phase | None
    period: ReportingPeriod | None
    periods: list[ReportingPeriod]  # the round's periods opened so far, earliest first
    region: Region | None  # None: the whole country
    lineage: list[Region]  # province … region
    institution: Institution | None
    kind: str
    template: IndicatorTemplate | None
    templates: list[IndicatorTemplate]
    metric: str
    today: dt.date

    @property
    def code(self) -> str:
        return self.region.code if self.region is not None else ""

    @property
    def place_name(self) -> str:
        if self.institution is not None:
            return self.institution.display_name
        return self.region.name if self.region is not None else _("全国")

    @property
    def periods_so_far(self) -> list[ReportingPeriod]:
        """The round's periods up to the chosen one (what a cumulative actual adds up)."""
        if self.period is None:
            return []
        return [p for p in self.periods if p.starts_on <= self.period.starts_on]

    @cached_property
    def _params(self) -> dict[str, str]:
        values = {
            "programme": self.programme.slug,
            "round": str(self.phase.number) if self.phase else "",
            "period": str(self.period.pk) if self.period else "",
            "region": self.code,
            "institution": str(self.institution.pk) if self.institution else "",
            "kind": self.kind,
            "indicator": self.template.code if self.template else "",
            "metric": self.metric,
        }
        return {k: v for k, v in values.items() if v}

    def params(self, **changes: Any) -> dict[str, str]:
        """The filters of this view as URL parameters, some of them changed."""
        if not changes:
            return self._params
        values = {**self._params, **{k: "" if v is None else str(v) for k, v in changes.items()}}
        return {k: v for k, v in values.items() if v}

    @cached_property
    def _query(self) -> str:
        return urlencode(self._params)

    def query(self, **changes: Any) -> str:
        """The URL query string of this view with some filters changed."""
        return urlencode(self.params(**changes)) if changes else self._query

    def breadcrumbs(self) -> list[tuple[str, str | None]]:
        """全国 (national programmes) › province › … › institution, each with its query
        string (None: the page itself)."""
        crumbs: list[tuple[str, str | None]] = []
        if self.programme.region is None:
            crumbs.append((_("全国"), self.query(region="", institution="")))
        for region in self.lineage:
            crumbs.append((region.name, self.query(region=region.code, institution="")))
        if self.institution is not None:
            crumbs.append((self.institution.display_name, None))
        if crumbs:
            crumbs[-1] = (crumbs[-1][0], None)
        return crumbs


def dashboard_programmes(user: User) -> list[Programme]:
    return list(dashboard_programmes_of(user).select_related("region").order_by("starts_on", "pk"))


def _pick(items: list[Any], key: str, value: str | None) -> Any:
    return next((item for item in items if str(getattr(item, key)) == (value or "")), None)


def filters_from(*, user: User, params: QueryDict, today: dt.date | None = None) -> Filters:
    """The dashboard's filters from the query string; missing or unknown values fall back to
    sensible defaults, a region or institution outside the user's scope is not found."""
    today = today or timezone.localdate()
    scope = scope_of(user)
    programmes = dashboard_programmes(user)
    if not programmes:
        raise Http404(_("没有可以查看的计划。"))
    programme = _pick(programmes, "slug", params.get("programme"))
    if programme is None:
        overseen = [p for p in programmes if p.region and p.region.code[:2] in scope.provinces]
        programme = (overseen or [p for p in programmes if p.region] or programmes)[0]

    phases = list(programme.phases.all())
    phase = _pick(phases, "number", params.get("round"))
    if phase is None and phases:
        started = [p for p in phases if p.starts_on <= today]
        current = [p for p in started if p.ends_on >= today]
        phase = (current or started or phases)[-1 if not current else 0]
    periods = ReportingPeriod.objects.filter(programme=programme, opens_on__lte=today)
    if phase is not None:
        periods = periods.filter(starts_on__gte=phase.starts_on, starts_on__lte=phase.ends_on)
    period_list = list(periods.order_by("starts_on"))
    due = [p for p in period_list if p.due_on <= today]
    period_list = due or period_list  # quarters still open have nothing to count yet
    period = _pick(period_list, "pk", params.get("period"))
    if period is None and period_list:
        period = period_list[-1]

    region = _region(params.get("region"), programme, scope)
    institution = None
    institution_pk = str(params.get("institution", ""))
    if institution_pk.isdigit():
        institution = (
            Institution.objects.select_related("region").filter(pk=int(institution_pk)).first()
        )
        if institution is None:
            raise Http404
        if not scope.is_admin and institution.region.code[:2] not in scope.provinces:
            raise Http404
        if region is not None and not institution.region.is_within(region):
            region = institution.region
    lineage = region.lineage() if region is not None else []

    templates = list(
        programme.indicator_templates.exclude(kind=IndicatorKind.DELIVERABLE).order_by(
            "order", "code"
        )
    )
    template = _pick(templates, "code", params.get("indicator")) or (
        templates[0] if templates else None
    )
    kind = params.get("kind", "")
    return Filters(
        programme=programme,
        programmes=programmes,
        phases=phases,
        phase=phase,
        period=period,
        periods=period_list,
        region=region,
        lineage=lineage,
        institution=institution,
        kind=kind if kind in InstitutionKind.values else "",
        template=template,
        templates=templates,
        metric=str(params.get("metric")) if params.get("metric") in METRICS else METRICS[0],
        today=today,
    )


def _region(code: str | None, programme: Programme, scope: Any) -> Region | None:
    """The region asked for, if the user may look at it and the programme reaches it;
    otherwise (nothing asked) the programme's own region or the user's province."""
    if code:
        region = Region.objects.filter(code=code).select_related("parent").first()
        if region is None:
            raise Http404
    elif programme.region is not None:
        region = programme.region
    elif scope.is_admin:
        return None
    else:
        region = Region.objects.filter(code__in=scope.provinces).order_by("code").first()
        if region is None:
            raise Http404
    if not scope.is_admin and region.code[:2] not in scope.provinces:
        raise Http404
    if programme.region is not None and not (
        region.is_within(programme.region) or programme.region.is_within(region)
    ):
        raise Http404
    return region
