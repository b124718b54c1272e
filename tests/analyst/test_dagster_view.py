"""Dagster as a person sees it: every filing in the partition list with its name, lock waits logged."""

from __future__ import annotations

import shutil
import subprocess
import sys

import dagster as dg
import pytest
from dagster_duckdb import DuckDBResource

from pipelines.defs.filings import ingest_filings
from pipelines.defs.resources import Inbox, warehouse_connection
from pipelines.defs.run_filings import FILE, filings
from pipelines.defs.sensors import new_filing_sensor
from pipelines.lib import warehouse
from tests.analyst.conftest import N_SAMPLES, SAMPLES


@pytest.fixture
def instance(tmp_path):
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as inst:
        yield inst


def tick(instance, inbox, cursor=None):
    """One sensor tick, with what the sensor daemon does with its result."""
    ctx = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"inbox": Inbox(path=str(inbox))})
    result = new_filing_sensor(ctx)
    for event in result.asset_events:
        instance.report_runless_asset_event(event)
    for req in result.dynamic_partitions_requests:
        instance.add_dynamic_partitions(filings.name, list(req.partition_keys))
    return result


def test_filings_ingested_by_the_cli_are_in_the_partition_list_with_their_names(instance, demo_copy, tmp_path,
                                                                                 monkeypatch):
    monkeypatch.setenv("YUSUAN_DB", str(demo_copy))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    result = tick(instance, inbox)
    assert result.run_requests == []  # loaded already: nothing to run
    with warehouse.connect(demo_copy, read_only=True) as con:
        docs = {r[0][:16]: r[1:] for r in con.execute(
            "select document_id, department_name, year, file_name from core.documents").fetchall()}
    assert len(docs) == N_SAMPLES
    assert set(filings.get_partition_keys(dynamic_partitions_store=instance)) == set(docs)
    assert instance.get_materialized_partitions(FILE) == set(docs)
    for event in result.asset_events:
        meta = {k: v.value for k, v in event.metadata.items()}
        department, year, file_name = docs[event.partition]
        assert (meta["department"], meta["year"], meta["county"]) == (department, year, "魏县")
        assert meta["file"].endswith(file_name) and meta["loaded_by"] == "yusuan ingest"
    # the next tick finds nothing new
    assert tick(instance, inbox, result.cursor).asset_events == []


def test_a_file_dropped_in_the_inbox_shows_its_name_on_its_partition(instance, tmp_path, monkeypatch):
    monkeypatch.setenv("YUSUAN_DB", str(tmp_path / "none.duckdb"))
    inbox = tmp_path / "inbox"
    county = inbox / "河北省/邯郸市/魏县"
    county.mkdir(parents=True)
    reference = SAMPLES / "河北省/邯郸市/魏县/2023/201_中国共产党魏县委员会办公室_2023.docx"
    shutil.copy(reference, county / reference.name)
    result = tick(instance, inbox)
    [key] = result.dynamic_partitions_requests[0].partition_keys
    # before its run: the tick's one observation says which file the new partition is (one event a tick, not a filing)
    [observation] = result.asset_events
    assert observation.partition is None and observation.metadata["new_filings"].value == 1
    assert f"| `{key}` | 河北省/邯郸市/魏县/{reference.name} | 魏县 |" in observation.metadata["files"].value.splitlines()
    # its run: the partition itself is reported with the file, county, department and outcome
    resources = {"warehouse": DuckDBResource(database=str(tmp_path / "w.duckdb")), "inbox": Inbox(path=str(inbox))}
    [req] = result.run_requests
    assert dg.materialize([ingest_filings], instance=instance, resources=resources, tags=dict(req.tags)).success
    [record] = instance.fetch_materializations(dg.AssetRecordsFilter(FILE, asset_partitions=[key]), limit=1).records
    meta = {k: v.value for k, v in record.asset_materialization.metadata.items()}
    assert meta["file"] == f"河北省/邯郸市/魏县/{reference.name}" and meta["county"] == "魏县"
    assert (meta["department"], meta["year"], meta["status"]) == ("中国共产党魏县委员会办公室", 2023, "loaded")


class Log:
    def __init__(self):
        self.lines: list[str] = []

    def info(self, message: str) -> None:
        self.lines.append(message)


def test_a_run_waiting_for_the_warehouse_says_what_holds_it(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    warehouse.connect(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
                               "time.sleep(1.5)", str(db)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    log = Log()
    try:
        with warehouse_connection(DuckDBResource(database=str(db)), log, wait=120) as con:
            assert con.execute("select 1").fetchall() == [(1,)]
    finally:
        holder.wait()
    assert log.lines[0].startswith(f"waiting for the warehouse {db}: in use by python")
    assert f"(pid {holder.pid})" in log.lines[0]
    assert log.lines[-1].startswith("the warehouse is free after")
