"""The report's budget execution section on a real 决算 (figures typed by hand from the PDF, as in
tests/real/test_final_accounts_real.py: 支出决算 201 = 2106.66 and 221 = 445.69 万元; “三公” 合计 预算数 0.95)."""

from __future__ import annotations

import re

import pytest

from tests.analyst.conftest import run_cli
from tests.real.real_samples import REAL

pytestmark = [pytest.mark.real, pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real_samples is absent")]
CZJ_FINAL = REAL / "上海市" / "普陀区" / "shanghai_putuo_czj_2024_dept_final.pdf"


def test_a_department_with_a_final_account_shows_its_execution(tmp_path):
    db = tmp_path / "w.duckdb"
    code, out, err = run_cli("ingest", str(CZJ_FINAL), "--db", str(db), "--county", "普陀区")
    assert code == 0, out + err
    code, out, err = run_cli("report", "--db", str(db), "--out", str(tmp_path / "r"))
    assert code == 0, err
    [page] = (tmp_path / "r" / "department").glob("*.html")
    text = page.read_text(encoding="utf-8")
    section = text[text.index("<h2>预算执行</h2>"):text.index("<h2>校验发现")]
    assert 'id="execution"' in section  # the chart
    rows = re.findall(r"<tr>(.*?)</tr>", section)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in rows]
    head = re.findall(r"<th>(.*?)</th>", section)
    by_item = {c[head.index("项目")]: dict(zip(head, c, strict=True)) for c in cells if c}
    assert [by_item["一般公共服务支出"][k] for k in ("科目编码", "预算万元", "决算万元")] == ["201", "", "2,106.66"]
    assert [by_item["住房保障支出"][k] for k in ("科目编码", "预算万元", "决算万元")] == ["221", "", "445.69"]
    assert by_item["“三公”合计"]["预算万元"] == "0.95"
    assert {row["范围"] for row in by_item.values()} == {"部门"}  # a 部门决算: each row says so
