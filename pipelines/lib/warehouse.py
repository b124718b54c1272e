"""The DuckDB warehouse: DDL, one-transaction loads per filing, SQL models and Parquet export.

Pure functions over a DuckDB connection, no Dagster: the CLI and the Dagster assets share them.

Layout of ``sql/`` (repo root; shipped in the package as ``pipelines/sql``):

- ``sql/ddl/*.sql``: ``create … if not exists`` for the schemas ``core``, ``staging``,
  ``quality``, ``dw`` (the star schema) and ``marts``, run in file-name order by :func:`apply_ddl`;
- ``sql/seeds/*.csv``: seed tables (the national subject classes), loaded by :func:`apply_ddl`
  and by ``dbt seed``;
- the rest is a dbt project (``sql/dbt_project.yml``): ``sql/models/dw/*.sql`` and
  ``sql/models/marts/*.sql`` with a ``.yml`` each (descriptions and tests); :func:`rebuild_models`
  runs ``dbt build`` on it through :mod:`pipelines.lib.transform`.

Frames are handed to DuckDB through the Arrow C stream interface, never row by row, and without
``pyarrow`` (which this project does not install: ``con.register(name, polars_df)`` and ``.pl()``
need it in DuckDB 2.0).
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipelines.lib import migrations, transform
from pipelines.lib.frames import FRAMES
from pipelines.lib.migrations import WarehouseSchemaError  # noqa: F401  (re-exported for callers)

SQL_DIR = transform.project_dir()
DDL_DIR = SQL_DIR / "ddl"
SEEDS_DIR = SQL_DIR / "seeds"
MODEL_SCHEMAS = ("dw", "marts")  # folders of sql/models holding models, in no particular order
# Schemas the DDL creates; the warehouse file must not share a name with one (see connect()).
SCHEMAS = ("core", "raw", "staging", "quality", "dw", "marts")

# frame name (frames.FRAMES) -> the table that keeps it
FRAME_TABLES = {
    "budget_lines": "staging.budget_lines",
    "budget_summary": "staging.budget_summary",
    "three_public": "staging.three_public",
    "performance_indicators": "staging.performance_indicators",
    "projects": "staging.projects",
    "narrative_figures": "staging.narrative_figures",
    "findings": "quality.findings",
    "table_cells": "raw.table_cells",
    "check_results": "quality.check_results",
    "procurement": "staging.procurement",
    "unit_lines": "staging.unit_lines",
    "coverage": "quality.coverage",
    "coverage_gaps": "quality.coverage_gaps",
}

# core.documents columns a caller may give (status, ingested_at and the supersede bookkeeping are
# the loader's).  document_id and file_name are required.
DOCUMENT_KEYS = (
    "document_id",
    "file_name",
    "source_path",
    "region",
    "county",
    "department_code",
    "department_name",
    "year",
    "doc_type",
    "scope",
    "unit",
    "error",
    "file_type",
    "file_size",
    "pages",
    "n_tables",
    "part",  # 'narrative' for the narrative half of a split filing; it neither supersedes nor is superseded by tables
    "printed_name",  # the name as printed when it is not department_name (泉州市人民政府办公室（本级）)
)

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


# The storage format every warehouse file is created in: DuckDB 2.0 writes files DuckDB 1.4 and
# later can read (the DuckDB CLI, DBeaver's driver and most extensions are still on 1.4/1.5).  A
# file keeps the format it was created in, so the setting matters on the connection that creates it.
STORAGE_COMPATIBILITY_VERSION = "v1.4.0"
CONNECTION_CONFIG = {"storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION}


def lock_holder(pid: int | None) -> str:
    """Who holds the warehouse, as a reader would say it: ``yusuan ingest (pid 123)``, ``pid 123``.

    Reads the process's command line where the system shows it (Linux ``/proc``); DuckDB only
    gives the pid.
    """
    if pid is None:
        return "another process"
    try:
        argv = [a for a in Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0") if a]
    except OSError:
        return f"pid {pid}"
    names = [Path(a).name for a in argv]
    for i, name in enumerate(names):
        if name in ("yusuan", "dagster", "dg", "duckdb", "dagster-webserver", "dagster-daemon", "jupyter",
                    "jupyter-lab", "jupyter-notebook", "ipython", "dbeaver"):
            sub = next((n for n in names[i + 1:i + 2] if not n.startswith("-")), "")
            return f"{name} {sub}".strip() + f" (pid {pid})"
        if name == "-m" and i + 1 < len(names):  # python -m pipelines.cli / -m dagster / -m ipykernel
            module = {"pipelines.cli": "yusuan", "ipykernel_launcher": "a notebook"}.get(names[i + 1], names[i + 1])
            sub = next((n for n in names[i + 2:i + 3] if not n.startswith("-")), "")
            return f"{module} {sub}".strip() + f" (pid {pid})"
    return f"{names[0]} (pid {pid})" if names else f"pid {pid}"


class WarehouseInUse(RuntimeError):
    """Another process holds the warehouse file's write lock (DuckDB allows one writer)."""

    def __init__(self, path: str, pid: int | None):
        super().__init__(
            f"the warehouse {path} is in use by {lock_holder(pid)}; "
            "wait for it to finish or use --db to write elsewhere"
        )
        self.path = path
        self.pid = pid
        self.holder = lock_holder(pid)


class WarehouseMissing(FileNotFoundError):
    """A read-only connection was asked for a warehouse file that does not exist."""


@dataclass(frozen=True)
class LoadResult:
    """What :func:`load_document` did with one filing.

    ``outcome`` is ``loaded`` (new bytes, now in the warehouse) or ``unchanged`` (these bytes
    were loaded before — ``status`` then says whether they are still ``loaded`` or
    ``superseded``).  ``rows`` counts the rows written per frame; ``superseded`` lists the
    document_ids this filing replaced and ``restated`` the ledger rows that recorded it.
    """

    document_id: str
    outcome: str
    status: str
    rows: dict[str, int] = field(default_factory=dict)
    superseded: tuple[str, ...] = ()
    restated: int = 0


@dataclass(frozen=True)
class Model:
    """One SQL model: ``sql/<schema>/<name>.sql`` builds the table ``<schema>.<name>``."""

    name: str  # schema.table
    path: Path
    sql: str
    deps: tuple[str, ...]  # other models it reads
    code_version: str  # sha256 of the file, for Dagster's code_version


# --------------------------------------------------------------------------------------------
# connections


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file, creating its parent folders (and the file) unless read-only.

    A new file is created in the storage format of DuckDB :data:`STORAGE_COMPATIBILITY_VERSION`
    (readable by DuckDB 1.4 and later); an existing file keeps its format.

    Raises :class:`WarehouseInUse` naming the other process when it holds the file's lock, and
    :class:`WarehouseMissing` for a read-only open of a file that does not exist.
    """
    path = Path(path)
    if path.stem.lower() in SCHEMAS:
        # DuckDB names the database after the file: a database "marts" makes "marts.x" ambiguous.
        raise ValueError(
            f"the warehouse file {path} is named like one of its schemas {list(SCHEMAS)}; "
            "choose another file name (e.g. warehouse.duckdb)"
        )
    if read_only:
        if not path.exists():
            raise WarehouseMissing(f"no warehouse at {path}; run `yusuan ingest` first or pass --db")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=dict(CONNECTION_CONFIG))
    except duckdb.IOException as err:
        message = str(err)
        if migrations.is_damage(err):
            raise migrations.WarehouseDamaged(migrations.damaged_message(str(path), message)) from err
        if "lock" not in message.lower():
            raise
        match = re.search(r"PID (\d+)", message)
        raise WarehouseInUse(str(path), int(match.group(1)) if match else None) from err
    # No progress bar: it would interleave with the CLI's own output on long models.
    con.execute("set enable_progress_bar = false").fetchall()
    if path.exists() and path.stat().st_size:
        try:
            migrations.check_intact(con, str(path), path.stat().st_size)
        except migrations.WarehouseDamaged:
            con.close()
            raise
    return con


def readable_by_duckdb_1_4(con: duckdb.DuckDBPyConnection) -> bool | None:
    """Whether the open warehouse file is in a storage format DuckDB 1.4 reads (None if DuckDB does not say)."""
    rows = con.execute("select tags from duckdb_databases() where database_name = current_database()").fetchall()
    version = (rows[0][0] or {}).get("storage_version", "") if rows else ""
    found = re.match(r"v(\d+)\.(\d+)", version)
    return None if not found else (int(found[1]), int(found[2])) <= (1, 4)


_POLARS_TYPES = {
    "VARCHAR": pl.String,
    "BOOLEAN": pl.Boolean,
    "TINYINT": pl.Int8,
    "SMALLINT": pl.Int16,
    "INTEGER": pl.Int32,
    "BIGINT": pl.Int64,
    "HUGEINT": pl.Int128,
    "DOUBLE": pl.Float64,
    "FLOAT": pl.Float32,
    "DATE": pl.Date,
    "TIMESTAMP": pl.Datetime("us"),
    "TIMESTAMP WITH TIME ZONE": pl.Datetime("us", "UTC"),
}


def query_pl(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    """Run a query and return every row as a polars frame, decimals kept exact.

    Meant for small results (checks, summaries, tests): rows go through Python.  It avoids
    ``.pl()``, which needs pyarrow, and polars' import of DuckDB's Arrow stream, which leaves
    DuckDB objects alive until exit (nanobind then prints "leaked instance" warnings).
    """
    return relation_pl(con.sql(sql, params=params))


def relation_pl(relation: duckdb.DuckDBPyRelation, limit: int | None = None) -> pl.DataFrame:
    """A DuckDB relation's rows (the first ``limit`` of them, or all) as a polars frame, decimals exact."""
    names, types = relation.columns, [str(t) for t in relation.types]
    rows = (relation if limit is None else relation.limit(limit)).fetchall()
    schema: dict[str, Any] = {}
    for name, kind in zip(names, types, strict=True):
        decimal = re.fullmatch(r"DECIMAL\((\d+),(\d+)\)", kind)
        schema[name] = pl.Decimal(int(decimal[1]), int(decimal[2])) if decimal else _POLARS_TYPES.get(kind)
    known = {n: t for n, t in schema.items() if t is not None}
    frame = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    return frame.cast(known)


class _ArrowStream:
    """Hands a polars frame to DuckDB through the Arrow C stream interface.

    DuckDB 2.0 converts a registered polars frame with ``to_arrow()``, which needs pyarrow; an
    object exposing only ``__arrow_c_stream__`` is read directly, zero-copy.
    """

    def __init__(self, frame: pl.DataFrame):
        self._frame = frame

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self._frame.__arrow_c_stream__(requested_schema)


def register_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Make a polars frame queryable as the view ``name`` on this connection (no copy)."""
    con.register(name, _ArrowStream(frame))


# --------------------------------------------------------------------------------------------
# DDL


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


def _database_path(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    return str(rows[0][0]) if rows and rows[0][0] else "the warehouse"


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --------------------------------------------------------------------------------------------
# loading one filing


def document_status(con: duckdb.DuckDBPyConnection, document_id: str) -> str | None:
    """The status of a document (``loaded``, ``superseded``, ``rejected``) or None if never seen.

    Lets a caller skip reading a file whose bytes are already loaded.
    """
    rows = con.execute("select status from core.documents where document_id = ?", [document_id]).fetchall()
    return rows[0][0] if rows else None


def _check_document(document: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(document) - set(DOCUMENT_KEYS))
    if unknown:
        raise ValueError(f"document has unknown keys {unknown}; accepted keys are {list(DOCUMENT_KEYS)}")
    for key in ("document_id", "file_name"):
        if not document.get(key):
            raise ValueError(f"document needs a non-empty {key!r}")
    doc = {key: document.get(key) for key in DOCUMENT_KEYS}
    doc["doc_type"] = doc["doc_type"] or "budget"
    if doc["doc_type"] not in ("budget", "final_accounts"):
        raise ValueError(f"doc_type {doc['doc_type']!r} is not one of 'budget', 'final_accounts'")
    doc["scope"] = doc["scope"] or "department"
    if doc["scope"] not in ("department", "unit"):
        raise ValueError(f"scope {doc['scope']!r} is not one of 'department', 'unit'")
    if doc["unit"] not in (None, "万元", "元"):
        raise ValueError(f"unit {doc['unit']!r} is not one of '万元', '元' (or None)")
    if doc["year"] is not None and not isinstance(doc["year"], int):
        raise ValueError(f"year {doc['year']!r} is not an integer")
    if not re.fullmatch(r"[0-9a-f]{64}", str(doc["document_id"])):
        raise ValueError(f"document_id {doc['document_id']!r} is not a sha256 hex digest of the file's bytes")
    return doc


def _insert_document(con: duckdb.DuckDBPyConnection, doc: dict[str, Any], status: str, now: datetime) -> None:
    columns = [*DOCUMENT_KEYS, "status", "ingested_at", "status_changed_at"]
    values = [doc[key] for key in DOCUMENT_KEYS] + [status, now, now]
    placeholders = ", ".join("?" for _ in columns)
    con.execute(
        f"insert into core.documents ({', '.join(columns)}) values ({placeholders})", values
    ).fetchall()


def _record_file(con: duckdb.DuckDBPyConnection, doc: dict[str, Any], now: datetime) -> None:
    """Remember the path this content was seen at (``core.files``), with its region and county."""
    path = doc.get("source_path") or doc["file_name"]
    con.execute(
        "insert into core.files (document_id, path, file_name, region, county, first_seen_at, last_seen_at) "
        "values (?, ?, ?, ?, ?, ?, ?) on conflict (document_id, path) do update set "
        "last_seen_at = excluded.last_seen_at, region = excluded.region, county = excluded.county",
        [doc["document_id"], path, doc["file_name"], doc.get("region"), doc.get("county"), now, now],
    ).fetchall()


def _insert_frames(
    con: duckdb.DuckDBPyConnection, document_id: str, views: Mapping[str, str | None], *, replace: bool
) -> None:
    """Insert the document's frames, bulk and by name; ``replace`` deletes its earlier rows first.

    Only bytes seen before (rejected, with findings) can have earlier rows: new documents skip
    the delete, which would scan the whole staging table on every load.
    """
    for name, view in views.items():
        table = FRAME_TABLES[name]
        if replace:
            con.execute(f"delete from {table} where document_id = ?", [document_id]).fetchall()
        if view is not None:
            con.execute(f"insert into {table} by name select * from {view}").fetchall()


@contextmanager
def _registered(
    con: duckdb.DuckDBPyConnection, document_id: str, frames: Mapping[str, pl.DataFrame]
) -> Iterator[dict[str, str | None]]:
    """Register each non-empty frame as a view (None for an empty one); unregister afterwards.

    Registered outside the transaction: a view cannot be unregistered in an aborted one.
    """
    views: dict[str, str | None] = {}
    try:
        for name, frame in frames.items():
            if frame.height == 0:
                views[name] = None
                continue
            # The loader owns document_id: the frame's own (if any) is overwritten.
            frame = frame.with_columns(pl.lit(document_id, dtype=pl.String).alias("document_id"))
            if name in ("budget_lines", "budget_summary", "three_public"):
                # a caller that predates 决算 (no basis, or basis left null) gives budget figures
                basis = pl.col("basis").fill_null("budget") if "basis" in frame.columns else pl.lit("budget")
                frame = frame.with_columns(basis.cast(pl.String).alias("basis"))
            views[name] = f"_incoming_{name}_{uuid.uuid4().hex[:8]}"
            register_frame(con, views[name], frame)
        yield views
    finally:
        for view in views.values():
            if view is not None:
                con.unregister(view)


def _check_frames(frames: Mapping[str, pl.DataFrame]) -> None:
    unknown = sorted(set(frames) - set(FRAME_TABLES))
    if unknown:
        raise ValueError(f"unknown frames {unknown}; expected some of {sorted(FRAME_TABLES)}")
    for name, frame in frames.items():
        if not isinstance(frame, pl.DataFrame):
            raise TypeError(f"frame {name!r} is a {type(frame).__name__}, not a polars DataFrame")
        extra = sorted(set(frame.columns) - set(FRAMES[name]))
        if extra:
            raise ValueError(
                f"frame {name!r} has columns {extra} that {FRAME_TABLES[name]} does not hold; "
                f"expected columns from {list(FRAMES[name])}"
            )


def load_document(
    con: duckdb.DuckDBPyConnection,
    document: Mapping[str, Any],
    frames: Mapping[str, pl.DataFrame],
) -> LoadResult:
    """Load one validated filing in ONE transaction; all or nothing.

    ``document`` holds the :data:`DOCUMENT_KEYS` (``document_id`` = sha256 hex of the file's
    bytes and ``file_name`` required); ``frames`` maps frame names of ``frames.FRAMES``
    (``budget_lines``, ``budget_summary``, ``three_public``, ``performance_indicators``,
    ``projects``, ``narrative_figures``, ``findings``) to polars frames with those columns.
    A frame may be missing; ``document_id`` inside the frames is set by the loader.

    - Bytes already loaded or superseded (same document_id, whatever the file name): nothing is
      written, the outcome is ``unchanged``.
    - Bytes seen before as rejected: the row becomes ``loaded`` and its old findings are replaced.
    - Otherwise the document row and its frames are inserted, and every other ``loaded`` document
      for the same county, department (code, or name where no code is printed), year, doc_type
      and scope becomes ``superseded``; each fact whose amount changed, appeared or disappeared is appended
      to ``core.restatements``.

    Any error rolls the whole filing back and is raised again.  Do not call it inside an open
    transaction (DuckDB has no nested transactions).
    """
    doc = _check_document(document)
    _check_frames(frames)
    with _registered(con, doc["document_id"], frames) as views:
        return _load(con, doc, views, {name: frame.height for name, frame in frames.items()})


def _load(
    con: duckdb.DuckDBPyConnection,
    doc: dict[str, Any],
    views: Mapping[str, str | None],
    heights: dict[str, int],
) -> LoadResult:
    document_id = doc["document_id"]
    now = datetime.now(UTC)
    con.begin()
    try:
        existing = document_status(con, document_id)
        _record_file(con, doc, now)
        if existing in ("loaded", "superseded"):
            con.commit()  # only the path it was seen at is new
            return LoadResult(document_id, "unchanged", existing)
        if existing == "rejected":
            keys = [key for key in DOCUMENT_KEYS if key not in ("document_id", "error")]
            assignments = ", ".join(f"{key} = ?" for key in keys)
            values = [doc[key] for key in keys]
            con.execute(
                f"update core.documents set {assignments}, status = 'loaded', error = null, "
                "status_changed_at = ? where document_id = ?",
                [*values, now, document_id],
            ).fetchall()
        else:
            _insert_document(con, {**doc, "error": None}, "loaded", now)
        _insert_frames(con, document_id, views, replace=existing is not None)
        _record_alias(con, doc, now)
        superseded, restated = _supersede_older(con, doc, now)
        con.commit()
    except Exception:
        with suppress(duckdb.Error):  # after a failed write or commit there may be nothing to roll back:
            con.rollback()            # the error that failed it (a full disk, say) is the one to tell
        raise
    return LoadResult(document_id, "loaded", "loaded", heights, tuple(superseded), restated)


class _Shared:
    """A connection inside a transaction its caller owns: :func:`_load` and :func:`_reject` run unchanged
    on it, their ``begin``/``commit``/``rollback`` left to the owner (an error still propagates)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con

    def begin(self) -> None:
        pass

    commit = rollback = begin

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def load_batch(
    con: duckdb.DuckDBPyConnection,
    batch: list[tuple[Mapping[str, Any], Mapping[str, pl.DataFrame], bool]],
) -> list[str]:
    """Several filings in ONE transaction: one commit (one fsync) instead of one per filing.

    ``batch`` holds ``(document, frames, rejected)``; each is written as :func:`load_document` (or
    :func:`record_rejection` when ``rejected``, with ``frames['findings']``) would write it alone,
    in order, so a later filing sees (and may supersede) an earlier one of the batch.  Returns each
    one's outcome (``loaded``, ``unchanged``, ``rejected``, or the status an already loaded
    rejected file keeps).  All or nothing for the whole batch: any error rolls every filing of it
    back and is raised, and the caller loads them one by one to find the one that fails.
    """
    checked = []
    for document, frames, rejected in batch:
        doc = _check_document(document)
        if rejected:
            if not doc.get("error"):
                raise ValueError("a rejected document needs an 'error' saying why it was rejected")
            frames = {"findings": frames["findings"]} if frames.get("findings") is not None else {}
        _check_frames(frames)
        checked.append((doc, frames, rejected))
    if _new_and_apart(con, checked):
        return _load_new(con, checked)
    outcomes: list[str] = []
    with ExitStack() as stack:
        views = [stack.enter_context(_registered(con, doc["document_id"], frames)) for doc, frames, _ in checked]
        shared = _Shared(con)
        con.begin()
        try:
            for (doc, frames, rejected), view in zip(checked, views, strict=True):
                if rejected:
                    outcomes.append(_reject(shared, doc, view))
                else:
                    heights = {name: frame.height for name, frame in frames.items()}
                    outcomes.append(_load(shared, doc, view, heights).outcome)
            con.commit()
        except BaseException:
            with suppress(duckdb.Error):  # a broken connection: the error that broke it says more
                con.rollback()
            raise
    return outcomes


def _supersede_key(doc: Mapping[str, Any]) -> tuple | None:
    """What :func:`_supersede_older` matches a filing on; None when it cannot supersede anything."""
    if doc["year"] is None or (doc["department_code"] is None and doc["department_name"] is None):
        return None
    department = doc["department_code"] if doc["department_code"] is not None else ("name", doc["department_name"])
    return doc["county"], department, doc["year"], doc["doc_type"]


def _new_and_apart(con: duckdb.DuckDBPyConnection, batch: list[tuple[dict, Mapping, bool]]) -> bool:
    """Whether every filing of the batch is new bytes and none could supersede another of the batch — then
    writing them all at once (:func:`_load_new`) is what writing them one after the other would do."""
    ids = [doc["document_id"] for doc, _, _ in batch]
    keys = [k for doc, _, rejected in batch if not rejected and (k := _supersede_key(doc)) is not None]
    if len(set(ids)) < len(ids) or len(set(keys)) < len(keys):
        return False
    seen = con.execute("select count(*) from core.documents where document_id in (select unnest(?::varchar[]))",
                       [ids]).fetchall()
    return seen[0][0] == 0


def _load_new(con: duckdb.DuckDBPyConnection, batch: list[tuple[dict, Mapping, bool]]) -> list[str]:
    """New filings that cannot supersede each other, in one transaction: the document rows, then each frame of
    all of them stacked into one insert per table (not one per filing and table), then, filing after filing in
    order, what :func:`_load` does after its inserts (the department alias, supersession) — keep the two alike."""
    parts: dict[str, list[pl.DataFrame]] = {}
    for doc, frames, _ in batch:
        for name, frame in frames.items():
            if frame.height:
                parts.setdefault(name, []).append(
                    frame.with_columns(pl.lit(doc["document_id"], dtype=pl.String).alias("document_id")))
    views: list[tuple[str, str]] = []
    try:
        for name, frames in parts.items():
            try:
                stacked = [pl.concat(frames, how="vertical")]
            except pl.exceptions.PolarsError:  # frames with different columns: one insert each
                stacked = frames
            for frame in stacked:
                views.append((name, f"_incoming_{name}_{uuid.uuid4().hex[:8]}"))
                register_frame(con, views[-1][1], frame)
        now = datetime.now(UTC)
        con.begin()
        try:
            for doc, _, rejected in batch:
                _insert_document(con, doc if rejected else {**doc, "error": None},
                                 "rejected" if rejected else "loaded", now)
                _record_file(con, doc, now)
            for name, view in views:
                con.execute(f"insert into {FRAME_TABLES[name]} by name select * from {view}").fetchall()
            for doc, _, rejected in batch:
                if not rejected:  # what _load does after its inserts, filing after filing
                    _record_alias(con, doc, now)
                    _supersede_older(con, doc, now)
            con.commit()
        except BaseException:
            with suppress(duckdb.Error):
                con.rollback()
            raise
    finally:
        for _, view in views:
            con.unregister(view)
    return ["rejected" if rejected else "loaded" for _, _, rejected in batch]


def record_rejection(
    con: duckdb.DuckDBPyConnection,
    document: Mapping[str, Any],
    findings: pl.DataFrame | None = None,
) -> str:
    """Record a file that could not be loaded, with ``document['error']`` saying why.

    Inserts a ``rejected`` row, or updates the error of an earlier rejection of the same bytes;
    the document's findings (if given) replace its earlier ones.  Bytes that are already
    ``loaded`` or ``superseded`` are left alone (a re-ingest of them changes nothing).  A fixed
    file has new bytes, so it is a new document.  Returns the document's status afterwards.
    """
    doc = _check_document(document)
    if not doc.get("error"):
        raise ValueError("a rejected document needs an 'error' saying why it was rejected")
    if findings is not None:
        _check_frames({"findings": findings})
    with _registered(
        con, doc["document_id"], {"findings": findings} if findings is not None else {}
    ) as views:
        return _reject(con, doc, views)


def _reject(con: duckdb.DuckDBPyConnection, doc: dict[str, Any], views: Mapping[str, str | None]) -> str:
    document_id = doc["document_id"]
    now = datetime.now(UTC)
    con.begin()
    try:
        existing = document_status(con, document_id)
        _record_file(con, doc, now)
        if existing in ("loaded", "superseded"):
            con.commit()  # only the path it was seen at is new
            return existing
        if existing == "rejected":
            assignments = ", ".join(f"{key} = ?" for key in DOCUMENT_KEYS if key != "document_id")
            values = [doc[key] for key in DOCUMENT_KEYS if key != "document_id"]
            con.execute(
                f"update core.documents set {assignments} where document_id = ?",
                [*values, document_id],
            ).fetchall()
        else:
            _insert_document(con, doc, "rejected", now)
        _insert_frames(con, document_id, views, replace=existing is not None)
        con.commit()
    except Exception:
        with suppress(duckdb.Error):  # as in _load: keep the error that failed the write
            con.rollback()
        raise
    return "rejected"


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


def _supersede_older(
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


# --------------------------------------------------------------------------------------------
# SQL models (a dbt project: see pipelines.lib.transform)


def model_files() -> list[Path]:
    """Every SQL model file (``sql/models/dw/*.sql``, ``sql/models/marts/*.sql``), sorted by path."""
    return sorted(path for schema in MODEL_SCHEMAS for path in (SQL_DIR / "models" / schema).glob("*.sql"))


def models() -> dict[str, Model]:
    """Every SQL model by name (``marts.yoy_change``), with the models it reads (from dbt's manifest)."""
    nodes = transform.manifest().nodes
    names = {uid: f"{n.schema}.{n.alias}" for uid, n in nodes.items() if n.resource_type == "model"}
    found: dict[str, Model] = {}
    for uid, name in names.items():
        node = nodes[uid]
        found[name] = Model(
            name=name,
            path=SQL_DIR / node.original_file_path,
            sql=node.raw_code,
            deps=tuple(sorted(names[d] for d in node.depends_on.nodes if d in names)),
            code_version=node.checksum.checksum,
        )
    return found


def model_order() -> list[str]:
    """Model names in an order where every model comes after the models it reads."""
    return transform.model_names()


def run_model(con: duckdb.DuckDBPyConnection, name: str) -> int:
    """Build one model (``dbt build --select``, its tests included); its row count."""
    all_models = models()
    if name not in all_models:
        raise KeyError(f"no SQL model {name!r}; known models: {sorted(all_models)}")
    transform.build(transform.database_path(con), [all_models[name].path.stem])
    return int(con.execute(f"select count(*) from {name}").fetchall()[0][0])


def rebuild_models(con: duckdb.DuckDBPyConnection, *, tests: bool | None = None) -> dict[str, int]:
    """``dbt build`` of every seed, model and test on this connection's warehouse; rows per model.

    ``tests=False`` builds the models without running their data tests (grain, values,
    relationships); ``None`` runs them unless ``$YUSUAN_MODEL_TESTS`` is ``0`` (the SQL tests of
    this repository set it, and test the dbt tests themselves in ``tests/sql/test_dbt_project.py``).
    Raises :class:`pipelines.lib.transform.ModelBuildFailed` naming the failed models and tests.
    """
    if tests is None:
        tests = os.environ.get("YUSUAN_MODEL_TESTS", "1") != "0"
    exclude = None if tests else ["resource_type:test"]
    result = transform.build(transform.database_path(con), exclude=exclude)
    return {name: int(con.execute(f"select count(*) from {name}").fetchall()[0][0]) for name in result.models}


# --------------------------------------------------------------------------------------------
# export


def mart_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table and view in the ``marts`` schema, as ``marts.<name>``, sorted.

    dbt's intermediates (``<name>__dbt_tmp``, ``<name>__dbt_backup``, left only by a build killed
    midway and dropped by the next) are not marts.
    """
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' "
        "and not regexp_matches(table_name, '__dbt_(tmp|backup)$') order by table_name"
    ).fetchall()
    return [f"marts.{row[0]}" for row in rows]


def export(
    con: duckdb.DuckDBPyConnection,
    out_dir: str | Path,
    *,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Write every ``marts.*`` relation to Parquet under ``out_dir`` and return the manifest.

    Each relation goes to ``out_dir/<name>/``: hive-partitioned ``year=YYYY/`` when it has a
    ``year`` column — the column is kept inside every file too, with the warehouse's type, so one
    file read alone still has its year — and one file otherwise.  An empty relation is one zero-row
    file with its schema.  ``out_dir/manifest.json`` lists each relation's columns with types, row
    count, files and source documents.

    A whole export is written beside ``out_dir`` (``.<name>.export-<pid>-<hex>``) and swapped in
    with one atomic exchange of the two folders (Linux ``renameat2(RENAME_EXCHANGE)``), so a killed
    export leaves the previous export, manifest and all, or the new one — never a mix.  Other files
    a user keeps in ``out_dir`` are carried over.  Leftovers of killed exports are removed by the
    next export.  Reads one snapshot of the warehouse; a read-only connection is enough.
    ``progress`` is called with a word after each step (for tests that kill an export midway).
    """
    out_dir = Path(out_dir).absolute()
    step = progress or (lambda _: None)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _clean_stale_exports(out_dir)
    new = out_dir.parent / f".{out_dir.name}.export-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    new.mkdir()
    try:
        own = _in_snapshot(con, lambda: _write_export(con, new, step))
        manifest = own
        _carry_over(out_dir, new, {r["path"] for r in manifest["relations"]})
        _write_json(new / "manifest.json", manifest)
        step("written")
        _swap_in(new, out_dir)
        step("swapped")
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    shutil.rmtree(new, ignore_errors=True)  # after the exchange it holds the previous export
    step("cleaned")
    return manifest


def _in_snapshot(con: duckdb.DuckDBPyConnection, work: Callable[[], Any]) -> Any:
    """Run ``work`` in one transaction (one snapshot of the warehouse), or in the caller's if one is open."""
    try:
        con.begin()
    except duckdb.TransactionException:
        return work()
    try:
        result = work()
    finally:
        con.rollback()  # nothing was written: the export only reads
    return result


def _write_export(con: duckdb.DuckDBPyConnection, out_dir: Path, step: Callable[[str], None]) -> dict[str, Any]:
    generated_at = datetime.now(UTC).isoformat(timespec="seconds")
    relations = []
    for relation in mart_relations(con):
        name = relation.split(".", 1)[1]
        columns = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = ? order by ordinal_position",
            [name],
        ).fetchall()
        column_names = [c[0] for c in columns]
        partitioned = "year" in column_names
        target = out_dir / name
        target.mkdir()
        row_count = int(con.execute(f"select count(*) from {relation}").fetchall()[0][0])
        if partitioned and row_count:
            con.execute(
                f"copy (select * from {relation}) to {_sql_literal(str(target))} "
                "(format parquet, partition_by (year), write_partition_columns true)"
            ).fetchall()
        else:  # unpartitioned, or empty: one file, which keeps the schema even with no rows
            con.execute(
                f"copy (select * from {relation}) to {_sql_literal(str(target / 'data_0.parquet'))} (format parquet)"
            ).fetchall()
        sources: list[str] = []
        for key in ("document_id", "old_document_id", "new_document_id", "prior_document_id"):
            if key in column_names:
                sources += [
                    r[0]
                    for r in con.execute(
                        f"select distinct {key} from {relation} where {key} is not null"
                    ).fetchall()
                ]
        relations.append(
            {
                "relation": relation,
                "path": name,
                "partition_by": ["year"] if partitioned else [],
                "columns": [{"name": c, "type": t} for c, t in columns],
                "row_count": row_count,
                "files": sorted(str(p.relative_to(out_dir)) for p in target.rglob("*.parquet")),
                "source_documents": sorted(set(sources)),
            }
        )
        step(relation)
    documents = [
        dict(
            zip(
                (
                    "document_id",
                    "file_name",
                    "county",
                    "department_code",
                    "department_name",
                    "year",
                    "doc_type",
                ),
                row,
                strict=True,
            )
        )
        for row in con.execute(
            "select document_id, file_name, county, department_code, department_name, year, doc_type "
            "from core.documents where status = 'loaded' order by county, department_code, year, document_id"
        ).fetchall()
    ]
    return {"generated_at": generated_at, "relations": relations, "documents": documents}


_EXPORT_PART = re.compile(r"^\.(?P<name>.+)\.(?P<kind>export|old)-(?P<pid>\d+)-[0-9a-f]{8}$")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _clean_stale_exports(out_dir: Path) -> None:
    """Remove what killed exports left beside ``out_dir`` (and the old exporter's ``.x.tmp-*`` inside it).

    A part whose process still runs is another export at work and is left alone.  If a non-atomic
    swap (see :func:`_swap_in`) was killed between its two renames, the previous export is put back.
    """
    parent = out_dir.parent
    if not parent.is_dir():
        return
    for part in parent.iterdir():
        m = _EXPORT_PART.match(part.name)
        if not m or m["name"] != out_dir.name:
            continue
        if int(m["pid"]) != os.getpid() and _pid_alive(int(m["pid"])):
            continue  # another export at work
        if m["kind"] == "old" and not out_dir.exists():
            part.rename(out_dir)
        else:
            shutil.rmtree(part, ignore_errors=True)
    if out_dir.is_dir():
        for part in out_dir.iterdir():
            if part.name.startswith(".") and ".tmp-" in part.name and part.is_dir():
                shutil.rmtree(part, ignore_errors=True)


def _carry_over(out_dir: Path, new: Path, relation_dirs: set[str]) -> None:
    """Copy (hard-link where possible) what a user keeps in ``out_dir`` that is not the export's own."""
    if not out_dir.is_dir():
        return
    previous: set[str] = set()
    try:
        old = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        previous = {r["path"] for r in old.get("relations", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    for entry in out_dir.iterdir():
        if entry.name in relation_dirs or entry.name in previous or entry.name == "manifest.json":
            continue
        if entry.name.startswith(".") and ".tmp-" in entry.name:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, new / entry.name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, new / entry.name)


def _link_or_copy(src: str | Path, dst: str | Path) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def _write_json(path: Path, data: Any) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EPERM):
        return False  # the filesystem cannot exchange: fall back
    raise OSError(err, os.strerror(err), str(b))


def _swap_in(new: Path, out_dir: Path) -> None:
    """Make ``new`` the export at ``out_dir``; afterwards ``new`` holds the previous one (or nothing)."""
    if not out_dir.exists():
        new.rename(out_dir)
        new.mkdir()
        return
    if _exchange(new, out_dir):
        return
    # No atomic exchange here: two renames; a kill between them is repaired by the next export
    # (_clean_stale_exports puts the previous export back).
    old = out_dir.parent / new.name.replace(".export-", ".old-", 1)
    out_dir.rename(old)
    new.rename(out_dir)
    old.rename(new)


def _record_alias(con: duckdb.DuckDBPyConnection, doc: dict[str, Any], now: datetime) -> None:
    """Record the name this filing prints as an alias of a department of its county (core.department_aliases).

    A name seen before keeps its department.  A new name is matched to a known department of the same county
    by its canonical form (known abbreviations applied: 中国共产党江苏省委员会办公厅 = 中共江苏省委办公厅,
    ``matched_by`` 'abbreviation'), or where one canonical name ends with the other (江苏省委办公厅 in
    中共江苏省委办公厅, 'contained'); otherwise it is a department of its own ('printed').
    """
    from pipelines.lib.classify import canonical_name

    name = doc.get("department_name")
    if not name:
        return
    county = doc.get("county")
    known = con.execute(
        "select alias, department from core.department_aliases where county is not distinct from ?", [county]
    ).fetchall()
    if any(alias == name for alias, _ in known):
        _record_printed_alias(con, doc, None, now)
        return
    mine = canonical_name(name)
    department, matched_by = name, "printed"
    for alias, dept in known:
        theirs = canonical_name(alias)
        if theirs == mine:
            department, matched_by = dept, "abbreviation"
            break
        if len(min(theirs, mine, key=len)) >= 4 and (theirs.endswith(mine) or mine.endswith(theirs)):
            department, matched_by = dept, "contained"
    con.execute(
        "insert into core.department_aliases (county, alias, department, matched_by, document_id, recorded_at) "
        "values (?, ?, ?, ?, ?, ?)", [county, name, department, matched_by, doc["document_id"], now]).fetchall()
    _record_printed_alias(con, doc, department, now)


def _record_printed_alias(con: duckdb.DuckDBPyConnection, doc: dict[str, Any], department: str | None,
                          now: datetime) -> None:
    """The name as printed with its scope (泉州市人民政府办公室（本级）): an alias of the department it names,
    ``matched_by`` 'scope suffix' (the suffix is the filing's scope, not part of the name)."""
    printed, county = doc.get("printed_name"), doc.get("county")
    if not printed or printed == doc.get("department_name"):
        return
    if department is None:
        row = con.execute("select department from core.department_aliases where county is not distinct from ? "
                          "and alias = ?", [county, doc["department_name"]]).fetchall()
        department = row[0][0] if row else doc["department_name"]
    if con.execute("select 1 from core.department_aliases where county is not distinct from ? and alias = ?",
                   [county, printed]).fetchall():
        return
    con.execute(
        "insert into core.department_aliases (county, alias, department, matched_by, document_id, recorded_at) "
        "values (?, ?, ?, 'scope suffix', ?, ?)", [county, printed, department, doc["document_id"], now]).fetchall()
