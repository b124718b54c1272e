"""Read a PDF filing into a :class:`RawDocument`, the same shape ``docx_reader`` produces.

Tables are read by their geometry: the ruling lines and thin filled rectangles become cell rectangles
(``pdf_layer.find_tables``), and every character goes to the cell that contains its centre.  Splitting text lines
on spaces would lose blank cells and the 类 | 款 | 项 code columns; the grid keeps them.  Everything
outside the tables becomes paragraphs, and the paragraphs right above / below a table become its
``before`` (title, 编制部门 … 单位) and ``after`` (注：…), across a page break where the table opens or
closes its page.  Running headers and footers are dropped.  A table broken across pages stays one
physical table per page, but its parts share one column grid and text the break cut off inside a cell
goes back to that cell, so that ``classify`` can join the parts as the .docx has them.

Everything comes from PDFium (pypdfium2) through ``pdf_layer``: the characters a viewer shows, with
their boxes, and the ruling edges, in one pass over each page.  PDFium opens damaged files strictly and
reports a wanted password as such; a file with no character at all is a scan (pages of images) or
blank, and pages that draw text but yield no character (a corrupt embedded font) mark a damaged file,
not a scan.  Characters a viewer does not show (invisible, or in the colour of what lies under them)
are never read.
"""

from __future__ import annotations

import bisect
import io
import logging
import re
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass, field

import pypdfium2 as pdfium

from pipelines.lib import pdf_layer
from pipelines.lib.errors import RejectedFile
from pipelines.lib.model import Cell, Paragraph, RawDocument, RawTable

_log = logging.getLogger(__name__)


class _DemoteToDebug(logging.Handler):
    """Re-log pdfminer's records at DEBUG under this module's logger.

    pdfminer warns on every damaged stream and odd font ("Data-loss while decompressing corrupted
    data", "Could not get FontBBox …"); with no logging configured Python prints those to stderr in
    the middle of an ingest.  yusuan reports what matters about a file in its own words, so these are
    kept for whoever turns on DEBUG.
    """

    def emit(self, record: logging.LogRecord) -> None:
        if _log.isEnabledFor(logging.DEBUG):
            demoted = logging.makeLogRecord(record.__dict__)
            demoted.levelno, demoted.levelname = logging.DEBUG, "DEBUG"
            _log.handle(demoted)


def _quiet_pdfminer() -> None:
    pdfminer_log = logging.getLogger("pdfminer")
    if not any(isinstance(h, _DemoteToDebug) for h in pdfminer_log.handlers):
        pdfminer_log.addHandler(_DemoteToDebug())
    pdfminer_log.propagate = False
    if pdfminer_log.level == logging.NOTSET:
        # its own DEBUG chatter (every token parsed) would slow a parse many times over under a DEBUG root
        pdfminer_log.setLevel(logging.WARNING)


_quiet_pdfminer()

MAX_PAGES = 2000
# A page with this many text objects and no character is damaged, not sparse: an empty text object
# or two is harmless, a page of them means a font or a content stream could not be read.
_MIN_TEXT_OBJECTS = 5
_TEXT_OPERATOR = re.compile(rb"(?:\)|>|\])\s*(?:Tj|TJ|'|\")")

# The filings rule their tables with thin filled rectangles or lines; text-based strategies would
# invent columns from the alignment of numbers, so only drawn edges count (pdfplumber's "lines"
# strategy with these tolerances, in points; see pdf_layer.find_tables).
TABLE_SETTINGS = {"snap": 3, "join": 3, "tolerance": 3, "min_length": 3}

_EPS = 0.01  # points: below the precision of PDFium's single-precision coordinates
_GRID_TOL = 2.0  # points: cell edges closer than this are one grid line
_CONTINUATION_TOL = 3.0  # points: how far a continuation table's edges may sit from its predecessor's

SCAN_REASON = (
    "the PDF has no text layer — it is a scan; OCR is not supported yet, "
    "ask the publisher for a text PDF or a .docx"
)

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
_WIDE_PUNCT = set("“”‘’…—·")
_SENTENCE_END = set("。：:；;！？!?")
_AMOUNT = re.compile(r"^[-−]?[\d,.]+%?$")
_CODE_CUT = re.compile(r"^[A-Za-z][A-Za-z0-9]*\d$")  # a catalogue code such as A0203050, cut before its last digits
_OPENING = set("（(“‘《〈【〔[「『")  # a line never ends with these: the glyph after one moves down with it
_CLOSING = set("）)”’》〉】〕]」』，。、；：！？,.;:!?%")  # nor starts with these
_LEADER = re.compile(r"(?:…{2,}|\.{4,}|·{4,})\s*\d*\s*$")


def read_pdf(data: bytes) -> RawDocument:
    """Parse a PDF filing into tables (cells by geometry) and paragraphs.

    Raises :class:`RejectedFile` for a file that is not a PDF, is damaged or truncated, needs a
    password, has more than ``MAX_PAGES`` pages, or has no text layer (a scan).
    """
    doc = _open(data)
    try:
        layers = []
        for i in range(len(doc)):
            page = doc[i]
            try:
                layers.append(pdf_layer.read_page(page, i + 1))
            finally:
                page.close()
        _check_text(layers, data)
        scrambled = [layer.number for layer in layers if _drawn_out_of_order(layer.chars)]
        pages = [_read_page(layer) for layer in layers]
    except RejectedFile:
        raise
    except Exception as exc:  # damaged input may fail in many ways; none may escape
        raise RejectedFile(
            f"the PDF could not be parsed ({type(exc).__name__}: {exc}); it is probably damaged — "
            "fetch or export it again",
            kind="corrupt",
        ) from exc
    finally:
        doc.close()
    raw = _assemble(pages, len(layers))
    if scrambled:
        shown = ", ".join(map(str, scrambled[:10])) + (" …" if len(scrambled) > 10 else "")
        raw.notes.append(
            f"the text layer of page(s) {shown} is drawn out of reading order (the characters of a line are not "
            "drawn one after another); yusuan read those pages by the position of each character, as a viewer shows "
            "them — check a few names and figures against the PDF")
    return raw


# Share of consecutive characters (in the order the page draws them) that do not follow on the same line: a few per
# cent in the filings seen (a jump at each line end, a table drawn cell by cell: at most 0.19 in the real samples),
# nearly all in a page whose glyphs are drawn in scrambled order (0.94).
SCRAMBLED_ORDER = 0.5


def _drawn_out_of_order(chars: list[pdf_layer.Char]) -> bool:
    """Whether a page's characters are drawn in scrambled order (pdf_reader reads by position either way)."""
    inked = [c for c in chars if c.text.strip()]
    if len(inked) < 50:
        return False
    jumps = 0
    for a, b in zip(inked, inked[1:], strict=False):
        h = max(a.bottom - a.top, 1.0)
        if abs(a.top - b.top) >= h / 2 or b.x0 < a.x0 - h / 5:
            jumps += 1
    return jumps > SCRAMBLED_ORDER * (len(inked) - 1)


# ---------------------------------------------------------------------------------------------
# Gatekeeping


def _open(data: bytes) -> pdfium.PdfDocument:
    """Open what is a readable PDF of a filing's size; turn away the rest with the reason."""
    if not data:
        raise RejectedFile("the file is empty (0 bytes)", kind="empty")
    head = data[:1024]
    if b"%PDF-" not in head:
        raise RejectedFile(
            "this is not a PDF: it does not start with the %PDF- signature" + _sniff(data),
            kind="not_pdf",
        )
    if b"%%EOF" not in data[-4096:]:
        raise RejectedFile(
            "the PDF is truncated: it has no %%EOF end marker, so the download or copy was cut short; "
            "fetch the file again",
            kind="truncated",
        )
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise RejectedFile(
                "the PDF is encrypted and needs a password to open; ask the publisher for an "
                "unprotected copy",
                kind="encrypted",
            ) from exc
        if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_SECURITY:
            raise RejectedFile(
                "the PDF uses an unsupported encryption scheme; ask the publisher for an unprotected copy",
                kind="encrypted",
            ) from exc
        raise RejectedFile(
            f"the PDF is damaged and cannot be opened ({exc}); fetch or export it again", kind="corrupt"
        ) from exc
    n_pages = len(doc)
    if n_pages == 0:
        doc.close()
        raise RejectedFile("the PDF has no pages", kind="empty")
    if n_pages > MAX_PAGES:
        doc.close()
        raise RejectedFile(
            f"the PDF has {n_pages} pages, more than the {MAX_PAGES} a budget filing can have; "
            "it is not a single filing",
            kind="too_large",
        )
    return doc


def _check_text(layers: list[pdf_layer.PageLayer], data: bytes) -> None:
    """Turn away a file without a readable text layer: a scan, a blank file, or damaged text."""
    n_pages = len(layers)
    chars = sum(layer.n_chars for layer in layers)
    images = sum(layer.n_images for layer in layers if not layer.n_chars)
    # pages that draw text pdfium cannot turn into characters
    unreadable = [
        layer.number for layer in layers if not layer.n_chars and layer.n_text_objects >= _MIN_TEXT_OBJECTS
    ]
    if not chars and (unreadable or _draws_text(data)):
        raise RejectedFile(_damaged_text_reason(list(range(1, n_pages + 1)), n_pages), kind="corrupt")
    if unreadable:  # the other pages read, but these would silently lose their tables
        raise RejectedFile(_damaged_text_reason(unreadable, n_pages), kind="corrupt")
    if not chars:
        if images:
            raise RejectedFile(SCAN_REASON, kind="scan")
        raise RejectedFile(
            "the PDF has no text layer: its pages carry no text (blank, or text drawn as outlines); "
            "ask the publisher for a text PDF or a .docx",
            kind="no_text",
        )


def _damaged_text_reason(pages: list[int], n_pages: int) -> str:
    """Why a PDF whose pages draw text that yields no characters is refused: damage, not a scan."""
    if len(pages) == n_pages:
        where = "its pages draw text" if n_pages > 1 else "its page draws text"
    else:
        shown = ", ".join(map(str, pages[:10])) + (" …" if len(pages) > 10 else "")
        where = f"page{'s' if len(pages) > 1 else ''} {shown} of {n_pages} draw{'' if len(pages) > 1 else 's'} text"
    return (
        f"the PDF is damaged: {where} but none of it can be read (an embedded font or a content stream "
        "is corrupt), so it is not a scan; fetch or export it again"
    )


def _draws_text(data: bytes, max_pages: int = 50) -> bool:
    """Whether the content streams show text (Tj, TJ, ', "), or a page names fonts but its content stream
    is corrupt.

    Only asked when pdfium found no character at all: such a file was made to carry text, so it is
    damaged rather than scanned.  Fonts alone prove nothing (templates declare them on blank pages),
    but fonts beside a content stream that does not decompress do.  pdfminer decompresses what it can
    of a corrupt stream; any error it raises means no evidence either way.
    """
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        for k, page in enumerate(PDFPage.create_pages(document)):
            if k >= max_pages:
                break
            resources = resolve1(page.resources) or {}
            fonts = isinstance(resources, dict) and bool(resolve1(resources.get("Font")))
            for ref in page.contents or []:
                stream = resolve1(ref)
                if fonts and _corrupt_flate(stream):
                    return True
                if _TEXT_OPERATOR.search(stream.get_data()):
                    return True
    except Exception:  # damaged input: pdfminer raises many unrelated types
        return False
    return False


def _corrupt_flate(stream: object) -> bool:
    """A Flate-compressed stream whose bytes do not inflate to the end."""
    raw = getattr(stream, "rawdata", None)
    filters = [str(f).strip("/'") for f, _ in stream.get_filters()] if raw is not None else []
    if not filters or filters[0] not in ("FlateDecode", "Fl"):
        return False
    inflater = zlib.decompressobj()
    try:
        inflater.decompress(raw)
    except zlib.error:
        return True
    return not inflater.eof


def _sniff(data: bytes) -> str:
    """Name a few common look-alikes so the operator knows what was sent instead."""
    if data.startswith(b"PK\x03\x04"):
        return " (it is a ZIP container, e.g. .docx or .xlsx)"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return " (it is a legacy Office file, e.g. .doc or .xls)"
    if data.lstrip()[:1] == b"<":
        return " (it looks like HTML or XML, e.g. an error page saved in its place)"
    return ""


# ---------------------------------------------------------------------------------------------
# One page


@dataclass(slots=True)
class _Line:
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
class _PCell:
    text: str
    bbox: tuple[float, float, float, float]
    # Where the text sits, to tell text cut by a page break from text that simply ends.
    first_x0: float = 0.0  # left end of the first text line
    first_w: float = 0.0  # width of the first word: one Chinese character, or a run of Latin letters/digits
    last_x1: float = 0.0  # right end of the last text line


@dataclass(slots=True)
class _PTable:
    page: int
    bbox: tuple[float, float, float, float]
    cells: list[_PCell]
    xs: list[float] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)


@dataclass(slots=True)
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line]
    tables: list[_PTable]


def _read_page(page: pdf_layer.PageLayer) -> _Page:
    """Find the ruled tables of one page, fill their cells, and collect the remaining text lines."""
    # _line_text drops the same glyph painted twice at one spot (fake bold).
    chars = page.chars
    tables: list[_PTable] = []
    if page.painted:
        for bbox, cells in pdf_layer.find_tables(page.edges, **TABLE_SETTINGS):
            if len(cells) < 2:
                continue  # a lone framed box is a text frame, not a table
            tables.append(_PTable(page.number, bbox, [_PCell("", b) for b in cells]))
    tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))

    free: list[pdf_layer.Char] = []
    in_cell: dict[tuple[int, int], list[pdf_layer.Char]] = {}
    finders = [_CellFinder(t) for t in tables]
    for ch in chars:
        cx = (ch.x0 + ch.x1) / 2
        cy = (ch.top + ch.bottom) / 2
        placed = False
        for ti, table in enumerate(tables):
            x0, top, x1, bottom = table.bbox
            if not (x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1):
                continue
            ci = finders[ti].find(cx, cy)
            if ci is not None:
                in_cell.setdefault((ti, ci), []).append(ch)
            placed = True  # inside a table but between cells: rules drawn over text; not narrative
            break
        if not placed:
            free.append(ch)
    for (ti, ci), cs in in_cell.items():
        cell = tables[ti].cells[ci]
        grouped = _cluster_lines(cs)
        cell.text = _join_lines([_line_text(line) for line in grouped])
        inked = [v for v in ([c for c in line if c.text.strip()] for line in grouped) if v]
        if inked:
            cell.first_x0 = inked[0][0].x0
            cell.first_w = _first_word_width(inked[0])
            cell.last_x1 = max(c.x1 for c in inked[-1])
    tables = [t for t in tables if any(c.text for c in t.cells) or len(t.cells) > 2]
    lines = []
    for group in _cluster_lines(free):
        text = _line_text(group)
        if not text:
            continue
        sizes = Counter(round(c.size, 1) for c in group if c.text.strip())
        lines.append(
            _Line(
                text,
                min(c.x0 for c in group),
                max(c.x1 for c in group),
                min(c.top for c in group),
                max(c.bottom for c in group),
                sizes.most_common(1)[0][0] if sizes else 0.0,
                page.number,
                page.width,
                page.height,
            )
        )
    return _Page(page.number, page.width, page.height, lines, tables)


class _CellFinder:
    """The first cell (in the table's order) holding a point, found through the table's grid lines
    instead of a scan of every cell: one lookup per character."""

    def __init__(self, table: _PTable) -> None:
        self.cells = [c.bbox for c in table.cells]
        self.xs = sorted({v for b in self.cells for v in (b[0], b[2])})
        self.ys = sorted({v for b in self.cells for v in (b[1], b[3])})
        self.slots: dict[tuple[int, int], int] = {}
        for ci, (x0, top, x1, bottom) in enumerate(self.cells):
            for i in range(bisect.bisect_left(self.xs, x0), bisect.bisect_left(self.xs, x1)):
                for j in range(bisect.bisect_left(self.ys, top), bisect.bisect_left(self.ys, bottom)):
                    self.slots.setdefault((i, j), ci)

    def find(self, x: float, y: float) -> int | None:
        i = bisect.bisect_right(self.xs, x) - 1
        j = bisect.bisect_right(self.ys, y) - 1
        on_line = (0 <= i and self.xs[i] == x) or (0 <= j and self.ys[j] == y)
        if on_line:  # on a cell edge: it belongs to the first cell that has it, as the scan found it
            return next(
                (ci for ci, (x0, top, x1, bottom) in enumerate(self.cells) if x0 <= x <= x1 and top <= y <= bottom),
                None,
            )
        return self.slots.get((i, j))


def _cluster_lines(chars: list[pdf_layer.Char]) -> list[list[pdf_layer.Char]]:
    """Group characters into visual lines: a character whose middle falls inside a line's band joins it."""
    lines: list[list[pdf_layer.Char]] = []
    bands: list[list[float]] = []
    for ch in sorted(chars, key=lambda c: (c.top, c.x0)):
        mid = (ch.top + ch.bottom) / 2
        placed = False
        for k in range(len(bands) - 1, -1, -1):
            if bands[k][0] <= mid <= bands[k][1]:
                lines[k].append(ch)
                placed = True
                break
            if bands[k][1] < ch.top - 50:
                break  # sorted by top: bands this far above cannot take it
        if not placed:
            lines.append([ch])
            bands.append([ch.top, ch.bottom])
    for line in lines:
        line.sort(key=lambda c: c.x0)
    return lines


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
    prev: pdf_layer.Char | None = None
    pending_space = False
    for ch in chars:
        t = ch.text
        if not t.strip():
            pending_space = pending_space or prev is not None
            continue
        if prev is not None:
            if t == prev.text and abs(ch.x0 - prev.x0) < 0.5:
                continue  # the same glyph painted twice (fake bold)
            gap = ch.x0 - prev.x1
            size = max(ch.size, prev.size, 1.0)
            a, b = prev.text[-1], t[0]
            # _EPS: PDFium's coordinates are single precision; a gap of exactly one em is no gap
            if gap > size + _EPS:
                out.append(" ")  # separate chunks on one line: 编制部门：… 单位：元
            elif pending_space:
                out.append(" ")  # a space the file spells out, as a .docx would keep it
            elif gap > 0.3 * size + _EPS and not (_wide(a) and _wide(b)):
                out.append(" ")  # letter-spaced Chinese gets no invented spaces
        out.append(t)
        prev = ch
        pending_space = False
    return "".join(out).strip()


def _join_lines(parts: list[str]) -> str:
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


# ---------------------------------------------------------------------------------------------
# The whole document


def _assemble(pages: list[_Page], n_pages: int) -> RawDocument:
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
        run: list[str] = []
        for page2, _t2, kind2, pi in reversed(stream[:k]):
            if kind2 != "p" or page2 not in (page, page - 1) or pi in taken:
                break
            if page2 != page and any(s[0] == page and s[1] < top for s in stream[:k]):
                break
            run.append(paragraphs[pi].text)
        before[ti] = run[::-1]

    tables = [_raw_table(i, t, before[i], after[i]) for i, t in enumerate(ptables)]
    return RawDocument(file_type="pdf", tables=tables, paragraphs=paragraphs, pages=n_pages)


def _drop_running_lines(pages: list[_Page]) -> None:
    """Drop running headers and footers: a line in the top or bottom margin band that recurs, at the same
    height and with the same words (page numbers aside), on at least half the pages.

    LibreOffice prints a .docx's page header on every page (the synthetic samples mark themselves there);
    left in, it would stand between a table and its continuation on the next page, and above every title.
    """
    if len(pages) < 2:
        return

    def band(line: _Line) -> bool:
        # 15 % of the page, but at least an inch: on a short page the header sits lower than 15 % of it
        edge = max(line.page_height * 0.15, 72.0)
        return line.bottom < edge or line.top > line.page_height - edge

    def sig(line: _Line) -> tuple[str, int]:
        return re.sub(r"\d+", "#", line.text), round(line.top)

    pages_with: Counter[tuple[str, int]] = Counter()
    for page in pages:
        pages_with.update({sig(ln) for ln in page.lines if band(ln)})
    need = max(2, (len(pages) + 1) // 2)
    for page in pages:
        page.lines = [ln for ln in page.lines if not (band(ln) and pages_with[sig(ln)] >= need)]


def _body_size(pages: list[_Page]) -> float:
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 12.0


def _is_page_number(line: _Line) -> bool:
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


def _paragraphs(pages: list[_Page], body_size: float) -> tuple[list[Paragraph], list[tuple[int, float]]]:
    """Join narrative lines into paragraphs and attach each to the heading it sits under."""
    blocks: list[list[_Line]] = []  # lines of one paragraph
    prev: _Line | None = None
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
        text = _join_lines([ln.text for ln in block])
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


def _ends_paragraph(line: _Line, right: float, left: float) -> bool:
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


def _is_centered_on_page(line: _Line) -> bool:
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


def _grid(tables: list[_PTable], pages: list[_Page]) -> None:
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
    members: dict[int, list[_PTable]] = {}
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


def _continuations(pages: list[_Page]) -> list[tuple[_PTable, _PTable]]:
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
        if abs(t.bbox[0] - prev.bbox[0]) > _CONTINUATION_TOL or abs(t.bbox[2] - prev.bbox[2]) > _CONTINUATION_TOL:
            continue
        out.append((prev, t))
    return out


def _subset(small: list[float], big: list[float]) -> bool:
    """Every line of ``small`` lies on a line of ``big``."""
    return all(min(abs(x - b) for b in big) <= _CONTINUATION_TOL for x in small)


def _rejoin_cut_text(prev: _PTable, t: _PTable) -> None:
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
    for cell in first:
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
        if (
            same_edges
            and above.text
            # amounts are not broken over lines; a code is (A0203050 / 0): digits after a letter-led code
            and (not _AMOUNT.match(cell.text) or _CODE_CUT.match(above.text) and cell.text.isdigit())
            and above.bbox[2] - pad - above.last_x1 < cell.first_w * _unbreakable(cell.text)
        ):
            moves.append((above, cell))
        elif same_edges or not inside:
            return  # a row of its own
    if not moves:
        return
    for above, cell in moves:
        above.text = _join_lines([above.text, cell.text])
        above.last_x1 = cell.last_x1
        cell.text = ""
    # the first row left empty by the moves is dropped, merged cells that ran on below it too (a header
    # cell over two rows: its text went back to the page before, its lower part holds nothing)
    if all(not c.text for c in first) and len(first) < len(t.cells):
        t.cells = [c for c in t.cells if c not in first]
        t.bbox = (t.bbox[0], min(c.bbox[1] for c in t.cells), t.bbox[2], t.bbox[3])


def _blank_split(last: list[_PCell], first: list[_PCell]) -> bool:
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


def _raw_table(index: int, t: _PTable, before: list[str], after: list[str]) -> RawTable:
    rows: list[list[Cell]] = [[] for _ in range(max(len(t.ys) - 1, 1))]
    for c in t.cells:
        x0, top, x1, bottom = c.bbox
        col, col_end = _index(t.xs, x0), _index(t.xs, x1)
        row, row_end = _index(t.ys, top), _index(t.ys, bottom)
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
