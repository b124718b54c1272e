"""浙江 (杭州, 湖州) and 湖南 (长沙) filings read cell by cell: figures typed by hand from the PDFs.

Every expected figure below was typed from the PDF's page text (pypdfium2 ``get_text_range``), not from yusuan's
output; the page is named beside each.  Each PDF is read once per session (``processed``).

The 浙江 template (杭州's producer 原点财通, 湖州's the same provincial system) prints its 收支总表 down to 款/项 by
name only, its 收入预算总表 and 三公 table by unit (单位名称: 合计, the department, then each unit), and 杭州 prints
no subject codes at all; 湖南 长沙 prints split 类|款|项 codes, 人员类 for 人员经费 and a 其中:经费拨款 column.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.real.real_samples import REAL, processed_real
from tests.real.real_samples import rows as _rows

FILES = {
    "hangzhou": REAL / "浙江省" / "杭州市" / "zhejiang_hangzhou_sifaju_2026_budget.pdf",
    "huzhou": REAL / "浙江省" / "湖州市" / "zhejiang_huzhou_jiaotongju_2026_budget.pdf",
    "changsha": REAL / "湖南省" / "长沙市" / "hunan_changsha_gonganju_2025_budget.pdf",
}
pytestmark = pytest.mark.real
D = Decimal


@pytest.fixture(scope="session")
def zj():
    return lambda name: processed_real(FILES[name])


def _lines(item, kind: str, code: str) -> dict[str, Decimal]:
    return {r["measure"]: r["amount_wan"] for r in _rows(item, "budget_lines", table_kind=kind, subject_code=code)}


def _coverage(item) -> Decimal:
    cov = item.frames["coverage"]
    return (D(100) * sum(cov["read"].to_list()) / sum(cov["printed"].to_list())).quantize(D("0.1"))


def _check(item, name: str):
    return next(r for r in item.checks if r.check == name)


@pytest.mark.parametrize(("name", "department", "year"), [
    ("hangzhou", "杭州市司法局", 2026),  # p.23 部门名称：杭州市司法局
    ("huzhou", "湖州市交通运输局", 2026),  # p.21 606-湖州市交通运输局
    ("changsha", "长沙市公安局", 2025),  # p.13 单位名称：长沙市公安局
])
def test_identity(zj, name, department, year):
    item = zj(name)
    assert item.document.status == "loaded", item.document.error
    assert (item.document.department_name, item.document.year, item.document.doc_type) == (
        department, year, "budget")


# --- 湖州 (codes printed, 款/项 by name in the 总表, tables by unit) ------------------------------------------------

def test_huzhou_expenditure_total_table_deep_codes(zj):
    # p.26 表03 支出预算总表: 2140123 航道维护 9562.90 | 3367.31 | 695.75 | 5299.85 | 200.00 (经营支出)
    item = zj("huzhou")
    assert _lines(item, "expenditure", "2140123") == {
        "total": D("9562.90"), "personnel": D("3367.31"), "public_operating": D("695.75"), "project": D("5299.85"),
        "operating": D("200.00")}
    # p.27: 2290402 其他地方自行试点项目收益专项债券收入安排的支出 53000.00 | 53000.00 (项目)
    assert _lines(item, "expenditure", "2290402") == {"total": D("53000.00"), "project": D("53000.00")}
    # p.25 类 205 教育支出 4673.98
    assert _lines(item, "expenditure", "205")["total"] == D("4673.98")


def test_huzhou_general_public_table_is_by_function_not_economic(zj):
    # p.31 表05 一般公共预算支出表 (科目编码 | 合计 | 基本支出 小计 人员经费 公用经费 | 项目支出), codes 2xx:
    # 2140199 其他公路水路运输支出 32089.97 | 7697.99 | 6863.35 | 834.64 | 24391.98
    item = zj("huzhou")
    assert _lines(item, "general_public_expenditure", "2140199") == {
        "total": D("32089.97"), "basic": D("7697.99"), "personnel": D("6863.35"), "public_operating": D("834.64"),
        "project": D("24391.98")}
    assert _lines(item, "general_public_expenditure", "214")["total"] == D("41783.67")
    # and no 2xx code was taken for an economic subject
    assert not [r for r in _rows(item, "budget_lines", table_kind="basic_expenditure")
                if r["subject_code"].startswith("2")]


def test_huzhou_basic_expenditure_by_economic_code(zj):
    # p.33 表06: 30231 公务用车运行维护费 526.50 (公用经费); 303 对个人和家庭的补助 1342.26 | 1281.76 | 60.50
    item = zj("huzhou")
    assert _lines(item, "basic_expenditure", "30231") == {"total": D("526.50"), "public_operating": D("526.50")}
    assert _lines(item, "basic_expenditure", "303") == {
        "total": D("1342.26"), "personnel": D("1281.76"), "public_operating": D("60.50")}
    assert _lines(item, "basic_expenditure", "31002")["total"] == D("10.95")  # p.34 办公设备购置


def test_huzhou_three_public_by_unit_keeps_the_departments_total(zj):
    # p.35 表07: 合计 749.83 | (出国 blank) | 698.30 | 171.80 | 526.50 | 51.53, then five units
    item = zj("huzhou")
    got = {r["category"]: r["amount_wan"] for r in _rows(item, "three_public")}
    # “三公”经费合计, the only sum (湖州 prints no 会议费 / 培训费 here), 698.30 + 51.53: the table's total
    assert got == {"total": D("749.83"), "vehicles": D("698.30"), "vehicle_purchase": D("171.80"),
                   "vehicle_operation": D("526.50"), "reception": D("51.53")}
    assert len(_rows(item, "three_public")) == 5  # the units' rows (1.00, 372.56 … 122.60) are not facts
    # the narrative's 749.83 万元 is now the table's figure (it was compared with a unit's 122.60)
    assert not [f for f in item.findings if f.check == "narrative_vs_tables" and "三公" in f.message]
    units = _check(item, "unit_rows_sum")
    assert units.status == "passed" and units.compared >= 10  # 1.00 + 372.56 + 4.67 + 249.00 + 122.60 = 749.83


def test_huzhou_summary_prints_kuan_and_xiang_by_name_under_their_class(zj):
    # p.22 表01: 交通运输支出 113743.52 / 公路水路运输 49280.12 / … 航道维护 9562.90; 本年支出合计 201286.11
    item = zj("huzhou")
    s = _rows(item, "budget_summary", table_kind="summary", side="expense")
    classes = {r["item_name"]: (r["subject_code"], r["amount_wan"]) for r in s if r["item"] == "function_class"}
    assert classes["交通运输支出"] == ("214", D("113743.52"))
    assert classes["其他支出"] == ("229", D("75500.00"))
    details = [(r["item_name"], r["subject_code"], r["amount_wan"]) for r in s if r["item"] == "function_detail"]
    assert ("航道维护", "214", D("9562.90")) in details
    assert ("其他政府性基金债务收入安排的支出", "229", D("15500.00")) in details
    assert ("住房公积金", "221", D("2179.85")) in details
    total = next(r for r in s if r["item"] == "current_year_total")
    assert total["amount_wan"] == D("201286.11")
    assert _check(item, "summary_sums").status == "passed"  # Σ 类 only: the detail lines are not added


def test_huzhou_project_performance_table_gives_one_project_a_row(zj):
    # p.39-40 表11 项目支出绩效表 (单位名称 | 项目名称 | 金额 | 项目总体绩效目标): 17 projects, 171,462.41 in all (the
    # 项目支出预算表's 合计); 综合交通运行保障 twice, for two units: 7,108.06 and 1,333.45
    item = zj("huzhou")
    projects = _rows(item, "projects")
    assert len(projects) == 17
    assert sum(r["cost_wan"] for r in projects) == D("171462.41")
    got = {(r["implementer"], r["project_name"]): r["cost_wan"] for r in projects}
    assert got[("湖州市交通运输局", "综合交通运行保障")] == D("7108.06")
    assert got[("湖州市交通运输行政执法队", "综合交通运行保障")] == D("1333.45")
    assert got[("湖州市公路与运输管理中心", "公路综合建设养护")] == D("70252.12")
    assert got[("湖州市水上应急救援中心", "湖州航区骨干航道养护")] == D("5499.85")
    assert next(r for r in projects if r["project_name"] == "湖州航区骨干航道养护")["objective"] == "按计划完成2026年实施项目。"
    assert {r["cost_basis"] for r in projects} == {"annual_funds"}
    assert not _rows(item, "performance_indicators")  # the table prints no indicators: none are made up
    # the unlabelled 171,462.41 row above the list (p.39) is its 合计: checked against all 17, across both tables
    assert not [f for f in item.findings if f.check in ("project_funds_sum", "performance_row_unread")]


def test_a_project_lists_total_that_disagrees_is_reported():
    from pipelines.lib.performance import Project, list_total_problem

    projects = [Project(None, name, 18, row, attributes={"annual_funds": amount})
                for row, (name, amount) in enumerate([("综合交通建设管理", "136.80"), ("综合交通运行保障", "7,108.06")])]
    assert list_total_problem("表11", 18, (2, "7,244.86"), projects) is None
    problem = list_total_problem("表11", 18, (2, "7,244.87"), projects)
    assert problem[0] == "project_funds_sum" and "add up to 7,244.86" in problem[3]


def test_huzhou_coverage(zj):
    item = zj("huzhou")
    assert _coverage(item) >= D("100.0")
    assert item.frames["coverage_gaps"].height == 0


# --- 杭州 (原点财通: names only, indentation for levels; tables by unit) ---------------------------------------------

def test_hangzhou_summary_details_under_their_class(zj):
    # p.23 表1: 公共安全支出 76,468.81 / 　监狱 59,935.35 / 　　行政运行 48,375.27 (and 8,553.80 under 司法,
    # 3,901.76 under 强制隔离戒毒); 本年支出合计 99,230.46; 七、其他收入 7,387.66
    item = zj("hangzhou")
    s = _rows(item, "budget_summary", table_kind="summary")
    exp = [r for r in s if r["side"] == "expense"]
    assert {(r["item_name"], r["subject_code"], r["amount_wan"]) for r in exp if r["item"] == "function_class"} == {
        ("一般公共服务支出", "201", D("12868.19")), ("公共安全支出", "204", D("76468.81")),
        ("社会保障和就业支出", "208", D("7458.52")), ("卫生健康支出", "210", D("2434.95"))}
    details = [(r["item_name"], r["subject_code"], r["amount_wan"]) for r in exp if r["item"] == "function_detail"]
    assert ("监狱", "204", D("59935.35")) in details
    assert sorted(a for n, _, a in details if n == "行政运行") == [D("3901.76"), D("8553.80"), D("48375.27")]
    # 其他一般公共服务支出 is printed twice (款 and 项), both 12,868.00, both details of 201
    assert [a for n, c, a in details if n == "其他一般公共服务支出"] == [D("12868.00"), D("12868.00")]
    assert next(r for r in exp if r["item"] == "current_year_total")["amount_wan"] == D("99230.46")
    inc = {r["item"]: r["amount_wan"] for r in s if r["side"] == "income"}
    assert inc["other"] == D("7387.66")
    assert inc["general_public_budget"] == D("91495.48")


def test_hangzhou_fiscal_summary(zj):
    # p.28 表4: 一、本年支出合计 91,842.80; 　监狱 53,706.39; 　　其他司法支出 669.61; 二、上年结转结余 347.32
    item = zj("hangzhou")
    s = _rows(item, "budget_summary", table_kind="fiscal_summary")
    exp = {(r["item"], r["item_name"]): r["amount_wan"] for r in s if r["side"] == "expense"}
    assert exp[("function_detail", "监狱")] == D("53706.39")
    assert exp[("function_detail", "其他司法支出")] == D("669.61")
    assert exp[("function_class", "公共安全支出")] == D("69081.15")
    assert next(r for r in s if r["side"] == "expense" and r["item"] == "current_year_total")["amount_wan"] \
        == D("91842.80")
    inc = {r["item"]: r["amount_wan"] for r in s if r["side"] == "income"}
    assert inc["prior_year_carryover"] == D("347.32")


def test_hangzhou_three_public_and_income_by_unit(zj):
    # p.34 表7: 合计 413.68 | (出国 blank) | 339.68 | 151.68 | 188.00 | 74.00, then seven units
    item = zj("hangzhou")
    got = {r["category"]: r["amount_wan"] for r in _rows(item, "three_public")}
    # “三公”经费合计, the only sum, 339.68 + 74.00: the table's total
    assert got == {"total": D("413.68"), "vehicles": D("339.68"), "vehicle_purchase": D("151.68"),
                   "vehicle_operation": D("188.00"), "reception": D("74.00")}
    # p.25 表2 收入预算总表 by unit: 合计 99,230.46 = 杭州市司法局 (the department) = Σ 7 units
    # (12,586.47 + 18,764.53 + 19,347.38 + 18,190.36 + 24,308.97 + 4,920.05 + 1,112.70); 上年结转结余 347.32
    units = _check(item, "unit_rows_sum")
    assert units.status == "passed" and units.compared >= 10
    assert not _rows(item, "budget_lines", table_kind="income")  # per-unit rows are checked, not stored
    gaps = item.frames["coverage_gaps"]
    assert not [r for r in gaps.iter_rows(named=True) if "表2" in (r["reason"] or "") or r["source_table"] == 2]


def test_hangzhou_projects(zj):
    # p.39-40 表11 项目支出绩效表: 31 projects; 杭州市北郊监狱 狱政设施建设 12,898.00; 杭州市法律援助中心 法律援助 317.82
    item = zj("hangzhou")
    projects = _rows(item, "projects")
    assert len(projects) == 31
    got = {(r["implementer"], r["project_name"]): r["cost_wan"] for r in projects}
    assert got[("杭州市北郊监狱", "狱政设施建设")] == D("12898.00")
    assert got[("杭州市法律援助中心", "法律援助")] == D("317.82")
    assert got[("杭州市司法局", "法治杭州建设")] == D("69.00")
    # Σ of the 31 amounts is 28,506.18; 表10 and 表3 print 28,506.17 for 项目支出 (rounding of the parts)
    assert sum(r["cost_wan"] for r in projects) == D("28506.18")


def test_hangzhou_name_only_tables_give_their_class_rows_by_name(zj):
    # p.26 表3: 公共安全支出 76,468.81 | 48,594.69 | 12,236.14 | 15,637.98 (总计 | 人员支出 | 日常公用支出 | 项目支出)
    item = zj("hangzhou")
    assert _lines(item, "expenditure", "204") == {
        "total": D("76468.81"), "personnel": D("48594.69"), "public_operating": D("12236.14"),
        "project": D("15637.98")}
    # p.30 表5: 公共安全支出 69,081.15 | 60,830.83 | 48,594.69 | 12,236.14 | 8,250.32; 社会保障和就业支出 7,458.52
    assert _lines(item, "general_public_expenditure", "204") == {
        "total": D("69081.15"), "basic": D("60830.83"), "personnel": D("48594.69"), "public_operating": D("12236.14"),
        "project": D("8250.32")}
    assert _lines(item, "general_public_expenditure", "208")["total"] == D("7458.52")
    # p.32 表6 (economic): 工资福利支出 55,121.30; 对个人和家庭的补助 3,900.08 | 3,365.06 | 535.03
    assert _lines(item, "basic_expenditure", "301")["total"] == D("55121.30")
    assert _lines(item, "basic_expenditure", "303") == {
        "total": D("3900.08"), "personnel": D("3365.06"), "public_operating": D("535.03")}


def test_hangzhou_kuan_and_xiang_take_their_codes_by_name_under_their_parent(zj):
    # 表3 p.26: the same name 行政运行 under three 款, each its own code (2040601 / 2040701 / 2040801):
    #   司法 12,251.39 | 7,000.77 | 1,553.03 | 3,697.59;  行政运行 8,553.80 | 7,000.77 | 1,553.03
    #   监狱: 行政运行 48,375.27 | 38,589.84 | 9,785.43;  强制隔离戒毒 (p.27): 行政运行 3,901.76 | 3,004.08 | 897.68
    item = zj("hangzhou")
    assert _lines(item, "expenditure", "20406") == {
        "total": D("12251.39"), "personnel": D("7000.77"), "public_operating": D("1553.03"), "project": D("3697.59")}
    assert _lines(item, "expenditure", "2040601") == {
        "total": D("8553.80"), "personnel": D("7000.77"), "public_operating": D("1553.03")}
    assert _lines(item, "expenditure", "2040701") == {
        "total": D("48375.27"), "personnel": D("38589.84"), "public_operating": D("9785.43")}
    assert _lines(item, "expenditure", "2040801") == {
        "total": D("3901.76"), "personnel": D("3004.08"), "public_operating": D("897.68")}
    # p.27, the first row after the page break, under 监狱 from p.26: 信息化建设 115.00 | 115.00 (项目)
    assert _lines(item, "expenditure", "2040707") == {"total": D("115.00"), "project": D("115.00")}
    # p.26: 其他一般公共服务支出 printed twice, the 款 (20199) and its 项 (2019999), 12,868.00 each
    assert _lines(item, "expenditure", "20199")["total"] == _lines(item, "expenditure", "2019999")["total"] == D(
        "12868.00")
    # p.27: 行政单位离退休 1,307.07 | 1,305.27 | 1.80 (under 行政事业单位养老支出)
    assert _lines(item, "expenditure", "2080501") == {
        "total": D("1307.07"), "personnel": D("1305.27"), "public_operating": D("1.80")}
    # the 类 total 公共安全支出 76,468.81 is its three 款: 12,251.39 + 59,935.35 + 4,282.07
    kuan = [r for r in _rows(item, "budget_lines", table_kind="expenditure", measure="total")
            if r["subject_code"] and len(r["subject_code"]) == 5 and r["subject_code"].startswith("204")]
    assert sorted(r["amount_wan"] for r in kuan) == [D("4282.07"), D("12251.39"), D("59935.35")]
    assert sum(r["amount_wan"] for r in kuan) == D("76468.81")
    # 表5 p.30: 监狱 53,706.39 | 48,375.27 | 38,589.84 | 9,785.43 | 5,331.12; 其他司法支出 669.61 (项目)
    assert _lines(item, "general_public_expenditure", "20407") == {
        "total": D("53706.39"), "basic": D("48375.27"), "personnel": D("38589.84"), "public_operating": D("9785.43"),
        "project": D("5331.12")}
    assert _lines(item, "general_public_expenditure", "2040699") == {"total": D("669.61"), "project": D("669.61")}
    # p.31, after the break: 机关事业单位基本养老保险缴费支出 4,100.96 | 4,100.96 | 4,100.96
    assert _lines(item, "general_public_expenditure", "2080505") == {
        "total": D("4100.96"), "basic": D("4100.96"), "personnel": D("4100.96")}
    # 表6 p.32 (economic): 维修(护)费 570.68 (日常公用); 其他对个人和家庭的补助 2,560.50 | 2,025.47 | 535.03;
    # p.33: 奖励金 1.44; 办公设备购置 260.35
    assert _lines(item, "basic_expenditure", "30213") == {"total": D("570.68"), "public_operating": D("570.68")}
    assert _lines(item, "basic_expenditure", "30399") == {
        "total": D("2560.50"), "personnel": D("2025.47"), "public_operating": D("535.03")}
    assert _lines(item, "basic_expenditure", "30309") == {"total": D("1.44"), "personnel": D("1.44")}
    assert _lines(item, "basic_expenditure", "31002")["total"] == D("260.35")
    # every subject row of the three tables is a coded line now: 表3 prints 40 (5 under 201, 27 under 204, 5 under 208,
    # 3 under 210), 表5 the same but 信息化建设 (39), 表6 43 (12 under 301, 21 under 302, 8 under 303, 2 under 310)
    printed = {}
    for r in _rows(item, "budget_lines"):
        assert r["subject_code"], r
        printed.setdefault(r["table_kind"], set()).add((r["source_table"], r["source_row"]))
    assert {k: len(v) for k, v in printed.items()} == {
        "expenditure": 40, "general_public_expenditure": 39, "basic_expenditure": 43}
    # each table says which codes were looked up by name, and where
    said = [f for f in item.findings if "by exact name" in f.message]
    assert [f.location for f in said] == ["table 3", "table 7", "table 9"]
    assert "40 rows took their code" in said[0].message and "公共安全支出" not in said[0].message  # 3 examples
    assert "行政运行 → 2040701" in said[0].actual and "table 4 row 0: 信息化建设 → 2040707" in said[0].actual
    # the publisher's rounding (p.24 注: 明细数加计之和与合计数有尾差 … 四舍五入造成): 司法's ten 项 on p.26 add up to
    # 12,251.40 (8,553.80 + 214.07 + 200.80 + 119.63 + 25.00 + 368.86 + 340.72 + 17.00 + 745.51 + 1,666.01), the 款
    # prints 12,251.39 — within rounding, not a finding
    xiang = [r["amount_wan"] for r in _rows(item, "budget_lines", table_kind="expenditure", measure="total")
             if r["subject_code"].startswith("20406") and len(r["subject_code"]) == 7]
    assert len(xiang) == 10 and sum(xiang) == D("12251.40")
    # 合计 = Σ 类, 类 = Σ 款, 款 = Σ 项 on all three tables (within the publisher's rounding)
    assert not [f for f in item.findings if f.check in ("hierarchy_sum", "measures_sum")]
    held = [r for r in item.checks if r.check == "hierarchy_sum" and r.table_kind in (
        "expenditure", "general_public_expenditure", "basic_expenditure")]
    assert all(r.status == "passed" and r.compared >= 10 and r.within_rounding >= 1 for r in held) and len(held) == 3


def test_hangzhou_coverage_and_what_is_left_out(zj):
    item = zj("hangzhou")
    # 470 amounts printed in its recognised budget tables: 表1–表7 on pp.23–34 print 45, 3, 41, 58, 40, 44, 2, 97, 15,
    # 82, 9 and 34 (counted on the page text, wrapped cells such as 21,118.5|1 joined); all read
    assert sum(item.frames["coverage"]["printed"].to_list()) == 470
    assert _coverage(item) == D("100.0")
    assert item.frames["coverage_gaps"].height == 0
    # 表10 项目支出预算表 and 表11 项目支出绩效表 are not read as income / expenditure tables
    kinds = {t.title: t.kind for t in item.filing.tables}
    assert kinds["表10：2026年市级部门项目支出预算表"] == "project_expenditure"
    assert kinds["表11：2026年市级部门项目支出绩效表"] == "performance_target"


# --- 长沙 (split 类|款|项 codes, 人员类, 其中:经费拨款) -----------------------------------------------------------

def test_changsha_income_by_function_with_of_which_column(zj):
    # p.14 收入总体情况表: 204 02 02 一般行政管理事务 36,490.02 | 36,490.02 | 其中:经费拨款 18,228.51
    item = zj("changsha")
    assert _lines(item, "income", "2040202") == {
        "total": D("36490.02"), "fiscal_appropriation": D("36490.02"), "fiscal_appropriation_funding": D("18228.51")}
    assert _lines(item, "income", "20402")["fiscal_appropriation_funding"] == D("50367.61")  # 02 公安
    assert _lines(item, "income", "2011199")["total"] == D("3.00")  # 201 11 99 其他纪检监察事务支出


def test_changsha_basic_expenditure_personnel_column_is_renyuanlei(zj):
    # p.19-20 基本支出情况表 (总计 | 人员类 | 公用经费): 301 工资福利支出 24,454.16 | 24,454.16;
    # 30299 其他商品和服务支出 799.69 | 83.47 | 716.22
    item = zj("changsha")
    assert _lines(item, "basic_expenditure", "301") == {"total": D("24454.16"), "personnel": D("24454.16")}
    assert _lines(item, "basic_expenditure", "30299") == {
        "total": D("799.69"), "personnel": D("83.47"), "public_operating": D("716.22")}
    # 总计 = 人员类 + 公用经费 holds on every row now that 人员类 is read (it failed on 22 rows before)
    assert not [f for f in item.findings if f.check == "measures_sum" and f.table_kind == "basic_expenditure"]


def test_changsha_three_public_department_row_is_not_counted_twice(zj):
    # p.21: 合计 458.50 | 28.50 | 30.00 | 400.00 | 150.00 | 250.00, and 106_长沙市公安局 with the same figures
    item = zj("changsha")
    rows = _rows(item, "three_public")
    assert {r["category"]: r["amount_wan"] for r in rows} == {
        # 三公经费预（决）算数 / 小计, the only sum, 28.50 + 30.00 + 400.00: the table's total
        "total": D("458.50"), "reception": D("28.50"), "overseas_travel": D("30.00"), "vehicles": D("400.00"),
        "vehicle_purchase": D("150.00"), "vehicle_operation": D("250.00")}
    assert len(rows) == 6


def test_changsha_summary_and_coverage(zj):
    # p.13 收支总体情况表: 一、本级财政拨款收入 68,632.12; 一、基本支出 28,398.17; 二、项目支出 40,233.95
    item = zj("changsha")
    s = {(r["side"], r["item"]): r["amount_wan"] for r in _rows(item, "budget_summary", table_kind="summary")}
    assert s[("income", "fiscal_appropriation")] == D("68632.12")
    assert s[("expense", "basic")] == D("28398.17")
    assert s[("expense", "project")] == D("40233.95")
    assert _coverage(item) == D("100.0")
    # the ruled narrative pages are not budget tables: exactly the eight tables the filing titles are counted
    counted = {r["title"] for r in item.frames["coverage"].iter_rows(named=True)}
    assert counted == {"2025年部门收支总体情况表", "2025年部门收入总体情况表", "2025年部门支出总体情况表",
                       "2025年财政拨款收支总体情况表", "2025年一般公共预算支出情况表", "2025年一般公共预算基本支出情况表",
                       "2025年一般公共预算“三公”经费支出情况表", "2025年政府性基金预算支出情况表"}
