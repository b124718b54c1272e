"""Warehouse schema versions and the migrations between them.

The warehouse records its schema version in ``core.schema_version`` (one row per version it was
created at or migrated to; the current version is the largest).  :func:`prepare` runs on every
writing open (``warehouse.apply_ddl``), before the ``create … if not exists`` DDL:

- a new, empty file: nothing to migrate; the DDL creates everything and the current version is
  recorded;
- a file built by an older yusuan: each migration from its version up runs, in one transaction
  with the DDL, so every fact is kept and a failure leaves the file as it was;
- a file built by a newer yusuan (a version this code does not know): refused, with
  :class:`WarehouseTooNew` saying to upgrade yusuan or point ``--db`` elsewhere;
- a file that is not a yusuan warehouse at all (tables but no ``core.documents``): refused with
  :class:`WarehouseNotYusuan`.

Version 1 is every warehouse from before versioning (it has ``core.documents`` but no
``core.schema_version``).  A migration is data: the version it leads to, why, and the statements.
A new *table* needs no migration (the DDL's ``create table if not exists`` adds it to old files);
a new *column* on an existing table does: add a row to :data:`MIGRATIONS` and bump
:data:`SCHEMA_VERSION`.  ``tests/sql/test_migrations.py`` fails when the DDL and the migrated
schema of an old warehouse disagree on any column.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

SCHEMA_VERSION = 5


@dataclass(frozen=True)
class Migration:
    version: int  # the version this migration leads to
    why: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        2,
        "决算 and 单位 filings (issue #12): core.documents.scope; basis on every fact; scope and basis "
        "in the restatement ledger.  Existing rows were budget filings of whole departments.",
        (
            "alter table core.documents add column if not exists scope varchar default 'department'",
            "update core.documents set scope = 'department' where scope is null",
            "update core.documents set doc_type = 'budget' where doc_type is null",
            "alter table core.documents alter column scope set not null",
            "alter table staging.budget_lines add column if not exists basis varchar default 'budget'",
            "alter table staging.budget_summary add column if not exists basis varchar default 'budget'",
            "alter table staging.three_public add column if not exists basis varchar default 'budget'",
            "update staging.budget_lines set basis = 'budget' where basis is null",
            "update staging.budget_summary set basis = 'budget' where basis is null",
            "update staging.three_public set basis = 'budget' where basis is null",
            "alter table staging.budget_lines alter column basis set not null",
            "alter table staging.budget_summary alter column basis set not null",
            "alter table staging.three_public alter column basis set not null",
            "alter table core.restatements add column if not exists scope varchar",
            "alter table core.restatements add column if not exists basis varchar",
            "update core.restatements set scope = 'department' where scope is null",
            "update core.restatements set basis = 'budget' "
            "where basis is null and relation in ('budget_lines', 'budget_summary', 'three_public')",
            # What a project's 绩效目标 form prints (docs/warehouse.md), added just before versioning: a version-1
            # warehouse may lack these columns.  (The DDL used to add them with `alter table … if not exists`.)
            *(f"alter table staging.projects add column if not exists {column} {kind}" for column, kind in (
                ("cost_basis", "varchar"), ("project_code", "varchar"), ("supervisor", "varchar"),
                ("implementer", "varchar"), ("nature", "varchar"), ("category", "varchar"),
                ("total_funds_yuan", "decimal(18, 2)"), ("total_funds_wan", "decimal(18, 6)"),
                ("annual_funds_yuan", "decimal(18, 2)"), ("annual_funds_wan", "decimal(18, 6)"),
                ("fiscal_funds_yuan", "decimal(18, 2)"), ("fiscal_funds_wan", "decimal(18, 6)"),
                ("objective", "varchar"), ("overall_objective", "varchar"), ("attributes", "varchar"))),
        ),
    ),
    Migration(
        3,
        "Split filings (issue #11): core.documents.part ('narrative' for the narrative half of a filing published "
        "as two files).  Existing rows were whole filings.  (quality.coverage, quality.coverage_gaps and "
        "core.department_aliases are new tables the DDL creates.)",
        ("alter table core.documents add column if not exists part varchar",),
    ),
    Migration(
        4,
        "Department names without their scope (issue #11): core.documents.printed_name keeps 泉州市人民政府办公室"
        "（本级） where department_name is 泉州市人民政府办公室; core.department_aliases may say matched_by "
        "'scope suffix' (the table is rebuilt with that value allowed, every row kept).",
        (
            "alter table core.documents add column if not exists printed_name varchar",
            "create table if not exists core.department_aliases (county varchar, alias varchar not null, "
            "department varchar not null, matched_by varchar not null, document_id varchar, recorded_at timestamptz)",
            "alter table core.department_aliases rename to department_aliases_v3",
            "create table core.department_aliases (county varchar, alias varchar not null, department varchar not "
            "null, matched_by varchar not null check (matched_by in ('printed', 'abbreviation', 'contained', "
            "'scope suffix')), document_id varchar, recorded_at timestamptz)",
            "insert into core.department_aliases select county, alias, department, matched_by, document_id, "
            "recorded_at from core.department_aliases_v3",
            "drop table core.department_aliases_v3",
        ),
    ),
    Migration(
        5,
        "Cross-classified tables (issue #11): staging.budget_lines.cross_code / cross_name (a row's codes in the "
        "table's other classification columns) and section / section_name (a table printing its subjects once per "
        "unit, the unit named or not).  Existing rows came from tables with one classification, printed once: all "
        "four stay null.",
        (
            "alter table staging.budget_lines add column if not exists cross_code varchar",
            "alter table staging.budget_lines add column if not exists cross_name varchar",
            "alter table staging.budget_lines add column if not exists section smallint",
            "alter table staging.budget_lines add column if not exists section_name varchar",
        ),
    ),
)

VERSION_DDL = """
create schema if not exists core;
create table if not exists core.schema_version (
    version integer not null,
    applied_at timestamptz not null default current_timestamp,
    note varchar
)
"""


class WarehouseSchemaError(RuntimeError):
    """The warehouse file cannot be used by this version of yusuan."""


class WarehouseTooNew(WarehouseSchemaError):
    pass


class WarehouseNotYusuan(WarehouseSchemaError):
    pass


class WarehouseDamaged(WarehouseSchemaError):
    pass


# What DuckDB says when a file is not a database, is cut short or has a bad block.
_DAMAGE = ("not a valid duckdb database", "could not read enough bytes", "corrupt", "checksum", "invalid block")


def damaged_message(path: str, detail: str) -> str:
    return (
        f"the warehouse {path} is damaged or not a DuckDB database ({detail.strip()}); nothing was "
        "changed.  Restore it from a backup, or re-run `yusuan ingest` with a new --db (the filings "
        "are the source: a fresh warehouse rebuilds every fact)"
    )


def is_damage(err: BaseException) -> bool:
    return any(word in str(err).lower() for word in _DAMAGE)


def check_intact(con: duckdb.DuckDBPyConnection, path: str, file_size: int) -> None:
    """Refuse a file shorter than the blocks in use need (cut off by a full disk or a copy).

    Only *used* blocks count: after a checkpoint DuckDB truncates free blocks off the end of the file
    while its free list still counts them in ``total_blocks``, so a healthy file can be far shorter
    than ``total_blocks`` says (a dropped-and-rebuilt model is enough).
    """
    rows = con.execute("pragma database_size").fetchall()
    if not rows:
        return
    block_size, used_blocks = int(rows[0][2]), int(rows[0][4])
    expected = 3 * 4096 + block_size * used_blocks  # three 4 KiB headers, then the blocks
    if used_blocks and file_size < expected:
        raise WarehouseDamaged(
            damaged_message(path, f"the file has {file_size} bytes, its header lists {expected}: it was cut short")
        )


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_catalog = current_database()"
    ).fetchall()
    return {row[0] for row in rows}


def current_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version of the open warehouse: None for an empty file, 1 for a pre-versioning one."""
    tables = _tables(con)
    if "core.schema_version" in tables:
        row = con.execute("select max(version) from core.schema_version").fetchall()
        if row and row[0][0] is not None:
            return int(row[0][0])
    if "core.documents" in tables:
        return 1
    if tables - {"core.schema_version"}:
        raise WarehouseNotYusuan(
            "this file is a DuckDB database but not a yusuan warehouse (it has tables, but no "
            "core.documents); point --db at a yusuan warehouse or at a new file"
        )
    return None


def prepare(con: duckdb.DuckDBPyConnection, path: str = "the warehouse") -> list[Migration]:
    """Bring an existing warehouse up to :data:`SCHEMA_VERSION`; the caller holds the transaction.

    Returns the migrations run.  Refuses a warehouse newer than this code.  Call :func:`record`
    after the DDL has run.
    """
    version = current_version(con)
    if version is None:
        return []
    if version > SCHEMA_VERSION:
        raise WarehouseTooNew(
            f"{path} has schema version {version}, but this yusuan knows versions up to "
            f"{SCHEMA_VERSION}: it was written by a newer yusuan.  Upgrade yusuan "
            "(pip install -U yusuan, or git pull in the repo) or use --db to pick another warehouse; "
            "the file was not changed"
        )
    ran = []
    for migration in MIGRATIONS:
        if migration.version > version:
            for statement in migration.statements:
                con.execute(statement).fetchall()
            ran.append(migration)
    return ran


def record(con: duckdb.DuckDBPyConnection, ran: list[Migration], *, fresh: bool) -> None:
    """Write the version rows: the current version for a new warehouse, one per migration run."""
    con.execute(VERSION_DDL).fetchall()
    if fresh:
        con.execute(
            "insert into core.schema_version (version, note) values (?, ?)",
            [SCHEMA_VERSION, "created"],
        ).fetchall()
    for migration in ran:
        con.execute(
            "insert into core.schema_version (version, note) values (?, ?)",
            [migration.version, "migrated: " + migration.why],
        ).fetchall()
