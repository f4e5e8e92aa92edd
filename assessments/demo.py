"""Demo assessment for Guangdong (seed 004 annex 4), run by load_demo after the reports exist.

The seed's table of indicators and weights is an image the seed does not carry, so the
scheme is built from the goals the seed states in words: the teacher workforce (骨干教师按
教师总数 10% 培养; 受援地区教师每人 72 学时面授, annex 2-1), school places (公办学位建设任务,
annex 3), the process of pairing (reports, reviewers' judgement) and the public satisfaction
survey. The zones' weights follow annex 4's emphasis — places weigh most in 珠三角, the
workforce in 粤东粤西粤北 — with figures invented for the demo (marked in the description).
Report timeliness and completeness are computed from the demo's quarterly reports; the
statistics a province holds (backbone teachers, training hours, qualifications, school
places), the survey and the reviewers' scores are generated deterministically.
"""

import hashlib
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from assessments import services
from assessments.models import (
    AssessmentEntry,
    AssessmentIndicator,
    AssessmentScheme,
    Basis,
    Column,
    Metric,
    Rule,
    Source,
    SurveyResult,
    ValueAdded,
)
from assessments.selectors import parties_of
from programmes.models import Phase, Programme

PRD, EWN = Column.PEARL_RIVER_DELTA, Column.EAST_WEST_NORTH
YEAR = 2025  # the last year of the first round

# code, name, parent, rule, source, metric / template code, options, weights {PRD, EWN}
INDICATORS: list[tuple[str, str, str, str, str, str, dict, tuple[int, int]]] = [
    ("1", "教师队伍建设", "", "", "", "", {}, (25, 40)),
    (
        "1.1",
        "骨干教师占教师总数的比例（按 10% 培养）",
        "1",
        Rule.ATTAINMENT,
        Source.IMPORTED,
        "",
        {"target": Decimal(10), "unit": "%"},
        (40, 35),
    ),
    (
        "1.2",
        "教师人均面授培训学时（本轮 72 学时）",
        "1",
        Rule.ATTAINMENT,
        Source.IMPORTED,
        "",
        {"target": Decimal(72), "unit": "学时/人"},
        (30, 35),
    ),
    (
        "1.3",
        "中小学教师学历全员达标",
        "1",
        Rule.YES_NO,
        Source.IMPORTED,
        "",
        {"unit": "是/否"},
        (30, 30),
    ),
    ("2", "公办优质学位供给", "", "", "", "", {}, (40, 25)),
    (
        "2.1",
        "新增公办学位完成省下达任务的比例",
        "2",
        Rule.ATTAINMENT,
        Source.IMPORTED,
        "",
        {"unit": "个"},
        (60, 60),
    ),
    (
        "2.2",
        "新增公办学位数的年度增长（增值评价）",
        "2",
        Rule.RANKING,
        Source.IMPORTED,
        "",
        {"unit": "%", "value_added": ValueAdded.GROWTH, "floor_score": Decimal(60)},
        (40, 40),
    ),
    ("3", "结对帮扶过程评价", "", "", "", "", {}, (20, 20)),
    (
        "3.1",
        "季度报告按时报送率",
        "3",
        Rule.THRESHOLD,
        Source.COMPUTED,
        Metric.REPORT_TIMELINESS,
        {"threshold": Decimal(90), "below_score": Decimal(60), "unit": "%"},
        (40, 40),
    ),
    (
        "3.2",
        "季度报告报送完整率",
        "3",
        Rule.ATTAINMENT,
        Source.COMPUTED,
        Metric.REPORT_COMPLETENESS,
        {"target": Decimal(100), "unit": "%"},
        (30, 30),
    ),
    (
        "3.3",
        "帮扶工作实绩（评审组打分）",
        "3",
        Rule.MANUAL,
        Source.ENTERED,
        "",
        {"unit": "分"},
        (30, 30),
    ),
    (
        "4",
        "公众满意度",
        "",
        Rule.ATTAINMENT,
        Source.SURVEY,
        "",
        {"target": Decimal(90), "unit": "分"},
        (15, 15),
    ),
]


def _draw(*parts: object) -> int:
    """A stable number 0–9999 from the parts (the same demo on every machine)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return int(digest[:8], 16) % 10_000


def build_assessment() -> AssessmentScheme | None:
    programme = Programme.objects.filter(slug="guangdong").first()
    if programme is None or AssessmentScheme.objects.filter(programme=programme).exists():
        return None
    admin = get_user_model().objects.get(username="admin")
    officer = get_user_model().objects.get(username="guangdong_edu")
    scheme = services.scheme_create(
        user=admin,
        programme=programme,
        phase=Phase.objects.get(programme=programme, number=1),
        year=YEAR,
        name=f"{YEAR} 年度推动基础教育高质量发展考核评价（市、县）",
        basis=Basis.ZONE,
        description=(
            "依据附件 4：珠三角地区以加快公办优质学位供给为重点，粤东粤西粤北地区以加强教师"
            "队伍建设为重点；注重增值评价和过程评价，开展公众满意度调查。"
            "（示例：指标与权重由种子文件的文字目标编成，原文权重表为图片，未收录。）"
        ),
    )
    scheme.reviewers.add(officer)
    made: dict[str, AssessmentIndicator] = {}
    weights: dict[tuple[int, str], Decimal] = {}
    for order, (code, name, parent, rule, source, metric, options, (prd, ewn)) in enumerate(
        INDICATORS
    ):
        indicator = AssessmentIndicator(
            scheme=scheme, code=code, name=name, order=order, parent=made.get(parent), rule=rule
        )
        indicator.source, indicator.metric = source, metric
        for option, value in options.items():
            setattr(indicator, option, value)
        made[code] = services.indicator_save(user=admin, indicator=indicator)
        weights[(made[code].pk, PRD)] = Decimal(prd)
        weights[(made[code].pk, EWN)] = Decimal(ewn)
    services.weights_set(user=admin, scheme=scheme, weights=weights)
    _data(scheme, made, officer)
    run = services.run_start(user=admin, scheme=scheme)
    # Scored here, inside load_demo's transaction (the queued task then finds it done).
    services.run_score(run.pk)
    run.refresh_from_db()
    services.run_publish(user=admin, run=run)
    return scheme


def _data(scheme: AssessmentScheme, made: dict[str, AssessmentIndicator], officer: Any) -> None:
    """Imported statistics (school places with the province's task and last year's figure,
    qualifications), survey results per region, and the reviewers' scores with evidence."""
    entries = []
    regions = {}
    for party in parties_of(scheme):
        unit = party.institution
        regions[unit.region_id] = party
        scale = 4000 if party.level == "prefecture" else 600
        task = Decimal(scale + _draw(unit.pk, "task") % scale)
        done = (task * Decimal(70 + _draw(unit.pk, "done") % 45) / 100).quantize(Decimal(1))
        before = (done * Decimal(80 + _draw(unit.pk, "before") % 40) / 100).quantize(Decimal(1))
        entries += [
            AssessmentEntry(
                indicator=made["1.1"],
                party=unit,
                value=Decimal(600 + _draw(unit.pk, "backbone") % 700) / 100,
                source=Source.IMPORTED,
                evidence="全国教师管理信息系统骨干教师统计（示例）",
            ),
            AssessmentEntry(
                indicator=made["1.2"],
                party=unit,
                value=Decimal(45 + _draw(unit.pk, "hours") % 35),
                source=Source.IMPORTED,
                evidence="省级培训项目质量监测平台学时统计（示例）",
            ),
            AssessmentEntry(
                indicator=made["2.1"],
                party=unit,
                value=done,
                target=task,
                source=Source.IMPORTED,
                evidence="省教育厅学位建设统计（示例）",
            ),
            AssessmentEntry(
                indicator=made["2.2"],
                party=unit,
                value=done,
                last_year=before,
                source=Source.IMPORTED,
                evidence="省教育厅学位建设统计（示例）",
            ),
            AssessmentEntry(
                indicator=made["1.3"],
                party=unit,
                value=Decimal(int(_draw(unit.pk, "degree") % 5 != 0)),
                source=Source.IMPORTED,
                evidence="全国教师管理信息系统学历统计（示例）",
            ),
            AssessmentEntry(
                indicator=made["3.3"],
                party=unit,
                value=Decimal(70 + _draw(unit.pk, "review") % 28),
                source=Source.ENTERED,
                evidence="省级评审组审阅年度帮扶工作总结并实地抽查（示例）",
                recorded_by=officer,
            ),
        ]
    AssessmentEntry.objects.bulk_create(entries)
    SurveyResult.objects.bulk_create(
        SurveyResult(
            scheme=scheme,
            region_id=region,
            respondents=300 + _draw(region, "n") % 900,
            score=Decimal(7800 + _draw(region, "s") % 1900) / 100,
        )
        for region in regions
    )
