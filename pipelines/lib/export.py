"""Parquet export of every ``marts.*`` relation, swapped in atomically (:func:`export`)."""


from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import shutil
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipelines.lib.db import (
    _sql_literal,
)


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
