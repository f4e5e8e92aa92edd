"""Odd but real spreadsheets: over-long text, absent optional columns, error cells, formulas
that return "", numbers in date columns, pathological merges."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from imports import services
from imports.models import ImportStatus
from imports.workbook import TableError, Workbook, parse_date
from pairings.models import Pairing
from schools.models import Contact, Institution
from tests.imports.books import edit_sheet_xml, upload, xlsx

PAIRING_HEADER = ["结对类型", "支援方", "受援方", "备注"]


def _import(world, data, **params):
    return services.batch_upload(
        user=world.users["admin"],
        kind="round_setup",
        params={"programme": world.programme.pk, "phase": world.phase.pk, **params},
        upload=upload(data),
    )


def test_text_longer_than_the_database_holds_is_an_error_at_its_cell(world):
    data = xlsx(
        {
            "单位": [
                ["单位名称", "单位类型", "省份", "地址"],
                ["嘉应学院", "师范学院（本科）", "广东省", "梅州" * 200],
            ],
            "结对": [
                PAIRING_HEADER,
                ["高校结对帮扶薄弱院校", "华南师范大学", "嘉应学院", "备" * 300],
            ],
        }
    )
    batch = _import(world, data)
    assert batch.status == ImportStatus.INVALID
    assert {(p["sheet"], p["row"], p["column"], p["message"]) for p in batch.problems} == {
        ("单位", 2, "地址", "超过 255 个字符。"),
        ("结对", 2, "备注", "超过 255 个字符。"),
    }


def test_absent_optional_columns_keep_what_is_stored(world):
    """A list without 组团, 地市 and 县区 columns does not clear the consortium or move the
    college up to its province."""
    Contact.objects.create(institution=world.jiaying, name="李老师", phone="0753-1111111")
    data = xlsx(
        {
            "单位": [["单位名称", "单位类型", "省份"], ["嘉应学院", "师范学院（本科）", "广东省"]],
            "结对": [
                PAIRING_HEADER,
                ["高校结对帮扶薄弱院校", "华南师范大学", "嘉应学院", "第一批"],
            ],
        }
    )
    batch = _import(world, data)
    assert batch.status == ImportStatus.READY, batch.problems
    changes = {row["label"]: row["changes"] for row in batch.preview}
    assert changes["嘉应学院"] == []
    assert changes["华南师范大学 → 嘉应学院"] == [["备注", "—", "第一批"]]
    services.batch_confirm(user=world.users["admin"], batch=batch)
    pairing = Pairing.objects.get(supported=world.jiaying, phase=world.phase)
    assert pairing.consortium == world.other_consortium
    world.jiaying.refresh_from_db()
    assert world.jiaying.region.name == "梅州市"


def test_a_contact_change_under_another_spelling_of_the_name_shows_in_the_preview(world):
    Institution.objects.filter(pk=world.jiaying.pk).update(name="嘉应学院（梅州）")
    data = xlsx(
        {
            "单位": [
                ["单位名称", "单位类型", "省份", "地市", "联系人", "联系电话"],
                ["嘉应学院(梅州)", "师范学院", "广东省", "梅州市", "王老师", "0753-2222222"],
            ]
        }
    )
    batch = _import(world, data)
    assert batch.preview[0]["status"] == "updated"
    assert batch.preview[0]["changes"] == [["联系人", "—", "王老师 0753-2222222"]]


def test_error_cells_are_reported_not_read_as_text(world):
    data = xlsx({"结对": [PAIRING_HEADER, ["高校结对帮扶薄弱院校", "华南师范大学", "#N/A", ""]]})
    batch = _import(world, data)
    assert batch.status == ImportStatus.INVALID
    assert batch.problems[0]["column"] == "受援方"
    assert batch.problems[0]["message"].startswith("单元格显示错误值“#N/A”")


def test_a_formula_whose_result_is_empty_text_is_empty():
    """Excel saves =IF(A2="","",…) as a string result with an empty value."""
    data = xlsx(
        {"结对": [PAIRING_HEADER, ["高校结对帮扶薄弱院校", "华南师范大学", "嘉应学院", ""]]}
    )
    data = edit_sheet_xml(
        data,
        lambda content: content.replace(
            b"</row></sheetData>",
            b'<c r="D2" t="str"><f>IF(A2="","","x")</f><v></v></c></row></sheetData>',
        ),
    )
    with Workbook(io.BytesIO(data), name="表.xlsx") as book:
        from imports.importers.round_setup_sheets import PAIRING_COLUMNS

        table = book.first_sheet().table(PAIRING_COLUMNS)
    assert table.rows[0].values["note"] == ""
    assert table.rows[0].formulas == {}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2026, None),  # a year alone is not a date
        (20260101, dt.date(2026, 1, 1)),
        (46023, dt.date(2026, 1, 1)),  # an Excel serial in a plain cell
        ("2026.1.1", dt.date(2026, 1, 1)),
    ],
)
def test_numbers_in_date_columns(value, expected):
    parsed, problem = parse_date(value)
    assert parsed == expected
    assert bool(problem) == (expected is None)


def test_too_many_merged_cells_are_refused():
    merges = "".join(f'<mergeCell ref="{col}3:{col}49000"/>' for col in "ABCDEFGHIJKLMNOP")
    data = edit_sheet_xml(
        xlsx({"结对": [PAIRING_HEADER]}),
        lambda content: content.replace(
            b"</sheetData>",
            b'</sheetData><mergeCells count="16">' + merges.encode() + b"</mergeCells>",
        ),
    )
    with Workbook(io.BytesIO(data), name="表.xlsx") as book:
        from imports.importers.round_setup_sheets import PAIRING_COLUMNS

        with pytest.raises(TableError, match="合并的单元格过多"):
            book.first_sheet().table(PAIRING_COLUMNS)


def test_dates_of_a_workbook_in_the_1904_date_system():
    """Older Mac Excel counts days from 1904: the same date has a serial 1,462 smaller."""
    book = OpenpyxlWorkbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "结对"
    sheet.append(["结对类型", "支援方", "受援方", "开始日期"])
    sheet.append(["高校结对帮扶薄弱院校", "华南师范大学", "嘉应学院", dt.date(2026, 3, 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    assert b'date1904="1"' in zipfile.ZipFile(buffer).read("xl/workbook.xml")
    with Workbook(io.BytesIO(buffer.getvalue()), name="表.xlsx") as opened:
        from imports.importers.round_setup_sheets import PAIRING_COLUMNS

        table = opened.first_sheet().table(PAIRING_COLUMNS)
    assert parse_date(table.rows[0].values["starts_on"]) == (dt.date(2026, 3, 1), "")
