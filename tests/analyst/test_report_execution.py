"""The report's budget execution section on a real 决算 (figures typed by hand from the PDF, as in
tests/real/test_final_accounts_real.py: 支出决算 201 = 2106.66 and 221 = 445.69 万元; “三公” 合计 预算数 0.95)."""

from __future__ import annotations

import re

import pytest

from tests.analyst.conftest import run_cli
from tests.real.real_samples import REAL

pytestmark = [pytest.mark.real, pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real_samples is absent")]
CZJ_FINAL = REAL / "上海市" / "普陀区" / "shanghai_putuo_czj_2024_dept_final.pdf"


@pytest.fixture(scope="module")
def report_page(tmp_path_factory) -> str:
    """The department page `yusuan report` writes after `yusuan ingest` of the 决算 alone."""
    tmp = tmp_path_factory.mktemp("report")
    db = tmp / "w.duckdb"
    code, out, err = run_cli("ingest", str(CZJ_FINAL), "--db", str(db), "--county", "普陀区")
    assert code == 0, out + err
    code, out, err = run_cli("report", "--db", str(db), "--out", str(tmp / "r"))
    assert code == 0, err
    [page] = (tmp / "r" / "department").glob("*.html")
    return page.read_text(encoding="utf-8")


def test_a_department_with_a_final_account_shows_its_execution(report_page):
    text = report_page
    section = text[text.index("<h2>预算执行</h2>"):text.index("<h2>校验发现")]
    assert 'id="execution"' in section  # the chart
    rows = re.findall(r"<tr>(.*?)</tr>", section)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in rows]
    head = re.findall(r"<th>(.*?)</th>", section)
    by_item = {c[head.index("项目")]: dict(zip(head, c, strict=True)) for c in cells if c}
    assert [by_item["一般公共服务支出"][k] for k in ("科目编码", "预算万元", "决算万元")] == ["201", "", "2,106.66"]
    assert [by_item["住房保障支出"][k] for k in ("科目编码", "预算万元", "决算万元")] == ["221", "", "445.69"]
    assert by_item["“三公”合计"]["预算万元"] == "0.95"
    # the filing prints its 三公 决算数 blank: the 0.00 beside the budget says it was not printed
    assert (by_item["“三公”合计"]["决算万元"], by_item["“三公”合计"]["说明"]) == ("0.00", "决算数空白，按 0 计")
    assert by_item["一般公共服务支出"]["说明"] == ""
    assert {row["范围"] for row in by_item.values()} == {"部门"}  # a 部门决算: each row says so


def test_a_finding_in_the_report_names_its_table_as_printed_and_the_page_to_open(report_page):
    # the 三公 table of this 决算 is on p.18 of the PDF (财政拨款“三公”经费支出决算表), its 决算数 cells blank
    section = report_page[report_page.index("<h2>校验发现"):]
    head = re.findall(r"<th>(.*?)</th>", section)
    rows = [dict(zip(head, re.findall(r"<td[^>]*>(.*?)</td>", r), strict=True))
            for r in re.findall(r"<tr>(.*?)</tr>", section) if "<td" in r]
    assert sorted((r["检查"], r["表"], r["页"], r["位置"]) for r in rows) == [
        ("three_public_blank", "“三公”经费表", "18", "table 13 row 5 col 1"),
        ("three_public_blank", "“三公”经费表", "18", "table 13 row 5 col 11")]
