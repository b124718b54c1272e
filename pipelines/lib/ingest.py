"""``yusuan ingest``: discover filings, process each, load each in its own transaction, rebuild the models.

A bad filing is recorded as rejected with its reason and the batch goes on; even a bug in a reader
costs one file, not the batch (:func:`processing.process` never raises).  Each filing is loaded in one
transaction, so a crash or a SIGKILL leaves every filing either fully in or not at all (DuckDB
replays its write-ahead log on the next open and drops the unfinished transaction).  The models
are brought up to date at the end of every run (:func:`model_runs.refresh`): built unless nothing they
read changed since their last successful build, so the run after a crash or a failed build (even one
that loads nothing) brings the marts up to date.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.lib import coverage, db, model_runs, transform, warehouse
from pipelines.lib.discovery import READ_SUFFIXES, REGION_SUFFIXES, discover, not_filings, passed_over
from pipelines.lib.loading import commit_groups, fault, is_fault, load_held
from pipelines.lib.messages import INTERNAL, printable, printable_path
from pipelines.lib.processing import NOT_FACTS
from pipelines.lib.record import Processed
from pipelines.lib.workers import auto_jobs, planned_workers, processed_chunks

_SUFFIXES_OF = {"docx": (".docx", ".docm", ".dotx", ".dotm"), "pdf": (".pdf",)}


class ModelsFailed(RuntimeError):
    """Every filing was loaded, but rebuilding the SQL models (dw, marts) failed."""


@dataclass
class Summary:
    """What one ingest run did, for the CLI and the tests."""

    loaded: int = 0
    unchanged: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    findings: Counter = field(default_factory=Counter)  # by severity
    seconds: float = 0.0
    files: int = 0
    skipped: list[str] = field(default_factory=list)  # files under the folders that are not filings by name
    no_county: dict[str, list[str]] = field(default_factory=dict)  # folder path -> its files, for files with no county
    passed_over: list[tuple[str, str]] = field(default_factory=list)  # lock files, dot folders, FIFOs: (path, why)
    low_coverage: list[tuple[str, str]] = field(default_factory=list)  # (path, '45.7 %'): under coverage.THRESHOLD
    # where the time went (bench/bench_scale.py), in CPU seconds (a shared machine stretches wall time, not these):
    # reading+normalizing+validating, summed over the workers; loading and the SQL models, serial in this process
    extract_cpu: float = 0.0
    load_cpu: float = 0.0
    models_cpu: float = 0.0
    models: str = ""  # built | up to date (model_runs.refresh)

    def _unchanged_note(self) -> str:
        """The closing line's word on the files already loaded: their findings are not new."""
        if not self.unchanged:
            return ""
        # not counted again: what quality.findings holds for them is what their first load found (an older
        # yusuan's checks, perhaps), so no count of today's reading is said to be there
        return (f" in the {self.loaded} file(s) loaded now" if self.loaded else "") + \
            f" (the {self.unchanged} unchanged file(s) were already loaded: nothing of them was written again)"

    def lines(self) -> list[str]:
        """The closing report: totals, then every rejected file with why and what to do."""
        out = [
            f"{self.files} file(s) in {self.seconds:.1f} s: {self.loaded} loaded, {self.unchanged} unchanged, "
            f"{len(self.rejected)} rejected; findings: {self.findings.get('error', 0)} error(s), "
            f"{self.findings.get('warning', 0)} warning(s)" + self._unchanged_note(),
        ]
        if not self.files:
            out.append(f"no filings found: yusuan reads {' '.join(sorted(READ_SUFFIXES))} files under the given paths")
        if self.skipped:
            shown = ", ".join(self.skipped[:8]) + (f" and {len(self.skipped) - 8} more" if len(self.skipped) > 8 else "")
            out.append(f"{len(self.skipped)} other file(s) not read (yusuan reads {' '.join(sorted(READ_SUFFIXES))}): "
                       f"{shown}; unpack archives and save WPS/other formats as .docx to include them")
        rejected = {p for p, _ in self.rejected}  # a rejected file needs no county: its reason is what to fix
        no_county = {d: kept for d, files in self.no_county.items() if (kept := [f for f in files if f not in rejected])}
        if no_county:
            n = sum(len(v) for v in no_county.values())
            folders = ", ".join(sorted(no_county)[:5]) + (f" and {len(no_county) - 5} more folder(s)"
                                                          if len(no_county) > 5 else "")
            out.append(f"warning: {n} file(s) have no county — no folder between the path given and the file "
                       f"looks like a region (a name ending in {' '.join(REGION_SUFFIXES[:-1])}, or 省本级/市本级, "
                       f"中央; the folders above a path given are not read, so a file given on its own has none): "
                       f"{folders}. Ingest the folder that holds the region folders (河北省/邯郸市/魏县/…), or "
                       "give the county with --county NAME")
        if self.passed_over:
            out.append(f"{len(self.passed_over)} path(s) passed over:")
            out += [f"  {p}: {why}" for p, why in self.passed_over[:20]]
            if len(self.passed_over) > 20:
                out.append(f"  … and {len(self.passed_over) - 20} more")
        if self.low_coverage:
            out.append(f"{len(self.low_coverage)} filing(s) loaded with under {coverage.THRESHOLD} % of their printed "
                       "amounts read — `yusuan check FILE` lists each amount left out and why (so does "
                       "quality.coverage_gaps):")
            out += [f"  {pct:>7}  {p}" for p, pct in self.low_coverage]
        if self.rejected:
            out.append(f"\n{len(self.rejected)} file(s) rejected — nothing of them was loaded; "
                       "fix each as its reason says and ingest again:")
            for p, reason in self.rejected:
                out.append(f"  {p}\n      {reason}")
            if any(reason.startswith(INTERNAL) for _, reason in self.rejected):
                out.append("  (a reason starting with \"yusuan failed\" is a bug in yusuan: please report it "
                           "with the file)")
        return out


def _note(item: Processed, path: Path) -> str:
    """A word on a file whose content is not what its name says (read by its content)."""
    f = item.filing
    if f is None or path.suffix.lower() in _SUFFIXES_OF.get(f.file_type, (path.suffix.lower(),)):
        return ""
    return f" (read as {f.file_type.upper()}: the file is a {f.file_type.upper()} named {path.suffix})"


def connect_waiting(db: Path, wait: float, echo: Callable[[str], None] = print) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing; if another process holds it, retry for up to ``wait`` seconds.

    Raises :class:`warehouse.WarehouseInUse` when it is still held after ``wait`` seconds.
    """
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            return warehouse.connect(db)
        except warehouse.WarehouseInUse as err:
            if time.monotonic() >= deadline:
                raise
            if not told:
                who = f"pid {err.pid}" if err.pid is not None else "another process"
                echo(f"waiting up to {wait:.0f} s for the warehouse {db} (in use by {who}) …")
                told = True
            time.sleep(min(0.5, max(deadline - time.monotonic(), 0.01)))


class _CtrlC:
    """Remember a Ctrl-C even where a library turns it into something else.

    DuckDB answers SIGINT during a query with ``RuntimeError('Query interrupted')``, and a parser
    may report it as damaged input; either would be taken for a problem with the filing (a good
    filing rejected as broken).  The handler raises KeyboardInterrupt as Python's does, and sets
    ``hit`` so the loop can stop before writing anything about the file it was on.
    """

    def __init__(self):
        self.hit = False
        self._previous = None

    def _handler(self, signum, frame):
        self.hit = True
        raise KeyboardInterrupt

    def __enter__(self):
        try:
            self._previous = signal.signal(signal.SIGINT, self._handler)
        except ValueError:  # not the main thread (e.g. a Dagster worker thread): keep its handler
            self._previous = None
        return self

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False

    def check(self) -> None:
        """Raise KeyboardInterrupt if Ctrl-C was pressed, whatever became of it."""
        if self.hit:
            raise KeyboardInterrupt


def ingest(paths: list[Path], db: Path, *, county: str | None = None,
           echo: Callable[[str], None] = print, wait: float = 0.0, jobs: int | None = 1,
           full_refresh: bool = False, files: list[tuple[Path, Path]] | None = None) -> Summary:
    """Ingest every filing under ``paths`` into the warehouse at ``db``.

    ``wait`` is how long to wait for another process to release the warehouse (0: fail at once
    with :class:`warehouse.WarehouseInUse`).  ``jobs`` worker processes read, normalize and validate
    the files (1: all in this process; None: :func:`auto_jobs`); loading is always here, in the files' order.
    ``full_refresh`` builds every SQL model in full (else only the departments a batch touched, when few are).
    ``files``: what :func:`discover` found under ``paths``, when the caller has already looked (the CLI, to start
    its workers first); else they are discovered here.
    """
    start = time.perf_counter()
    s = Summary()
    files = discover(paths) if files is None else files
    s.files = len(files)
    jobs = auto_jobs(len(files)) if jobs is None else jobs
    s.skipped = not_filings(paths)
    s.passed_over = passed_over(paths)
    # A FIFO or device named on the command line is refused, never opened: counted as rejected (exit 1).
    s.rejected += [(shown, why) for p in paths if not Path(p).is_dir()
                   for shown, why in passed_over([Path(p)])]
    con = connect_waiting(db, wait, echo)
    try:
        with _CtrlC() as ctrl_c:
            try:
                _run(con, files, s, county, echo, ctrl_c, jobs, full_refresh)
            except Exception:
                ctrl_c.check()  # an interrupted query surfaces as a RuntimeError: report it as Ctrl-C
                raise
    finally:
        con.close()
    s.seconds = time.perf_counter() - start
    return s


def _report(item: Processed, status: str, path: Path, s: Summary) -> str:
    """Count one file's outcome in ``s``; returns its detail for the progress line."""
    if status != "unchanged":  # a file already loaded: its findings were counted when it was
        s.findings.update(f.severity for f in item.findings)
    if item.document.county is None:
        s.no_county.setdefault(printable_path(path.parent), []).append(printable_path(path))
    if status == "rejected":
        s.rejected.append((printable_path(path), item.document.error))
        return item.document.error
    if status == "unchanged":
        s.unchanged += 1
    else:
        s.loaded += 1
    warn = sum(1 for f in item.findings if f.severity == "warning")
    d = item.document
    lines = sum(df.height for k, df in item.frames.items() if k not in NOT_FACTS)
    read = ""
    if "coverage" in item.frames and (pct := coverage.of_frame(item.frames["coverage"])) is not None:
        read = f", {pct} % of printed amounts read"
        if pct < coverage.THRESHOLD:
            s.low_coverage.append((printable_path(path), f"{pct} %"))
    if status == "unchanged":  # the same file is in the warehouse already: nothing new, nothing written
        return (f"{printable(d.department_name or '')} {d.year} — unchanged, already loaded: nothing written"
                f"{_note(item, path)}")
    return (f"{printable(d.department_name or '')} {d.year} — {lines} facts, {warn} warning(s){read}"
            f"{_note(item, path)}")


def _run(con: duckdb.DuckDBPyConnection, files: list[tuple[Path, Path]], s: Summary, county: str | None,
         echo: Callable[[str], None], ctrl_c: _CtrlC, jobs: int = 1, full_refresh: bool = False) -> None:
    """Process and load each file, a chunk per transaction, then rebuild the models; fills ``s``."""
    warehouse.apply_ddl(con)
    width = len(str(len(files)))
    n = 0
    # while workers read filings on the other cores, DuckDB's second thread would only take turns with them (~0.07
    # CPU s less at 280 filings); the models, after the workers, have them all
    with (db.threads(con, 1 if planned_workers(len(files), jobs) else None),
          closing(processed_chunks(files, county=county, jobs=jobs, summary=s, idle=True)) as chunks):
        # a commit per row group's worth of rows (loading.ROW_GROUP), and what is held when the rest is with workers
        for items in commit_groups(chunks):
            ctrl_c.check()  # a Ctrl-C swallowed while reading must not be recorded as a broken file
            start = time.process_time()
            try:
                statuses = load_held(con, items)  # an empty group: a checkpoint while the workers read
            except duckdb.Error as err:
                if is_fault(err):
                    raise fault(err) from err
                raise
            s.load_cpu += time.process_time() - start
            for item, status in zip(items, statuses, strict=True):
                path = files[n][0]
                n += 1
                detail = _report(item, status, path, s)
                echo(f"[{n:>{width}}/{len(files)}] {status:<9} {printable_path(path)}: {detail}")
    start = time.process_time()
    try:
        # no build when nothing the models read changed since the last one; else only the departments it touched
        s.models = model_runs.refresh(con, force=full_refresh)
        s.models_cpu = time.process_time() - start
    except transform.ModelBuildFailed as err:
        ctrl_c.check()
        raise ModelsFailed(
            f"the filings above are in the warehouse, but rebuilding the SQL models failed ({err})\n"
            "Models and marts downstream of a failure keep the previous run's contents. Fix what the message "
            "names (a model's SQL, or the data a grain / values test rejects: `yusuan sql` shows it) and run the "
            "same ingest again (loaded filings are skipped)") from err
    except duckdb.Error as err:
        ctrl_c.check()
        if is_fault(err):
            raise fault(err) from err
        raise ModelsFailed(
            f"the filings above are in the warehouse, but rebuilding the SQL models failed "
            f"({type(err).__name__}: {str(err).splitlines()[0]}); the marts still show the previous run. "
            "Fix what the error names (a model's SQL, or an object of that name in the warehouse) and run the "
            "same ingest again (loaded filings are skipped)") from err
