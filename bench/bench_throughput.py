"""Issue #13's acceptance in one run on one corpus: python-docx reading vs `yusuan ingest` vs Dagster, and PDFs.

    .venv/bin/python bench/bench_throughput.py [--n 280] [--pairs 3] [--baseline REV] [--profile] [--pdfs 12]

Builds N distinct filings from the shipped samples (bench/corpus.py: a county per copy, distinct bytes), then
times, on the same files:

1. plain python-docx reading every table's cells (``[[c.text for c in row.cells] for row in t.rows]``), one
   process — the obvious alternative, which only reads;
2. `yusuan ingest DIR` (read, classify, normalize, check, pandera, load, SQL models), a subprocess with its default
   ``--jobs`` (every core), and again with ``--jobs 1``; with ``--baseline REV`` also the CLI of git revision
   REV (e.g. the commit before #13) on the same files, for before/after;
3. Dagster as an operator runs it: the inbox sensor ticks once (timed as a fresh Python and warm, as the code
   server evaluates it; the totals count the warm tick), ``dagster asset materialize`` runs each requested
   batch — its filings, then the SQL models, in one run as the sensor requests it (the in-process executor of
   pipelines/defs/executor.py, a fresh DAGSTER_HOME); ``--pairs N`` (default 3) times the CLI and the Dagster
   cycle N times in turn, the same files, fresh warehouses and homes: the median pair is the figure, so a spell of
   load on a shared machine stretches one pair (each is printed), not the ratio;
4. PDFs (``../shared/real_samples``): ``pdf_reader.read_pdf`` ms per page against the text-layer floor — pypdfium2
   giving every character with its box (bench/bench_pdf.py's ``floor`` and ``best``).

Before timing, as an analyst pays them once and not per ingest: yusuan's modules compiled to bytecode (the
libraries' was written when pip installed them; a machine with PYTHONDONTWRITEBYTECODE set would otherwise compile
them in every process), the models' compiled plan and the Dagster warehouse's dbt parse.

Prints seconds, filings/s and the ratios against the targets: ingest / python-docx ≤ 0.2 on 2 cores, Dagster /
CLI ≤ 1.5, PDF / floor ≤ 3.  ``--profile`` adds where the time of an in-process ``--jobs 1`` ingest goes.
The machine is shared: figures are wall-clock seconds of this run; CPU seconds are printed beside them.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import make_corpus  # noqa: E402

BIN = Path(sys.executable).parent
REAL = ROOT.parent / "shared" / "real_samples"


def python_docx_read(files: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds of python-docx reading every table's cells."""
    import docx

    start, cpu = time.perf_counter(), time.process_time()
    cells = 0
    for path in files:
        doc = docx.Document(str(path))
        for table in doc.tables:
            cells += sum(len(r) for r in ([c.text for c in row.cells] for row in table.rows))
    assert cells
    return time.perf_counter() - start, time.process_time() - cpu


def _subreaper() -> None:
    """Make this process the reaper of its orphaned descendants (Linux): the ingest's worker processes fork
    from a fork server that outlives the ``yusuan`` process by a moment, and their CPU seconds only count in
    RUSAGE_CHILDREN once this process has waited for them."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _children() -> set[int]:
    """This process's child processes (Linux /proc)."""
    me, found = os.getpid(), set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            found.add(int(stat.parent.name))
    return found


def _reap(before: set[int]) -> None:
    """Wait for the descendants a command left behind (adopted as their subreaper: the fork server and its
    workers exit within a second of the ingest), not for this process's own children (``before``)."""
    for _ in range(100):
        left = _children() - before
        if not left:
            return
        for pid in left:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def run(cmd: list[str], env: dict, cwd: Path = ROOT) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the process and all its descendants) and stdout of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    ours = _children()
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    _reap(ours)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def facts(db: Path) -> tuple[int, int]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        docs = con.execute("select count(*) from core.documents where status = 'loaded'").fetchall()[0][0]
        lines = con.execute("select count(*) from staging.budget_lines").fetchall()[0][0]
    return docs, lines


SENSOR_TICK = """
import os
import sys
import time

import dagster as dg
from pipelines.defs.run_filings import FILE, filings
from pipelines.defs.resources import Inbox
from pipelines.defs.sensors import RANGE_END, RANGE_START, new_filing_sensor

def tick(instance, inbox):
    ctx = dg.build_sensor_context(instance=instance, resources={"inbox": Inbox(path=inbox)})
    return new_filing_sensor(ctx)

with dg.DagsterInstance.get() as instance:
    # What the code server and the sensor daemon already have when `dagster dev` evaluates a tick: Dagster and the
    # definitions imported, the storage's files open (the run storage, the asset index, the runless events' shard)
    # and the sensor run before (here over an empty folder, its result dropped). From there the tick is timed warm.
    instance.get_dynamic_partitions(filings.name)
    instance.get_latest_materialization_event(FILE)
    instance.all_logs("")
    tick(instance, sys.argv[1])
    wall, cpu = time.perf_counter(), time.process_time()
    r = tick(instance, os.environ["YUSUAN_INBOX"])
    for event in r.asset_events:  # what the sensor daemon does with a tick's result: its events, then partitions
        instance.report_runless_asset_event(event)
    for req in r.dynamic_partitions_requests:
        instance.add_dynamic_partitions(filings.name, list(req.partition_keys))
    print("warm", time.perf_counter() - wall, time.process_time() - cpu)
    for req in r.run_requests:
        print(req.tags[RANGE_START], req.tags[RANGE_END])
"""
WARM_TICK = "sensor tick, warm (as the code server runs it)"
FRESH_TICK = "sensor tick, fresh Python"


def dagster_yaml(home: Path) -> str:
    """The repo's dagster.yaml — its storage classes, pool and telemetry settings — with every ``.dagster`` folder it
    names moved to ``home`` (the storage's files where Dagster's default puts them: home/history/runs/*.db)."""
    text = (ROOT / "dagster.yaml").read_text(encoding="utf-8")
    text = text.replace("base_dir: .dagster/storage\n", f"base_dir: {home}\n").replace("base_dir: .dagster", f"base_dir: {home}")
    assert "base_dir: ." not in text, "dagster.yaml names a relative folder bench_throughput.dagster_yaml does not move"
    return text


def dagster_run(inbox: Path, tmp: Path, parts: dict | None = None,
                spans: list | None = None) -> tuple[float, float, Path]:
    home = tmp / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(dagster_yaml(home))  # the repo's instance settings, fresh storage in home
    db = tmp / "dagster.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(home), "YUSUAN_DB": str(db), "YUSUAN_INBOX": str(inbox),
           "YUSUAN_EXPORTS": str(tmp / "exports")}
    parts = {} if parts is None else parts
    # The tick in a fresh Python (imports, the storage opened) and, inside it, as the long-lived code server and
    # daemon evaluate it: the cycle's totals count the warm tick — that is what a tick costs under `dagster dev` or
    # a deployment, whose processes import Dagster and the definitions once, not per tick — and `parts` holds both.
    empty = tmp / "empty_inbox"
    empty.mkdir()
    fresh_wall, fresh_cpu, out = run([sys.executable, "-c", SENSOR_TICK, str(empty)], env)
    lines = out.splitlines()
    _, warm_wall, warm_cpu = lines.pop(0).split()
    wall, cpu = float(warm_wall), float(warm_cpu)
    parts[WARM_TICK] = (wall, cpu)
    parts[FRESH_TICK] = (fresh_wall, fresh_cpu)
    for line in lines:  # each requested run: its batch of filings, then the SQL models (the sensor's
        start, end = line.split()  # target; its export is left out, as the CLI does not export)
        began = time.time()
        w, c, _ = run([str(BIN / "dagster"), "asset", "materialize", "-m", "pipelines.definitions", "--select",
                       "group:raw,group:dw,group:marts", "--partition-range", f"{start}...{end}"], env)
        if spans is not None:  # when each batch run's process started and ended (bench_dagster's timeline)
            spans.append((began, began + w))
        wall, cpu = wall + w, cpu + c
        pw, pc = parts.get("batch run(s): filings + models", (0.0, 0.0))
        parts["batch run(s): filings + models"] = (pw + w, pc + c)
    return wall, cpu, db


def tick_note(parts: dict, wall: float, cpu: float, cli: float, cli_cpu: float) -> str:
    """Which tick the Dagster totals count, and the ratio had they counted the fresh Python's."""
    (warm, warm_cpu), (fresh, fresh_cpu) = parts[WARM_TICK], parts[FRESH_TICK]
    return (f"the totals count the warm tick: `dagster dev` and a deployment evaluate every tick in the long-lived "
            f"code server, Dagster and the definitions imported once; with the tick's own fresh Python instead "
            f"(imports, a new storage) the cycle is {wall - warm + fresh:.1f} s, cpu {cpu - warm_cpu + fresh_cpu:.1f} s: "
            f"{(wall - warm + fresh) / cli:.2f} the CLI's wall, {(cpu - warm_cpu + fresh_cpu) / cli_cpu:.2f} its CPU")


def pdf_numbers(limit: int) -> list[tuple[str, int, float, float]]:
    """(file, pages, yusuan ms/page, floor ms/page) for up to ``limit`` real PDFs, best of 2 each —
    bench/bench_pdf.py's floor (pypdfium2: every character with its box) and its timing."""
    import bench_pdf

    from pipelines.lib.pdf_reader import read_pdf

    out = []
    for path in sorted(REAL.glob("**/*.pdf"))[:limit]:
        data = path.read_bytes()
        pages = read_pdf(data).pages or 1
        ours = bench_pdf.best(read_pdf, data, 2)
        floor = bench_pdf.best(bench_pdf.floor, data, 2)
        out.append((path.name, pages, ours * 1000 / pages, floor * 1000 / pages))
    return out


def pdf_lines_floor(limit: int) -> float:
    """ms/page of bench_pdf.floor_lines (every character with its box, plus every path segment's type and point:
    issue #13's "characters with boxes, plus the ruling lines") on the same real PDFs as :func:`pdf_numbers`."""
    import bench_pdf

    from pipelines.lib.pdf_reader import read_pdf

    total = pages = 0
    for path in sorted(REAL.glob("**/*.pdf"))[:limit]:
        data = path.read_bytes()
        pages += read_pdf(data).pages or 1
        total += bench_pdf.best(bench_pdf.floor_lines, data, 2)
    return total * 1000 / (pages or 1)


def profile_ingest(inbox: Path, db: Path) -> str:
    """Where an in-process --jobs 1 ingest spends its time, by stage."""
    from pipelines.lib.ingest import ingest

    prof = cProfile.Profile()
    prof.enable()
    ingest([inbox], db, jobs=1, echo=lambda _: None)
    prof.disable()
    stats = pstats.Stats(prof, stream=io.StringIO())
    total = stats.total_tt
    stages = {
        "read (docx_reader)": "read_docx", "classify": "classify", "normalize": "normalize",
        "checks": "validate", "pandera": "_schema_validate_batch", "table_cells frame": "table_cells_frame",
        "load (warehouse)": "load_group", "SQL models": "rebuild_models",
    }
    by_name = {}
    for (file, _, func), (_, _, _, cum, _) in stats.stats.items():
        for label, name in stages.items():
            if func == name and ("pipelines" in file):
                by_name[label] = max(by_name.get(label, 0.0), cum)
    lines = [f"  {label:<20} {sec:6.2f} s  {100 * sec / total:4.0f} %" for label, sec in by_name.items()]
    return "\n".join([f"  total {total:.2f} s (in-process, --jobs 1)"] + lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=280, help="filings in the corpus (default 280)")
    ap.add_argument("--baseline", metavar="REV", help="also time `yusuan ingest` of this git revision")
    ap.add_argument("--profile", action="store_true", help="profile an in-process ingest by stage")
    ap.add_argument("--pdfs", type=int, default=12, help="real PDFs to time (default 12; 0: none)")
    ap.add_argument("--no-dagster", action="store_true")
    ap.add_argument("--pairs", type=int, default=3,
                    help="CLI and Dagster runs timed in turn (default 3); the median pair is the figure")
    args = ap.parse_args()
    _subreaper()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory(prefix="yusuan-bench-") as tmp:
        tmp = Path(tmp)
        inbox = tmp / "inbox"
        files = make_corpus(inbox, args.n)
        print(f"corpus: {len(files)} .docx filings ({sum(f.stat().st_size for f in files) / 2**20:.1f} MiB), "
              f"{cores} core(s), load average {os.getloadavg()[0]:.1f}")

        naive, naive_cpu = python_docx_read(files)
        print(f"python-docx read tables   : {naive:7.1f} s  {len(files) / naive:6.1f} filings/s  cpu {naive_cpu:6.1f} s"
              "  (1 process)")

        env = {**os.environ}
        # yusuan's own modules compiled to bytecode once, as an analyst's Python does on the first run and keeps in
        # __pycache__; the libraries' bytecode was written when pip installed them. A machine that sets
        # PYTHONDONTWRITEBYTECODE (as some sandboxes and CI images do) would otherwise make every process of the
        # ingest and of Dagster compile ~150 modules from source (~0.1-0.2 CPU s each), which python-docx, already
        # compiled, does not pay.
        wall, cpu, _ = run([sys.executable, "-m", "compileall", "-q", str(ROOT / "pipelines"), str(ROOT / "schemas")],
                           env)
        print(f"yusuan's modules compiled to bytecode (once, as an analyst's first run does): {wall:5.1f} s  "
              f"cpu {cpu:5.1f} s (not counted below)")
        # The ingest builds the models from a plan `dbt compile` makes once per project version, whatever the
        # warehouse is called (pipelines.lib.model_runs); Dagster's dbt assets parse the project once per
        # warehouse file name (its manifest names the database after the file), then reuse the parse. Make both
        # first, and print what that costs: an analyst pays it once, not per ingest.
        wall, cpu, _ = run([sys.executable, "-c", "import sys\nfrom pipelines.lib import model_runs, transform\n"
                            "model_runs.plan(sys.argv[1]); transform.manifest_path(sys.argv[2])",
                            str(tmp / "cli0.duckdb"), str(tmp / "dagster.duckdb")], env)
        print(f"dbt compile (once per project version) + the Dagster warehouse's parse: {wall:5.1f} s  cpu {cpu:5.1f} s "
              "(not counted below)")
        results: dict[str, float] = {}
        cpus: dict[str, float] = {}
        for label, extra in (("yusuan ingest", []), ("yusuan ingest --jobs 1", ["--jobs", "1"])):
            db = tmp / f"cli{len(results)}.duckdb"
            wall, cpu, _ = run([str(BIN / "yusuan"), "ingest", str(inbox), "--db", str(db), *extra], env)
            results[label] = wall
            cpus[label] = cpu
            loaded, lines = facts(db)
            print(f"{label:<26}: {wall:7.1f} s  {len(files) / wall:6.1f} filings/s  cpu {cpu:6.1f} s  "
                  f"({loaded} loaded, {lines} budget lines)  ratio to python-docx {wall / naive:.2f}")
        if args.baseline:
            old = tmp / "baseline"
            subprocess.run(["git", "worktree", "add", "--detach", str(old), args.baseline], cwd=ROOT, check=True,
                           capture_output=True)
            try:
                db = tmp / "baseline.duckdb"
                # its compiled plan and bytecode too (before 1b9d0af, one plan per warehouse name), not counted, as above
                run([sys.executable, "-m", "compileall", "-q", str(old / "pipelines"), str(old / "schemas")], env)
                run([sys.executable, "-c", "import sys\nfrom pipelines.lib import model_runs\n"
                     "model_runs.plan(sys.argv[1])", str(db)], {**env, "PYTHONPATH": str(old)}, cwd=old)
                wall, cpu, _ = run([sys.executable, "-m", "pipelines.cli", "ingest", str(inbox), "--db", str(db)],
                                   {**env, "PYTHONPATH": str(old)}, cwd=old)
                loaded, lines = facts(db)
                print(f"{'baseline ' + args.baseline[:12]:<26}: {wall:7.1f} s  {len(files) / wall:6.1f} filings/s  "
                      f"cpu {cpu:6.1f} s  ({loaded} loaded, {lines} budget lines)  ratio to python-docx "
                      f"{wall / naive:.2f}; now {wall / results['yusuan ingest']:.1f}x faster, "
                      f"{cpu / cpus['yusuan ingest --jobs 1']:.1f}x the CPU of --jobs 1")
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False,
                               capture_output=True)
        cli, cli_cpu = results["yusuan ingest"], cpus["yusuan ingest"]
        if not args.no_dagster:
            # the CLI (its first run is the one above) and the Dagster cycle in turn, `--pairs` times: the median
            # pair is the figure
            pairs = []
            for k in range(max(args.pairs, 1)):
                if k:
                    cw, cc, _ = run([str(BIN / "yusuan"), "ingest", str(inbox), "--db", str(tmp / f"pair{k}.duckdb")],
                                    env)
                else:
                    cw, cc = cli, cli_cpu
                (tmp / f"dagster{k}").mkdir()
                parts: dict = {}
                wall, cpu, db = dagster_run(inbox, tmp / f"dagster{k}", parts)
                pairs.append((wall / cw, cw, cc, wall, cpu, parts, db))
                if args.pairs > 1:
                    print(f"  pair {k + 1}: yusuan ingest {cw:.1f} s (cpu {cc:.1f} s), Dagster {wall:.1f} s (cpu {cpu:.1f} s):"
                          f" {wall / cw:.2f}")
            _, cli, cli_cpu, wall, cpu, parts, db = sorted(pairs, key=lambda p: p[0])[len(pairs) // 2]
            loaded, _ = facts(db)
            median = f" (the median of {len(pairs)} pairs)" if len(pairs) > 1 else ""
            print(f"{'dagster (sensor + batch runs)':<26}: {wall:7.1f} s  {len(files) / wall:6.1f} filings/s  "
                  f"cpu {cpu:6.1f} s  ({loaded} loaded)  ratio to the CLI {wall / cli:.2f} (target ≤ 1.5){median}; "
                  f"CPU seconds {cpu / cli_cpu:.2f}")
            print("  " + ", ".join(f"{k} {w:.2f} s (cpu {c:.2f} s)" for k, (w, c) in parts.items()))
            print("  " + tick_note(parts, wall, cpu, cli, cli_cpu))
        print(f"ingest / python-docx: {cli / naive:.2f} wall (target ≤ 0.2 on 2 cores); CPU seconds "
              f"{cli_cpu / naive_cpu:.2f} (all processes of the ingest against python-docx's one)")
        if args.profile:
            print("\nwhere an ingest's time goes:")
            print(profile_ingest(inbox, tmp / "profile.duckdb"))
        shutil.rmtree(inbox, ignore_errors=True)
    if args.pdfs and REAL.is_dir():
        rows = pdf_numbers(args.pdfs)
        pages = sum(r[1] for r in rows)
        ours = sum(r[1] * r[2] for r in rows) / pages
        floor = sum(r[1] * r[3] for r in rows) / pages
        print(f"\nPDF ({len(rows)} real filings, {pages} pages): read_pdf {ours:.1f} ms/page, "
              f"pypdfium2 floor {floor:.1f} ms/page, ratio {ours / floor:.1f} (target ≤ 3)")
        lines = pdf_lines_floor(args.pdfs)
        print(f"    floor + the ruling lines (bench_pdf.floor_lines: every path segment's point too) {lines:.1f} ms/page, "
              f"ratio {ours / lines:.1f} (target ≤ 3; bench/bench_pdf.py gives CPU seconds and the phases)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
