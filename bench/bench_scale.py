"""A province-sized batch: time, peak memory, warehouse size, and the serial fraction — run once, not in tests.

    .venv/bin/python bench/bench_scale.py [--n 10000] [--jobs 2] [--keep DIR]

Builds N distinct filings (bench/corpus.py: a county per 8 copies of the shipped samples, distinct bytes), then
runs one `yusuan ingest` over them (``pipelines.lib.ingest.ingest``, in this process, ``--jobs`` workers) while a
thread samples the resident memory of this process and its workers every 0.2 s.  Prints:

- wall time, filings/s, and the time per 1,000 filings at the start and the end of the run (does loading slow down
  as the warehouse grows?);
- peak resident memory of the whole process tree (the parent's and the workers' summed) — bounded if frames are
  streamed through, growing with N if they were all held;
- warehouse size on disk, documents and budget lines;
- the serial fraction: CPU seconds the parent spent loading and rebuilding the SQL models (serial by design: DuckDB
  has one writer) against the CPU seconds the workers spent reading, normalizing and validating (parallel), and the
  speed-up Amdahl's law allows with more extraction workers (CPU seconds, because a shared machine stretches wall
  time: the wall-clock figures are of this machine at this load average);
- the extrapolation to 100,000 filings (``--n 100000`` runs it for real: about ten times as long).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import make_corpus  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and every descendant (Linux /proc)."""
    return sum(tree_rss_by_process(root).values())


def tree_rss_by_process(root: int) -> dict[int, int]:
    """Resident bytes of ``root`` and of each of its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * PAGE
    out = {}
    for pid, size in rss.items():
        p = pid
        while p and p != root:
            p = parents.get(p, 0)
        if p == root:
            out[pid] = size
    return out


class Sampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak = 0
        self.peak_parent = 0  # this process alone: the loader, its DuckDB connection, the SQL models
        self.peak_loading = 0  # the tree's peak until the last filing was loaded (before the SQL models)
        self.loading = True
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            sizes = tree_rss_by_process(os.getpid())
            total = sum(sizes.values())
            self.peak = max(self.peak, total)
            self.peak_parent = max(self.peak_parent, sizes.get(os.getpid(), 0))
            if self.loading:
                self.peak_loading = max(self.peak_loading, total)
            self.stop.wait(0.2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="build the corpus and warehouse here and keep them")
    args = ap.parse_args()
    from pipelines.lib.ingest import ingest

    with tempfile.TemporaryDirectory(prefix="yusuan-scale-") as tmp:
        work = args.keep or Path(tmp)
        inbox, db = work / "inbox", work / "scale.duckdb"
        t = time.perf_counter()
        if not inbox.exists():
            make_corpus(inbox, args.n)
        print(f"corpus: {args.n} filings built in {time.perf_counter() - t:.0f} s; ingest with --jobs {args.jobs} on "
              f"{len(os.sched_getaffinity(0))} core(s), load average {os.getloadavg()[0]:.1f}", flush=True)
        marks: list[float] = []

        def echo(line: str) -> None:
            if line.startswith("[") and int(line[1:line.index("/")]) == args.n:
                sampler.loading = False  # the last filing is loaded: the SQL models follow
            if line.startswith("[") and int(line[1:line.index("/")]) % 1000 == 0:
                marks.append(time.perf_counter())
                print(f"  {line.split(']')[0][1:].strip()} filings, {marks[-1] - start:.0f} s, "
                      f"peak memory so far {sampler.peak / 2**20:.0f} MiB", flush=True)

        sampler = Sampler()
        sampler.start()
        start = time.perf_counter()
        s = ingest([inbox], db, jobs=args.jobs, echo=echo)
        wall = time.perf_counter() - start
        sampler.stop.set()
        sampler.join()
        import duckdb

        with duckdb.connect(str(db), read_only=True) as con:
            docs = con.execute("select count(*) from core.documents where status = 'loaded'").fetchall()[0][0]
            lines = con.execute("select count(*) from staging.budget_lines").fetchall()[0][0]
        size = sum(p.stat().st_size for p in work.glob("scale.duckdb*"))
        n = s.files
        serial = s.load_cpu + s.models_cpu
        fraction = serial / (serial + s.extract_cpu)
        print(f"\n{n} filings in {wall:.0f} s ({n / wall:.1f} filings/s): {s.loaded} loaded, {len(s.rejected)} rejected")
        if len(marks) >= 2:
            steps = [b - a for a, b in zip([start, *marks], marks, strict=False)]
            print(f"per 1,000 filings: first {steps[0]:.0f} s, last {steps[-1]:.0f} s")
        print(f"peak memory (the parent + {args.jobs - 1} worker(s)): {sampler.peak / 2**20:.0f} MiB; until the last "
              f"filing was loaded {sampler.peak_loading / 2**20:.0f} MiB; the parent alone (loading, DuckDB, the SQL "
              f"models) {sampler.peak_parent / 2**20:.0f} MiB")
        print(f"warehouse: {size / 2**20:.0f} MiB on disk, {docs} documents, {lines} budget lines "
              f"({size / max(n, 1) / 1024:.0f} KiB per filing)")
        print(f"CPU seconds: extraction (the parent and the workers, summed) {s.extract_cpu:.0f} s ({1000 * s.extract_cpu / n:.0f} ms a "
              f"filing); serial in the parent: loading {s.load_cpu:.0f} s ({1000 * s.load_cpu / n:.0f} ms a filing) "
              f"+ SQL models {s.models_cpu:.0f} s")
        print(f"serial fraction {fraction:.3f} of the CPU work: at most {1 / fraction:.1f}x faster than one worker "
              f"with unlimited extraction workers (loading alone: {n / max(s.load_cpu, 1e-9):.0f} filings per CPU "
              "second)")
        if n < 100_000:
            k = 100_000 / n
            print(f"extrapolated to 100,000 filings (x{k:.0f}, linear — per-1,000 times above show whether it is): "
                  f"{wall * k / 60:.0f} min on these cores, warehouse {size * k / 2**30:.1f} GiB, "
                  f"peak memory about the same")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
