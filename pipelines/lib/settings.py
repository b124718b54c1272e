"""Every setting yusuan reads from the environment, with its default, written once.

The CLI (``yusuan``), the Dagster resources and assets (``pipelines/defs``) and the dbt runner read them through
:func:`load`; a command-line option (``--db``, ``--out``, ``--jobs``) wins over the environment.  Relative paths
are relative to the folder the command runs in.  (dbt's ``sql/profiles.yml`` repeats the warehouse default for a
bare ``dbt`` run; yusuan itself always passes the path.)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    env: str  # the environment variable
    default: str | None  # None: computed where it is used (e.g. jobs: every core)
    means: str

    def value(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The variable's value, or the default when it is unset or empty."""
        got = (os.environ if environ is None else environ).get(self.env)
        return got if got else self.default


DB = Setting("YUSUAN_DB", "data/warehouse.duckdb", "the warehouse file")
EXPORTS = Setting("YUSUAN_EXPORTS", "data/exports", "the folder `yusuan export` and the Parquet asset write")
INBOX = Setting("YUSUAN_INBOX", "data/inbox", "the folder the Dagster sensor watches for new filings")
JOBS = Setting("YUSUAN_JOBS", None, "processes reading filings under Dagster, the step's own and N-1 workers "
                                    "(default: every core, one per 32 filings at most)")
MODEL_TESTS = Setting("YUSUAN_MODEL_TESTS", "1", "0 builds the SQL models without their dbt data tests")
DBT_ARTIFACTS = Setting("YUSUAN_DBT_ARTIFACTS", None, "where dbt's parsed project is cached (default: the user "
                                                      "cache folder)")
MEMORY_LIMIT = Setting("YUSUAN_MEMORY_LIMIT", None, "the most memory DuckDB may hold for the warehouse, e.g. 1GB "
                                                   "(default: DuckDB's own, 80 % of RAM); beyond it DuckDB writes "
                                                   "to <warehouse>.tmp")
ALL = (DB, EXPORTS, INBOX, JOBS, MODEL_TESTS, DBT_ARTIFACTS, MEMORY_LIMIT)


@dataclass(frozen=True)
class Settings:
    db: Path
    exports: Path
    inbox: Path
    jobs: int | None
    model_tests: bool
    dbt_artifacts: Path | None


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings now (read at each call: a test or a run may change the environment)."""
    jobs = JOBS.value(environ)
    if jobs is not None and not jobs.isdigit():
        raise ValueError(f"${JOBS.env} is {jobs!r}: give a number of worker processes (0 or unset: every core)")
    artifacts = DBT_ARTIFACTS.value(environ)
    return Settings(
        db=Path(DB.value(environ)),
        exports=Path(EXPORTS.value(environ)),
        inbox=Path(INBOX.value(environ)),
        jobs=int(jobs) or None if jobs else None,
        model_tests=MODEL_TESTS.value(environ) != "0",
        dbt_artifacts=Path(artifacts) if artifacts else None,
    )
