"""E1 of ../shared/seed/VARIANTS.md: every table title seen, 预算 and 决算, printed over its standard table in a
generated filing, ingested into a real warehouse: the table is classified as its kind and every figure lands as the
fact typed in filings.py, with all printed amounts read and no finding."""

from __future__ import annotations

import pytest

from tests.variants import filings as F
from tests.variants.warehouse import build, dept

Y = F.YEAR
# kind → the titles seen (E1), in the order of VARIANTS.md; 决算 titles apart.  Titles printing a year print the
# filing's own (2023年部门财务收支预算总表 → 2025年…).
BUDGET_TITLES: dict[str, list[str]] = {
    "summary": ["部门预算收支总表", "部门收支总表", "收支总表", "收支预算总表", "《收支预算总表》", "部门收支总体情况表(公开01表)",
                "部门财务收支总体情况表", f"{Y}年部门财务收支预算总表", "表1部门收支预算总表", f"{Y} 年收支预算总表(功能分类科目)",
                "部门综合预算收支总表"],
    "income": ["部门预算收入总表", "部门收入总表", "收入总表", "部门收入总体情况表(公开02表)", "收入总体情况表", "表二 部门收入总体情况表",
               "部门收入预算总表", "收入预算表"],
    "expenditure": ["部门预算支出总表", "部门支出总表", "支出总表", "部门支出总体情况表(公开03表)", "预算支出总表", "部门支出预算总表",
                    "支出预算表"],
    "fiscal_summary": ["部门预算财政拨款收支总表", "财政拨款收支总表", "财政拨款收支总体情况表(公开04表)", "财政拨款收支预算总表",
                       "部门财政拨款收支预算总表", "财政拨款收支预算表"],
    "general_public_expenditure": ["部门预算一般公共预算财政拨款支出表", "一般公共预算支出表", "一般公共预算支出情况表(公开05表)",
                                   "一般公共预算财政拨款支出预算表", "部门一般公共预算支出功能分类预算表", "一般公共预算本级财力支出情况表"],
    "basic_expenditure": ["部门预算一般公共预算财政拨款基本支出表", "一般公共预算基本支出表", "一般公共预算基本支出情况表(公开06表)",
                          "一般公共预算基本支出明细表(按经济分类)", "一般公共预算基本支出经济分类情况表",
                          "部门一般公共预算基本支出部门预算经济分类预算表", "部门基本支出情况表", "财政拨款安排的基本支出预算表"],
    "gov_fund_expenditure": ["部门预算政府基金预算财政拨款支出表", "政府性基金预算支出表", "政府性基金预算支出情况表(公开08表)",
                             "政府性基金支出表", "政府性基金预算拨款支出预算表", "政府性基金预算拨款支出情况表",
                             "部门政府性基金预算支出功能分类预算表", "部门政府性基金预算支出情况表"],
    "soe_capital_expenditure": ["部门预算国有资本经营预算财政拨款支出表", "国有资本经营预算支出表", "国有资本经营预算支出情况表(公开09表)",
                                "国有资本经营预算预算支出表", "部门国有资本经营预算支出功能分类预算表"],
    "three_public": ["部门预算财政拨款“三公”经费支出表", "一般公共预算“三公”经费支出表", "《一般公共预算\"三公\"经费支出表》",
                     "一般公共预算“三公”经费支出情况表(公开07表)", "财政拨款“三公经费”支出表", "部门预算资金安排的“三公”经费情况表",
                     f"{Y}年一般公共预算“三公”经费支出预算表", "部门“三公”经费和机关运行经费预算表", "部门“三公”经费情况统计表",
                     "年度部门“三公”经费预算情况表", "“三公”经费预算财政拨款情况统计表", "一般公共预算 三公 经费支出表"],
}
FINAL_TITLES: dict[str, list[str]] = {
    "summary": ["收入支出决算总表", "收支决算总表", "部门收支总体情况决算表"],
    "income": ["收入决算表", "收入决算总表"],
    "expenditure": ["支出决算表", "支出决算总表"],
    "fiscal_summary": ["财政拨款收入支出决算总表", "財政撥款收入支出決算表"],
    "general_public_expenditure": ["一般公共预算财政拨款支出决算表", "一般公共预算财政拨款收入支出决算表", "一般公共预算支出决算表(功能科目)"],
    "basic_expenditure": ["一般公共预算财政拨款基本支出决算表", "一般公共预算财政拨款基本支出决算明细表", "一般公共预算基本支出决算表(经济科目)"],
    "gov_fund_expenditure": ["政府性基金预算财政拨款收入支出决算表"],
    "soe_capital_expenditure": ["国有资本经营预算财政拨款支出决算表", "国有资本经营预算财政拨款收入支出决算表"],
    "three_public": ["财政拨款“三公”经费支出决算表", "一般公共预算财政拨款“三公”经费支出决算表",
                     "一般公共预算财政拨款安排的“三公”经费支出决算表", "财政拨款三公经费支出决算表",
                     "一般公共预算财政拨款“三公”经费及会议费、培训费支出决算表", "“三公”经费、行政参公单位机关运行经费情况表"],
}
ORDER = list(BUDGET_TITLES)
# The extra tables of E1: title → the kind yusuan gives it ('unknown': recognised by name, not modelled, kept as cells
# with a table_recognised finding that says so).
EXTRA_TITLES = {
    "项目支出表": "project_expenditure", "一般公共预算项目支出表": "project_expenditure",
    "一般公共预算项目预算表": "project_expenditure", "政府采购支出表": "procurement", "政府采购预算表(公开10表)": "procurement",
    "政府采购表": "procurement", "政府购买服务支出表": "unknown", "项目支出绩效目标表": "performance_target",
    "绩效目标申报表(公开11表)": "performance_target", "部门整体支出绩效目标表": "performance_target",
    "重点项目绩效目标表": "performance_target", "财政项目支出绩效目标申报表": "performance_target",
    "财政项目支出绩效目标填报表": "performance_target", "财政专户管理资金预算支出表": "unknown", "专项资金预算汇总表": "unknown",
    "国有资产占用情况表": "assets", "国有资产使用情况表": "assets",
}


def table_for(kind: str, title: str, s: F.Style) -> F.Table:
    if kind == "summary":
        return F.summary(title, s)
    if kind == "income":
        return F.income(title, s)
    if kind in ("expenditure", "general_public_expenditure"):
        return F.expenditure(title, s)
    if kind == "fiscal_summary":
        return F.fiscal_summary(title, s)
    if kind == "basic_expenditure":
        return F.basic(title, s)
    if kind == "gov_fund_expenditure":
        return F.empty_fund(title, s)
    if kind == "soe_capital_expenditure":
        return F.empty_fund(title, s, fund="国有资本经营预算拨款")
    return F.three_public(title, s, "final_vertical" if s.final else "wide")


def _plan() -> tuple[dict, list]:
    """Filing k prints the k-th title of each kind that has one: every title once, in as few filings as the longest
    list.  Returns the filings and the variants (kind, title, final, file, table index)."""
    filings, variants = {}, []
    for final, titles in ((False, BUDGET_TITLES), (True, FINAL_TITLES)):
        for k in range(max(map(len, titles.values()))):
            name = f"{'final' if final else 'budget'}_{k:02d}"
            s = F.Style(dept=dept("结账" if final else "标题", k), final=final)
            tables = []
            for kind in ORDER:
                if k < len(titles[kind]):
                    variants.append((kind, titles[kind][k], final, name, len(tables)))
                    tables.append((table_for(kind, titles[kind][k], s), s))
            filings[name] = tables
    return filings, variants


FILINGS, VARIANTS = _plan()
_EXTRA_STYLE = F.Style(dept=dept("附表", 0))
FILINGS["extra"] = [(F.summary("部门收支总表", _EXTRA_STYLE), _EXTRA_STYLE)] + [
    (F.Table(title, [["项目名称", "金额"]], [["办公设备购置", "6.00"], ["合计", "6.00"]]), _EXTRA_STYLE)
    for title in EXTRA_TITLES]


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    w = build(tmp_path_factory.mktemp("titles"), FILINGS)
    yield w
    w.con.close()


def _expected(kind: str, final: bool):
    basis = "final" if final else "budget"
    if kind == "summary":
        return "summary", F.expect_summary(final)
    if kind == "income":  # a 决算's first column is 本年收入合计, a budget's 合计 (with 上年结转 beside)
        measures = {"current_year_total": 2, "fiscal_appropriation": 2} if final else F.INCOME
        return "lines", {(c, m, a, basis) for c, m, a in F.expect_function(measures)}
    if kind in ("expenditure", "general_public_expenditure"):
        return "lines", {(c, m, a, basis) for c, m, a in F.expect_function(F.EXPENDITURE)}
    if kind == "basic_expenditure":
        return "lines", {(c, m, a, basis) for c, m, a in F.BASIC_LINES}
    if kind == "fiscal_summary":
        return "summary", {("income", "general_public_budget", None, F.TOTAL), ("income", "current_year_total", None, F.TOTAL),
                           ("income", "grand_total", None, F.TOTAL), ("expense", "function_class", "201", F.D("120.50")),
                           ("expense", "function_class", "208", F.D("30.00")), ("expense", "current_year_total", None, F.TOTAL),
                           ("expense", "grand_total", None, F.TOTAL)}
    if kind in ("gov_fund_expenditure", "soe_capital_expenditure"):
        return "lines", set()
    return "three", F.expect_three_public("final_vertical" if final else "wide")


@pytest.mark.parametrize(("kind", "title", "final", "file", "table"), VARIANTS,
                         ids=[f"{'决算' if v[2] else '预算'}-{v[1]}" for v in VARIANTS])
def test_title_variant(wh, kind, title, final, file, table):
    assert wh.kind(file, table) == (kind, title)
    what, expected = _expected(kind, final)
    if what == "lines":
        got = {(c, m, a, b) for c, m, a, b in wh.rows(
            "select subject_code, measure, amount_wan, basis from staging.budget_lines "
            "where document_id = ? and source_table = ?", file, table)}
    elif what == "summary":
        got = wh.summary(file, table)
    else:
        got = wh.three_public(file, table)
    assert got == expected
    printed, read = wh.coverage(file, table)
    assert printed == read, wh.gaps(file, table)


@pytest.mark.parametrize(("n", "title"), list(enumerate(EXTRA_TITLES, start=1)), ids=list(EXTRA_TITLES))
def test_extra_table_title(wh, n, title):
    kind = EXTRA_TITLES[title]
    assert wh.con.execute("select distinct table_kind, title from raw.table_cells where document_id = ? "
                          "and source_table = ?", [wh.doc("extra")[0], n]).fetchall() == [(kind, title)]
    unrecognised = [f for f in wh.findings("extra") if f[1] == "table_recognised" and f[3] == f"table {n}"]
    assert len(unrecognised) == (kind == "unknown")
    if kind == "procurement":  # each line of a 政府采购 table with its amount, the 合计 row marked
        assert set(wh.rows("select item, is_total, amount_wan from staging.procurement where document_id = ? "
                           "and source_table = ?", "extra", n)) == {("办公设备购置", False, F.D("6.00")),
                                                                    ("合计", True, F.D("6.00"))}


@pytest.mark.parametrize("file", sorted(f for f in FILINGS if f != "extra"))
def test_each_title_filing_loads_as_its_department_and_type_without_findings(wh, file):
    doc_id, status, name, year, doc_type, scope, unit = wh.doc(file)
    k = int(file[-2:])
    final = file.startswith("final")
    assert (status, name, year, doc_type, scope, unit) == (
        "loaded", dept("结账" if final else "标题", k), F.YEAR, "final_accounts" if final else "budget", "department",
        "万元")
    assert wh.findings(file) == []
