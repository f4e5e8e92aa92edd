"""Schemes and runs: who is assessed, weight validation, freezing and versions, value-added,
a computed source, ranking within zone and level, and the figures a run stores."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import services
from assessments.models import (
    AssessmentEntry,
    AssessmentIndicator,
    AssessmentResult,
    AssessmentRun,
    AssessmentScheme,
    AssessmentScore,
    AssessmentWeight,
    Basis,
    Metric,
    Rule,
    RunStatus,
    Source,
    ValueAdded,
)
from assessments.selectors import parties_of
from dashboards.models import ReportSlot
from pairings.choices import PairingKind
from reports.models import ReportingPeriod
from tests.assessments.conftest import Guangdong, scheme_with
from tests.factories import PairingFactory

D = Decimal
MANUAL = {"rule": Rule.MANUAL, "source": Source.ENTERED}
IMPORTED_ATTAINMENT = {"rule": Rule.ATTAINMENT, "source": Source.IMPORTED, "target": D(100)}


def run_scoring(gd: Guangdong, scheme: AssessmentScheme, capture) -> AssessmentRun:
    """Start a run and let its task run (Celery is eager in tests; the task waits for the
    transaction to commit, which the capture stands in for)."""
    with capture(execute=True):
        run = services.run_start(user=gd.officer, scheme=scheme)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run


def enter(scheme: AssessmentScheme, code: str, values: dict, **fields) -> None:
    indicator = scheme.indicators.get(code=code)
    for party, value in values.items():
        AssessmentEntry.objects.create(
            indicator=indicator, party=party, value=D(value), source=Source.IMPORTED, **fields
        )


def test_parties_by_zone_and_by_kind_of_party(gd: Guangdong) -> None:
    spec = [("1", "实绩", MANUAL, {"prd": 100, "ewn": 100})]
    by_zone = {(p.institution.name, p.group) for p in parties_of(scheme_with(gd, spec))}
    assert by_zone == {
        ("广州市教育局", "prd:prefecture"),
        ("深圳市教育局", "prd:prefecture"),
        ("汕头市教育局", "ewn:prefecture"),
        ("梅州市教育局", "ewn:prefecture"),
        ("天河区教育局", "prd:county"),
        ("大埔县教育局", "ewn:county"),
    }
    weights = {"supporting_region": 100, "supporting_university": 100, "supported_region": 100}
    by_role = parties_of(scheme_with(gd, [("1", "实绩", MANUAL, weights)], basis=Basis.ROLE))
    assert {(p.institution.name, p.column) for p in by_role} == {
        ("广州市教育局", "supporting_region"),
        ("深圳市教育局", "supporting_region"),
        ("天河区教育局", "supporting_region"),
        ("华南师范大学", "supporting_university"),
        ("汕头市教育局", "supported_region"),
        ("梅州市教育局", "supported_region"),
        ("大埔县教育局", "supported_region"),
    }


def test_weights_of_each_level_must_add_up_to_100_per_zone(gd: Guangdong) -> None:
    scheme = scheme_with(
        gd,
        [
            ("1", "教师队伍建设", {}, {"prd": 40, "ewn": 60}),
            ("1.1", "骨干教师", IMPORTED_ATTAINMENT, {"prd": 50, "ewn": 50}),
            ("1.2", "学历达标", MANUAL, {"prd": 50, "ewn": 50}),
            ("2", "学位供给", MANUAL, {"prd": 60, "ewn": 40}),
        ],
    )
    one, one_one, two = (scheme.indicators.get(code=c) for c in ("1", "1.1", "2"))
    saved = dict(AssessmentWeight.objects.values_list("pk", "weight"))
    wrong = {(w.indicator_id, w.column): w.weight for w in AssessmentWeight.objects.all()}
    wrong[(two.pk, "prd")] = D(55)  # 珠三角 first level: 40 + 55 = 95
    wrong[(one_one.pk, "ewn")] = D(40)  # 粤东粤西粤北 under “1”: 40 + 50 = 90
    with pytest.raises(ValidationError) as raised:
        services.weights_set(user=gd.officer, scheme=scheme, weights=wrong)
    assert raised.value.messages == [
        "珠三角地区：一级指标权重合计为 95，应为 100。",
        "粤东粤西粤北地区：“1 教师队伍建设”的二级指标权重合计为 90，应为 100。",
    ]
    assert dict(AssessmentWeight.objects.values_list("pk", "weight")) == saved  # nothing saved
    # A first-level indicator weighted 0 in a zone does not apply there: its children need not
    # add up.
    zero = {
        key: D(0) if key[0] in (one.pk, one_one.pk) and key[1] == "ewn" else value
        for key, value in wrong.items()
        if key != (two.pk, "prd")
    }
    zero[(two.pk, "prd")], zero[(two.pk, "ewn")] = D(60), D(100)
    zero[(scheme.indicators.get(code="1.2").pk, "ewn")] = D(0)
    services.weights_set(user=gd.officer, scheme=scheme, weights=zero)


def test_a_run_freezes_the_scheme_and_a_new_version_copies_it(
    gd: Guangdong, django_capture_on_commit_callbacks
) -> None:
    scheme = scheme_with(gd, [("1", "实绩", IMPORTED_ATTAINMENT, {"prd": 100, "ewn": 100})])
    enter(scheme, "1", {gd.bureau("4401"): 80}, evidence="统计表")
    run_scoring(gd, scheme, django_capture_on_commit_callbacks)
    scheme.refresh_from_db()
    assert scheme.frozen
    indicator = scheme.indicators.get()
    indicator.name = "改名"
    with pytest.raises(ValidationError, match="冻结"):
        services.indicator_save(user=gd.officer, indicator=indicator)
    with pytest.raises(ValidationError, match="冻结"):
        services.weights_set(
            user=gd.officer, scheme=scheme, weights={(indicator.pk, "prd"): D(100)}
        )
    copy = services.scheme_new_version(user=gd.officer, scheme=scheme)
    assert (copy.version, copy.frozen, copy.previous) == (2, False, scheme)
    copied = copy.indicators.get()
    assert copied.name == "实绩" and copied.pk != indicator.pk
    assert {(w.column, w.weight) for w in copied.weights.all()} == {("prd", 100), ("ewn", 100)}
    assert copied.entries.get().value == D(80)
    copied.name = "改名"
    services.indicator_save(user=gd.officer, indicator=copied)  # the new version is a draft


def test_a_scheme_with_problems_cannot_be_scored(gd: Guangdong) -> None:
    scheme = scheme_with(gd, [("1", "实绩", {}, {"prd": 100, "ewn": 100})])
    with pytest.raises(ValidationError) as raised:
        services.run_start(user=gd.officer, scheme=scheme)
    assert raised.value.messages == ["“1 实绩”尚未设置计分规则。"]
    scheme.refresh_from_db()
    assert not scheme.frozen and not scheme.runs.exists()


def test_other_provinces_and_parties_cannot_manage(gd: Guangdong) -> None:
    scheme = scheme_with(gd, [("1", "实绩", MANUAL, {"prd": 100, "ewn": 100})])
    for user in (gd.outsider, gd.shantou):
        with pytest.raises(Exception, match="只有本省"):
            services.run_start(user=user, scheme=scheme)
        with pytest.raises(Exception, match="评审人"):
            services.entry_record(
                user=user,
                indicator=scheme.indicators.get(),
                party=gd.bureau("4405"),
                value=D(90),
                evidence="自评",
            )


def test_a_run_scores_ranks_within_zone_and_level_and_keeps_the_trace(
    gd: Guangdong, django_capture_on_commit_callbacks
) -> None:
    scheme = scheme_with(
        gd,
        [
            ("1", "学位供给", {}, {"prd": 60, "ewn": 20}),
            ("1.1", "新增公办学位完成率", IMPORTED_ATTAINMENT, {"prd": 100, "ewn": 100}),
            ("2", "帮扶实绩", MANUAL, {"prd": 40, "ewn": 80}),
        ],
    )
    gz, sz, st, mz = (gd.bureau(c) for c in ("4401", "4403", "4405", "4414"))
    enter(scheme, "1.1", {gz: 90, sz: 100, st: 50, mz: 80}, evidence="学位统计")
    AssessmentEntry.objects.filter(party=st).update(target=D(40))  # its own task: 50 ÷ 40 → 100
    enter(scheme, "2", {gz: 70, sz: 60, st: 80, mz: 90}, evidence="评审组意见")
    run = run_scoring(gd, scheme, django_capture_on_commit_callbacks)
    totals = {r.party.name: (r.group, r.total, r.rank, r.group_size) for r in run.results.all()}
    # 广州 1.1: 90 → 90.00; “1” = 90 × 100 ÷ 100 = 90 → ×60% = 54.00; “2”: 70 × 40% = 28.00
    assert totals["广州市教育局"] == ("prd:prefecture", D("82.00"), 2, 2)
    assert totals["深圳市教育局"] == ("prd:prefecture", D("84.00"), 1, 2)  # 60 + 24
    # 汕头: 100 × 20% + 80 × 80% = 84; 梅州: 80 × 20% + 90 × 80% = 88 — ranked with ewn cities
    assert totals["汕头市教育局"] == ("ewn:prefecture", D("84.00"), 2, 2)
    assert totals["梅州市教育局"] == ("ewn:prefecture", D("88.00"), 1, 2)
    # counties without data: 0, ranked alone in their own groups
    assert totals["天河区教育局"] == ("prd:county", D("0.00"), 1, 1)
    shantou = AssessmentScore.objects.get(result__party=st, indicator__code="1.1")
    assert (shantou.raw, shantou.target, shantou.score) == (D(50), D(40), D(100))
    assert shantou.trace["source"] == "imported" and shantou.trace["evidence"] == "学位统计"
    missing = AssessmentScore.objects.get(result__party__name="天河区教育局", indicator__code="2")
    assert missing.score == 0 and "无数据" in missing.note


def test_ranking_rule_and_value_added_from_last_years_published_run(
    gd: Guangdong, django_capture_on_commit_callbacks
) -> None:
    spec = [
        (
            "1",
            "新增学位增长",
            {
                "rule": Rule.RANKING,
                "source": Source.IMPORTED,
                "value_added": ValueAdded.CHANGE,
                "floor_score": D(60),
            },
            {"prd": 100, "ewn": 100},
        )
    ]
    gz, sz, st, mz = (gd.bureau(c) for c in ("4401", "4403", "4405", "4414"))
    last_year = scheme_with(
        gd, [(c, n, {**f, "value_added": ""}, w) for c, n, f, w in spec], year=2024
    )
    enter(last_year, "1", {gz: 1000, sz: 1500, st: 300})
    services.run_publish(
        user=gd.officer, run=run_scoring(gd, last_year, django_capture_on_commit_callbacks)
    )
    scheme = scheme_with(gd, spec, year=2025)
    enter(scheme, "1", {gz: 1300, sz: 1600})  # last year's values from the published 2024 run
    enter(scheme, "1", {st: 500, mz: 400}, last_year=D(450))  # or given with the data
    run = run_scoring(gd, scheme, django_capture_on_commit_callbacks)
    scores = {
        s.result.party.name: (s.last_year, s.measure, s.score, s.trace)
        for s in AssessmentScore.objects.filter(result__run=run).select_related("result__party")
    }
    # 珠三角 cities: 广州 +300 first (100), 深圳 +100 last (the floor, 60)
    assert scores["广州市教育局"][:3] == (D(1000), D(300), D(100))
    assert scores["深圳市教育局"][:3] == (D(1500), D(100), D(60))
    # 粤东粤西粤北 cities ranked apart: 汕头 +50 first, 梅州 −50 last
    assert scores["汕头市教育局"][:3] == (D(450), D(50), D(100))
    assert scores["梅州市教育局"][:3] == (D(450), D(-50), D(60))
    assert (scores["汕头市教育局"][3]["rank"], scores["汕头市教育局"][3]["ranked"]) == (1, 2)


def test_report_timeliness_computed_from_the_report_slots(
    gd: Guangdong, django_capture_on_commit_callbacks
) -> None:
    spec = [
        (
            "1",
            "按时报送率",
            {
                "rule": Rule.THRESHOLD,
                "source": Source.COMPUTED,
                "metric": Metric.REPORT_TIMELINESS,
                "threshold": D(90),
                "below_score": D(60),
            },
            {"prd": 100, "ewn": 100},
        )
    ]
    scheme = scheme_with(gd, spec)
    shantou = gd.bureau("4405")
    for quarter, timely in enumerate([True, True, True, False]):
        start = dt.date(2025, 1 + 3 * quarter, 1)
        due = start + dt.timedelta(days=100)
        period = ReportingPeriod.objects.create(
            programme=gd.programme,
            name=f"2025年第{quarter + 1}季度",
            starts_on=start,
            ends_on=start + dt.timedelta(days=89),
            opens_on=start,
            due_on=due,
            locks_on=due,
        )
        ReportSlot.objects.create(
            programme=gd.programme,
            period=period,
            institution=shantou,
            region_code="4405",
            zone="ewn",
            kind=shantou.kind,
            received=True,
            timely=timely,
            due_on=due,
        )
    run = run_scoring(gd, scheme, django_capture_on_commit_callbacks)
    score = AssessmentScore.objects.get(result__run=run, result__party=shantou)
    assert (score.raw, score.score) == (D(75), D(60))  # 3 of 4 on time: below the 90 bar
    assert score.trace == {
        "source": "computed",
        "metric": "report_timeliness",
        "due": 4,
        "timely": 3,
    }
    others = AssessmentResult.objects.filter(run=run).exclude(party=shantou)
    assert {r.total for r in others} == {D(0)}  # no reports owed: no data


def test_indicators_are_only_two_levels_deep(gd: Guangdong) -> None:
    scheme = scheme_with(
        gd,
        [
            ("1", "一级", {}, {"prd": 100, "ewn": 100}),
            ("1.1", "二级", MANUAL, {"prd": 100, "ewn": 100}),
        ],
    )
    third = AssessmentIndicator(
        scheme=scheme,
        parent=scheme.indicators.get(code="1.1"),
        code="1.1.1",
        name="三级",
        **MANUAL,
    )
    with pytest.raises(ValidationError, match="只有两级"):
        services.indicator_save(user=gd.officer, indicator=third)


def test_a_stuck_run_does_not_block_the_next(
    gd: Guangdong, django_capture_on_commit_callbacks
) -> None:
    scheme = scheme_with(gd, [("1", "实绩", MANUAL, {"prd": 100, "ewn": 100})])
    stuck = AssessmentRun.objects.create(scheme=scheme, status=RunStatus.RUNNING)
    with pytest.raises(ValidationError, match="正在评分"):
        services.run_start(user=gd.officer, scheme=scheme)
    AssessmentRun.objects.filter(pk=stuck.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=20)
    )
    run_scoring(gd, scheme, django_capture_on_commit_callbacks)
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.FAILED and "15 分钟" in stuck.error


def test_a_party_in_two_columns_is_ranked_in_each(
    gd: Guangdong, django_capture_on_commit_callbacks
) -> None:
    """汕头 also supports 大埔县: a supporting region among three cities, a supported one
    among two."""
    PairingFactory.create(
        programme=gd.programme,
        phase=gd.phase,
        kind=PairingKind.COUNTY_COUNTY,
        supporter=gd.bureau("4405"),
        supported=gd.bureau("441422"),
    )
    ranked = {"rule": Rule.RANKING, "source": Source.IMPORTED, "floor_score": D(60)}
    weights = {"supporting_region": 100, "supporting_university": 100, "supported_region": 100}
    scheme = scheme_with(gd, [("1", "实绩", ranked, weights)], basis=Basis.ROLE)
    enter(scheme, "1", {gd.bureau("4401"): 10, gd.bureau("4403"): 20, gd.bureau("4405"): 30})
    enter(scheme, "1", {gd.bureau("4414"): 40})
    run = run_scoring(gd, scheme, django_capture_on_commit_callbacks)
    shantou = {
        s.result.column: (s.score, s.trace["rank"], s.trace["ranked"])
        for s in AssessmentScore.objects.filter(
            result__run=run, result__party=gd.bureau("4405")
        ).select_related("result")
    }
    assert shantou == {
        "supporting_region": (D(100), 1, 3),
        "supported_region": (D(60), 2, 2),
    }
