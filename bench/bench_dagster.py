"""Ingesting N filings through Dagster vs `yusuan ingest`, on the same files, in one run of this script.

    .venv/bin/python bench/bench_dagster.py [--n 280] [--keep DIR]

Builds N distinct filings (bench/corpus.py, as bench/bench_throughput.py does), compiles the dbt plan for both
warehouses first (not counted: once per project version and warehouse name), then times, each in its own process
tree:
  1. `yusuan ingest DIR` (the CLI: read, classify, normalize, validate, load, SQL models);
  2. Dagster as an operator's cycle runs it (bench_throughput.dagster_run): the inbox sensor ticks once (and its
     events — an observation naming each new filing's file — are written, as the sensor daemon writes them; timed
     both as a fresh Python and warm, as the code server evaluates it: the totals count the warm tick), then
     `dagster asset materialize` runs each requested batch — its filings, then the SQL models, in one run as the
     sensor requests it (its export left out, as the CLI does not export) — a fresh DAGSTER_HOME (SQLite).
Prints wall and CPU seconds (the whole process tree, RUSAGE_CHILDREN) of each part, the Dagster / CLI ratios
(target ≤ 1.5), each batch run's wall seconds part by part (before its first step, each step, its process's exit
after the run's last event: from the process's start and end and the event log's times), and the events the
Dagster cycle wrote to its event log, by type.  `dagster asset materialize`
runs in the repository, so Dagster loads its `.env` (one planned event per run for a range of partitions).  CPU seconds are the ones to
compare on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_throughput import BIN, _subreaper, dagster_run, facts, run, tick_note  # noqa: E402
from corpus import make_corpus  # noqa: E402


def events(home: Path) -> Counter:
    """Events in the cycle's SQLite event logs (one shard per run), by type."""
    out: Counter = Counter()
    for db in (home / "history" / "runs").glob("*.db"):
        if db.name == "index.db":  # the index repeats the asset events of the shards (the tick's are in a
            continue                # runless shard of their own)
        with sqlite3.connect(db) as con:
            try:
                rows = con.execute("select dagster_event_type, count(*) from event_logs group by 1").fetchall()
            except sqlite3.OperationalError:
                continue
        for kind, count in rows:
            out[kind or "(log message)"] += count
    return out


def timeline(home: Path, spans: list[tuple[float, float]]) -> list[str]:
    """Each batch run's wall seconds, part by part, from its process's start and end and its events' times: Python,
    Dagster, the definitions and the run's creation before the first step; each step; the process's exit after the
    run's last event."""
    out = []
    for db in sorted((home / "history" / "runs").glob("*.db")):
        if db.name == "index.db":
            continue
        with sqlite3.connect(db) as con:
            try:
                rows = con.execute("select timestamp, dagster_event_type, step_key from event_logs "
                                   "where dagster_event_type in ('PIPELINE_START', 'STEP_START', 'STEP_SUCCESS', "
                                   "'STEP_FAILURE', 'PIPELINE_SUCCESS', 'PIPELINE_FAILURE') order by id").fetchall()
            except sqlite3.OperationalError:
                continue
        if not rows:
            continue
        at = {(kind, step): datetime.fromisoformat(ts).replace(tzinfo=UTC).timestamp()
              for ts, kind, step in rows}
        began = min(at.values())
        span = next(((a, b) for a, b in spans if a <= began <= b), None)
        if span is None:
            continue
        start, end = span
        steps = sorted({step for _, step in at if step}, key=lambda s: at.get(("STEP_START", s), 0))
        done = max(t for (kind, _), t in at.items() if kind in ("PIPELINE_SUCCESS", "PIPELINE_FAILURE"))
        first = min(at[("STEP_START", s)] for s in steps)
        parts = [f"before the first step {first - start:.2f} s (the run's start event at "
                 f"{at[('PIPELINE_START', None)] - start:.2f} s)"]
        for s in steps:
            finish = at.get(("STEP_SUCCESS", s), at.get(("STEP_FAILURE", s)))
            parts.append(f"{s} {finish - at[('STEP_START', s)]:.2f} s")
        parts.append(f"exit after the run's last event {end - done:.2f} s")
        out.append(f"batch run, wall: {end - start:.2f} s: " + ", ".join(parts))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=280, help="filings in the corpus (default 280)")
    ap.add_argument("--keep", type=Path, help="copy the Dagster home (event logs) here afterwards")
    ap.add_argument("--no-cli", action="store_true", help="time Dagster only")
    args = ap.parse_args()
    _subreaper()
    with tempfile.TemporaryDirectory(prefix="yusuan-bench-dg-") as tmp:
        tmp = Path(tmp)
        inbox = tmp / "inbox"
        files = make_corpus(inbox, args.n)
        print(f"corpus: {len(files)} .docx filings, load average {os.getloadavg()[0]:.1f}")
        env = {**os.environ}
        run([sys.executable, "-c", "import sys\nfrom pipelines.lib import model_runs, transform\n"
             "for db in sys.argv[1:]: transform.manifest_path(db); model_runs.plan(db)",
             str(tmp / "cli.duckdb"), str(tmp / "dagster.duckdb")], env)
        cli = cli_cpu = None
        if not args.no_cli:
            cli, cli_cpu, _ = run([str(BIN / "yusuan"), "ingest", str(inbox), "--db", str(tmp / "cli.duckdb")], env)
            loaded, lines = facts(tmp / "cli.duckdb")
            print(f"yusuan ingest : {cli:6.1f} s  cpu {cli_cpu:6.1f} s  ({loaded} loaded, {lines} budget lines)")
        parts: dict = {}
        spans: list = []
        wall, cpu, db = dagster_run(inbox, tmp, parts, spans)
        loaded, lines = facts(db)
        print(f"dagster cycle : {wall:6.1f} s  cpu {cpu:6.1f} s  ({loaded} loaded, {lines} budget lines)")
        print("  " + ", ".join(f"{k} {w:.2f} s (cpu {c:.2f} s)" for k, (w, c) in parts.items()))
        if cli:
            print(f"dagster / cli : wall {wall / cli:.2f}  cpu {cpu / cli_cpu:.2f}  (target ≤ 1.5)")
            print("  " + tick_note(parts, wall, cpu, cli, cli_cpu))
        home = tmp / "dagster_home"
        for line in timeline(home, spans):
            print("  " + line)
        kinds = events(home)
        print(f"events written: {sum(kinds.values())}  " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
        if args.keep:
            shutil.copytree(home, args.keep, dirs_exist_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
