"""Cross-classified and many-table templates (北京 预算01–13表, 山东 烟台 公开表1–12, 陕西 西安 部门综合预算), read cell
by cell: figures typed by hand from the PDFs.

Every expected figure below was typed from the PDF's page text (pypdfium2 ``get_text_range``), not from yusuan's
output; the page is named beside each.  Each PDF is read once per session (``processed``).

What these templates print beyond the seed's layout:

- 北京 预算03表 支出总表 crosses three classifications on one row (支出功能分类 × 政府支出经济分类 × 部门支出经济分类),
  预算06表 two (政府 × 部门经济分类): a line keeps the row's subject and its other codes (``cross_code``).
- 北京 预算05表 prints the department's rows, then each unit's, one run after another without naming the unit
  (``section`` 1, 2, …).
- 烟台 公开表6 crosses 部门经济分类 (类 款) with 政府经济分类 (类 款); 公开表7 prints 2025年预算数 beside 2026年预算数.
- 西安 prints each unit's row (125001 西安市安全生产监督管理局 …) with its subtotal, then that unit's subjects.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.real.real_samples import REAL, processed_real, rows

FILES = {
    "bj": REAL / "北京市" / "北京市本级" / "beijing_shiji_sifaju_2026_budget_tables.pdf",
    "yantai": REAL / "山东省" / "烟台市" / "shandong_yantai_caizhengju_2026_budget.pdf",
    "xian_ajj": REAL / "陕西省" / "西安市" / "shaanxi_xian_anjianju_2019_budget_tables.pdf",
    "xian_xfj": REAL / "陕西省" / "西安市" / "shaanxi_xian_xinfangju_2026_budget.pdf",
}
pytestmark = pytest.mark.real

D = Decimal


@pytest.fixture(scope="session")
def processed():
    return lambda name: processed_real(FILES[name])


def _lines(item, **where) -> list[dict]:
    return rows(item, "budget_lines", **where)


def _one(item, **where) -> D:
    rows = _lines(item, **where)
    assert len(rows) == 1, (where, rows)
    return rows[0]["amount_wan"]


def _coverage(item) -> D:
    cov = item.frames["coverage"]
    printed, read = sum(cov["printed"].to_list()), sum(cov["read"].to_list())
    assert printed > 0
    return D(100) * read / printed


# --- 北京 (预算01表 …, 6 decimals, cross-classified) --------------------------------------------------------------

def test_beijing_expenditure_crosses_function_and_both_economic_classifications(processed):
    item = processed("bj")
    exp = dict(table_kind="expenditure", measure="total")
    # p.4 预算03表: 2040601-行政运行 50101-工资奖金津补贴 30101-基本工资 2,164.528800 2,164.528800
    assert _one(item, subject_code="2040601", cross_code="50101|30101", **exp) == D("2164.528800")
    assert _one(item, subject_code="2040601", cross_code="50101|30101", table_kind="expenditure",
                measure="basic") == D("2164.528800")
    # p.4: 2040601-行政运行 50101-工资奖金津补贴 30103-奖金 2,597.963100
    assert _one(item, subject_code="2040601", cross_code="50101|30103", **exp) == D("2597.963100")
    [row] = _lines(item, subject_code="2040601", cross_code="50101|30103", **exp)
    assert row["subject_name"] == "行政运行" and row["cross_name"] == "工资奖金津补贴|奖金"
    # p.8: 2299999-其他支出 59999-其他支出 39999-其他支出 197.249000 (项目支出 197.249000)
    assert _one(item, subject_code="2299999", cross_code="59999|39999", table_kind="expenditure",
                measure="project") == D("197.249000")
    # p.8: 合 计 29,956.265460 19,170.497196 10,785.768264 — every crossed row read: the lines add up to it
    total = sum(r["amount_wan"] for r in _lines(item, **exp))
    assert total == D("29956.265460")
    assert sum(r["amount_wan"] for r in _lines(item, table_kind="expenditure", measure="basic")) == D("19170.497196")
    assert sum(r["amount_wan"] for r in _lines(item, table_kind="expenditure", measure="project")) == D(
        "10785.768264")


def test_beijing_general_public_expenditure_prints_each_unit_as_a_section(processed):
    item = processed("bj")
    gp = dict(table_kind="general_public_expenditure", measure="total", subject_code="2040650")
    # p.12 预算05表: 2040650 事业运行 1,304.738115 | … 541.415043 | … 383.809407 (three units' runs, no unit named)
    got = {r["section"]: r["amount_wan"] for r in _lines(item, **gp)}
    assert sorted(got.values()) == [D("383.809407"), D("541.415043"), D("1304.738115")]
    assert all(s and s > 1 for s in got)  # not in the department's own (first) run
    # p.11: the first run's 2299999 其他支出 197.249000; p.12: 2101103 公务员医疗补助 18.556260 then 11.349252
    assert _one(item, table_kind="general_public_expenditure", measure="total", subject_code="2299999") == D(
        "197.249000")
    assert sorted(r["amount_wan"] for r in _lines(item, table_kind="general_public_expenditure", measure="total",
                                                   subject_code="2101103")) == [D("11.349252"), D("18.556260")]
    # p.12: 合 计 29,844.198694 19,108.430430 17,458.125556 1,650.304874 10,735.768264
    for measure, printed in (("total", "29844.198694"), ("basic", "19108.430430"), ("personnel", "17458.125556"),
                             ("public_operating", "1650.304874"), ("project", "10735.768264")):
        lines = _lines(item, table_kind="general_public_expenditure", measure=measure)
        assert sum(r["amount_wan"] for r in lines) == D(printed), measure


def test_beijing_basic_expenditure_by_government_and_department_economic_class(processed):
    item = processed("bj")
    basic = dict(table_kind="basic_expenditure", classification="economic")
    # p.13 预算06表: 50101-工资奖金津补贴 30102-津贴补贴 4,924.771872 4,924.771872
    assert _one(item, subject_code="50101", cross_code="30102", measure="personnel", **basic) == D("4924.771872")
    # p.13: 50201-办公经费 3021101-差旅费 72.860000 (公用经费) — a 7-digit department economic code
    assert _one(item, subject_code="50201", cross_code="3021101", measure="public_operating", **basic) == D(
        "72.860000")
    # p.15: 50999-其他对个人和家庭的补助 30399-其他对个人和家庭的补助 777.300000
    assert _one(item, subject_code="50999", cross_code="30399", measure="total", **basic) == D("777.300000")
    # p.15: 合 计 19,108.430430 17,458.125556 1,650.304874
    for measure, printed in (("total", "19108.430430"), ("personnel", "17458.125556"),
                             ("public_operating", "1650.304874")):
        assert sum(r["amount_wan"] for r in _lines(item, measure=measure, **basic)) == D(printed), measure


def test_beijing_three_public_and_income_by_fund(processed):
    item = processed("bj")
    # p.18 预算09表: 102.109787 48.237000 2.813064 51.059723 15.420000 35.639723
    got = {r["category"]: r["amount_wan"] for r in item.frames["three_public"].iter_rows(named=True)}
    # “三公”经费财政拨款预算总额, the table's only sum, = 出国 + 接待 + 用车: its total
    assert got["total"] == D("102.109787") and got["vehicle_purchase"] == D("15.420000")
    assert got["total"] == got["overseas_travel"] + got["reception"] + got["vehicles"] and "subtotal" not in got
    # p.18 is the 三公 table, p.47 预算13表 部门整体支出绩效目标表 (its 预算支出总额 23,083.340436) is not a spending table
    assert not _lines(item, table_kind="general_public_expenditure", amount_wan=D("23083.340436"))


def _indicators(item, code: str) -> set[tuple[str, str, str, str]]:
    [project] = rows(item, "projects", project_code=code)
    return {(r["indicator_level1"], r["indicator_level2"], r["indicator_level3"], r["target_value"])
            for r in rows(item, "performance_indicators", project_seq=project["project_seq"])}


def test_beijing_project_forms_pages_after_text_wrapped_over_the_break(processed):
    item = processed("bj")
    # 预算12表 项目支出绩效目标表 runs p.24–46, one project's merged name / amount / objective cells over each page
    # break: on p.27 they are ruled without a top edge (the objective text p.26 draws past its foot, "室，做好立法后 /
    # 评估相关工作，…", is clipped away there).  The part still goes on with the form, and so do the pages after it.
    # p.27: 11000022T000000444951-政府法治研究和法规规章汇编译审 95.949000 95.949000 … 产出指标 质量指标 印刷合格率 ≥ 95 %
    [p27] = rows(item, "projects", project_code="11000022T000000444951")
    assert p27["project_name"] == "政府法治研究和法规规章汇编译审" and p27["total_funds_wan"] == D("95.949000")
    assert ("产出指标", "质量指标", "印刷合格率", "≥95%") in _indicators(item, "11000022T000000444951")
    # p.30: 11000022T000000450611-矫正帮教业务工作 15.000000 15.000000 … 产出指标 质量指标 宣传品验收合格率 ＝ 100 %
    # … 成本指标 经济成本指标 印发宣传制品成本 ≤ 13 万元
    [p30] = rows(item, "projects", project_code="11000022T000000450611")
    assert p30["project_name"] == "矫正帮教业务工作" and p30["total_funds_wan"] == D("15.000000")
    assert p30["cost_wan"] == D("13") and p30["cost_basis"] == "cost_indicator"
    got = _indicators(item, "11000022T000000450611")
    assert ("产出指标", "质量指标", "宣传品验收合格率", "＝100%") in got
    assert ("成本指标", "经济成本指标", "印发宣传制品成本", "≤13万元") in got
    # p.44: 11000025T000003349983-司法行政网络安全体系建设项目 84.141952 84.141952 … 成本指标 经济成本指标 安全测评费
    # ≤ 5 万元 … 效益指标 可持续影响指标 系统正常使用年限 ≥ 5 年 … (9 indicators on the page)
    [p44] = rows(item, "projects", project_code="11000025T000003349983")
    assert p44["project_name"] == "司法行政网络安全体系建设项目" and p44["total_funds_wan"] == D("84.141952")
    assert p44["cost_wan"] == D("5")
    got = _indicators(item, "11000025T000003349983")
    assert ("成本指标", "经济成本指标", "安全测评费", "≤5万元") in got
    assert ("效益指标", "可持续影响指标", "系统正常使用年限", "≥5年") in got
    assert len(got) == 9
    # p.45 opens the next project, its cells open at the foot: its rows are its own, not p.44's
    # (11000025T000003567866 … 327.340000 327.340000 … 产出指标 时效指标 按阶段完成及时率 ＝ 100 %)
    [p45] = rows(item, "projects", project_code="11000025T000003567866")
    assert p45["total_funds_wan"] == D("327.340000")
    assert ("产出指标", "时效指标", "按阶段完成及时率", "＝100%") in _indicators(item, "11000025T000003567866")
    # p.24–46 print 30 project codes, each a project; none is left without its code
    assert len(rows(item, "projects")) == 30
    assert not [p for p in rows(item, "projects") if not p["project_code"]]
    recognised = {f.location for f in item.findings if f.check == "table_recognised"}
    assert recognised == {"table 19"}  # 19: 预算11表 政府购买服务明细表, kept unread


def test_beijing_project_cells_cut_by_a_page_break_and_the_text_their_clip_hides(processed):
    item = processed("bj")
    # The exporter draws a merged cell's whole text and clips it to the cell: on p.45 the objective's last lines
    # lie past the table's foot (and past the page's), on p.46 the first ones above the part (and above the page),
    # and the name cell's "11000025T0000035 67866-北京市公共" again above p.46's part.  A viewer shows none of it.
    # p.45: 11000025T0000035 / 67866-北京市公共 | 327.340000 | 327.340000 | … 之间的有机衔
    # p.46: 法律网络平台升级 / 改造项目 | (empty) | (empty) | 接，推动构建大调解工作格局；… and three indicators:
    #   成本指标 经济成本指标 软件采购成本 ≤ 19.5 万元 | 成本指标 经济成本指标 软件开发成本 ≤ 502.5 万元 |
    #   满意度指标 服务对象满意度指标 使用人员满意度 ≥ 90 %
    [p] = rows(item, "projects", project_code="11000025T000003567866")
    assert p["project_name"] == "北京市公共法律网络平台升级改造项目"
    assert p["total_funds_wan"] == D("327.340000")
    assert "之间的有机衔接，推动构建大调解工作格局" in p["objective"]
    assert p["objective"].startswith("加强法律服务信息化") and p["objective"].endswith("全市法律服务能力和水平。")
    assert p["objective"].count("加强法律服务信息化") == 1
    got = _indicators(item, "11000025T000003567866")
    assert {("成本指标", "经济成本指标", "软件采购成本", "≤19.5万元"), ("成本指标", "经济成本指标", "软件开发成本", "≤502.5万元"),
            ("满意度指标", "服务对象满意度指标", "使用人员满意度", "≥90%")} <= got
    assert len(got) == 6
    # p.26's foot: a row whose project cells are new and empty — 效益指标 社会效益指标 法治政府建设宣传覆盖单位范围 ≥ 800 家
    # — belongs to the project drawn on p.27 (11000022T000000444951-政府法治研究和法规规章汇编译审 95.949000), not to
    # 11000022T000000444222-法援业务保障 above it (p.26: 3 indicators, the last 保障法律援助工作时长 ＝ 1 年)
    wide = ("效益指标", "社会效益指标", "法治政府建设宣传覆盖单位范围", "≥800家")
    assert wide in _indicators(item, "11000022T000000444951")
    assert len(_indicators(item, "11000022T000000444951")) == 7
    legal_aid = _indicators(item, "11000022T000000444222")
    assert wide not in legal_aid and len(legal_aid) == 3


def test_beijing_coverage(processed):
    assert _coverage(processed("bj")) >= 98


# --- 山东 烟台 (公开表1 …, split 类 款 项, 部门经济 × 政府经济) -------------------------------------------------------

def test_yantai_general_public_expenditure_by_function(processed):
    item = processed("yantai")
    gp = dict(table_kind="general_public_expenditure")
    # p.17 公开表5: 01 行政运行 2,990.74 2,990.74 2,506.26 484.47 (under 201 06)
    assert _one(item, subject_code="2010601", measure="total", **gp) == D("2990.74")
    assert _one(item, subject_code="2010601", measure="personnel", **gp) == D("2506.26")
    assert _one(item, subject_code="2010601", measure="public_operating", **gp) == D("484.47")
    # p.17: 201 一般公共服务支出 7,231.78 4,200.21 3,549.18 651.04 3,031.57
    assert _one(item, subject_code="201", measure="project", **gp) == D("3031.57")
    # p.18: 03 公务员医疗补助 84.50 (210 11 03)
    assert _one(item, subject_code="2101103", measure="total", **gp) == D("84.50")
    # p.17: 合 计 9,069.47 — the classes add up to it
    classes = _lines(item, measure="total", subject_level=1, **gp)
    assert sum(r["amount_wan"] for r in classes) == D("9069.47")


def test_yantai_basic_expenditure_crosses_department_and_government_economic_class(processed):
    item = processed("yantai")
    basic = dict(table_kind="basic_expenditure", measure="personnel")
    # p.19 公开表6: 301 01 基本工资 501 01 工资奖金津补贴 830.34 | 301 01 基本工资 505 01 工资福利支出 349.22
    assert _one(item, subject_code="30101", cross_code="50101", **basic) == D("830.34")
    assert _one(item, subject_code="30101", cross_code="50501", **basic) == D("349.22")
    # p.19: 301 工资福利支出 501 机关工资福利支出 3,479.46 | 301 … 505 对事业单位经常性补助 1,423.81
    assert _one(item, subject_code="301", cross_code="501", **basic) == D("3479.46")
    assert _one(item, subject_code="301", cross_code="505", **basic) == D("1423.81")
    # p.20: 302 商品和服务支出 502 机关商品和服务支出 491.04 (日常公用支出)
    assert _one(item, subject_code="302", cross_code="502", table_kind="basic_expenditure",
                measure="public_operating") == D("491.04")
    # p.19: 合计 6,012.90 5,355.29 657.61; its 类 rows 3,479.46 + 1,423.81 + 452.03 (p.20) = 5,355.30: the
    # publisher rounds each line, so the printed total is a cent off their sum (within rounding, not a defect)
    top = sorted(r["amount_wan"] for r in _lines(item, **basic) if r["subject_level"] == 1)
    assert top == [D("452.03"), D("1423.81"), D("3479.46")]
    assert abs(sum(top) - D("5355.29")) <= D("0.01")


def test_yantai_three_public_keeps_last_years_budget_apart(processed):
    item = processed("yantai")
    rows = list(item.frames["three_public"].iter_rows(named=True))
    # p.21 公开表7, 2026年预算数: 23.40 13.00 5.40 (blank) 5.40 5.00 — the filing's own figures
    assert {r["category"]: r["amount_wan"] for r in rows if r["basis"] == "budget"} == {
        "total": D("23.40"), "overseas_travel": D("13.00"), "vehicles": D("5.40"), "vehicle_operation": D("5.40"),
        "reception": D("5.00")}
    # p.21, 2025年预算数 printed beside them: 10.40 (blank) 5.40 (blank) 5.40 5.00 — the year before's budget, a
    # basis of its own (not a 2026 figure)
    assert {r["category"]: r["amount_wan"] for r in rows if r["basis"] == "prior_year_budget"} == {
        "total": D("10.40"), "vehicles": D("5.40"), "vehicle_operation": D("5.40"), "reception": D("5.00")}
    assert {r["basis"] for r in rows} == {"budget", "prior_year_budget"}


def test_yantai_coverage(processed):
    assert _coverage(processed("yantai")) >= 98


# --- 陕西 西安 部门综合预算 (each unit's row, then its subjects; 部门经济 × 政府经济) ---------------------------------------

def test_xian_anjianju_function_table_by_unit(processed):
    item = processed("xian_ajj")
    gp = dict(table_kind="general_public_expenditure", measure="total")
    # p.7 表5: 125001 西安市安全生产监督管理局 … 2240101 行政运行 853.04 786.21 66.83
    [row] = _lines(item, subject_code="2240101", **gp)
    assert row["amount_wan"] == D("853.04") and row["section_name"] == "西安市安全生产监督管理局"
    # p.7–8: 2240106 安全监管 1,008.45 (监督管理局) | 413.58 (宣传教育中心) | 747.66 (执法监察支队) …
    by_unit = {r["section_name"]: r["amount_wan"] for r in _lines(item, subject_code="2240106", **gp)}
    assert by_unit["西安市安全生产监督管理局"] == D("1008.45")
    assert by_unit["西安市安全生产宣传教育中心"] == D("413.58")
    # p.7: 208 社会保障和就业支出 115.11 83.06 32.05 (监督管理局's 类 line)
    assert _one(item, subject_code="208", section_name="西安市安全生产监督管理局", **gp) == D("115.11")
    # p.7: 合计 3,643.37 — the units' 类 lines add up to it
    assert sum(r["amount_wan"] for r in _lines(item, subject_level=1, classification="function", **gp)) == D("3643.37")


def test_xian_anjianju_economic_table_crosses_department_and_government_class(processed):
    item = processed("xian_ajj")
    # 表6 (按支出经济分类科目): 30101 基本工资 50101 工资奖金津补贴 237.03 (监督管理局)
    rows = [r for r in _lines(item, subject_code="30101", cross_code="50101", measure="total")
            if r["section_name"] == "西安市安全生产监督管理局"]
    assert [r["amount_wan"] for r in rows][:1] == [D("237.03")]
    # 宣传教育中心's 30101 基本工资 is crossed with 50501 工资福利支出: 68.47
    rows = [r for r in _lines(item, subject_code="30101", cross_code="50501", measure="total")
            if r["section_name"] == "西安市安全生产宣传教育中心"]
    assert [r["amount_wan"] for r in rows][:1] == [D("68.47")]


def _three_public(item, basis: str, unit: str = "amount_wan") -> dict:
    return {r["category"]: r[unit] for r in item.frames["three_public"].iter_rows(named=True)
            if r["basis"] == basis and r["fund_source"] == "total"}


def test_xian_anjianju_three_public_is_this_years_total_row(processed):
    item = processed("xian_ajj")
    # p.32 表13, 合计 row, 2019年: 83.74 28.38 4.38 24.00 24.00 19.06 36.30 (2018年 and 增减变化 beside it)
    assert _three_public(item, "budget") == {
        "total": D("83.74"), "subtotal": D("28.38"), "reception": D("4.38"), "vehicles": D("24.00"),
        "vehicle_operation": D("24.00"), "meeting": D("19.06"), "training": D("36.30")}
    # no 绩效 project named after a page-break fragment ('目标')
    assert "目标" not in item.frames["projects"]["project_name"].to_list()


def test_xian_anjianju_three_public_2018_and_change_columns(processed):
    item = processed("xian_ajj")
    # p.32 表13, 合计 row: 2018年 24.08 2.86 2.86 21.22 21.22 4.32 29.79 | 增减变化情况 59.66 25.52 1.52 2.78 2.78 14.74
    # 6.51 (合计 | 小计 | 接待 | 用车小计 | 运行维护 | 会议费 | 培训费; 出国 and 购置 blank)
    assert _three_public(item, "prior_year_budget") == {
        "total": D("24.08"), "subtotal": D("2.86"), "reception": D("2.86"), "vehicles": D("21.22"),
        "vehicle_operation": D("21.22"), "meeting": D("4.32"), "training": D("29.79")}
    assert _three_public(item, "change_on_prior_year") == {
        "total": D("59.66"), "subtotal": D("25.52"), "reception": D("1.52"), "vehicles": D("2.78"),
        "vehicle_operation": D("2.78"), "meeting": D("14.74"), "training": D("6.51")}
    # 7 facts per basis from the 合计 row; the 125 / 125001… unit rows are checked against it, not stored
    assert item.frames["three_public"].height == 21
    # the publisher's 2018 figures do not add up (合计 24.08 against 小计 2.86 + 会议费 4.32 + 培训费 29.79 = 36.97;
    # 小计 2.86 against 接待 2.86 + 用车 21.22): reported under their basis, the 2019 columns add up
    three = [f.message for r in item.checks if r.check == "three_public_sum" for f in r.findings]
    assert any("prior_year_budget" in m and "24.08" in m for m in three)
    assert not [m for m in three if "prior_year_budget" not in m and "change_on_prior_year" not in m]


def _summary(item, kind: str, side: str, unit: str = "amount_wan") -> dict:
    return {(r["item"], r["subject_code"], r["measure"]): r[unit]
            for r in rows(item, "budget_summary", table_kind=kind, side=side)}


def test_xian_xinfangju_summary_expense_by_economic_class_beside_the_function_classes(processed):
    item = processed("xian_xfj")
    # p.19 表1 部门综合预算收支总表 (单位：元), 部门预算支出经济分类科目（按大类）: 1、人员经费和公用经费支出 19,328,114.71,
    # (1)工资福利支出 17,103,265.51, (2)商品和服务支出 1,753,379.20, (3)对个人和家庭的补助 415,970.00, (4)资本性支出
    # 55,500.00; 2、专项业务经费支出 9,056,120.00, (2)商品和服务支出 8,166,120.00, (3)对个人和家庭补助 850,000.00,
    # (6)资本性支出 40,000.00
    ex = _summary(item, "summary", "expense", "amount_yuan")
    assert ex[("basic", None, "amount")] == D("19328114.71")
    assert ex[("economic_class", "301", "basic")] == D("17103265.51")
    assert ex[("economic_class", "302", "basic")] == D("1753379.20")
    assert ex[("economic_class", "303", "basic")] == D("415970.00")
    assert ex[("economic_class", "310", "basic")] == D("55500.00")
    assert ex[("project", None, "amount")] == D("9056120.00")
    assert ex[("economic_class", "302", "project")] == D("8166120.00")
    assert ex[("economic_class", "303", "project")] == D("850000.00")
    assert ex[("economic_class", "310", "project")] == D("40000.00")
    # 政府预算支出经济分类科目（按大类）: 1、机关工资福利支出 17,103,265.51, 2、机关商品和服务支出 9,919,499.20,
    # 3、机关资本性支出 95,500.00, 9、对个人和家庭的补助 1,265,970.00
    gov = {k[1]: v for k, v in ex.items() if k[0] == "gov_economic_class"}
    assert gov == {"501": D("17103265.51"), "502": D("9919499.20"), "503": D("95500.00"), "509": D("1265970.00")}
    # 一、部门预算 28,384,234.71 heads the function classes (and every column); 1、一般公共服务支出 22,669,300.94
    assert ex[("department_budget", None, "amount")] == D("28384234.71")
    assert ex[("function_class", "201", "amount")] == D("22669300.94")
    # income: 一、部门预算 28,384,234.71; 其中：专项资金列入部门预算的项目 550,000.00
    inc = _summary(item, "summary", "income", "amount_yuan")
    assert inc[("department_budget", None, "amount")] == D("28384234.71")
    assert inc[("of_which_special_funds", None, "amount")] == D("550000.00")
    # p.22 表4 财政拨款收支总表: 一、财政拨款 28,384,234.71 over the function classes; 9、对个人和家庭的补助 1,265,970.00
    fs = _summary(item, "fiscal_summary", "expense", "amount_yuan")
    assert fs[("fiscal_appropriation", None, "total")] == D("28384234.71")
    assert fs[("gov_economic_class", "509", "total")] == D("1265970.00")
    assert fs[("economic_class", "302", "project")] == D("8166120.00")
    # the classes add up to their uses and to 本年支出合计; 本年支出合计 and 支出总计, printed under each of the three
    # expense columns, are checked equal (not stored three times)
    sums = [r for r in item.checks if r.check == "summary_sums"]
    assert sums and all(r.status == "passed" for r in sums), [f.message for r in sums for f in r.findings]
    assert sum(r.compared for r in sums) >= 16
    assert [r["item"] for r in rows(item, "budget_summary", table_kind="summary", side="expense")].count(
        "current_year_total") == 1


def test_xian_anjianju_summary_income_lines_and_labels_cut_at_the_column_edge(processed):
    item = processed("xian_ajj")
    # p.3 表1 (单位：万元): 上年实户资金余额 40.93; 上年结转 11.61, 其中：财政拨款资金结转 11.61; 收入总计 3,695.91
    inc = _summary(item, "summary", "income")
    assert inc[("prior_year_own_account_balance", None, "amount")] == D("40.93")
    assert inc[("prior_year_carryover", None, "amount")] == D("11.61")
    assert inc[("prior_year_carryover_fiscal", None, "amount")] == D("11.61")
    assert inc[("grand_total", None, "amount")] == D("3695.91")
    # the economic columns print labels cut at the column's edge, their last characters beside the amount
    # ("1、人员经费和公用经费支" | "出 2,022.39"; "5、对事业单位经常性补" | "助 730.29"): read whole
    ex = _summary(item, "summary", "expense")
    assert ex[("basic", None, "amount")] == D("2022.39")
    assert ex[("economic_class", "301", "basic")] == D("1834.69")
    assert ex[("economic_class", "303", "basic")] == D("4.82")
    assert ex[("economic_class", "302", "project")] == D("1516.67")
    gov = {k[1]: v for k, v in ex.items() if k[0] == "gov_economic_class"}
    assert gov == {"501": D("1470.72"), "502": D("1333.23"), "503": D("104.31"), "505": D("730.29"),
                   "509": D("4.82")}
    sums = [r for r in item.checks if r.check == "summary_sums"]
    assert sums and all(r.status == "passed" for r in sums), [f.message for r in sums for f in r.findings]


def test_xian_anjianju_expenditure_by_unit_and_fund_source_is_expenditure(processed):
    item = processed("xian_ajj")
    # p.5 表3 2019年部门综合预算支出总表, by unit and fund source (an income table's columns under a 支出 title):
    # 125001 西安市安全生产监督管理局 2,123.93 | 2,123.93 | 2,080.32 | 32.00 (上年实户资金余额) | 11.61 (上年结转)
    got = {r["measure"]: r["amount_wan"] for r in rows(item, "unit_lines", table_kind="expenditure")
           if r["unit_name"] == "西安市安全生产监督管理局"}
    assert got == {"total": D("2123.93"), "fiscal_appropriation": D("2080.32"),
                   "prior_year_own_account_balance": D("32.00"), "prior_year_carryover": D("11.61")}
    # its 合计 3,695.91 is the money to spend: the 收支总表's 支出总计 (本年支出合计 3,643.37 + 结转下年 52.54)
    cross = [r for r in item.checks if r.check == "cross_table"]
    assert cross and all(r.status == "passed" for r in cross), [f.message for r in cross for f in r.findings]


def test_xian_anjianju_forms_pages_and_cut_labels_are_not_findings(processed):
    item = processed("xian_ajj")
    # p.33–38 附表14 2019年部门整体支出绩效目标表: one form over six pages, each page on its own grid under the
    # vertical words of its merged cells (年 / 度 / 绩 …, 产出指标): one table, not five unrecognised ones
    [form] = [t for t in item.filing.tables if t.title == "2019年部门整体支出绩效目标表"]
    assert len(form.parts) == 6
    recognised = [f for f in item.findings if f.check == "table_recognised"]
    assert [f.actual for f in recognised] == ["表11-财拨结转支出表"]  # recognised, not modelled
    # p.2 目录 is the list of tables, no budget table; p.20 政府性基金收支总表 prints label ends in its amount column
    # ("二、文化旅游体育与传" | "媒"): neither is a finding
    assert not [f for f in item.findings if f.check == "amount_parses"]
    # what is left is the publisher's: the 2018 三公 columns do not add up (4 findings) and two 部门整体 forms
    assert len(item.findings) <= 7


def test_xian_anjianju_coverage(processed):
    # every amount read (997 of 997): the 收入总表 prints 总计 and 部门预算 / 合计 side by side (p.4: 合计 3,695.91 |
    # 3,695.91; 125001 2,123.93 | 2,123.93 …) — the second is checked like the first (Σ units = 合计), stored once
    item = processed("xian_ajj")
    assert _coverage(item) == 100 and item.frames["coverage_gaps"].height == 0
    units = [r for r in item.checks if r.check == "unit_rows_sum"]
    assert units and all(r.status == "passed" for r in units), [f.message for r in units for f in r.findings]


def test_xian_xinfangju_function_and_economic_tables_in_yuan(processed):
    item = processed("xian_xfj")
    gp = dict(table_kind="general_public_expenditure")
    # p.23 表5 (单位：元): 2014001 行政运行 13,733,180.94 12,653,513.74 1,079,667.20
    rows = _lines(item, subject_code="2014001", measure="total", **gp)
    assert [r["amount_yuan"] for r in rows] == [D("13733180.94")]
    # p.23: 201 一般公共服务支出 … 专项业务经费支出 8,936,120.00; 2210203 购房补贴 746,101.56
    assert [r["amount_yuan"] for r in _lines(item, subject_code="201", measure="project", **gp)] == [D("8936120.00")]
    assert [r["amount_yuan"] for r in _lines(item, subject_code="2210203", measure="total", **gp)] == [
        D("746101.56")]
    # p.24 表6: 30102 津贴补贴 50101 工资奖金津补贴 3,719,022.18
    rows = _lines(item, subject_code="30102", cross_code="50101", measure="total")
    assert [r["amount_yuan"] for r in rows][:1] == [D("3719022.18")]


def test_xian_xinfangju_three_public_this_year_last_year_and_change(processed):
    item = processed("xian_xfj")
    # 表13 (单位：元), 合计 row, 当年 columns: 320,800.00 | 101,000.00 | (出国 blank) | 10,000.00 | 91,000.00 |
    # (购置 blank) | 91,000.00 | (会议费 blank) | 219,800.00
    assert _three_public(item, "budget", "amount_yuan") == {
        "total": D("320800.00"), "subtotal": D("101000.00"), "reception": D("10000.00"), "vehicles": D("91000.00"),
        "vehicle_operation": D("91000.00"), "training": D("219800.00")}
    # 上年: 242,000.00 | 120,000.00 | 20,000.00 | 100,000.00 | 100,000.00 | 122,000.00 — the narrative (p.14) agrees:
    # 公务接待费1.00万元，较上年减少1.00万元; 培训费21.98万元，较上年增加9.78万元
    assert _three_public(item, "prior_year_budget", "amount_yuan") == {
        "total": D("242000.00"), "subtotal": D("120000.00"), "reception": D("20000.00"), "vehicles": D("100000.00"),
        "vehicle_operation": D("100000.00"), "training": D("122000.00")}
    # 增减变化情况: 78,800.00 | -19,000.00 | -10,000.00 | -9,000.00 | -9,000.00 | 97,800.00
    assert _three_public(item, "change_on_prior_year", "amount_yuan") == {
        "total": D("78800.00"), "subtotal": D("-19000.00"), "reception": D("-10000.00"), "vehicles": D("-9000.00"),
        "vehicle_operation": D("-9000.00"), "training": D("97800.00")}
    assert not [r for r in item.checks if r.check == "three_public_sum" and r.findings]
    assert not [f for f in item.frames["findings"].iter_rows(named=True) if f["check"] == "three_public_prior_year"]


def test_xian_economic_detail_of_all_general_public_spending_is_general_public_expenditure(processed):
    item = processed("xian_xfj")
    gp = dict(table_kind="general_public_expenditure", classification="economic")
    # p.24 表6 一般公共预算支出明细表（按支出经济分类科目）: 302 商品和服务支出 9,919,499.20 | 600,012.00 | 1,153,367.20 |
    # 8,166,120.00 (合计 | 人员经费支出 | 公用经费支出 | 专项业务经费支出) — 专项 spending, so no 基本支出表
    rows = {r["measure"]: r["amount_yuan"] for r in _lines(item, subject_code="302", **gp)}
    assert rows == {"total": D("9919499.20"), "personnel": D("600012.00"), "public_operating": D("1153367.20"),
                    "project": D("8166120.00")}
    # 30102 津贴补贴 50101 工资奖金津补贴 3,719,022.18
    assert [r["amount_yuan"] for r in _lines(item, subject_code="30102", measure="total", **gp)] == [
        D("3719022.18")]
    assert not _lines(item, table_kind="basic_expenditure", measure="project")
    # p.26 表7 基本支出明细表（按支出功能分类科目）: 201 一般公共服务支出 13,733,180.94 12,653,513.74 1,079,667.20 — by
    # function, so its classes add up on their own (not with 表8's economic classes)
    basic = {r["measure"]: r["amount_yuan"] for r in _lines(item, subject_code="201", table_kind="basic_expenditure")}
    assert basic == {"total": D("13733180.94"), "personnel": D("12653513.74"), "public_operating": D("1079667.20")}
    assert {r["classification"] for r in _lines(item, subject_code="201", table_kind="basic_expenditure")} == {
        "function"}
    for check in ("measures_sum", "hierarchy_sum"):
        failed = [r for r in item.checks if r.check == check and r.status == "failed"]
        assert not failed, [f.message for r in failed for f in r.findings][:3]


def test_xian_anjianju_general_public_checks_pass_with_three_level_economic_codes(processed):
    item = processed("xian_ajj")
    # p.10 表6: 301 工资福利支出 970.84 with 30101 237.03, 3010201 津贴补贴 317.69, 3010202 改革性补贴 34.76 … — no
    # 30102 line: the 7-digit codes count under 301
    gp = dict(table_kind="general_public_expenditure", classification="economic", measure="total")
    assert [r["amount_wan"] for r in _lines(item, subject_code="3010201", **gp)][:1] == [D("317.69")]
    for check in ("measures_sum", "hierarchy_sum"):
        failed = [r for r in item.checks if r.check == check and r.status == "failed"]
        assert not failed, [f.message for r in failed for f in r.findings][:3]


def test_xian_xinfangju_coverage(processed):
    # every amount of every recognised table read (413 of 413): 表13's 上年 and 增减变化情况 columns, the 收支总表's
    # economic-class columns and its 一、部门预算 lines included; 106 warnings before, 6 now (none about reading)
    item = processed("xian_xfj")
    assert _coverage(item) == 100 and item.frames["coverage_gaps"].height == 0
    assert len(item.findings) <= 4
    assert {f.check for f in item.findings} <= {"table_recognised", "performance_table_layout"}
    # p.14–15 培训费明细表 prints its header again on the next page: one table (kept unread), not two; p.18 报表目录
    # lists the tables
    assert [t.title for t in item.filing.tables if t.kind == "unknown"].count("培训费明细表") == 1
    assert [(t.kind, t.empty_declared) for t in item.filing.tables if t.title == "报表目录"] == [("contents", False)]
