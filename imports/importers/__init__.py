"""Every importer, registered by kind (imports/importers/base.py has the contract)."""

from imports.importers import application_form, assessment_data, round_setup, summary_table
from imports.importers.base import IMPORTERS, Importer, importer_for, register

__all__ = [
    "IMPORTERS",
    "Importer",
    "application_form",
    "assessment_data",
    "importer_for",
    "register",
    "round_setup",
    "summary_table",
]
