"""Per-filing assets: one dynamic partition per filing, all stages of a filing in one step.

The graph reads like the pipeline — the file (``raw/filings``) → its cells (``raw/table_cells``) →
tidy validated frames (``staging/*``) → findings (``quality/findings``) — but one step computes them
together — in worker processes, a chunk of filings each — and loads them here, a chunk per DuckDB
transaction (a chunk the warehouse refuses is loaded again a filing per transaction), so a filing is
either wholly in the warehouse or not at all.  A run covers a range of partitions (``BackfillPolicy.single_run``): 300
filings dropped at once cost one run, not 300 × Dagster's per-run overhead.
"""


import json
import os
from collections import Counter, defaultdict
from contextlib import closing

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import Inbox, warehouse_connection
from pipelines.lib import warehouse as wh
from pipelines.lib.ingest import auto_jobs, load_group, processed_chunks

filings = dg.DynamicPartitionsDefinition(name="filings")

FILE = dg.AssetKey(["raw", "filings"])

# which asset each validation check guards (names from pipelines.lib.checks)
CHECKS: dict[str, tuple[dg.AssetKey, str]] = {
    "filing_identifiable": (FILE, "department, year and at least one budget table were found (else rejected)"),
    "cells_readable": (FILE, "every amount cell parsed and every table was recognised"),
    "empty_note_consistent": (FILE, "a table declared empty prints no amounts"),
    "schema": (FILE, "pandera schemas: types, code patterns, enumerations, grain"),
    "hierarchy_sum": (FILE, "类 = Σ 款, 款 = Σ 项, 合计 = Σ 类 within rounding"),
    "measures_sum": (FILE, "合计 = 基本 + 项目 …, 人员 + 公用 …, per row"),
    "cross_table": (FILE, "totals agree across the nine tables"),
    "summary_sums": (FILE, "收支总表 / 财政拨款收支总表 add up and balance"),
    "three_public_sum": (FILE, "三公 合计 = 小计 = 出国 + 用车 + 接待, 用车 = 购置 + 运行"),
    "unit_rows_sum": (FILE, "a table printed by unit: Σ units = 合计 per column"),
    "narrative_vs_tables": (FILE, "the figures the text states match the tables"),
    "narrative_claims": (FILE, "the narrative compares with the year before and states possible changes"),
    "final_balance": (FILE, "决算: 年初结转和结余 + 本年收入 + 使用非财政拨款结余 = 本年支出 + 结余分配 + 年末结转和结余"),
    "narrative_execution": (FILE, "决算: the narrative's 决算数 and 完成预算的 % agree with the tables"),
}
ERROR_CHECKS = {"filing_identifiable"}
STAGING_TABLES = ("table_cells", "budget_lines", "budget_summary", "three_public", "performance_indicators", "projects",
                  "narrative_figures", "findings", "check_results")

# One key, not one per table: Dagster writes one event per key per partition, and at 30-70 ms an event
# (SQLite run storage) nine keys made a 300-filing drop 3.6x slower than `yusuan ingest`, two keys 2.6x.
def _specs() -> list[dg.AssetSpec]:
    # a function, not a module-level list: the defs loader would take a list of specs as definitions
    return [
        dg.AssetSpec(FILE, group_name="raw", kinds={"duckdb"},
                     description="Filings found in the inbox — read, classified, normalized, validated and loaded, "
                                 "each filing all in or not at all: core.documents (loaded / rejected / superseded), "
                                 "raw.table_cells, staging.budget_lines, budget_summary, three_public, "
                                 "performance_indicators, projects, narrative_figures, quality.findings and "
                                 "quality.check_results."),
    ]


@dg.multi_asset(
    name="ingest_filings",
    specs=_specs(),
    check_specs=[dg.AssetCheckSpec(name, asset=key, description=d) for name, (key, d) in CHECKS.items()],
    partitions_def=filings,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool="warehouse",
)
def ingest_filings(context: dg.AssetExecutionContext, warehouse: DuckDBResource, inbox: Inbox):
    """Extract, normalize and validate the run's filings in worker processes ($YUSUAN_JOBS, default every core,
    one per 8 filings at most), and load them here in the files' order, a chunk per transaction."""
    keys = context.partition_keys
    files = inbox.index()
    statuses: Counter = Counter()
    rows: Counter = Counter()
    per_check: dict[str, dict] = defaultdict(lambda: {"passed": 0, "failed": 0, "not_run": 0, "within_rounding": 0,
                                                      "failures": []})
    paths = []
    for key in keys:
        path = files.get(key)
        if path is None:
            raise dg.Failure(f"no file in {inbox.root} has content key {key}; was it removed from the inbox?")
        paths.append((path, inbox.root))
    jobs = int(os.environ.get("YUSUAN_JOBS") or 0) or auto_jobs(len(paths))
    n = 0
    with warehouse_connection(warehouse, context.log) as con, closing(processed_chunks(paths, jobs=jobs)) as chunks:
        wh.apply_ddl(con)
        for items in chunks:  # read in `jobs` worker processes, loaded here: one transaction per chunk
            for item, status in zip(items, load_group(con, items), strict=True):
                key, path = keys[n], paths[n][0]
                n += 1
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
                if n % 50 == 0 or n == len(keys):  # every log line is an event-log write: not one per filing
                    context.log.info(f"{n}/{len(keys)} filings: {dict(statuses)}")
    meta = {"filings": dg.MetadataValue.json(dict(statuses))}
    yield dg.MaterializeResult(asset_key=FILE, metadata={
        **meta, **{name: rows[name] for name in STAGING_TABLES}, "dagster/row_count": len(keys)})
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
