"""The three real 上海市普陀区 filings through the whole path: figures typed by hand from the PDFs (in 元, as printed),
their real defects surfacing as findings, and the 万里街道 2023 → 2024 changes in the marts."""

from decimal import Decimal

import duckdb
import pytest

from pipelines.lib.ingest import ingest
from pipelines.lib.stages import process
from tests.real.real_samples import REAL_PDFS

pytestmark = pytest.mark.real  # skipped without ../shared, a failure in CI (tests/conftest.py)

Y = Decimal

# 收支总表 expense by function class, 元
CLASSES = {
    2023: {"201": "2976800", "204": "1252300", "206": "100000", "207": "200000", "208": "27073236",
           "210": "3095732", "212": "121319878", "221": "8960694"},
    2024: {"201": "2932700", "204": "1633000", "205": "250000", "206": "100000", "207": "200000",
           "208": "19604064", "210": "3223657", "212": "119385303", "221": "8882399"},
    2026: {"204": "87267272.44", "208": "3343704.00", "210": "1149678.00", "221": "4521559.00"},
}
# 支出总表: one class's 合计 | 基本支出 | 项目支出, and the table's 合计 row
SPLIT = {2023: ("208", "27073236", "18285736", "8787500"), 2024: ("208", "19604064", "13368164", "6235900"),
         2026: ("204", "87267272.44", "16726725.44", "70540547.00")}
TOTALS = {2023: ("164978640", "99406297", "65572343"), 2024: ("156211123", None, None),
          2026: ("96282213.44", None, None)}
# 基本支出表 by economic class: 合计, and the 人员经费 / 公用经费 totals of the table
ECONOMIC = {2023: ({"301": "83847385", "302": "15381432", "303": "177480"}, "84024865", "15381432"),
            2026: ({"301": "23084662.00", "302": "2141724.44", "303": "478680.00", "310": "36600.00"}, None, None)}
# 三公 row (万元): 合计, 出国, 接待, 用车小计, 购置, 运行, 机关运行经费
THREE = {2023: ("22.91", "0", "1.35", "21.56", "0", "21.56", "786.09"),
         2024: ("47.91", "0", "1.35", "46.56", "25", "21.56", "443.18"),
         2026: ("10.81", "0", "0.83", "9.98", "0", "9.98", "217.83")}
CATS = ("total", "overseas_travel", "reception", "vehicles", "vehicle_purchase", "vehicle_operation", "office_operation")


@pytest.fixture(scope="module")
def real():
    return {year: process(path, root=path.parent) for year, path in REAL_PDFS.items()}


@pytest.mark.parametrize("year", [2023, 2024, 2026])
def test_summary_expense_by_class(real, year):
    s = real[year].frames["budget_summary"].filter(table_kind="summary", side="expense", item="function_class")
    assert dict(zip(s["subject_code"], s["amount_yuan"], strict=True)) == {k: Y(v) for k, v in CLASSES[year].items()}


@pytest.mark.parametrize("year", [2023, 2024, 2026])
def test_basic_project_split(real, year):
    bl = real[year].frames["budget_lines"].filter(table_kind="expenditure")
    code, total, basic, project = SPLIT[year]
    got = {m: bl.filter(subject_code=code, measure=m)["amount_yuan"][0] for m in ("total", "basic", "project")}
    assert got == {"total": Y(total), "basic": Y(basic), "project": Y(project)}
    classes = bl.filter(subject_level=1)
    t, b, p = TOTALS[year]
    assert sum(classes.filter(measure="total")["amount_yuan"]) == Y(t)
    if b:
        assert sum(classes.filter(measure="basic")["amount_yuan"]) == Y(b)
        assert sum(classes.filter(measure="project")["amount_yuan"]) == Y(p)


@pytest.mark.parametrize("year", [2023, 2026])
def test_economic_classes_and_personnel_public_split(real, year):
    bl = real[year].frames["budget_lines"].filter(table_kind="basic_expenditure", subject_level=1)
    classes, personnel, public = ECONOMIC[year]
    tot = bl.filter(measure="total")
    assert dict(zip(tot["subject_code"], tot["amount_yuan"], strict=True)) == {k: Y(v) for k, v in classes.items()}
    if personnel:
        assert sum(bl.filter(measure="personnel")["amount_yuan"]) == Y(personnel)
        assert sum(bl.filter(measure="public_operating")["amount_yuan"]) == Y(public)


@pytest.mark.parametrize("year", [2023, 2024, 2026])
def test_three_public_row(real, year):
    t = real[year].frames["three_public"]
    assert dict(zip(t["category"], t["amount_wan"], strict=True)) == dict(zip(CATS, map(Y, THREE[year]), strict=True))
    assert set(t["fund_source"]) == {"total"}


def test_units_kept_exactly_in_both(real):
    bl = real[2026].frames["budget_lines"].filter(table_kind="expenditure", subject_code="204", measure="basic")
    assert (bl["amount_yuan"][0], bl["amount_wan"][0]) == (Y("16726725.44"), Y("1672.672544"))


def test_real_defects_surface_as_findings(real):
    f23 = [(f.check, f.actual) for f in real[2023].findings]
    assert f23 == [
        ("narrative_claims", "增加1421.25万元"),  # 政府性基金 0万元 yet "比2022年预算增加1421.25万元"
        # 公共服务设施运行经费: 年度资金申请总额 10,903,043.00 yet 其中：当年财政拨款 11,419,043.00
        ("project_funds_sum", "11,419,043.00"),
    ]

    f24 = sorted((f.check, f.location) for f in real[2024].findings)
    assert ("empty_note_consistent", "table 21") in f24  # 三公 figures printed beside "故本表为空表"
    assert [x for x in f24 if x[0] == "subject_code_present"] == [
        ("subject_code_present", "table 19 row 5 col 1"), ("subject_code_present", "table 19 row 6 col 1")]  # 301|2, 301|7
    assert real[2024].document.status == "loaded"

    f26 = [f for f in real[2026].findings if f.check == "narrative_claims"]
    assert f26 and all(f.actual == "2026年" for f in f26)  # "比2026年预算增加793.14万元" in a 2026 budget
    assert any("比2026年预算增加793.14万元" in f.message for f in f26)


def test_wanli_changes_in_the_marts(tmp_path):
    db = tmp_path / "w.duckdb"
    s = ingest([REAL_PDFS[2023], REAL_PDFS[2024]], db, county="普陀区", echo=lambda _: None)
    assert s.loaded == 2 and not s.rejected
    with duckdb.connect(str(db), read_only=True) as con:
        trend = con.execute(
            "select category, prior_amount_wan, amount_wan, change_wan from marts.three_public_trend "
            "where year = 2024 and category in ('total', 'vehicle_purchase') order by category").fetchall()
        assert trend == [("total", Y("22.910000"), Y("47.910000"), Y("25.000000")),
                         ("vehicle_purchase", Y("0E-6"), Y("25.000000"), Y("25.000000"))]
        yoy = con.execute(
            "select prior_amount_wan, amount_wan, change_wan from marts.yoy_change where year = 2024 "
            "and table_kind = 'expenditure' and subject_code = '205' and measure = 'total'").fetchall()
        assert yoy == [(Y("0E-6"), Y("25.000000"), Y("25.000000"))]  # 教育支出: new in 2024, counted from 0


@pytest.mark.parametrize("year", [2023, 2024, 2026])
def test_shanghai_income_columns_add_up(real, year):
    # 收入预算总表 prints 合计 | 财政拨款收入 | 事业收入 | 其他收入 (no 本年收入 subtotal): 合计 = Σ sources, row by row
    r = next(r for r in real[year].checks if r.check == "measures_sum" and r.table_kind == "income")
    assert r.status == "passed" and r.compared >= 22
