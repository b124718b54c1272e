"""The per-filing stages, shared by the CLI and the Dagster assets (one code path).

    read_filing   bytes → Filing              (sniff, docx/pdf reader, classify; raises RejectedFile)
    process       path  → Processed           (read, normalize, schema-validate, check identities; never raises
                                               for a bad file: the reason lands in ``document['error']``)

Loading is ``warehouse.load_document`` / ``warehouse.record_rejection``.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path

import pandera.polars as pa
import polars as pl

from pipelines.lib import coverage
from pipelines.lib import frames as F
from pipelines.lib.checks import CheckResult, Finding, Validation, validate
from pipelines.lib.errors import RejectedFile
from pipelines.lib.model import Filing
from pipelines.lib.normalize import normalize
from pipelines.schemas.models import MODELS

# frames that are not budget facts
NOT_FACTS = ("findings", "check_results", "table_cells", "coverage", "coverage_gaps")
# .docm/.dotx/.dotm are Word packages too (macro-enabled, templates): read as Word, macros never run.
SUFFIXES = {".docx", ".docm", ".dotx", ".dotm", ".pdf", ".doc", ".xls", ".xlsx"}
MAX_FILE_BYTES = 64 * 1024 * 1024
_YEAR_DIR = re.compile(r"^(19|20)\d{2}$")

# What a file really is when its bytes are not a .docx or a PDF (safe_io.sniff's kinds), and what to do.
WHAT_IT_IS = {
    "doc": ("an old Word 97-2003 .doc file", "open it in Word or WPS and save it as .docx"),
    "xls": ("an Excel 97-2003 .xls workbook, not a Word document",
            "yusuan does not read spreadsheets yet; ask the publisher for the .docx or .pdf"),
    "xlsx": ("an Excel .xlsx workbook, not a Word document",
             "yusuan does not read spreadsheets yet; ask the publisher for the .docx or .pdf"),
    "zip": ("a zip archive, not a Word document (it has no word/document.xml)",
            "unpack it and ingest the filings inside"),
    "encrypted_ooxml": ("a password-protected (encrypted) Office document",
                        "remove the password in Word/WPS or ask the publisher for an unprotected copy"),
    "rtf": ("an RTF file, not a Word document", "open it in Word or WPS and save it as .docx"),
    "html": ("a web page (HTML/MHT), not a Word document", "open it in Word or WPS and save it as .docx"),
    "empty": ("an empty file (0 bytes)", "the download probably failed; fetch it again"),
    "unknown": ("not a Word document or a PDF (its content is unrecognised)",
                "check that the right file was downloaded"),
}

_OWN_SUFFIXES = {"doc": (".doc",), "xls": (".xls",), "xlsx": (".xlsx",), "zip": (".zip",), "rtf": (".rtf",),
                 "html": (".html", ".htm", ".mht", ".mhtml")}

# What to do, for reasons that name the problem only (the readers' RejectedFile.kind → advice).
ADVICE = {
    "no_document": "open it in Word or WPS and save it again, or fetch it again",
    "xml_dtd": "do not open it; ask the publisher for a copy saved by Word or WPS",
    "bomb": "do not open it; ask the publisher for the original file",
    "too_large": "check that it is one filing, not an archive of many",
    "malformed": "open it in Word or WPS and save it again, or fetch it again",
    "truncated": "fetch it again",
}
_HAS_ADVICE = re.compile(r"\b(again|ask|save|fetch|download|remove|export|check|give it|do not)\b", re.IGNORECASE)
# A reason starting with this is yusuan's own failure, not the file's: see Processed.reject_kind.
INTERNAL = "yusuan failed on this file"


@dataclass
class Processed:
    """Everything about one file that the warehouse needs, computed without touching it."""

    document: dict  # the core.documents row (status loaded|rejected)
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    filing: Filing | None = None
    # Why it was rejected, as a short key: RejectedFile.kind (empty, doc, bomb, scan, ...),
    # 'validation' (an error finding), 'unreadable' (OSError) or 'internal' (a bug in yusuan).
    reject_kind: str | None = None

    @property
    def rejected(self) -> bool:
        return self.document["status"] == "rejected"


# What a folder name must look like to be taken for a region (data, not code: a new kind of region is a
# row here).  Administrative divisions end in one of these; "本级" is a government's own level
# (省本级, 上海市本级); the names are regions that end in nothing of the kind.
REGION_SUFFIXES = ("省", "市", "县", "区", "旗", "州", "盟", "本级")
REGION_NAMES = ("中央",)


def looks_like_region(folder: str) -> bool:
    """True for 河北省, 魏县, 普陀区, 省本级, 中央; False for tianbaoxitong, 2023, 教育局, downloads."""
    name = folder.strip()
    return name in REGION_NAMES or (len(name) >= 2 and name.endswith(REGION_SUFFIXES))


def region_folders(path: Path, root: Path | None) -> tuple[list[str], list[str]]:
    """The folders between the ingest root and the file (year folders left out): (regions, others)."""
    parts: list[str] = []
    if root is not None:
        try:
            rel = path.resolve().parent.relative_to(root.resolve())
            parts = [p for p in rel.parts if not _YEAR_DIR.match(p)]
        except ValueError:
            parts = []
    regions = [p for p in parts if looks_like_region(printable(p))]  # a GBK name is judged decoded
    return regions, [p for p in parts if p not in regions]


def region_of(path: Path, root: Path | None, county: str | None = None) -> tuple[str | None, str | None]:
    """The region folders between the ingest root and the file, '/'-joined; the last one is the county.

    Only folders that look like regions count (:func:`looks_like_region`): a download folder or a
    department's folder is passed over, and a file under none has no county unless ``county`` is given.
    """
    parts, _ = region_folders(path, root)
    region = "/".join(parts) or None
    return region, county or (parts[-1] if parts else None)


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
        own = _OWN_SUFFIXES.get(kind, ())
        renamed = f", renamed {suffix}" if own and suffix and suffix not in own else ""
        raise RejectedFile(f"this is {what}{renamed}; {hint}", kind=kind)
    filing = classify.classify(raw)
    filing.raw = raw
    return filing


def _schema_validate(frames: dict[str, pl.DataFrame], document_id: str) -> tuple[dict, list[Finding]]:
    """pandera, lazily: rows that fail are dropped from the load and reported, never silently."""
    findings: list[Finding] = []
    kept = {}
    for name, df in frames.items():
        try:
            kept[name] = MODELS[name].validate(df, lazy=True)
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
    filing ~120 ms alone and a few ms in a batch.  Every check of the models is row-wise, or a
    uniqueness whose key starts with ``document_id``, so a row fails in the stack exactly when it fails
    in its own filing's frame.  A filing none of whose rows fails gets its frames back unchanged; every
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
        if doc_id not in seen and set(frames[i]) <= set(MODELS):
            batch.append(i)
        seen.add(doc_id)
    if len(batch) < 2:
        return result
    failed: set[int] = set()
    for name, model in MODELS.items():
        members = [i for i in batch if name in frames[i]]
        if not members:
            continue
        parts = [frames[i][name] for i in members]
        try:
            model.validate(pl.concat(parts, how="vertical", rechunk=False), lazy=True)
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

    doc: dict
    path: Path
    filing: Filing
    validation: Validation
    frames: dict[str, pl.DataFrame]
    coverage: dict[str, pl.DataFrame] = field(default_factory=dict)  # quality.coverage frames (no pandera model)


def process(path: Path, *, root: Path | None = None, county: str | None = None,
            data: bytes | None = None) -> Processed:
    """Read, normalize and validate one file.  A bad file gives a rejected document, not an exception."""
    step = _normalized(Path(path), root, county, data)
    return step if isinstance(step, Processed) else _validated([step])[0]


def process_batch(files: list[tuple[Path, Path | None]], county: str | None = None) -> list[Processed]:
    """:func:`process` for several files (``(path, root)`` pairs), in order, with one pandera run per frame
    over the whole batch instead of one per filing (see :func:`_schema_validate_batch`).  The results are
    the same as :func:`process` on each file alone."""
    steps = [_normalized(Path(path), root, county, None) for path, root in files]
    done = iter(_validated([s for s in steps if isinstance(s, _Normalized)]))
    return [s if isinstance(s, Processed) else next(done) for s in steps]


def _normalized(path: Path, root: Path | None, county: str | None, data: bytes | None) -> Processed | _Normalized:
    """Read, normalize and check identities; a Processed when the file is rejected on the way."""
    region, county = region_of(path, root, county)
    doc: dict = {
        "document_id": None, "file_name": printable(path.name), "source_path": printable_path(path),
        "region": region and printable_path(Path(region)), "county": county and printable(county), "department_code": None, "department_name": None, "year": None,
        "doc_type": "budget", "scope": "department", "unit": None, "status": "rejected", "error": None, "file_type": None,
        "pages": None, "n_tables": None, "part": None, "printed_name": None, "ingested_at": datetime.now(UTC).replace(tzinfo=None),
    }
    try:
        if data is None:
            data = read_regular_file(path)
        doc["document_id"] = hashlib.sha256(data).hexdigest()
        filing = read_filing(data, path.name)
    except RejectedFile as err:
        return _rejected(doc, path, _with_advice(err.reason, err.kind), err.kind)
    except OSError as err:
        return _rejected(doc, path, f"cannot read the file ({err.strerror or err}); check that it exists "
                         "and that yusuan may read it", "unreadable")
    except Exception as err:  # a reader bug must cost one file, not the batch
        return _rejected(doc, path, _internal("reading", err), "internal")

    doc.update(department_code=filing.department_code, department_name=filing.department_name,
               year=filing.year, doc_type=filing.doc_type, scope=filing.scope, unit=filing.unit, file_type=filing.file_type,
               pages=filing.pages, n_tables=len(filing.tables), part=filing.part)
    doc["printed_name"] = filing.printed_name  # warehouse._record_alias keeps it as an alias of the department
    try:
        norm = normalize(filing, doc["document_id"])
        validation: Validation = validate(filing, norm)
        frames = norm.frames()
    except Exception as err:  # as above: reject this file, and say it is our fault
        return _rejected(doc, path, _internal("normalizing and checking", err), "internal", filing)
    cov = coverage.measure(filing, norm)
    cov_result = cov.result()
    validation.results.append(cov_result)
    validation.findings.extend(cov_result.findings)
    return _Normalized(doc, path, filing, validation, frames, cov.frames(doc["document_id"]))


def _validated(steps: list[_Normalized]) -> list[Processed]:
    """Schema-validate the steps' frames (together where possible) and finish each into a Processed."""
    try:
        batch = _schema_validate_batch([s.frames for s in steps], [s.doc["document_id"] for s in steps])
    except Exception:  # frames that cannot even be stacked: validate each filing alone, as before
        batch = [None] * len(steps)
    out = []
    for step, result in zip(steps, batch, strict=True):
        try:
            frames, schema_findings = result if result is not None else _schema_validate(
                step.frames, step.doc["document_id"])
            out.append(_finish(step, frames, schema_findings))
        except Exception as err:
            out.append(_rejected(step.doc, step.path, _internal("normalizing and checking", err), "internal",
                                 step.filing))
    return out


def _finish(step: _Normalized, frames: dict[str, pl.DataFrame], schema_findings: list[Finding]) -> Processed:
    doc, filing, validation = step.doc, step.filing, step.validation
    findings = validation.findings + schema_findings
    errors = [f for f in findings if f.severity == "error"]
    reject_kind = None
    if errors:
        doc["error"] = _join_reasons([f.message.removeprefix("Rejected: ") for f in errors])
        reject_kind = "validation"
    else:
        doc["status"] = "loaded"
    frames["findings"] = pl.DataFrame([f.as_row(doc["document_id"]) for f in findings] or None, schema=F.FINDINGS)
    frames["check_results"] = check_results_frame(validation.results, doc["document_id"])
    frames["table_cells"] = table_cells_frame(filing, doc["document_id"])
    frames.update(step.coverage)
    return Processed(doc, frames, validation.results, findings, filing, reject_kind)


def _rejected(doc: dict, path: Path, reason: str, kind: str, filing: Filing | None = None) -> Processed:
    """A rejected Processed; a file that could not even be read is keyed by the hash of its path."""
    doc["document_id"] = doc["document_id"] or hashlib.sha256(os.fsencode(path)).hexdigest()
    doc["error"] = reason
    doc["status"] = "rejected"
    return Processed(doc, filing=filing, reject_kind=kind)


def read_regular_file(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most MAX_FILE_BYTES; RejectedFile otherwise.

    The type is checked before opening (a FIFO's open blocks until a writer comes; a device may never
    end), and again on the open descriptor, opened non-blocking, in case the path changed in between.
    """
    what = not_regular(os.stat(path).st_mode)
    if what:
        raise RejectedFile(f"this is {what}, not a file; yusuan reads only regular files", kind="not_a_file")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        what = not_regular(st.st_mode)
        if what:
            raise RejectedFile(f"this is {what}, not a file; yusuan reads only regular files", kind="not_a_file")
        if st.st_size > MAX_FILE_BYTES:
            raise RejectedFile(f"the file is {st.st_size // 2**20} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit "
                               "for a filing; check it is not an archive of many files", kind="too_large")
        return fh.read(MAX_FILE_BYTES + 1)


def not_regular(mode: int) -> str | None:
    """What a file of this st_mode is when it is not a regular file ('a named pipe (FIFO)', …); None if it is."""
    if stat.S_ISREG(mode):
        return None
    for test, what in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return what
    return "not a regular file"


# C0/C1 controls, DEL and the bidirectional overrides: printed raw they can retitle or clear a terminal
# or make a name read backwards.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                        text)


def printable(text: str) -> str:
    """``text`` as valid Unicode.  A name that is not UTF-8 on disk (a GBK name unpacked from a zip made
    on Windows reaches Python as surrogate escapes, which neither DuckDB nor a UTF-8 terminal accept)
    is decoded as GB18030, else its undecodable bytes are written as \\x escapes."""
    try:
        text.encode("utf-8")
        return _escape_controls(text)
    except UnicodeEncodeError:
        raw = os.fsencode(text)
    try:
        return _escape_controls(raw.decode("gb18030"))
    except UnicodeDecodeError:
        return _escape_controls(raw.decode("utf-8", "backslashreplace"))


def printable_path(path: Path) -> str:
    """A path for the warehouse and the terminal, each part made :func:`printable` on its own."""
    text = str(path)
    try:
        text.encode("utf-8")
        return _escape_controls(text)
    except UnicodeEncodeError:
        return str(Path(*(printable(part) for part in path.parts)))


def _with_advice(reason: str, kind: str) -> str:
    """Append what to do when the reader's reason only names the problem."""
    if kind in ADVICE and not _HAS_ADVICE.search(reason):
        return f"{reason}; {ADVICE[kind]}"
    return reason


def _internal(stage: str, err: BaseException) -> str:
    """The reason for a file yusuan itself failed on: plain words, the exception, and what to do."""
    detail = str(err).splitlines()[0][:200] if str(err) else ""
    return (f"{INTERNAL} while {stage} it ({type(err).__name__}{': ' + detail if detail else ''}); "
            "this is a bug in yusuan, not necessarily in the file: report it with the file attached")


def _join_reasons(messages: list[str]) -> str:
    """Join error findings into one reason, saying a shared closing sentence once, not per finding."""
    heads, tails = [], set()
    for m in messages:
        head, sep, tail = m.rstrip().rpartition(". ")
        if sep and tail:
            heads.append(head)
            tails.add(tail)
        else:
            heads.append(m.rstrip().rstrip("."))
    if len(tails) == 1 and len(heads) == len(messages) and all(m.rstrip().endswith(next(iter(tails)))
                                                                for m in messages):
        return "; ".join(heads) + ". " + next(iter(tails))
    return "; ".join(m.rstrip().rstrip(".") for m in messages)


def table_cells_frame(filing: Filing, document_id: str) -> pl.DataFrame:
    """Every cell the reader saw, with the kind and title of the logical table it belongs to."""
    if filing.raw is None:
        return pl.DataFrame(schema=F.TABLE_CELLS)
    owner = {p: t for t in filing.tables for p in (t.parts or [t.index])}
    cols: dict[str, list] = {k: [] for k in F.TABLE_CELLS}
    for rt in filing.raw.tables:
        t = owner.get(rt.index)
        for row in rt.rows:
            for c in row:
                cols["source_table"].append(rt.index)
                cols["logical_table"].append(t.index if t else None)
                cols["table_kind"].append(t.kind if t else None)
                cols["title"].append(t.title if t else None)
                cols["source_row"].append(c.row)
                cols["source_col"].append(c.col)
                cols["row_span"].append(c.row_span)
                cols["col_span"].append(c.col_span)
                cols["text"].append(c.text)
                cols["page"].append(c.page)
    n = len(cols["text"])
    cols["document_id"] = [document_id] * n
    return pl.DataFrame(cols, schema=F.TABLE_CELLS)


def check_results_frame(results: list[CheckResult], document_id: str) -> pl.DataFrame:
    """One row per (check, table): passed / failed / not_run, with counts — the coverage of validation."""
    rows = [{"document_id": document_id, "check": r.check, "table_kind": r.table_kind, "status": r.status,
             "compared": r.compared, "within_rounding": r.within_rounding, "failures": len(r.findings),
             "reason": r.reason} for r in results]
    return pl.DataFrame(rows or None, schema=F.CHECK_RESULTS)


def _walk(folder: Path):
    """(file, reason it is passed over or None) under ``folder``, sorted; dot folders are not entered."""
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        hidden = sorted(d for d in dirnames if d.startswith("."))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in hidden:
            yield here / d, "a hidden folder (.Trash, .git, …): not searched"
        for name in sorted(filenames):
            f = here / name
            if name.startswith("~$"):
                yield f, "an Office lock file (~$…), left while a document is open: not a filing"
                continue
            if name.startswith("."):
                yield f, "a hidden file: not read"
                continue
            try:
                what = not_regular(f.lstat().st_mode if not f.is_symlink() else f.stat().st_mode)
            except OSError as err:
                yield f, f"cannot be examined ({err.strerror or err})"
                continue
            yield f, (f"{what}: yusuan reads only regular files" if what else None)


def discover(paths: list[Path]) -> list[tuple[Path, Path]]:
    """Every candidate filing under the given files/folders, with the root its region is read from.

    Only regular files are candidates: a FIFO or device given or found is never opened (see
    :func:`passed_over` for what is left out and why).
    """
    found: list[tuple[Path, Path]] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found += [(f, p) for f, why in _walk(p) if why is None and f.suffix.lower() in SUFFIXES]
        elif p.exists() and not_regular(p.stat().st_mode) is None:
            found.append((p, p.parent))
    return found


def passed_over(paths: list[Path]) -> list[tuple[str, str]]:
    """(path as printed, why) for what discovery leaves out besides other extensions: lock files, hidden
    files and folders, FIFOs, devices and sockets — each listed, none silently dropped."""
    out: list[tuple[str, str]] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += [(printable_path(f), why) for f, why in _walk(p) if why is not None]
        elif p.exists():
            what = not_regular(p.stat().st_mode)
            if what:
                out.append((printable_path(p), f"{what}: yusuan reads only regular files"))
    return out
