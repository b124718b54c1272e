"""Self-coverage: what counts as a printed amount, what counts as read, and the finding under 98 %."""

from __future__ import annotations

from decimal import Decimal

from pipelines.lib import coverage
from pipelines.lib.model import Cell, Filing, Table
from pipelines.lib.normalize import normalize


def _table(kind: str, header: list[str], rows: list[list[str]], index: int = 0) -> Table:
    body = [[Cell(text, r + 2, c, table=index) for c, text in enumerate(row)] for r, row in enumerate(rows)]
    return Table(index=index, kind=kind, title="一般公共预算支出表", unit="万元", header=header, body=body,
                 n_cols=len(header), parts=[index])


def _filing(*tables: Table) -> Filing:
    return Filing("docx", None, "某局", 2026, "budget", "万元", list(tables), [])


def test_codes_row_numbers_and_percentages_are_not_amounts():
    t = _table("general_public_expenditure", ["行次", "科目编码", "科目名称", "合计", "增减(%)"], [
        ["1", "", "合计", "30.00", "5.0%"],
        ["2", "201", "一般公共服务支出", "30.00", "5.0%"],
        ["3", "20101", "人大事务", "30.00", "-1.5%"],
    ])
    f = _filing(t)
    cov = coverage.measure(f, normalize(f, "x"))
    assert (cov.printed, cov.read) == (3, 3)  # 合计 30.00 and the two subjects; not 1/2/3, 201/20101 or the %
    assert cov.result().status == "passed"


def test_a_cell_left_out_is_named_with_its_reason_and_warns_under_98_percent():
    t = _table("general_public_expenditure", ["科目编码", "科目名称", "合计", "某种列"], [
        ["201", "一般公共服务支出", "30.00", "7.00"],
        ["", "没有编码的行", "3.00", ""],
    ])
    f = _filing(t)
    cov = coverage.measure(f, normalize(f, "x"))
    assert (cov.printed, cov.read) == (3, 1)  # 30.00 read; 7.00 and 3.00 left out
    reasons = {g.text: g.reason for g in cov.gaps}
    assert "no role" in reasons["7.00"] and "某种列" in reasons["7.00"]  # a column yusuan has no role for
    assert "no subject code" in reasons["3.00"]  # the finding normalization made for the row
    result = cov.result()
    assert result.status == "failed"
    (finding,) = result.findings
    assert finding.severity == "warning" and "1 of the 3" in finding.message and "'7.00'" in finding.message
    frames = cov.frames("d" * 64)
    assert frames["coverage"]["printed"].to_list() == [3]
    assert frames["coverage_gaps"].height == 2


def test_tables_yusuan_does_not_read_as_budget_tables_are_not_counted():
    t = _table("procurement", ["采购品目", "金额"], [["货物", "12.00"]])
    f = _filing(t)
    cov = coverage.measure(f, normalize(f, "x"))
    assert cov.printed == 0 and cov.result().status == "not_run"


def test_the_share_is_rounded_down_so_100_means_everything_and_98_means_at_least_98():
    assert coverage.percent(2000, 2000) == Decimal("100.0")
    assert coverage.percent(1999, 2000) == Decimal("99.9")  # 99.95: one amount left out is not "100.0 %"
    assert coverage.percent(13103, 13109) == Decimal("99.9")  # the 36 real filings' total
    assert coverage.percent(1959, 2000) == Decimal("97.9")  # 97.95 is under 98 %, not 98.0
    assert coverage.percent(0, 7) == Decimal("0.0") and coverage.percent(0, 0) is None
