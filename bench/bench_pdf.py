"""PDF reading speed against the text-layer floor, on the shipped sample PDFs and the real filings.

Prints, for one corpus in one run (one core, CPU seconds, best of --repeat; the machine is shared, and CPU
seconds are what a busy machine does not stretch):

- floor:   pypdfium2 (PDFium, C) opening each page and giving every character with its box;
- floor+lines: the same, plus the ruling lines the table finder needs — every path object's matrix and every
           path segment's type and point (into forms) — the least any reader of these tables must do (issue #13:
           "characters with boxes, plus the ruling lines");
- calls:   every call into PDFium that yusuan's layer makes (per page object, text object, path, segment and
           character: ~5,200 a page), made the way ``pdf_pdfium`` makes them, and nothing done with what they
           return — the least a reader of this design (Python calling PDFium per character and per object) takes;
           yusuan minus this is the Python that builds characters, edges, tables and paragraphs;
- yusuan:  ``pdf_reader.read_pdf`` (checks, characters, ruling lines, tables, paragraphs);
- ratio:   yusuan / floor+lines (the target is ≤ 3×), yusuan / floor, and yusuan / calls;
- where yusuan's time goes, by phase: opening the file; PDFium loading each page and its text page (which the
  floor pays too); the walk over page objects (paths → ruling edges, each text object's render mode and
  colour); the characters (PDFium's text, origin and box of each, its text object's matrix, size and font;
  hidden glyphs left out); finding tables; and the cells, lines and paragraphs pdf_reader builds on top — with
  the ctypes calls each phase makes, which is what stands between yusuan and the floor;
- for comparison, the old path: pdfplumber's ``extract_words`` + ``find_tables`` alone (if installed).

Measured (2026-12-02 late evening, the 45 sample and real PDFs, 1,158 pages, best of 3, alternating with 0734864):
floor 1.25 ms/page, floor + lines 1.84, calls alone 2.05; yusuan 5.07–5.11 → 4.74–4.75 (2.77 → 2.57× floor + lines);
by phase (ms/page, before → after) load page + text page 0.93 → 0.93, page objects 0.88 → 0.89 (2,379 calls),
characters 1.63 → 1.47 (3,072 → 2,956 calls), find tables 0.37 → 0.31, cells, lines, paragraphs 1.09 → 0.95.
The Python beyond the calls is ~2.7 ms/page, flat across the phases (docs/scaling.md).

Run: .venv/bin/python bench/bench_pdf.py [--repeat N] [--no-pdfplumber] [PDF ...]
"""

from __future__ import annotations

import argparse
import ctypes
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402
import pypdfium2.raw as pdfium_c  # noqa: E402

from pipelines.lib import pdf_document, pdf_layer, pdf_page, pdf_pdfium, pdf_reader, pdf_tables  # noqa: E402
from pipelines.lib.errors import RejectedFile  # noqa: E402

SAMPLES = ROOT / "data" / "samples_pdf"
REAL = ROOT.parent / "shared" / "real_samples"


def _floor(data: bytes, extra=None) -> int:
    """Open the document and every page; every character's text and box, and ``extra(page)`` where given.
    Returns the characters plus what ``extra`` counts."""
    doc = pdfium.PdfDocument(data)
    n = 0
    box = [ctypes.c_double() for _ in range(4)]
    for i in range(len(doc)):
        page = doc[i]
        tp = page.get_textpage()
        count = tp.count_chars()
        tp.get_text_range(0, count)
        for k in range(count):
            pdfium_c.FPDFText_GetCharBox(tp.raw, k, *box)
        n += count + (extra(page) if extra is not None else 0)
        tp.close()
        page.close()
    doc.close()
    return n


def floor(data: bytes) -> int:
    """Open the document and every page; every character's text and box.  Returns the characters."""
    return _floor(data)


def floor_lines(data: bytes) -> int:
    """:func:`floor`, plus the raw material of the ruling lines: every path object's matrix and every path
    segment's type and point, into form objects.  Returns the characters and segments."""
    x, y = ctypes.c_float(), ctypes.c_float()
    matrix = pdfium_c.FS_MATRIX()

    def objects(count: int, get) -> int:
        segments = 0
        for k in range(count):
            obj = get(k)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
                for j in range(pdfium_c.FPDFPath_CountSegments(obj)):
                    seg = pdfium_c.FPDFPath_GetPathSegment(obj, j)
                    pdfium_c.FPDFPathSegment_GetType(seg)
                    pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
                    segments += 1
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
                segments += objects(pdfium_c.FPDFFormObj_CountObjects(obj),
                                    lambda j, form=obj: pdfium_c.FPDFFormObj_GetObject(form, j))
        return segments

    return _floor(data, lambda page: objects(pdfium_c.FPDFPage_CountObjects(page.raw),
                                             lambda j, raw=page.raw: pdfium_c.FPDFPage_GetObject(raw, j)))


def floor_calls(data: bytes) -> int:
    """Every page opened with its text page, making the calls into PDFium that ``pdf_layer`` makes — per page
    object, text object, path, path segment and character, as cheaply as ``pdf_pdfium`` makes them — and doing
    nothing else with what they return: what the calls alone cost, the least a reader of this design takes.
    Returns the calls made."""
    C = pdf_pdfium
    doc = pdfium.PdfDocument(data)
    calls = 0
    m = C.MatrixArray()
    m_ref = ctypes.byref(m)
    rgba = (ctypes.c_uint * 4)()
    rgba_refs = tuple(ctypes.byref(rgba, 4 * k) for k in range(4))
    bounds_refs = tuple(ctypes.byref(rgba, 4 * k) for k in range(4))  # the same bytes: nothing is kept
    modes = (ctypes.c_int(), ctypes.c_int())
    modes_refs = tuple(ctypes.byref(v) for v in modes)
    fx, fy = ctypes.c_float(), ctypes.c_float()
    rfx, rfy = ctypes.byref(fx), ctypes.byref(fy)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    r_ox, r_oy = ctypes.byref(ox), ctypes.byref(oy)
    box_ref = ctypes.byref(C.RectF())

    def clip(obj) -> int:
        c = C.obj_clip(obj)
        n = C.clip_count(c)
        if n > 0:
            C.clip_segment(c, n - 1, 0)
            return 3
        return 2

    def objects(page, form) -> int:
        made = 1
        n = C.form_count(form) if form is not None else C.count_objects(page)
        for i in range(n):
            obj = C.form_object(form, ctypes.c_ulong(i)) if form is not None else C.get_object(page, i)
            kind = C.obj_type(obj)
            made += 2
            if kind == C.TEXT:
                C.render_mode(obj)
                C.fill_color(obj, *rgba_refs)
                made += 2
            elif kind == C.PATH:
                C.obj_matrix(obj, m_ref)
                C.draw_mode(obj, *modes_refs)
                C.fill_color(obj, *rgba_refs)
                C.stroke_color(obj, *rgba_refs)
                k = C.count_segments(obj)
                made += 5 + 3 * k
                for j in range(k):
                    seg = C.get_segment(obj, j)
                    C.segment_type(seg)
                    C.segment_point(seg, rfx, rfy)
            elif kind in (C.IMAGE, C.SHADING):
                C.obj_bounds(obj, *bounds_refs)
                made += 1
            elif kind == C.FORM:
                C.obj_matrix(obj, m_ref)
                made += 1 + clip(obj) + objects(page, obj)
        return made

    for i in range(len(doc)):
        page = doc[i]
        textpage = page.get_textpage()
        tp = ctypes.cast(textpage.raw, ctypes.c_void_p)
        calls += objects(ctypes.cast(page.raw, ctypes.c_void_p), None)
        n = C.count_chars(tp)
        text = pdf_layer._page_text(tp, n) if n > 0 else ""
        seen = set()
        calls += 2
        for k in range(n):
            t = text[k]
            if t == " ":
                calls += 1
                if C.is_generated(tp, k):
                    continue
            elif t in "\r\n":
                continue
            obj = C.char_object(tp, k)
            calls += 3
            if obj not in seen:
                seen.add(obj)
                if obj:
                    handle = C.Handle(obj)
                    C.char_matrix(tp, k, m_ref)
                    C.char_font_size(tp, k)
                    C.text_font(handle)
                    calls += 3 + clip(handle)
            C.char_origin(tp, k, r_ox, r_oy)
            C.loose_box(tp, k, box_ref)
        textpage.close()
        page.close()
    doc.close()
    return calls


class _Calls:
    """Counts the calls into PDFium that pdf_layer makes (pdf_pdfium's functions wrapped while counting)."""

    def __init__(self) -> None:
        self.n = 0
        self.saved: dict = {}

    def __enter__(self) -> _Calls:
        for name, f in vars(pdf_pdfium).items():
            if isinstance(f, ctypes._CFuncPtr):
                self.saved[name] = f

                def counted(*args, _f=f):
                    self.n += 1
                    return _f(*args)

                setattr(pdf_pdfium, name, counted)
        return self

    def __exit__(self, *exc) -> None:
        for name, f in self.saved.items():
            setattr(pdf_pdfium, name, f)


def parts(data: bytes, clock=time.process_time, calls: _Calls | None = None) -> dict[str, float]:
    """yusuan's read, timed by phase (the same calls read_pdf and pdf_layer.read_page make); with ``calls``, the
    number of calls into PDFium by phase instead of the time."""
    if calls is not None:
        clock = lambda: calls.n  # noqa: E731 - count calls where the time is read
    t = dict.fromkeys(PHASES, 0.0)
    start = clock()
    doc = pdf_reader._open(data)
    t["open"] = clock() - start
    layers = []
    for i in range(len(doc)):
        s = clock()
        page = doc[i]
        ctm, width, height = pdf_layer._page_matrix(page)
        textpage = page.get_textpage()
        tp = ctypes.cast(textpage.raw, ctypes.c_void_p)
        s2 = clock()
        t["load page + text page"] += s2 - s
        walk = pdf_layer._Walk(ctm, height, tp, pdf_layer._transform_box(ctm, *pdf_layer._crop_box(page)))
        walk.objects(ctypes.cast(page.raw, ctypes.c_void_p), None, pdf_layer._IDENTITY)
        s3 = clock()
        t["page objects (paths, text paint)"] += s3 - s2
        n = pdf_pdfium.count_chars(tp)
        chars, hidden = pdf_layer._chars(tp, n, walk, ctm, height)
        s4 = clock()
        t["characters"] += s4 - s3
        textpage.close()
        page.close()
        n_texts = len(walk.texts) if n > 0 else pdf_layer._drawing_texts(walk.texts)
        layer = pdf_layer.PageLayer(i + 1, width, height, chars, walk.edges, walk.painted, hidden, max(n, 0),
                                    n_texts, walk.images)
        s5 = clock()
        pdf_tables.find_tables(layer.edges, **pdf_page.TABLE_SETTINGS)
        t["find tables"] += clock() - s5
        layers.append(layer)
    doc.close()
    s = clock()
    pdf_reader._check_text(layers, data)
    [pdf_reader._drawn_out_of_order(layer.chars) for layer in layers]
    pages = [pdf_page.build_page(layer) for layer in layers]
    pdf_document.assemble(pages, len(layers))
    # build_page finds the tables again: count that part once, under find tables
    t["cells, lines, paragraphs"] = clock() - s - t["find tables"]
    return t


PHASES = ("open", "load page + text page", "page objects (paths, text paint)", "characters", "find tables",
          "cells, lines, paragraphs")


def pdfplumber_path(data: bytes) -> None:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})


def best(fn, data: bytes, repeat: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(max(repeat, 1)):
        s = clock()
        fn(data)
        times.append(clock() - s)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--wall", action="store_true", help="wall-clock seconds instead of CPU seconds")
    parser.add_argument("--no-pdfplumber", action="store_true", help="skip the old path (slow: ~1 min)")
    args = parser.parse_args()
    clock = time.perf_counter if args.wall else time.process_time
    pdfs = args.pdfs or sorted(SAMPLES.rglob("*.pdf")) + sorted(REAL.rglob("*.pdf"))
    if not pdfs:
        print(f"no PDFs given and none under {SAMPLES} or {REAL}", file=sys.stderr)
        return 2
    try:
        import pdfplumber  # noqa: F401

        old = not args.no_pdfplumber
    except ImportError:
        old = False
    total = {"pages": 0, "chars": 0, "floor": 0.0, "lines": 0.0, "calls": 0.0, "n_calls": 0, "yusuan": 0.0, "old": 0.0}
    breakdown = dict.fromkeys(PHASES, 0.0)
    calls = dict.fromkeys(PHASES, 0)
    print(f"{'file':<48} {'pages':>5} {'floor':>7} {'+lines':>7} {'calls':>7} {'yusuan':>7} {'ratio':>6}"
          + (f" {'pdfplumber':>10}" if old else ""))
    for path in pdfs:
        data = path.read_bytes()
        try:
            pdf_reader.read_pdf(data)
        except RejectedFile as err:
            print(f"{path.name[:48]:<48} rejected: {err.reason[:60]}")
            continue
        n_pages = len(pdfium.PdfDocument(data))
        chars = floor(data)
        f = best(floor, data, args.repeat, clock)
        fl = best(floor_lines, data, args.repeat, clock)
        fc = best(floor_calls, data, args.repeat, clock)
        y = best(pdf_reader.read_pdf, data, args.repeat, clock)
        times = [parts(data, clock) for _ in range(max(args.repeat, 1))]
        for k in PHASES:
            breakdown[k] += min(t[k] for t in times)
        with _Calls() as counter:
            for k, v in parts(data, clock, counter).items():
                calls[k] += v
        o = best(pdfplumber_path, data, 1, clock) if old else 0.0
        total["pages"] += n_pages
        total["chars"] += chars
        total["floor"] += f
        total["lines"] += fl
        total["calls"] += fc
        total["n_calls"] += floor_calls(data)
        total["yusuan"] += y
        total["old"] += o
        line = (f"{path.name[:48]:<48} {n_pages:>5} {f * 1000 / n_pages:>6.2f}m {fl * 1000 / n_pages:>6.2f}m "
                f"{fc * 1000 / n_pages:>6.2f}m {y * 1000 / n_pages:>6.2f}m {y / fl:>5.2f}×")
        print(line + (f" {o * 1000 / n_pages:>9.1f}m" if old else ""))
    pages = total["pages"] or 1
    unit = "wall-clock" if args.wall else "CPU"
    print()
    print(f"corpus: {len(pdfs)} PDFs, {total['pages']} pages, {total['chars']} characters "
          f"(one core, {unit} seconds, best of {args.repeat})")
    print(f"  floor  (pypdfium2: every character with its box)        {total['floor'] * 1000 / pages:6.2f} ms/page")
    print(f"  floor + ruling lines (every path segment's point too)    {total['lines'] * 1000 / pages:6.2f} ms/page")
    label = f"floor + yusuan's calls ({total['n_calls'] / pages:,.0f} a page), nothing more"
    print(f"  {label:<57}{total['calls'] * 1000 / pages:6.2f} ms/page")
    print(f"  yusuan (pdf_reader.read_pdf)                             {total['yusuan'] * 1000 / pages:6.2f} ms/page")
    print(f"  ratio  yusuan / (floor + ruling lines)                   {total['yusuan'] / total['lines']:6.2f}×  "
          "(target ≤ 3×)")
    print(f"  ratio  yusuan / floor (characters only)                  {total['yusuan'] / total['floor']:6.2f}×")
    print(f"  ratio  yusuan / its calls alone                          {total['yusuan'] / total['calls']:6.2f}×  "
          f"(the Python beyond the calls: {(total['yusuan'] - total['calls']) * 1000 / pages:.2f} ms/page)")
    if old:
        print(f"  old path: pdfplumber extract_words + find_tables        {total['old'] * 1000 / pages:6.2f} ms/page "
              f"({total['old'] / total['yusuan']:.1f}× yusuan's whole read)")
    whole = sum(breakdown.values()) or 1.0
    print("  where yusuan's time goes (best of each phase), with the calls into PDFium each phase makes:")
    for k in PHASES:
        v = breakdown[k]
        print(f"    {k:<34} {v * 1000 / pages:6.2f} ms/page  {100 * v / whole:5.1f} %  "
              f"{calls[k] / pages:7.0f} PDFium calls/page")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
