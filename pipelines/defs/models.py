"""One asset per SQL model (``sql/warehouse/*.sql``, ``sql/marts/*.sql``) and the Parquet export.

The models are built in one step (a subsettable multi-asset) in dependency order: each is a cheap
``create or replace table … as select``, and one step avoids a process start per model.  Eager
automation rebuilds them whenever new facts land, and the export follows.
"""


import os
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.defs.filings import FILE
from pipelines.defs.resources import warehouse_connection
from pipelines.lib import warehouse as wh

MODELS = wh.models()


def _key(name: str) -> dg.AssetKey:
    return dg.AssetKey(name.split("."))


def _spec(name: str) -> dg.AssetSpec:
    m = MODELS[name]
    schema = name.split(".")[0]
    deps = [_key(d) for d in m.deps] or [FILE]
    first = next((ln.strip("- ").strip() for ln in m.sql.splitlines() if ln.startswith("--")), "")
    return dg.AssetSpec(
        _key(name), deps=deps, group_name=schema, kinds={"duckdb", "sql"}, code_version=m.code_version,
        description=(first or f"{name}, built from {m.path.name}") + f"\n\nSQL: sql/{schema}/{m.path.name}",
        automation_condition=dg.AutomationCondition.eager(),
    )


@dg.multi_asset(specs=[_spec(n) for n in wh.model_order()], can_subset=True, pool="warehouse",
                name="sql_models")
def sql_models(context: dg.AssetExecutionContext, warehouse: DuckDBResource):
    """Rebuild the selected SQL models in dependency order, in one transaction."""
    selected = {"/".join(k.path) for k in context.selected_asset_keys}
    with warehouse_connection(warehouse, context.log) as con:
        wh.apply_ddl(con)
        con.begin()
        try:
            counts = {n: wh.run_model(con, n) for n in wh.model_order() if n.replace(".", "/") in selected}
            con.commit()
        except Exception:
            con.rollback()
            raise
    for name, rows in counts.items():
        yield dg.MaterializeResult(asset_key=_key(name), metadata={"dagster/row_count": rows})


@dg.asset(key=["exports", "parquet"], deps=[_key(n) for n in MODELS if n.startswith("marts.")],
          group_name="exports", kinds={"parquet", "duckdb"}, pool="warehouse",
          automation_condition=dg.AutomationCondition.eager())
def exports_parquet(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
    """Every marts.* relation as Parquet under $YUSUAN_EXPORTS (default data/exports), partitioned year=YYYY/."""
    out = Path(os.environ.get("YUSUAN_EXPORTS", "data/exports"))
    with warehouse_connection(warehouse, context.log) as con:
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
