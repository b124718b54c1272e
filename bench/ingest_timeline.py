"""Where the wall time of one `yusuan ingest` goes, process by process: who works, who waits, and for what.

    .venv/bin/python bench/ingest_timeline.py [--n 280] [--jobs N] [--events] [--code DIR]

Builds N filings (bench/corpus.py), then runs the real `yusuan ingest` (a subprocess, its default ``--jobs`` unless
given) with a ``sitecustomize`` on its PYTHONPATH that times, in the parent and in every worker, the stages of the
ingest: imports, a task read (``workers._work``: read, classify, normalize, checks, pandera over the task), pandera
alone, a worker's results read back in the parent (``workers._taken``: the file read and unpickled), a worker's
imports (``workers._ready``: its start, also when it is given its first task before it has them), a group loaded
(``loading.load_group``: one commit each; their number is printed), the SQL models (``model_runs.refresh``; with
``--events`` its parts too), opening the warehouse and creating its tables (``warehouse.connect``, ``apply_ddl``),
and each process's CPU
seconds at exit.  Prints per process its span, CPU seconds, the wall seconds in each stage and the rest (waiting,
or starting), the CPU seconds in each stage with the filings of each task read and group loaded, then the wall
time a free machine would need: on a shared one the wall clock stretches with the load,
so the busy CPU of the longest process (and the serial tail after the last worker) is the figure to compare.
``--events`` prints every timed call; ``--code DIR`` runs the code of another checkout (e.g. a ``git worktree`` of
an earlier revision) for before/after.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from corpus import make_corpus  # noqa: E402

# Imported by every Python of the run (the PYTHONPATH below): wraps the stage functions once their module is loaded.
SITECUSTOMIZE = r'''
import atexit, functools, importlib.abc, importlib.util, os, sys, time
_OUT = os.environ.get("YUSUAN_TIMELINE")
if _OUT:
    _PID = os.getpid()
    def _log(label, a, b, cpu0=None):
        with open(_OUT, "a") as f:
            f.write(f"{_PID} {label} {a:.4f} {b:.4f} {time.process_time():.4f} {cpu0 or 0:.4f}\n")
    _log("start", time.time(), time.time())
    TARGETS = {"pipelines.lib.workers": [("_work", "read"), ("_taken", "taken"), ("_ready", "ready")],
               "pipelines.lib.loading": [("load_group", "load"), ("load_held", "held")],
               "pipelines.lib.model_runs": [("refresh", "models"), ("plan", "models.plan"),
                                            ("fingerprint", "models.fingerprint"),
                                            ("changed_departments", "models.changed"), ("run", "models.run"),
                                            ("record", "models.record")],
               "pipelines.lib.warehouse": [("connect", "connect"), ("apply_ddl", "ddl")],
               "pipelines.lib.processing": [("_schema_validate_batch", "pandera")]}
    def _wrap(module, name, label):
        fn = getattr(module, name, None)
        if fn is None:  # not in the code timed (--code: an earlier revision)
            return
        @functools.wraps(fn)
        def timed(*a, **k):
            start, cpu0 = time.time(), time.process_time()
            try:
                return fn(*a, **k)
            finally:
                n = sum(map(len, a[0])) if label == "read" else len(a[1]) if label == "load" else 0
                _log(f"{label}:{n}" if n else label, start, time.time(), cpu0)
        setattr(module, name, timed)
    class _Hook(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name not in TARGETS:
                return None
            sys.meta_path.remove(self)
            try:
                spec = importlib.util.find_spec(name)
            finally:
                sys.meta_path.insert(0, self)
            run = spec.loader.exec_module
            def exec_module(module):
                run(module)
                for fn, label in TARGETS[name]:
                    _wrap(module, fn, label)
            spec.loader.exec_module = exec_module
            return spec
    sys.meta_path.insert(0, _Hook())
    atexit.register(lambda: _log("exit", time.time(), time.time()))
'''

STAGES = ("read", "pandera", "load", "models")


def summarize(path: Path, events: bool) -> None:
    rows = [line.split() for line in path.read_text().splitlines()]
    t0 = min(float(r[2]) for r in rows)
    by: dict[str, list] = defaultdict(list)
    size: dict[tuple, int] = {}  # (pid, start) of a task read or a group loaded -> its filings
    cpu_in: dict[tuple, float] = {}  # ... -> its CPU seconds
    spent: dict[tuple, float] = {}  # (pid, start, label) -> its CPU seconds (--events)
    for pid, label, a, b, cpu, *cpu0 in rows:
        label, _, n = label.partition(":")
        by[pid].append((float(a) - t0, float(b) - t0, label, float(cpu)))
        if cpu0 and float(cpu0[0]):
            spent[pid, float(a) - t0, label] = float(cpu) - float(cpu0[0])
        size[pid, float(a) - t0] = int(n or 0)
        if cpu0 and float(cpu0[0]):
            cpu_in[pid, float(a) - t0] = float(cpu) - float(cpu0[0])
    procs = []
    for pid, ev in by.items():
        ev.sort()
        start = ev[0][0]
        end = max(e[1] for e in ev)
        cpu = max(e[3] for e in ev)
        wall = {s: sum(b - a for a, b, label, _ in ev if label == s) for s in STAGES}
        reads = [e for e in ev if e[2] == "read"]
        first = reads[0][0] if reads else end
        # a worker given its first task before it had imported the stages (workers.warm_up) imports them in it:
        # that is its start, not reading
        imports = [e for e in ev if e[2] == "ready" and reads and reads[0][0] <= e[0] <= e[1] <= reads[0][1]]
        if imports and spent.get((pid, imports[0][0], "ready"), 0.0) > 0.01:
            a, b = imports[0][:2]
            first = b
            wall["read"] -= b - a
            cpu_in[pid, reads[0][0]] -= spent[pid, a, "ready"]
        procs.append((pid, start, end, cpu, wall, first, ev))
    procs.sort(key=lambda p: p[1])
    parent = procs[0]
    workers = [p for p in procs[1:] if p[4]["read"] > 0]
    print(f"{'process':<18} {'span s':>7} {'CPU s':>6}  {'start→1st task':>14} {'reading':>8} {'(pandera)':>9} "
          f"{'loading':>8} {'models':>7} {'other/waiting':>13}")
    for p in [parent, *workers]:
        pid, start, end, cpu, wall, first, ev = p
        name = "parent" if p is parent else f"worker {pid}"
        busy = wall["read"] + wall["load"] + wall["models"]
        print(f"{name:<18} {end - start:7.2f} {cpu:6.2f}  {first - start:14.2f} {wall['read']:8.2f} "
              f"{wall['pandera']:9.2f} {wall['load']:8.2f} {wall['models']:7.2f} {end - start - busy - (first - start):13.2f}")
    print("CPU s in each stage (read: the tasks read, with their filings; load: the groups loaded):")
    for p in [parent, *workers]:
        pid, ev = p[0], p[6]
        name = "parent" if p is parent else f"worker {pid}"
        parts = []
        for stage in ("read", "taken", "load", "models"):
            done = [(size[pid, a], cpu_in.get((pid, a), 0.0)) for a, b, label, _ in ev if label == stage]
            if done:
                what = (f" {sum(n for n, _ in done)} filings in {len(done)}" if stage in ("read", "load")
                        else f" (the workers' results read back, {len(done)} tasks)" if stage == "taken" else "")
                parts.append(f"{stage}{what} {sum(c for _, c in done):.2f}")
        print(f"  {name:<16} " + "; ".join(parts) + (f"  (tasks: {' '.join(str(size[pid, a]) for a, b, label, _ in ev if label == 'read')})"
                                                      if any(e[2] == "read" for e in ev) else ""))
    others = [p for p in procs[1:] if p not in workers]
    if others:
        print(f"other processes (multiprocessing's resource tracker): CPU {sum(p[3] for p in others):.2f} s")
    total_cpu = sum(p[3] for p in procs)
    # After the workers' last task the parent alone loads the last group(s) and builds the models.
    last_read = max((b for p in workers for a, b, label, _ in p[6] if label == "read"), default=0.0)
    before = [cpu for a, b, label, cpu in parent[6] if b <= last_read]
    # a stage of the parent's under way then (a load, the models): its CPU up to then, pro rata
    during = [(cpu_in[parent[0], a], cpu, (last_read - a) / (b - a)) for a, b, label, cpu in parent[6]
              if a < last_read < b and (parent[0], a) in cpu_in]
    before += [cpu - spent * (1 - share) for spent, cpu, share in during]
    tail_cpu = parent[3] - max(before, default=0.0)
    loads = [(a, b) for a, b, label, _ in parent[6] if label == "load"]
    if loads:
        print(f"the parent loaded in {len(loads)} commit(s) (loading.load_group), "
              f"{sum(b - a for a, b in loads if a >= last_read):.2f} s of them after the workers' last task")
    print(f"\nall processes: CPU {total_cpu:.2f} s; the span {parent[2] - parent[1]:.2f} s wall (stretched by the "
          f"machine's load); after the workers' last task the parent alone: {tail_cpu:.2f} CPU s (the last loads, "
          "the models)")
    if workers:
        free = max(parent[3], max(p[3] for p in workers) + tail_cpu)
        print(f"on {1 + len(workers)} free cores, about max(parent CPU, worker CPU + that tail) = {free:.2f} s wall")
    if events:
        for pid, _, _, _, _, _, ev in procs:
            print(f"\n{pid}")
            for a, b, label, cpu in ev:
                took = spent.get((pid, a, label))
                n = size.get((pid, a)) if label in ("read", "load") else None
                print(f"  {a:7.2f} {b:7.2f} {b - a:6.2f} {label}{f' {n} filings' if n else ''} (cpu {cpu:.2f}"
                      + (f", {took:.3f} in it)" if took is not None else ")"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=280)
    ap.add_argument("--jobs", type=int)
    ap.add_argument("--events", action="store_true", help="print every timed call")
    ap.add_argument("--code", type=Path, help="run the yusuan of this checkout instead")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="yusuan-timeline-") as tmp:
        tmp = Path(tmp)
        make_corpus(tmp / "inbox", args.n)
        (tmp / "site").mkdir()
        (tmp / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE)
        out = tmp / "timeline.txt"
        path = [str(tmp / "site")] + ([str(args.code.resolve())] if args.code else [])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path), "YUSUAN_TIMELINE": str(out)}
        cmd = [sys.executable, "-m", "pipelines.cli", "ingest", str(tmp / "inbox"), "--db", str(tmp / "t.duckdb")]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]
        print(f"{args.n} filings, {len(os.sched_getaffinity(0))} core(s), load average {os.getloadavg()[0]:.1f}")
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, cwd=args.code or ROOT)
        print(f"yusuan ingest: {time.perf_counter() - start:.2f} s wall, exit {done.returncode}\n")
        time.sleep(1.5)  # the workers' exit lines (they exit while the models build)
        summarize(out, args.events)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
