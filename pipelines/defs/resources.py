"""Resources: the DuckDB warehouse (dagster-duckdb) and the inbox the sensor watches.

Every path comes from a resource, so the per-filing assets hold no process-global state and run the
same under the multiprocess executor here or dagster-k8s / dagster-celery on a cluster.
"""


import hashlib
import os
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.lib.stages import discover
from pipelines.lib.warehouse import CONNECTION_CONFIG


def file_key(data: bytes) -> str:
    """The partition key of a filing: ASCII, from its content (Chinese names stay in columns)."""
    return hashlib.sha256(data).hexdigest()[:16]


class Inbox(dg.ConfigurableResource):
    """The folder new filings are dropped into (``$YUSUAN_INBOX``, default ``data/inbox``)."""

    path: str = "data/inbox"

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


def warehouse_path() -> str:
    return os.environ.get("YUSUAN_DB", "data/warehouse.duckdb")


@dg.definitions
def resources() -> dg.Definitions:
    Path(warehouse_path()).parent.mkdir(parents=True, exist_ok=True)
    return dg.Definitions(resources={
        "warehouse": DuckDBResource(database=warehouse_path(), connection_config=dict(CONNECTION_CONFIG)),
        "inbox": Inbox(path=os.environ.get("YUSUAN_INBOX", "data/inbox")),
    })
