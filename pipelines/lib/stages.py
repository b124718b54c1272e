"""The per-filing stages, shared by the CLI and the Dagster assets (one code path).

    read_filing   bytes → Filing              (sniff, docx/pdf reader, classify; raises RejectedFile)
    process       path  → Processed           (read, normalize, schema-validate, check identities; never raises
                                               for a bad file: the reason lands in ``document['error']``)

Loading is ``warehouse.load_document`` / ``warehouse.record_rejection``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandera.polars as pa
import polars as pl

from pipelines.lib import frames as F
from pipelines.lib.checks import CheckResult, Finding, Validation, validate
from pipelines.lib.errors import RejectedFile
from pipelines.lib.model import Filing
from pipelines.lib.normalize import normalize
from schemas.models import MODELS

SUFFIXES = {".docx", ".pdf", ".doc", ".xls", ".xlsx"}
MAX_FILE_BYTES = 64 * 1024 * 1024
_YEAR_DIR = re.compile(r"^(19|20)\d{2}$")

WHAT_IT_IS = {
    "doc": "an old Word 97-2003 .doc file",
    "xls": "an Excel 97-2003 .xls workbook",
    "xlsx": "an Excel .xlsx workbook",
    "zip": "a zip archive that is not a Word document",
    "encrypted_ooxml": "a password-protected (encrypted) Office document",
    "empty": "an empty file",
    "unknown": "not a Word or PDF file",
}


@dataclass
class Processed:
    """Everything about one file that the warehouse needs, computed without touching it."""

    document: dict  # the core.documents row (status loaded|rejected)
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    filing: Filing | None = None

    @property
    def rejected(self) -> bool:
        return self.document["status"] == "rejected"


def region_of(path: Path, root: Path | None, county: str | None = None) -> tuple[str | None, str | None]:
    """The folders between the ingest root and the file, year folders left out; the last one is the county."""
    parts: list[str] = []
    if root is not None:
        try:
            rel = path.resolve().parent.relative_to(root.resolve())
            parts = [p for p in rel.parts if not _YEAR_DIR.match(p)]
        except ValueError:
            parts = []
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
        what = WHAT_IT_IS.get(kind, "not a filing yusuan can read")
        suffix = Path(name).suffix.lower()
        hint = {
            "doc": "open it in Word or WPS and save it as .docx",
            "xls": "yusuan does not read spreadsheets yet; ask the publisher for the .docx or .pdf",
            "xlsx": "yusuan does not read spreadsheets yet; ask the publisher for the .docx or .pdf",
            "encrypted_ooxml": "ask the publisher for an unprotected copy",
            "empty": "the download probably failed; fetch it again",
        }.get(kind, "check the download")
        named = f" (named {suffix})" if suffix and suffix not in (".doc", ".xls", ".xlsx") else ""
        raise RejectedFile(f"this is {what}{named}; {hint}", kind=kind)
    return classify.classify(raw)


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


def process(path: Path, *, root: Path | None = None, county: str | None = None,
            data: bytes | None = None) -> Processed:
    """Read, normalize and validate one file.  A bad file gives a rejected document, not an exception."""
    path = Path(path)
    region, county = region_of(path, root, county)
    doc: dict = {
        "document_id": None, "file_name": path.name, "source_path": str(path), "region": region,
        "county": county, "department_code": None, "department_name": None, "year": None,
        "doc_type": "budget", "unit": None, "status": "rejected", "error": None, "file_type": None,
        "pages": None, "n_tables": None, "ingested_at": datetime.now(UTC).replace(tzinfo=None),
    }
    try:
        if data is None:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise RejectedFile(f"the file is {size // 2**20} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit "
                                   "for a filing; check it is not an archive of many files", kind="too_large")
            data = path.read_bytes()
        doc["document_id"] = hashlib.sha256(data).hexdigest()
        filing = read_filing(data, path.name)
    except RejectedFile as err:
        doc["document_id"] = doc["document_id"] or hashlib.sha256(str(path).encode()).hexdigest()
        doc["error"] = err.reason
        return Processed(doc)
    except OSError as err:
        doc["document_id"] = hashlib.sha256(str(path).encode()).hexdigest()
        doc["error"] = f"cannot read the file: {err.strerror or err}"
        return Processed(doc)

    doc.update(department_code=filing.department_code, department_name=filing.department_name,
               year=filing.year, doc_type=filing.doc_type, unit=filing.unit, file_type=filing.file_type,
               pages=filing.pages, n_tables=len(filing.tables))
    norm = normalize(filing, doc["document_id"])
    validation: Validation = validate(filing, norm)
    frames, schema_findings = _schema_validate(norm.frames(), doc["document_id"])
    findings = validation.findings + schema_findings
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        doc["error"] = "; ".join(f.message.removeprefix("Rejected: ") for f in errors)
    else:
        doc["status"] = "loaded"
    frames["findings"] = pl.DataFrame([f.as_row(doc["document_id"]) for f in findings] or None, schema=F.FINDINGS)
    frames["check_results"] = check_results_frame(validation.results, doc["document_id"])
    return Processed(doc, frames, validation.results, findings, filing)


def check_results_frame(results: list[CheckResult], document_id: str) -> pl.DataFrame:
    """One row per (check, table): passed / failed / not_run, with counts — the coverage of validation."""
    rows = [{"document_id": document_id, "check": r.check, "table_kind": r.table_kind, "status": r.status,
             "compared": r.compared, "within_rounding": r.within_rounding, "failures": len(r.findings),
             "reason": r.reason} for r in results]
    return pl.DataFrame(rows or None, schema=F.CHECK_RESULTS)


def discover(paths: list[Path]) -> list[tuple[Path, Path]]:
    """Every candidate filing under the given files/folders, with the root its region is read from."""
    found: list[tuple[Path, Path]] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith(("~$", ".")):
                    found.append((f, p))
        elif p.exists():
            found.append((p, p.parent))
    return found
