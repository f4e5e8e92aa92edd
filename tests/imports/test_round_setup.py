"""批量设置: regions, institutions and pairings as flat sheets — preview, apply, round trip."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from imports import services
from imports.importers.round_setup import round_setup_workbook
from imports.models import ImportBatch, ImportStatus
from pairings.choices import PairingKind
from pairings.models import Pairing
from programmes.models import Phase, PhaseKind, Programme, ProgrammeLevel
from schools.models import Contact, Institution, Region
from tests.imports.books import upload, xlsx

INSTITUTION_HEADER = ["单位名称", "单位类型", "省份", "地市", "县区", "联系人", "联系电话"]
PAIRING_HEADER = ["结对类型", "支援方", "受援方", "开始日期", "结束日期", "备注"]


@pytest.fixture
def guangdong(world) -> Programme:
    programme = Programme.objects.create(
        name="广东省推动基础教育高质量发展行动方案",
        short_name="广东强师",
        slug="guangdong",
        level=ProgrammeLevel.PROVINCIAL,
        issuing_authority="广东省人民政府办公厅",
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2035, 12, 31),
        region=world.regions["44"],
    )
    for number, (start, end) in enumerate([(2021, 2025), (2026, 2030), (2031, 2035)], start=1):
        Phase.objects.create(
            programme=programme,
            kind=PhaseKind.ROUND,
            number=number,
            name=f"第{'一二三'[number - 1]}轮",
            starts_on=dt.date(start, 1, 1),
            ends_on=dt.date(end, 12, 31),
        )
    return programme


def _import(world, programme, data, *, phase=None, name="批量设置.xlsx") -> ImportBatch:
    return services.batch_upload(
        user=world.users["admin"],
        kind="round_setup",
        params={"programme": programme.pk, "phase": phase.pk if phase else None},
        upload=upload(data, name),
    )


def _valid_book() -> bytes:
    return xlsx(
        {
            "单位": [
                INSTITUTION_HEADER,
                [
                    "广州市天河区第一中学",
                    "初级中学",
                    "广东省",
                    "广州市",
                    "天河区",
                    "陈老师",
                    "020-38888888",
                ],
                ["大埔县实验中学", "初级中学", "广东省", "梅州市", "大埔县", "李老师", 13800138000],
            ],
            "结对": [
                PAIRING_HEADER,
                [
                    "中小学之间结对",
                    "广州市天河区第一中学",
                    "大埔县实验中学",
                    "2026-01-01",
                    None,
                    "种子学校",
                ],
            ],
        }
    )


def test_preview_then_apply_creates_institutions_contacts_and_pairings(world, guangdong):
    round2 = guangdong.phases.get(number=2)
    before = Institution.objects.count()
    batch = _import(world, guangdong, _valid_book(), phase=round2)

    assert batch.status == ImportStatus.READY, batch.problems
    assert batch.counts["new"] == 3 and batch.counts["error"] == 0
    assert Institution.objects.count() == before  # a preview writes nothing
    labels = [row["label"] for row in batch.preview]
    assert "广州市天河区第一中学 → 大埔县实验中学" in labels

    batch = services.batch_confirm(user=world.users["admin"], batch=batch)

    assert batch.status == ImportStatus.APPLIED
    assert batch.applied_counts == {"new": 3, "updated": 0}
    school = Institution.objects.get(name="大埔县实验中学")
    assert school.region.name == "大埔县"
    assert Contact.objects.get(institution=school).phone == "13800138000"
    pairing = Pairing.objects.get(programme=guangdong, supported=school)
    assert pairing.phase == round2
    assert pairing.kind == PairingKind.SCHOOL_SCHOOL
    assert pairing.starts_on == dt.date(2026, 1, 1)
    assert pairing.ends_on == dt.date(2030, 12, 31)  # the round's end when left blank
    assert pairing.note == "种子学校"


def test_the_same_file_again_is_unchanged_and_a_change_shows_its_difference(world, guangdong):
    round2 = guangdong.phases.get(number=2)
    services.batch_confirm(
        user=world.users["admin"], batch=_import(world, guangdong, _valid_book(), phase=round2)
    )

    again = _import(world, guangdong, _valid_book(), phase=round2)
    assert again.counts["unchanged"] == 3 and again.counts["new"] == 0

    changed = xlsx(
        {
            "结对": [
                PAIRING_HEADER,
                [
                    "中小学之间结对",
                    "广州市天河区第一中学",
                    "大埔县实验中学",
                    "2026-01-01",
                    None,
                    "集团化办学",
                ],
            ]
        }
    )
    batch = _import(world, guangdong, changed, phase=round2)
    assert batch.counts["updated"] == 1
    assert batch.preview[0]["changes"] == [["备注", "种子学校", "集团化办学"]]
    services.batch_confirm(user=world.users["admin"], batch=batch)
    assert Pairing.objects.get(programme=guangdong, phase=round2).note == "集团化办学"
    assert Pairing.objects.filter(programme=guangdong).count() == 1  # updated, not duplicated


def test_every_error_is_named_by_sheet_row_and_column_and_nothing_is_saved(world, guangdong):
    book = xlsx(
        {
            "单位": [
                INSTITUTION_HEADER,
                ["梅县区实验小学", "小学", "广东省", "梅洲市", "梅县区", "", ""],
                ["梅县区第二小学", "小学", "广东", "梅州", "梅县区", "王老师", "12-34"],
            ],
            "结对": [
                PAIRING_HEADER,
                ["中小学之间结对", "华南师范大学", "梅县区第二小学", "2026-13-01", None, ""],
                ["市与市结对", "广州市天河区第九中学", "梅县区第二小学", None, None, ""],
                ["中小学之间结对", "梅县区第二小学", "安徽师范大学", None, None, ""],
                ["高校帮扶", "华南师范大学", "嘉应学院", None, None, ""],
            ],
        }
    )
    counts = (Institution.objects.count(), Pairing.objects.count(), Contact.objects.count())
    batch = _import(world, guangdong, book)

    assert batch.status == ImportStatus.INVALID
    messages = [
        f"「{p['sheet']}」第 {p['row']} 行「{p['column']}」：{p['message']}" for p in batch.problems
    ]
    assert "「单位」第 2 行「地市」：广东省找不到地市“梅洲市”，是否指「梅州市」？" in messages
    assert "「单位」第 3 行「联系电话」：“12-34”不像电话号码（至少 7 位数字）。" in messages
    assert any(
        m.startswith("「结对」第 2 行「支援方」：该结对类型的支援方须为中小学校或幼儿园")
        for m in messages
    )
    assert (
        "「结对」第 2 行「开始日期」：无法识别日期“2026-13-01”，请写成 2021-09-01 的形式。"
        in messages
    )
    assert any(
        m.startswith("「结对」第 3 行「支援方」：找不到单位“广州市天河区第九中学”")
        for m in messages
    )
    assert "「结对」第 4 行「受援方」：受援方“安徽师范大学”不在计划实施地区“广东省”内。" in messages
    assert any(
        m.startswith("「结对」第 5 行「结对类型」：结对类型“高校帮扶”不在可选范围内")
        for m in messages
    )
    with pytest.raises(Exception, match="当前不能导入"):
        services.batch_confirm(user=world.users["admin"], batch=batch)
    assert counts == (Institution.objects.count(), Pairing.objects.count(), Contact.objects.count())


def test_mess_is_read_as_meant(world, guangdong):
    """Full-width text, stray spaces, reordered and renamed columns, an extra column, blank
    rows, a date as an Excel serial and as Chinese text, a phone typed as a number."""
    book = xlsx(
        {
            "结对名单": [
                ["广东省全口径结对名单（第二轮）"],
                [],
                ["备注", "受援单位", "支援单位", "类型", "起始日期", "内部编号"],
                ["  ", None, None, None, None, None],
                [
                    "第一批 ",
                    " 嘉应学院 ",
                    "华南师范大学　",
                    "高校结对帮扶薄弱院校",
                    46023,
                    "Ａ－０１",
                ],
                [None, None, None, None, None, None],
                [None, "嘉应学院", "广州大学", "高校结对帮扶薄弱院校", "2026年3月1日", "A-02"],
            ]
        }
    )
    batch = _import(world, guangdong, book, phase=guangdong.phases.get(number=2), name="名单.xlsx")

    assert batch.status == ImportStatus.READY, batch.problems
    assert batch.counts["new"] == 2
    assert [row["row"] for row in batch.preview] == [5, 7]
    services.batch_confirm(user=world.users["admin"], batch=batch)
    pairings = Pairing.objects.filter(programme=guangdong).order_by("starts_on")
    assert [(p.supporter.name, p.starts_on) for p in pairings] == [
        ("华南师范大学", dt.date(2026, 1, 1)),
        ("广州大学", dt.date(2026, 3, 1)),
    ]
    assert pairings[0].note == "第一批"


def test_regions_sheet_sets_flags_and_adds_a_town(world, guangdong):
    book = xlsx(
        {
            "地区": [
                ["区划代码", "地区名称", "层级", "上级地区", "脱贫县", "考核区域"],
                ["441422", "大埔县", None, None, "是", None],
                ["4401", "广州市", None, None, None, "珠三角"],
                ["440118", "增城区", "县级（县、市、区、镇街）", "广州市", None, None],
            ]
        }
    )
    batch = _import(world, guangdong, book)
    assert batch.status == ImportStatus.READY, batch.problems
    assert (batch.counts["new"], batch.counts["updated"]) == (1, 2), batch.preview
    services.batch_confirm(user=world.users["admin"], batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED, (batch.error, batch.problems)
    assert Region.objects.get(code="441422").is_poverty_alleviated_county
    assert Region.objects.get(code="4401").zone == "prd"
    added = Region.objects.select_related("parent").get(code="440118")
    assert added.parent is not None and added.parent.name == "广州市"


def test_a_region_under_the_wrong_level_is_refused_at_its_row(world, guangdong):
    book = xlsx(
        {
            "地区": [
                ["区划代码", "地区名称", "层级", "上级地区"],
                ["441403101", "程江镇", "县级", "梅县区"],
            ]
        }
    )
    batch = _import(world, guangdong, book)
    assert batch.status == ImportStatus.INVALID
    assert batch.problems == [
        {
            "sheet": "地区",
            "row": 2,
            "column": "上级地区",
            "message": "“程江镇”的上级必须是地级（地、市、州、盟）地区。",
        }
    ]
    assert not Region.objects.filter(code="441403101").exists()


def test_export_imports_back_unchanged(world, guangdong):
    round2 = guangdong.phases.get(number=2)
    services.batch_confirm(
        user=world.users["admin"], batch=_import(world, guangdong, _valid_book(), phase=round2)
    )
    exported = round_setup_workbook(programme=guangdong, phase=round2, example=False)
    book = load_workbook(io.BytesIO(exported), read_only=True)
    assert {"填写说明", "地区", "单位", "结对"} <= set(book.sheetnames)

    batch = _import(world, guangdong, exported, phase=round2, name="导出.xlsx")
    assert batch.status == ImportStatus.READY, batch.problems
    assert batch.counts["new"] == 0 and batch.counts["updated"] == 0
    assert batch.counts["unchanged"] > 3


def test_template_has_dropdowns_and_its_example_rows_are_skipped(world, guangdong):
    from imports.importers.round_setup import RoundSetupImporter

    template = RoundSetupImporter({}, user=world.users["admin"]).template()
    book = load_workbook(io.BytesIO(template))
    pairings = book["结对"]
    validations = {str(v.sqref): v.formula1 for v in pairings.data_validations.dataValidation}
    assert any(ref.startswith("A2") for ref in validations)  # 结对类型 is a dropdown
    assert book["选项"].sheet_state == "hidden"
    assert book.sheetnames == ["填写说明", "地区", "单位", "结对", "选项"]

    batch = _import(world, guangdong, template, name="模板.xlsx")
    # Only the example rows: nothing to import, and the person is told so.
    assert batch.status == ImportStatus.INVALID
    assert batch.error == "文件中没有找到可导入的数据行。"
    assert any(w["message"] == "这一行是模板中的示例，已跳过。" for w in batch.warnings)


def test_data_changed_after_the_preview_stops_the_import(world, guangdong):
    round2 = guangdong.phases.get(number=2)
    services.batch_confirm(
        user=world.users["admin"], batch=_import(world, guangdong, _valid_book(), phase=round2)
    )
    changed = xlsx(
        {
            "结对": [
                PAIRING_HEADER,
                ["中小学之间结对", "广州市天河区第一中学", "大埔县实验中学", None, None, "新备注"],
            ]
        }
    )
    batch = _import(world, guangdong, changed, phase=round2)
    assert batch.counts["updated"] == 1
    # Someone edits the same pairing before the import is confirmed: same counts, different
    # outcome (the preview said 种子学校 → 新备注).
    Pairing.objects.filter(programme=guangdong).update(note="另一人修改")

    batch = services.batch_confirm(user=world.users["admin"], batch=batch)

    assert batch.status == ImportStatus.FAILED
    assert batch.error.startswith("预览之后，系统中的相关数据已被修改")
    assert Pairing.objects.get(programme=guangdong).note == "另一人修改"


def test_round_export_is_an_output_job_for_importers_only(world, guangdong):
    from outputs import services as outputs
    from outputs.exporters import exporter_for

    round2 = guangdong.phases.get(number=2)
    services.batch_confirm(
        user=world.users["admin"], batch=_import(world, guangdong, _valid_book(), phase=round2)
    )
    params = {"programme": guangdong.pk, "phase": round2.pk}
    for username in ("bnu_coordinator", "guangdong_edu", "fynu_contact"):
        assert not exporter_for("round_setup_xlsx").allowed(world.users[username], params)

    job = outputs.job_request(user=world.users["admin"], kind="round_setup_xlsx", params=params)
    done = outputs.job_run(job.pk)
    assert done is not None

    assert done.filename == "广东强师·第二轮本轮设置.xlsx"
    batch = _import(world, guangdong, done.file.open("rb").read(), phase=round2)
    assert batch.counts["unchanged"] >= 3 and batch.counts["new"] == batch.counts["updated"] == 0
