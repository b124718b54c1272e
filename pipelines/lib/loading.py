"""The load stage: a processed filing (or a chunk of them) into the warehouse, each all in or not at all.

``yusuan ingest`` (``ingest.py``) and the Dagster asset ``raw/filings`` (``pipelines/defs/filings.py``) both load
through :func:`load_group`; a filing the warehouse refuses is recorded as rejected, saying so, and the batch goes
on; a failure of the disk or the database (:func:`is_fault`) is raised, never blamed on a filing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace

import duckdb

from pipelines.lib import warehouse
from pipelines.lib.db import ROW_GROUP
from pipelines.lib.messages import INTERNAL
from pipelines.lib.record import Processed

# ROW_GROUP (db.ROW_GROUP): DuckDB's row group.  A transaction that inserts at least this many rows into a table writes them into the file,
# compressed, as it goes ("optimistic write"), and its commit is nearly free; fewer go into the write-ahead log at the
# commit and are compressed and written again at the next checkpoint (every ~16 MiB of log).  raw.table_cells takes
# ~1,500 rows a filing: a commit per ~35 filings (the groups the readers hand back) wrote each cell twice, and the
# checkpoint every other commit cost ~0.2 CPU s and seconds of disk waits at 280 filings (bench/bench_models.py --tail).
MAX_GROUP = 128  # filings at most in one commit, however few rows they have: the frames held stay bounded
# filings at most in the first commit, made at once: its rows go through the log (fewer than a row group), written
# again at the next checkpoint — the first task's 32 filings cost ~0.1 CPU s more than 8 at 280 filings
FIRST = 8


class WarehouseFault(RuntimeError):
    """Writing to the warehouse failed for a reason outside any filing: a full disk, an I/O error."""


# How DuckDB words a failed write or commit (a commit that cannot write its log is a TransactionException).
_FAULT_WORDS = ("could not write", "failed to commit", "no space left", "file too large", "input/output error",
                "disk quota", "read-only file system", "could not fsync", "could not read", "could not truncate")


def is_fault(err: BaseException) -> bool:
    """Is ``err`` the disk's or the database's fault rather than a filing's?"""
    return isinstance(err, duckdb.IOException | duckdb.FatalException) or (
        isinstance(err, duckdb.Error) and any(w in str(err).lower() for w in _FAULT_WORDS))


def fault(err: BaseException, db: object = "the warehouse") -> WarehouseFault:
    """The message for a failed write: what failed, that no filing is to blame, what to do."""
    return WarehouseFault(
        f"writing to {db} failed: {str(err).splitlines()[0][:300]} — a full disk or an I/O error, not a "
        "problem with any filing. Filings loaded before stay loaded; the ones being written were not loaded "
        "and none was marked rejected. Free space (or fix the disk) and run the same ingest again")


def load_processed(con: duckdb.DuckDBPyConnection, item: Processed) -> str:
    """Load one processed file; returns 'loaded', 'unchanged' or 'rejected'.

    When the warehouse refuses a filing that validated (a bug, or data the schema cannot hold), the
    filing is recorded as rejected saying so, and the batch goes on.  Only a failure to record
    even that (the database itself is broken) is raised.
    """
    frames = item.frames  # every frame process() makes has a table; an unknown one is the loader's error
    doc = item.document.row(warehouse.DOCUMENT_KEYS)
    if item.rejected:
        _record_rejection(con, doc, frames.get("findings"))
        return "rejected"
    try:
        return warehouse.load_document(con, doc, frames).outcome
    except (duckdb.Error, ValueError, TypeError) as err:
        if isinstance(err, duckdb.InterruptException):
            raise KeyboardInterrupt from err  # Ctrl-C inside a query: stop, do not blame the filing
        if is_fault(err):
            raise  # the disk or the database, not this filing
        reason = (f"{INTERNAL} while writing it to the warehouse ({type(err).__name__}: "
                  f"{str(err).splitlines()[0][:200]}); nothing of it was loaded — report it with the file attached")
        item.document = replace(item.document, status="rejected", error=reason)
        item.reject_kind = "internal"
        _record_rejection(con, {**doc, "error": reason})
        return "rejected"


def _record_rejection(con: duckdb.DuckDBPyConnection, doc: dict, findings=None) -> None:
    """Record a rejection; if the warehouse refuses what was read (an odd unit or year), keep the file's
    identity and its reason only — a rejected file must never go unrecorded."""
    try:
        warehouse.record_rejection(con, doc, findings)
    except ValueError:
        keep = ("document_id", "file_name", "source_path", "region", "county", "error", "file_type")
        warehouse.record_rejection(con, {k: doc.get(k) for k in keep})


def load_held(con: duckdb.DuckDBPyConnection, items: list[Processed]) -> list[str]:
    """A group of :func:`commit_groups` loaded (:func:`load_group`), its filings' statuses; an empty one (the reader
    waits for its workers' last tasks, all else loaded) is a checkpoint instead: DuckDB's log is written into the
    file while they read, not in the commit after them (a commit that finds the log over 16 MiB checkpoints)."""
    if items:
        return load_group(con, items)
    con.execute("checkpoint").fetchall()
    return []


def commit_groups(groups: Iterable[list[Processed]]) -> Iterator[list[Processed]]:
    """The processed filings of ``groups`` (in order) as the groups to load, a commit each: the first :data:`FIRST`
    filings as they come (the first filings are reported, and safe, at once), then groups joined until they hold a row group's
    rows (:data:`ROW_GROUP`) of some table — DuckDB then writes that table straight into the file — or
    :data:`MAX_GROUP` filings, and the rest at the end — or as soon as an empty group comes (the reader is about
    to wait for its last tasks: ``workers.processed_chunks(idle=True)``), so the rows held are written while it
    waits instead of after its last task; that group is followed by an empty one (the reader still waits).  How a
    group is loaded is unchanged (:func:`load_group`: each filing all in or not at all)."""
    pending: list[Processed] = []
    rows: Counter[str] = Counter()
    first = True
    for group in groups:
        if not group:
            if pending:
                yield pending
                pending, rows, first = [], Counter(), False
                yield []  # and the reader is still waiting: the caller's turn again (ingest: a checkpoint)
            continue
        if first and len(group) > FIRST:
            yield group[:FIRST]
            group, first = group[FIRST:], False
        pending += group
        for item in group:
            rows.update({name: frame.height for name, frame in item.frames.items()})
        if first or len(pending) >= MAX_GROUP or max(rows.values(), default=0) >= ROW_GROUP:
            yield pending
            pending, rows, first = [], Counter(), False
    if pending:
        yield pending


def load_group(con: duckdb.DuckDBPyConnection, items: list[Processed]) -> list[str]:
    """Load several processed files with one commit; each one's status as :func:`load_processed` gives it.

    Each filing stays all in or not at all: the group is one transaction, and when the warehouse refuses
    any filing of it, the whole group is rolled back and its filings are loaded again one by one (one
    transaction each), so the filing at fault is rejected alone and the others are loaded.
    """
    if len(items) > 1:
        batch = [(item.document.row(warehouse.DOCUMENT_KEYS), item.frames, item.rejected) for item in items]
        try:
            return warehouse.load_batch(con, batch)
        except (duckdb.Error, ValueError, TypeError, KeyError) as err:
            if isinstance(err, duckdb.InterruptException):
                raise KeyboardInterrupt from err
            if is_fault(err):
                raise
    return [load_processed(con, item) for item in items]
