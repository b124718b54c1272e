"""The warehouse's tables: ``sql/ddl/*.sql`` (``create … if not exists`` for the schemas ``core``,
``raw``, ``staging``, ``quality``, ``dw`` and ``marts``) run in file-name order, and the seeds of
``sql/seeds/*.csv`` (the national subject classes), after migrating a warehouse an older yusuan built
(:mod:`pipelines.lib.migrations`).
"""


from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.lib import migrations, transform
from pipelines.lib.db import (
    _database_path,
    _sql_literal,
)

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
