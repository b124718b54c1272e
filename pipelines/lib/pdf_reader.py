"""Read a PDF filing into a :class:`RawDocument`, the same shape ``docx_reader`` produces.

Tables are read by their geometry: the ruling lines and thin filled rectangles become cell rectangles
(``pdf_tables.find_tables``), and every character goes to the cell that contains its centre.  Splitting text lines
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

The work is done in rooms: ``pdf_layer`` (one page's characters and ruling edges from PDFium),
``pdf_tables`` (pdfplumber's table finder on those edges), ``pdf_page`` (one page's tables with their cells
filled, and its text lines), ``pdf_document`` (paragraphs, tables across page breaks, before / after lines).
This module opens the file, turns away what cannot be read, and runs the rest.
"""

from __future__ import annotations

import io
import logging
import re
import zlib

import pypdfium2 as pdfium

from pipelines.lib import pdf_document, pdf_layer, pdf_page
from pipelines.lib.errors import RejectedFile
from pipelines.lib.model import RawDocument

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


SCAN_REASON = (
    "the PDF has no text layer — it is a scan; OCR is not supported yet, "
    "ask the publisher for a text PDF or a .docx"
)



def read_pdf(data: bytes) -> RawDocument:
    """Parse a PDF filing into tables (cells by geometry) and paragraphs.

    Raises :class:`RejectedFile` for a file that is not a PDF, is damaged or truncated, needs a
    password, has more than ``MAX_PAGES`` pages, or has no text layer (a scan).
    """
    stand_in = pdf_layer.cjk_stand_in()
    unembedded: set[str] = set()  # fonts printed in but not embedded, when this machine has no Chinese stand-in
    doc = _open(data)
    try:
        layers = []
        for i in range(len(doc)):
            page = doc[i]
            try:
                layers.append(pdf_layer.read_page(page, i + 1))
                if not stand_in:
                    unembedded |= pdf_layer.unembedded_fonts(page)
            finally:
                page.close()
        _check_text(layers, data)
        scrambled = [layer.number for layer in layers if _drawn_out_of_order(layer.chars)]
        pages = pdf_page.mend_breaks(layers, [pdf_page.build_page(layer) for layer in layers])
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
    stray = [(page.number, page.stray) for page in pages if page.stray]
    raw = pdf_document.assemble(pages, len(layers))
    raw.stray = [(page.number, label, figures) for page in pages for label, figures in page.stray_rows]
    if stray:
        shown = _first_ten(f"{n} on p.{p}" for p, n in stray)
        raw.notes.append(
            f"{sum(n for _, n in stray)} figure(s) printed in rows outside any table yusuan could read ({shown}): the "
            "page rules no table around them and they are too few to align into columns, so they are not in the "
            "warehouse — check those pages against the PDF")
    scanned = [layer.number for layer in layers if not layer.n_chars and layer.n_images]
    if scanned:  # (a file with no text at all was turned away above as a scan)
        shown = _first_ten(scanned)
        raw.notes.append(
            f"page(s) {shown} of {len(layers)} carry no text layer, only an image (scanned): whatever tables they "
            "print are not read, and are not in the warehouse — OCR those pages (or ask the publisher for a text "
            "PDF or a .docx) and ingest the file again")
    if unembedded:
        raw.notes.append(
            f"the PDF prints text in font(s) it does not embed ({', '.join(sorted(unembedded)[:5])}), and this machine "
            "has no Chinese font to draw them with: a cell holding a single Chinese character (无, 是 …) then reads "
            "blank — install one (Debian/Ubuntu: sudo apt install fonts-noto-cjk; Windows and macOS have them) and "
            "ingest the file again")
    sideways = [layer.number for layer in layers if layer.sideways]
    if sideways:
        shown = _first_ten(sideways)
        raw.notes.append(
            f"page(s) {shown} of {len(layers)} print their text turned on its side (a landscape page drawn on an "
            "upright one without turning it: a viewer shows it sideways); yusuan read them turned upright — check a "
            "few of their figures against the PDF")
        scrambled = [n for n in scrambled if n not in sideways]  # (turned text is out of order as shown, of course)
    if scrambled:
        shown = _first_ten(scrambled)
        raw.notes.append(
            f"the text layer of page(s) {shown} is drawn out of reading order (the characters of a line are not "
            "drawn one after another); yusuan read those pages by the position of each character, as a viewer shows "
            "them — check a few names and figures against the PDF")
    return raw


def _first_ten(items) -> str:
    """The first ten of ``items`` (pages, or figures by page) as a message names them, "…" when there are more."""
    items = [str(item) for item in items]
    return ", ".join(items[:10]) + (" …" if len(items) > 10 else "")


# Share of consecutive characters (in the order the page draws them) that do not follow on the same line: a few per
# cent in the filings seen (a jump at each line end, a table drawn cell by cell: at most 0.19 in the real samples),
# nearly all in a page whose glyphs are drawn in scrambled order (0.94).
SCRAMBLED_ORDER = 0.5


def _drawn_out_of_order(chars: list[pdf_layer.Char]) -> bool:
    """Whether a page's characters are drawn in scrambled order (pdf_reader reads by position either way)."""
    inked = [c for c in chars if c.text.strip()]
    if len(inked) < 50:
        return False
    total = len(inked) - 1  # pairs of consecutive characters
    limit = SCRAMBLED_ORDER * total
    jumps = done = 0
    # pairs are looked at only until the answer is known: a page in order (a few jumps) is decided after about
    # half of them, when even a jump at every remaining pair could no longer pass the limit
    while done < total:
        if jumps > limit:
            return True
        if jumps + (total - done) <= limit:
            return False
        stop = min(total, max(done + 1, int(total - limit + jumps) + 1))
        # (text, x0, x1, top, bottom, size) unpacked: a page's every character, twice
        for (_, ax0, _, atop, abottom, _), (_, bx0, _, btop, _, _) in zip(
            inked[done:stop], inked[done + 1 : stop + 1], strict=True
        ):
            h = abottom - atop
            if 1.0 > h:  # max(h, 1.0), written out
                h = 1.0
            if abs(atop - btop) >= h / 2 or bx0 < ax0 - h / 5:
                jumps += 1
        done = stop
    return jumps > limit


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
        shown = _first_ten(pages)
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
