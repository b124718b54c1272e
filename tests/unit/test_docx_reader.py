"""docx_reader: exact cells, spans and provenance from variant WordprocessingML built on the fly."""

from __future__ import annotations

import io

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pipelines.lib import docx_reader, safe_io
from pipelines.lib.docx_reader import read_document_xml, read_docx
from pipelines.lib.errors import RejectedFile
from pipelines.lib.model import RawTable
from tests.docx_builder import META, STYLES, C, R, build_docx, document_xml, meta_row, p, tbl


def cells(raw_table):
    """(text, row, col, col_span, row_span) for every cell, row by row."""
    return [[(c.text, c.row, c.col, c.col_span, c.row_span) for c in row] for row in raw_table.rows]


INCOME_HEADER = [
    meta_row(13),
    [C("序号", vmerge="restart"), C("功能分类科目", span=2), C("合计", vmerge="restart"), C("本年收入", span=8),
     C("上年结转", vmerge="restart")],
    [C(vmerge="continue"), "科目    编码", "科目名称", C(vmerge="continue"), "小计", "财政拨款 收入", "财政专户 收入",
     "事业收入", "经营收入", "上级补助收入", "附属单位上缴收入", "其他收入", C(vmerge="continue")],
    ["栏次"] + [str(i) for i in range(1, 13)],
    ["1", "", "合计", "2041.42", "2041.42", "2041.42", "", "", "", "", "", "", ""],
]


def test_merged_header_cells_appear_once_at_their_origin_with_spans():
    raw = read_docx(build_docx([p("部门预算收入总表"), tbl(INCOME_HEADER)])).tables[0]
    assert raw.n_cols == 13
    got = cells(raw)
    assert got[0] == [
        ("201中国共产党魏县委员会办公室", 0, 0, 5, 1),
        ("预算年度：2023", 0, 5, 4, 1),
        ("单位：万元", 0, 9, 4, 1),
    ]
    assert got[1] == [
        ("序号", 1, 0, 1, 2),
        ("功能分类科目", 1, 1, 2, 1),
        ("合计", 1, 3, 1, 2),
        ("本年收入", 1, 4, 8, 1),
        ("上年结转", 1, 12, 1, 2),
    ]
    # vMerge continuation cells are not repeated: the second header row starts at column 1.
    assert got[2][0] == ("科目    编码", 2, 1, 1, 1)
    assert [c[0] for c in got[2]] == [
        "科目    编码", "科目名称", "小计", "财政拨款 收入", "财政专户 收入", "事业收入", "经营收入",
        "上级补助收入", "附属单位上缴收入", "其他收入",
    ]
    assert [c[2] for c in got[2]] == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11]
    assert got[4][3] == ("2041.42", 4, 3, 1, 1)
    assert raw.before == ["部门预算收入总表"]


def test_vertical_merge_over_many_body_rows():
    rows = [["一级指标", "二级指标", "指标值"], [C("产出指标", vmerge="restart"), "数量指标", "1套"]]
    rows += [[C(vmerge="continue"), f"q{i}", f"{i}"] for i in range(3)]
    rows += [[C("效益指标", vmerge="restart"), "社会效益指标", "好"], [C(vmerge="continue"), "可持续", "长"]]
    raw = read_docx(build_docx([tbl(rows)])).tables[0]
    got = cells(raw)
    assert got[1][0] == ("产出指标", 1, 0, 1, 4)
    assert got[2] == [("q0", 2, 1, 1, 1), ("0", 2, 2, 1, 1)]
    assert got[5][0] == ("效益指标", 5, 0, 1, 2)
    assert got[6] == [("可持续", 6, 1, 1, 1), ("长", 6, 2, 1, 1)]


def test_a_continue_with_nothing_above_is_kept_as_a_cell():
    raw = read_docx(build_docx([tbl([["a", C("b", vmerge="continue")], ["c", C("", vmerge="continue")]])])).tables[0]
    assert cells(raw) == [[("a", 0, 0, 1, 1), ("b", 0, 1, 1, 2)], [("c", 1, 0, 1, 1)]]


def test_grid_before_and_after_shift_cells_on_the_grid():
    rows = [R(["x", "y"], grid_before=2), R(["a", "b", "c"], grid_after=1), ["1", "2", "3", "4"]]
    raw = read_docx(build_docx([tbl(rows)])).tables[0]
    assert raw.n_cols == 4
    assert cells(raw)[0] == [("x", 0, 2, 1, 1), ("y", 0, 3, 1, 1)]
    assert cells(raw)[1] == [("a", 1, 0, 1, 1), ("b", 1, 1, 1, 1), ("c", 1, 2, 1, 1)]


def test_legacy_hmerge_widens_the_cell_on_the_left():
    rows = [[C("收入", hmerge="restart"), C("", hmerge="continue"), "支出"], ["项目", "预算数", "项目"]]
    raw = read_docx(build_docx([tbl(rows)])).tables[0]
    assert cells(raw)[0] == [("收入", 0, 0, 2, 1), ("支出", 0, 2, 1, 1)]


def test_content_controls_around_table_rows_and_cells():
    rows = [
        ["项目", C("预算数", sdt=True)],
        R(["合计", C("100.00", sdt=True)], sdt=True),
        R([C("一、一般公共服务支出", sdt=True), "60.00"]),
    ]
    doc = read_docx(build_docx([p("表1"), tbl(rows, sdt=True)]))
    assert len(doc.tables) == 1
    assert cells(doc.tables[0]) == [
        [("项目", 0, 0, 1, 1), ("预算数", 0, 1, 1, 1)],
        [("合计", 1, 0, 1, 1), ("100.00", 1, 1, 1, 1)],
        [("一、一般公共服务支出", 2, 0, 1, 1), ("60.00", 2, 1, 1, 1)],
    ]
    assert doc.tables[0].before == ["表1"]


def test_custom_xml_wrappers_are_looked_through():
    tc = '<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>'
    row = f'<w:customXml w:element="row"><w:tr><w:customXml w:element="c">{tc}</w:customXml>{tc}</w:tr></w:customXml>'
    doc = read_docx(build_docx([f'<w:customXml w:element="t"><w:tbl>{row}</w:tbl></w:customXml>']))
    assert cells(doc.tables[0]) == [[("x", 0, 0, 1, 1), ("x", 0, 1, 1, 1)]]


def _run(t: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{t}</w:t></w:r>'


SPECIAL_PARAGRAPH = (
    "<w:p>"
    + _run("合")
    + "<w:r><w:tab/></w:r>"
    + _run("计")
    + "<w:r><w:br/></w:r>"
    # A simple field: only its result is text.
    + '<w:fldSimple w:instr=" PAGE ">' + _run("7") + "</w:fldSimple>"
    # A complex field: the code (instrText) is not text, the result is.
    + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText></w:r>'
    + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + _run("2023") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    # Tracked deletion and move-from are not in the document any more.
    + '<w:del w:id="1" w:author="a"><w:r><w:delText>删掉</w:delText></w:r></w:del>'
    + '<w:moveFrom w:id="2" w:author="a">' + _run("搬走") + "</w:moveFrom>"
    + '<w:ins w:id="3" w:author="a">' + _run("新增") + "</w:ins>"
    + '<w:hyperlink w:anchor="x">' + _run("链") + "</w:hyperlink>"
    + "<w:r><w:noBreakHyphen/></w:r>"
    + "</w:p>"
)

ALTERNATE_PARAGRAPH = (
    "<w:p>" + _run("前")
    + "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing/></mc:Choice>"
    "<mc:Fallback><w:pict><w:txbxContent><w:p>" + _run("备用") + "</w:p></w:txbxContent></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r>" + _run("后") + "</w:p>"
)


def test_runs_tabs_breaks_fields_and_revisions_in_cells_and_paragraphs():
    doc = read_docx(build_docx([SPECIAL_PARAGRAPH, tbl([[C(raw=SPECIAL_PARAGRAPH), C(raw=ALTERNATE_PARAGRAPH)]])]))
    expected = "合\t计\n72023新增链-"
    assert doc.paragraphs[0].text == expected
    assert cells(doc.tables[0]) == [[(expected, 0, 0, 1, 1), ("前后", 0, 1, 1, 1)]]


def test_a_cell_with_several_paragraphs_joins_them_with_newlines():
    doc = read_docx(build_docx([tbl([[C("一般公共预算\r财政拨款"), "x"]])]))
    assert doc.tables[0].rows[0][0].text == "一般公共预算\n财政拨款"


def test_nested_tables_are_separate_raw_tables_and_the_outer_cell_keeps_its_text():
    inner = tbl([["内1", "内2"], ["3.00", "4.00"]])
    outer = tbl([["外标题", "x"], [C("说明文字", nested=[inner]), "y"]])
    doc = read_docx(build_docx([p("标题"), outer, p("后文")]))
    assert [(t.index, t.nested) for t in doc.tables] == [(0, False), (1, True)]
    assert cells(doc.tables[0])[1] == [("说明文字", 1, 0, 1, 1), ("y", 1, 1, 1, 1)]
    assert cells(doc.tables[1]) == [[("内1", 0, 0, 1, 1), ("内2", 0, 1, 1, 1)], [("3.00", 1, 0, 1, 1), ("4.00", 1, 1, 1, 1)]]
    assert all(c.table == 1 for row in doc.tables[1].rows for c in row)
    assert doc.tables[1].before == ["说明文字"]


def test_paragraphs_headings_before_and_after():
    blocks = [
        p("第一部分  部门预算公开表", heading=True),
        p("部门预算收支总表"),
        p("单位：万元"),
        tbl([["项目", "预算数"]]),
        p(""),
        p("注：无政府基金预算财政拨款预算，空表列示。"),
        p("2. 本表金额保留两位小数。"),
        p("一、部门职责及机构设置情况"),
        p("正文。"),
        p("四、财政拨款“三公”经费预算情况", outline=1),
        p("部门机构设置情况", style="Heading2"),
        tbl([["单位名称", "单位性质"]]),
        tbl([["a", "b"]]),
    ]
    doc = read_docx(build_docx(blocks))
    t0, t1, t2 = doc.tables
    assert t0.before == ["第一部分  部门预算公开表", "部门预算收支总表", "单位：万元"]
    assert t0.after == ["注：无政府基金预算财政拨款预算，空表列示。", "2. 本表金额保留两位小数。"]
    assert t1.before == [
        "注：无政府基金预算财政拨款预算，空表列示。",
        "2. 本表金额保留两位小数。",
        "一、部门职责及机构设置情况",
        "正文。",
        "四、财政拨款“三公”经费预算情况",
        "部门机构设置情况",
    ]
    assert t1.after == [] and t2.before == []
    heads = [(x.text, x.is_heading, x.heading) for x in doc.paragraphs]
    assert heads[0] == ("第一部分  部门预算公开表", True, "第一部分  部门预算公开表")
    assert heads[1] == ("部门预算收支总表", False, "第一部分  部门预算公开表")
    assert heads[3] == ("", False, "第一部分  部门预算公开表")
    assert heads[6] == ("一、部门职责及机构设置情况", True, "一、部门职责及机构设置情况")
    assert heads[7] == ("正文。", False, "一、部门职责及机构设置情况")
    assert heads[8][1] and heads[9][1]  # outline level, and a style named "heading 2"
    assert [x.index for x in doc.paragraphs] == list(range(len(doc.paragraphs)))


def test_a_document_made_by_python_docx_reads_the_same():
    d = docx.Document()
    d.add_heading("部门预算财政拨款“三公”经费支出表", level=1)
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "项目"
    t.cell(0, 1).merge(t.cell(0, 3)).text = "资金性质"
    for i, txt in enumerate(["合计", "一般公共预算财政拨款", "政府性基金预算拨款"], start=1):
        t.cell(1, i).text = txt
    for i, txt in enumerate(["合计", "54.50", "54.50", ""]):
        t.cell(2, i).text = txt
    buf = io.BytesIO()
    d.save(buf)
    doc = read_docx(buf.getvalue())
    assert doc.paragraphs[0].is_heading
    assert cells(doc.tables[0])[:3] == [
        [("项目", 0, 0, 1, 2), ("资金性质", 0, 1, 3, 1)],
        [("合计", 1, 1, 1, 1), ("一般公共预算财政拨款", 1, 2, 1, 1), ("政府性基金预算拨款", 1, 3, 1, 1)],
        [("合计", 2, 0, 1, 1), ("54.50", 2, 1, 1, 1), ("54.50", 2, 2, 1, 1), ("", 2, 3, 1, 1)],
    ]
    assert doc.tables[0].before == ["部门预算财政拨款“三公”经费支出表"]


def test_meta_row_helper_spreads_the_hebei_metadata():
    raw = read_docx(build_docx([tbl([meta_row(5), ["a"] * 5])])).tables[0]
    assert [c.text for c in raw.rows[0]] == META


# --- properties ------------------------------------------------------------------------------

_TEXT = st.text(alphabet=st.sampled_from(list("合计项目收入 \u00a0\u3000\u200b１２3.,\t")), max_size=6)


@st.composite
def random_tables(draw):
    """Grids with random horizontal spans and vertical merges (well formed, as Word writes them)."""
    n_cols = draw(st.integers(1, 6))
    n_rows = draw(st.integers(1, 7))
    rows = []
    above: list[tuple[int, int] | None] = [None] * n_cols  # per start column: span of the cell above
    for _ in range(n_rows):
        row = []
        col = 0
        starts: list[tuple[int, int] | None] = [None] * n_cols
        while col < n_cols:
            prev = above[col]
            if prev is not None and draw(st.booleans()):
                row.append(C("", span=prev[1], vmerge="continue"))
                starts[col] = prev
                col += prev[1]
                continue
            span = draw(st.integers(1, n_cols - col))
            vm = "restart" if draw(st.booleans()) else None
            row.append(C(draw(_TEXT), span=span, vmerge=vm))
            starts[col] = (col, span) if vm else None
            col += span
        above = starts
        rows.append(row)
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tables())
def test_fast_and_structured_scans_agree_and_spans_tile_the_grid(rows):
    data = build_docx([tbl(rows)])
    fast = read_docx(data)
    root, styles = safe_io.open_docx_parts(data)
    slow = read_document_xml(root, styles, structured=True)
    assert cells(fast.tables[0]) == cells(slow.tables[0])
    raw = fast.tables[0]
    taken: set[tuple[int, int]] = set()
    for row in raw.rows:
        for c in row:
            assert c.col_span >= 1 and c.row_span >= 1
            assert 0 <= c.col and c.col + c.col_span <= raw.n_cols
            assert c.row + c.row_span <= len(raw.rows)
            for rr in range(c.row, c.row + c.row_span):
                for cc in range(c.col, c.col + c.col_span):
                    assert (rr, cc) not in taken
                    taken.add((rr, cc))
    # Well-formed grids are fully tiled.
    assert len(taken) == raw.n_cols * len(raw.rows)


def test_heading_styles_are_found_whatever_prefix_the_styles_part_uses():
    other_prefix = STYLES.replace("xmlns:w=", "xmlns:x=").replace("<w:", "<x:").replace("</w:", "</x:")
    other_prefix = other_prefix.replace(" w:", " x:")
    for styles in (STYLES, other_prefix):
        doc = read_docx(build_docx([p("部门预算收支总表", style="1"), p("正文")], styles=styles))
        assert [x.is_heading for x in doc.paragraphs] == [True, False]


def test_a_dtd_in_the_styles_part_is_refused():
    styles = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + STYLES.split("?>", 1)[1]
    with pytest.raises(RejectedFile) as exc:
        read_docx(build_docx([p("x")], styles=styles))
    assert exc.value.kind == "xml_dtd"


# -- the one pass (_read_table_fast) and the two passes (_scan_table_fast + _place) read every table alike ----------

W_OPEN = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
ONE_PASS = {  # tables the one pass reads itself
    "merges": tbl(INCOME_HEADER),
    "grid before/after": tbl([R(["x", "y"], grid_before=2), R(["a", "b", "c"], grid_after=1), ["1", "2", "3", "4"],
                              R([], grid_before=1, grid_after=2)]),
    "hMerge": tbl([[C("收入", hmerge="restart"), C("", hmerge="continue"), "支出"], [C("", hmerge="continue"), "b"]]),
    "lines, tabs, empty cells": tbl([[C("一般公共预算\r财政拨款\r"), "x"], [C("\r"), C("a\tb\nc")], ["", ""]]),
    "a vMerge continue with nothing above": tbl([[C("a", vmerge="continue"), "b"], [C(vmerge="continue"), "c"]]),
}
TWO_PASSES = {  # out of the order Word writes: the one pass leaves them to the two passes
    "text before the row's first cell": "<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr><w:tr><w:r><w:t>x</w:t></w:r>"
                                        "<w:tc><w:p/></w:tc></w:tr></w:tbl>",
    "gridBefore after a cell": "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc>"
                               '<w:trPr><w:gridBefore w:val="2"/></w:trPr></w:tr></w:tbl>',
    "a cell before any row": "<w:tbl><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>",
    "a nested table": tbl([[C("外", nested=[tbl([["内"]])]), "y"]]),
}


def _table(xml: str):
    return etree.fromstring(f"{W_OPEN}{xml}</w:body></w:document>").find(".//{*}tbl")


@pytest.mark.parametrize("name", ONE_PASS)
def test_the_one_pass_reads_a_table_as_the_two_passes_do(name):
    one, two = RawTable(0, [], 0), RawTable(0, [], 0)
    assert docx_reader._read_table_fast(_table(ONE_PASS[name]), one)
    docx_reader._place(docx_reader._scan_table_fast(_table(ONE_PASS[name]), 0), two)
    assert one.rows and (one.n_cols, cells(one)) == (two.n_cols, cells(two))


@pytest.mark.parametrize("name", TWO_PASSES)
def test_a_table_out_of_words_order_is_left_to_the_two_passes(name):
    raw = RawTable(0, [], 0)
    assert not docx_reader._read_table_fast(_table(TWO_PASSES[name]), raw)
    assert raw.rows == [] and raw.n_cols == 0


def test_a_table_wider_than_the_cap_is_refused_in_the_same_words_on_every_path():
    wide = tbl([[C("a", span=safe_io.MAX_COLS), "b"]])
    for structured in (False, True):
        with pytest.raises(RejectedFile, match=f"table 1 is wider than {safe_io.MAX_COLS} columns"):
            read_document_xml(safe_io.parse_xml(document_xml([wide]).encode()), structured=structured)
