"""The per-filing stages, shared by the CLI and the Dagster assets (one code path) — the front door to their rooms:

    discovery.py   which files are filings, the region and county their folders name, reading bytes safely
    processing.py  bytes → Filing (read_filing), path → Processed (process, process_batch): read, classify,
                   normalize, check, pandera; pure, never raises for a bad file
    workers.py     processing over many files in worker processes, in the files' order (processed_chunks)
    loading.py     the load stage: Processed → the warehouse, each filing all in or not at all (load_group)
    messages.py    what a user reads: rejection reasons with what to do, printable names
    record.py      what flows between them: FilingRecord (the core.documents row, typed) and Processed

``yusuan ingest`` (``ingest.py``) and the Dagster asset ``raw/filings`` (``pipelines/defs/filings.py``) both run
processing through ``workers.processed_chunks`` and load through ``loading.load_group``; neither imports the other.
"""

from __future__ import annotations

from pipelines.lib.discovery import (
    MAX_FILE_BYTES,
    REGION_NAMES,
    REGION_SUFFIXES,
    SUFFIXES,
    discover,
    looks_like_region,
    not_regular,
    passed_over,
    read_regular_file,
    region_folders,
    region_of,
)
from pipelines.lib.messages import ADVICE, INTERNAL, WHAT_IT_IS, printable, printable_path
from pipelines.lib.processing import (
    NOT_FACTS,
    check_results_frame,
    process,
    process_batch,
    read_filing,
    table_cells_frame,
)
from pipelines.lib.record import FilingRecord, Processed

__all__ = [
    "ADVICE", "INTERNAL", "MAX_FILE_BYTES", "NOT_FACTS", "REGION_NAMES", "REGION_SUFFIXES", "SUFFIXES", "WHAT_IT_IS",
    "FilingRecord", "Processed", "check_results_frame", "discover", "looks_like_region", "not_regular",
    "passed_over", "printable", "printable_path", "process", "process_batch", "read_filing", "read_regular_file",
    "region_folders", "region_of", "table_cells_frame",
]
