"""The reference filing (中国共产党魏县委员会办公室 2023), read end to end: the seed's figures, typed here by hand
from ../shared/seed/000_90c74acd61f76a6e.txt, and the exact set of findings reasoned from them."""

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from pipelines.lib.stages import process

ROOT = Path(__file__).parents[1] / "data" / "samples"
REFERENCE = ROOT / "河北省/邯郸市/魏县/2023/201_中国共产党魏县委员会办公室_2023.docx"


@pytest.fixture(scope="module")
def ref():
    return process(REFERENCE, root=ROOT)


def amount(df: pl.DataFrame, **where) -> tuple[Decimal, Decimal]:
    rows = df.filter(**where)
    assert rows.height == 1, (where, rows)
    return rows["amount_wan"][0], rows["amount_yuan"][0]


def test_metadata(ref):
    d = ref.document
    assert (d.department_code, d.department_name, d.year, d.unit) == (
        "201", "中国共产党魏县委员会办公室", 2023, "万元")
    assert (d.region, d.county, d.status) == ("河北省/邯郸市/魏县", "魏县", "loaded")


@pytest.mark.parametrize(
    ("table_kind", "code", "measure", "wan"),
    [
        ("income", "201", "total", "1974.41"),
        ("income", "2012901", "fiscal_appropriation", "291.31"),
        ("income", "2080505", "current_year_total", "31.80"),
        ("expenditure", "20131", "project", "1683.10"),
        ("expenditure", "2013199", "total", "931.20"),
        ("expenditure", "20805", "basic", "49.89"),
        ("general_public_expenditure", "2101201", "basic", "17.12"),
        ("general_public_expenditure", "2013105", "project", "154.20"),
        ("basic_expenditure", "301", "personnel", "308.39"),
        ("basic_expenditure", "30239", "public_operating", "14.76"),
        ("basic_expenditure", "303", "total", "3.17"),
        ("basic_expenditure", "30305", "personnel", "0.98"),
    ],
)
def test_budget_lines_match_the_seed(ref, table_kind, code, measure, wan):
    got_wan, got_yuan = amount(ref.frames["budget_lines"], table_kind=table_kind, subject_code=code, measure=measure)
    assert got_wan == Decimal(wan)
    assert got_yuan == Decimal(wan) * 10000


def test_blank_cells_are_no_rows_and_totals_are_not_lines(ref):
    bl = ref.frames["budget_lines"]
    # 2012901 行政运行 has 合计 291.31 | 基本支出 291.31 | 项目支出 blank in 支出总表
    assert bl.filter(table_kind="expenditure", subject_code="2012901", measure="project").height == 0
    assert bl.filter(pl.col("subject_code").is_null()).height == 0  # 合计 rows are checked, not stored
    # 支出总表: 14 coded rows (3 类, 4 款, 7 项… as printed) × non-blank measures
    assert sorted(bl.filter(table_kind="expenditure", measure="total")["subject_code"].to_list()) == [
        "201", "20129", "2012901", "20131", "2013101", "2013102", "2013105", "2013199",
        "208", "20805", "2080501", "2080505", "2080506", "210", "21012", "2101201"]
    assert bl.filter(table_kind="expenditure", subject_code="20129")["subject_level"].to_list() == [2, 2]
    assert bl.filter(table_kind="expenditure", subject_code="2013199", measure="total")["parent_code"][0] == "20131"


def test_summary_lines(ref):
    s = ref.frames["budget_summary"]
    assert amount(s, table_kind="summary", side="income", item="general_public_budget")[0] == Decimal("2041.42")
    classes = s.filter(table_kind="summary", side="expense", item="function_class")
    assert dict(zip(classes["subject_code"], classes["amount_wan"], strict=True)) == {
        "201": Decimal("1974.41"), "208": Decimal("49.89"), "210": Decimal("17.12")}
    assert amount(s, table_kind="fiscal_summary", side="expense", item="current_year_total",
                  measure="general_public")[1] == Decimal("20414200.00")


def test_three_public(ref):
    t = ref.frames["three_public"].filter(fund_source="total")
    assert dict(zip(t["category"], t["amount_wan"], strict=True)) == {
        "total": Decimal("54.50"), "subtotal": Decimal("54.50"), "reception": Decimal("54.50")}


def test_performance_tables(ref):
    projects = ref.frames["projects"]
    assert projects.height == 25
    cost = dict(zip(projects["project_seq"], projects["cost_wan"], strict=True))
    assert cost[5] == Decimal("260") and cost[19] == Decimal("86.6") and cost[22] == Decimal("634.2")
    ind = ref.frames["performance_indicators"]
    assert ind.height == 25 * 7
    p2 = ind.filter(project_seq=2)
    assert p2["classified"].to_list() == [True, True, True, False, True, True, False]
    assert p2.filter(indicator_level2="成本指标")["target_value"][0] == "2万元"
    assert set(p2["indicator_level1"]) == {"产出指标", "效益指标", "满意度指标"}


def test_narrative_figures_kept_with_their_sentence(ref):
    n = ref.frames["narrative_figures"]
    stated = dict(zip(n["figure"], n["stated_wan"], strict=True))
    assert stated["income_total"] == Decimal("2041.41")
    assert stated["personnel"] == Decimal("311.55")
    assert stated["change_on_prior_year"] == Decimal("479.43")
    assert "比2022年增加479.43万元" in n.filter(figure="change_on_prior_year")["sentence"][0]


def test_exact_findings_and_which_identities_hold_by_rounding(ref):
    # The seed's figures hold everywhere within printed rounding, so no warning at all; the rounding cases are:
    #  - 20805 行政事业单位养老支出 49.89 vs 2.18 + 31.80 + 15.90 = 49.88: in 收入总表 (3 measures printed),
    #    支出总表 and 一般公共预算支出表 (合计 and 基本支出 columns each)
    #  - 303 对个人和家庭的补助 3.17 vs 2.18 + 0.98 = 3.16 in 基本支出表 (合计 and 人员经费)
    #  - the narrative's 2041.41 (收入, 支出) and 311.55 (人员经费) vs the tables' 2041.42 and 311.56
    assert ref.findings == []
    by = {(r.check, r.table_kind): r for r in ref.checks}
    assert by[("hierarchy_sum", "income")].within_rounding == 3
    assert by[("hierarchy_sum", "expenditure")].within_rounding == 2
    assert by[("hierarchy_sum", "general_public_expenditure")].within_rounding == 2
    assert by[("hierarchy_sum", "basic_expenditure")].within_rounding == 2
    assert by[("narrative_vs_tables", "narrative")].within_rounding == 3
    # the empty 政府基金 / 国有资本经营 tables are not run, not failed
    assert by[("hierarchy_sum", "gov_fund_expenditure")].status == "not_run"
    assert by[("hierarchy_sum", "soe_capital_expenditure")].status == "not_run"
    assert all(r.status in ("passed", "not_run") for r in ref.checks)
    assert by[("cross_table", None)].compared >= 7
