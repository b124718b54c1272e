"""Turn a RawDocument (from any reader) into a Filing: metadata, kinds, headers, bodies.

Works only from the RawDocument model, never from format-specific objects, so the .docx and the
.pdf readers share it.  A table is recognised by its title (a paragraph in ``RawTable.before`` or
a merged first row) AND by its header signature: a missing or odd title still classifies from the
header, and where title and header disagree the header wins and ``Filing.problems`` says so.

Header paths join the header rows top-down with ' / ' per grid column (``本年收入 / 财政拨款收入``);
a vertically merged header cell contributes once.  Body rows are the rows after the metadata,
header and 栏次 rows.  A table continued as a second physical table (header rows repeated) is
joined into one logical Table; a performance objective table and its indicator table are joined too.
A PDF table part on the next page with nothing above it and no header repeated carries on the one
before (see ``_runs_on``); where the page break cut the header itself, the parts are parsed as one.
"""

from __future__ import annotations

from collections import Counter

from pipelines.lib import doctype, layouts
from pipelines.lib.classify_header import _EMPTY_NOTE, _decide_kind, _parse_physical, _Parsed
from pipelines.lib.classify_identity import (
    canonical_name,
    cover_identity,
    identify,
    is_narrative,
    paragraph_meta,
    plausible_name,
)
from pipelines.lib.classify_meta import Meta, _strip_unit, parse_meta
from pipelines.lib.classify_text import KINDS, key, kind_from_title, squash
from pipelines.lib.model import Cell, Filing, RawDocument, RawTable, Table
from pipelines.lib.vocab import BUDGET_KINDS

# What other modules import from here: the front door of classify; the rooms behind it are classify_text.py (kinds,
# matching keys, titles), classify_meta.py (metadata lines), classify_header.py (one physical table) and
# classify_identity.py (department and year).
__all__ = [
    "BUDGET_KINDS", "KINDS", "Meta", "canonical_name", "classify", "cover_identity", "identify", "is_narrative",
    "key", "kind_from_title", "parse_meta", "plausible_name", "squash",
]


# ---------------------------------------------------------------------------------------------
# Logical tables


def _is_empty_declared(notes: list[str], body: list[list[Cell]]) -> bool:
    if any(_EMPTY_NOTE.search(key(n)) for n in notes):
        return True
    seen = False
    for row in body:
        for c in row:
            text = c.text.strip()
            if text:
                if key(text) != "无":
                    return False
                seen = True
    return seen


def _to_table(p: _Parsed) -> Table:
    return Table(
        index=p.raw.index,
        kind=p.kind,
        title=p.title,
        unit=p.unit,
        header=p.header,
        body=list(p.body),
        n_cols=p.raw.n_cols,
        parts=[p.raw.index],
        notes=list(p.notes),
        page=p.raw.page,
    )


def _continues(prev: Table, prev_p: _Parsed, p: _Parsed) -> bool:
    if p.raw.nested or prev_p.raw.nested or p.raw.index != prev.parts[-1] + 1:
        return False
    if p.title and key(p.title) != key(prev.title):
        return False
    if prev.kind == "performance_target" and not any(prev.header) and p.header_rows and p.kind == "performance_target":
        return True
    if p.raw.n_cols != prev.n_cols:
        return False
    if p.header_rows and [key(h) for h in p.header] == [key(h) for h in prev.header] and any(prev.header):
        return True  # its header printed again (西安 培训费明细表, a table yusuan keeps unread: one table all the same)
    if prev.kind == "unknown":
        return False
    # A table broken by Word without its header repeated: nothing at all between the parts.
    return not p.header_rows and not p.raw.before and not p.title and bool(p.body)


def _runs_on(prev: Table, prev_p: _Parsed, p: _Parsed) -> bool:
    """A PDF table part on the next page that carries on the table before it without repeating its header.

    Word and LibreOffice repeat header rows on a new page only where they are marked to, so a table
    broken across pages goes on with bare rows: rows the header parse mistakes for a header (the first
    row of a performance table's second page, whose 一级指标 cell was merged down from the previous
    page), or the rest of a header the page break cut (sub-headings under ``功能分类科目``).  The part
    must stand on the next page with nothing printed above it, have the same grid, and be no table of
    its own: it has no title and either no kind of its own or a predecessor with no body yet.
    """
    if p.raw.page is None or prev_p.raw.page is None or p.raw.page != prev_p.raw.page + 1:
        return False
    if p.raw.nested or prev_p.raw.nested or p.raw.index != prev.parts[-1] + 1:
        return False
    form = prev.kind == "performance_target" and bool(prev.body) and p.title_kind is None
    # above a 绩效目标 form's next page stand only the form's own words, printed vertically or cut by the break
    # (西安 2019: 年 / 度 / 绩, 产出指标, 一级指标 二级指标 指标内容 指标值): no title, nothing of another table
    margin = form and all(len(key(t)) <= 2 or layouts.NOT_A_TITLE.match(key(t)) for t in p.raw.before)
    # or the text of a cell merged down over the break, drawn past the previous page's edge (北京 预算12表 p.27's part:
    # "室，做好立法后 / 评估相关工作，…" above it): above a part on the form's own column grid with no title, lines
    # are the form's own text, not another table's title
    margin = margin or (form and not p.title and _same_columns(prev_p.raw, p.raw))
    if prev.kind == "unknown":
        # a table yusuan keeps unread, going on over the next page on its grid (北京 预算11表 政府购买服务明细表): one
        # table, one finding
        return p.kind == "unknown" and not p.raw.before and not p.title and p.raw.n_cols == prev_p.raw.n_cols \
            and _same_columns(prev_p.raw, p.raw)
    if (p.raw.before and not margin) or p.title:
        return False
    if p.raw.n_cols != prev_p.raw.n_cols and not form:
        # a 绩效目标 form's next page may stand on another grid (西安 2019: its 指标N：… rows in 2, 3 or 4 columns
        # as the merged cells fall); any other part goes on only on the same grid
        return False
    blank = not any(c.text.strip() for row in prev.body for c in row)  # a header row's empty lower half
    if form:
        # indicator rows go on; whatever kind their words suggest (总费用 …), a new 绩效目标 table has a title
        return not any(key(c.text) == "一级指标" for row in p.raw.rows[:1] for c in row)
    return p.kind == "unknown" or (blank and prev.kind != "performance_target") or _same_columns(prev_p.raw, p.raw)


def _printed_over(prev: Table, prev_p: _Parsed, p: _Parsed) -> bool:
    """A PDF part on the next page holding the columns of the table before it that did not fit its pages: a
    spreadsheet printed "down, then over" (上海 数据局 收入预算总表 p.10–11: its last column, 其他收入, alone on
    the pages after the table's rows; the title drawn across the whole sheet is clipped away there, only its
    单位：元 line stands above).  With no title and nothing above it but unit lines, printing no figure at all, it
    is the table's: nothing of it is read, and it is no unknown table of its own."""
    if p.raw.page is None or prev_p.raw.page is None or p.raw.page != prev_p.raw.page + 1:
        return False
    if p.raw.nested or prev_p.raw.nested or p.title or prev.kind == "unknown":
        return False
    if not p.raw.before or any(_strip_unit(line) for line in p.raw.before):
        return False
    return not any(ch.isdigit() for row in p.raw.rows for c in row for ch in c.text)


def _same_columns(a: RawTable, b: RawTable, tolerance: float = 2.0) -> bool:
    """Whether two PDF table parts stand on the same column grid: every column starts at the same x (within
    ``tolerance`` points).  A part heading the next page on its predecessor's grid, with no title and nothing
    above it, goes on with that table even when its first rows read like a header of another kind (a 收入支出
    决算总表's 五、事业收入 / 六、经营收入 … rows, blank in their amount columns, carried over the break)."""
    sa, sb = _starts(a), _starts(b)
    return len(sa) == a.n_cols and sa.keys() == sb.keys() and all(abs(sa[k] - sb[k]) <= tolerance for k in sa)


def _starts(raw: RawTable) -> dict[int, float]:
    """Where each column of a PDF table part starts (the leftmost x of its unspanned cells)."""
    out: dict[int, float] = {}
    for row in raw.rows:
        for c in row:
            if c.bbox is not None and c.col_span == 1:
                out[c.col] = min(out.get(c.col, c.bbox[0]), c.bbox[0])
    return out


def _reparse(raws: list[RawTable]) -> Table:
    """Parse the parts of one table as a single physical table (a header cut by a page break).

    The cells are copied with their row renumbered through the joined table so that header spans line
    up; the body keeps the original cells, whose table and row say where each was printed.
    """
    rows: list[list[Cell]] = []
    original: dict[int, Cell] = {}
    for raw in raws:
        offset = len(rows)
        for r, row in enumerate(raw.rows):
            copied = []
            for c in row:
                cc = Cell(c.text, offset + r, c.col, c.col_span, c.row_span, c.table, c.page, c.bbox)
                original[id(cc)] = c
                copied.append(cc)
            rows.append(copied)
    first, final = raws[0], raws[-1]
    joined = RawTable(first.index, rows, first.n_cols, list(first.before), list(final.after), first.page)
    p = _parse_physical(joined)
    p.body = [[original.get(id(c), c) for c in row] for row in p.body]
    _decide_kind(p)
    table = _to_table(p)
    table.parts = [raw.index for raw in raws]
    return table


def _stretch(row: list[Cell], n_cols: int) -> list[Cell]:
    """A row from a narrower part (the one-row objective table), its last cell widened to the grid."""
    if not row:
        return row
    last = row[-1]
    if last.col + last.col_span >= n_cols:
        return row
    widened = Cell(last.text, last.row, last.col, n_cols - last.col, last.row_span, last.table, last.page, last.bbox)
    return [*row[:-1], widened]


def _join(prev: Table, p: _Parsed) -> None:
    if prev.kind == "performance_target" and not any(prev.header):
        prev.header = p.header
        prev.n_cols = max(prev.n_cols, p.raw.n_cols)
        prev.body = [_stretch(r, prev.n_cols) for r in prev.body] + list(p.body)
    else:
        prev.body.extend(p.body)
    prev.parts.append(p.raw.index)
    prev.notes.extend(n for n in p.notes if n not in prev.notes)
    prev.unit = prev.unit or p.unit


def classify(raw: RawDocument) -> Filing:
    """Classify every table of a RawDocument and read the filing's metadata.

    Returns a Filing whose tables are logical tables (continuations joined), each with a kind
    from :data:`KINDS`, its title as printed, its unit, one header path per grid column, body
    rows and notes.  Nothing raises on odd input: what could not be understood is listed in
    ``Filing.problems``.
    """
    problems: list[str] = []
    parsed = [_parse_physical(t) for t in raw.tables]
    for p in parsed:
        _decide_kind(p)
    tables: list[Table] = []
    last: tuple[Table, _Parsed] | None = None
    by_index = {t.index: t for t in raw.tables}
    for p in parsed:
        if last is not None and _continues(last[0], last[1], p):
            _join(last[0], p)  # a continuation's own doubts (no title…) are moot
            last = (last[0], p)
            continue
        if last is not None and _printed_over(last[0], last[1], p):
            last[0].parts.append(p.raw.index)
            last = (last[0], p)
            continue
        if last is not None and _runs_on(last[0], last[1], p):
            # a continuation's own doubts (no title, a header it does not have) are moot
            if any(c.text.strip() for row in last[0].body for c in row):
                last[0].body.extend(row for row in p.raw.rows if any(c.text.strip() for c in row))
                last[0].parts.append(p.raw.index)
                last = (last[0], p)
            else:
                tables[-1] = _reparse([by_index[i] for i in last[0].parts] + [p.raw])
                last = (tables[-1], p)
            continue
        problems.extend(p.problems)
        table = _to_table(p)
        tables.append(table)
        last = (table, p) if not p.raw.nested else None
    for t in tables:
        # (a 目录's 是否空表 | 公开空表理由 columns speak of the other tables, not of itself)
        t.empty_declared = t.kind != "contents" and _is_empty_declared(t.notes, t.body)

    # Department and year (layouts.py says where a filing names itself, in which order; see identify()).
    para_meta = paragraph_meta(raw.paragraphs)  # the paragraphs' labelled lines: read once, for both uses
    name, code, year, notes = identify(raw, parsed, tables, para_meta)
    problems.extend(notes)
    # （本级）/（汇总） after a name is the filing's scope (doctype.scope_of reads it), not part of the name: the
    # body is the same department as its filings printed without it (the printed name is kept as an alias)
    printed_name = name
    if name is not None:
        name = layouts.SCOPE_SUFFIX.sub("", name) or name
    if name is None:
        problems.append("no department name found on the cover, in the tables' 编制部门 lines or in the titles")
    if year is None:
        problems.append("no budget year found (no 预算年度 cell and no year in a title)")

    budget = [t for t in tables if t.kind in BUDGET_KINDS]
    units = Counter(t.unit for t in budget if t.unit) or Counter(t.unit for t in tables if t.unit)
    unit = units.most_common(1)[0][0] if units else None
    # 预算 or 决算, 部门 or 单位: the spellings are data in pipelines/lib/doctype.py
    cover = doctype.cover_text(p.text for p in raw.paragraphs[:40])
    titles = [t.title for t in budget if t.title] or [t.title for t in tables if t.title]
    doc_type = doctype.doc_type_of(cover, titles)
    scope = doctype.scope_of(cover, titles)

    if unit is None and para_meta.unit:
        unit = para_meta.unit
    return Filing(
        file_type=raw.file_type,
        department_code=code,
        department_name=name,
        printed_name=printed_name if printed_name != name else None,
        year=year,
        doc_type=doc_type,
        scope=scope,
        unit=unit,
        tables=tables,
        paragraphs=raw.paragraphs,
        pages=raw.pages,
        problems=problems,
        identity_notes=[n for n in notes if n.startswith("identity:")],
        part="narrative" if not budget and name and year and is_narrative(raw) else None,
    )
