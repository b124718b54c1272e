"""One asset per dbt model of ``sql/`` (dagster-dbt ``@dbt_assets``), its dbt tests as one asset check, and the export.

Lineage: ``raw/filings`` → the tables its step loads (every dbt source, materialized by that step) → ``dw/*`` → ``marts/*``
→ ``exports/parquet``.  The step builds the models as ``yusuan ingest`` does — all of them from dbt's compiled
SQL (:mod:`pipelines.lib.model_runs`, compiled once per project version), a selection with ``dbt build
--select`` (:func:`pipelines.lib.transform.build`) — and reports each model as a materialization and its dbt
tests as one asset check, ``dbt_tests``, whose evaluation names every test that failed, its failing rows and
why.  Writers share the ``warehouse`` pool, so a build never waits for the file's lock.
"""

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.lib.lean_imports import dagster_dbt_without_dbt_core

# Every process that loads the definitions (a run, the code server, a step worker) imports dagster_dbt without dbt-core
# behind it (~1.5 CPU s less).  Nothing here imports pyarrow (or numpy, pandas): the filings step's loader hands polars
# frames to DuckDB through the Arrow C stream, and query results come back as polars frames through Python rows
# (pipelines.lib.db); pandera, imported only if a frame may fail, tells pyarrow itself that there is no pandas
# (processing._pandera).  Importing pyarrow here, to tell it so up front, cost every such process ~0.1-0.15 CPU s
# (pyarrow and numpy) for nothing (tests/orchestration/test_defs.py checks they stay out).
dagster_dbt_without_dbt_core()

from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets  # noqa: E402

from pipelines.defs.filings import MANIFEST  # noqa: E402
from pipelines.defs.filings import dbt_manifest as _manifest_json  # noqa: E402
from pipelines.lib import model_runs, settings, transform  # noqa: E402
from pipelines.lib import warehouse as wh  # noqa: E402


class YusuanTranslator(DagsterDbtTranslator):
    """Models keep the keys they had (``dw/fct_budget_line``, ``marts/yoy_change``); a source is its table."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["alias"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> dg.AutomationCondition | None:
        return dg.AutomationCondition.eager()

    def get_asset_check_spec(self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str,
                             project: Any) -> dg.AssetCheckSpec | None:
        """One check per model, ``dbt_tests``, standing for all the dbt tests dagster-dbt attaches to it.

        One asset check per dbt test cost the models run ~190 planned and ~190 evaluation events, each a few
        SQLite commits — most of the run's CPU (bench/bench_dagster.py).  The model's check passes when all
        its tests pass; its evaluation lists every test with its status, failing rows and dbt's message.
        Called once per (model, test) by dagster-dbt, which keeps the last spec per check name: each call
        returns the spec of every test seen so far for the model, so the last holds them all.
        """
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        tests = self._tests.setdefault(asset_spec.key, {})
        tests[unique_id] = spec
        names = sorted(t.name for t in tests.values())
        return dg.AssetCheckSpec(
            DBT_TESTS, asset=asset_spec.key, blocking=any(t.blocking for t in tests.values()),
            additional_deps=sorted({d.asset_key for t in tests.values() for d in t.additional_deps},
                                   key=lambda k: k.path),
            description=f"The model's {len(names)} dbt test(s) (grain, relationships, allowed values), run with "
                        f"the build; passes when every one passes. The evaluation lists each test, its status and "
                        f"failing rows.\n\n" + "\n".join(f"- `{n}`" for n in names),
            metadata={"dbt_tests": dg.MetadataValue.json(sorted(tests))},
        )

    @property
    def _tests(self) -> dict[dg.AssetKey, dict[str, dg.AssetCheckSpec]]:
        if not hasattr(self, "_tests_by_model"):
            self._tests_by_model: dict[dg.AssetKey, dict[str, dg.AssetCheckSpec]] = {}
        return self._tests_by_model


DBT_TESTS = "dbt_tests"
TRANSLATOR = YusuanTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def _dbt_name(key: dg.AssetKey) -> str:
    return ".".join(key.path)


def _model_files() -> dict[str, str]:
    """Every model (``marts.yoy_change``) → its file's stem, dbt's name for it in ``--select``.  From the manifest
    JSON, not :func:`pipelines.lib.warehouse.models`: that asks dbt to parse the project (importing dbt and
    reading its partial parse: ~3 CPU s of a models run that then builds from the compiled plan without dbt)."""
    return {f"{n['schema']}.{n['alias']}": Path(n["original_file_path"]).stem
            for n in _manifest_json()["nodes"].values() if n["resource_type"] == "model"}


# single_run: a filing batch's run (new_filing_sensor) covers a range of filings partitions and, in the same run,
# these unpartitioned models and the export; Dagster runs a range in one run only when every asset says so
@dbt_assets(manifest=MANIFEST, dagster_dbt_translator=TRANSLATOR, name="sql_models", pool="warehouse",
            backfill_policy=dg.BackfillPolicy.single_run())
def sql_models(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> Iterator[Any]:
    """The selected models and their tests on the warehouse: all of them as ``yusuan ingest`` builds them (dbt's
    compiled SQL, :mod:`pipelines.lib.model_runs`), a part of them with ``dbt build --select``."""
    path = str(Path(warehouse.database).resolve())
    selected = {_dbt_name(k) for k in context.selected_asset_keys}
    all_models = _model_files()
    every = selected >= set(all_models) | {"dw.subject_seed"}
    select = None if every else sorted(all_models[n] for n in selected if n in all_models)
    if not every and "dw.subject_seed" in selected:
        select = [*(select or []), "subject_classes"]
    the_plan = model_runs.plan(path) if every else None  # the cached plan, read from disk once
    fast = the_plan is not None and the_plan["fast"]
    # one connection for the sources' DDL, the build and the row counts (opening the warehouse reads its catalog)
    with warehouse.get_connection() as con:
        wh.apply_ddl(con)  # the sources (core, staging, …) exist before dbt reads them
        if fast:
            # every model: dbt's compiled SQL run here (pipelines.lib.model_runs), as `yusuan ingest` runs it — the
            # same models and tests as `dbt build`, without importing dbt's runner in the run's process
            seen = model_runs.fingerprint(con, the_plan["sources"])
            # incremental when few departments changed since the last build, as the CLI's; the state recorded
            # lets the next build (this step's or `yusuan ingest`'s) be incremental too
            result, _ = model_runs.build(con, the_plan, seen, tests=True, last=model_runs.last_build(con))
            built, counts = _built(con, result, context.selected_asset_keys)
    if not fast:
        result = transform.build(path, select, raise_on_failure=False)  # dbt opens the warehouse itself
        with warehouse.get_connection() as con:
            built, counts = _built(con, result, context.selected_asset_keys)
    for key, name in built:
        yield dg.MaterializeResult(asset_key=key, metadata={"dagster/row_count": counts[name]})
    wanted_checks = {key.asset_key for key in context.selected_asset_check_keys}
    tests: dict[dg.AssetKey, list[transform.NodeResult]] = {}
    test_model = {uid: key for key, specs in TRANSLATOR._tests.items() for uid in specs}
    for node in result.nodes:
        if node.resource_type == "test" and test_model.get(node.unique_id) in wanted_checks:
            tests.setdefault(test_model[node.unique_id], []).append(node)
    _fetch_targets(context, list(tests))  # each check's target: its model's materialization, yielded above
    for key, nodes in tests.items():
        ran = {node.unique_id for node in nodes}
        yield _tests_result(key, nodes, sorted(spec.name for uid, spec in TRANSLATOR._tests[key].items()
                                               if uid not in ran))
    if result.failed:
        raise transform.ModelBuildFailed(transform._failure_message(result), result.failed)


def _built(con, result: transform.BuildResult, selected) -> tuple[list[tuple[dg.AssetKey, str]], dict[str, int]]:
    """The selected models the build made, in its order, and the rows of each, counted in one query (a statement
    per model cost ~1.5 ms each)."""
    built = [(key, node.name) for node in result.nodes
             if node.resource_type in ("model", "seed") and node.status == "success"
             and (key := dg.AssetKey(node.name.split("."))) in selected]
    if not built:
        return [], {}
    return built, dict(con.execute(" union all ".join(f"select '{n}', count(*) from {n}" for _, n in built)).fetchall())


def _fetch_targets(context: dg.AssetExecutionContext, keys: list[dg.AssetKey]) -> None:
    """The latest materialization of every model whose check is about to be reported, read in one query.

    Dagster makes each :class:`~dagster.AssetCheckResult` into its evaluation with the materialization it checks
    (``to_asset_check_evaluation``), looked up in the event log check by check: 26 queries, ~30-45 CPU ms of the
    step (py-spy, 280 filings), each fetching one asset's record.  The step's own cache of those records
    (``StepExecutionContext``'s data version cache, which Dagster fills in bulk for a step's inputs the same way,
    ``_fetch_input_asset_version_info``) is filled here for all of them at once: the lookups then find them, and
    the evaluations, their targets and events are the ones Dagster makes.  If Dagster's internals change, the
    lookups run as before."""
    try:
        cache = context.get_step_execution_context()._data_version_cache
        missing = [key for key in keys if key not in cache.input_asset_version_info]
        if missing:
            cache._fetch_input_asset_version_info(missing)
    except (AttributeError, TypeError):  # a Dagster without this cache: one lookup per check, as before
        pass


def _tests_result(key: dg.AssetKey, nodes: list[transform.NodeResult],
                  not_run: list[str] | None = None) -> dg.AssetCheckResult:
    """The model's ``dbt_tests`` evaluation: passed when every test that ran passed; what failed, by test, in its
    description and metadata (a table for the UI, the same as JSON).  ``not_run``: the model's tests this build left
    out — a partial selection's ``dbt build --select`` runs only the tests whose every model is selected (dbt's
    cautious indirect selection), so a relationship to a dimension not selected is not tested: the evaluation says
    so (in its description, its table and ``not_run``) rather than "all 8 dbt tests pass" for a check of 10."""
    not_run = not_run or []
    bad = [n for n in nodes if n.status != "pass"]
    rows = [{"test": n.name, "status": n.status, "failing_rows": n.failures,
             "message": (n.message or "").strip().splitlines()[0] if n.message else None} for n in nodes]
    rows += [{"test": name, "status": "not run", "failing_rows": None,
              "message": "not in this build's selection (a model it reads was not selected)"} for name in not_run]
    table = ["| test | status | failing rows | dbt says |", "|---|---|---|---|"] + [
        f"| `{r['test']}` | {r['status']} | {r['failing_rows'] if r['failing_rows'] is not None else ''} | "
        f"{r['message'] or ''} |" for r in sorted(rows, key=lambda r: (r["status"] == "pass", r["test"]))]
    said = (f"all {len(nodes)} dbt tests pass" if not bad else f"{len(bad)} of {len(nodes)} dbt tests did not pass: "
            + "; ".join(f"{n.name} {n.status}" + (f" ({n.failures} rows)" if n.failures else "") for n in bad))
    if not_run:
        said += (f"; {len(not_run)} of the model's {len(nodes) + len(not_run)} tests not run in this selection: "
                 + ", ".join(not_run))
    return dg.AssetCheckResult(
        asset_key=key, check_name=DBT_TESTS, passed=not bad,
        severity=dg.AssetCheckSeverity.WARN if all(n.status == "warn" for n in bad) else dg.AssetCheckSeverity.ERROR,
        description=said,
        metadata={"tests": len(nodes), "not_passed": len(bad), "results": dg.MetadataValue.md("\n".join(table)),
                  "failing_tests": dg.MetadataValue.json([r for r in rows if r["status"] not in ("pass", "not run")]),
                  **({"not_run": len(not_run)} if not_run else {})},
    )


def _mart_keys() -> list[dg.AssetKey]:
    """Every model of the marts schema, as the translator names it."""
    nodes = _manifest_json()["nodes"].values()
    return sorted((dg.AssetKey([n["schema"], n["alias"]]) for n in nodes
                   if n["resource_type"] == "model" and n["schema"] == "marts"), key=lambda k: k.path)


@dg.asset(key=["exports", "parquet"],
          deps=_mart_keys(),
          group_name="exports", kinds={"parquet", "duckdb"}, pool="warehouse",
          backfill_policy=dg.BackfillPolicy.single_run(),
          automation_condition=dg.AutomationCondition.eager())
def exports_parquet(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
    """Every marts.* relation as Parquet under $YUSUAN_EXPORTS (default data/exports), partitioned year=YYYY/."""
    out = settings.load().exports
    with warehouse.get_connection() as con:
        manifest = wh.export(con, out)
    return dg.MaterializeResult(metadata={
        "path": str(out),
        "relations": dg.MetadataValue.md("\n".join(
            f"- `{r['relation']}`: {r['row_count']} rows" for r in manifest["relations"])),
        "dagster/row_count": sum(r["row_count"] for r in manifest["relations"]),
    })


warehouse_automation = dg.AutomationConditionSensorDefinition(
    "warehouse_automation",
    target=dg.AssetSelection.groups("dw", "marts", "exports"),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)
