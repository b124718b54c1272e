"""Resources: the DuckDB warehouse (dagster-duckdb) and the inbox the sensor watches.

Every path comes from a resource, so the per-filing assets hold no process-global state and run the
same under the in-process executor here (``executor.py``), the multiprocess one, or dagster-k8s / dagster-celery
on a cluster.

DuckDB, dagster-duckdb and the loader's helpers are imported where the warehouse is used, not with this module: a
run's process looks for its filings' files (the inbox, :mod:`pipelines.defs.run_filings`) before anything else.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

from pipelines.lib import settings
from pipelines.lib.discovery import discover

if TYPE_CHECKING:
    from dagster_duckdb import DuckDBResource


def file_key(data: bytes) -> str:
    """The partition key of a filing: ASCII, from its content (Chinese names stay in columns)."""
    return hashlib.sha256(data).hexdigest()[:16]


class Inbox(dg.ConfigurableResource):
    """The folder new filings are dropped into (``$YUSUAN_INBOX``, default ``data/inbox``)."""

    path: str = settings.INBOX.default

    @property
    def root(self) -> Path:
        return Path(self.path)

    def files(self) -> list[Path]:
        """The candidate filings in the inbox, found the way `yusuan ingest` finds them."""
        if not self.root.is_dir():
            return []
        return [f for f, _ in discover([self.root])]

    def index(self) -> dict[str, Path]:
        """Content key → file, hashing the inbox once (a run over a batch of partitions calls it once)."""
        out: dict[str, Path] = {}
        for p in self.files():
            out.setdefault(file_key(p.read_bytes()), p)
        return out


LOCK_WAIT = 600.0  # seconds a run waits for a warehouse another process (a CLI ingest, a notebook) holds
LOCK_LOG_EVERY = 30.0


@contextmanager
def warehouse_connection(resource: DuckDBResource, log, wait: float = LOCK_WAIT):
    """``resource.get_connection()``, saying in the run's log what holds the warehouse while it waits.

    dagster-duckdb retries a locked file silently for about two minutes; this logs who holds it at
    once and every 30 s, up to ``wait`` seconds, then fails with the same words.
    """
    import duckdb

    from pipelines.lib.db import lock_holder

    start = time.monotonic()
    last_told = None
    while True:
        try:
            con = duckdb.connect(resource.database, read_only=False,
                                 config={"custom_user_agent": "dagster", **resource.connection_config})
            break
        except duckdb.IOException as err:
            if "lock" not in str(err).lower():
                raise
            match = re.search(r"PID (\d+)", str(err))
            holder = lock_holder(int(match.group(1)) if match else None)
            waited = time.monotonic() - start
            if waited >= wait:
                raise dg.Failure(f"the warehouse {resource.database} is still in use by {holder} after "
                                 f"{waited:.0f} s; the run stops without writing anything") from err
            if last_told is None or time.monotonic() - last_told >= LOCK_LOG_EVERY:
                log.info(f"waiting for the warehouse {resource.database}: in use by {holder} "
                         f"(waited {waited:.0f} s, will wait up to {wait:.0f} s)")
                last_told = time.monotonic()
            time.sleep(0.5)
    if last_told is not None:
        log.info(f"the warehouse is free after {time.monotonic() - start:.0f} s")
    try:
        yield con
    finally:
        con.close()


def warehouse_path() -> str:
    return str(settings.load().db)


def _configured(setting: settings.Setting):
    """``dg.EnvVar`` when the variable is set (the UI then shows where the value comes from), else the default."""
    return dg.EnvVar(setting.env) if os.environ.get(setting.env) else setting.default


@dg.definitions
def resources() -> dg.Definitions:
    from dagster_duckdb import DuckDBResource

    from pipelines.lib.db import connection_config

    Path(warehouse_path()).parent.mkdir(parents=True, exist_ok=True)
    return dg.Definitions(resources={
        "warehouse": DuckDBResource(database=_configured(settings.DB), connection_config=connection_config()),
        "inbox": Inbox(path=_configured(settings.INBOX)),
    })
