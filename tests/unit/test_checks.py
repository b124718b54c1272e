"""The identities: rounding is never an error, an error is never rounding.

Hierarchies are generated: consistent ones (each parent the rounded sum of its unrounded children, as a
budget office's spreadsheet prints them) must produce no finding; the same hierarchy with one leaf moved
by more than the printed-precision tolerance must produce one that names the moved row's parent.
"""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.lib.checks import validate
from pipelines.lib.model import Filing, Table
from pipelines.lib.normalize import Line, Loc, Normalized, ThreePublicLine
from pipelines.lib.numbers import Amount

CENT = Decimal("0.01")


def printed(d: Decimal) -> Amount:
    q = d.quantize(CENT, rounding=ROUND_HALF_UP)
    return Amount(q, f"{q:.2f}", 2)


def filing_with(*kinds: str) -> Filing:
    tables = [Table(index=i, kind=k, title=k, unit="万元", header=[], body=[], n_cols=0) for i, k in enumerate(kinds)]
    return Filing("docx", "201", "测试部门", 2023, "budget", "万元", tables, [])


# a tree: classes → 款 → 项, each leaf an unrounded amount with 4 decimals
leaf = st.decimals(min_value=0, max_value=100000, places=4, allow_nan=False, allow_infinity=False)
tree = st.lists(st.lists(st.lists(leaf, min_size=1, max_size=5), min_size=1, max_size=4), min_size=1, max_size=4)
# the same shape with leaves printed exactly (2 decimals), so every parent is the exact sum
cents = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
exact_tree = st.lists(st.lists(st.lists(cents, min_size=1, max_size=5), min_size=1, max_size=4), min_size=1, max_size=4)


def lines_for(t, kind="expenditure", measure="total"):
    out, row = [], 0

    def add(code, value, total=False):
        nonlocal row
        out.append(Line(kind, "function", code, f"科目{code}", measure, printed(value), "万元",
                        Loc(0, row, 3), is_total=total))
        row += 1

    grand = sum((x for c in t for k in c for x in k), Decimal(0))
    add(None, grand, total=True)
    for i, c in enumerate(t):
        lei = f"2{i + 1:02d}"
        add(lei, sum((x for k in c for x in k), Decimal(0)))
        for j, k in enumerate(c):
            kuan = f"{lei}{j + 1:02d}"
            add(kuan, sum(k, Decimal(0)))
            for m, x in enumerate(k):
                add(f"{kuan}{m + 1:02d}", x)
    return out


@settings(max_examples=150, deadline=None)
@given(tree)
def test_consistent_hierarchies_never_produce_a_finding(t):
    norm = Normalized("0" * 64, lines=lines_for(t))
    v = validate(filing_with("expenditure"), norm)
    hier = next(r for r in v.results if r.check == "hierarchy_sum" and r.table_kind == "expenditure")
    assert hier.status == "passed", hier.findings
    assert hier.compared > 0
    assert not [f for f in v.findings if f.check == "hierarchy_sum"]


@settings(max_examples=150, deadline=None)
@given(exact_tree, st.data())
def test_one_leaf_moved_beyond_tolerance_always_warns(t, data):
    lines = lines_for(t)
    leaves = [x for x in lines if x.subject_code and len(x.subject_code) == 7]
    victim = data.draw(st.sampled_from(leaves))
    siblings = [x for x in leaves if x.subject_code[:5] == victim.subject_code[:5]]
    tolerance = Decimal("0.005") * (len(siblings) + 1)
    delta = data.draw(st.decimals(min_value=tolerance + CENT, max_value=1000, places=2))
    victim.amount = Amount(victim.amount.value + delta, "moved", 2)
    v = validate(filing_with("expenditure"), Normalized("0" * 64, lines=lines))
    hits = [f for f in v.findings if f.check == "hierarchy_sum"]
    assert hits, f"moving {victim.subject_code} by {delta} went unnoticed"
    parent_row = next(x for x in lines if x.subject_code == victim.subject_code[:5]).loc
    assert any(f.location == str(parent_row) for f in hits)
    assert all(f.severity == "warning" for f in hits)


def test_seed_rounding_cases_are_rounding_not_errors():
    # 基本支出表: 对个人和家庭的补助 3.17 vs 退休费 2.18 + 生活补助 0.98 = 3.16 (the seed's own figures)
    lines = [
        Line("basic_expenditure", "economic", None, "合计", "total", printed(Decimal("3.17")), "万元", Loc(5, 4, 3), True),
        Line("basic_expenditure", "economic", "303", "对个人和家庭的补助", "total", printed(Decimal("3.17")), "万元", Loc(5, 5, 3)),
        Line("basic_expenditure", "economic", "30302", "退休费", "total", printed(Decimal("2.18")), "万元", Loc(5, 6, 3)),
        Line("basic_expenditure", "economic", "30305", "生活补助", "total", printed(Decimal("0.98")), "万元", Loc(5, 7, 3)),
    ]
    v = validate(filing_with("basic_expenditure"), Normalized("0" * 64, lines=lines))
    hier = next(r for r in v.results if r.check == "hierarchy_sum" and r.table_kind == "basic_expenditure")
    assert hier.status == "passed"
    assert hier.within_rounding == 1


def test_a_kuan_off_by_ten_warns_with_its_location():
    lines = [
        Line("expenditure", "function", "201", "一般公共服务支出", "total", printed(Decimal("1974.41")), "万元", Loc(2, 5, 3)),
        Line("expenditure", "function", "20129", "群众团体事务", "total", printed(Decimal("301.31")), "万元", Loc(2, 6, 3)),
        Line("expenditure", "function", "20131", "党委办公厅（室）及相关机构事务", "total", printed(Decimal("1683.10")), "万元", Loc(2, 8, 3)),
    ]
    v = validate(filing_with("expenditure"), Normalized("0" * 64, lines=lines))
    [f] = [f for f in v.findings if f.check == "hierarchy_sum"]
    assert f.location == "table 2 row 5 col 3"
    assert (f.expected, f.actual) == ("1974.41", "1984.41")
    assert "10.00" in f.message


def test_absent_and_declared_empty_tables_are_not_run_not_failed():
    f = filing_with("expenditure", "gov_fund_expenditure")
    f.tables[1].empty_declared = True
    v = validate(f, Normalized("0" * 64))
    status = {(r.check, r.table_kind): r.status for r in v.results}
    assert status[("hierarchy_sum", "gov_fund_expenditure")] == "not_run"
    assert status[("hierarchy_sum", "soe_capital_expenditure")] == "not_run"
    reasons = {r.table_kind: r.reason for r in v.results if r.check == "hierarchy_sum"}
    assert "empty by declaration" in reasons["gov_fund_expenditure"]
    assert "no " in reasons["soe_capital_expenditure"]
    assert not [x for x in v.findings if x.severity == "error"]


def test_three_public_parts():
    def tp(cat, v, row):
        return ThreePublicLine(cat, cat, "total", printed(Decimal(v)), "万元", Loc(8, row, 2))

    good = [tp("total", "54.50", 3), tp("subtotal", "54.50", 4), tp("reception", "54.50", 11)]
    v = validate(filing_with("three_public"), Normalized("0" * 64, three_public=good))
    r = next(r for r in v.results if r.check == "three_public_sum")
    assert (r.status, r.compared) == ("passed", 2)
    bad = [tp("total", "60.00", 3), tp("subtotal", "54.50", 4), tp("vehicles", "5.00", 7),
           tp("vehicle_purchase", "5.00", 8), tp("vehicle_operation", "1.00", 9), tp("reception", "49.50", 11)]
    v = validate(filing_with("three_public"), Normalized("0" * 64, three_public=bad))
    where = sorted(f.location for f in v.findings if f.check == "three_public_sum")
    # 合计 60.00 ≠ 小计 54.50, and 用车 5.00 ≠ 购置 5.00 + 运行 1.00; 小计 = 0 + 5.00 + 49.50 holds
    assert where == ["table 8 row 3 col 2", "table 8 row 7 col 2"]


def test_no_year_or_department_is_an_error():
    f = filing_with("expenditure")
    f.year, f.department_name = None, None
    v = validate(f, Normalized("0" * 64))
    assert v.rejected
    assert sorted(x.actual for x in v.findings if x.severity == "error") == ["no_department", "no_year"]


def test_a_total_only_table_borrows_no_columns_from_another_table_of_its_kind():
    """江苏: a one-row 支出总表 prints 合计 = 基本 + 项目 + 预留; its 财政拨款支出表 (also table_kind expenditure)
    prints 合计 only. Its rows have no parts to add up: nothing to compare, not 'parts add up to 0.00'."""
    def line(table, row, code, measure, value):
        return Line("expenditure", "function", code, f"科目{code}", measure, printed(Decimal(value)), "万元",
                    Loc(table, row, 3))

    one_row = [line(2, 0, "201", "total", "100.00"), line(2, 0, "201", "basic", "60.00"),
               line(2, 0, "201", "project", "40.00")]
    total_only = [line(4, 0, "201", "total", "90.00"), line(4, 1, "20131", "total", "90.00")]
    v = validate(filing_with("expenditure"), Normalized("0" * 64, lines=one_row + total_only))
    assert [f for f in v.findings if f.check == "measures_sum"] == []
    measures = [r for r in v.results if r.check == "measures_sum" and r.table_kind == "expenditure"]
    assert [(r.status, r.compared) for r in measures] == [("passed", 1)]
    # and the one-row table still is checked: a wrong part warns
    one_row[1] = line(2, 0, "201", "basic", "50.00")
    v = validate(filing_with("expenditure"), Normalized("0" * 64, lines=one_row + total_only))
    assert [f.location for f in v.findings if f.check == "measures_sum"] == [str(Loc(2, 0, 3))]
