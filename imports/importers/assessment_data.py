"""考核数据导入 — the data of an assessment scheme (issue #10) from Excel: the assessed parties'
values of its imported (or reviewer-entered) indicators, with their own targets and last
year's values, and the satisfaction survey of each region.

One workbook, two sheets, either of which may be left out: 考核数据 (被考核单位 | 指标编号 |
数值 | 目标值 | 上年值 | 说明) and 满意度调查 (地区 | 有效样本数 | 满意度). A party is named by
its institution's name, or by its region's (“广州市”, “大埔县” mean that region's education
bureau). A row replaces the party's stored value of the indicator (the entry's history keeps
the old one); a blank optional cell keeps what is stored.

Unlike the bulk imports, this one is open to the provincial department that manages the
scheme's programme (accounts.selectors.can_manage_assessment), not only to administrators.
Checking reads the scheme's indicators, parties, entries and surveys once and validates each
row in memory with the models' rules; applying writes in bulk (with history rows).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.selectors import User, assessment_programmes_managed_by, can_manage_assessment
from assessments.models import (
    HUNDRED,
    AssessmentEntry,
    AssessmentIndicator,
    AssessmentScheme,
    Rule,
    Source,
    SurveyResult,
)
from assessments.models import Column as AssessmentColumn
from assessments.rules import rounded
from assessments.selectors import parties_of
from imports.importers.base import (
    Check,
    Importer,
    ImportForm,
    ProgressCallback,
    RowOutcome,
    RowStatus,
    diff,
    no_progress,
    register,
)
from imports.workbook import (
    Column,
    Problem,
    Row,
    Table,
    TableError,
    Workbook,
    clean_long_text,
    clean_text,
    did_you_mean,
    parse_bool,
    parse_decimal,
    parse_int,
    text_key,
)
from imports.xlsx import SheetSpec, build_workbook
from outputs.exporters.base import param_pk
from schools.models import Institution, KindGroup, Region

ENTRY_SHEET, SURVEY_SHEET = "考核数据", "满意度调查"
ENTRY_SHEETS = (ENTRY_SHEET, "考核数据导入", "指标数据")
SURVEY_SHEETS = (SURVEY_SHEET, "满意度调查结果", "满意度")
IMPORTABLE = (Source.IMPORTED, Source.ENTERED)
AMOUNT_LIMIT = Decimal(10) ** 12  # max_digits=14, decimal_places=2
MAX_RESPONDENTS = 2_147_483_647  # PositiveIntegerField

ENTRY_COLUMNS = [
    Column(
        "party",
        _l("被考核单位"),
        aliases=("单位", "单位名称", "被考核单位名称", "被考核地区", "地区"),
        required=True,
        help=_l("单位全称（见「被考核单位」表），或地区名称（表示该地区的教育行政部门）。"),
        example="示例市教育局",
        width=26,
    ),
    Column(
        "code",
        _l("指标编号"),
        aliases=("编号", "指标代码", "考核指标编号"),
        required=True,
        help=_l("见「可导入指标」表。"),
        example="1.1",
        width=12,
    ),
    Column(
        "value",
        _l("数值"),
        aliases=("数据", "实际值", "得分", "当年值", "本年值"),
        required=True,
        help=_l("是否类指标填“是”或“否”；评审打分填 0–100 分；其余填数值。"),
        example="95",
        width=12,
    ),
    Column(
        "target",
        _l("目标值"),
        aliases=("目标",),
        help=_l("该单位本指标的目标（可不填）。"),
        example="100",
        width=12,
    ),
    Column(
        "last_year",
        _l("上年值"),
        aliases=("上年数值", "上年数据", "去年值"),
        help=_l("增值评价用（可不填）。"),
        example="90",
        width=12,
    ),
    Column(
        "evidence",
        _l("说明"),
        aliases=("备注", "佐证说明", "数据说明", "佐证"),
        help=_l("数据来源或佐证（可不填）。"),
        example="示例行，导入时跳过",
        width=40,
    ),
]

SURVEY_COLUMNS = [
    Column(
        "region",
        _l("地区"),
        aliases=("地区名称", "市县", "地市", "调查地区"),
        required=True,
        help=_l("被考核单位所在的地区（名称或简称）。"),
        example="示例市",
        width=18,
    ),
    Column(
        "respondents",
        _l("有效样本数"),
        aliases=("样本数", "有效问卷数", "有效样本"),
        required=True,
        help=_l("正整数。"),
        example="1200",
        width=14,
    ),
    Column(
        "score",
        _l("满意度"),
        aliases=("满意度得分", "满意度（%）", "满意率"),
        required=True,
        help=_l("0–100。"),
        example="88.5",
        width=12,
    ),
]

INDICATOR_COLUMNS = [
    Column("code", _l("指标编号"), width=12),
    Column("name", _l("指标名称"), width=36),
    Column("rule", _l("计分规则"), width=30),
    Column("unit", _l("计量单位"), width=12),
    Column("how", _l("填写要求"), width=44),
]

PARTY_COLUMNS = [
    Column("name", _l("单位名称"), width=30),
    Column("region", _l("地区"), width=16),
    Column("column", _l("考核类别"), width=22),
]


def schemes_managed_by(user: User) -> Any:
    """The schemes whose data the user may import (those of the programmes they manage)."""
    return AssessmentScheme.objects.filter(
        programme__in=assessment_programmes_managed_by(user)
    ).select_related("programme")


def _scheme(params: dict[str, Any]) -> AssessmentScheme | None:
    return (
        AssessmentScheme.objects.select_related("programme__region")
        .filter(pk=param_pk(params, "scheme"))
        .first()
    )


class SchemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.programme.short_name or obj.programme.name} · {obj}"


class AssessmentDataForm(ImportForm):
    scheme = SchemeChoiceField(label=_l("考核评价方案"), queryset=AssessmentScheme.objects.none())
    file = forms.FileField(label=_l("Excel 文件（.xlsx）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit("scheme", schemes_managed_by(self.user))


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _shown(indicator: AssessmentIndicator, value: Decimal | None) -> str:
    if value is None:
        return ""
    if indicator.rule == Rule.YES_NO:
        return _("是") if value > 0 else _("否")
    return _number(value)


def _how_to_fill(indicator: AssessmentIndicator) -> str:
    if indicator.rule == Rule.YES_NO:
        return _("填“是”或“否”（也可填 1 或 0）")
    if indicator.rule == Rule.MANUAL:
        return _("填 0–100 分")
    parts = [_("填数值") + (f"（{indicator.unit}）" if indicator.unit else "")]
    if indicator.rule == Rule.ATTAINMENT:
        parts.append(_("可在「目标值」列逐单位给出目标"))
    if indicator.value_added:
        parts.append(_("增值评价：请填上年值（不填时取上年度已发布的考核结果）"))
    return "；".join(parts)


class _Parties:
    """The scheme's assessed parties by every name a row may call them: the institution's
    name or short name, and for an education bureau its region's name or short name; and the
    regions they lie in, for the survey."""

    def __init__(self, scheme: AssessmentScheme) -> None:
        self.institutions: dict[int, Institution] = {}
        self.regions: dict[int, Region] = {}
        self.named: dict[str, set[int]] = defaultdict(set)
        self.region_named: dict[str, set[int]] = defaultdict(set)
        for party in parties_of(scheme):
            institution, region = party.institution, party.institution.region
            self.institutions[institution.pk] = institution
            self.regions[region.pk] = region
            for name in (institution.name, institution.short_name):
                self._add(self.named, name, institution.pk)
            for name in (region.name, region.short_name):
                self._add(self.region_named, name, region.pk)
                if institution.kind in KindGroup.LOCAL_BUREAU:
                    self._add(self.named, name, institution.pk)

    @staticmethod
    def _add(index: dict[str, set[int]], name: str, pk: int) -> None:
        if name:
            index[text_key(name)].add(pk)

    def party(self, name: str) -> tuple[Institution | None, str]:
        """(the party, "") or (None, the problem)."""
        found = self.named.get(text_key(name), set())
        if len(found) == 1:
            return self.institutions[next(iter(found))], ""
        if found:
            names = "、".join(sorted(self.institutions[pk].name for pk in found))
            return None, _("“%(name)s”对应多个被考核单位（%(names)s），请填写单位全称。") % {
                "name": name,
                "names": names,
            }
        candidates = [i.name for i in self.institutions.values()]
        return None, _("“%(name)s”不是本方案的被考核单位") % {"name": name} + (
            did_you_mean(name, candidates) or "。"
        )

    def region(self, name: str) -> tuple[Region | None, str]:
        found = self.region_named.get(text_key(name), set())
        if len(found) == 1:
            return self.regions[next(iter(found))], ""
        if found:
            return None, _("“%(name)s”对应多个地区，请填写地区全称。") % {"name": name}
        candidates = [r.name for r in self.regions.values()]
        return None, _("“%(name)s”不是本方案被考核单位所在的地区") % {"name": name} + (
            did_you_mean(name, candidates) or "。"
        )


@dataclass
class _Context:
    table: Table
    check: Check
    outcome: RowOutcome
    row: Row

    def error(self, key: str, message: str) -> None:
        self.check.error(self.outcome, self.table, key, message)

    def blank(self, key: str) -> bool:
        """Empty, and not a formula (which reject_formulas already reported)."""
        return not clean_text(self.row.values.get(key)) and key not in self.row.formulas

    def amount(self, key: str) -> Decimal | None:
        """A number rounded to two decimals (with a warning when that changed it), or None
        when blank or wrong (the problem recorded)."""
        raw = self.row.values.get(key)
        number, problem = parse_decimal(raw)
        if problem:
            self.error(key, problem)
            return None
        if number is None:
            return None
        if abs(number) >= AMOUNT_LIMIT:
            self.error(key, _("“%(value)s”超出可保存的范围。") % {"value": clean_text(raw)})
            return None
        kept = rounded(number)
        if abs(kept - number) > Decimal("1e-9"):  # not a float's noise (0.30000000000000004)
            self.check.warnings.append(
                Problem(
                    _("“%(value)s”按两位小数取为 %(kept)s。")
                    % {"value": clean_text(raw), "kept": _number(kept)},
                    sheet=self.table.sheet,
                    row=self.row.number,
                    column=self.table.header(key),
                )
            )
        return kept


@register
class AssessmentDataImporter(Importer):
    kind = "assessment_data"
    name = _l("考核数据和满意度调查")
    description = _l(
        "考核评价方案中“Excel 导入”（或“评审录入”）指标的各单位数值、目标值和上年值，"
        "以及各地区满意度调查结果（有效样本数、满意度）。同一单位同一指标再次导入时更新原有数据。"
    )
    template_name = _l("考核数据导入模板")
    form_class = AssessmentDataForm

    def __init__(self, params: dict[str, Any], *, user: Any) -> None:
        super().__init__(params, user=user)
        self._entries: list[tuple[AssessmentEntry, bool]] = []  # (entry, is new)
        self._surveys: list[tuple[SurveyResult, bool]] = []

    @classmethod
    def open_to(cls, user: User) -> bool:
        """Administrators and the provincial departments that manage an assessment."""
        return assessment_programmes_managed_by(user).exists()

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        scheme = _scheme(params)
        return scheme is not None and can_manage_assessment(user, scheme)

    def title(self) -> str:
        scheme = _scheme(self.params)
        if scheme is None:
            return str(self.name)
        return " · ".join([str(self.name), scheme.programme.short_name, str(scheme)])

    # Checking ------------------------------------------------------------------------------

    def check(self, book: Workbook, progress: ProgressCallback = no_progress) -> Check:
        check = Check()
        self._entries, self._surveys = [], []
        scheme = _scheme(self.params)
        if scheme is None:
            check.problems.append(Problem(_("所选的考核评价方案已不存在，请重新选择。")))
            return check
        tables: dict[str, Table] = {}
        for key, names, columns in (
            ("entries", ENTRY_SHEETS, ENTRY_COLUMNS),
            ("surveys", SURVEY_SHEETS, SURVEY_COLUMNS),
        ):
            sheet = book.sheet(*names)
            if sheet is None:
                continue
            try:
                tables[key] = sheet.table(columns)
            except TableError as error:
                check.problems.extend(error.problems)
        if not tables and not check.problems:
            check.problems.append(
                Problem(
                    _("文件中没有「考核数据」或「满意度调查」工作表（现有：%(sheets)s）。")
                    % {"sheets": "、".join(book.sheetnames)}
                )
            )
        if check.problems:
            return check
        parties = _Parties(scheme)
        if "entries" in tables:
            self._check_entries(scheme, parties, tables["entries"], check, progress)
        if "surveys" in tables:
            self._check_surveys(scheme, parties, tables["surveys"], check)
        for table in tables.values():
            check.add_table_warnings(table)
        return check

    def _check_entries(
        self,
        scheme: AssessmentScheme,
        parties: _Parties,
        table: Table,
        check: Check,
        progress: ProgressCallback,
    ) -> None:
        indicators = list(scheme.indicators.all())
        by_code = {text_key(i.code): i for i in indicators}
        parents = {i.parent_id for i in indicators if i.parent_id is not None}
        codes = [i.code for i in indicators if i.source in IMPORTABLE and i.pk not in parents]
        stored = {
            (e.indicator_id, e.party_id): e
            for e in AssessmentEntry.objects.filter(indicator__scheme=scheme)
        }
        seen: dict[tuple[int, int], int] = {}
        headers = {c.key: str(c.header) for c in ENTRY_COLUMNS}
        for position, row in enumerate(table.rows, start=1):
            if position % 200 == 0:
                progress(position, len(table.rows), _("正在检查「考核数据」"))
            v = {key: clean_text(value) for key, value in row.values.items()}
            outcome = RowOutcome(
                table.sheet, row.number, f"{v.get('party', '')} · {v.get('code', '')}"
            )
            ctx = _Context(table, check, outcome, row)
            check.reject_formulas(outcome, table, row)
            party = indicator = None
            if ctx.blank("party"):
                ctx.error("party", _("不能为空。"))
            elif v.get("party"):
                party, problem = parties.party(v["party"])
                if party is None:
                    ctx.error("party", problem)
            if ctx.blank("code"):
                ctx.error("code", _("不能为空。"))
            elif v.get("code"):
                indicator = by_code.get(text_key(v["code"]))
                problem = self._not_importable(v["code"], indicator, parents, codes)
                if problem:
                    ctx.error("code", problem)
                    indicator = None
            value = None
            if indicator is not None:
                value = self._value(ctx, indicator)
            elif ctx.blank("value"):
                ctx.error("value", _("不能为空。"))
            target, last_year = ctx.amount("target"), ctx.amount("last_year")
            evidence = clean_long_text(row.values.get("evidence"))
            if party is not None and indicator is not None:
                outcome.label = f"{party.name} · {indicator}"
                key = (indicator.pk, party.pk)
                if key in seen:
                    ctx.error(
                        "code",
                        _("与第 %(row)s 行重复：同一单位的同一指标只能填一行。")
                        % {"row": seen[key]},
                    )
                seen.setdefault(key, row.number)
            if outcome.status == RowStatus.ERROR or party is None or indicator is None:
                outcome.status = RowStatus.ERROR
                check.rows.append(outcome)
                continue
            assert value is not None
            entry = stored.get((indicator.pk, party.pk))
            is_new = entry is None
            entry = entry or AssessmentEntry(indicator=indicator, party=party)
            changes = outcome.changes
            diff(
                changes, headers["value"], _shown(indicator, entry.value), _shown(indicator, value)
            )
            new_target = target if target is not None else entry.target
            new_last_year = last_year if last_year is not None else entry.last_year
            new_evidence = evidence or entry.evidence
            diff(changes, headers["target"], _number(entry.target), _number(new_target))
            diff(changes, headers["last_year"], _number(entry.last_year), _number(new_last_year))
            diff(changes, headers["evidence"], entry.evidence, new_evidence)
            if not is_new and entry.source != Source.IMPORTED:
                diff(changes, _("来源"), entry.get_source_display(), Source.IMPORTED.label)
            entry.value, entry.target, entry.last_year = value, new_target, new_last_year
            entry.evidence, entry.source = new_evidence, Source.IMPORTED
            if is_new:
                outcome.status = RowStatus.NEW
            elif changes:
                outcome.status = RowStatus.UPDATED
            else:
                outcome.status = RowStatus.UNCHANGED
            if outcome.status != RowStatus.UNCHANGED:
                self._entries.append((entry, is_new))
            check.rows.append(outcome)

    @staticmethod
    def _not_importable(
        code: str,
        indicator: AssessmentIndicator | None,
        parents: set[int],
        codes: Sequence[str],
    ) -> str:
        if indicator is None:
            return _("方案中没有编号为“%(code)s”的指标") % {"code": code} + (
                did_you_mean(code, codes) or "。"
            )
        if indicator.pk in parents:
            return _("“%(indicator)s”是一级指标，按其二级指标加权计分，请填写二级指标的编号。") % {
                "indicator": indicator
            }
        if indicator.source == Source.COMPUTED:
            return _("“%(indicator)s”的数据由系统自动计算，不能导入。") % {"indicator": indicator}
        if indicator.source == Source.SURVEY:
            return _(
                "“%(indicator)s”的数据来自满意度调查，请在「满意度调查」工作表中按地区填写。"
            ) % {"indicator": indicator}
        if indicator.source not in IMPORTABLE:
            return _("“%(indicator)s”尚未设置数据来源，不能导入。") % {"indicator": indicator}
        return ""

    @staticmethod
    def _value(ctx: _Context, indicator: AssessmentIndicator) -> Decimal | None:
        """The value by the indicator's rule: 是/否 as 1/0, a score of 0–100, or a number."""
        if ctx.blank("value"):
            ctx.error("value", _("不能为空。"))
            return None
        if "value" in ctx.row.formulas:
            return None
        raw = ctx.row.values.get("value")
        if indicator.rule == Rule.YES_NO:
            yes, problem = parse_bool(raw)
            if yes is None:
                ctx.error("value", problem)
                return None
            return Decimal(1) if yes else Decimal(0)
        value = ctx.amount("value")
        if value is not None and indicator.rule == Rule.MANUAL and not 0 <= value <= HUNDRED:
            ctx.error(
                "value",
                _("“%(indicator)s”是评审打分，须在 0 到 100 分之间（填的是 %(value)s）。")
                % {"indicator": indicator, "value": _number(value)},
            )
            return None
        return value

    def _check_surveys(
        self, scheme: AssessmentScheme, parties: _Parties, table: Table, check: Check
    ) -> None:
        stored = {s.region_id: s for s in scheme.surveys.all()}
        seen: dict[int, int] = {}
        headers = {c.key: str(c.header) for c in SURVEY_COLUMNS}
        for row in table.rows:
            v = {key: clean_text(value) for key, value in row.values.items()}
            outcome = RowOutcome(table.sheet, row.number, v.get("region", ""))
            ctx = _Context(table, check, outcome, row)
            check.reject_formulas(outcome, table, row)
            region = None
            if ctx.blank("region"):
                ctx.error("region", _("不能为空。"))
            elif v.get("region"):
                found, problem = parties.region(v["region"])
                if found is None:
                    ctx.error("region", problem)
                elif found.pk in seen:
                    ctx.error(
                        "region",
                        _("与第 %(row)s 行重复：每个地区只能填一行。") % {"row": seen[found.pk]},
                    )
                else:
                    region, outcome.label = found, found.name
                    seen[found.pk] = row.number
            respondents, problem = parse_int(row.values.get("respondents"), minimum=1)
            if problem:
                ctx.error("respondents", problem)
            elif respondents is None and ctx.blank("respondents"):
                ctx.error("respondents", _("不能为空。"))
            elif respondents is not None and respondents > MAX_RESPONDENTS:
                ctx.error("respondents", _("有效样本数过大。"))
            score = ctx.amount("score")
            if ctx.blank("score"):
                ctx.error("score", _("不能为空。"))
            elif score is not None and not 0 <= score <= HUNDRED:
                ctx.error(
                    "score",
                    _("满意度须在 0 到 100 之间（填的是 %(value)s）。") % {"value": _number(score)},
                )
            if (
                outcome.status == RowStatus.ERROR
                or region is None
                or respondents is None
                or score is None
            ):
                outcome.status = RowStatus.ERROR
                check.rows.append(outcome)
                continue
            survey = stored.get(region.pk)
            is_new = survey is None
            survey = survey or SurveyResult(scheme=scheme, region=region)
            diff(outcome.changes, headers["respondents"], survey.respondents, respondents)
            diff(outcome.changes, headers["score"], _number(survey.score), _number(score))
            survey.respondents, survey.score = respondents, score
            if is_new:
                outcome.status = RowStatus.NEW
            elif outcome.changes:
                outcome.status = RowStatus.UPDATED
            else:
                outcome.status = RowStatus.UNCHANGED
            if outcome.status != RowStatus.UNCHANGED:
                self._surveys.append((survey, is_new))
            check.rows.append(outcome)
        if table.rows and not scheme.indicators.filter(source=Source.SURVEY).exists():
            check.warnings.append(
                Problem(
                    _("方案中没有来源为“满意度调查”的指标，导入的调查结果暂不参与计分。"),
                    sheet=table.sheet,
                )
            )

    # Applying ------------------------------------------------------------------------------

    def apply(self, progress: ProgressCallback = no_progress) -> dict[str, int]:
        """Write what the last check decided (its rows already passed the models' rules)."""
        now = timezone.now()
        batch_id = self.batch.pk if self.batch is not None else None
        for entry, _new in self._entries:
            entry.import_batch_id, entry.recorded_by, entry.recorded_at = batch_id, self.user, now
        for survey, _new in self._surveys:
            survey.import_batch_id, survey.recorded_at = batch_id, now
        new_entries = [e for e, is_new in self._entries if is_new]
        changed_entries = [e for e, is_new in self._entries if not is_new]
        bulk_create_with_history(
            new_entries, AssessmentEntry, batch_size=500, default_user=self.user
        )
        bulk_update_with_history(
            changed_entries,
            AssessmentEntry,
            [
                "value",
                "target",
                "last_year",
                "evidence",
                "source",
                "import_batch",
                "recorded_by",
                "recorded_at",
            ],
            batch_size=500,
            default_user=self.user,
        )
        new_surveys = [s for s, is_new in self._surveys if is_new]
        changed_surveys = [s for s, is_new in self._surveys if not is_new]
        SurveyResult.objects.bulk_create(new_surveys, batch_size=500)
        SurveyResult.objects.bulk_update(
            changed_surveys, ["respondents", "score", "import_batch", "recorded_at"], batch_size=500
        )
        progress(1, 1, "")
        return {
            "new": len(new_entries) + len(new_surveys),
            "updated": len(changed_entries) + len(changed_surveys),
        }

    # The template --------------------------------------------------------------------------

    def template(self) -> bytes:
        scheme = (
            schemes_managed_by(self.user)
            .select_related("programme__region")
            .filter(pk=param_pk(self.params, "scheme"))
            .first()
        )
        return assessment_data_workbook(scheme)


def assessment_data_workbook(scheme: AssessmentScheme | None) -> bytes:
    """The empty workbook: instructions, the two sheets to fill (with dropdowns of the
    scheme's importable indicators, parties and regions), and for reference the indicators
    that may be imported and the assessed parties."""
    indicators: list[AssessmentIndicator] = []
    party_rows: list[list[str]] = []
    regions: list[str] = []
    if scheme is not None:
        parents = set(
            scheme.indicators.filter(parent__isnull=False).values_list("parent", flat=True)
        )
        indicators = [
            i
            for i in scheme.indicators.filter(source__in=IMPORTABLE).order_by("order", "code")
            if i.pk not in parents
        ]
        for party in parties_of(scheme):
            institution = party.institution
            party_rows.append(
                [
                    institution.name,
                    institution.region.name,
                    str(AssessmentColumn(party.column).label),
                ]
            )
            regions.append(institution.region.name)
    if scheme is not None:
        heading = _("考核数据导入：%(scheme)s（%(programme)s，%(year)s 年度）") % {
            "scheme": scheme,
            "programme": scheme.programme.name,
            "year": scheme.year,
        }
    else:
        heading = _("考核数据导入")
    instructions = [
        _(
            "「考核数据」每行填写一个被考核单位的一项指标。被考核单位填单位全称（见「被考核单位」表），"
            "也可填地区名称或简称（如“广州市”“大埔县”），表示该地区的教育行政部门。"
        ),
        _(
            "指标编号见「可导入指标」表。系统自动计算的指标和满意度调查指标不能在「考核数据」中导入。"
        ),
        _("是否类指标的数值填“是”或“否”（也可填 1 或 0）；评审打分类指标填 0–100 分。"),
        _("目标值、上年值、说明可以不填，不填时保留系统中已有的值。数值按两位小数保存。"),
        _(
            "「满意度调查」每行填写一个地区：地区为被考核单位所在的地区，有效样本数为正整数，"
            "满意度为 0–100。"
        ),
        _(
            "两张表可以只填一张。请直接填写数值，不要使用公式。上传后系统逐行检查并给出预览，"
            "有任何错误时不会导入任何数据；同一单位同一指标（同一地区）再次导入时更新原有数据。"
        ),
    ]
    if scheme is None:
        instructions.insert(
            0,
            _(
                "请在导入页面选择考核评价方案后再下载模板（或从方案的“考核数据”页面进入），"
                "模板会列出该方案可导入的指标和被考核单位。"
            ),
        )
    reference = _("仅供查阅，导入时不读取。")
    sheets = [
        SheetSpec(
            ENTRY_SHEET,
            ENTRY_COLUMNS,
            example=[c.example for c in ENTRY_COLUMNS],
            text_columns=frozenset({"code"}),
            extra_lists={
                "party": [row[0] for row in party_rows],
                "code": [i.code for i in indicators],
            },
        ),
        SheetSpec(
            SURVEY_SHEET,
            SURVEY_COLUMNS,
            example=[c.example for c in SURVEY_COLUMNS],
            extra_lists={"region": list(dict.fromkeys(regions))},
        ),
        SheetSpec(
            _("可导入指标"),
            INDICATOR_COLUMNS,
            rows=[
                [i.code, i.name, i.get_rule_display(), i.unit, _how_to_fill(i)] for i in indicators
            ],
            text_columns=frozenset({"code"}),
            intro=reference,
            reference=True,
        ),
        SheetSpec(_("被考核单位"), PARTY_COLUMNS, rows=party_rows, intro=reference, reference=True),
    ]
    return build_workbook(title=heading, instructions=instructions, sheets=sheets)
