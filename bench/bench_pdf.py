"""PDF reading speed against the text-layer floor, on the shipped sample PDFs and the real filings.

Prints, for one corpus in one run (one core, best of --repeat):

- floor:   pypdfium2 (PDFium, C) opening each page and giving every character with its box —
           the least any reader of these files must do;
- yusuan:  ``pdf_reader.read_pdf`` (checks, characters, ruling lines, tables, paragraphs);
- ratio:   yusuan / floor (the target is ≤ 3×);
- a breakdown of yusuan's time: opening and checking the file, the PDFium layer (characters and
  paths), finding tables, and everything pdf_reader builds on top (cells, lines, paragraphs);
- for comparison, the old path: pdfplumber's ``extract_words`` + ``find_tables`` alone (if installed).

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

from pipelines.lib import pdf_document, pdf_layer, pdf_page, pdf_reader, pdf_tables  # noqa: E402
from pipelines.lib.errors import RejectedFile  # noqa: E402

SAMPLES = ROOT / "data" / "samples_pdf"
REAL = ROOT.parent / "shared" / "real_samples"


def floor(data: bytes) -> int:
    """Open the document and every page; every character's text and box.  Returns the characters."""
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
        n += count
        tp.close()
        page.close()
    doc.close()
    return n


def parts(data: bytes) -> dict[str, float]:
    """yusuan's read, timed by part (the same calls read_pdf makes)."""
    t = {}
    start = time.perf_counter()
    doc = pdf_reader._open(data)
    t["open"] = time.perf_counter() - start
    layers = []
    t["pdfium layer"] = t["find tables"] = 0.0
    for i in range(len(doc)):
        page = doc[i]
        s = time.perf_counter()
        layer = pdf_layer.read_page(page, i + 1)
        t["pdfium layer"] += time.perf_counter() - s
        s = time.perf_counter()
        pdf_tables.find_tables(layer.edges, **pdf_page.TABLE_SETTINGS)
        t["find tables"] += time.perf_counter() - s
        layers.append(layer)
        page.close()
    doc.close()
    s = time.perf_counter()
    pdf_reader._check_text(layers, data)
    pages = [pdf_page.build_page(layer) for layer in layers]
    pdf_document.assemble(pages, len(layers))
    # build_page finds the tables again: count that part once, under find tables
    t["cells, lines, paragraphs"] = time.perf_counter() - s - t["find tables"]
    return t


def pdfplumber_path(data: bytes) -> None:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})


def best(fn, data: bytes, repeat: int) -> float:
    times = []
    for _ in range(max(repeat, 1)):
        s = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - s)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pdfplumber", action="store_true", help="skip the old path (slow: ~1 min)")
    args = parser.parse_args()
    pdfs = args.pdfs or sorted(SAMPLES.rglob("*.pdf")) + sorted(REAL.rglob("*.pdf"))
    if not pdfs:
        print(f"no PDFs given and none under {SAMPLES} or {REAL}", file=sys.stderr)
        return 2
    try:
        import pdfplumber  # noqa: F401

        old = not args.no_pdfplumber
    except ImportError:
        old = False
    total = {"pages": 0, "chars": 0, "floor": 0.0, "yusuan": 0.0, "old": 0.0}
    breakdown: dict[str, float] = {}
    print(f"{'file':<48} {'pages':>5} {'floor':>7} {'yusuan':>7} {'ratio':>6}" + (f" {'pdfplumber':>10}" if old else ""))
    for path in pdfs:
        data = path.read_bytes()
        try:
            pdf_reader.read_pdf(data)
        except RejectedFile as err:
            print(f"{path.name[:48]:<48} rejected: {err.reason[:60]}")
            continue
        n_pages = len(pdfium.PdfDocument(data))
        chars = floor(data)
        f = best(floor, data, args.repeat)
        y = best(pdf_reader.read_pdf, data, args.repeat)
        for k, v in parts(data).items():
            breakdown[k] = breakdown.get(k, 0.0) + v
        o = best(pdfplumber_path, data, 1) if old else 0.0
        total["pages"] += n_pages
        total["chars"] += chars
        total["floor"] += f
        total["yusuan"] += y
        total["old"] += o
        line = (f"{path.name[:48]:<48} {n_pages:>5} {f * 1000 / n_pages:>6.1f}m {y * 1000 / n_pages:>6.1f}m "
                f"{y / f:>5.1f}×")
        print(line + (f" {o * 1000 / n_pages:>9.1f}m" if old else ""))
    pages = total["pages"] or 1
    print()
    print(f"corpus: {len(pdfs)} PDFs, {total['pages']} pages, {total['chars']} characters (one core, best of {args.repeat})")
    print(f"  floor  (pypdfium2: every character with its box)   {total['floor'] * 1000 / pages:6.2f} ms/page")
    print(f"  yusuan (pdf_reader.read_pdf)                        {total['yusuan'] * 1000 / pages:6.2f} ms/page")
    print(f"  ratio  yusuan / floor                               {total['yusuan'] / total['floor']:6.2f}×  (target ≤ 3×)")
    if old:
        print(f"  old path: pdfplumber extract_words + find_tables   {total['old'] * 1000 / pages:6.2f} ms/page "
              f"({total['old'] / total['yusuan']:.1f}× yusuan's whole read)")
    whole = sum(breakdown.values()) or 1.0
    print("  where yusuan's time goes:")
    for k, v in breakdown.items():
        print(f"    {k:<28} {v * 1000 / pages:6.2f} ms/page  {100 * v / whole:5.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
