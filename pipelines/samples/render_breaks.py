"""Render the sample .docx files at many page geometries so that every table row meets a page break.

    python -m pipelines.samples.render_breaks [--out data/samples_pdf_breaks] [--candidates N] [--add-targeted]

A PDF printed from a .docx breaks its tables wherever the page ends: a class row, a row whose 类/款/项
codes sit in separate cells, a name wrapped over two lines, a 绩效目标 row can each land at the bottom of
one page or the top of the next, or be cut in two.  This script prints each sample with LibreOffice at
candidate page sizes and margins (the document is unchanged except its ``w:pgSz`` / ``w:pgMar``), reads
each PDF back, finds which rows stand next to a break (:func:`rows_at_breaks`), and keeps the fewest
renders that together put the most rows of every table at a break (greedy set cover).  The rows no
candidate reaches get a break placed on them (:func:`plan_breaks`, :func:`targeted`): on a page tall enough
for any table, each table starts a new page below a spacer paragraph, and the spacer's height, computed from
a first render's row positions, moves the chosen row across the page bottom.  The kept PDFs and
``manifest.json`` (the sha256 of each source .docx, the geometry and spacers, the rows each render puts at a
break) are committed; ``tests/test_page_breaks.py`` re-reads them, recomputes the coverage from the pages,
checks every row stands at a break in some render and the facts equal the .docx's, and fails when a .docx
changed since its renders were made.  A render whose tables differ from the .docx's (a row lost or changed at
a break) is reported as a reader fault and makes the run exit 1.

Needs ``soffice`` and a CJK font (``apt-get install libreoffice-writer-nogui fonts-noto-cjk``).
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

from lxml import etree

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


def with_geometry(docx: Path, geometry: Geometry, target: Path, spacers: dict[int, int] | None = None) -> None:
    """A copy of ``docx`` whose every section has the given page size and margins.

    With ``spacers`` ({n: twips}), the paragraphs leading into the n-th top-level table (its title, 单位 line)
    start a new page below an empty paragraph exactly ``twips`` high, so the table's rows sit on that page
    at positions known from a first render.  Nothing else changes: no text, no table.
    """
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text, n = _SECT.subn(geometry.sect(), data.decode("utf-8"))
                if n == 0:
                    raise SystemExit(f"{docx}: no w:pgSz/w:pgMar to change")
                data = _with_spacers(text.encode("utf-8"), spacers) if spacers else text.encode("utf-8")
            dst.writestr(item, data)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _with_spacers(document_xml: bytes, spacers: dict[int, int]) -> bytes:
    root = etree.fromstring(document_xml)
    body = root.find(f"{_W}body")
    tables = [k for k in body if k.tag == f"{_W}tbl"]
    for n, tbl in enumerate(tables):
        if n not in spacers:
            continue
        # right after the table before it (or at the top): the title and 单位 lines go down with the table
        anchor = tbl
        while (prev := anchor.getprevious()) is not None and prev.tag != f"{_W}tbl":
            anchor = prev
        anchor.addprevious(_spacer(spacers[n]))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _spacer(twips: int) -> etree._Element:
    p = etree.Element(f"{_W}p")
    ppr = etree.SubElement(p, f"{_W}pPr")
    etree.SubElement(ppr, f"{_W}pageBreakBefore")
    spacing = etree.SubElement(ppr, f"{_W}spacing")
    for name, value in (("before", "0"), ("after", "0"), ("line", str(max(twips, 20))), ("lineRule", "exact")):
        spacing.set(f"{_W}{name}", value)
    return p


def render(docxs: list[Path], geometry: Geometry, out_dir: Path, profile: str,
           spacers: dict[Path, dict[int, int]] | None = None) -> list[Path]:
    """One soffice run converting every .docx at one geometry; returns the PDFs in the order given."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="yusuan_geom_") as tmp:
        staged = []
        for i, docx in enumerate(docxs):
            staged_path = Path(tmp) / f"{i:02d}.docx"
            with_geometry(docx, geometry, staged_path, (spacers or {}).get(docx))
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
# Targeted renders: a break put on a chosen row
#
# The candidate page sizes leave a few rows in the middle of a page in every render (short tables, rows whose
# offsets from the page top happen to avoid every candidate height).  For those the break is placed, not
# hoped for: on a page tall enough to hold any sample table whole, every top-level table starts a new page
# below a spacer paragraph; a first render with a 10 pt spacer gives each row's position on its page, and a
# spacer taller by (page bottom − the middle of row b) moves row b across the page bottom while row b − 1
# stays above it, so both stand at the break.  One render places one break in every table at once; a table
# with k breaks wanted needs k renders.

TALL = Geometry(297, 600, 2, 12)
BASE_SPACER = 200  # twips: the spacer of the render the rows' positions are read from
PT_PER_MM = 72 / 25.4


def top_level_ordinals(docx: Filing) -> dict[int, int]:
    """Each physical table's index → the ordinal of the top-level ``w:tbl`` it is (or is nested in)."""
    out, n = {}, -1
    for raw in docx.raw.tables:
        if not raw.nested:
            n += 1
        out[raw.index] = n
    return out


def plan_breaks(docx: Filing, base: Filing, rows: set[tuple[int, int]],
                geometry: Geometry = TALL) -> tuple[list[dict[int, int]], list[tuple[int, int]]]:
    """(spacers for each targeted render, rows no spacer can reach) to put each of ``rows`` at a break.

    ``base`` is the PDF of ``docx`` rendered at ``geometry`` with a :data:`BASE_SPACER` above every top-level
    table.  A break before row b puts rows b − 1 and b at it, so two wanted neighbours share one break.
    """
    ordinal = top_level_ordinals(docx)
    page_bottom = (geometry.height - geometry.margin_y) * PT_PER_MM
    queues: dict[int, list[int]] = {}
    unreachable: list[tuple[int, int]] = []
    done: set[tuple[int, int]] = set()
    for t, i in sorted(rows):
        if (t, i) in done:
            continue
        body = base.tables[t].body
        b = i + 1 if (t, i + 1) in rows and i + 1 < len(body) else i
        part = _physical(docx, t, b)
        first = next(j for j in range(len(body)) if _physical(docx, t, j) == part)
        cells = [c for c in body[b] if c.bbox is not None and c.page is not None]
        start = {c.page for c in body[first] if c.page is not None}
        # the spacer moves a table's rows on the page it starts; a row printed on a later page is out of reach
        if not cells or {c.page for c in cells} != start or len(start) != 1:
            unreachable.append((t, i))
            continue
        n = ordinal[part]
        middle = (min(c.bbox[1] for c in cells) + max(c.bbox[3] for c in cells)) / 2
        queues.setdefault(n, []).append(BASE_SPACER + round((page_bottom - middle) * 20))
        done |= {(t, b - 1), (t, b)}
    rounds = max((len(q) for q in queues.values()), default=0)
    return [{n: q[k] for n, q in queues.items() if k < len(q)} for k in range(rounds)], unreachable


def _physical(docx: Filing, t: int, i: int) -> int:
    """The physical table of body row ``i`` of logical table ``t``."""
    return docx.tables[t].body[i][0].table


def targeted(docxs: list[Path], wanted: dict[Path, set[tuple[int, int]]], docx_filings: dict[Path, Filing],
             work: Path, profile: str, rel: dict[Path, str]) -> tuple[dict[Path, list[tuple[str, dict, set]]], list[str]]:
    """Render breaks onto the ``wanted`` rows of each .docx: {docx: [(name, spacers, rows at breaks), …]}, faults.

    A fault is a render whose tables do not equal the .docx's row for row: a row lost or changed at a break.
    """
    from pipelines.lib.stages import process

    docxs = [d for d in docxs if wanted.get(d)]
    faults: list[str] = []
    kept: dict[Path, list[tuple[str, dict, set]]] = {d: [] for d in docxs}
    if not docxs:
        return kept, faults
    base_name = f"{TALL.name}-base"
    every = {d: dict.fromkeys(set(top_level_ordinals(docx_filings[d]).values()), BASE_SPACER) for d in docxs}
    pdfs = render(docxs, TALL, work / base_name, profile, every)
    plans: dict[Path, list[dict[int, int]]] = {}
    for d, pdf in zip(docxs, pdfs, strict=True):
        base = process(pdf, root=work).filing
        got, diffs = rows_at_breaks(base, docx_filings[d])
        faults += [f"{rel[d]} at {base_name}: {x}" for x in diffs]
        if diffs:
            continue
        plans[d], unreachable = plan_breaks(docx_filings[d], base, wanted[d] - got)
        if got & wanted[d]:
            kept[d].append((base_name, every[d], got))
        if unreachable:
            print(f"{rel[d]}: no spacer reaches rows {unreachable}", file=sys.stderr)
    for k in range(max((len(p) for p in plans.values()), default=0)):
        name = f"{TALL.name}-break{k + 1}"
        batch = [d for d in docxs if k < len(plans.get(d, []))]
        spacers = {d: {**every[d], **plans[d][k]} for d in batch}
        for d, pdf in zip(batch, render(batch, TALL, work / name, profile, spacers), strict=True):
            got, diffs = rows_at_breaks(process(pdf, root=work).filing, docx_filings[d])
            faults += [f"{rel[d]} at {name}: {x}" for x in diffs]
            kept[d].append((name, spacers[d], got))
            print(f"{name:>22} {rel[d]:<60} {len(got & wanted[d]):>3} of {len(wanted[d])} wanted rows at breaks"
                  + (f"  ({len(diffs)} tables differ)" if diffs else ""), file=sys.stderr)
    return kept, faults


# --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Render candidates, keep the fewest renders that cover every row, place breaks on the rows they leave
    out, write the kept PDFs and the manifest."""
    from pipelines.lib.stages import process

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--candidates", type=int, default=len(CANDIDATES))
    parser.add_argument("--work", type=Path, default=None, help="keep the candidate renders here and reuse them")
    parser.add_argument("--only", nargs="*", default=None, help="file stems of the samples to render (default: all)")
    parser.add_argument("--add-targeted", action="store_true",
                        help="keep the renders in --out and add targeted renders for the rows its manifest "
                             "lists as uncovered (no candidate is rendered again)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    docxs = [d for d in sorted(args.samples.rglob("*.docx")) if not args.only or d.stem in args.only]
    rel = {d: d.relative_to(args.samples).as_posix() for d in docxs}
    docx_filings = {d: process(d, root=args.samples).filing for d in docxs}
    work = args.work or Path(tempfile.mkdtemp(prefix="yusuan_breaks_"))
    faults: list[str] = []
    left: dict[Path, set[tuple[int, int]]] = {}
    with tempfile.TemporaryDirectory(prefix="yusuan_lo_") as profile:
        if args.add_targeted:
            manifest = json.loads((args.out / "manifest.json").read_text())
            manifest["renders"] = [r for r in manifest["renders"] if "spacers" not in r]
            for d in docxs:
                left[d] = {tuple(x) for x in manifest["uncovered"].get(rel[d], [])}
        else:
            manifest = _candidates(args, docxs, docx_filings, rel, work, profile, left, faults)
        kept, found = targeted(docxs, left, docx_filings, work, profile, rel)
        faults += found
        for d, renders in kept.items():
            for name, spacers, got in renders:
                gain = got & left[d]
                if not gain:
                    continue
                left[d] -= gain
                target = args.out / name / rel[d].replace(".docx", ".pdf")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(work / name / (d.stem + ".pdf"), target)
                manifest["renders"].append({
                    "docx": rel[d], "docx_sha256": sha256(d), "geometry": TALL.__dict__,
                    "spacers": {str(n): tw for n, tw in sorted(spacers.items()) if tw != BASE_SPACER},
                    "pdf": target.relative_to(args.out).as_posix(), "rows_at_breaks": len(got),
                })
    manifest["uncovered"] = {rel[d]: sorted(left.get(d, ())) for d in docxs}
    (args.out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    if args.work is None:
        shutil.rmtree(work)
    total = sum(len(all_rows(f)) for f in docx_filings.values())
    missed = sum(len(x) for x in manifest["uncovered"].values())
    print(f"{len(manifest['renders'])} renders kept in {time.perf_counter() - started:.0f}s: "
          f"{total - missed} of {total} table rows at a break at least once", file=sys.stderr)
    for f in faults:
        print(f"READER FAULT: {f}", file=sys.stderr)
    return 1 if faults else 0


def _candidates(args, docxs, docx_filings, rel, work, profile, left, faults) -> dict:
    """Render every candidate geometry, keep the fewest renders covering the most rows (greedy set cover)."""
    from pipelines.lib.stages import process

    covers: dict[tuple[str, Path], set] = {}
    for g in candidates(args.candidates):
        done = [work / g.name / (d.stem + ".pdf") for d in docxs]
        pdfs = done if all(p.is_file() for p in done) else render(docxs, g, work / g.name, profile)
        for d, pdf in zip(docxs, pdfs, strict=True):
            got, diffs = rows_at_breaks(process(pdf, root=work).filing, docx_filings[d])
            covers[(g.name, d)] = got
            faults += [f"{rel[d]} at {g.name}: {x}" for x in diffs]
            print(f"{g.name:>16} {rel[d]:<60} {len(got):>4} rows at breaks"
                  + (f"  ({len(diffs)} tables differ)" if diffs else ""), file=sys.stderr)
    manifest: dict = {"generator": "python -m pipelines.samples.render_breaks", "renders": [], "uncovered": {}}
    if args.out.exists():
        shutil.rmtree(args.out)
    for d in docxs:
        need = all_rows(docx_filings[d])
        chosen: list[str] = []
        left[d] = set(need)
        while left[d]:
            best = max((g.name for g in candidates(args.candidates)), key=lambda n: len(covers[(n, d)] & left[d]))
            gain = covers[(best, d)] & left[d]
            if not gain:
                break
            chosen.append(best)
            left[d] -= gain
        for name in chosen:
            target = args.out / name / rel[d].replace(".docx", ".pdf")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(work / name / (d.stem + ".pdf"), target)
            geometry = next(g for g in candidates(args.candidates) if g.name == name)
            manifest["renders"].append({
                "docx": rel[d], "docx_sha256": sha256(d), "geometry": geometry.__dict__,
                "pdf": target.relative_to(args.out).as_posix(), "rows_at_breaks": len(covers[(name, d)]),
            })
        print(f"{rel[d]}: {len(chosen)} candidate renders put {len(need) - len(left[d])} of {len(need)} rows "
              "at a break", file=sys.stderr)
    return manifest


if __name__ == "__main__":
    raise SystemExit(main())
