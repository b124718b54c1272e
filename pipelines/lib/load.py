"""Loading filings: one validated filing per transaction (:func:`load_document`), a chunk of filings per
transaction (:func:`load_batch`), rejected files with why (:func:`record_rejection`), the paths a content was
seen at (``core.files``) and the names a department printed (``core.department_aliases``).  What a new filing
replaces, and the ledger of what changed, is :mod:`pipelines.lib.restatements`.
"""


from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import polars as pl

from pipelines.lib.db import (
    register_frame,
)
from pipelines.lib.frames import FRAMES
from pipelines.lib.restatements import can_supersede, supersede_older, superseded
from pipelines.lib.vocab import DocType, Scope, Unit, codes
from pipelines.schemas import declared

# frame name (frames.FRAMES) -> the table that keeps it (schemas/models.py RELATIONS, as schemas/declared.py holds it)
FRAME_TABLES = {frame: table for frame, table, _ in declared.RELATIONS}


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
    doc["doc_type"] = doc["doc_type"] or DocType.budget.value
    doc["scope"] = doc["scope"] or Scope.department.value
    for key, allowed in (("doc_type", DocType), ("scope", Scope), ("unit", Unit)):
        if doc[key] not in codes(allowed) and not (key == "unit" and doc[key] is None):
            raise ValueError(f"{key} {doc[key]!r} is not one of {', '.join(repr(v) for v in codes(allowed))}"
                             + (" (or None)" if key == "unit" else ""))
    if doc["year"] is not None and not isinstance(doc["year"], int):
        raise ValueError(f"year {doc['year']!r} is not an integer")
    if not re.fullmatch(r"[0-9a-f]{64}", str(doc["document_id"])):
        raise ValueError(f"document_id {doc['document_id']!r} is not a sha256 hex digest of the file's bytes")
    return doc


def _insert_document(con: duckdb.DuckDBPyConnection, doc: dict[str, Any], status: str, now: datetime) -> None:
    _insert_documents(con, [(doc, status)], now)


# core.documents' integer columns among DOCUMENT_KEYS (every other one is varchar)
_INTEGER_KEYS = frozenset({"year", "file_size", "pages", "n_tables"})


def _columns(rows: list[list[Any]], integers: frozenset[int] = frozenset()) -> tuple[str, list[list[Any]]]:
    """Rows as one list parameter per column and the select that turns them back into rows (``unnest`` of each,
    side by side): one statement binds a list a column instead of a value a cell — ~0.1 ms a row less than a
    ``values`` list of ``?`` (DuckDB binds and plans every ``?``), for a group of 64 documents ~7 ms.  Column
    ``i`` is cast as ``bigint[]`` where ``i`` is in ``integers``, else as ``varchar[]`` (a value that is no str is
    written as its text, as the insert would cast it)."""
    lists = [list(column) for column in zip(*rows, strict=True)]
    for i, values in enumerate(lists):
        if i not in integers:
            lists[i] = [v if v is None or isinstance(v, str) else str(v) for v in values]
    select = ", ".join(f"unnest(?::{'bigint' if i in integers else 'varchar'}[])" for i in range(len(lists)))
    return select, lists


def _insert_documents(con: duckdb.DuckDBPyConnection, docs: list[tuple[dict[str, Any], str]], now: datetime) -> None:
    """Insert ``(document, status)`` rows into ``core.documents``, all in one statement."""
    columns = [*DOCUMENT_KEYS, "status"]
    select, lists = _columns([[*(doc[key] for key in DOCUMENT_KEYS), status] for doc, status in docs],
                             frozenset(i for i, key in enumerate(columns) if key in _INTEGER_KEYS))
    con.execute(f"insert into core.documents ({', '.join(columns)}, ingested_at, status_changed_at) "
                f"select {select}, ?::timestamptz, ?::timestamptz", [*lists, now, now]).fetchall()


def _record_file(con: duckdb.DuckDBPyConnection, doc: dict[str, Any], now: datetime) -> None:
    """Remember the path this content was seen at (``core.files``), with its region and county."""
    _record_files(con, [doc], now)


def _record_files(con: duckdb.DuckDBPyConnection, docs: list[dict[str, Any]], now: datetime) -> None:
    """:func:`_record_file` for several documents (each at a different path or of different bytes), one statement."""
    select, lists = _columns([[doc["document_id"], doc.get("source_path") or doc["file_name"], doc["file_name"],
                               doc.get("region"), doc.get("county")] for doc in docs])
    con.execute(
        "insert into core.files (document_id, path, file_name, region, county, first_seen_at, last_seen_at) "
        f"select {select}, ?::timestamptz, ?::timestamptz on conflict (document_id, path) do update set "
        "last_seen_at = excluded.last_seen_at, region = excluded.region, county = excluded.county",
        [*lists, now, now],
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
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """``begin`` … ``commit``; on any error (or an interrupt) roll back and re-raise.

    After a failed write or commit there may be nothing left to roll back, and a broken connection cannot:
    the error that failed it (a full disk, say) is the one to tell, so the rollback's own error is dropped.
    """
    con.begin()
    try:
        yield
        con.commit()
    except BaseException:
        with suppress(duckdb.Error):
            con.rollback()
        raise


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
            frame = _with_basis(name, frame.with_columns(pl.lit(document_id, dtype=pl.String).alias("document_id")))
            views[name] = f"_incoming_{name}_{uuid.uuid4().hex[:8]}"
            register_frame(con, views[name], frame)
        yield views
    finally:
        for view in views.values():
            if view is not None:
                con.unregister(view)


def _with_basis(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A frame of figures with its ``basis``: a caller that predates 决算 (no basis, or basis left null) gives
    budget figures."""
    if name in ("budget_lines", "budget_summary", "three_public"):
        basis = pl.col("basis").fill_null("budget") if "basis" in frame.columns else pl.lit("budget")
        frame = frame.with_columns(basis.cast(pl.String).alias("basis"))
    return frame


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
    with _transaction(con):
        existing = document_status(con, document_id)
        _record_file(con, doc, now)
        if existing in ("loaded", "superseded"):
            return LoadResult(document_id, "unchanged", existing)  # only the path it was seen at is new
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
        superseded, restated = supersede_older(con, doc, now)
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
        try:
            return _load_new(con, checked)
        except _NotApart:  # rolled back: two of them file for one department under two of its names
            pass
    outcomes: list[str] = []
    with ExitStack() as stack:
        views = [stack.enter_context(_registered(con, doc["document_id"], frames)) for doc, frames, _ in checked]
        shared = _Shared(con)
        with _transaction(con):
            for (doc, frames, rejected), view in zip(checked, views, strict=True):
                if rejected:
                    outcomes.append(_reject(shared, doc, view))
                else:
                    heights = {name: frame.height for name, frame in frames.items()}
                    outcomes.append(_load(shared, doc, view, heights).outcome)
    return outcomes


def _supersede_key(doc: Mapping[str, Any]) -> tuple | None:
    """What :func:`supersede_older` matches a filing on; None when it cannot supersede anything."""
    if not can_supersede(doc):
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


class _NotApart(Exception):
    """Filings of a batch :func:`_new_and_apart` let through, of which one supersedes another."""


def _load_new(con: duckdb.DuckDBPyConnection, batch: list[tuple[dict, Mapping, bool]]) -> list[str]:
    """New filings that cannot supersede each other, in one transaction: the document rows, then each frame of
    all of them stacked into one insert per table (not one per filing and table), then, filing after filing in
    order, what :func:`_load` does after its inserts (the department alias, supersession) — keep the two alike."""
    parts: dict[str, list[tuple[str, pl.DataFrame]]] = {}
    for doc, frames, _ in batch:
        for name, frame in frames.items():
            if frame.height:
                parts.setdefault(name, []).append((doc["document_id"], frame))
    views: list[tuple[str, str]] = []
    try:
        for name, pairs in parts.items():
            try:  # the loader's document_id (a frame's own, if any, overwritten), one column for the stack
                ids = pl.Series("document_id", [i for i, frame in pairs for _ in range(frame.height)], pl.String)
                stacked = [pl.concat([frame for _, frame in pairs], how="vertical").with_columns(ids)]
            except pl.exceptions.PolarsError:  # frames with different columns: one insert each
                stacked = [frame.with_columns(pl.lit(i, dtype=pl.String).alias("document_id")) for i, frame in pairs]
            for frame in stacked:
                views.append((name, f"_incoming_{name}_{uuid.uuid4().hex[:8]}"))
                register_frame(con, views[-1][1], _with_basis(name, frame))
        now = datetime.now(UTC)
        with _transaction(con):
            _insert_documents(con, [(doc, "rejected") if rejected else ({**doc, "error": None}, "loaded")
                                    for doc, _, rejected in batch], now)
            _record_files(con, [doc for doc, _, _ in batch], now)
            for name, view in views:
                con.execute(f"insert into {FRAME_TABLES[name]} by name select * from {view}").fetchall()
            loaded = [doc for doc, _, rejected in batch if not rejected]
            _record_aliases(con, loaded, now)  # what _load does after its inserts, filing after filing
            older = superseded(con, loaded)  # one query for the chunk: none of them supersedes another
            ids = {doc["document_id"] for doc in loaded}
            if any(old in ids for olds in older.values() for old in olds):
                # unless two print different names of one department (an alias _record_aliases just matched):
                # then each would supersede the other here — they are loaded in order instead
                raise _NotApart
            for doc in loaded:
                if doc["document_id"] in older:
                    supersede_older(con, doc, now, older[doc["document_id"]])
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
    with _transaction(con):
        existing = document_status(con, document_id)
        _record_file(con, doc, now)
        if existing in ("loaded", "superseded"):
            return existing  # only the path it was seen at is new
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
    return "rejected"


def _record_alias(con: duckdb.DuckDBPyConnection, doc: dict[str, Any], now: datetime) -> None:
    """Record the name this filing prints as an alias of a department of its county (core.department_aliases).

    A name seen before keeps its department.  A new name is matched to a known department of the same county
    by its canonical form (known abbreviations applied: 中国共产党江苏省委员会办公厅 = 中共江苏省委办公厅,
    ``matched_by`` 'abbreviation'), or where one canonical name ends with the other (江苏省委办公厅 in
    中共江苏省委办公厅, 'contained'); otherwise it is a department of its own ('printed').
    """
    _record_aliases(con, [doc], now)


def _record_aliases(con: duckdb.DuckDBPyConnection, docs: list[dict[str, Any]], now: datetime) -> None:
    """:func:`_record_alias` for several filings in order (a later one sees the names the earlier ones added):
    the known aliases of their counties read once, what is new inserted in one statement."""
    docs = [doc for doc in docs if doc.get("department_name")]
    if not docs:
        return
    counties = list(dict.fromkeys(doc.get("county") for doc in docs))
    known: dict[str | None, list[tuple[str, str]]] = {county: [] for county in counties}
    for county, alias, department in con.execute(
        "select county, alias, department from core.department_aliases "
        "where county in (select unnest(?::varchar[])) or (county is null and ?)",
        [[c for c in counties if c is not None], None in known],
    ).fetchall():
        known[county].append((alias, department))
    rows: list[list[Any]] = []
    for doc in docs:
        rows += _aliases_of(doc, known[doc.get("county")], now)
    if rows:
        con.execute(
            "insert into core.department_aliases (county, alias, department, matched_by, document_id, recorded_at) "
            f"values {', '.join('(?, ?, ?, ?, ?, ?)' for _ in rows)}", [v for row in rows for v in row]).fetchall()


def _aliases_of(doc: dict[str, Any], known: list[tuple[str, str]], now: datetime) -> list[list[Any]]:
    """The alias rows a filing adds to ``known`` (its county's (alias, department) pairs, appended to)."""
    from pipelines.lib.classify import canonical_name

    name, county = doc["department_name"], doc.get("county")
    if any(alias == name for alias, _ in known):
        return _printed_alias(doc, None, known, now)
    mine = canonical_name(name)
    department, matched_by = name, "printed"
    for alias, dept in known:
        theirs = canonical_name(alias)
        if theirs == mine:
            department, matched_by = dept, "abbreviation"
            break
        if len(min(theirs, mine, key=len)) >= 4 and (theirs.endswith(mine) or mine.endswith(theirs)):
            department, matched_by = dept, "contained"
    known.append((name, department))
    return [[county, name, department, matched_by, doc["document_id"], now],
            *_printed_alias(doc, department, known, now)]


def _printed_alias(doc: dict[str, Any], department: str | None, known: list[tuple[str, str]],
                   now: datetime) -> list[list[Any]]:
    """The name as printed with its scope (泉州市人民政府办公室（本级）): an alias of the department it names,
    ``matched_by`` 'scope suffix' (the suffix is the filing's scope, not part of the name)."""
    printed, county = doc.get("printed_name"), doc.get("county")
    if not printed or printed == doc.get("department_name"):
        return []
    if department is None:
        department = next((dept for alias, dept in known if alias == doc["department_name"]), doc["department_name"])
    if any(alias == printed for alias, _ in known):
        return []
    known.append((printed, department))
    return [[county, printed, department, "scope suffix", doc["document_id"], now]]
