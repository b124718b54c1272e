"""Per-filing assets: one dynamic partition per filing, all stages of a filing in one step.

The graph reads like the pipeline — the file (``raw/filings``) → its cells (``raw/table_cells``) →
tidy validated frames (``staging/*``) → findings (``quality/findings``) — but one step computes them
together and loads them in ONE DuckDB transaction per filing, so a filing is either wholly in the
warehouse or not at all.  A run covers a range of partitions (``BackfillPolicy.single_run``): 300
filings dropped at once cost one run, not 300 × Dagster's per-run overhead.
"""


import json
from collections import Counter, defaultdict

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import Inbox
from pipelines.lib import warehouse as wh
from pipelines.lib.ingest import load_processed
from pipelines.lib.stages import process

filings = dg.DynamicPartitionsDefinition(name="filings")

FILE = dg.AssetKey(["raw", "filings"])
CELLS = dg.AssetKey(["raw", "table_cells"])
STAGING = {name: dg.AssetKey(["staging", name]) for name in
           ("budget_lines", "budget_summary", "three_public", "performance_indicators", "projects",
            "narrative_figures")}
FINDINGS = dg.AssetKey(["quality", "findings"])

# which asset each validation check guards (names from pipelines.lib.checks)
CHECKS: dict[str, tuple[dg.AssetKey, str]] = {
    "filing_identifiable": (FILE, "department, year and at least one budget table were found (else rejected)"),
    "cells_readable": (CELLS, "every amount cell parsed and every table was recognised"),
    "empty_note_consistent": (CELLS, "a table declared empty prints no amounts"),
    "schema": (STAGING["budget_lines"], "pandera schemas: types, code patterns, enumerations, grain"),
    "hierarchy_sum": (STAGING["budget_lines"], "类 = Σ 款, 款 = Σ 项, 合计 = Σ 类 within rounding"),
    "measures_sum": (STAGING["budget_lines"], "合计 = 基本 + 项目 …, 人员 + 公用 …, per row"),
    "cross_table": (STAGING["budget_lines"], "totals agree across the nine tables"),
    "summary_sums": (STAGING["budget_summary"], "收支总表 / 财政拨款收支总表 add up and balance"),
    "three_public_sum": (STAGING["three_public"], "三公 合计 = 小计 = 出国 + 用车 + 接待, 用车 = 购置 + 运行"),
    "narrative_vs_tables": (STAGING["narrative_figures"], "the figures the text states match the tables"),
}
ERROR_CHECKS = {"filing_identifiable"}


def _specs() -> list[dg.AssetSpec]:
    desc = {
        FILE: "Filings found in the inbox: one row per file in core.documents (loaded / rejected / superseded).",
        CELLS: "Every cell of every table of the filing, losslessly, with its table kind, title and span.",
        FINDINGS: "What validation noticed, with the filing, table, row and a message an analyst understands.",
    }
    specs = [dg.AssetSpec(FILE, description=desc[FILE], group_name="raw", kinds={"duckdb"}),
             dg.AssetSpec(CELLS, deps=[FILE], description=desc[CELLS], group_name="raw", kinds={"duckdb"})]
    for name, key in STAGING.items():
        specs.append(dg.AssetSpec(key, deps=[CELLS], group_name="staging", kinds={"polars", "duckdb"},
                                  description=f"staging.{name}: typed, pandera-validated rows of each filing."))
    specs.append(dg.AssetSpec(FINDINGS, deps=list(STAGING.values()), description=desc[FINDINGS],
                              group_name="quality", kinds={"duckdb"}))
    return specs


@dg.multi_asset(
    name="ingest_filings",
    specs=_specs(),
    check_specs=[dg.AssetCheckSpec(name, asset=key, description=d) for name, (key, d) in CHECKS.items()],
    partitions_def=filings,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool="warehouse",
)
def ingest_filings(context: dg.AssetExecutionContext, warehouse: DuckDBResource, inbox: Inbox):
    """Extract, normalize, validate and load each filing of the run's partitions (one transaction each)."""
    keys = context.partition_keys
    files = inbox.index()
    statuses: Counter = Counter()
    rows: Counter = Counter()
    per_check: dict[str, dict] = defaultdict(lambda: {"passed": 0, "failed": 0, "not_run": 0, "within_rounding": 0,
                                                      "failures": []})
    with warehouse.get_connection() as con:
        wh.apply_ddl(con)
        for n, key in enumerate(keys, 1):
            path = files.get(key)
            if path is None:
                raise dg.Failure(f"no file in {inbox.root} has content key {key}; was it removed from the inbox?")
            item = process(path, root=inbox.root)
            status = load_processed(con, item)
            statuses[status] += 1
            for name, df in item.frames.items():
                rows[name] += df.height
            for r in item.checks:
                c = per_check[r.check]
                c[r.status] += 1
                c["within_rounding"] += r.within_rounding
            for f in item.findings:
                per_check[f.check if f.check in CHECKS else "cells_readable"]["failures"].append(
                    {"filing": key, "file": path.name, "table": f.table_kind, "location": f.location,
                     "expected": f.expected, "actual": f.actual, "message": f.message})
            context.log.info(f"[{n}/{len(keys)}] {status}: {path.name}")
    meta = {"filings": dg.MetadataValue.json(dict(statuses))}
    yield dg.MaterializeResult(asset_key=FILE, metadata={**meta, "dagster/row_count": len(keys)})
    yield dg.MaterializeResult(asset_key=CELLS, metadata={"dagster/row_count": rows["table_cells"]})
    for name, key in STAGING.items():
        yield dg.MaterializeResult(asset_key=key, metadata={"dagster/row_count": rows[name]})
    yield dg.MaterializeResult(asset_key=FINDINGS, metadata={"dagster/row_count": rows["findings"]})
    for name, (key, _) in CHECKS.items():
        c = per_check[name]
        passed = not c["failures"]
        yield dg.AssetCheckResult(
            check_name=name, asset_key=key, passed=passed,
            severity=dg.AssetCheckSeverity.ERROR if name in ERROR_CHECKS else dg.AssetCheckSeverity.WARN,
            metadata={
                "filings_passed": c["passed"], "filings_failed": c["failed"], "filings_not_run": c["not_run"],
                "within_rounding": c["within_rounding"], "findings": len(c["failures"]),
                "first_findings": dg.MetadataValue.json(c["failures"][:50]),
            },
            description=json.dumps({k: c[k] for k in ("passed", "failed", "not_run")}),
        )
