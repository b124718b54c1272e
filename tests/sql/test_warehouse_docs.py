"""docs/warehouse.md stays true: its example queries run and every mart column is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from wh_filings import weixian_2023_final_frames, weixian_2023_frames, weixian_doc

from pipelines.lib import warehouse

DOC = Path(warehouse.__file__).resolve().parents[2] / "docs" / "warehouse.md"
TEXT = DOC.read_text(encoding="utf-8")
QUERIES = re.findall(r"```sql\n(.*?)```", TEXT, flags=re.S)


def sections() -> dict[str, str]:
    """Each '### `relation`' section's text, by relation name."""
    parts = re.split(r"^### `([a-z_.]+)`.*$", TEXT, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """One warehouse for the module: every test here only reads it (the doc's queries are SELECTs)."""
    con = warehouse.connect(tmp_path_factory.mktemp("docs") / "warehouse.duckdb")
    warehouse.apply_ddl(con)
    frames = weixian_2023_frames()
    warehouse.load_document(con, weixian_doc("2022", year=2022), frames)
    changed = frames["three_public"].with_columns(amount_wan=frames["three_public"]["amount_wan"] * 2)
    warehouse.load_document(con, weixian_doc("2023-v1"), frames)
    warehouse.load_document(con, weixian_doc("2023-v2"), weixian_2023_frames(three_public=changed))
    warehouse.load_document(con, weixian_doc("2023-final", doc_type="final_accounts"), weixian_2023_final_frames())
    warehouse.rebuild_models(con)
    yield con
    con.close()


def test_the_doc_has_at_least_five_example_queries():
    assert len(QUERIES) >= 5


@pytest.mark.parametrize("query", QUERIES, ids=[f"query{i}" for i in range(len(QUERIES))])
def test_example_query_runs_and_finds_rows(filled, query):
    rows = filled.execute(query).fetchall()
    assert rows, query


def test_every_mart_and_its_columns_are_documented(filled):
    documented = sections()
    columns = filled.execute(
        "select table_schema || '.' || table_name, column_name from information_schema.columns "
        "where table_schema in ('marts', 'core', 'quality')"
    ).fetchall()
    assert {rel for rel, _ in columns} <= set(documented)
    for relation, column in columns:
        assert f"`{column}`" in documented[relation], f"{relation}.{column} is not in docs/warehouse.md"


def test_every_dw_relation_is_documented(filled):
    relations = filled.execute(
        "select table_schema || '.' || table_name from information_schema.tables where table_schema = 'dw'"
    ).fetchall()
    for (relation,) in relations:
        assert f"`{relation}`" in TEXT


def test_findings_example_uses_the_quoted_check_column():
    assert any('"check"' in q for q in QUERIES)
