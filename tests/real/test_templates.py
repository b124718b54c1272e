"""Real filings of several template families, read cell by cell: figures typed by hand from the PDFs.

Every expected figure below was typed from the PDF's page text (pdfplumber ``extract_text``), not from yusuan's
output; the page is named beside each.  Each PDF is read once per session (``processed``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.real.real_samples import REAL, processed_real

JS = REAL / "江苏省" / "省本级"
FILES = {
    "js_swbgt_2017": JS / "jiangsu_shengji_swbgt_2017_budget_tables.pdf",
    "js_swbgt_2018": JS / "jiangsu_shengji_swbgt_2018_budget_tables.pdf",
    "js_swbgt_2019": JS / "jiangsu_shengji_swbgt_2019_budget_tables.pdf",
    "js_swbgt_2019_narr": JS / "jiangsu_shengji_swbgt_2019_budget_narrative.pdf",
    "js_zxbgt_2019_narr": JS / "jiangsu_shengji_zxbgt_2019_budget_narrative.pdf",
    "bj_tables": REAL / "北京市" / "北京市本级" / "beijing_shiji_sifaju_2026_budget_tables.pdf",
    "gz": REAL / "广东省" / "广州市" / "guangdong_guangzhou_sifaju_2026_budget.pdf",
    "swu_2021": REAL / "中央" / "教育部" / "chongqing_xinandaxue_2021_budget.pdf",
    "yantai": REAL / "山东省" / "烟台市" / "shandong_yantai_caizhengju_2026_budget.pdf",
    "fuzhou": REAL / "福建省" / "福州市" / "fujian_fuzhou_shangwuju_2026_budget.pdf",
    "quanzhou": REAL / "福建省" / "泉州市" / "fujian_quanzhou_zfbgs_2026_unit_budget.pdf",
    "xinfang": REAL / "中央" / "国家信访局" / "central_guojiaxinfangju_2026_budget.pdf",
}
pytestmark = pytest.mark.real


@pytest.fixture(scope="session")
def processed():
    return lambda name: processed_real(FILES[name])


def _facts(item, frame: str, **where) -> dict:
    df = item.frames[frame]
    for k, v in where.items():
        df = df.filter(df[k] == v)
    return df


# --- department and year: from the cover, the 编制部门 lines, a 部门名称 cell; never running text --------------

@pytest.mark.parametrize(("name", "department", "year"), [
    ("js_swbgt_2017", "中国共产党江苏省委员会办公厅", 2017),  # title line 部门：中国共产党江苏省委员会办公厅
    ("js_swbgt_2018", "中共江苏省委办公厅", 2018),  # cover: 江苏省2018年度 / 部 门:中共江苏省委办公厅
    ("bj_tables", "北京市司法局", 2026),  # 预算13表: 部门名称 | 北京市司法局 (was ".340000 327.340000法律网络平台升级")
    ("swu_2021", "西南大学", 2021),  # cover: 西南大学 / 2021年度部门预算 / 2021年4月 (was "我校")
    ("yantai", "烟台市财政局", 2026),  # cover: 2026年烟台市财政局部门预算 (was "纳入烟台市财政局")
    ("fuzhou", "福州市商务局", 2026),  # cover: 2026年度 / 福州市商务局 / 部门预算 (was rejected)
    ("quanzhou", "泉州市人民政府办公室", 2026),  # cover: …泉州市人民政府办公室（本级）单位预算; （本级） is scope
    ("xinfang", "国家信访局", 2026),  # cover: 国家信访局2026年度部门预算 / 二〇二六年三月
])
def test_department_and_year_come_from_where_the_filing_names_itself(processed, name, department, year):
    item = processed(name)
    assert item.document.status == "loaded", item.document.error
    assert (item.document.department_name, item.document.year) == (department, year)


@pytest.mark.parametrize(("name", "department"), [
    ("js_swbgt_2019_narr", "江苏省委办公厅"),  # cover: 江苏省委办公厅2019年度部门预算公开
    ("js_zxbgt_2019_narr", "江苏省政协办公厅"),  # was "附件：江苏省政协办公厅", rejected for having no table
])
def test_a_narrative_only_half_loads_as_the_filings_narrative(processed, name, department):
    item = processed(name)
    assert item.document.status == "loaded", item.document.error
    assert item.document.part == "narrative"
    assert (item.document.department_name, item.document.year) == (department, 2019)
    assert item.frames["budget_lines"].height == 0


# --- 江苏 provincial (公开01表–12表), 2018, 中共江苏省委办公厅 -------------------------------------------------

def test_jiangsu_function_coded_table_code_beside_name(processed):
    # p.7 财政拨款支出预算表 (功能科目代码 | 功能科目名称 | 金额), typed from the PDF
    item = processed("js_swbgt_2018")
    df = _facts(item, "budget_lines", table_kind="expenditure", measure="total")
    got = {r["subject_code"]: r["amount_wan"] for r in df.iter_rows(named=True)}
    assert got["201"] == Decimal("20153.75")
    assert got["2013101"] == Decimal("8072.29")
    assert got["2013102"] == Decimal("12081.46")
    assert got["2210201"] == Decimal("715.28")
    assert got["2210202"] == Decimal("2299.88")


def test_jiangsu_three_public_holds_meeting_and_training_inside_its_total(processed):
    # p.11 “三公”经费、会议费、培训费支出预算表: 1,471.70 | 508.20 | 70.00 | 411.20 | | 411.20 | 27.00 | 933.50 | 30.00
    item = processed("js_swbgt_2018")
    df = item.frames["three_public"]
    got = {r["category"]: r["amount_wan"] for r in df.iter_rows(named=True)}
    assert got == {
        "total": Decimal("1471.70"), "subtotal": Decimal("508.20"), "overseas_travel": Decimal("70.00"),
        "vehicles": Decimal("411.20"), "vehicle_operation": Decimal("411.20"), "reception": Decimal("27.00"),
        "meeting": Decimal("933.50"), "training": Decimal("30.00"),
    }
    three = [r for r in item.checks if r.check == "three_public_sum"][0]
    assert three.status == "passed" and three.compared >= 3  # 合计 = 小计 + 会议费 + 培训费 held


def test_jiangsu_summary_by_use_with_reserve_and_income_by_source(processed):
    # p.6 财政拨款收支预算总表: 一、基本支出 10,403.11 二、项目支出 12,081.46 三、单位预留机动经费 1,973.86
    item = processed("js_swbgt_2018")
    s = _facts(item, "budget_summary", table_kind="fiscal_summary", side="expense")
    got = {r["item"]: r["amount_wan"] for r in s.iter_rows(named=True)}
    assert (got["basic"], got["project"], got["reserve"]) == (
        Decimal("10403.11"), Decimal("12081.46"), Decimal("1973.86"))
    # p.4 收入预算总表, no function codes: 一般公共预算资金 小计 24,458.43
    inc = _facts(item, "budget_summary", table_kind="income")
    assert Decimal("24458.43") in set(inc["amount_wan"].to_list())
    assert set(inc["item"].to_list()) >= {"grand_total", "general_public_budget"}


@pytest.mark.parametrize(("name", "printed"), [
    # p.2 收入预算总表 (one 金额 column; 项目名称 over two columns, the fund and its 小计 / source):
    # 收入总计 27,664.22 | 一般公共预算资金 小计 27,664.22 | 公共财政拨款(补助)资金 27,664.22
    ("js_swbgt_2019", {("grand_total", "收入总计", "27664.22"), ("general_public_budget", "一般公共预算资金 / 小计", "27664.22"),
                       ("general_public_budget", "公共财政拨款(补助)资金", "27664.22")}),
    # p.2, under "部门：中国共产党江苏省委员会办 / 公厅 单位：万元" (the name wrapped in its cell): 收入总计 20,849.45 |
    # 一般公共预算资金 小计 20,702.25 | 公共财政拨款(补助)资金 20,702.25 | 财政专户管理资金 小计 147.20 | 其他非税收入 147.20
    ("js_swbgt_2017", {("grand_total", "收入总计", "20849.45"), ("general_public_budget", "一般公共预算资金 / 小计", "20702.25"),
                       ("general_public_budget", "公共财政拨款(补助)资金", "20702.25"),
                       ("fiscal_special_account", "财政专户管理资金 / 小计", "147.20"),
                       ("fiscal_special_account", "其他非税收入", "147.20")}),
])
def test_jiangsu_one_column_income_summary_holds_income_items(processed, name, printed):
    item = processed(name)
    inc = _facts(item, "budget_summary", table_kind="income", source_table=1)
    got = {(r["item"], r["item_name"], r["amount_wan"]) for r in inc.iter_rows(named=True)}
    assert {(i, n, Decimal(a)) for i, n, a in printed} == got
    assert set(inc["side"].to_list()) == {"income"}
    assert not [f for f in item.findings if f.check in ("summary_item_known", "table_recognised", "coverage")]
    cov = _facts(item, "coverage", source_table=1)
    assert cov["printed"].to_list() == cov["read"].to_list() == [len(printed)]


def test_jiangsu_coverage_is_stored_and_high(processed):
    item = processed("js_swbgt_2018")
    cov = item.frames["coverage"]
    printed, read = sum(cov["printed"].to_list()), sum(cov["read"].to_list())
    assert printed >= 130  # 12 tables, about 139 amounts
    assert read / printed >= Decimal("0.98")
    gaps = item.frames["coverage_gaps"]
    assert gaps.height == printed - read
    assert all(gaps["reason"].to_list())


# --- 北京 (预算01表 …, amounts to 6 decimals) ---------------------------------------------------------------------

def test_beijing_three_public_to_six_decimals(processed):
    # p.18 预算09表: 102.109787 | 48.237000 | 2.813064 | 51.059723 | 15.420000 | 35.639723
    item = processed("bj_tables")
    got = {r["category"]: r["amount_wan"] for r in item.frames["three_public"].iter_rows(named=True)}
    assert got["total"] == Decimal("102.109787")  # the table's only sum (“三公”经费财政拨款预算总额): its total
    assert got["overseas_travel"] == Decimal("48.237000")
    assert got["reception"] == Decimal("2.813064")
    assert got["vehicles"] == Decimal("51.059723")
    assert got["vehicle_purchase"] == Decimal("15.420000")
    assert got["vehicle_operation"] == Decimal("35.639723")


def test_beijing_general_public_expenditure_by_function(processed):
    # p.11 预算05表: 2040601 行政运行 12,482.549431 12,333.173431 11,347.459612 985.713819 149.376000
    item = processed("bj_tables")
    # the table prints the department's rows, then each unit's (no unit named): this is the first run
    df = _facts(item, "budget_lines", table_kind="general_public_expenditure", subject_code="2040601", section=1)
    got = {r["measure"]: r["amount_wan"] for r in df.iter_rows(named=True)}
    assert got["total"] == Decimal("12482.549431")
    assert got["basic"] == Decimal("12333.173431")
    assert got["personnel"] == Decimal("11347.459612")
    assert got["public_operating"] == Decimal("985.713819")
    assert got["project"] == Decimal("149.376000")


# --- Guangdong (广州: [code]name in one cell, 三公 as rows) ---------------------------------------------------------

def test_guangzhou_bracketed_codes_in_the_name_cell(processed):
    # p.15 表5: [2040601]行政运行 11,390.00 11,390.00 0.00; [204]公共安全支出 103,761.37 85,855.57 17,905.79
    item = processed("gz")
    df = _facts(item, "budget_lines", table_kind="general_public_expenditure")
    got = {(r["subject_code"], r["measure"]): r["amount_wan"] for r in df.iter_rows(named=True)}
    assert got[("2040601", "total")] == Decimal("11390.00")
    assert got[("204", "total")] == Decimal("103761.37")
    assert got[("204", "basic")] == Decimal("85855.57")
    assert got[("204", "project")] == Decimal("17905.79")
    assert _facts(item, "budget_lines", subject_code="2040601", table_kind="general_public_expenditure") \
        ["subject_name"].to_list()[0] == "行政运行"


def test_guangzhou_three_public_rows(processed):
    # p.22 表8: 行政经费 13,674.34; “三公”经费 378.87; 因公出国 20.00; 用车 346.67 (36.00 + 310.67); 接待 12.20
    item = processed("gz")
    df = _facts(item, "three_public", fund_source="total")
    got = {r["category"]: r["amount_wan"] for r in df.iter_rows(named=True)}
    assert got["office_operation"] == Decimal("13674.34")
    assert got["total"] == Decimal("378.87")  # the table's only sum, 20.00 + 346.67 + 12.20: its total
    assert got["overseas_travel"] == Decimal("20.00")
    assert got["vehicles"] == Decimal("346.67")
    assert got["vehicle_purchase"] == Decimal("36.00")
    assert got["vehicle_operation"] == Decimal("310.67")
    assert got["reception"] == Decimal("12.20")


# --- split filings and renamed bodies, in a warehouse ----------------------------------------------------------

@pytest.fixture(scope="module")
def jiangsu_warehouse(tmp_path_factory):
    import shutil

    from pipelines.lib import warehouse
    from pipelines.lib.ingest import ingest

    root = tmp_path_factory.mktemp("js") / "江苏省" / "省本级"
    root.mkdir(parents=True)
    # the narrative first, the tables after: the check must not depend on the order
    for name in ("jiangsu_shengji_zxbgt_2019_budget_narrative.pdf", "jiangsu_shengji_zxbgt_2019_budget_tables.pdf",
                 "jiangsu_shengji_swbgt_2017_budget_tables.pdf", "jiangsu_shengji_swbgt_2018_budget_tables.pdf"):
        shutil.copy(JS / name, root / name)
    db = root.parents[1] / "w.duckdb"
    summary = ingest([root.parents[1]], db)
    assert summary.loaded == 4, summary.lines()
    con = warehouse.connect(db, read_only=True)
    yield con
    con.close()


def test_a_split_filing_is_checked_across_its_two_files(jiangsu_warehouse):
    rows = jiangsu_warehouse.execute(
        "select figure, stated_wan, table_wan, agrees, message from marts.split_filing_checks "
        "where department_name = '江苏省政协办公厅' and year = 2019 order by figure").fetchall()
    got = {r[0]: r for r in rows}
    # narrative p.4: 2019年收入预算13377.11万元 / 支出预算13377.11万元; tables p.1 收支预算总表 收入合计 13,377.11
    assert got["income_total"][1] == Decimal("13377.11") and got["income_total"][3]
    assert got["expense_total"][1] == Decimal("13377.11")
    assert "the narrative says" in got["income_total"][4] and "the table prints" in got["income_total"][4]
    # the fund figures the narrative checks read, checked across the two files too: narrative p.14 一般公共预算财政拨款
    # 支出预算 13,297.11 万元 against tables p.5 公开05表 (by function, 合计 13,297.11 — no fund column in 公开04表);
    # narrative p.17 机关运行经费 … 支出 1,130.74 万元 against tables p.11 公开11表 机关运行经费支出 合计 1,130.74
    assert got["general_public_expense"][1:4] == (Decimal("13297.11"), Decimal("13297.11"), True)
    assert got["office_operation"][1:4] == (Decimal("1130.74"), Decimal("1130.74"), True)
    parts = dict(jiangsu_warehouse.execute(
        "select part, count(*) from core.documents where department_name = '江苏省政协办公厅' group by part"
    ).fetchall())
    assert parts == {"narrative": 1, None: 1}  # both loaded: neither half superseded the other


def test_a_renamed_body_is_one_department(jiangsu_warehouse):
    aliases = dict(jiangsu_warehouse.execute(
        "select alias, matched_by from core.department_aliases").fetchall())
    assert aliases["中共江苏省委办公厅"] == "abbreviation"  # 中国共产党江苏省委员会办公厅 in 2017
    keys = jiangsu_warehouse.execute(
        "select count(distinct department_key) from dw.dim_document where department_name in "
        "('中国共产党江苏省委员会办公厅', '中共江苏省委办公厅')").fetchone()[0]
    assert keys == 1


# --- central (国家信访局: 2025年执行数 beside 2026年预算数, 增减额) --------------------------------------------------

def test_central_function_table_with_prior_year_execution_and_change(processed):
    # p.10 部门公开表5 一般公共预算支出表:
    # 201 一般公共服务支出 33,586.67 10,044.47 13,144.37 6,668.44 6,475.93 13,144.37 -20,442.30 -60.86% …
    # 2014001 行政运行 5,555.07 5,555.07 5,826.21 5,826.21 5,826.21 271.14 4.88% …
    item = processed("xinfang")
    df = _facts(item, "budget_lines", table_kind="general_public_expenditure")
    got = {(r["subject_code"], r["measure"]): r["amount_wan"] for r in df.iter_rows(named=True)}
    assert got[("201", "prior_year_execution")] == Decimal("33586.67")
    assert got[("201", "total")] == Decimal("13144.37")
    assert got[("201", "basic")] == Decimal("6668.44")
    assert got[("201", "project")] == Decimal("6475.93")
    assert got[("201", "change_on_prior_year")] == Decimal("-20442.30")
    assert got[("2014001", "total")] == Decimal("5826.21")
    assert got[("2014001", "change_on_prior_year")] == Decimal("271.14")
    assert not any(m.endswith("%") for m in df["amount_text"].to_list())  # 增减(%) is not an amount


def test_central_three_public(processed):
    # p.16 部门公开表9: 112.61 | 68.50 | 38.60 | (blank) | 38.60 | 5.51
    item = processed("xinfang")
    got = {r["category"]: r["amount_wan"] for r in item.frames["three_public"].iter_rows(named=True)}
    assert got["total"] == Decimal("112.61")
    assert got["overseas_travel"] == Decimal("68.50")
    assert got["vehicles"] == Decimal("38.60")
    assert got["vehicle_operation"] == Decimal("38.60")
    assert got["reception"] == Decimal("5.51")
    assert "vehicle_purchase" not in got  # printed blank: no value, not a zero


def test_jiangsu_procurement_lines(processed):
    # p.14-15 2018年政府采购预算表: 合计 1,449.50; 一、货物A 90.00; … PC服务器 分散自行组织 12.00; 三、服务C 1,359.50
    item = processed("js_swbgt_2018")
    df = item.frames["procurement"]
    got = {r["item"]: r["amount_wan"] for r in df.iter_rows(named=True)}
    total = df.filter(df["is_total"])
    assert total["amount_wan"].to_list() == [Decimal("1449.50")]
    assert got["一、货物A"] == Decimal("90.00")
    assert got["三、服务C"] == Decimal("1359.50")
    assert got["一、货物A / 机要及电子政务业务费 / 办公设备购置 / PC服务器 / 分散自行组织"] == Decimal("12.00")
