"""Fixtures for the warehouse tests: a fresh DuckDB file per test (sqlite-utils' fresh_db)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.lib import warehouse


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "data" / "warehouse.duckdb"


@pytest.fixture
def con(db_path):
    """A fresh warehouse file with the DDL applied (sqlite-utils' fresh_db, for DuckDB)."""
    connection = warehouse.connect(db_path)
    warehouse.apply_ddl(connection)
    yield connection
    connection.close()


@pytest.fixture
def one_sample_inbox(tmp_path) -> Path:
    """``tmp_path`` as a folder to ingest: one shipped 2023 sample under 河北省/邯郸市/魏县."""
    sample = (Path(__file__).resolve().parents[2] / "data/samples/河北省/邯郸市/魏县/2023"
              / "201_中国共产党魏县委员会办公室_2023.docx")
    folder = tmp_path / "河北省" / "邯郸市" / "魏县"
    folder.mkdir(parents=True)
    (folder / sample.name).write_bytes(sample.read_bytes())
    return tmp_path
