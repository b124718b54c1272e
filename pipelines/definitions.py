"""Dagster entry point: everything under ``pipelines/defs`` (``dg dev`` / ``dagster dev`` find it via pyproject)."""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
