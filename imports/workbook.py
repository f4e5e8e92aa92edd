"""Reading spreadsheets as people really fill them, safely.

`open_workbook` refuses what is not a workbook with one clear Chinese sentence (an old .xls, a
password-protected file, a CSV renamed .xlsx, a zip bomb, a file over the size limit) and opens
the rest with openpyxl in read-only mode (its XML goes through defusedxml). Formulas are never
evaluated: a cell reads as the value Excel cached when the file was saved, and a formula
without one is reported.

`Sheet.table(columns)` finds the header row among the first rows (after titles and "盖章"
lines), accepts a two-row merged header, headers in any order, typed slightly differently or
with extra columns, fills merged cells, skips blank rows, and returns the data rows with their
Excel row numbers. The `clean_*` / `parse_*` helpers turn messy cells (full-width characters,
stray spaces, numbers stored as text, dates as text or serials, phones with dashes) into
values, or into a problem sentence the importer attaches to the row and column.
"""

import datetime as dt
import difflib
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from imports.xlsx_reader import SheetRows, date_epoch, date_styles, shared_strings, sheets_of

OLE = bytes.fromhex("D0CF11E0A1B11AE1")  # legacy .xls, and the wrapper of encrypted .xlsx
HEADER_SCAN_ROWS = 20  # titles, "盖章" lines and notes above the header
MAX_COLUMNS = 64  # columns read per row; anything further right is ignored
MAX_MERGED_CELLS = 500_000  # cells a sheet's merged areas may cover in all


class ImportFileError(Exception):
    """The file cannot be read at all; the message says why, in Chinese, naming the file."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning), placed where the person will find it in Excel."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(_("「%(sheet)s」") % {"sheet": self.sheet})
        if self.row is not None:
            where.append(_("第 %(row)d 行") % {"row": self.row})
        if self.column:
            where.append(_("「%(column)s」") % {"column": self.column})
        return f"{''.join(where)}：{self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


# ---------------------------------------------------------------------------------------------
# Cleaning cell values

_FULL_WIDTH_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# Full-width punctuation that Chinese text keeps as it is (（）：，；、。 are written that way).
for _keep in "（）：，；！？":
    _FULL_WIDTH_ASCII.pop(ord(_keep), None)
_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
# One C-level pass instead of a regex per cell (a 10,000-row sheet has 100,000 cells): the
# invisible spaces go, and str.split() then splits on every other kind of space.
_CLEAN = str.maketrans({**_FULL_WIDTH_ASCII, 0x200B: None, 0xFEFF: None})
_DASHES = re.compile(r"[‐‑‒–—―－﹣−]")


def clean_text(value: Any) -> str:
    """A cell as tidy text: trimmed, runs of spaces (full-width, non-breaking, line breaks in
    short cells) made one space, full-width letters and digits made half-width; a number typed
    as a number keeps no “.0”."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return _clean_str(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=65_536)
def _clean_str(text: str) -> str:
    return " ".join(text.translate(_CLEAN).split())


def clean_long_text(value: Any) -> str:
    """A long cell (narratives): line breaks kept, each line trimmed, blank runs squeezed."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return clean_text(value)
    lines = [_SPACES.sub(" ", line).strip() for line in value.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def text_key(value: Any) -> str:
    """What two spellings of one name have in common: NFKC, no spaces, case-folded — so
    “北京师范大学（珠海）”, “北京师范大学(珠海)” and “北京师范大学 （珠海） ” are one name."""
    return _key(clean_text(value))


@lru_cache(maxsize=65_536)
def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def clean_phone(value: Any) -> tuple[str, str]:
    """(the phone number(s) as text, "" or the problem). Numbers typed as numbers, full-width
    digits and every kind of dash are accepted; several numbers may share one cell."""
    text = _DASHES.sub("-", clean_text(value))
    if not text:
        return "", ""
    digits = sum(ch.isdigit() for ch in text)
    if digits < 7:
        return text, _("“%(value)s”不像电话号码（至少 7 位数字）。") % {"value": text}
    if len(text) > 64:
        return text, _("超过 64 个字符。")
    return text, ""


_YES = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
_NO = {"否", "n", "no", "false", "0", "×", "✗", "无", ""}


def parse_bool(value: Any) -> tuple[bool | None, str]:
    key = text_key(value)
    if key in _YES:
        return True, ""
    if key in _NO:
        return False, ""
    return None, _("“%(value)s”请填写“是”或“否”。") % {"value": clean_text(value)}


def parse_int(value: Any, *, minimum: int | None = 0) -> tuple[int | None, str]:
    """(the whole number or None when blank, "" or the problem); “1,234”, “１２”, 12.0 work."""
    if isinstance(value, bool):
        return None, _("“%(value)s”不是整数。") % {"value": clean_text(value)}
    if isinstance(value, int):
        number: int | None = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    else:
        text = clean_text(value).replace(",", "").replace("，", "")
        if not text:
            return None, ""
        number = int(text) if re.fullmatch(r"[+-]?\d{1,12}", text) else None
    if number is None:
        return None, _("“%(value)s”不是整数。") % {"value": clean_text(value)}
    if minimum is not None and number < minimum:
        return None, _("“%(value)s”不能小于 %(min)d。") % {"value": number, "min": minimum}
    return number, ""


def parse_decimal(value: Any) -> tuple[Decimal | None, str]:
    if isinstance(value, bool):
        return None, _("“%(value)s”不是数字。") % {"value": clean_text(value)}
    text = clean_text(value).replace(",", "").replace("，", "").rstrip("%")
    if not text:
        return None, ""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, _("“%(value)s”不是数字。") % {"value": clean_text(value)}
    if not number.is_finite():
        return None, _("“%(value)s”不是数字。") % {"value": clean_text(value)}
    return number, ""


SERIAL_1950, SERIAL_2100 = 18264, 73051  # Excel serials of 1950-01-01 and 2100-01-01
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(value: Any) -> tuple[dt.date | None, str]:
    """(the date or None when blank, "" or the problem). Real dates, Excel serial numbers
    (a date cell formatted as a number) and text such as 2021-09-01, 2021/9/1, 2021.9.1,
    2021年9月1日 or 20210901 are read."""
    if value is None:
        return None, ""
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A number in a plain cell: an Excel serial of a plausible date (1950–2100), or a
        # date typed as 20210901; a year alone (2026) is neither.
        if SERIAL_1950 <= value < SERIAL_2100:
            converted = from_excel(value)
            if isinstance(converted, dt.datetime):
                return converted.date(), ""
        if isinstance(value, int) and 19500101 <= value <= 21001231:
            return parse_date(str(value))
        return None, _date_problem(value)
    text = clean_text(value)
    if not text:
        return None, ""
    match = _DATE_TEXT.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
    if match is not None:
        with suppress(ValueError):
            return dt.date(*(int(part) for part in match.groups())), ""
    return None, _date_problem(value)


def _date_problem(value: Any) -> str:
    return _("无法识别日期“%(value)s”，请写成 2021-09-01 的形式。") % {"value": clean_text(value)}


def closest(name: str, candidates: Iterable[str], *, cutoff: float = 0.5) -> str:
    """The candidate a mistyped or shortened name most likely means, or ""."""
    candidates = list(dict.fromkeys(c for c in candidates if c))
    key = text_key(name)
    # A shortened name (阿坝州 for 阿坝藏族羌族自治州) shares its start and end with the full one.
    for candidate in candidates:
        ckey = text_key(candidate)
        same_ends = ckey[:2] == key[:2] and ckey[-1:] == key[-1:]
        if key and ckey != key and same_ends and all(ch in ckey for ch in key):
            return candidate
    by_key = {text_key(c): c for c in candidates}
    found = difflib.get_close_matches(key, list(by_key), n=1, cutoff=cutoff)
    return by_key[found[0]] if found else ""


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """“，是否指「…」？” when a close candidate exists, else ""."""
    guess = closest(name, candidates)
    return _("，是否指「%(name)s」？") % {"name": guess} if guess else ""


# ---------------------------------------------------------------------------------------------
# Columns and header matching


@dataclass(frozen=True)
class Column:
    """One column an importer reads (and its template and export write)."""

    key: str
    header: Any  # lazy translation: what the template writes
    aliases: tuple[str, ...] = ()  # other headers people write for it
    required: bool = False
    help: Any = ""
    example: str = ""
    width: int = 16
    choices: tuple[str, ...] = ()  # dropdown values for the template

    @property
    def keys(self) -> set[str]:
        return {_header_key(h) for h in (str(self.header), *self.aliases)}


def _header_key(text: Any) -> str:
    """A header without spaces, stars, colons, the words 必填/选填 or a bracketed remark."""
    key = text_key(text)
    key = re.sub(r"[(\[【][^)\]】]*[)\]】]", "", key)
    return key.strip("*:：")


@dataclass
class Row:
    number: int  # as Excel shows it
    values: dict[str, Any]
    # key → a formula saved without its result, or an error value (#N/A, #REF!…)
    formulas: dict[str, str] = field(default_factory=dict)


@dataclass
class Table:
    sheet: str
    header_row: int
    headers: dict[str, str]  # column key → the header as the file shows it (with its letter)
    rows: list[Row]
    above: list[str]  # the text of the lines above the header (title, 盖章 / 填报人 line)
    warnings: list[Problem]

    def header(self, key: str) -> str:
        return self.headers.get(key, key)


class TableError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class Sheet:
    """One worksheet of an open workbook."""

    def __init__(self, book: "Workbook", title: str) -> None:
        self.book = book
        self.title = title

    def raw_rows(self) -> Iterator[tuple[int, list[Any], list[Any] | None]]:
        """(row number, values, formulas) with merged areas filled from their first cell.
        Stops with a TableError when the sheet is larger than any import may be."""
        limit = settings.IMPORT_MAX_ROWS
        try:
            merged = self.book.merged_cells(self.title)
            for number, row, formulas in self.book.rows(self.title):
                if number > limit:
                    raise TableError(
                        [
                            Problem(
                                _(
                                    "工作表超过 %(limit)s 行，超出单次导入的上限，"
                                    "请删除多余的行或拆分为几个文件分批导入。"
                                )
                                % {"limit": f"{limit:,}"},
                                sheet=self.title,
                            )
                        ]
                    )
                for col, value in merged.get(number, {}).items():
                    if row[col] is None:
                        row[col] = value
                yield number, row, formulas
        except TableError:
            raise
        except Exception as error:  # the XML parser raises many kinds on a damaged sheet
            raise ImportFileError(
                _("无法读取工作表「%(sheet)s」：文件可能已损坏。") % {"sheet": self.title}
            ) from error

    def table(self, columns: list[Column], *, min_matched: int = 2) -> Table:
        """The data rows under the header that best matches `columns`; TableError lists
        missing required columns or an absent header."""
        by_key = {c.key: c for c in columns}
        lookup: dict[str, str] = {}
        for column in columns:
            for key in column.keys:
                lookup.setdefault(key, column.key)
        scanned: list[tuple[int, list[Any], list[Any] | None]] = []
        rows_iter = self.raw_rows()
        header_at = None
        best = 0
        for item in rows_iter:
            scanned.append(item)
            score = sum(1 for v in item[1] if _header_key(v) in lookup)
            if score > best:
                best, header_at = score, len(scanned) - 1
            if len(scanned) >= HEADER_SCAN_ROWS:
                break
        if not any(any(clean_text(v) for v in values) for _n, values, _f in scanned):
            raise TableError([Problem(_("工作表是空的，没有任何内容。"), sheet=self.title)])
        if header_at is None or best < min(min_matched, len(columns)):
            expected = "、".join(f"「{c.header}」" for c in columns if c.required)
            raise TableError(
                [
                    Problem(
                        _("找不到表头行。请在表头中写明这些列：%(columns)s。")
                        % {"columns": expected},
                        sheet=self.title,
                    )
                ]
            )
        header_number, header_values, _f = scanned[header_at]
        texts = [clean_text(v) for v in header_values]
        # A two-row header (所在地 over 地、市、州、盟 | 欠发达县): the lower row names the
        # columns it has text in.
        data_from = header_at + 1
        lower = scanned[data_from][1] if data_from < len(scanned) else None
        if lower is not None and any(_header_key(v) in lookup for v in lower):
            for index, value in enumerate(lower):
                if clean_text(value) and _header_key(value) in lookup:
                    while len(texts) <= index:
                        texts.append("")
                    texts[index] = clean_text(value)
            data_from += 1

        warnings: list[Problem] = []
        problems: list[Problem] = []
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}
        unknown: list[tuple[int, str]] = []
        for index, text in enumerate(texts):
            if not text:
                continue
            found = lookup.get(_header_key(text))
            if found is None:
                unknown.append((index, text))
                continue
            if found in positions:
                problems.append(
                    Problem(
                        _("「%(a)s」和「%(b)s」是同一列，只能保留一列。")
                        % {"a": headers[found], "b": text},
                        sheet=self.title,
                        row=header_number,
                    )
                )
                continue
            positions[found] = index
            headers[found] = text
        # Headers typed slightly differently: the closest unclaimed column, if close enough.
        for index, text in unknown:
            free = {k: c for k, c in lookup.items() if c not in positions}
            hkey = _header_key(text)
            match = next((c for k, c in free.items() if k and (k in hkey or hkey in k)), None)
            if match is None:
                close = difflib.get_close_matches(hkey, list(free), n=1, cutoff=0.6)
                match = free[close[0]] if close else None
            if match is None:
                continue  # an extra column of the province's own: ignored
            positions[match] = index
            headers[match] = text
            warnings.append(
                Problem(
                    _("表头「%(found)s」按「%(column)s」读取。")
                    % {"found": text, "column": by_key[match].header},
                    sheet=self.title,
                    row=header_number,
                )
            )
        for column in columns:
            if column.required and column.key not in positions:
                problems.append(
                    Problem(
                        _("缺少必填列「%(column)s」。") % {"column": column.header}
                        + did_you_mean(str(column.header), [t for _i, t in unknown]),
                        sheet=self.title,
                        row=header_number,
                    )
                )
        if problems:
            raise TableError(problems)
        above = [
            " ".join(clean_text(v) for v in values if clean_text(v))
            for _n, values, _f in scanned[:header_at]
        ]
        rows: list[Row] = []
        examples = {key: text_key(by_key[key].example) for key in positions if by_key[key].example}

        def is_example(picked: dict[str, Any]) -> bool:
            """The template's example row, left in: skipped, with a warning."""
            if len(examples) < 2:
                return False
            first = next(iter(examples))
            if text_key(picked.get(first)) != examples[first]:
                return False
            return all(
                text_key(value) == examples.get(key, "")
                for key, value in picked.items()
                if clean_text(value) or key in examples
            )

        merged = self.book.merged_cells(self.title)
        later = sorted(positions.values())[1:]

        def collect(number: int, values: list[Any], formula_values: list[Any] | None) -> None:
            filled = merged.get(number)
            if filled and later and all(i in filled for i in later):
                return  # a note or banner merged across the whole table (说明 under the table)
            picked = {
                key: values[index] if index < len(values) else None
                for key, index in positions.items()
            }
            formulas_here = formula_values or []
            has_formula = any(
                isinstance(formulas_here[i], str) and formulas_here[i].startswith(("=", "#"))
                for i in positions.values()
                if i < len(formulas_here)
            )
            if not has_formula and not any(clean_text(v) for v in picked.values()):
                return  # a blank row
            if is_example(picked):
                warnings.append(
                    Problem(_("这一行是模板中的示例，已跳过。"), sheet=self.title, row=number)
                )
                return
            row = Row(number, picked)
            if formula_values is not None:
                for key, index in positions.items():
                    formula = formula_values[index] if index < len(formula_values) else None
                    # An error value (#N/A) counts as a formula without a usable result.
                    if isinstance(formula, str) and (
                        formula.startswith("#") or (formula.startswith("=") and picked[key] is None)
                    ):
                        row.formulas[key] = formula
            rows.append(row)

        for number, values, formula_values in scanned[data_from:]:
            collect(number, values, formula_values)
        for number, values, formula_values in rows_iter:
            collect(number, values, formula_values)
        return Table(self.title, header_number, headers, rows, above, warnings)


# ---------------------------------------------------------------------------------------------
# Opening the file

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell [^>]*ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters.decode():
        index = index * 26 + ord(ch) - 64
    return index - 1


class Workbook:
    """An uploaded workbook, checked and opened for streaming reads. Use as a context manager."""

    def __init__(self, fileobj: IO[bytes], *, name: str) -> None:
        self.name = name
        self.archive = check_archive(fileobj, name)
        try:
            self._sheets = {info.title: info for info in sheets_of(self.archive)}
            self._strings = shared_strings(self.archive)
            self._dates = date_styles(self.archive)
            self._epoch = date_epoch(self.archive)
        except Exception as error:  # a damaged or foreign file fails in many ways
            self.archive.close()
            raise ImportFileError(_unreadable(name)) from error
        if not self._sheets:
            self.archive.close()
            raise ImportFileError(_("文件“%(name)s”中没有工作表。") % {"name": name})
        self._merged: dict[str, dict[int, dict[int, Any]]] = {}

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.archive.close()

    @property
    def sheetnames(self) -> list[str]:
        return list(self._sheets)

    def rows(self, title: str) -> SheetRows:
        return SheetRows(
            self.archive,
            self._sheets[title].path,
            self._strings,
            self._dates,
            MAX_COLUMNS,
            epoch=self._epoch,
        )

    def merged_cells(self, title: str) -> dict[int, dict[int, Any]]:
        """row number → {column index → the value of the merged area's first cell}, for the
        other cells of merged areas (the file stores the value in the first cell only)."""
        if title in self._merged:
            return self._merged[title]
        with self.archive.open(self._sheets[title].path) as stream:
            data = stream.read()
        limit = settings.IMPORT_MAX_ROWS
        # Deduplicated and cut to the rows any import may have: a file listing a huge merge
        # hundreds of times must not cost minutes.
        areas = sorted(
            {
                (_column_index(c1), int(r1), min(_column_index(c2), MAX_COLUMNS - 1), int(r2))
                for c1, r1, c2, r2 in _MERGE.findall(data)
                if _column_index(c1) < MAX_COLUMNS and int(r1) <= limit
            }
        )
        filled: dict[int, dict[int, Any]] = {}
        if areas:
            firsts: dict[int, set[int]] = {}
            for c1, r1, _c2, _r2 in areas:
                firsts.setdefault(r1, set()).add(c1)
            last_row = max(firsts)
            first_values: dict[tuple[int, int], Any] = {}
            for number, values, _formulas in self.rows(title):
                if number > last_row:
                    break
                for c in firsts.get(number, ()):
                    first_values[(number, c)] = values[c]
            budget = MAX_MERGED_CELLS
            for c1, r1, c2, r2 in areas:
                r2 = min(r2, limit)
                budget -= (r2 - r1 + 1) * (c2 - c1 + 1)
                if budget < 0:
                    raise TableError(
                        [
                            Problem(
                                _("工作表中合并的单元格过多，请取消大范围的合并后重新上传。"),
                                sheet=title,
                            )
                        ]
                    )
                value = first_values.get((r1, c1))
                if value is None:
                    continue  # an empty merged area fills nothing
                for r in range(r1, r2 + 1):
                    row = filled.setdefault(r, {})
                    for c in range(c1, c2 + 1):
                        if (r, c) != (r1, c1):
                            row[c] = value
        self._merged[title] = filled
        return filled

    def sheet(self, *names: str) -> Sheet | None:
        """The sheet called one of `names` (spelled loosely), or None."""
        keys = {_header_key(n) for n in names}
        for title in self.sheetnames:
            if _header_key(title) in keys:
                return Sheet(self, title)
        return None

    def first_sheet(self) -> Sheet:
        """The first visible sheet."""
        for info in self._sheets.values():
            if info.visible:
                return Sheet(self, info.title)
        return Sheet(self, self.sheetnames[0])


def _unreadable(name: str) -> str:
    return _("无法读取文件“%(name)s”：它不是有效的 Excel 工作簿（.xlsx），或已损坏。") % {
        "name": name
    }


def check_archive(fileobj: IO[bytes], name: str) -> zipfile.ZipFile:
    """The file's zip archive once it is known to be a sane .xlsx; ImportFileError if not."""
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(0)
    limit = settings.IMPORT_UPLOAD_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            _("文件“%(name)s”有 %(size)s，超过 %(limit)s 的导入上限，请拆分后分批导入。")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if size == 0:
        raise ImportFileError(_("文件“%(name)s”是空文件。") % {"name": name})
    head = fileobj.read(4096)
    fileobj.seek(0)
    extension = PurePath(name).suffix.lower()
    if head.startswith(OLE):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00" in fileobj.read(1 << 20):
            fileobj.seek(0)
            raise ImportFileError(
                _(
                    "文件“%(name)s”设置了打开密码。"
                    "请在 Excel 中取消密码（文件 → 信息 → 保护工作簿）后重新上传。"
                )
                % {"name": name}
            )
        fileobj.seek(0)
        raise ImportFileError(
            _(
                "文件“%(name)s”是旧版 Excel 97-2003 工作簿（.xls）。"
                "请在 Excel 中“另存为” Excel 工作簿（.xlsx）后重新上传。"
            )
            % {"name": name}
        )
    if not head.startswith(b"PK"):
        if _looks_like_text(head):
            raise ImportFileError(
                _(
                    "文件“%(name)s”是文本（CSV）文件，不是 Excel 工作簿。"
                    "请在 Excel 中打开后“另存为” Excel 工作簿（.xlsx）再上传。"
                )
                % {"name": name}
            )
        raise ImportFileError(_unreadable(name))
    if extension not in {".xlsx", ".xlsm"}:
        raise ImportFileError(
            _("文件“%(name)s”的扩展名不是 .xlsx，请上传 Excel 工作簿（.xlsx）。") % {"name": name}
        )
    try:
        archive = zipfile.ZipFile(fileobj)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFileError(_unreadable(name)) from error
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        archive.close()
        raise ImportFileError(
            _("文件“%(name)s”是压缩包或其他 Office 文件，不是 Excel 工作簿。") % {"name": name}
        )
    unzipped = sum(m.file_size for m in members)
    if unzipped > settings.IMPORT_UNZIPPED_MAX_BYTES:
        archive.close()
        raise ImportFileError(
            _("文件“%(name)s”解压后超过 %(limit)s，可能是恶意构造的文件，已拒绝。")
            % {"name": name, "limit": filesizeformat(settings.IMPORT_UNZIPPED_MAX_BYTES)}
        )
    fileobj.seek(0)
    return archive


def _looks_like_text(head: bytes) -> bool:
    for encoding in ("utf-8-sig", "gb18030", "utf-16"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return all(ch.isprintable() or ch in "\r\n\t" for ch in text[:-4])
    return False


def column_letter(index: int) -> str:
    return get_column_letter(index + 1)
