"""The seed's plain-text rendering of a filing, as blocks with their merges.

The seed (``reference_2023.txt``) is the text output of a .docx extractor in Apache Tika's style:
a paragraph is one line (a heading starts with ``[bookmark: _Toc_…]``), a table cell is one line
starting with a tab, a blank line closes a row, a second blank line closes the table, and any
further blank line is an empty paragraph.  Every ``w:tc`` is printed once, so a horizontally
merged cell appears once and the continuation of a vertical merge appears as a blank cell.

The synthetic filings are written in the same format, so one parser and one writer serve both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOOKMARK = re.compile(r"^ ?\[bookmark: ([^\]]+)\](.*)$")
_DEPT_CELL = re.compile(r"^\d{3}\D")  # `201中国共产党魏县委员会办公室`: the metadata row

# Header rows where one run of sub-headings sits under several spanning cells: the text alone
# cannot say where 收入 ends and 支出 begins, so these are written down (grid width -> spans).
_SPAN_OVERRIDES: dict[tuple[str, ...], dict[int, tuple[int, ...]]] = {
    ("序号", "收入", "支出"): {5: (1, 2, 2), 8: (1, 2, 5)},
    ("序号", "支出部门经济分类科目", "一般公共预算基本支出"): {6: (1, 2, 3)},
}


@dataclass(frozen=True)
class Paragraph:
    """One paragraph; a heading when it carries a ``_Toc_`` bookmark."""

    text: str
    bookmark: str | None = None


@dataclass(frozen=True)
class Cell:
    """One ``w:tc``: its text, its gridSpan and its vMerge (``restart``/``continue``/None)."""

    text: str
    span: int = 1
    vmerge: str | None = None


@dataclass(frozen=True)
class Table:
    """A table as rows of cells, merges included."""

    rows: tuple[tuple[Cell, ...], ...]

    @property
    def grid(self) -> int:
        """Number of grid columns."""
        return max(sum(c.span for c in row) for row in self.rows)


Block = Paragraph | Table


def parse_rendering(text: str) -> list[Block]:
    """Parse a rendering into paragraphs and laid-out tables (merges inferred, see :func:`lay_out`)."""
    blocks: list[Block] = []
    rows: list[list[str]] | None = None
    row: list[str] | None = None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if line.startswith("\t"):
            rows = [] if rows is None else rows
            row = [] if row is None else row
            row.append(line[1:])
        elif line == "":
            if row is not None:
                assert rows is not None
                rows.append(row)
                row = None
            elif rows is not None:
                blocks.append(lay_out(rows))
                rows = None
            else:
                blocks.append(Paragraph(""))
        else:
            if rows is not None or row is not None:
                raise ValueError(f"line {number}: paragraph {line[:20]!r} inside an unclosed table")
            match = _BOOKMARK.match(line)
            blocks.append(Paragraph(match[2], match[1]) if match else Paragraph(line))
    if rows is not None or row is not None:
        raise ValueError("rendering ends inside a table (a table closes with two blank lines)")
    return blocks


def render(blocks: list[Block]) -> str:
    """Write blocks back in the rendering format (the inverse of :func:`parse_rendering`)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            prefix = f"[bookmark: {block.bookmark}]" if block.bookmark else ""
            out.append(prefix + block.text + "\n")
        else:
            for row in block.rows:
                out.extend(f"\t{cell.text}\n" for cell in row)
                out.append("\n")
            out.append("\n")
    return "".join(out)


def lay_out(rows: list[list[str]]) -> Table:
    """Infer a table's merges from its printed cells, as government exports build them.

    - A first row of metadata (`201…`, `预算年度：…`, `单位：…`) with fewer cells than the grid
      spans the whole width.
    - A header row with fewer cells than the grid is the top of a two-row header: a cell over a
      blank cell is vertically merged with it, any other cell spans the run of sub-headings below.
    - In a 绩效目标 indicator table (`一级指标 | 二级指标 | …`) a blank first cell continues the
      一级指标 above it.
    """
    grid = max(len(r) for r in rows)
    cells = [[Cell(t) for t in r] for r in rows]
    start = 0
    if len(rows[0]) < grid and _DEPT_CELL.match(rows[0][0]):
        cells[0] = _metadata_row(rows[0], grid)
        start = 1
    if len(rows) > start + 1 and len(rows[start]) < grid:
        cells[start], cells[start + 1] = _two_row_header(rows[start], rows[start + 1], grid)
    if rows[0][0] == "一级指标":
        _merge_first_column(cells)
    for i, row in enumerate(cells):
        if sum(c.span for c in row) != grid:
            raise ValueError(
                f"table row {i} ({rows[i][:3]}…) covers {sum(c.span for c in row)} of {grid} columns"
            )
    return Table(tuple(tuple(r) for r in cells))


def _metadata_row(texts: list[str], grid: int) -> list[Cell]:
    # Department name on the left, year and unit narrow on the right, as the Hebei export does.
    narrow = max(1, grid // (len(texts) + 1))
    spans = [grid - narrow * (len(texts) - 1)] + [narrow] * (len(texts) - 1)
    return [Cell(t, s) for t, s in zip(texts, spans, strict=True)]


def _two_row_header(top: list[str], below: list[str], grid: int) -> tuple[list[Cell], list[Cell]]:
    spans = _SPAN_OVERRIDES.get(tuple(top), {}).get(grid)
    vmerged: set[int] = set()  # grid columns where the top cell runs down into the row below
    if spans is None:
        spans_list: list[int] = []
        pos = 0
        for _ in top:
            if pos >= len(below):
                raise ValueError(f"header {top} is wider than the row below it")
            if below[pos] == "":
                spans_list.append(1)
            else:
                run = 1
                while pos + run < len(below) and below[pos + run] != "":
                    run += 1
                spans_list.append(run)
            pos += spans_list[-1]
        spans = tuple(spans_list)
    pos = 0
    new_top: list[Cell] = []
    for text, span in zip(top, spans, strict=True):
        if span == 1 and below[pos] == "":
            new_top.append(Cell(text, 1, "restart"))
            vmerged.add(pos)
        else:
            new_top.append(Cell(text, span))
        pos += span
    new_below = [Cell(t, 1, "continue" if i in vmerged else None) for i, t in enumerate(below)]
    return new_top, new_below


def _merge_first_column(cells: list[list[Cell]]) -> None:
    head: int | None = None
    for i in range(1, len(cells)):
        if cells[i][0].text == "" and head is not None:
            cells[i][0] = Cell("", 1, "continue")
            cells[head][0] = Cell(cells[head][0].text, 1, "restart")
        else:
            head = i
