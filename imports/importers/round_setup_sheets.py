"""The three flat sheets of 批量设置 (地区 / 单位 / 结对): their columns, shared by the importer
(imports/importers/round_setup.py), its template and the round's export, which writes a round
in the same format (`round_setup_workbook`) so it can be edited and imported back."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from imports.workbook import Column, text_key
from imports.xlsx import SheetSpec, build_workbook
from pairings.choices import PairingKind, PairingStatus
from pairings.models import Pairing
from programmes.models import Phase, Programme
from schools.models import Contact, Institution, InstitutionKind, Region, RegionLevel, Zone

YES, NO = _l("是"), _l("否")


def choice_labels(choices: Any) -> tuple[str, ...]:
    return tuple(str(label) for _value, label in choices if _value)


def choice_lookup(choices: Any) -> dict[str, str]:
    """label or value (text_key) → value, so “师范学院（本科）”, “师范学院” and
    “normal_college” all mean the same choice."""
    found: dict[str, str] = {}
    for value, label in choices:
        if not value:
            continue
        found[text_key(value)] = value
        found[text_key(label)] = value
        short = str(label).split("（")[0].split("(")[0]
        found.setdefault(text_key(short), value)
    return found


REGION_COLUMNS = [
    Column(
        "code",
        _l("区划代码"),
        ("代码", "行政区划代码"),
        help=_l("GB/T 2260 代码；已有地区按代码匹配，新增地区必填。"),
        example="441900101",
        width=14,
    ),
    Column("name", _l("地区名称"), ("名称", "地区"), required=True, example="东城街道", width=18),
    Column("short_name", _l("简称"), help=_l("表格中常用的简称，如“阿坝州”。"), width=12),
    Column(
        "level",
        _l("层级"),
        choices=choice_labels(RegionLevel.choices),
        help=_l("省级、地级或县级。"),
        example=str(RegionLevel.COUNTY.label),
        width=20,
    ),
    Column(
        "parent",
        _l("上级地区"),
        ("上级",),
        help=_l("上级地区的名称或区划代码。"),
        example="东莞市",
        width=16,
    ),
    Column(
        "key_rural",
        _l("国家乡村振兴重点帮扶县"),
        ("乡村振兴重点帮扶县", "重点帮扶县"),
        choices=(str(YES), str(NO)),
        example=str(NO),
        width=12,
    ),
    Column("poverty", _l("脱贫县"), choices=(str(YES), str(NO)), example=str(NO), width=10),
    Column(
        "border",
        _l("陆地边境县"),
        ("边境县",),
        choices=(str(YES), str(NO)),
        example=str(NO),
        width=10,
    ),
    Column(
        "zone",
        _l("考核区域"),
        choices=choice_labels(Zone.choices),
        example=str(Zone.PEARL_RIVER_DELTA.label),
        width=14,
    ),
]

INSTITUTION_COLUMNS = [
    Column(
        "name",
        _l("单位名称"),
        ("名称", "学校名称", "单位", "学校"),
        required=True,
        help=_l("全称；已有单位按名称匹配。"),
        example="东莞市东城第一中学",
        width=30,
    ),
    Column("short_name", _l("简称"), width=14),
    Column(
        "kind",
        _l("单位类型"),
        ("类型", "类别"),
        required=True,
        choices=choice_labels(InstitutionKind.choices),
        example=str(InstitutionKind.MIDDLE_SCHOOL.label),
        width=22,
    ),
    Column("province", _l("省份"), ("所在省", "省"), required=True, example="广东省", width=12),
    Column(
        "prefecture",
        _l("地市"),
        ("所在地市", "市", "地、市、州、盟", "地市州盟"),
        example="东莞市",
        width=14,
    ),
    Column(
        "county",
        _l("县区"),
        ("所在县区", "县", "县（市、区）", "区县"),
        help=_l("县、市辖区、县级市或镇街。"),
        example="东城街道",
        width=14,
    ),
    Column("cluster", _l("片区"), ("学区",), width=12),
    Column("address", _l("地址"), width=30),
    Column("website", _l("网址"), width=24),
    Column("contact", _l("联系人"), example="张老师", width=10),
    Column(
        "phone", _l("联系电话"), ("联系方式", "电话", "手机"), example="0769-22000000", width=16
    ),
    Column("email", _l("电子邮箱"), ("邮箱", "email"), width=22),
]

PAIRING_COLUMNS = [
    Column(
        "kind",
        _l("结对类型"),
        ("类型",),
        required=True,
        choices=choice_labels(PairingKind.choices),
        example=str(PairingKind.SCHOOL_SCHOOL.label),
        width=26,
    ),
    Column(
        "supporter",
        _l("支援方"),
        ("支援单位", "帮扶方", "帮扶单位"),
        required=True,
        help=_l("单位全称或简称；可以是本文件「单位」表中新增的单位。"),
        example="东莞市东城第一中学",
        width=30,
    ),
    Column(
        "supported",
        _l("受援方"),
        ("受援单位", "受帮扶方", "被帮扶单位"),
        required=True,
        example="梅州市大埔县实验中学",
        width=30,
    ),
    Column(
        "phase",
        _l("轮次"),
        ("阶段", "阶段/轮次"),
        help=_l("轮次序号或名称；留空则为导入时所选轮次。"),
        width=10,
    ),
    Column("consortium", _l("组团"), help=_l("组团计划填写组团名称。"), width=20),
    Column(
        "starts_on",
        _l("开始日期"),
        ("起始日期",),
        help=_l("留空则为轮次的开始日期。"),
        example="2026-01-01",
        width=12,
    ),
    Column("ends_on", _l("结束日期"), ("截止日期",), example="2030-12-31", width=12),
    Column(
        "status",
        _l("状态"),
        choices=choice_labels(PairingStatus.choices),
        example=str(PairingStatus.ACTIVE.label),
        width=10,
    ),
    Column("note", _l("备注"), width=24),
]

REGIONS_SHEET, INSTITUTIONS_SHEET, PAIRINGS_SHEET = _l("地区"), _l("单位"), _l("结对")
SHEET_ALIASES = {
    "regions": (str(REGIONS_SHEET), "地区", "行政区划"),
    "institutions": (str(INSTITUTIONS_SHEET), "单位", "学校", "院校", "单位名单"),
    "pairings": (str(PAIRINGS_SHEET), "结对", "结对关系", "结对名单", "结对帮扶关系表"),
}


def round_setup_workbook(
    *, programme: Programme | None, phase: Phase | None, example: bool
) -> bytes:
    """The template (example=True: an example row, no data; dropdowns fitted to the
    programme when given) or a round's export: the same three sheets."""
    regions_rows: list[list[Any]] = []
    institution_rows: list[list[Any]] = []
    pairing_rows: list[list[Any]] = []
    if programme is not None and not example:
        pairings = list(
            Pairing.objects.filter(programme=programme, phase=phase)
            .select_related(
                "supporter__region__parent__parent",
                "supported__region__parent__parent",
                "phase",
                "consortium",
            )
            .order_by("kind", "supporter__name", "supported__name")
        )
        involved = {p.supporter for p in pairings} | {p.supported for p in pairings}
        involved |= set(
            Institution.objects.filter(memberships__consortium__programme=programme).select_related(
                "region__parent__parent"
            )
        )
        contacts: dict[int, Contact] = {}
        for stored in Contact.objects.filter(institution__in=involved).order_by(
            "institution", "-is_information_officer", "name"
        ):
            contacts.setdefault(stored.institution_id, stored)
        for institution in sorted(involved, key=lambda i: (i.region.code, i.name)):
            lineage = [r.name for r in institution.region.lineage()] + ["", ""]
            contact = contacts.get(institution.pk)
            institution_rows.append(
                [
                    institution.name,
                    institution.short_name,
                    institution.get_kind_display(),
                    lineage[0],
                    lineage[1],
                    lineage[2],
                    institution.cluster,
                    institution.address,
                    institution.website,
                    contact.name if contact else "",
                    contact.phone if contact else "",
                    contact.email if contact else "",
                ]
            )
        for p in pairings:
            pairing_rows.append(
                [
                    p.get_kind_display(),
                    p.supporter.name,
                    p.supported.name,
                    p.phase.name if p.phase else "",
                    p.consortium.name if p.consortium else "",
                    p.starts_on,
                    p.ends_on,
                    p.get_status_display(),
                    p.note,
                ]
            )
        if programme.region is not None:
            flagged = Region.objects.filter(code__startswith=programme.region.code).select_related(
                "parent"
            )
            for region in flagged:
                regions_rows.append(
                    [
                        region.code,
                        region.name,
                        region.short_name,
                        region.get_level_display(),
                        region.parent.name if region.parent else "",
                        _yes_no(region.is_key_rural_revitalization_county),
                        _yes_no(region.is_poverty_alleviated_county),
                        _yes_no(region.is_land_border_county),
                        region.get_zone_display() if region.zone else "",
                    ]
                )
    provinces = list(
        Region.objects.filter(level=RegionLevel.PROVINCE).values_list("name", flat=True)
    )
    # Prefectures of the programme's province (all of them for a national programme); the
    # ~3,000 counties would make a dropdown nobody can use, so they are typed.
    prefectures = Region.objects.filter(level=RegionLevel.PREFECTURE).exclude(name="市辖区")
    if programme is not None and programme.region is not None:
        prefectures = prefectures.filter(code__startswith=programme.region.code[:2])
    prefecture_names = list(dict.fromkeys(prefectures.values_list("name", flat=True)))
    sheets = [
        SheetSpec(
            str(REGIONS_SHEET),
            REGION_COLUMNS,
            regions_rows,
            example=[c.example for c in REGION_COLUMNS] if example else None,
            text_columns=frozenset({"code"}),
            intro=_("只需列出要修改或新增的地区。"),
        ),
        SheetSpec(
            str(INSTITUTIONS_SHEET),
            INSTITUTION_COLUMNS,
            institution_rows,
            example=[c.example for c in INSTITUTION_COLUMNS] if example else None,
            text_columns=frozenset({"phone"}),
            extra_lists={"province": provinces, "prefecture": prefecture_names},
        ),
        SheetSpec(
            str(PAIRINGS_SHEET),
            PAIRING_COLUMNS,
            pairing_rows,
            example=[c.example for c in PAIRING_COLUMNS] if example else None,
        ),
    ]
    title = _("地区、单位和结对（批量设置）")
    if programme is not None:
        title = f"{programme.name}{' · ' + phase.name if phase else ''} · {title}"
    instructions = [
        _("1. 三张表都可以只填需要的部分；没有的表可以删除。导入顺序：地区 → 单位 → 结对。"),
        _("2. 红色表头为必填列。各表第 2 行的灰色斜体为示例，导入时自动跳过，可以删除。"),
        _(
            "3. 已有的单位按名称匹配、已有的地区按区划代码匹配，导入时更新其他列；"
            "结对按“轮次 + 支援方 + 受援方”匹配。"
        ),
        _("4. 类型、层级、状态等列请从下拉列表中选择；日期写成 2026-01-01。"),
        _(
            "5. 上传后系统会先检查并给出预览（新增、更新、无变化、错误），确认后才写入；"
            "有错误时不会写入任何数据。"
        ),
    ]
    return build_workbook(title=title, instructions=instructions, sheets=sheets)


def _yes_no(value: bool) -> str:
    return str(YES) if value else str(NO)
