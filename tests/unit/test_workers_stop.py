"""Stopping the worker pool while a worker is half-way through sending its result back must not leave the
pool's manager thread waiting for the rest (Python waits for that thread at exit: ``yusuan ingest`` hung after
printing "interrupted")."""

from __future__ import annotations

import multiprocessing
import os
import struct
import time
from concurrent.futures import ProcessPoolExecutor

from pipelines.lib.workers import _stop


def half_sent(_: int) -> None:
    """In the worker: write the header of a 1,000-byte result and 10 bytes of it, then hang."""
    results = multiprocessing.current_process()._args[1]  # the pool's result queue, as the worker got it
    os.write(results._writer.fileno(), struct.pack("!i", 1000) + b"x" * 10)
    time.sleep(120)


def test_a_pool_stopped_mid_result_leaves_no_thread_waiting():
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    manager_of = None
    try:
        pool.submit(half_sent, 0)
        manager_of = pool._executor_manager_thread
        deadline = time.monotonic() + 60
        # the manager thread has read the header and waits for the rest of the message
        while time.monotonic() < deadline and not _reading(manager_of):
            time.sleep(0.05)
        assert _reading(manager_of), "the worker never started sending"
    finally:
        _stop(pool)
    assert manager_of is not None and not manager_of.is_alive()


def _reading(thread) -> bool:
    """Whether ``thread`` is blocked reading the result pipe (its innermost frame is a Connection read)."""
    import sys

    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        if frame.f_code.co_name in ("_recv", "_recv_bytes"):
            return True
        frame = frame.f_back
    return False
