"""决算 and scope on real filings (issue #12).  Figures typed by hand from the PDFs (万元, as printed):
shanghai_putuo_czj_2024_dept_final.pdf pages 6–7 (收入支出决算总表), 10 (支出决算表), 12 (财政拨款收入支出
决算总表), 18 (“三公”经费支出决算表: 0.95 under 合计/预算数 and 公务接待费/预算数, every 决算数 blank)."""

from decimal import Decimal

import duckdb
import pytest

from pipelines.lib.ingest import ingest
from pipelines.lib.stages import process
from tests.real.real_samples import REAL

pytestmark = [pytest.mark.real, pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real_samples is absent")]

Y = Decimal
PUTUO = REAL / "上海市" / "普陀区"
CZJ_FINAL = PUTUO / "shanghai_putuo_czj_2024_dept_final.pdf"
QZFBGS = {"department": PUTUO / "shanghai_putuo_qzfbgs_2025_dept_budget.pdf",
          "unit": PUTUO / "shanghai_putuo_qzfbgs_2025_unit_budget.pdf"}

# 收入支出决算总表 (side, item, subject_code) -> 决算数
SUMMARY = {
    ("income", "general_public_budget", None): "2940.05",
    ("income", "other", None): "6.20",
    ("income", "current_year_total", None): "2946.25",
    ("income", "year_start_carryover", None): "49.14",
    ("income", "grand_total", None): "2995.39",
    ("expense", "function_class", "201"): "2106.66",
    ("expense", "function_class", "208"): "326.71",
    ("expense", "function_class", "210"): "60.99",
    ("expense", "function_class", "221"): "445.69",
    ("expense", "current_year_total", None): "2940.05",
    ("expense", "year_end_carryover", None): "55.34",
    ("expense", "grand_total", None): "2995.39",
}
# 财政拨款收入支出决算总表 (side, item, measure) -> 决算数
FISCAL = {
    ("income", "general_public_budget", "amount"): "2940.05",
    ("income", "current_year_total", "amount"): "2940.05",
    ("income", "year_start_carryover", "amount"): "21.63",
    ("income", "year_start_carryover_general_public", "amount"): "21.63",
    ("income", "grand_total", "amount"): "2961.68",
    ("expense", "year_end_carryover", "total"): "21.63",
    ("expense", "year_end_carryover", "general_public"): "21.63",
    ("expense", "grand_total", "total"): "2961.68",
}
# 支出决算表: two function-coded lines, (code, measure) -> 决算数
EXPENDITURE = {
    ("2010601", "total"): "1511.89", ("2010601", "basic"): "1503.52", ("2010601", "project"): "8.37",
    ("2080505", "total"): "160.75", ("2080505", "basic"): "160.75",
}


@pytest.fixture(scope="module")
def czj():
    return process(CZJ_FINAL, root=REAL)


def test_the_filing_is_a_department_final(czj):
    assert czj.document.status == "loaded"
    assert (czj.document.doc_type, czj.document.scope) == ("final_accounts", "department")
    assert (czj.document.department_name, czj.document.year) == ("上海市普陀区财政局", 2024)


def test_summary_lines_with_carry_overs(czj):
    s = czj.frames["budget_summary"].filter(table_kind="summary")
    got = {(r["side"], r["item"], r["subject_code"]): r["amount_wan"] for r in s.iter_rows(named=True)}
    assert got == {k: Y(v) for k, v in SUMMARY.items()}  # blank lines (结余分配, 使用非财政拨款结余) are no rows
    assert set(s["basis"]) == {"final"}


def test_fiscal_summary_carry_overs(czj):
    s = czj.frames["budget_summary"].filter(table_kind="fiscal_summary")
    got = {(r["side"], r["item"], r["measure"]): r["amount_wan"] for r in s.iter_rows(named=True)}
    for key, value in FISCAL.items():
        assert got[key] == Y(value), key


def test_two_function_coded_lines_of_the_expenditure_table(czj):
    bl = czj.frames["budget_lines"].filter(table_kind="expenditure")
    got = {(r["subject_code"], r["measure"]): r["amount_wan"] for r in bl.iter_rows(named=True)
           if r["subject_code"] in ("2010601", "2080505")}
    assert got == {k: Y(v) for k, v in EXPENDITURE.items()}
    assert set(bl["basis"]) == {"final"}


def test_basic_expenditure_in_two_blocks(czj):
    # 人员经费合计 2,152.26 | 公用经费合计 184.65, the blocks side by side (page 11)
    bl = czj.frames["budget_lines"].filter(table_kind="basic_expenditure")
    got = {(r["subject_code"], r["measure"]): r["amount_wan"] for r in bl.iter_rows(named=True)}
    assert got[("301", "personnel")] == Y("2082.85")
    assert got[("30102", "personnel")] == Y("1238.58")
    assert got[("302", "public_operating")] == Y("171.07")
    assert got[("30201", "public_operating")] == Y("21.21")


def test_three_public_budget_and_final(czj):
    tp = czj.frames["three_public"]
    got = {(r["category"], r["basis"]): r["amount_wan"] for r in tp.iter_rows(named=True)}
    # 预算数 0.95 for 合计 and 公务接待费; every 决算数 blank; every other category blank on both
    assert got == {("total", "budget"): Y("0.95"), ("reception", "budget"): Y("0.95")}


def test_no_amount_is_lost_and_the_identities_hold(czj):
    assert not [f for f in czj.findings if f.check in ("amount_parses", "summary_item_known", "table_recognised")]
    results = {(r.check, r.table_kind): r for r in czj.checks}
    balance = results[("final_balance", "summary")]
    assert balance.status == "passed" and balance.compared >= 3
    narrative = results[("narrative_execution", "narrative")]
    # 一般公共预算 2993.92 → 2940.05 = 98.20 %; 三公 0.95 → 0.00 = 0 %, and its three parts
    assert narrative.status == "passed" and narrative.compared >= 9
    assert results[("three_public_sum", "three_public")].status == "passed"


@pytest.mark.parametrize("order", [("department", "unit"), ("unit", "department")])
def test_department_and_unit_budgets_both_stay_loaded(tmp_path, order):
    db = tmp_path / "w.duckdb"
    for scope in order:
        s = ingest([QZFBGS[scope]], db, county="普陀区", echo=lambda _: None)
        assert s.loaded == 1 and not s.rejected
    with duckdb.connect(str(db), read_only=True) as con:
        docs = con.execute("select scope, status, doc_type, year from core.documents order by scope").fetchall()
        assert docs == [("department", "loaded", "budget", 2025), ("unit", "loaded", "budget", 2025)]
        scopes = con.execute("select distinct scope from marts.budget_lines order by 1").fetchall()
        assert scopes == [("department",), ("unit",)]
        assert con.execute("select count(*) from core.restatements").fetchall() == [(0,)]


def test_budget_execution_of_the_final(tmp_path):
    db = tmp_path / "w.duckdb"
    s = ingest([CZJ_FINAL], db, county="普陀区", echo=lambda _: None)
    assert s.loaded == 1
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select category, budget_wan, final_wan, execution_pct, budget_source from marts.budget_execution "
            "where department_name = '上海市普陀区财政局' and year = 2024 and table_kind = 'three_public' "
            "and measure = 'total' order by category").fetchall()
        assert rows == [("reception", Y("0.95"), Y("0"), Y("0.00"), "final_accounts"),
                        ("total", Y("0.95"), Y("0"), Y("0.00"), "final_accounts")]
        # the other facts have no budget on file: no budget filing of 2024 is loaded
        none = con.execute(
            "select count(*), count(budget_wan), count(budget_source) from marts.budget_execution "
            "where table_kind = 'expenditure'").fetchall()[0]
        assert none[0] > 20 and none[1:] == (0, 0)


def test_xinandaxue_final_balances_with_every_line():
    # 西南大学 2023 决算, page 9: 上年结转和结余 93,660.54 + 本年收入 430,725.03 + 使用非财政拨款结余 45,110.97
    # = 本年支出 457,676.75 + 结余分配 4,970.88 + 年末结转和结余 106,848.91 (合计 569,496.54 both sides)
    item = process(REAL / "中央" / "教育部" / "chongqing_xinandaxue_2023_final.pdf", root=REAL)
    d = item.document
    assert (d.status, d.doc_type, d.scope, d.department_name, d.year) == (
        "loaded", "final_accounts", "department", "西南大学", 2023)
    s = item.frames["budget_summary"].filter(table_kind="summary")
    got = {(r["side"], r["item"]): r["amount_wan"] for r in s.iter_rows(named=True) if r["subject_code"] is None}
    assert {k: got[k] for k in [("income", "year_start_carryover"), ("income", "current_year_total"),
                                ("income", "use_of_non_fiscal_balance"), ("expense", "current_year_total"),
                                ("expense", "balance_distribution"), ("expense", "year_end_carryover"),
                                ("income", "grand_total"), ("expense", "grand_total")]} == {
        ("income", "year_start_carryover"): Y("93660.54"), ("income", "current_year_total"): Y("430725.03"),
        ("income", "use_of_non_fiscal_balance"): Y("45110.97"), ("expense", "current_year_total"): Y("457676.75"),
        ("expense", "balance_distribution"): Y("4970.88"), ("expense", "year_end_carryover"): Y("106848.91"),
        ("income", "grand_total"): Y("569496.54"), ("expense", "grand_total"): Y("569496.54")}
    results = {(r.check, r.table_kind): r.status for r in item.checks}
    assert results[("final_balance", "summary")] == "passed"
    assert results[("summary_sums", "summary")] == "passed"  # 其中：政府性基金 is a part of 财政拨款收入


def test_foshan_three_public_has_both_bases():
    # 佛山市轨道交通局 2019 决算, page 21: 预算数 all 0.00; 决算数 合计 0.16 = 公务接待费 0.16
    item = process(REAL / "广东省" / "佛山市" / "guangdong_foshan_guidaojiaotongju_2019_final.pdf", root=REAL)
    tp = item.frames["three_public"]
    got = {(r["category"], r["basis"]): r["amount_wan"] for r in tp.iter_rows(named=True)}
    assert got[("total", "budget")] == Y("0.00") and got[("reception", "budget")] == Y("0.00")
    assert got[("total", "final")] == Y("0.16") and got[("reception", "final")] == Y("0.16")
    assert got[("overseas_travel", "final")] == Y("0.00")
    assert len(got) == 12  # six categories × two bases
    results = {(r.check, r.table_kind): r.status for r in item.checks}
    assert results[("three_public_sum", "three_public")] == "passed"
    assert results[("final_balance", "summary")] == "passed"
