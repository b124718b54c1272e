"""`yusuan ingest` run as a program ends without Python's teardown (``cli._end_now``): every line it printed still
arrives, through a pipe or into a file, its exit code is kept, and the warehouse it wrote is complete and closed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb

from tests.hostile.warehouse_state import REPO, subprocess_env, yusuan_command

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_an_ingest_ends_with_its_code_every_line_and_the_warehouse_closed(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLES, inbox, ignore=shutil.ignore_patterns("*.md"))
    (inbox / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    files = sorted(p for p in inbox.rglob("*") if p.suffix in (".docx", ".pdf"))
    db = tmp_path / "w.duckdb"
    log = tmp_path / "out.txt"
    with log.open("w") as out:  # into a file: block-buffered, so only a flush gets the lines there
        done = subprocess.run([*yusuan_command(), "ingest", str(inbox), "--db", str(db), "--jobs", "2"], cwd=REPO,
                              stdout=out, stderr=subprocess.PIPE, text=True, env=subprocess_env() | {
                                  "PYTHONUNBUFFERED": ""}, timeout=300)
    assert done.returncode == 1, done.stderr[-500:]  # one file rejected
    # nothing left for multiprocessing's resource tracker to clean up, no worker's traceback (read until every
    # process that shares the pipe, the tracker included, has closed it)
    assert "leaked" not in done.stderr and "Traceback" not in done.stderr, done.stderr[-500:]
    lines = log.read_text().splitlines()
    assert sum(line.startswith("[") for line in lines) == len(files)  # a progress line per file
    assert any("broken.docx" in line for line in lines if line.startswith("  "))  # the rejection, with its reason
    assert lines[-1].startswith("warehouse: ")  # the last line printed
    assert not Path(f"{db}.wal").exists()  # closed: checkpointed, no log left to replay
    con = duckdb.connect(str(db), read_only=True)
    try:
        statuses = dict(con.execute("select status, count(*) from core.documents group by all").fetchall())
        marts = con.execute("select count(*) from marts.budget_lines").fetchone()[0]
    finally:
        con.close()
    assert statuses == {"loaded": len(files) - 1, "rejected": 1}
    assert marts > 0

    piped = subprocess.run([*yusuan_command(), "ingest", str(inbox), "--db", str(db)], cwd=REPO, capture_output=True,
                           text=True, env=subprocess_env(), timeout=300)
    assert piped.returncode == 1 and piped.stdout.splitlines()[-1].startswith("warehouse: ")
    assert f"{len(files) - 1} unchanged" in piped.stdout
