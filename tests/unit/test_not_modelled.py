"""A table yusuan knows by its title but does not model is said to be what it is, not "not recognised"
(titles as 西安 prints them: 信访局 2026 p.14 培训费明细表, p.30 部门综合预算财政拨款上年结转资金支出表; 安监局 2019
p.29 表11-财拨结转支出表)."""

from __future__ import annotations

import pytest

from pipelines.lib import checks
from pipelines.lib.classify_text import kind_from_title
from pipelines.lib.model import Cell, Filing, Table
from pipelines.lib.normalize import normalize


def _readable(title: str) -> str:
    t = Table(index=3, kind=kind_from_title(title) or "unknown", title=title, unit="元", header=["项目", "金额"],
              body=[[Cell("某项", 1, 0, table=3), Cell("12.00", 1, 1, table=3)]], n_cols=2, parts=[3])
    f = Filing("pdf", None, "某局", 2026, "budget", "元", [t], [])
    (finding,) = [x for x in checks._readable(normalize(f, "x"), f).findings if x.check == "table_recognised"]
    assert finding.severity == "warning"  # its amounts are not loaded: still a warning
    return finding.message


@pytest.mark.parametrize(("title", "what"), [
    ("培训费明细表", "培训费 / 会议费明细表"),
    ("部门综合预算财政拨款上年结转资金支出表", "财政拨款结转资金支出表"),
    ("表11-财拨结转支出表", "财政拨款结转资金支出表"),
    ("预算11表 财政拨款政府购买服务明细表", "政府购买服务"),
])
def test_a_known_table_not_modelled_is_named(title, what):
    assert kind_from_title(title) == "unknown"
    message = _readable(title)
    assert what in message and "does not model" in message and "not recognised" not in message


def test_a_table_of_no_known_title_is_still_not_recognised():
    assert "was not recognised" in _readable("某某情况表")
