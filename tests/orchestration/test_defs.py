"""The Dagster definitions load, and the asset keys analysts and dashboards depend on stay as they are."""

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
