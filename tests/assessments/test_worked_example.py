"""The worked example of docs/assessment.md is what the system computes: the document's input
table is entered as imported data, the scheme of its section 11.1 is scored, and its two
result tables must equal, figure by figure, what the run stored. Change the document or the
scoring, and this fails until the two agree again."""

from decimal import Decimal
from pathlib import Path

from assessments import services
from assessments.models import (
    AssessmentEntry,
    AssessmentScore,
    Rule,
    RunStatus,
    Source,
    ValueAdded,
)
from assessments.selectors import group_label
from tests.assessments.conftest import Guangdong, scheme_with

D = Decimal
DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "assessment.md"
INPUTS = "### 11.2 算例输入"
SCORES = "### 11.4 核对表一：各指标得分（Scores）"
TOTALS = "### 11.5 核对表二：总分与名次（Totals and ranks）"
FIELDS = {"数值": "value", "目标值": "target", "上年值": "last_year"}

# Section 11.1 of the document.
SPEC = [
    ("1", "教师队伍建设", {}, {"prd": 40, "ewn": 60}),
    (
        "1.1",
        "骨干教师占教师总数的比例（%）",
        {"rule": Rule.ATTAINMENT, "source": Source.IMPORTED, "target": D(10), "unit": "%"},
        {"prd": 40, "ewn": 50},
    ),
    (
        "1.2",
        "教师人均培训学时增长率（%）",
        {
            "rule": Rule.RANKING,
            "source": Source.IMPORTED,
            "value_added": ValueAdded.GROWTH,
            "floor_score": D(60),
            "unit": "%",
        },
        {"prd": 60, "ewn": 50},
    ),
    (
        "2",
        "新增公办学位完成省下达任务的比例（%）",
        {
            "rule": Rule.THRESHOLD,
            "source": Source.IMPORTED,
            "threshold": D(90),
            "below_score": D(60),
            "unit": "%",
        },
        {"prd": 60, "ewn": 40},
    ),
]


def table(heading: str) -> list[dict[str, str]]:
    """The markdown table under a heading of the document, as rows of cells by column name."""
    lines = DOCUMENT.read_text(encoding="utf-8").splitlines()
    cells: list[list[str]] = []
    for line in lines[lines.index(heading) + 1 :]:
        if line.startswith("|"):
            cells.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif cells:
            break
    header, _rule, *rows = cells
    return [dict(zip(header, row, strict=True)) for row in rows]


def number(cell: str) -> Decimal | None:
    return None if cell == "—" else D(cell)


def test_the_documents_worked_example_is_what_a_run_stores(
    gd: Guangdong, django_capture_on_commit_callbacks
) -> None:
    scheme = scheme_with(gd, SPEC)
    bureaus = {bureau.name: bureau for bureau in gd.bureaus.values()}
    for row in table(INPUTS):
        given: dict[str, dict[str, Decimal | None]] = {}
        for column, cell in row.items():
            if column != "被考核单位":
                code, label = column.split()
                given.setdefault(code, {})[FIELDS[label]] = number(cell)
        for code, fields in given.items():
            if fields["value"] is not None:
                AssessmentEntry.objects.create(
                    indicator=scheme.indicators.get(code=code),
                    party=bureaus[row["被考核单位"]],
                    source=Source.IMPORTED,
                    **fields,
                )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(user=gd.officer, scheme=scheme)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error

    stored = {
        (s.result.party.name, s.indicator.code): (
            s.measure,
            s.target,
            s.score,
            s.weight,
            s.weighted,
            f"{s.trace['rank']} / {s.trace['ranked']}" if "rank" in s.trace else "—",
            s.note,
        )
        for s in AssessmentScore.objects.filter(result__run=run).select_related(
            "result__party", "indicator"
        )
    }
    documented = {
        (row["被考核单位"], row["指标"]): (
            number(row["计分值"]),
            number(row["目标/标准"]),
            number(row["得分"]),
            number(row["权重"]),
            number(row["加权得分"]),
            row["组内名次"],
            row["说明"],
        )
        for row in table(SCORES)
    }
    assert documented == stored

    results = {
        r.party.name: (group_label(r.group), r.total, f"{r.rank} / {r.group_size}")
        for r in run.results.select_related("party")
    }
    documented_totals = {
        row["被考核单位"]: (row["排名组"], number(row["总分"]), row["组内名次"])
        for row in table(TOTALS)
    }
    assert documented_totals == results
