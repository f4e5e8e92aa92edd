"""The offline quarterly report form (离线填报表): its layout, shared with the exporter that
writes it (outputs/exporters/report_form.py), and reading a filled copy back into a draft.

Reading checks every row and collects every error, each naming the sheet, the row and the
column as the person sees them in Excel; nothing is saved unless the whole file is valid, and
the save itself is report_save, so its rules (who may fill, locking, optimistic version) apply
exactly as on the web form.
"""

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import load_workbook

from accounts.selectors import can_fill_report
from config.uploads import validate_upload
from programmes.models import ContentArea
from reports.models import QuarterlyReport
from reports.selectors import derived_value, indicators_reported_by, projects_reported_by
from reports.services import REPORT_FIELDS, SECTION_FIELDS, report_save

FORM_ID = "xtzt-quarterly-report"
# Raised whenever a column or sheet moves: a form downloaded before is then refused clearly.
FORMAT_VERSION = 1
# Never shown (the exporter makes it "very hidden"), so its name is not translated.
META_SHEET = "meta"
CENT = Decimal("0.01")
MAX_VALUE = Decimal("9999999999.99")  # IndicatorValue.value: 12 digits, 2 decimals


@dataclass(frozen=True)
class Column:
    field: str
    header: Any  # lazy translation
    width: int
    kind: str = "text"  # key, ref (read-only), text, long (wrapped), percent, decimal
    hidden: bool = False

    @property
    def editable(self) -> bool:
        return self.kind in {"text", "long", "percent", "decimal"}


@dataclass(frozen=True)
class Sheet:
    key: str
    title: Any  # lazy translation
    columns: list[Column]


KEY = Column("key", _l("编号"), 8, "key")
BASIC = Sheet(
    "basic",
    _l("基本信息"),
    [
        Column("key", _l("字段"), 14, "key", hidden=True),
        Column("label", _l("项目"), 16, "ref"),
        Column("value", _l("内容"), 80, "long"),
    ],
)
SECTIONS = Sheet(
    "sections",
    _l("工作进展"),
    [
        KEY,
        Column("area", _l("内容领域"), 18, "ref"),
        Column("work_done", _l("本季度工作"), 45, "long"),
        Column("outcomes", _l("取得成效"), 40, "long"),
        Column("problems", _l("存在问题"), 35, "long"),
        Column("next_plan", _l("下季度计划"), 40, "long"),
    ],
)
PROGRESS = Sheet(
    "progress",
    _l("项目进展"),
    [
        KEY,
        Column("title", _l("项目名称"), 30, "ref"),
        Column("area", _l("内容领域"), 16, "ref"),
        Column("percent", _l("完成进度（%）"), 12, "percent"),
        Column("milestones_reached", _l("本季度完成的实施步骤"), 40, "long"),
        Column("note", _l("说明"), 30, "long"),
        Column("dates", _l("项目起止日期（参考）"), 24, "ref"),
        Column("milestones", _l("计划实施步骤（参考）"), 50, "ref"),
    ],
)
VALUES = Sheet(
    "values",
    _l("指标"),
    [
        KEY,
        Column("owner", _l("所属项目或结对"), 28, "ref"),
        Column("name", _l("指标名称"), 28, "ref"),
        Column("unit", _l("计量单位"), 10, "ref"),
        Column("target", _l("目标值"), 14, "ref"),
        Column("derived", _l("由活动汇总的数值"), 16, "ref"),
        Column("value", _l("本期数值"), 14, "decimal"),
        Column("reason", _l("修改原因（与汇总值不同时必填）"), 36, "text"),
    ],
)
SHEETS = [BASIC, SECTIONS, PROGRESS, VALUES]
REASON_MAX_LENGTH = 255


UNREADABLE = _l("无法读取该文件：它不是有效的 Excel 工作簿（.xlsx），或已损坏。")


class OfflineFormInvalid(Exception):
    """The uploaded file cannot be imported; `errors` lists every problem, in Chinese."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class OfflineReport:
    """A filled form, read and checked, in the shape report_save takes."""

    period_id: int
    institution_id: int
    version: int
    fields: dict[str, Any]
    sections: dict[int, dict[str, str]] = field(default_factory=dict)
    progress: dict[int, dict[str, Any]] = field(default_factory=dict)
    values: dict[int, dict[str, Any]] = field(default_factory=dict)


class _Errors:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        self.messages.append(
            _("「%(sheet)s」第 %(row)d 行「%(column)s」：%(message)s")
            % {"sheet": sheet, "row": row, "column": column, "message": message}
        )


def _shown(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _text(raw: Any) -> str:
    """A cell as text; a phone number typed as a number stays without “.0”."""
    if raw is None:
        return ""
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()
    return _shown(raw)


def _percent(raw: Any) -> tuple[int | None, str]:
    """(the whole number 0–100 or None, "" or the problem)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    number: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    elif isinstance(raw, float) and raw.is_integer():
        number = int(raw)
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        number = int(raw.strip())
    if number is None:
        return None, _("“%(value)s”不是整数。") % {"value": _shown(raw)}
    if not 0 <= number <= 100:
        return None, _("“%(value)s”不在 0 到 100 之间。") % {"value": number}
    return number, ""


def _decimal(raw: Any) -> tuple[Decimal | None, str]:
    """(the number or None, "" or the problem)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None, _("“%(value)s”不是数字。") % {"value": _shown(raw)}
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        return None, _("“%(value)s”不是数字。") % {"value": _shown(raw)}
    if number != number.quantize(CENT):
        return None, _("“%(value)s”最多保留两位小数。") % {"value": _shown(raw)}
    if abs(number) > MAX_VALUE:
        return None, _("“%(value)s”超出可填报的范围。") % {"value": _shown(raw)}
    return number.quantize(CENT), ""


def _rows(book: Any, sheet: Sheet, meta: dict[str, list[Any]]) -> tuple[str, list[str], list]:
    """The sheet's title and headers as the file shows them, and its non-empty data rows as
    (row number, values); OfflineFormInvalid when the sheet is missing or was rearranged."""
    recorded = meta.get(f"sheet:{sheet.key}") or []
    title = _text(recorded[0]) if recorded else str(sheet.title)
    headers = [_text(h) for h in recorded[1:]]
    if title not in book.sheetnames:
        raise OfflineFormInvalid([_("文件中缺少工作表「%(sheet)s」。") % {"sheet": title}])
    width = len(sheet.columns)
    rows = _cells(book[title], width)
    found = [_text(v) for v in rows[0]] if rows else []
    if len(headers) != width or found[:width] != headers:
        raise OfflineFormInvalid(
            [
                _("工作表「%(sheet)s」的表头与下载时不同（列被增删或移动），请重新下载填报表。")
                % {"sheet": title}
            ]
        )
    data = []
    for number, values in enumerate(rows[1:], start=2):
        values = tuple(values) + (None,) * (width - len(values))
        if any(_text(v) for v in values):
            data.append((number, values))
    return title, headers, data


def _cells(worksheet: Any, width: int) -> list[tuple[Any, ...]]:
    """The sheet's values, row by row. Read-only mode parses the sheet only now, so a damaged
    file can still fail here."""
    worksheet.reset_dimensions()  # trust the cells, not the size the file claims
    try:
        return list(worksheet.iter_rows(max_row=MAX_ROWS, max_col=width, values_only=True))
    except Exception as error:  # the XML parser and openpyxl raise many kinds
        raise OfflineFormInvalid([str(UNREADABLE)]) from error


def _read_meta(book: Any) -> dict[str, list[Any]]:
    if META_SHEET not in book.sheetnames:
        raise OfflineFormInvalid(
            [_("这不是本系统下载的离线填报表，请在报告页面下载离线填报表后填写。")]
        )
    meta: dict[str, list[Any]] = {}
    for row in _cells(book[META_SHEET], 20):
        if row and row[0] is not None:
            meta[_text(row[0])] = [v for v in row[1:] if v is not None]
    return meta


def _meta_int(meta: dict[str, list[Any]], key: str) -> int | None:
    value = (meta.get(key) or [None])[0]
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _check_meta(meta: dict[str, list[Any]], report: QuarterlyReport) -> int:
    """The report version the form was downloaded at."""
    if (meta.get("form") or [None])[0] != FORM_ID:
        raise OfflineFormInvalid(
            [_("这不是本系统下载的离线填报表，请在报告页面下载离线填报表后填写。")]
        )
    version = _meta_int(meta, "format")
    if version != FORMAT_VERSION:
        raise OfflineFormInvalid(
            [
                _(
                    "这份离线填报表是旧版本格式（第 %(found)s 版），系统现在使用第 %(current)s 版，"
                    "请重新下载填报表后填写。"
                )
                % {"found": version if version is not None else "?", "current": FORMAT_VERSION}
            ]
        )
    if (
        _meta_int(meta, "period") != report.period_id
        or _meta_int(meta, "institution") != report.institution_id
    ):
        raise OfflineFormInvalid(
            [
                _(
                    "这份填报表属于另一份报告（其他报送期或报送单位），不是“%(report)s”的。"
                    "请下载本报告的离线填报表。"
                )
                % {"report": report}
            ]
        )
    report_version = _meta_int(meta, "version")
    if report_version is None:
        raise OfflineFormInvalid([_("填报表的版本信息已损坏，请重新下载填报表。")])
    return report_version


def _read_basic(
    book: Any, meta: dict[str, list[Any]], report: QuarterlyReport, errors: _Errors
) -> dict[str, Any]:
    # Fields absent from the sheet keep their stored value (report_save writes all of them).
    fields: dict[str, Any] = {f: getattr(report, f) for f in REPORT_FIELDS}
    title, headers, rows = _rows(book, BASIC, meta)
    for number, (key, _label, raw) in rows:
        name = _text(key)
        if name not in REPORT_FIELDS:
            errors.add(title, number, headers[0], _("这一行不是填报表原有的行，请勿新增行。"))
            continue
        text = _text(raw)
        model_field = QuarterlyReport._meta.get_field(name)
        limit = getattr(model_field, "max_length", None)
        if limit and len(text) > limit:
            errors.add(title, number, headers[2], _("超过 %(limit)d 个字符。") % {"limit": limit})
            continue
        if name == "contact_email" and text:
            try:
                validate_email(text)
            except ValidationError:
                errors.add(
                    title,
                    number,
                    headers[2],
                    _("“%(value)s”不是有效的电子邮箱地址。") % {"value": text},
                )
                continue
        fields[name] = text
    return fields


def _key(
    raw: Any, known: dict[int, Any], seen: set[int], where: tuple[str, int, str], errors: _Errors
) -> int | None:
    """The row's key if it names an expected, not yet seen object; otherwise an error."""
    title, number, header = where
    text = _text(raw)
    if not text:
        errors.add(title, number, header, _("缺少编号，请勿在表中新增行。"))
        return None
    key = int(text) if text.isascii() and text.isdigit() else None
    if key is None or key not in known:
        errors.add(
            title,
            number,
            header,
            _("编号“%(key)s”不在本单位本期的填报范围内（可能已删除或不属于本单位）。")
            % {"key": text},
        )
        return None
    if key in seen:
        errors.add(title, number, header, _("编号“%(key)s”重复出现。") % {"key": text})
        return None
    seen.add(key)
    return key


# A filled form unzips to well under this; a zip bomb does not get parsed.
UNZIPPED_LIMIT = 50 * 1024 * 1024
MAX_ROWS = 5_000  # rows read per sheet: far more than any institution's projects or indicators


def _check_unzipped_size(upload: Any) -> None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise OfflineFormInvalid([str(UNREADABLE)]) from error
    finally:
        upload.seek(0)
    if unzipped > UNZIPPED_LIMIT:
        raise OfflineFormInvalid(
            [
                _("文件解压后超过 %(mb)s MB，不是本系统的离线填报表。")
                % {"mb": UNZIPPED_LIMIT // 2**20}
            ]
        )


def offline_form_read(upload: Any, *, report: QuarterlyReport) -> OfflineReport:
    """Read a filled offline form for `report`; OfflineFormInvalid lists every problem."""
    _check_unzipped_size(upload)
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # a damaged or foreign file fails in many different ways
        raise OfflineFormInvalid([str(UNREADABLE)]) from error
    try:
        return _read(book, report)
    finally:
        book.close()


def _read(book: Any, report: QuarterlyReport) -> OfflineReport:
    meta = _read_meta(book)
    version = _check_meta(meta, report)
    period, institution = report.period, report.institution
    errors = _Errors()
    result = OfflineReport(
        period_id=period.pk,
        institution_id=institution.pk,
        version=version,
        fields=_read_basic(book, meta, report, errors),
    )

    areas = {a.pk: a for a in ContentArea.objects.filter(programme=period.programme_id)}
    title, headers, rows = _rows(book, SECTIONS, meta)
    seen: set[int] = set()
    for number, values in rows:
        key = _key(values[0], areas, seen, (title, number, headers[0]), errors)
        if key is not None:
            result.sections[key] = {f: _text(values[2 + i]) for i, f in enumerate(SECTION_FIELDS)}

    projects = {p.pk: p for p in projects_reported_by(institution=institution, period=period)}
    title, headers, rows = _rows(book, PROGRESS, meta)
    seen = set()
    for number, values in rows:
        key = _key(values[0], projects, seen, (title, number, headers[0]), errors)
        percent, problem = _percent(values[3])
        if problem:
            errors.add(title, number, headers[3], problem)
        if key is not None and not problem:
            result.progress[key] = {
                "percent": percent,
                "milestones_reached": _text(values[4]),
                "note": _text(values[5]),
            }

    indicators = {i.pk: i for i in indicators_reported_by(institution=institution, period=period)}
    title, headers, rows = _rows(book, VALUES, meta)
    seen = set()
    for number, values in rows:
        key = _key(values[0], indicators, seen, (title, number, headers[0]), errors)
        value, problem = _decimal(values[6])
        if problem:
            errors.add(title, number, headers[6], problem)
        reason = _text(values[7])
        if len(reason) > REASON_MAX_LENGTH:
            errors.add(
                title,
                number,
                headers[7],
                _("超过 %(limit)d 个字符。") % {"limit": REASON_MAX_LENGTH},
            )
            continue
        if key is None or problem:
            continue
        # Recomputed now, not read from the file: the activities are the source of truth.
        derived = derived_value(indicators[key], period)
        if derived is not None and value is not None and value != derived and not reason:
            errors.add(
                title,
                number,
                headers[7],
                _("本期数值 %(value)s 与活动记录汇总的 %(derived)s 不同，请说明修改原因。")
                % {"value": f"{value:f}", "derived": f"{derived.quantize(CENT):f}"},
            )
            continue
        result.values[key] = {"value": value, "derived": derived, "reason": reason}

    if errors.messages:
        raise OfflineFormInvalid(errors.messages)
    return result


def report_import_offline(
    *, user: User, report: QuarterlyReport, upload: UploadedFile, overwrite: bool = False
) -> QuarterlyReport:
    """Save a filled offline form as the report's draft. If someone saved the report after
    the form was downloaded, report_save raises EditConflict — unless the person, having seen
    the conflict, chose to overwrite."""
    if not can_fill_report(user, report):
        raise PermissionDenied(_("只有本单位的联系人或信息员可以填报本单位的报告。"))
    reason = report.lock_reason(timezone.localdate())
    if reason:
        raise ValidationError(reason)
    validate_upload(upload, {".xlsx"})
    form = offline_form_read(upload, report=report)
    return report_save(
        user=user,
        report=report,
        version=report.version if overwrite else form.version,
        fields=form.fields,
        sections=form.sections,
        progress=form.progress,
        values=form.values,
    )
