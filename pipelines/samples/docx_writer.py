"""Blocks -> a .docx built the way county budget exports are built, byte for byte reproducible."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from pipelines.samples.rendering import Block, Cell, Paragraph, Table

# Every zip member and the core properties carry this instant, so a rerun gives the same bytes.
FIXED_TIME = datetime(2024, 1, 1, tzinfo=UTC)
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
_TOC_LEVEL = re.compile(r"^_Toc_(\d)_")


@dataclass(frozen=True)
class DocInfo:
    """Core properties, and a page-header note (used to mark synthetic filings on every page)."""

    title: str
    subject: str
    comments: str
    keywords: str
    header_note: str | None = None


def write_docx(blocks: list[Block], path: Path, info: DocInfo) -> Path:
    """Write ``blocks`` to ``path`` as a .docx; the same input always gives the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(docx_bytes(blocks, info))
    return path


def docx_bytes(blocks: list[Block], info: DocInfo) -> bytes:
    """The .docx for ``blocks`` as bytes, zip members with a fixed timestamp."""
    document = docx.Document()
    _set_up(document, info)
    bookmark_id = 0
    for block in blocks:
        if isinstance(block, Table):
            _add_table(document, block)
        elif block.bookmark:
            _add_heading(document, block, bookmark_id)
            bookmark_id += 1
        else:
            document.add_paragraph(block.text)
    raw = io.BytesIO()
    document.save(raw)
    return _fix_zip(raw.getvalue())


def _set_up(document: docx.document.Document, info: DocInfo) -> None:
    section = document.sections[0]
    # Wide budget tables (up to 16 columns): the exports are A4 landscape.
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    section.top_margin = section.bottom_margin = Cm(2.0)
    _east_asian_font(document.styles["Normal"], "宋体", Pt(10.5))
    for level in (1, 2, 3):
        _east_asian_font(document.styles[f"Heading {level}"], "黑体", None)
    if info.header_note:
        section.header.paragraphs[0].text = info.header_note
    core = document.core_properties
    core.title, core.subject, core.comments, core.keywords = (
        info.title,
        info.subject,
        info.comments,
        info.keywords,
    )
    core.author = core.last_modified_by = "yusuan pipelines.samples.make_samples"
    core.created = core.modified = core.last_printed = FIXED_TIME
    core.revision = 1


def _east_asian_font(style, name: str, size: Pt | None) -> None:
    style.font.name = name
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), name)
    if size is not None:
        style.font.size = size


def _add_heading(document: docx.document.Document, block: Paragraph, bookmark_id: int) -> None:
    assert block.bookmark is not None
    match = _TOC_LEVEL.match(block.bookmark)
    paragraph = document.add_heading(block.text, level=int(match[1]) if match else 2)
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), block.bookmark)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    runs = paragraph._p.r_lst
    if runs:
        runs[0].addprevious(start)
        runs[-1].addnext(end)
    else:
        paragraph._p.append(start)
        paragraph._p.append(end)


def _add_table(document: docx.document.Document, block: Table) -> None:
    # Built as one XML string: python-docx's per-element API costs ~1 s per filing here.
    widths = _column_widths(block, document._block_width // 635)  # EMU -> twips (dxa)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    rows = []
    for row in block.rows:
        tcs, col = [], 0
        for cell in row:
            tcs.append(_tc_xml(cell, sum(widths[col : col + cell.span])))
            col += cell.span
        rows.append("<w:tr>" + "".join(tcs) + "</w:tr>")
    tbl = parse_xml(
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        '<w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
    document.element.body._insert_tbl(tbl)


def _column_widths(block: Table, total: int) -> list[int]:
    """Grid column widths in twips, proportional to each column's widest single cell, so that
    codes and amounts stay on one line when rendered (Chinese text may wrap onto two)."""
    weights = [2.5] * block.grid
    for row in block.rows:
        col = 0
        for cell in row:
            if cell.span == 1:
                text = cell.text.strip()
                cjk = sum(ord(ch) > 0x2E7F for ch in text)
                ems = cjk + 0.62 * (len(text) - cjk) + 1.2  # + the cell's side margins
                weights[col] = max(weights[col], min(ems / 2, 12.0) if cjk else ems)
            col += cell.span
    return [int(total * w / sum(weights)) for w in weights]


def _tc_xml(cell: Cell, width: int) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if cell.span > 1:
        props += f'<w:gridSpan w:val="{cell.span}"/>'  # one w:tc over several grid columns
    if cell.vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'  # first of a cell merged over several rows
    elif cell.vmerge == "continue":
        props += "<w:vMerge/>"  # Word's spelling of vMerge="continue"
    run = ""
    if cell.text:
        space = ' xml:space="preserve"' if cell.text != cell.text.strip() else ""
        run = f"<w:r><w:t{space}>{escape(cell.text)}</w:t></w:r>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{run}</w:p></w:tc>"


def _fix_zip(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(member.filename), compresslevel=9)
    return out.getvalue()
