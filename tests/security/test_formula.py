"""Formula injection: every workbook the platform writes — each registered exporter, each
import template and the admin's pairing export — keeps typed text that starts like a formula
(= + - @, or a tab or carriage return before one) as a text cell, never as a formula.

Every free-text field holds such text here (tests/security/tainted.py). Exporters write cells
through outputs/xlsx.py (`put`, `write_only_cell`) or outputs/xlsx_stream.py; the per-exporter
tests in tests/outputs/, tests/assessments/test_exports.py and tests/dashboards/ check one
field each, this sweep checks them all at once.
"""

import io

import openpyxl
from django.urls import reverse

from imports.importers.base import IMPORTERS
from outputs.exporters import EXPORTERS
from outputs.exporters.base import XLSX
from outputs.xlsx import FORMULA_PREFIXES
from tests.security.tainted import build_everything, taint
from tests.world import World

PREFIXES = ("=", "+", "-", "@", "\t=", "\r=")


def formula_like(tag: str, max_length: int | None) -> str:
    """`=cmd|' /C calc'!T3.1`, with the prefix changing from field to field and row to row."""
    field, row = tag[1:].split(".")
    prefix = PREFIXES[(int(field) + int(row)) % len(PREFIXES)]
    return f"{prefix}cmd|' /C calc'!{tag}"[:max_length]


def assert_text_only(data: bytes, what: str, *, quoted: bool = True) -> int:
    """No formula cell at all; every text starting like a formula is a text cell (with Excel's
    quote prefix, where our own writers made it). Returns how many typed texts were found."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    typed = 0
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{what} {sheet.title}!{cell.coordinate} {cell.value!r}"
                assert cell.data_type != "f", where
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
                    assert cell.data_type == "s", where
                    assert cell.quotePrefix or not quoted, where
                if isinstance(cell.value, str) and "calc'!T" in cell.value:
                    typed += 1
    return typed


def test_every_workbook_keeps_formula_like_text_as_text(client, world: World) -> None:
    everything = build_everything(world)
    taint(formula_like)
    admin = world.users["admin"]
    params = {
        kind: values
        for kind, values in everything.export_params(world, "=1+1").items()
        if "pdf" not in kind
    }
    for kind, values in params.items():
        output = EXPORTERS[kind](values, user=admin).run(lambda done, total, stage: None)
        assert output.content_type == XLSX, kind
        assert assert_text_only(output.data, kind) > 0, kind  # typed text reached the sheet
    # Every workbook exporter is in the sweep (the scoring run's is tested on its own world in
    # tests/assessments/test_exports.py; the rest are PDFs).
    workbooks = {
        kind
        for kind, exporter in EXPORTERS.items()
        if kind not in params and "pdf" not in kind and kind != "assessment_report"
    }
    assert workbooks == {"assessment_results"}

    client.force_login(admin)
    for kind in IMPORTERS:
        response = client.get(reverse("imports:template", args=[kind]))
        assert response.status_code == 200, kind
        assert_text_only(response.content, f"template {kind}")

    # The admin's pairing export (django-import-export) is offered as .xlsx only: a .csv
    # would reach Excel as formulas.
    url = reverse("admin:pairings_pairing_export")
    form = client.get(url).context["form"]
    assert [label for value, label in form.fields["format"].choices if value] == ["xlsx"]
    response = client.post(url, {"format": "0", "resource": "0", "pairingresource_note": "on"})
    assert response["Content-Type"] == XLSX
    assert response.status_code == 200
    # tablib strips a leading "=", and writes the rest as plain strings (no quote prefix).
    assert assert_text_only(response.content, "admin export", quoted=False) > 0
