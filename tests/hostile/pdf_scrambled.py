"""Build a PDF whose text layer is in scrambled order: every glyph of every page drawn by its own text-show
operator at its own place, the draws shuffled.  The page looks the same, but the text in the order it is
drawn is every line in pieces (what some PDF generators and obfuscators write).

Made from a clean sample rendered by LibreOffice, whose content streams draw text as
``q <colour> rg BT … /Fn size Tf <codes>Tj … ET Q`` (or ``[<c>k<c>…]TJ``) in one-byte fonts.  Each show
operator is one PDFium text object; the origin of each of its glyphs is PDFium's (one character per code; a
run where PDFium reports another count, a ligature, is drawn whole at its own matrix).  The rewritten file is
re-saved by PDFium so its lengths and cross-reference table are sound.
"""

from __future__ import annotations

import ctypes
import io
import random
import re
import zlib

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

_STREAM = re.compile(rb"(?<![0-9])(?P<num>\d+) 0 obj\s*<<[^>]*/FlateDecode>>\s*stream\r?\n(?P<data>.*?)\r?\nendstream",
                     re.S)
_KIDS = re.compile(rb"/Type/Pages.*?/Kids\[(?P<kids>[^\]]*)\]", re.S)
_BLOCK = re.compile(rb"q (?P<pre>[^qQ]*?)BT(?P<body>.*?)ET\s*Q", re.S)
_OPS = re.compile(rb"(?P<tf>/\w+ [\d.]+ Tf)|(?P<show>\[[^\]]*\]\s*TJ|<[0-9A-Fa-f]*>\s*Tj)")
_CODES = re.compile(rb"<([0-9A-Fa-f]*)>")


def _runs(data: bytes) -> list[list[tuple[tuple, list[tuple[float, float]]]]]:
    """Per page, per text object in drawing order: (its matrix, the origins of its characters)."""
    doc = pdfium.PdfDocument(data)
    pages = []
    x, y = ctypes.c_double(), ctypes.c_double()
    for i in range(len(doc)):
        page = doc[i]
        tp = pdfium_c.FPDFText_LoadPage(page.raw)
        chars: dict[int, list] = {}
        for k in range(pdfium_c.FPDFText_CountChars(tp)):
            if pdfium_c.FPDFText_IsGenerated(tp, k) == 1:
                continue
            obj = pdfium_c.FPDFText_GetTextObject(tp, k)
            if obj:
                pdfium_c.FPDFText_GetCharOrigin(tp, k, x, y)
                chars.setdefault(ctypes.cast(obj, ctypes.c_void_p).value, []).append((x.value, y.value))
        runs = []
        m = pdfium_c.FS_MATRIX()
        for j in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
            obj = pdfium_c.FPDFPage_GetObject(page.raw, j)
            if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_TEXT:
                pdfium_c.FPDFPageObj_GetMatrix(obj, m)
                runs.append(((m.a, m.b, m.c, m.d, m.e, m.f), chars.get(ctypes.cast(obj, ctypes.c_void_p).value, [])))
        pdfium_c.FPDFText_ClosePage(tp)
        page.close()
        pages.append(runs)
    doc.close()
    return pages


def scramble(data: bytes, seed: int = 11) -> bytes:
    """``data`` with each page's glyphs drawn one by one in random order (same look, scrambled text layer)."""
    runs_of = _runs(data)
    rng = random.Random(seed)
    streams = {int(m.group("num")): m for m in _STREAM.finditer(data)}
    page_dicts = {int(m.group(1)): int(m.group(2)) for m in re.finditer(
        rb"(?<![0-9])(\d+) 0 obj\s*<</Type/Page/[^>]*?/Contents (\d+) 0 R", data)}
    kids = [int(k) for k in re.findall(rb"(\d+) 0 R", _KIDS.search(data).group("kids"))]
    pages = [(streams[page_dicts[k]], zlib.decompress(streams[page_dicts[k]].group("data"))) for k in kids]
    if len(pages) != len(runs_of):
        raise ValueError(f"{len(pages)} pages listed for {len(runs_of)} pages: not a layout this builder knows")
    pages_in_file = sorted(zip(pages, runs_of, strict=True), key=lambda pr: pr[0][0].start())
    out = data
    for (m, content), runs in reversed(pages_in_file):
        draws: list[bytes] = []
        queue = iter(runs)

        def one_by_one(block: re.Match, queue=queue, draws=draws) -> bytes:
            font = b""
            for op in _OPS.finditer(block.group("body")):
                if op.group("tf"):
                    font = op.group("tf")
                    continue
                show = op.group("show")
                codes = [h[i:i + 2] for h in _CODES.findall(show) for i in range(0, len(h), 2)]
                matrix, origins = next(queue)
                head = b"q " + block.group("pre") + b"BT "
                if len(origins) == len(codes):
                    for code, (gx, gy) in zip(codes, origins, strict=True):
                        draws.append(head + b"%.3f %.3f Td " % (gx, gy) + font + b" <" + code + b">Tj ET Q\n")
                else:  # a ligature: the run whole, where it was
                    draws.append(head + b"%.4f %.4f %.4f %.4f %.3f %.3f Tm " % matrix + font + b" " + show
                                 + b" ET Q\n")
            return b""

        rest = _BLOCK.sub(one_by_one, content)
        if next(queue, None) is not None or b"BT" in rest:
            raise ValueError("a page draws text this builder does not understand")
        rng.shuffle(draws)
        packed = zlib.compress(rest + b"\n" + b"".join(draws))
        out = out[: m.start("data")] + packed + out[m.end("data"):]
    # the stream lengths and cross-reference offsets are now wrong: PDFium repairs them on opening, and its
    # save writes them anew
    doc = pdfium.PdfDocument(out)
    buf = io.BytesIO()
    doc.save(buf)
    doc.close()
    return buf.getvalue()
