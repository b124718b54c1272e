"""The structured result every reader produces, whatever the file format.

A reader (``docx_reader``, ``pdf_reader``) turns bytes into a :class:`RawDocument`: physical
tables as grids of cells with provenance, plus the paragraphs around them.  ``classify`` then
turns a RawDocument into a :class:`Filing`: metadata, and logical tables with a kind, a unit,
header column paths and body rows.  Everything downstream (normalize, checks, warehouse)
reads only a Filing, so ``.docx`` and ``.pdf`` share one code path.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Cell:
    """One cell, once, at the grid position where it starts (a merged cell is not repeated)."""

    text: str
    row: int  # 0-based row index inside its physical table
    col: int  # 0-based grid column where the cell starts
    col_span: int = 1  # gridSpan
    row_span: int = 1  # vMerge restart + continues
    table: int = 0  # 0-based index of the physical table in document order
    page: int | None = None  # 1-based page (PDF only)
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom (PDF only)


@dataclass(slots=True)
class RawTable:
    """A physical table as the file holds it."""

    index: int  # 0-based, document order
    rows: list[list[Cell]]  # every row, cells ordered by grid column
    n_cols: int  # width of the grid
    before: list[str] = field(default_factory=list)  # paragraphs since the previous table (title, 编制部门, 单位)
    after: list[str] = field(default_factory=list)  # paragraphs right after it up to the next title (注：…)
    page: int | None = None  # first page (PDF only)
    nested: bool = False  # a table found inside another table's cell


@dataclass(slots=True)
class Paragraph:
    text: str
    heading: str | None = None  # the section heading this paragraph sits under
    is_heading: bool = False
    page: int | None = None
    index: int = 0  # 0-based position among the document's paragraphs


@dataclass
class RawDocument:
    """What a reader returns: no interpretation yet."""

    file_type: str  # 'docx' | 'pdf'
    tables: list[RawTable]
    paragraphs: list[Paragraph]
    pages: int | None = None
    notes: list[str] = field(default_factory=list)  # content the reader saw but could not read (a finding each)
    # rows of figures a PDF page prints outside any table the reader could read: (page, the row's other text, its
    # figures as printed); coverage counts them as printed and not read
    stray: list[tuple[int, str, list[str]]] = field(default_factory=list)


@dataclass
class Table:
    """A logical table: classified, header understood, continuations joined."""

    index: int  # index of its first physical table (the contract's source_table)
    kind: str  # contract table_kind, or three_public, performance_target, procurement, assets, unknown, ...
    title: str  # as printed ('' when the filing prints none)
    unit: str | None  # '万元' | '元' | None where the table prints none
    header: list[str]  # one column path per grid column: '本年收入 / 财政拨款收入'
    body: list[list[Cell]]  # data rows after metadata, header and 栏次 rows (合计 rows included)
    n_cols: int
    parts: list[int] = field(default_factory=list)  # physical table indices joined into this one
    notes: list[str] = field(default_factory=list)  # 注：… lines
    empty_declared: bool = False  # 注：无…，空表列示 / 故本表为空表 / a row 无
    page: int | None = None

    def values(self, row: list[Cell]) -> list[str]:
        """The row as one string per grid column; a cell spanning columns fills its first one."""
        n = self.n_cols  # (asked ~500 times a filing: the width and each cell's column read once)
        out = [""] * n
        for c in row:
            col = c.col
            if 0 <= col < n:
                out[col] = c.text
        return out


@dataclass
class Filing:
    """One department's disclosure for one year, read and classified."""

    file_type: str
    department_code: str | None
    department_name: str | None
    year: int | None
    doc_type: str  # 'budget' | 'final_accounts'
    unit: str | None  # the unit most budget tables print
    tables: list[Table]
    paragraphs: list[Paragraph]
    pages: int | None = None
    problems: list[str] = field(default_factory=list)  # what the reader noticed (unknown tables, ...)
    raw: RawDocument | None = None  # what the reader saw, kept for raw.table_cells
    identity_notes: list[str] = field(default_factory=list)  # where cover, titles and 编制部门 lines disagree
    part: str | None = None  # 'narrative': the narrative half of a filing published as two files (no tables)
    scope: str = "department"  # 'department' (部门预算/决算, with all its units) | 'unit' (单位预算/决算)
    printed_name: str | None = None  # the name as printed when it differs from department_name (a （本级） suffix)

    def by_kind(self, kind: str) -> list[Table]:
        return [t for t in self.tables if t.kind == kind]
