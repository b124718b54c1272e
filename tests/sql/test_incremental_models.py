"""The ingest's incremental model build (pipelines.lib.model_runs): after a batch that touches a few departments,
only their rows of the incremental models are rebuilt, and every model then holds exactly what a full build —
the runner's and ``dbt build``'s — makes of the same filings: a filing superseded by a later one, a 决算 meeting
its budget, a department whose year moves to another department (its own disappears)."""

from __future__ import annotations

import sys
from pathlib import Path

from wh_filings import (
    count,
    doc_id,
    scaled,
    weixian_2023_final_frames,
    weixian_2023_frames,
    weixian_doc,
)

from pipelines.lib import model_runs, transform, warehouse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from runner_snapshot import snapshot  # noqa: E402

# (department_code, name): five coded departments and two printing no code (keyed by name)
DEPARTMENTS = [("201", "中国共产党魏县委员会办公室"), ("202", "魏县财政局"), ("203", "魏县教育局"),
               ("204", "魏县卫生健康局"), ("205", "魏县民政局"), (None, "魏县档案局"), (None, "魏县档案馆")]


def _filing(code: str | None, name: str, year: int, label: str = "v1", **frames):
    """A budget of one department and year: the reference filing's tables, the earlier year's at 90 %."""
    tables = weixian_2023_frames()
    if year == 2022:
        tables = {**tables, "budget_lines": scaled(tables["budget_lines"], "0.9", "budget")}
    tables.update(frames)
    key = f"{code or name}-{year}-{label}"
    return weixian_doc(key, department_code=code, department_name=name, year=year, file_name=f"{key}.docx",
                       source_path=f"河北省/邯郸市/魏县/{key}.docx"), tables


def _build(con, **kw) -> dict:
    report: dict = {}
    assert model_runs.refresh(con, tests=True, report=report, **kw) == "built"
    return report


def _full_rebuild_equals(con, rows: dict) -> None:
    """A full build of the same filings (the runner's, forced) makes exactly ``rows``."""
    assert _build(con, force=True)["mode"] == "full"
    assert snapshot(con) == rows


def test_an_incremental_build_makes_what_a_full_build_makes(con):
    for code, name in DEPARTMENTS:
        for year in (2022, 2023):
            if (name, year) in (("魏县档案局", 2023), ("魏县档案馆", 2022)):
                continue  # 档案局 printed 2022 only, 档案馆 2023 only
            warehouse.load_document(con, *_filing(code, name, year))
    assert _build(con) == {"mode": "full", "departments": None}  # the first build is a full one
    untouched = count(con, "marts.yoy_change", "department_code = '203'")
    assert untouched > 0

    # a batch: 201's 2023 budget republished (one amount changed, one line dropped), 202's 2023 决算 arrives
    lines = weixian_2023_frames()["budget_lines"]
    republished = lines.filter(lines["subject_code"] != "210").with_columns(
        amount_wan=lines.filter(lines["subject_code"] != "210")["amount_wan"] * 2)
    warehouse.load_document(con, *_filing("201", DEPARTMENTS[0][1], 2023, "v2", budget_lines=republished))
    assert count(con, "core.documents", "status = 'superseded'") == 1
    final = weixian_doc("202-2023-final", department_code="202", department_name="魏县财政局",
                        doc_type="final_accounts", file_name="202-2023-final.docx")
    warehouse.load_document(con, final, weixian_2023_final_frames())
    assert _build(con) == {"mode": "incremental", "departments": 2}
    rows = snapshot(con)
    # the batch is in the marts: the dropped line shows as a change to 0, the 决算 met its budget
    assert count(con, "marts.yoy_change", "department_code = '201' and year = 2023 and subject_code = '210' "
                 "and amount_wan = 0 and prior_amount_wan > 0") == 1
    assert count(con, "marts.budget_execution", "department_code = '202' and budget_source = 'budget'") > 0
    assert count(con, "marts.budget_lines", f"document_id = '{doc_id('201-2023-v1')}'") == 0
    assert count(con, "marts.yoy_change", "department_code = '203'") == untouched
    _full_rebuild_equals(con, rows)

    # 档案局 is found to be the old name of 档案馆: its one year moves there, and 档案局 disappears
    con.execute("update core.department_aliases set department = '魏县档案馆', matched_by = 'contained' "
                "where alias = '魏县档案局'")
    assert count(con, "marts.budget_lines", "department_name = '魏县档案局'") > 0
    assert count(con, "marts.yoy_change", "department_name = '魏县档案馆'") == 0  # one year: nothing to compare
    assert _build(con) == {"mode": "incremental", "departments": 2}  # the key it had, and the key it has
    rows = snapshot(con)
    assert count(con, "dw.fct_budget_line f join dw.dim_department d using (department_key)",
                  "d.department_name = '魏县档案局'") == 0
    assert count(con, "marts.yoy_change", "department_name = '魏县档案馆' and prior_year = 2022") > 0
    _full_rebuild_equals(con, rows)

    # and dbt itself builds the same rows
    transform.build(transform.database_path(con))
    assert snapshot(con) == rows


def test_a_full_build_when_many_departments_changed_when_forced_or_after_a_build_by_dbt(con):
    for code, name in DEPARTMENTS[:3]:
        warehouse.load_document(con, *_filing(code, name, 2022))
    assert _build(con)["mode"] == "full"
    # three departments, one of them changed: a third, still incremental
    warehouse.load_document(con, *_filing("201", DEPARTMENTS[0][1], 2023))
    assert _build(con) == {"mode": "incremental", "departments": 1}
    # two of three: a full build is cheaper
    for code, name in DEPARTMENTS[1:3]:
        warehouse.load_document(con, *_filing(code, name, 2023))
    assert _build(con)["mode"] == "full"
    # forced (yusuan's --full-refresh): full, whatever changed
    assert _build(con, force=True)["mode"] == "full"
    # dbt build records no per-filing state: the next refresh cannot know what changed since, so it is full
    transform.rebuild_models(con, tests=False)
    warehouse.load_document(con, *_filing("201", DEPARTMENTS[0][1], 2024))
    assert _build(con)["mode"] == "full"
    assert count(con, "marts.budget_lines", "year = 2024") > 0


def test_ingest_full_refresh_builds_every_model_whole(tmp_path):
    from pipelines.cli import main

    folder = tmp_path / "河北省" / "邯郸市" / "魏县"
    folder.mkdir(parents=True)
    sample = ROOT / "data" / "samples" / "河北省" / "邯郸市" / "魏县" / "2023" / "201_中国共产党魏县委员会办公室_2023.docx"
    (folder / sample.name).write_bytes(sample.read_bytes())
    db = tmp_path / "warehouse.duckdb"
    assert main(["ingest", str(tmp_path), "--db", str(db), "--jobs", "1"]) == 0
    con = warehouse.connect(db)
    try:
        built_at = con.execute("select built_at from core.model_build").fetchall()
        assert model_runs.refresh(con) == "up to date"  # nothing changed: the next ingest builds nothing …
    finally:
        con.close()
    assert main(["ingest", str(tmp_path), "--db", str(db), "--jobs", "1", "--full-refresh"]) == 0
    con = warehouse.connect(db, read_only=True)
    try:  # … unless told to: --full-refresh built again
        assert con.execute("select built_at from core.model_build").fetchall() > built_at
        assert count(con, "marts.budget_lines") > 0
    finally:
        con.close()
