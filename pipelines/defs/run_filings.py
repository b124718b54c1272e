"""Which filings a run reads: the filings partitions, the ``raw/filings`` asset's spec, and the files of a run's
partitions — found by the filings step (:mod:`pipelines.defs.filings`) and, earlier, by the run's process as its
definitions begin to load (:func:`pipelines.defs.executor.start_workers` gives them to the workers it starts).

Apart from the filings step so that the early look imports only Dagster (already there), the settings and the inbox:
the step's module brings DuckDB, dagster-duckdb and polars (~0.2 CPU s), which the workers would wait for.
"""

import warnings
from pathlib import Path

import dagster as dg

from pipelines.defs.resources import Inbox, file_key
from pipelines.lib import settings

filings = dg.DynamicPartitionsDefinition(name="filings")

FILE = dg.AssetKey(["raw", "filings"])
STEP = "ingest_filings"  # the filings step (its op's name)


def file_spec() -> dg.AssetSpec:
    """``raw/filings``, one partition per filing (a function, not a module-level spec: the defs loader would take
    that as a definition of its own)."""
    # skippable: the step reports each filing's partition itself, not one output for the whole range
    return dg.AssetSpec(FILE, group_name="raw", kinds={"duckdb"}, skippable=True, partitions_def=filings,
                        description="Filings found in the inbox — read, classified, normalized, validated and loaded, "
                                    "each filing all in or not at all: core.documents (loaded / rejected / "
                                    "superseded), raw.table_cells, staging.budget_lines, budget_summary, three_public, "
                                    "performance_indicators, projects, narrative_figures, quality.findings and "
                                    "quality.check_results.")


def _batch_files(keys: list[str], named: dict[str, str], inbox: Inbox) -> dict[str, Path]:
    """Content key → file for the run's partitions: the files the sensor named, each checked against its key (it
    may have changed since the tick); the whole inbox is hashed only for keys not found so — a run started by
    hand, or a file moved — not for every batch (a province's inbox holds many thousand files), and once per process:
    the files it found are remembered (the run's process looks as the definitions load, its step again), and checked
    against their keys the next time like the named ones."""
    files: dict[str, Path] = {}
    for key in keys:
        path = inbox.root / named[key] if key in named else _found.get((inbox.root, key))
        if path is not None and path.is_file() and file_key(path.read_bytes()) == key:
            files[key] = path
    if len(files) < len(keys):
        index = inbox.index()
        _found.update(((inbox.root, key), index[key]) for key in keys if key in index and key not in files)
        files = {**index, **files}
    return files


_found: dict[tuple[Path, str], Path] = {}  # (inbox, key) → the file the inbox's index found for a run's partition


def run_paths(keys: list[str], named: dict[str, str], inbox: Inbox) -> list[tuple[Path, Path]]:
    """The run's filings as its step reads them: (file, inbox) for each partition key, in the keys' order."""
    files = _batch_files(keys, named, inbox)
    for key in keys:
        if key not in files:
            raise dg.Failure(f"no file in {inbox.root} has content key {key}; was it removed from the inbox?")
    return [(files[key], inbox.root) for key in keys]


def step_jobs(n_files: int) -> int:
    """The processes the step reads ``n_files`` filings with: $YUSUAN_JOBS, else every core (one per 32 at most)."""
    from pipelines.lib.workers import auto_jobs

    return settings.load().jobs or auto_jobs(n_files)


def run_files(argv: list[str], spawned: bool) -> list[tuple[Path, Path]] | None:
    """The filings the filings step of this process's run will read, as :func:`run_paths` finds them there, known as
    the definitions begin to load — ~0.5 s before the step starts, while Dagster builds the run's plan and its
    first events — or None if this process's run has no filings step, or this cannot tell which.

    What started the process says which run it is (:func:`pipelines.defs.executor.runs_filings` says it is one):
    `dagster asset materialize` its options (the partitions, the assets selected, the run config); `dagster api
    execute_run` / ``resume_run`` / ``execute_step`` the run's id, and the run — created before its process started
    — its partitions, assets and config; a run the code server spawned (`dagster dev`, the daemon's default run
    launcher) the same, from the arguments the code server handed the process.  The partitions' files are then
    found as the step finds them: the ones the run config names (the sensor's runs), checked against their keys."""
    from dagster._core.storage.tags import (
        ASSET_PARTITION_RANGE_END_TAG,
        ASSET_PARTITION_RANGE_START_TAG,
        PARTITION_NAME_TAG,
    )

    from pipelines.defs.executor import launched_run

    launched = launched_run(argv, spawned)
    if launched is None:
        return None
    run_id, ref, options = launched
    with (dg.DagsterInstance.from_ref(ref) if ref is not None else dg.DagsterInstance.get()) as instance:
        if options is not None:  # `dagster asset materialize`: the run is made from these
            if not _selects_filings(options["select"]):
                return None
            from dagster._cli.workspace.cli_target import get_run_config_from_cli_opts

            run_config = get_run_config_from_cli_opts(tuple(options["config"] or ()), options["config_json"])
            span = options["partition_range"] or ""
            start, _, end = span.partition("...") if span else (options["partition"], "", options["partition"])
        else:
            run = instance.get_run_by_id(run_id)
            if (run is None or (run.asset_selection is not None and FILE not in run.asset_selection)
                    or (run.step_keys_to_execute is not None and STEP not in run.step_keys_to_execute)):
                return None  # a run without the filings step (a models-only run, a re-execution of later steps)
            run_config = run.run_config
            one = run.tags.get(PARTITION_NAME_TAG)
            start, end = run.tags.get(ASSET_PARTITION_RANGE_START_TAG, one), run.tags.get(ASSET_PARTITION_RANGE_END_TAG, one)
        if not start or not end:
            return None
        keys = filings.get_partition_keys(dynamic_partitions_store=instance)  # in the order they were added
    keys = keys[keys.index(start):keys.index(end) + 1]  # a range of them, as Dagster reads one (ValueError: unknown)
    named = run_config.get("ops", {}).get(STEP, {}).get("config", {}).get("files", {})
    path = run_config.get("resources", {}).get("inbox", {}).get("config", {}).get("path")
    return run_paths(keys, named, Inbox(path=path or str(settings.load().inbox)))


def _selects_filings(select: str | None) -> bool:
    """Whether `dagster asset materialize --select` ``select`` takes ``raw/filings``: resolved over ``raw/filings``
    alone (the other assets are not loaded yet) — a selection naming another asset (``+marts/yoy_change``, a table
    of the step's) says no."""
    from dagster._core.definitions.assets.graph.asset_graph import AssetGraph

    if not select:
        return False
    try:
        with warnings.catch_warnings():  # Dagster's parser warns of its beta parameters; its CLI will, once
            warnings.simplefilter("ignore")
            selection = dg.AssetSelection.from_coercible(select.split(","))
            return FILE in selection.resolve(AssetGraph.from_assets([_file_alone()]))
    except dg.DagsterInvalidSubsetError:
        return False


def _file_alone() -> dg.AssetsDefinition:
    """``raw/filings`` as the one asset of a step of the filings step's name, for :func:`_selects_filings`."""
    return dg.multi_asset(specs=[file_spec()], name=STEP)(lambda: None)
