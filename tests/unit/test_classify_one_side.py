"""Two rules of title and header reading, on tables typed here the way 江苏's 收入预算总表 prints them (p.2 of
swbgt 2017 and 2019): a heading spanning two grid columns is one heading, and a department name wrapped in its cell
is no title."""

from __future__ import annotations

from pipelines.lib.classify_header import _decide_kind, _parse_physical
from pipelines.lib.model import Cell, RawTable


def _income(before: list[str], heading_span: int) -> RawTable:
    head = [Cell("项目名称", 0, 0, col_span=heading_span)] + ([Cell("", 0, 1)] if heading_span == 1 else [])
    rows = [
        [*head, Cell("金额", 0, 2)],
        [Cell("收入总计", 1, 0, col_span=2), Cell("27,664.22", 1, 2)],
        [Cell("一般公共预算资金", 2, 0, row_span=2), Cell("小计", 2, 1), Cell("27,664.22", 2, 2)],
        [Cell("公共财政拨款(补助)资金", 3, 1), Cell("27,664.22", 3, 2)],
        [Cell("财政专户管理资金", 4, 0), Cell("小计", 4, 1), Cell("", 4, 2)],
    ]
    return RawTable(1, rows, 3, before)


def _kind(raw: RawTable) -> tuple[str, str]:
    p = _parse_physical(raw)
    _decide_kind(p)
    return p.title, p.kind


def test_a_heading_over_two_columns_is_one_side_not_a_summarys_two():
    before = ["收入预算总表", "部门：中共江苏省委办公厅 单位：万元"]
    assert _kind(_income(before, heading_span=2)) == ("收入预算总表", "income")
    assert _kind(_income(before, heading_span=1)) == ("收入预算总表", "income")


def test_a_name_wrapped_in_its_cell_is_no_title():
    before = ["收入预算总表", "部门：中国共产党江苏省委员会办 单位：万元", "公厅"]
    assert _kind(_income(before, heading_span=1)) == ("收入预算总表", "income")
    # a unit line or a real title under the 部门 line is still read as what it is
    assert _kind(_income(["部门：某某局", "收入预算总表"], heading_span=1)) == ("收入预算总表", "income")
    p = _parse_physical(_income(["收入预算总表", "编制部门：某某局", "单位:元"], heading_span=1))
    assert p.title == "收入预算总表" and p.unit == "元"
