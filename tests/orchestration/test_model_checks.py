"""The models step's checks as Dagster records them: each model's ``dbt_tests`` evaluation targets the materialization
of that model the same step reported, and the step reads those targets from the event log together, not check by
check (pipelines/defs/models.py, ``_fetch_targets``)."""

import dagster as dg
import pytest
from dagster._core.definitions.asset_checks.asset_check_result import AssetCheckResult
from dagster._core.execution.context.data_version_cache import DataVersionCache
from dagster_duckdb import DuckDBResource

from pipelines.defs.models import DBT_TESTS, sql_models


def test_each_check_targets_its_models_materialization_read_in_one_lookup(instance, tmp_path, monkeypatch):
    lookups: list[tuple[bool, list[dg.AssetKey]]] = []  # (made while a check result became its evaluation, keys)
    evaluating = [False]
    fetch, evaluate = DataVersionCache._fetch_asset_records, AssetCheckResult.to_asset_check_evaluation

    def fetch_spy(self, keys):
        lookups.append((evaluating[0], list(keys)))
        return fetch(self, keys)

    def evaluate_spy(self, step_context):
        evaluating[0] = True
        try:
            return evaluate(self, step_context)
        finally:
            evaluating[0] = False

    monkeypatch.setattr(DataVersionCache, "_fetch_asset_records", fetch_spy)
    monkeypatch.setattr(AssetCheckResult, "to_asset_check_evaluation", evaluate_spy)
    # every model, on an empty warehouse (the sources' DDL makes their tables): every test passes on no rows
    result = dg.materialize([sql_models], instance=instance,
                            resources={"warehouse": DuckDBResource(database=str(tmp_path / "w.duckdb"))})
    assert result.success

    evaluations = result.get_asset_check_evaluations()
    assert {e.asset_check_key for e in evaluations} == set(sql_models.check_keys)
    assert all(e.check_name == DBT_TESTS and e.passed for e in evaluations)
    for e in evaluations:  # the target: the model's materialization of this run, its latest in the event log
        [latest] = instance.fetch_materializations(e.asset_key, limit=1).records
        assert latest.run_id == result.run_id
        assert e.target_materialization_data is not None
        assert (e.target_materialization_data.storage_id, e.target_materialization_data.run_id,
                e.target_materialization_data.timestamp) == (latest.storage_id, result.run_id, latest.timestamp)
    # read before the checks were reported, in one query for the models not already read: none while Dagster
    # made each check's evaluation (it used to look its target up there, one query a check)
    assert not [keys for during, keys in lookups if during]
    checked = {e.asset_key for e in evaluations}
    assert any(len(set(keys) & checked) > 1 for _, keys in lookups)
    # and the step's events are the ones Dagster makes of a check result: its output, then its evaluation
    kinds = [e.event_type_value for e in result.all_events if e.step_key == sql_models.op.name]
    assert kinds.count("STEP_OUTPUT") == len(sql_models.keys) + len(sql_models.check_keys)
    assert kinds.count("ASSET_CHECK_EVALUATION") == len(sql_models.check_keys)


@pytest.mark.slow  # dbt itself parses and builds the selection (~7 CPU s)
def test_a_partial_selections_check_names_the_tests_its_build_left_out(instance, tmp_path):
    """``dbt build --select`` of one mart runs only the tests whose every model is selected (dbt's cautious indirect
    selection): its relationships to dimensions not selected are not run, and its check must say so rather than
    "all N dbt tests pass" for fewer tests than the check stands for."""
    from tests.orchestration.test_pipeline import dbt_tests_by_model

    resources = {"warehouse": DuckDBResource(database=str(tmp_path / "w.duckdb"))}
    assert dg.materialize([sql_models], instance=instance, resources=resources).success  # every model exists
    result = dg.materialize([sql_models], instance=instance, resources=resources, selection=["marts/yoy_change"])
    assert result.success
    [e] = result.get_asset_check_evaluations()
    assert e.asset_key == dg.AssetKey(["marts", "yoy_change"]) and e.passed
    expected = set(dbt_tests_by_model()[("marts", "yoy_change")])  # dbt's manifest: the tests of the model
    rows = {row.split("`")[1]: row.split("|")[2].strip() for row in e.metadata["results"].value.splitlines()[2:]}
    assert set(rows) == expected  # every test of the model is in the table, run or not
    left_out = sorted(name for name, status in rows.items() if status == "not run")
    assert left_out and all(name.startswith("relationships_") for name in left_out)
    assert e.metadata["not_run"].value == len(left_out)
    assert e.metadata["tests"].value + len(left_out) == len(expected)
    assert all(name in e.description for name in left_out)
