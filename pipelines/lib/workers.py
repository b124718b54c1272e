"""The processing stage over many files: worker processes and this one, a task of one or two chunks of filings
each, handed back in the files' order (the chunks ready at once together) with at most three tasks per process
ahead, so memory stays bounded however many files there are.  Used by ``yusuan ingest`` and by the Dagster asset alike."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from itertools import accumulate, islice
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # processing (polars, pandera, the readers) is imported where it runs: importing this module
    # stays cheap, so `yusuan ingest` can start its workers before it imports them itself (:func:`warm_up`)
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
    """Processes for ``n_files`` when none were asked for: every core, but one per 32 files at most — starting a
    worker (a Python with polars, pandera and the readers imported, ~0.65 CPU s) costs about what reading
    30-40 filings does, and the first tasks go to the workers while this process reads the next ones."""
    return max(1, min(default_jobs(), n_files // 32))


CHUNK = 16  # filings read as one run: the unit of the files' order and of the workers' balance
LOAD = 64  # at most: filings handed back (and committed by the loader) together, of the chunks ready at once
AHEAD = 3  # tasks ahead of the loader per process at most: this one reads the next task instead of waiting for a
# worker's until then (it runs ahead when the workers are slow to start, and would idle at 2)
TASK = 2  # chunks a worker reads and validates together: one pandera run per frame over up to TASK * CHUNK filings


def planned_workers(n_files: int, jobs: int) -> int:
    """The worker processes :func:`processed_chunks` starts for ``n_files`` files and ``jobs`` processes."""
    return 0 if jobs <= 1 else max(0, min(jobs - 1, -(-n_files // _chunk_size(n_files, jobs)) - 1))


def _chunk_size(n_files: int, jobs: int) -> int:
    return max(1, min(CHUNK, -(-n_files // (2 * max(jobs, 1)))))


def _chunks(files: list[tuple[Path, Path]], jobs: int) -> list[list[tuple[Path, Path]]]:
    """Consecutive runs of files: up to CHUNK each, smaller when there are few files, so every worker gets some;
    the last ``2 * jobs`` chunks' files in chunks of half the size, so the processes end their reading closer
    together (:class:`_Balance`: the last task read decides when the serial tail starts)."""
    size = _chunk_size(len(files), jobs)
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    if jobs <= 1 or size < 2 or len(chunks) <= 4 * jobs:
        return chunks
    tail = [f for chunk in chunks[-2 * jobs:] for f in chunk]
    half = -(-size // 2)
    return chunks[:-2 * jobs] + [tail[i:i + half] for i in range(0, len(tail), half)]


def _tasks(chunks: list[list[tuple[Path, Path]]], jobs: int) -> Iterator[list[list[tuple[Path, Path]]]]:
    """Consecutive chunks, a worker's task each: TASK chunks while many are left (pandera costs ~5 ms a call and
    column whatever the rows, so a bigger batch costs less a filing), then one at a time, so the workers finish
    together and the loader is not left waiting for one big last task."""
    i = 0
    while i < len(chunks):
        k = max(1, min(TASK, (len(chunks) - i) // (2 * max(jobs, 1))))
        yield chunks[i:i + k]
        i += k


def _results_prefix(parent: int) -> str:
    """The name the results folder of the process ``parent`` starts with (in the temporary folder): a worker knows
    its parent's pid from its start, before any task names the folder."""
    return f"yusuan-results-{parent}-"


def _worker_init(parent: int) -> None:
    """In each worker: leave Ctrl-C to the parent (it stops the pool), and exit when the parent is gone
    (killed with SIGKILL, it cannot stop us: a worker must not outlive it, reading files for nobody; the results
    folder, which the parent would have removed, goes with it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        for folder in Path(tempfile.gettempdir()).glob(f"{_results_prefix(parent)}*"):
            shutil.rmtree(folder, ignore_errors=True)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="yusuan-parent-watch").start()


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init, initargs=(os.getpid(),))


def _ready() -> tuple[int, float]:
    """A worker's first task: import what reading filings needs (~0.2 CPU s: polars, the readers; pandera only
    when a frame may fail its model, see ``processing._pandera``); its pid and CPU seconds then."""
    import pipelines.lib.processing  # noqa: F401

    return os.getpid(), time.process_time()


_warm: tuple[ProcessPoolExecutor, int] | None = None  # a pool warm_up started, and its workers
_apart: list[Future] | None = None  # its workers' first tasks (:func:`_ready`), if it was started apart


@dataclass
class _Early:
    """The first tasks :func:`warm_up` gave the workers, for the :func:`processed_chunks` of the same files."""

    files: list[tuple[Path, Path]]
    county: str | None
    jobs: int
    results: str | None  # the folder their results come back in (:func:`_work`)
    tasks: list[list[list[tuple[Path, Path]]]]
    futures: list[Future]

    def serves(self, files: list[tuple[Path, Path]] | None, county: str | None, jobs: int) -> bool:
        """Whether these are the first tasks of ``files`` read for ``county`` with ``jobs``."""
        return self.jobs == jobs and self.county == county and (self.files is files or self.files == files)


_early: _Early | None = None


def warm_up(n_files: int, jobs: int, *, files: list[tuple[Path, Path]] | None = None,
            county: str | None = None, apart: bool = False) -> None:
    """Start the workers :func:`processed_chunks` will use for ``n_files`` files now, before this process imports
    the stages itself: a worker's start is mostly imports (~0.5 CPU s), which then run beside this process's own
    instead of after them, on a core that would idle.  ``yusuan ingest`` calls it first thing; the next
    :func:`processed_chunks` with as many workers takes the pool over.  :func:`cool_down` stops it if none does.

    With ``files`` (what :func:`discover` found), the workers are given their first tasks now too, as
    :func:`processed_chunks` would give them for those files and ``county``: a worker is ready ~0.1 s before this
    process has imported the loader, opened the warehouse and created its tables, and would wait for them
    (``bench/ingest_timeline.py``: the worker's ``ready`` then its first ``read``).  The
    :func:`processed_chunks` of the same files, county and jobs takes the tasks over; any other stops them.

    ``apart``: this process does other work before it reads filings (a Dagster run: Dagster's start), so the workers
    wait idle once ready, and :class:`_Balance` counts their CPU seconds from then, not from their start."""
    global _warm, _early, _apart
    workers = planned_workers(n_files, jobs)
    if _warm is not None or workers < 1:
        return
    pool = _pool(workers)
    ready = [pool.submit(_ready) for _ in range(workers)]  # a process is spawned per task submitted while none is idle
    _apart = ready if apart else None
    if files is not None and len(files) == n_files:
        _early = _first_tasks(pool, workers, files, county, jobs)
    _warm = (pool, workers)


def _first_tasks(pool: ProcessPoolExecutor, workers: int, files: list[tuple[Path, Path]], county: str | None,
                 jobs: int) -> _Early:
    """Give ``pool``'s workers the first tasks :func:`processed_chunks` would give them for ``files``."""
    # the folder once the workers exist: killed from now on, this process leaves it to them (_worker_init)
    try:
        results = tempfile.mkdtemp(prefix=_results_prefix(os.getpid()))
    except OSError:  # no temporary folder to write to: through the pool's pipe
        results = None
    tasks = list(islice(_tasks(_chunks(files, jobs), jobs), 2 * workers))
    return _Early(files, county, jobs, results, tasks, [pool.submit(_work, task, county, results) for task in tasks])


def first_tasks(files: list[tuple[Path, Path]], *, county: str | None = None, jobs: int) -> bool:
    """Give the workers :func:`warm_up` started (before the files were known: a Dagster run's process) their first
    tasks for ``files`` now, as ``warm_up(files=…)`` does, so they read while this process opens the warehouse; the
    :func:`processed_chunks` of the same files, county and jobs takes them over.  Whether it gave any."""
    global _early
    if _warm is None or _early is not None or _warm[1] != planned_workers(len(files), jobs):
        return False
    _early = _first_tasks(*_warm, files, county, jobs)
    return True


def has_first_tasks(files: list[tuple[Path, Path]], *, county: str | None = None, jobs: int) -> bool:
    """Whether the workers :func:`warm_up` started have their first tasks for ``files`` read for ``county`` with
    ``jobs`` already (given by :func:`warm_up` or :func:`first_tasks`): the :func:`processed_chunks` of the same
    takes them over."""
    return _early is not None and _early.serves(files, county, jobs)


def warming() -> int:
    """How many workers :func:`warm_up` started wait for a :func:`processed_chunks` to take them over."""
    return 0 if _warm is None else _warm[1]


def cool_down() -> None:
    """Stop the workers :func:`warm_up` started if no :func:`processed_chunks` took them over (an ingest that
    stopped before reading anything: the warehouse in use, Ctrl-C)."""
    global _warm
    if _warm is not None:
        pool, _ = _warm
        _warm = None
        _stop(pool)
    _drop_early()


def _drop_early() -> None:
    """Forget the first tasks :func:`warm_up` gave out (their workers stopped), and the folder of their results."""
    global _early
    early, _early = _early, None
    if early is not None and early.results is not None:
        shutil.rmtree(early.results, ignore_errors=True)


def _take_pool(workers: int, files: list[tuple[Path, Path]] | None = None, county: str | None = None,
               jobs: int = 0) -> tuple[ProcessPoolExecutor, bool | list[Future], _Early | None]:
    """The warm pool if it has ``workers`` workers, else a new one (a warm pool of another size is stopped);
    whether it was warm — for a pool started apart, its workers' first tasks (:func:`warm_up`); and the tasks
    :func:`warm_up` gave it, if they are the first of ``files`` read for ``county`` with ``jobs`` (a warm pool busy
    with other files' tasks is stopped)."""
    global _warm, _early, _apart
    warm, _warm = _warm, None
    early, _early = _early, None
    apart, _apart = _apart, None
    if warm is not None:
        if warm[1] == workers and (early is None or early.serves(files, county, jobs)):
            return warm[0], True if apart is None else apart, early
        _stop(warm[0])
    _early = early
    _drop_early()
    return _pool(workers), False, None


STARTUP = 0.6  # CPU seconds a worker spends starting (spawn, imports) before its first task, when not warmed up


class _Balance:
    """Whether this process reads the next task itself or leaves it to the workers, by the CPU seconds each
    process has spent (a shared machine stretches wall time, not these).

    The ingest ends with this process alone: it loads the last group and builds the models, whoever read the
    last task.  Until then both kinds of process should stay busy and finish their reading together: a task
    read here that ends after the workers' last one delays the end by its overrun while the workers idle.  So
    this process reads a task only when it would be done with it by the time every process would be done if the
    work left (the workers' tasks, this one, the tasks after it) were shared out evenly, at the CPU seconds a
    filing took so far; else it waits for the workers' next task, and this one goes to a worker.  For the last
    task that is: before the workers are done with theirs.  (Counting the loads still to come here too made it
    read too little: most of them come after the workers' last task, with the models.)"""

    def __init__(self, workers: int, warm: bool | list[Future]):
        self.workers = workers
        now = time.process_time()
        # Clocks: a warm worker started with this process (warm_up), so both count from their start; a worker
        # started now counts from now, its start (~STARTUP) first; a worker started apart (warm_up's ``apart``: ready
        # and idle while this process did other work) counts from when it was ready, this process from now.
        self.origin = 0.0 if warm is True else now
        self.unreported = now if warm is True else 0.0 if warm else STARTUP  # a worker's clock until its first task
        self.readied = warm if isinstance(warm, list) else []  # the apart workers' first tasks: (pid, CPU s when ready)
        self.since: dict[int, float] = {}
        self.at: dict[int, float] = {}  # worker pid -> its CPU seconds when it finished its last task
        self.worker_cpu = 0.0  # the workers' CPU seconds in the tasks they read, all of them
        self.worker_files = 0
        self.here_cpu = 0.0  # this process's CPU seconds in the tasks it read
        self.here_files = 0
        self.queued = 0  # filings with the workers, not yet taken back

    def ready_at(self, pid: int) -> float:
        """A worker's CPU seconds when it was ready, if it was started apart (else 0: its clock counts from its
        start)."""
        if pid not in self.since:
            for f in self.readied:
                if f.done() and not f.cancelled() and f.exception() is None:
                    who, clock = f.result()
                    self.since[who] = clock
        return self.since.get(pid, 0.0)

    def per_file(self) -> float | None:
        """CPU seconds a filing takes to read: as the workers read them (this process's tasks also count the
        results it unpickles meanwhile), else as this process did."""
        if self.worker_files:
            return self.worker_cpu / self.worker_files
        return self.here_cpu / self.here_files if self.here_files else None

    def reads_here(self, n: int, later: int) -> bool:
        """Read a task of ``n`` filings here?  ``later``: the filings of the tasks not yet given out after it."""
        per = self.per_file()
        if per is None:  # nothing measured yet: read (the workers are starting, or reading their first tasks)
            return True
        here = time.process_time() - self.origin  # this process's loading so far included
        clocks = list(self.at.values()) + [self.unreported] * (self.workers - len(self.at))
        # when every process would be done if the work left (this task's, the workers', the later tasks') were
        # shared out evenly: read this task here if this process would be done with it by then
        even = (here + sum(clocks) + (n + self.queued + later) * per) / (self.workers + 1)
        return here + n * per <= even


def _work(task: list[list[tuple[Path, Path]]], county: str | None, results: str | None = None
          ) -> tuple[list[list[Processed]] | str, float, tuple[int, float]]:
    """One task (a few chunks, processed as one batch), in a worker: each chunk's results, the CPU seconds it
    took, and the process's pid and CPU seconds at its end (:class:`_Balance`).  The filing's tables, paragraphs and raw cells stay here — the frames (raw.table_cells included)
    hold what the loader needs, and pickling those objects cost the two processes ~20 ms a filing;
    ``Processed.filing`` keeps the metadata.

    With ``results`` (a folder), the chunks are pickled into a file there and its path is handed back instead
    (:func:`_taken`): ~10 MB for 32 filings through the pool's pipe kept the worker waiting ~0.1-0.3 s a task
    while the parent was busy — the pool's thread that drains the pipe needs the parent's GIL for every 64 KiB."""
    _ready()
    from pipelines.lib.processing import process_batch

    start = time.process_time()
    items = process_batch([f for chunk in task for f in chunk], county)
    for item in items:
        if item.filing is not None:
            item.filing = replace(item.filing, tables=[], paragraphs=[], raw=None)
    ends = list(accumulate(len(chunk) for chunk in task))
    done = [items[end - len(chunk):end] for chunk, end in zip(task, ends, strict=True)]
    cpu = time.process_time()
    if results is None:
        return done, cpu - start, (os.getpid(), cpu)
    path = None
    try:
        fd, path = tempfile.mkstemp(suffix=".pickle", dir=results)
        with os.fdopen(fd, "wb") as out:
            pickle.dump(done, out, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:  # no room in the temporary folder (or it is gone): through the pipe, as before
        if path is not None:
            Path(path).unlink(missing_ok=True)
        return done, cpu - start, (os.getpid(), time.process_time())
    return path, cpu - start, (os.getpid(), time.process_time())


def _taken(done: list[list[Processed]] | str) -> list[list[Processed]]:
    """A task's chunks as :func:`_work` handed them back: read (and removed) from their file, if in one."""
    if not isinstance(done, str):
        return done
    path = Path(done)
    try:
        return pickle.loads(path.read_bytes())
    finally:
        path.unlink(missing_ok=True)


def processed_chunks(files: list[tuple[Path, Path]], *, county: str | None = None, jobs: int = 1,
                     summary: CpuTally | None = None, idle: bool = False) -> Iterator[list[Processed]]:
    """Read, normalize and validate ``files`` (from :func:`discover`), in order, a group of chunks at a time.

    With ``jobs`` > 1 the chunks are processed by ``jobs`` processes: ``jobs - 1`` workers, each kept two tasks
    (:func:`_tasks`) ahead of the caller, and this process, which reads the next task itself when the chunk due
    next is still with a worker and it would be done with that task before the workers are done with theirs
    (:class:`_Balance`) — the loader would only wait for it, and a worker fewer is a Python fewer to start.  At most ``AHEAD * jobs`` tasks are ahead of the caller, so memory stays
    bounded however many files there are; the caller (the loader) gets them in the files' order, every chunk
    that is ready at once in one group of up to :data:`LOAD` filings (it commits a group at a time, and a
    commit costs about the same for 16 filings as for 64).  Close the generator (``contextlib.closing``) to stop
    the workers when the caller stops early, e.g. on Ctrl-C.
    ``summary.extract_cpu`` adds up the chunks' CPU seconds (``ingest.Summary`` is such a tally).
    With ``idle``, an empty group says this process is about to wait for a worker with every task given out (the
    end of the run): the caller may commit what it holds meanwhile (:func:`loading.commit_groups`), rather than
    after the last task, alone.
    """
    from pipelines.lib.processing import process_batch

    s = summary if summary is not None else SimpleNamespace(extract_cpu=0.0)
    chunks = _chunks(files, jobs)
    if jobs <= 1 or len(chunks) <= 1:
        for task in _tasks(chunks, 1):
            start = time.process_time()
            items = process_batch([f for chunk in task for f in chunk], county)
            s.extract_cpu += time.process_time() - start
            yield items
        return
    workers = min(jobs - 1, len(chunks) - 1)
    pool, warm, early = _take_pool(workers, files, county, jobs)
    if early is not None:  # its results folder, with the results of the tasks warm_up gave out in it
        results = early.results
    else:
        try:
            # the workers' results come back as files in it (_work)
            results = tempfile.mkdtemp(prefix=_results_prefix(os.getpid()))
        except OSError:  # no temporary folder to write to: through the pool's pipe
            results = None
    balance = _Balance(workers, warm)
    ahead: deque[Future | list[list[Processed]]] = deque()  # in the files' order: a worker's task, or one read here
    ready: deque[list[Processed]] = deque()  # chunks done, in the files' order, not yet handed back
    todo = _tasks(chunks, jobs)
    upcoming: list[list[list[tuple[Path, Path]]]] = []  # the next task, looked at and not yet given out

    given = [0]  # filings of the tasks given out (to a worker, or read here)

    def next_task() -> list[list[tuple[Path, Path]]] | None:
        return upcoming.pop() if upcoming else next(todo, None)

    def to_worker() -> None:
        task = next_task()
        if task is not None:
            ahead.append(pool.submit(_work, task, county, results))
            balance.queued += sum(map(len, task))
            given[0] += sum(map(len, task))

    def take(head: Future | list[list[Processed]]) -> None:
        if isinstance(head, Future):
            done, seconds, (pid, clock) = head.result()
            done = _taken(done)
            s.extract_cpu += seconds
            n = sum(map(len, done))
            balance.at[pid] = clock - balance.ready_at(pid)
            balance.queued -= n
            balance.worker_cpu += seconds
            balance.worker_files += n
            to_worker()  # the worker's place in the queue
        else:
            done = head
        ready.extend(done)

    finished = False
    told = False  # the caller was told (idle) that this process waits for the worker's task at the head
    try:
        for task, future in zip(early.tasks, early.futures, strict=True) if early is not None else ():
            next(todo)  # that task, which warm_up gave out
            ahead.append(future)
            balance.queued += sum(map(len, task))
            given[0] += sum(map(len, task))
        for _ in range(2 * workers - len(ahead)):
            to_worker()
        while ahead or ready:
            while ahead and not (isinstance(ahead[0], Future) and not ahead[0].done()):
                take(ahead.popleft())
            if ready:  # every chunk ready, in one group
                group = ready.popleft()
                while ready and len(group) + len(ready[0]) <= LOAD:
                    group = group + ready.popleft()
                yield group
                continue
            if len(ahead) < AHEAD * jobs:
                task = next_task()
                if task is not None:  # read the next task here rather than wait for the worker's, if it pays
                    n = sum(map(len, task))
                    if balance.reads_here(n, len(files) - given[0] - n):
                        given[0] += n
                        done, seconds, _ = _work(task, county)
                        s.extract_cpu += seconds
                        balance.here_cpu += seconds
                        balance.here_files += n
                        ahead.append(done)
                        continue
                    upcoming.append(task)  # the worker's next, once it hands back the head
            if idle and not told and not upcoming and given[0] == len(files) and not ahead[0].done():
                told = True
                yield []  # every task is given out and the head is a worker's not yet done: the caller's turn
                continue
            told = False
            take(ahead.popleft())  # wait for the worker's
        finished = True
    finally:
        if finished:  # the workers have nothing left to do: they exit while the caller goes on (builds the models)
            pool.shutdown(wait=False)
        else:
            _stop(pool)
        if results is not None:
            shutil.rmtree(results, ignore_errors=True)


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
