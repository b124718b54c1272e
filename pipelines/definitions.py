"""Dagster entry point: everything under ``pipelines/defs`` (``dg dev`` / ``dagster dev`` find it via pyproject)."""

import gc
from functools import cache
from pathlib import Path

import dagster as dg

from pipelines.defs.executor import in_a_run, start_workers

# A run's process: the filings step's workers start now, beside the definitions' load (defs/executor.py)
start_workers()


@dg.definitions
def defs() -> dg.Definitions:
    return _defs()


@cache
def _defs() -> dg.Definitions:
    # Dagster calls ``defs`` several times while it loads a code location (six in a `dagster asset materialize`);
    # walking the folder again each time cost ~0.1 CPU s a call. A changed file means a new process (the code
    # server reloads by restarting), so one build per process is the same definitions.
    #
    # What is alive now (Dagster, its CLI and instance: a million objects, kept for the process's life) is moved out of
    # the cyclic collector's reach first, and the definitions after them: loading the definitions allocates enough to
    # set off full collections, each of which walked all of it again — ~0.17-0.2 CPU s of the ~0.75 a run's process
    # spends loading them (alternating runs), and the run's later full collections likewise.  Frozen objects are
    # still freed by reference counting; only a cycle among them is never collected, and these live until the
    # process ends anyway (what Python's docs suggest for long-lived objects; executor.py freezes the rest at exit).
    gc.freeze()
    defs = build(run=in_a_run())
    gc.freeze()
    return defs


def build(*, run: bool) -> dg.Definitions:
    """The definitions under ``pipelines/defs``, as ``dagster dev`` and ``dg`` load them, or, in a run's process
    (``run``: :func:`pipelines.defs.executor.run_process`), the defs folder's alone, without what
    ``load_from_defs_folder`` adds at the project's root for the UI: the catalogue of every installed component type
    (their pydantic JSON schemas, ~0.09 CPU s before the run's first step) and the component tree.  A run uses
    neither; its assets, checks, resources, sensors and jobs are the same, its job's snapshot too
    (tests/orchestration/test_run_process.py)."""
    here = Path(__file__).parent
    if not run:
        return dg.load_from_defs_folder(path_within_project=here)
    tree = dg.ComponentTree.for_project(path_within_project=here)
    return tree.build_defs(tree.defs_module_path)
