"""E2 of ../shared/seed/VARIANTS.md: each column-header layout seen (收支总表 of 平山 / 上海 / 江苏 / the 决算 template
with 行次 and 栏次, function codes in one cell, with internal spaces, split 类|款|项 or stacked, economic tables with
类|款 columns or side-by-side groups with 人员经费合计 / 公用经费合计 footers, 三公 wide, vertical, by fund, 决算 wide),
in a generated filing ingested into a real warehouse: its kind, every fact as typed, every printed amount read."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.variants import filings as F
from tests.variants import headers as H
from tests.variants.warehouse import build, dept

B = F.Style()  # a county budget, 万元, 编制部门 / 单位 lines
FIN = F.Style(final=True)
EXP = {(c, m, a, "budget") for c, m, a in F.expect_function(F.EXPENDITURE)}
EXP_FINAL = {(c, m, a, "final") for c, m, a in F.expect_function(F.EXPENDITURE)}
INC = {(c, m, a, "budget") for c, m, a in F.expect_function(F.INCOME)}
INC_FINAL = {(c, m, a, "final") for c, m, a in F.expect_function({"current_year_total": 2, "fiscal_appropriation": 2})}
BASIC = {(c, m, a, "budget") for c, m, a in F.BASIC_LINES}
# the side-by-side groups are the 人员经费 and the 公用经费 (their footers say so): each line is of that measure
BASIC_FINAL_SIDE = {(c, "personnel" if c.startswith("301") else "public_operating", a, "final")
                    for c, _, a, _, _ in F.ECONOMIC}
SUMMARY = {(s, i, c, "amount", a) for s, i, c, a in F.expect_summary(False)}
SUMMARY_FINAL = {(s, i, c, "amount", a) for s, i, c, a in F.expect_summary(True)}

# id → (kind, the table, its style, what to read, the facts expected)
VARIANTS: dict[str, tuple] = {
    "收支总表 平山: 序号 | 收入(项目 | 预算数) | 支出(…) + 栏次 row, metadata row 单位:万元":
        ("summary", lambda s: F.summary("部门收支总表", s, "seq"), replace(B, meta="row", unit_label="单位:"), "summary", SUMMARY),
    "收支总表 上海: 本年收入 | 本年支出, closing 收入总计 | 支出总计 only":
        ("summary", lambda s: H.summary_shanghai("部门收支预算总表", s), B, "summary", H.EXPECT_SUMMARY_SHANGHAI),
    "收支总表 上海 单位预算: 合计 | 基本支出(人员经费 | 公用经费) | 项目支出 on the expense side":
        ("summary", lambda s: H.summary_shanghai_unit("单位收支总表", s), B, "summary", H.EXPECT_SUMMARY_SHANGHAI_UNIT),
    "收支预算总表 江苏: 项目名称 | 金额 | 功能分类(功能科目名称 | 金额) | 支出用途(项目名称 | 金额)":
        ("summary", lambda s: H.summary_jiangsu("收支预算总表", s), B, "summary", H.EXPECT_SUMMARY_JIANGSU),
    "收入支出决算总表 财政部 template: 项目 | 行次 | 金额 ×2 + 栏次 row, 公开01表, 部门:, 金额单位:万元":
        ("summary", lambda s: F.summary("收入支出决算总表", s, "hangci"),
         replace(FIN, form="公开01表", dept_label="部门:", unit_label="金额单位:"), "summary", SUMMARY_FINAL),
    "收入支出决算总表 上海宜川: 项目 | 决算数, 使用非财政拨款结余 / 年初结转和结余 / 总计, note line":
        ("summary", lambda s: H.summary_yichuan_final("收入支出决算总表", s), FIN, "summary", H.EXPECT_SUMMARY_YICHUAN),
    "支出总表: 7-digit 科目编码 in one cell":
        ("expenditure", lambda s: F.expenditure("部门支出总表", s, "one"), B, "lines", EXP),
    "支出总表 魏县: 科目    编码 with internal spaces":
        ("expenditure", lambda s: F.expenditure("部门支出总表", s, "spaced"), B, "lines", EXP),
    "支出总表 上海: 功能分类科目编码 over 类 | 款 | 项, 功能分类科目名称":
        ("expenditure", lambda s: F.expenditure("部门支出总表", s, "lkx"), B, "lines", EXP),
    "一般公共预算支出表 上海: 类 | 款 | 项":
        ("general_public_expenditure", lambda s: F.expenditure("部门一般公共预算支出功能分类预算表", s, "lkx"), B, "lines", EXP),
    "收入总表 上海: 类 | 款 | 项":
        ("income", lambda s: F.income("部门收入总表", s, "lkx"), B, "lines", INC),
    "收入决算表: 功能分类 / 科目编码 stacked in one cell, 科目名称":
        ("income", lambda s: F.income("收入决算表", s, "stacked"), FIN, "lines", INC_FINAL),
    "支出决算表: 功能分类 / 科目编码 stacked":
        ("expenditure", lambda s: F.expenditure("支出决算表", s, "stacked"), FIN, "lines", EXP_FINAL),
    "支出决算表 上海决算: 7-digit 科目编码 (2010507 style) in one cell":
        ("expenditure", lambda s: F.expenditure("支出决算表", s, "one"), FIN, "lines", EXP_FINAL),
    "基本支出表 上海 部门: 部门预算经济分类科目编码 over 类 | 款, 经济分类科目名称":
        ("basic_expenditure", lambda s: F.basic("部门一般公共预算基本支出部门预算经济分类预算表", s, "lk"), B, "lines", BASIC),
    "基本支出表 上海 单位: 经济分类科目编码 | 部门经济分类科目名称":
        ("basic_expenditure", lambda s: H.basic_unit("单位一般公共预算基本支出部门预算经济分类预算表", s), B, "lines", BASIC),
    "基本支出决算表 上海决算: two side-by-side groups 编码 | 名称 | 决算数 + 人员经费合计 … 公用经费合计 footer":
        ("basic_expenditure", lambda s: F.basic("一般公共预算财政拨款基本支出决算表", s, "side"), FIN, "lines",
         BASIC_FINAL_SIDE),
    "三公 上海 wide: 合计 | 因公出国(境)费 | 公务接待费 | 公务用车购置及运行费(小计 | 购置费 | 运行费)":
        ("three_public", lambda s: F.three_public("部门“三公”经费预算表", s, "wide"), B, "three", H.EXPECT_THREE),
    "三公 上海 wide with 机关运行经费预算数":
        ("three_public", lambda s: H.three_public_shanghai_office("部门“三公”经费和机关运行经费预算表", s), B, "three",
         H.EXPECT_THREE | {("office_operation", "budget", F.D("15.20"))}),
    "三公 寿县 wide: “三公”经费合计 | 因公出国(境)费 | 公务用车…(小计 | 公务用车购置费 | 公务用车运行费) | 公务 接待费":
        ("three_public", lambda s: F.three_public(f"{F.YEAR}年一般公共预算“三公”经费支出预算表", s, "shou"), B, "three",
         H.EXPECT_THREE),
    "三公 苏州 wide: “三公”经费合计 | 出国 | 用车(小计 | 购置 | 运行) | 接待 | 会议费 | 培训费, no 合计":
        ("three_public", lambda s: H.three_public_suzhou(f"{F.YEAR}年部门“三公”经费和会议费、培训费预算表", s), B, "three",
         H.EXPECT_THREE_SUZHOU),
    "三公 决算 wide: each category 预算数 | 决算数 (12 columns)":
        ("three_public", lambda s: F.three_public("财政拨款“三公”经费支出决算表", s, "final_wide"), FIN, "three",
         H.EXPECT_THREE_FINAL),
    "三公 决算 vertical: 项目 | 预算数 | 决算数":
        ("three_public", lambda s: F.three_public("一般公共预算财政拨款“三公”经费支出决算表", s, "final_vertical"), FIN, "three",
         H.EXPECT_THREE_FINAL),
    "三公 vertical 青阳: 项目 | 预算数, 3.公务用车购置及运行费 / 其中:(1)公务用车运行维护费 / (2)公务用车购置":
        ("three_public", lambda s: H.three_public_vertical("“三公”经费预算财政拨款情况统计表", s, ("项目", "预算数"),
                                                           ("3.公务用车购置及运行费", "其中:(1)公务用车运行维护费", "(2)公务用车购置")),
         B, "three", H.EXPECT_THREE),
    "三公 vertical 江北: 项 目 | 本年预算数 | 其中:公共预算财政拨款, 公务用车费":
        ("three_public", lambda s: H.three_public_vertical("部门“三公”经费情况统计表", s,
                                                           ("项 目", "本年预算数", "其中:公共预算财政拨款"),
                                                           ("3.公务用车费", "其中:(1)公务用车运行费", "(2)公务用车购置费")),
         B, "three", H.EXPECT_THREE),
    "三公 vertical 桂林 with 相关统计数 rows (团组数, 购置数, 保有量, 接待批次)":
        ("three_public", lambda s: H.three_public_vertical("年度部门“三公”经费预算情况表", s, ("项目", "预算数"),
                                                           ("3.公务用车购置及运维费", "其中:(1)运行费", "(2)购置费"), stats=True),
         B, "three", H.EXPECT_THREE),
    "三公 by fund plpkl (traditional): 項 目 | 合計 | 一般公共預算 | 政府性基金預算 | 國有資本經營預算, 行政經費 first":
        ("three_public", lambda s: H.three_public_by_fund("部門預算財政撥款“三公”經費支出表", s), B, "three",
         H.EXPECT_THREE | {("office_operation", "budget", F.D("15.20"))}),
    "三公 决算 柞水: 预算数 ‖ 决算数 groups over 合计 | 出国 | 用车(小计 | 购置 | 运行) | 接待 | 会议费 | 培训费":
        ("three_public", lambda s: H.three_public_zhashui("一般公共预算财政拨款“三公”经费及会议费、培训费支出决算表", s), FIN,
         "three", H.EXPECT_THREE_ZHASHUI),
    "三公 vertical 岳阳: 项目 | 2024-执行数 | 2025-预算数 (年 printed as -)":
        ("three_public", lambda s: H.three_public_yueyang(f"{F.YEAR}年度部门“三公”经费预算情况表", s), B, "three",
         H.EXPECT_THREE),
}
# Variants whose table leaves amounts out on purpose, each with a finding that names why: id → (finding check, count).
# 岳阳's 2024-执行数 column is the year before's outturn: no basis of a 2025 budget names it.
NAMED_GAPS = {"三公 vertical 岳阳: 项目 | 2024-执行数 | 2025-预算数 (年 printed as -)": ("three_public_prior_year", 5)}


def _plan() -> tuple[dict, dict]:
    """Pack the variants into filings: at most one table of each kind per filing (so each filing's cross-table
    checks see one of each), budgets and 决算 apart.  Returns the filings and variant id → (file, table index)."""
    filings: dict[str, list] = {}
    kinds: dict[str, set] = {}
    where: dict[str, tuple[str, int]] = {}
    for vid, (kind, make, style, _, _) in VARIANTS.items():
        group = "final" if style.final else "budget"
        name = next((n for n in filings if n.startswith(group) and kind not in kinds[n]
                     and filings[n][0][1].meta == style.meta), None)
        if name is None:
            name = f"{group}_{sum(n.startswith(group) for n in filings):02d}"
            filings[name], kinds[name] = [], set()
        s = replace(style, dept=dept("表头" if not style.final else "表首", int(name[-2:]) + (10 if style.final else 0)))
        where[vid] = (name, len(filings[name]))
        filings[name].append((make(s), s))
        kinds[name].add(kind)
    return filings, where


FILINGS, WHERE = _plan()


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    w = build(tmp_path_factory.mktemp("headers"), FILINGS)
    yield w
    w.con.close()


@pytest.mark.parametrize("vid", list(VARIANTS))
def test_header_variant(wh, vid):
    kind, _, _, what, expected = VARIANTS[vid]
    file, table = WHERE[vid]
    assert wh.kind(file, table)[0] == kind
    if what == "lines":
        got = set(wh.rows("select subject_code, measure, amount_wan, basis from staging.budget_lines "
                          "where document_id = ? and source_table = ?", file, table))
    elif what == "summary":
        got = set(wh.rows("select side, item, subject_code, measure, amount_wan from staging.budget_summary "
                          "where document_id = ? and source_table = ? and basis in ('budget', 'final')", file, table))
    else:
        got = wh.three_public(file, table)
    assert got == expected
    printed, read = wh.coverage(file, table)
    if vid in NAMED_GAPS:
        check, n = NAMED_GAPS[vid]
        named = [f for f in wh.findings(file) if f[1] == check and f[3].startswith(f"table {table} ")]
        assert (printed - read, len(named)) == (n, n)
        assert {g[3] for g in wh.gaps(file, table)} == {f[4] for f in named}
    else:
        assert printed == read, wh.gaps(file, table)


@pytest.mark.parametrize("file", sorted(FILINGS))
def test_each_header_filing_loads_without_findings(wh, file):
    _, status, _, year, doc_type, _, unit = wh.doc(file)
    assert (status, year, doc_type, unit) == ("loaded", F.YEAR, "final_accounts" if file.startswith("final") else
                                              "budget", "万元")
    named = {NAMED_GAPS[v][0] for v, (f, _) in WHERE.items() if f == file and v in NAMED_GAPS}
    if named:  # the named gaps may take the filing under 98 %: its coverage warning lists them
        named.add("coverage")
    assert [f for f in wh.findings(file) if f[1] not in named] == []


SHOU = "三公 寿县 wide: “三公”经费合计 | 因公出国(境)费 | 公务用车…(小计 | 公务用车购置费 | 公务用车运行费) | 公务 接待费"
SUZHOU = "三公 苏州 wide: “三公”经费合计 | 出国 | 用车(小计 | 购置 | 运行) | 接待 | 会议费 | 培训费, no 合计"
D = F.D


@pytest.mark.parametrize(("vid", "expected"), [
    # 寿县: “三公”经费合计 12.00 = 出国 (blank) + 用车 10.00 + 接待 2.00, the table's only sum: its total, what marts filter on
    (SHOU, {("total", D("12.00")), ("vehicles", D("10.00")), ("vehicle_purchase", D("6.00")),
            ("vehicle_operation", D("4.00")), ("reception", D("2.00"))}),
    # 苏州: the same 12.00 beside 会议费 3.00 and 培训费 5.00: the 三公 subtotal, and no total (the table prints none)
    (SUZHOU, {("subtotal", D("12.00")), ("vehicles", D("10.00")), ("vehicle_purchase", D("6.00")),
              ("vehicle_operation", D("4.00")), ("reception", D("2.00")), ("meeting", D("3.00")),
              ("training", D("5.00"))}),
], ids=["寿县 total", "苏州 subtotal"])
def test_the_only_three_public_sum_is_the_total_in_the_marts(wh, vid, expected):
    file, _ = WHERE[vid]
    rows = wh.con.execute("select category, amount_wan from marts.three_public where document_id = ? "
                          "and fund_source = 'total'", [wh.docs[file][0]]).fetchall()
    assert sorted(rows) == sorted(expected)  # one row each: no category printed twice
    # the marts that filter on the total: the department's 三公 in its ranking, or none
    ranking = wh.con.execute("select three_public_wan from marts.department_ranking where document_id = ?",
                             [wh.docs[file][0]]).fetchall()
    assert ranking == [(D("12.000000") if vid == SHOU else None,)]
    assert wh.check_status(file, "three_public_sum", "three_public")[0] == "passed"
