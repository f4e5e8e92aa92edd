"""A streaming reader of .xlsx sheets: rows of cell values, straight from the sheet XML.

openpyxl's read-only mode builds a Python object per cell and, for a sheet without a
dimension tag, parses the sheet twice; for a 10,000-row pairing list that was most of an
import's time. This reader walks the XML with lxml (entities never resolved, no network, no
DTD), keeps only values, and gives formulas and their cached results in the same pass, so a
formula is never evaluated: a cell reads as the value Excel saved, and a formula without one
is reported. Dates are recognised by their cell style, as Excel does.
"""

import datetime as dt
import posixpath
import zipfile
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _parser_options() -> dict[str, Any]:
    return {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _parse(archive: zipfile.ZipFile, name: str) -> Any:
    with archive.open(name) as stream:
        return etree.parse(stream, etree.XMLParser(**_parser_options())).getroot()


@dataclass(frozen=True)
class SheetInfo:
    title: str
    path: str
    visible: bool


def sheets_of(archive: zipfile.ZipFile) -> list[SheetInfo]:
    """The workbook's sheets in order, with the zip member holding each."""
    workbook = _parse(archive, "xl/workbook.xml")
    targets: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        for rel in _parse(archive, "xl/_rels/workbook.xml.rels").iter(f"{PKG_REL}Relationship"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[rel.get("Id", "")] = posixpath.normpath(path)
    found = []
    for sheet in workbook.iter(f"{MAIN}sheet"):
        path = targets.get(sheet.get(f"{REL}id", ""), "")
        if path in archive.namelist():
            found.append(
                SheetInfo(sheet.get("name", ""), path, sheet.get("state") in (None, "visible"))
            )
    return found


def shared_strings(archive: zipfile.ZipFile) -> list[str]:
    name = "xl/sharedStrings.xml"
    if name not in archive.namelist():
        return []
    strings: list[str] = []
    with archive.open(name) as stream:
        for _event, item in etree.iterparse(stream, tag=f"{MAIN}si", **_parser_options()):
            # Rich text runs joined; phonetic guides (rPh) left out.
            strings.append(
                "".join(
                    t.text or "" for t in item.iter(f"{MAIN}t") if t.getparent().tag != f"{MAIN}rPh"
                )
            )
            item.clear()
    return strings


def date_epoch(archive: zipfile.ZipFile) -> dt.datetime:
    """The day serial 0 stands for: 1899-12-30, or 1904-01-01 in workbooks saved with the
    1904 date system (older Mac Excel), whose dates would otherwise shift by four years."""
    properties = _parse(archive, "xl/workbook.xml").find(f"{MAIN}workbookPr")
    if properties is not None and properties.get("date1904") in ("1", "true"):
        return CALENDAR_MAC_1904
    return CALENDAR_WINDOWS_1900


def date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles that show a date or time."""
    name = "xl/styles.xml"
    if name not in archive.namelist():
        return set()
    styles = _parse(archive, name)
    custom = {
        int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
        for fmt in styles.iter(f"{MAIN}numFmt")
    }
    dates: set[int] = set()
    cell_xfs = styles.find(f"{MAIN}cellXfs")
    for index, xf in enumerate(cell_xfs if cell_xfs is not None else []):
        fmt_id = int(xf.get("numFmtId", "0"))
        code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "")
        if code and is_date_format(code):
            dates.add(index)
    return dates


def _column(reference: str) -> int:
    index = 0
    for ch in reference:
        if "A" <= ch <= "Z":
            index = index * 26 + ord(ch) - 64
        else:
            break
    return index - 1


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        number = float(text)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    return int(text)


class SheetRows:
    """(row number, values, formulas) for each row of one sheet, `width` columns wide;
    `formulas[i]` is the formula text (=…) of a cell that has one, or the error value (#N/A…)
    of a cell showing an error; else None."""

    def __init__(
        self,
        archive: zipfile.ZipFile,
        path: str,
        strings: list[str],
        dates: set[int],
        width: int,
        epoch: dt.datetime = CALENDAR_WINDOWS_1900,
    ) -> None:
        self.epoch = epoch
        self.archive, self.path, self.strings, self.dates, self.width = (
            archive,
            path,
            strings,
            dates,
            width,
        )

    def __iter__(self) -> Iterator[tuple[int, list[Any], list[str | None]]]:
        strings, dates, width = self.strings, self.dates, self.width
        v_tag, f_tag, is_tag, t_tag = f"{MAIN}v", f"{MAIN}f", f"{MAIN}is", f"{MAIN}t"
        expected = 0
        with self.archive.open(self.path) as stream:
            for _event, row in etree.iterparse(stream, tag=f"{MAIN}row", **_parser_options()):
                expected += 1
                number = int(row.get("r") or expected)
                expected = number
                values: list[Any] = [None] * width
                formulas: list[str | None] = [None] * width
                position = -1
                for cell in row:
                    reference = cell.get("r")
                    position = _column(reference) if reference else position + 1
                    if position >= width:
                        continue
                    kind = cell.get("t", "n")
                    value: Any = None
                    for child in cell:
                        tag = child.tag
                        if tag == v_tag:
                            # Excel saves a formula whose text result is "" as t="str" with
                            # an empty <v/>: a value. Elsewhere an empty <v/> means no result
                            # (openpyxl writes formulas so).
                            value = child.text if child.text or kind != "str" else ""
                        elif tag == f_tag:
                            formulas[position] = "=" + (child.text or "")
                        elif tag == is_tag:
                            value = "".join(t.text or "" for t in child.iter(t_tag))
                    if value is None:
                        continue
                    if kind == "e":
                        # #N/A, #REF!…: marked for the importer to report, never read as text.
                        formulas[position] = value or "#ERROR"
                        continue
                    if kind == "s":
                        value = (
                            strings[int(value)]
                            if value.isdigit() and int(value) < len(strings)
                            else ""
                        )
                    elif kind == "n":
                        try:
                            value = _number(value)
                        except ValueError:
                            pass
                        else:
                            if int(cell.get("s", "0") or 0) in dates:
                                with suppress(ValueError, OverflowError):
                                    value = from_excel(value, epoch=self.epoch)
                    elif kind == "b":
                        value = value == "1"
                    elif kind == "d":
                        with suppress(ValueError):
                            value = dt.datetime.fromisoformat(value)
                    values[position] = value
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                yield number, values, formulas
