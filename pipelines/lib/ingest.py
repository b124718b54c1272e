"""``yusuan ingest``: discover filings, process each, load each in its own transaction, rebuild the models.

A bad filing is recorded as rejected with its reason and the batch goes on.  Each filing is loaded in
one transaction, so a crash leaves every filing either fully in or not at all; the models are rebuilt
at the end of every run, so a run after a crash completes the work.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.lib import warehouse
from pipelines.lib.stages import Processed, discover, process


@dataclass
class Summary:
    loaded: int = 0
    unchanged: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    findings: Counter = field(default_factory=Counter)  # by severity
    seconds: float = 0.0
    files: int = 0

    def lines(self) -> list[str]:
        out = [
            f"{self.files} file(s) in {self.seconds:.1f} s: {self.loaded} loaded, {self.unchanged} unchanged, "
            f"{len(self.rejected)} rejected; findings: {self.findings.get('error', 0)} error(s), "
            f"{self.findings.get('warning', 0)} warning(s)",
        ]
        for p, reason in self.rejected:
            out.append(f"  rejected {p}: {reason}")
        return out


def load_processed(con, item: Processed) -> str:
    """Load one processed file; returns 'loaded', 'unchanged' or 'rejected'."""
    frames = {k: v for k, v in item.frames.items() if k in warehouse.FRAME_TABLES}
    doc = {k: v for k, v in item.document.items() if k in warehouse.DOCUMENT_KEYS}
    if item.rejected:
        warehouse.record_rejection(con, doc, frames.get("findings"))
        return "rejected"
    result = warehouse.load_document(con, doc, frames)
    return result.outcome


def ingest(paths: list[Path], db: Path, *, county: str | None = None,
           echo: Callable[[str], None] = print) -> Summary:
    """Ingest every filing under ``paths`` into the warehouse at ``db``."""
    start = time.perf_counter()
    s = Summary()
    files = discover(paths)
    s.files = len(files)
    con = warehouse.connect(db)
    try:
        warehouse.apply_ddl(con)
        width = len(str(len(files)))
        for n, (path, root) in enumerate(files, 1):
            item = process(path, root=root, county=county)
            status = load_processed(con, item)
            s.findings.update(f.severity for f in item.findings)
            warn = sum(1 for f in item.findings if f.severity == "warning")
            if status == "rejected":
                s.rejected.append((str(path), item.document["error"]))
                detail = item.document["error"]
            else:
                if status == "unchanged":
                    s.unchanged += 1
                else:
                    s.loaded += 1
                d = item.document
                lines = sum(df.height for k, df in item.frames.items() if k not in ("findings", "check_results"))
                detail = (f"{d['department_name']} {d['year']} — {lines} facts, {warn} warning(s)")
            echo(f"[{n:>{width}}/{len(files)}] {status:<9} {path}: {detail}")
        warehouse.rebuild_models(con)
    finally:
        con.close()
    s.seconds = time.perf_counter() - start
    return s
