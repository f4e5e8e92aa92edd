"""Every output the system produces; importing this package registers them."""

from outputs.exporters.base import EXPORTERS, Exporter, exporter_for, register

__all__ = ["EXPORTERS", "Exporter", "exporter_for", "register"]

from outputs.exporters import (  # noqa: F401
    assessment,
    bulletin,
    consortium_summary,
    dashboard,
    indicator_workbook,
    report_form,
    round_setup,
    summary_table,
)
