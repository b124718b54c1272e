"""Text a viewer does not show because of where it is drawn: outside its clip path or outside the page.

A hand-written PDF (Helvetica, one page of 200 × 200 pt), each case a text object under a clip rectangle
(``re W n``) as exporters write a table cell, read by ``pdf_layer.read_page`` (PDFium).  What a viewer shows
is read; a line wholly outside its clip, or off the page, is not; a line its clip cuts through is read whole
(a label running past its cell's edge), but never a minus or a digit the clip hides beside a figure.
"""

from __future__ import annotations

import pypdfium2 as pdfium

from pipelines.lib import pdf_layer, pdf_page

CONTENT = b"""
q 14 100 66 20 re W n BT /F1 10 Tf 10 105 Td (-714.85) Tj ET Q
q 20 60 40 20 re W n BT /F1 10 Tf 22 65 Td (Salaries and wages) Tj ET Q
q 20 140 60 20 re W n BT /F1 10 Tf 22 145 Td (shown) Tj 0 -30 Td (below its cell) Tj ET Q
BT /F1 10 Tf 20 -50 Td (off the page) Tj ET
BT /F1 10 Tf 120 20 Td (plain) Tj ET
"""


def _pdf(content: bytes) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _lines(layer: pdf_layer.PageLayer) -> list[str]:
    return ["".join(c.text for c in line) for line in pdf_page.cluster_lines(layer.chars)]


def test_what_the_clip_and_the_page_hide_is_not_read():
    doc = pdfium.PdfDocument(_pdf(CONTENT))
    layer = pdf_layer.read_page(doc[0], 1)
    lines = _lines(layer)
    # the minus left of the clip beside a figure that shows: the figure as shown
    assert "714.85" in lines and "-714.85" not in lines
    # a label cut at its cell's right edge: read whole
    assert "Salaries and wages" in lines
    # the cell's first line shows; its second, below the cell, does not, nor the line below the page
    assert "shown" in lines
    assert not [t for t in lines if "below" in t or "off" in t]
    assert "plain" in lines
    # each character left out is counted: '-', 'below its cell' (14), 'off the page' (12)
    assert layer.hidden == 1 + len("below its cell") + len("off the page")


def test_without_the_clips_every_line_is_read():
    """The control: the same text with the clip operators taken out is all read (the test above can fail)."""
    doc = pdfium.PdfDocument(_pdf(CONTENT.replace(b" re W n", b" re n").replace(b"20 -50 Td", b"20 30 Td")))
    lines = _lines(pdf_layer.read_page(doc[0], 1))
    assert "-714.85" in lines and "below its cell" in lines and "off the page" in lines
