"""The warehouse's tables: ``sql/ddl/*.sql`` (``create … if not exists`` for the schemas ``core``,
``raw``, ``staging``, ``quality``, ``dw`` and ``marts``) run in file-name order, and the seeds of
``sql/seeds/*.csv`` (the national subject classes), after migrating a warehouse an older yusuan built
(:mod:`pipelines.lib.migrations`).

``sql/ddl/20_frames.sql`` (the tables of the per-filing frames) is generated from the pandera models of
``schemas/models.py`` by :func:`write_frames_ddl` (``yusuan docs --dictionary``); the other files are written by hand.
"""


from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from pipelines.lib import migrations, transform
from pipelines.lib.db import (
    _database_path,
    _sql_literal,
)

if TYPE_CHECKING:  # the models are read when the DDL is written, not by a warehouse connection (pandera costs a
    # process ~0.18 CPU s to import)
    import pandera.polars as pa

SQL_DIR = transform.project_dir()


DDL_DIR = SQL_DIR / "ddl"


SEEDS_DIR = SQL_DIR / "seeds"


SEEDS = {
    # table <- csv file, with the column types the csv holds
    "dw.subject_seed": (
        "subject_classes.csv",
        {
            "classification": "varchar",
            "subject_code": "varchar",
            "subject_name": "varchar",
            "subject_level": "tinyint",
            "parent_code": "varchar",
        },
    ),
}


def ddl_files() -> list[Path]:
    """The DDL scripts, in the order :func:`apply_ddl` runs them."""
    return sorted(DDL_DIR.glob("*.sql"))


def apply_ddl(con: duckdb.DuckDBPyConnection) -> None:
    """Create every schema and table that does not exist yet and (re)load the seeds.

    Idempotent: run it on every start.  Existing data is never touched, apart from the seed
    tables, which are replaced by the csv files' content.  A warehouse built by an older yusuan
    is migrated in place first (:mod:`pipelines.lib.migrations`), in the same transaction; one
    built by a newer yusuan raises :class:`WarehouseSchemaError` and is left as it was.
    """
    con.begin()
    try:
        fresh = migrations.current_version(con) is None
        ran = migrations.prepare(con, _database_path(con))
        for path in ddl_files():
            con.execute(path.read_text(encoding="utf-8")).fetchall()
        for table, (file_name, columns) in SEEDS.items():
            csv = _sql_literal(str(SEEDS_DIR / file_name))
            types = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
            con.execute(f"delete from {table}").fetchall()
            con.execute(
                f"insert into {table} by name "
                f"select * from read_csv({csv}, header = true, columns = {{{types}}})"
            ).fetchall()
        migrations.record(con, ran, fresh=fresh)
        con.commit()
    except Exception:
        con.rollback()
        raise


# ---------------------------------------------------------------------------------------------
# The tables of the per-filing frames, generated from their pandera models (schemas/models.py)

FRAMES_DDL = "20_frames.sql"

_SQL_TYPES = {pl.String: "varchar", pl.Int8: "tinyint", pl.Int16: "smallint", pl.Int32: "integer",
              pl.Int64: "bigint", pl.Boolean: "boolean"}
_RESERVED = frozenset({"all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case",
                       "cast", "check", "collate", "column", "constraint", "create", "default", "deferrable", "desc",
                       "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant",
                       "group", "having", "in", "initially", "intersect", "into", "lateral", "leading", "limit",
                       "not", "null", "offset", "on", "only", "or", "order", "placing", "primary", "references",
                       "returning", "select", "symmetric", "table", "then", "to", "trailing", "true", "union",
                       "unique", "using", "variadic", "when", "where", "window", "with"})


def sql_type(dtype: pl.DataType) -> str:
    """The DuckDB type that keeps a polars dtype exactly (Decimal keeps its precision and scale)."""
    if isinstance(dtype, pl.Decimal):
        return f"decimal({dtype.precision}, {dtype.scale})"
    return _SQL_TYPES[dtype]


def _quoted(name: str) -> str:
    return f'"{name}"' if name in _RESERVED else name


def _comment(text: str, width: int = 112) -> list[str]:
    return ["-- " + line for line in textwrap.wrap(" ".join(text.split()), width - 3)]


def table_ddl(table: str, model: type[pa.DataFrameModel]) -> str:
    """``create table if not exists`` for one model: its columns in order, typed, with the ``not null``, default
    and ``check`` its fields' ``metadata['sql']`` ask for and each field's description as a comment."""
    schema = model.to_schema()
    lines = []
    columns = list(schema.columns.items())
    for i, (name, column) in enumerate(columns):
        spec = (column.metadata or {}).get("sql", {})
        parts = [_quoted(name), sql_type(column.dtype.type)]
        if spec.get("not_null"):
            parts.append("not null")
        if spec.get("default") is not None:
            parts.append(f"default {spec['default']}")
        if spec.get("check"):
            (allowed,) = [c.statistics["allowed_values"] for c in column.checks if "allowed_values" in c.statistics]
            parts.append(f"check ({_quoted(name)} in ({', '.join(_sql_literal(str(v)) for v in allowed)}))")
        line = "    " + " ".join(parts) + ("," if i < len(columns) - 1 else "")
        if column.description:
            line += "  -- " + column.description
        lines.append(line)
    doc = _comment(model.__doc__ or "")
    return "\n".join([*doc, f"create table if not exists {table} (", *lines, ");"])


def frames_ddl() -> str:
    """The text of ``sql/ddl/20_frames.sql``: one table per relation of ``schemas/models.py``."""
    head = [
        "-- GENERATED from schemas/models.py (pipelines.schemas.models.RELATIONS) by `yusuan docs --dictionary`:",
        "-- edit the models, not this file (tests/sql/test_warehouse_load.py fails when it is stale).",
        "-- One table per tidy frame, same column names, order and types, keyed by document_id.  Rows of every",
        "-- filing ever loaded stay here, superseded ones included (the ledger and audits need them); the dw models",
        "-- keep only documents with status 'loaded'.  No indexes: loads are bulk appends and per-document reads",
        "-- prune by row-group min/max.  A column added to a table a warehouse already has also needs a migration",
        "-- (pipelines/lib/migrations.py).",
    ]
    from pipelines.schemas.models import RELATIONS

    tables = [table_ddl(r.table, r.model) for r in RELATIONS]
    return "\n".join(head) + "\n\n" + "\n\n".join(tables) + "\n"


def write_frames_ddl(path: Path | None = None) -> Path:
    path = path or DDL_DIR / FRAMES_DDL
    path.write_text(frames_ddl(), encoding="utf-8")
    return path
