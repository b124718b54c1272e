"""One page of a PDF filing: its ruled tables with their cells filled, and the text lines outside them.

``pdf_reader`` reads each page's layer (``pdf_layer.read_page``: characters with boxes, ruling edges); this module
finds the tables on it (``pdf_tables.find_tables``), gives every character to the cell that holds its centre, and
groups the rest into visual lines (:class:`Line`), which ``pdf_document`` joins into paragraphs.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from operator import itemgetter

from pipelines.lib import layouts, pdf_layer, pdf_tables, pdf_text_tables

# The filings rule their tables with thin filled rectangles or lines; text-based strategies would
# invent columns from the alignment of numbers, so only drawn edges count (pdfplumber's "lines"
# strategy with these tolerances, in points; see pdf_tables.find_tables).
TABLE_SETTINGS = {"snap": 3, "join": 3, "tolerance": 3, "min_length": 3}

_EPS = 0.01  # points: below the precision of PDFium's single-precision coordinates
_WIDE_PUNCT = set("“”‘’…—·")


@dataclass(slots=True)
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    page_width: float
    page_height: float


@dataclass(slots=True)
class PCell:
    text: str
    bbox: tuple[float, float, float, float]
    # Where the text sits, to tell text cut by a page break from text that simply ends.
    first_x0: float = 0.0  # left end of the first text line
    first_w: float = 0.0  # width of the first word: one Chinese character, or a run of Latin letters/digits
    last_x1: float = 0.0  # right end of the last text line


@dataclass(slots=True)
class PTable:
    page: int
    bbox: tuple[float, float, float, float]
    cells: list[PCell]
    xs: list[float] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)
    by_text: bool = False  # read by its text (pdf_text_tables), not by ruling lines


@dataclass(slots=True)
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    tables: list[PTable]
    # rows of figures printed in columns (a line of figures beside other text) that no table took: a table too short
    # to align by its text (see pdf_text_tables); each (its other text, its figures); pdf_reader names them in a
    # note, coverage counts them as printed
    stray_rows: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def stray(self) -> int:
        """The figures of :attr:`stray_rows`."""
        return sum(len(figures) for _, figures in self.stray_rows)


def build_page(page: pdf_layer.PageLayer, opens: float | None = None) -> Page:
    """Find the ruled tables of one page, fill their cells, and collect the remaining text lines.  ``opens``: the page
    opens with the rest of a table read by its text that the previous page closed, its first row's top there (below a
    running header, if the page prints one; see :func:`mend_breaks`)."""
    # _line_text drops the same glyph painted twice at one spot (fake bold).
    chars = page.chars
    tables: list[PTable] = []
    if page.painted:
        for bbox, cells in pdf_tables.find_tables(page.edges, **TABLE_SETTINGS):
            if len(cells) < 2:
                continue  # a lone framed box is a text frame, not a table
            tables.append(PTable(page.number, bbox, [PCell("", b) for b in cells]))
    tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))

    free: list[pdf_layer.Char] = []
    in_cell: dict[tuple[int, int], list[pdf_layer.Char]] = {}
    # each table's box grown by a point, and its cell finder
    boxes = [
        (t.bbox[0] - 1, t.bbox[1] - 1, t.bbox[2] + 1, t.bbox[3] + 1, _CellFinder(t).find, ti)
        for ti, t in enumerate(tables)
    ]
    if not boxes:
        free = list(chars)
    for ch in chars if boxes else ():
        _, x0, x1, top, bottom, _ = ch
        cx = (x0 + x1) / 2
        cy = (top + bottom) / 2
        for bx0, btop, bx1, bbottom, find, ti in boxes:
            if bx0 <= cx <= bx1 and btop <= cy <= bbottom:
                ci = find(cx, cy)
                if ci is not None:
                    in_cell.setdefault((ti, ci), []).append(ch)
                break  # inside a table but between cells: rules drawn over text; not narrative
        else:
            free.append(ch)
    two_columns: Counter[int] = Counter()  # per table, its cells whose text stands in two columns
    for (ti, ci), cs in in_cell.items():
        cell = tables[ti].cells[ci]
        grouped = _fill(cell, cs)
        if " " in cell.text and pdf_text_tables.undivided(grouped):
            two_columns[ti] += 1
    # a cell or two is an overflowing label (西安: 出 2,022.39); a table of them misses the rules between columns
    undivided = {ti for ti, n in two_columns.items() if n >= pdf_text_tables.SETTINGS["undivided_cells"]}
    if undivided:  # rules missing between some columns: the table is read by its text, with the page's free text
        boxes = [tables[ti].bbox for ti in undivided]
        free += [ch for ch in chars if any(x0 - 1 <= (ch.x0 + ch.x1) / 2 <= x1 + 1 and top - 1 <= (ch.top + ch.bottom) / 2
                                           <= bottom + 1 for x0, top, x1, bottom in boxes)]
        tables = [t for ti, t in enumerate(tables) if ti not in undivided]
    tables = [t for t in tables if any(c.text for c in t.cells) or len(t.cells) > 2]
    groups = cluster_lines(free)
    texts = [_line_text(group) for group in groups]
    stray: list[tuple[str, list[str]]] = []
    if pdf_text_tables.may_hold_table(texts):  # columns of figures outside the ruled tables: read them by their text
        tlines = pdf_text_tables.lines_of(groups, texts)
        found, stray = pdf_text_tables.find(tlines, opens)
        for t in found:
            table = PTable(page.number, t.bbox, [], by_text=True)
            for x0, top, x1, bottom, _, cs in t.cells:
                cell = PCell("", (x0, top, x1, bottom))
                if cs:
                    _fill(cell, cs)
                table.cells.append(cell)
            tables.append(table)
        taken = {k for t in found for k in t.taken}
        if taken:
            keep = [i for i in range(len(groups)) if i not in taken]
            groups, texts = [groups[i] for i in keep], [texts[i] for i in keep]
            tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    lines = []
    for group, text in zip(groups, texts, strict=True):
        if not text:
            continue
        lines.append(
            Line(
                text,
                min(map(_BY_X0, group)),
                max(map(_BY_X1, group)),
                min(map(_BY_TOP, group)),
                max(map(_BY_BOTTOM, group)),
                _common_size(group),
                page.number,
                page.width,
                page.height,
            )
        )
    return Page(page.number, page.width, page.height, lines, tables, stray)


def _carry_empty(layers: list[pdf_layer.PageLayer], pages: list[Page], i: int, lines: tuple[float, float],
                 first: Line) -> None:
    """Page ``i - 1``'s closing ``lines`` (top, bottom) carried above ``first`` (what opens page ``i`` of a table
    printed empty), both pages read again; kept (in ``layers`` and ``pages``) only where page ``i`` then finds a table
    more."""
    here, there = _carried(layers[i - 1], layers[i], lines, first.top, _size(first))
    again = build_page(here)
    if len(again.tables) > len(pages[i].tables):
        pages[i - 1], pages[i] = build_page(there), again
        layers[i - 1], layers[i] = there, here


def mend_breaks(layers: list[pdf_layer.PageLayer], pages: list[Page]) -> list[Page]:
    """Pages read again where a page break split a table read by its text so that a page holds a row of figures at
    its top that no table took (most filings have no such page, and nothing is read again):

    - the table's header closes the previous page, under its title and 单位 line, and its rows open this one (a 三公
      table's one row): the header's lines are carried to this page, right above the rows, and both pages are read
      again;
    - the previous page closes with a table read by its text, and this one opens with its last row alone: this page is
      read again knowing that it opens with that table's rows;
    - a table printed empty (a header and a note declaring it empty, no figure): its header closes the previous page
      and the note opens this one, or its title and 单位 lines close the previous page and its header opens this one
      above the note; what closed the previous page is carried here, as for the rows.

    A page read again is kept only where it leaves fewer figures outside any table (or, for a table printed empty,
    where it finds the table)."""
    layers, pages = list(layers), list(pages)
    for i in range(1, len(pages)):
        page, prev = pages[i], pages[i - 1]
        first = _opening_row(page)
        if first is None:
            first = _opening_empty(page)
            # the title and 单位 lines close the page (with the header's first lines, or without), the header opens
            # the next one
            titled = (_closing_title(prev) or _closing_header(prev, titled=True)) if first is not None else None
            if titled is not None:
                _carry_empty(layers, pages, i, titled, first)
                continue
        if first is None:
            continue
        if isinstance(first, Line) and layouts.TEXT_TABLE_EMPTY.search(first.text):
            # the header of a table printed empty closes the page, the note opens this one: the header and its title
            # and 单位 lines go above the note
            carry = _closing_header(prev, titled=True)
            if carry is not None:
                _carry_empty(layers, pages, i, carry, first)
            continue
        carry = _closing_header(prev)
        if carry is not None:
            top, bottom = carry
            moved = [k for k, c in enumerate(layers[i - 1].chars) if top - 0.5 <= (c.top + c.bottom) / 2 <= bottom + 0.5]
            gone = set(moved)
            top_here = first.top if isinstance(first, Line) else min(
                (c.top for c in layers[i].chars if (c.top + c.bottom) / 2 >= first.bbox[1]), default=first.bbox[1])
            # the header takes the place where the page's rows begin, and what stands from there down moves down by
            # its height (a running header above stays where it is)
            room = bottom - top + 0.3 * max(_size(first), 1.0)
            dy = top_here - top
            here = replace(layers[i], chars=[
                *(layers[i - 1].chars[k]._replace(top=layers[i - 1].chars[k].top + dy,
                                                  bottom=layers[i - 1].chars[k].bottom + dy) for k in moved),
                *(c._replace(top=c.top + room, bottom=c.bottom + room) if (c.top + c.bottom) / 2 >= top_here - 0.5
                  else c for c in layers[i].chars)])
            there = replace(layers[i - 1], chars=[c for k, c in enumerate(layers[i - 1].chars) if k not in gone])
            again = build_page(here)
            # kept where it leaves fewer figures outside any table, or the header's lines all went into the table
            # that opens the page (a header broken over the two pages)
            if again.stray < page.stray or (again.stray == page.stray and not any(
                    ln.top < top_here + room - 0.1 for ln in _content(again))):
                pages[i - 1], pages[i] = build_page(there), again
                layers[i - 1], layers[i] = there, here
        elif isinstance(first, Line) and prev.tables and prev.tables[-1].by_text and not any(
                ln.top > prev.tables[-1].bbox[3] for ln in _content(prev)):
            again = build_page(layers[i], opens=first.top)
            if again.stray < page.stray:
                pages[i] = again
    return pages


_PAGE_NUMBER = re.compile(r"^[-—–\s第]*\d+[\s页]*[-—–\s]*$")


def _size(what: Line | PTable) -> float:
    return what.size if isinstance(what, Line) else 10.0


def _page_number(line: Line) -> bool:
    return (line.top > line.page_height * 0.88 or line.bottom < line.page_height * 0.1) and bool(
        _PAGE_NUMBER.match(line.text))


def _content(page: Page) -> list[Line]:
    """A page's lines (sorted top-down) without its running header and footer: page numbers, and lines at the page's
    top or bottom edge set apart from the rest (its other lines and its tables) by more than the blank between a
    table's lines (the filing's name printed on every page)."""
    lines = sorted((ln for ln in page.lines if not _page_number(ln)), key=lambda ln: ln.top)
    gap = pdf_text_tables.SETTINGS["line_gap"]
    while lines and lines[0].bottom < page.height * 0.12 and not layouts.TEXT_TABLE_EMPTY.search(lines[0].text) \
            and not any(_holds_row(lines[0], figures) for _, figures in page.stray_rows):
        # (a note declaring the table above it empty, its table left on the previous page, stays; so does a row of
        # figures, the last of a table the previous page closed, set apart from the next table's title)
        below = [ln.top for ln in lines[1:]] + [t.bbox[1] for t in page.tables]
        if not below or min(below) - lines[0].bottom <= gap * max(lines[0].size, 1.0):
            break
        lines.pop(0)
    while lines and lines[-1].top > page.height * 0.88:
        above = [ln.bottom for ln in lines[:-1]] + [t.bbox[3] for t in page.tables]
        if not above or lines[-1].top - max(above) <= gap * max(lines[-1].size, 1.0):
            break
        lines.pop()
    return lines


def _opening_row(page: Page) -> Line | PTable | None:
    """What opens the page, when it is a row of figures no table took, or a table read by its text, with nothing
    above it but a running header (its ``top`` is where it starts)."""
    lines = _content(page)
    first_table = min(page.tables, key=lambda t: t.bbox[1], default=None)
    if first_table is not None and first_table.by_text and not any(ln.top < first_table.bbox[1] for ln in lines):
        return first_table
    if lines and layouts.TEXT_TABLE_EMPTY.search(lines[0].text) and all(t.by_text for t in page.tables) and (
            first_table is None or first_table.bbox[1] > lines[0].top):
        return lines[0]  # the note under a table printed empty, its header left on the previous page
    if not page.stray_rows or not lines or (first_table is not None and first_table.bbox[1] < lines[0].top):
        return None
    _, figures = page.stray_rows[0]
    return lines[0] if _holds_row(lines[0], figures) else None


def _holds_row(line: Line, figures: list[str]) -> bool:
    """Whether a line prints a row's figures, or their first lines where they wrapped in their cells (30000 of
    300000 / the ``0`` under it), each a word of its own (pdf_page._line_text parts a figure from its neighbours)."""
    words = line.text.split()
    return all(any(f.startswith(w) for w in words) for f in figures)


def _opening_empty(page: Page) -> Line | None:
    """The first line of the page, when no table opens it and the page's lines hold a note declaring a table empty
    (layouts.TEXT_TABLE_EMPTY) that no table took: the note itself, or the header of the table it closes."""
    lines = _content(page)
    if not lines or any(not t.by_text or t.bbox[1] < lines[0].top for t in page.tables):
        return None  # (a page of ruled tables is never read again: its rules would not move with its text)
    return lines[0] if any(layouts.TEXT_TABLE_EMPTY.search(ln.text) for ln in lines) else None


def _closing_title(page: Page) -> tuple[float, float] | None:
    """(top, bottom) of the title and 编制部门 / 单位 lines that close a page below any table, with nothing under them:
    a table's heading whose table the page break sent to the next page; None when the page closes otherwise."""
    below = max((t.bbox[3] for t in page.tables), default=0.0)
    lines = [ln for ln in _content(page) if ln.top > below]
    run: list[Line] = []
    for ln in reversed(lines):
        if not (layouts.TEXT_TABLE_STOP.search(ln.text) or layouts.TEXT_TABLE_META.search(ln.text)):
            break
        run.append(ln)
    if not run or not layouts.TEXT_TABLE_STOP.search(run[-1].text) or len(run) > 3:
        return None  # a title (…表) opens the run: the title, its 编制部门 and 单位 lines
    return min(ln.top for ln in run), max(ln.bottom for ln in run)


def _carried(prev: pdf_layer.PageLayer, layer: pdf_layer.PageLayer, span: tuple[float, float], at: float,
             size: float) -> tuple[pdf_layer.PageLayer, pdf_layer.PageLayer]:
    """(this page, the previous page) with the previous page's lines within ``span`` moved onto this page at ``at``,
    what stands there and below moved down by their height."""
    top, bottom = span
    moved = [k for k, c in enumerate(prev.chars) if top - 0.5 <= (c.top + c.bottom) / 2 <= bottom + 0.5]
    gone = set(moved)
    room = bottom - top + 0.3 * max(size, 1.0)
    dy = at - top
    here = replace(layer, chars=[
        *(prev.chars[k]._replace(top=prev.chars[k].top + dy, bottom=prev.chars[k].bottom + dy) for k in moved),
        *(c._replace(top=c.top + room, bottom=c.bottom + room) if (c.top + c.bottom) / 2 >= at - 0.5 else c
          for c in layer.chars)])
    there = replace(prev, chars=[c for k, c in enumerate(prev.chars) if k not in gone])
    return here, there


def _closing_header(page: Page, titled: bool = False) -> tuple[float, float] | None:
    """(top, bottom) of the lines that close a page under a table's title or 单位 line, below any table: a header
    whose rows the page break sent to the next page; None when the page closes otherwise.  ``titled``: with the
    title and 编制部门 / 单位 lines right above the header."""
    below = max((t.bbox[3] for t in page.tables), default=0.0)
    lines = [ln for ln in _content(page) if ln.top > below]
    run: list[Line] = []
    k = len(lines) - 1
    while k >= 0:
        if layouts.TEXT_TABLE_STOP.search(lines[k].text) or layouts.TEXT_TABLE_META.search(lines[k].text):
            break
        run.append(lines[k])
        k -= 1
    else:
        return None  # no title or 单位 line above: not a table's header
    if not run or len(run) > pdf_text_tables.SETTINGS["max_header"]:
        return None
    while titled and k >= 0 and len(run) < pdf_text_tables.SETTINGS["max_header"] + 3 and (
            layouts.TEXT_TABLE_STOP.search(lines[k].text) or layouts.TEXT_TABLE_META.search(lines[k].text)):
        run.append(lines[k])
        k -= 1
    return min(ln.top for ln in run), max(ln.bottom for ln in run)


def _fill(cell: PCell, cs: list[pdf_layer.Char]) -> list[list[pdf_layer.Char]]:
    """A cell's text from its characters, and where its text sits; its characters by line."""
    grouped = cluster_lines(cs)
    cell.text = join_lines([_line_text(line) for line in grouped])
    # the first and the last line with a glyph other than a space: only they say where the text sits
    first = last = None
    for k, line in enumerate(grouped):
        first = [c for c in line if c.text.strip()]
        if first:
            last = first
            for later in reversed(grouped[k + 1 :]):
                inked = [c for c in later if c.text.strip()]
                if inked:
                    last = inked
                    break
            break
    if first:
        cell.first_x0 = first[0].x0
        cell.first_w = _first_word_width(first)
        cell.last_x1 = max(map(_BY_X1, last))
    return grouped


class _CellFinder:
    """The first cell (in the table's order) holding a point, found through the table's grid lines
    instead of a scan of every cell: one lookup per character."""

    def __init__(self, table: PTable) -> None:
        self.cells = [c.bbox for c in table.cells]
        self.xs = xs = sorted({v for b in self.cells for v in (b[0], b[2])})
        self.ys = ys = sorted({v for b in self.cells for v in (b[1], b[3])})
        # the slot between grid lines i and i+1 across, j and j+1 down, numbered (i + 1) * stride + j + 1 (i and j
        # run from -1, left of or above the first line): an int, cheaper to hash than the pair
        self.stride = stride = len(ys) + 1
        self.slots: dict[int, int] = {}
        for ci, (x0, top, x1, bottom) in enumerate(self.cells):
            j0, j1 = bisect.bisect_left(ys, top), bisect.bisect_left(ys, bottom)
            for i in range(bisect.bisect_left(xs, x0), bisect.bisect_left(xs, x1)):
                for j in range(j0, j1):
                    self.slots.setdefault((i + 1) * stride + j + 1, ci)

    def find(self, x: float, y: float) -> int | None:
        xs, ys = self.xs, self.ys
        i = _bisect_right(xs, x) - 1
        j = _bisect_right(ys, y) - 1
        if (0 <= i and xs[i] == x) or (0 <= j and ys[j] == y):
            # on a cell edge: it belongs to the first cell that has it, as the scan found it
            return next(
                (ci for ci, (x0, top, x1, bottom) in enumerate(self.cells) if x0 <= x <= x1 and top <= y <= bottom),
                None,
            )
        return self.slots.get((i + 1) * self.stride + j + 1)


def cluster_lines(chars: list[pdf_layer.Char]) -> list[list[pdf_layer.Char]]:
    """Group characters into visual lines: a character whose middle falls inside a line's band joins it."""
    if len(chars) == 1:  # a cell of one glyph (a 0, a -): its one line
        return [list(chars)]
    lines: list[list[pdf_layer.Char]] = []
    bands: list[tuple[float, float]] = []
    for ch in sorted(chars, key=_BY_TOP_X0):
        top, bottom = ch[3], ch[4]
        mid = (top + bottom) / 2
        k = len(bands) - 1
        while k >= 0:
            band_top, band_bottom = bands[k]
            if band_top <= mid <= band_bottom:
                lines[k].append(ch)
                break
            if band_bottom < top - 50:
                k = -1  # sorted by top: bands this far above cannot take it
                break
            k -= 1
        if k < 0:
            lines.append([ch])
            bands.append((top, bottom))
    for line in lines:
        line.sort(key=_BY_X0)
    if len(lines) > 1:
        _rejoin_latin(lines)
    return lines


def _rejoin_latin(lines: list[list[pdf_layer.Char]]) -> None:
    """Put back into their line the runs of digits and Latin letters a font's other metrics set apart: where a
    filing's digits come from a font whose boxes stand lower or higher than the Chinese text's (2025 in
    魏县…局2025年部门预算: its box 0.7 em lower), the run's middle falls outside the line's band and it would be a line of
    its own (the cover's year lost).  A line of narrow glyphs only joins the line it overlaps when it fills a gap of
    that line, within an em of the glyphs on either side."""
    k = 0
    while k < len(lines):
        run = lines[k]
        if any(_wide(c.text) for c in run) or not run[0].text.strip():
            k += 1
            continue
        x0, x1 = run[0].x0, max(c.x1 for c in run)
        top, bottom = min(c.top for c in run), max(c.bottom for c in run)
        size = max(c.size for c in run)
        for j in (k - 1, k + 1):
            if not 0 <= j < len(lines):
                continue
            other = lines[j]
            if min(c.bottom for c in other) <= top or min(c.top for c in other) >= bottom:
                continue  # no vertical overlap
            left = [c for c in other if c.x1 <= x0 + 0.5]
            right = [c for c in other if c.x0 >= x1 - 0.5]
            if len(left) + len(right) != len(other) or not left or not right:
                continue  # it fills no gap of that line
            if x0 - left[-1].x1 > size or right[0].x0 - x1 > size:
                continue
            other[len(left):len(left)] = run
            del lines[k]
            break
        else:
            k += 1


_BY_TOP_X0 = itemgetter(3, 1)  # a Char's (top, x0)
_bisect_right = bisect.bisect_right
_BY_X0, _BY_X1, _BY_TOP, _BY_BOTTOM = itemgetter(1), itemgetter(2), itemgetter(3), itemgetter(4)
_COUNT = itemgetter(1)


def _common_size(chars: list[pdf_layer.Char]) -> float:
    """The most frequent size (to 0.1 pt) of the glyphs other than spaces, the first seen of as frequent ones
    (``Counter.most_common(1)``, without building a Counter a line); 0.0 when there is none."""
    sizes: dict[float, int] = {}
    for t, _, _, _, _, size in chars:
        if t.strip():
            size = round(size, 1)
            sizes[size] = sizes.get(size, 0) + 1
    return max(sizes.items(), key=_COUNT)[0] if sizes else 0.0


def _first_word_width(chars: list[pdf_layer.Char]) -> float:
    """Width of what a line break cannot split at the start of a line: a Latin word or number, else one glyph."""
    if not (chars[0].text.isascii() and chars[0].text.isalnum()):
        return chars[0].x1 - chars[0].x0
    end = chars[0].x1
    for ch in chars[1:]:
        if not (ch.text.isascii() and (ch.text.isalnum() or ch.text in ".,%")):
            break
        end = ch.x1
    return end - chars[0].x0


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") or ch in _WIDE_PUNCT


def _line_text(chars: list[pdf_layer.Char]) -> str:
    """Text of one visual line: spaces the file contains, plus one where a gap separates Latin words or
    numbers, or where a wide gap splits the line into chunks; never invented between Chinese characters."""
    out: list[str] = []
    has_prev = False
    pending_space = False
    # the previous glyph's text, x0, x1 and size (a Char unpacked: its fields are read once, not by name each time)
    p_text, p_x0, p_x1, p_size = "", 0.0, 0.0, 0.0
    for t, x0, x1, _, _, size in chars:
        if not t.strip():
            pending_space = pending_space or has_prev
            continue
        if has_prev:
            if t == p_text and abs(x0 - p_x0) < 0.5:
                continue  # the same glyph painted twice (fake bold)
            gap = x0 - p_x1
            # em = max(size, p_size, 1.0), written out (max is a call per character)
            em = size
            if p_size > em:
                em = p_size
            if 1.0 > em:
                em = 1.0
            # _EPS: PDFium's coordinates are single precision; a gap of exactly one em is no gap
            if gap > em + _EPS:
                out.append(" ")  # separate chunks on one line: 编制部门：… 单位：元
            elif pending_space:
                out.append(" ")  # a space the file spells out, as a .docx would keep it
            elif gap > 0.3 * em + _EPS and not (_wide(p_text[-1]) and _wide(t[0])):
                out.append(" ")  # letter-spaced Chinese gets no invented spaces
        out.append(t)
        has_prev = True
        p_text, p_x0, p_x1, p_size = t, x0, x1, size
        pending_space = False
    return "".join(out).strip()


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines: no space at a Chinese boundary or inside numbers; a space between Latin words."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            out += " "
        out += part
    return out

