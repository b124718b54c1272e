"""Supersession and the restatement ledger: a new filing of the same county, department, year, doc_type
and scope replaces the older one, and every fact whose amount changed, appeared or disappeared goes to
``core.restatements``.  Runs inside the loader's transaction (:mod:`pipelines.lib.load`).

The SQL is in ``pipelines/lib/queries/`` (read through ``importlib.resources``, with named parameters):
``superseded_by.sql`` finds the filings a new one replaces, ``restate.sql`` writes what changed in
``staging.budget_lines``, ``budget_summary``, ``three_public`` and ``projects`` to the ledger (the key columns
each relation's facts are matched on are written there), ``mark_superseded.sql`` retires the old filing.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import duckdb


@cache
def query(name: str) -> str:
    """The SQL of ``pipelines/lib/queries/<name>.sql``."""
    return resources.files("pipelines.lib").joinpath("queries", f"{name}.sql").read_text(encoding="utf-8")


def supersede_older(
    con: duckdb.DuckDBPyConnection, doc: dict[str, Any], now: datetime
) -> tuple[list[str], int]:
    """Mark older loaded filings of the same department, year, doc_type and scope superseded; log
    what changed.  A 单位预算 never replaces its 部门预算, nor a 决算 a 预算."""
    if doc["year"] is None or (doc["department_code"] is None and doc["department_name"] is None):
        return [], 0  # cannot tell which filing this one would replace
    same = {key: doc[key] for key in ("county", "department_code", "department_name", "year", "doc_type", "scope")}
    older = [row[0] for row in con.execute(
        query("superseded_by"), {"new_id": doc["document_id"], "part": doc.get("part"), **same}).fetchall()]
    restated = 0
    for old_id in older:
        result = con.execute(query("restate"), {
            "old_id": old_id, "new_id": doc["document_id"], "detected_at": now, **same}).fetchall()
        restated += int(result[0][0]) if result else 0
        con.execute(query("mark_superseded"),
                    {"old_id": old_id, "new_id": doc["document_id"], "now": now}).fetchall()
    return older, restated
