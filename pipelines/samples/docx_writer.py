"""Blocks -> a .docx built the way county budget exports are built, byte for byte reproducible."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt
from docx.table import _Cell

from pipelines.samples.rendering import Block, Paragraph, Table

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
    core.title, core.subject, core.comments, core.keywords = info.title, info.subject, info.comments, info.keywords
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
    table = document.add_table(rows=0, cols=block.grid)
    table.style = document.styles["Table Grid"]
    tbl = table._tbl
    col_width = tbl.tblGrid.gridCol_lst[0].w
    for row in block.rows:
        tr = tbl.add_tr()
        for cell in row:
            tc = tr.add_tc()
            tc.width = Emu(col_width * cell.span)
            if cell.span > 1:
                tc.grid_span = cell.span  # w:gridSpan: one w:tc over several grid columns
            if cell.vmerge:
                tc.vMerge = cell.vmerge  # w:vMerge restart/continue: one cell over several rows
            if cell.text:
                _Cell(tc, table).text = cell.text


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
