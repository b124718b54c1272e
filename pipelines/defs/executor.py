"""The runs' executor: every step of a run in the run's own process (``in_process_executor``).

A yusuan run has few steps and they cannot overlap: ``raw/filings`` and the dbt models all write the
one DuckDB file and hold the ``warehouse`` pool's single slot.  Its parallelism is inside the
filings step, whose process pool reads the run's filings on every core ($YUSUAN_JOBS).  Dagster's
default multiprocess executor would start one more Python per step — importing Dagster, the
definitions, polars, pandera and dbt again — to run it alone: several CPU seconds a run for nothing
(``bench/bench_throughput.py`` prints the Dagster / CLI ratio).  On a cluster, set the executor
there (``k8s_job_executor``, ``celery_executor``) — see docs/scaling.md.
"""

import dagster as dg


@dg.definitions
def executor() -> dg.Definitions:
    return dg.Definitions(executor=dg.in_process_executor)
