"""Digest of every dw.* and marts.* relation of a warehouse: row count and a sha256 of its rows.

Used to prove the dbt project builds the same tables as the SQL runner it replaced:

    python bench/runner_snapshot.py WAREHOUSE > snapshot.json

Rows are sorted and rendered as text (decimals exact, NULL as \\N) before hashing, so the digest
depends on the content only, not on row order or physical layout.
"""

from __future__ import annotations

import hashlib
import json
import sys

import duckdb

SKIP_COLUMNS = {"ingested_at", "status_changed_at", "detected_at",  # wall-clock times differ per run
                "source_path"}  # where the file was found: differs with the folder ingested from


def snapshot(con: duckdb.DuckDBPyConnection, skip=SKIP_COLUMNS) -> dict[str, dict]:
    """``skip``: the columns left out of the digest (default: those that differ between two loads of the same
    files; ``()`` for every column, comparing two builds over one warehouse)."""
    out: dict[str, dict] = {}
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('dw', 'marts') order by 1, 2"
    ).fetchall()
    for schema, table in tables:
        cols = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
        kept = [c for c, _ in cols if c not in skip]
        exprs = ", ".join(f'coalesce(cast("{c}" as varchar), \'\\N\')' for c in kept)
        rows = con.execute(
            f"select concat_ws('\t', {exprs}) as r from {schema}.{table} order by r"
        ).fetchall()
        digest = hashlib.sha256("\n".join(r[0] for r in rows).encode("utf-8")).hexdigest()
        out[f"{schema}.{table}"] = {
            "rows": len(rows),
            "columns": [f"{c} {t}" for c, t in cols],
            "sha256": digest,
        }
    return out


if __name__ == "__main__":
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(json.dumps(snapshot(con), ensure_ascii=False, indent=1, sort_keys=True))
