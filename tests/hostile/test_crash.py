"""Crash safety: SIGKILL ``yusuan ingest`` at random points while it loads, again and again, and check after
each kill that every filing is in the warehouse completely or not at all; then a normal run finishes
the job and the warehouse equals one clean run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time

import pytest

from pipelines.lib.ingest import ingest
from tests.hostile import builders as B
from tests.hostile.warehouse_state import REPO, inconsistencies, snapshot, subprocess_env, yusuan_command

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")

KILLS = 6
INTERRUPT_AT = 3  # the fourth stop is SIGINT (Ctrl-C), the others SIGKILL
SEED = 20261107


def _kill_during_run(folder, db, after_lines: int, extra: float, sig: int = signal.SIGKILL) -> dict:
    """Run ``yusuan ingest`` and send ``sig`` ``extra`` seconds after its ``after_lines``-th progress line
    (0: ``extra`` seconds after start).  Returns what happened."""
    proc = subprocess.Popen([*yusuan_command(), "ingest", str(folder), "--db", str(db)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=subprocess_env())
    seen = 0
    if after_lines == 0:
        time.sleep(extra)
    else:
        for line in proc.stdout:
            if line.startswith("["):
                seen += 1
                if seen == after_lines:
                    time.sleep(extra)
                    break
    finished_first = proc.poll() is not None
    if not finished_first:
        proc.send_signal(sig)
    rest = proc.stdout.read()
    proc.stdout.close()
    code = proc.wait(timeout=30)
    return {"after_lines": after_lines, "extra": round(extra, 3), "killed": not finished_first, "code": code,
            "tail": rest[-400:]}


def test_sigkill_at_random_points_never_leaves_a_partial_filing(tmp_path):
    folder = tmp_path / "inbox"
    files = B.reissue_corpus(folder)
    assert len(files) == 13

    # The reference: one clean run, in this process (no kill, no earlier state).
    reference_db = tmp_path / "reference.duckdb"
    started = time.perf_counter()
    summary = ingest([folder], reference_db, echo=lambda _: None)
    per_file = (time.perf_counter() - started) / len(files)
    assert (summary.loaded, summary.rejected) == (13, [])
    reference = snapshot(reference_db)
    statuses = sorted(status for _, status in reference["documents"].values())
    assert statuses == ["loaded"] * 9 + ["superseded"] * 4
    assert reference["restatements"] > 0  # the two changed reissues were recorded as restatements

    db = tmp_path / "warehouse.duckdb"
    rng = random.Random(SEED)
    log = []
    for rep in range(KILLS):
        # The first kill lands in start-up or the first filings of an empty warehouse; later ones a few
        # filings past the frontier (lines before it are filings already loaded, printed 'unchanged'),
        # so the kills walk through the batch and the last ones hit the model rebuild.
        frontier = len(snapshot(db)["documents"]) if db.exists() else 0
        after = 0 if rep == 0 else min(len(files), frontier + rng.randint(1, 3))
        extra = rng.uniform(0.3, 1.2) if after == 0 else rng.uniform(0, per_file)
        # One of them is a Ctrl-C: exit 2 and a message saying what state the run left.
        sig = signal.SIGINT if rep == INTERRUPT_AT else signal.SIGKILL
        outcome = _kill_during_run(folder, db, after, extra, sig)
        if sig == signal.SIGINT and outcome["killed"]:
            assert outcome["code"] == 2, outcome["tail"]
            assert "interrupted: every filing loaded so far is complete" in outcome["tail"]
        state = snapshot(db) if db.exists() else None
        problems = inconsistencies(state, reference) if state else []
        outcome["documents"] = len(state["documents"]) if state else 0
        log.append(outcome)
        assert problems == [], f"after {outcome}: {problems}"
    print("\nstops:", *({k: v for k, v in o.items() if k != "tail"} for o in log), sep="\n  ")
    assert sum(o["killed"] for o in log) >= KILLS - 1, log  # the kills really happened mid-run

    # A normal run completes the work: exit 0, every filing loaded, the marts equal a clean run's.
    done = subprocess.run([*yusuan_command(), "ingest", str(folder), "--db", str(db)], cwd=REPO,
                          capture_output=True, text=True, env=subprocess_env(), timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    final = snapshot(db)
    assert inconsistencies(final, reference) == []
    assert final["documents"] == reference["documents"]
    assert final["facts"] == reference["facts"]
    assert final["mart_lines"] == reference["mart_lines"]  # marts rebuilt: only loaded filings, all of them
    assert final["marts"] == reference["marts"]
    assert final["restatements"] == reference["restatements"]
