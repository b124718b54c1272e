"""Which figure a 决算 column holds (basis), and the 决算 layouts normalize reads, on tables built here."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.lib.model import Cell, Filing, Table
from pipelines.lib.normalize import basis_of, normalize


@pytest.mark.parametrize(("header", "doc_type", "basis"), [
    ("预算数", "final_accounts", "budget"),
    ("年初预算数", "final_accounts", "budget"),
    ("调整预算数", "final_accounts", "adjusted_budget"),
    ("决算数", "final_accounts", "final"),
    ("支出/一般公共预算财政拨款", "final_accounts", "final"),  # names a fund, not a basis
    ("合计", "final_accounts", "final"),
    ("合计", "budget", "budget"),
    ("支出/一般公共预算财政拨款", "budget", "budget"),
])
def test_basis_of_a_column(header, doc_type, basis):
    assert basis_of(header, doc_type) == basis


def table(kind: str, header: list[str], rows: list[list[str]], index: int = 0) -> Table:
    body = [[Cell(text, r, c, table=index) for c, text in enumerate(row)] for r, row in enumerate(rows, start=1)]
    return Table(index, kind, "", "万元", header, body, len(header))


def filing(*tables: Table) -> Filing:
    return Filing("docx", "305", "魏县教育局", 2023, "final_accounts", "万元", list(tables), [])


def test_a_three_public_table_with_three_bases():
    t = table("three_public", ["项目", "年初预算数", "调整预算数", "决算数"], [
        ["合计", "10.00", "12.00", "11.50"],
        ["公务接待费", "10.00", "12.00", "11.50"],
    ])
    got = {(x.category, x.basis): x.amount.value for x in normalize(filing(t), "0" * 64).three_public}
    assert got == {("total", "budget"): Decimal("10.00"), ("total", "adjusted_budget"): Decimal("12.00"),
                   ("total", "final"): Decimal("11.50"), ("reception", "budget"): Decimal("10.00"),
                   ("reception", "adjusted_budget"): Decimal("12.00"), ("reception", "final"): Decimal("11.50")}


def test_a_label_row_under_the_header_names_the_bases():
    # 上海: the 预算数 / 决算数 row is printed in the body, under a header naming the categories
    t = table("three_public", ["合计", "合计", "公务接待费", "公务接待费"], [
        ["预算数", "决算数", "预算数", "决算数"],
        ["0.95", "0.40", "0.95", "0.40"],
    ])
    norm = normalize(filing(t), "0" * 64)
    assert not norm.problems  # the label row is not read as amounts
    got = {(x.category, x.basis): x.amount.value for x in norm.three_public}
    assert got == {("total", "budget"): Decimal("0.95"), ("total", "final"): Decimal("0.40"),
                   ("reception", "budget"): Decimal("0.95"), ("reception", "final"): Decimal("0.40")}


def test_side_by_side_basic_expenditure_blocks():
    t = table("basic_expenditure", ["科目编码/类", "科目编码/款", "科目名称", "决算数",
                                    "科目编码/类", "科目编码/款", "科目名称", "决算数"], [
        ["301", "", "工资福利支出", "100.00", "302", "", "商品和服务支出", "20.00"],
        ["301", "01", "基本工资", "100.00", "302", "01", "办公费", "20.00"],
        ["人员经费合计", "", "", "100.00", "公用经费合计", "", "", "20.00"],
    ])
    lines = normalize(filing(t), "0" * 64).lines
    got = {(x.subject_code, x.measure, x.is_total): x.amount.value for x in lines}
    assert got == {("301", "personnel", False): Decimal("100.00"), ("30101", "personnel", False): Decimal("100.00"),
                   ("302", "public_operating", False): Decimal("20.00"),
                   ("30201", "public_operating", False): Decimal("20.00"),
                   (None, "personnel", True): Decimal("100.00"), (None, "public_operating", True): Decimal("20.00")}
    assert {x.basis for x in lines} == {"final"}
