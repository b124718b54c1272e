"""Dagster entry point: everything under ``pipelines/defs`` (``dg dev`` / ``dagster dev`` find it via pyproject)."""

from functools import cache
from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return _defs()


@cache
def _defs() -> dg.Definitions:
    # Dagster calls ``defs`` several times while it loads a code location (six in a `dagster asset materialize`);
    # walking the folder again each time cost ~0.1 CPU s a call. A changed file means a new process (the code
    # server reloads by restarting), so one build per process is the same definitions.
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
