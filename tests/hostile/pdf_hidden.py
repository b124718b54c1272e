"""Build hostile PDFs from a clean sample: a minus sign put in front of every amount of every table,
drawn so that a viewer does not show it (or, for the control, so that it does).

The PDFs are made for real with PDFium's own page-object API (pypdfium2): a Helvetica text object
"-" per amount, with its render mode and fill colour set, written into the page's content stream
(``FPDFPage_GenerateContent``) and saved — what a forger's tool or a careless template would write.
"""

from __future__ import annotations

import ctypes
import io
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipelines.lib import pdf_layer, pdf_page, pdf_tables

SAMPLE = (
    Path(__file__).resolve().parents[2] / "data" / "samples_pdf" / "河北省" / "邯郸市" / "魏县" / "2022"
    / "202_魏县人民政府办公室_2022.pdf"
)

# How the minus is drawn: render mode, fill colour, and whether a filled box of that colour is put
# under it first (text in the colour of what lies under it).
MODES = {
    "visible": (pdfium_c.FPDF_TEXTRENDERMODE_FILL, (0, 0, 0), False),  # the control: read, negates
    "invisible": (pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE, (0, 0, 0), False),  # render mode 3
    "clip_only": (pdfium_c.FPDF_TEXTRENDERMODE_CLIP, (0, 0, 0), False),  # render mode 7
    "white": (pdfium_c.FPDF_TEXTRENDERMODE_FILL, (255, 255, 255), False),  # white on the white page
    "on_its_colour": (pdfium_c.FPDF_TEXTRENDERMODE_FILL, (204, 232, 255), True),  # light blue on light blue
    "white_on_black": (pdfium_c.FPDF_TEXTRENDERMODE_FILL, (255, 255, 255), "black"),  # shows: read
}


def _amount_starts(layer: pdf_layer.PageLayer) -> list[pdf_layer.Char]:
    """The first character of every number printed in a ruled table of the page."""
    tables = [bbox for bbox, _cells in pdf_tables.find_tables(layer.edges, **pdf_page.TABLE_SETTINGS)]
    starts = []
    for line in pdf_page.cluster_lines([c for c in layer.chars if c.text.strip()]):
        prev = None
        for ch in line:
            if ch.text.isdigit() and (prev is None or not (prev.text.isdigit() or prev.text in ",.")
                                      or ch.x0 - prev.x1 > 2):
                cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
                if any(x0 < cx < x1 and top < cy < bottom for x0, top, x1, bottom in tables):
                    starts.append(ch)
            prev = ch
    return starts


def minus_before_amounts(mode: str, data: bytes | None = None) -> tuple[bytes, int]:
    """The sample with a "-" before every table amount, drawn as ``mode`` says; and how many."""
    render, rgb, box = MODES[mode]
    doc = pdfium.PdfDocument(data if data is not None else SAMPLE.read_bytes())
    font = pdfium_c.FPDFText_LoadStandardFont(doc.raw, b"Helvetica")
    text = (ctypes.c_ushort * 2)(ord("-"), 0)  # UTF-16, NUL-terminated
    n = 0
    for i in range(len(doc)):
        page = doc[i]
        layer = pdf_layer.read_page(page, i + 1)
        height = layer.height
        for ch in _amount_starts(layer):
            size = ch.size
            width = 0.333 * size  # Helvetica's hyphen
            x = ch.x0 - width - 0.2
            baseline = height - ch.bottom + 0.2 * size
            if box:
                # a filled oval under the minus (an oval: a box would add ruling edges to the table)
                fill = (0, 0, 0) if box == "black" else rgb
                cx, cy, rx, ry = x + width / 2, baseline + 0.25 * size, width, 0.45 * size
                blob = pdfium_c.FPDFPageObj_CreateNewPath(cx + rx, cy)
                for (x1, y1), (x2, y2), (x3, y3) in (
                    ((cx + rx, cy + ry), (cx + rx, cy + ry), (cx, cy + ry)),
                    ((cx - rx, cy + ry), (cx - rx, cy + ry), (cx - rx, cy)),
                    ((cx - rx, cy - ry), (cx - rx, cy - ry), (cx, cy - ry)),
                    ((cx + rx, cy - ry), (cx + rx, cy - ry), (cx + rx, cy)),
                ):
                    pdfium_c.FPDFPath_BezierTo(blob, x1, y1, x2, y2, x3, y3)
                pdfium_c.FPDFPath_Close(blob)
                pdfium_c.FPDFPageObj_SetFillColor(blob, *fill, 255)
                pdfium_c.FPDFPath_SetDrawMode(blob, pdfium_c.FPDF_FILLMODE_WINDING, 0)
                pdfium_c.FPDFPage_InsertObject(page.raw, blob)
            obj = pdfium_c.FPDFPageObj_CreateTextObj(doc.raw, font, size)
            pdfium_c.FPDFText_SetText(obj, text)
            pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, baseline)
            pdfium_c.FPDFTextObj_SetTextRenderMode(obj, render)
            pdfium_c.FPDFPageObj_SetFillColor(obj, *rgb, 255)
            pdfium_c.FPDFPage_InsertObject(page.raw, obj)
            n += 1
        pdfium_c.FPDFPage_GenerateContent(page.raw)
        page.close()
    out = io.BytesIO()
    doc.save(out)
    doc.close()
    return out.getvalue(), n
