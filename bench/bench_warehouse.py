"""Benchmark the warehouse at scale: load ≥ 10 million budget lines, rebuild the models, export.

    .venv/bin/python bench/bench_warehouse.py                 # 10M rows, ~40k filings
    .venv/bin/python bench/bench_warehouse.py --rows 500000   # a quick run

Synthetic filings (counties × departments × years, ~250 budget lines each) are generated with
polars expressions, then loaded one filing per transaction through ``warehouse.load_document``,
the same path ``yusuan ingest`` takes.  A share of the filings is re-published with one amount
changed, which exercises supersede and the restatement ledger.  Prints rows/s for the load and
the runtime of every SQL model and of the Parquet export.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.lib import warehouse
from pipelines.lib.frames import FRAMES

# One filing's lines: every (table_kind, measure) below × SUBJECTS_PER_TABLE subject codes.
TABLES = [
    ("income", "function", ["total", "current_year_total", "fiscal_appropriation"]),
    ("expenditure", "function", ["total", "basic", "project"]),
    ("general_public_expenditure", "function", ["total", "basic", "project"]),
    ("basic_expenditure", "economic", ["total", "personnel", "public_operating"]),
]
SUBJECTS_PER_TABLE = 21  # 3 类 × (1 + 2 款 × (1 + 2 项)) ≈ what a county department prints


def subject_catalog() -> pl.DataFrame:
    """The lines every synthetic filing prints: table × measure × subject (类/款/项)."""
    rows = []
    for table_kind, classification, measures in TABLES:
        first = 201 if classification == "function" else 301
        codes = []
        for c in range(3):
            lei = str(first + c * 7)
            codes.append(lei)
            for k in range(2):
                kuan = f"{lei}{k + 1:02d}"
                codes.append(kuan)
                codes += [f"{kuan}{x + 1:02d}" for x in range(2)]
        for code in codes[:SUBJECTS_PER_TABLE]:
            for measure in measures:
                rows.append((table_kind, classification, code, f"科目{code}", measure))
    return pl.DataFrame(
        rows, schema=["table_kind", "classification", "subject_code", "subject_name", "measure"], orient="row"
    ).with_columns(
        subject_level=pl.col("subject_code").str.len_chars().replace_strict({3: 1, 5: 2, 7: 3}).cast(pl.Int8),
        parent_code=pl.when(pl.col("subject_code").str.len_chars() > 3).then(
            pl.col("subject_code").str.head(pl.col("subject_code").str.len_chars() - 2)
        ),
        source_table=pl.lit(2, pl.Int32),
        source_row=pl.int_range(pl.len(), dtype=pl.Int32),
        source_col=pl.lit(3, pl.Int32),
    )


THREE_PUBLIC = pl.DataFrame(
    {"category": ["total", "subtotal", "overseas_travel", "vehicles", "vehicle_purchase",
                  "vehicle_operation", "reception", "meeting", "training"]}
).join(pl.DataFrame({"fund_source": ["total", "general_public"]}), how="cross")  # fmt: skip
SUMMARY = pl.DataFrame(
    {
        "table_kind": ["summary"] * 4,
        "side": ["income", "income", "expense", "expense"],
        "item": ["general_public_budget", "current_year_total", "current_year_total", "grand_total"],
        "measure": ["amount"] * 4,
    }
)


def _with_amounts(frame: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Amounts from a per-(filing, row) hash, in 元 with cents, and the exact 万元."""
    return frame.with_columns(
        # the division keeps the left side's scale, so 204142 -> 2041.42
        amount_yuan=(
            (pl.struct("n", pl.int_range(pl.len()).over("n")).hash(seed=seed) % 1_000_000_000)
            .cast(pl.Int64)
            .cast(pl.Decimal(18, 2))
            / 100
        ).cast(pl.Decimal(18, 2)),
    ).with_columns(
        amount_wan=(pl.col("amount_yuan").cast(pl.Decimal(18, 6)) / 10000).cast(pl.Decimal(18, 6)),
        amount_text=pl.col("amount_yuan").cast(pl.String),
    )


def synthetic(rows: int, years: int) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """(documents, frames) with at least ``rows`` budget lines, all built by polars expressions."""
    catalog = subject_catalog()
    filings = -(-rows // catalog.height)
    per_county = 100
    counties = -(-filings // (per_county * years))
    documents = (
        pl.DataFrame({"n": pl.int_range(counties * per_county * years, eager=True)})
        .with_columns(
            county=pl.format("县{}", pl.col("n") // (per_county * years)),
            department_code=(300 + (pl.col("n") // years) % per_county).cast(pl.String),
            year=(2015 + pl.col("n") % years).cast(pl.Int32),
        )
        .with_columns(
            department_name=pl.format("{}部门{}", pl.col("county"), pl.col("department_code")),
            region=pl.format("某省/某市/{}", pl.col("county")),
            file_name=pl.format("{}-{}.docx", pl.col("department_code"), pl.col("year")),
        )
        .with_columns(document_id=pl.col("n").cast(pl.String).map_elements(_sha, return_dtype=pl.String))
    )
    keys = documents.select("document_id", "n")
    frames = {
        "budget_lines": _with_amounts(keys.join(catalog, how="cross"), 7),
        "three_public": _with_amounts(keys.join(THREE_PUBLIC, how="cross"), 11),
        "budget_summary": _with_amounts(keys.join(SUMMARY, how="cross"), 13),
    }
    frames = {
        name: frame.select(c for c in FRAMES[name] if c in frame.columns) for name, frame in frames.items()
    }
    return documents, frames


def _sha(n: str) -> str:
    return hashlib.sha256(f"bench-filing-{n}".encode()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000, help="budget lines to load (default 10M)")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--restated", type=float, default=0.01, help="share of filings re-published")
    parser.add_argument("--db", type=Path, default=None, help="warehouse file (default: a temp dir)")
    parser.add_argument("--memory-limit", default="6GB", help="DuckDB memory_limit")
    parser.add_argument("--keep", action="store_true", help="keep the temp warehouse and exports")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="yusuan-bench-"))
    db = args.db or tmp / "warehouse.duckdb"
    t = time.perf_counter()
    documents, frames = synthetic(args.rows, args.years)
    n_lines = frames["budget_lines"].height
    n_rows = sum(f.height for f in frames.values())
    # one dict of frames per filing; the big frames are dropped once split (keep one copy)
    split = {
        name: f.partition_by("document_id", as_dict=True, include_key=False) for name, f in frames.items()
    }
    del frames
    per_filing = {
        doc_id: {name: parts[(doc_id,)] for name, parts in split.items()}
        for doc_id in documents["document_id"]
    }
    del split
    print(
        f"generated {n_lines:,} budget lines ({n_rows:,} fact rows with 三公 and 收支总表) in "
        f"{documents.height:,} filings in {time.perf_counter() - t:.1f}s"
    )

    con = warehouse.connect(db)
    con.execute(f"set memory_limit = '{args.memory_limit}'").fetchall()
    warehouse.apply_ddl(con)

    meta = documents.drop("n").to_dicts()
    t = time.perf_counter()
    for i, doc in enumerate(meta):
        warehouse.load_document(con, {**doc, "unit": "元"}, per_filing[doc["document_id"]])
        if (i + 1) % 5000 == 0:
            elapsed = time.perf_counter() - t
            print(f"  {i + 1:,} filings, {(i + 1) * n_rows / len(meta) / elapsed:,.0f} rows/s", flush=True)
    load_s = time.perf_counter() - t
    print(f"load: {n_rows:,} fact rows ({n_lines:,} budget lines), {len(meta):,} filings in {load_s:.1f}s = "
          f"{n_rows / load_s:,.0f} rows/s, {len(meta) / load_s:,.0f} filings/s")  # fmt: skip

    # Re-publish a share of the filings with their first amount changed by one 元.
    n_restated = int(len(meta) * args.restated)
    t = time.perf_counter()
    for i, doc in enumerate(meta[:: max(1, len(meta) // max(1, n_restated))][:n_restated]):
        frame = per_filing[doc["document_id"]]["budget_lines"]
        changed = frame.with_columns(
            amount_yuan=pl.when(pl.int_range(pl.len()) == 0)
            .then(pl.col("amount_yuan") + 1)
            .otherwise(pl.col("amount_yuan")),
        ).with_columns(
            amount_wan=(pl.col("amount_yuan").cast(pl.Decimal(18, 6)) / 10000).cast(pl.Decimal(18, 6))
        )
        new = {**doc, "document_id": _sha(f"v2-{i}"), "file_name": "更正-" + doc["file_name"], "unit": "元"}
        result = warehouse.load_document(
            con, new, {**per_filing[doc["document_id"]], "budget_lines": changed}
        )
        assert result.superseded == (doc["document_id"],) and result.restated == 1, result
    supersede_s = time.perf_counter() - t
    if n_restated:
        print(f"supersede: {n_restated:,} re-published filings in {supersede_s:.1f}s = "
              f"{supersede_s / n_restated * 1000:.1f} ms each")  # fmt: skip

    t_all = time.perf_counter()
    con.begin()
    for name in warehouse.model_order():
        t = time.perf_counter()
        n = warehouse.run_model(con, name)
        print(f"  model {name:<32} {n:>12,} rows  {time.perf_counter() - t:6.2f}s")
    con.commit()
    print(f"rebuild_models: {time.perf_counter() - t_all:.1f}s")

    t = time.perf_counter()
    manifest = warehouse.export(con, tmp / "exports")
    print(
        f"export: {sum(r['row_count'] for r in manifest['relations']):,} rows in {time.perf_counter() - t:.1f}s"
    )
    con.close()
    size = db.stat().st_size / 2**30
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"warehouse file {size:.2f} GiB; peak RSS {peak:.1f} GiB")
    if not args.keep and args.db is None:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
