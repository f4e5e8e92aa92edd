"""批量设置 — regions, institutions and pairings of a programme round as flat sheets.

One workbook with up to three sheets, read in order so later sheets may use what earlier ones
add: 地区 (flags, zones, short names, new county-level units such as Dongguan's towns), 单位
(institutions with their region and contact) and 结对 (pairings of every kind, school pairs
included). The same workbook is what `RoundSetupExporter` writes for a round, so a round can be
exported, edited and imported back.

Checking reads everything it needs in a constant number of queries (regions, institutions and
the round's pairings as dictionaries) and validates each row in memory with the same rules as
the models (`pairing_kind_errors`, the programme's region, consortium roles); applying writes
with bulk inserts and updates. That is what makes a 10,000-row pairing sheet import in seconds
(`manage.py bench_imports` measures it against django-import-export's row-by-row path).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.selectors import User, can_import
from imports.importers.base import (
    Check,
    Importer,
    ProgrammeRoundForm,
    ProgressCallback,
    RowOutcome,
    RowStatus,
    diff,
    no_progress,
    register,
)
from imports.importers.round_setup_sheets import (
    INSTITUTION_COLUMNS,
    PAIRING_COLUMNS,
    REGION_COLUMNS,
    SHEET_ALIASES,
    choice_labels,
    choice_lookup,
    round_setup_workbook,
)
from imports.workbook import (
    Problem,
    Table,
    TableError,
    Workbook,
    clean_phone,
    clean_text,
    did_you_mean,
    parse_bool,
    parse_date,
    text_key,
)
from outputs.exporters.base import param_pk
from pairings.choices import MemberRole, PairingKind, PairingStatus
from pairings.models import Consortium, Pairing
from pairings.rules import pairing_kind_errors
from programmes.models import Phase, Programme
from schools.models import Contact, Institution, InstitutionKind, Region, RegionLevel, Zone


class RoundSetupForm(ProgrammeRoundForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].help_text = _l("结对属于这个计划。")
        self.fields["phase"].help_text = _l("结对表中“轮次”列留空的行属于这一轮。")


@dataclass
class _RegionPlan:
    region: Region
    is_new: bool
    parent_key: str = ""  # a new parent in the same file, by code


@dataclass
class _InstitutionPlan:
    institution: Institution
    is_new: bool
    changed: bool
    contact: tuple[str, str, str] | None = None  # name, phone, email
    outcome: RowOutcome | None = None  # its row in the preview


@dataclass
class _Plan:
    regions: list[_RegionPlan] = field(default_factory=list)
    institutions: list[_InstitutionPlan] = field(default_factory=list)
    # (field values, supporter key, supported key) of each new pairing
    new_pairings: list[tuple[dict[str, Any], str, str]] = field(default_factory=list)
    changed_pairings: list[Pairing] = field(default_factory=list)


class _Regions:
    """Every region, indexed for the lookups rows make (loaded once: ~3,400 rows)."""

    def __init__(self) -> None:
        self.all = list(Region.objects.all())
        self.by_pk = {r.pk: r for r in self.all}
        self.by_code = {r.code: r for r in self.all}
        self.children: dict[int | None, list[Region]] = {}
        # name or short name (text_key) → the regions called so: a row's lookup is a dict
        # access, not a scan of 3,400 regions.
        self.named: dict[str, list[Region]] = {}
        self.full_named: dict[str, list[Region]] = {}
        for region in self.all:
            self.children.setdefault(region.parent_id, []).append(region)
            self.full_named.setdefault(text_key(region.name), []).append(region)
            for key in {text_key(region.name), text_key(region.short_name)} - {""}:
                self.named.setdefault(key, []).append(region)

    def add(self, region: Region) -> None:
        self.by_code[region.code] = region

    def province(self, name: str) -> Region | None:
        return self._find(name, self.children.get(None, []))

    def below(self, parent: Region, name: str) -> Region | None:
        return self._find(name, self.children.get(parent.pk, []))

    def counties_of_province(self, province: Region, name: str) -> list[Region]:
        key = text_key(name)
        return [
            county
            for prefecture in self.children.get(province.pk, [])
            for county in self.children.get(prefecture.pk, [])
            if key in {text_key(county.name), text_key(county.short_name)}
        ]

    @staticmethod
    def _find(name: str, candidates: list[Region]) -> Region | None:
        key = text_key(name)
        for region in candidates:
            if key in {text_key(region.name), text_key(region.short_name)} or key == region.code:
                return region
        return None

    def names_below(self, parent: Region | None) -> list[str]:
        regions = self.children.get(parent.pk if parent else None, [])
        return [r.name for r in regions] + [r.short_name for r in regions if r.short_name]


@register
class RoundSetupImporter(Importer):
    kind = "round_setup"
    name = _l("地区、单位和结对（批量设置）")
    description = _l(
        "一个工作簿，最多三张表：「地区」（欠发达县标记、考核区域、简称、新增镇街）、"
        "「单位」（学校、院校、教研机构、教育行政部门及联系人）、「结对」（七类结对及中小学结对）。"
        "与“导出本轮设置”的格式相同，可以导出、修改后再导入。"
    )
    template_name = _l("批量设置模板")
    form_class = RoundSetupForm

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        return can_import(user)

    def title(self) -> str:
        programme = Programme.objects.filter(pk=self.params.get("programme") or 0).first()
        phase = Phase.objects.filter(pk=self.params.get("phase") or 0).first()
        parts = [str(self.name)]
        if programme:
            parts.append(programme.short_name)
        if phase:
            parts.append(phase.name)
        return " · ".join(parts)

    # ---------------------------------------------------------------------------------------

    def check(self, book: Workbook, progress: ProgressCallback = no_progress) -> Check:
        result = Check()
        self.plan = _Plan()
        self.programme = Programme.objects.select_related("region").get(pk=self.params["programme"])
        self.phase = Phase.objects.filter(
            pk=self.params.get("phase") or 0, programme=self.programme
        ).first()
        tables: dict[str, Table] = {}
        for key, columns in (
            ("regions", REGION_COLUMNS),
            ("institutions", INSTITUTION_COLUMNS),
            ("pairings", PAIRING_COLUMNS),
        ):
            sheet = book.sheet(*SHEET_ALIASES[key])
            if sheet is None:
                continue
            try:
                tables[key] = sheet.table(columns)
            except TableError as error:
                result.problems.extend(error.problems)
        if not tables and not result.problems:
            if len(book.sheetnames) == 1:
                # A single sheet under another name: take it by its headers.
                sheet = book.first_sheet()
                for key, columns in (
                    ("pairings", PAIRING_COLUMNS),
                    ("institutions", INSTITUTION_COLUMNS),
                ):
                    try:
                        tables[key] = sheet.table(columns, min_matched=3)
                        break
                    except TableError:
                        continue
            if not tables:
                result.problems.append(
                    Problem(
                        _("文件中没有「地区」「单位」或「结对」工作表（现有：%(sheets)s）。")
                        % {"sheets": "、".join(book.sheetnames)}
                    )
                )
        if result.problems:
            return result
        total = sum(len(t.rows) for t in tables.values())
        self._done, self._total, self._progress = 0, total, progress
        self.regions = _Regions()
        if "regions" in tables:
            self._check_regions(tables["regions"], result)
        self._load_institutions()
        if "institutions" in tables:
            self._check_institutions(tables["institutions"], result)
        if "pairings" in tables:
            self._check_pairings(tables["pairings"], result)
        for table in tables.values():
            result.add_table_warnings(table)
        return result

    def _tick(self, stage: str) -> None:
        self._done += 1
        if self._done % 500 == 0:
            self._progress(self._done, self._total, stage)

    # Regions --------------------------------------------------------------------------------

    def _check_regions(self, table: Table, result: Check) -> None:
        levels = choice_lookup(RegionLevel.choices)
        zones = choice_lookup(Zone.choices)
        seen: dict[str, int] = {}
        stage = _("检查「地区」")
        for row in table.rows:
            self._tick(stage)
            v = {k: clean_text(x) for k, x in row.values.items()}
            outcome = RowOutcome(table.sheet, row.number, v.get("name", ""))
            result.reject_formulas(outcome, table, row)
            _check_lengths(result, outcome, table, v, REGION_LIMITS)
            code = v.get("code", "")
            if code and not (code.isdigit() and len(code) in (2, 4, 6, 9, 12)):
                result.error(
                    outcome,
                    table,
                    "code",
                    _("区划代码“%(code)s”应为 2、4、6、9 或 12 位数字。") % {"code": code},
                )
            region = self.regions.by_code.get(code) if code else None
            parent: Region | None = None
            parent_text = v.get("parent", "")
            if parent_text:
                parent = self.regions.by_code.get(parent_text) or self._region_by_name(parent_text)
                if parent is None:
                    result.error(
                        outcome,
                        table,
                        "parent",
                        _("找不到上级地区“%(name)s”。") % {"name": parent_text},
                    )
            if region is None and not code and v.get("name"):
                matches = [
                    r
                    for r in self.regions.full_named.get(text_key(v["name"]), [])
                    if parent is None or r.parent_id == parent.pk
                ]
                if len(matches) == 1:
                    region = matches[0]
                elif len(matches) > 1:
                    result.error(
                        outcome,
                        table,
                        "name",
                        _("有多个地区叫“%(name)s”，请填写区划代码或上级地区。")
                        % {"name": v["name"]},
                    )
            level = levels.get(text_key(v.get("level", ""))) if v.get("level") else None
            if v.get("level") and level is None:
                result.error(
                    outcome,
                    table,
                    "level",
                    _("层级“%(value)s”应为省级、地级或县级。") % {"value": v["level"]},
                )
            zone = zones.get(text_key(v.get("zone", "")), None) if v.get("zone") else ""
            if zone is None:
                result.error(
                    outcome,
                    table,
                    "zone",
                    _("考核区域“%(value)s”应为珠三角或粤东粤西粤北。") % {"value": v["zone"]},
                )
            flags = {}
            for key, attribute in (
                ("key_rural", "is_key_rural_revitalization_county"),
                ("poverty", "is_poverty_alleviated_county"),
                ("border", "is_land_border_county"),
            ):
                if key not in row.values or not v.get(key):
                    continue
                value, problem = parse_bool(row.values[key])
                if problem:
                    result.error(outcome, table, key, problem)
                else:
                    flags[attribute] = value
            if code and code in seen:
                result.error(
                    outcome,
                    table,
                    "code",
                    _("区划代码“%(code)s”与第 %(row)d 行重复。")
                    % {"code": code, "row": seen[code]},
                )
            if code:
                seen[code] = row.number
            if outcome.status == RowStatus.ERROR:
                result.rows.append(outcome)
                continue
            is_new = region is None
            if is_new:
                if not code:
                    result.error(
                        outcome,
                        table,
                        "code",
                        _("新增地区“%(name)s”须填写区划代码。") % {"name": v.get("name")},
                    )
                if level is None:
                    result.error(outcome, table, "level", _("新增地区须填写层级。"))
                if parent is None and level != RegionLevel.PROVINCE:
                    result.error(
                        outcome, table, "parent", _("新增的地级、县级地区须填写上级地区。")
                    )
                if outcome.status == RowStatus.ERROR:
                    result.rows.append(outcome)
                    continue
                region = Region(code=code, name=v["name"], level=level or "", parent=parent)
                try:
                    region.clean()
                except ValidationError as error:
                    for message in error.messages:
                        result.error(outcome, table, "parent", message)
                    result.rows.append(outcome)
                    continue
            assert region is not None
            changes = outcome.changes
            updates: dict[str, Any] = {}
            if not is_new and v.get("name") and v["name"] != region.name:
                updates["name"] = v["name"]
            if v.get("short_name") and v["short_name"] != region.short_name:
                updates["short_name"] = v["short_name"]
            updates.update({a: b for a, b in flags.items() if getattr(region, a) != b})
            if zone is not None and "zone" in row.values and v.get("zone") and zone != region.zone:
                updates["zone"] = zone
            if not is_new and level and level != region.level:
                result.error(
                    outcome,
                    table,
                    "level",
                    _("“%(name)s”已是%(level)s地区，不能通过导入改变层级。")
                    % {"name": region.name, "level": region.get_level_display()},
                )
            if not is_new and parent is not None and parent.pk != region.parent_id:
                result.error(
                    outcome,
                    table,
                    "parent",
                    _("“%(name)s”的上级地区不能通过导入改变。") % {"name": region.name},
                )
            flagged = any(
                updates.get(a, getattr(region, a))
                for a in (
                    "is_key_rural_revitalization_county",
                    "is_poverty_alleviated_county",
                    "is_land_border_county",
                )
            )
            if flagged and (level or region.level) != RegionLevel.COUNTY:
                result.error(outcome, table, "key_rural", _("欠发达县标记只能用于县级地区。"))
            if outcome.status == RowStatus.ERROR:
                result.rows.append(outcome)
                continue
            labels = {f.name: f.verbose_name for f in Region._meta.fields}
            for attribute, value in updates.items():
                diff(
                    changes, labels[attribute], "" if is_new else getattr(region, attribute), value
                )
                setattr(region, attribute, value)
            outcome.label = region.name
            outcome.status = (
                RowStatus.NEW if is_new else (RowStatus.UPDATED if changes else RowStatus.UNCHANGED)
            )
            if is_new or changes:
                self.plan.regions.append(_RegionPlan(region, is_new))
            if is_new:
                self.regions.add(region)
            result.rows.append(outcome)

    def _region_by_name(self, name: str) -> Region | None:
        matches = self.regions.named.get(text_key(name), [])
        return matches[0] if len(matches) == 1 else None

    # Institutions ---------------------------------------------------------------------------

    def _load_institutions(self) -> None:
        self.institutions: dict[str, Institution] = {}
        shorts: dict[str, list[Institution]] = {}
        for institution in Institution.objects.all():
            institution.region = self.regions.by_pk[institution.region_id]
            self.institutions[text_key(institution.name)] = institution
            if institution.short_name:
                shorts.setdefault(text_key(institution.short_name), []).append(institution)
        # A short name stands for an institution only when it is not ambiguous.
        self.short_names = {k: v[0] for k, v in shorts.items() if len(v) == 1}

    def _resolve_region(
        self, outcome: RowOutcome, table: Table, v: dict[str, str], result: Check
    ) -> Region | None:
        province = self.regions.province(v.get("province", ""))
        if province is None:
            result.error(
                outcome,
                table,
                "province",
                _("找不到省份“%(name)s”") % {"name": v.get("province", "")}
                + (did_you_mean(v.get("province", ""), self.regions.names_below(None)) or "。"),
            )
            return None
        region = province
        if v.get("prefecture"):
            prefecture = self.regions.below(province, v["prefecture"])
            if prefecture is None:
                result.error(
                    outcome,
                    table,
                    "prefecture",
                    _("%(province)s找不到地市“%(name)s”")
                    % {"province": province.name, "name": v["prefecture"]}
                    + (did_you_mean(v["prefecture"], self.regions.names_below(province)) or "。"),
                )
                return None
            region = prefecture
        if v.get("county"):
            if region is province:
                counties = self.regions.counties_of_province(province, v["county"])
                if len(counties) == 1:
                    return counties[0]
                if len(counties) > 1:
                    result.error(
                        outcome,
                        table,
                        "county",
                        _("%(province)s有多个“%(name)s”，请填写地市。")
                        % {"province": province.name, "name": v["county"]},
                    )
                    return None
                county = None
            else:
                county = self.regions.below(region, v["county"])
            if county is None:
                result.error(
                    outcome,
                    table,
                    "county",
                    _("%(parent)s找不到县区“%(name)s”")
                    % {"parent": region.name, "name": v["county"]}
                    + (
                        did_you_mean(
                            v["county"],
                            self.regions.names_below(region) if region is not province else [],
                        )
                        or "。"
                    ),
                )
                return None
            region = county
        return region

    def _check_institutions(self, table: Table, result: Check) -> None:
        kinds = choice_lookup(InstitutionKind.choices)
        seen: dict[str, int] = {}
        url = URLValidator()
        stage = _("检查「单位」")
        for row in table.rows:
            self._tick(stage)
            v = {k: clean_text(x) for k, x in row.values.items()}
            outcome = RowOutcome(table.sheet, row.number, v.get("name", ""))
            result.reject_formulas(outcome, table, row)
            _check_lengths(result, outcome, table, v, INSTITUTION_LIMITS)
            name = v.get("name", "")
            if not name:
                result.error(outcome, table, "name", _("单位名称不能为空。"))
            key = text_key(name)
            if key and key in seen:
                result.error(
                    outcome,
                    table,
                    "name",
                    _("“%(name)s”与第 %(row)d 行重复。") % {"name": name, "row": seen[key]},
                )
            seen.setdefault(key, row.number)
            kind = kinds.get(text_key(v.get("kind", "")))
            if kind is None:
                result.error(
                    outcome,
                    table,
                    "kind",
                    _("单位类型“%(value)s”不在可选范围内") % {"value": v.get("kind", "")}
                    + (
                        did_you_mean(v.get("kind", ""), choice_labels(InstitutionKind.choices))
                        or "。"
                    ),
                )
            region = self._resolve_region(outcome, table, v, result)
            phone, problem = clean_phone(row.values.get("phone"))
            if problem:
                result.error(outcome, table, "phone", problem)
            email = v.get("email", "")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    result.error(
                        outcome,
                        table,
                        "email",
                        _("“%(value)s”不是有效的电子邮箱地址。") % {"value": email},
                    )
            website = v.get("website", "")
            if website:
                if "://" not in website:
                    website = "http://" + website
                try:
                    url(website)
                except ValidationError:
                    result.error(
                        outcome,
                        table,
                        "website",
                        _("“%(value)s”不是有效的网址。") % {"value": v["website"]},
                    )
            if outcome.status == RowStatus.ERROR or region is None or kind is None:
                if key and region is not None and kind is not None:
                    # Known to the 结对 sheet all the same, so its rows are checked against
                    # it rather than all reported as “not found”.
                    self.institutions.setdefault(
                        key, Institution(name=name, kind=kind, region=region)
                    )
                result.rows.append(outcome)
                continue
            probe = Institution(name=name, kind=kind, region=region)
            try:
                probe.clean()
            except ValidationError as error:
                for message in error.messages:
                    result.error(outcome, table, "kind", message)
                result.rows.append(outcome)
                continue
            existing = self.institutions.get(key)
            is_new = existing is None
            institution = existing or Institution(name=name)
            if existing is not None and existing.region.is_within(region):
                # Only the province (or prefecture) given: the stored, finer region stands.
                region = existing.region
            fields: dict[str, Any] = {
                "short_name": v.get("short_name", "")
                if "short_name" in row.values
                else institution.short_name,
                "kind": kind,
                "region": region,
                "cluster": v.get("cluster", "") if "cluster" in row.values else institution.cluster,
                "address": v.get("address", "") if "address" in row.values else institution.address,
                "website": website if "website" in row.values else institution.website,
            }
            labels = {f.name: f.verbose_name for f in Institution._meta.fields}
            for attribute, value in fields.items():
                old = getattr(institution, attribute, None) if not is_new else ""
                if attribute == "region":
                    if is_new or institution.region_id != value.pk:
                        diff(
                            outcome.changes,
                            labels["region"],
                            "" if is_new else institution.region.name,
                            value.name,
                        )
                elif attribute == "kind":
                    if is_new or old != value:
                        diff(
                            outcome.changes,
                            labels["kind"],
                            "" if is_new else institution.get_kind_display(),
                            InstitutionKind(value).label,
                        )
                else:
                    diff(outcome.changes, labels[attribute], old, value)
                setattr(institution, attribute, value)
            contact = None
            if v.get("contact"):
                contact = (v["contact"], phone, email)
                if is_new:
                    diff(outcome.changes, _("联系人"), "", f"{v['contact']} {phone}".strip())
            outcome.status = (
                RowStatus.NEW
                if is_new
                else (RowStatus.UPDATED if outcome.changes else RowStatus.UNCHANGED)
            )
            if is_new:
                self.institutions[key] = institution
            self.plan.institutions.append(
                _InstitutionPlan(institution, is_new, bool(outcome.changes), contact, outcome)
            )
            result.rows.append(outcome)
        self._contacts_changes(result)

    def _contacts_changes(self, result: Check) -> None:
        """Contacts of existing institutions: compared in one query, shown as changes."""
        wanted = {p.institution.pk: p for p in self.plan.institutions if p.contact and not p.is_new}
        if not wanted:
            return
        stored: dict[tuple[int, str], Contact] = {
            (c.institution_id, text_key(c.name)): c
            for c in Contact.objects.filter(institution_id__in=wanted)
        }
        self._stored_contacts = stored
        for pk, plan in wanted.items():
            assert plan.contact is not None
            name, phone, email = plan.contact
            contact = stored.get((pk, text_key(name)))
            old = f"{contact.name} {contact.phone}".strip() if contact else ""
            new = f"{name} {phone}".strip()
            same = (
                contact is not None
                and contact.phone == (phone or contact.phone)
                and contact.email == (email or contact.email)
            )
            if same:
                plan.contact = None
                continue
            outcome = plan.outcome
            if outcome is not None and outcome.status != RowStatus.ERROR:
                diff(outcome.changes, _("联系人"), old, new)
                outcome.status = RowStatus.UPDATED

    # Pairings -------------------------------------------------------------------------------

    def _party(self, name: str) -> Institution | None:
        key = text_key(name)
        return self.institutions.get(key) or self.short_names.get(key)

    def _check_pairings(self, table: Table, result: Check) -> None:
        programme = self.programme
        kinds = choice_lookup(PairingKind.choices)
        statuses = choice_lookup(PairingStatus.choices)
        phases = list(programme.phases.all())
        consortia = {text_key(c.name): c for c in programme.consortia.all()}
        roles: dict[tuple[int, int], set[str]] = {}
        for consortium_id, institution_id, role in Consortium.objects.filter(
            programme=programme
        ).values_list("pk", "memberships__institution", "memberships__role"):
            roles.setdefault((consortium_id, institution_id), set()).add(role)
        existing: dict[tuple[int | None, int, int], Pairing] = {
            (p.phase_id, p.supporter_id, p.supported_id): p
            for p in Pairing.objects.filter(programme=programme).select_related("consortium")
        }
        names = list(self.institutions)
        seen: dict[tuple[Any, str, str], int] = {}
        stage = _("检查「结对」")
        # Translated once, not per row (10,000 rows × gettext adds up).
        labels = {f.name: str(f.verbose_name) for f in Pairing._meta.fields}
        kind_labels = {value: str(label) for value, label in PairingKind.choices}
        status_labels = {value: str(label) for value, label in PairingStatus.choices}
        for row in table.rows:
            self._tick(stage)
            v = {k: clean_text(x) for k, x in row.values.items()}
            outcome = RowOutcome(
                table.sheet, row.number, f"{v.get('supporter', '')} → {v.get('supported', '')}"
            )
            result.reject_formulas(outcome, table, row)
            _check_lengths(result, outcome, table, v, PAIRING_LIMITS)
            kind = kinds.get(text_key(v.get("kind", "")))
            if kind is None:
                result.error(
                    outcome,
                    table,
                    "kind",
                    _("结对类型“%(value)s”不在可选范围内") % {"value": v.get("kind", "")}
                    + (did_you_mean(v.get("kind", ""), choice_labels(PairingKind.choices)) or "。"),
                )
            parties: dict[str, Institution | None] = {}
            for side in ("supporter", "supported"):
                name = v.get(side, "")
                party = self._party(name) if name else None
                if not name and side not in row.formulas:
                    result.error(outcome, table, side, _("不能为空。"))
                elif name and party is None:
                    result.error(
                        outcome,
                        table,
                        side,
                        _("找不到单位“%(name)s”") % {"name": name}
                        + (
                            did_you_mean(
                                name,
                                [self.institutions[k].name for k in _near(text_key(name), names)],
                            )
                            or _("，请先在「单位」表中添加。")
                        ),
                    )
                parties[side] = party
            phase = self.phase
            if v.get("phase"):
                phase = next(
                    (
                        p
                        for p in phases
                        if text_key(v["phase"])
                        in {text_key(p.name), str(p.number), text_key(f"第{p.number}轮")}
                    ),
                    None,
                )
                if phase is None:
                    result.error(
                        outcome,
                        table,
                        "phase",
                        _("本计划没有轮次“%(value)s”（现有：%(phases)s）。")
                        % {"value": v["phase"], "phases": "、".join(p.name for p in phases) or "—"},
                    )
            consortium = None
            if v.get("consortium"):
                consortium = consortia.get(text_key(v["consortium"]))
                if consortium is None:
                    result.error(
                        outcome,
                        table,
                        "consortium",
                        _("本计划没有组团“%(value)s”") % {"value": v["consortium"]}
                        + (
                            did_you_mean(v["consortium"], [c.name for c in consortia.values()])
                            or "。"
                        ),
                    )
            dates: dict[str, dt.date | None] = {}
            for key in ("starts_on", "ends_on"):
                dates[key], problem = parse_date(row.values.get(key))
                if problem:
                    result.error(outcome, table, key, problem)
            status = statuses.get(text_key(v.get("status", ""))) if v.get("status") else None
            if v.get("status") and status is None:
                result.error(
                    outcome,
                    table,
                    "status",
                    _("状态“%(value)s”应为：%(choices)s。")
                    % {
                        "value": v["status"],
                        "choices": "、".join(choice_labels(PairingStatus.choices)),
                    },
                )
            supporter, supported = parties.get("supporter"), parties.get("supported")
            if supporter is not None and supported is not None and kind is not None:
                if text_key(supporter.name) == text_key(supported.name):
                    result.error(
                        outcome,
                        table,
                        "supported",
                        _("支援方和受援方不能是同一单位（“%(name)s”）。")
                        % {"name": supporter.name},
                    )
                else:
                    for side, message in pairing_kind_errors(
                        kind=kind, supporter=supporter, supported=supported
                    ).items():
                        result.error(outcome, table, side, message)
                if programme.region is not None and not supported.region.code.startswith(
                    programme.region.code
                ):
                    result.error(
                        outcome,
                        table,
                        "supported",
                        _("受援方“%(name)s”不在计划实施地区“%(region)s”内。")
                        % {"name": supported.name, "region": programme.region.name},
                    )
                if consortium is not None:
                    if not roles.get((consortium.pk, supporter.pk), set()) & {
                        MemberRole.LEAD,
                        MemberRole.SUPPORTING,
                    }:
                        result.error(
                            outcome,
                            table,
                            "supporter",
                            _("“%(name)s”不是“%(consortium)s”的牵头或参与帮扶高校。")
                            % {"name": supporter.name, "consortium": consortium.name},
                        )
                    if MemberRole.SUPPORTED not in roles.get((consortium.pk, supported.pk), set()):
                        result.error(
                            outcome,
                            table,
                            "supported",
                            _("“%(name)s”不是“%(consortium)s”的重点支持院校。")
                            % {"name": supported.name, "consortium": consortium.name},
                        )
                where = (
                    phase.pk if phase else None,
                    text_key(supporter.name),
                    text_key(supported.name),
                )
                if where in seen:
                    result.error(
                        outcome,
                        table,
                        "supported",
                        _("与第 %(row)d 行是同一结对（同一轮次的同一支援方和受援方）。")
                        % {"row": seen[where]},
                    )
                seen.setdefault(where, row.number)
            if (
                outcome.status == RowStatus.ERROR
                or supporter is None
                or supported is None
                or kind is None
            ):
                result.rows.append(outcome)
                continue
            starts_on = dates["starts_on"]
            ends_on = dates["ends_on"]
            outcome.label = f"{supporter.name} → {supported.name}"
            pairing = (
                existing.get((phase.pk if phase else None, supporter.pk, supported.pk))
                if supporter.pk and supported.pk
                else None
            )
            if pairing is None:
                starts_on = starts_on or (phase.starts_on if phase else None)
                ends_on = ends_on or (phase.ends_on if phase else None)
            else:
                starts_on = starts_on or pairing.starts_on
                ends_on = ends_on or pairing.ends_on
            if starts_on and ends_on and ends_on < starts_on:
                result.error(outcome, table, "ends_on", _("结束日期不能早于开始日期。"))
                result.rows.append(outcome)
                continue
            values: dict[str, Any] = {
                "kind": kind,
                "consortium": consortium
                if "consortium" in row.values
                else (pairing.consortium if pairing else None),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "status": status or (pairing.status if pairing else PairingStatus.ACTIVE),
                "note": v.get("note", "")
                if "note" in row.values
                else (pairing.note if pairing else ""),
            }
            if pairing is None:
                # Built as a model only when applied: a preview of 10,000 rows stays light.
                chosen = values.pop("consortium")
                values["consortium_id"] = chosen.pk if chosen else None
                values["phase_id"] = phase.pk if phase else None
                outcome.status = RowStatus.NEW
                diff(outcome.changes, labels["kind"], "", kind_labels[kind])
                self.plan.new_pairings.append(
                    (values, text_key(supporter.name), text_key(supported.name))
                )
            else:
                for attribute, value in values.items():
                    old = getattr(pairing, attribute)
                    if attribute == "kind" and old != value:
                        diff(
                            outcome.changes,
                            labels[attribute],
                            kind_labels[old],
                            kind_labels[value],
                        )
                    elif attribute == "status" and old != value:
                        diff(
                            outcome.changes,
                            labels[attribute],
                            status_labels[old],
                            status_labels[value],
                        )
                    elif attribute == "consortium":
                        if (old.pk if old else None) != (value.pk if value else None):
                            diff(outcome.changes, labels[attribute], old, value)
                    elif attribute not in ("kind", "status"):
                        diff(outcome.changes, labels[attribute], old, value)
                    setattr(pairing, attribute, value)
                outcome.status = RowStatus.UPDATED if outcome.changes else RowStatus.UNCHANGED
                if outcome.changes:
                    self.plan.changed_pairings.append(pairing)
            result.rows.append(outcome)

    # ---------------------------------------------------------------------------------------

    def apply(self, progress: ProgressCallback = no_progress) -> dict[str, int]:
        plan = self.plan
        counts = {"new": 0, "updated": 0}
        # Regions: parents before children (a new town under a new district works).
        new_regions = sorted(
            (p.region for p in plan.regions if p.is_new), key=lambda r: len(r.code)
        )
        for region in new_regions:
            # A parent new in the same file is the same object, saved just before.
            region.parent = region.parent
            region.full_clean()
            region.save()
        changed_regions = [p.region for p in plan.regions if not p.is_new]
        Region.objects.bulk_update(
            changed_regions,
            [
                "name",
                "short_name",
                "zone",
                "is_key_rural_revitalization_county",
                "is_poverty_alleviated_county",
                "is_land_border_county",
            ],
            batch_size=500,
        )
        counts["new"] += len(new_regions)
        counts["updated"] += len(changed_regions)
        progress(1, 4, _("正在写入单位"))
        new_institutions = [p.institution for p in plan.institutions if p.is_new]
        Institution.objects.bulk_create(new_institutions, batch_size=500)
        changed = [p.institution for p in plan.institutions if not p.is_new and p.changed]
        Institution.objects.bulk_update(
            changed,
            ["short_name", "kind", "region", "cluster", "address", "website"],
            batch_size=500,
        )
        counts["new"] += len(new_institutions)
        counts["updated"] += len(changed)
        self._apply_contacts()
        progress(2, 4, _("正在写入结对"))
        # Ids rather than objects: new institutions got theirs just above.
        new_pairings = [
            Pairing(
                programme_id=self.programme.pk,
                supporter_id=self.institutions[supporter_key].pk,
                supported_id=self.institutions[supported_key].pk,
                **values,
            )
            for values, supporter_key, supported_key in plan.new_pairings
        ]
        Pairing.objects.bulk_create(new_pairings, batch_size=1000)
        Pairing.objects.bulk_update(
            plan.changed_pairings,
            ["kind", "consortium", "starts_on", "ends_on", "status", "note"],
            batch_size=1000,
        )
        counts["new"] += len(new_pairings)
        counts["updated"] += len(plan.changed_pairings)
        progress(4, 4, "")
        return counts

    def _apply_contacts(self) -> None:
        stored = getattr(self, "_stored_contacts", {})
        new_contacts, changed = [], []
        for plan in self.plan.institutions:
            if plan.contact is None:
                continue
            name, phone, email = plan.contact
            contact = stored.get((plan.institution.pk, text_key(name))) if not plan.is_new else None
            if contact is None:
                new_contacts.append(
                    Contact(institution=plan.institution, name=name, phone=phone, email=email)
                )
            else:
                contact.phone = phone or contact.phone
                contact.email = email or contact.email
                changed.append(contact)
        Contact.objects.bulk_create(new_contacts, batch_size=500)
        Contact.objects.bulk_update(changed, ["phone", "email"], batch_size=500)

    # ---------------------------------------------------------------------------------------

    def template(self) -> bytes:
        programme = Programme.objects.filter(pk=param_pk(self.params, "programme")).first()
        return round_setup_workbook(programme=programme, phase=None, example=True)


def _limits(model: type[models.Model], columns: dict[str, str]) -> dict[str, int]:
    """column key → the most characters its model field holds (column → field name)."""
    limits = {}
    for key, name in columns.items():
        field = model._meta.get_field(name)
        limits[key] = int(getattr(field, "max_length", 0) or 0)
    return limits


REGION_LIMITS = _limits(Region, {"name": "name", "short_name": "short_name"})
INSTITUTION_LIMITS = {
    **_limits(
        Institution,
        {
            "name": "name",
            "short_name": "short_name",
            "cluster": "cluster",
            "address": "address",
            "website": "website",
        },
    ),
    **_limits(Contact, {"contact": "name", "email": "email"}),
}
PAIRING_LIMITS = _limits(Pairing, {"note": "note"})


def _check_lengths(
    result: Check, outcome: RowOutcome, table: Table, v: dict[str, str], limits: dict[str, int]
) -> None:
    """Text longer than the database holds: an error at its cell, not a failed import."""
    for key, limit in limits.items():
        if len(v.get(key, "")) > limit:
            result.error(outcome, table, key, _("超过 %(limit)d 个字符。") % {"limit": limit})


def _near(key: str, keys: Sequence[str]) -> list[str]:
    """Candidate names sharing a character run with `key` (keeps difflib off 3,000 names)."""
    if not key:
        return []
    head = key[:2]
    found = [k for k in keys if head in k or key[-2:] in k]
    return found[:200]
