"""Writes for indicators: templates taken on with one click, custom indicators with their
targets and checklists, and actuals typed in per reporting period."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.selectors import can_edit_indicator
from dashboards.services import summaries_indicators_changed
from pairings.models import Pairing
from programmes.models import Phase
from projects.choices import IndicatorKind, TargetBasis
from projects.models import (
    DeliverableItem,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    IndicatorTemplate,
    Project,
)

DEFINITION_FIELDS = [
    "name",
    "kind",
    "unit",
    "direction",
    "aggregation",
    "source",
    "activity_kind",
    "participant_kind",
    "description",
    "order",
]


def _check_may_edit(user: User, indicator: Indicator) -> None:
    if not can_edit_indicator(user, indicator):
        raise PermissionDenied(_("您不能编辑该指标。"))


def _periods_for(
    template: IndicatorTemplate, project: Project | None, pairing: Pairing | None
) -> list[int | Phase]:
    """The years or rounds an adopted template gets a target for."""
    starts_on: dt.date | None
    ends_on: dt.date | None
    if project is not None:
        starts_on, ends_on, programme_id = project.starts_on, project.ends_on, project.programme_id
        own_phase = project.pairing.phase if project.pairing is not None else None
    else:
        assert pairing is not None
        own_phase = pairing.phase
        starts_on = pairing.starts_on or (own_phase.starts_on if own_phase else None)
        ends_on = pairing.ends_on or (own_phase.ends_on if own_phase else None)
        programme_id = pairing.programme_id
    if template.target_basis == TargetBasis.PER_ROUND:
        if own_phase is not None:
            return [own_phase]
        phases = list(Phase.objects.filter(programme_id=programme_id).order_by("number"))
        if starts_on and ends_on:
            phases = [p for p in phases if p.starts_on <= ends_on and p.ends_on >= starts_on]
        if not phases:
            raise ValidationError(_("该计划没有与期限相交的轮次或阶段，无法按轮次设置目标。"))
        return list(phases)
    if not (starts_on and ends_on):
        raise ValidationError(_("结对没有起止日期，无法按年度设置目标。"))
    return list(range(starts_on.year, ends_on.year + 1))


@transaction.atomic
def indicator_adopt(
    *,
    user: User,
    template: IndicatorTemplate,
    project: Project | None = None,
    pairing: Pairing | None = None,
) -> Indicator:
    """Take on a programme's indicator template, with a target for every year or round of
    the project or pairing (the template's target value)."""
    owner = project if project is not None else pairing
    assert owner is not None and (project is None) != (pairing is None)
    if owner.programme_id != template.programme_id:
        raise ValidationError(_("指标模板“%(name)s”不属于该计划。") % {"name": template.name})
    if project is not None and not template.applies_to_projects():
        raise ValidationError(_("指标模板“%(name)s”只适用于结对。") % {"name": template.name})
    if pairing is not None and not template.applies_to_pairings():
        raise ValidationError(_("指标模板“%(name)s”只适用于项目。") % {"name": template.name})
    existing = Indicator.objects.filter(template=template, project=project, pairing=pairing)
    if existing.exists():
        raise ValidationError(_("已采用指标模板“%(name)s”。") % {"name": template.name})
    indicator = Indicator(
        project=project,
        pairing=pairing,
        template=template,
        **{f: getattr(template, f) for f in DEFINITION_FIELDS},
    )
    _check_may_edit(user, indicator)
    indicator.full_clean()
    indicator.save()
    if template.kind == IndicatorKind.QUANTITATIVE and template.target_value is not None:
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(
                indicator=indicator,
                value=template.target_value,
                year=period if isinstance(period, int) else None,
                phase=period if isinstance(period, Phase) else None,
            )
            for period in _periods_for(template, project, pairing)
        )
    DeliverableItem.objects.bulk_create(
        DeliverableItem(indicator=indicator, title=title, order=order)
        for order, title in enumerate(template.checklist_items())
    )
    return indicator


def templates_available(
    *, project: Project | None = None, pairing: Pairing | None = None
) -> list[IndicatorTemplate]:
    """The owner's programme templates it may still take on."""
    owner = project if project is not None else pairing
    assert owner is not None
    # Hand-made indicators have no template; a NULL in NOT IN would exclude every template.
    taken = Indicator.objects.filter(
        project=project, pairing=pairing, template__isnull=False
    ).values("template")
    templates = IndicatorTemplate.objects.filter(programme_id=owner.programme_id).exclude(
        pk__in=taken
    )
    if project is not None:
        return [t for t in templates if t.applies_to_projects()]
    return [t for t in templates if t.applies_to_pairings()]


@transaction.atomic
def indicator_save(
    *,
    user: User,
    indicator: Indicator,
    targets: Sequence[IndicatorTarget] = (),
    items: Sequence[DeliverableItem] = (),
) -> Indicator:
    """Create or edit an indicator with its targets (quantitative) or checklist (deliverable),
    which replace the stored ones."""
    _check_may_edit(user, indicator)
    indicator.full_clean()
    if indicator.kind == IndicatorKind.QUANTITATIVE and not targets:
        raise ValidationError(_("量化指标须至少设置一个年度或轮次的目标值。"))
    if indicator.kind == IndicatorKind.DELIVERABLE and not items:
        raise ValidationError(_("成果清单类指标须至少列出一项成果。"))
    seen: set[object] = set()
    starts_on, ends_on = indicator.owner_period()
    for row, target in enumerate(targets, start=1):
        key = target.year or target.phase_id
        if key in seen:
            raise ValidationError(_("目标值第 %(row)d 行的年度或轮次重复。") % {"row": row})
        seen.add(key)
        if (target.year is None) == (target.phase_id is None):
            raise ValidationError(_("目标值第 %(row)d 行须选择年度或轮次之一。") % {"row": row})
        first, last = target.period()
        if starts_on and ends_on and (last < starts_on or first > ends_on):
            raise ValidationError(
                _("目标值第 %(row)d 行（%(label)s）不在期限（%(start)s 至 %(end)s）之内。")
                % {"row": row, "label": target.label, "start": starts_on, "end": ends_on}
            )
    indicator.save()
    indicator.targets.all().delete()
    for target in targets:
        target.pk = None
        target.indicator = indicator
        target.full_clean()
    IndicatorTarget.objects.bulk_create(targets)
    kept = [i.pk for i in items if i.pk]
    indicator.items.exclude(pk__in=kept).delete()
    for order, item in enumerate(items):
        item.indicator = indicator
        item.order = order
        item.full_clean(exclude=["indicator"])
        item.save()
    summaries_indicators_changed([indicator.pk])
    return indicator


@transaction.atomic
def indicator_actual_record(
    *,
    user: User,
    indicator: Indicator,
    starts_on: dt.date,
    ends_on: dt.date,
    value: Decimal,
    note: str = "",
) -> IndicatorActual:
    """Record (or correct) the actual of one reporting period."""
    _check_may_edit(user, indicator)
    # Locked, so that two people recording the same period at once correct one row.
    Indicator.objects.select_for_update(of=("self",)).filter(pk=indicator.pk).first()
    actual = IndicatorActual.objects.filter(indicator=indicator, starts_on=starts_on).first()
    actual = actual or IndicatorActual(indicator=indicator, starts_on=starts_on)
    actual.ends_on, actual.value, actual.note, actual.recorded_by = ends_on, value, note, user
    actual.full_clean(validate_constraints=False)
    actual.save()
    summaries_indicators_changed([indicator.pk])
    return actual
