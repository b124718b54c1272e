"""The synthetic 决算 of 魏县教育局 2023 against figures typed by hand (its outturn as written in
pipelines/samples/final_accounts.py, the budget's figures as printed in the shipped 2023 budget), and
what the warehouse makes of the pair: execution rates with budget_source 'budget'."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.lib.ingest import ingest
from pipelines.lib.stages import process

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
FINAL = SAMPLES / "河北省" / "邯郸市" / "魏县" / "2023" / "305_魏县教育局_2023_决算.docx"
BUDGET = SAMPLES / "河北省" / "邯郸市" / "魏县" / "2023" / "305_魏县教育局_2023.docx"
Y = Decimal


@pytest.fixture(scope="module")
def final():
    return process(FINAL, root=SAMPLES)


def test_it_is_a_final_of_the_department(final):
    d = final.document
    assert (d.status, d.doc_type, d.scope) == ("loaded", "final_accounts", "department")
    assert (d.department_code, d.department_name, d.year) == ("305", "魏县教育局", 2023)
    assert final.findings == []  # every 决算 identity holds, the narrative agrees with the tables


def test_summary_figures(final):
    s = final.frames["budget_summary"].filter(table_kind="summary")
    got = {(r["side"], r["item"]): r["amount_wan"] for r in s.iter_rows(named=True) if r["subject_code"] is None}
    # 人员经费 655.19 + 公用经费 75.03 + 项目 3351.95 = 4082.17 spent; 12.40 more received; 35.60 carried in
    assert got == {("income", "general_public_budget"): Y("4094.57"), ("income", "current_year_total"): Y("4094.57"),
                   ("income", "year_start_carryover"): Y("35.60"), ("income", "grand_total"): Y("4130.17"),
                   ("expense", "current_year_total"): Y("4082.17"), ("expense", "year_end_carryover"): Y("48.00"),
                   ("expense", "grand_total"): Y("4130.17")}
    assert set(s["basis"]) == {"final"}


def test_three_public_budget_and_final(final):
    tp = final.frames["three_public"].filter(fund_source="total")
    got = {(r["category"], r["basis"]): r["amount_wan"] for r in tp.iter_rows(named=True)}
    assert got[("total", "budget")] == Y("33.00") and got[("total", "final")] == Y("30.07")
    assert got[("vehicle_purchase", "budget")] == Y("18.00") and got[("vehicle_purchase", "final")] == Y("17.62")
    assert got[("vehicle_operation", "budget")] == Y("9.20") and got[("vehicle_operation", "final")] == Y("8.35")
    assert got[("reception", "budget")] == Y("5.80") and got[("reception", "final")] == Y("4.10")


def test_execution_against_the_shipped_budget(tmp_path):
    db = tmp_path / "w.duckdb"
    s = ingest([BUDGET, FINAL], db, county="魏县", echo=lambda _: None)
    assert s.loaded == 2
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select doc_type, status from core.documents order by doc_type").fetchall() == [
            ("budget", "loaded"), ("final_accounts", "loaded")]  # a 决算 never supersedes a 预算

        def row(where: str) -> tuple:
            rows = con.execute(
                "select budget_wan, final_wan, execution_pct, budget_source from marts.budget_execution "
                f"where department_code = '305' and year = 2023 and {where}").fetchall()
            assert len(rows) == 1, where
            return rows[0]

        assert row("table_kind = 'expenditure' and subject_code = '205' and measure = 'total'") == (
            Y("4082.42"), Y("3891.58"), Y("95.33"), "budget")
        assert row("table_kind = 'summary' and side = 'expense' and item = 'current_year_total'") == (
            Y("4274.47"), Y("4082.17"), Y("95.50"), "budget")
        assert row("table_kind = 'basic_expenditure' and subject_code = '302' and measure = 'total'") == (
            Y("83.12"), Y("75.03"), Y("90.27"), "budget")
        assert row("table_kind = 'three_public' and category = 'total' and measure = 'total'") == (
            Y("33.00"), Y("30.07"), Y("91.12"), "final_accounts")
        # like with like: no year-over-year row mixes the 决算 with a budget
        assert con.execute("select count(*) from marts.yoy_change where doc_type = 'final_accounts'").fetchall() == [
            (0,)]
