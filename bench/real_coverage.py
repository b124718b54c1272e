"""Coverage of the real filings: what yusuan makes of every PDF under ../shared/real_samples.

    .venv/bin/python bench/real_coverage.py [folder ...] [--db PATH] [--gaps N]

Ingests every filing under the folders (default: ../shared/real_samples, all regions) into a fresh temporary
warehouse through the normal ``yusuan ingest`` code path (``pipelines.lib.ingest.ingest``), then prints, per
filing: status, department, year, doc_type, scope (when the warehouse has one), the amounts printed in its
recognised budget tables, how many were read, the facts loaded, and the coverage; then a total line.

What "printed amounts" are is defined once, in ``pipelines/lib/coverage.py`` (every amount-shaped body cell of
every recognised budget table, codes, row numbers and percentages excluded) and stored per table in
``quality.coverage``; the cells left out, with why, are in ``quality.coverage_gaps`` (``--gaps N`` prints the
N most common reasons).  "read" counts cells that became lines (facts, and 合计 rows read and checked);
"facts" counts the rows loaded into staging.budget_lines / budget_summary / three_public / unit_lines.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.lib import coverage, warehouse  # noqa: E402
from pipelines.lib.ingest import ingest  # noqa: E402

REAL = ROOT.parent / "shared" / "real_samples"


def _columns(con, table: str) -> set[str]:
    schema, name = table.split(".")
    return {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, name]).fetchall()}


def report(db: Path, gaps: int) -> None:
    con = warehouse.connect(db, read_only=True)
    doc_cols = _columns(con, "core.documents")
    scope = "scope" if "scope" in doc_cols else "null"
    unit_lines = " union all select document_id from staging.unit_lines" if _columns(con, "staging.unit_lines") else ""
    rows = con.execute(f"""
        with cov as (select document_id, sum(printed) as printed, sum("read") as got
                     from quality.coverage group by document_id),
             facts as (select document_id, count(*) as n from (
                 select document_id from staging.budget_lines union all
                 select document_id from staging.budget_summary union all
                 select document_id from staging.three_public{unit_lines}) group by document_id)
        select d.source_path, d.status, d.department_name, d.year, d.doc_type, {scope} as scope,
               coalesce(cov.printed, 0), coalesce(cov.got, 0), coalesce(facts.n, 0), d.error
        from core.documents d left join cov using (document_id) left join facts using (document_id)
        order by d.source_path
    """).fetchall()
    base = str(REAL) + "/"
    print(f"{'file':<70} {'status':<10} {'department':<28} {'year':>4} {'type':<14} {'scope':<10} "
          f"{'printed':>7} {'read':>5} {'facts':>5} {'cover':>6}")
    tot_p = tot_r = tot_f = loaded = 0
    for path, status, dept, year, doc_type, sc, printed, got, facts, error in rows:
        name = path.removeprefix(base)
        pct = f"{coverage.percent(got, printed):>5}%" if printed else "    -"
        print(f"{name[-70:]:<70} {status:<10} {(dept or '?')[:28]:<28} {year or '?':>4} {doc_type or '?':<14} "
              f"{(sc or '-'):<10} {printed:>7} {got:>5} {facts:>5} {pct:>6}")
        if status == "rejected":
            print(f"{'':<12}rejected: {(error or '')[:160]}")
        else:
            loaded += 1
            tot_p, tot_r, tot_f = tot_p + printed, tot_r + got, tot_f + facts
    pct = f"{coverage.percent(tot_r, tot_p)} %" if tot_p else "-"
    print(f"\nTOTAL {len(rows)} filings: {loaded} loaded, {len(rows) - loaded} rejected; "
          f"{tot_r} of {tot_p} printed amounts read ({pct}); {tot_f} facts")
    if gaps:
        print(f"\nmost common reasons for amounts left out (top {gaps}):")
        for reason, n in con.execute("""
                select regexp_replace(reason, '''[^'']*''', '''…''', 'g') as r, count(*) as n
                from quality.coverage_gaps group by r order by n desc limit ?""", [gaps]).fetchall():
            print(f"  {n:>5}  {reason[:150]}")
    con.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, default=[REAL])
    ap.add_argument("--db", type=Path, help="keep the warehouse here (default: a temporary one)")
    ap.add_argument("--gaps", type=int, default=0, help="print the N most common reasons for cells left out")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "real.duckdb"
        if db.exists():
            db.unlink()
        t0 = time.perf_counter()
        summary = ingest(args.paths, db)
        print(f"ingested {summary.files} file(s) in {time.perf_counter() - t0:.1f} s\n")
        report(db, args.gaps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
