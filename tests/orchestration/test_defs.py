"""The Dagster definitions load, and the asset keys analysts and dashboards depend on stay as they are."""

import os

import dagster as dg

from pipelines.definitions import defs


def test_definitions_load_and_name_every_contract_relation():
    d = defs()
    keys = {"/".join(k.path) for k in d.resolve_asset_graph().get_all_asset_keys()}
    expected = {
        "raw/filings", "exports/parquet",
        "marts/budget_lines", "marts/budget_summary", "marts/three_public", "marts/yoy_change",
        "marts/three_public_trend", "marts/performance_indicators", "marts/projects", "marts/restatements",
    }
    assert expected <= keys, expected - keys
    # every SQL model file is an asset
    from pipelines.lib import warehouse

    assert {n.replace(".", "/") for n in warehouse.models()} <= keys


def test_sensors_are_on_by_default_and_writers_share_one_pool():
    d = defs()
    sensors = {s.name: s for s in d.sensors}
    assert sensors["new_filing_sensor"].default_status == dg.DefaultSensorStatus.RUNNING
    assert sensors["warehouse_automation"].default_status == dg.DefaultSensorStatus.RUNNING
    graph = d.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.is_materializable:  # every asset: the filings step and its tables, the models, the export
            assert node.pools == {"warehouse"}, key


_SNAPSHOT = """
import sys
if sys.argv[1] == "dbt-core":
    import dbt.version  # noqa: F401  dagster_dbt then runs as it does with dbt-core
from dagster import serialize_value
from dagster._core.remote_representation.external_data import RepositorySnap
from dagster_shared.libraries import DagsterLibraryRegistry
from pipelines.definitions import defs
print(serialize_value(RepositorySnap.from_def(defs().get_repository_def())))
print("dbt" in sys.modules, "pandas" in sys.modules, DagsterLibraryRegistry.get().get("dbt-core"))
print("pyarrow" in sys.modules, "numpy" in sys.modules)
"""


def test_the_definitions_are_the_same_without_dbt_core_behind_dagster_dbt():
    """The code location's repository snapshot — every asset, check, dependency, job, sensor and resource
    `dagster dev` shows — is the same, byte for byte, whether dagster_dbt imported dbt-core (as it does by itself)
    or not (lean_imports.dagster_dbt_without_dbt_core, ~1.3 CPU s less in every process loading the definitions);
    and loading them imports neither dbt nor pandas (nor pyarrow, numpy), while Dagster still lists dbt-core among the libraries."""
    import subprocess
    import sys
    from importlib.metadata import version

    env = {**os.environ, "PYTHONHASHSEED": "0"}  # the snapshot lists some sets: the same order both ways
    out = {mode: subprocess.run([sys.executable, "-c", _SNAPSHOT, mode], env=env, capture_output=True, text=True,
                                check=True).stdout.splitlines()
           for mode in ("dbt-core", "as-loaded")}
    assert out["as-loaded"][0] == out["dbt-core"][0]
    assert len(out["as-loaded"][0]) > 100_000  # the whole snapshot, not an error message
    assert out["dbt-core"][1] == f"True False {version('dbt-core')}"
    assert out["as-loaded"][1] == f"False False {version('dbt-core')}"
    assert out["as-loaded"][2] == "False False"  # nor pyarrow and numpy: nothing in a run needs them
