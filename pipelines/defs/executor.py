"""The runs' executor: every step of a run in the run's own process (``in_process_executor``).

A yusuan run has few steps and they cannot overlap: ``raw/filings`` and the dbt models all write the
one DuckDB file and hold the ``warehouse`` pool's single slot.  Its parallelism is inside the
filings step, whose process pool reads the run's filings on every core ($YUSUAN_JOBS).  Dagster's
default multiprocess executor would start one more Python per step — importing Dagster, the
definitions, polars, pandera and dbt again — to run it alone: several CPU seconds a run for nothing
(``bench/bench_throughput.py`` prints the Dagster / CLI ratio).  On a cluster, set the executor
there (``k8s_job_executor``, ``celery_executor``) — see docs/scaling.md.
"""

import atexit
import base64
import gc
import logging
import multiprocessing
import sys
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg

# A process that loaded the definitions (a run, the code server) holds ~2,200 modules and their millions of objects.
# Python's exit clears the modules and runs the cyclic garbage collector over all of them, several times: ~0.7 s of
# CPU (and wall) after a run has written its last event and closed the warehouse, for memory the OS takes back anyway.
# Frozen at exit (after every other exit handler registered from here on has run; the ones registered before run after
# it, unaffected), the objects alive then are left out of those collections: the modules are still cleared, every
# object without a reference cycle is still freed (files flushed and closed), and only garbage cycles are left to the
# OS.  Nothing yusuan or Dagster writes is held open to exit: the steps close the warehouse, the instance closes the
# event log's connections, and their data is committed before.
atexit.register(gc.freeze)


@dg.definitions
def executor() -> dg.Definitions:
    return dg.Definitions(executor=dg.in_process_executor)


# What a process started by Dagster's CLI is, from its command line: ``dagster <group> <command>``.  A run's own process
# executes steps in it (in_process_executor): `dagster asset materialize` / `dagster job execute` run one from the
# shell, `dagster api execute_run` / `resume_run` is how a run launcher started from the command line runs one, `dagster
# api execute_step` a step of a run whose executor starts a process per step (k8s, celery, multiprocess).  The runs
# `dagster dev` and the daemon launch are started by the code server (`dagster api grpc`, `dagster code-server start`)
# as spawned children of it (multiprocessing; a spawned child is handed its parent's command line): the code server's
# command line in a process that has a multiprocessing parent is such a run.  Everything else that loads the
# definitions — the code server itself, `dagster dev`, `dagster definitions validate`, a test's `materialize` — reads
# no filing.
RUN_COMMANDS = {("asset", "materialize"), ("job", "execute"), ("api", "execute_run"), ("api", "resume_run"),
                ("api", "execute_step")}
CODE_SERVERS = {("api", "grpc"), ("code-server", "start")}


def run_process(argv: list[str], spawned: bool = False) -> bool:
    """Whether the process started as ``argv`` (``spawned``: by a multiprocessing parent) is a run's (or a step's)
    process: one that executes steps, not one that serves or shows the definitions."""
    if len(argv) < 3:
        return False
    program = Path(argv[0])
    if not (program.name == "dagster" or (program.name == "__main__.py" and program.parent.name == "dagster")):
        return False
    command = (argv[1], argv[2])
    return spawned if command in CODE_SERVERS else command in RUN_COMMANDS


def in_a_run() -> bool:
    """:func:`run_process` for this process."""
    return run_process(sys.argv, multiprocessing.parent_process() is not None)


def runs_filings(argv: list[str], spawned: bool = False) -> bool:
    """Whether the process started as ``argv`` (``spawned``: by a multiprocessing parent) is a run's (or a step's)
    process that may run the filings step.

    `dagster asset materialize` reads filings only for partitions (``raw/filings`` is the one partitioned asset: a run
    without ``--partition``/``--partition-range`` cannot include it); `dagster api execute_step` only when its steps
    include ``ingest_filings`` (its arguments name them); a whole run started otherwise may."""
    if not run_process(argv, spawned):
        return False
    command, args = (argv[1], argv[2]), argv[3:]
    if command == ("asset", "materialize"):
        return any(a in ("--partition", "--partition-range") or a.startswith(("--partition=", "--partition-range="))
                   for a in args)
    if command == ("api", "execute_step"):
        return any("ingest_filings" in a for a in args)
    return True


@contextmanager
def workers_without_the_main_script():
    """While worker processes start: no ``__main__`` file for them to run again.

    The workers are spawned, and spawn runs the parent's main script again in each (as ``__mp_main__``): in a run
    started by ``dagster asset materialize`` or ``dagster api execute_run`` that is the ``dagster`` script, which
    imports Dagster's CLI — ~0.6 CPU s a worker for nothing (a worker needs the stages, not Dagster).  A main
    started as a module (``python -m``) is imported by name and spawn already skips ``__main__`` modules.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def start_workers(argv: list[str] | None = None) -> bool:
    """In a run's process that may read filings (:func:`runs_filings`): start the filings step's worker processes now,
    as the definitions begin to load, not when the step starts ~2 s later.  A worker's start is a Python importing
    polars and the readers (~0.6 CPU s): it then runs on a core that idles while this process imports Dagster's
    pieces, loads the definitions and creates the run, and the step finds its workers ready
    (:func:`pipelines.lib.workers.warm_up`; the step takes the pool over, or stops it if it plans another number of
    workers; :func:`pipelines.lib.workers.cool_down` at exit stops it if no step took it).  Sized for a full batch
    (the sensor's, ``$YUSUAN_JOBS`` or every core); a run of few filings does not use them (it reads them itself).
    Returns whether it started them."""
    spawned = multiprocessing.parent_process() is not None
    if not runs_filings(sys.argv if argv is None else argv, spawned):
        return False
    from pipelines.lib import settings, workers

    try:
        jobs = settings.load().jobs or workers.default_jobs()
    except ValueError:  # a bad $YUSUAN_JOBS: the step says so
        return False
    with workers_without_the_main_script():
        workers.warm_up(WARM_BATCH, jobs, apart=True)
    atexit.register(workers.cool_down)
    _give_first_tasks(sys.argv if argv is None else argv, spawned)
    return workers.warming() > 0


def _give_first_tasks(argv: list[str], spawned: bool) -> None:
    """The workers just started are ready ~0.15 s later, and the filings step starts ~0.5 s after that (the rest of
    the definitions, the run's plan and first events): given the run's first filings now (found as the step will
    find them: :func:`pipelines.defs.run_filings.run_files`), they read them meanwhile.  If this cannot tell which
    filings the run reads, or finding them fails, the step gives the workers their first tasks itself, as before."""
    from pipelines.defs.run_filings import run_files, step_jobs
    from pipelines.lib import workers

    try:
        files = run_files(argv, spawned)
    except Exception:  # an early start only: the step finds its files (and says what is wrong) itself
        logging.getLogger(__name__).debug("the run's filings not known before its step", exc_info=True)
        return
    if files:
        with workers_without_the_main_script():
            workers.first_tasks(files, jobs=step_jobs(len(files)))


def launched_run(argv: list[str], spawned: bool) -> tuple[str | None, Any, dict | None] | None:
    """Which run this run's process (:func:`run_process`) executes, from what started it: ``(run id, the instance's
    ref, None)`` for one created before its process (`dagster api execute_run` / ``resume_run`` / ``execute_step``,
    whose argument — or environment, compressed or not — holds it; a run the code server spawned, whose arguments
    hold it), ``(None, None, options)`` for `dagster asset materialize` (the run is made from its parsed
    ``options`` later in the process), None otherwise."""
    from dagster._serdes import deserialize_value

    if not run_process(argv, spawned):
        return None
    command = (argv[1], argv[2])
    if command in CODE_SERVERS:  # spawned by the code server: its process object holds the run's arguments
        process = multiprocessing.current_process()
        target = getattr(process, "_target", None)
        if getattr(target, "__qualname__", None) != "start_run_in_subprocess" or not getattr(process, "_args", ()):
            return None
        args = deserialize_value(process._args[0])
        return args.run_id, args.instance_ref, None
    from dagster._cli import api, asset

    if command == ("asset", "materialize"):
        return None, None, asset.asset_materialize_command.make_context(
            "materialize", list(argv[3:]), resilient_parsing=True).params
    cli = {"execute_run": api.execute_run_command, "resume_run": api.resume_run_command,
           "execute_step": api.execute_step_command}.get(command[1])
    if cli is None:
        return None
    params = cli.make_context(command[1], list(argv[3:]), resilient_parsing=True).params
    text = params.get("input_json") or (params.get("compressed_input_json") and zlib.decompress(
        base64.b64decode(params["compressed_input_json"].encode())).decode())
    if not text:
        return None
    args = deserialize_value(text)
    return args.run_id, args.instance_ref, None


WARM_BATCH = 500  # filings the workers are started for: the sensor's batch (sensors.BATCH; a test holds them equal)
