"""The province's summary table (汇总表, annex 3 of 教师厅函〔2022〕2号) as provinces fill it.

One row per recommended college: 序号 | 推荐学校 | 所在地 (地、市、州、盟 | 欠发达县) | 联系人 |
联系方式, under the title and the “省级教育行政部门（盖章）：…  填报人及联系方式：…” line, with
the ministry's footnote below. Importing it creates the colleges the system does not know yet,
keeps one contact per college, and records one application (申报) per college for the
programme round — updated, never duplicated, when the province sends the table again.

The seed's rules are checked on the whole round: at most 3 colleges per province, in principle
undergraduate normal colleges, with at most one junior college or comprehensive university.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook as NewWorkbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.selectors import User, can_import
from imports.importers.base import (
    Check,
    Importer,
    ProgrammeRoundForm,
    ProgressCallback,
    RowOutcome,
    RowStatus,
    diff,
    formula_problem,
    no_progress,
    register,
)
from imports.workbook import (
    Column,
    Problem,
    Row,
    Table,
    Workbook,
    clean_phone,
    clean_text,
    did_you_mean,
    parse_int,
    text_key,
)
from outputs.xlsx import put, workbook_bytes
from programmes.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Phase,
    Programme,
)
from schools.models import (
    Contact,
    Institution,
    InstitutionKind,
    KindGroup,
    Region,
    RegionLevel,
)

SHEET_TITLE = "汇总表"
SHEET_NAMES = (SHEET_TITLE, "附件3", "重点支持学校汇总表")
MAX_PER_PROVINCE = 3  # 每个省份可推荐不超过3所师范院校
UNDERGRADUATE_NORMAL = frozenset(
    {InstitutionKind.NORMAL_UNIVERSITY, InstitutionKind.NORMAL_COLLEGE}
)

COLUMNS = [
    Column("order", _l("序号"), aliases=("编号", "序"), width=6),
    Column(
        "institution",
        _l("推荐学校"),
        aliases=("学校", "学校名称", "推荐学校名称", "推荐院校", "院校名称"),
        required=True,
        width=30,
    ),
    Column(
        "prefecture",
        _l("地、市、州、盟"),
        aliases=("地市州盟", "地市", "市州", "所在地市", "所在市州", "地级市"),
        required=True,
        width=18,
    ),
    Column("counties", _l("欠发达县"), aliases=("欠发达县名称", "所辖欠发达县"), width=30),
    Column("contact_name", _l("联系人"), aliases=("联系人姓名", "姓名"), width=10),
    Column(
        "contact_phone",
        _l("联系方式"),
        aliases=("联系电话", "电话", "手机", "联系人电话", "手机号码"),
        width=22,
    ),
]

NAME_MAX_LENGTH = cast(models.CharField, Institution._meta.get_field("name")).max_length or 0
# Foreign keys apply() fills from objects check loaded.
_RELATED = ["programme", "phase", "institution", "province", "recommended_by", "prefecture"]
FOOTNOTE = _l(
    "“地、市、州、盟”指学校所在地，“欠发达县”请填写该地、市、州、盟所辖国家乡村振兴重点"
    "帮扶县、脱贫县、边境县具体名称。"
)
_COUNTY_SEPARATORS = re.compile(r"[、，,；;/\s]+")
_COUNTY_SUFFIXES = ("县", "市", "区", "旗")
_NO_COUNTY = frozenset({"无", "暂无", "-", "—", "－", "——"})
_SPACE_NEXT_TO_CHINESE = re.compile(r"(?<=[^\x00-\x7f]) +| +(?=[^\x00-\x7f])")


def infer_kind(name: str) -> str:
    """The kind a college's name says it is, or "" when the name does not look like one."""
    key = text_key(name)
    if any(word in key for word in ("专科", "幼专", "师专")):
        return InstitutionKind.NORMAL_JUNIOR_COLLEGE
    if "师范大学" in key:
        return InstitutionKind.NORMAL_UNIVERSITY
    if "师范学院" in key:
        return InstitutionKind.NORMAL_COLLEGE
    if "大学" in key or "学院" in key:
        return InstitutionKind.COMPREHENSIVE_UNIVERSITY
    return ""


def official_name(value: Any) -> str:
    """A college's name as it is stored: no stray spaces inside Chinese text, Chinese
    parentheses (official names write 北京师范大学（珠海）)."""
    name = _SPACE_NEXT_TO_CHINESE.sub("", clean_text(value))
    return name.replace("(", "（").replace(")", "）")


def split_counties(value: Any) -> list[str]:
    """The county names of one cell, in order, without repeats: 、，,；; / spaces or line
    breaks separate them; a closing 等 (“美姑县、昭觉县等”) and “无” or a dash are dropped."""
    text = clean_text(value).removesuffix("等")
    parts = _COUNTY_SEPARATORS.split(text)
    return list(dict.fromkeys(p for p in parts if p and p not in _NO_COUNTY))


def _int_param(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _kind_label(kind: str) -> str:
    return str(InstitutionKind(kind).label)


class SummaryTableForm(ProgrammeRoundForm):
    province = forms.ModelChoiceField(
        queryset=Region.objects.provinces(),
        required=False,
        label=_l("省份"),
        help_text=_l(
            "留空时从表头上方“省级教育行政部门（盖章）”一行读取（如“四川省教育厅”），"
            "再不行则根据各行的地、市、州、盟判断。"
        ),
    )
    file = forms.FileField(label=_l("汇总表文件（.xlsx）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].help_text = _l("推荐所属的阶段或轮次；计划不分轮次时留空。")


class _Places:
    """The regions a table may name, in three queries: every province and prefecture (to
    infer the province and to say where a misplaced prefecture lies), and the counties of
    the province once it is known."""

    def __init__(self) -> None:
        self.provinces = list(Region.objects.provinces())
        self.prefectures = list(Region.objects.filter(level=RegionLevel.PREFECTURE))
        self.province_of = {p.pk: p for p in self.provinces}
        self.prefecture_keys: dict[str, list[Region]] = defaultdict(list)
        for region in self.prefectures:
            for key in self._keys(region):
                self.prefecture_keys[key].append(region)
        # Longest first, so “四川省阿坝州” loses “四川省”, not “四川”.
        self.province_prefixes = sorted(
            ((key, p) for p in self.provinces for key in self._keys(p)),
            key=lambda item: len(item[0]),
            reverse=True,
        )
        self.prefecture_by_id: dict[int, Region] = {}  # of the province, from use()
        self.counties_of: dict[int, dict[str, Region]] = defaultdict(dict)
        self.county_keys: dict[str, list[Region]] = defaultdict(list)

    @staticmethod
    def _keys(region: Region) -> set[str]:
        return {text_key(n) for n in (region.name, region.short_name) if n}

    def use(self, province: Region) -> None:
        """Load the counties of the province the table turned out to be from."""
        self.prefecture_by_id = {r.pk: r for r in self.prefectures if r.parent_id == province.pk}
        for county in Region.objects.filter(level=RegionLevel.COUNTY, parent__parent=province):
            for key in self._keys(county):
                self.counties_of[county.parent_id or 0][key] = county
                self.county_keys[key].append(county)

    def strip_province(self, key: str) -> tuple[str, Region | None]:
        for prefix, province in self.province_prefixes:
            if key.startswith(prefix) and len(key) > len(prefix):
                return key[len(prefix) :], province
        return key, None

    def prefectures_named(self, text: str) -> list[Region]:
        """Prefectures anywhere written as `text`: full or short name, with or without the
        province in front (四川省阿坝州)."""
        key = text_key(text)
        found = self.prefecture_keys.get(key)
        if found:
            return found
        rest, province = self.strip_province(key)
        if province is None:
            return []
        return [r for r in self.prefecture_keys.get(rest, []) if r.parent_id == province.pk]

    def province_in(self, lines: Iterable[str]) -> Region | None:
        """The one province a line names (the 盖章 line: “四川省教育厅”), or None."""
        for line in lines:
            key = text_key(line.split("填报人")[0])
            found = {p.pk for k, p in self.province_prefixes if len(k) > 1 and k in key}
            if len(found) == 1:
                return self.province_of[found.pop()]
        return None

    def county_named(self, key: str) -> Region | None:
        """A county of the province written where its prefecture belongs (西昌市)."""
        rest, _province = self.strip_province(key)
        found = self.county_keys.get(key) or self.county_keys.get(rest) or []
        return found[0] if len(found) == 1 else None

    def county_in(self, prefecture: Region, name: str) -> Region | None:
        """The county of that prefecture written as `name`: full or short name, after the
        province or prefecture (凉山州美姑县), or without its 县 (美姑)."""
        counties = self.counties_of.get(prefecture.pk, {})
        key = text_key(name)
        rest, _province = self.strip_province(key)
        for prefix in self._keys(prefecture):
            if rest.startswith(prefix) and len(rest) > len(prefix):
                rest = rest[len(prefix) :]
                break
        for candidate in dict.fromkeys((key, rest)):
            if candidate in counties:
                return counties[candidate]
            stems = [c for s in _COUNTY_SUFFIXES if (c := counties.get(candidate + s))]
            if len(stems) == 1:
                return stems[0]
        return None


@dataclass
class _Plan:
    """What one row writes, decided by check and carried out by apply."""

    status: str
    institution: Institution  # unsaved when new
    new_institution: bool
    prefecture: Region
    counties: list[Region]
    order: int
    contact_name: str
    contact_phone: str
    application: Application | None  # the stored one, when the college applied already
    recommended_by: Institution | None
    contact: Contact | None = None  # the stored contact of that name at the college
    new_contact: bool = False

    @property
    def contact_phone_changes(self) -> bool:
        return (
            self.contact is not None
            and bool(self.contact_phone)
            and self.contact.phone != self.contact_phone
        )


@dataclass
class _Context:
    """What checking one file needs, loaded once before the rows are read."""

    table: Table
    check: Check
    places: _Places
    province: Region
    matched: dict[str, list[Institution]]  # name in the file → stored colleges of that name
    contacts: dict[tuple[int, str], Contact]
    stored: dict[int, Application]  # institution → its application in this round
    department: Institution | None  # the province's 教育厅, the recommending body
    seen: dict[str, int] = field(default_factory=dict)  # college → row first naming it
    in_file: dict[str, tuple[str, str]] = field(default_factory=dict)  # college → name, kind

    def error(self, outcome: RowOutcome, key: str, message: str) -> None:
        self.check.error(outcome, self.table, key, message)

    def warn(self, message: str, row: int | None = None, key: str = "") -> None:
        column = self.table.header(key) if key else ""
        self.check.warnings.append(Problem(message, self.table.sheet, row, column))


def _title(programme: Programme | None, phase: Phase | None, province: Region | None) -> str:
    parts = [str(SummaryTableImporter.name)]
    parts += [p for p in (programme and programme.short_name, phase and phase.name) if p]
    if province is not None:
        parts.append(province.name)
    return " · ".join(parts)


def _get[M: models.Model](queryset: "models.QuerySet[M]", value: Any) -> M | None:
    """The object a parameter names by primary key (params come from forms, URLs, JSON)."""
    pk = _int_param(value)
    return queryset.filter(pk=pk).first() if pk is not None else None


@register
class SummaryTableImporter(Importer):
    kind = "summary_table"
    name = _l("汇总表（重点支持学校）")
    description = _l(
        "省级教育行政部门报送的《师范教育协同提质计划重点支持学校汇总表》（附件3）："
        "每行一所推荐学校，导入后建立或更新该校在所选计划、轮次中的申报。"
    )
    template_name = _l("重点支持学校汇总表")
    form_class = SummaryTableForm

    def __init__(self, params: dict[str, Any], *, user: Any) -> None:
        super().__init__(params, user=user)
        self._plans: list[_Plan] | None = None
        self._programme: Programme | None = None
        self._phase: Phase | None = None
        self._province: Region | None = None

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        return can_import(user)

    def title(self) -> str:
        return _title(
            _get(Programme.objects.all(), self.params.get("programme")),
            _get(Phase.objects.all(), self.params.get("phase")),
            _get(Region.objects.provinces(), self.params.get("province")),
        )

    # -----------------------------------------------------------------------------------------
    # Checking

    def check(self, book: Workbook, progress: ProgressCallback = no_progress) -> Check:
        self._plans = None
        check = Check()
        sheet = book.sheet(*SHEET_NAMES) or book.first_sheet()
        table = sheet.table(COLUMNS)
        check.add_table_warnings(table)

        programme = _get(Programme.objects.all(), self.params.get("programme"))
        phase = _get(Phase.objects.filter(programme=programme), self.params.get("phase"))
        if programme is None or (_int_param(self.params.get("phase")) and phase is None):
            check.problems.append(Problem(_("所选的计划或阶段 / 轮次已不存在，请重新选择。")))
            return check
        places = _Places()
        province = self._read_province(table, places, check)
        if province is None:
            return check
        places.use(province)

        rows = [row for row in table.rows if not _only_serial(row)]
        names = {official_name(row.values.get("institution")) for row in rows} - {""}
        colleges = _Colleges(names)
        matched = {name: colleges.match(name, province) for name in names}
        applications = (
            Application.objects.filter(programme=programme, phase=phase)
            .select_related("institution", "prefecture", "recommended_by", "province")
            .prefetch_related("underdeveloped_counties")
        )
        ctx = _Context(
            table=table,
            check=check,
            places=places,
            province=province,
            matched=matched,
            contacts=_contacts_of({i.pk for found in matched.values() for i in found}),
            stored={app.institution_id: app for app in applications},
            department=Institution.objects.filter(
                kind=InstitutionKind.PROVINCIAL_DEPARTMENT, region=province
            )
            .order_by("pk")
            .first(),
        )
        plans: list[_Plan] = []
        for position, row in enumerate(rows, start=1):
            progress(position, len(rows), _("正在检查"))
            plan = self._row(ctx, row, position)
            if plan is not None:
                plans.append(plan)
        self._round_rules(ctx)
        self._plans, self._programme, self._phase, self._province = (
            plans,
            programme,
            phase,
            province,
        )
        return check

    def _read_province(self, table: Table, places: _Places, check: Check) -> Region | None:
        """The province chosen, else the one the 盖章 line names, else the one the rows'
        prefectures lie in; with a problem when none can be told."""
        stamp_lines = [line for line in table.above if "盖章" in line or "教育行政部门" in line]
        named = places.province_in(stamp_lines) or places.province_in(table.above)
        chosen = places.province_of.get(_int_param(self.params.get("province")) or 0)
        if chosen is not None and named is not None and named.pk != chosen.pk:
            check.problems.append(
                Problem(
                    _(
                        "表头上方写的是%(named)s，与导入时选择的省份“%(chosen)s”不一致。"
                        "请确认文件是否选错，或在导入页面改选省份（也可留空，按文件判断）。"
                    )
                    % {"named": named.name, "chosen": chosen.name},
                    sheet=table.sheet,
                )
            )
            return None
        if chosen is not None or named is not None:
            return chosen or named
        found: dict[int, Region] = {}
        for row in table.rows:
            for prefecture in places.prefectures_named(clean_text(row.values.get("prefecture"))):
                found[prefecture.parent_id or 0] = places.province_of[prefecture.parent_id or 0]
        if len(found) == 1:
            province = next(iter(found.values()))
            check.warnings.append(
                Problem(
                    _("未选择省份，表头上方也没有写省级教育行政部门，根据各行的地市判断为%(p)s。")
                    % {"p": province.name},
                    sheet=table.sheet,
                )
            )
            return province
        if found:
            message = _("各行的地市分属%(provinces)s，无法判断是哪个省份的汇总表。") % {
                "provinces": "、".join(p.name for p in found.values())
            }
        else:
            message = _("无法确定是哪个省份的汇总表。")
        check.problems.append(
            Problem(
                message
                + _(
                    "请在导入页面选择省份，或在表头上方“省级教育行政部门（盖章）：”之后填写"
                    "省级教育行政部门名称（如“四川省教育厅”）。"
                ),
                sheet=table.sheet,
            )
        )
        return None

    def _row(self, ctx: _Context, row: Row, position: int) -> _Plan | None:
        """The row's outcome in the preview, and its plan when it can be written."""
        name = official_name(row.values.get("institution"))
        outcome = RowOutcome(ctx.table.sheet, row.number, name or _("（未填写学校）"))
        ctx.check.rows.append(outcome)
        for key, formula in row.formulas.items():
            ctx.error(
                outcome,
                key,
                formula_problem(formula)
                if formula.startswith("#")
                else _(
                    "这是没有计算结果的公式，请在 Excel 中打开、保存后重新上传，或直接填写内容。"
                ),
            )
        if not name:
            ctx.error(outcome, "institution", _("这一行填写了其他内容，但没有填写推荐学校的名称。"))
            return None
        if len(name) > NAME_MAX_LENGTH:
            ctx.error(outcome, "institution", _("学校名称过长，请核对。"))
            return None
        institution = self._college(ctx, outcome, name)
        key = f"#{institution.pk}" if institution else text_key(name)
        if key in ctx.seen:
            ctx.error(
                outcome,
                "institution",
                _("“%(name)s”在第 %(row)d 行已经填写，同一所学校只能推荐一次。")
                % {"name": name, "row": ctx.seen[key]},
            )
            return None
        ctx.seen[key] = row.number
        kind = institution.kind if institution else infer_kind(name)
        ctx.in_file[key] = (institution.name if institution else name, kind)
        if not kind:
            ctx.error(
                outcome,
                "institution",
                _(
                    "系统中没有“%(name)s”，名称中也看不出是哪类高校（应含“大学”“学院”或"
                    "“专科学校”）。请核对学校全称，或先在系统中添加该单位。"
                )
                % {"name": name},
            )
        prefecture = self._prefecture(ctx, outcome, row)
        counties = self._counties(ctx, outcome, row, prefecture)
        order = self._order(ctx, row, position)
        contact_name = clean_text(row.values.get("contact_name"))
        if len(contact_name) > 64:
            ctx.error(outcome, "contact_name", _("联系人姓名超过 64 个字符。"))
        contact_phone, phone_problem = clean_phone(row.values.get("contact_phone"))
        if phone_problem:
            ctx.error(outcome, "contact_phone", phone_problem)
        application = ctx.stored.get(institution.pk) if institution else None
        if application is not None and application.province_id != ctx.province.pk:
            ctx.error(
                outcome,
                "institution",
                _("“%(name)s”已由%(other)s在本轮推荐，不能再由%(province)s推荐。")
                % {"name": name, "other": application.province, "province": ctx.province},
            )
        if outcome.status == RowStatus.ERROR or prefecture is None:
            return None

        if institution is None:
            institution = Institution(name=name, kind=kind, region=prefecture)
        elif not institution.region.is_within(prefecture):
            ctx.warn(
                _(
                    "系统中“%(name)s”所在地区为%(region)s，与本行填写的“%(prefecture)s”不同；"
                    "导入不会修改学校所在地区，请核对。"
                )
                % {
                    "name": institution.name,
                    "region": institution.region.full_name,
                    "prefecture": prefecture.name,
                },
                row.number,
                "prefecture",
            )
        outcome.label = institution.name
        plan = _Plan(
            status=RowStatus.NEW,
            institution=institution,
            new_institution=institution.pk is None,
            prefecture=prefecture,
            counties=counties,
            order=order,
            contact_name=contact_name,
            contact_phone=contact_phone,
            application=application,
            recommended_by=ctx.department,
        )
        if contact_name and institution.pk is not None:
            plan.contact = ctx.contacts.get((institution.pk, contact_name))
        plan.new_contact = bool(contact_name) and plan.contact is None
        self._outcome(plan, outcome)
        return plan

    def _college(self, ctx: _Context, outcome: RowOutcome, name: str) -> Institution | None:
        """The stored college the name (or short name) means; None when it is new, and
        an error when it is ambiguous, not a college, or in another province."""
        found = ctx.matched.get(name, [])
        if len(found) > 1:
            ctx.error(
                outcome,
                "institution",
                _("“%(name)s”对应系统中的多所学校：%(found)s，请填写学校全称。")
                % {"name": name, "found": "、".join(i.name for i in found)},
            )
            return None
        if not found:
            return None
        institution = found[0]
        if institution.kind not in KindGroup.HIGHER:
            ctx.error(
                outcome,
                "institution",
                _("“%(name)s”在系统中登记为“%(kind)s”，不是高等院校，不能作为推荐学校。")
                % {"name": institution.name, "kind": _kind_label(institution.kind)},
            )
        elif not institution.region.is_within(ctx.province):
            ctx.error(
                outcome,
                "institution",
                _("“%(name)s”在系统中位于%(region)s，不属于%(province)s，不能由其推荐。")
                % {
                    "name": institution.name,
                    "region": institution.region.full_name,
                    "province": ctx.province.name,
                },
            )
        return institution

    def _prefecture(self, ctx: _Context, outcome: RowOutcome, row: Row) -> Region | None:
        places, province = ctx.places, ctx.province
        text = clean_text(row.values.get("prefecture"))
        if not text:
            ctx.error(outcome, "prefecture", _("请填写学校所在的地、市、州、盟。"))
            return None
        named = places.prefectures_named(text)
        here = [r for r in named if r.parent_id == province.pk]
        if len(here) == 1:
            return here[0]
        county = places.county_named(text_key(text))
        if county is not None:
            prefecture = places.prefecture_by_id[county.parent_id or 0]
            ctx.warn(
                _("“%(county)s”是县级地区，按其所属的“%(prefecture)s”读取。")
                % {"county": county.name, "prefecture": prefecture.name},
                row.number,
                "prefecture",
            )
            return prefecture
        if named:
            message = _("“%(name)s”是%(elsewhere)s的地市，不在%(province)s。") % {
                "name": text,
                "elsewhere": "、".join(places.province_of[r.parent_id or 0].name for r in named),
                "province": province.name,
            }
        else:
            candidates = [
                n for r in places.prefecture_by_id.values() for n in (r.name, r.short_name) if n
            ]
            message = _("找不到地市「%(name)s」：%(province)s没有这个地、市、州、盟") % {
                "name": text,
                "province": province.name,
            } + (did_you_mean(text, candidates) or "。")
        ctx.error(outcome, "prefecture", message)
        return None

    def _counties(
        self, ctx: _Context, outcome: RowOutcome, row: Row, prefecture: Region | None
    ) -> list[Region]:
        """The counties named, each of which must lie in the row's prefecture. The column
        does not say which of the three flags a county carries, so none is set; a county
        without any flag is pointed out instead."""
        if prefecture is None:
            return []
        places = ctx.places
        counties: list[Region] = []
        for name in split_counties(row.values.get("counties")):
            county = places.county_in(prefecture, name)
            if county is not None:
                if county not in counties:
                    counties.append(county)
                continue
            elsewhere = [
                places.prefecture_by_id[c.parent_id or 0].name
                for c in places.county_keys.get(text_key(name), [])
            ]
            if elsewhere:
                message = _("“%(county)s”属于%(other)s，不是%(prefecture)s所辖的县。") % {
                    "county": name,
                    "other": "、".join(elsewhere),
                    "prefecture": prefecture.name,
                }
            else:
                candidates = [c.name for c in places.counties_of[prefecture.pk].values()]
                message = _("%(prefecture)s没有名为“%(county)s”的县（市、区）") % {
                    "prefecture": prefecture.name,
                    "county": name,
                } + (did_you_mean(name, candidates) or "。")
            ctx.error(outcome, "counties", message)
        for county in counties:
            if not county.is_underdeveloped_county:
                ctx.warn(
                    _(
                        "“%(county)s”在系统中不是国家乡村振兴重点帮扶县、脱贫县或陆地边境县，"
                        "请核对（导入不会修改县的标记）。"
                    )
                    % {"county": county.name},
                    row.number,
                    "counties",
                )
        return counties

    def _order(self, ctx: _Context, row: Row, position: int) -> int:
        """The 序号 written, or the row's place among the colleges when it is blank or
        unreadable (it only orders the province's list)."""
        raw = row.values.get("order")
        order, problem = parse_int(raw.rstrip(".、") if isinstance(raw, str) else raw, minimum=1)
        if order is not None and order <= 32767:
            return order
        if problem or order is not None:
            ctx.warn(
                _("序号“%(value)s”无法识别，按第 %(position)d 所学校排序。")
                % {"value": clean_text(raw), "position": position},
                row.number,
                "order",
            )
        return position

    def _outcome(self, plan: _Plan, outcome: RowOutcome) -> None:
        """The row's status and the changes the preview shows."""
        changes = outcome.changes
        counties = [c.name for c in sorted(plan.counties, key=lambda c: c.code)]
        department = plan.recommended_by.name if plan.recommended_by else ""
        app = plan.application
        if app is None:
            if plan.new_institution:
                kind = _kind_label(plan.institution.kind)
                diff(changes, _("新建学校（类型按名称推断，请核对）"), "", kind)
            diff(changes, _("地市"), "", plan.prefecture.name)
            diff(changes, _("欠发达县"), [], counties)
            diff(changes, _("联系人"), "", plan.contact_name)
            diff(changes, _("联系方式"), "", plan.contact_phone)
            diff(changes, _("序号"), "", plan.order)
            diff(changes, _("推荐单位"), "", department)
            return
        before = sorted(app.underdeveloped_counties.all(), key=lambda c: c.code)
        diff(changes, _("联系人"), app.contact_name, plan.contact_name)
        diff(changes, _("联系方式"), app.contact_phone, plan.contact_phone)
        diff(
            changes, _("地市"), app.prefecture.name if app.prefecture else "", plan.prefecture.name
        )
        diff(changes, _("欠发达县"), [c.name for c in before], counties)
        diff(changes, _("序号"), app.order, plan.order)
        old_department = app.recommended_by.name if app.recommended_by else ""
        diff(changes, _("推荐单位"), old_department, department)
        # The college's contacts are kept in step too; shown when that is the only change.
        if not changes and plan.new_contact:
            diff(changes, _("新增联系人"), "", f"{plan.contact_name} {plan.contact_phone}")
        elif not changes and plan.contact is not None and plan.contact_phone_changes:
            label = _("联系人“%(name)s”的电话") % {"name": plan.contact_name}
            diff(changes, label, plan.contact.phone, plan.contact_phone)
        plan.status = outcome.status = RowStatus.UPDATED if changes else RowStatus.UNCHANGED

    def _round_rules(self, ctx: _Context) -> None:
        """The seed's limits, over the file and what the province recommended before."""
        province = ctx.province
        named_ids = {i.pk for found in ctx.matched.values() for i in found}
        others = [
            app.institution
            for app in ctx.stored.values()
            if app.province_id == province.pk and app.institution_id not in named_ids
        ]
        for institution in others:
            ctx.warn(
                _("%(province)s在本轮已推荐的“%(name)s”不在本文件中，其申报保持不变。")
                % {"province": province.name, "name": institution.name}
            )
        colleges = [*ctx.in_file.values(), *((i.name, i.kind) for i in others)]
        if len(colleges) > MAX_PER_PROVINCE:
            message = _(
                "%(province)s在本轮推荐了 %(count)d 所学校，每个省份最多推荐 %(max)d 所"
            ) % {"province": province.name, "count": len(colleges), "max": MAX_PER_PROVINCE}
            if others:
                message += _("（本文件 %(file)d 所，另有已推荐、不在本文件中的%(others)s）") % {
                    "file": len(ctx.in_file),
                    "others": "、".join(i.name for i in others),
                }
            ctx.check.problems.append(Problem(message + "。", sheet=ctx.table.sheet))
        exceptions = [
            _("%(name)s（%(kind)s）") % {"name": name, "kind": _kind_label(kind)}
            for name, kind in colleges
            if kind and kind not in UNDERGRADUATE_NORMAL
        ]
        if len(exceptions) > 1:
            ctx.check.problems.append(
                Problem(
                    _(
                        "推荐学校原则上应为本科层次师范院校，专科层次师范院校和开展教师教育的"
                        "综合院校合计不超过 1 所；%(province)s推荐了 %(count)d 所：%(names)s。"
                    )
                    % {
                        "province": province.name,
                        "count": len(exceptions),
                        "names": "、".join(exceptions),
                    },
                    sheet=ctx.table.sheet,
                )
            )
        elif exceptions:
            ctx.warn(
                _(
                    "原则上应为本科层次师范院校：%(names)s只有在省内本科层次师范院校不足推荐"
                    "名额时才可推荐（此类院校合计不超过 1 所），请确认。"
                )
                % {"names": exceptions[0]}
            )

    # -----------------------------------------------------------------------------------------
    # Applying

    def apply(self, progress: ProgressCallback = no_progress) -> dict[str, int]:
        if self._plans is None or self._programme is None or self._province is None:
            raise RuntimeError("apply() needs a successful check() on the same importer")
        plans = [p for p in self._plans if p.status != RowStatus.UNCHANGED]
        where = [self._province.name, self._programme.short_name]
        comment = _("由汇总表导入（%(what)s）。") % {
            "what": " · ".join([*where, *([self._phase.name] if self._phase else [])])
        }
        now = timezone.now()

        new_institutions = [p.institution for p in plans if p.new_institution]
        for institution in new_institutions:
            # Uniqueness was settled by check against the loaded names; a college someone
            # adds meanwhile makes the insert fail and the whole import roll back.
            institution.full_clean(validate_unique=False)
        Institution.objects.bulk_create(new_institutions)
        progress(1, 4, _("正在写入"))

        new_contacts = [
            Contact(institution=p.institution, name=p.contact_name, phone=p.contact_phone)
            for p in plans
            if p.new_contact
        ]
        Contact.objects.bulk_create(new_contacts)
        changed_contacts = []
        for plan in plans:
            if plan.contact is not None and plan.contact_phone_changes:
                plan.contact.phone = plan.contact_phone
                changed_contacts.append(plan.contact)
        Contact.objects.bulk_update(changed_contacts, ["phone"])
        progress(2, 4, _("正在写入"))

        created: list[tuple[Application, _Plan]] = []
        updated: list[tuple[Application, _Plan]] = []
        for plan in plans:
            app = plan.application
            if app is None:
                app = Application(
                    programme=self._programme,
                    phase=self._phase,
                    institution=plan.institution,
                    status=ApplicationStatus.RECOMMENDED,
                )
                created.append((app, plan))
            else:
                app.updated_at = now  # bulk_update skips auto_now
                updated.append((app, plan))
            app.province = self._province
            app.recommended_by = plan.recommended_by
            app.order = plan.order
            app.prefecture = plan.prefecture
            app.contact_name = plan.contact_name
            app.contact_phone = plan.contact_phone
            # The related rows come from check's queries; validating them again would cost a
            # query per foreign key and row.
            app.full_clean(exclude=_RELATED, validate_unique=False, validate_constraints=False)
        Application.objects.bulk_create([app for app, _plan in created])
        Application.objects.bulk_update(
            [app for app, _plan in updated],
            [
                "recommended_by",
                "order",
                "prefecture",
                "contact_name",
                "contact_phone",
                "updated_at",
            ],
        )
        progress(3, 4, _("正在写入"))

        through = Application.underdeveloped_counties.through
        recounted = [
            (app, plan)
            for app, plan in updated
            if set(app.underdeveloped_counties.all()) != set(plan.counties)
        ]
        through.objects.filter(application__in=[app for app, _plan in recounted]).delete()
        through.objects.bulk_create(
            through(application_id=app.pk, region_id=county.pk)
            for app, plan in [*created, *recounted]
            for county in plan.counties
        )
        ApplicationEvent.objects.bulk_create(
            ApplicationEvent(
                application=app,
                from_status="",
                to_status=ApplicationStatus.RECOMMENDED,
                by=self.user,
                comment=comment,
            )
            for app, _plan in created
        )
        progress(4, 4, _("正在写入"))
        return {
            "new": len(created),
            "updated": len(updated),
            "unchanged": len(self._plans) - len(plans),
            "institutions": len(new_institutions),
            "contacts": len(new_contacts) + len(changed_contacts),
        }

    # -----------------------------------------------------------------------------------------
    # The template

    def template(self) -> bytes:
        return summary_table_workbook(_get(Region.objects.provinces(), self.params.get("province")))


def summary_table_workbook(province: Region | None = None) -> bytes:
    """The ministry's annex 3 as it is printed, then the instructions; with a province, the
    盖章 line names its department and 地、市、州、盟 offers its prefectures."""
    book = NewWorkbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    last = get_column_letter(len(COLUMNS))

    put(sheet, 1, 1, _("附件3"), font=Font(name="黑体", size=14))
    put(
        sheet,
        2,
        1,
        _("师范教育协同提质计划重点支持学校汇总表"),
        font=Font(name="方正小标宋简体", size=18),
        alignment=Alignment(horizontal="center", vertical="center"),
    )
    sheet.merge_cells(f"A2:{last}2")
    sheet.row_dimensions[2].height = 36
    department = ""
    if province is not None:
        found = Institution.objects.filter(
            kind=InstitutionKind.PROVINCIAL_DEPARTMENT, region=province
        ).first()
        department = found.name if found else ""
    put(sheet, 3, 1, _("省级教育行政部门（盖章）：") + department)
    sheet.merge_cells("A3:C3")
    put(sheet, 3, 4, _("填报人及联系方式："))
    sheet.merge_cells(f"D3:{last}3")
    sheet.row_dimensions[3].height = 28

    # The two-row header: 所在地 spans 地、市、州、盟 and 欠发达县; the others span both rows.
    by_key = {c.key: c for c in COLUMNS}
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.key in ("prefecture", "counties"):
            put(sheet, 5, index, str(column.header))
        else:
            put(sheet, 4, index, str(column.header))
            sheet.merge_cells(f"{letter}4:{letter}5")
    place = COLUMNS.index(by_key["prefecture"]) + 1
    put(sheet, 4, place, _("所在地"))
    sheet.merge_cells(start_row=4, start_column=place, end_row=4, end_column=place + 1)
    for number in range(1, 4):
        put(sheet, 5 + number, 1, number)
    for row in sheet.iter_rows(min_row=4, max_row=8, max_col=len(COLUMNS)):
        for cell in row:
            cell.border = border
            cell.alignment = centre
            if cell.row <= 5:
                cell.font = Font(name="黑体", size=12)
    for row_number in range(6, 9):
        sheet.row_dimensions[row_number].height = 30
        # Phones stay text, so a leading 0 of an area code survives.
        sheet.cell(row=row_number, column=len(COLUMNS)).number_format = "@"
    put(sheet, 9, 1, str(FOOTNOTE), alignment=Alignment(wrap_text=True, vertical="top"))
    sheet.merge_cells(f"A9:{last}9")
    sheet.row_dimensions[9].height = 36

    if province is not None:
        names = [
            r.name for r in Region.objects.filter(parent=province, level=RegionLevel.PREFECTURE)
        ]
        if names:
            options = book.create_sheet("选项")
            options.sheet_state = "hidden"
            put(options, 1, 1, _("%(province)s的地、市、州、盟") % {"province": province.name})
            for offset, name in enumerate(names, start=2):
                put(options, offset, 1, name)
            validation = DataValidation(
                type="list",
                # Stored as OOXML writes it: without a leading “=”.
                formula1=f"{quote_sheetname('选项')}!$A$2:$A${len(names) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=_("请从下拉列表中选择"),
                error=_("请选择%(province)s的地、市、州、盟；也可以填写简称，如“阿坝州”。")
                % {"province": province.name},
            )
            letter = get_column_letter(place)
            validation.add(f"{letter}6:{letter}8")
            sheet.add_data_validation(validation)

    guide = book.create_sheet(_("填写说明"))
    guide.column_dimensions["A"].width = 100
    put(
        guide,
        1,
        1,
        _("师范教育协同提质计划重点支持学校汇总表 填写说明"),
        font=Font(bold=True, size=14),
    )
    for offset, line in enumerate(_instructions(), start=3):
        put(guide, offset, 1, line, alignment=Alignment(wrap_text=True, vertical="top"))
    return workbook_bytes(book)


def _instructions() -> list[str]:
    return [
        _("1. “汇总表”工作表是教育部通知（教师厅函〔2022〕2号）附件3的格式，请勿改动表头。"),
        _(
            "2. 每个省份可推荐不超过 3 所师范院校，原则上为本科层次师范院校；"
            "专科层次师范院校或开展教师教育的综合院校合计不超过 1 所。"
        ),
        _(
            "3. 表头上方“省级教育行政部门（盖章）：”之后请填写省级教育行政部门名称"
            "（如“四川省教育厅”），导入时据此确定省份。"
        ),
        _(
            "4. “推荐学校”填写学校全称，每所学校只填一行。系统中还没有的学校会新建，"
            "类型按名称推断（师范大学、师范学院、专科学校、其他大学或学院），请在导入预览中核对。"
        ),
        _("5. “地、市、州、盟”填写学校所在地，全称或简称均可，如“阿坝藏族羌族自治州”或“阿坝州”。"),
        _(
            "6. “欠发达县”填写该地、市、州、盟所辖国家乡村振兴重点帮扶县、脱贫县、边境县的"
            "具体名称，多个县用顿号、逗号或换行分隔，如“汶川县、茂县”。"
        ),
        _("7. “联系方式”可填写多个电话，用顿号或逗号分隔，如“0837-1234567、13800000000”。"),
        _("8. 同一文件可以修改后再次导入：已推荐的学校只更新有变化的内容，不会重复建立申报。"),
        _("示例：1 | 阿坝师范学院 | 阿坝州 | 汶川县、茂县 | 张三 | 0837-1234567"),
    ]


def _only_serial(row: Row) -> bool:
    """A numbered empty row of the ministry's layout, or a note typed under the table in its
    first column: nothing but the 序号 column is filled."""
    return not any(clean_text(v) for k, v in row.values.items() if k != "order") and not (
        row.formulas.keys() - {"order"}
    )


class _Colleges:
    """The stored higher-education institutions (and any institution bearing a name the file
    uses), in one query, found by their name or short name however it is spaced or bracketed."""

    def __init__(self, names: set[str]) -> None:
        self.by_name: dict[str, list[Institution]] = defaultdict(list)
        self.by_short: dict[str, list[Institution]] = defaultdict(list)
        rows = Institution.objects.filter(
            Q(kind__in=KindGroup.HIGHER) | Q(name__in=names)
        ).select_related("region__parent__parent")
        for institution in rows:
            self.by_name[text_key(institution.name)].append(institution)
            if institution.short_name:
                self.by_short[text_key(institution.short_name)].append(institution)

    def match(self, name: str, province: Region) -> list[Institution]:
        key = text_key(name)
        found = self.by_name.get(key) or self.by_short.get(key) or []
        if len(found) > 1:
            here = [i for i in found if i.region.is_within(province)]
            return here or found
        return found


def _contacts_of(institution_ids: set[int]) -> dict[tuple[int, str], Contact]:
    """(institution, name) → the contact to update: the first of that name."""
    contacts: dict[tuple[int, str], Contact] = {}
    for contact in Contact.objects.filter(institution_id__in=institution_ids).order_by("pk"):
        contacts.setdefault((contact.institution_id, contact.name), contact)
    return contacts
