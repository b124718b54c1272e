"""Same facts before and after a change: every warehouse table of a ``--jobs 1`` ingest at git revision REV and at
this checkout (or revision ``--this``), compared row for row with ``EXCEPT ALL`` both ways.

    .venv/bin/python bench/facts_diff.py [--base main] [--jobs N] [PATH ...]

PATHs default to the shipped samples (data/samples) and the real filings (../shared/real_samples).  The base is
``git archive REV`` unpacked into a temporary directory and run with this venv's Python, so both ingests read the
same files by the same absolute paths.  Columns of a timestamp type (when a row was written) and the bookkeeping
tables ``core.model_build`` / ``core.model_build_documents`` / ``core.schema_version`` are left out; everything
else — documents, facts, findings, check results, coverage and its gaps, every table cell, the marts — must match
exactly, duplicates counted.
Prints per table the rows each side has and the rows only one side has; exits 1 when any differ.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = [ROOT / "data" / "samples", ROOT.parent / "shared" / "real_samples"]
# bookkeeping of the model builds: a digest of each filing's dw.dim_document row, its ingested_at included
SKIP_TABLES = {("core", "model_build"), ("core", "model_build_documents"), ("core", "schema_version")}
DIFFERENT: list[str] = []  # the tables found different, by compare()


def ingest(code: Path, db: Path, paths: list[Path], jobs: int = 1) -> None:
    """``yusuan ingest --jobs JOBS`` with the code under ``code`` (its own ``pipelines``, ``sql``, ``schemas``)."""
    env = dict(os.environ, PYTHONPATH=str(code))
    cmd = [sys.executable, "-c", "import sys; from pipelines.cli import main; sys.exit(main())",
           "ingest", "--jobs", str(jobs), "--db", str(db), *map(str, paths)]
    done = subprocess.run(cmd, cwd=code, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 1: some filing had findings or was rejected — still a result to compare
        sys.exit(f"ingest with {code} failed ({done.returncode}):\n{done.stderr[-2000:]}")


def unpack(rev: str, target: Path) -> Path:
    """``git archive REV`` unpacked into ``target``."""
    target.mkdir()
    archive = target.with_suffix(".tar")
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), rev], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


def compare(a: Path, b: Path) -> int:
    """Print the per-table comparison; the number of tables that differ."""
    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    tables = con.execute("""select table_schema, table_name from information_schema.tables
                            where table_catalog = 'a' and table_type = 'BASE TABLE' order by 1, 2""").fetchall()
    differ = 0
    print(f"{'table':<40}{'base rows':>10}{'this rows':>10}{'only base':>10}{'only this':>10}")
    for schema, name in tables:
        if (schema, name) in SKIP_TABLES:
            continue
        cols = con.execute("""select column_name from information_schema.columns where table_catalog = 'a'
                              and table_schema = ? and table_name = ? and data_type not like 'TIMESTAMP%'
                              order by ordinal_position""", [schema, name]).fetchall()
        sel = ", ".join(f'"{c}"' for (c,) in cols)
        try:
            na, nb = (con.execute(f"select count(*) from {db}.{schema}.{name}").fetchone()[0] for db in "ab")
            only_a = con.execute(f"select count(*) from (select {sel} from a.{schema}.{name} except all "
                                 f"select {sel} from b.{schema}.{name})").fetchone()[0]
            only_b = con.execute(f"select count(*) from (select {sel} from b.{schema}.{name} except all "
                                 f"select {sel} from a.{schema}.{name})").fetchone()[0]
        except duckdb.Error as err:
            print(f"{schema}.{name:<39} cannot compare: {err}")
            differ += 1
            DIFFERENT.append(f"core.{name}")  # never excused
            continue
        mark = "" if only_a == only_b == 0 else "   DIFFERENT"
        differ += bool(mark)
        if mark:
            DIFFERENT.append(f"{schema}.{name}")
        print(f"{schema + '.' + name:<40}{na:>10}{nb:>10}{only_a:>10}{only_b:>10}{mark}")
        for side, other in (("a", "b"), ("b", "a")) if mark else ():
            for row in con.execute(f"select {sel} from {side}.{schema}.{name} except all "
                                   f"select {sel} from {other}.{schema}.{name} limit 5").fetchall():
                print(f"    only {'base' if side == 'a' else 'this'}: {row}"[:300])
    return differ


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, default=DEFAULT_PATHS)
    ap.add_argument("--base", default="main", help="git revision to compare with (default main)")
    ap.add_argument("--this", help="git revision to compare (default: this checkout, as it is on disk)")
    ap.add_argument("--keep", type=Path, help="keep both warehouses in this folder (base.duckdb, this.duckdb)")
    ap.add_argument("--jobs", type=int, default=1, help="the ingests' --jobs (default 1; 2: the workers' path too)")
    args = ap.parse_args(argv)
    paths = [p.resolve() for p in args.paths if p.exists()]
    with tempfile.TemporaryDirectory() as work:
        tmp = args.keep or Path(work)
        tmp.mkdir(parents=True, exist_ok=True)
        for old in ("base.duckdb", "this.duckdb"):
            (tmp / old).unlink(missing_ok=True)
        base = unpack(args.base, Path(work) / "base")
        this = unpack(args.this, Path(work) / "this") if args.this else ROOT
        ingest(base, Path(tmp) / "base.duckdb", paths, args.jobs)
        ingest(this, Path(tmp) / "this.duckdb", paths, args.jobs)
        print(f"base {args.base} vs {args.this or 'this checkout'}, on {', '.join(map(str, paths))}")
        differ = compare(Path(tmp) / "base.duckdb", Path(tmp) / "this.duckdb")
    print("identical" if not differ else f"{differ} table(s) differ")
    if differ and all(name.startswith(("dw.", "marts.")) for name in DIFFERENT):
        print("only derived tables differ, every table the ingest writes (core, staging, quality, raw) matches: some "
              "models pick one printed label per group with any_value() / mode() (dw.dim_subject, "
              "marts.budget_execution), which DuckDB may answer differently from run to run when several labels tie "
              "— compare the label columns, or run again")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
