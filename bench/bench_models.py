"""Benchmark the SQL models: dbt build vs the plain runner, and the marts vs a hand-written window query.

    .venv/bin/python bench/bench_models.py                  # 2M budget lines (~8k filings), a minute or two
    .venv/bin/python bench/bench_models.py --rows 10000000  # the 10M-row warehouse of bench_warehouse.py

The warehouse is bench_warehouse.py's synthetic one (counties × departments × years, ~250 budget
lines a filing), written in bulk (this bench times the models, not the loader).  On it, in one run:

1. the plain runner: each model's SQL (as dbt compiles it) run as ``create or replace table … as``
   in dependency order in one transaction — what yusuan's home-made runner did;
2. ``dbt build`` of the models only, then the full ``dbt build`` (models + seeds + every test), the
   way ``yusuan ingest`` runs it: the difference to (1) is dbt's cost per ingest;
3. each mart against the obvious hand-written query over the same rows: a ``LAG`` window over the
   fact rows it reads (partitioned and ordered like the mart's year-over-year comparison).

Then the same on the shipped samples' warehouse (a small batch) to give the per-ingest overhead.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_warehouse import synthetic  # noqa: E402

from pipelines.lib import transform, warehouse  # noqa: E402

# The hand-written reference for each mart: the plainest query that computes its comparison over the
# same fact rows (aggregate to the mart's grain, then one LAG window).
REFERENCE = {
    "marts.yoy_change": """
        select department_key, doc_type, table_kind, subject_code, measure, year, amount_wan,
               lag(amount_wan) over (partition by department_key, doc_type, table_kind, subject_code, measure
                                     order by year) as prior_amount_wan
        from (select department_key, doc_type, table_kind, subject_code, measure, year,
                     sum(amount_wan) as amount_wan
              from dw.fct_budget_line group by all)""",
    "marts.three_public_trend": """
        select department_key, doc_type, category, year, amount_wan,
               lag(amount_wan) over (partition by department_key, doc_type, category order by year) as prior
        from (select department_key, doc_type, category, year, sum(amount_wan) as amount_wan
              from dw.fct_three_public where fund_source = 'total' group by all)""",
    "marts.three_public_by_county": """
        select county, doc_type, category, year, amount_wan,
               lag(amount_wan) over (partition by county, doc_type, category order by year) as prior
        from (select d.county, f.doc_type, f.category, f.year, sum(f.amount_wan) as amount_wan
              from dw.fct_three_public f join dw.dim_department d using (department_key)
              where f.fund_source = 'total' group by all)""",
    "marts.department_ranking": """
        select department_key, doc_type, year, total_wan,
               lag(total_wan) over (partition by department_key, doc_type order by year) as prior,
               rank() over (partition by doc_type, year order by total_wan desc) as rank_by_total
        from (select department_key, doc_type, year, sum(amount_wan) as total_wan
              from dw.fct_budget_line where table_kind = 'expenditure' and measure = 'total'
                  and subject_level = 1 group by all)""",
    "marts.budget_lines": "select * from dw.fct_budget_line join dw.dim_document using (document_id)",
}


def bulk_load(con, rows: int, years: int) -> int:
    documents, frames = synthetic(rows, years)
    now = datetime.now(UTC)
    docs = documents.drop("n").with_columns(
        status=pl.lit("loaded"), unit=pl.lit("元"), doc_type=pl.lit("budget"),
        ingested_at=pl.lit(now), status_changed_at=pl.lit(now),
    )
    con.begin()
    warehouse.register_frame(con, "_docs", docs)
    con.execute("insert into core.documents by name select * from _docs").fetchall()
    con.unregister("_docs")
    for name, frame in frames.items():
        if "source_row" not in frame.columns or frame["source_row"].null_count():
            # the generator leaves the 收支总表 lines without a row number; a filing prints them on rows
            frame = frame.with_columns(source_table=pl.lit(0, pl.Int32),
                                       source_row=pl.int_range(pl.len(), dtype=pl.Int32).over("document_id"))
        view = f"_f_{name}"
        warehouse.register_frame(con, view, frame)
        con.execute(f"insert into {warehouse.FRAME_TABLES[name]} by name select * from {view}").fetchall()
        con.unregister(view)
    con.commit()
    return frames["budget_lines"].height


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def plain_runner(con, compiled: dict[str, str]) -> dict[str, float]:
    seconds = {}
    con.begin()
    for name in transform.model_names():
        seconds[name], _ = timed(lambda n=name: con.execute(
            f"create or replace table {n} as\n{compiled[n]}").fetchall())
    con.commit()
    return seconds


def compare(db: Path, label: str) -> None:
    con = warehouse.connect(db)
    con.execute("set enable_progress_bar = false").fetchall()
    transform.manifest(db)  # parsed once, as in a long-running process (a new process adds the parse)
    compiled = transform.compiled_sql(db)
    runner = plain_runner(con, compiled)
    runner_s = sum(runner.values())
    con.close()
    models_s, _ = timed(lambda: transform.build(db, exclude=["resource_type:test"]))
    build_s, result = timed(lambda: transform.build(db))
    n_tests = len(result.tests)
    print(f"[{label}] plain runner (same SQL, one transaction): {runner_s:.2f}s")
    print(f"[{label}] dbt build, models only:                  {models_s:.2f}s  (+{models_s - runner_s:.2f}s)")
    print(f"[{label}] dbt build, models + {n_tests} tests:           {build_s:.2f}s  (+{build_s - runner_s:.2f}s)")
    if label != "bench":
        return
    con = warehouse.connect(db)
    con.execute("create schema if not exists bench_ref").fetchall()
    print(f"[{label}] marts vs the hand-written window query over the same rows (both written as tables, "
          "each run twice in turn, the faster kept; CPU s = all threads, steadier on a shared machine):")
    for name in sorted(compiled):
        if name not in REFERENCE:
            continue
        best = {"model": (float("inf"), float("inf")), "ref": (float("inf"), float("inf"))}
        for _ in range(2):
            for kind, sql in (("model", compiled[name]), ("ref", REFERENCE[name])):
                cpu = time.process_time()
                wall, _ = timed(lambda s=sql: con.execute(f"create or replace table bench_ref.ref as {s}").fetchall())
                best[kind] = min(best[kind], (wall, time.process_time() - cpu))
        rows = con.execute(f"select count(*) from {name}").fetchall()[0][0]
        (m_wall, m_cpu), (r_wall, r_cpu) = best["model"], best["ref"]
        print(f"  {name:<30} {rows:>11,} rows  model {m_wall:6.2f}s  hand-written {r_wall:6.2f}s  "
              f"ratio {m_wall / r_wall:4.1f}x  (CPU {m_cpu:6.2f}s vs {r_cpu:6.2f}s, {m_cpu / r_cpu:4.1f}x)")
    slowest = sorted(runner.items(), key=lambda kv: -kv[1])[:5]
    print(f"[{label}] slowest models: " + ", ".join(f"{n} {s:.2f}s" for n, s in slowest))
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000_000, help="budget lines (default 2M)")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="yusuan-bench-models-"))
    os.environ.setdefault("YUSUAN_DBT_ARTIFACTS", str(tmp / "dbt"))
    try:
        db = tmp / "warehouse.duckdb"
        con = warehouse.connect(db)
        warehouse.apply_ddl(con)
        load_s, n = timed(lambda: bulk_load(con, args.rows, args.years))
        con.close()
        print(f"bench warehouse: {n:,} budget lines, written in bulk in {load_s:.1f}s")
        compare(db, "bench")

        # a small batch: the shipped samples (8 filings), as `yusuan ingest data/samples` leaves them
        from pipelines.lib.ingest import ingest

        small = tmp / "samples" / "warehouse.duckdb"
        ingest([ROOT / "data" / "samples"], small, echo=lambda _line: None)
        compare(small, "samples")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(f"peak RSS {peak:.1f} GiB")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
