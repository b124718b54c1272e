"""Regions come from folders that look like regions; every path a content was seen at is kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.lib.stages import looks_like_region, region_of
from tests.analyst.conftest import N_SAMPLES, SAMPLES, run_cli

REFERENCE = SAMPLES / "河北省/邯郸市/魏县/2023/201_中国共产党魏县委员会办公室_2023.docx"


@pytest.mark.parametrize(("folder", "expected"), [
    ("河北省", True), ("邯郸市", True), ("魏县", True), ("普陀区", True), ("内蒙古自治区", True),
    ("达拉特旗", True), ("锡林郭勒盟", True), ("延边朝鲜族自治州", True), ("省本级", True), ("上海市本级", True),
    ("中央", True),
    ("tianbaoxitong", False), ("GovBudgetChecker", False), ("教育部", False), ("国家信访局", False),
    ("downloads", False), ("2023", False), ("市", False),
])
def test_which_folder_names_are_regions(folder, expected):
    assert looks_like_region(folder) is expected


# The folders of ../shared/real_samples, with the region and county each should give (typed by hand).
@pytest.mark.parametrize(("folders", "region", "county"), [
    ("tianbaoxitong", None, None),
    ("GovBudgetChecker", None, None),
    ("中央/教育部", "中央", "中央"),
    ("上海市/普陀区", "上海市/普陀区", "普陀区"),
    ("江苏省/省本级", "江苏省/省本级", "省本级"),
    ("河北省/邯郸市/魏县/2023", "河北省/邯郸市/魏县", "魏县"),
    ("downloads/魏县/教育局", "魏县", "魏县"),
])
def test_region_and_county_of_a_path(tmp_path, folders, region, county):
    path = tmp_path / folders / "x.pdf"
    assert region_of(path, tmp_path) == (region, county)
    assert region_of(path, tmp_path, "魏县") == (region, "魏县")


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_download_folder_is_no_county_and_the_ingest_says_to_pass_county(tmp_path):
    inbox = tmp_path / "tianbaoxitong"
    inbox.mkdir()
    shutil.copy(REFERENCE, inbox / REFERENCE.name)
    db = tmp_path / "w.duckdb"
    code, out, err = run_cli("ingest", str(tmp_path), "--db", str(db))
    assert code == 0, out + err
    assert "warning: 1 file(s) have no county" in out and "tianbaoxitong" in out and "--county" in out
    assert _rows(db, "select region, county from core.documents") == [(None, None)]
    code, out, _ = run_cli("ingest", str(inbox), "--db", str(tmp_path / "w2.duckdb"), "--county", "魏县")
    assert code == 0 and "no county" not in out
    assert _rows(tmp_path / "w2.duckdb", "select county from core.documents") == [("魏县",)]


def test_a_file_given_alone_under_a_region_folder_is_told_why_it_has_no_county(tmp_path):
    county = tmp_path / "河北省" / "邯郸市" / "魏县"
    county.mkdir(parents=True)
    shutil.copy(REFERENCE, county / REFERENCE.name)
    code, out, err = run_cli("ingest", str(county / REFERENCE.name), "--db", str(tmp_path / "w.duckdb"))
    assert code == 0, out + err
    # the warning names 魏县's folder: it must say why that folder did not count, not that it is no region
    assert "warning: 1 file(s) have no county" in out and "魏县" in out
    assert "a file given on its own has none" in out and "--county" in out


def test_the_same_bytes_under_two_counties_lose_nothing(tmp_path):
    root = tmp_path / "in"
    for county in ("河北省/邯郸市/魏县", "河北省/邯郸市/大名县"):
        (root / county).mkdir(parents=True)
        shutil.copy(REFERENCE, root / county / REFERENCE.name)
    db = tmp_path / "w.duckdb"
    code, out, err = run_cli("ingest", str(root), "--db", str(db))
    assert code == 0, out + err
    assert "1 loaded, 1 unchanged" in out
    assert _rows(db, "select count(*) from core.documents") == [(1,)]
    files = _rows(db, "select path, region, county, first_seen_at <= last_seen_at from core.files order by county")
    assert files == [
        (str(root / "河北省/邯郸市/大名县" / REFERENCE.name), "河北省/邯郸市/大名县", "大名县", True),
        (str(root / "河北省/邯郸市/魏县" / REFERENCE.name), "河北省/邯郸市/魏县", "魏县", True),
    ]
    before = _rows(db, "select path, first_seen_at, last_seen_at from core.files order by path")
    assert run_cli("ingest", str(root), "--db", str(db))[0] == 0  # seen again: last_seen moves, nothing added
    after = _rows(db, "select path, first_seen_at, last_seen_at from core.files order by path")
    assert [(p, f) for p, f, _ in after] == [(p, f) for p, f, _ in before]
    assert all(a[2] > b[2] for a, b in zip(after, before, strict=True))


def test_a_warehouse_from_before_core_files_gets_each_documents_path(demo_copy):
    import duckdb as db

    from pipelines.lib import warehouse

    with db.connect(str(demo_copy)) as con:
        con.execute("drop table core.files")
    con = warehouse.connect(demo_copy)
    try:
        warehouse.apply_ddl(con)
        rows = con.execute("select count(*), count(distinct document_id) from core.files").fetchall()
        same = con.execute("select count(*) from core.files f join core.documents d using (document_id) "
                           "where f.path = d.source_path and f.county is not distinct from d.county").fetchall()
    finally:
        con.close()
    assert rows == [(N_SAMPLES, N_SAMPLES)] and same == [(N_SAMPLES,)]
