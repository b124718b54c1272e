"""Fixtures for the warehouse tests: a fresh DuckDB file per test (sqlite-utils' fresh_db)."""

from __future__ import annotations

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
