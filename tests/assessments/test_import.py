"""考核数据导入: a province's Excel of assessment data and survey results — applied whole or
not at all, every bad cell named, re-imports previewed as changes, the template, and who may
use it (the province for its own schemes; not another province, not an assessed party)."""

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import (
    AssessmentEntry,
    AssessmentScheme,
    Metric,
    Rule,
    Source,
    SurveyResult,
)
from imports import services
from imports.models import ImportBatch, ImportStatus
from imports.workbook import Problem
from tests.assessments.conftest import Guangdong, scheme_with
from tests.imports.books import upload, xlsx

D = Decimal
SPEC = [
    ("1", "学位供给", {}, {"prd": 50, "ewn": 50}),
    (
        "1.1",
        "新增公办学位完成率",
        {"rule": Rule.ATTAINMENT, "source": Source.IMPORTED},
        {"prd": 50, "ewn": 50},
    ),
    (
        "1.2",
        "出台帮扶方案",
        {"rule": Rule.YES_NO, "source": Source.IMPORTED},
        {"prd": 30, "ewn": 30},
    ),
    (
        "1.3",
        "季度报告按时报送率",
        {"rule": Rule.ATTAINMENT, "source": Source.COMPUTED, "metric": Metric.REPORT_TIMELINESS},
        {"prd": 20, "ewn": 20},
    ),
    ("2", "帮扶实绩", {"rule": Rule.MANUAL, "source": Source.ENTERED}, {"prd": 30, "ewn": 30}),
    ("3", "群众满意度", {"rule": Rule.RANKING, "source": Source.SURVEY}, {"prd": 20, "ewn": 20}),
]
ENTRY_HEADER = ["被考核单位", "指标编号", "数值", "目标值", "上年值", "说明"]
SURVEY_HEADER = ["地区", "有效样本数", "满意度"]
GOOD: dict[str, Sequence[Sequence[Any]]] = {
    "考核数据": [
        ENTRY_HEADER,
        ["广州市教育局", "1.1", 900, 1000, 800, "2025 年统计年报"],
        ["汕头市", "1.2", "是"],
        ["大埔县", "2", 85.5],
    ],
    "满意度调查": [SURVEY_HEADER, ["广州市", 1200, 88.5], ["梅州市", 800, 91]],
}


@pytest.fixture
def scheme(gd: Guangdong) -> AssessmentScheme:
    return scheme_with(gd, SPEC)


def send(gd: Guangdong, scheme: AssessmentScheme, sheets: dict, user: Any = None) -> ImportBatch:
    return services.batch_upload(
        user=user or gd.officer,
        kind="assessment_data",
        params={"scheme": scheme.pk},
        upload=upload(xlsx(sheets)),
    )


def test_a_good_file_is_applied_and_a_second_one_previewed_as_changes(
    gd: Guangdong, scheme: AssessmentScheme
) -> None:
    batch = send(gd, scheme, GOOD)
    assert batch.status == ImportStatus.READY, (batch.error, batch.problems)
    assert batch.counts["new"] == 5 and batch.title.startswith(
        "考核数据和满意度调查 · 广东结对帮扶"
    )
    batch = services.batch_confirm(user=gd.officer, batch=batch)
    assert batch.status == ImportStatus.APPLIED, batch.error

    guangzhou = AssessmentEntry.objects.get(indicator__code="1.1", party=gd.bureau("4401"))
    assert (guangzhou.value, guangzhou.target, guangzhou.last_year) == (D(900), D(1000), D(800))
    assert guangzhou.evidence == "2025 年统计年报" and guangzhou.source == Source.IMPORTED
    assert guangzhou.import_batch == batch and guangzhou.recorded_by == gd.officer
    assert guangzhou.history.count() == 1  # the history keeps every imported value
    assert AssessmentEntry.objects.get(indicator__code="1.2", party=gd.bureau("4405")).value == 1
    assert AssessmentEntry.objects.get(indicator__code="2", party=gd.bureau("441422")).value == D(
        "85.5"
    )
    survey = SurveyResult.objects.get(scheme=scheme, region=gd.regions["4401"])
    assert (survey.respondents, survey.score, survey.import_batch) == (1200, D("88.5"), batch)
    assert SurveyResult.objects.count() == 2

    again = send(
        gd,
        scheme,
        {
            "考核数据": [ENTRY_HEADER, ["广州市", "1.1", 950], ["汕头市教育局", "1.2", 1]],
            "满意度调查": [SURVEY_HEADER, ["梅州市", 800, 93]],
        },
    )
    rows = {(r["sheet"], r["row"]): r for r in again.preview}
    assert rows[("考核数据", 2)]["status"] == "updated"
    assert rows[("考核数据", 2)]["changes"] == [["数值", "900", "950"]]  # a blank target kept
    assert rows[("考核数据", 3)]["status"] == "unchanged"
    assert rows[("满意度调查", 2)]["changes"] == [["满意度", "91", "93"]]


def test_every_bad_cell_is_named_and_nothing_is_saved(
    gd: Guangdong, scheme: AssessmentScheme
) -> None:
    batch = send(
        gd,
        scheme,
        {
            "考核数据": [
                ENTRY_HEADER,
                ["天河区", "1.1", 10],  # good, and not saved either
                ["火星市教育局", "1.1", 10],
                ["广州市", "9.9", 10],
                ["广州市", "1.3", 95],
                ["深圳市", "1.1", "很多"],
                ["汕头市", "2", 120],
                ["梅州市", "1.2", "也许"],
                ["深圳市", "2", "=40+40"],
            ],
            "满意度调查": [SURVEY_HEADER, ["火星市", 100, 90], ["广州市", 0, 101]],
        },
    )
    assert batch.status == ImportStatus.INVALID
    found = {(p["sheet"], p["row"], p["column"]): p["message"] for p in batch.problems}
    expected = {
        ("考核数据", 3, "被考核单位"): "“火星市教育局”不是本方案的被考核单位",
        ("考核数据", 4, "指标编号"): "方案中没有编号为“9.9”的指标",
        ("考核数据", 5, "指标编号"): "由系统自动计算，不能导入",
        ("考核数据", 6, "数值"): "“很多”不是数字",
        ("考核数据", 7, "数值"): "须在 0 到 100 分之间（填的是 120）",
        ("考核数据", 8, "数值"): "“也许”请填写“是”或“否”",
        ("考核数据", 9, "数值"): "是公式“=40+40”",
        ("满意度调查", 2, "地区"): "“火星市”不是本方案被考核单位所在的地区",
        ("满意度调查", 3, "有效样本数"): "不能小于 1",
        ("满意度调查", 3, "满意度"): "满意度须在 0 到 100 之间",
    }
    assert set(found) == set(expected), found
    for place, words in expected.items():
        assert words in found[place], (place, found[place])
    shown = str(Problem(**batch.problems[0]))
    assert shown.startswith("「考核数据」第 3 行「被考核单位」：")
    assert AssessmentEntry.objects.count() == 0 and SurveyResult.objects.count() == 0


def test_the_province_imports_through_the_pages_and_sees_only_its_own_imports(
    client, gd: Guangdong, scheme: AssessmentScheme
) -> None:
    someone_else = ImportBatch.objects.create(
        kind="round_setup", title="别人的导入", name="x.xlsx", size=1, content_type="x"
    )
    new = reverse("imports:new", args=["assessment_data"])
    client.force_login(gd.officer)
    page = client.get(f"{new}?scheme={scheme.pk}")
    assert page.status_code == 200
    assert f'<option value="{scheme.pk}" selected>' in page.content.decode()
    response = client.post(new, {"scheme": scheme.pk, "file": upload(xlsx(GOOD))})
    batch = ImportBatch.objects.get(kind="assessment_data")
    assert response["Location"] == reverse("imports:detail", args=[batch.pk])
    assert "确认导入" in client.get(response["Location"]).content.decode()
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert AssessmentEntry.objects.count() == 3
    listing = client.get(reverse("imports:list")).content.decode()
    assert batch.title in listing and "别人的导入" not in listing
    assert "批量设置" not in listing  # the bulk imports stay the administrators'
    assert client.get(reverse("imports:detail", args=[someone_else.pk])).status_code == 404
    assert client.get(reverse("imports:new", args=["round_setup"])).status_code == 403


@pytest.mark.parametrize("who", ["outsider", "shantou"])
def test_another_province_and_an_assessed_party_cannot(
    client, gd: Guangdong, scheme: AssessmentScheme, who: str
) -> None:
    batch = send(gd, scheme, GOOD)
    user = getattr(gd, who)
    client.force_login(user)
    new = reverse("imports:new", args=["assessment_data"])
    assert client.get(f"{new}?scheme={scheme.pk}").status_code == 403
    assert client.post(new, {"scheme": scheme.pk, "file": upload(xlsx(GOOD))}).status_code == 403
    template = reverse("imports:template", args=["assessment_data"])
    assert client.get(f"{template}?scheme={scheme.pk}").status_code == 403
    assert client.get(reverse("imports:list")).status_code == 403
    assert client.get(reverse("imports:detail", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        send(gd, scheme, GOOD, user=user)
    assert ImportBatch.objects.count() == 1 and AssessmentEntry.objects.count() == 0


def test_the_template_lists_the_scheme_and_imports_back(
    client, gd: Guangdong, scheme: AssessmentScheme
) -> None:
    client.force_login(gd.officer)
    response = client.get(
        reverse("imports:template", args=["assessment_data"]) + f"?scheme={scheme.pk}"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:5] == ["填写说明", "考核数据", "满意度调查", "可导入指标", "被考核单位"]
    codes = [row[0] for row in book["可导入指标"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["1.1", "1.2", "2"]  # not the computed 1.3, the survey 3 or the group 1
    parties = {row[0] for row in book["被考核单位"].iter_rows(min_row=2, values_only=True)}
    assert {"广州市教育局", "大埔县教育局"} <= parties
    book["考核数据"].append(["梅州市教育局", "1.2", "否"])  # under the example row
    data = io.BytesIO()
    book.save(data)
    batch = services.batch_upload(
        user=gd.officer,
        kind="assessment_data",
        params={"scheme": scheme.pk},
        upload=upload(data.getvalue()),
    )
    assert batch.status == ImportStatus.READY, batch.problems
    assert batch.counts["new"] == 1
    assert any("示例" in w["message"] for w in batch.warnings)
