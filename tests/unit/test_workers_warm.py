"""The ingest's process plumbing: workers started before the stages are imported (``workers.warm_up``), every chunk
ready at once handed back as one group, and pandera's polars API imported without pandas (``lean_imports``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from pipelines.lib import workers
from pipelines.lib.discovery import discover

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def test_a_warm_pool_is_taken_over_and_gives_what_reading_here_gives():
    files = discover([SAMPLES])
    assert len(files) >= 6
    assert workers.planned_workers(len(files), 2) == 1
    workers.warm_up(len(files), 2)
    try:
        pool, n = workers._warm
        assert n == 1 and len(pool._processes) == 1  # spawned now, before anything was asked of it
        groups = list(workers.processed_chunks(files, jobs=2))
        assert workers._warm is None  # taken over, not left for cool_down
    finally:
        workers.cool_down()
    serial = [i for g in workers.processed_chunks(files, jobs=1) for i in g]
    together = [i for g in groups for i in g]
    assert [i.document.source_path for i in together] == [i.document.source_path for i in serial]
    assert [(i.document.document_id, i.document.status) for i in together] == \
        [(i.document.document_id, i.document.status) for i in serial]
    assert all(len(g) <= workers.LOAD for g in groups)


def _paths(groups) -> list[tuple[str, str, str]]:
    return [(i.document.source_path, i.document.document_id, i.document.status) for g in groups for i in g]


def test_the_workers_first_tasks_given_at_warm_up_are_taken_over():
    """``yusuan ingest`` gives the workers their first tasks with the pool (``warm_up(files=…)``), before it opens
    the warehouse; the ``processed_chunks`` of the same files takes them over, and hands back what reading them
    all here gives, in order, each once."""
    files = discover([SAMPLES])
    serial = _paths(workers.processed_chunks(files, jobs=1))
    workers.warm_up(len(files), 2, files=files)
    try:
        early = workers._early
        assert early is not None and len(early.futures) == 2  # two tasks ahead per worker, as processed_chunks has
        assert [f for task in early.tasks for chunk in task for f in chunk] == files[:len(
            [f for task in early.tasks for chunk in task for f in chunk])]  # the first files, in order
        folder = Path(early.results)
        groups = list(workers.processed_chunks(files, jobs=2))
        assert workers._early is None and workers._warm is None  # taken over
        # read by the workers and handed back, not stopped (a pool stopped for other files cancels or breaks them)
        assert all(f.done() and not f.cancelled() and f.exception() is None for f in early.futures)
    finally:
        workers.cool_down()
    assert _paths(groups) == serial
    assert not folder.exists()  # the results folder went with the run that took it over


def test_first_tasks_of_other_files_are_stopped_not_handed_back():
    files = discover([SAMPLES])
    other = files[1:]  # another batch (a caller whose files are not the ones warm_up was given)
    workers.warm_up(len(files), 2, files=files)
    folder = Path(workers._early.results)
    try:
        groups = list(workers.processed_chunks(other, jobs=2))
    finally:
        workers.cool_down()
    assert _paths(groups) == _paths(workers.processed_chunks(other, jobs=1))
    assert not folder.exists()


def test_cool_down_stops_first_tasks_nobody_took_over():
    files = discover([SAMPLES])
    workers.warm_up(len(files), 2, files=files)
    pool, _ = workers._warm
    folder = Path(workers._early.results)
    pids = list(pool._processes)
    workers.cool_down()
    assert workers._warm is None and workers._early is None
    assert not folder.exists()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids)


def test_cool_down_stops_workers_nobody_took_over():
    workers.warm_up(200, 2)
    pool, _ = workers._warm
    pids = list(pool._processes)
    assert pids
    workers.cool_down()
    assert workers._warm is None
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids)


def test_no_worker_for_a_few_files_or_one_job():
    assert workers.planned_workers(1, 2) == 0
    assert workers.planned_workers(500, 1) == 0
    assert workers.planned_workers(500, 4) == 3
    workers.warm_up(1, 2)
    assert workers._warm is None


# In a fresh Python: schema findings for two bad rows of a real sample's budget lines, and whether pandas was imported.
SCRIPT = """
import json, sys
from pathlib import Path
if sys.argv[1] == "lean":
    from pipelines.lib.lean_imports import pandera_without_pandas
    pandera_without_pandas()
else:  # pandera as a plain import gives it, pandas and all (processing then uses it as it is)
    import pandera.polars
import polars as pl
from pipelines.lib import processing
path = sorted(Path(sys.argv[2]).rglob("*.docx"))[0]
step = processing._normalized(path, None, None, None)
lines = step.frames["budget_lines"].with_row_index("_i")
bad = lines.with_columns(pl.when(pl.col("_i") == 2).then(pl.lit("bogus")).otherwise(pl.col("measure")).alias("measure"))
step.frames["budget_lines"] = bad.drop("_i")
item = processing._validated([step])[0]
schema = sorted((f.check, f.actual, f.location) for f in item.findings if f.check == "schema")
print(json.dumps({"schema": schema, "rows": item.frames["budget_lines"].height, "of": lines.height,
                  "pandas": "pandas" in sys.modules}))
"""


def _run(mode: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, mode, str(SAMPLES)], env=env, capture_output=True,
                          text=True, check=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_pandera_without_pandas_validates_as_with_it():
    lean, full = _run("lean"), _run("full")
    assert lean["pandas"] is False and full["pandas"] is True
    assert lean["schema"] == full["schema"]
    assert [actual for _, actual, _ in lean["schema"]] == ["bogus"]  # the one bad value, named
    assert lean["rows"] == lean["of"] - 1  # its row kept out of the load


def test_a_cli_ingest_imports_neither_pyarrow_nor_pandas(tmp_path):
    """The loader hands frames to DuckDB through the Arrow C stream and the models need no conversion: an ingest
    whose frames all pass imports no pyarrow (~0.2 CPU s with numpy) and no pandas.  Were one to come back, tell
    pyarrow there is no pandas first (lean_imports.pyarrow_without_pandas)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipelines.cli", "ingest", str(SAMPLES),
                           "--db", str(tmp_path / "w.duckdb"), "--jobs", "1"], env=env, capture_output=True,
                          text=True, check=True, timeout=300, cwd=ROOT)
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert {"duckdb", "polars", "pipelines.lib.loading"} <= imported  # what it does import is seen
    assert not {m for m in imported if m.split(".")[0] in ("pyarrow", "pandas", "numpy")}
    assert "9 loaded" in done.stdout
