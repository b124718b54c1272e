"""Per-filing assets: one dynamic partition per filing, all stages of a filing in one step.

The graph reads like the pipeline — the file (``raw/filings``) → its cells (``raw/table_cells``) →
tidy validated frames (``staging/*``) → findings (``quality/findings``) — but one step computes them
together — in worker processes, a chunk of filings each — and loads them here, a chunk per DuckDB
transaction (a chunk the warehouse refuses is loaded again a filing per transaction), so a filing is
either wholly in the warehouse or not at all.  A run covers a range of partitions (``BackfillPolicy.single_run``): 300
filings dropped at once cost one run, not 300 × Dagster's per-run overhead.
"""


import json
from collections import Counter, defaultdict
from contextlib import closing
from functools import cache

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.executor import workers_without_the_main_script
from pipelines.defs.resources import Inbox, warehouse_connection, warehouse_path
from pipelines.defs.run_filings import FILE, STEP, file_spec, run_paths, step_jobs
from pipelines.lib import transform
from pipelines.lib.check_registry import CHECKS, filing_outcomes, owner

# The stages (pandera, polars: ~0.5 CPU s) are imported by the step that runs them, not with the definitions: the
# sensor's tick and a models-only run never need them.

# One asset check per check declared in pipelines.lib.check_registry, all on the filings asset.
CHECK_SEVERITY = {"error": dg.AssetCheckSeverity.ERROR, "warning": dg.AssetCheckSeverity.WARN}

MANIFEST = transform.manifest_path(warehouse_path())


@cache
def dbt_manifest() -> dict:
    # dagster-dbt reads this file anyway; reading it here, not asking dbt to parse the project, keeps loading
    # the definitions — in the sensor's tick and in every run — free of dbt's import and parse (seconds of CPU)
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def _source_tables() -> list[dg.AssetSpec]:
    """The loader's tables dbt reads (core.documents, staging.*): the dbt sources, written and materialized by this
    step, once a run each, unpartitioned (a table holds every filing).  Being this step's outputs, they put the
    models step after this one in every run's plan — whatever the executor — where specs nobody materialized left
    the two steps unordered."""
    sources = dbt_manifest()["sources"].values()
    return [
        dg.AssetSpec(dg.AssetKey([s["source_name"], s["name"]]), deps=[FILE], group_name="raw",
                     description=f"{s['description']}\n\nWritten by raw/filings (the loader); read by the dbt models.",
                     kinds={"duckdb"})
        for s in sorted(sources, key=lambda s: (s["source_name"], s["name"]))
    ]


# raw/filings: one key, not one per table, per filing: Dagster writes one event per key per partition, and at 30-70 ms
# an event (SQLite run storage) nine keys made a 300-filing drop 3.6x slower than `yusuan ingest`, two keys 2.6x.  The
# tables are keys of their own but unpartitioned: one event each per run, not per filing.
def _specs() -> list[dg.AssetSpec]:
    # a function, not a module-level list: the defs loader would take a list of specs as definitions
    return [
        file_spec(),
        *_source_tables(),
    ]


class FilingsConfig(dg.Config):
    """Which file each partition of the run is, as the sensor found it (its run request says so)."""

    files: dict[str, str] = {}  # content key → path relative to the inbox; empty (a run started by hand): look


@dg.multi_asset(
    name=STEP,
    specs=_specs(),
    check_specs=[dg.AssetCheckSpec(c.name, asset=FILE, description=c.promise) for c in CHECKS],
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool="warehouse",
)
def ingest_filings(context: dg.AssetExecutionContext, config: FilingsConfig, warehouse: DuckDBResource,
                   inbox: Inbox):
    """Extract, normalize and validate the run's filings in this process and worker processes ($YUSUAN_JOBS in
    all, default every core, one per 32 filings at most), and load them here in the files' order, a commit per
    DuckDB row group's worth of rows (:func:`pipelines.lib.loading.commit_groups`)."""
    from pipelines.lib import db
    from pipelines.lib import warehouse as wh
    from pipelines.lib.loading import commit_groups, load_held
    from pipelines.lib.workers import (
        cool_down,
        first_tasks,
        has_first_tasks,
        planned_workers,
        processed_chunks,
        warming,
    )
    from pipelines.schemas.declared import RELATIONS  # the frames' order, without importing pandera's models

    keys = context.partition_keys
    statuses: Counter = Counter()
    rows: Counter = Counter()
    per_check: dict[str, dict] = defaultdict(lambda: {"passed": 0, "failed": 0, "not_run": 0, "within_rounding": 0,
                                                      "findings": 0, "failures": []})
    rejected = []
    paths = run_paths(keys, config.files, inbox)
    jobs = step_jobs(len(paths))
    workers = planned_workers(len(paths), jobs)
    if not workers:
        cool_down()  # workers started with the run's process (executor.start_workers): too few filings to share
    started = "started with the run" if warming() == workers else "started by this step"
    if workers and has_first_tasks(paths, jobs=jobs):  # executor.start_workers found the run's files
        started += ", given their first tasks as the definitions loaded"
    if workers:
        with workers_without_the_main_script():
            first_tasks(paths, jobs=jobs)  # read while this process opens the warehouse and creates its tables
    n = 0
    # as yusuan ingest: while the other cores read filings, DuckDB's second thread would take turns with them
    with (warehouse_connection(warehouse, context.log) as con, workers_without_the_main_script(),
          db.threads(con, 1 if workers else None),
          closing(processed_chunks(paths, jobs=jobs, idle=True)) as chunks):
        wh.apply_ddl(con)
        for items in commit_groups(chunks):  # read in `jobs` worker processes, loaded here: a commit per row
            # group's worth of rows (loading.ROW_GROUP), as yusuan ingest loads them, and what is held when the rest
            # is with the workers (an empty group: waiting for their last tasks, all else loaded — DuckDB's log is
            # written into the file then, not in the commit after them: loading.load_held)
            reports = []
            for item, status in zip(items, load_held(con, items), strict=True):
                key, path = keys[n], paths[n][0]
                n += 1
                statuses[status] += 1
                for name, df in item.frames.items():
                    rows[name] += df.height
                # the filing's partition: its own file, department, outcome and why — one event per filing
                reports.append(dg.AssetMaterialization(asset_key=FILE, partition=key,
                                                       metadata=_filing_metadata(item, status, path, inbox.root)))
                outcomes = filing_outcomes(item.checks, item.findings, validated=not item.rejected)
                for name, o in outcomes.items():  # per filing: a filing passes, fails or skips each check once
                    c = per_check[name]
                    c[o.status] += 1
                    c["within_rounding"] += o.within_rounding
                for f in item.findings:  # under the check that declares the finding's name
                    c = per_check[owner(f.check)]
                    c["findings"] += 1
                    if len(c["failures"]) < 50:
                        c["failures"].append(
                            {"filing": key, "file": path.name, "check": f.check, "table": f.table_kind,
                             "location": f.location, "expected": f.expected, "actual": f.actual,
                             "message": f.message})
                if status == "rejected":
                    rejected.append(f"{path.name}: {item.document.error}")
                if n % 50 == 0 and n < len(keys):  # every log line is an event-log write: not one per filing
                    context.log.info(f"{n}/{len(keys)} filings: {dict(statuses)}")
            yield from reported_together(context, reports)  # the group's filings, as the group is committed
        # the tables the batch was loaded into (the dbt sources): one materialization each per run, not per filing;
        # their outputs are what the models step waits for
        for spec in _source_tables():
            table = ".".join(spec.key.path)
            [(count,)] = con.execute(f"select count(*) from {table}").fetchall()
            yield dg.MaterializeResult(asset_key=spec.key, metadata={"dagster/row_count": count})
    # the batch in the run's log: how many filings of each outcome, the rows loaded, and every rejection's reason
    context.log.info(f"{len(keys)} filings: {dict(statuses)}; rows: "
                     + ", ".join(f"{frame} {rows[frame]}" for frame, _, _ in RELATIONS if rows[frame])
                     + (f"; read in this process and {workers} worker process(es), {started}" if workers else ""))
    if rejected:
        context.log.warning(f"{len(rejected)} filing(s) rejected:\n" + "\n".join(rejected[:200])
                            + (f"\n… and {len(rejected) - 200} more" if len(rejected) > 200 else ""))
    for check in CHECKS:
        c = per_check[check.name]
        yield dg.AssetCheckResult(
            check_name=check.name, asset_key=FILE, passed=c["failed"] == 0,
            severity=CHECK_SEVERITY[check.severity],
            metadata={
                "filings_passed": c["passed"], "filings_failed": c["failed"], "filings_not_run": c["not_run"],
                "within_rounding": c["within_rounding"], "findings": c["findings"],
                "first_findings": dg.MetadataValue.json(c["failures"]),
            },
            description=json.dumps({k: c[k] for k in ("passed", "failed", "not_run")}),
        )


def reported_together(context: dg.AssetExecutionContext, materializations: list[dg.AssetMaterialization]):
    """The events of ``materializations`` as Dagster makes them of materializations a step yields, marked as one
    batch: with $DAGSTER_EVENT_BATCH_SIZE set (.env), Dagster hands the batch to the event log at once, as it does
    the per-partition events of an output covering many partitions, and the storage (pipelines/defs/storage.py)
    writes it in one transaction per SQLite file instead of two a filing (~1 CPU ms each); unset, they are written one
    by one.  The filings step reports a commit group's filings together, right after the group is committed: the
    partitions show when their rows are in the warehouse, not filing by filing within a transaction.  The metadata
    is all built before the first event, so a batch is never left half-made (an unfinished batch is never written).
    ``get_step_execution_context`` is Dagster's door for framework code to make events itself."""
    from dagster._core.events import DagsterEvent, DagsterEventBatchMetadata, generate_event_batch_id

    step = context.get_step_execution_context()
    batch, last = generate_event_batch_id(), len(materializations) - 1
    for i, materialization in enumerate(materializations):
        # logged (into the batch) as it is made; yielded, Dagster passes it on as the step's event
        yield DagsterEvent.asset_materialization(step, materialization, DagsterEventBatchMetadata(batch, i == last))


def partition_metadata(*, file: str, county: str | None, department: str | None, year: int | None, doc_type: str,
                       status: str, error: str | None, **more) -> dict:
    """What a filing's partition shows, whoever loaded it (this step, or `yusuan ingest`: sensors._loaded_elsewhere):
    its file, who published it, the outcome and, if rejected, why; ``more`` adds what the loader knows."""
    meta = {"file": file, "county": county or "", "department": department or "", "year": year or 0,
            "doc_type": doc_type, "status": status, **more}
    if error:
        meta["error"] = error
    return meta


def _filing_metadata(item, status: str, path, root) -> dict:
    """A filing this step loaded: its file in the inbox (as the sensor names it), the rows it loaded and its
    findings beside :func:`partition_metadata`'s."""
    doc = item.document
    return partition_metadata(
        file=str(path.relative_to(root)) if path.is_relative_to(root) else str(path), county=doc.county,
        department=doc.department_name, year=doc.year, doc_type=doc.doc_type, status=status, error=doc.error,
        budget_lines=item.frames["budget_lines"].height if "budget_lines" in item.frames else 0,
        findings=len(item.findings))
