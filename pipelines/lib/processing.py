"""The processing stage, one file at a time and pure (no warehouse): read (sniff, docx/pdf reader, classify) →
normalize → checks → pandera, into a :class:`~pipelines.lib.record.Processed` the load stage writes.

    read_filing   bytes → Filing              (raises RejectedFile)
    process       path  → Processed           (never raises for a bad file: the reason lands in
                                               ``Processed.document.error``)
    process_batch the same for several files, one pandera run per frame over them all
"""

from __future__ import annotations

import gc
import hashlib
import os
from bisect import bisect_right
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path

import polars as pl

from pipelines.lib import coverage, quick_schema
from pipelines.lib import frames as F
from pipelines.lib.checks import CheckResult, Finding, Validation, validate
from pipelines.lib.discovery import read_regular_file, region_of
from pipelines.lib.errors import RejectedFile
from pipelines.lib.messages import (
    OWN_SUFFIXES,
    WHAT_IT_IS,
    internal_reason,
    join_reasons,
    printable,
    printable_path,
    with_advice,
)
from pipelines.lib.model import Filing
from pipelines.lib.normalize import normalize
from pipelines.lib.normalize_records import empty_frame
from pipelines.lib.record import FilingRecord, Processed
from pipelines.schemas import declared

# frames that are not budget facts
NOT_FACTS = ("findings", "check_results", "table_cells", "coverage", "coverage_gaps")


def read_filing(data: bytes, name: str = "") -> Filing:
    """Bytes → classified Filing.  Raises :class:`RejectedFile` with an operator-readable reason."""
    from pipelines.lib import classify, safe_io

    kind = safe_io.sniff(data)
    if kind == "docx":
        from pipelines.lib.docx_reader import read_docx

        raw = read_docx(data)
    elif kind == "pdf":
        from pipelines.lib.pdf_reader import read_pdf

        raw = read_pdf(data)
    else:
        what, hint = WHAT_IT_IS.get(kind, WHAT_IT_IS["unknown"])
        suffix = Path(name).suffix.lower()
        # Name the disguise only where the content has an extension of its own and the name lies.
        own = OWN_SUFFIXES.get(kind, ())
        renamed = f", renamed {suffix}" if own and suffix and suffix not in own else ""
        raise RejectedFile(f"this is {what}{renamed}; {hint}", kind=kind)
    filing = classify.classify(raw)
    filing.raw = raw
    return filing


# the frames validated before loading (the facts), in the models' order
VALIDATED = tuple(frame for frame, _, validated in declared.RELATIONS if validated)


def _pandera():
    """pandera (polars API) and the models of the validated frames, imported the first time a frame may fail
    (:func:`quick_schema.passes` says no): a process whose frames all pass never imports pandera (~0.18 CPU s)."""
    from pipelines.lib.lean_imports import pandera_without_pandas

    pandera_without_pandas()
    import pandera.polars as pa

    from pipelines.schemas.models import MODELS

    return pa, MODELS


def _schema_validate(frames: dict[str, pl.DataFrame], document_id: str) -> tuple[dict, list[Finding]]:
    """pandera, lazily: rows that fail are dropped from the load and reported, never silently."""
    findings: list[Finding] = []
    kept = {}
    for name, df in frames.items():
        if quick_schema.passes(name, df):
            kept[name] = df
            continue
        pa, models = _pandera()
        try:
            kept[name] = models[name].validate(df, lazy=True)
        except pa.errors.SchemaErrors as err:
            cases = err.failure_cases
            bad_rows = sorted({int(i) for i in cases["index"].drop_nulls().to_list()})
            for case in cases.head(50).iter_rows(named=True):
                row = df.row(int(case["index"]), named=True) if case["index"] is not None else {}
                where = (f"table {row.get('source_table')} row {row.get('source_row')}" if row else name)
                findings.append(Finding(
                    "warning", "schema", row.get("table_kind") or name, where, case["check"],
                    str(case["failure_case"]),
                    f"{name}.{case['column']} = {case['failure_case']!r} fails {case['check']}; the row was not loaded",
                ))
            kept[name] = df.with_row_index("_i").filter(~pl.col("_i").is_in(bad_rows)).drop("_i")
    return kept, findings


def _schema_validate_batch(frames: list[dict[str, pl.DataFrame]],
                           document_ids: list[str]) -> list[tuple[dict, list[Finding]] | None]:
    """pandera once per frame name over the frames of many filings stacked, instead of once per filing.

    pandera's cost is mostly per call (~20 ms a frame, whatever its size), so six small frames cost a
    filing ~120 ms alone and a few ms in a batch; and :func:`quick_schema.passes` asks the stack the same
    questions in one query (~0.2 ms a filing), pandera itself running only where a stack may fail.  Every
    check of the models is row-wise, or a uniqueness whose key starts with ``document_id``, so a row fails in
    the stack exactly when it fails in its own filing's frame.  A filing none of whose rows fails gets its frames back unchanged; every
    other filing (a failing row, found by its position in the stack), any filing whose bytes another of
    the batch shares (one document_id twice would collide in the uniqueness checks) and every filing when
    a failure is not a row (a missing column, a wrong dtype) gets ``None``: validate it alone with
    :func:`_schema_validate`, which makes its findings exactly what they always were.
    """
    n = len(frames)
    result: list[tuple[dict, list[Finding]] | None] = [None] * n
    seen: set[str] = set()
    batch = []
    for i, doc_id in enumerate(document_ids):
        if doc_id not in seen and set(frames[i]) <= set(VALIDATED):
            batch.append(i)
        seen.add(doc_id)
    if len(batch) < 2:
        return result
    failed: set[int] = set()
    for name in VALIDATED:
        members = [i for i in batch if name in frames[i]]
        if not members:
            continue
        parts = [frames[i][name] for i in members]
        stacked = pl.concat(parts, how="vertical", rechunk=False)
        if quick_schema.passes(name, stacked):  # pandera's checks in one query: every row passes
            continue
        pa, models = _pandera()
        try:
            models[name].validate(stacked, lazy=True)
        except pa.errors.SchemaErrors as err:
            index = err.failure_cases["index"]
            if index.null_count():
                return [None] * n  # a failure of a whole frame: find whose, filing by filing
            ends = list(accumulate(df.height for df in parts))
            failed.update(members[bisect_right(ends, int(row))] for row in index.unique().to_list())
    for i in batch:
        if i not in failed:
            result[i] = (dict(frames[i]), [])
    return result


@dataclass
class _Normalized:
    """A filing read, normalized and checked, its frames not yet schema-validated."""

    doc: FilingRecord
    path: Path
    filing: Filing
    validation: Validation
    frames: dict[str, pl.DataFrame]
    coverage: dict[str, pl.DataFrame] = field(default_factory=dict)  # quality.coverage frames (no pandera model)


def process(path: Path, *, root: Path | None = None, county: str | None = None,
            data: bytes | None = None) -> Processed:
    """Read, normalize and validate one file.  A bad file gives a rejected document, not an exception."""
    with quiet_gc():
        step = _normalized(Path(path), root, county, data)
        return step if isinstance(step, Processed) else _validated([step])[0]


def process_batch(files: list[tuple[Path, Path | None]], county: str | None = None) -> list[Processed]:
    """:func:`process` for several files (``(path, root)`` pairs), in order, with one pandera run per frame
    over the whole batch instead of one per filing (see :func:`_schema_validate_batch`).  The results are
    the same as :func:`process` on each file alone."""
    with quiet_gc(len(files)):
        steps = [_normalized(Path(path), root, county, None) for path, root in files]
        done = iter(_validated([s for s in steps if isinstance(s, _Normalized)]))
        return [s if isinstance(s, Processed) else next(done) for s in steps]


@contextmanager
def quiet_gc(filings: int = 1):
    """Python's cyclic garbage collector paused while ``filings`` filings are read, and resumed after (as it was).

    Reading a filing allocates some 10,000 container objects (cells, rows, records, lists) that nearly all die by
    reference count, yet every 700 allocations start a collection, and every few a full one over everything the
    process holds (the imported modules: ~40,000 objects): ~1.5 CPU ms a filing spent finding no garbage
    (bench/bench_worker.py, ``gc``).  What the batch made and still holds (its results) then goes straight to the
    oldest generation (``gc.freeze`` then ``gc.unfreeze``: two list splices) instead of being walked the moment
    the collector resumes (~0.6 ms a filing) to be found alive.  The stages make no reference cycles (a test
    checks); whatever cycle a library makes (pypdfium2's ctypes types, ~300 small objects a PDF) is collected by a
    full collection every :data:`FULL_EVERY` filings, so garbage stays bounded however long the process reads."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            _READ[0] += filings
            if _READ[0] >= FULL_EVERY:
                _READ[0] = 0
                gc.collect()
            elif not gc.get_freeze_count():  # frozen by someone else: leave their permanent generation alone
                gc.freeze()
                gc.unfreeze()
            gc.enable()


FULL_EVERY = 256  # filings read between two full collections (one costs ~15-30 ms in a worker: ~0.1 ms a filing)
_READ = [0]  # filings read since the last full collection


def _normalized(path: Path, root: Path | None, county: str | None, data: bytes | None) -> Processed | _Normalized:
    """Read, normalize and check identities; a Processed when the file is rejected on the way."""
    region, county = region_of(path, root, county)
    # keyed by the hash of its path until its bytes are read (a file that cannot be read keeps that key)
    doc = FilingRecord(hashlib.sha256(os.fsencode(path)).hexdigest(), printable(path.name), printable_path(path),
                       region=region and printable_path(Path(region)), county=county and printable(county))
    try:
        if data is None:
            data = read_regular_file(path)
        doc = replace(doc, document_id=hashlib.sha256(data).hexdigest(), file_size=len(data))
        filing = read_filing(data, path.name)
    except RejectedFile as err:
        return _rejected(doc, with_advice(err.reason, err.kind), err.kind)
    except OSError as err:
        return _rejected(doc, f"cannot read the file ({err.strerror or err}); check that it exists "
                         "and that yusuan may read it", "unreadable")
    except Exception as err:  # a reader bug must cost one file, not the batch
        return _rejected(doc, internal_reason("reading", err), "internal")

    doc = replace(doc, department_code=filing.department_code, department_name=filing.department_name,
                  year=filing.year, doc_type=filing.doc_type, scope=filing.scope, unit=filing.unit,
                  file_type=filing.file_type, pages=filing.pages, n_tables=len(filing.tables), part=filing.part,
                  printed_name=filing.printed_name)  # load._record_alias keeps printed_name as an alias
    try:
        norm = normalize(filing, doc.document_id)
        validation: Validation = validate(filing, norm)
        frames = norm.frames()
    except Exception as err:  # as above: reject this file, and say it is our fault
        return _rejected(doc, internal_reason("normalizing and checking", err), "internal", filing)
    cov = coverage.measure(filing, norm)
    cov_result = cov.result()
    validation.results.append(cov_result)
    validation.findings.extend(cov_result.findings)
    return _Normalized(doc, path, filing, validation, frames, cov.frames(doc.document_id))


def _validated(steps: list[_Normalized]) -> list[Processed]:
    """Schema-validate the steps' frames (together where possible) and finish each into a Processed."""
    try:
        batch = _schema_validate_batch([s.frames for s in steps], [s.doc.document_id for s in steps])
    except Exception:  # frames that cannot even be stacked: validate each filing alone, as before
        batch = [None] * len(steps)
    out = []
    for step, result in zip(steps, batch, strict=True):
        try:
            frames, schema_findings = result if result is not None else _schema_validate(
                step.frames, step.doc.document_id)
            out.append(_finish(step, frames, schema_findings))
        except Exception as err:
            out.append(_rejected(step.doc, internal_reason("normalizing and checking", err), "internal",
                                 step.filing))
    return out


def _finish(step: _Normalized, frames: dict[str, pl.DataFrame], schema_findings: list[Finding]) -> Processed:
    doc, filing, validation = step.doc, step.filing, step.validation
    findings = validation.findings + schema_findings
    errors = [f for f in findings if f.severity == "error"]
    reject_kind = None
    if errors:
        doc = replace(doc, error=join_reasons([f.message.removeprefix("Rejected: ") for f in errors]))
        reject_kind = "validation"
    else:
        doc = replace(doc, status="loaded")
    frames["findings"] = (pl.DataFrame([f.as_row(doc.document_id) for f in findings], schema=F.FINDINGS)
                          if findings else empty_frame(F.FINDINGS))
    frames["check_results"] = check_results_frame(validation.results, doc.document_id)
    frames["table_cells"] = table_cells_frame(filing, doc.document_id)
    frames.update(step.coverage)
    return Processed(doc, frames, validation.results, findings, filing, reject_kind)


def _rejected(doc: FilingRecord, reason: str, kind: str, filing: Filing | None = None) -> Processed:
    """A rejected Processed, saying why."""
    return Processed(replace(doc, error=reason, status="rejected"), filing=filing, reject_kind=kind)


def table_cells_frame(filing: Filing, document_id: str) -> pl.DataFrame:
    """Every cell the reader saw, with the kind and title of the logical table it belongs to."""
    if filing.raw is None:
        return pl.DataFrame(schema=F.TABLE_CELLS)
    owner = {p: t for t in filing.tables for p in (t.parts or [t.index])}
    cells: list = []
    cols: dict[str, list] = {"source_table": [], "logical_table": [], "table_kind": [], "title": []}
    for rt in filing.raw.tables:  # a table's own columns a run at a time, each cell's from the cells below
        t = owner.get(rt.index)
        n = len(cells)
        cells += [c for row in rt.rows for c in row]
        n = len(cells) - n
        cols["source_table"] += [rt.index] * n
        cols["logical_table"] += [t.index if t else None] * n
        cols["table_kind"] += [t.kind if t else None] * n
        cols["title"] += [t.title if t else None] * n
    cols.update(source_row=[c.row for c in cells], source_col=[c.col for c in cells],
                row_span=[c.row_span for c in cells], col_span=[c.col_span for c in cells],
                text=[c.text for c in cells], page=[c.page for c in cells], document_id=[document_id] * len(cells))
    return F.build(cols, F.TABLE_CELLS)


def check_results_frame(results: list[CheckResult], document_id: str) -> pl.DataFrame:
    """One row per (check, table): passed / failed / not_run, with counts — the coverage of validation."""
    if not results:
        return empty_frame(F.CHECK_RESULTS)
    return F.build({"document_id": [document_id] * len(results), "check": [r.check for r in results],
                    "table_kind": [r.table_kind for r in results], "status": [r.status for r in results],
                    "compared": [r.compared for r in results], "within_rounding": [r.within_rounding for r in results],
                    "failures": [len(r.findings) for r in results], "reason": [r.reason for r in results]},
                   F.CHECK_RESULTS)  # by column: a frame of row dicts cost ~3x as much
