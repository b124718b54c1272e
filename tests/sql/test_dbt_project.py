"""The dbt project of sql/: its tests declare every model's grain and vocabulary, catch a broken grain,
build the same tables as the SQL runner it replaced, and document every relation (docs/dictionary.md).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from wh_filings import weixian_2023_frames, weixian_doc

from pipelines.lib import dictionary, transform, vocab, warehouse
from pipelines.schemas import models as schemas

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from runner_snapshot import snapshot  # noqa: E402

# Columns holding a code from a closed list: each must carry an accepted_values test wherever it
# appears in a model (where the same name holds printed text, FREE_TEXT says so).
VOCABULARY_COLUMNS = {
    "table_kind", "measure", "category", "fund_source", "item", "side", "classification", "severity",
    "doc_type", "status", "unit", "change_kind", "relation", "subject_level", "scope",
}
FREE_TEXT = {("marts.restatements", "item"), ("marts.procurement", "item"),  # printed labels
             ("dw.fct_project", "category"), ("marts.projects", "category")}  # a project form's 类别


def test_every_model_has_a_grain_test_and_a_description():
    models = [r for r in dictionary.relations() if r.kind == "model"]
    assert {r.name for r in models} == set(warehouse.model_order())
    for rel in models:
        assert rel.grain, f"{rel.name} declares no grain (unique / unique_combination)"
        assert " — " in rel.description, f"{rel.name}: description needs the Chinese term and the English"
        documented = {c.name for c in rel.columns}
        assert documented >= set(rel.grain), rel.name
        for col in rel.columns:
            assert col.description and "{{" not in col.description, f"{rel.name}.{col.name} has no glossary entry"


def test_every_vocabulary_column_has_an_accepted_values_test():
    for rel in dictionary.relations():
        for col in rel.columns:
            if col.name in VOCABULARY_COLUMNS and (rel.name, col.name) not in FREE_TEXT and rel.kind != "source":
                assert col.vocabularies, f"{rel.name}.{col.name} has no accepted_values test"


def test_the_models_document_every_column_they_build(con):
    warehouse.load_document(con, weixian_doc(), weixian_2023_frames())
    warehouse.rebuild_models(con, tests=True)
    by_name = {r.name: r for r in dictionary.relations()}
    for name in warehouse.model_order():
        schema, table = name.split(".")
        built = [r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
            "order by ordinal_position", [schema, table]).fetchall()]
        assert [c.name for c in by_name[name].columns] == built, name


def test_vocabularies_are_written_from_the_vocab_module_and_current():
    project = (transform.project_dir() / "dbt_project.yml").read_text(encoding="utf-8")
    assert project.endswith("\n" + dictionary.vocabularies_yaml()), (
        "the vocabularies of sql/dbt_project.yml are stale: run `yusuan docs --dictionary`")
    assert dictionary.vocabularies() == vocab.terms()


def test_vocabularies_are_the_validators_lists():
    vocab = {name: list(values) for name, values in dictionary.vocabularies().items()}
    assert vocab["line_table_kind"] == schemas.TABLE_KINDS
    assert vocab["line_measure"] == schemas.BUDGET_MEASURES
    assert vocab["summary_item"] == schemas.SUMMARY_ITEMS
    assert vocab["category"] == schemas.CATEGORIES
    assert vocab["fund_source"] == schemas.FUND_SOURCES
    assert vocab["basis"] == schemas.BASES
    # typed here: a few values and terms as the dictionary has always printed them
    assert vocab["basis"][:3] == ["budget", "adjusted_budget", "final"]
    assert vocab["check_status"] == ["passed", "failed", "not_run"]
    assert dictionary.vocabularies()["category"]["vehicle_operation"] == "公务用车运行费"
    # every value has a Chinese term
    for name, values in dictionary.vocabularies().items():
        for value, term in values.items():
            assert term and any("\u4e00" <= ch <= "\u9fff" for ch in term), (name, value, term)


def test_dictionary_is_generated_from_the_yaml_and_current():
    text = dictionary.render()
    assert dictionary.dictionary_path().read_text(encoding="utf-8") == text, (
        "docs/dictionary.md is stale: run `yusuan docs --dictionary`"
    )
    # figures typed here, not read from the generator: a value and its term, a column and its term
    assert "| `overseas_travel` | 因公出国（境）费 |" in text
    assert "| `fiscal_summary` | 财政拨款收支总表 |" in text
    assert "| `subject_code` | 科目编码" in text


def test_a_duplicated_fact_fails_the_grain_test_and_stops_the_marts(con):
    warehouse.load_document(con, weixian_doc(), weixian_2023_frames())
    warehouse.rebuild_models(con, tests=True)
    before = con.execute("select count(*) from marts.budget_lines").fetchall()[0][0]
    # the same fact twice: a loader bug the grain test must catch
    con.execute(
        "insert into staging.budget_lines select * from staging.budget_lines limit 1"
    )
    with pytest.raises(transform.ModelBuildFailed) as failed:
        warehouse.rebuild_models(con, tests=True)
    message = str(failed.value)
    assert "unique_combination_fct_budget_line_document_id" in message
    assert "marts.budget_lines" in message  # named as skipped
    failed_tests = {n.name for n in failed.value.failures}
    assert any(t.startswith("unique_combination_fct_budget_line") for t in failed_tests)
    # the mart downstream of the broken fact was not rebuilt with the duplicate
    assert con.execute("select count(*) from marts.budget_lines").fetchall()[0][0] == before


def test_an_unknown_code_fails_its_accepted_values_test(con):
    warehouse.load_document(con, weixian_doc(), weixian_2023_frames())
    con.execute("update staging.three_public set category = 'sangong' where category = 'reception'")
    with pytest.raises(transform.ModelBuildFailed, match="accepted_values_fct_three_public_category"):
        warehouse.rebuild_models(con, tests=True)


@pytest.mark.slow
def test_same_facts_and_marts_as_the_sql_runner_it_replaced(tmp_path, monkeypatch):
    """Ingest the shipped docx samples; every dw.* and marts.* table equals what the old runner built.

    runner_baseline/samples.json was written by bench/runner_snapshot.py over the warehouse the
    home-made SQL runner built from the same samples (before the move to dbt); the PDF renderings and
    the real filings were compared the same way (runner_baseline/*.json, see docs/warehouse.md).
    """
    from pipelines.lib.ingest import ingest

    monkeypatch.setenv("YUSUAN_MODEL_TESTS", "1")  # the full dbt build, every test, as `yusuan ingest` runs it
    db = tmp_path / "warehouse.duckdb"
    ingest([ROOT / "data" / "samples"], db, echo=lambda _line: None)
    baseline = json.loads((Path(__file__).parent / "runner_baseline" / "samples.json").read_text(encoding="utf-8"))
    con = warehouse.connect(db, read_only=True)
    try:
        now = snapshot(con)
    finally:
        con.close()
    assert set(now) == set(baseline)
    for name in baseline:
        assert now[name] == baseline[name], name
