"""openpyxl helpers shared by every workbook we write.

Formula injection: a cell whose text starts with = + - @ (or a tab / carriage return) would be
run by Excel as a formula, so such text is stored as a string cell with Excel's quote prefix —
shown and kept as text, never evaluated.
"""

import io
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def as_text(cell: Any) -> Any:
    """Make the cell hold its value as plain text (after `cell.value = ...`)."""
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def put(sheet: Worksheet, row: int, column: int, value: Any, **style: Any) -> Cell:
    """Write a value into a normal worksheet, formula-looking text as text."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if is_formula_like(value):
        as_text(cell)
    for name, item in style.items():
        setattr(cell, name, item)
    return cell


def write_only_cell(sheet: Any, value: Any, **style: Any) -> Any:
    """A cell for a write-only worksheet, formula-looking text as text."""
    cell = WriteOnlyCell(sheet, value=value)
    if is_formula_like(value):
        as_text(cell)
    for name, item in style.items():
        setattr(cell, name, item)
    return cell


def workbook_bytes(workbook: Any) -> bytes:
    """The saved workbook as bytes (what an exporter returns)."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
