"""Two ingests at once on one warehouse: the second stops with a clear message naming the lock (exit 2),
or with --wait waits for the first; nothing is corrupted and a re-run afterwards is clean."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import threading

import duckdb

from pipelines.cli import main
from tests.hostile import builders as B
from tests.hostile.warehouse_state import REPO, snapshot, subprocess_env, yusuan_command


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_a_second_ingest_stops_or_waits_and_nothing_is_corrupted(tmp_path):
    folder = tmp_path / "inbox"
    files = B.reissue_corpus(folder)
    db = tmp_path / "warehouse.duckdb"
    first = subprocess.Popen([*yusuan_command(), "ingest", str(folder), "--db", str(db)], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=subprocess_env())
    lines: list[str] = []
    started = threading.Event()

    def drain():
        for line in first.stdout:
            lines.append(line)
            if line.startswith("["):
                started.set()
    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        assert started.wait(60), "".join(lines)  # the first run holds the warehouse from here on

        # Without --wait: stop at once, name the holder and what to do, exit 2, write nothing.
        code, out, err = _cli("ingest", str(folder), "--db", str(db))
        assert first.poll() is None, "the first run ended before the second started; the test proves nothing"
        assert code == 2
        assert out == ""
        assert f"is in use by yusuan ingest (pid {first.pid})" in err
        assert "--wait SECONDS" in err and "Nothing was written" in err

        # With --wait: say so once, wait for the first run, then find everything already loaded.
        code, out, err = _cli("ingest", str(folder), "--db", str(db), "--wait", "60")
        assert code == 0, out + err
        assert f"waiting up to 60 s for the warehouse {db} (in use by pid {first.pid})" in out
        assert f"0 loaded, {len(files)} unchanged, 0 rejected" in out
    finally:
        first.wait(timeout=60)
        reader.join(timeout=10)
    assert first.returncode == 0, "".join(lines)
    assert f"{len(files)} loaded, 0 unchanged, 0 rejected" in "".join(lines)

    # Nothing corrupted: every filing once, the reissues superseding their originals, no stray rows.
    state = snapshot(db)
    assert sorted(s for _, s in state["documents"].values()) == ["loaded"] * 9 + ["superseded"] * 4
    assert not any(state["orphans"].values()) and state["loaded_twice"] == []
    code, out, _ = _cli("ingest", str(folder), "--db", str(db))
    assert code == 0 and f"0 loaded, {len(files)} unchanged" in out
    assert snapshot(db) == state


def test_waiting_gives_up_after_the_timeout_with_the_same_clear_message(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(30)",
         str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        code, out, err = _cli("ingest", str(B.REFERENCE), "--db", str(db), "--wait", "1")
        assert code == 2
        assert f"waiting up to 1 s for the warehouse {db} (in use by pid {holder.pid})" in out
        assert f"(pid {holder.pid})" in err and "(waited 1 s)" in err and "DuckDB client" in err
    finally:
        holder.kill()
        holder.wait()
    duckdb.connect(str(db)).close()  # released: the file opens again
