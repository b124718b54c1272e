"""classify on whole documents: the reference filing, properties over random raw documents, 上海 and untitled
function tables, and PDF tables broken across pages (the first half of these tests is in test_classify.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.lib.classify import KINDS, classify
from pipelines.lib.docx_reader import read_docx
from pipelines.lib.model import Cell, RawDocument, RawTable
from tests.docx_builder import C, build_docx, p, tbl

REPO = Path(__file__).resolve().parents[2]


def filing(*blocks) -> object:
    return classify(read_docx(build_docx(list(blocks))))


# --- the reference filing ----------------------------------------------------------------------


def _reference_docx(tmp_path_factory) -> bytes:
    shipped = sorted((REPO / "data" / "samples").rglob("201_中国共产党魏县委员会办公室_2023.docx"))
    if shipped:
        return shipped[0].read_bytes()
    from pipelines.samples import make_samples

    return make_samples.write_reference(tmp_path_factory.mktemp("ref")).read_bytes()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return classify(read_docx(_reference_docx(tmp_path_factory)))


def test_reference_filing_metadata(reference):
    f = reference
    assert (f.department_code, f.department_name, f.year, f.unit, f.doc_type, f.file_type) == (
        "201", "中国共产党魏县委员会办公室", 2023, "万元", "budget", "docx"
    )
    assert f.problems == []


def test_reference_filing_tables(reference):
    kinds = [t.kind for t in reference.tables]
    assert kinds[:10] == [
        "summary", "income", "expenditure", "fiscal_summary", "general_public_expenditure", "basic_expenditure",
        "gov_fund_expenditure", "soe_capital_expenditure", "three_public", "org_structure",
    ]
    assert kinds[10:35] == ["performance_target"] * 25
    assert kinds[35:] == ["procurement", "assets"]
    assert [t.index for t in reference.tables[:10]] == list(range(10))
    assert all(t.unit == "万元" for t in reference.tables[:9])
    perf = reference.by_kind("performance_target")
    assert perf[0].title == "1、2022年县委重要文稿资料汇编经费绩效目标表"
    assert perf[0].parts == [10, 11] and perf[-1].parts == [58, 59]
    assert perf[-1].title == "25、专用电子网络视频托管服务费（保密系统）绩效目标表"
    assert [t.empty_declared for t in reference.tables[:9]] == [False] * 6 + [True, True, False]


def test_reference_filing_headers_and_bodies(reference):
    income = reference.by_kind("income")[0]
    assert income.header == [
        "序号", "功能分类科目 / 科目编码", "功能分类科目 / 科目名称", "合计", "本年收入 / 小计", "本年收入 / 财政拨款收入",
        "本年收入 / 财政专户收入", "本年收入 / 事业收入", "本年收入 / 经营收入", "本年收入 / 上级补助收入",
        "本年收入 / 附属单位上缴收入", "本年收入 / 其他收入", "上年结转",
    ]
    assert len(income.body) == 17
    assert income.values(income.body[3])[:6] == ["4", "2012901", "行政运行", "291.31", "291.31", "291.31"]
    fiscal = reference.by_kind("fiscal_summary")[0]
    assert fiscal.header == [
        "序号", "收入 / 项目", "收入 / 金额", "支出 / 项目", "支出 / 合计", "支出 / 一般公共预算财政拨款",
        "支出 / 政府性基金预算财政拨款", "支出 / 国有资本经营预算财政拨款",
    ]
    assert len(fiscal.body) == 37
    assert fiscal.values(fiscal.body[-1])[:6] == ["37", "收入总计", "2041.42", "支出总计", "2041.42", "2041.42"]
    sangong = reference.by_kind("three_public")[0]
    assert sangong.header == [
        "序号", "项目", "资金性质 / 合计", "资金性质 / 一般公共预算财政拨款", "资金性质 / 政府性基金预算拨款",
        "资金性质 / 国有资本经营预算财政拨款",
    ]
    assert [sangong.values(r)[1:3] for r in sangong.body][-1] == ["三、公务接待费", "54.50"]
    basic = reference.by_kind("basic_expenditure")[0]
    assert basic.values(basic.body[12])[1:4] == ["303", "对个人和家庭的补助", "3.17"]
    summary = reference.by_kind("summary")[0]
    assert summary.header == ["序号", "收入 / 项目", "收入 / 预算数", "支出 / 项目", "支出 / 预算数"]
    assert len(summary.body) == 34
    assets = reference.by_kind("assets")[0]
    assert assets.header == ["项目", "数量", "价值（金额单位：万元）"]
    assert assets.values(assets.body[3]) == ["2、车辆（台、辆）", "7", "156.78"]
    proc = reference.by_kind("procurement")[0]
    assert proc.header[:2] == ["政府采购项目来源 / 项目名称", "政府采购项目来源 / 预算资金"]
    assert proc.header[-1] == "2023年预留中小微企业份额"
    assert proc.notes[0].startswith("注：同一采购目录序号的物品")


# --- properties ----------------------------------------------------------------------------------

_CH = st.sampled_from(list("合计项目收入支出基本预算数栏次序号注无万元单位：:\u00a0\u3000\u200b １２3.,-") + ["\n"])


@st.composite
def raw_documents(draw):
    tables = []
    for ti in range(draw(st.integers(1, 4))):
        n_cols = draw(st.integers(1, 6))
        rows = []
        for r in range(draw(st.integers(0, 7))):
            row, col = [], 0
            while col < n_cols:
                span = draw(st.integers(1, n_cols - col))
                if draw(st.integers(0, 4)):
                    text = "".join(draw(st.lists(_CH, max_size=6)))
                    row.append(Cell(text, r, col, span, draw(st.integers(1, 2)), ti))
                col += span
            rows.append(row)
        before = draw(st.lists(st.text(alphabet=_CH, max_size=12), max_size=3))
        after = draw(st.lists(st.sampled_from(["注：无", "注：空表列示", "x"]), max_size=2))
        tables.append(RawTable(ti, rows, n_cols, before=before, after=after))
    return RawDocument(file_type="pdf", tables=tables, paragraphs=[])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_documents())
def test_classify_never_raises_and_keeps_every_body_cell_from_the_raw_tables(raw):
    f = classify(raw)
    raw_cells = {id(c) for t in raw.tables for row in t.rows for c in row}
    for t in f.tables:
        assert t.kind in KINDS
        assert len(t.header) == t.n_cols
        for row in t.body:
            for c in row:
                assert id(c) in raw_cells or c.col_span > 1  # only the stretched objective cell is new
                assert c.table in t.parts


def test_shanghai_title_with_year_and_metadata_line_with_single_spaces():
    f = filing(
        p("上海市普陀区2026年区级部门预算"),
        p("2026年部门财务收支预算总表"),
        p("编制部门：上海市普陀区司法局 单位：元"),
        tbl([["本年收入", "", "本年支出", ""], ["项目", "预算数", "项目", "预算数"],
             ["一、财政拨款收入", "96,282,213.44", "一、一般公共服务支出", "96,282,213.44"]]),
    )
    (t,) = f.tables
    assert (t.kind, t.title, t.unit) == ("summary", "2026年部门财务收支预算总表", "元")
    assert t.header == ["本年收入 / 项目", "本年收入 / 预算数", "本年支出 / 项目", "本年支出 / 预算数"]
    assert (f.department_code, f.department_name, f.year) == (None, "上海市普陀区司法局", 2026)


def test_a_fund_named_above_the_columns_classifies_an_untitled_function_table():
    rows = [
        [C("项目", span=2), C("政府性基金预算支出", span=3)],
        ["功能分类科目编码", "功能分类科目名称", "合计", "基本支出", "项目支出"],
    ]
    f = filing(tbl(rows))
    assert f.tables[0].kind == "gov_fund_expenditure"
    assert not [x for x in f.problems if x.startswith("table")]


# --- PDF tables broken across pages (no header repeated) ---------------------------------------


def pdf_part(index: int, page: int, rows: list[list], before: list[str] | None = None) -> RawTable:
    """A physical PDF table: each cell is a text or (text, col_span, row_span), None where a cell from a row
    above covers the column; columns follow the spans."""
    out = []
    for r, row in enumerate(rows):
        cells, col = [], 0
        for spec in row:
            if spec is None:
                col += 1
                continue
            text, span, rspan = spec if isinstance(spec, tuple) else (spec, 1, 1)
            cells.append(Cell(text, r, col, span, rspan, index, page))
            col += span
        out.append(cells)
    n_cols = max(c.col + c.col_span for row in out for c in row)
    return RawTable(index, out, n_cols, before or [], [], page)


GPE_TITLE = "部门预算一般公共预算财政拨款支出表"
GPE_META = [("201中国共产党魏县委员会办公室", 3, 1), "预算年度：2023", ("单位：万元", 2, 1)]


def test_a_header_cut_by_a_page_break_is_read_across_both_pages():
    page2 = pdf_part(0, 2, [GPE_META, [("序号", 1, 2), ("功能分类科目", 2, 1), ("合计", 1, 2), ("基本支出", 1, 2),
                                       ("项目支出", 1, 2)]], [GPE_TITLE])
    page3 = pdf_part(1, 3, [["", "科目编码", "科目名称", "", "", ""], ["栏次", "1", "2", "3", "4", "5"],
                            ["1", "", "合计", "10.00", "4.00", "6.00"], ["2", "201", "一般公共服务支出", "10.00", "4.00", "6.00"]])
    f = classify(RawDocument("pdf", [page2, page3], []))
    (t,) = f.tables
    assert (t.kind, t.title, t.parts, t.unit) == ("general_public_expenditure", GPE_TITLE, [0, 1], "万元")
    assert t.header == ["序号", "功能分类科目 / 科目编码", "功能分类科目 / 科目名称", "合计", "基本支出", "项目支出"]
    assert [t.values(r)[2] for r in t.body] == ["合计", "一般公共服务支出"]
    assert [(r[0].table, r[0].row, r[0].page) for r in t.body] == [(1, 2, 3), (1, 3, 3)]  # where each was printed
    assert (f.department_code, f.year, f.problems) == ("201", 2023, [])


def test_a_performance_table_goes_on_with_a_row_merged_down_from_the_previous_page():
    head = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    objective = pdf_part(0, 9, [["绩效目标", "1.目标内容1保障保密电话正常运行"]], ["1、保密电话运行维护费绩效目标表"])
    first = pdf_part(1, 9, [head, [("产出指标", 1, 2), "数量指标", "电话数量", "保密电话", "3部", "依据实际"],
                            [None, "质量指标", "通话质量", "通话畅通", "畅通", "依据实际"]])
    # page 10 opens under the 产出指标 cell: its first row reads like a header row of its own
    second = pdf_part(2, 10, [["", "成本指标", "总费用", "总费用", "5万元", "依据测算"],
                              ["满意度指标", "服务对象满意度指标", "满意率", "满意率", "≥90%", "服务对象满意度反馈"]])
    f = classify(RawDocument("pdf", [objective, first, second], []))
    (t,) = f.tables
    assert (t.kind, t.parts, t.header) == ("performance_target", [0, 1, 2], head)
    assert [t.values(r)[1] for r in t.body] == ["1.目标内容1保障保密电话正常运行", "二级指标", "数量指标", "质量指标", "成本指标",
                                                "服务对象满意度指标"]
    assert not [x for x in f.problems if x.startswith("table")]


def test_a_next_page_table_with_a_title_or_on_a_later_page_stands_alone():
    rows = [["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
            ["产出指标", "数量指标", "电话数量", "保密电话", "3部", "依据实际"]]
    stray = [["", "甲", "乙", "丙", "丁", "戊"]]
    titled = classify(RawDocument("pdf", [pdf_part(0, 9, rows, ["1、项目绩效目标表"]),
                                          pdf_part(1, 10, stray, ["附表 其他情况"])], []))
    assert [t.parts for t in titled.tables] == [[0], [1]]
    later = classify(RawDocument("pdf", [pdf_part(0, 9, rows, ["1、项目绩效目标表"]), pdf_part(1, 11, stray)], []))
    assert [t.parts for t in later.tables] == [[0], [1]]
    docx = classify(RawDocument("docx", [pdf_part(0, None, rows, ["1、项目绩效目标表"]), pdf_part(1, None, stray)], []))
    assert [t.parts for t in docx.tables] == [[0], [1]]
