"""One asset per dbt model of ``sql/`` (dagster-dbt ``@dbt_assets``), its dbt tests as asset checks, and the export.

Lineage: ``raw/filings`` (every dbt source: the tables the filing assets load) → ``dw/*`` → ``marts/*``
→ ``exports/parquet``.  The step builds the models as ``yusuan ingest`` does — all of them from dbt's compiled
SQL (:mod:`pipelines.lib.model_runs`, compiled once per project version), a selection with ``dbt build
--select`` (:func:`pipelines.lib.transform.build`) — and reports each model as a materialization and each
dbt test as an asset check.  Writers share the ``warehouse`` pool, so a build never waits for the file's lock.
"""

import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets
from dagster_duckdb import DuckDBResource

from pipelines.defs.filings import FILE
from pipelines.defs.resources import warehouse_path
from pipelines.lib import model_runs, settings, transform
from pipelines.lib import warehouse as wh

MANIFEST = transform.manifest_path(warehouse_path())


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


TRANSLATOR = YusuanTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@cache
def _manifest_json() -> dict:
    # dagster-dbt reads this file anyway; reading it here, not asking dbt to parse the project, keeps loading
    # the definitions — in the sensor's tick and in every run — free of dbt's import and parse (seconds of CPU)
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def _source_tables() -> list[dg.AssetSpec]:
    """The loader's tables dbt reads (core.documents, staging.*): written by ``raw/filings``, not by dbt."""
    sources = _manifest_json()["sources"].values()
    return [
        dg.AssetSpec(dg.AssetKey([s["source_name"], s["name"]]), deps=[FILE], group_name="loaded",
                     description=f"{s['description']}\n\nWritten by raw/filings (the loader); read by the dbt models.",
                     kinds={"duckdb"})
        for s in sorted(sources, key=lambda s: (s["source_name"], s["name"]))
    ]


source_tables = _source_tables()


def _dbt_name(key: dg.AssetKey) -> str:
    return ".".join(key.path)


@dbt_assets(manifest=MANIFEST, dagster_dbt_translator=TRANSLATOR, name="sql_models", pool="warehouse")
def sql_models(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> Iterator[Any]:
    """The selected models and their tests on the warehouse: all of them as ``yusuan ingest`` builds them (dbt's
    compiled SQL, :mod:`pipelines.lib.model_runs`), a part of them with ``dbt build --select``."""
    with warehouse.get_connection() as con:
        wh.apply_ddl(con)  # the sources (core, staging, …) exist before dbt reads them
    path = str(Path(warehouse.database).resolve())
    selected = {_dbt_name(k) for k in context.selected_asset_keys}
    all_models = wh.models()
    every = selected >= set(all_models) | {"dw.subject_seed"}
    select = None if every else sorted(all_models[n].path.stem for n in selected if n in all_models)
    if not every and "dw.subject_seed" in selected:
        select = [*(select or []), "subject_classes"]
    if every and model_runs.plan(path)["fast"]:
        # every model: dbt's compiled SQL run here (pipelines.lib.model_runs), as `yusuan ingest` runs it — the
        # same models and tests as `dbt build`, without importing dbt's runner in the run's process
        with warehouse.get_connection() as con:
            seen = model_runs.fingerprint(con, model_runs.plan(path)["sources"])
            result = model_runs.run(con, model_runs.plan(path))
            if not result.failed:
                model_runs.record(con, seen, True)
    else:
        result = transform.build(path, select, raise_on_failure=False)
    checks = {spec.key.name: spec.key for spec in context.assets_def.check_specs}
    wanted_checks = set(context.selected_asset_check_keys)
    with warehouse.get_connection() as con:
        for node in result.nodes:
            if node.resource_type in ("model", "seed") and node.status == "success":
                key = dg.AssetKey(node.name.split("."))
                if key in context.selected_asset_keys:
                    rows = con.execute(f"select count(*) from {node.name}").fetchall()[0][0]
                    yield dg.MaterializeResult(asset_key=key, metadata={"dagster/row_count": rows})
            elif node.resource_type == "test" and node.name in checks and checks[node.name] in wanted_checks:
                key = checks[node.name]
                yield dg.AssetCheckResult(
                    asset_key=key.asset_key, check_name=key.name, passed=node.status == "pass",
                    severity=dg.AssetCheckSeverity.ERROR,
                    metadata={"status": node.status, "failing_rows": node.failures or 0},
                )
    if result.failed:
        raise transform.ModelBuildFailed(transform._failure_message(result), result.failed)


def _mart_keys() -> list[dg.AssetKey]:
    """Every model of the marts schema, as the translator names it."""
    nodes = _manifest_json()["nodes"].values()
    return sorted((dg.AssetKey([n["schema"], n["alias"]]) for n in nodes
                   if n["resource_type"] == "model" and n["schema"] == "marts"), key=lambda k: k.path)


@dg.asset(key=["exports", "parquet"],
          deps=_mart_keys(),
          group_name="exports", kinds={"parquet", "duckdb"}, pool="warehouse",
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
