"""Filings whose tables are ruled the ways county exports rule them, built as a government export builds them: a
``.docx`` (the tables of ``tests/variants/filings.py``, figures typed there once) with per-cell borders, printed to
PDF by LibreOffice headless.

A *family* says which borders a cell draws (:data:`FAMILIES`): every rule (``full``, the control), the 三线表 (the
table's top and bottom rules and the header's underline), horizontal rules only, the outer frame only, the rules
between some columns missing (every second one), or no rule at all (columns aligned by their text).

Other ways exports set a filing (keywords of :func:`docx`): landscape pages, every cell centred, labels wrapped in
narrow columns, the table stretched across the page with centred headings, labels running on over blank cells,
cells aligned to the bottom, and a running header (the filing's name) and footer (the page number) on every page.

The PDFs are made once per test session into a cache directory (one per checkout) keyed by the .docx bytes, so a
second run in the same tree reuses them; a missing LibreOffice fails under ``CI=true`` and skips elsewhere (``scripts/test.sh``
installs it).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from tests.docx_builder import ROOT_RELS, C, build_docx, p, package
from tests.variants import filings as F

PAGE = '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" ' \
       'w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>'
TEXT_WIDTH = 11906 - 2 * 1134  # twips
LANDSCAPE_WIDTH = 16838 - 2 * 1134
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/>'
    '<w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:rPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/>'
    '<w:pPr><w:jc w:val="center"/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr>'
    '<w:rPr><w:b/><w:sz w:val="30"/></w:rPr></w:style>'
    '<w:style w:type="table" w:styleId="TableNormal" w:default="1"><w:name w:val="Normal Table"/></w:style>'
    '</w:styles>'
)


def _sides(family: str, r: int, n_head: int, n_rows: int, c0: int, c1: int, n_cols: int) -> set[str]:
    """The borders a cell in rows ``r`` (of ``n_rows``, the first ``n_head`` the header) and grid columns
    ``c0``–``c1`` draws, in ``family``."""
    last = r == n_rows - 1
    if family == "full":
        return {"top", "bottom", "left", "right"}
    if family == "three_line":  # 三线表: the table's top and bottom, and the header's underline
        return {s for s, on in (("top", r == 0), ("bottom", last or r == n_head - 1)) if on}
    if family == "h_rules":
        return {"top", "bottom"}
    if family == "frame":
        return {s for s, on in (("top", r == 0), ("bottom", last), ("left", c0 == 0), ("right", c1 == n_cols)) if on}
    if family == "some_v":  # every rule across; between columns only every second one (and the frame)
        out = {"top", "bottom"}
        if c0 == 0 or c0 % 2 == 0:
            out.add("left")
        if c1 == n_cols or c1 % 2 == 0:
            out.add("right")
        return out
    if family == "none":
        return set()
    raise ValueError(family)


_NUMBER = re.compile(r"^-?[\d,]+(?:\.\d+)?$")


_CODE_HEAD = re.compile(r"编码|代码|序号|行次|^[类款项]$")


def _code_columns(header: list[list[C]]) -> set[int]:
    """The grid columns a header names as codes or row numbers (科目编码, 类 | 款 | 项, 序号, 行次)."""
    out: set[int] = set()
    for row in header:
        k = 0
        for c in row:
            if _CODE_HEAD.search(c.text.replace(" ", "")):
                out.update(range(k, k + c.span))
            k += c.span
    return out


def _amounts(row: list[C], codes: set[int]) -> list[bool]:
    """Which cells of a body row are amounts (right-aligned, as the exports print them): figures outside the code and
    row-number columns (an integer in 元, 1505000, too)."""
    out, k = [], 0
    for c in row:
        out.append(bool(_NUMBER.match(c.text)) and k not in codes)
        k += c.span
    return out


FAMILIES = ("full", "three_line", "h_rules", "frame", "some_v", "none")


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def table_xml(table: F.Table, family: str, text_width: int = TEXT_WIDTH, *, centred: bool = False,
              narrow: int = 0, stretch: bool = False, head: str = "", valign: str = "", overflow: bool = False,
              size: int = 0, amount_width: int = 0, repeat: bool = False) -> str:
    """One ``<w:tbl>``: the header rows (cells may span and merge down) and body rows, every cell's borders written
    out (``w:tcBorders``; the table itself draws none), columns as wide as their longest text allows.

    How other exports set the grid: ``stretch`` the table across the page (Word's default: wide columns, short
    figures right-aligned in them); ``head`` the headings' alignment (``center``: centred in their cells, which may
    leave a heading over no figure); ``valign`` the body cells' vertical alignment (``bottom``: Excel's default, the
    figures on a wrapped label's last line); ``overflow`` a label running on into the blank cells right of it (an
    Excel sheet printed without rules: the label's cell spans them, unwrapped); ``size`` the cells' font size in
    half-points (a wide table set small to fit an upright page; 0: the document's 10 pt); ``amount_width`` the most
    characters a column of amounts is made wide for (a longer amount wraps inside its cell, as in an export whose
    columns were sized for shorter figures); ``repeat`` the header rows printed again atop each page the table runs
    on to (Word's 重复标题行)."""
    rows = [*table.header, *table.body]
    cells = [[c if isinstance(c, C) else C(c) for c in r] for r in rows]
    n_cols = max(sum(c.span for c in r) for r in cells)
    need = [4] * n_cols
    codes = _code_columns(cells[:len(table.header)])
    figures: set[int] = set()
    for r in cells[len(table.header):]:  # the body sets the widths; a longer heading wraps, as in the exports
        k = 0
        for c, is_amount in zip(r, _amounts(r, codes), strict=True):
            if c.span == 1:
                need[k] = max(need[k], min(_width(c.text), narrow) if narrow else _width(c.text))
                if is_amount:
                    figures.add(k)
            k += c.span
    if amount_width:
        need = [min(n, amount_width) if k in figures else n for k, n in enumerate(need)]
    em = 125 * (size or 20) / 20  # twips a half-width character takes
    scale = min(1.0, text_width / sum(n * em + 320 for n in need))
    if stretch:
        scale = text_width / sum(n * em + 320 for n in need)
    widths = [int((n * em + 320) * scale) for n in need]
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
           '<w:tblLayout w:type="fixed"/><w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/>'
           '<w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders></w:tblPr>',
           "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"]
    for r, row in enumerate(cells):
        out.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if repeat and r < len(table.header) else "<w:tr>")
        k = 0
        if overflow and r >= len(table.header):
            row = _run_on(row)
        amount = _amounts(row, codes) if r >= len(table.header) else [False] * len(row)
        for c, is_amount in zip(row, amount, strict=True):
            sides = _sides(family, r, len(table.header), len(cells), k, k + c.span, n_cols)
            borders = "".join(
                f'<w:{s} w:val="single" w:sz="6" w:space="0" w:color="000000"/>' if s in sides
                else f'<w:{s} w:val="nil"/>' for s in ("top", "left", "bottom", "right"))
            pr = f'<w:tcW w:w="{sum(widths[k:k + c.span])}" w:type="dxa"/>'
            if c.span > 1:
                pr += f'<w:gridSpan w:val="{c.span}"/>'
            if c.vmerge:
                pr += '<w:vMerge w:val="restart"/>' if c.vmerge == "restart" else "<w:vMerge/>"
            pr += f"<w:tcBorders>{borders}</w:tcBorders>"
            if centred:
                pr += '<w:vAlign w:val="center"/>'
            elif valign and r >= len(table.header):
                pr += f'<w:vAlign w:val="{valign}"/>'
            if c.span > 1 and r >= len(table.header) and overflow:
                pr += "<w:noWrap/>"
            # amounts stand right-aligned, as the exports print them; or every cell centred both ways
            jc = '<w:pPr><w:jc w:val="right"/></w:pPr>' if is_amount else ""
            if centred or (head and r < len(table.header)):
                jc = f'<w:pPr><w:jc w:val="{head or "center"}"/></w:pPr>'
            text = escape(c.text)
            rpr = f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>' if size else ""
            out.append(f'<w:tc><w:tcPr>{pr}</w:tcPr><w:p>{jc}<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'
                       "</w:p></w:tc>")
            k += c.span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _run_on(row: list[C]) -> list[C]:
    """A body row whose labels run on into the blank cells right of them: each label (text, no figure) and the
    blank cells after it one cell spanning them."""
    out: list[C] = []
    for c in row:
        if out and not c.text and out[-1].text and not _NUMBER.match(out[-1].text) and not out[-1].vmerge \
                and not c.vmerge:
            out[-1] = C(out[-1].text, span=out[-1].span + c.span)
        else:
            out.append(c)
    return out


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RUNNING_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.header+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.footer+xml"/></Types>')
_RUNNING_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_R}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{_R}/header" Target="header1.xml"/>'
    f'<Relationship Id="rId3" Type="{_R}/footer" Target="footer1.xml"/></Relationships>')


def _running_parts(header: str) -> dict[str, str]:
    """A running header (the filing's name on every page) and a footer printing the page number (- 3 -), as the
    exports print them."""
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr xmlns:w="{_W}"><w:p><w:pPr><w:jc '
            f'w:val="center"/></w:pPr><w:r><w:t>{escape(header)}</w:t></w:r></w:p></w:hdr>')
    foot = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr xmlns:w="{_W}"><w:p><w:pPr><w:jc '
            'w:val="center"/></w:pPr><w:r><w:t xml:space="preserve">- </w:t></w:r><w:fldSimple w:instr="PAGE">'
            '<w:r><w:t>1</w:t></w:r></w:fldSimple><w:r><w:t xml:space="preserve"> -</w:t></w:r></w:p></w:ftr>')
    return {"word/header1.xml": head, "word/footer1.xml": foot}


def docx(tables: list[F.Table], style: F.Style, family: str, *, cover: str | None = None, lines: bool = True,
         landscape: bool = False, centred: bool = False, narrow: int = 0, running: bool = False, **grid) -> bytes:
    """A filing: its cover line, then per table its title, 编制部门 and 单位 lines (``lines``; else the table carries
    them in a metadata row), the grid ruled by ``family``, the notes under it; on A4, upright or ``landscape``."""
    blocks = [p(cover or style.cover())]
    for t in tables:
        blocks.append(p(t.title, heading=True))
        if lines:
            blocks += [p(f"{style.dept_label}{style.dept}"), p(f"{style.unit_label}{style.unit}")]
        blocks.append(table_xml(t, family, LANDSCAPE_WIDTH if landscape else TEXT_WIDTH, centred=centred, narrow=narrow,
                                **grid))
        blocks += [p(b) for b in t.below]
    return document(blocks, landscape=landscape, running=cover or style.cover() if running else None)


def document(blocks: list[str], *, landscape: bool = False, running: str | None = None) -> bytes:
    """A .docx of these blocks on A4, upright or ``landscape``; ``running``: the text of a running header printed on
    every page, with the page number as a footer."""
    page = PAGE.replace('w:w="11906" w:h="16838"', 'w:w="16838" w:h="11906" w:orient="landscape"') if landscape else PAGE
    if running:
        page = page.replace("<w:sectPr>", '<w:sectPr><w:headerReference w:type="default" r:id="rId2"/>'
                                          '<w:footerReference w:type="default" r:id="rId3"/>')
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W}"' + (f' xmlns:r="{_R}"' if running else "") + ">"
        f"<w:body>{''.join(blocks)}{page}</w:body></w:document>"
    )
    if not running:
        return build_docx([], document=xml, styles=STYLES)
    return package({"[Content_Types].xml": _RUNNING_TYPES, "_rels/.rels": ROOT_RELS, "word/document.xml": xml,
                    "word/_rels/document.xml.rels": _RUNNING_RELS, "word/styles.xml": STYLES,
                    **_running_parts(running)})


FILLER = "本部门主要职责是贯彻落实国家和省市有关方针政策，做好本县相关工作。"


def filler(n: int) -> list[str]:
    """``n`` lines of running text, each exactly 12 pt high (whatever the font), to set where a table starts on its
    page and so where a page break cuts it."""
    return [f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="exact"/></w:pPr><w:r>'
            f'<w:t>{FILLER}</w:t></w:r></w:p>' for _ in range(n)]


def page_break() -> str:
    return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def table_blocks(t: F.Table, style: F.Style, family: str, *, lines: bool = True, **grid) -> list[str]:
    """One table as :func:`docx` prints it: its title, its 编制部门 and 单位 lines, the grid, the notes under it."""
    out = [p(t.title, heading=True)]
    if lines:
        out += [p(f"{style.dept_label}{style.dept}"), p(f"{style.unit_label}{style.unit}")]
    return [*out, table_xml(t, family, **grid), *(p(b) for b in t.below)]


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def need_soffice() -> None:
    """Skip the calling module's tests without LibreOffice; under ``CI=true`` fail instead (scripts/test.sh installs
    it)."""
    if soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("no LibreOffice: scripts/test.sh installs it (apt-get install libreoffice-writer-nogui)")
        pytest.skip("no LibreOffice installed (scripts/test.sh installs it)")


def printed(docs: dict[str, bytes], folder: Path) -> list[Path]:
    """Each ``name → .docx bytes`` printed to PDF (:func:`render`, cached) and copied to ``folder/<name>.pdf``: the
    file name is what the warehouse knows a filing by."""
    paths = []
    for name, made in render(docs, cache_dir()).items():
        paths.append(folder / f"{name}.pdf")
        paths[-1].write_bytes(made.read_bytes())
    return paths


def render(docs: dict[str, bytes], cache: Path) -> dict[str, Path]:
    """Each ``name → .docx bytes`` printed to ``cache/<hash>/<name>.pdf`` by one LibreOffice run (the ones already
    there are reused).  The run works in a directory of its own and moves each PDF into place whole, so test sessions
    sharing the cache (the suite's workers, two checkouts) never see half a file."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("soffice not found: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    out: dict[str, Path] = {}
    todo: dict[str, bytes] = {}
    for name, data in docs.items():
        pdf = cache / hashlib.sha256(data).hexdigest()[:16] / f"{name}.pdf"
        out[name] = pdf
        if not pdf.exists():
            todo[name] = data
    if todo:
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="run_", dir=cache) as work, \
                tempfile.TemporaryDirectory(prefix="yusuan_lo_") as profile:
            src = Path(work)
            for name, data in todo.items():
                (src / f"{name}.docx").write_bytes(data)
            run = subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                                  "--outdir", str(src), *(str(src / f"{name}.docx") for name in todo)],
                                 capture_output=True, text=True, timeout=600)
            if run.returncode:
                raise RuntimeError(f"LibreOffice failed (exit {run.returncode}): {run.stderr.strip()[-500:]}")
            for name in todo:
                made = src / f"{name}.pdf"
                if not made.exists():
                    raise RuntimeError(f"LibreOffice wrote no PDF for {name}.docx")
                out[name].parent.mkdir(parents=True, exist_ok=True)
                os.replace(made, out[name])
    return out


def cache_dir() -> Path:
    """The PDFs' cache: ``$YUSUAN_PDF_LAYOUT_CACHE``, else one under the temp dir per checkout (two checkouts testing
    at once never share one)."""
    own = hashlib.sha256(str(Path(__file__).resolve().parents[2]).encode()).hexdigest()[:8]
    return Path(os.environ.get("YUSUAN_PDF_LAYOUT_CACHE", Path(tempfile.gettempdir()) / f"yusuan_pdf_layouts_{own}"))
