"""Tables listed by spending unit land in marts.unit_lines, one row per unit and amount, the department's own row
(its code, its 合计's figures) left to the 合计 in marts.budget_lines — also where the department has one unit only,
whose row repeats the 合计's figures too (西安 信访局 2026, pages typed below)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.lib import warehouse
from pipelines.lib.ingest import ingest
from tests.real.real_samples import REAL

pytestmark = pytest.mark.real

XIAN = REAL / "陕西省" / "西安市"
XINFANG = XIAN / "shaanxi_xian_xinfangju_2026_budget.pdf"
ANJIAN = XIAN / "shaanxi_xian_anjianju_2019_budget_tables.pdf"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = tmp_path_factory.mktemp("units") / "w.duckdb"
    ingest([XINFANG, ANJIAN], db, echo=lambda _line: None)
    c = warehouse.connect(db, read_only=True)
    yield c
    c.close()


def _units(con, department: str, kind: str) -> set[tuple[str, str, Decimal]]:
    return set(con.execute(
        "select unit_name, measure, amount_yuan from marts.unit_lines where department_name = ? and table_kind = ? "
        "and item_name is null", [department, kind]).fetchall())


@pytest.mark.parametrize("kind", ["income", "expenditure"])
def test_a_department_of_one_unit_stores_that_unit(con, kind):
    # p.20 表2 部门综合预算收入总表 / p.21 表3 部门综合预算支出总表 (元): 合计 | 121 西安市信访局 | 121001 西安市信访局,
    # each 28,384,234.71 (合计) 28,384,234.71 (一般公共预算拨款 小计) 550,000.00 (其中：专项资金列入部门预算项目)
    got = _units(con, "西安市信访局", kind)
    assert got == {("西安市信访局", "total", Decimal("28384234.71")),
                   ("西安市信访局", "fiscal_appropriation", Decimal("28384234.71")),
                   ("西安市信访局", "of_which_special_funds", Decimal("550000.00"))}
    # one row per amount: 121001's row, not 121's as well
    (rows,) = con.execute("select count(*) from marts.unit_lines where department_name = '西安市信访局' and "
                          "table_kind = ?", [kind]).fetchone()
    assert rows == 3


def test_a_department_of_several_units_stores_each(con):
    # 安监局 2019 p.4 表2 收入总表 (万元): 125001 西安市安全生产监督管理局 2,123.93 | 125002 …宣传教育中心 463.23 |
    # 125003 …执法监察支队 837.77 | 125004 …应急救援中心 270.98 (总计), adding up to 合计 3,695.91
    got = {u: a for u, m, a in _units(con, "西安市安全生产监督管理局", "income") if m == "total"}
    assert got == {"西安市安全生产监督管理局": Decimal("21239300.00"), "西安市安全生产宣传教育中心": Decimal("4632300.00"),
                   "西安市安全生产执法监察支队": Decimal("8377700.00"), "西安市安全生产应急救援中心": Decimal("2709800.00")}
    assert sum(got.values()) == Decimal("36959100.00")
