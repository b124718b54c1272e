"""E3 and E4 of ../shared/seed/VARIANTS.md: every unit and unit label seen (万元, 元, 单位：/单位:/单位 : /金额单位:/
(单位:元)/單位:萬, the unit in a header cell or a metadata row, 元 and 万元 mixed in one filing) and every number format
(thousands separators, 2 / 1 / no decimals and mixed, blank / 0 / 0.00 / - / — / 　 for nothing, negatives, 涉密, a table
empty by declaration), each a generated filing of four standard tables ingested into a real warehouse: the facts are
the figures typed in filings.py, exact in 元 and 万元, with every printed amount read."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from tests.variants import filings as F
from tests.variants.warehouse import build, dept

D = Decimal
B = F.Style()
# id → the style of the whole filing (per table for the mixed one)
STYLES: dict[str, F.Style] = {
    "万元, 2 decimals, blank for nothing (平山)": B,
    "元, 单位：元, thousands separators, 2 decimals (上海 2026 96,282,213.44)": replace(B, unit="元", thousands=True),
    "元, thousands separators, integers (上海 2023 164,978,640)": replace(B, unit="元", thousands=True, decimals=0),
    "元, no separators (87267272.44)": replace(B, unit="元"),
    "万元, 1 decimal (11.4, 71339.2)": replace(B, decimals=1),
    "万元, as few decimals as needed (1.00 beside 1: 30 | 120.5)": replace(B, decimals=-1),
    "万元, 0 for nothing (上海 T9)": replace(B, zero="0"),
    "万元, 0.00 for nothing (南漳, 青阳)": replace(B, zero="0.00"),
    "万元, - for nothing": replace(B, zero="-"),
    "万元, — for nothing": replace(B, zero="—"),
    "万元, 　 (an ideographic space) for nothing": replace(B, zero="\u3000"),
    "单位:万元 (ASCII colon)": replace(B, unit_label="单位:"),
    "单位 : 万元 (spaces, docsplayer)": replace(B, unit_label="单位 : "),
    "金额单位：万元 (决算 template)": replace(B, unit_label="金额单位："),
    "(单位:元) (寻甸 附件)": replace(B, unit="元", unit_label="(单位:"),
    "單位:萬 (沅陵, traditional and cut)": replace(B, unit="萬", unit_label="單位:"),
    "单位：元 in the grid's top-right header cell": replace(B, unit="元", meta="header", thousands=True),
    "单位：万元 in a Hebei metadata row": replace(B, meta="row"),
}
ZEROS = {k for k, s in STYLES.items() if s.zero.strip()}  # (a space printed for nothing is a blank cell)


def _tables(s: F.Style) -> list[tuple[F.Table, F.Style]]:
    # 萬 is how 沅陵 prints 万元: the figures are in 万元 (the style prints them as 万元 does)
    return [(F.summary("部门收支总表", s), s), (F.expenditure("部门支出总表", s), s),
            (F.basic("一般公共预算基本支出表", s), s), (F.three_public("一般公共预算“三公”经费支出表", s, "wide"), s)]


def _plan():
    filings = {}
    for n, s in enumerate(STYLES.values()):
        s = replace(s, dept=dept("格式", n))
        filings[f"f{n:02d}"] = _tables(s)
    # 上海: tables 1–8 in 元, the 三公 table in 万元, one filing
    yuan = replace(B, unit="元", thousands=True, dept=dept("混合", 0))
    wan = replace(yuan, unit="万元", thousands=False)
    mixed = _tables(yuan)
    mixed[3] = (F.three_public("部门“三公”经费预算表", wan, "wide"), wan)
    filings["mixed"] = mixed
    return filings


FILINGS = _plan()
FILE = {vid: f"f{n:02d}" for n, vid in enumerate(STYLES)}
Z = D(0)


def expected(zeros: bool) -> dict[int, set]:
    """Per table of a format filing, the facts (万元), typed from filings.py's constants; with ``zeros`` the cells
    printed as 0 / 0.00 / - are rows with 0 (CONTRACT.md), else blank cells are no rows."""
    summary = {(s, i, c, "amount", a) for s, i, c, a in F.expect_summary(False)}
    if zeros:
        summary |= {("income", "gov_fund_budget", None, "amount", Z), ("income", "business", None, "amount", Z),
                    ("income", "prior_year_carryover", None, "amount", Z), ("expense", "function_class", "210", "amount", Z),
                    ("expense", "year_end_carryover", None, "amount", Z)}
    lines = {(c, m, a, "budget") for c, m, a in F.expect_function(F.EXPENDITURE, zeros)}
    basic = {(c, m, a, "budget") for c, m, a in F.BASIC_LINES}
    if zeros:
        basic |= {(c, "personnel", Z, "budget") for c, _, _, x, _ in F.ECONOMIC if not x}
        basic |= {(c, "public_operating", Z, "budget") for c, _, _, _, y in F.ECONOMIC if not y}
    three = {(k, "budget", v) for k, v in F.THREE.items() if v or zeros}
    return {0: summary, 1: lines, 2: basic, 3: three}


def facts(wh, file: str, table: int) -> set:
    if table == 0:
        return set(wh.rows("select side, item, subject_code, measure, amount_wan from staging.budget_summary "
                           "where document_id = ? and source_table = ?", file, table))
    if table == 3:
        return wh.three_public(file, table)
    return set(wh.rows("select subject_code, measure, amount_wan, basis from staging.budget_lines "
                       "where document_id = ? and source_table = ?", file, table))


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    w = build(tmp_path_factory.mktemp("formats"), FILINGS)
    yield w
    w.con.close()


@pytest.mark.parametrize("vid", list(STYLES))
def test_format_variant(wh, vid):
    file, s = FILE[vid], STYLES[vid]
    _, status, _, year, _, _, unit = wh.doc(file)
    assert (status, year) == ("loaded", F.YEAR)
    assert unit == ("元" if s.unit == "元" else "万元")
    want = expected(vid in ZEROS)
    for table in range(4):
        assert facts(wh, file, table) == want[table], (table, wh.kind(file, table))
        printed, read = wh.coverage(file, table)
        assert printed == read, wh.gaps(file, table)
    # exact in both units: 元 = 万元 × 10000 to the cent, whatever the filing printed in
    bad = wh.con.execute("select count(*) from staging.budget_lines where document_id = ? "
                         "and amount_yuan <> amount_wan * 10000", [wh.doc(file)[0]]).fetchone()
    assert bad == (0,)
    assert wh.findings(file) == []


def test_yuan_figures_are_exact_to_the_cent(wh):
    """元 printed with separators: 80.30 万元 was printed 803,000.00 and is 803000.00 元."""
    got = wh.rows("select amount_yuan, amount_wan, amount_text from staging.budget_lines where document_id = ? "
                  "and source_table = ? and subject_code = '2010301' and measure = 'total'", FILE[
                      "元, 单位：元, thousands separators, 2 decimals (上海 2026 96,282,213.44)"], 1)
    assert got == [(D("803000.00"), D("80.300000"), "803,000.00")]


def test_yuan_and_wan_in_one_filing(wh):
    """上海: tables 1–8 in 元, the 三公 table in 万元 — each read in its own unit."""
    want = expected(False)
    for table in range(4):
        assert facts(wh, "mixed", table) == want[table], table
    [(text,)] = wh.rows("select amount_text from staging.three_public where document_id = ? and source_table = ? "
                        "and category = 'total'", "mixed", 3)
    assert text == "12.00"
    [(text,)] = wh.rows("select amount_text from staging.budget_lines where document_id = ? and source_table = ? "
                        "and subject_code = '201' and measure = 'total'", "mixed", 1)
    assert text == "1,205,000.00"
    assert wh.findings("mixed") == []
