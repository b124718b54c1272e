"""A worker's results come back as a file in a folder of the run (``workers._work``), not through the pool's pipe:
read and removed by the parent, and the folder gone after the run — also when the parent is killed (the workers
remove it as they exit)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.lib import workers
from pipelines.lib.discovery import discover
from tests.hostile.warehouse_state import REPO, children, subprocess_env, yusuan_command

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_a_task_written_to_a_file_is_read_back_whole_and_the_file_removed(tmp_path):
    files = discover([SAMPLES])[:3]
    task = [files[:2], files[2:]]
    direct, _, _ = workers._work(task, None)
    path, seconds, (pid, clock) = workers._work(task, None, str(tmp_path))
    assert isinstance(path, str) and Path(path).parent == tmp_path and Path(path).stat().st_size > 0
    assert seconds > 0 and clock >= seconds
    back = workers._taken(path)
    assert not Path(path).exists()
    assert [[i.document.source_path for i in chunk] for chunk in back] == \
        [[i.document.source_path for i in chunk] for chunk in direct] == [[str(f) for f, _ in c] for c in task]
    for mine, theirs in zip((i for c in back for i in c), (i for c in direct for i in c), strict=True):
        assert replace(mine.document, ingested_at=None) == replace(theirs.document, ingested_at=None)
        assert mine.frames.keys() == theirs.frames.keys()
        assert all(mine.frames[k].equals(theirs.frames[k]) for k in mine.frames)


def test_a_task_whose_file_cannot_be_written_comes_back_directly(tmp_path):
    files = discover([SAMPLES])[:2]
    gone = tmp_path / "gone"  # no such folder: the file cannot be made
    back, _, _ = workers._work([files], None, str(gone))
    assert isinstance(back, list) and [i.document.source_path for i in back[0]] == [str(f) for f, _ in files]
    assert workers._taken(back) is back and not gone.exists()


def test_a_run_with_workers_leaves_no_results_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    files = discover([SAMPLES])
    together = [i for g in workers.processed_chunks(files, jobs=2) for i in g]
    assert [i.document.source_path for i in together] == [str(f) for f, _ in files]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_killed_ingest_leaves_no_results_folder(tmp_path):
    inbox = tmp_path / "inbox"
    for i in range(6):  # 54 filings: seconds of reading, the folder there all along
        shutil.copytree(SAMPLES, inbox / f"copy{i}", ignore=shutil.ignore_patterns("*.md"))
    temp = tmp_path / "temp"
    temp.mkdir()
    proc = subprocess.Popen([*yusuan_command(), "ingest", str(inbox), "--db", str(tmp_path / "w.duckdb"), "--jobs",
                             "2"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**subprocess_env(), "TMPDIR": str(temp)})
    # the folder lives from the workers' start to the last task's results: watch for it (the first printed line can
    # come after it is gone on a loaded machine, once every task is read before the first commit)
    deadline = time.monotonic() + 60
    while not [p for p in temp.iterdir() if p.name.startswith("yusuan-results-")]:
        assert proc.poll() is None and time.monotonic() < deadline, "the ingest made no yusuan-results- folder"
        time.sleep(0.005)
    # killed at once, before a worker may have had a task: the folder is named after the parent, whose workers
    # know its pid from their start
    workers = children(proc.pid)
    assert [p for p in temp.iterdir() if p.name.startswith("yusuan-results-")] and proc.poll() is None
    proc.kill()
    proc.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while [p for p in temp.iterdir() if p.name.startswith("yusuan-results-")] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in temp.iterdir() if p.name.startswith("yusuan-results-")]  # removed by a worker
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(workers)


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                alive.add(pid)
        except OSError:
            continue
    return alive
