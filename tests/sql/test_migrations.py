"""Schema versions: a warehouse built by the previous yusuan upgrades in place and keeps every fact;
a newer, foreign, damaged or truncated file is refused and left as it was."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from wh_filings import doc_id, weixian_2023_frames, weixian_doc

from pipelines.lib import migrations, warehouse

V1_DDL = Path(__file__).parent / "fixtures" / "schema_v1"
FACTS = ("staging.budget_lines", "staging.budget_summary", "staging.three_public",
         "staging.performance_indicators", "staging.projects", "staging.narrative_figures")


def build_v1(path: Path) -> dict[str, list[tuple]]:
    """A warehouse as yusuan 11087cc left it: its DDL, two budget filings (one superseding the other,
    with its ledger row), facts in every staging table.  Returns every row of every table it filled."""
    con = duckdb.connect(str(path))
    for ddl in sorted(V1_DDL.glob("*.sql")):
        con.execute(ddl.read_text(encoding="utf-8"))
    now = datetime(2024, 3, 1, tzinfo=UTC)
    for label, status in (("v1-old", "superseded"), ("v1-new", "loaded")):
        doc = weixian_doc(label)
        con.execute(
            "insert into core.documents (document_id, file_name, source_path, region, county, department_code, "
            "department_name, year, doc_type, unit, status, ingested_at, file_type) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [doc["document_id"], doc["file_name"], doc["source_path"], doc["region"], doc["county"],
             doc["department_code"], doc["department_name"], doc["year"], doc["doc_type"], doc["unit"], status,
             now, "docx"],
        )
        for name, frame in weixian_2023_frames().items():
            if name not in ("budget_lines", "budget_summary", "three_public", "performance_indicators",
                            "projects", "narrative_figures") or frame.height == 0:
                continue
            frame = frame.drop("basis", strict=False)
            table = f"staging.{name}"
            v1_columns = {r[0] for r in con.execute(f"describe {table}").fetchall()}
            columns = [c for c in frame.columns if c != "document_id" and c in v1_columns]
            rows = [[doc["document_id"], *row] for row in frame.select(columns).iter_rows()]
            marks = ", ".join("?" for _ in range(len(columns) + 1))
            con.executemany(f"insert into {table} (document_id, {', '.join(columns)}) values ({marks})", rows)
    con.execute(
        "insert into core.restatements (county, department_code, year, doc_type, old_document_id, new_document_id, "
        "relation, table_kind, category, measure, change_kind, old_amount_wan, new_amount_wan, detected_at) "
        "values ('魏县', '201', 2023, 'budget', ?, ?, 'three_public', 'three_public', 'total', 'total', 'changed', "
        "1.5, 3, ?)",
        [doc_id("v1-old"), doc_id("v1-new"), now],
    )
    before = {t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr)
              for t in (*FACTS, "core.documents", "core.restatements")}
    con.close()
    return before


def columns(con, table: str) -> list[str]:
    schema, name = table.split(".")
    return [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position", [schema, name]).fetchall()]


def test_a_v1_warehouse_upgrades_in_place_and_keeps_every_fact(tmp_path):
    path = tmp_path / "old.duckdb"
    before = build_v1(path)
    assert all(before[t] for t in FACTS)  # facts in every table

    con = warehouse.connect(path)
    assert migrations.current_version(con) == 1
    warehouse.apply_ddl(con)
    assert migrations.current_version(con) == migrations.SCHEMA_VERSION
    for table, rows in before.items():
        old_columns = len(rows[0])
        # the old columns keep their position; new ones come after them
        after = sorted((row[:old_columns] for row in con.execute(f"select * from {table}").fetchall()), key=repr)
        assert after == rows, table
    assert con.execute("select distinct scope from core.documents").fetchall() == [("department",)]
    for table in ("staging.budget_lines", "staging.budget_summary", "staging.three_public"):
        assert con.execute(f"select distinct basis from {table}").fetchall() == [("budget",)]
    assert con.execute("select scope from core.restatements").fetchall() == [("department",)]
    notes = con.execute("select version, note from core.schema_version order by version").fetchall()
    assert notes[-1][0] == migrations.SCHEMA_VERSION and notes[-1][1].startswith("migrated")

    # the upgraded warehouse works: marts rebuild, the old facts show, a new filing supersedes
    warehouse.rebuild_models(con)
    assert con.execute("select sum(amount_wan) from marts.three_public where category = 'total' "
                       "and fund_source = 'total'").fetchall()[0][0] == Decimal("54.50")  # the loaded filing only
    result = warehouse.load_document(con, weixian_doc("v2-new"), weixian_2023_frames())
    assert result.superseded == (doc_id("v1-new"),)
    # a second open changes nothing
    warehouse.apply_ddl(con)
    # one row per migration run from version 1
    assert con.execute("select count(*) from core.schema_version").fetchall()[0][0] == len(migrations.MIGRATIONS)
    assert con.execute("select count(*) from core.documents where part is not null").fetchall()[0][0] == 0
    con.close()


def test_the_migrated_schema_equals_a_fresh_one(tmp_path):
    """Every table the DDL makes has the same columns, in a fresh warehouse and in an upgraded one
    (a column added to the DDL without a migration fails here)."""
    old = tmp_path / "old.duckdb"
    build_v1(old)
    fresh = warehouse.connect(tmp_path / "fresh.duckdb")
    warehouse.apply_ddl(fresh)
    upgraded = warehouse.connect(old)
    warehouse.apply_ddl(upgraded)
    tables = [r[0] for r in fresh.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema in ('core', 'staging', 'quality', 'raw') order by 1").fetchall()]
    assert "core.schema_version" in tables
    for table in tables:
        assert sorted(columns(upgraded, table)) == sorted(columns(fresh, table)), table


def test_a_fresh_warehouse_records_the_current_version(con):
    assert con.execute("select version, note from core.schema_version").fetchall() == [
        (migrations.SCHEMA_VERSION, "created")]


def test_a_newer_warehouse_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "newer.duckdb"
    con = warehouse.connect(path)
    warehouse.apply_ddl(con)
    con.execute("insert into core.schema_version (version, note) values (99, 'from the future')")
    con.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    con = warehouse.connect(path)
    with pytest.raises(migrations.WarehouseTooNew, match=r"schema version 99.*Upgrade yusuan"):
        warehouse.apply_ddl(con)
    con.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_a_duckdb_file_of_something_else_is_refused(tmp_path):
    path = tmp_path / "other.duckdb"
    with duckdb.connect(str(path)) as other:
        other.execute("create table sales (id integer)")
    con = warehouse.connect(path)
    with pytest.raises(migrations.WarehouseNotYusuan, match="not a yusuan warehouse"):
        warehouse.apply_ddl(con)
    con.close()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty_header"])
def test_a_damaged_file_is_refused_with_what_to_do(tmp_path, damage):
    path = tmp_path / "warehouse.duckdb"
    con = warehouse.connect(path)
    warehouse.apply_ddl(con)
    warehouse.load_document(con, weixian_doc(), weixian_2023_frames())
    warehouse.rebuild_models(con)
    con.execute("checkpoint")
    con.close()
    data = path.read_bytes()
    cut = {"truncated": data[: len(data) // 2], "garbage": b"not a database " * 500,
           "empty_header": data[:5000]}[damage]
    path.write_bytes(cut)
    with pytest.raises(migrations.WarehouseDamaged, match=r"damaged or not a DuckDB database.*new --db"):
        warehouse.connect(path)
    assert path.read_bytes() == cut


def test_a_healthy_file_whose_free_tail_was_truncated_opens(tmp_path):
    """After a checkpoint DuckDB cuts free blocks off the end of the file, but its free list still counts them:
    a warehouse whose rebuilt models dropped big tables is shorter than its total block count, and healthy."""
    path = tmp_path / "warehouse.duckdb"
    con = warehouse.connect(path)
    warehouse.apply_ddl(con)
    con.execute("create table staging.scratch as select range as i, range::varchar as s from range(2000000)")
    con.execute("checkpoint")
    con.execute("create table staging.scratch_copy as select * from staging.scratch")
    con.execute("checkpoint")
    con.execute("drop table staging.scratch_copy")
    con.execute("drop table staging.scratch")
    con.execute("checkpoint")
    con.close()
    reopened = warehouse.connect(path)
    _, _, block_size, total_blocks, used_blocks, *_ = reopened.execute("pragma database_size").fetchall()[0]
    # the situation this test is about: the free list reaches past the end of the (healthy) file
    assert 3 * 4096 + block_size * total_blocks > path.stat().st_size
    assert reopened.execute("select count(*) from core.documents").fetchall() == [(0,)]
    reopened.close()
