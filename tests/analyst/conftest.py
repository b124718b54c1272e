"""Fixtures for the analyst-facing tests: the demo warehouse, built once by the real CLI."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest

from pipelines.cli import main

ROOT = Path(__file__).parents[2]
SAMPLES = ROOT / "data" / "samples"
N_SAMPLES = len(list(SAMPLES.rglob("*.docx")))  # the demo's filings, each loaded
OLD_DUCKDB = ROOT / ".venv" / "duckdb-old"  # DuckDB 1.4/1.5, installed there by scripts/test.sh


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Run ``yusuan ARGV`` in this process; (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo's warehouse: `yusuan ingest data/samples` into a fresh file (read it, do not write it)."""
    db = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    code, out, err = run_cli("ingest", str(SAMPLES), "--db", str(db))
    assert code == 0, out + err
    return db


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    """A private copy of the demo warehouse, for tests that write or lock it."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_db, db)
    return db


def old_duckdb_path() -> Path | None:
    """Where an older DuckDB (1.4/1.5) is installed, or None (a failure in CI, where test.sh installs it)."""
    if (OLD_DUCKDB / "duckdb").is_dir():
        return OLD_DUCKDB
    if os.environ.get("CI"):
        pytest.fail(f"no DuckDB 1.4/1.5 at {OLD_DUCKDB}: scripts/test.sh installs it")
    return None
