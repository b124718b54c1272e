"""Supersession and the restatement ledger: a new filing of the same county, department, year, doc_type
and scope replaces the older one, and every fact whose amount changed, appeared or disappeared goes to
``core.restatements``.  Runs inside the loader's transaction (:mod:`pipelines.lib.load`).
"""


from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

# How each relation's facts are matched between an old and a new filing, and where the key
# columns go in the ledger.  Amounts are summed per key: a subject printed twice counts once.
_RESTATED = {
    "budget_lines": {
        "table": "staging.budget_lines",
        "keys": {
            "table_kind": "table_kind",
            "classification": "classification",
            "subject_code": "subject_code",
            "measure": "measure",
            "basis": "basis",
        },
        "wan": "amount_wan",
        "yuan": "amount_yuan",
    },
    "budget_summary": {
        "table": "staging.budget_summary",
        "keys": {
            "table_kind": "table_kind",
            "side": "side",
            "item": "item",
            "subject_code": "subject_code",
            "measure": "measure",
            "basis": "basis",
        },
        "wan": "amount_wan",
        "yuan": "amount_yuan",
    },
    "three_public": {
        "table": "staging.three_public",
        "keys": {
            "'three_public'": "table_kind",
            "category": "category",
            "fund_source": "measure",
            "basis": "basis",
        },
        "wan": "amount_wan",
        "yuan": "amount_yuan",
    },
    "projects": {
        "table": "staging.projects",
        "keys": {"'performance_target'": "table_kind", "project_name": "item", "'cost_wan'": "measure"},
        "wan": "cost_wan",
        "yuan": None,
    },
}


def supersede_older(
    con: duckdb.DuckDBPyConnection, doc: dict[str, Any], now: datetime
) -> tuple[list[str], int]:
    """Mark older loaded filings of the same department, year, doc_type and scope superseded; log
    what changed.  A 单位预算 never replaces its 部门预算, nor a 决算 a 预算."""
    if doc["year"] is None or (doc["department_code"] is None and doc["department_name"] is None):
        return [], 0  # cannot tell which filing this one would replace
    if doc["department_code"] is not None:
        same_department = "department_code = ?"
        department = doc["department_code"]
    else:
        same_department = "department_code is null and department_name = ?"
        department = doc["department_name"]
    older = [
        row[0]
        for row in con.execute(
            f"""
            select document_id from core.documents
            where status = 'loaded' and document_id <> ?
                and county is not distinct from ? and {same_department}
                and year = ? and doc_type = ? and scope = ? and part is not distinct from ?
            order by ingested_at
            """,
            [doc["document_id"], doc["county"], department, doc["year"], doc["doc_type"], doc["scope"],
             doc.get("part")],
        ).fetchall()
    ]
    restated = 0
    for old_id in older:
        for relation, spec in _RESTATED.items():
            restated += _restate(con, relation, spec, old_id, doc, now)
        con.execute(
            "update core.documents set status = 'superseded', superseded_by = ?, "
            "status_changed_at = ? where document_id = ?",
            [doc["document_id"], now, old_id],
        ).fetchall()
    return older, restated


def _restate(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    spec: dict[str, Any],
    old_id: str,
    doc: dict[str, Any],
    now: datetime,
) -> int:
    keys: dict[str, str] = spec["keys"]  # source expression -> ledger column
    select_keys = ", ".join(f"{expr} as {col}" for expr, col in keys.items())
    group = ", ".join(keys.values())
    yuan = f"sum({spec['yuan']})" if spec["yuan"] else "null::decimal(18, 2)"
    side = f"""
        select {select_keys}, sum({spec["wan"]}) as wan, {yuan} as yuan
        from {spec["table"]} where document_id = ? group by {group}
    """
    on = " and ".join(f"o.{col} is not distinct from n.{col}" for col in keys.values())
    picked = ", ".join(f"coalesce(o.{col}, n.{col}) as {col}" for col in keys.values())
    sql = f"""
        insert into core.restatements by name
        with o as ({side}), n as ({side})
        select
            ? as county, ? as department_code, ? as department_name, ? as year, ? as doc_type,
            ? as scope, ? as old_document_id, ? as new_document_id, ? as relation,
            {picked},
            case when o.wan is null then 'appeared'
                 when n.wan is null then 'disappeared'
                 else 'changed' end as change_kind,
            o.yuan as old_amount_yuan, n.yuan as new_amount_yuan,
            o.wan as old_amount_wan, n.wan as new_amount_wan,
            ? as detected_at
        from o full join n on {on}
        where o.wan is distinct from n.wan
    """
    params = [
        old_id,
        doc["document_id"],
        doc["county"],
        doc["department_code"],
        doc["department_name"],
        doc["year"],
        doc["doc_type"],
        doc["scope"],
        old_id,
        doc["document_id"],
        relation,
        now,
    ]
    result = con.execute(sql, params).fetchall()
    return int(result[0][0]) if result else 0
