"""The ingest's compiled model plan is one for every warehouse name: a warehouse file with a new name builds its
models without another ``dbt compile`` (~6 CPU s), and the SQL it runs names that warehouse, as dbt would."""

from __future__ import annotations

from wh_filings import weixian_2023_frames, weixian_doc

from pipelines.lib import model_runs, transform, warehouse


def test_a_warehouse_with_a_new_name_builds_from_the_one_compiled_plan(tmp_path, monkeypatch):
    compiles = []
    real = model_runs._compile
    monkeypatch.setattr(model_runs, "_compile", lambda wh: compiles.append(wh) or real(wh))
    monkeypatch.setenv("YUSUAN_DBT_ARTIFACTS", str(tmp_path / "artifacts"))  # no plan cached yet
    built = {}
    for name in ("county_a", "县b-2026"):
        con = warehouse.connect(tmp_path / name / f"{name}.duckdb")
        try:
            warehouse.apply_ddl(con)
            warehouse.load_document(con, weixian_doc(), weixian_2023_frames())
            the_plan = model_runs.plan(transform.database_path(con))
            sql = "\n".join(step["sql"] for step in the_plan["steps"])
            assert f'"{name}"."staging"."budget_lines"' in sql
            assert model_runs.PLAN_DATABASE not in sql
            assert model_runs.refresh(con, tests=True) == "built"
            built[name] = con.execute("select count(*) from marts.budget_lines").fetchall()[0][0]
        finally:
            con.close()
    assert len(compiles) == 1  # the second name reused the first one's plan
    assert built["county_a"] == built["县b-2026"] > 0
