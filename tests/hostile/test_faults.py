"""A warehouse write that fails for the disk's sake is named as such, blames no filing, and a re-run completes.

The fault is real, not mocked: the ingest runs in a child process whose file-size limit
(RLIMIT_FSIZE, with SIGXFSZ ignored so a write past it fails with EFBIG as on a full disk) is set
just after a first filing was loaded, so DuckDB's write-ahead log cannot grow and the next commit fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples" / "河北省" / "邯郸市" / "魏县"

CHILD = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
if limit:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from pipelines.cli import main
sys.exit(main(["ingest", sys.argv[2], "--db", sys.argv[3], "--jobs", "1"]))
"""


def _ingest(folder: Path, db: Path, limit: int = 0) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, str(limit), str(folder), str(db)], cwd=REPO,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})


def _documents(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql("select file_name, status, error from core.documents order by file_name").fetchall()


@pytest.mark.skipif(sys.platform != "linux", reason="needs RLIMIT_FSIZE and SIGXFSZ")
def test_a_full_disk_during_a_load_is_a_fault_not_a_rejection(tmp_path):
    db = tmp_path / "w.duckdb"
    first = _ingest(SAMPLES / "2021", db)
    assert first.returncode == 0, first.stderr
    before = _documents(db)
    assert [s for _, s, _ in before] == ["loaded"]

    full = _ingest(SAMPLES, db, limit=200_000)  # the log may not pass 200 KB: the next commit fails
    assert full.returncode == 2, full.stdout + full.stderr
    assert "full disk or an I/O error, not a problem with any filing" in full.stderr
    assert "File too large" in full.stderr  # the disk's own words are kept
    assert "yusuan failed" not in full.stdout + full.stderr
    assert _documents(db) == before  # kept as it was: nothing loaded half, nothing marked rejected

    again = _ingest(SAMPLES, db)
    assert again.returncode == 0, again.stdout + again.stderr
    after = _documents(db)
    assert len(after) == 9 and {s for _, s, _ in after} == {"loaded"}
