"""The fast ingest stores exactly what the plain one does.

`yusuan ingest --jobs 2` (worker processes, pandera once per chunk, one commit per chunk) and `--jobs 1` (the
same chunks in this process) against the plain loop — each file processed alone by ``stages.process`` and loaded
alone by ``load_processed`` — over the shipped samples plus the awkward cases: a rejected file, the same bytes
twice, a reissue that supersedes its original.  Every table of every schema is compared row by row (timestamps
left out).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines.lib import warehouse
from pipelines.lib.ingest import ingest
from pipelines.lib.loading import load_processed
from pipelines.lib.stages import discover, process
from pipelines.lib.workers import _chunks
from tests.hostile.warehouse_state import REPO, children, snapshot, subprocess_env, yusuan_command

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def contents(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, without the columns that hold the time of the run."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        tables = con.execute("select table_schema, table_name from information_schema.tables "
                             "where table_catalog = current_database() order by all").fetchall()
        for schema, table in tables:
            cols = [c for c, t in con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position", [schema, table]).fetchall()
                if not t.startswith("TIMESTAMP")]
            select = ", ".join(f'"{c}"' for c in cols)
            out[f"{schema}.{table}"] = con.execute(f"select {select} from {schema}.{table} order by all").fetchall()
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "inbox"
    shutil.copytree(SAMPLES, root, ignore=shutil.ignore_patterns("*.md"))
    county = root / "河北省" / "邯郸市" / "魏县"
    first = sorted(county.rglob("*.docx"))[0]
    shutil.copy(first, county / "2024" / "same_bytes_again.docx")  # one document_id twice in a chunk
    reissue = county / first.parent.name / ("zz_reissue_" + first.name)
    shutil.copy(first, reissue)
    with zipfile.ZipFile(reissue, "a") as z:  # new bytes, same department and year: supersedes the first
        z.comment = b"reissued"
    (county / "2023" / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (county / "2023" / "empty.pdf").write_bytes(b"")
    return root


def test_parallel_and_chunked_ingest_store_what_the_plain_loop_stores(corpus, tmp_path):
    plain = tmp_path / "plain.duckdb"
    con = warehouse.connect(plain)
    try:
        warehouse.apply_ddl(con)
        for path, root in discover([corpus]):
            load_processed(con, process(path, root=root))
        warehouse.rebuild_models(con)
    finally:
        con.close()
    reference = contents(plain)
    statuses = sorted(r[0] for r in duckdb.connect(str(plain), read_only=True).execute(
        "select status from core.documents").fetchall())
    assert statuses.count("rejected") == 2 and statuses.count("superseded") == 1, statuses
    assert len(reference["staging.budget_lines"]) > 1000

    for jobs in (1, 2):
        db = tmp_path / f"jobs{jobs}.duckdb"
        lines: list[str] = []
        summary = ingest([corpus], db, jobs=jobs, echo=lines.append)
        assert (summary.files, len(summary.rejected)) == (13, 2)
        # one progress line per file, numbered in order
        assert [line.split("]")[0] for line in lines] == [f"[{n:>2}/13" for n in range(1, 14)]
        got = contents(db)
        assert got.keys() == reference.keys()
        for table, rows in reference.items():
            if table == "core.model_build_documents":
                # the incremental model build's memory of the last build (model_runs.record): the ingest's runner
                # keeps it, dbt's build (the plain loop's rebuild_models) leaves it empty by design — not a fact
                continue
            assert got[table] == rows, f"--jobs {jobs}: {table} differs from the plain loop"


def test_chunks_keep_order_and_give_every_worker_work():
    files = [(Path(f"f{i}"), Path(".")) for i in range(100)]
    for jobs in (1, 2, 8):
        chunks = _chunks(files, jobs)
        assert [f for c in chunks for f in c] == files
        assert len(chunks) >= min(2 * jobs, 100 // 16)
        assert max(len(c) for c in chunks) <= 16
    assert _chunks([], 2) == []


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_workers_do_not_outlive_a_killed_or_interrupted_ingest(corpus, tmp_path, sig):
    """SIGKILL of the parent: its workers notice and exit.  Ctrl-C: the parent stops them and says so."""
    folder = tmp_path / "many"
    for i in range(3):
        shutil.copytree(corpus, folder / f"copy{i}")
    db = tmp_path / "w.duckdb"
    proc = subprocess.Popen([*yusuan_command(), "ingest", str(folder), "--db", str(db), "--jobs", "2"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=subprocess_env())
    first = proc.stdout.readline()
    workers = children(proc.pid)
    assert first.startswith("[") and len(workers) >= 2, first  # two workers (and multiprocessing's helper)
    proc.send_signal(sig)
    try:
        rest, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # a hang must fail this test, not stall the suite
        proc.kill()
        rest, _ = proc.communicate()
        pytest.fail(f"yusuan ingest did not exit within 60 s of {sig.name}; it printed: {rest[-300:]}")
    code = proc.returncode
    deadline = time.monotonic() + 10
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(workers), f"workers {_alive(workers)} outlived the ingest"
    if sig == signal.SIGINT and "file(s) in" not in rest:  # unless it finished first
        assert code == 2 and "interrupted: every filing loaded so far is complete" in rest, rest[-300:]
    state = snapshot(db)
    assert not any(state["orphans"].values()) and state["loaded_twice"] == []
