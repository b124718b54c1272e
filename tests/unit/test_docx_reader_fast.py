"""The byte scanner (read_docx_fast) against the structured lxml walk: same RawDocument, or it declines.

Every shipped sample and a set of variant documents are read three ways: read_docx (what callers
get), read_docx_fast (None when it declines) and the structured lxml walk (the reference).  Where
the scanner reads a document its result must equal the walk's in every cell, span, before/after
line, paragraph and heading; where it declines, read_docx must still give the walk's result.
"""

from __future__ import annotations

import random
import re
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.lib import safe_io
from pipelines.lib.docx_reader import read_document_xml, read_docx, read_docx_fast
from pipelines.lib.errors import RejectedFile
from tests.docx_builder import STYLES, W_NS, C, R, build_docx, document_xml, meta_row, p, tbl

SAMPLES = sorted((Path(__file__).parents[2] / "data" / "samples").rglob("*.docx"))


def dump(doc) -> tuple:
    """Everything a RawDocument says, as plain tuples."""
    tables = [
        (t.index, t.n_cols, t.before, t.after, t.nested, t.page,
         [[(c.text, c.row, c.col, c.col_span, c.row_span, c.table, c.page, c.bbox) for c in row] for row in t.rows])
        for t in doc.tables
    ]
    paragraphs = [(x.text, x.heading, x.is_heading, x.index, x.page) for x in doc.paragraphs]
    return doc.file_type, tables, paragraphs, doc.pages


def structured(data: bytes):
    root, styles = safe_io.open_docx_parts(data)
    return read_document_xml(root, styles, structured=True)


def check(data: bytes, *, scanned: bool | None = None):
    """read_docx equals the structured walk; so does the scanner when it reads the file.

    ``scanned`` asserts whether the scanner reads the document (True) or declines (False).
    """
    ref = dump(structured(data))
    assert dump(read_docx(data)) == ref
    fast = read_docx_fast(data)
    if scanned is not None:
        assert (fast is not None) == scanned
    if fast is not None:
        assert dump(fast) == ref
    return fast


@pytest.mark.skipif(not SAMPLES, reason="no shipped samples")
@pytest.mark.parametrize("path", SAMPLES, ids=lambda pth: pth.name)
def test_every_shipped_sample_is_scanned_and_equals_the_walk(path):
    doc = check(path.read_bytes(), scanned=True)
    assert doc.tables and any(x.is_heading for x in doc.paragraphs)


INCOME = [
    meta_row(13),
    [C("序号", vmerge="restart"), C("功能分类科目", span=2), C("合计", vmerge="restart"), C("本年收入", span=8),
     C("上年结转", vmerge="restart")],
    [C(vmerge="continue"), "科目    编码", "科目名称", C(vmerge="continue"), "小计", "财政拨款 收入", "财政专户 收入",
     "事业收入", "经营收入", "上级补助收入", "附属单位上缴收入", "其他收入", C(vmerge="continue")],
    ["栏次"] + [str(i) for i in range(1, 13)],
    ["1", "", "合计", "2041.42", "2041.42", "2041.42", "", "", "", "", "", "", ""],
]


def _run(t: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{t}</w:t></w:r>'


FIELDS_AND_REVISIONS = (
    "<w:p>" + _run("合") + "<w:r><w:tab/></w:r>" + _run("计") + "<w:r><w:br/></w:r>"
    + '<w:r><w:br w:type="page"/></w:r>'
    + '<w:fldSimple w:instr=" PAGE ">' + _run("7") + "</w:fldSimple>"
    + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText></w:r>'
    + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + _run("2023") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    + '<w:del w:id="1" w:author="a"><w:r><w:delText>删掉</w:delText></w:r></w:del>'
    + '<w:ins w:id="3" w:author="a">' + _run("新增") + "</w:ins>"
    + '<w:hyperlink w:anchor="x">' + _run("链") + "</w:hyperlink>"
    + "<w:r><w:noBreakHyphen/></w:r><w:r><w:ptab/></w:r><w:r><w:cr/></w:r>"
    + '<w:sdt><w:sdtPr><w:id w:val="9"/></w:sdtPr><w:sdtContent>' + _run("控件") + "</w:sdtContent></w:sdt>"
    + "</w:p>"
)
MOVE_FROM = "<w:p>" + _run("留") + '<w:moveFrom w:id="2" w:author="a">' + _run("搬走") + "</w:moveFrom></w:p>"
ALTERNATE = (
    "<w:p>" + _run("前")
    + '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing/></mc:Choice>'
    "<mc:Fallback><w:pict><w:txbxContent><w:p>" + _run("备用") + "</w:p></w:txbxContent></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r>" + _run("后") + "</w:p>"
)
RICH_PARAGRAPH = (
    '<w:p w:rsidR="00A1" w:rsidRDefault="00A1"><w:pPr><w:pStyle w:val="Heading2"/><w:spacing w:line="240"/>'
    '<w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:pPr><w:bookmarkStart w:id="0" w:name="_Toc1"/>'
    '<w:r w:rsidRPr="00B2"><w:rPr><w:rFonts w:hint="eastAsia"/><w:b/></w:rPr><w:t>部门预算</w:t></w:r>'
    '<w:proofErr w:type="spellStart"/><w:r><w:t xml:space="preserve">收支总表 </w:t></w:r><w:bookmarkEnd w:id="0"/></w:p>'
)

VARIANTS = {
    # scanned: plain structure, however it is spelled
    "income header, merges": ([p("部门预算收入总表", heading=True), tbl(INCOME)], True),
    "income header, rich runs": ([p("部门预算收入总表", heading=True), tbl(INCOME, rich=True), p("注：示例。", rich=True)], True),
    "gridBefore/After": ([tbl([R(["x", "y"], grid_before=2), R(["a", "b", "c"], grid_after=1), ["1", "2", "3", "4"],
                               R(["h"], header=True, grid_after=3)])], True),
    "hMerge": ([tbl([[C("收入", hmerge="restart"), C("", hmerge="continue"), "支出"], ["项目", "预算数", "项目"]])], True),
    "several paragraphs in a cell": ([tbl([[C("一般公共预算\r财政拨款\r"), "x"], [C("\r"), C("a\tb\nc")]])], True),
    "fields, revisions, tabs, breaks": ([FIELDS_AND_REVISIONS, tbl([[C(raw=FIELDS_AND_REVISIONS), "x"]])], True),
    "rich paragraph with bookmarks": ([RICH_PARAGRAPH, tbl([["a", C(raw=RICH_PARAGRAPH)]])], True),
    "headings, notes, before/after": ([
        p("第一部分  部门预算公开表", heading=True), p("部门预算收支总表"), p("单位：万元"), tbl([["项目", "预算数"]]),
        p(""), p("注：无政府基金预算财政拨款预算，空表列示。"), p("2. 本表金额保留两位小数。"), p("一、部门职责"),
        p("四、财政拨款“三公”经费预算情况", outline=1), p("部门机构设置情况", style="Heading2"),
        p("目录", style="TOC1"), p("正文", outline=9), tbl([["单位名称", "单位性质"]]), tbl([["a", "b"]]),
    ], True),
    "entities and character references": ([
        p("A&amp;B &lt;1&gt; &quot;q&quot; &apos;a&apos; &#20013;&#x6587; &#13;x"),
        tbl([["R&amp;D", "&#x3000;100.00"], [C(raw='<w:p><w:r><w:t>a&gt;b</w:t></w:r><w:r><w:t>&amp;c</w:t></w:r></w:p>'), "y"]]),
    ], True),
    "attribute spellings": ([
        "<w:p><w:pPr><w:pStyle  w:val = '1' /></w:pPr><w:r><w:t xml:space='preserve'>标题</w:t></w:r></w:p>",
        "<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=' 2 '/><w:vMerge w:val='restart'></w:vMerge></w:tcPr>"
        "<w:p><w:r><w:t>x</w:t></w:r></w:p><w:p/></w:tc><w:tc><w:p></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:tcPr><w:gridSpan w:val='2'/><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>",
    ], True),
    "empty table element": ([p("前"), "<w:tbl/>", p("注：空。")], True),
    "empty cells and rows": ([tbl([["a", "b"], ["", ""]]), "<w:tbl><w:tr><w:tc/><w:tc><w:p/></w:tc></w:tr><w:tr/></w:tbl>"], True),
    "a style made a heading through basedOn": ([p("章节", style="TOC1"), p("部门预算收支总表", style="Heading2")], True),
    # declined: the lxml walk reads these
    "sdt around table, row and cell": ([p("表1"), tbl([["项目", C("预算数", sdt=True)], R(["合计", "1"], sdt=True)], sdt=True)],
                                       False),
    "customXml": (['<w:customXml w:element="t"><w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>'
                   "</w:tbl></w:customXml>"], False),
    "nested table": ([p("标题"), tbl([["外标题", "x"], [C("说明文字", nested=[tbl([["内1", "内2"]])]), "y"]]), p("后文")],
                     False),
    "moveFrom": ([MOVE_FROM, tbl([[C(raw=MOVE_FROM)]])], False),
    "AlternateContent": ([ALTERNATE, tbl([[C(raw=ALTERNATE)]])], False),
    "comment": (["<w:p><!-- c --><w:r><w:t>x</w:t></w:r></w:p>"], False),
    "CDATA": (["<w:p><w:r><w:t><![CDATA[a<b]]></w:t></w:r></w:p>"], False),
    "processing instruction": (["<w:p><?pi x?><w:r><w:t>x</w:t></w:r></w:p>"], False),
    "table inside an unknown element": (["<w:ins><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl></w:ins>",
                                         tbl([["a"]])], False),
    "table with rows but no cells": (['<w:tbl><w:tblGrid><w:gridCol w:w="1"/></w:tblGrid><w:tr/></w:tbl>'], False),
    "tcPrChange": (["<w:tbl><w:tr><w:tc><w:tcPr><w:tcPrChange w:id=\"1\" w:author=\"a\"><w:tcPr><w:gridSpan w:val=\"2\"/>"
                    "</w:tcPr></w:tcPrChange></w:tcPr><w:p/></w:tc></w:tr></w:tbl>"], False),
}


@pytest.mark.parametrize("name", VARIANTS)
def test_variant_documents(name):
    blocks, scanned = VARIANTS[name]
    check(build_docx(blocks), scanned=scanned)


def _docx_with_document(xml: str | bytes, styles: str | None = STYLES) -> bytes:
    return build_docx([], document=xml, styles=styles)


def test_a_document_without_styles_or_declaration_or_with_a_bom():
    body = document_xml([p("部门预算收支总表", heading=True), tbl([["a", "b"]])])
    check(_docx_with_document(body, styles=None), scanned=True)
    bare = body.split("?>", 1)[1].lstrip()
    check(_docx_with_document(bare), scanned=True)
    check(_docx_with_document(b"\xef\xbb\xbf" + body.encode()), scanned=True)
    check(_docx_with_document(body.replace("\n", "\r\n")), scanned=True)


def test_other_encodings_and_namespaces_decline():
    body = document_xml([tbl([["合计", "1"]])])
    check(_docx_with_document(body.encode("utf-16")), scanned=False)
    check(_docx_with_document(body.replace('encoding="UTF-8"', 'encoding="GBK"').encode("gbk")), scanned=False)
    # WordprocessingML under another prefix, or w: bound to something else, or declared below the root.
    other = body.replace("<w:", "<x:").replace("</w:", "</x:").replace(" w:", " x:").replace("xmlns:w=", "xmlns:x=")
    check(_docx_with_document(other), scanned=False)
    rebound = body.replace(f'xmlns:w="{W_NS}"', f'xmlns:w="urn:other" xmlns:x="{W_NS}"')
    assert read_docx_fast(_docx_with_document(rebound)) is None
    inner = body.replace("<w:tbl>", '<w:tbl xmlns:v="urn:v">')
    check(_docx_with_document(inner), scanned=False)


@pytest.mark.parametrize(
    "xml",
    [
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p></w:body></w:document>',
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&bogus;</w:t></w:r></w:p></w:body></w:document>',
        f'<w:document xmlns:w="{W_NS}"><w:body><x:p/></w:body></w:document>',
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>\x01</w:t></w:r></w:p></w:body></w:document>',
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "b">]><w:document xmlns:w="{W_NS}"><w:body/></w:document>',
    ],
    ids=["unclosed", "undefined entity", "undeclared prefix", "control character", "DTD"],
)
def test_what_the_hardened_parser_refuses_the_scanner_never_reads(xml):
    data = _docx_with_document(xml)
    assert read_docx_fast(data) is None
    with pytest.raises(RejectedFile) as fast_err:
        read_docx(data)
    with pytest.raises(RejectedFile) as ref_err:
        safe_io.open_docx_parts(data)
    assert fast_err.value.kind == ref_err.value.kind in ("malformed", "xml_dtd")


def test_caps_are_the_walks():
    rows = "".join("<w:tr><w:tc><w:p/></w:tc></w:tr>" for _ in range(3))
    xml = document_xml([f"<w:tbl>{rows}</w:tbl>"])
    check(_docx_with_document(xml), scanned=True)
    too_many = document_xml(["<w:tbl/>"] * (safe_io.MAX_TABLES + 1))
    with pytest.raises(RejectedFile) as exc:
        read_docx(_docx_with_document(too_many))
    assert exc.value.kind == "too_large"
    wide = document_xml(['<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="999999"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>'])
    with pytest.raises(RejectedFile) as exc:
        read_docx(_docx_with_document(wide))
    assert exc.value.kind == "too_large"


_TEXT = st.text(alphabet=st.sampled_from(list("合计项目 &<>\"'\t\n\r１2.\u3000")), max_size=5)


@st.composite
def random_documents(draw):
    """Paragraphs and tables with random spans, merges, gridBefore/After and awkward text."""
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            blocks.append(p(draw(_TEXT), heading=draw(st.booleans()), rich=draw(st.booleans())))
            continue
        rows = []
        for _ in range(draw(st.integers(1, 4))):
            cells = [
                C(draw(_TEXT), span=draw(st.integers(1, 3)),
                  vmerge=draw(st.sampled_from([None, None, "restart", "continue"])),
                  hmerge=draw(st.sampled_from([None, None, None, "continue"])))
                for _ in range(draw(st.integers(1, 4)))
            ]
            rows.append(R(cells, grid_before=draw(st.integers(0, 2)), grid_after=draw(st.integers(0, 1))))
        blocks.append(tbl(rows, rich=draw(st.booleans())))
    return blocks


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_documents())
def test_random_documents_read_the_same(blocks):
    check(build_docx(blocks), scanned=True)


def _rewrite_document(data: bytes, document: bytes) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, document if info.filename == "word/document.xml" else src.read(info))
    return out.getvalue()


def _mutate(xml: bytes, rng: random.Random) -> bytes:
    """Damage the bytes (flips) or, keeping them well formed, the structure: elements wrapped in
    unknown elements or content controls, dropped or doubled, runs with tabs and breaks added."""
    body = xml.find(b"<w:body>")
    if rng.random() < 0.4:
        out = bytearray(xml)
        for _ in range(rng.randint(1, 3)):
            out[rng.randrange(body, len(out))] = rng.choice(b"<>/=\"' w:tcrp&#\x00\xff")
        return bytes(out)
    text = xml.decode("utf-8")
    for _ in range(rng.randint(1, 3)):
        tag = rng.choice(["w:tc", "w:tr", "w:p", "w:tbl", "w:r", "w:tcPr"])
        spans = [m.span() for m in re.finditer(rf"<{tag}[ >].*?</{tag}>", text)]
        if not spans:
            continue
        a, b = rng.choice(spans)
        piece = text[a:b]
        op = rng.randrange(5)
        if op == 0:
            piece = f"<w:foo>{piece}</w:foo>"
        elif op == 1:
            piece = f"<w:sdt><w:sdtContent>{piece}</w:sdtContent></w:sdt>"
        elif op == 2:
            piece = piece * rng.choice([0, 2])
        elif op == 3:
            piece = piece.replace("</w:r>", rng.choice(["<w:tab/>", '<w:br w:type="page"/>', "<w:cr/>"]) + "</w:r>", 1)
        else:
            piece = piece.replace("<w:t>", "<w:t>&amp;&#x41;\r\n", 1)
        text = text[:a] + piece + text[b:]
    return text.encode("utf-8")


@pytest.mark.skipif(not SAMPLES, reason="no shipped samples")
def test_damaged_samples_read_as_the_walk_reads_them():
    """Whatever the lxml walk does with a damaged sample (a rejection or a RawDocument), read_docx does too."""
    data = SAMPLES[0].read_bytes()
    with zipfile.ZipFile(BytesIO(data)) as zf:
        xml = zf.read("word/document.xml")
    rng = random.Random(20240607)
    seen = {"rejected": 0, "scanned": 0, "declined": 0}
    for _ in range(60):
        doc = _rewrite_document(data, _mutate(xml, rng))
        try:
            root, styles = safe_io.open_docx_parts(doc)
            ref = dump(read_document_xml(root, styles))
        except RejectedFile as exc:
            seen["rejected"] += 1
            assert read_docx_fast(doc) is None
            with pytest.raises(RejectedFile) as got:
                read_docx(doc)
            assert got.value.kind == exc.kind
            continue
        assert dump(read_docx(doc)) == ref
        fast = read_docx_fast(doc)
        seen["scanned" if fast is not None else "declined"] += 1
        if fast is not None:
            assert dump(fast) == dump(read_document_xml(root, styles, structured=True))
    assert min(seen.values()) >= 5, seen
