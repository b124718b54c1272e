"""Time pdf_reader.read_pdf on the real filings: ms per page, tables and paragraphs found.

Run: .venv/bin/python bench/bench_pdf.py [--repeat N] [PDF ...]
Without arguments it reads the three filings in ../shared/real_samples.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.lib.pdf_reader import read_pdf  # noqa: E402

REAL = ROOT.parent / "shared" / "real_samples"


def main() -> int:
    """Print one line per PDF: pages, tables, paragraphs, best and median ms per page."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pdfs = args.pdfs or sorted(REAL.glob("*/*.pdf"))
    if not pdfs:
        print(f"no PDFs given and none under {REAL}", file=sys.stderr)
        return 2
    for path in pdfs:
        data = path.read_bytes()
        times = []
        for _ in range(max(args.repeat, 1)):
            start = time.perf_counter()
            doc = read_pdf(data)
            times.append(time.perf_counter() - start)
        pages = doc.pages or 1
        print(
            f"{path.name}: {doc.pages} pages, {len(doc.tables)} tables, {len(doc.paragraphs)} paragraphs, "
            f"{min(times) * 1000 / pages:.0f} ms/page best, {statistics.median(times) * 1000 / pages:.0f} median"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
