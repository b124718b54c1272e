"""What a filing of ``tests/variants/filings.py``'s five tables must read as, however it is printed: the figures
typed there, table by table (shared by the ruling families of test_layouts and the grids of test_grids)."""

from __future__ import annotations

from tests.variants import filings as F
from tests.variants.warehouse import Warehouse

KINDS = ["summary", "income", "expenditure", "basic_expenditure", "three_public"]


def reads_the_five_tables(wh: Warehouse, file: str, parts: dict[str, list[int]], allowed: set = frozenset()) -> None:
    """Assert the filing's five tables (``parts``: each kind's physical tables, :meth:`Warehouse.parts`) hold the
    typed facts, every printed amount is read and no finding above ``info`` was raised (but the ``allowed`` (severity,
    check) pairs)."""
    assert list(parts) == KINDS

    def lines(kind: str) -> set:
        return set().union(*(wh.lines(file, t) for t in parts[kind]))

    assert set().union(*(wh.summary(file, t) for t in parts["summary"])) == F.expect_summary(False)
    assert lines("income") == F.expect_function(F.INCOME)
    assert lines("expenditure") == F.expect_function(F.EXPENDITURE)
    assert lines("basic_expenditure") == F.BASIC_LINES
    assert set().union(*(wh.three_public(file, t) for t in parts["three_public"])) == {
        (k, "budget", v) for k, v in F.THREE.items() if v}
    # typed: the amounts each table prints (收支总表 7, 收入总表 8 rows × 2, 支出总表 19, 基本支出 13, 三公 5); in 元
    # too, where 1505000 and 20000 are shaped like codes (7 and 5 digits) and the 三公 row has no label
    assert [wh.coverage(file, parts[k][0]) for k in KINDS] == [(7, 7), (16, 16), (19, 19), (13, 13), (5, 5)]
    assert [f for f in wh.findings(file) if f[0] != "info" and f[:2] not in allowed] == []
