"""Writing the workbooks people fill for import (templates) and the exports that round-trip
through the same importers: an instructions sheet, one sheet per table with a styled header,
required columns in red, dropdowns from a hidden options sheet, text-formatted columns for
codes and phones, and (in templates) one example row the importers skip."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from imports.workbook import Column
from outputs.xlsx import put, workbook_bytes

OPTIONS_SHEET = "选项"
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
EXAMPLE_FONT = Font(italic=True, color="808080")
THIN = Side(style="thin", color="A0A0A0")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
VALIDATION_ROWS = 5_000  # rows below the header that get the dropdowns


@dataclass
class SheetSpec:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]] = ()
    example: Sequence[Any] | None = None  # the example row of a template
    text_columns: frozenset[str] = frozenset()  # keys kept as text (codes, phones)
    intro: str = ""
    extra_lists: dict[str, Sequence[str]] = field(default_factory=dict)  # key → dropdown values
    reference: bool = False  # a list to look things up in, not filled: the guide skips its columns


def example_row(columns: Sequence[Column]) -> list[str]:
    return [c.example for c in columns]


def build_workbook(
    *, title: str, instructions: Sequence[str], sheets: Sequence[SheetSpec]
) -> bytes:
    """The workbook: 填写说明 first, then the sheets, then the hidden options sheet."""
    book = Workbook()
    guide = book.active
    guide.title = _("填写说明")
    _write_guide(guide, title, instructions, sheets)
    options = None
    option_column = 0
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        for index, column in enumerate(spec.columns, start=1):
            header = str(column.header)
            cell = put(sheet, 1, index, header, font=Font(bold=True))
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if column.required:
                cell.font = Font(bold=True, color="C00000")
            if column.help:
                cell.comment = Comment(str(column.help), "xtzt")
            sheet.column_dimensions[get_column_letter(index)].width = column.width
            if column.key in spec.text_columns:
                # The whole column as text, so codes and phones keep their leading zeros.
                sheet.column_dimensions[get_column_letter(index)].number_format = "@"
        sheet.freeze_panes = "A2"
        row_number = 2
        if spec.example is not None:
            for index, value in enumerate(spec.example, start=1):
                put(sheet, row_number, index, value).font = EXAMPLE_FONT
            row_number += 1
        for values in spec.rows:
            for index, value in enumerate(values, start=1):
                if value not in (None, ""):
                    put(sheet, row_number, index, value)
            row_number += 1
        for index, column in enumerate(spec.columns, start=1):
            choices = spec.extra_lists.get(column.key) or column.choices
            if not choices:
                continue
            if options is None:
                options = book.create_sheet(OPTIONS_SHEET)
                options.sheet_state = "hidden"
            option_column += 1
            letter = get_column_letter(option_column)
            put(options, 1, option_column, str(column.header))
            for offset, choice in enumerate(choices, start=2):
                put(options, offset, option_column, choice)
            source = f"={quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${len(choices) + 1}"
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("请从下拉列表中选择"),
                error=_("「%(column)s」只能填写下拉列表中的值。") % {"column": column.header},
            )
            target = get_column_letter(index)
            validation.add(f"{target}2:{target}{VALIDATION_ROWS + 1}")
            sheet.add_data_validation(validation)
    if options is not None:  # the hidden lists go last, after the sheets people fill
        book.move_sheet(options, offset=len(book.sheetnames) - 1 - book.index(options))
    return workbook_bytes(book)


def _write_guide(
    guide: Any, title: str, instructions: Sequence[str], sheets: Sequence[SheetSpec]
) -> None:
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 60
    guide.column_dimensions["D"].width = 30
    put(guide, 1, 1, title, font=Font(bold=True, size=14))
    row = 3
    for line in instructions:
        put(guide, row, 1, line)
        row += 1
    for spec in sheets:
        row += 1
        put(guide, row, 1, _("工作表「%(sheet)s」") % {"sheet": spec.title}, font=Font(bold=True))
        if spec.intro:
            put(guide, row, 3, spec.intro)
        row += 1
        if spec.reference:
            continue
        for index, header in enumerate([_("列名"), _("必填"), _("说明"), _("示例")], start=1):
            cell = put(guide, row, index, header, font=Font(bold=True))
            cell.fill = HEADER_FILL
        row += 1
        for column in spec.columns:
            put(guide, row, 1, str(column.header))
            put(guide, row, 2, _("必填") if column.required else "")
            put(guide, row, 3, str(column.help))
            put(guide, row, 4, column.example)
            guide.cell(row=row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
