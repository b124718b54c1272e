"""The warehouse file and connections to it: opening it (one writer, a clear message when another
process holds it or the file is damaged), the storage format other DuckDB clients read, and polars frames in
and out through the Arrow C stream interface.

Frames are handed to DuckDB through the Arrow C stream interface, never row by row, and without
``pyarrow`` (``con.register(name, polars_df)`` and ``.pl()`` need it in DuckDB 2.0).  The rest of the
warehouse is in rooms of its own; :mod:`pipelines.lib.warehouse` is their one front door.
"""


from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipelines.lib import migrations

# DuckDB's row group (rows): the unit its scans run in parallel by, and what a transaction writes straight into the
# file (loading.commit_groups, model_runs._one_thread)
ROW_GROUP = 122_880


@contextmanager
def threads(con: duckdb.DuckDBPyConnection, n: int | None) -> Iterator[None]:
    """DuckDB on ``n`` threads within the block, and the setting it had after it; ``None``: left as it is.  When the
    block fails, the error it raised is the one that goes on (a connection a fault broke cannot be set back)."""
    if n is None:
        yield
        return
    was = con.execute("select current_setting('threads')").fetchall()[0][0]
    con.execute(f"set threads = {int(n)}").fetchall()
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):
            con.execute(f"set threads = {int(was)}").fetchall()
        raise
    con.execute(f"set threads = {int(was)}").fetchall()


# Schemas the DDL creates; the warehouse file must not share a name with one (see connect()).
SCHEMAS = ("core", "raw", "staging", "quality", "dw", "marts")


# The storage format every warehouse file is created in: DuckDB 2.0 writes files DuckDB 1.4 and
# later can read (the DuckDB CLI, DBeaver's driver and most extensions are still on 1.4/1.5).  A
# file keeps the format it was created in, so the setting matters on the connection that creates it.
STORAGE_COMPATIBILITY_VERSION = "v1.4.0"


CONNECTION_CONFIG = {"storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION}


def connection_config() -> dict[str, str]:
    """DuckDB's settings for a warehouse connection: :data:`CONNECTION_CONFIG`, and ``$YUSUAN_MEMORY_LIMIT`` as its
    ``memory_limit`` when set (a province-wide first build holds what it can in memory up to DuckDB's default of
    80 % of RAM; with a limit it writes to ``<warehouse>.tmp`` instead)."""
    from pipelines.lib import settings

    limit = settings.MEMORY_LIMIT.value()
    return {**CONNECTION_CONFIG, "memory_limit": limit} if limit else dict(CONNECTION_CONFIG)


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


def database_name(path: str | Path) -> str:
    """The name DuckDB gives the database in a file, which qualifies every relation in SQL: the first non-empty
    dot-separated part of the file's name (``my.warehouse.duckdb`` → ``my``, ``.hidden.duckdb`` → ``hidden``), as
    dbt-duckdb infers it too — not ``Path.stem`` (``my.warehouse``)."""
    return Path(path).name.lstrip(".").split(".")[0]


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file, creating its parent folders (and the file) unless read-only.

    A new file is created in the storage format of DuckDB :data:`STORAGE_COMPATIBILITY_VERSION`
    (readable by DuckDB 1.4 and later); an existing file keeps its format.

    Raises :class:`WarehouseInUse` naming the other process when it holds the file's lock, and
    :class:`WarehouseMissing` for a read-only open of a file that does not exist.
    """
    path = Path(path)
    if database_name(path).lower() in SCHEMAS:
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
        con = duckdb.connect(str(path), read_only=read_only, config=connection_config())
    except (duckdb.InvalidInputException, duckdb.ParserException) as err:
        if "memory" not in str(err).lower():
            raise
        raise ValueError(f"$YUSUAN_MEMORY_LIMIT is not a memory size DuckDB reads ({err}); give e.g. 1GB or 512MB, "
                         "or unset it") from err
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


def _database_path(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    return str(rows[0][0]) if rows and rows[0][0] else "the warehouse"


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
