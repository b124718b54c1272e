"""Real filings of the 江苏 city (苏州/无锡), 福建 (福州/泉州), 重庆, 西南大学 and 上海 单位预算 templates, read cell by
cell: figures typed by hand from the PDFs' page text (pdfium / pdfplumber), never from yusuan's output; the page
and table are named beside each.  Each PDF is read once per session (``processed``).
"""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from tests.real.real_samples import REAL, processed_real

FILES = {
    "suzhou": REAL / "江苏省" / "苏州市" / "jiangsu_suzhou_shenjiju_2026_budget.pdf",
    "wuxi": REAL / "江苏省" / "无锡市" / "jiangsu_wuxi_shangwuju_2026_budget.pdf",
    "chongqing": REAL / "重庆市" / "重庆市本级" / "chongqing_shiji_zfbgt_2026_budget_narrative.pdf",
    "quanzhou": REAL / "福建省" / "泉州市" / "fujian_quanzhou_zfbgs_2026_unit_budget.pdf",
    "fuzhou": REAL / "福建省" / "福州市" / "fujian_fuzhou_shangwuju_2026_budget.pdf",
    "swu_2021": REAL / "中央" / "教育部" / "chongqing_xinandaxue_2021_budget.pdf",
    "swu_2023": REAL / "中央" / "教育部" / "chongqing_xinandaxue_2023_final.pdf",
    "sh_shujuju": REAL / "上海市" / "上海市本级" / "shanghai_shiji_shujuju_2026_unit_budget.pdf",
    "sh_putuo_unit": REAL / "上海市" / "普陀区" / "shanghai_putuo_qzfbgs_2025_unit_budget.pdf",
    "shenzhen": REAL / "广东省" / "深圳市" / "guangdong_shenzhen_minzhengju_2026_budget.pdf",
    "xian_xinfang": REAL / "陕西省" / "西安市" / "shaanxi_xian_xinfangju_2026_budget.pdf",
}
pytestmark = pytest.mark.real


@pytest.fixture(scope="session")
def processed():
    return lambda name: processed_real(FILES[name])


# --- a scope printed after the name is scope, not name ----------------------------------------------------------

@pytest.mark.parametrize(("name", "department", "printed", "scope"), [
    # cover p.1: 2026年度 / 泉州市人民政府办公室 / （本级） / 单位预算
    ("quanzhou", "泉州市人民政府办公室", "泉州市人民政府办公室（本级）", "unit"),
    # cover p.1: 2026年深圳市民政局（本级）部门预算 — one organ without its units
    ("shenzhen", "深圳市民政局", "深圳市民政局（本级）", "unit"),
    # cover p.1: 西安市信访局（汇总）2026年部门预算 — the bureau with its units
    ("xian_xinfang", "西安市信访局", "西安市信访局（汇总）", "department"),
])
def test_a_scope_suffix_is_the_filings_scope_not_part_of_the_name(processed, name, department, printed, scope):
    doc = processed(name).document
    assert doc.status == "loaded", doc.error
    assert (doc.department_name, doc.printed_name, doc.scope, doc.year) == (
        department, printed, scope, 2026)


def test_the_body_is_one_department_with_or_without_its_scope_suffix(tmp_path):
    """泉州 2026 prints 泉州市人民政府办公室（本级）; a filing of the same body that prints the bare name (another
    year) is the same dw.dim_department row, and the suffixed name is recorded as an alias of it."""
    from pipelines.lib import warehouse
    from pipelines.lib.ingest import ingest
    from tests.sql.wh_filings import weixian_2023_frames, weixian_doc

    folder = tmp_path / "福建省" / "泉州市"
    folder.mkdir(parents=True)
    shutil.copy(FILES["quanzhou"], folder / FILES["quanzhou"].name)
    db = tmp_path / "w.duckdb"
    assert ingest([tmp_path / "福建省"], db).loaded == 1
    con = warehouse.connect(db)
    try:
        county = con.execute("select county from core.documents").fetchall()[0][0]
        other = weixian_doc("quanzhou-2025", file_name="泉州市人民政府办公室2025年单位预算.pdf",
                            source_path="福建省/泉州市/泉州市人民政府办公室2025年单位预算.pdf", region="福建省/泉州市",
                            county=county, department_code=None, department_name="泉州市人民政府办公室", year=2025)
        warehouse.load_document(con, other, weixian_2023_frames())
        aliases = {r[0]: r[1:] for r in con.execute(
            "select alias, department, matched_by from core.department_aliases").fetchall()}
        assert aliases["泉州市人民政府办公室（本级）"] == ("泉州市人民政府办公室", "scope suffix")
        assert aliases["泉州市人民政府办公室"][1] == "printed"
        warehouse.rebuild_models(con)
        rows = con.execute("select department_name, names_seen, first_year, last_year from dw.dim_department"
                           ).fetchall()
        assert rows == [("泉州市人民政府办公室", ["泉州市人民政府办公室"], 2025, 2026)]
    finally:
        con.close()


# --- helpers: facts of one printed table, keyed the way the page prints them -----------------------------------

def _parts(item, title_word: str) -> set[int]:
    """The physical tables (parts) of the logical tables whose title contains ``title_word``."""
    found = {p for t in item.filing.tables if title_word in t.title.replace(" ", "") for p in t.parts}
    assert found, f"no table titled …{title_word}…"
    return found


def _lines(item, title_word: str) -> dict[tuple[str, str], Decimal]:
    """(subject_code, measure) → amount_wan of the budget lines read from the table titled ``title_word``."""
    df = item.frames["budget_lines"]
    parts = _parts(item, title_word)
    return {(r["subject_code"], r["measure"]): r["amount_wan"] for r in df.iter_rows(named=True)
            if r["source_table"] in parts}


def _summary(item, title_word: str) -> dict[tuple[str, str, str], Decimal]:
    """(side, item, measure) → amount_wan of the non-function lines of a 收支总表; function classes keyed by code."""
    df = item.frames["budget_summary"]
    parts = _parts(item, title_word)
    return {(r["side"], r["subject_code"] or r["item"], r["measure"]): r["amount_wan"]
            for r in df.iter_rows(named=True) if r["source_table"] in parts}


def _three(item) -> dict[str, Decimal]:
    df = item.frames["three_public"]
    return {r["category"]: r["amount_wan"] for r in df.iter_rows(named=True) if r["fund_source"] == "total" and r["basis"] == "budget"}


def _coverage(item) -> Decimal:
    cov = item.frames["coverage"]
    printed, read = sum(cov["printed"].to_list()), sum(cov["read"].to_list())
    gaps = item.frames["coverage_gaps"]
    assert gaps.height == printed - read and all(gaps["reason"].to_list())  # every cell left out says why
    return (Decimal(100) * read / printed).quantize(Decimal("0.1"))


def _lines_of_kind(item, kind: str) -> set[str]:
    return set(item.frames["budget_lines"].filter(item.frames["budget_lines"]["table_kind"] == kind)
               ["classification"].to_list())


# --- 江苏 city (苏州/无锡: 公开01表–13表, the provincial template with a full 支出总表) ------------------------------

def test_suzhou_summary_function_tables_and_three_public(processed):
    item = processed("suzhou")
    assert (item.document.department_name, item.document.year) == ("苏州市审计局", 2026)
    # p.9 公开01表 收支总表: 一、一般公共预算拨款收入 4,651.67 … 八、社会保障和就业支出 442.09 … 收入总计 4,651.67
    s = _summary(item, "收支总表")
    assert s[("income", "general_public_budget", "amount")] == Decimal("4651.67")
    assert s[("expense", "208", "amount")] == Decimal("442.09")
    assert s[("income", "grand_total", "amount")] == Decimal("4651.67")
    # p.16 公开07表 一般公共预算支出表 (科目编码 | 合计 | 基本支出 小计 人员经费 公用经费 | 项目支出):
    # 2010801 行政运行 2,342.00 2,342.00 1,946.40 395.60; 2010802 一般行政管理事务 339.50 (项目);
    # 221 住房保障支出 1,302.95; 2210203 购房补贴 401.97
    g = _lines(item, "一般公共预算支出表")
    assert g[("2010801", "total")] == Decimal("2342.00")
    assert g[("2010801", "basic")] == Decimal("2342.00")
    assert g[("2010801", "personnel")] == Decimal("1946.40")
    assert g[("2010801", "public_operating")] == Decimal("395.60")
    assert g[("2010802", "project")] == Decimal("339.50")
    assert g[("221", "total")] == Decimal("1302.95")
    assert g[("2210203", "total")] == Decimal("401.97")
    assert item.filing.tables[[t.title for t in item.filing.tables].index("一般公共预算支出表")].kind == \
        "general_public_expenditure"  # a function table with 人员/公用 columns is not a 基本支出 table
    # p.17 公开08表 一般公共预算基本支出表: 30101 基本工资 469.17 (人员经费); 302 商品和服务支出 395.60 (公用经费)
    b = _lines(item, "一般公共预算基本支出表")
    assert b[("30101", "personnel")] == Decimal("469.17")
    assert b[("302", "public_operating")] == Decimal("395.60")
    # p.18 公开09表 三公、会议费、培训费: 10.00 | 0.00 | 0.00 0.00 0.00 | 10.00 | 10.00 | 43.00
    t = _three(item)
    assert t["subtotal"] == Decimal("10.00") and t["overseas_travel"] == Decimal("0.00")
    assert t["reception"] == Decimal("10.00")
    assert (t["meeting"], t["training"]) == (Decimal("10.00"), Decimal("43.00"))
    assert _coverage(item) >= Decimal("100.0")


def test_wuxi_function_table_across_a_page_break_and_three_public(processed):
    item = processed("wuxi")
    # p.9 公开01表: 一、一般公共预算拨款收入 17,466.65; 六、科学技术支出 12,500.00
    s = _summary(item, "收支总表")
    assert s[("income", "general_public_budget", "amount")] == Decimal("17466.65")
    assert s[("expense", "206", "amount")] == Decimal("12500.00")
    # pp.18–19 公开07表 一般公共预算支出表 (2210201 … on the next page):
    # 2160699 其他涉外发展服务支出 1,103.12 924.00 856.82 67.18 179.12; 2210201 住房公积金 323.71; 合计 17,466.65
    g = _lines(item, "一般公共预算支出表")
    assert g[("2160699", "total")] == Decimal("1103.12")
    assert g[("2160699", "basic")] == Decimal("924.00")
    assert g[("2160699", "personnel")] == Decimal("856.82")
    assert g[("2160699", "public_operating")] == Decimal("67.18")
    assert g[("2160699", "project")] == Decimal("179.12")
    assert g[("2210201", "total")] == Decimal("323.71")
    assert g[("2069999", "project")] == Decimal("12500.00")
    # p.20 公开08表 一般公共预算基本支出表: 30106 伙食补助费 0.01; 301 工资福利支出 4,084.58
    b = _lines(item, "一般公共预算基本支出表")
    assert b[("30106", "personnel")] == Decimal("0.01")
    assert b[("301", "total")] == Decimal("4084.58")
    # p.21 公开09表: 6.40 | 0.00 | 2.80 0.00 2.80 | 3.60 | 2.80 | 10.00
    t = _three(item)
    assert (t["subtotal"], t["vehicles"], t["vehicle_operation"], t["reception"]) == (
        Decimal("6.40"), Decimal("2.80"), Decimal("2.80"), Decimal("3.60"))
    assert (t["meeting"], t["training"]) == (Decimal("2.80"), Decimal("10.00"))
    assert _coverage(item) >= Decimal("100.0")


def test_a_table_listed_by_unit_keeps_unit_codes_out_of_subject_codes(processed):
    # 无锡 p.10 公开02表 收入总表: 部门代码 | 部门名称 | 合计 …, rows 317 无锡市商务局 / 317001 … / 317002 …
    item = processed("wuxi")
    codes = set(item.frames["budget_lines"]["subject_code"].to_list())
    assert not codes & {"317", "317001", "317002"}
    # … the units' rows are read and checked (Σ units = 合计, the department's row = 合计), not stored
    unit_check = [r for r in item.checks if r.check == "unit_rows_sum"]
    assert unit_check and unit_check[0].status == "passed" and unit_check[0].compared >= 2
    gaps = item.frames["coverage_gaps"]
    assert gaps.filter(gaps["row_label"].str.contains("317")).height == 0
    # 福州 p.12 收入预算总表 合计 24995.94 was read as code 24995 + name ".94"
    assert not {c for c in processed("fuzhou").frames["budget_lines"]["subject_code"].to_list() if c and "." in c}
    assert "24995" not in set(processed("fuzhou").frames["budget_lines"]["subject_code"].to_list())


# --- 福建 (福州 部门预算, 泉州 单位预算: 一、收支预算总表 … 十、“三公”经费支出预算表) --------------------------------------

def test_fuzhou_function_economic_and_three_public_tables(processed):
    item = processed("fuzhou")
    # p.11 收支预算总表: 二、政府性基金预算拨款收入 1800.00; 十一、城乡社区支出 1800.00; 本年收入合计 24995.94
    s = _summary(item, "收支预算总表")
    assert s[("income", "gov_fund_budget", "amount")] == Decimal("1800.00")
    assert s[("expense", "212", "amount")] == Decimal("1800.00")
    assert s[("income", "current_year_total", "amount")] == Decimal("24995.94")
    # p.16 一般公共预算拨款支出预算表: 2011350 事业运行 261.68 245.05 16.63; 216 商业服务业等支出 18800.00
    g = _lines(item, "一般公共预算拨款支出预算表")
    assert (g[("2011350", "total")], g[("2011350", "basic")], g[("2011350", "project")]) == (
        Decimal("261.68"), Decimal("245.05"), Decimal("16.63"))
    assert g[("216", "total")] == Decimal("18800.00")
    assert g[("2210203", "total")] == Decimal("173.67")  # p.17, after the page break
    # p.20 一般公共预算支出经济分类情况表: 302 商品和服务支出 19637.13; 310 资本性支出 7.60 — economic codes
    e = _lines(item, "一般公共预算支出经济分类情况表")
    assert (e[("302", "total")], e[("310", "total")]) == (Decimal("19637.13"), Decimal("7.60"))
    lines = item.frames["budget_lines"]
    assert set(lines.filter(lines["subject_code"] == "302")["classification"].to_list()) == {"economic"}
    # p.21 一般公共预算基本支出经济分类情况表: 30217 公务接待费 6.10; 30113 住房公积金 247.25
    b = _lines(item, "一般公共预算基本支出经济分类情况表")
    assert (b[("30217", "total")], b[("30113", "total")]) == (Decimal("6.10"), Decimal("247.25"))
    # p.24 “三公”经费支出预算表 (rows): 合计 84.10; 因公出国 70.00; 接待 6.10; 用车 8.00 (0.00 + 8.00)
    t = _three(item)
    assert (t["total"], t["overseas_travel"], t["reception"], t["vehicles"]) == (
        Decimal("84.10"), Decimal("70.00"), Decimal("6.10"), Decimal("8.00"))
    assert (t["vehicle_purchase"], t["vehicle_operation"]) == (Decimal("0.00"), Decimal("8.00"))
    assert _coverage(item) >= Decimal("100.0")


def test_quanzhou_unit_budget_tables(processed):
    item = processed("quanzhou")
    # p.12 收支预算总表: 一、一般公共预算拨款收入 5898.74; 一、一般公共服务支出 4194.82
    s = _summary(item, "收支预算总表")
    assert s[("income", "general_public_budget", "amount")] == Decimal("5898.74")
    assert s[("expense", "201", "amount")] == Decimal("4194.82")
    # p.16 一般公共预算拨款支出预算表 (7-digit codes only): 2010302 一般行政管理事务 1090.09 0.00 1090.09;
    # 2101103 公务员医疗补助 27.37
    g = _lines(item, "一般公共预算拨款支出预算表")
    assert (g[("2010302", "total")], g[("2010302", "basic")], g[("2010302", "project")]) == (
        Decimal("1090.09"), Decimal("0.00"), Decimal("1090.09"))
    assert g[("2101103", "total")] == Decimal("27.37")
    # p.20 一般公共预算基本支出经济分类情况表: 30399 其他对个人和家庭的补助 621.19; 302 商品和服务支出 692.81
    b = _lines(item, "一般公共预算基本支出经济分类情况表")
    assert (b[("30399", "total")], b[("302", "total")]) == (Decimal("621.19"), Decimal("692.81"))
    # p.21 “三公”: 合计 46.00; 因公出国 0.00; 接待 14.00; 用车 32.00 (0.00 + 32.00)
    t = _three(item)
    assert (t["total"], t["overseas_travel"], t["reception"], t["vehicles"], t["vehicle_operation"]) == (
        Decimal("46.00"), Decimal("0.00"), Decimal("14.00"), Decimal("32.00"), Decimal("32.00"))
    assert _coverage(item) >= Decimal("100.0")


# --- 重庆 (tables inside the 情况说明: 表一 … 表九) -------------------------------------------------------------------

def test_chongqing_tables_inside_the_narrative(processed):
    item = processed("chongqing")
    # p.9 表一 部门收支总体情况表: 合计 19,230.18 (first row, both sides); 一、一般公共预算资金 18,417.70;
    # 五、事业收入资金 812.48; 一、一般公共服务支出 15,958.96
    s = _summary(item, "部门收支总体情况表")
    assert s[("income", "grand_total", "amount")] == Decimal("19230.18")
    assert s[("expense", "grand_total", "amount")] == Decimal("19230.18")
    assert s[("income", "general_public_budget", "amount")] == Decimal("18417.70")
    assert s[("income", "business", "amount")] == Decimal("812.48")
    assert s[("expense", "201", "amount")] == Decimal("15958.96")
    # p.15 表五 一般公共预算支出情况表 (2025年预算数 | 2026年预算数 总计 基本支出 小计 人员经费 公用经费 | 项目支出):
    # 2010301 行政运行 6,077.49 6,342.71 6,342.71 4,542.97 1,799.74; 2010302 一般行政管理事务 6,027.47 8,220.69
    g = _lines(item, "一般公共预算支出情况表")
    assert g[("2010301", "prior_year_budget")] == Decimal("6077.49")
    assert g[("2010301", "total")] == Decimal("6342.71")
    assert g[("2010301", "personnel")] == Decimal("4542.97")
    assert g[("2010301", "public_operating")] == Decimal("1799.74")
    assert g[("2010302", "project")] == Decimal("8220.69")
    assert g[("2101101", "total")] == Decimal("369.70")
    # p.17 表六 一般公共预算基本支出情况表: 3010201 规范性津补贴 904.48 (7-digit economic code)
    b = _lines(item, "一般公共预算基本支出情况表")
    assert b[("3010201", "personnel")] == Decimal("904.48")
    assert b[("30101", "total")] == Decimal("1576.86")
    # p.20 表八 财政拨款“三公”经费支出情况表: 2025年预算数 396.97 184.49 202.48 202.48 10.00 | 2026年预算数
    # 394.49 184.49 200.00 200.00 10.00 — this year's, and last year's as basis prior_year_budget
    t = _three(item)
    assert (t["total"], t["overseas_travel"], t["vehicles"], t["vehicle_operation"], t["reception"]) == (
        Decimal("394.49"), Decimal("184.49"), Decimal("200.00"), Decimal("200.00"), Decimal("10.00"))
    prior = {r["category"]: r["amount_wan"] for r in item.frames["three_public"].iter_rows(named=True)
             if r["basis"] == "prior_year_budget"}
    assert prior == {"total": Decimal("396.97"), "overseas_travel": Decimal("184.49"), "vehicles": Decimal("202.48"),
                     "vehicle_operation": Decimal("202.48"), "reception": Decimal("10.00")}
    assert item.frames["three_public"].height == 10
    assert _coverage(item) >= Decimal("98.6")


# --- 西南大学 (高等学校 tables; 2021 预算 4 tables, 2023 决算 4 tables; neither prints a 三公 table) -----------------

def test_southwest_university_2021_budget(processed):
    item = processed("swu_2021")
    # p.6–7 收支预算总表: 一、财政拨款 216,552.53; 其中：捐赠收入 500.00; 使用非财政拨款结余 18,953.78;
    # 三、住房保障支出 15,702.41; 收入总计 490,808.40
    s = _summary(item, "收支预算总表")
    assert s[("income", "fiscal_appropriation", "amount")] == Decimal("216552.53")
    assert s[("income", "of_which_donations", "amount")] == Decimal("500.00")
    assert s[("income", "use_of_non_fiscal_balance", "amount")] == Decimal("18953.78")
    assert s[("expense", "221", "amount")] == Decimal("15702.41")
    assert s[("income", "grand_total", "amount")] == Decimal("490808.40")
    # p.7 收入预算表: 2050204 高中教育 17,575.10 12,622.65 1,200.00 1,200.00 3,752.45 (事业收入 / 其中：教育收费)
    i = _lines(item, "收入预算表")
    assert i[("2050204", "current_year_total")] == Decimal("17575.10")  # the column is 本年收入合计
    assert i[("2050204", "fiscal_appropriation")] == Decimal("12622.65")
    assert i[("2050204", "business")] == Decimal("1200.00")
    assert i[("2050204", "business_education_fees")] == Decimal("1200.00")
    assert i[("2050204", "other")] == Decimal("3752.45")
    # p.9 财政拨款支出预算表: 2050205 高等教育 185,762.25 158,467.66 27,294.59
    f = _lines(item, "财政拨款支出预算表")
    assert (f[("2050205", "total")], f[("2050205", "basic")], f[("2050205", "project")]) == (
        Decimal("185762.25"), Decimal("158467.66"), Decimal("27294.59"))
    assert _three(item) == {}  # no 三公 table in this filing
    # 收支总表 一、教育支出 398,593.09 = 支出预算表 205 (p.8), not the 财政拨款支出预算表's 207,796.18 printed after it
    cross = [r for r in item.checks if r.check == "cross_table"][0]
    assert cross.status == "passed" and cross.compared >= 3
    assert _coverage(item) >= Decimal("100.0")


def test_southwest_university_2023_final_accounts(processed):
    item = processed("swu_2023")
    assert item.document.doc_type == "final_accounts"
    # p.8–9 表1 收支决算总表: 其中：政府性基金预算财政拨款 109.50; 其中：捐赠收入 44.20; 本年收入合计 430,725.03;
    # 五、教育支出 425,287.27
    s = _summary(item, "收支决算总表") if any("收支决算总表" in t.title for t in item.filing.tables) else \
        {(r["side"], r["subject_code"] or r["item"], r["measure"]): r["amount_wan"]
         for r in item.frames["budget_summary"].iter_rows(named=True) if r["table_kind"] == "summary"}
    assert s[("income", "of_which_donations", "amount")] == Decimal("44.20")
    assert s[("income", "current_year_total", "amount")] == Decimal("430725.03")
    assert s[("expense", "205", "amount")] == Decimal("425287.27")
    # p.10 表2 收入决算表: 2050205 高等教育 363,483.12 193,993.03 135,246.59 72,670.34 34,243.50
    lines = item.frames["budget_lines"]
    inc = {(r["subject_code"], r["measure"]): r["amount_wan"] for r in lines.iter_rows(named=True)
           if r["table_kind"] == "income"}
    assert inc[("2050205", "current_year_total")] == Decimal("363483.12")  # 本年收入合计
    assert inc[("2050205", "fiscal_appropriation")] == Decimal("193993.03")
    assert inc[("2050205", "business_education_fees")] == Decimal("72670.34")
    # p.14 表4 财政拨款支出决算表 (类|款|项 headers, 合计 printed above and below the lines):
    # 2060204 实验室及相关设施 1,707.93 | 项目支出 1,707.93 | 其中：基本建设资金支出 1,357.93
    gp = {(r["subject_code"], r["measure"]): r["amount_wan"] for r in lines.iter_rows(named=True)
          if r["table_kind"] == "general_public_expenditure"}
    assert gp[("2060204", "total")] == Decimal("1707.93")
    assert gp[("2060204", "project_capital_construction")] == Decimal("1357.93")
    assert gp[("2050205", "basic")] == Decimal("152569.36")
    assert _three(item) == {}
    assert _coverage(item) >= Decimal("100.0")


# --- 上海 单位预算 (预算单位… titles, 元; 三公 in 万元) -------------------------------------------------------------------

def test_shanghai_unit_budget_summary_by_use(processed):
    item = processed("sh_shujuju")
    assert (item.document.scope, item.document.unit) == ("unit", "元")
    # p.7 财务收支预算总表: 一、一般公共服务支出 463,892,324 | 人员经费 12,016,088 | 公用经费 16,737,236 |
    # 项目支出 435,139,000; 支出总计 471,452,100 19,551,864 16,737,236 435,163,000
    s = _summary(item, "财务收支预算总表")
    assert s[("expense", "201", "amount")] == Decimal("46389.2324")
    assert s[("expense", "201", "personnel")] == Decimal("1201.6088")
    assert s[("expense", "201", "public_operating")] == Decimal("1673.7236")
    assert s[("expense", "201", "project")] == Decimal("43513.9000")
    assert s[("expense", "grand_total", "project")] == Decimal("43516.3000")
    # p.15 一般公共预算支出功能分类预算表 (类|款|项): 201 41 01 行政运行 28,853,324 28,753,324 100,000
    g = _lines(item, "一般公共预算支出功能分类预算表")
    assert (g[("2014101", "total")], g[("2014101", "basic")], g[("2014101", "project")]) == (
        Decimal("2885.3324"), Decimal("2875.3324"), Decimal("10.0000"))
    assert g[("2109999", "project")] == Decimal("2.4000")  # p.16, after the page break
    # p.19–20 基本支出部门预算经济分类预算表: 302 14 租赁费 11,420,000
    b = _lines(item, "基本支出部门预算经济分类预算表")
    assert b[("30214", "public_operating")] == Decimal("1142.0000")
    # p.21 三公 (万元): 143.14 | 109.14 | 20.00 | 14.00 (小计) 购置费 (blank) 14.00 (运行费) | 1,673.72
    t = _three(item)
    assert (t["total"], t["overseas_travel"], t["reception"], t["vehicles"], t["vehicle_operation"]) == (
        Decimal("143.14"), Decimal("109.14"), Decimal("20.00"), Decimal("14.00"), Decimal("14.00"))
    assert t["office_operation"] == Decimal("1673.72")
    assert _coverage(item) >= Decimal("100.0")


def test_shanghai_putuo_unit_budget(processed):
    item = processed("sh_putuo_unit")
    assert (item.document.department_name, item.document.scope) == ("上海市普陀区人民政府办公室", "unit")
    # p.13 财政拨款收支预算总表: 一、一般公共预算资金 91,016,775.35; 四、住房保障支出 3,609,125.22 (一般公共预算)
    f = _summary(item, "财政拨款收支预算总表")
    assert f[("income", "general_public_budget", "amount")] == Decimal("9101.677535")
    assert f[("expense", "221", "general_public")] == Decimal("360.912522")
    # p.19 基本支出经济分类: 302 29 福利费 483,840.00; 303 02 退休费 1,188,720.00
    b = _lines(item, "基本支出部门预算经济分类预算表")
    assert b[("30229", "public_operating")] == Decimal("48.384000")
    assert b[("30302", "total")] == Decimal("118.872000")
    # p.20 三公 (万元), by position under the header: 合计 867.50 | 因公出国 839.00 | 公务接待费 28.50 | … 213.28
    t = _three(item)
    assert (t["total"], t["overseas_travel"], t["reception"], t["office_operation"]) == (
        Decimal("867.50"), Decimal("839.00"), Decimal("28.50"), Decimal("213.28"))
    assert _coverage(item) >= Decimal("100.0")


@pytest.mark.parametrize("name", ["quanzhou", "fuzhou", "sh_shujuju", "suzhou", "wuxi"])
def test_layouts_that_add_up_raise_no_sum_or_duplicate_warning(processed, name):
    """泉州 prints 项 lines only (no 类/款 rows): no parent is compared with 0; 福州 prints 一般公共预算支出 by function
    and by economic class: each adds up to its own 合计; 福州/泉州's 收入总表 has no 本年收入 subtotal: 合计 = the
    sources + 上年结转; 上海数据局's income table spills a blank 其他收入 column onto a page of its own: no 合计
    'printed twice'.  Every figure of these tables adds up as printed, so nothing may be reported."""
    item = processed(name)
    noisy = [f.message for f in item.findings if f.check in ("hierarchy_sum", "measures_sum", "subject_unique")]
    assert noisy == []
    sums = [r for r in item.checks if r.check in ("hierarchy_sum", "measures_sum") and r.status == "passed"]
    assert sum(r.compared for r in sums) >= 20  # the checks ran and compared, they were not skipped
