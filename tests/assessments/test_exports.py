"""The two outputs of a scoring run: the workbook's figures agree with the stored results and
keep formula-looking text as text, the PDF report reads back, and only the province's
managers have either."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from assessments import services
from assessments.models import AssessmentEntry, AssessmentResult, AssessmentRun, Rule, Source
from assessments.selectors import parties_of
from outputs import services as outputs
from outputs.exporters.assessment import (
    AssessmentReportExporter,
    AssessmentResultsExporter,
    RunForm,
)
from outputs.models import OutputJob
from tests.assessments.conftest import Guangdong, scheme_with
from tests.pdf import pdf_text

D = Decimal
IMPORTED = {"rule": Rule.MANUAL, "source": Source.IMPORTED}


def _no_progress(done: int, total: int, stage: str) -> None:
    pass


@pytest.fixture
def run(gd: Guangdong, django_capture_on_commit_callbacks) -> AssessmentRun:
    """A finished run of two first-level indicators (the first with two children) over the
    six bureaus; 汕头's name and one piece of evidence look like Excel formulas."""
    scheme = scheme_with(
        gd,
        [
            ("1", "教师队伍建设", {}, {"prd": 60, "ewn": 40}),
            (
                "1.1",
                "骨干教师比例",
                {"rule": Rule.ATTAINMENT, "source": Source.IMPORTED, "target": D(10)},
                {"prd": 50, "ewn": 50},
            ),
            ("1.2", "培训质量", IMPORTED, {"prd": 50, "ewn": 50}),
            ("2", "群众满意度", IMPORTED, {"prd": 40, "ewn": 60}),
        ],
    )
    gd.bureau("4405").name = "=汕头市教育局"
    gd.bureau("4405").save()
    indicators = {i.code: i for i in scheme.indicators.all()}
    for n, party in enumerate(parties_of(scheme)):
        for code, value in (("1.1", 5 + n), ("1.2", 70 + n), ("2", 90 - n)):
            AssessmentEntry.objects.create(
                indicator=indicators[code],
                party=party.institution,
                value=D(value),
                source=Source.IMPORTED,
                evidence="=1+1 见佐证材料" if code == "2" else "统计年报",
            )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(user=gd.officer, scheme=scheme)
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run


def test_workbook_agrees_with_the_results(
    gd: Guangdong, run: AssessmentRun, django_assert_num_queries
) -> None:
    # The run; indicators and their weights; scores; results; first-level means (indicators,
    # scores); totals by group — whatever the number of parties and indicators.
    with django_assert_num_queries(8):
        output = AssessmentResultsExporter({"run": run.pk}, user=gd.officer).run(_no_progress)
    assert output.filename == "2025 年度考核-第1版-考核结果.xlsx"
    book = load_workbook(io.BytesIO(output.data))
    assert book.sheetnames == ["总表", "指标得分明细", "区域比较", "指标与权重"]

    totals = book["总表"]
    assert totals.freeze_panes == "C2"
    rows = {row[1].value: row for row in totals.iter_rows(min_row=2)}
    assert len(rows) == 6
    guangzhou = AssessmentResult.objects.get(run=run, party=gd.bureau("4401"))
    row = rows["广州市教育局"]
    assert row[0].value == guangzhou.rank
    assert D(str(row[4].value)) == guangzhou.total and row[4].number_format == "0.00"
    assert row[3].value == "珠三角地区 · 地级市"
    shantou = rows["=汕头市教育局"][1]
    assert shantou.data_type == "s" and shantou.quotePrefix

    details = book["指标得分明细"]
    assert details.max_row == 1 + 6 * 4  # every party × (two first-level + two second-level)
    described = [c.value for c in details["M"] if "佐证：=1+1" in str(c.value)]
    assert len(described) == 6 and described[0].startswith("Excel 导入")

    comparison = book["区域比较"]
    groups = [c.value for c in comparison["A"][1:] if c.value][:4]
    assert sorted(groups) == sorted(
        [
            "珠三角地区 · 地级市",
            "珠三角地区 · 县（市、区）",
            "粤东粤西粤北地区 · 地级市",
            "粤东粤西粤北地区 · 县（市、区）",
        ]
    )
    assert comparison.cell(row=6, column=1).value is None  # one row per group, then the means

    scheme = book["指标与权重"]
    assert [c.value for c in scheme[1]][-2:] == ["权重 · 珠三角地区", "权重 · 粤东粤西粤北地区"]
    assert [c.value for c in scheme["A"][1:]] == ["1", "1.1", "1.2", "2"]


def test_pdf_report(gd: Guangdong, run: AssessmentRun, tmp_path) -> None:
    output = AssessmentReportExporter({"run": run.pk}, user=gd.officer).run(_no_progress)
    assert output.data.startswith(b"%PDF-") and output.content_type == "application/pdf"
    text = pdf_text(output.data, tmp_path)
    meizhou = AssessmentResult.objects.get(run=run, party=gd.bureau("4414"))
    assert "梅州市教育局" in text and str(meizhou.total) in text
    assert "未发布" in text and "区域比较" in text and "群众满意度" in text


def test_only_the_province_has_the_exports(gd: Guangdong, run: AssessmentRun) -> None:
    params = {"run": run.pk}
    services.run_publish(user=gd.officer, run=run)
    for exporter in (AssessmentResultsExporter, AssessmentReportExporter):
        assert exporter.allowed(gd.officer, params)
        assert not exporter.allowed(gd.outsider, params)
        assert not exporter.allowed(gd.shantou, params)  # assessed, even once published
        assert not exporter.allowed(gd.officer, {"run": "x"})
    assert list(RunForm(user=gd.officer).fields["run"].queryset) == [run]  # type: ignore[attr-defined]
    assert not RunForm(user=gd.outsider).fields["run"].queryset.exists()  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied):
        outputs.job_request(user=gd.outsider, kind="assessment_report", params=params)


def test_requested_through_the_outputs_page(client, gd: Guangdong, run: AssessmentRun) -> None:
    url = reverse("outputs:new", args=["assessment_results"])
    client.force_login(gd.outsider)
    response = client.post(url, {"run": run.pk})
    assert response.status_code == 200 and "run" in response.context["form"].errors
    client.force_login(gd.officer)
    response = client.post(url, {"run": run.pk})
    job = OutputJob.objects.get()
    assert response.status_code == 302
    assert job.title == "考核结果 · 2025 年度考核 · 第 1 版" and job.requested_by == gd.officer
