"""The whole PDF document from its pages: running headers and footers dropped, paragraphs under their headings,
tables broken across pages put on one column grid, and each table's ``before`` / ``after`` lines, into the
:class:`RawDocument` that ``classify`` reads (the same shape ``docx_reader`` produces).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter

from pipelines.lib import layouts, pdf_text_tables
from pipelines.lib.model import Cell, Paragraph, RawDocument, RawTable
from pipelines.lib.pdf_page import Line, Page, PCell, PTable, join_lines

_GRID_TOL = 2.0  # points: cell edges closer than this are one grid line
_CONTINUATION_TOL = 3.0  # points: how far a continuation table's edges may sit from its predecessor's

# The same note patterns as docx_reader, so both readers hand classify the same `after` lines.
_NOTE = re.compile(r"^\s*(?:注|备注|附注|说明)\s*[:：\d（(]|^\s*注\s")
_NOTE_CONT = re.compile(r"^\s*(?:[（(]?\d{1,2}\s*[)）.．、]|[①-⑩])")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
_CN_NUM = "一二三四五六七八九十"
_HEADING_1 = re.compile(rf"^[{_CN_NUM}]+\s*[、.．]")
_HEADING_2 = re.compile(rf"^[（(][{_CN_NUM}]+[）)]")
_ITEM = re.compile(
    rf"^(?:\d{{1,3}}\s*(?:[、．)）]|\.(?!\d))|[（(]\d{{1,3}}[）)]|[{_CN_NUM}]+\s*[、.．]|[（(][{_CN_NUM}]+[）)])"
)
_SENTENCE_END = set("。：:；;！？!?")
_AMOUNT = re.compile(r"^[-−△]?[\d,.]+%?$")
_CODE_CUT = re.compile(r"^[A-Za-z][A-Za-z0-9]*\d$")  # a catalogue code such as A0203050, cut before its last digits
_OPENING = set("（(“‘《〈【〔[「『")  # a line never ends with these: the glyph after one moves down with it
_CLOSING = set("）)”’》〉】〕]」』，。、；：！？,.;:!?%")  # nor starts with these
_LEADER = re.compile(r"(?:…{2,}|\.{4,}|·{4,})\s*\d*\s*$")


def assemble(pages: list[Page], n_pages: int) -> RawDocument:
    _drop_running_lines(pages)
    body_size = _body_size(pages)
    paragraphs, para_pos = _paragraphs(pages, body_size)
    ptables = [t for page in pages for t in page.tables]
    _grid(ptables, pages)
    ptables = [t for t in ptables if t.cells]  # a part that was only the lower half of a blank row

    # One stream in reading order, to find what sits right above and below each table.
    stream: list[tuple[int, float, str, int]] = [(t.page, t.bbox[1], "t", i) for i, t in enumerate(ptables)]
    stream += [(page, top, "p", i) for i, (page, top) in enumerate(para_pos)]
    stream.sort(key=lambda s: (s[0], s[1], s[2] == "p"))

    before: dict[int, list[str]] = {i: [] for i in range(len(ptables))}
    after: dict[int, list[str]] = {i: [] for i in range(len(ptables))}
    taken: set[int] = set()
    for k, (page, top, kind, ti) in enumerate(stream):
        if kind != "t":
            continue
        # A note pushed to the top of the next page still belongs to a table that closes its page.
        for page2, top2, kind2, pi in stream[k + 1 :]:
            if kind2 != "p" or page2 not in (page, page + 1):
                break
            if page2 != page and any(s[0] == page2 and s[2] == "t" and s[1] < top2 for s in stream):
                break
            para = paragraphs[pi]
            text = para.text
            # A numbered line after a note continues it (注：1. … 2. …), unless it is the next title.
            continues = bool(after[ti]) and bool(_NOTE_CONT.match(text)) and not para.is_heading
            if not (_NOTE.match(text) or continues and not text.rstrip().endswith("表")):
                break
            after[ti].append(text)
            taken.add(pi)
        # What stands above a table that opens its page is what closed the previous page: a title
        # printed as that page's last line belongs to the table here, as in the .docx.
        # So does a title whose 编制部门 / 单位 lines the break sent to this page with the table: only such lines
        # stand above it here (layouts.TEXT_TABLE_META).
        run: list[str] = []
        for page2, _t2, kind2, pi in reversed(stream[:k]):
            if kind2 != "p" or page2 not in (page, page - 1) or pi in taken:
                break
            if page2 != page and any(s[0] == page and s[1] < top and not (
                    s[2] == "p" and layouts.TEXT_TABLE_META.search(paragraphs[s[3]].text)) for s in stream[:k]):
                break
            run.append(paragraphs[pi].text)
        before[ti] = run[::-1]

    tables = [_raw_table(i, t, before[i], after[i]) for i, t in enumerate(ptables)]
    return RawDocument(file_type="pdf", tables=tables, paragraphs=paragraphs, pages=n_pages)


def _drop_running_lines(pages: list[Page]) -> None:
    """Drop running headers and footers: a line in the top or bottom margin band that recurs, at the same
    height and with the same words (page numbers aside), on at least half the pages.

    LibreOffice prints a .docx's page header on every page (the synthetic samples mark themselves there);
    left in, it would stand between a table and its continuation on the next page, and above every title.
    """
    if len(pages) < 2:
        return

    def band(line: Line) -> bool:
        # 15 % of the page, but at least an inch: on a short page the header sits lower than 15 % of it
        edge = max(line.page_height * 0.15, 72.0)
        return line.bottom < edge or line.top > line.page_height - edge

    def sig(line: Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text), round(line.top)

    pages_with: Counter[tuple[str, int]] = Counter()
    for page in pages:
        pages_with.update({sig(ln) for ln in page.lines if band(ln)})
    need = max(2, (len(pages) + 1) // 2)
    for page in pages:
        page.lines = [ln for ln in page.lines if not (band(ln) and pages_with[sig(ln)] >= need)]


def _body_size(pages: list[Page]) -> float:
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 12.0


def _is_page_number(line: Line) -> bool:
    near_edge = line.top > line.page_height * 0.88 or line.bottom < line.page_height * 0.1
    return near_edge and bool(_PAGE_NUMBER.match(line.text))


def _heading_level(text: str, size: float, centered: bool, body_size: float) -> int | None:
    """0 for a page title, 1 for 一、…, 2 for （一）…; None for running text."""
    short = len(text) <= 40 and not text.rstrip().endswith(("。", "；", ";"))
    if not short:
        return None
    if size >= body_size + 1.5 or centered:
        return 0
    if _HEADING_1.match(text):
        return 1
    if _HEADING_2.match(text):
        return 2
    return None


def _paragraphs(pages: list[Page], body_size: float) -> tuple[list[Paragraph], list[tuple[int, float]]]:
    """Join narrative lines into paragraphs and attach each to the heading it sits under."""
    blocks: list[list[Line]] = []  # lines of one paragraph
    prev: Line | None = None
    prev_page_margins: tuple[float, float] | None = None
    # The text block's right edge: where the longest lines end.  A page's own lines may all stop short of
    # it (a short page holding a paragraph's last line), so a paragraph running on over a page break is
    # judged against this, not against that page alone.
    text_right = max((ln.x1 for page in pages for ln in page.lines if len(ln.text) >= 10), default=None)
    for page in pages:
        lines = [ln for ln in page.lines if not _is_page_number(ln)]
        if not lines:
            prev = None
            continue
        left = min(ln.x0 for ln in lines)
        right = max(ln.x1 for ln in lines)
        for line in lines:
            new = True
            line_left = left
            if prev is not None:
                size = max(line.size, 1.0)
                if prev.page == line.page:
                    crosses_table = any(
                        prev.bottom <= t.bbox[1] and line.top >= t.bbox[3] for t in page.tables
                    )
                    prev_right = right
                    gap_ok = line.top - prev.bottom <= 0.9 * size
                else:
                    # A paragraph runs on across a page break only when nothing stands between.
                    crosses_table = bool(page.tables and page.tables[0].bbox[1] < line.top)
                    prev_right = prev_page_margins[1] if prev_page_margins else right
                    if text_right is not None:
                        prev_right = max(prev_right, text_right)
                    gap_ok = True
                    if prev_page_margins:  # a page holding one centred line has no left margin of its own
                        line_left = min(left, prev_page_margins[0])
                new = (
                    crosses_table
                    or not gap_ok
                    or abs(line.size - prev.size) > 0.6
                    or line.x0 > line_left + 0.8 * size
                    or _ends_paragraph(prev, prev_right, left)
                    or bool(_ITEM.match(line.text))
                    or _heading_level(prev.text, prev.size, _is_centered_on_page(prev), body_size) is not None
                    and len(blocks[-1]) == 1
                )
            if new:
                blocks.append([line])
            else:
                blocks[-1].append(line)
            prev = line
        prev_page_margins = (left, right)
        if page.tables and lines and page.tables[-1].bbox[3] > lines[-1].bottom:
            prev = None  # a table closes the page: the next page starts afresh

    paragraphs: list[Paragraph] = []
    positions: list[tuple[int, float]] = []
    stack: list[tuple[int, str]] = []
    toc_page: int | None = None
    for block in blocks:
        text = join_lines([ln.text for ln in block])
        first = block[0]
        level = None
        if len(block) == 1 and first.page != toc_page:
            level = _heading_level(text, first.size, _is_centered_on_page(first), body_size)
            if level == 0 and re.sub(r"\s", "", text) in ("目录", "目次"):
                toc_page = first.page  # a table of contents lists headings; its lines are none
        if level is not None:
            # Like docx_reader, a heading is its own section heading.
            stack = [s for s in stack if s[0] < level]
            stack.append((level, text))
            paragraphs.append(Paragraph(text, text, True, first.page, len(paragraphs)))
        else:
            paragraphs.append(
                Paragraph(text, stack[-1][1] if stack else None, False, first.page, len(paragraphs))
            )
        positions.append((first.page, first.top))
    return paragraphs, positions


def _ends_paragraph(line: Line, right: float, left: float) -> bool:
    """A line stopping short of the right margin ends its paragraph when it ends a sentence or a label.

    Justified Chinese text often stops a few characters short because the next number did not fit
    (``…比2022年预算执行数增加`` / ``60.54%。…``), so shortness alone is no paragraph break.
    """
    size = max(line.size, 1.0)
    if _LEADER.search(line.text):
        return True  # a table-of-contents entry
    if line.x1 >= right - 1.5 * size:
        return False
    if line.text.rstrip()[-1:] in _SENTENCE_END:
        return True
    return line.x1 < left + 0.6 * (right - left)


def _is_centered_on_page(line: Line) -> bool:
    middle = (line.x0 + line.x1) / 2
    return abs(middle - line.page_width / 2) < 0.04 * line.page_width and (
        line.x1 - line.x0 < 0.6 * line.page_width
    )


def _cluster(values: list[float], tol: float) -> list[float]:
    """Merge coordinates closer than ``tol`` into one grid line (their mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _grid(tables: list[PTable], pages: list[Page]) -> None:
    """Give each table its column and row lines; make a table broken across pages read as one.

    A table continues on the next page when it closes its page, the next page opens with a table of
    the same width, and nothing but running headers, footers and page numbers stands between.  The
    parts then share one set of column lines (the union of theirs): a part drawn with fewer rules (a
    lone 合计 row spanning the code columns, header cells merged over sub-columns that only the next
    page splits) gets spanning cells, so the classifier can join the parts column for column.  Text
    that a page break cut off inside a cell is moved back to the cell it began in (see
    :func:`_rejoin_cut_text`).
    """
    for t in tables:
        t.xs = _cluster([v for c in t.cells for v in (c.bbox[0], c.bbox[2])], _GRID_TOL)
    chain: dict[int, int] = {}  # id(table) -> id of the first part of its chain
    members: dict[int, list[PTable]] = {}
    for prev, t in _continuations(pages):
        if not (_subset(t.xs, prev.xs) or _subset(prev.xs, t.xs)):
            continue  # differently ruled: two tables that happen to meet at a page break
        _rejoin_cut_text(prev, t)
        head = chain.get(id(prev), id(prev))
        chain[id(t)] = head
        members.setdefault(head, [prev]).append(t)
    for parts in members.values():
        xs = _cluster([x for t in parts for x in t.xs], _CONTINUATION_TOL)
        for t in parts:
            t.xs = xs
    for t in tables:
        t.ys = _cluster([v for c in t.cells for v in (c.bbox[1], c.bbox[3])], _GRID_TOL)


def _continuations(pages: list[Page]) -> list[tuple[PTable, PTable]]:
    """(last table of a page, first table of the next) for each page break a table runs across."""
    out = []
    by_number = {p.number: p for p in pages}
    for page in pages:
        prev_page = by_number.get(page.number - 1)
        if not page.tables or prev_page is None or not prev_page.tables:
            continue
        prev, t = prev_page.tables[-1], page.tables[0]
        if any(ln.bottom > prev.bbox[3] for ln in prev_page.lines if not _is_page_number(ln)):
            continue  # a note or the next title follows it on its page: the table ended there
        if any(ln.top < t.bbox[1] for ln in page.lines if not _is_page_number(ln)):
            continue  # the table here has a title or text of its own
        if prev.by_text and t.by_text:
            if not _align_text_part(prev, t):
                continue
        elif abs(t.bbox[0] - prev.bbox[0]) > _CONTINUATION_TOL or abs(t.bbox[2] - prev.bbox[2]) > _CONTINUATION_TOL:
            continue
        out.append((prev, t))
    return out


def _align_text_part(prev: PTable, t: PTable) -> bool:
    """Put the next page's part of a table read by its text on its first part's columns, when each of its columns
    lies within one of those, in order (a part's columns are where its own text stands: its gutters, and the columns
    it leaves blank, differ from the first part's).  Blank cells fill the columns the part leaves out."""
    if len(t.xs) < 2 or len(prev.xs) < 2:
        return False
    where = []
    for k in range(len(t.xs) - 1):
        mid = (t.xs[k] + t.xs[k + 1]) / 2
        j = bisect.bisect_right(prev.xs, mid) - 1
        if not 0 <= j < len(prev.xs) - 1 or (where and j <= where[-1]):
            return False
        where.append(j)
    col = {round(x, 3): k for k, x in enumerate(t.xs)}
    ys = sorted({round(y, 3) for c in t.cells for y in (c.bbox[1], c.bbox[3])})
    taken: set[tuple[float, int]] = set()
    for c in t.cells:
        x0, top, x1, bottom = c.bbox
        j0, j1 = where[col[round(x0, 3)]], where[col[round(x1, 3)] - 1]
        c.bbox = (prev.xs[j0], top, prev.xs[j1 + 1], bottom)
        taken |= {(round(top, 3), j) for j in range(j0, j1 + 1)}
    for top, bottom in zip(ys, ys[1:], strict=False):
        t.cells += [PCell("", (prev.xs[j], top, prev.xs[j + 1], bottom)) for j in range(len(prev.xs) - 1)
                    if (top, j) not in taken]
    t.cells.sort(key=lambda c: (c.bbox[1], c.bbox[0]))
    t.bbox = (prev.xs[0], t.bbox[1], prev.xs[-1], t.bbox[3])
    t.xs = list(prev.xs)
    return True


def _subset(small: list[float], big: list[float]) -> bool:
    """Every line of ``small`` lies on a line of ``big``."""
    return all(min(abs(x - b) for b in big) <= _CONTINUATION_TOL for x in small)


def _rejoin_cut_text(prev: PTable, t: PTable) -> None:
    """Move text a page break cut off back into the cell it began in.

    Word and LibreOffice let a row break across pages, and a cell merged down over two rows breaks
    between them: the words that did not fit (``经营`` / ``支出``, ``…相关机构事`` / ``务``) open the
    next page's first row.  A first-row cell is such a remainder when the cell above it (the last row
    of the previous part, same edges) has text whose last line had no room left for the remainder's
    first word.  Every other filled cell of that row must sit under a wider cell (sub-headings under a
    merged heading, which the page break separated from it); otherwise the row is a row of its own and
    nothing moves.  A first row left empty by the move is dropped.
    """
    pad = min((c.first_x0 - c.bbox[0] for c in (*prev.cells, *t.cells) if c.text), default=0.0)
    pad = max(pad, 0.0)
    last = [c for c in prev.cells if abs(c.bbox[3] - prev.bbox[3]) <= _GRID_TOL]
    first = [c for c in t.cells if abs(c.bbox[1] - t.bbox[1]) <= _GRID_TOL]
    if _blank_split(last, first):
        # a blank row the break cut in two: one row, as the .docx has it
        t.cells = [c for c in t.cells if c not in first]
        if t.cells:
            t.bbox = (t.bbox[0], min(c.bbox[1] for c in t.cells), t.bbox[2], t.bbox[3])
        return
    moves = []
    # a row of figures alone, each the wrapped rest of the amount above it, the page break between their lines
    filled = [c for c in first if c.text]
    above_of = {id(c): next((a for a in last if abs(a.bbox[0] - c.bbox[0]) <= _CONTINUATION_TOL
                             and abs(a.bbox[2] - c.bbox[2]) <= _CONTINUATION_TOL), None) for c in filled}
    if filled and all(above_of[id(c)] is not None for c in filled) and pdf_text_tables.cut_row(
            [(above_of[id(c)].text, c.text) for c in filled]):
        moves = [(above_of[id(c)], c) for c in filled]
    for cell in first if not moves else ():
        if not cell.text:
            continue
        middle = (cell.bbox[0] + cell.bbox[2]) / 2
        above = next((c for c in last if c.bbox[0] <= middle <= c.bbox[2]), None)
        if above is None:
            return
        same_edges = (
            abs(above.bbox[0] - cell.bbox[0]) <= _CONTINUATION_TOL
            and abs(above.bbox[2] - cell.bbox[2]) <= _CONTINUATION_TOL
        )
        inside = (
            cell.bbox[0] >= above.bbox[0] - _CONTINUATION_TOL and cell.bbox[2] <= above.bbox[2] + _CONTINUATION_TOL
        )
        if same_edges and above.text and (
            # an amount wrapped in a column too narrow for it, the break between its lines (1205000. / 00)
            pdf_text_tables.cut_amount(above.text, cell.text)
            # amounts are not broken over lines otherwise; a code is (A0203050 / 0): digits after a letter-led code
            or (not _AMOUNT.match(cell.text) or _CODE_CUT.match(above.text) and cell.text.isdigit())
            and above.bbox[2] - pad - above.last_x1 < cell.first_w * _unbreakable(cell.text)
        ):
            moves.append((above, cell))
        elif same_edges or not inside:
            return  # a row of its own
    if not moves:
        return
    for above, cell in moves:
        above.text = join_lines([above.text, cell.text])
        above.last_x1 = cell.last_x1
        cell.text = ""
    # the first row left empty by the moves is dropped, merged cells that ran on below it too (a header
    # cell over two rows: its text went back to the page before, its lower part holds nothing)
    if all(not c.text for c in first) and len(first) < len(t.cells):
        t.cells = [c for c in t.cells if c not in first]
        t.bbox = (t.bbox[0], min(c.bbox[1] for c in t.cells), t.bbox[2], t.bbox[3])


def _blank_split(last: list[PCell], first: list[PCell]) -> bool:
    """The last row of one part and the first of the next are the two halves of one blank row: both
    empty, cell for cell on the same edges."""
    if not last or len(last) != len(first) or any(c.text for c in (*last, *first)):
        return False
    edges = sorted((round(c.bbox[0]), round(c.bbox[2])) for c in last)
    return all(
        abs(a[0] - b[0]) <= _CONTINUATION_TOL and abs(a[1] - b[1]) <= _CONTINUATION_TOL
        for a, b in zip(edges, sorted((round(c.bbox[0]), round(c.bbox[2])) for c in first), strict=True)
    )


def _unbreakable(text: str) -> int:
    """How many glyphs at the start of ``text`` a line break cannot separate: ``（境）费`` → 3 (an opening
    bracket keeps the next glyph, which keeps the closing one), ``费`` → 1."""
    n = 1
    if text[:1] in _OPENING:
        n = 2
    while n < len(text) and text[n] in _CLOSING:
        n += 1
    return n


def _index(lines: list[float], v: float) -> int:
    """The nearest of the sorted ``lines`` (the first of two as near)."""
    k = bisect.bisect_left(lines, v)
    if k == 0:
        return 0
    if k == len(lines):
        return k - 1
    return k - 1 if abs(lines[k - 1] - v) <= abs(lines[k] - v) else k


def _raw_table(index: int, t: PTable, before: list[str], after: list[str]) -> RawTable:
    rows: list[list[Cell]] = [[] for _ in range(max(len(t.ys) - 1, 1))]
    # cells share their edges: each distinct coordinate's grid line is looked up once
    cols: dict[float, int] = {}
    lines: dict[float, int] = {}

    def line(seen: dict[float, int], grid: list[float], v: float) -> int:
        i = seen.get(v)
        if i is None:
            i = seen[v] = _index(grid, v)
        return i

    xs, ys = t.xs, t.ys
    for c in t.cells:
        x0, top, x1, bottom = c.bbox
        col, col_end = line(cols, xs, x0), line(cols, xs, x1)
        row, row_end = line(lines, ys, top), line(lines, ys, bottom)
        rows[min(row, len(rows) - 1)].append(
            Cell(
                text=c.text,
                row=row,
                col=col,
                col_span=max(col_end - col, 1),
                row_span=max(row_end - row, 1),
                table=index,
                page=t.page,
                bbox=(round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2)),
            )
        )
    for r in rows:
        r.sort(key=lambda c: c.col)
    return RawTable(
        index=index,
        rows=rows,
        n_cols=max(len(t.xs) - 1, 1),
        before=before,
        after=after,
        page=t.page,
    )
