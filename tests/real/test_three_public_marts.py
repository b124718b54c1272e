"""A 三公 table that prints the year before and the change beside its own year (深圳 2026: 2025年 | 2026年 |
增减变化金额 rows): marts.three_public holds the filing's own figures only, the comparison rows are in
marts.three_public_comparisons, and a contract query summing marts.three_public gets the 2026 三公."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.lib import warehouse
from pipelines.lib.ingest import ingest
from tests.real.real_samples import REAL

pytestmark = pytest.mark.real

SHENZHEN = REAL / "广东省" / "深圳市" / "guangdong_shenzhen_minzhengju_2026_budget.pdf"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = tmp_path_factory.mktemp("sz") / "w.duckdb"
    ingest([SHENZHEN], db, echo=lambda _line: None)
    c = warehouse.connect(db, read_only=True)
    yield c
    c.close()


def _by_category(con, relation: str, basis: str) -> dict[str, Decimal]:
    return dict(con.execute(
        f"select category, amount_wan from {relation} where fund_source = 'general_public' and basis = ?",
        [basis]).fetchall())


def test_marts_three_public_holds_the_filings_own_figures_only(con):
    # p.33 表9, the 2026 年 row (一般公共预算): 总计 66.00, 因公出国(境)费 46.80, 公务接待费 15.00, 公务用车 4.20
    assert con.execute("select distinct basis from marts.three_public").fetchall() == [("budget",)]
    (total,) = con.execute("select sum(amount_wan) from marts.three_public where category = 'total' "
                           "and fund_source = 'general_public'").fetchone()
    assert total == Decimal("66.00")
    got = _by_category(con, "marts.three_public", "budget")
    assert (got["overseas_travel"], got["reception"], got["vehicles"]) == (
        Decimal("46.80"), Decimal("15.00"), Decimal("4.20"))


def test_the_year_before_and_the_change_are_in_three_public_comparisons(con):
    # p.33 表9, the 2025 年 row: 总计 33.00, 出国 0.00, 接待 15.00, 用车 18.00; 增减变化金额: 33.00, 46.80, 0.00, -13.80
    prior = _by_category(con, "marts.three_public_comparisons", "prior_year_budget")
    change = _by_category(con, "marts.three_public_comparisons", "change_on_prior_year")
    assert (prior["total"], prior["overseas_travel"], prior["reception"], prior["vehicles"]) == (
        Decimal("33.00"), Decimal("0.00"), Decimal("15.00"), Decimal("18.00"))
    assert (change["total"], change["overseas_travel"], change["reception"], change["vehicles"]) == (
        Decimal("33.00"), Decimal("46.80"), Decimal("0.00"), Decimal("-13.80"))
    assert {b for (b,) in con.execute("select distinct basis from marts.three_public_comparisons").fetchall()} == {
        "prior_year_budget", "change_on_prior_year"}
    # every 三公 fact is in exactly one of the two relations
    (facts,) = con.execute("select count(*) from dw.fct_three_public").fetchone()
    (own,) = con.execute("select count(*) from marts.three_public").fetchone()
    (comparisons,) = con.execute("select count(*) from marts.three_public_comparisons").fetchone()
    assert own + comparisons == facts == 54
