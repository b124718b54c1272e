"""pipelines/defs/storage.py: a batch of asset events written in one transaction per SQLite file, with what Dagster's
own SQLite storage writes — the same rows, and the same answers to every question Dagster asks of them.

Each test runs a real job over a real dynamic-partitioned asset (one run covering a range of partitions: Dagster
reports one materialization per partition and, with $DAGSTER_EVENT_BATCH_SIZE set, hands them to the storage as one
batch) through two real DagsterInstances: one on Dagster's stock SQLite storage, one on the repo's.  Both instances
see the same run ids; timestamps, pids and durations are the only things set aside when their files are compared.
"""

import os
import re
import sqlite3
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._core.storage.partition_status_cache import get_and_update_asset_status_cache_value

from pipelines.defs.storage import RUN_SHARDS_KEPT, BatchSqliteEventLogStorage
from tests.orchestration.conftest import dotenv, repo_storage

ROOT = Path(__file__).parents[2]
things = dg.DynamicPartitionsDefinition(name="things")
THING = dg.AssetKey("thing")
KEYS = [f"p{i:03d}" for i in range(1, 13)]


def run(n: int) -> str:
    """The n-th run's id, the same in both instances."""
    return str(uuid.UUID(int=n))


@dg.asset(partitions_def=things, backfill_policy=dg.BackfillPolicy.single_run(), code_version="1",
          check_specs=[dg.AssetCheckSpec("has_lines", asset="thing")])
def thing(context: dg.AssetExecutionContext):
    # a partition's own metadata, as the filings step gives each filing its own
    for key in context.partition_keys:
        context.add_asset_metadata({"file": f"{key}.docx", "lines": int(key[1:]) * 7}, partition_key=key)
    yield dg.MaterializeResult(metadata={"filings": len(context.partition_keys)})
    yield dg.AssetCheckResult(check_name="has_lines", passed=True)


JOB = dg.Definitions(assets=[thing]).resolve_implicit_global_asset_job_def()


@contextmanager
def two_instances(tmp_path: Path):
    homes = {"stock": tmp_path / "stock", "ours": tmp_path / "ours"}
    storages = {"stock": {"sqlite": {"base_dir": str(homes["stock"])}}, "ours": repo_storage(homes["ours"])}
    with (dg.instance_for_test(temp_dir=str(_mkdir(homes["stock"])), overrides={"storage": storages["stock"]}) as a,
          dg.instance_for_test(temp_dir=str(_mkdir(homes["ours"])), overrides={"storage": storages["ours"]}) as b):
        assert type(a.event_log_storage).__name__ == "SqliteEventLogStorage"
        assert isinstance(b.event_log_storage, BatchSqliteEventLogStorage)
        for inst in (a, b):
            inst.add_dynamic_partitions(things.name, KEYS)
        yield {"stock": a, "ours": b}, homes


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def run_range(inst: dg.DagsterInstance, first: str, last: str, run_id: str) -> None:
    result = JOB.execute_in_process(instance=inst, run_id=run_id, tags={
        "dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last})
    assert result.success


@pytest.fixture
def batches(monkeypatch):
    """$DAGSTER_EVENT_BATCH_SIZE as .env sets it, and the events of every batch the repo's storage is handed (their
    number by type)."""
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", dotenv()["DAGSTER_EVENT_BATCH_SIZE"])
    seen: list[Counter] = []
    store = BatchSqliteEventLogStorage.store_event_batch

    def spy(self, events):
        seen.append(Counter(e.dagster_event_type for e in events))
        return store(self, events)

    monkeypatch.setattr(BatchSqliteEventLogStorage, "store_event_batch", spy)
    return seen


_VOLATILE = [(re.compile(r'"(timestamp|start_time|end_time|duration_ms)": [0-9.e+-]+'), r'"\1": 0'),
             (re.compile(r'"pid": \d+'), '"pid": 0'), (re.compile(r'"log_key": "\w+"'), '"log_key": ""'), (re.compile(r"pid: \d+"), "pid: 0"),
             (re.compile(r"\b\d+(\.\d+)?\s?(ms|s)\b"), "<duration>"),
             (re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?"), "<time>")]


def _stable(value):
    if isinstance(value, str):
        for pattern, repl in _VOLATILE:
            value = pattern.sub(repl, value)
    return value


def files(home: Path) -> dict:
    """Every row of every table of the event log's SQLite files (run shards and index), but columns holding a time."""
    out = {}
    for db in sorted((home / "history" / "runs").glob("*.db")):
        with sqlite3.connect(db) as con:
            tables = [t for (t,) in con.execute("select name from sqlite_master where type = 'table'")]
            for table in tables:
                cols = [c[1] for c in con.execute(f"pragma table_info({table})")
                        if "timestamp" not in c[1] and c[1] not in ("create_time", "update_time")]
                names = ", ".join(f'"{c}"' for c in cols)
                rows = con.execute(f"select {names} from {table} order by rowid").fetchall()
                out[f"{db.name}:{table}"] = [dict(zip(cols, map(_stable, row), strict=True)) for row in rows]
    return out


def dagster_view(inst: dg.DagsterInstance) -> dict:
    """What Dagster (its UI, sensors, backfills) reads of the asset from the event log."""
    records = inst.fetch_materializations(THING, limit=1000).records
    storage = inst.event_log_storage
    [asset] = inst.get_asset_records([THING])
    status = get_and_update_asset_status_cache_value(inst, THING, things)
    checks = inst.event_log_storage.get_asset_check_execution_history(
        dg.AssetCheckKey(THING, "has_lines"), limit=10)
    return {
        "materialized": sorted(inst.get_materialized_partitions(THING)),
        "materializations": [(r.storage_id, r.run_id, r.partition_key,
                              {k: v.value for k, v in r.asset_materialization.metadata.items()},
                              r.asset_materialization.tags) for r in records],
        "latest_by_partition": storage.get_latest_storage_id_by_partition(
            THING, dg.DagsterEventType.ASSET_MATERIALIZATION),
        "latest": (asset.asset_entry.last_materialization_record.storage_id,
                   asset.asset_entry.last_materialization_record.event_log_entry.dagster_event.partition,
                   asset.asset_entry.last_run_id),
        "status": (sorted(status.deserialize_materialized_partition_subsets(things).get_partition_keys()),
                   sorted(status.deserialize_failed_partition_subsets(things).get_partition_keys()),
                   sorted(status.deserialize_in_progress_partition_subsets(things).get_partition_keys())),
        "checks": [(c.run_id, c.status) for c in checks],
        "run_log": [(r.storage_id, r.event_log_entry.dagster_event_type, r.event_log_entry.dagster_event.partition
                     if r.event_log_entry.dagster_event else None)
                    for r in inst.get_records_for_run(run(1)).records + inst.get_records_for_run(run(2)).records],
    }


@pytest.mark.parametrize("returning", [True, False], ids=["insert returning", "sqlite before 3.35"])
def test_a_runs_partitions_are_written_in_batches_with_dagsters_rows_and_answers(tmp_path, batches, returning,
                                                                                  monkeypatch):
    from sqlalchemy.dialects.sqlite.base import SQLiteDialect

    # the index rows go in with one statement returning their ids, or — where SQLite cannot — row by row
    monkeypatch.setattr(SQLiteDialect, "insert_returning", returning)
    with two_instances(tmp_path) as (instances, homes):
        for inst in instances.values():
            run_range(inst, KEYS[0], KEYS[-1], run(1))  # every partition
            run_range(inst, KEYS[3], KEYS[6], run(2))  # some again: the asset's entry and their latest move
        views = {name: dagster_view(inst) for name, inst in instances.items()}
    # the repo's storage was handed the runs' per-partition materializations (and planned events) as batches
    materializations = [b for b in batches if dg.DagsterEventType.ASSET_MATERIALIZATION in b]
    assert materializations == [{dg.DagsterEventType.ASSET_MATERIALIZATION: 12},
                                {dg.DagsterEventType.ASSET_MATERIALIZATION: 4}], batches
    assert views["ours"] == views["stock"]
    view = views["ours"]
    assert view["materialized"] == KEYS
    assert len(view["materializations"]) == 16
    newest = {key: meta for _, _, key, meta, _ in reversed(view["materializations"])}
    assert newest["p007"] == {"filings": 4, "file": "p007.docx", "lines": 49}
    assert newest["p012"] == {"filings": 12, "file": "p012.docx", "lines": 84}
    assert view["latest"][2] == run(2)
    assert view["status"] == (KEYS, [], [])
    ours, stock = files(homes["ours"]), files(homes["stock"])
    assert ours.keys() == stock.keys()
    for table in stock:
        assert ours[table] == stock[table], table
    assert len(ours["index.db:asset_event_tags"]) >= 16  # the data version tags of each partition's event


@pytest.mark.parametrize("where", ["run shard", "index shard"])
def test_a_batch_that_fails_is_stored_event_by_event_with_the_same_rows(tmp_path, batches, monkeypatch, where):
    """The run's file fails at commit (nothing of the batch written: Dagster stores each event with store_event), or
    the index file does after the run's committed (its rows are then written one event at a time)."""
    failed = []

    def fail_once(name):
        original = getattr(BatchSqliteEventLogStorage, name)

        @contextmanager
        def failing(self, *args):
            with original(self, *args) as conn:
                yield conn
                if not failed and self._failing_batch:
                    failed.append(name)
                    raise sqlite3.OperationalError("disk I/O error (a test's)")
        monkeypatch.setattr(BatchSqliteEventLogStorage, name, failing)

    fail_once("run_connection" if where == "run shard" else "index_connection")
    batch = BatchSqliteEventLogStorage.store_event_batch

    def flagged(self, events):
        # the batch of a run's materializations (not its planned events, which come first)
        self._failing_batch = any(e.dagster_event_type == dg.DagsterEventType.ASSET_MATERIALIZATION for e in events)
        try:
            return batch(self, events)
        finally:
            self._failing_batch = False

    monkeypatch.setattr(BatchSqliteEventLogStorage, "_failing_batch", False, raising=False)
    monkeypatch.setattr(BatchSqliteEventLogStorage, "store_event_batch", flagged)
    with two_instances(tmp_path) as (instances, homes):
        for inst in instances.values():
            run_range(inst, KEYS[0], KEYS[-1], run(1))
        views = {name: dagster_view(inst) for name, inst in instances.items()}
    assert failed
    assert views["ours"] == views["stock"]
    assert files(homes["ours"]) == files(homes["stock"])


def test_no_write_lock_is_held_between_batches_and_few_files_stay_open(tmp_path, batches):
    with two_instances(tmp_path) as (instances, homes):
        inst = instances["ours"]
        for n in range(RUN_SHARDS_KEPT + 2):
            run_range(inst, KEYS[n], KEYS[n + 3], run(n))
        storage = inst.event_log_storage
        # another process (the webserver, the daemon) can take each file's write lock at once, the instance alive
        for db in (homes["ours"] / "history" / "runs").glob("*.db"):
            con = sqlite3.connect(db, timeout=0, isolation_level=None)
            con.execute("begin immediate")
            con.execute("rollback")
            con.close()
        kept = set(storage._engines)
        assert "index" in kept and len(kept) <= RUN_SHARDS_KEPT + 1, kept
        assert run(RUN_SHARDS_KEPT + 1) in kept and run(0) not in kept  # the latest runs' files, not the first


def test_a_forked_process_opens_its_own_connections(tmp_path, batches):
    with two_instances(tmp_path) as (instances, _):
        inst = instances["ours"]
        run_range(inst, KEYS[0], KEYS[3], run(1))
        storage = inst.event_log_storage
        parent = dict(storage._engines)
        pid = os.fork()
        if pid == 0:  # the child: reads through fresh engines, leaves the parent's connections alone
            try:
                ok = (len(storage.get_records_for_run(run(1)).records) > 0
                      and all(storage._engines[s] is not parent.get(s) for s in storage._engines))
            finally:
                os._exit(0 if ok else 1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert storage._engines == parent or set(storage._engines) >= set(parent)
        run_range(inst, KEYS[4], KEYS[7], run(2))  # the parent's connections still work
        assert sorted(inst.get_materialized_partitions(THING)) == KEYS[:8]


def test_the_repo_runs_dagster_on_this_storage_with_batches_on():
    assert int(dotenv()["DAGSTER_EVENT_BATCH_SIZE"]) >= 500  # a run's batch of filings in one write
    conf = yaml.safe_load((ROOT / "dagster.yaml").read_text(encoding="utf-8"))["storage"]["custom"]
    assert (conf["module"], conf["class"]) == ("pipelines.defs.storage", "YusuanSqliteStorage")
    assert conf["config"]["base_dir"] == ".dagster/storage"  # where it always was
    assert conf["config"]["synchronous"] == "NORMAL"


KILLED_RUN = """
import os, signal, sys
from pathlib import Path
import dagster as dg
from tests.orchestration.conftest import repo_storage
from tests.orchestration.test_event_storage import JOB, KEYS, run, run_range, things
home = Path(sys.argv[1])
os.environ["DAGSTER_EVENT_BATCH_SIZE"] = "1000"
with dg.instance_for_test(temp_dir=str(home), overrides={"storage": repo_storage(home)}) as inst:
    inst.add_dynamic_partitions(things.name, KEYS)
    run_range(inst, KEYS[0], KEYS[-1], run(1))
    os.kill(os.getpid(), signal.SIGKILL)  # no dispose, no close: the connections die with the process
"""


def test_a_killed_process_loses_nothing_it_wrote_and_dagsters_storage_reads_it(tmp_path):
    """synchronous NORMAL syncs at checkpoints, not at commits: what a process committed survives its SIGKILL (only a
    power cut could lose it); and the files are Dagster's — its stock storage opens them and reads every row."""
    import subprocess
    import sys

    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run([sys.executable, "-c", KILLED_RUN, str(home)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == -9, done.stderr[-2000:]
    with dg.instance_for_test(temp_dir=str(home), overrides={"storage": {"sqlite": {"base_dir": str(home)}}}) as inst:
        assert type(inst.event_log_storage).__name__ == "SqliteEventLogStorage"
        assert sorted(inst.get_materialized_partitions(THING)) == KEYS
        records = inst.fetch_materializations(THING, limit=100).records
        assert {r.partition_key: r.asset_materialization.metadata["lines"].value for r in records} == {
            key: int(key[1:]) * 7 for key in KEYS}
        assert inst.get_run_by_id(run(1)).is_success


def test_the_event_logs_sync_setting_is_checked_and_applied(tmp_path):
    from pipelines.defs.storage import YusuanSqliteStorage

    with pytest.raises(ValueError, match="FULL or NORMAL, not 'sometimes'"):
        YusuanSqliteStorage(str(tmp_path / "a"), synchronous="sometimes")
    for setting, level in (("NORMAL", 1), ("full", 2)):
        storage = YusuanSqliteStorage(str(tmp_path / setting), synchronous=setting).event_log_storage
        with storage.index_connection() as conn:
            assert conn.exec_driver_sql("pragma synchronous").scalar() == level
        storage.dispose()


def _shard(path: Path) -> dict:
    with sqlite3.connect(path) as con:
        return {"mode": con.execute("pragma journal_mode").fetchone()[0],
                "schema": sorted(con.execute("select type, name, tbl_name, sql from sqlite_master").fetchall(),
                                 key=lambda r: (r[0], r[1])),
                "stamp": con.execute("select version_num from alembic_version").fetchall()}


def test_a_new_run_shard_is_dagsters_file_made_without_a_sync_per_table(tmp_path, monkeypatch):
    """A run's new shard: the same tables, indexes, alembic stamp and WAL mode as Dagster's storage makes, while the
    file is in WAL mode before its first table — the ~25 CREATE statements initdb commits one by one then append to
    the WAL (synced at the checkpoint with NORMAL) instead of each syncing a rollback journal and the file."""
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    modes: dict[str, list[str]] = {}  # file → the journal mode each of initdb's connections to it found
    first = BatchSqliteEventLogStorage._on_new_file

    def spy(self, dbapi_conn, record):
        file = Path(dbapi_conn.execute("pragma database_list").fetchone()[2]).name
        modes.setdefault(file, []).append(dbapi_conn.execute("pragma journal_mode").fetchone()[0])
        first(self, dbapi_conn, record)
        assert dbapi_conn.execute("pragma journal_mode").fetchone()[0] == "wal"

    monkeypatch.setattr(BatchSqliteEventLogStorage, "_on_new_file", spy)
    stock = SqliteEventLogStorage(str(_mkdir(tmp_path / "stock")))
    ours = BatchSqliteEventLogStorage(str(_mkdir(tmp_path / "ours")), synchronous="NORMAL")
    for storage in (stock, ours):
        with storage.run_connection(run(7)):
            pass
        storage.dispose()
    # the new file was made WAL by us, before initdb's first table; its later connections find it so
    assert modes[f"{run(7)}.db"][0] == "delete" and set(modes[f"{run(7)}.db"][1:]) == {"wal"}
    made = {name: _shard(tmp_path / name / f"{run(7)}.db") for name in ("stock", "ours")}
    assert made["ours"] == made["stock"]
    assert made["ours"]["mode"] == "wal" and len(made["ours"]["schema"]) >= 20 and made["ours"]["stamp"]
