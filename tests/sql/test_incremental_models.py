"""The ingest's incremental model build (pipelines.lib.model_runs): after a batch that touches a few departments,
only their rows of the incremental models are rebuilt, and every model then holds exactly what a full build —
the runner's and ``dbt build``'s — makes of the same filings: a filing superseded by a later one, a 决算 meeting
its budget, a department whose year moves to another department (its own disappears).  Their data tests read
only the rows the build wrote where that gives the whole table's verdict: a broken row of a changed department
fails them, and on a clean warehouse they agree with a full build's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
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


@pytest.mark.usefixtures("one_sample_inbox")  # tmp_path holds one sample to ingest
def test_ingest_full_refresh_builds_every_model_whole(tmp_path):
    from pipelines.cli import main

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


def _build_result(con, *, force: bool = False):
    """model_runs.build as refresh calls it: (result, departments rebuilt or None for a full build)."""
    the_plan = model_runs.plan(transform.database_path(con))
    return model_runs.build(con, the_plan, model_runs.fingerprint(con, the_plan["sources"]), tests=True,
                            force=force, last=model_runs.last_build(con))


def _verdicts(result) -> dict[str, str]:
    return {n.unique_id: n.status for n in result.tests}


def test_which_data_tests_an_incremental_build_scopes_to_the_changed_departments(con):
    """A test of each row on its own (not_null, accepted_values, relationships to a dim) or of a key that holds
    department_key / document_id (or county, in a model incremental by county) reads the rows an incremental
    build wrote; a key across departments, a model built whole (dims, restatements, split filings) and the
    sources' tests read the whole table."""
    the_plan = model_runs.plan(transform.database_path(con))
    tests = {s["name"]: s for s in the_plan["steps"] if s["type"] == "test"}
    scoped = {name for name, step in tests.items() if "incremental_sql" in step}
    assert {"unique_combination_yoy_change_department_key__doc_type__scope__basis__table_kind__subject_code__"
            "measure__year", "relationships_fct_budget_line_subject_key__subject_key__ref_dim_subject_",
            "not_null_fct_budget_line_document_id", "unique_combination_three_public_by_county_county__doc_type__"
            "category__year", "unique_combination_department_ranking_department_key__doc_type__year"} <= scoped
    assert any(n.startswith("accepted_values_budget_lines_measure") for n in scoped)
    whole = [n for n in tests if n.startswith(("unique_dim_", "unique_combination_dim_subject",
                                               "unique_combination_restatements", "unique_combination_split_filing",
                                               "source_"))]
    assert len(whole) >= 8 and not scoped & set(whole)
    by = {s["name"]: s.get("incremental_by") for s in the_plan["steps"] if s["type"] == "model"}
    assert by["marts.department_ranking"] == by["marts.three_public_by_county"] == "counties"
    assert by["marts.yoy_change"] == by["dw.fct_budget_line"] == "departments" and by["dw.dim_department"] is None
    for name in scoped:  # the tested model is read once, from the rows the build wrote
        assert tests[name]["incremental_sql"].count("temp.main.yusuan_changed__") == 1


def test_an_incremental_build_tests_the_rows_it_wrote_and_agrees_with_a_full_build(con, monkeypatch):
    def no_fallback(*_args, **_kw):
        raise AssertionError("the build at once fell back to the steps on a clean warehouse")

    monkeypatch.setattr(model_runs, "_run_steps", no_fallback)  # a clean build is one transaction, one test query
    for code, name in DEPARTMENTS:
        warehouse.load_document(con, *_filing(code, name, 2022))
    result, changed = _build_result(con)
    assert changed is None and not result.failed  # the first build: full, every test whole

    # a clean batch: the incremental tests pass, as the full build's tests do on the same warehouse
    warehouse.load_document(con, *_filing("201", DEPARTMENTS[0][1], 2023))
    incremental, changed = _build_result(con)
    assert changed == 1 and not incremental.failed and len(incremental.tests) > 150
    full, changed = _build_result(con, force=True)
    assert changed is None and _verdicts(full) == _verdicts(incremental)
    assert set(_verdicts(full).values()) == {"pass"}
    monkeypatch.undo()

    # a broken batch: 202's 2023 budget with one line loaded twice and a 三公 category outside the vocabulary —
    # the incremental build (one department) catches both, and counts only the broken rows
    warehouse.load_document(con, *_filing("202", DEPARTMENTS[1][1], 2023))
    broken = doc_id("202-2023-v1")
    con.execute("insert into staging.budget_lines select * from staging.budget_lines "
                f"where document_id = '{broken}' and subject_code = '201' and measure = 'total' limit 1")
    con.execute(f"update staging.three_public set category = 'sangong' where document_id = '{broken}' "
                "and category = 'reception'")
    before = count(con, "marts.budget_lines")
    result, changed = _build_result(con)
    assert changed == 1
    failed = {n.name: n.failures for n in result.failed}
    assert failed["unique_combination_fct_budget_line_document_id__table_kind__subject_code__measure__basis__"
                  "source_table__source_row"] == 1
    assert [n for name, n in failed.items() if name.startswith("accepted_values_fct_three_public_category")] == [
        count(con, "staging.three_public", f"document_id = '{broken}' and category = 'sangong'")]
    # dbt's semantics: the marts downstream of the failed tests keep what the last build made
    assert count(con, "marts.budget_lines") == before
    assert count(con, "core.model_build_documents", f"document_id = '{broken}'") == 0  # not recorded: built again
    full, _ = _build_result(con, force=True)
    assert {n.name for n in full.failed} == set(failed)  # the full build fails the same tests


def test_the_incremental_tests_read_only_the_rows_the_build_wrote(con):
    """The scoping is real: a row no build wrote (a duplicate slipped into a mart by hand, in a department the
    batch did not touch) is outside an incremental build's tests; the next full build rebuilds the mart whole."""
    for code, name in DEPARTMENTS[:4]:
        warehouse.load_document(con, *_filing(code, name, 2022))
    assert not _build_result(con)[0].failed
    con.execute("insert into marts.budget_lines select * from marts.budget_lines "
                "where department_code = '203' limit 1")
    warehouse.load_document(con, *_filing("201", DEPARTMENTS[0][1], 2023))
    result, changed = _build_result(con)
    assert changed == 1 and not result.failed
    assert count(con, "marts.budget_lines", "department_code = '203'") == count(
        con, "dw.fct_budget_line f join dw.dim_department d using (department_key)", "d.department_code = '203'") + 1
    full, _ = _build_result(con, force=True)
    assert not full.failed
    assert count(con, "marts.budget_lines", "department_code = '203'") == count(
        con, "dw.fct_budget_line f join dw.dim_department d using (department_key)", "d.department_code = '203'")


def test_a_ranking_across_a_county_is_rebuilt_for_the_changed_departments_counties_only(con):
    """department_ranking and three_public_by_county rank and sum across a county's departments: an incremental
    build replaces the rows of the counties of the departments a batch touched (their ranks move), leaves the
    other counties' rows as they were, and the result is a full build's."""
    others = [(code, name.replace("魏县", "临漳县")) for code, name in DEPARTMENTS[:3]]
    for county, departments in (("魏县", DEPARTMENTS[:3]), ("临漳县", others)):
        for code, name in departments:
            for year in (2022, 2023):
                document, frames = _filing(code, name, year, county)
                document.update(county=county, region=f"河北省/邯郸市/{county}")
                warehouse.load_document(con, document, frames)
    assert _build(con)["mode"] == "full"
    ranked = "county, year, department_name, total_wan, rank_by_total, rank_by_change, n_departments"
    linzhang = con.execute(f"select {ranked}, rowid from marts.department_ranking where county = '临漳县' "
                           "order by all").fetchall()
    assert len(linzhang) == 6
    # 魏县's 202 republishes 2023 at three times the amounts: it moves to the top of 魏县's 2023 ranking
    lines = weixian_2023_frames()["budget_lines"]
    summary = weixian_2023_frames()["budget_summary"]
    document, frames = _filing("202", DEPARTMENTS[1][1], 2023, "v2",
                               budget_lines=lines.with_columns(amount_wan=lines["amount_wan"] * 3),
                               budget_summary=summary.with_columns(amount_wan=summary["amount_wan"] * 3))
    document.update(county="魏县", region="河北省/邯郸市/魏县")
    warehouse.load_document(con, document, frames)
    assert _build(con) == {"mode": "incremental", "departments": 1}
    assert con.execute("select department_code from marts.department_ranking where county = '魏县' and year = 2023 "
                       "and rank_by_total = 1").fetchall() == [("202",)]
    # 魏县's rows were written again (after the 12 of the full build), 临漳县's not (same rowids, same figures)
    assert con.execute("select min(rowid) from marts.department_ranking where county = '魏县'").fetchall() == [(12,)]
    assert con.execute(f"select {ranked}, rowid from marts.department_ranking where county = '临漳县' "
                       "order by all").fetchall() == linzhang
    rows = snapshot(con)
    _full_rebuild_equals(con, rows)
