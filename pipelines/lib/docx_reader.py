"""Read a .docx filing into a :class:`~pipelines.lib.model.RawDocument`, exactly and in linear time.

The WordprocessingML body is walked directly with lxml (parsed by :mod:`safe_io`'s hardened
parser).  python-docx's ``row.cells``/``table.cell()`` rebuild the whole grid for every access
(quadratic in rows) and repeat merged cells; here each ``w:tc`` is visited once and a merged
cell is emitted once, at its origin, with ``col_span``/``row_span``.

Handled: ``w:gridSpan``, ``w:vMerge`` restart/continue, legacy ``w:hMerge``, ``w:gridBefore``/
``w:gridAfter``, content controls (``w:sdt``) and ``w:customXml`` around tables, rows and cells,
runs with ``w:tab``/``w:br``, field results (field codes are dropped), tracked deletions and
moved-from text (dropped), ``mc:AlternateContent`` (only the Choice is read), nested tables
(emitted as their own RawTable with ``nested=True``; the outer cell keeps its own text).
"""

from __future__ import annotations

import re

from lxml import etree

from pipelines.lib import safe_io
from pipelines.lib.errors import RejectedFile
from pipelines.lib.model import Cell, Paragraph, RawDocument, RawTable

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
BODY = _W + "body"
P = _W + "p"
TBL = _W + "tbl"
TR = _W + "tr"
TC = _W + "tc"
SDT = _W + "sdt"
SDT_CONTENT = _W + "sdtContent"
CUSTOM_XML = _W + "customXml"
TC_PR = _W + "tcPr"
TR_PR = _W + "trPr"
TBL_GRID = _W + "tblGrid"
GRID_COL = _W + "gridCol"
GRID_SPAN = _W + "gridSpan"
V_MERGE = _W + "vMerge"
H_MERGE = _W + "hMerge"
GRID_BEFORE = _W + "gridBefore"
GRID_AFTER = _W + "gridAfter"
P_PR = _W + "pPr"
P_STYLE = _W + "pStyle"
OUTLINE_LVL = _W + "outlineLvl"
T = _W + "t"
TAB = _W + "tab"
PTAB = _W + "ptab"
BR = _W + "br"
CR = _W + "cr"
NO_BREAK_HYPHEN = _W + "noBreakHyphen"
MOVE_FROM = _W + "moveFrom"
TXBX_CONTENT = _W + "txbxContent"
ALTERNATE_CONTENT = _MC + "AlternateContent"
FALLBACK = _MC + "Fallback"
VAL = _W + "val"
TYPE = _W + "type"

_TEXT_TAGS = (T, TAB, PTAB, BR, CR, NO_BREAK_HYPHEN, MOVE_FROM, TXBX_CONTENT, ALTERNATE_CONTENT)
_SKIP_SUBTREES = {MOVE_FROM, TXBX_CONTENT, FALLBACK, _W + "del", _W + "instrText", _W + "delText"}
_WRAPPERS = (SDT, CUSTOM_XML)
MAX_NESTING = 16

# 一、部门职责… / 第一部分 … : the numbering Chinese filings use for sections when no Heading style is set.
_NUMBERED_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|第[一二三四五六七八九十]{1,3}部分)")
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*\d|^title$", re.IGNORECASE)
_NOTE = re.compile(r"^\s*(?:注|备注|说明)\s*[:：\d（(]|^\s*注\s")
_NOTE_CONT = re.compile(r"^\s*(?:[（(]?\d{1,2}\s*[)）.．、]|[①-⑩])")


def _text_slow(el: etree._Element, parts: list[str]) -> None:
    """Text of ``el`` skipping deleted/moved-from text, text boxes and mc:Fallback copies."""
    for child in el:
        tag = child.tag
        if tag in _SKIP_SUBTREES or not isinstance(tag, str):
            continue
        if tag == T:
            parts.append(child.text or "")
        elif tag == TAB or tag == PTAB:
            parts.append("\t")
        elif tag == BR or tag == CR:
            if child.get(TYPE) not in ("page", "column"):
                parts.append("\n")
        elif tag == NO_BREAK_HYPHEN:
            parts.append("-")
        else:
            _text_slow(child, parts)


def paragraph_text(p: etree._Element) -> str:
    """The visible text of one ``w:p``: runs, tabs as '\\t', line breaks as '\\n', field results."""
    parts: list[str] = []
    # Fast path: one C-level filtered iteration; anything needing a subtree skipped takes the slow path.
    for el in p.iter(*_TEXT_TAGS):
        tag = el.tag
        if tag == T:
            text = el.text
            if text:
                parts.append(text)
        elif tag == TAB or tag == PTAB:
            parts.append("\t")
        elif tag == BR or tag == CR:
            if el.get(TYPE) not in ("page", "column"):
                parts.append("\n")
        elif tag == NO_BREAK_HYPHEN:
            parts.append("-")
        else:
            parts = []
            _text_slow(p, parts)
            break
    return "".join(parts)


def _children(el: etree._Element, tag: str):
    """Children of ``el`` with ``tag``, looking through sdt/customXml wrappers (any depth)."""
    for child in el:
        ctag = child.tag
        if ctag == tag:
            yield child
        elif ctag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif ctag == CUSTOM_XML:
            yield from _children(child, tag)


def _int_val(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(VAL, default))
    except (TypeError, ValueError):
        return default


_STYLE_ID = re.compile(rb'w:styleId="([^"]*)"')
_STYLE_NAME = re.compile(rb'<w:name\s+w:val="([^"]*)"')
_STYLE_BASED = re.compile(rb'<w:basedOn\s+w:val="([^"]*)"')
_STYLE_LVL = re.compile(rb'<w:outlineLvl\s+w:val="(\d+)"')


class _Styles:
    """Paragraph style id → is it a heading (Heading N / 标题 N / an outline level 0-8).

    Resolved lazily, per style id a paragraph asks about: a filing uses a handful of the
    hundreds of styles Word declares, and reading them all cost as much as parsing the body.
    """

    def __init__(self, styles: etree._Element | bytes | None):
        self._info: dict[str, tuple[str, int | None, str | None]] = {}
        self._frags: dict[str, tuple[bytes, int]] | None = None  # style id → (piece, offset), parsed on demand
        self._heading: dict[str | None, bool] = {}
        if styles is None:
            return
        if isinstance(styles, bytes):
            self._frags = self._index(styles)
            if self._frags is None:
                try:
                    self._info = self._parse(safe_io.parse_xml(styles, "word/styles.xml"))
                except RejectedFile as exc:
                    if exc.kind == "xml_dtd":
                        raise
                    return  # a damaged styles part only costs us the style-based headings
        else:
            self._info = self._parse(styles)

    @staticmethod
    def _index(data: bytes) -> dict[str, tuple[bytes, int]] | None:
        """Where each style is in the bytes: Word's styles.xml is a few hundred KB that a full
        parse would spend more time on than the whole table walk.  Linear: split on the closing
        tags, then look only at the last opening tag of each piece (a later definition of the
        same id wins).  None if not prefixed 'w:'."""
        if b"<w:styles" not in data[:4096]:
            return None
        frags: dict[str, tuple[bytes, int]] = {}
        for piece in data.split(b"</w:style>"):
            at = piece.rfind(b"<w:style ")
            if at < 0:
                continue
            m = _STYLE_ID.search(piece, at)
            if m:
                frags[m.group(1).decode("utf-8", "replace")] = (piece, at)
        return frags

    def _get(self, sid: str | None) -> tuple[str, int | None, str | None] | None:
        info = self._info.get(sid)  # type: ignore[arg-type]
        if info is None and self._frags is not None and sid in self._frags:
            piece, at = self._frags[sid]
            name = _STYLE_NAME.search(piece, at)
            based = _STYLE_BASED.search(piece, at)
            lvl = _STYLE_LVL.search(piece, at)
            info = self._info[sid] = (
                name.group(1).decode("utf-8", "replace") if name else "",
                int(lvl.group(1)) if lvl else None,
                based.group(1).decode("utf-8", "replace") if based else None,
            )
        return info

    @staticmethod
    def _parse(root: etree._Element) -> dict[str, tuple[str, int | None, str | None]]:
        info: dict[str, tuple[str, int | None, str | None]] = {}
        for st in root.iter(_W + "style"):
            sid = st.get(_W + "styleId")
            if not sid:
                continue
            name_el = st.find(_W + "name")
            name = (name_el.get(VAL) if name_el is not None else "") or ""
            lvl_el = st.find(f"{P_PR}/{OUTLINE_LVL}")
            lvl = _int_val(lvl_el, 9) if lvl_el is not None else None
            based = st.find(_W + "basedOn")
            info[sid] = (name, lvl, based.get(VAL) if based is not None else None)
        return info

    def is_heading(self, sid: str | None) -> bool:
        """Is paragraph style ``sid`` (or the style it is based on, and so on) a heading style?"""
        known = self._heading.get(sid)
        if known is not None:
            return known
        result = False
        seen = set()
        cur = sid
        while cur not in seen:
            info = self._get(cur)
            if info is None:
                break
            seen.add(cur)
            name, lvl, based = info
            if _HEADING_NAME.match(name.strip()) or (lvl is not None and 0 <= lvl <= 8):
                result = True
                break
            if lvl is not None:  # an explicit body-text level stops the inheritance
                break
            cur = based
        self._heading[sid] = result
        return result


class _Reader:
    def __init__(self, styles: _Styles):
        self.styles = styles
        self.tables: list[RawTable] = []
        self.paragraphs: list[Paragraph] = []
        self.heading: str | None = None
        self.before: list[str] = []
        self.after_target: RawTable | None = None  # the table whose 注 lines we are still collecting
        self.force_slow = False  # tests compare the fast and the structured table scans

    # -- body ---------------------------------------------------------------------------------
    def walk(self, container: etree._Element) -> None:
        for child in container:
            tag = child.tag
            if tag == P:
                self.paragraph(child)
            elif tag == TBL:
                self.after_target = self.table(child, nested=False, before=self.before, depth=0)
                self.before = []
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.walk(content)
            elif tag == CUSTOM_XML:
                self.walk(child)

    def paragraph(self, p: etree._Element) -> None:
        styled = False
        ppr = p.find(P_PR)
        if ppr is not None:
            style = ppr.find(P_STYLE)
            if style is not None and self.styles.is_heading(style.get(VAL)):
                styled = True
            else:
                lvl = ppr.find(OUTLINE_LVL)
                if lvl is not None and 0 <= _int_val(lvl, 9) <= 8:
                    styled = True
        self.add_paragraph(paragraph_text(p), styled)

    def add_paragraph(self, text: str, is_heading: bool) -> None:
        """Record one body paragraph; ``is_heading`` says whether its style or outline level makes it one."""
        stripped = text.strip()
        if not is_heading and stripped and len(stripped) <= 40 and "。" not in stripped:
            is_heading = bool(_NUMBERED_HEADING.match(stripped))
        if is_heading and not stripped:
            is_heading = False
        if is_heading:
            self.heading = stripped
        self.paragraphs.append(
            Paragraph(text=text, heading=self.heading, is_heading=is_heading, index=len(self.paragraphs))
        )
        if not stripped:
            return
        self.before.append(stripped)
        target = self.after_target
        if target is not None:
            if _NOTE.match(stripped) or (target.after and _NOTE_CONT.match(stripped)):
                target.after.append(stripped)
            else:
                self.after_target = None

    # -- tables -------------------------------------------------------------------------------
    def table(self, tbl: etree._Element, *, nested: bool, before: list[str], depth: int) -> RawTable:
        """Read one ``w:tbl`` (and the tables nested in it) into RawTables, in document order."""
        if depth > MAX_NESTING:
            raise RejectedFile(
                f"tables are nested more than {MAX_NESTING} deep, which no filing does: refused as malformed",
                kind="too_large",
            )
        if len(self.tables) >= safe_io.MAX_TABLES:
            raise RejectedFile(
                f"the document has more than {safe_io.MAX_TABLES} tables, far beyond any filing: refused",
                kind="too_large",
            )
        raw = RawTable(index=len(self.tables), rows=[], n_cols=0, before=list(before), nested=nested)
        self.tables.append(raw)
        trs = None if self.force_slow else _scan_table_fast(tbl, raw.index)
        if trs is None:
            trs = self._scan_table_slow(tbl, raw.index, depth)
        _place(trs, raw)
        if raw.n_cols == 0:
            grid = tbl.find(TBL_GRID)
            raw.n_cols = min(len(grid.findall(GRID_COL)), safe_io.MAX_COLS) if grid is not None else 0
        return raw

    def _scan_table_slow(self, tbl: etree._Element, table_idx: int, depth: int) -> list:
        """Phase 1, structured: rows of [grid_before, grid_after, cells]; a cell is [span, vmerge, hmerge, text].

        Used for tables with nested tables, text boxes, tracked moves or property changes.
        """
        trs: list = []
        for tr in _children(tbl, TR):
            if len(trs) >= safe_io.MAX_ROWS:
                _too_many_rows(table_idx)
            cells: list = []
            entry = [0, 0, cells]
            trs.append(entry)
            for child in tr:
                tag = child.tag
                if tag == TC:
                    tcs = (child,)
                elif tag == TR_PR:
                    entry[0] = _int_val(child.find(GRID_BEFORE), 0)
                    entry[1] = _int_val(child.find(GRID_AFTER), 0)
                    continue
                elif tag == SDT:
                    tcs = tuple(_sdt_cells(child))
                elif tag == CUSTOM_XML:
                    tcs = tuple(_children(child, TC))
                else:
                    continue
                for tc in tcs:
                    span = 1
                    vmerge = hmerge = None
                    tcpr = tc.find(TC_PR)
                    if tcpr is not None:
                        span = _int_val(tcpr.find(GRID_SPAN), 1)
                        vm = tcpr.find(V_MERGE)
                        if vm is not None:
                            vmerge = vm.get(VAL) or "continue"
                        hm = tcpr.find(H_MERGE)
                        if hm is not None:
                            hmerge = hm.get(VAL) or "continue"
                    cells.append([span, vmerge, hmerge, self.cell_text(tc, depth)])
        return trs

    def cell_text(self, tc: etree._Element, depth: int) -> str:
        """The cell's own paragraphs joined by '\\n'; nested tables become RawTables of their own."""
        texts: list[str] = []
        local_before: list[str] = []
        n_tables = len(self.tables)
        self._cell_blocks(tc, texts, local_before, depth)
        if len(texts) == 1:
            return texts[0]
        if len(self.tables) != n_tables:
            # Word must put a paragraph after a nested table; that empty paragraph is not text.
            texts = [t for t in texts if t]
        return "\n".join(texts)

    def _cell_blocks(self, el: etree._Element, texts: list[str], local_before: list[str], depth: int) -> None:
        for child in el:
            tag = child.tag
            if tag == P:
                t = paragraph_text(child)
                texts.append(t)
                s = t.strip()
                if s:
                    local_before.append(s)
            elif tag == TBL:
                self.table(child, nested=True, before=local_before, depth=depth + 1)
                local_before.clear()
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self._cell_blocks(content, texts, local_before, depth)
            elif tag == CUSTOM_XML:
                self._cell_blocks(child, texts, local_before, depth)


_FAST_TAGS = (
    T, P, TC, TR, GRID_SPAN, V_MERGE, TAB, PTAB, BR, CR, NO_BREAK_HYPHEN, GRID_BEFORE, GRID_AFTER, H_MERGE,
    TBL, MOVE_FROM, TXBX_CONTENT, ALTERNATE_CONTENT, _W + "tcPrChange", _W + "trPrChange",
)


def _too_many_rows(table_idx: int) -> None:
    raise RejectedFile(
        f"table {table_idx + 1} has more than {safe_io.MAX_ROWS} rows, far beyond any filing: refused",
        kind="too_large",
    )


def _scan_table_fast(tbl: etree._Element, table_idx: int) -> list | None:
    """Phase 1 in one C-level filtered pass over the table; None when the slow path is needed.

    Same output as ``_Reader._scan_table_slow`` except that a cell's text is still a list of
    parts ('\n' between paragraphs), joined only for the cells that are emitted.
    """
    trs: list = []
    cells: list = []
    trow: list = [0, 0, cells]
    cell: list = [1, None, None, []]
    parts: list = cell[3]
    in_text = False  # a paragraph already started in this cell: the next one is a new line
    max_rows = safe_io.MAX_ROWS
    # Locals, not globals: this loop runs once per run/paragraph/cell of every table.
    t_, p_, tc_, tr_, gs_, vm_ = T, P, TC, TR, GRID_SPAN, V_MERGE
    for el in tbl.iter(*_FAST_TAGS):
        tag = el.tag
        if tag == t_:
            text = el.text
            if text:
                parts.append(text)
        elif tag == p_:
            if in_text:
                parts.append("\n")
            in_text = True
        elif tag == tc_:
            parts = []
            cell = [1, None, None, parts]
            cells.append(cell)
            in_text = False
        elif tag == tr_:
            if len(trs) >= max_rows:
                _too_many_rows(table_idx)
            cells = []
            trow = [0, 0, cells]
            trs.append(trow)
        elif tag == gs_:
            cell[0] = _int_val(el, 1)
        elif tag == vm_:
            cell[1] = el.get(VAL) or "continue"
        elif tag == TAB or tag == PTAB:
            parts.append("\t")
        elif tag == BR or tag == CR:
            if el.get(TYPE) not in ("page", "column"):
                parts.append("\n")
        elif tag == NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag == GRID_BEFORE:
            trow[0] = _int_val(el, 0)
        elif tag == GRID_AFTER:
            trow[1] = _int_val(el, 0)
        elif tag == H_MERGE:
            cell[2] = el.get(VAL) or "continue"
        elif tag == TBL and el is tbl:
            continue
        else:
            return None
    return trs


def _place(trs: list, raw: RawTable) -> None:
    """Phase 2: put cells on the grid, resolving gridBefore/After, gridSpan, vMerge and hMerge."""
    table_idx = raw.index
    rows = raw.rows
    max_cols = safe_io.MAX_COLS
    open_v: dict[int, Cell] = {}  # grid column → the cell a vMerge continue extends
    width = 0
    for r, (grid_before, grid_after, cells) in enumerate(trs):
        col = grid_before if 0 <= grid_before <= max_cols else 0
        row: list[Cell] = []
        for span, vmerge, hmerge, text in cells:
            if span < 1:
                span = 1
            if col + span > max_cols:
                raise RejectedFile(
                    f"table {table_idx + 1} is wider than {max_cols} columns, far beyond any filing: refused",
                    kind="too_large",
                )
            if hmerge == "continue" and row:
                # Legacy horizontal merge: widen the cell on the left instead of adding one.
                row[-1].col_span += span
                col += span
                continue
            if vmerge == "continue":
                origin = open_v.get(col)
                if origin is not None and origin.row + origin.row_span == r:
                    origin.row_span += 1
                    col += span
                    continue
            if type(text) is list:
                text = "".join(text)
            cell = Cell(text, r, col, span, 1, table_idx)
            row.append(cell)
            if vmerge is not None:  # restart, or a continue with nothing above: a new origin
                # A plain cell below an origin needs no bookkeeping: the contiguity test above
                # (origin.row + origin.row_span == r) already refuses to extend across it.
                open_v[col] = cell
            col += span
        if grid_after > 0:
            col += grid_after
        if col > width:
            width = col
        rows.append(row)
    raw.n_cols = min(width, max_cols)


def _sdt_cells(sdt: etree._Element):
    content = sdt.find(SDT_CONTENT)
    if content is None:
        return ()
    return _children(content, TC)


# -- the byte scanner ------------------------------------------------------------------------
#
# Most filings are written the plain way: body paragraphs and tables whose cells hold runs of
# text.  For those, word/document.xml is read straight from its bytes by one regular expression
# that steps from one meaningful tag to the next (libxml2 has already checked every byte, with
# the hardened options and no tree built), so reading costs less than building the lxml tree
# the walk above needs.  Whatever the scanner does not understand exactly as the walk does --
# content controls or customXml around tables, rows or cells, nested tables, text boxes,
# mc:AlternateContent, tracked moves, a namespace declared below the root, a DTD, comments,
# CDATA, processing instructions, an encoding other than UTF-8, a table with no cells -- makes
# it decline, and the lxml walk reads the file instead.  The scanner's result equals the
# structured walk's (tests/unit/test_docx_reader_fast.py compares them).


class _Decline(Exception):
    """The byte scanner does not read this document exactly; the lxml walk must."""


_W_URI = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Attributes of a tag, exactly (a quoted value may hold '>', never '<').  Single-byte
# negated classes ([^>], [^"]) only: sre runs them ten times faster than [^<>].
_ATTRS = rb"""(?:\s+[^\s=<>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*"""
_ATTR_ITEM = re.compile(rb"""([^\s=<>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_XML_DECL = re.compile(rb"<\?xml" + _ATTRS + rb"\?>")
_ENCODING = re.compile(rb"""\sencoding\s*=\s*["']([^"']*)["']""")
_ROOT = re.compile(rb"<[^\s/<>!?]+(" + _ATTRS + rb")>")
_NS_DECL = re.compile(rb"""^xmlns(?::(.*))?$""")

# A childless element that cannot add text: anything but w:tab, w:ptab, w:br, w:cr and
# w:noBreakHyphen (told apart by their first letters, which is what keeps this fast).
_LEAF = rb"<(?:w:(?:[^tpbcn<>/]|t[^a<>]|p[^t<>]|b[^r<>]|c[^r<>]|n(?:[^o<>]|o[^B<>]))|[^w/<>]|w[^:<>])[^>]*(?<=/)>"
_LEAVES = rb"(?:" + _LEAF + rb")*+"
_T_OPEN = rb"<w:t" + _ATTRS + rb">"
_RUN = (
    rb"<w:r(?:\s[^>]*)?(?<!/)>(?:<w:rPr>" + _LEAVES + rb"</w:rPr>)?(?:" + _LEAF + rb"|" + _T_OPEN
    + rb"[^<]*</w:t>)*+</w:r>"
)
_RUNS = rb"(?:" + _RUN + rb"|" + _LEAF + rb")*+"
# The usual cell paragraph: one run, one w:t; its text is taken in the same step.
_ONE_RUN = (
    rb"<w:r(?:\s[^>]*)?(?<!/)>(?:<w:rPr>" + _LEAVES + rb"</w:rPr>)?" + _T_OPEN + rb"(?P<ctext>[^<]*)</w:t></w:r></w:p>"
)
_PPR = rb"<w:pPr>((?:" + _LEAF + rb"|<w:(?:rPr|numPr|pBdr)>" + _LEAVES + rb"</w:(?:rPr|numPr|pBdr)>)*+)</w:pPr>"
_P_OPEN = rb"<w:p(?:\s[^>]*)?(?<!/)>"
_P_EMPTY = rb"<w:p(?:\s[^>]*)?/>"
_TCPR = rb"<w:tcPr>((?:" + _LEAF + rb"|<w:(?:tcBorders|tcMar)>" + _LEAVES + rb"</w:(?:tcBorders|tcMar)>)*+)</w:tcPr>"
# The tags the scanner stops at; every other tag is stepped over inside the regular expression.
_STOP = (
    rb"w:(?:t(?:c|r|rPr|bl||ab|xbxContent)|p(?:|tab|Style)|b(?:r|ody)|c(?:r|ustomXml)|grid(?:Span|Before|After)"
    rb"|vMerge|hMerge|noBreakHyphen|sdt|moveFrom|outlineLvl)[\s/>]|/w:(?:t(?:c|r|bl)|p|body)\s*>"
)
_SCAN = re.compile(
    rb"[^<]*+(?:<(?!" + _STOP + rb")[^<]*+)*+(?:"
    # a cell of one plain paragraph, in one step
    + rb"(?P<cell><w:tc>(?:" + _TCPR.replace(b"(", b"(?P<tcpr>", 1) + rb")?(?:" + _P_EMPTY + rb"|" + _P_OPEN
    + rb"(?:" + _PPR.replace(b"(", b"(?:", 1) + rb")?(?:" + _ONE_RUN + rb"|(?P<cruns>" + _RUNS + rb")</w:p>))</w:tc>)"
    # a plain paragraph, in one step
    + rb"|(?P<para>" + _P_EMPTY + rb"|" + _P_OPEN + rb"(?:" + _PPR.replace(b"(", b"(?P<ppr>", 1) + rb")?(?P<pruns>"
    + _RUNS + rb")</w:p>)"
    + rb"|(?P<t><w:t" + _ATTRS + rb"(?:/>|>(?P<text>[^<]*)))"
    + rb"|(?P<tab><w:p?tab[\s/>])"
    + rb"|(?P<nbh><w:noBreakHyphen[\s/>])"
    + rb"|(?P<br><w:[bc]r(?P<bratts>" + _ATTRS + rb")/?>)"
    + rb"|(?P<prop><w:(?P<pname>gridSpan|vMerge|hMerge|gridBefore|gridAfter|pStyle|outlineLvl)(?P<patts>" + _ATTRS
    + rb")/?>)"
    + rb"|(?P<start><w:(?P<sname>p|tbl|tr|tc|trPr|body|sdt|customXml|moveFrom|txbxContent)" + _ATTRS
    + rb"(?P<empty>/?)>)"
    + rb"|(?P<end></w:(?P<ename>p|tbl|tr|tc|body)\s*>)"
    + rb"|(?P<odd><)|(?P<eof>\Z))"
)
_T_TEXT = re.compile(_T_OPEN + rb"([^<]*)</w:t>")
_PROP = re.compile(rb"<w:(gridSpan|vMerge|hMerge|gridBefore|gridAfter|pStyle|outlineLvl)(" + _ATTRS + rb")/?>")
_PLAIN_VAL = re.compile(rb'<w:(gridSpan|vMerge|hMerge|pStyle|outlineLvl)(?:( )w:val="([^"&\t\n\r]*)")?/>')
_NESTED_TCPR = re.compile(rb"<w:(tcBorders|tcMar)>.*?</w:\1>", re.DOTALL)
_NESTED_PPR = re.compile(rb"<w:(rPr|numPr|pBdr)>.*?</w:\1>", re.DOTALL)
_TCPR_OPEN = re.compile(rb"<w:tcPr" + _ATTRS + rb">")
_PPR_OPEN = re.compile(rb"<w:pPr" + _ATTRS + rb">")
_REF = re.compile(r"&(?:(lt)|(gt)|(amp)|(quot)|(apos)|#([0-9]+)|#x([0-9a-fA-F]+));")
_REF_CHARS = (None, "<", ">", "&", '"', "'")

_G = _SCAN.groupindex
G_CELL, G_PARA, G_T, G_TAB, G_NBH, G_BR, G_PROP, G_START, G_END, G_ODD, G_EOF = (
    _G["cell"], _G["para"], _G["t"], _G["tab"], _G["nbh"], _G["br"], _G["prop"], _G["start"], _G["end"],
    _G["odd"], _G["eof"],
)
G_TCPR, G_CTEXT, G_CRUNS = _G["tcpr"], _G["ctext"], _G["cruns"]
_ROOT_CTX, _BODY_CTX, _TBL_CTX, _TR_CTX, _TC_CTX, _P_CTX, _CP_CTX = range(7)


def _ref(m: re.Match) -> str:
    i = m.lastindex
    if i is not None and i <= 5:
        return _REF_CHARS[i]
    return chr(int(m.group(6))) if i == 6 else chr(int(m.group(7), 16))


def _text(raw: bytes) -> str:
    """Character data as libxml2 reports it: line ends normalised, the five entities and
    character references replaced (the parse has already refused any other reference)."""
    s = raw.decode("utf-8")
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in s:
        s = _REF.sub(_ref, s)
    return s


def _join(parts: list[bytes]) -> str:
    raw = b"".join(parts)
    if 13 in raw:  # a '\r' line end is normalised within one text node, never across two
        return "".join(_text(part) for part in parts)
    return _text(raw)


def _attr(attrs: bytes, name: bytes) -> str | None:
    """The value of attribute ``name`` as lxml gives it (whitespace normalised, references replaced)."""
    for m in _ATTR_ITEM.finditer(attrs):
        if m.group(1) == name:
            raw = m.group(2) if m.group(2) is not None else m.group(3)
            raw = raw.replace(b"\r\n", b" ").replace(b"\r", b" ").replace(b"\n", b" ").replace(b"\t", b" ")
            return _text(raw)
    return None


def _int_attr(value: str | None, default: int) -> int:
    """``_int_val`` on an attribute value instead of an element."""
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        return default


def _runs_text(runs: bytes | None) -> str:
    if not runs:
        return ""
    texts = _T_TEXT.findall(runs)
    if not texts:
        return ""
    if len(texts) == 1:
        return _text(texts[0])
    return _join(texts)


def _balanced(xml: bytes, a: int, b: int) -> bool:
    """Does xml[a:b] hold only whole elements?  The scanner stops at the closing tag of every
    container it tracks, so a gap between two of its stops never closes more than it opens: it is
    whole iff it opens as many elements as it closes.  Counting '/>' is exact only when every '>'
    ends a tag, which holds when there are as many '>' as '<'."""
    lt = xml.count(b"<", a, b)
    return xml.count(b">", a, b) == lt and lt - xml.count(b"/>", a, b) == 2 * xml.count(b"</", a, b)


def _child_of(xml: bytes, opening: re.Pattern, closing: bytes, a: int, b: int) -> bool:
    """Is the tag at ``b`` a child of the element that opens at ``a`` (with ``opening``)?"""
    m = opening.match(xml, a, b)
    return m is not None and xml.find(closing, m.end(), b) < 0 and _balanced(xml, m.end(), b)


def _first_values(props: bytes, names: tuple[bytes, ...]) -> dict[bytes, str | None] | None:
    """name → w:val of the first element of each name among ``props`` (childless elements),
    when each is spelled the plain way (<w:name/> or <w:name w:val="…"/> with a plain value);
    None when one is not and _attr must read them."""
    found = _PLAIN_VAL.findall(props)
    if len(found) != sum(props.count(b"<w:" + name) for name in names):
        return None
    values: dict[bytes, str | None] = {}
    for name, has_val, value in found:
        if name not in names:
            return None
        if name not in values:
            values[name] = value.decode("utf-8") if has_val else None
    return values


def _tcpr_props(tcpr: bytes) -> tuple[int, str | None, str | None]:
    """gridSpan, vMerge and hMerge of a tcPr made of childless elements (and borders/margins)."""
    if b"<w:tcBorders>" in tcpr or b"<w:tcMar>" in tcpr:
        tcpr = _NESTED_TCPR.sub(b"", tcpr)
    plain = _first_values(tcpr, (b"gridSpan", b"vMerge", b"hMerge"))
    if plain is not None:
        vmerge = plain.get(b"vMerge", 0)
        hmerge = plain.get(b"hMerge", 0)
        return (
            _int_attr(plain[b"gridSpan"], 1) if b"gridSpan" in plain else 1,
            None if vmerge == 0 else vmerge or "continue",
            None if hmerge == 0 else hmerge or "continue",
        )
    span: int | None = None
    vmerge = hmerge = None
    seen_v = seen_h = False
    for name, attrs in _PROP.findall(tcpr):
        if name == b"gridSpan" and span is None:
            span = _int_attr(_attr(attrs, b"w:val"), 1)
        elif name == b"vMerge" and not seen_v:
            seen_v = True
            vmerge = _attr(attrs, b"w:val") or "continue"
        elif name == b"hMerge" and not seen_h:
            seen_h = True
            hmerge = _attr(attrs, b"w:val") or "continue"
    return (1 if span is None else span), vmerge, hmerge


def _ppr_styled(ppr: bytes | None, styles: _Styles) -> bool:
    """Does a pPr of childless elements (and rPr/numPr/pBdr) give a heading style or outline level?"""
    if not ppr or (83 not in ppr and 76 not in ppr):  # no 'S' of pStyle, no 'L' of outlineLvl
        return False
    if b"<w:rPr>" in ppr or b"<w:numPr>" in ppr or b"<w:pBdr>" in ppr:
        ppr = _NESTED_PPR.sub(b"", ppr)
    plain = _first_values(ppr, (b"pStyle", b"outlineLvl"))
    if plain is not None:
        if b"pStyle" in plain and styles.is_heading(plain[b"pStyle"]):
            return True
        return b"outlineLvl" in plain and 0 <= _int_attr(plain[b"outlineLvl"], 9) <= 8
    style = level = None
    seen_style = seen_level = False
    for name, attrs in _PROP.findall(ppr):
        if name == b"pStyle" and not seen_style:
            seen_style = True
            style = _attr(attrs, b"w:val")
        elif name == b"outlineLvl" and not seen_level:
            seen_level = True
            level = _attr(attrs, b"w:val")
    if seen_style and styles.is_heading(style):
        return True
    return seen_level and 0 <= _int_attr(level, 9) <= 8


def _root_end(xml: bytes) -> int:
    """Check the prolog and the namespaces; return where the root element's content starts."""
    pos = 3 if xml.startswith(b"\xef\xbb\xbf") else 0
    if xml.startswith(b"<?xml", pos):
        decl = _XML_DECL.match(xml, pos)
        if decl is None:
            raise _Decline("an XML declaration the scanner does not read")
        enc = _ENCODING.search(decl.group())
        if enc is not None and enc.group(1).lower() != b"utf-8":
            raise _Decline("not UTF-8")
        pos = decl.end()
    # No DTD, comment, CDATA section or processing instruction anywhere ('!' and '?' are rare).
    if (b"!" in xml and b"<!" in xml) or (xml.find(b"?", pos) >= 0 and xml.find(b"<?", pos) >= 0):
        raise _Decline("a DTD, comment, CDATA section or processing instruction")
    root = _ROOT.search(xml, pos)
    if root is None or xml[pos : root.start()].strip():
        raise _Decline("no root element where one was expected")
    # Every namespace is declared on the root, and only the prefix w: names WordprocessingML,
    # so a tag spelled <w:…> is in it and no tag spelled otherwise is.
    w_bound = False
    for m in _ATTR_ITEM.finditer(root.group(1)):
        ns = _NS_DECL.match(m.group(1))
        if ns is None:
            continue
        value = m.group(2) if m.group(2) is not None else m.group(3)
        if b"&" in value:
            raise _Decline("a namespace written with references")
        if ns.group(1) == b"w":
            w_bound = value == _W_URI
        elif value == _W_URI:
            raise _Decline("WordprocessingML under another prefix")
    if not w_bound or xml.find(b"xmlns", root.end()) >= 0:
        raise _Decline("namespaces the scanner does not follow")
    if b"AlternateContent" in xml:
        raise _Decline("mc:AlternateContent")
    return root.end()


class _NoTree:
    """A parser target that keeps nothing: libxml2 still checks every byte."""

    def close(self) -> None:
        return None


def _well_formed(xml: bytes) -> bool:
    """Does the hardened parser accept ``xml`` (same options as safe_io's, no tree built)?"""
    parser = safe_io.hardened_parser(target=_NoTree())
    try:
        etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        return False
    # Namespace errors (an undeclared prefix) only reach the log when no tree is built.
    return len(parser.error_log) == 0


def _scan(xml: bytes, pos: int, reader: _Reader) -> None:
    """Read the body from the bytes into ``reader``, or raise _Decline."""
    styles = reader.styles
    tables = reader.tables
    ctx = _ROOT_CTX
    mark = pos  # where the gap before the current container's next child starts
    parts: list[bytes] = []  # the text of the paragraph being read
    texts: list[str] = []  # the paragraphs of the cell being read
    trs: list = []
    cells: list = []
    row: list = []
    raw: RawTable | None = None
    tc_start = p_start = trpr_end = -1
    span = 1
    vmerge = hmerge = None
    seen_span = seen_v = seen_h = seen_before = seen_after = seen_style = seen_level = False
    style = level = None
    # Every position matches (an unknown '<' as 'odd', the end as 'eof'), so finditer steps
    # from one stop to the next exactly as repeated match() calls would.
    for m in _SCAN.finditer(xml, pos):
        k = m.lastindex
        s = m.start(k)
        e = m.end()
        if ctx == _TR_CTX:
            if k == G_CELL:
                if s != mark and not _balanced(xml, mark, s):
                    raise _Decline("a cell inside an unknown element")
                tcpr, raw_text, runs = m.group(G_TCPR, G_CTEXT, G_CRUNS)
                if raw_text is not None:
                    text = raw_text.decode("utf-8")
                    if "&" in text or "\r" in text:
                        text = _text(raw_text)
                else:
                    text = _runs_text(runs)
                # gridSpan, vMerge, hMerge: 'S' (83) or 'M' (77); an int is tested by memchr,
                # bytes in bytes costs ten times more.
                if tcpr and (83 in tcpr or 77 in tcpr):
                    cells.append((*_tcpr_props(tcpr), text))
                else:
                    cells.append((1, None, None, text))
                mark = e
                continue
            if k == G_END:  # </w:tr>
                ctx = _TBL_CTX
                mark = e
                continue
            if k == G_START:
                name = m.group("sname")
                if name == b"tc":
                    if s != mark and not _balanced(xml, mark, s):
                        raise _Decline("a cell inside an unknown element")
                    if m.group("empty"):
                        cells.append((1, None, None, ""))
                        mark = e
                        continue
                    ctx = _TC_CTX
                    tc_start = mark = e
                    texts = []
                    span, vmerge, hmerge = 1, None, None
                    seen_span = seen_v = seen_h = False
                    continue
                if name == b"trPr":
                    if s != mark and not _balanced(xml, mark, s):
                        raise _Decline("row properties inside an unknown element")
                    row[0] = row[1] = 0
                    seen_before = seen_after = False
                    trpr_end = -1 if m.group("empty") else e
                    mark = s
                    continue
            elif k == G_PROP and trpr_end >= 0:
                name = m.group("pname")
                if name in (b"gridBefore", b"gridAfter"):
                    if not (_balanced(xml, trpr_end, s) and xml.find(b"</w:trPr", trpr_end, s) < 0):
                        raise _Decline("gridBefore/gridAfter outside the row properties")
                    value = _int_attr(_attr(m.group("patts"), b"w:val"), 0)
                    if name == b"gridBefore":
                        if not seen_before:
                            seen_before = True
                            row[0] = value
                    elif not seen_after:
                        seen_after = True
                        row[1] = value
                    continue
            raise _Decline("something in a row that is not a cell")
        if ctx == _CP_CTX or ctx == _P_CTX:
            if k == G_T:
                text = m.group("text")
                if text:
                    parts.append(text)
                continue
            if k == G_END:  # </w:p>
                if ctx == _CP_CTX:
                    texts.append(_join(parts))
                    ctx = _TC_CTX
                else:
                    styled = (seen_style and styles.is_heading(style)) or (
                        seen_level and 0 <= _int_attr(level, 9) <= 8
                    )
                    reader.add_paragraph(_join(parts), styled)
                    ctx = _BODY_CTX
                mark = e
                continue
            if k == G_TAB:
                parts.append(b"\t")
                continue
            if k == G_BR:
                if _attr(m.group("bratts"), b"w:type") not in ("page", "column"):
                    parts.append(b"\n")
                continue
            if k == G_NBH:
                parts.append(b"-")
                continue
            if k == G_START and m.group("sname") in (b"sdt", b"customXml"):
                continue  # inline content controls: their runs are the paragraph's
            if k == G_PROP and m.group("pname") in (b"pStyle", b"outlineLvl"):
                if ctx == _CP_CTX:
                    continue  # a cell paragraph's style makes no heading
                if not _child_of(xml, _PPR_OPEN, b"</w:pPr", p_start, s):
                    raise _Decline("a paragraph style outside the paragraph properties")
                if m.group("pname") == b"pStyle":
                    if not seen_style:
                        seen_style = True
                        style = _attr(m.group("patts"), b"w:val")
                elif not seen_level:
                    seen_level = True
                    level = _attr(m.group("patts"), b"w:val")
                continue
            raise _Decline("something in a paragraph the scanner does not read")
        if ctx == _TC_CTX:
            if k == G_PARA:
                if s != mark and not _balanced(xml, mark, s):
                    raise _Decline("a paragraph inside an unknown element")
                texts.append(_runs_text(m.group("pruns")))
                mark = e
                continue
            if k == G_END:  # </w:tc>
                cells.append((span, vmerge, hmerge, texts[0] if len(texts) == 1 else "\n".join(texts)))
                ctx = _TR_CTX
                mark = e
                continue
            if k == G_START and m.group("sname") == b"p":
                if s != mark and not _balanced(xml, mark, s):
                    raise _Decline("a paragraph inside an unknown element")
                if m.group("empty"):
                    texts.append("")
                    mark = e
                    continue
                ctx = _CP_CTX
                parts = []
                continue
            if k == G_PROP and m.group("pname") in (b"gridSpan", b"vMerge", b"hMerge"):
                if not _child_of(xml, _TCPR_OPEN, b"</w:tcPr", tc_start, s):
                    raise _Decline("a merge outside the cell properties")
                name = m.group("pname")
                value = _attr(m.group("patts"), b"w:val")
                if name == b"gridSpan":
                    if not seen_span:
                        seen_span = True
                        span = _int_attr(value, 1)
                elif name == b"vMerge":
                    if not seen_v:
                        seen_v = True
                        vmerge = value or "continue"
                elif not seen_h:
                    seen_h = True
                    hmerge = value or "continue"
                continue
            raise _Decline("something in a cell the scanner does not read")
        if ctx == _TBL_CTX:
            if k == G_START and m.group("sname") == b"tr":
                if s != mark and not _balanced(xml, mark, s):
                    raise _Decline("a row inside an unknown element")
                if len(trs) >= safe_io.MAX_ROWS:
                    _too_many_rows(raw.index)
                cells = []
                row = [0, 0, cells]
                trs.append(row)
                trpr_end = -1
                mark = e
                if not m.group("empty"):
                    ctx = _TR_CTX
                continue
            if k == G_END:  # </w:tbl>
                _place(trs, raw)
                if raw.n_cols == 0:
                    raise _Decline("a table without cells: its width is in the tblGrid")
                reader.after_target = raw
                reader.before = []
                ctx = _BODY_CTX
                mark = e
                continue
            raise _Decline("something in a table that is not a row")
        if ctx == _BODY_CTX:
            if k == G_PARA:
                if s != mark and not _balanced(xml, mark, s):
                    raise _Decline("a paragraph inside an unknown element")
                reader.add_paragraph(_runs_text(m.group("pruns")), _ppr_styled(m.group("ppr"), styles))
                mark = e
                continue
            if k == G_START:
                name = m.group("sname")
                if name == b"p" or name == b"tbl":
                    if s != mark and not _balanced(xml, mark, s):
                        raise _Decline("a block inside an unknown element")
                    if name == b"p":
                        if m.group("empty"):
                            reader.add_paragraph("", False)
                            mark = e
                            continue
                        ctx = _P_CTX
                        parts = []
                        p_start = e
                        seen_style = seen_level = False
                        style = level = None
                        continue
                    if len(tables) >= safe_io.MAX_TABLES:
                        raise _Decline("too many tables: the lxml walk says so")
                    raw = RawTable(index=len(tables), rows=[], n_cols=0, before=list(reader.before))
                    tables.append(raw)
                    trs = []
                    mark = e
                    if m.group("empty"):
                        reader.after_target = raw
                        reader.before = []
                    else:
                        ctx = _TBL_CTX
                    continue
            elif k == G_END and m.group("ename") == b"body":
                return
            raise _Decline("something in the body the scanner does not read")
        # _ROOT_CTX: the body must be the root's child.
        if k == G_START and m.group("sname") == b"body":
            if s != mark and not _balanced(xml, mark, s):
                raise _Decline("the body inside an unknown element")
            if m.group("empty"):
                return
            ctx = _BODY_CTX
            mark = e
            continue
        raise _Decline("no body where the scanner expected one")
    raise _Decline("the scan ended before </w:body>")


def read_docx_fast(data: bytes) -> RawDocument | None:
    """Read a .docx with the byte scanner; None when the document needs the lxml walk.

    Raises RejectedFile only where :func:`read_docx` would (an unreadable, oversized or bomb
    archive, an encrypted part); every other problem, including anything the hardened parser
    refuses, returns None so that the lxml walk reads the file and raises its own rejection.
    """
    zf = safe_io._open_zip(data, max_file=safe_io.MAX_FILE)
    with zf:
        xml = safe_io.read_member(zf, "word/document.xml")
        try:
            start = _root_end(xml)
            if not _well_formed(xml):
                return None
            styles = None
            if "word/styles.xml" in zf.namelist():
                try:
                    styles = safe_io.read_member(zf, "word/styles.xml")
                except RejectedFile:
                    return None
                if safe_io._DTD_RE.search(safe_io._prolog_text(styles)):
                    return None
            reader = _Reader(_Styles(styles))
            _scan(xml, start, reader)
        except (_Decline, RejectedFile, UnicodeDecodeError):
            return None
    return RawDocument(file_type="docx", tables=reader.tables, paragraphs=reader.paragraphs)


def read_docx(data: bytes) -> RawDocument:
    """Read a .docx file's bytes into a RawDocument (tables with provenance, paragraphs in order).

    Raises RejectedFile (see :mod:`safe_io`) when the bytes are not a readable, safe .docx.
    """
    try:
        doc = read_docx_fast(data)
    except RejectedFile:
        raise
    except Exception:  # a scanner bug must cost speed, never a file: the lxml walk reads it
        doc = None
    if doc is not None:
        return doc
    root, styles_root = safe_io.open_docx_parts(data)
    return read_document_xml(root, styles_root)


def read_document_xml(
    root: etree._Element, styles_root: etree._Element | bytes | None = None, *, structured: bool = False
) -> RawDocument:
    """Walk an already-parsed word/document.xml root (and word/styles.xml, parsed or as bytes).

    ``structured=True`` reads every table with the element-by-element scan instead of the
    single filtered pass; both give the same RawDocument (the tests check that they do).
    """
    body = root.find(BODY)
    if body is None:
        raise RejectedFile("word/document.xml has no <w:body>; the file is damaged", kind="malformed")
    reader = _Reader(_Styles(styles_root))
    reader.force_slow = structured
    reader.walk(body)
    return RawDocument(file_type="docx", tables=reader.tables, paragraphs=reader.paragraphs)
