"""Indicators: templates taken on with one click, targets per year or round, actuals typed in
or derived from activities, and checklists."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programmes.models import Phase, PhaseKind
from projects.choices import (
    ActivityKind,
    ActualSource,
    Aggregation,
    IndicatorKind,
    ParticipantKind,
    TargetBasis,
    TemplateScope,
)
from projects.models import Indicator, IndicatorTarget, IndicatorTemplate
from projects.services.activities import activity_save
from projects.services.indicators import (
    indicator_actual_record,
    indicator_adopt,
    indicator_save,
    templates_available,
)
from tests.projects.helpers import make_activity, make_project
from tests.world import World

pytestmark = pytest.mark.django_db


def template(world: World, code: str = "G29", **fields) -> IndicatorTemplate:
    defaults = {
        "name": "志愿服务学生人数",
        "unit": "人",
        "target_value": Decimal(50),
        "target_basis": TargetBasis.PER_YEAR,
        "source": ActualSource.ACTIVITY_PARTICIPANTS,
        "activity_kind": ActivityKind.VOLUNTEER,
        "participant_kind": ParticipantKind.VOLUNTEERS,
    }
    return IndicatorTemplate.objects.create(
        programme=world.programme, code=code, **{**defaults, **fields}
    )


def test_a_template_taken_on_gets_a_target_per_year_of_the_project(world: World) -> None:
    project = make_project(world, units=[world.ahnu])
    indicator = indicator_adopt(
        user=world.users["ahnu_contact"], template=template(world), project=project
    )
    assert sorted(indicator.targets.values_list("year", "value")) == [
        (2023, Decimal(50)),
        (2024, Decimal(50)),
        (2025, Decimal(50)),
    ]
    assert indicator.template is not None and indicator.source == ActualSource.ACTIVITY_PARTICIPANTS
    assert templates_available(project=project) == []
    with pytest.raises(ValidationError, match="已采用"):
        indicator_adopt(user=world.users["admin"], template=indicator.template, project=project)


def test_a_project_with_a_hand_made_indicator_still_offers_the_templates(world: World) -> None:
    """A hand-made indicator has no template: it must not hide every template (NULL in NOT IN)."""
    project = make_project(world, units=[world.ahnu])
    indicator_save(
        user=world.users["admin"],
        indicator=Indicator(project=project, name="自定指标"),
        targets=[IndicatorTarget(year=2024, value=Decimal(1))],
    )
    volunteers = template(world)
    assert templates_available(project=project) == [volunteers]


def test_a_round_template_on_a_pairing_targets_its_round(world: World) -> None:
    second = Phase.objects.create(
        programme=world.programme,
        kind=PhaseKind.ROUND,
        number=2,
        name="第二轮",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    world.programme.ends_on = dt.date(2026, 12, 31)
    world.programme.save()
    world.phase.ends_on = dt.date(2025, 12, 31)
    world.phase.save()
    hours = template(
        world,
        code="G15a",
        name="人均面授学时",
        target_value=Decimal(72),
        target_basis=TargetBasis.PER_ROUND,
        source=ActualSource.MANUAL,
        aggregation=Aggregation.LATEST,
    )
    pairing = world.pairings[1]  # 安徽师大 → 阜阳师大, first round
    indicator = indicator_adopt(user=world.users["fynu_contact"], template=hours, pairing=pairing)
    assert list(indicator.targets.values_list("phase", "value")) == [(world.phase.pk, Decimal(72))]
    assert second.pk != world.phase.pk  # the later round exists but is not the pairing's


def test_templates_for_pairings_only_are_refused_on_projects(world: World) -> None:
    only_pairings = template(world, code="G25", applies_to=TemplateScope.PAIRING)
    project = make_project(world)
    assert only_pairings not in templates_available(project=project)
    with pytest.raises(ValidationError, match="只适用于结对"):
        indicator_adopt(user=world.users["admin"], template=only_pairings, project=project)


def test_outsiders_cannot_adopt(world: World) -> None:
    project = make_project(world, units=[world.ahnu])
    with pytest.raises(PermissionDenied):
        indicator_adopt(user=world.users["fynu_contact"], template=template(world), project=project)
    assert not Indicator.objects.exists()


def test_actuals_are_derived_from_activities_per_quarter(world: World) -> None:
    project = make_project(world, units=[world.ahnu])
    volunteers = indicator_adopt(
        user=world.users["admin"], template=template(world), project=project
    )
    count = indicator_save(
        user=world.users["admin"],
        indicator=Indicator(
            project=project,
            name="交流活动次数",
            source=ActualSource.ACTIVITY_COUNT,
            activity_kind=ActivityKind.EXCHANGE,
        ),
        targets=[IndicatorTarget(year=2025, value=Decimal(2))],
    )
    make_activity(
        world,
        project,
        day=dt.date(2025, 1, 10),
        kind=ActivityKind.VOLUNTEER,
        volunteers=20,
        teachers=3,
        indicators=[volunteers],
    )
    make_activity(
        world,
        project,
        day=dt.date(2025, 2, 20),
        kind=ActivityKind.VOLUNTEER,
        volunteers=15,
        indicators=[volunteers, count],
    )
    make_activity(
        world,
        project,
        day=dt.date(2025, 8, 1),
        kind=ActivityKind.EXCHANGE,
        teachers=30,
        indicators=[count],
    )
    volunteers = Indicator.objects.with_progress_data().get(pk=volunteers.pk)
    values = [(v.starts_on, v.value) for v in volunteers.quarterly_values()]
    assert values == [(dt.date(2025, 1, 1), Decimal(35))]  # volunteers only, teachers ignored
    progress = volunteers.progress(dt.date(2025, 12, 31))
    assert progress is not None and progress.actual == Decimal(35) and progress.percent == 70
    assert progress.behind
    count = Indicator.objects.with_progress_data().get(pk=count.pk)
    # only the exchange counts: the volunteer deployment linked to it is of another kind
    assert [v.value for v in count.quarterly_values()] == [Decimal(1)]


def test_derived_indicators_refuse_typed_actuals(world: World) -> None:
    project = make_project(world)
    indicator = indicator_adopt(
        user=world.users["admin"], template=template(world), project=project
    )
    with pytest.raises(ValidationError, match="自动汇总"):
        indicator_actual_record(
            user=world.users["admin"],
            indicator=indicator,
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2025, 3, 31),
            value=Decimal(5),
        )


def test_typed_actuals_are_corrected_not_duplicated(world: World) -> None:
    project = make_project(world, units=[world.ahnu])
    indicator = indicator_save(
        user=world.users["ahnu_contact"],
        indicator=Indicator(
            project=project,
            name="骨干教师比例",
            unit="%",
            aggregation=Aggregation.LATEST,
            baseline=Decimal(4),
        ),
        targets=[IndicatorTarget(year=2025, value=Decimal(10))],
    )
    for value in (Decimal(6), Decimal(7)):
        indicator_actual_record(
            user=world.users["ahnu_contact"],
            indicator=indicator,
            starts_on=dt.date(2025, 4, 1),
            ends_on=dt.date(2025, 6, 30),
            value=value,
        )
    assert list(indicator.actuals.values_list("value", flat=True)) == [Decimal(7)]
    progress = (
        Indicator.objects.with_progress_data().get(pk=indicator.pk).progress(dt.date(2025, 7, 1))
    )
    assert progress is not None and progress.percent == 50  # 4 → 7 of 4 → 10
    with pytest.raises(PermissionDenied):
        indicator_actual_record(
            user=world.users["fynu_contact"],
            indicator=indicator,
            starts_on=dt.date(2025, 7, 1),
            ends_on=dt.date(2025, 9, 30),
            value=Decimal(8),
        )


def test_quantitative_indicators_need_a_target_and_checklists_an_item(world: World) -> None:
    project = make_project(world)
    with pytest.raises(ValidationError, match="至少设置一个"):
        indicator_save(user=world.users["admin"], indicator=Indicator(project=project, name="x"))
    with pytest.raises(ValidationError, match="至少列出一项"):
        indicator_save(
            user=world.users["admin"],
            indicator=Indicator(project=project, name="五个一", kind=IndicatorKind.DELIVERABLE),
        )
    with pytest.raises(ValidationError, match="重复"):
        indicator_save(
            user=world.users["admin"],
            indicator=Indicator(project=project, name="x"),
            targets=[IndicatorTarget(year=2024, value=1), IndicatorTarget(year=2024, value=2)],
        )
    assert not Indicator.objects.exists()


def test_a_checklist_template_brings_its_items_and_counts_them(world: World) -> None:
    five = template(
        world,
        code="L1",
        name="县域“五个一”",
        kind=IndicatorKind.DELIVERABLE,
        source=ActualSource.MANUAL,
        target_value=None,
        checklist="一份规划\n一个平台\n\n一个机构\n一支团队\n一批学生\n",
    )
    indicator = indicator_adopt(user=world.users["admin"], template=five, pairing=world.pairings[0])
    items = list(indicator.items.all())
    assert [i.title for i in items] == ["一份规划", "一个平台", "一个机构", "一支团队", "一批学生"]
    for item in items[:2]:
        item.done_on = dt.date(2023, 5, 1)
        item.save()
    progress = (
        Indicator.objects.with_progress_data().get(pk=indicator.pk).progress(dt.date(2024, 1, 1))
    )
    assert progress is not None and progress.percent == 40


def test_activities_count_only_towards_their_own_indicators(world: World) -> None:
    project = make_project(world)
    other = make_project(world, title="另一个项目")
    foreign = indicator_adopt(user=world.users["admin"], template=template(world), project=other)
    manual = indicator_save(
        user=world.users["admin"],
        indicator=Indicator(project=project, name="手工"),
        targets=[IndicatorTarget(year=2024, value=1)],
    )
    for indicator, message in ((foreign, "不属于"), (manual, "不由活动汇总")):
        with pytest.raises(ValidationError, match=message):
            make_activity(world, project, day=dt.date(2024, 3, 1), indicators=[indicator])
    activity = make_activity(world, project, day=dt.date(2024, 3, 1))
    assert activity.consortium == world.consortium  # taken from the project


def test_strangers_cannot_record_activities_for_a_project(world: World) -> None:
    project = make_project(world, units=[world.ahnu])
    activity = make_activity(
        world, project, day=dt.date(2024, 3, 1), user=world.users["ahnu_contact"]
    )
    assert activity.created_by == world.users["ahnu_contact"]
    activity.title = "篡改"
    activity.organiser = world.fynu
    with pytest.raises(PermissionDenied):
        activity_save(user=world.users["guangdong_edu"], activity=activity)


def test_nobody_inflates_another_projects_indicators(world: World) -> None:
    project = make_project(world, units=[world.ahnu])
    volunteers = indicator_adopt(
        user=world.users["admin"], template=template(world), project=project
    )
    with pytest.raises(PermissionDenied):
        make_activity(
            world,
            project,
            day=dt.date(2024, 3, 1),
            kind=ActivityKind.VOLUNTEER,
            volunteers=500,
            indicators=[volunteers],
            user=world.users["fynu_contact"],  # sees the project, does not run it
        )
    assert not volunteers.activities.exists()


def test_targets_and_activities_fall_within_the_project(world: World) -> None:
    project = make_project(world, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 12, 31))
    with pytest.raises(ValidationError, match=r"第 2 行（2026）不在期限"):
        indicator_save(
            user=world.users["admin"],
            indicator=Indicator(project=project, name="x"),
            targets=[IndicatorTarget(year=2024, value=1), IndicatorTarget(year=2026, value=1)],
        )
    with pytest.raises(ValidationError, match="活动日期须在所属项目期限"):
        make_activity(world, project, day=dt.date(2025, 2, 1))


def test_a_round_that_starts_mid_quarter_keeps_that_quarters_work(world: World) -> None:
    # The world's round starts on 2022-02-09, inside the first quarter of 2022.
    project = make_project(world, starts_on=dt.date(2022, 2, 9), ends_on=dt.date(2022, 12, 31))
    hours = indicator_save(
        user=world.users["admin"],
        indicator=Indicator(project=project, name="学时", source=ActualSource.ACTIVITY_HOURS),
        targets=[IndicatorTarget(phase=world.phase, value=Decimal(100))],
    )
    typed = indicator_save(
        user=world.users["admin"],
        indicator=Indicator(project=project, name="人数"),
        targets=[IndicatorTarget(phase=world.phase, value=Decimal(10))],
    )
    make_activity(world, project, day=dt.date(2022, 3, 1), hours=Decimal(40), indicators=[hours])
    make_activity(world, project, day=dt.date(2022, 5, 1), hours=Decimal(10), indicators=[hours])
    indicator_actual_record(
        user=world.users["admin"],
        indicator=typed,
        starts_on=dt.date(2022, 1, 1),
        ends_on=dt.date(2022, 3, 31),
        value=Decimal(4),
    )
    today = dt.date(2022, 6, 1)
    for indicator, expected in ((hours, Decimal(50)), (typed, Decimal(4))):
        progress = Indicator.objects.with_progress_data().get(pk=indicator.pk).progress(today)
        assert progress is not None and progress.actual == expected
    monthly = Indicator.objects.with_progress_data().get(pk=hours.pk)
    assert monthly.value_between(dt.date(2022, 3, 1), dt.date(2022, 3, 31)) == Decimal(40)
    assert monthly.value_between(dt.date(2022, 2, 1), dt.date(2022, 2, 28)) is None
