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


_KEYS = ("document_id", "county", "department_code", "department_name", "year", "doc_type", "scope", "part")


def can_supersede(doc: dict[str, Any]) -> bool:
    """Whether a filing says enough to tell which filing it would replace: its year, and a department code or name."""
    return doc["year"] is not None and (doc["department_code"] is not None or doc["department_name"] is not None)


def superseded(con: duckdb.DuckDBPyConnection, docs: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The loaded filings each of ``docs`` would supersede, oldest first, by document_id, in one query for all
    (``queries/superseded_by.sql``); a filing without a year, or without a department code and name, none."""
    keys = [{k: doc.get(k) for k in _KEYS} for doc in docs if can_supersede(doc)]
    found: dict[str, list[str]] = {}
    if keys:
        for new_id, old_id in con.execute(query("superseded_by"), {"keys": keys}).fetchall():
            found.setdefault(new_id, []).append(old_id)
    return found


def supersede_older(
    con: duckdb.DuckDBPyConnection, doc: dict[str, Any], now: datetime, older: list[str] | None = None
) -> tuple[list[str], int]:
    """Mark older loaded filings of the same department, year, doc_type and scope superseded; log
    what changed.  A 单位预算 never replaces its 部门预算, nor a 决算 a 预算.  ``older``: what :func:`superseded`
    found for ``doc`` already (a batch asks once for all its filings)."""
    if older is None:
        older = superseded(con, [doc]).get(doc["document_id"], [])
    same = {key: doc[key] for key in ("county", "department_code", "department_name", "year", "doc_type", "scope")}
    restated = 0
    for old_id in older:
        result = con.execute(query("restate"), {
            "old_id": old_id, "new_id": doc["document_id"], "detected_at": now, **same}).fetchall()
        restated += int(result[0][0]) if result else 0
        con.execute(query("mark_superseded"),
                    {"old_id": old_id, "new_id": doc["document_id"], "now": now}).fetchall()
    return older, restated
