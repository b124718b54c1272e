"""Whole-filing variants of ../shared/seed/VARIANTS.md beyond one table's layout: the order of the tables (宿州 and
防城港 print the 财政拨款 tables first, 上饶 the 三公 before the 政府性基金), a 单位预算 (上海 预算单位…), the Hebei
metadata row naming code and department (平山 920平山县下口镇财政所 | 预算年度:2025 | 单位:万元), 山东's pair of
收支预算总表 (功能分类科目 / 经济分类科目) and fandezvous' tables by 政府预算经济分类 — each a generated filing in a real
warehouse, its facts as typed, every printed amount read, no finding."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.variants import filings as F
from tests.variants import headers as H
from tests.variants.warehouse import build, dept

D = Decimal
Y = F.YEAR


def standard(s: F.Style) -> list[tuple[F.Table, F.Style]]:
    """The nine tables in the usual order (收支 → 收入 → 支出 → 财政拨款 → 一般公共预算 → 基本 → 基金 → 国资 → 三公)."""
    return [(t, s) for t in (
        F.summary("部门收支总表", s), F.income("部门收入总表", s), F.expenditure("部门支出总表", s),
        F.fiscal_summary("财政拨款收支总表", s), F.expenditure("一般公共预算支出表", s),
        F.basic("一般公共预算基本支出表", s), F.empty_fund("政府性基金预算支出表", s),
        F.empty_fund("国有资本经营预算支出表", s, fund="国有资本经营预算拨款"), F.three_public("一般公共预算“三公”经费支出表", s))]


ORDERS = {"usual": list(range(9)), "宿州 2019: 财政拨款 tables first": [3, 4, 5, 6, 7, 8, 0, 1, 2],
          "上饶 广信: 三公 before 政府性基金": [0, 1, 2, 3, 4, 5, 8, 6, 7]}
KINDS = ["summary", "income", "expenditure", "fiscal_summary", "general_public_expenditure", "basic_expenditure",
         "gov_fund_expenditure", "soe_capital_expenditure", "three_public"]

# 山东 2016: the 收支预算总表 twice, its expense side by function, then by economic class (部门 classes 301 / 302)
SHANDONG_ECONOMIC = F.Table(f"{Y} 年收支预算总表(经济分类科目)", [["收入", "", "支出", ""], ["项目", "预算数", "项目", "预算数"]], [
    ["一、一般公共预算拨款收入", "150.50", "一、工资福利支出", "95.10"],
    ["二、政府性基金预算拨款收入", "", "二、商品和服务支出", "55.40"],
    ["本年收入合计", "150.50", "本年支出合计", "150.50"], ["收入总计", "150.50", "支出总计", "150.50"]])
# fandezvous: all spending by 政府预算经济分类 (501 / 502), and 基本支出's 人员经费 part as a table of its own
FANDEZVOUS_ALL = F.Table("支出预算分类汇总表(按政府预算经济分类)", [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]], [
    ["", "合计", "150.50", "110.30", "40.20"], ["501", "机关工资福利支出", "95.10", "95.10", ""],
    ["50101", "工资奖金津补贴", "65.10", "65.10", ""], ["50102", "社会保障缴费", "30.00", "30.00", ""],
    ["502", "机关商品和服务支出", "55.40", "15.20", "40.20"], ["50201", "办公经费", "55.40", "15.20", "40.20"]])
FANDEZVOUS_PERSONNEL = F.Table("一般公共预算基本支出表--人员经费(工资福利支出)(按政府预算经济分类)",
                               [["科目编码", "科目名称", "合计"]],
                               [["", "合计", "95.10"], ["501", "机关工资福利支出", "95.10"], ["50101", "工资奖金津补贴", "65.10"],
                                ["50102", "社会保障缴费", "30.00"]])

# 广东 (广州/珠海 2026 表1): 对附属单位补助支出 and 上缴上级支出 printed after the function classes, in their column — items
# of the 收支总表, not 款 of 229 其他支出 above them; 本年支出合计 = the classes + these two (140.00 + 6.50 + 3.50)
_SIDES = [["收入", "", "支出", ""], ["项目", "预算", "项目", "预算"]]
GUANGDONG_USES = F.Table("部门收支总表", _SIDES, [
    ["一、预算拨款", "150.00", "一、一般公共服务支出", "120.00"], ["二、财政专户拨款", "0.00", "二、社会保障和就业支出", "20.00"],
    ["", "", "三、其他支出", "0.00"], ["", "", "四、对附属单位补助支出", "6.50"], ["", "", "五、上缴上级支出", "3.50"],
    ["", "", "六、债务付息支出", "0.00"],
    ["本年收入合计", "150.00", "本年支出合计", "150.00"], ["上年结转结余", "0.00", "结转结余下年", "0.00"],
    ["收入总计", "150.00", "支出总计", "150.00"]])
# 长沙: the expense side by use only — 基本 + 项目 + 事业单位经营 + 对附属单位补助 + 上缴上级 = 本年支出合计
CHANGSHA_USES = F.Table("部门收支总表", _SIDES, [
    ["一、本级财政拨款收入", "145.00", "一、基本支出", "100.00"], ["二、事业收入", "5.00", "二、项目支出", "40.00"],
    ["", "", "三、事业单位经营支出", "5.00"], ["", "", "四、对附属单位补助支出", "3.00"], ["", "", "五、上缴上级支出", "2.00"],
    ["本年收入合计", "150.00", "本年支出合计", "150.00"], ["收入总计", "150.00", "支出总计", "150.00"]])


def _plan() -> dict:
    filings = {}
    for n, order in enumerate(ORDERS.values()):
        s = F.Style(dept=dept("顺序", n))
        tables = standard(s)
        filings[f"order_{n}"] = [tables[i] for i in order]
    unit = F.Style(dept="魏县变体测试服务中心", scope="单位")
    filings["unit"] = [(F.summary(f"{Y}年预算单位财务收支预算总表", unit), unit), (F.income("预算单位收入预算总表", unit), unit),
                       (F.expenditure("预算单位支出预算总表", unit), unit)]
    hebei = F.Style(dept="平山县下口镇财政所", code="920", meta="row", unit_label="单位:")
    filings["hebei"] = standard(hebei)[:3]
    sd = F.Style(dept=dept("山东", 0))
    filings["shandong"] = [(F.summary(f"{Y} 年收支预算总表(功能分类科目)", sd), sd), (SHANDONG_ECONOMIC, sd)]
    yy = F.Style(dept=dept("岳阳", 0), year_word="-度")
    filings["yueyang"] = [(F.three_public(f"{Y}-度部门“三公”经费预算情况表", yy, "wide"), yy)]
    final_row = F.Style(dept=dept("终期", 0), final=True, meta="row")
    filings["final_row"] = [(F.summary("收入支出决算总表", final_row), final_row),
                            (F.expenditure("支出决算表", final_row), final_row)]
    rd = F.Style(dept="魏县人大常委会代表工作委员会", code="105", meta="row")
    filings["daibiao"] = standard(rd)[:2]
    bs = F.Style(dept="魏县财政局预算编审中心", code="302", meta="row")
    filings["bianshen"] = standard(bs)[:2]
    for n, zero in enumerate(("", "0.00")):
        ps = F.Style(dept=f"平山县下口镇{'甲乙'[n]}财政所", code="920", meta="row", unit_label="单位:", zero=zero)
        filings[f"pingshan{n}"] = [(H.summary_pingshan("部门收支总表", ps), ps)]
    fz = F.Style(dept=dept("汇总", 0))
    filings["fandezvous"] = [(F.summary("收支总表", fz), fz), (FANDEZVOUS_ALL, fz), (FANDEZVOUS_PERSONNEL, fz)]
    for n, table in enumerate((GUANGDONG_USES, CHANGSHA_USES)):
        us = F.Style(dept=dept("用途", n))
        filings[f"uses_{n}"] = [(table, us)]
    return filings


FILINGS = _plan()


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    w = build(tmp_path_factory.mktemp("families"), FILINGS)
    yield w
    w.con.close()


def _clean(wh, file: str) -> None:
    for t in range(len(FILINGS[file])):
        printed, read = wh.coverage(file, t)
        assert printed == read, wh.gaps(file, t)
    assert wh.findings(file) == []


@pytest.mark.parametrize("n", range(len(ORDERS)), ids=list(ORDERS))
def test_table_order(wh, n):
    file = f"order_{n}"
    order = list(ORDERS.values())[n]
    assert [wh.kind(file, t)[0] for t in range(9)] == [KINDS[i] for i in order]
    at = {KINDS[i]: t for t, i in enumerate(order)}
    assert wh.summary(file, at["summary"]) == F.expect_summary(False)
    assert wh.lines(file, at["expenditure"]) == F.expect_function(F.EXPENDITURE)
    assert wh.lines(file, at["basic_expenditure"]) == F.BASIC_LINES
    assert wh.three_public(file, at["three_public"]) == {(k, "budget", v) for k, v in F.THREE.items() if v}
    _clean(wh, file)


def test_unit_budget(wh):
    _, status, name, year, doc_type, scope, _ = wh.doc("unit")
    assert (status, name, year, doc_type, scope) == ("loaded", "魏县变体测试服务中心", Y, "budget", "unit")
    assert [wh.kind("unit", t)[0] for t in range(3)] == ["summary", "income", "expenditure"]
    assert wh.lines("unit", 1) == F.expect_function(F.INCOME)
    _clean(wh, "unit")


@pytest.mark.parametrize(("file", "code", "name"), [
    ("hebei", "920", "平山县下口镇财政所"),
    ("daibiao", "105", "魏县人大常委会代表工作委员会"),  # 代表: a 表 that is no table's
    ("bianshen", "302", "魏县财政局预算编审中心"),  # 预算 in a name, not a title's
])
def test_hebei_metadata_row_names_code_and_department(wh, file, code, name):
    assert wh.con.execute("select department_code, department_name from core.documents where document_id = ?",
                          [wh.doc(file)[0]]).fetchone() == (code, name)
    assert wh.lines(file, 1) == F.expect_function(F.INCOME)
    _clean(wh, file)


def test_shandong_summary_by_function_and_by_economic_class(wh):
    assert wh.summary("shandong", 0) == F.expect_summary(False)
    assert set(wh.rows("select side, item, subject_code, amount_wan from staging.budget_summary where document_id = ? "
                       "and source_table = ?", "shandong", 1)) == {
        ("income", "general_public_budget", None, F.TOTAL), ("income", "current_year_total", None, F.TOTAL),
        ("income", "grand_total", None, F.TOTAL), ("expense", "economic_class", "301", D("95.10")),
        ("expense", "economic_class", "302", D("55.40")), ("expense", "current_year_total", None, F.TOTAL),
        ("expense", "grand_total", None, F.TOTAL)}
    _clean(wh, "shandong")


def test_fandezvous_tables_by_government_economic_class(wh):
    assert wh.kind("fandezvous", 1)[0] == "expenditure"
    assert set(wh.rows("select classification, subject_code, measure, amount_wan from staging.budget_lines "
                       "where document_id = ? and source_table = ? and measure = 'total'", "fandezvous", 1)) == {
        ("economic", "501", "total", D("95.10")), ("economic", "50101", "total", D("65.10")),
        ("economic", "50102", "total", D("30.00")), ("economic", "502", "total", D("55.40")),
        ("economic", "50201", "total", D("55.40"))}
    assert wh.kind("fandezvous", 2)[0] == "basic_expenditure"
    assert wh.lines("fandezvous", 2) == {("501", "total", D("95.10")), ("50101", "total", D("65.10")),
                                         ("50102", "total", D("30.00"))}
    _clean(wh, "fandezvous")


def test_year_printed_with_its_year_word_lost(wh):
    """岳阳 prints 2017-度 for 2017年度, on the cover and in the titles: the year is still read."""
    _, status, name, year, doc_type, _, _ = wh.doc("yueyang")
    assert (status, name, year, doc_type) == ("loaded", dept("岳阳", 0), Y, "budget")
    assert wh.three_public("yueyang", 0) == {(k, "budget", v) for k, v in F.THREE.items() if v}
    _clean(wh, "yueyang")


def test_final_accounts_with_a_metadata_row(wh):
    """A 决算 printing 301… | 决算年度：2025 | 单位：万元 over each table."""
    _, status, _, year, doc_type, _, _ = wh.doc("final_row")
    assert (status, year, doc_type) == ("loaded", Y, "final_accounts")
    assert wh.summary("final_row", 0) == F.expect_summary(True)
    assert wh.lines("final_row", 1, basis="final") == F.expect_function(F.EXPENDITURE)
    _clean(wh, "final_row")


Z = D(0)
PINGSHAN_ZEROS = (  # 平山's lines when every empty cell prints 0.00: each income item, each of the 31 classes
    {("income", "gov_fund_budget", None, Z), ("income", "soe_capital_budget", None, Z),
     ("income", "fiscal_special_account", None, Z), ("income", "other", None, Z),  # 五、单位资金
     ("income", "prior_year_carryover", None, Z), ("expense", "year_end_carryover", None, Z),
     ("expense", "function_class", None, Z)}  # 三十一、人行科目: a class with no code, not a detail of 三十、
    | {("expense", "function_class", code, Z) for _, code in H.PINGSHAN_CLASSES if code and code not in ("201", "208")})


@pytest.mark.parametrize("n", [0, 1], ids=["blank cells", "0.00 in every empty cell"])
def test_pingshan_summary_all_31_classes(wh, n):
    """平山 2025's 收支总表 as printed: 序号 1–34, 栏次 row, 5 income items, 31 expense classes."""
    file = f"pingshan{n}"
    assert wh.summary(file, 0) == F.expect_summary(False) | (PINGSHAN_ZEROS if n else set())
    _clean(wh, file)


USES_EXPECTED = {
    "uses_0": {("income", "fiscal_appropriation", None, D("150.00")), ("income", "fiscal_special_account", None, D("0.00")),
               ("expense", "function_class", "201", D("120.00")), ("expense", "function_class", "208", D("20.00")),
               ("expense", "function_class", "229", D("0.00")), ("expense", "subsidy_to_affiliates", None, D("6.50")),
               ("expense", "remit_to_superior", None, D("3.50")), ("expense", "function_class", "232", D("0.00"))},
    "uses_1": {("income", "fiscal_appropriation", None, D("145.00")), ("income", "business", None, D("5.00")),
               ("expense", "basic", None, D("100.00")), ("expense", "project", None, D("40.00")),
               ("expense", "operating", None, D("5.00")), ("expense", "subsidy_to_affiliates", None, D("3.00")),
               ("expense", "remit_to_superior", None, D("2.00"))},
}
TOTALS = {("income", "current_year_total", None, D("150.00")), ("expense", "current_year_total", None, D("150.00")),
          ("income", "grand_total", None, D("150.00")), ("expense", "grand_total", None, D("150.00"))}


@pytest.mark.parametrize("file", list(USES_EXPECTED))
def test_summary_uses_beside_the_classes_or_alone_are_items(wh, file):
    got = wh.summary(file, 0)
    carry = {("income", "prior_year_carryover", None, D("0.00")), ("expense", "year_end_carryover", None, D("0.00"))}
    assert got == USES_EXPECTED[file] | TOTALS | (carry if file == "uses_0" else set())
    # 本年支出合计 150.00 = the classes 140.00 + 6.50 + 3.50 (广东), = the five uses (长沙): both checked and holding
    assert wh.check_status(file, "summary_sums", "summary")[0] == "passed"
    _clean(wh, file)
