"""The whole graph materialized in-process over the shipped samples into a temporary DuckDB."""

import json
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines.defs.filings import ingest_filings
from pipelines.defs.models import MANIFEST, exports_parquet, sql_models
from pipelines.defs.resources import Inbox
from pipelines.defs.run_filings import FILE, filings
from pipelines.defs.sensors import RANGE_END, RANGE_START, new_filing_sensor
from pipelines.lib import model_runs

SAMPLES_DIR = Path(__file__).parents[2] / "data" / "samples"
TABLES = ingest_filings.keys - {FILE}  # the loaded tables dbt reads, materialized by the filings step


def dbt_tests_by_model() -> dict[tuple[str, ...], list[str]]:
    """dbt's own record (manifest.json) of which model or seed each data test is attached to."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    out: dict[tuple[str, ...], list[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        attached = node.get("attached_node") or (node["depends_on"]["nodes"][0]
                                                 if len(node["depends_on"]["nodes"]) == 1 else None)
        if attached in manifest["nodes"]:  # a test of a source (the loader's tables) is no model's check
            parent = manifest["nodes"][attached]
            out.setdefault((parent["schema"], parent["alias"]), []).append(node["name"])
    return out


def run_graph(instance, inbox, db, out, monkeypatch):
    monkeypatch.setenv("YUSUAN_EXPORTS", str(out))
    resources = {"warehouse": DuckDBResource(database=str(db)), "inbox": Inbox(path=str(inbox))}
    ctx = dg.build_sensor_context(instance=instance, resources={"inbox": Inbox(path=str(inbox))})
    result = new_filing_sensor(ctx)
    for req in result.dynamic_partitions_requests:
        instance.add_dynamic_partitions(filings.name, list(req.partition_keys))
    runs = []
    for req in result.run_requests:  # what the sensor targets: the batch's filings, then the models and the export
        runs.append(dg.materialize([ingest_filings, sql_models, exports_parquet], instance=instance,
                                   resources=resources, run_config=req.run_config,
                                   tags={RANGE_START: req.tags[RANGE_START], RANGE_END: req.tags[RANGE_END]}))
    return result, runs


def test_whole_graph_over_the_samples(instance, inbox, tmp_path, monkeypatch):
    from pipelines.defs.storage import BatchSqliteEventLogStorage

    db, out = tmp_path / "w.duckdb", tmp_path / "exports"
    batches: list[list] = []  # the batches the event log is handed: which partitions of raw/filings each reports
    store = BatchSqliteEventLogStorage.store_event_batch

    def spy(self, events):
        batches.append([e.dagster_event.partition for e in events if e.dagster_event
                        and e.dagster_event.event_type_value == "ASSET_MATERIALIZATION"
                        and e.dagster_event.asset_key == FILE])
        return store(self, events)

    monkeypatch.setattr(BatchSqliteEventLogStorage, "store_event_batch", spy)
    sensed, runs = run_graph(instance, inbox, db, out, monkeypatch)
    assert len(sensed.run_requests) == 1  # nine filings, one batched run
    assert all(r.success for r in runs)
    # the one run materialized every filing's partition, every model and the export
    materialized = [e.asset_key for e in runs[0].get_asset_materialization_events()]
    assert materialized.count(FILE) == 9
    # each filing's partition is reported with its own file, department, year and outcome (one event per filing)
    per_filing = {e.partition: {k: v.value for k, v in e.materialization.metadata.items()}
                  for e in runs[0].get_asset_materialization_events() if e.asset_key == FILE}
    assert set(per_filing) == set(filings.get_partition_keys(dynamic_partitions_store=instance))
    assert sorted(Path(m["file"]).name for m in per_filing.values()) == sorted(p.name for p in inbox.rglob("*.docx"))
    # … and the event log has them, as the UI reads it, written a commit group at a time (a batch per group, not an
    # event per filing; the first group is committed as soon as it is ready)
    written = [b for b in batches if b]
    assert sorted(k for b in written for k in b) == sorted(per_filing) and len(written) < len(per_filing)
    assert instance.get_materialized_partitions(FILE) == set(per_filing)
    assert {r.partition_key: r.asset_materialization.metadata["department"].value
            for r in instance.fetch_materializations(FILE, limit=100).records} == \
        {k: m["department"] for k, m in per_filing.items()}
    assert {tuple(k.path) for k in materialized if k != FILE} == \
        {*(tuple(k.path) for k in sql_models.keys), ("exports", "parquet"), *(tuple(k.path) for k in TABLES)}
    # the tables it loaded (the dbt sources): once each in the run, not per filing, with their row count
    tables = {e.asset_key: e.materialization.metadata["dagster/row_count"].value
              for e in runs[0].get_asset_materialization_events() if e.asset_key in TABLES}
    assert sorted(materialized).count(dg.AssetKey(["core", "documents"])) == 1
    assert tables[dg.AssetKey(["core", "documents"])] == 9
    checks = [c for c in runs[0].get_asset_check_evaluations() if c.asset_key == FILE]
    assert {c.check_name for c in checks} >= {"hierarchy_sum", "cross_table", "three_public_sum", "schema"}
    assert all(c.passed for c in checks), [c.check_name for c in checks if not c.passed]
    for c in checks:  # one outcome per filing and check (not per table): nine filings, nine outcomes
        counts = [c.metadata[k].value for k in ("filings_passed", "filings_failed", "filings_not_run")]
        assert sum(counts) == 9, (c.check_name, counts)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from core.documents where status = 'loaded'").fetchall() == [(9,)]
        # the reference filing's figures (typed from the seed) reached the marts
        got = con.execute(
            "select amount_wan, amount_yuan from marts.budget_lines where year = 2023 and department_code = '201' "
            "and table_kind = 'expenditure' and subject_code = '2013199' and measure = 'total'").fetchall()
        assert got == [(Decimal("931.200000"), Decimal("9312000.00"))]
        tp = con.execute("select amount_wan from marts.three_public where year = 2023 and department_code = '201' "
                         "and category = 'reception' and fund_source = 'total'").fetchall()
        assert tp == [(Decimal("54.500000"),)]
        n_yoy = con.execute("select count(*) from marts.yoy_change").fetchall()[0][0]
        assert n_yoy > 0
        docs = {r[0][:16]: r[1:] for r in con.execute(
            "select document_id, department_name, year, status, county from core.documents").fetchall()}
        lines = dict(con.execute("select left(document_id, 16), count(*) from staging.budget_lines group by 1")
                     .fetchall())
    assert {k: (m["department"], m["year"], m["status"], m["county"]) for k, m in per_filing.items()} == docs
    assert {k: m["budget_lines"] for k, m in per_filing.items()} == {k: lines.get(k, 0) for k in docs}
    # the nine samples, as their covers print them (typed by hand), each loaded
    assert sorted((m["department"], m["year"], m["doc_type"], m["status"]) for m in per_filing.values()) == [
        ("中国共产党魏县委员会办公室", 2021, "budget", "loaded"), ("中国共产党魏县委员会办公室", 2022, "budget", "loaded"),
        ("中国共产党魏县委员会办公室", 2023, "budget", "loaded"), ("中国共产党魏县委员会办公室", 2024, "budget", "loaded"),
        ("魏县人民政府办公室", 2022, "budget", "loaded"), ("魏县人民政府办公室", 2023, "budget", "loaded"),
        ("魏县教育局", 2022, "budget", "loaded"), ("魏县教育局", 2023, "budget", "loaded"),
        ("魏县教育局", 2023, "final_accounts", "loaded")]
    assert all("error" not in m for m in per_filing.values())
    with duckdb.connect(str(db)) as con:  # the models step recorded each filing's state, as `yusuan ingest` does,
        # so the next build (Dagster's or the CLI's) replaces only the departments a batch touched
        assert con.execute("select count(*) from core.model_build_documents").fetchall() == [(9,)]
        assert model_runs.changed_departments(con, model_runs.plan(str(db.resolve()))) == 0
    assert (out / "manifest.json").exists()
    assert list(out.glob("budget_lines/year=2023/*.parquet"))
    # the dbt tests: one check per model (`dbt_tests`), every test of dbt's manifest counted under its model
    evaluations = [c for c in runs[0].get_asset_check_evaluations() if c.asset_key != FILE]
    assert {c.check_name for c in evaluations} == {"dbt_tests"}
    keys = [tuple(c.asset_key.path) for c in evaluations]
    assert len(keys) == len(set(keys)) == len(dbt_tests_by_model())
    assert set(keys) == set(dbt_tests_by_model())
    assert {tuple(c.asset_key.path): c.metadata["tests"].value for c in evaluations} == \
        {k: len(v) for k, v in dbt_tests_by_model().items()}
    assert all(c.passed for c in evaluations)


def test_rerun_is_idempotent_and_same_file_starts_nothing(instance, inbox, tmp_path, monkeypatch):
    db, out = tmp_path / "w.duckdb", tmp_path / "exports"
    run_graph(instance, inbox, db, out, monkeypatch)
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute("select count(*) from marts.budget_lines").fetchall()
    # materialize the same partitions again: nothing changes
    keys = filings.get_partition_keys(dynamic_partitions_store=instance)
    resources = {"warehouse": DuckDBResource(database=str(db)), "inbox": Inbox(path=str(inbox))}
    assert dg.materialize([ingest_filings], instance=instance, resources=resources,
                          tags={RANGE_START: keys[0], RANGE_END: keys[-1]}).success
    assert dg.materialize([sql_models], instance=instance, resources=resources).success
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from marts.budget_lines").fetchall() == before
        assert con.execute("select count(*) from core.documents").fetchall() == [(9,)]


def test_a_failing_dbt_test_fails_its_models_check_naming_the_test(instance, inbox, tmp_path, monkeypatch):
    db, out = tmp_path / "w.duckdb", tmp_path / "exports"
    run_graph(instance, inbox, db, out, monkeypatch)
    with duckdb.connect(str(db)) as con:  # a category the contract does not know
        con.execute("update staging.three_public set category = 'sangong' where category = 'reception'")
    resources = {"warehouse": DuckDBResource(database=str(db)), "inbox": Inbox(path=str(inbox))}
    result = dg.materialize([sql_models], instance=instance, resources=resources, raise_on_error=False)
    assert not result.success
    by_model = {tuple(c.asset_key.path): c for c in result.get_asset_check_evaluations()}
    failed = by_model[("dw", "fct_three_public")]
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    [bad] = failed.metadata["failing_tests"].value
    assert bad["test"].startswith("accepted_values_fct_three_public_category")
    assert bad["status"] == "fail" and bad["failing_rows"] == 1  # the one value 'sangong'
    assert bad["test"] in failed.description and bad["test"] in failed.metadata["results"].value
    assert failed.metadata["tests"].value == len(dbt_tests_by_model()[("dw", "fct_three_public")])
    assert by_model[("dw", "dim_document")].passed



def test_the_sensors_runs_load_the_batch_then_build_the_models_and_the_export():
    from pipelines.definitions import defs

    d = defs()
    sensor = {s.name: s for s in d.sensors}["new_filing_sensor"]
    job = d.resolve_job_def(sensor.job_name)  # the job its run requests run: the filings' partitions, and
    assert job.partitions_def == filings       # every model and the export in the same run
    assert set(job.asset_layer.executable_asset_keys) == {FILE, *TABLES, *sql_models.keys,
                                                          dg.AssetKey(["exports", "parquet"])}


def test_the_batch_runs_plan_builds_the_models_after_the_filings_step():
    """The models read what the filings step loads: the plan of the sensor's job must say so, not leave the order
    to the in-process executor's step names (a multiprocess or cluster executor starts every ready step at once)."""
    from dagster._core.execution.api import create_execution_plan

    from pipelines.definitions import defs

    d = defs()
    job = d.resolve_job_def({s.name: s for s in d.sensors}["new_filing_sensor"].job_name)
    plan = create_execution_plan(job)
    upstream = {s.key: set(s.get_execution_dependency_keys()) for s in plan.get_all_steps_in_topo_order()}
    assert upstream == {ingest_filings.op.name: set(), sql_models.op.name: {ingest_filings.op.name},
                        exports_parquet.op.name: {sql_models.op.name}}
    # what makes the edge: the tables the filings step loads (the dbt sources) are that step's outputs, so the
    # lineage reads file → tables → models, and each dbt source is one of them
    graph = d.resolve_asset_graph()
    sources = {dg.AssetKey([s["source_name"], s["name"]])
               for s in json.loads(MANIFEST.read_text(encoding="utf-8"))["sources"].values()}
    assert sources <= set(ingest_filings.keys)
    assert all(graph.get(k).parent_keys == {FILE} and not graph.get(k).partitions_def for k in sources)
    assert dg.AssetKey(["staging", "budget_lines"]) in graph.get(dg.AssetKey(["dw", "fct_budget_line"])).parent_keys


def _one_tick(instance, tmp_path, also: dict[str, bytes]):
    """An inbox holding a 2023 sample and ``also`` (file name → bytes) in 魏县, one tick of the sensor over it, its
    partitions added: (the county folder, the sample, the tick's one run request, the run's resources)."""
    inbox = tmp_path / "inbox"
    county = inbox / "河北省/邯郸市/魏县"
    county.mkdir(parents=True)
    good = next((SAMPLES_DIR / "河北省/邯郸市/魏县/2023").glob("201_*.docx"))
    (county / good.name).write_bytes(good.read_bytes())
    for name, data in also.items():
        (county / name).write_bytes(data)
    ctx = dg.build_sensor_context(instance=instance, resources={"inbox": Inbox(path=str(inbox))})
    sensed = new_filing_sensor(ctx)
    for req in sensed.dynamic_partitions_requests:
        instance.add_dynamic_partitions(filings.name, list(req.partition_keys))
    [req] = sensed.run_requests
    resources = {"warehouse": DuckDBResource(database=str(tmp_path / "w.duckdb")), "inbox": Inbox(path=str(inbox))}
    return county, good, req, resources


def test_a_rejected_filing_shows_why_on_its_partition_and_the_batch_goes_on(instance, tmp_path):
    county, good, req, resources = _one_tick(instance, tmp_path, {"broken.docx": b"this is not a Word file"})
    inbox = tmp_path / "inbox"
    # the run request names the batch's files, so the run reads them rather than hash the whole inbox
    assert req.run_config["ops"]["ingest_filings"]["config"]["files"] == {
        k: str(p.relative_to(inbox)) for k, p in Inbox(path=str(inbox)).index().items()}
    run = dg.materialize([ingest_filings], instance=instance, resources=resources, tags=dict(req.tags),
                         run_config=req.run_config)
    assert run.success
    by_file = {Path(e.materialization.metadata["file"].value).name: {k: v.value for k, v in
                                                                   e.materialization.metadata.items()}
               for e in run.get_asset_materialization_events() if e.asset_key == FILE}
    assert set(by_file) == {good.name, "broken.docx"}
    assert by_file[good.name]["status"] == "loaded" and by_file[good.name]["year"] == 2023
    assert by_file["broken.docx"]["status"] == "rejected" and "error" not in by_file[good.name]
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        [(error,)] = con.execute("select error from core.documents where status = 'rejected'").fetchall()
    assert by_file["broken.docx"]["error"] == error  # the reason core.documents records
    assert "is not a Word document or a PDF" in error
    # both partitions count as materialized (a rejection is an outcome, recorded), none is left missing
    assert instance.get_materialized_partitions(FILE) == set(filings.get_partition_keys(dynamic_partitions_store=instance))


def test_a_file_changed_after_the_tick_stops_its_run_saying_so(instance, tmp_path):
    county, good, req, resources = _one_tick(instance, tmp_path, {})
    (county / good.name).write_bytes(good.read_bytes() + b"\0")  # republished before the run: other content
    run = dg.materialize([ingest_filings], instance=instance, resources=resources, tags=dict(req.tags),
                         run_config=req.run_config, raise_on_error=False)
    assert not run.success
    [failure] = [e for e in run.all_events if e.is_step_failure]
    error = failure.step_failure_data.error
    assert f"has content key {req.tags[RANGE_START]}" in error.message + str(error.cause and error.cause.message)


def test_the_automation_starts_nothing_after_a_batch_run_and_builds_the_models_after_a_load_alone(
        instance, inbox, tmp_path, monkeypatch):
    """Now that the loaded tables are materialized, eager `warehouse_automation` sees a load: after the sensor's run
    (filings, tables and models together) nothing is left to build, after a load run alone the models are due."""
    from pipelines.definitions import defs

    d = defs()
    before = dg.evaluate_automation_conditions(defs=d, instance=instance)
    db, out = tmp_path / "w.duckdb", tmp_path / "exports"
    run_graph(instance, inbox, db, out, monkeypatch)
    after_batch = dg.evaluate_automation_conditions(defs=d, instance=instance, cursor=before.cursor)
    assert after_batch.total_requested == 0
    keys = filings.get_partition_keys(dynamic_partitions_store=instance)
    resources = {"warehouse": DuckDBResource(database=str(db)), "inbox": Inbox(path=str(inbox))}
    assert dg.materialize([ingest_filings], instance=instance, resources=resources,
                          tags={RANGE_START: keys[0], RANGE_END: keys[-1]}).success
    after_load = dg.evaluate_automation_conditions(defs=d, instance=instance, cursor=after_batch.cursor)
    requested = {k for r in after_load.results if r.true_subset.size for k in [r.key]}
    assert dg.AssetKey(["dw", "fct_budget_line"]) in requested and dg.AssetKey(["marts", "budget_lines"]) in requested
