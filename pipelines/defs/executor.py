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
import gc

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
