"""Parquet export of the marts: hive year partitions, a manifest, and no duplicates on re-export."""

from __future__ import annotations

import json
from decimal import Decimal

import duckdb
from wh_filings import doc_id, weixian_2023_frames, weixian_doc

from pipelines.lib import warehouse


def parquet_rows(out, name: str) -> list[tuple]:
    """Read an exported relation back with a separate in-memory DuckDB."""
    with duckdb.connect() as reader:
        return reader.execute(
            f"select year, document_id, amount_wan from read_parquet('{out / name}/**/*.parquet', "
            "hive_partitioning = true) order by all"
        ).fetchall()


def test_export_writes_year_partitions_and_a_manifest(con, tmp_path):
    warehouse.load_document(con, weixian_doc("2023"), weixian_2023_frames())
    warehouse.load_document(con, weixian_doc("2022", year=2022), weixian_2023_frames())
    warehouse.rebuild_models(con)
    out = tmp_path / "exports" / "nested"  # parent folders do not exist yet

    manifest = warehouse.export(con, out)

    assert (out / "budget_lines" / "year=2023").is_dir()
    assert (out / "budget_lines" / "year=2022").is_dir()
    assert sorted(p.name for p in (out / "budget_lines").iterdir()) == ["year=2022", "year=2023"]
    three_public = parquet_rows(out, "three_public")
    assert (2023, doc_id("2023"), Decimal("54.500000")) in three_public
    assert len(three_public) == 8  # 4 rows in each of the two filings

    on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    by_name = {r["relation"]: r for r in manifest["relations"]}
    assert set(by_name) == {m for m in warehouse.model_order() if m.startswith("marts.")}
    lines = by_name["marts.budget_lines"]
    assert lines["row_count"] == 16
    assert lines["partition_by"] == ["year"]
    assert {"name": "amount_wan", "type": "DECIMAL(18,6)"} in lines["columns"]
    assert lines["source_documents"] == sorted([doc_id("2022"), doc_id("2023")])
    assert by_name["marts.restatements"]["row_count"] == 0
    assert {d["document_id"] for d in manifest["documents"]} == {doc_id("2022"), doc_id("2023")}
    assert manifest["generated_at"]


def test_re_export_replaces_the_previous_one(con, tmp_path):
    out = tmp_path / "exports"
    warehouse.load_document(con, weixian_doc("v1", year=2022), weixian_2023_frames())
    warehouse.rebuild_models(con)
    warehouse.export(con, out)
    first = parquet_rows(out, "budget_lines")
    warehouse.export(con, out)
    assert parquet_rows(out, "budget_lines") == first  # not doubled
    assert len(first) == 8

    # A partition no longer in the mart (say a year whose filing was withdrawn) must not survive.
    stale = out / "budget_lines" / "year=2019"
    stale.mkdir()
    (out / "budget_lines" / "year=2022" / "data_0.parquet").rename(stale / "data_0.parquet")
    warehouse.load_document(con, weixian_doc("v2", year=2023), weixian_2023_frames())
    warehouse.rebuild_models(con)
    warehouse.export(con, out)
    assert sorted(p.name for p in (out / "budget_lines").iterdir()) == ["year=2022", "year=2023"]
    assert len(parquet_rows(out, "budget_lines")) == 16
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp folders left


def test_a_relation_without_year_is_written_unpartitioned(con, tmp_path):
    con.execute("create table marts.zz_notes as select 'x' as note").fetchall()
    manifest = warehouse.export(con, tmp_path / "out")
    notes = {r["relation"]: r for r in manifest["relations"]}["marts.zz_notes"]
    assert notes["partition_by"] == []
    assert notes["files"] == ["zz_notes/data_0.parquet"]
    assert notes["row_count"] == 1


def test_export_works_from_a_read_only_connection(con, db_path, tmp_path):
    warehouse.load_document(con, weixian_doc(), weixian_2023_frames())
    warehouse.rebuild_models(con)
    con.close()
    reader = warehouse.connect(db_path, read_only=True)
    try:
        manifest = warehouse.export(reader, tmp_path / "out")
    finally:
        reader.close()
    counts = {r["relation"]: r["row_count"] for r in manifest["relations"]}
    assert counts["marts.budget_lines"] == 8
    assert (tmp_path / "out" / "budget_lines" / "year=2023" / "data_0.parquet").is_file()
