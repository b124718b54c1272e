"""What flows between the stages: the typed record of one filing (``FilingRecord``, its ``core.documents`` row) and
everything processing made of it (``Processed``), which the load stage writes.

A record is frozen: a stage that learns something about the file makes a new one (``dataclasses.replace``), so
the record a worker sent is never changed under the loader's feet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl

from pipelines.lib.checks import CheckResult, Finding
from pipelines.lib.model import Filing


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class FilingRecord:
    """One file as the warehouse records it (``core.documents``; docs/warehouse.md says what each column holds)."""

    document_id: str  # sha256 hex of the file's bytes; of its path when the bytes could not be read
    file_name: str
    source_path: str
    region: str | None = None  # the region folders between the ingest root and the file, '/'-joined
    county: str | None = None
    department_code: str | None = None
    department_name: str | None = None
    year: int | None = None
    doc_type: str = "budget"  # budget | final_accounts
    scope: str = "department"  # department | unit
    unit: str | None = None  # 万元 | 元
    status: str = "rejected"  # loaded | rejected: what processing made of it (the loader may find it unchanged)
    error: str | None = None  # why it was rejected, and what to do
    file_type: str | None = None  # docx | pdf, by content
    file_size: int | None = None  # bytes
    pages: int | None = None
    n_tables: int | None = None
    part: str | None = None  # 'narrative': the narrative half of a filing split in two files
    printed_name: str | None = None  # the name as printed, where it is not department_name (…（本级）)
    ingested_at: datetime = field(default_factory=_now)

    def row(self, columns: tuple[str, ...]) -> dict:
        """The record as a ``core.documents`` row of these columns (``load.DOCUMENT_KEYS``)."""
        return {c: getattr(self, c) for c in columns}


@dataclass
class Processed:
    """Everything about one file that the warehouse needs, computed without touching it."""

    document: FilingRecord  # the core.documents row (status loaded|rejected)
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    filing: Filing | None = None
    # Why it was rejected, as a short key: RejectedFile.kind (empty, doc, bomb, scan, ...),
    # 'validation' (an error finding), 'unreadable' (OSError) or 'internal' (a bug in yusuan).
    reject_kind: str | None = None

    @property
    def rejected(self) -> bool:
        return self.document.status == "rejected"
