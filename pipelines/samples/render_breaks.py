"""Render the sample .docx files at many page geometries so that every table row meets a page break.

    python -m pipelines.samples.render_breaks [--out data/samples_pdf_breaks] [--candidates N]

A PDF printed from a .docx breaks its tables wherever the page ends: a class row, a row whose 类/款/项
codes sit in separate cells, a name wrapped over two lines, a 绩效目标 row can each land at the bottom of
one page or the top of the next, or be cut in two.  This script prints each sample with LibreOffice at
candidate page sizes and margins (the document is unchanged except its ``w:pgSz`` / ``w:pgMar``), reads
each PDF back, finds which rows stand next to a break (:func:`rows_at_breaks`), and keeps the fewest
renders that together put every row of every table at a break at least once (greedy set cover).  The
kept PDFs and ``manifest.json`` (the sha256 of each source .docx, the geometry, the rows each render puts
at a break) are committed; ``tests/real/test_page_breaks.py`` re-reads them, recomputes the coverage from
the pages and checks the facts equal the .docx's, and fails when a .docx changed since its renders were
made.  Needs ``soffice`` and a CJK font (``apt-get install libreoffice-writer-nogui fonts-noto-cjk``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipelines.lib.classify import key
from pipelines.lib.model import Filing

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
OUT = ROOT / "data" / "samples_pdf_breaks"

_SECT = re.compile(r"<w:pgSz [^>]*/><w:pgMar [^>]*/>")
TWIP_PER_MM = 1440 / 25.4


@dataclass(frozen=True)
class Geometry:
    """A page: width and height, top/bottom and left/right margins, in millimetres."""

    width: int
    height: int
    margin_y: int
    margin_x: int

    @property
    def name(self) -> str:
        return f"{self.width}x{self.height}m{self.margin_y}-{self.margin_x}"

    def sect(self) -> str:
        w, h = round(self.width * TWIP_PER_MM), round(self.height * TWIP_PER_MM)
        my, mx = round(self.margin_y * TWIP_PER_MM), round(self.margin_x * TWIP_PER_MM)
        orient = ' w:orient="landscape"' if w > h else ""
        return (f'<w:pgSz w:w="{w}" w:h="{h}"{orient}/><w:pgMar w:top="{my}" w:right="{mx}" w:bottom="{my}" '
                f'w:left="{mx}" w:header="360" w:footer="360" w:gutter="0"/>')


# Short landscape pages (a break every two or three rows) whose heights differ by less than a row, so that
# successive renders move the breaks onto other rows, and two widths, so that names wrap differently.
# Each page still holds the tallest row of the samples (a three-line header row): a row taller than the
# page is cut over three pages, and a table wider than the page runs off it — no real page does either.
CANDIDATES = [
    Geometry(280, 30, 2, 12),
    Geometry(297, 33, 2, 12),
    Geometry(280, 39, 2, 12),
    Geometry(297, 36, 2, 12),
    Geometry(280, 42, 2, 12),
    Geometry(297, 45, 2, 12),
    Geometry(280, 34, 2, 12),
    Geometry(297, 38, 2, 12),
    Geometry(280, 48, 2, 12),
    Geometry(297, 51, 2, 12),
]


def candidates(n: int) -> list[Geometry]:
    """The first ``n`` candidate page geometries."""
    return CANDIDATES[:n]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def with_geometry(docx: Path, geometry: Geometry, target: Path) -> None:
    """A copy of ``docx`` whose every section has the given page size and margins; nothing else changes."""
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text, n = _SECT.subn(geometry.sect(), data.decode("utf-8"))
                if n == 0:
                    raise SystemExit(f"{docx}: no w:pgSz/w:pgMar to change")
                data = text.encode("utf-8")
            dst.writestr(item, data)


def render(docxs: list[Path], geometry: Geometry, out_dir: Path, profile: str) -> list[Path]:
    """One soffice run converting every .docx at one geometry; returns the PDFs in the order given."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="yusuan_geom_") as tmp:
        staged = []
        for i, docx in enumerate(docxs):
            staged_path = Path(tmp) / f"{i:02d}.docx"
            with_geometry(docx, geometry, staged_path)
            staged.append(staged_path)
        out_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", tmp, *map(str, staged)],
            check=True, capture_output=True, timeout=900,
        )
        pdfs = []
        for i, docx in enumerate(docxs):
            pdf = out_dir / (docx.stem + ".pdf")
            shutil.move(str(Path(tmp) / f"{i:02d}.pdf"), pdf)
            pdfs.append(pdf)
    return pdfs


# --------------------------------------------------------------------------------------------------
# Which rows stand at a page break


def row_key(values: list[str]) -> tuple[str, ...]:
    """A row's filled cells as matching keys, in order (which grid column each sits in is the facts' business)."""
    return tuple(k for v in values if (k := key(v)))


def table_rows(filing: Filing) -> list[tuple[int, list[tuple[str, ...]]]]:
    """Every logical table's body rows as keys: [(table number, [row key, …]), …]."""
    return [(i, [row_key(t.values(r)) for r in t.body]) for i, t in enumerate(filing.tables)]


def rows_at_breaks(pdf: Filing | None, docx: Filing) -> tuple[set[tuple[int, int]], list[str]]:
    """(rows of the .docx's tables that the PDF prints next to a page break, differences found).

    Row (t, i) — body row i of logical table t — is at a break when the PDF prints it on another page
    than the row before it or the row after it in the same table, when its own cells sit on two pages (a
    row cut in two), or when it is a table's first body row printed on a later page than the table's
    header.  Pages are those of the cells the PDF reader found.  The PDF's rows must equal the .docx's
    row for row (texts compared as ``classify.key``); where they do not, the difference is returned and
    no coverage is claimed for that table.
    """
    covered: set[tuple[int, int]] = set()
    differences: list[str] = []
    if pdf is None:
        return covered, ["the PDF was rejected"]
    if len(pdf.tables) != len(docx.tables):
        return covered, [f"the PDF has {len(pdf.tables)} tables, the .docx {len(docx.tables)}"]
    for t, (pt, dt) in enumerate(zip(pdf.tables, docx.tables, strict=True)):
        want = [row_key(dt.values(r)) for r in dt.body]
        got = [row_key(pt.values(r)) for r in pt.body]
        if want != got:
            first = next((i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b), min(len(want), len(got)))
            differences.append(
                f"table {t} ({dt.title or dt.kind}): {len(got)} rows in the PDF, {len(want)} in the .docx; "
                f"first difference at row {first}: "
                f"{got[first] if first < len(got) else None} vs {want[first] if first < len(want) else None}"
            )
            continue
        pages = [sorted({c.page for c in r if c.page is not None}) for r in pt.body]
        for i, ps in enumerate(pages):
            if not ps:
                continue
            at = len(ps) > 1
            if i > 0 and pages[i - 1] and pages[i - 1][-1] != ps[0]:
                at = True
            if i + 1 < len(pages) and pages[i + 1] and pages[i + 1][0] != ps[-1]:
                at = True
            if i == 0 and pt.page is not None and ps[0] > pt.page:
                at = True
            if at:
                covered.add((t, i))
    return covered, differences


def all_rows(docx: Filing) -> set[tuple[int, int]]:
    return {(t, i) for t, tb in enumerate(docx.tables) for i in range(len(tb.body))}


# --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Render candidates, keep the fewest renders that cover every row, write them and the manifest."""
    from pipelines.lib.stages import process

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--candidates", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="keep the candidate renders here and reuse them")
    parser.add_argument("--only", nargs="*", default=None, help="file stems of the samples to render (default: all)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    docxs = [d for d in sorted(args.samples.rglob("*.docx")) if not args.only or d.stem in args.only]
    rel = {d: d.relative_to(args.samples).as_posix() for d in docxs}
    docx_filings = {d: process(d, root=args.samples).filing for d in docxs}
    work = args.work or Path(tempfile.mkdtemp(prefix="yusuan_breaks_"))
    covers: dict[tuple[str, Path], set] = {}
    with tempfile.TemporaryDirectory(prefix="yusuan_lo_") as profile:
        for g in candidates(args.candidates):
            done = [work / g.name / (d.stem + ".pdf") for d in docxs]
            pdfs = done if all(p.is_file() for p in done) else render(docxs, g, work / g.name, profile)
            for d, pdf in zip(docxs, pdfs, strict=True):
                got, diffs = rows_at_breaks(process(pdf, root=work).filing, docx_filings[d])
                covers[(g.name, d)] = got
                print(f"{g.name:>16} {rel[d]:<60} {len(got):>4} rows at breaks"
                      + (f"  ({len(diffs)} tables differ)" if diffs else ""), file=sys.stderr)
    manifest: dict = {"generator": "python -m pipelines.samples.render_breaks", "renders": [], "uncovered": {}}
    if args.out.exists():
        shutil.rmtree(args.out)
    for d in docxs:
        need = all_rows(docx_filings[d])
        chosen: list[str] = []
        left = set(need)
        while left:
            best = max((g.name for g in candidates(args.candidates)), key=lambda n: len(covers[(n, d)] & left))
            gain = covers[(best, d)] & left
            if not gain:
                print(f"{rel[d]}: {len(left)} rows never land at a break in any candidate", file=sys.stderr)
                break
            chosen.append(best)
            left -= gain
        for name in chosen:
            target = args.out / name / rel[d].replace(".docx", ".pdf")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(work / name / (d.stem + ".pdf"), target)
            geometry = next(g for g in candidates(args.candidates) if g.name == name)
            manifest["renders"].append({
                "docx": rel[d], "docx_sha256": sha256(d), "geometry": geometry.__dict__,
                "pdf": target.relative_to(args.out).as_posix(), "rows_at_breaks": len(covers[(name, d)]),
            })
        manifest["uncovered"][rel[d]] = sorted(left)
        print(f"{rel[d]}: {len(chosen)} renders put {len(need) - len(left)} of {len(need)} rows at a break",
              file=sys.stderr)
    (args.out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    if args.work is None:
        shutil.rmtree(work)
    print(f"{len(manifest['renders'])} renders kept in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
