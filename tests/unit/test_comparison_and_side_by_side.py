"""What a 三公 table prints beside the year's own figures (the year before, the change) and a 收支总表 that prints its
expense side by function and by economic class on the same rows (西安 部门综合预算), on tables built here."""

from __future__ import annotations

from decimal import Decimal

from pipelines.lib.model import Cell, Filing, Table
from pipelines.lib.normalize import normalize

D = Decimal


def table(kind: str, header: list[str], rows: list[list[str]], index: int = 0) -> Table:
    body = [[Cell(text, r, c, table=index) for c, text in enumerate(row)] for r, row in enumerate(rows, start=1)]
    return Table(index, kind, "", "万元", header, body, len(header))


def filing(*tables: Table, year: int = 2026, doc_type: str = "budget") -> Filing:
    return Filing("pdf", None, "西安市某局", year, doc_type, "万元", list(tables), [])


def test_last_years_columns_and_the_change_are_their_own_basis():
    groups = ["上年", "当年", "增减变化情况"]
    header = [f"{g} / {c}" for g in groups for c in ("合计", "公务接待费", "培训费")]
    t = table("three_public", header, [["12.00", "2.00", "10.00", "11.00", "1.00", "10.00", "-1.00", "-1.00", ""]])
    norm = normalize(filing(t), "0" * 64)
    got = {(x.category, x.basis): x.amount.value for x in norm.three_public}
    assert got == {
        ("total", "prior_year_budget"): D("12.00"), ("reception", "prior_year_budget"): D("2.00"),
        ("training", "prior_year_budget"): D("10.00"),
        ("total", "budget"): D("11.00"), ("reception", "budget"): D("1.00"), ("training", "budget"): D("10.00"),
        ("total", "change_on_prior_year"): D("-1.00"), ("reception", "change_on_prior_year"): D("-1.00"),
    }
    assert not norm.problems


def test_a_year_two_years_back_or_a_final_accounts_comparison_stays_a_finding():
    header = [f"{g} / {c}" for g in ("2024年", "2026年") for c in ("合计", "公务接待费", "培训费")]
    t = table("three_public", header, [["12.00", "2.00", "10.00", "11.00", "1.00", "10.00"]])
    norm = normalize(filing(t), "0" * 64)
    assert {x.basis for x in norm.three_public} == {"budget"}
    assert sorted(p.actual for p in norm.problems if p.check == "three_public_prior_year") == [
        "10.00", "12.00", "2.00"]


def test_year_rows_the_year_before_and_the_change_row():
    # 深圳: 年度 2025年 | 2026年 | 增减变化金额, one column per category and fund
    header = ["年度", "总计 / 一般公共预算", "因公出国(境)费 / 一般公共预算", "公务接待费 / 一般公共预算"]
    t = table("three_public", header, [["2025年", "33.00", "0.00", "15.00"], ["2026年", "66.00", "46.80", "15.00"],
                                       ["增减变化金额", "33.00", "46.80", "0.00"], ["2020年", "1.00", "1.00", "0.00"]])
    norm = normalize(filing(t), "0" * 64)
    got = {(x.category, x.basis): x.amount.value for x in norm.three_public if x.fund_source == "general_public"}
    assert got[("total", "budget")] == D("66.00")
    assert got[("total", "prior_year_budget")] == D("33.00")
    assert got[("overseas_travel", "change_on_prior_year")] == D("46.80")
    assert [p.actual for p in norm.problems if p.check == "year_row"] == ["2020年"]  # six years back: no basis


def test_a_summary_printing_its_expense_by_function_and_by_economic_class():
    header = ["收入 / 项目", "收入 / 预算数", "支出 / 支出功能分类科目（按大类）", "支出 / 预算数",
              "支出 / 部门预算支出经济分类科目（按大类）", "支出 / 预算数", "支出 / 政府预算支出经济分类科目（按大类）",
              "支出 / 预算数"]
    rows = [
        ["一、部门预算", "100.00", "一、部门预算", "100.00", "一、部门预算", "100.00", "一、部门预算", "100.00"],
        ["1、财政拨款", "100.00", "1、一般公共服务支出", "100.00", "1、人员经费和公用经费支出", "60.00",
         "1、机关工资福利支出", "50.00"],
        ["", "", "", "", "(1)工资福利支出", "50.00", "2、机关商品和服务支出", "50.00"],
        ["", "", "", "", "(2)商品和服务支出", "10.00", "", ""],
        ["", "", "", "", "2、专项业务经费支出", "40.00", "", ""],
        ["", "", "", "", "(2)商品和服务支出", "40.00", "", ""],
        ["本年收入合计", "100.00", "本年支出合计", "100.00", "本年支出合计", "100.00", "本年支出合计", "100.00"],
    ]
    norm = normalize(filing(table("summary", header, rows)), "0" * 64)
    ex = {(x.item, x.subject_code, x.measure): x.amount.value for x in norm.summary if x.side == "expense"}
    assert ex == {
        ("department_budget", None, "amount"): D("100.00"), ("function_class", "201", "amount"): D("100.00"),
        ("basic", None, "amount"): D("60.00"), ("economic_class", "301", "basic"): D("50.00"),
        ("economic_class", "302", "basic"): D("10.00"), ("project", None, "amount"): D("40.00"),
        ("economic_class", "302", "project"): D("40.00"), ("gov_economic_class", "501", "amount"): D("50.00"),
        ("gov_economic_class", "502", "amount"): D("50.00"), ("current_year_total", None, "amount"): D("100.00"),
    }
    # the heading and the total under the two economic columns: read, checked equal, not stored again
    assert len(norm.summary_repeats) == 4
    assert not norm.problems


def test_a_gov_fund_summary_is_its_own_kind():
    header = ["收入 / 项目", "收入 / 预算数", "支出 / 支出功能分类科目（按大类）", "支出 / 预算数"]
    rows = [["一、政府性基金拨款", "8.00", "一、城乡社区支出", "8.00"], ["本年收入合计", "8.00", "本年支出合计", "8.00"]]
    norm = normalize(filing(table("gov_fund_summary", header, rows)), "0" * 64)
    got = {(x.table_kind, x.side, x.item) for x in norm.summary}
    assert got == {("gov_fund_summary", "income", "gov_fund_budget"), ("gov_fund_summary", "expense", "function_class"),
                   ("gov_fund_summary", "income", "current_year_total"),
                   ("gov_fund_summary", "expense", "current_year_total")}
