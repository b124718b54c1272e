"""Tables a PDF page prints without (enough) ruling lines, found by their text: the 三线表 (top and bottom rules and
the header's underline), tables ruled across only, framed only, ruled between some columns only, or not ruled at all.

``pdf_tables`` finds a table by its ruling lines; where a county's export draws too few of them, the page's text
still stands in columns.  This module reads such a table the way pdfplumber's ``text`` strategy does, on the
characters ``pdf_layer`` gives: a line of a page splits into *chunks* where a gap wider than a cell's padding opens;
lines holding figures beside other chunks are the table's body; the columns are the x-ranges the body's chunks cover
(an empty strip between them is a gutter), plus a column for each heading that stands over no figure (a column left
blank in every row); the rows are the body's lines, a line continuing a label that filled its column joined to the
row above; the header is the run of lines right above the body, each heading the chunks of one column set stacked
down (a heading wrapped in its cell), its level by where it starts.  A heading that stands over no figure in the gap
right before a column no other heading heads is that column's (centred in a wide cell over right-aligned figures); a
label reaching from its column into a column of figures ran on over a blank cell and is cut where the figures begin.

Nothing of the ruled path changes: a page's ruled tables are read as before, and only the characters no ruled table
holds are looked at here (or those of a ruled table whose cells hold two columns of figures, see
:func:`undivided`).  The tolerances are data (:data:`SETTINGS`), the words that end a table's text (its title, its
编制单位 / 单位 line, its notes) are ``layouts.TEXT_TABLE_*``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.lib import layouts, numbers, pdf_page
from pipelines.lib.pdf_layer import Char

# Tolerances, in ems of the text's size unless said.  A table's cells are padded (Word and LibreOffice: 0.19 cm a
# side, about one em at 五号), so two cells' texts stand at least that far apart, while the words of one cell stand
# closer: a space is a third of an em.
SETTINGS = {
    "chunk_gap": 0.9,  # a gap wider than this between two glyphs of a line separates two cells' texts
    "gutter": 0.9,  # the least empty strip between two columns of the body
    "min_body": 2,  # lines holding figures beside other text that make a table
    "line_gap": 1.2,  # the most blank space between two lines of one table (rows follow each other)
    "filled": 1.5,  # a label ending this near its column's right edge filled it: the next line may continue it
    "max_header": 12,  # header lines above the body, at most (a heading wrapped over several lines counts each)
    "wide": 0.6,  # of the table's width: a lone chunk wider than this below the body is running text, not a row
    "undivided_cells": 2,  # ruled cells holding two columns of figures that make a table read by its text
    "blank_rows": 1,  # blank rows an empty table may print between its header and the note declaring it empty
    "run_on": 2.0,  # in gutters: a label reaching into a column of figures from further left than this ran on into it
    "wrap_align": 1.0,  # in points: an amount's wrapped tail ends where its first line ends (both right-aligned)
    "wrap_gap": 0.6,  # the most blank space between an amount's first line and its wrapped tail
    "wrap_decimals": 2,  # the decimals an amount cut short of them (803,000.0 / 0) is made whole to
}

_AMOUNT = re.compile(r"[.,]\d")  # a figure with decimals or thousands separators: an amount, not a code or a row number
_NUMBER = re.compile(r"^[-−△+]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?%?$|^[(（]\d[\d,]*(?:\.\d+)?[)）]$")
# a figure's place printed as "nothing" (- — – －, numbers._DASHES) or withheld (涉密, layouts.CLASSIFIED): it stands in
# a column of figures like one, but is no figure
_NIL = frozenset(numbers._DASHES)


def _place(text: str) -> bool:
    return text in _NIL or bool(layouts.CLASSIFIED.match(text))


@dataclass(slots=True)
class Chunk:
    x0: float
    x1: float
    top: float
    bottom: float
    chars: list[Char]
    text: str = ""
    number: bool = False


# a number standing alone in a line's text (pdf_page._line_text writes a space into any gap beside a digit wider than a
# third of an em): only such a line can be a row of figures
_STANDALONE = re.compile(r"(?:^|\s)(?:[-−△+(（]?\d[\d,]*(?:\.\d+)?%?[)）]?|[-—–－/]{1,2}|[（(]?(?:涉密|保密)[)）]?)(?:\s|$)")


class TLine:
    """One visual line of a page, split into chunks when asked (most lines never are: only those with a number
    standing alone, and the lines around them)."""

    __slots__ = ("chars", "_chunks", "_box", "body")

    def __init__(self, chars: list[Char], text: str | None = None) -> None:
        self.chars = chars
        self._chunks: list[Chunk] | None = None
        self._box = (0.0, 0.0, 0.0)
        self.body = False  # figures beside other text
        if text is None or (" " in text and _STANDALONE.search(text)):
            cks = self.chunks
            self.body = len(cks) >= 2 and any(k.number for k in cks)

    @property
    def chunks(self) -> list[Chunk]:
        if self._chunks is None:
            self._chunks = cks = chunks(self.chars)
            if cks:
                self._box = (min(k.top for k in cks), max(k.bottom for k in cks),
                             max(c.size for k in cks for c in k.chars))
            else:
                self._box = (self.chars[0].top, self.chars[0].bottom, 0.0)
        return self._chunks

    @property
    def top(self) -> float:
        return self._box[0] if self._chunks is not None else (self.chunks, self._box[0])[1]

    @property
    def bottom(self) -> float:
        return self._box[1] if self._chunks is not None else (self.chunks, self._box[1])[1]

    @property
    def size(self) -> float:
        return self._box[2] if self._chunks is not None else (self.chunks, self._box[2])[1]


@dataclass(slots=True)
class TextTable:
    """A table read by its text: its box, cells as (x0, top, x1, bottom, text, chars), and the lines it took."""

    bbox: tuple[float, float, float, float]
    cells: list[tuple[float, float, float, float, str, list[Char]]]
    taken: set[int] = field(default_factory=set)  # indexes of the lines it took


def chunks(chars: list[Char], gap: float = SETTINGS["chunk_gap"]) -> list[Chunk]:
    """One visual line (characters sorted by x) split where a gap wider than ``gap`` ems opens."""
    out: list[Chunk] = []
    cur: list[Char] = []
    prev = None
    for ch in chars:
        if not ch.text.strip():
            continue
        if prev is not None and ch.x0 - prev.x1 > gap * max(ch.size, prev.size, 1.0):
            out.append(_chunk(cur))
            cur = []
        cur.append(ch)
        prev = ch
    if cur:
        out.append(_chunk(cur))
    return out


def _chunk(cs: list[Char]) -> Chunk:
    text = pdf_page._line_text(cs)
    return Chunk(cs[0].x0, max(c.x1 for c in cs), min(c.top for c in cs), max(c.bottom for c in cs), cs, text,
                 (bool(_NUMBER.match(text)) and not layouts.TEXT_TABLE_ORDINAL.match(text)) or _place(text))


def lines_of(groups: list[list[Char]], texts: list[str] | None = None) -> list[TLine]:
    """The visual lines (characters sorted by x), with their text as ``pdf_page`` spells it when known (a line whose
    text holds no number standing alone is split into chunks only if a table's scan reaches it)."""
    if texts is None:
        return [TLine(g) for g in groups]
    return [TLine(g, t) for g, t in zip(groups, texts, strict=True)]


def may_hold_table(texts: list[str]) -> bool:
    """Whether any of a page's free lines (their text as ``pdf_page`` spells it) can be a row of figures: a digit
    beside a gap.  ``pdf_page._line_text`` writes a space into every gap wider than a third of an em beside a digit,
    so a line without both holds no row; most pages end here.  A page of tables printed empty, without a figure or a
    page number, holds the notes declaring them empty (layouts.TEXT_TABLE_EMPTY)."""
    return any(" " in t and any(ch.isdigit() for ch in t) for t in texts) or any(
        layouts.TEXT_TABLE_EMPTY.search(t) for t in texts)


def _text(line: TLine) -> str:
    return "".join(k.text for k in line.chunks)


def _stops(line: TLine) -> bool:
    """A line that is no part of a table's text: its title, its 编制单位 / 单位 line, a note under it."""
    text = _text(line)
    return bool(layouts.TEXT_TABLE_STOP.search(text)) or bool(layouts.TEXT_TABLE_META.search(text))


def find(lines: list[TLine], opens: float | None = None) -> tuple[list[TextTable], list[tuple[str, list[str]]]]:
    """:func:`_find` on the lines with every amount wrapped in its cell made whole again (:func:`_unwrap`): a table's
    ``taken`` names the lines of ``lines``, a wrapped amount's tail line with the line it was joined to."""
    absorbed = _unwrap(lines)
    if not absorbed:
        return _find(lines, opens)
    keep = [i for i in range(len(lines)) if i not in absorbed]
    tables, stray = _find([lines[i] for i in keep], opens)
    for t in tables:
        t.taken = {keep[k] for k in t.taken}
        t.taken |= {b for b, a in absorbed.items() if a in t.taken}
    return tables, stray


_TAIL = re.compile(r"^[\d.,]+$")


def _decimals(text: str) -> int:
    return len(text) - text.index(".") - 1 if "." in text else -1


def _joins(head: str, tail: str) -> tuple[bool, bool, bool]:
    """Whether ``tail`` can be the rest of the amount ``head`` begins, wrapped in its cell (together one amount: with
    separators or decimals, or an integer in 元); whether ``head`` shows for certain that it was cut (it ends in a
    separator, or is no number itself, or the tail opens with 00: 1,505,000. / 00, 1,505,00 / 0.00, 15050 / 00); whether it lacks decimals the whole has, the whole printing
    ``SETTINGS["wrap_decimals"]`` (803,000.0 / 0, 150500 / 0.00 — but 120.5 over 30, as few decimals as needed, is
    no 120.530)."""
    whole = head + tail
    if not (_TAIL.match(tail) and head[:1].isdigit() and _NUMBER.match(whole)
            and (_AMOUNT.search(whole) or whole.isdigit())):
        return False, False, False
    short = _decimals(head) < _decimals(whole) == SETTINGS["wrap_decimals"]
    # (an integer in 元 wrapped, 15050 / 00: no amount opens with 00)
    return True, head.endswith((".", ",")) or not _NUMBER.match(head) or tail[:2] == "00", short


def cut_amount(head: str, tail: str) -> bool:
    """Whether ``tail`` (a ruled cell's text opening the next page) is the rest of the amount ``head`` (the cell above
    it, closing the previous page) that a page break cut where it wrapped: see :func:`_joins`."""
    joins, cut, short = _joins(head, tail)
    return joins and (cut or short)


def cut_row(pairs: list[tuple[str, str]]) -> bool:
    """Whether a row of figures alone opening the next page (each ``(the cell above it, its text)``) is the rest of the
    amounts a page break cut where they wrapped: each joins the amount above it, and one at least shows the cut
    (8030 / 0 beside 12050 / 00), or each is shorter than the amount above it (30000 / 0 beside 30000 / 0: integers in
    元 that filled their cells, their rests on a line of their own, without a label — as on a page, :func:`_unwrap`)."""
    got = [_joins(head, tail) for head, tail in pairs]
    return bool(got) and all(j for j, _, _ in got) and (
        any(c or s for _, c, s in got) or all(len(tail) < len(head) for head, tail in pairs))


def _unwrap(lines: list[TLine]) -> dict[int, int]:
    """Amounts wrapped inside a column too narrow for them (1,505,000. / 00, 803,000.0 / 0, 1234567 / 8.90: the export
    sized its columns for shorter figures) put back together: a line's figures that stand right-aligned under a figure
    of the line above (their right ends within ``SETTINGS["wrap_align"]`` points, at most ``SETTINGS["wrap_gap"]`` ems
    below it) and make one amount with it are its tail, joined to it.  Beside a label, the line above must show for
    certain that it was cut (it ends in a separator, or is no number itself); on a line holding nothing but such tails
    (a row of figures alone, without a label, is no row of its own) a head short of the decimals the whole prints is
    enough (:func:`_joins`).  A line left empty is absorbed: ``{its index: the index of the line it was joined to}``."""
    s = SETTINGS
    out: dict[int, int] = {}
    for j in range(1, len(lines)):
        ln, above = lines[j], lines[j - 1]
        if ln._chunks is None and not all(c.text in "0123456789.," for c in ln.chars if c.text.strip()):
            continue  # (a line never split into chunks holds no figure standing alone, unless it is all figures)
        figures = [k for k in ln.chunks if k.number or _TAIL.match(k.text)]
        if not figures or not above.chunks or j - 1 in out:
            continue
        pairs = []
        for b in figures:
            size = max(b.chars[-1].size, 1.0)
            a = next((a for a in above.chunks if abs(a.x1 - b.x1) <= s["wrap_align"]
                      and 0 <= b.top - a.bottom <= s["wrap_gap"] * size), None)
            joins, cut, short = _joins(a.text, b.text) if a is not None else (False, False, False)
            if joins and (cut or short or len(ln.chunks) == len(figures)):
                pairs.append((a, b, cut))
                continue
            if not joins:
                # a code wrapped in its column, left-aligned (30 / 1): digits under digits, on a line of tails only
                a = next((a for a in above.chunks if abs(a.x0 - b.x0) <= s["wrap_align"] and a.text.isdigit()
                          and b.text.isdigit() and 0 <= b.top - a.bottom <= s["wrap_gap"] * size), None)
                if a is not None:
                    pairs.append((a, b, None))
                    continue
            break
        else:
            amounts = [cut for _, _, cut in pairs if cut is not None]
            if len(ln.chunks) > len(figures) and not (amounts and (all(amounts) or _label_rest(ln, above, figures))):
                continue  # a row of its own beside its label, or a label's rest beside figures of its own
            for a, b, _ in pairs:
                a.text += b.text
                a.chars = [*a.chars, *b.chars]
                a.x0, a.bottom, a.number = min(a.x0, b.x0), max(a.bottom, b.bottom), True
            ln._chunks = [k for k in ln.chunks if all(k is not b for _, b, _ in pairs)]
            above.body = len(above.chunks) >= 2 and any(k.number for k in above.chunks)
            above._box = (above._box[0], max(above._box[1], *(b.bottom for _, b, _ in pairs)), above._box[2])
            if not ln._chunks:
                out[j] = j - 1
            else:
                ln.body = len(ln._chunks) >= 2 and any(k.number for k in ln._chunks)
    return out


def _label_rest(ln: TLine, above: TLine, figures: list[Chunk]) -> bool:
    """Whether the labels of a line (beside the tails of amounts wrapped in their cells) are the rest of a label of the
    row above, wrapped too: the row above opens with a code (30108 机关事业单位基本养老保险 / 缴费) and this line prints
    none, and no label of it opens an item (二、…) or the row above's label ends whole (…合计)."""
    labels = [k for k in ln.chunks if all(k is not f for f in figures)]
    code = next((k for k in above.chunks if k.text.isdigit()), None)
    return code is not None and code.x0 < min(k.x0 for k in labels) and not any(
        layouts.TEXT_TABLE_ITEM.match(k.text) or k.text.isdigit() for k in labels) and not any(
        layouts.TEXT_TABLE_LABEL_END.search(a.text) for a in above.chunks if not a.number)


def _find(lines: list[TLine], opens: float | None = None) -> tuple[list[TextTable], list[tuple[str, list[str]]]]:
    """The tables the lines of a page (sorted top-down) print by their text alone, and the rows of figures (two or
    more figures a line, each a cell of its own) that none of them took: (the row's other text, its figures).
    ``opens``: the page opens with the rest of a table the previous page closed, its first row's top there, so a row of
    figures alone at its top is a table (that table's last row), not a stray one (a running header, the filing's name
    printed atop every page, ends above it)."""
    s = SETTINGS
    out: list[TextTable] = []
    used: set[int] = set()
    prose: set[int] = set()
    i = 0
    n = len(lines)
    while i < n:
        if i in used or not lines[i].body:
            i += 1
            continue
        # the body: from this line down while the rows follow one another
        last = i
        j = i + 1
        while j < n and j not in used:
            ln, prev = lines[j], lines[j - 1]
            if not ln.chunks or _stops(ln) or ln.top - prev.bottom > s["line_gap"] * max(ln.size, prev.size, 1.0):
                break
            if ln.body:
                last = j
            j += 1
        body = [k for k in range(i, last + 1) if lines[k].chunks]
        if sum(lines[k].body for k in body) < s["min_body"] and not _one_row(lines, i, s) \
                and not (opens is not None and not any(lines[k].chunks and lines[k].bottom > opens for k in range(i))):
            i = last + 1
            continue
        cols = _columns([k for b in body for k in lines[b].chunks], s["gutter"] * lines[i].size)
        if not _figure_column(cols, [lines[b] for b in body]):
            # running text: justified lines open gaps around their numbers, but their words cover the whole width
            # (one column), and no column holds figures alone
            prose.update(range(i, last + 1))
            i = last + 1
            continue
        if _clip_run_on([lines[k] for k in range(i, j)], s["gutter"] * lines[i].size, s["run_on"]):
            cols = _columns([k for b in body for k in lines[b].chunks], s["gutter"] * lines[i].size)
        # lines right below the last with figures: rows without figures (a label, blank amounts) while they keep to
        # the columns; running text (one chunk across most of the table) ends it
        width = cols[-1][1] - cols[0][0]
        k = last + 1
        # (as printed: a title under the table is no label cut where a column of figures begins, _clip_run_on)
        while k < j and all(max(ch.x1 for ch in c.chars) - c.x0 <= s["wide"] * width for c in lines[k].chunks):
            body.append(k)
            k += 1
        # the header: the lines right above, up to the title or the 单位 line
        head: list[int] = []
        h = i - 1
        while h >= 0 and h not in used and len(head) < s["max_header"]:
            ln, below = lines[h], lines[head[0] if head else body[0]]
            if not ln.chunks or ln.body or _stops(ln):
                break
            if below.top - ln.bottom > s["line_gap"] * max(ln.size, below.size, 1.0):
                break
            if not head and body[0] == h + 1 and any(layouts.TEXT_TABLE_ROW_START.match(k.text) for k in ln.chunks):
                body.insert(0, h)  # the first row's label, wrapped, with its figures centred on the line below
                h -= 1
                continue
            head.insert(0, h)
            h -= 1
        # a 单位 / 预算年度 cell wrapped in a metadata row (预算年 / 度：2023) leaves its tail on the line below: lines
        # whose every chunk starts where a field of the metadata line starts that its line cut short (预算年, 单位：万,
        # a name not ended) are that line's, not the header's (收入 | 支出 under 301魏县… | 决算年度：2025 are headings)
        if h >= 0 and head and lines[h].chunks and layouts.TEXT_TABLE_META.search(_text(lines[h])):
            fields = [[k.x0, k.text] for k in lines[h].chunks]
            while head:
                tail = lines[head[0]].chunks
                match = [next((f for f in fields if abs(k.x0 - f[0]) <= 1.0 and _cut_field(f[1])), None) for k in tail]
                if not all(match):
                    break
                for k, f in zip(tail, match, strict=True):
                    f[1] += k.text
                head.pop(0)
        table = _build([lines[k] for k in head], [lines[k] for k in body], cols, s)
        table.taken = {*head, *body}
        used |= table.taken
        out.append(table)
        i = max(body) + 1
    # tables printed empty (a header, a blank row or 无, a note declaring the table empty): no figure makes them tables,
    # the note does
    for e, ln in enumerate(lines):
        if e in used or not layouts.TEXT_TABLE_EMPTY.search(_text(ln) if ln.chunks else ""):
            continue
        empty = _empty_table(lines, e, used, s)
        if empty is not None:
            used |= empty.taken
            out.append(empty)
    # amounts printed as a row (two or more, each a cell of its own) that no table took; shares (a chart's legend:
    # 0.70% 3.34%) are no amounts
    stray: list[tuple[str, list[str]]] = []
    for i, ln in enumerate(lines):
        if ln.body and i not in used and i not in prose:
            amounts = [k.text for k in ln.chunks if k.number and not k.text.endswith("%") and not _place(k.text)]
            if len(amounts) >= 2:
                stray.append(("".join(k.text for k in ln.chunks if not k.number).strip(), amounts))
    return out, stray


def _cut_field(text: str) -> bool:
    """Whether a metadata row's field stops short of its end, its cell wrapped (预算年, 单位：万, 魏县…测试): a 单位 or
    year field short of its value (layouts.TEXT_TABLE_META_CUT), or a name not ending as a body's does."""
    if layouts.TEXT_TABLE_META.search(text) and not layouts.TEXT_TABLE_META_CUT.search(text):
        return False
    return bool(layouts.TEXT_TABLE_META_CUT.search(text)) or not text.endswith(layouts.ORG_ENDINGS)


def _empty_table(lines: list[TLine], note: int, used: set[int], s: dict) -> TextTable | None:
    """The table a note declaring it empty closes: its header lines right above (and a row printing 无), up to its
    title or 单位 line; None unless the lines above the note are that."""
    k = note - 1
    nil: list[int] = []
    if k >= 0 and k not in used and len(lines[k].chunks) == 1 and \
            layouts.TEXT_TABLE_NIL_ROW.match(lines[k].chunks[0].text):
        nil = [k]
        k -= 1
    head: list[int] = []
    below = lines[nil[0] if nil else note]
    while k >= 0 and k not in used and len(head) < s["max_header"]:
        ln = lines[k]
        em = max(ln.size, below.size, 1.0)
        # (between the header and the note, the table's blank row)
        room = s["line_gap"] * em + (s["blank_rows"] * 1.5 * em if not head and not nil else 0.0)
        if not ln.chunks or ln.body or _stops(ln) or below.top - ln.bottom > room:
            break
        head.insert(0, k)
        below = ln
        k -= 1
    if not head or k < 0 or not lines[k].chunks or not _stops(lines[k]) or \
            max(len(lines[h].chunks) for h in head) < 2:
        return None  # no title or 单位 line right above, or a header of one cell: running text
    size = max(lines[h].size for h in head)
    # the columns are the lowest headings' (a heading over one of them is its wrapped start or their parent)
    leaves: list[Chunk] = []
    for h in reversed(head):
        leaves += [c for c in lines[h].chunks if not any(c.x0 < e.x1 and c.x1 > e.x0 for e in leaves)]
    cols = _columns(leaves, s["gutter"] * size)
    if nil:
        body = [lines[nil[0]]]
    else:  # the blank row: a line holding nothing, right under the header
        last = lines[head[-1]]
        body = [TLine([Char(" ", cols[0][0], cols[0][0] + 1.0, last.bottom + 1.0, last.bottom + 1.0 + size, size)])]
    table = _build([lines[h] for h in head], body, cols, s)
    table.taken = {*head, *nil}
    return table


def _figure_column(cols: list[list[float]], body: list[TLine]) -> bool:
    """Whether the body stands in two columns or more, one of them holding nothing but figures."""
    if len(cols) < 2:
        return False
    has_text = [False] * len(cols)
    has_number = [False] * len(cols)
    for ln in body:
        for k in ln.chunks:
            span = _span(cols, k.x0, k.x1)
            if span is None:
                continue
            for c in range(span[0], span[1] + 1):
                if k.number:
                    has_number[c] = True
                else:
                    has_text[c] = True
    return any(n and not t for n, t in zip(has_number, has_text, strict=True))


def _one_row(lines: list[TLine], i: int, s: dict) -> bool:
    """A table of one row (a 三公 table: its figures under its header): two figures or more, right under a line
    that is no title, 单位 line or note."""
    above = lines[i - 1] if i > 0 else None
    return (sum(k.number for k in lines[i].chunks) >= 2 and above is not None and bool(above.chunks)
            and not _stops(above) and lines[i].top - above.bottom <= s["line_gap"] * max(lines[i].size, 1.0))


def _clip_run_on(lines: list[TLine], gutter: float, margin: float) -> bool:
    """Labels that run on into the blank cell right of them (a spreadsheet printed without rules: 二、政府性基金预算拨款收入
    over its row's blank 预算数) cut where the column of figures they reach into begins, so they stay in their own
    column: a label reaching a column of figures from more than ``margin`` gutters left of it."""
    figures = _columns([k for ln in lines for k in ln.chunks if k.number], gutter)
    cut = False
    for ln in lines:
        for k in ln.chunks:
            if not k.number:
                for a, _ in figures:
                    if k.x0 < a - margin * gutter < a < k.x1:
                        k.x1 = a - margin * gutter
                        cut = True
                        break
    return cut


def _columns(cks: list[Chunk], gutter: float) -> list[list[float]]:
    """The x-ranges the chunks cover, merged where less than ``gutter`` apart."""
    cols: list[list[float]] = []
    for k in sorted(cks, key=lambda k: k.x0):
        if cols and k.x0 <= cols[-1][1] + gutter:
            cols[-1][1] = max(cols[-1][1], k.x1)
        else:
            cols.append([k.x0, k.x1])
    return cols


def _span(cols: list[list[float]], x0: float, x1: float) -> tuple[int, int] | None:
    """(first, last) column a chunk overlaps, or None."""
    hit = [c for c, (a, b) in enumerate(cols) if x0 < b and x1 > a]
    return (hit[0], hit[-1]) if hit else None


def _build(head: list[TLine], body: list[TLine], cols: list[list[float]], s: dict) -> TextTable:
    size = max((ln.size for ln in body), default=10.0)
    cols = _claim(cols, head)
    # a column for each heading over no figure (a column blank in every row)
    # (from the lowest header line up: a loose heading over several loose headings below it is their parent, and
    # the columns are theirs — 因公出国(境)费 over 预算数 | 决算数, both blank)
    extra: list[Chunk] = []
    for ln in reversed(head):
        extra += [k for k in ln.chunks if _span(cols, k.x0, k.x1) is None
                  and sum(k.x0 < e.x1 and k.x1 > e.x0 for e in extra) < 2]
    if extra:
        cols = sorted(cols + _columns(extra, s["gutter"] * size))
    n = len(cols)
    xs = [cols[0][0] - 1.0] + [(cols[c][1] + cols[c + 1][0]) / 2 for c in range(n - 1)] + [cols[-1][1] + 1.0]

    # header cells: a heading that filled its column set, and the chunk right under it in the same columns, are one
    # heading wrapped in its cell — unless the heading stands over columns its own line leaves blank and the next line
    # fills (本年收入 over 小计 | 财政拨款收入 | …, printed left in its merged cell): it is their parent
    spans = [(_span(cols, k.x0, k.x1) or (0, 0), k, h) for h, ln in enumerate(head) for k in ln.chunks]
    # (a column's right end is where its figures end; a heading over a column no figure fills, where its headings
    # end — not a parent's, 单位资金 printed left over 事业收入 | 事业单位经营收入 | …, ending past its first column)
    right: dict[tuple[int, int], float] = {}
    for span, k in [(_span(cols, k.x0, k.x1), k) for ln in body for k in ln.chunks]:
        if span is not None and k.x1 > right.get(span, -1e9):
            right[span] = k.x1
    figured = set(right)
    for span, k, _ in spans:
        if span not in figured and k.x1 > right.get(span, -1e9):
            right[span] = k.x1
    occupied: list[set[int]] = [set() for _ in head]
    for (c0, c1), _, h in spans:
        occupied[h].update(range(c0, c1 + 1))
    heads: list[list] = []  # [c0, c1, top, bottom, texts, chars, x1 of the last line, its last chunk]
    for (c0, c1), k, h in spans:
        for hd in reversed(heads):
            if _same_cell(hd, c0, c1, k, h, spans) and k.top - hd[3] <= 0.6 * size and \
                    hd[6] >= right[(c0, c1)] - s["filled"] * size and not _parent(hd[7], hd[1], occupied[h], spans, hd[2]):
                hd[3] = k.bottom
                hd[4].append(k.text)
                hd[5].extend(k.chars)
                hd[6], hd[7] = k.x1, k
                break
        else:
            heads.append([c0, c1, k.top, k.bottom, [k.text], list(k.chars), k.x1, k])
    # header rows: a heading's level is one below the lowest heading standing over its columns (headings centred in
    # cells merged down start lower than their neighbours, so where a heading starts says little)
    heads.sort(key=lambda hd: hd[2])
    level: list[int] = []
    for a, hd in enumerate(heads):
        over = [level[b] for b in range(a) if heads[b][3] <= hd[2] + 0.3 * size and heads[b][0] <= hd[1]
                and heads[b][1] >= hd[0]]
        # nothing over it, but level with headings that have a parent (预算数 printed left over 合计 | 基本支出 | …
        # beside 项目 under 本年支出, itself printed left over both): it is on their row
        level.append(1 + max(over) if over else max(
            [level[b] for b in range(a) if level[b] > 0 and abs(heads[b][2] - hd[2]) <= 0.3 * size], default=0))
    # a heading with nothing over it and nothing under it, level with headings that have a parent, is on their row
    # (预算数 beside 项目 under 收入 printed over one of the two columns): the row above it is blank there
    for a, hd in enumerate(heads):
        if level[a] == 0 and not any(b != a and heads[b][2] >= hd[3] - 0.3 * size and heads[b][0] <= hd[1]
                                     and heads[b][1] >= hd[0] for b in range(len(heads))):
            level[a] = max([level[b] for b in range(len(heads)) if level[b] > 0
                            and abs(heads[b][2] - hd[2]) <= 0.3 * size], default=0)
    # a heading printed left in a cell merged over several columns (合计 over 预算数 | 决算数) stands over the first
    # only: it heads the columns right of it where no heading of its level or above stands, as far as the headings
    # of its children's row go on, level with them
    for a, hd in enumerate(heads):
        kids = [b for b in range(len(heads)) if level[b] == level[a] + 1 and heads[b][0] >= hd[0]
                and heads[b][1] <= hd[1] and heads[b][2] >= hd[3] - 0.3 * size]
        if not kids:
            continue
        kid_top = min(heads[b][2] for b in kids)
        c = hd[1] + 1
        while c < n and not any(level[b] <= level[a] and heads[b][0] <= c <= heads[b][1] for b in range(len(heads))):
            sib = [b for b in range(len(heads)) if level[b] == level[a] + 1 and heads[b][0] == c
                   and abs(heads[b][2] - kid_top) <= 0.3 * size]
            if not sib:
                break
            hd[1] = heads[sib[0]][1]
            c = hd[1] + 1
    n_head = 1 + max(level) if level else 0

    # body rows: each line with its figures a row; a line of labels only continues the row above where each of its
    # labels sits under one that filled its column (and opens no item: 三、… （一）… 1. …)
    rows: list[list[TLine]] = []
    right = [max((k.x1 for ln in body for k in ln.chunks if _span(cols, k.x0, k.x1) == (c, c)), default=b)
             for c, (_, b) in enumerate(cols)]
    # the first column of labels: the first that holds more text than figures (a 栏次 row's text in the 序号 column,
    # a code's wrapped tail in the code column, are the odd ones)
    texts, figures = [0] * n, [0] * n
    for ln in body:
        for k in ln.chunks:
            span = _span(cols, k.x0, k.x1)
            if span is not None:
                (figures if k.number else texts)[span[0]] += 1
    label = next((c for c in range(n) if texts[c] > figures[c]), -1)

    def _figures(ln: TLine) -> bool:
        return _line_of_figures(ln, cols, label)

    # Cells centred down their row print a wrapped label's lines around the row's one line of figures, half a line
    # up and down: a line of labels overlapping the figures' line is that row's.
    # A label wrapped over three lines puts the figures on its middle one: the line above them opens the row when each
    # of its labels filled its column and goes on in the figures' line.
    pending: list[TLine] = []
    for a, ln in enumerate(body):
        if _figures(ln):
            rows.append([*pending, ln])
            pending = []
            continue
        nxt = body[a + 1] if a + 1 < len(body) else None
        if rows and _figures(rows[-1][-1]) and ln.top < rows[-1][-1].bottom - 0.1 * size:
            rows[-1].append(ln)  # the rest of a label centred beside the figures above
        elif nxt is not None and _figures(nxt) and (ln.bottom > nxt.top + 0.1 * size
                                                    or _continues(nxt, ln, cols, right, s, labels_only=False)):
            pending.append(ln)  # the start of a label centred beside the figures below
        elif not pending and nxt is not None and not _figures(nxt) and layouts.TEXT_TABLE_ORDINAL.match(_text(ln)):
            pending.append(ln)  # an item's ordinal alone, its label wrapped under it (（2） / 公务用 / 6.00 / 车购置费)
        elif rows and not pending and _continues(ln, rows[-1][-1], cols, right, s):
            rows[-1].append(ln)
        else:
            rows.extend([[p] for p in pending])
            pending = []
            rows.append([ln])
    rows.extend([[p] for p in pending])

    top = min([ln.top for ln in head] + [rows[0][0].top])
    bottom = rows[-1][-1].bottom
    # row lines: between body rows halfway from one's last line to the next one's first; the header's rows share
    # the space above the body evenly (only their order matters)
    starts = [r[0].top for r in rows]
    every = [*head, *body]
    ends = []
    for a in range(1 if not n_head else 0, len(starts)):
        prev_bottom = max((ln.bottom for ln in every if ln.top < starts[a] - 0.1), default=starts[a])
        ends.append((prev_bottom + starts[a]) / 2 if prev_bottom < starts[a] else starts[a])
    head_top = top - 1.0
    if n_head:
        step = (ends[0] - head_top) / n_head
        ys = [head_top + step * r for r in range(n_head)] + [*ends, bottom + 1.0]
    else:
        ys = [head_top, *ends, bottom + 1.0]

    cells: list[tuple] = []
    # header: each heading from its level down to the level of the first heading under it, else to the body
    covered: set[tuple[int, int]] = set()
    for a, (c0, c1, _, hbottom, texts, chars, *_) in enumerate(heads):
        r0 = level[a]
        r1 = min([level[b] for b in range(len(heads)) if heads[b][2] >= hbottom - 0.3 * size and heads[b][0] <= c1
                  and heads[b][1] >= c0 and level[b] > r0], default=n_head)
        if any((r, c) in covered for r in range(r0, r1) for c in range(c0, c1 + 1)):
            continue  # two headings in one place: the first keeps it (never seen in the layouts built)
        covered |= {(r, c) for r in range(r0, r1) for c in range(c0, c1 + 1)}
        cells.append((xs[c0], ys[r0], xs[c1 + 1], ys[r1], pdf_page.join_lines(texts), chars))
    # body: each chunk in the column(s) it overlaps; chunks of one column joined
    for r, row in enumerate(rows, start=n_head):
        by_span: dict[tuple[int, int], list] = {}
        for ln in row:
            for k in ln.chunks:
                span = _span(cols, k.x0, k.x1) or _nearest(cols, k)
                got = by_span.setdefault(span, [[], []])
                got[0].append(k.text)
                got[1].extend(k.chars)
        for (c0, c1), (texts, chars) in by_span.items():
            if any((r, c) in covered for c in range(c0, c1 + 1)):
                continue
            covered |= {(r, c) for c in range(c0, c1 + 1)}
            cells.append((xs[c0], ys[r], xs[c1 + 1], ys[r + 1], pdf_page.join_lines(texts), chars))
    # blank cells where nothing stands, so the grid is whole, as a ruled table's is
    for r in range(len(ys) - 1):
        for c in range(n):
            if (r, c) not in covered:
                cells.append((xs[c], ys[r], xs[c + 1], ys[r + 1], "", []))
    cells.sort(key=lambda c: (c[1], c[0]))
    return TextTable((xs[0], ys[0], xs[-1], ys[-1]), cells)


def _claim(cols: list[list[float]], head: list[TLine]) -> list[list[float]]:
    """The body's columns widened left to the headings that stand over none of them: a heading centred (or set left)
    in a wide cell whose figures stand right-aligned ends before they begin.  Such a heading, in the gap right before
    a column that no heading of its line stands over and no heading of any line stands over alone, heads that column
    — the gap's last heading of the line; the others in the gap head columns blank in every row (:func:`_build` gives
    them columns of their own), or are the wrapped rest of one (因公出国(境) / 费), as are the lines of a heading wrapped
    under one that heads a column."""
    headed = {span[0] for ln in head for k in ln.chunks
              for span in [_span(cols, k.x0, k.x1)] if span is not None and span[0] == span[1]}
    cols = [c[:] for c in cols]
    for ln in head:
        over: set[int] = set()
        loose: list[Chunk] = []
        for k in ln.chunks:
            span = _span(cols, k.x0, k.x1)
            if span is None:
                loose.append(k)
            else:
                over.update(range(span[0], span[1] + 1))
        last: dict[int, Chunk] = {}
        for k in loose:
            c = next((c for c, (a, _) in enumerate(cols) if a >= k.x1), None)
            if c is not None and c not in over and c not in headed and (c not in last or k.x0 > last[c].x0):
                last[c] = k
        for c, k in last.items():
            cols[c][0] = k.x0
    # a heading wrapped in its cell (公务接 / 待费 over a narrow 2): the lines under one that heads a column alone,
    # starting where it starts or centred under it, head that column too
    # (not where another heading of the line stands over that column: the two are the children of a heading merged
    # over them, 科目编码 | 科目名称 under 功能分类科目, on a page whose rows leave the code column blank)
    for above, ln in zip(head, head[1:], strict=False):
        under = {c for k in ln.chunks for span in [_span(cols, k.x0, k.x1)] if span is not None
                 for c in range(span[0], span[1] + 1)}
        for k in ln.chunks:
            if _span(cols, k.x0, k.x1) is not None:
                continue
            for a in above.chunks:
                span = _span(cols, a.x0, a.x1)
                if span is not None and span[0] == span[1] and span[0] not in under and (
                        abs(a.x0 - k.x0) <= 1.0 or abs((a.x0 + a.x1) / 2 - (k.x0 + k.x1) / 2) <= 1.0):
                    cols[span[0]][0] = min(cols[span[0]][0], k.x0)
                    break
    return cols


def _same_cell(hd: list, c0: int, c1: int, k: Chunk, h: int, spans: list) -> bool:
    """Whether chunk ``k`` (on header line ``h``, over columns ``c0``–``c1``) can be the next line of heading ``hd``
    wrapped in its cell (not 科目名称 under 部门预算经济分类科目 centred over 科目编码 | 科目名称): over the same columns, or
    over its first ones only (公务用车购置及 / 运行维护费 over 预算数 |
    决算数), starting where it starts or centred under it, with nothing else of its line under the heading (小计 |
    购置费 | 运行费 under 公务用车购置及运行费 are its children)."""
    if hd[0] != c0 or c1 > hd[1]:
        return False
    first, last = hd[5][0], hd[7]
    if abs(k.x0 - first.x0) > 1.0 and abs((k.x0 + k.x1) / 2 - (last.x0 + last.x1) / 2) > 1.0:
        return False  # a wrapped heading's lines start where it starts, or are centred under it
    return c1 == hd[1] or not any(h2 == h and k2 is not k and hd[0] <= sp[0] and sp[1] <= hd[1] for sp, k2, h2 in spans)


def _parent(upper: Chunk, c1: int, below: set[int], spans: list, top: float) -> bool:
    """Whether a heading (its last line ``upper``, ending at column ``c1``; its first line's top ``top``) stands over
    blank columns to its right — blank as far as the next heading level with any of its lines — that the line below
    fills: it is their parent.  (财政专户管理资金 wrapped one glyph a line in a narrow column beside 单位资金, printed left
    over 事业收入 | …, is no parent of 单位资金's children: 单位资金 stands level with its first line.)"""
    level_with = {c for (c0, c1b), k, _ in spans if k is not upper and k.top < upper.bottom and k.bottom > top
                  for c in range(c0, c1b + 1)}
    k = c1 + 1
    while k not in level_with and k <= max(below, default=-1):
        if k in below:
            return True
        k += 1
    return False


def _nearest(cols: list[list[float]], k: Chunk) -> tuple[int, int]:
    mid = (k.x0 + k.x1) / 2
    c = min(range(len(cols)), key=lambda c: abs((cols[c][0] + cols[c][1]) / 2 - mid))
    return c, c


def _line_of_figures(ln: TLine, cols: list[list[float]], label: int) -> bool:
    """A line of a row's figures: figures beside other text, or an amount alone — with decimals or separators, or an
    integer (元 tables print 300000) right of the first column of labels ``label``, where codes never stand (a code's
    wrapped tail, 208050 / 1, is no figure)."""
    return ln.body or any(k.number and (_AMOUNT.search(k.text) or (_span(cols, k.x0, k.x1) or (-1, -1))[0] > label)
                          for k in ln.chunks)


def _continues(ln: TLine, above: TLine, cols: list[list[float]], right: list[float], s: dict,
               labels_only: bool = True) -> bool:
    """Whether the labels of a line are the rest of the labels of the line above, wrapped in their cells: each sits
    under one that filled its column and ends no label (…合计), and opens no item (三、… （一）… 1. …).  With
    ``labels_only`` false, the line's figures are left out of the question."""
    cks = [k for k in ln.chunks if not (k.number and not labels_only)]
    if not cks:
        return False
    for k in cks:
        span = _span(cols, k.x0, k.x1)
        if span is None or span[0] != span[1] or layouts.TEXT_TABLE_ITEM.match(k.text):
            return False
        if not labels_only and layouts.TEXT_TABLE_LABEL_END.search(k.text):
            return False  # a whole label (本年收入合计) beside its figures opens its own row
        c = span[0]
        if not any(_span(cols, a.x0, a.x1) == span and a.x1 >= right[c] - s["filled"] * max(a.chars[-1].size, 1.0)
                   and not layouts.TEXT_TABLE_LABEL_END.search(a.text) for a in above.chunks):
            return False
    return True


def undivided(groups: list[list[Char]]) -> bool:
    """Whether a ruled cell's text (its visual lines) stands in two columns: two figures on one line, or an amount
    (with its decimals or thousands separators) beside a label — the rules between some of the table's columns are
    missing, so its cells are no columns.  A code beside its name (``201 一般公共服务支出``) is one cell's text."""
    for ln in lines_of(groups):
        figures = [k for k in ln.chunks if k.number]
        if len(figures) >= 2:
            return True
        # a label of one glyph is the end of a neighbour's label run over into this cell (西安's Excel export: 出
        # 2,022.39), not a column of its own
        if figures and any(_AMOUNT.search(k.text) for k in figures) and any(
                not k.number and len(k.text) >= 2 for k in ln.chunks):
            return True
    return False


__all__ = ["SETTINGS", "TextTable", "chunks", "cut_amount", "cut_row", "find", "lines_of", "may_hold_table", "undivided"]
