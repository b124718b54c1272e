"""Suite-wide rules.

Tests marked ``real`` read the published filings in ``../shared/real_samples``. On a developer's machine without
that folder they are skipped, and the terminal summary says how many; in CI (``CI=true``) a missing folder fails
the run before any test starts, so a green CI always means the real filings were read.
"""

from __future__ import annotations

import os

import pytest

from tests.real.real_samples import REAL

_IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def _models_without_data_tests(monkeypatch):
    """Tests check what the models compute; the models' dbt data tests (grain, values, relationships: about
    two thirds of a build's time) run in tests/sql/test_dbt_project.py and wherever a test sets
    YUSUAN_MODEL_TESTS=1, and in every ingest a user runs — not on each of the suite's hundreds of rebuilds."""
    monkeypatch.setenv("YUSUAN_MODEL_TESTS", "0")


def pytest_configure(config: pytest.Config) -> None:
    if _IN_CI and not REAL.is_dir():
        raise pytest.UsageError(
            f"{REAL} is absent: CI must read the real filings (tests marked 'real'); "
            "lay ../shared beside the repository"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if REAL.is_dir():
        return
    skip = pytest.mark.skip(reason=f"{REAL} is absent (in CI this fails the run)")
    for item in items:
        if item.get_closest_marker("real"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not REAL.is_dir():
        n = sum(1 for r in terminalreporter.stats.get("skipped", []) if "real" in getattr(r, "keywords", {}))
        terminalreporter.write_line(
            f"NOTE: {REAL} is absent: {n} tests on real filings were skipped (CI fails instead)", yellow=True
        )
