"""One rule for visible text: every .docx reader path reads what Word shows, and nothing else.

Two oracles: the filtered table pass (what ``read_docx`` uses) against the structured walk, on
every shipped sample and a set of variant documents; and, on random documents carrying deleted,
moved, hidden and style-hidden runs, paragraphs and rows, both paths against the *clean* document —
the same document built from its visible text only, which involves no hiding at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.lib import safe_io
from pipelines.lib.docx_reader import read_document_xml, read_docx
from tests.docx_builder import W_NS, C, R, build_docx, meta_row, p, tbl

SAMPLES = sorted((Path(__file__).parents[2] / "data" / "samples").rglob("*.docx"))


def dump(doc) -> tuple:
    """Everything a RawDocument says, as plain tuples."""
    tables = [
        (t.index, t.n_cols, t.before, t.after, t.nested, t.page,
         [[(c.text, c.row, c.col, c.col_span, c.row_span, c.table, c.page, c.bbox) for c in row] for row in t.rows])
        for t in doc.tables
    ]
    paragraphs = [(x.text, x.heading, x.is_heading, x.index, x.page) for x in doc.paragraphs]
    return doc.file_type, tables, paragraphs, doc.pages, doc.notes


def structured(data: bytes):
    root, styles = safe_io.open_docx_parts(data)
    return read_document_xml(root, styles, structured=True)


def check(data: bytes):
    """read_docx (filtered table pass) equals the structured walk; returns the document."""
    doc = read_docx(data)
    assert dump(doc) == dump(structured(data))
    return doc


@pytest.mark.skipif(not SAMPLES, reason="no shipped samples")
@pytest.mark.parametrize("path", SAMPLES, ids=lambda pth: pth.name)
def test_every_shipped_sample_reads_the_same_both_ways(path):
    doc = check(path.read_bytes())
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
    "income header, merges": [p("部门预算收入总表", heading=True), tbl(INCOME)],
    "income header, rich runs": [p("部门预算收入总表", heading=True), tbl(INCOME, rich=True), p("注：示例。", rich=True)],
    "gridBefore/After": [tbl([R(["x", "y"], grid_before=2), R(["a", "b", "c"], grid_after=1), ["1", "2", "3", "4"],
                               R(["h"], header=True, grid_after=3)])],
    "hMerge": [tbl([[C("收入", hmerge="restart"), C("", hmerge="continue"), "支出"], ["项目", "预算数", "项目"]])],
    "several paragraphs in a cell": [tbl([[C("一般公共预算\r财政拨款\r"), "x"], [C("\r"), C("a\tb\nc")]])],
    "fields, revisions, tabs, breaks": [FIELDS_AND_REVISIONS, tbl([[C(raw=FIELDS_AND_REVISIONS), "x"]])],
    "rich paragraph with bookmarks": [RICH_PARAGRAPH, tbl([["a", C(raw=RICH_PARAGRAPH)]])],
    "headings, notes, before/after": [
        p("第一部分  部门预算公开表", heading=True), p("部门预算收支总表"), p("单位：万元"), tbl([["项目", "预算数"]]),
        p(""), p("注：无政府基金预算财政拨款预算，空表列示。"), p("2. 本表金额保留两位小数。"), p("一、部门职责"),
        p("四、财政拨款“三公”经费预算情况", outline=1), p("部门机构设置情况", style="Heading2"),
        p("目录", style="TOC1"), p("正文", outline=9), tbl([["单位名称", "单位性质"]]), tbl([["a", "b"]]),
    ],
    "entities and character references": [
        p("A&amp;B &lt;1&gt; &quot;q&quot; &apos;a&apos; &#20013;&#x6587; &#13;x"),
        tbl([["R&amp;D", "&#x3000;100.00"], [C(raw='<w:p><w:r><w:t>a&gt;b</w:t></w:r><w:r><w:t>&amp;c</w:t></w:r></w:p>'), "y"]]),
    ],
    "attribute spellings": [
        "<w:p><w:pPr><w:pStyle  w:val = '1' /></w:pPr><w:r><w:t xml:space='preserve'>标题</w:t></w:r></w:p>",
        "<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=' 2 '/><w:vMerge w:val='restart'></w:vMerge></w:tcPr>"
        "<w:p><w:r><w:t>x</w:t></w:r></w:p><w:p/></w:tc><w:tc><w:p></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:tcPr><w:gridSpan w:val='2'/><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>",
    ],
    "empty table element": [p("前"), "<w:tbl/>", p("注：空。")],
    "empty cells and rows": [tbl([["a", "b"], ["", ""]]), "<w:tbl><w:tr><w:tc/><w:tc><w:p/></w:tc></w:tr><w:tr/></w:tbl>"],
    "a style made a heading through basedOn": [p("章节", style="TOC1"), p("部门预算收支总表", style="Heading2")],
    "sdt around table, row and cell": [p("表1"), tbl([["项目", C("预算数", sdt=True)], R(["合计", "1"], sdt=True)], sdt=True)],
    "customXml": ['<w:customXml w:element="t"><w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>'
                   "</w:tbl></w:customXml>"],
    "nested table": [p("标题"), tbl([["外标题", "x"], [C("说明文字", nested=[tbl([["内1", "内2"]])]), "y"]]), p("后文")],
    "moveFrom": [MOVE_FROM, tbl([[C(raw=MOVE_FROM)]])],
    "AlternateContent": [ALTERNATE, tbl([[C(raw=ALTERNATE)]])],
    "comment": ["<w:p><!-- c --><w:r><w:t>x</w:t></w:r></w:p>"],
    "CDATA": ["<w:p><w:r><w:t><![CDATA[a<b]]></w:t></w:r></w:p>"],
    "processing instruction": ["<w:p><?pi x?><w:r><w:t>x</w:t></w:r></w:p>"],
    "table inside an unknown element": ["<w:ins><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl></w:ins>",
                                         tbl([["a"]])],
    "table with rows but no cells": ['<w:tbl><w:tblGrid><w:gridCol w:w="1"/></w:tblGrid><w:tr/></w:tbl>'],
    "tcPrChange": ["<w:tbl><w:tr><w:tc><w:tcPr><w:tcPrChange w:id=\"1\" w:author=\"a\"><w:tcPr><w:gridSpan w:val=\"2\"/>"
                    "</w:tcPr></w:tcPrChange></w:tcPr><w:p/></w:tc></w:tr></w:tbl>"],
}


@pytest.mark.parametrize("name", VARIANTS)
def test_variant_documents(name):
    check(build_docx(VARIANTS[name]))


# -- hidden and deleted content ---------------------------------------------------------------------

HIDING_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="21"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="HiddenPara"><w:name w:val="hidden para"/><w:basedOn w:val="a"/><w:rPr><w:vanish/></w:rPr></w:style>
<w:style w:type="character" w:styleId="HiddenBase"><w:name w:val="hidden base"/><w:rPr><w:vanish/></w:rPr></w:style>
<w:style w:type="character" w:styleId="HiddenChar"><w:name w:val="hidden char"/><w:basedOn w:val="HiddenBase"/></w:style>
<w:style w:type="character" w:styleId="Sup"><w:name w:val="sup"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>
</w:styles>"""

_REV = 'w:id="9" w:author="x" w:date="2024-01-01T00:00:00Z"'
# How a run of text can be in the file but not on the page (each is what Word does not show) …
HIDDEN = {
    "vanish": lambda t: f'<w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve">{t}</w:t></w:r>',
    "vanish true": lambda t: f'<w:r><w:rPr><w:vanish w:val="true"/></w:rPr><w:t xml:space="preserve">{t}</w:t></w:r>',
    "webHidden": lambda t: f'<w:r><w:rPr><w:webHidden/></w:rPr><w:t xml:space="preserve">{t}</w:t></w:r>',
    "del delText": lambda t: f'<w:del {_REV}><w:r><w:delText xml:space="preserve">{t}</w:delText></w:r></w:del>',
    "del t": lambda t: f'<w:del {_REV}><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:del>',
    "delText outside del": lambda t: f'<w:r><w:delText xml:space="preserve">{t}</w:delText></w:r>',
    "moveFrom": lambda t: f'<w:moveFrom {_REV}><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:moveFrom>',
    "char style basedOn": lambda t: (f'<w:r><w:rPr><w:rStyle w:val="HiddenChar"/></w:rPr>'
                                     f'<w:t xml:space="preserve">{t}</w:t></w:r>'),
    "fallback": lambda t: ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:t xml:space="preserve"></w:t>'
                           f'</mc:Choice><mc:Fallback><w:t xml:space="preserve">{t}</w:t></mc:Fallback>'
                           "</mc:AlternateContent></w:r>"),
}
# … and how a run can look hidden and still be shown.
SHOWN = {
    "plain": lambda t: f'<w:r><w:t xml:space="preserve">{t}</w:t></w:r>',
    "vanish off": lambda t: f'<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t xml:space="preserve">{t}</w:t></w:r>',
    "hidden style, vanish off": lambda t: (f'<w:r><w:rPr><w:rStyle w:val="HiddenChar"/><w:vanish w:val="false"/></w:rPr>'
                                           f'<w:t xml:space="preserve">{t}</w:t></w:r>'),
    "inserted": lambda t: f'<w:ins {_REV}><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:ins>',
    "moveTo": lambda t: f'<w:moveTo {_REV}><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:moveTo>',
}
TEXT = st.text(alphabet="0123456789.-,合计收入支出一二三", min_size=1, max_size=6)
SEGMENT = st.tuples(st.sampled_from(sorted(HIDDEN) + sorted(SHOWN)), TEXT)
PARA = st.tuples(st.booleans(), st.lists(SEGMENT, max_size=4))  # (in the hidden paragraph style, runs)


def _para_xml(para, clean: bool) -> str | None:
    """One paragraph as the hostile file holds it, or (clean) as its visible text alone; None: not shown."""
    hidden_style, segments = para
    if clean:
        shown = [t for kind, t in segments if kind in SHOWN and (not hidden_style or "off" in kind)]
        if len(shown) < len(segments) and not shown:
            return None  # everything in it hidden: Word shows no paragraph
        return "<w:p>" + "".join(SHOWN["plain"](t) for t in shown) + "</w:p>"
    ppr = '<w:pPr><w:pStyle w:val="HiddenPara"/></w:pPr>' if hidden_style else ""
    return f"<w:p>{ppr}" + "".join((HIDDEN.get(k) or SHOWN[k])(t) for k, t in segments) + "</w:p>"


def _cell_xml(paras, clean: bool) -> str:
    xs = [x for x in (_para_xml(q, clean) for q in paras) if x is not None]
    return "<w:tc>" + ("".join(xs) or "<w:p/>") + "</w:tc>"


@st.composite
def hostile_documents(draw):
    """(hostile blocks, clean blocks): tables and paragraphs with deleted/hidden runs, rows and paragraphs."""
    hostile: list[str] = []
    clean: list[str] = []
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            para = draw(PARA)
            hostile.append(_para_xml(para, False))
            x = _para_xml(para, True)
            if x is not None:
                clean.append(x)
            continue
        n_cols = draw(st.integers(1, 3))
        rows = draw(st.lists(st.tuples(st.sampled_from(["shown", "shown", "deleted row", "hidden row"]),
                                       st.lists(st.lists(PARA, min_size=1, max_size=2), min_size=n_cols,
                                                max_size=n_cols)), min_size=1, max_size=4))
        grid = "<w:tblGrid>" + '<w:gridCol w:w="1"/>' * n_cols + "</w:tblGrid>"
        h_rows, c_rows = [], []
        for state, cells in rows:
            trpr = {"shown": "", "deleted row": f"<w:trPr><w:del {_REV}/></w:trPr>",
                    "hidden row": "<w:trPr><w:hidden/></w:trPr>"}[state]
            h_rows.append(f"<w:tr>{trpr}" + "".join(_cell_xml(c, False) for c in cells) + "</w:tr>")
            if state == "shown":
                c_rows.append("<w:tr>" + "".join(_cell_xml(c, True) for c in cells) + "</w:tr>")
        hostile.append(f"<w:tbl>{grid}{''.join(h_rows)}</w:tbl>")
        clean_tbl = f"<w:tbl>{grid}{''.join(c_rows)}</w:tbl>"
        touched = any(state != "shown" or any(_hides(q) for c in cells for q in c) for state, cells in rows)
        if not touched or _texts(clean_tbl):
            clean.append(clean_tbl)
    return hostile, clean


def _hides(para) -> bool:
    hidden_style, segments = para
    return any(k in HIDDEN or (hidden_style and "off" not in k) for k, _ in segments)


def _texts(xml: str) -> str:
    import re

    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_documents())
def test_every_path_reads_what_word_shows(docs):
    """Filtered pass == structured walk == the document built from the visible text alone."""
    hostile, clean = docs
    got = check(build_docx(hostile, styles=HIDING_STYLES))
    assert dump(got) == dump(read_docx(build_docx(clean, styles=HIDING_STYLES)))


def _one_cell(runs: str, styles: str = HIDING_STYLES) -> str:
    doc = read_docx(build_docx([f"<w:tbl><w:tr><w:tc><w:p>{runs}</w:p></w:tc></w:tr></w:tbl>"], styles=styles))
    return doc.tables[0].rows[0][0].text


def test_a_deleted_or_hidden_minus_is_not_read():
    for kind in HIDDEN:
        assert _one_cell(HIDDEN[kind]("-") + SHOWN["plain"]("236.00")) == "236.00", kind


def test_hidden_by_the_defaults_or_the_paragraph_style_and_shown_again_nearer():
    defaults = HIDING_STYLES.replace('<w:sz w:val="21"/>', '<w:sz w:val="21"/><w:vanish/>')
    assert _one_cell(SHOWN["plain"]("-") + SHOWN["vanish off"]("1.00"), defaults) == "1.00"
    # the default paragraph style un-hides what the defaults hide
    normal_shows = defaults.replace('<w:name w:val="Normal"/>', '<w:name w:val="Normal"/><w:rPr><w:vanish w:val="0"/></w:rPr>')
    assert _one_cell(SHOWN["plain"]("2.00"), normal_shows) == "2.00"


def test_superscript_digits_are_drawn_as_superscripts():
    sup = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>12</w:t></w:r>'
    styled = '<w:r><w:rPr><w:rStyle w:val="Sup"/></w:rPr><w:t>3</w:t></w:r>'
    assert _one_cell(SHOWN["plain"]("236.00") + sup + styled) == "236.00¹²³"
