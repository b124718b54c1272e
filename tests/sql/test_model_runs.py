"""The ingest's model build (pipelines.lib.model_runs): dbt's compiled SQL run directly builds the same rows
and fails the same tests as ``dbt build``, and no build runs when nothing the models read has changed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from wh_filings import doc_id, weixian_2023_final_frames, weixian_2023_frames, weixian_doc

from pipelines.lib import model_runs, transform, warehouse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from runner_snapshot import snapshot  # noqa: E402


def _load_two(con) -> None:
    warehouse.load_document(con, weixian_doc(), weixian_2023_frames())
    warehouse.load_document(con, weixian_doc("weixian-2023-final", doc_type="final_accounts"),
                            weixian_2023_final_frames())


def test_the_compiled_plan_builds_what_dbt_builds_and_runs_the_same_tests(con):
    _load_two(con)
    by_dbt = transform.build(transform.database_path(con))
    dbt_rows = snapshot(con)
    con.execute("drop table marts.yoy_change")  # built again below, not left from dbt's build
    by_plan = model_runs.run(con, model_runs.plan(transform.database_path(con)))
    assert snapshot(con) == dbt_rows
    assert dbt_rows["marts.budget_execution"]["rows"] > 0  # the budget and the 决算 met: not a comparison of empties
    assert {(n.name, n.status) for n in by_plan.nodes if n.resource_type in ("model", "test")} == \
        {(n.name, n.status) for n in by_dbt.nodes if n.resource_type in ("model", "test")}
    assert len(by_plan.tests) > 150 and not by_plan.failed
    # the build at once (one transaction, the tests in one query) reports what the build step by step does
    the_plan = model_runs.plan(transform.database_path(con))
    assert model_runs._run_steps(con, the_plan) == by_plan
    assert snapshot(con) == dbt_rows


def test_a_failed_test_rolls_the_build_at_once_back_and_the_steps_report_it(con):
    """A warn-severity test that fails does not stop the build at once; an error-severity one rolls it back, and
    the plan run step by step reports what dbt build does: the failed test, the models downstream skipped."""
    _load_two(con)
    the_plan = model_runs.plan(transform.database_path(con))
    assert not model_runs.run(con, the_plan).failed
    warned = {**the_plan, "steps": [{**s, "severity": "warn", "sql": "select 1 as broken"}
                                    if s["name"] == "not_null_fct_budget_line_document_id" else s
                                    for s in the_plan["steps"]]}
    result = model_runs.run(con, warned)
    assert [(n.status, n.failures) for n in result.tests if n.name == "not_null_fct_budget_line_document_id"] == [
        ("warn", 1)] and not result.failed
    failing = {**the_plan, "steps": [{**s, "sql": "select 1 as broken"}
                                     if s["name"] == "not_null_fct_budget_line_document_id" else s
                                     for s in the_plan["steps"]]}
    result = model_runs.run(con, failing)
    assert [n.name for n in result.failed] == ["not_null_fct_budget_line_document_id"]
    skipped = {n.name for n in result.nodes if n.status == "skipped" and n.resource_type == "model"}
    assert {"marts.budget_lines", "marts.yoy_change"} <= skipped and "dw.fct_budget_line" not in skipped


def test_no_build_when_nothing_changed_and_a_build_after_any_load(con):
    _load_two(con)
    assert model_runs.refresh(con, tests=True) == "built"
    assert model_runs.refresh(con, tests=True) == "up to date"
    # a load that was not followed by a build (a crash in between): the next refresh builds
    warehouse.load_document(con, weixian_doc("weixian-2023-v2", file_name="v2.docx"), weixian_2023_frames())
    assert con.execute("select count(*) from core.documents where status = 'superseded'").fetchall() == [(1,)]
    assert model_runs.refresh(con, tests=True) == "built"
    assert model_runs.refresh(con, tests=True) == "up to date"
    # the last build ran without the tests: a refresh that wants them builds
    assert model_runs.refresh(con, tests=False, force=True) == "built"
    assert model_runs.refresh(con, tests=False) == "up to date"
    assert model_runs.refresh(con, tests=True) == "built"
    # a mart dropped by hand is built again
    con.execute("drop table marts.three_public_trend")
    assert model_runs.refresh(con, tests=True) == "built"
    assert con.execute("select count(*) from marts.three_public_trend").fetchall()[0][0] > 0
    # a rejection is a change too (the marts of the quality layer read it)
    warehouse.record_rejection(con, {"document_id": doc_id("broken"), "file_name": "broken.docx",
                                     "error": "not a budget"})
    assert model_runs.refresh(con, tests=True) == "built"


def test_a_duplicated_fact_fails_the_grain_test_stops_the_marts_and_is_not_recorded(con):
    _load_two(con)
    model_runs.refresh(con, tests=True)
    before = con.execute("select count(*) from marts.budget_lines").fetchall()[0][0]
    con.execute("insert into staging.budget_lines select * from staging.budget_lines limit 1")
    for _ in range(2):  # the failed build is not recorded: the next refresh builds (and fails) again
        with pytest.raises(transform.ModelBuildFailed) as failed:
            model_runs.refresh(con, tests=True)
        message = str(failed.value)
        assert "unique_combination_fct_budget_line_document_id" in message
        assert "marts.budget_lines" in message  # named as skipped
    assert con.execute("select count(*) from marts.budget_lines").fetchall()[0][0] == before


def test_an_unknown_code_fails_its_accepted_values_test(con):
    _load_two(con)
    con.execute("update staging.three_public set category = 'sangong' where category = 'reception'")
    with pytest.raises(transform.ModelBuildFailed, match="accepted_values_fct_three_public_category"):
        model_runs.refresh(con, tests=True)


@pytest.mark.usefixtures("one_sample_inbox")  # tmp_path holds one sample to ingest
def test_a_second_ingest_of_the_same_files_does_not_build_the_models(tmp_path):
    from pipelines.lib.ingest import ingest

    db = tmp_path / "warehouse.duckdb"
    first = ingest([tmp_path], db, echo=lambda _line: None)
    second = ingest([tmp_path], db, echo=lambda _line: None)
    assert (first.loaded, first.models) == (1, "built")
    assert (second.unchanged, second.models) == (1, "up to date")
    con = warehouse.connect(db, read_only=True)
    try:
        assert con.execute("select count(*) from marts.budget_lines").fetchall()[0][0] > 0
    finally:
        con.close()


@pytest.mark.usefixtures("one_sample_inbox")  # tmp_path holds one sample to ingest
def test_a_warehouse_file_name_with_dots_builds_its_models(tmp_path):
    # DuckDB names the database in my.warehouse.duckdb "my" (its name's first dot-separated part), not the stem
    # "my.warehouse": the models' SQL must name it as DuckDB does, or every model fails to find its sources
    from pipelines.lib.ingest import ingest

    db = tmp_path / "my.warehouse.duckdb"
    summary = ingest([tmp_path], db, echo=lambda _line: None)
    assert (summary.loaded, summary.models) == (1, "built")
    con = warehouse.connect(db, read_only=True)
    try:
        assert con.execute("select current_database()").fetchone() == ("my",)
        assert con.execute("select count(*) from marts.budget_lines").fetchall()[0][0] > 0
    finally:
        con.close()


def test_a_build_reading_no_more_than_a_row_group_runs_on_one_thread_and_restores_the_setting(con, monkeypatch):
    # DuckDB runs a scan in parallel by row group: below one, a second thread only costs (model_runs._one_thread)
    [(name,)] = con.execute("select current_database()").fetchall()
    the_plan = {"sources": ["main.facts", "main.unread"], "steps": [{"sql": f'select * from "{name}"."main"."facts"'}]}
    con.execute("set threads = 3").fetchall()
    con.execute(f"create table main.facts as select range as n from range({model_runs.ROW_GROUP})").fetchall()
    con.execute(f"create table main.unread as select range as n from range({model_runs.ROW_GROUP + 1})").fetchall()
    assert model_runs._one_thread(con, the_plan) == 3  # the table no step reads does not count
    assert con.execute("select current_setting('threads')").fetchall() == [(1,)]
    con.execute("set threads = 3").fetchall()
    con.execute("insert into main.facts values (-1)").fetchall()
    assert model_runs._one_thread(con, the_plan) is None
    assert con.execute("select current_setting('threads')").fetchall() == [(3,)]
    # the build itself: on one thread while it runs, the setting as it was afterwards
    _load_two(con)
    seen = []
    at_once = model_runs._run_at_once

    def watched(c, *args, **kwargs):
        seen.append(c.execute("select current_setting('threads')").fetchall()[0][0])
        return at_once(c, *args, **kwargs)

    monkeypatch.setattr(model_runs, "_run_at_once", watched)
    assert not model_runs.run(con, model_runs.plan(transform.database_path(con))).failed
    assert seen == [1]
    assert con.execute("select current_setting('threads')").fetchall() == [(3,)]
