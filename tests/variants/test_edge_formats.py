"""The rest of E4 (../shared/seed/VARIANTS.md) in one generated filing ingested into a real warehouse: negative
amounts printed -2.00 and (2.00) — and in a filing of its own −2.00 (U+2212) and △2.00 (the accountant's mark for a
decrease), a 三公 figure printed 涉密 (withheld: no amount, an info finding, no false sum
warning), and tables empty by declaration — a note under the grid, 无 in the row (上海司法局 2026 T6/T7)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.variants import filings as F
from tests.variants.warehouse import build, dept

D = Decimal
S = F.Style(dept=dept("边界", 0))
# 一般行政管理事务 42.20 and 其他…支出 −2.00 (a refund netted in the year): 20103 still 120.50
NEGATIVE = F.Table("部门支出总表", F.expenditure("", S).header, [
    ["", "合计", "150.50", "110.30", "40.20"],
    ["201", "一般公共服务支出", "120.50", "80.30", "40.20"],
    ["20103", "政府办公厅（室）及相关机构事务", "120.50", "80.30", "40.20"],
    ["2010301", "行政运行", "80.30", "80.30", ""],
    ["2010302", "一般行政管理事务", "42.20", "", "42.20"],
    ["2010399", "其他政府办公厅（室）及相关机构事务支出", "(2.00)", "", "-2.00"],
    ["208", "社会保障和就业支出", "30.00", "30.00", ""],
    ["20805", "行政事业单位养老支出", "30.00", "30.00", ""],
    ["2080505", "机关事业单位基本养老保险缴费支出", "30.00", "30.00", ""]])
CLASSIFIED = F.Table("一般公共预算“三公”经费支出表", [["项目", "预算数"]], [
    ["合计", "涉密"], ["1.因公出国(境)费", "涉密"], ["2.公务接待费", "2.00"], ["3.公务用车购置及运行维护费", "10.00"],
    ["其中：公务用车购置费", "6.00"], ["公务用车运行维护费", "4.00"]])
# the same table with the typographic minus and the accountant's △ (a department of its own: no supersession)
S_SIGNS = F.Style(dept=dept("边界", 1))
SIGNS = F.Table("部门支出总表", NEGATIVE.header, [
    *NEGATIVE.body[:5], ["2010399", "其他政府办公厅（室）及相关机构事务支出", "△2.00", "", "\u22122.00"], *NEGATIVE.body[6:]])
FILINGS = {"signs": [(SIGNS, S_SIGNS)], "edge": [(NEGATIVE, S), (CLASSIFIED, S), (F.empty_fund("政府性基金预算支出表", S, blank_row="无"), S),
                    (F.empty_fund("国有资本经营预算支出表", S, fund="国有资本经营预算拨款"), S)]}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    w = build(tmp_path_factory.mktemp("edge"), FILINGS)
    yield w
    w.con.close()


def _line_2010399(wh, doc: str) -> set:
    """The negative line's facts in the filing's first table: (code, measure, 万元, 元, the text as printed)."""
    return set(wh.rows("select subject_code, measure, amount_wan, amount_yuan, amount_text from staging.budget_lines "
                       "where document_id = ? and source_table = ? and subject_code = '2010399'", doc, 0))


def test_negatives_in_both_spellings(wh):
    got = _line_2010399(wh, "edge")
    assert got == {("2010399", "total", D("-2.00"), D("-20000.00"), "(2.00)"),
                   ("2010399", "project", D("-2.00"), D("-20000.00"), "-2.00")}
    assert wh.coverage("edge", 0) == (21, 21)
    # 42.20 − 2.00 = 40.20: the sums hold with the negative line counted as negative
    assert wh.check_status("edge", "hierarchy_sum", "expenditure")[0] == "passed"


def test_negatives_printed_with_u2212_and_the_decrease_mark(wh):
    got = _line_2010399(wh, "signs")
    assert got == {("2010399", "total", D("-2.00"), D("-20000.00"), "△2.00"),
                   ("2010399", "project", D("-2.00"), D("-20000.00"), "\u22122.00")}
    assert wh.coverage("signs", 0) == (21, 21)
    assert wh.check_status("signs", "hierarchy_sum", "expenditure")[0] == "passed"
    assert wh.findings("signs") == []


def test_classified_cells_are_withheld_not_zero(wh):
    assert wh.three_public("edge", 1) == {("reception", "budget", D("2.00")), ("vehicles", "budget", D("10.00")),
                                          ("vehicle_purchase", "budget", D("6.00")),
                                          ("vehicle_operation", "budget", D("4.00"))}
    found = wh.findings("edge")
    assert sorted((f[0], f[1], f[3]) for f in found) == [
        ("info", "amount_classified", "table 1 row 1 col 1"), ("info", "amount_classified", "table 1 row 2 col 1")]
    # 用车 = 购置 + 运行 still checked; 合计 = 出国 + 用车 + 接待 not (two of its figures are withheld)
    assert wh.check_status("edge", "three_public_sum", "three_public")[0] == "passed"
    assert wh.coverage("edge", 1) == (4, 4)  # 涉密 is no printed amount


@pytest.mark.parametrize(("table", "kind"), [(2, "gov_fund_expenditure"), (3, "soe_capital_expenditure")])
def test_tables_empty_by_declaration(wh, table, kind):
    assert wh.kind("edge", table)[0] == kind
    assert wh.lines("edge", table) == set()
    assert wh.coverage("edge", table) == (0, 0)
    status, reason = wh.check_status("edge", "hierarchy_sum", kind)
    assert status == "not_run" and "empty by declaration" in reason
