"""``workers._Balance``: when the parent reads the next task itself and when it leaves it to a worker, from the
CPU seconds each process has spent and a filing's measured cost (figures below worked out by hand)."""

from __future__ import annotations

import time

from pipelines.lib import workers


def _balance(parent: float, worker: float, queued: int, per: float = 0.02) -> workers._Balance:
    """A parent that has spent ``parent`` CPU seconds, one worker at ``worker`` holding ``queued`` filings."""
    b = workers._Balance(1, warm=False)
    b.origin = time.process_time() - parent
    b.at = {1234: worker}
    b.worker_cpu, b.worker_files = 100 * per, 100  # 20 ms a filing, as measured on its tasks
    b.queued = queued
    return b


def test_nothing_measured_yet_reads_here():
    assert workers._Balance(1, warm=True).reads_here(32, 200)


def test_the_last_task_is_read_here_only_if_done_before_the_worker():
    # worker: 2.0 s + 32 filings * 0.02 = 2.64 s; a task of 8 here takes 0.16 s
    assert _balance(parent=2.40, worker=2.0, queued=32).reads_here(8, 0)  # done at 2.56 <= 2.64
    assert not _balance(parent=2.55, worker=2.0, queued=32).reads_here(8, 0)  # done at 2.71 > 2.64


def test_work_still_unassigned_is_shared_evenly():
    # the same parent as above, but 24 more filings to come: even share (2.55 + 2.0 + (8+32+24)*0.02) / 2 = 2.915
    assert _balance(parent=2.55, worker=2.0, queued=32).reads_here(8, 24)  # done at 2.71
    # far ahead of the worker, it waits even with work to come: (4.0 + 2.0 + 64*0.02) / 2 = 3.64 < 4.16
    assert not _balance(parent=4.0, worker=2.0, queued=32).reads_here(8, 24)


def test_the_last_chunks_are_half_size_and_keep_the_order():
    files = [(f"f{i}", ".") for i in range(280)]
    chunks = workers._chunks(files, 2)
    assert [f for c in chunks for f in c] == files
    assert [len(c) for c in chunks] == [16] * 14 + [8] * 7  # 280 = 14*16 + the last 56 (three 16s and the 8)
    assert [len(c) for c in workers._chunks(files, 1)] == [16] * 17 + [8]  # one process: no balance to keep
