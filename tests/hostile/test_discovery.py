"""What ingest is given that is not a filing: FIFOs never opened, lock files and hidden folders listed,
control characters in names escaped, Word's other package extensions read as Word."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.hostile.builders import REFERENCE, SAMPLES

REPO = Path(__file__).resolve().parents[2]
EVIL = "evil\x1b]0;pwned\x07\x1b[2J\u202ename.docx"


def _yusuan(*args: str) -> subprocess.CompletedProcess:
    # In a child with a timeout: a FIFO that were opened would block it forever, not this test run.
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=180, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_a_folder_of_things_that_are_not_filings(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / ".Trash").mkdir(parents=True)
    (inbox / ".Trash" / "old.docx").write_bytes((SAMPLES / "2022" / "202_魏县人民政府办公室_2022.docx").read_bytes())
    (inbox / "~$good.docx").write_bytes(b"\x00" * 162)  # what Word leaves while good.docx is open
    (inbox / "good.docx").write_bytes(REFERENCE.read_bytes())
    (inbox / EVIL).write_bytes((SAMPLES / "2023" / "305_魏县教育局_2023.docx").read_bytes())
    (inbox / "macro.docm").write_bytes((SAMPLES / "2023" / "202_魏县人民政府办公室_2023.docx").read_bytes())
    os.mkfifo(inbox / "pipe.docx")
    os.mkfifo(tmp_path / "given.pdf")
    db = tmp_path / "w.duckdb"

    run = _yusuan("ingest", str(inbox), str(tmp_path / "given.pdf"), "--db", str(db), "--jobs", "1")
    out = run.stdout + run.stderr
    assert run.returncode == 1, out  # the FIFO named on the command line is refused: exit 1, not a hang
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out  # nothing reaches the terminal raw
    assert "evil\\x1b]0;pwned\\x07\\x1b[2J\\u202ename.docx" in out
    assert f"{inbox / '.Trash'}: a hidden folder (.Trash, .git, …): not searched" in out
    assert f"{inbox / '~$good.docx'}: an Office lock file (~$…), left while a document is open: not a filing" in out
    assert f"{inbox / 'pipe.docx'}: a named pipe (FIFO): yusuan reads only regular files" in out
    assert f"  {tmp_path / 'given.pdf'}\n      a named pipe (FIFO): yusuan reads only regular files" in out
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql("select file_name, status, year from core.documents order by year, file_name").fetchall()
    # .docm read as Word; the name stored escaped too; nothing from .Trash
    assert sorted(r[0] for r in rows) == sorted(["evil\\x1b]0;pwned\\x07\\x1b[2J\\u202ename.docx", "good.docx",
                                                 "macro.docm"])
    assert {r[1] for r in rows} == {"loaded"}
