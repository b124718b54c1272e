"""Dagster's SQLite storage with a cheaper event log: a batch of asset events in one transaction per shard.

Dagster's ``SqliteEventLogStorage`` writes every event on its own: it creates a SQLAlchemy engine, connects, begins,
commits and closes (the last connection closing a WAL database checkpoints it) for the run's shard, and again for
the index shard when the event is an asset event — ~5 ms of CPU an event here, most of it SQLAlchemy building and
compiling for an engine it throws away.  Two changes, both inside the storage (what is written is unchanged):

* ``store_event_batch`` — what Dagster calls, when ``$DAGSTER_EVENT_BATCH_SIZE`` is set (``.env``), with the asset
  events a step's output reports for many partitions at once, and with a run's planned events — writes the batch
  in one transaction on the run's shard and one on the index shard for each stretch of asset events, with the same
  rows, in the same order, as ``store_event`` writes event by event (an asset check or run status event in a batch
  is indexed as store_event indexes it; a batch spanning runs goes event by event).  If the run's shard fails,
  nothing is committed and the error reaches Dagster, which stores the events one by one (``handle_new_event``);
  if the index shard fails after the run's shard committed, the index rows are written event by event here.
* each shard's engine is kept (with one connection open: no engine, first-connect, statement compile or WAL
  checkpoint per event) for the index shard and the last few run shards.  A connection holds no lock between
  transactions; a process that forked drops its parent's connections unused; ``wipe``, ``upgrade`` and ``dispose``
  close them.

With ``synchronous: NORMAL`` (dagster.yaml) the event log's connections sync SQLite's WAL to disk at checkpoints
rather than at every commit (SQLite's recommendation for WAL files): nothing committed is lost when a process is
killed, and the files stay consistent; the last events before a power cut or OS crash may be.

The SQLite files, their layout and their rows are Dagster's own: a home written by this storage opens with the stock
one and back.  SQLite has one writer a file at a time (the webserver, the daemon and the runs share the index shard,
each transaction waits up to 30 s for it); PostgreSQL storage (``storage: postgres:`` in dagster.yaml) is the answer
for a deployment with many concurrent runs — docs/scaling.md.

Configured in dagster.yaml as ``storage: custom:`` (``YusuanSqliteStorage``, same ``base_dir`` as ``storage: sqlite:``).
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as db
import yaml
from dagster import Field
from dagster._config import StringSource
from dagster._config.config_schema import UserConfigSchema
from dagster._core.errors import DagsterInvariantViolationError
from dagster._core.events import ASSET_CHECK_EVENTS, ASSET_EVENTS, EVENT_TYPE_TO_PIPELINE_RUN_STATUS
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlalchemy_compat import db_result
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from dagster._serdes import ConfigurableClassData
from dagster._utils import mkdir_p
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool, QueuePool

log = logging.getLogger(__name__)

# SQLite's synchronous setting of the event log's connections (dagster.yaml, storage: custom: config: synchronous):
# FULL (SQLite's and Dagster's default) syncs the WAL to disk at every commit — two per asset event; NORMAL syncs it
# at checkpoints only: a commit survives the process being killed, and the files stay consistent, but the last
# commits before a power cut or an OS crash may be lost (https://sqlite.org/pragma.html#pragma_synchronous)
SYNCHRONOUS_FIELD = Field(str, is_required=False, default_value="FULL",
                          description="FULL (a sync per commit) or NORMAL (a sync per checkpoint)")

# run shards whose engine (one open connection each) a process keeps, besides the index shard's: a run writes its own
# shard; the webserver reads many runs' shards in turn and should not hold a file open for each
RUN_SHARDS_KEPT = 4


class BatchSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` with ``store_event_batch`` in one transaction per shard and its engines kept."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None, synchronous: str = "FULL"):
        self._synchronous = _synchronous(synchronous)
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_pid = os.getpid()
        self._tables_seen: set[str] = set()
        self._asset_key_index_cols = False
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def config_type(cls) -> UserConfigSchema:
        return {"base_dir": StringSource, "synchronous": SYNCHRONOUS_FIELD}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> BatchSqliteEventLogStorage:  # ty: ignore[invalid-method-override]
        return cls(inst_data=inst_data, **config_value)

    # --- engines: one per shard, kept ---------------------------------------------------------------------------

    def _engine(self, shard: str) -> Engine:
        """The shard's engine (called under ``_db_lock``): created and its database initialized on first use."""
        if self._engines_pid != os.getpid():
            # a forked child: the parent's connections are the parent's — forget them without closing them
            for engine in self._engines.values():
                engine.dispose(close=False)
            self._engines.clear()
            self._engines_pid = os.getpid()
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        conn_string = self.conn_string_for_shard(shard)
        if shard not in self._initialized_dbs:
            # as Dagster does it: a throwaway engine (initdb creates tables and stamps alembic on connections of its own),
            # its file in WAL mode from the start, with the configured sync (:meth:`_on_new_file`)
            init = create_engine(conn_string, poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
            db.event.listen(init, "connect", self._on_new_file)
            self._initdb(init)
            self._initialized_dbs.add(shard)
        # one connection kept open between uses (under _db_lock one is ever in use; any thread may use it)
        engine = create_engine(conn_string, poolclass=QueuePool, pool_size=1, max_overflow=2,
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
        db.event.listen(engine, "connect", self._on_connect)
        self._engines[shard] = engine
        runs = [s for s in self._engines if s != INDEX_SHARD_NAME]
        for old in runs[:-RUN_SHARDS_KEPT]:
            self._engines.pop(old).dispose()
        return engine

    def _on_connect(self, dbapi_conn, _record) -> None:
        dbapi_conn.execute(f"PRAGMA synchronous={self._synchronous}")

    def _on_new_file(self, dbapi_conn, record) -> None:
        """A shard being created: WAL mode before its tables, not after.  Dagster's initdb creates ~25 tables and
        indexes, each committed on its own (the sqlite3 module starts no transaction for DDL), and only then turns
        the file to WAL: in SQLite's rollback-journal mode every one of those commits syncs the journal and the file
        — 0.5-0.65 s of wall (0.06 s of CPU) for a run's new shard on this machine's disk, before the run's first
        step.  In WAL mode with the configured sync a commit appends to the WAL (NORMAL: synced at the checkpoint).
        The tables, the alembic stamp and the journal mode come out the same (WAL is what initdb sets anyway)."""
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        self._on_connect(dbapi_conn, record)

    def _dispose_engines(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose(close=self._engines_pid == os.getpid())
            self._engines.clear()

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            with self._engine(shard).connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        # Dagster asks for every asset event with tags (a new engine each time); a table, once there, stays
        if table_name in self._tables_seen:
            return True
        found = super().has_table(table_name)
        if found:
            self._tables_seen.add(table_name)
        return found

    def _has_asset_key_index_cols_on_connection(self, conn: Connection) -> bool:
        # asked for every asset event (a schema inspection); the columns, once there, stay
        if not self._asset_key_index_cols:
            self._asset_key_index_cols = super()._has_asset_key_index_cols_on_connection(conn)
        return self._asset_key_index_cols

    def upgrade(self) -> None:
        self._dispose_engines()
        super().upgrade()
        self._dispose_engines()
        self._tables_seen.clear()
        self._asset_key_index_cols = False

    def wipe(self) -> None:
        self._dispose_engines()  # the run shards' files are about to be deleted
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()

    # --- a batch: one transaction per shard ----------------------------------------------------------------------

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        events = list(events)
        if len(events) < 2 or any(e.run_id != events[0].run_id for e in events):
            super().store_event_batch(events)  # event by event, as Dagster's storage does
            return
        rows = [self._event_to_row(e) for e in events]  # each event serialized once, for both shards
        # the run's shard first, as store_event does: if this fails nothing is written, and Dagster stores the
        # events one by one (store_event)
        with self.run_connection(events[0].run_id) as conn:
            conn.execute(SqlEventLogStorageTable.insert(), rows)
        # then the index shard, in the events' order: a stretch of asset events in one transaction; an asset check
        # or run status event as store_event indexes it
        i = 0
        while i < len(events):
            if not _is_asset_event(events[i]):
                self._index_other_event(events[i], rows[i])
                i += 1
                continue
            j = i
            while j < len(events) and _is_asset_event(events[j]):
                j += 1
            try:
                with self.index_transaction() as conn:
                    self._index_asset_events(conn, events[i:j], rows[i:j])
            except Exception:  # rolled back; the events are in the run's shard: index them one by one
                log.warning("indexing %d asset events at once failed; indexing them one by one", j - i,
                            exc_info=True)
                for k in range(i, j):
                    with self.index_transaction() as conn:
                        self._index_asset_events(conn, events[k:k + 1], rows[k:k + 1])
            i = j

    def _index_asset_events(self, conn: Connection, events: list[EventLogEntry], rows: list[dict]) -> None:
        """What store_event writes to the index shard for each asset event: the event's row, its indexed tags, and
        the asset's entry (latest materialization, run, timestamp) — as it stands after the last of them."""
        # the rows in one statement, their ids back in the rows' order (SQLite ≥ 3.35's RETURNING), else row by row
        table = SqlEventLogStorageTable
        if conn.dialect.insert_executemany_returning_sort_by_parameter_order:
            returned = conn.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows)
            ids = [i for (i,) in returned]
        else:
            ids = [conn.execute(table.insert().values(**row)).inserted_primary_key[0] for row in rows]
        if len(ids) != len(rows) or None in ids:
            raise DagsterInvariantViolationError("Cannot store asset event tags for null event id.")
        self._store_asset_event_tags(conn, events, ids)
        # The asset's entry: store_event writes it for every event, each write replacing the columns its event's kind
        # sets (a materialization: the last materialization, run and time; a planned one: the run and time).  A
        # column ends as the last event setting it left it — so only the last event of each asset and kind is
        # written, in the events' order: the same row at the commit (a batch of 500 filings' partitions wrote one
        # asset's row 500 times, each with its event serialized whole).
        last: dict[tuple, int] = {}
        for i, event in enumerate(events):
            last[event.dagster_event.asset_key, event.dagster_event_type] = i
        for i in sorted(last.values()):
            self._store_asset_event(conn, events[i], ids[i])

    def _index_other_event(self, event: EventLogEntry, row: dict) -> None:
        """What SqliteEventLogStorage.store_event writes to the index shard for an event that is not an asset event
        (after the run's shard): an asset check event's row and evaluation, a run status event's row."""
        if not event.is_dagster_event:
            return
        insert = SqlEventLogStorageTable.insert().values(**row)
        if event.dagster_event_type in ASSET_CHECK_EVENTS:
            with self.index_connection() as conn, db_result(conn, insert) as result:
                event_id = result.inserted_primary_key[0]
            self.store_asset_check_event(event, event_id)
        if event.dagster_event_type in EVENT_TYPE_TO_PIPELINE_RUN_STATUS:
            with self.index_connection() as conn:
                conn.execute(insert)


def _synchronous(value: str) -> str:
    if value.upper() not in ("FULL", "NORMAL"):
        raise ValueError(f"dagster.yaml: the event log's synchronous is FULL or NORMAL, not {value!r}")
    return value.upper()


def _is_asset_event(event: EventLogEntry) -> bool:
    return event.is_dagster_event and event.dagster_event_type in ASSET_EVENTS


class YusuanSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (runs, schedules, event logs under ``base_dir``, the same files) with
    :class:`BatchSqliteEventLogStorage` as its event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None, synchronous: str = "FULL"):
        self.base_dir = base_dir
        self.synchronous = _synchronous(synchronous)
        self._run_storage = SqliteRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = BatchSqliteEventLogStorage(_event_logs_directory(base_dir),
                                                             synchronous=self.synchronous)
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def config_type(cls) -> UserConfigSchema:
        return {"base_dir": StringSource, "synchronous": SYNCHRONOUS_FIELD}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> YusuanSqliteStorage:  # ty: ignore[invalid-method-override]
        mkdir_p(config_value["base_dir"])
        return cls(inst_data=inst_data, **config_value)

    @property
    def event_storage_data(self) -> ConfigurableClassData | None:
        return ConfigurableClassData(__name__, BatchSqliteEventLogStorage.__name__,
                                     yaml.dump({"base_dir": _event_logs_directory(self.base_dir),
                                                "synchronous": self.synchronous}, default_flow_style=False))
