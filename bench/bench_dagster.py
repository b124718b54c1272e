"""Ingesting N filings through Dagster vs `yusuan ingest`, on the same files, in one run of this script.

    .venv/bin/python bench/bench_dagster.py [--n 300]

Builds N distinct filings (the shipped samples, each copy made distinct bytes through its zip comment, so every
copy is a new document), then times:
  1. `yusuan ingest DIR` (the CLI, in a subprocess);
  2. Dagster as an operator runs it: the inbox sensor ticks once (adds N partitions, requests one batched run per
     200 filings), then `dagster asset materialize --partition-range` for each requested run (the default
     in-process executor of pipelines/defs/executor.py, a real DAGSTER_HOME), then the SQL models and exports.
Prints seconds, filings/s and the Dagster / CLI ratio (target: ≤ 2×).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def make_corpus(target: Path, n: int) -> None:
    samples = sorted((ROOT / "data" / "samples").rglob("*.docx"))
    for i in range(n):
        src = samples[i % len(samples)]
        rel = src.relative_to(ROOT / "data" / "samples")
        dst = target / f"copy{i:04d}" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, dst)
        with zipfile.ZipFile(dst, "a") as z:  # a new comment: new bytes, same content
            z.comment = f"bench copy {i}".encode()


def timed(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    n = ap.parse_args().n
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        inbox = tmp / "inbox"
        make_corpus(inbox, n)
        env = {**os.environ, "YUSUAN_DB": str(tmp / "cli.duckdb")}
        cli = timed([str(BIN / "yusuan"), "ingest", str(inbox)], env)

        home = tmp / "home"
        home.mkdir()
        # the repo's dagster.yaml keeps storage in ./.dagster (relative to the cwd); here storage must be fresh,
        # so only the pool and telemetry settings are kept and storage defaults to DAGSTER_HOME
        (home / "dagster.yaml").write_text("concurrency:\n  pools:\n    default_limit: 1\ntelemetry:\n  enabled: false\n")
        env = {**os.environ, "DAGSTER_HOME": str(home), "YUSUAN_DB": str(tmp / "dg.duckdb"),
               "YUSUAN_INBOX": str(inbox), "YUSUAN_EXPORTS": str(tmp / "exports")}
        t = time.perf_counter()
        tick = subprocess.run(
            [sys.executable, "-c", SENSOR_TICK], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
        ranges = [line.split() for line in tick.stdout.splitlines() if line.strip()]
        sensor_s = time.perf_counter() - t
        for start, end in ranges:
            subprocess.run([str(BIN / "dagster"), "asset", "materialize", "-m", "pipelines.definitions",
                            "--select", "group:raw,group:staging,group:quality", "--partition-range", f"{start}...{end}"],
                           env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ingest_s = time.perf_counter() - t
        subprocess.run([str(BIN / "dagster"), "asset", "materialize", "-m", "pipelines.definitions",
                        "--select", "group:dw,group:marts"], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dagster = time.perf_counter() - t
        import duckdb

        with duckdb.connect(str(tmp / "dg.duckdb"), read_only=True) as con:
            loaded = con.execute("select count(*) from core.documents where status = 'loaded'").fetchall()[0][0]
        with duckdb.connect(str(tmp / "cli.duckdb"), read_only=True) as con:
            loaded_cli = con.execute("select count(*) from core.documents where status in ('loaded', 'superseded')"
                                     ).fetchall()[0][0]
    print(f"filings: {n} ({len(ranges)} Dagster run(s) of ≤200)")
    print(f"yusuan ingest      : {cli:7.1f} s  {n / cli:6.1f} filings/s  (documents stored: {loaded_cli})")
    print(f"dagster (sensor {sensor_s:4.1f} s + ingest runs {ingest_s - sensor_s:5.1f} s + models {dagster - ingest_s:4.1f} s)"
          f": {dagster:7.1f} s  {n / dagster:6.1f} filings/s  (loaded: {loaded})")
    print(f"ratio dagster / cli: {dagster / cli:.2f}x  (target ≤ 2x)")


SENSOR_TICK = """
import dagster as dg
from pipelines.defs.filings import filings
from pipelines.defs.resources import Inbox
from pipelines.defs.sensors import RANGE_END, RANGE_START, new_filing_sensor
import os
with dg.DagsterInstance.get() as instance:
    ctx = dg.build_sensor_context(instance=instance, resources={"inbox": Inbox(path=os.environ["YUSUAN_INBOX"])})
    r = new_filing_sensor(ctx)
    for req in r.dynamic_partitions_requests:
        instance.add_dynamic_partitions(filings.name, list(req.partition_keys))
    for req in r.run_requests:
        print(req.tags[RANGE_START], req.tags[RANGE_END])
"""

if __name__ == "__main__":
    main()
