"""The processing stage over many files: worker processes, a chunk of filings each, handed back in the files'
order with at most two chunks per worker ahead, so memory stays bounded however many files there are.  Used by
``yusuan ingest`` and by the Dagster asset alike."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Protocol

from pipelines.lib.processing import process_batch
from pipelines.lib.record import Processed


class CpuTally(Protocol):
    """Where :func:`processed_chunks` adds up the CPU seconds its chunks took."""

    extract_cpu: float


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def auto_jobs(n_files: int) -> int:
    """Workers for ``n_files`` when none were asked for: every core, but one per 8 files at most — starting a
    worker (a Python with polars, pandera and the readers imported) costs about what reading 8 filings does."""
    return max(1, min(default_jobs(), n_files // 8))


CHUNK = 16  # filings a worker reads and validates together (one pandera run) and the loader commits together


def _chunks(files: list[tuple[Path, Path]], jobs: int) -> list[list[tuple[Path, Path]]]:
    """Consecutive runs of files: up to CHUNK each, smaller when there are few files, so every worker gets some."""
    size = max(1, min(CHUNK, -(-len(files) // (2 * max(jobs, 1)))))
    return [files[i:i + size] for i in range(0, len(files), size)]


def _worker_init(parent: int) -> None:
    """In each worker: leave Ctrl-C to the parent (it stops the pool), and exit when the parent is gone
    (killed with SIGKILL, it cannot stop us: a worker must not outlive it, reading files for nobody)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="yusuan-parent-watch").start()


def _work(files: list[tuple[Path, Path]], county: str | None) -> tuple[list[Processed], float]:
    """One chunk, in a worker, and the CPU seconds it took.  The filing's tables, paragraphs and raw cells stay
    here — the frames (raw.table_cells included) hold what the loader needs, and pickling those objects cost
    the two processes ~20 ms a filing; ``Processed.filing`` keeps the metadata."""
    start = time.process_time()
    items = process_batch(files, county)
    for item in items:
        if item.filing is not None:
            item.filing = replace(item.filing, tables=[], paragraphs=[], raw=None)
    return items, time.process_time() - start


def processed_chunks(files: list[tuple[Path, Path]], *, county: str | None = None, jobs: int = 1,
                     summary: CpuTally | None = None) -> Iterator[list[Processed]]:
    """Read, normalize and validate ``files`` (from :func:`discover`), a chunk at a time, in order.

    With ``jobs`` > 1 the chunks are processed by that many worker processes, at most two chunks per worker
    ahead of the caller, so memory stays bounded however many files there are; the caller (the loader)
    gets them in the files' order.  Close the generator (``contextlib.closing``) to stop the workers when
    the caller stops early, e.g. on Ctrl-C.  ``summary.extract_cpu`` adds up the chunks' CPU seconds
    (``ingest.Summary`` is such a tally).
    """
    s = summary if summary is not None else SimpleNamespace(extract_cpu=0.0)
    chunks = _chunks(files, jobs)
    if jobs <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            start = time.process_time()
            items = process_batch(chunk, county)
            s.extract_cpu += time.process_time() - start
            yield items
        return
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init, initargs=(os.getpid(),))
    ahead = deque()
    todo = iter(chunks)
    finished = False
    try:
        for chunk in todo:
            ahead.append(pool.submit(_work, chunk, county))
            if len(ahead) >= 2 * jobs:
                break
        while ahead:
            items, seconds = ahead.popleft().result()
            s.extract_cpu += seconds
            chunk = next(todo, None)
            if chunk is not None:
                ahead.append(pool.submit(_work, chunk, county))
            yield items
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            _stop(pool)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now (Ctrl-C, an error in the loader): nothing they are reading is wanted.

    A worker killed while it was sending a chunk back leaves half a message in the result pipe, and the pool's
    manager thread waits for the rest; Python waits for that thread at exit, so ``yusuan ingest`` printed
    "interrupted" and never ended.  With the workers gone, closing this process's copy of the pipe's write end
    gives that thread end-of-file, and it stops."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)  # shutdown() forgets both
    results = getattr(pool, "_result_queue", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout=5)
    if manager is not None:
        manager.join(timeout=2)
        if manager.is_alive() and results is not None:
            results._writer.close()
            manager.join(timeout=5)
