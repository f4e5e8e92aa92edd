"""The importer contract: one class per kind of spreadsheet (the mirror of outputs' exporters).

An importer names its kind, the form that collects its parameters (programme, round,
province…), who may use it (`open_to`: its pages at all; `allowed`: with these parameters), and
does three things:

- `check(book, progress)` reads the open workbook and decides, row by row, what would happen
  — new, updated, unchanged or error, with the differences — without writing anything;
- `apply(progress)` writes what the last successful `check` decided (the import services call
  it inside one transaction, right after checking the stored file again);
- `template()` writes the empty workbook people fill (instructions, dropdowns, an example).

The machinery in imports/services.py does the rest: the record of the import, keeping the
original file, the preview, the Celery job for large files, progress and the confirmation.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.selectors import User, can_import
from imports.models import ImportBatch
from imports.workbook import Problem, Row, Table, Workbook
from outputs.exporters.base import ExportForm
from programmes.models import Phase, Programme

# progress(done, total, stage)
ProgressCallback = Callable[[int, int, str], None]


def no_progress(done: int, total: int, stage: str = "") -> None:
    """For callers that do not report progress (tests, the shell)."""


class RowStatus:
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


STATUS_LABELS = {
    RowStatus.NEW: _("新增"),
    RowStatus.UPDATED: _("更新"),
    RowStatus.UNCHANGED: _("无变化"),
    RowStatus.ERROR: _("错误"),
}


@dataclass
class RowOutcome:
    """What one row of the file would do: its status, what it is, and what changes."""

    sheet: str
    row: int
    label: str
    status: str = RowStatus.NEW
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "label": self.label,
            "status": self.status,
            "changes": self.changes,
            "errors": self.errors,
        }


@dataclass
class Check:
    """The result of checking a file: per-row outcomes, every problem, and warnings."""

    rows: list[RowOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_LABELS, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    def error(self, outcome: RowOutcome, table: Table, key: str, message: str) -> None:
        """Mark the row as an error, with the problem placed at its sheet, row and column."""
        outcome.status = RowStatus.ERROR
        outcome.errors.append(message)
        self.problems.append(
            Problem(message, sheet=table.sheet, row=outcome.row, column=table.header(key))
        )

    def reject_formulas(self, outcome: RowOutcome, table: Table, row: Row) -> None:
        """A formula the file holds without its result, or a cell showing an error value:
        reported, never evaluated."""
        for key, formula in row.formulas.items():
            self.error(outcome, table, key, formula_problem(formula))

    def add_table_warnings(self, table: Table) -> None:
        self.warnings.extend(table.warnings)


def formula_problem(formula: str) -> str:
    """The message for a cell whose value cannot be used: an error value (#N/A…) or a
    formula saved without its result (a file written by a program, not by Excel)."""
    if formula.startswith("#"):
        return gettext("单元格显示错误值“%(error)s”（公式出错），请在 Excel 中修正后重新上传。") % {
            "error": formula
        }
    return gettext(
        "是公式“%(formula)s”，但文件中没有保存它的计算结果（系统不计算公式）。"
        "请在 Excel 中打开并保存后重新上传，或直接填写数值。"
    ) % {"formula": formula}


def diff(
    changes: list[tuple[str, str, str]], label: Any, old: Any, new: Any
) -> list[tuple[str, str, str]]:
    """Append (label, old, new) when the value changes; shown as text in the preview."""
    if old != new:
        changes.append((str(label), _shown(old), _shown(new)))
    return changes


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


class ImportForm(ExportForm):
    """Parameters of one import (choices as the user may see them) and the file, which is
    not a parameter: it is stored on the import record."""

    def to_params(self) -> dict[str, Any]:
        return {name: value for name, value in super().to_params().items() if name != "file"}


class ProgrammeRoundForm(ImportForm):
    """The programme and (optional) round an import belongs to, and the file. Importers are
    administrators working across programmes (accounts.selectors.can_import), so the choices
    are not narrowed; subclasses set their own labels and help texts."""

    programme = forms.ModelChoiceField(label=_("计划"), queryset=Programme.objects.all())
    phase = forms.ModelChoiceField(
        label=_("阶段 / 轮次"),
        queryset=Phase.objects.select_related("programme").order_by("programme__name", "number"),
        required=False,
    )
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        programme, phase = cleaned.get("programme"), cleaned.get("phase")
        if programme and phase and phase.programme_id != programme.pk:
            self.add_error(
                "phase",
                gettext("所选阶段 / 轮次“%(phase)s”不属于“%(programme)s”。")
                % {"phase": phase.name, "programme": programme.name},
            )
        return cleaned


class Importer:
    do_not_call_in_templates = True  # templates list the classes themselves
    kind: ClassVar[str]
    name: ClassVar[Any]  # lazy translation
    description: ClassVar[Any] = ""
    template_name: ClassVar[Any] = ""  # the filename of the empty template
    form_class: ClassVar[type[ImportForm]]
    # The import record being checked or applied, set by imports/services.py (None in tests
    # and the shell), for importers that link what they write to it.
    batch: ImportBatch | None = None

    def __init__(self, params: dict[str, Any], *, user: Any) -> None:
        self.params = params
        self.user = user

    @classmethod
    def open_to(cls, user: User) -> bool:
        """Whether the user may use this kind of import at all: its form, its template and
        the list of imports. Bulk imports are the administrators' (accounts.selectors);
        an importer for one province's own data says so here."""
        return can_import(user)

    @classmethod
    def allowed(cls, user: User, params: dict[str, Any]) -> bool:
        """Whether the user may run this import with these parameters (accounts/selectors)."""
        raise NotImplementedError

    def title(self) -> str:
        """What the list of imports shows, e.g. “汇总表 · 师范教育协同提质计划 · 四川省”."""
        return str(self.name)

    def check(self, book: Workbook, progress: ProgressCallback = no_progress) -> Check:
        raise NotImplementedError

    def apply(self, progress: ProgressCallback = no_progress) -> dict[str, int]:
        """Write what the last check decided; returns the counts written."""
        raise NotImplementedError

    def template(self) -> bytes:
        raise NotImplementedError


IMPORTERS: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    IMPORTERS[importer.kind] = importer
    return importer


def importer_for(kind: str) -> type[Importer]:
    return IMPORTERS[kind]
