"""The Dagster models step (`sql_models`) alone, part by part: its build against Dagster's own work around it.

    .venv/bin/python bench/bench_models_step.py [--db WAREHOUSE | --n 280] [--code DIR ...] [--rounds 3]

On a copy of a loaded warehouse (``--db``; or ``--n`` filings of bench/corpus.py ingested by ``yusuan ingest`` first,
not timed), each round materializes ``sql_models`` in a Python of its own (``dg.materialize``, the repo's
dagster.yaml storage and .env's event batches, a fresh DAGSTER_HOME), once with the code of each ``--code`` checkout
in turn (default: this one; e.g. ``git worktree add /tmp/before <commit>`` and ``--code /tmp/before --code .``), and
prints CPU seconds of:
  - the step (Dagster's ``core_dagster_event_sequence_for_step``, everything the step does and logs);
  - the build in it (``model_runs.build``: the models, their tests' one query, the commit) — the same build as
    ``yusuan ingest``'s model step;
  - the step beside the build: the warehouse's DDL, opening and closing it, and Dagster's work per output and event
    (what the Dagster run costs over the CLI here);
  - writing events (``DagsterInstance.handle_new_event``, the run's events), and the events by number;
and the step's wall seconds (from its events).  Compare CPU seconds on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

CHILD = r"""
import json, os, shutil, sys, tempfile, time
from pathlib import Path
import dagster as dg
from dagster_duckdb import DuckDBResource
import dagster._core.execution.plan.execute_plan as plan_mod
from dagster._core.instance import DagsterInstance
import pipelines.definitions  # noqa: F401  (the definitions, loaded as a run loads them)
from pipelines.defs.models import sql_models
from pipelines.lib import model_runs

acc = {"step": 0.0, "build": 0.0, "events": 0.0, "event_calls": 0}
build = model_runs.build
def timed_build(*a, **k):
    c = time.process_time()
    try:
        return build(*a, **k)
    finally:
        acc["build"] += time.process_time() - c
model_runs.build = timed_build
handle = DagsterInstance.handle_new_event
def timed_handle(self, *a, **k):
    c = time.process_time()
    try:
        return handle(self, *a, **k)
    finally:
        acc["events"] += time.process_time() - c
        acc["event_calls"] += 1
DagsterInstance.handle_new_event = timed_handle
sequence = plan_mod.core_dagster_event_sequence_for_step
def timed_sequence(*a, **k):
    c = time.process_time()
    for event in sequence(*a, **k):
        acc["step"] += time.process_time() - c
        yield event
        c = time.process_time()
    acc["step"] += time.process_time() - c
plan_mod.core_dagster_event_sequence_for_step = timed_sequence

source, yaml_text = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory(prefix="yusuan-bench-ms-") as tmp:
    tmp = Path(tmp)
    db = tmp / "w.duckdb"
    shutil.copy(source, db)
    home = tmp / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml_text.replace("@HOME@", str(home)))
    os.environ["DAGSTER_HOME"] = str(home)
    with dg.DagsterInstance.get() as instance:
        result = dg.materialize([sql_models], instance=instance,
                                resources={"warehouse": DuckDBResource(database=str(db))})
        assert result.success
        events = instance.all_logs(result.run_id)
        at = {e.dagster_event_type.value: e.timestamp for e in events if e.is_dagster_event
              and e.dagster_event_type.value in ("STEP_START", "STEP_SUCCESS")}
        in_step = sum(1 for e in events if e.step_key == sql_models.op.name and e.is_dagster_event
                      and e.dagster_event_type.value not in ("STEP_START", "STEP_SUCCESS")
                      and not e.dagster_event_type.value.endswith("_PLANNED"))  # those come with the run
print(json.dumps({**acc, "wall": at["STEP_SUCCESS"] - at["STEP_START"], "run_events": len(events),
                  "step_events": in_step}))
"""


def loaded_warehouse(n: int, tmp: Path) -> Path:
    """``n`` filings of bench/corpus.py ingested by ``yusuan ingest`` (models built): a warehouse to copy."""
    from corpus import make_corpus

    inbox = tmp / "inbox"
    make_corpus(inbox, n)
    db = tmp / "loaded.duckdb"
    subprocess.run([str(Path(sys.executable).parent / "yusuan"), "ingest", str(inbox), "--db", str(db)],
                   check=True, capture_output=True, cwd=ROOT)
    return db


def main() -> int:
    from bench_throughput import dagster_yaml

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="a loaded warehouse (copied for each run; not changed)")
    ap.add_argument("--n", type=int, default=280, help="without --db: filings to ingest first (default 280)")
    ap.add_argument("--code", type=Path, action="append", default=[], help="a checkout to time (repeatable)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    codes = [c.resolve() for c in args.code] or [ROOT]
    with tempfile.TemporaryDirectory(prefix="yusuan-bench-ms-") as tmp:
        db = args.db.resolve() if args.db else loaded_warehouse(args.n, Path(tmp))
        yaml_text = dagster_yaml(Path("@HOME@"))
        env = {**os.environ, "DAGSTER_EVENT_BATCH_SIZE": "1000"}
        for code in codes:  # each checkout's modules compiled once, and its dbt plan, before any timing
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "pipelines")], check=True,
                           capture_output=True)
            subprocess.run([sys.executable, "-c", "import sys\nfrom pipelines.lib import model_runs\n"
                            "model_runs.plan(sys.argv[1])", str(db)], check=True, capture_output=True,
                           env={**env, "PYTHONPATH": str(code)}, cwd=code)
        runs: dict[Path, list[dict]] = {code: [] for code in codes}
        for _ in range(args.rounds):
            for code in codes:  # alternating checkouts
                out = subprocess.run([sys.executable, "-c", CHILD, str(db), yaml_text], check=True,
                                     capture_output=True, text=True, env={**env, "PYTHONPATH": str(code)},
                                     cwd=code)
                runs[code].append(json.loads(out.stdout.splitlines()[-1]))
        print(f"sql_models on a copy of {db} ({args.rounds} rounds, alternating; CPU s, median [min–max]):")
        for code, rs in runs.items():
            def span(values: list[float]) -> str:
                return f"{statistics.median(values):.3f} [{min(values):.3f}–{max(values):.3f}]"
            print(f"  {code}")
            print(f"    step {span([r['step'] for r in rs])} · build {span([r['build'] for r in rs])} · beside the "
                  f"build {span([r['step'] - r['build'] for r in rs])} · writing events "
                  f"{span([r['events'] for r in rs])} · step wall {span([r['wall'] for r in rs])}")
            print(f"    events: {rs[0]['step_events']} in the step, {rs[0]['run_events']} in the run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
