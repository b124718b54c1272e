"""Every build of the models gives the same rows for the same filings.

DuckDB's ``any_value``, ``first``/``last`` without an order, and ``mode`` (on a tie) return whichever row a
thread met first, so a mart's label could change between two builds of one warehouse (seen on 佛山 2019's 三公
label and on ``dw.dim_subject``).  The models pick labels with ``min``/ranked rows instead; this keeps it so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SQL = Path(__file__).resolve().parents[2] / "sql"
ARBITRARY = re.compile(r"\b(any_value|arbitrary|first|last|mode)\s*\(", re.IGNORECASE)


def _models() -> list[Path]:
    return sorted([*SQL.glob("models/**/*.sql"), *SQL.glob("macros/**/*.sql")])


def test_models_are_found() -> None:
    names = {p.stem for p in _models()}
    assert {"dim_subject", "budget_execution", "yoy_change", "documents"} <= names


@pytest.mark.parametrize("path", _models(), ids=lambda p: p.stem)
def test_no_model_picks_an_arbitrary_value(path: Path) -> None:
    text = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))  # a comment may name them
    found = [m.group(0) for m in ARBITRARY.finditer(text)]
    assert not found, f"{path.relative_to(SQL)} picks an arbitrary row with {found}: use min() or a ranked row"
