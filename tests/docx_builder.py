"""Build small .docx files from raw WordprocessingML, for tests and benchmarks.

python-docx cannot write vMerge-continue cells, gridBefore, content controls or nested tables
the way Word and WPS do, so tables are written as raw OOXML here.  A cell is a plain string or a
:class:`C` (text, span, vmerge, nested table, sdt); a row is a list of cells or an :class:`R`.

    data = build_docx([p("部门预算收入总表", heading=True), tbl([["序号", C("收入", span=2)], ...])])
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""

DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""

# Word's own style ids for headings are "1", "2" in Chinese installs (name "heading 1") and
# "Heading1" in English ones; both are declared so tests can use either.
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="a"/></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="a"/></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>
</w:styles>"""

RICH_RPR = (
    '<w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体" w:cs="宋体" w:hint="eastAsia"/>'
    '<w:color w:val="000000"/><w:kern w:val="0"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
)
RICH_PPR = '<w:pPr><w:widowControl/><w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr>'


def _runs(text: str, rich: bool) -> str:
    """Runs for ``text``: '\\t' becomes <w:tab/>, '\\n' becomes <w:br/>."""
    rpr = RICH_RPR if rich else ""
    out = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append(f"<w:r>{rpr}<w:br/></w:r>")
        for j, part in enumerate(line.split("\t")):
            if j:
                out.append(f"<w:r>{rpr}<w:tab/></w:r>")
            if part:
                out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(part)}</w:t></w:r>')
    return "".join(out)


def p(text: str = "", *, style: str | None = None, heading: bool = False, outline: int | None = None,
      rich: bool = False) -> str:
    """One paragraph. ``heading=True`` uses the 'heading 1' style; ``outline`` sets w:outlineLvl."""
    ppr = ""
    if heading:
        style = style or "1"
    if style or outline is not None:
        ppr = "<w:pPr>"
        if style:
            ppr += f'<w:pStyle w:val="{style}"/>'
        if outline is not None:
            ppr += f'<w:outlineLvl w:val="{outline}"/>'
        ppr += "</w:pPr>"
    elif rich:
        ppr = RICH_PPR
    return f"<w:p>{ppr}{_runs(text, rich)}</w:p>"


@dataclass
class C:
    """A cell: text, horizontal span, vMerge ('restart' | 'continue'), nested tables, sdt wrapper."""

    text: str = ""
    span: int = 1
    vmerge: str | None = None
    nested: list[str] = field(default_factory=list)  # raw <w:tbl> strings placed after the text
    sdt: bool = False  # wrap the <w:tc> in a cell-level content control
    raw: str | None = None  # raw paragraph XML instead of ``text``
    hmerge: str | None = None  # legacy w:hMerge


@dataclass
class R:
    """A row with its cells and optional gridBefore/gridAfter, header repeat, row-level sdt."""

    cells: list
    grid_before: int = 0
    grid_after: int = 0
    sdt: bool = False
    header: bool = False


def cell_xml(c: C | str, rich: bool = False) -> str:
    """One <w:tc>."""
    if isinstance(c, str):
        c = C(c)
    tcpr = '<w:tcW w:w="1200" w:type="dxa"/>' if rich else ""
    if c.span > 1:
        tcpr += f'<w:gridSpan w:val="{c.span}"/>'
    if c.hmerge == "restart":
        tcpr += '<w:hMerge w:val="restart"/>'
    elif c.hmerge == "continue":
        tcpr += "<w:hMerge/>"
    if c.vmerge == "restart":
        tcpr += '<w:vMerge w:val="restart"/>'
    elif c.vmerge == "continue":
        tcpr += "<w:vMerge/>"
    if rich:
        tcpr += '<w:vAlign w:val="center"/>'
    body = c.raw if c.raw is not None else "".join(
        p(line, rich=rich) for line in (c.text.split("\r") if c.text else [""])
    )
    body += "".join(c.nested)
    if c.nested:
        body += "<w:p/>"  # Word requires a paragraph after a nested table
    tc = f"<w:tc>{'<w:tcPr>' + tcpr + '</w:tcPr>' if tcpr else ''}{body}</w:tc>"
    if c.sdt:
        tc = f'<w:sdt><w:sdtPr><w:id w:val="1"/></w:sdtPr><w:sdtContent>{tc}</w:sdtContent></w:sdt>'
    return tc


def tbl(rows: list, *, n_cols: int | None = None, rich: bool = False, sdt: bool = False) -> str:
    """One <w:tbl>. ``n_cols`` defaults to the widest row (spans and gridBefore/After counted)."""
    rows = [r if isinstance(r, R) else R(list(r)) for r in rows]
    if n_cols is None:
        n_cols = max(
            (r.grid_before + r.grid_after + sum(c.span if isinstance(c, C) else 1 for c in r.cells) for r in rows),
            default=1,
        )
    grid = "".join('<w:gridCol w:w="1200"/>' for _ in range(n_cols))
    out = [
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
        '<w:tblLook w:val="04A0"/></w:tblPr>',
        f"<w:tblGrid>{grid}</w:tblGrid>",
    ]
    for r in rows:
        trpr = ""
        if r.grid_before:
            trpr += f'<w:gridBefore w:val="{r.grid_before}"/>'
        if r.grid_after:
            trpr += f'<w:gridAfter w:val="{r.grid_after}"/>'
        if r.header:
            trpr += "<w:tblHeader/>"
        if rich:
            trpr += '<w:trHeight w:val="300"/>'
        tr = f"<w:tr>{'<w:trPr>' + trpr + '</w:trPr>' if trpr else ''}{''.join(cell_xml(c, rich) for c in r.cells)}</w:tr>"
        if r.sdt:
            tr = f'<w:sdt><w:sdtPr><w:id w:val="2"/></w:sdtPr><w:sdtContent>{tr}</w:sdtContent></w:sdt>'
        out.append(tr)
    out.append("</w:tbl>")
    xml = "".join(out)
    if sdt:
        xml = f'<w:sdt><w:sdtPr><w:id w:val="3"/></w:sdtPr><w:sdtContent>{xml}</w:sdtContent></w:sdt>'
    return xml


def document_xml(blocks: list[str]) -> str:
    """The word/document.xml text for a list of block-level XML fragments."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W_NS}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<w:body>{''.join(blocks)}<w:sectPr/></w:body></w:document>"
    )


def package(parts: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Zip the given parts into bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, content in parts.items():
            zf.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return buf.getvalue()


def build_docx(blocks: list[str], *, document: str | bytes | None = None, styles: str | None = STYLES) -> bytes:
    """A complete .docx from block fragments (or from a ready-made ``document`` XML)."""
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "word/document.xml": document if document is not None else document_xml(blocks),
    }
    if styles is not None:
        parts["word/_rels/document.xml.rels"] = DOC_RELS
        parts["word/styles.xml"] = styles
    return package(parts)


META = ["201中国共产党魏县委员会办公室", "预算年度：2023", "单位：万元"]


def meta_row(n_cols: int, cells: list[str] = META) -> list:
    """The Hebei metadata row: code+name, 预算年度, 单位, spread over the grid with gridSpan."""
    k = len(cells)
    base, extra = divmod(n_cols, k)
    return [C(t, span=base + (1 if i < extra else 0)) for i, t in enumerate(cells)]
