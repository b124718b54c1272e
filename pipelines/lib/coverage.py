"""Self-coverage: how many of the amounts a filing prints in its recognised budget tables became facts.

**What counts as a printed amount** (the denominator), per filing:

- every *body* cell (after title, metadata, header and 栏次 rows) of every table whose kind is a budget kind
  (:data:`COUNTED_KINDS`: the nine standard tables and the kinds yusuan reads beside them);
- whose text is an amount (:func:`numbers.parse_amount` reads it: ``1,029.15``, ``0``, ``-``, ``(12.50)``);
- except cells that are not amounts though they look like numbers: a **code** column (header ``编码``/``代码``/
  ``类``/``款``/``项``, or a leading column whose cells are all subject-code shaped: 3, 5 or 7 digits), a
  **row-number** column (``行次``/``序号``/``栏次``/``编号``, or a leading column counting 1, 2, 3 …), and
  **percentages** (``12.5%``).

**What counts as read** (the numerator): every cell normalization turned into a line (a budget line, a summary
line, a 三公 line, a 合计 row it checks against; 合计 rows are read and checked but, as the contract says, not
stored as facts).  Every other printed amount is a *gap*, kept with its reason: the finding normalization
made for it (an unreadable code, a subject printed twice …) or, failing that, what yusuan did not understand
(the column's header has no role for this kind of table, or the row's label is not a known item).

**Figures outside any table** count too: a row of two or more amounts a PDF page prints where no table yusuan could
read takes it (``RawDocument.stray``, the reader's ``content_readable`` warning names the pages) is printed and not
read — one row of kind :data:`OUTSIDE_TABLES` per filing, with no ``source_table``, and a gap per figure — so such a
filing never shows 100 %.

The result is stored per logical table (``quality.coverage``) and per left-out cell (``quality.coverage_gaps``);
a filing under :data:`THRESHOLD` gets a warning finding that names the cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache

import polars as pl

from pipelines.lib import layouts, vocab
from pipelines.lib.checks import CheckResult, Finding
from pipelines.lib.frames import COVERAGE, COVERAGE_GAPS, build
from pipelines.lib.model import Filing, Table
from pipelines.lib.normalize import Normalized
from pipelines.lib.normalize_records import empty_frame
from pipelines.lib.numbers import BadNumber, clean, parse_amount

# Table kinds whose numeric cells are amounts yusuan promises to read (vocab.COUNTED_KINDS), and those of
# subject-coded lines (vocab.SUBJECT_KINDS).
COUNTED_KINDS = vocab.COUNTED_KINDS
THRESHOLD = Decimal("98")
SUBJECT_TABLES = vocab.SUBJECT_KINDS
_CODE_HEADER = re.compile(r"编码|代码|(^|/)(类|款|项)$")
_ROWNO_HEADER = re.compile(r"行次|序号|栏次|编号|^行$")
_CODE_SHAPE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_PERCENT = re.compile(r"%$|％$")
_WORDS = re.compile(r"[\u4e00-\u9fff]")  # a label has words (a ** footnote mark beside a figure is none)
# quality.coverage's table_kind for the figures a PDF prints in rows outside any table (source_table null)
OUTSIDE_TABLES = "outside_tables"

@dataclass
class Gap:
    table: int | None  # None (and row, col None) for a figure printed outside any table
    row: int | None
    col: int | None
    kind: str
    text: str
    label: str
    column: str
    reason: str
    page: int | None = None  # a figure outside any table: its page

    @property
    def where(self) -> str:
        if self.table is None:
            return f"outside any table on p.{self.page}"
        return f"table {self.table} row {self.row} col {self.col}"


@dataclass
class Coverage:
    tables: list[dict] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)

    @property
    def printed(self) -> int:
        return sum(t["printed"] for t in self.tables)

    @property
    def read(self) -> int:
        return sum(t["read"] for t in self.tables)

    @property
    def percent(self) -> Decimal | None:
        return percent(self.read, self.printed)

    def frames(self, document_id: str) -> dict[str, pl.DataFrame]:
        tables, gaps = self.tables, self.gaps  # built by column (frames.build), a list per column
        return {
            "coverage": build({c: [document_id] * len(tables) if c == "document_id" else [t[c] for t in tables]
                               for c in COVERAGE}, COVERAGE) if tables else empty_frame(COVERAGE),
            "coverage_gaps": build({
                "document_id": [document_id] * len(gaps), "source_table": [g.table for g in gaps],
                "source_row": [g.row for g in gaps], "source_col": [g.col for g in gaps],
                "table_kind": [g.kind for g in gaps], "text": [g.text for g in gaps],
                "row_label": [g.label for g in gaps], "column": [g.column for g in gaps],
                "reason": [g.reason for g in gaps]}, COVERAGE_GAPS) if gaps else empty_frame(COVERAGE_GAPS)}

    def result(self) -> CheckResult:
        """The ``coverage`` check: passed at or above the threshold, else a warning naming every gap."""
        r = CheckResult("coverage", None, compared=self.printed)
        pct = self.percent
        if pct is None:
            r.status, r.reason = "not_run", "no amounts printed in a recognised budget table"
            return r
        if pct >= THRESHOLD:
            return r
        r.status = "failed"
        shown = "; ".join(f"{g.where} {g.text!r}" if g.table is None  # its reason: the content_readable warning's
                          else f"{g.where} {g.text!r} ({g.label or '?'} / {g.column or '?'}): {g.reason}"
                          for g in self.gaps[:40])
        more = f"; and {len(self.gaps) - 40} more (quality.coverage_gaps lists them all)" if len(self.gaps) > 40 else ""
        r.findings.append(Finding(
            "warning", "coverage", None, "document", f"≥ {THRESHOLD} %", f"{pct} %",
            f"only {self.read} of the {self.printed} amounts printed in the recognised budget tables"
            f"{' and in rows outside any table' if any(g.table is None for g in self.gaps) else ''} were read "
            f"({pct} %); left out: {shown}{more}",
        ))
        return r


def percent(read: int, printed: int) -> Decimal | None:
    """The share of printed amounts read, in % to one decimal, as the ``coverage`` check rounds it (``None`` when
    nothing is printed); under :data:`THRESHOLD` the filing gets the check's warning.  Rounded down: 100.0 % means
    every amount was read (1,999 of 2,000 is 99.9 %, not 100.0 %), and 98.0 % means at least 98."""
    if not printed:
        return None
    return (Decimal(100) * read / printed).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def of_frame(frame) -> Decimal | None:
    """:func:`percent` of a filing's ``coverage`` frame (one row per table, with ``read`` and ``printed``)."""
    return percent(int(frame["read"].sum()), int(frame["printed"].sum()))


@lru_cache(maxsize=1 << 15)  # every body cell of every counted table, and the row labels again
def _amount_like(text: str) -> bool:
    t = clean(text)
    if not t or _PERCENT.search(t):
        return False
    try:
        return parse_amount(t) is not None
    except BadNumber:
        return False


@lru_cache(maxsize=1 << 15)  # the body cells of every counted table
def _labels(text: str) -> bool:
    """Whether a cell's text is a label: words (Chinese characters) and no amount."""
    return bool(_WORDS.search(text)) and not _amount_like(text)


def _skipped_columns(table: Table, body_values: list[list[str]] | None = None) -> set[int]:
    """Grid columns that hold codes or row numbers, not amounts (``body_values``: ``table.values`` of each body row,
    when the caller has them)."""
    out = {i for i, h in enumerate(table.header) if _CODE_HEADER.search(clean(h)) or _ROWNO_HEADER.search(clean(h))}
    if body_values is None:
        body_values = [table.values(row) for row in table.body]
    # codes and row numbers stand left of every label (text with words): a column with a label left of it in some row (a 收支总表's
    # 预算数 of 元 integers, 1505000), or in a table without labels (a 三公 table's one row: 120000 | 20000 | …), is
    # of amounts
    firsts: list[int | None] = []
    for values in body_values:  # (a loop, not a generator a row: ~300 rows a filing)
        first = None
        for col, t in enumerate(values):
            if t and _labels(t):
                first = col
                break
        firsts.append(first)
    labelled = any(f is not None for f in firsts)
    for col in range(min(3, table.n_cols)):
        if not labelled or any(f is not None and f < col and clean(values[col]) and _amount_like(values[col])
                               for f, values in zip(firsts, body_values, strict=True)):
            continue
        texts = [t for t in (clean(values[col]) for values in body_values) if t]
        if not texts:
            continue
        if all(_CODE_SHAPE.match(t) for t in texts):
            out.add(col)
        elif all(t.isdigit() for t in texts) and [int(t) for t in texts] == list(
                range(int(texts[0]), int(texts[0]) + len(texts))):
            out.add(col)
    return out


def _row_label(values: list[str]) -> str:
    for v in values:
        t = v.strip()
        if t and not _amount_like(t):
            return t
    return ""


def measure(filing: Filing, norm: Normalized) -> Coverage:
    """Coverage of one filing (see the module docstring for what is counted)."""
    read: set[tuple[int, int, int]] = set()
    for x in (*norm.lines, *norm.summary, *norm.three_public, *norm.unit_lines, *norm.unit_rows,
              *norm.summary_repeats):
        read.add((x.loc.table, x.loc.row, x.loc.col))
    read_cols = {(t, c) for t, _, c in read}
    coded_tables = {x.loc.table for x in norm.lines if x.subject_code}
    # A finding at a cell explains that cell; at column 0 (or a code column) it explains its row.
    cell_reason: dict[tuple[int, int, int], str] = {}
    row_reason: dict[tuple[int, int], str] = {}
    for p in norm.problems:
        m = re.match(r"table (\d+) row (\d+) col (\d+)", p.location)
        if not m:
            continue
        t, r, c = (int(g) for g in m.groups())
        cell_reason.setdefault((t, r, c), p.message)
        row_reason.setdefault((t, r), p.message)
    cov = Coverage()
    for table in filing.tables:
        if table.kind not in COUNTED_KINDS:
            continue
        body_values = [table.values(row) for row in table.body]
        skip = _skipped_columns(table, body_values)
        # a subject table whose rows carry no code at all (杭州 表3/表5/表6 print names only)
        no_codes = table.kind in SUBJECT_TABLES and not any(part in coded_tables for part in table.parts)
        printed = got = 0
        n_cols, three_public = table.n_cols, table.kind == "three_public"
        for row, values in zip(table.body, body_values, strict=True):
            if three_public and layouts.COUNT_ROW.search(clean(_row_label(values))):
                continue  # 团组数(个), 保有量(辆): counts, not amounts
            label = None
            for cell in row:  # (every body cell of every counted table: each attribute read once)
                col = cell.col
                if col in skip or not (0 <= col < n_cols) or not _amount_like(cell.text):
                    continue
                printed += 1
                where = (cell.table, cell.row, col)
                if where in read:
                    got += 1
                    continue
                if label is None:
                    label = _row_label(values)
                column = table.header[cell.col] if cell.col < len(table.header) else ""
                reason = cell_reason.get(where) or row_reason.get((cell.table, cell.row))
                if reason and "has amounts but no subject code" in reason and (
                        no_codes or "prints names only" in reason):
                    why = re.search(r"(is not in yusuan's subject list under [^)]*|stands for \d+ codes under [^)]*)",
                                    reason)
                    reason = (f"{table.title or table.kind}: the table prints subject names without codes (row "
                              f"{label!r}) and its name {why.group(1) if why else 'gave no code'}; yusuan keys budget "
                              "lines by code and does not guess one (pipelines/lib/data/subjects.csv lists the names)")
                if reason is None:
                    if not clean(column):
                        reason = "the column has no header yusuan could read"
                    elif any((part, cell.col) in read_cols for part in table.parts):
                        reason = f"the row {label or '(no label)'!r} is not a line yusuan knows in a {table.kind} table"
                    else:
                        reason = f"the column {column!r} has no role yusuan knows in a {table.kind} table"
                cov.gaps.append(Gap(cell.table, cell.row, cell.col, table.kind, cell.text.strip(), label, column,
                                    reason))
        cov.tables.append({"source_table": table.index, "table_kind": table.kind, "title": table.title,
                           "printed": printed, "read": got})
    stray = filing.raw.stray if filing.raw is not None else []
    if stray:
        pages = sorted({page for page, _, _ in stray})
        where = "p." + ", ".join(map(str, pages[:10])) + (" …" if len(pages) > 10 else "")
        n = 0
        for page, label, figures in stray:
            n += len(figures)
            for text in figures:
                cov.gaps.append(Gap(None, None, None, OUTSIDE_TABLES, text, label, "", (
                    f"printed on p.{page} in a row outside any table yusuan could read (no rule around it and no "
                    "header line saying which figure is which); not in the warehouse — check the page against the "
                    "PDF"), page))
        cov.tables.append({"source_table": None, "table_kind": OUTSIDE_TABLES,
                           "title": f"figures printed in rows outside any table ({where})", "printed": n, "read": 0})
    return cov
