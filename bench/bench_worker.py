"""Where a worker's CPU goes per filing: read · classify · normalize · checks · coverage · frames, against
python-docx merely reading the same files.

    .venv/bin/python bench/bench_worker.py [--n 45] [--repeat 3] [--cold] [--profile 25] [--code DIR]

Builds N distinct filings from the shipped samples (bench/corpus.py), then, per filing, times each stage of
``processing._normalized`` in process (no pandera, no loading: those are the batch and serial side, see
bench/bench_throughput.py) and python-docx reading every table's cells — the obvious alternative, which only
reads.  Each figure is CPU ms per filing (``process_time``), per filing the best of ``--repeat``
runs, because the machine is shared.  Prints ms/filing per stage, the worker total and its ratio to
python-docx.  ``--profile N`` adds a cProfile of one pass over the corpus (the N costliest functions,
cumulative and by own time).

The text caches (``functools.lru_cache`` on per-text functions — ``clean``, ``parse_amount`` … — and the ``_MEMO`` of rule
matching) stay
warm across filings as they do in a worker that reads many filings, and the corpus repeats the samples' texts;
``--cold`` empties them before every filing, the cost of a filing sharing no text with the ones before it.

Then what a worker's task adds, per filing, over tasks of ``TASK * CHUNK`` filings as ``workers._work`` makes
them: ``schema`` (``processing._schema_validate_batch``: pandera, or its one-query check) and ``crossing`` (pickling
the task's results the way the process pool does, and unpickling them in the loader's process).  ``--code DIR``
times the code of another checkout (a ``git worktree`` of an earlier revision) for before/after.

Measured 2026-12-02 on 27 filings (2 shared cores, load ~9), CPU ms per filing, session start ecff2a9 → 893443d:
warm 25.95 → 16.35 (read_docx 8.08 → 6.79, classify 3.69 → 2.01, normalize 5.53 → 2.85, checks 2.58 → 1.62,
coverage 2.55 → 0.73, frames 2.69 → 1.73); cold 25.97 → 20.46; python-docx ~64 ms throughout, so the worker side
went from 0.39-0.41 to 0.26-0.32 of python-docx.  bench/facts_diff.py proves the facts unchanged.

Measured 2026-12-02 (next session; 27 filings, load ~6-8 on 2 cores, 729b415 and a5a5176 run alternately, two
rounds), CPU ms per filing: warm 15.89 / 16.18 -> 14.27 / 14.50 (read_docx 6.61 / 6.79 -> 5.63 / 5.79, checks
1.58 -> 1.36, frames 1.70 -> 1.15, table_cells 0.60 -> 0.54; classify, normalize and coverage within the noise:
classify alone, on the same documents, 1.56 -> 1.44); cold 19.92 -> 18.50.  What the worker side does with polars
per filing (read to frames, pandera not included): ~10 frame constructions, 3 clones of an empty frame, ~100
Series, no collect / with_columns / filter / join — every frame is built once, at the end, by column.  What is
left is lxml (the parse ~1.9 ms, ~0.2 µs an element handed to Python, ~4,600 elements a filing), polars' cost per
column (~8 µs, ~100 columns) and ~5 ms of rules in plain Python (classify, normalize, checks: ~200 comparisons,
~300 amount cells, ~20 tables a filing).

Measured 2026-12-02 (session 5; 64 filings, load ~6 on 2 cores, ``--code`` of cea9eef and of this checkout run one
after the other), CPU ms per filing: the stages 15.24 -> 14.61 (within the noise: unchanged code); a task's own
schema 2.05 -> 0.34 (quick_schema: pandera's checks in one query, pandera itself only where a row may fail) and
crossing 1.82 -> 1.50 (document_id held once in every frame); task 19.11 -> 16.45.

Measured 2026-12-02 (session 6; 27 filings, load 5-7 on 2 cores, ``--code`` of main without rw's commits and of
this checkout, alternating, two rounds), CPU ms per filing: worker 15.60 / 16.02 -> 13.89 / 14.70, the ``gc`` row
0.66 / 0.71 -> 0.00 (Python's cyclic collector paused while a filing is read, ``processing.quiet_gc``; this
bench's process holds few objects, and its best-of-N per stage hides most collections: in a worker-like loop of
``process_batch`` over tasks of 32, the collector went 1.5-1.8 -> 0.13 ms a filing and the loop 18.2-20.4 ->
16.9-17.3), frames 1.29 / 1.34 -> 0.98 / 1.06 (polars' own per-dtype constructors, check_results by column).
Where the rest goes, by function: docs/scaling.md, "A worker's filing".

Measured 2026-12-02 (session 7; 27 filings, load ~8 on 2 cores, ``--code`` of 62aa8db and of this checkout
alternating, two rounds), CPU ms per filing: read_docx 6.25 / 5.63 -> 5.32 / 5.05 (cells' widths taken out before
the parse, a table Word writes read in one pass), frames 1.03 / 0.95 -> 0.92 / 0.88, worker 15.54 / 14.25 -> 14.04 /
13.38, task 17.73 / 16.39 -> 16.07 / 15.60.

Measured 2026-12-02 (session 8; 96 filings, load ~2 on 2 cores, ``--code`` of 0734864 and of this checkout
alternating, two rounds), CPU ms per filing: read_docx 4.16 / 4.14 -> 3.96 / 3.87, classify 1.54 / 1.51 -> 1.34 /
1.30, normalize 2.32 / 2.28 -> 1.94 / 1.88, checks 1.23 / 1.22 -> 0.85 / 0.83, coverage 0.58 -> 0.51 / 0.50, worker
10.93 / 10.83 -> 9.72 / 9.47, task 12.37 / 12.31 -> 11.21 / 11.02 (docs/scaling.md, "session 8").
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import pickle
import pstats
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if "--code" in sys.argv[:-1]:  # before the imports below: the stages of that checkout
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--code") + 1]).resolve()))
else:
    sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

from corpus import make_corpus  # noqa: E402

from pipelines.lib import classify as classify_mod  # noqa: E402
from pipelines.lib import coverage, processing, workers  # noqa: E402
from pipelines.lib.checks import validate  # noqa: E402
from pipelines.lib.docx_reader import read_docx  # noqa: E402
from pipelines.lib.normalize import normalize  # noqa: E402

STAGES = ("python-docx", "read_docx", "classify", "normalize", "checks", "coverage", "frames", "table_cells")
# the stages run as a worker runs them: with Python's collector paused where this checkout's processing pauses it
QUIET = getattr(processing, "quiet_gc", contextlib.nullcontext)


class Collections:
    """CPU seconds Python's cyclic garbage collector spends while ``with`` this (``gc.callbacks``): its collections
    land in whichever stage happens to allocate, and the best-of-N per stage hides them, so they are a row of
    their own."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self.count = 0
        self._start = 0.0

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.process_time()
        else:
            self.cpu += time.process_time() - self._start
            self.count += 1

    def __enter__(self) -> Collections:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self._callback)
TASK_STAGES = ("schema", "crossing")


def python_docx(data: bytes) -> None:
    import docx

    d = docx.Document(io.BytesIO(data))
    [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]


def text_caches() -> list:
    """How to empty the per-text caches of yusuan's modules: each bounded ``lru_cache`` (the load-once tables are
    left alone) and each module-level ``_MEMO`` dict."""
    found = []
    for name, mod in list(sys.modules.items()):
        if not name.startswith("pipelines.lib"):
            continue
        for attr, obj in vars(mod).items():
            info = getattr(obj, "cache_info", None)
            if callable(info) and info().maxsize not in (None, 1) and obj.cache_clear not in found:
                found.append(obj.cache_clear)
            elif attr == "_MEMO" and isinstance(obj, dict):
                found.append(obj.clear)
    return found


def one_pass(data: bytes) -> dict[str, float]:
    """CPU seconds of each worker stage on one filing, in the order ``processing._normalized`` runs them."""
    t: dict[str, float] = {}
    clock = time.process_time
    s = clock()
    raw = read_docx(data)
    t["read_docx"] = clock() - s
    s = clock()
    filing = classify_mod.classify(raw)
    filing.raw = raw
    t["classify"] = clock() - s
    s = clock()
    norm = normalize(filing, "d" * 64)
    t["normalize"] = clock() - s
    s = clock()
    validation = validate(filing, norm)
    t["checks"] = clock() - s
    s = clock()
    cov = coverage.measure(filing, norm)
    validation.results.append(cov.result())
    cov.frames("d" * 64)
    t["coverage"] = clock() - s
    s = clock()
    norm.frames()
    t["frames"] = clock() - s
    s = clock()
    processing.table_cells_frame(filing, "d" * 64)
    t["table_cells"] = clock() - s
    return t


def task_pass(paths: list[Path], root: Path) -> dict[str, float]:
    """CPU seconds of what a task adds to its filings' stages: the schema validation of the task's batch and the
    pickling of its results there and back (``workers._work`` strips the filings before they cross)."""
    with QUIET():
        steps = [processing._normalized(p, root, None, None) for p in paths]
    clock = time.process_time
    s = clock()
    processing._schema_validate_batch([x.frames for x in steps], [x.doc.document_id for x in steps])
    t = {"schema": clock() - s}
    items = processing._validated(steps)
    for item in items:
        if item.filing is not None:
            item.filing = replace(item.filing, tables=[], paragraphs=[], raw=None)
    s = clock()
    pickle.loads(pickle.dumps([items], protocol=pickle.DEFAULT_PROTOCOL))  # multiprocessing's ForkingPickler
    t["crossing"] = clock() - s
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=45, help="filings in the corpus (default 45: 5 copies of each sample)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cold", action="store_true", help="empty the text caches before every filing")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions")
    ap.add_argument("--code", type=Path, help="time the stages of this checkout instead")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        paths = make_corpus(Path(tmp), args.n)
        files = [p.read_bytes() for p in paths]
        size = workers.TASK * workers.CHUNK
        tasks = [paths[i:i + size] for i in range(0, len(paths), size)]
        task_pass(tasks[0], Path(tmp))  # imports and first calls
        task_total = dict.fromkeys(TASK_STAGES, 0.0)
        for task in tasks:
            best = dict.fromkeys(TASK_STAGES, float("inf"))
            for _ in range(args.repeat):
                for k, v in task_pass(task, Path(tmp)).items():
                    best[k] = min(best[k], v)
            for k in TASK_STAGES:
                task_total[k] += best[k]
    one_pass(files[0])  # imports and lazy tables, not a filing's cost
    python_docx(files[0])
    caches = text_caches() if args.cold else []
    total = dict.fromkeys(STAGES, 0.0)
    for data in files:  # python-docx first, on its own: the garbage it leaves is not the stages' to collect
        best_docx = float("inf")
        for _ in range(args.repeat):
            s = time.process_time()
            python_docx(data)
            best_docx = min(best_docx, time.process_time() - s)
        total["python-docx"] += best_docx
    gc.collect()
    with Collections() as collected:
        for data in files:
            best = dict.fromkeys(STAGES[1:], float("inf"))
            for _ in range(args.repeat):
                for clear in caches:
                    clear()
                with QUIET():
                    times = one_pass(data)
                for k, v in times.items():
                    best[k] = min(best[k], v)
            for k in STAGES[1:]:
                total[k] += best[k]
    n = len(files)
    gc_cpu = collected.cpu / args.repeat  # a pass's collections, whatever stage they fell in
    worker = sum(v for k, v in total.items() if k != "python-docx") + gc_cpu
    print(f"{n} filings, CPU ms per filing (per filing the best of {args.repeat} runs; text caches "
          f"{f'emptied before each filing: {len(caches)}' if args.cold else 'warm'})")
    for k in STAGES:
        print(f"  {k:<12}{total[k] / n * 1e3:>8.2f}")
    paused = QUIET is not contextlib.nullcontext
    print(f"  {'gc':<12}{gc_cpu / n * 1e3:>8.2f}   ({collected.count / args.repeat / n:.1f} collections a filing; "
          f"{'the collector paused during a filing, as processing does' if paused else 'the collector running'})")
    print(f"  {'worker':<12}{worker / n * 1e3:>8.2f}   (read_docx … table_cells + gc; pandera and loading not included)")
    print(f"worker / python-docx = {worker / total['python-docx']:.3f}")
    print(f"a task's own, per filing (tasks of up to {workers.TASK * workers.CHUNK} filings, the best of {args.repeat}):")
    for k in TASK_STAGES:
        print(f"  {k:<12}{task_total[k] / n * 1e3:>8.2f}")
    task = worker + sum(task_total.values())
    print(f"  {'task':<12}{task / n * 1e3:>8.2f}   (worker + schema + crossing; task / python-docx = "
          f"{task / total['python-docx']:.3f})")

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for data in files:
            one_pass(data)
        prof.disable()
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats(order).print_stats(args.profile)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
