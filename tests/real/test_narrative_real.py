"""The narrative (情况说明) against the tables on real filings (issue 11.7): a sentence about one fund's spending
is compared with that fund's figure or not at all, and a figure the narrative gives for a 收支总表 line that
disagrees with the table is a finding ("the narrative says X, the table prints Y").

The figures are typed from the PDFs' text (page numbers beside them), not from yusuan's output.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from pipelines.lib.checks import validate
from pipelines.lib.normalize import normalize
from tests.real.real_samples import REAL, processed_real, rows

SH_DATA = REAL / "上海市" / "上海市本级" / "shanghai_shiji_shujuju_2026_unit_budget.pdf"
SWU_2021 = REAL / "中央" / "教育部" / "chongqing_xinandaxue_2021_budget.pdf"
pytestmark = pytest.mark.real


def _narrative(results) -> list:
    return [f for f in results if f.check == "narrative_vs_tables"]


def _rechecked(item, old: str, new: str):
    """The filing's checks run again with one narrative sentence edited (``old`` → ``new``)."""
    filing = copy.deepcopy(item.filing)
    edited = 0
    for p in filing.paragraphs:
        if old in p.text:
            p.text = p.text.replace(old, new)
            edited += 1
    assert edited, f"no paragraph holds {old!r}"
    return validate(filing, normalize(filing, item.document.document_id))


def test_one_funds_spending_is_compared_with_that_funds_figure_not_with_the_total():
    item = processed_real(SH_DATA)
    stated = {r["figure"]: r["stated_wan"] for r in rows(item, "narrative_figures")}
    # p.6: 支出预算47,145万元，其中：财政拨款支出预算47,145万元…财政拨款支出预算中，一般公共预算拨款支出预算47,145万元…；
    # 政府性基金拨款支出预算0万元；国有资本经营预算拨款支出预算为0万元。
    assert "expense_total" not in stated  # was 0: 国有资本经营预算拨款支出预算为0万元 read as 支出预算为
    assert stated["fiscal_expense_total"] == Decimal("47145")
    assert stated["general_public_expense"] == Decimal("47145")
    assert stated["gov_fund_expense"] == Decimal("0")
    assert stated["soe_capital_expense"] == Decimal("0")
    # p.14 财政拨款收支预算总表 (元): 支出总计 471,452,100 | 一般公共预算 471,452,100; the 政府性基金预算 and 国有资本经营预算
    # columns are printed blank: nothing of those funds, as the text says
    assert _narrative(item.findings) == []
    check = next(c for c in item.checks if c.check == "narrative_vs_tables")
    assert check.status == "passed" and check.compared >= 4


def test_the_narrative_checks_still_fire_on_that_filing():
    item = processed_real(SH_DATA)
    # a fund's figure that disagrees with its column of the 财政拨款收支总表
    found = _narrative(_rechecked(item, "一般公共预算拨款支出预算47,145万元", "一般公共预算拨款支出预算47,245万元").findings)
    assert len(found) == 1, found
    assert "the narrative says 47245.00 万元 for 一般公共预算支出合计" in found[0].message
    assert "the table prints 47145.21 万元" in found[0].message
    # a fund the text gives an amount while its column is blank
    found = _narrative(_rechecked(item, "政府性基金拨款支出预算0万元", "政府性基金拨款支出预算10万元").findings)
    assert len(found) == 1, found
    assert found[0].message.startswith("the narrative says 10.00 万元 for 政府性基金预算支出合计")
    assert "the table prints 0.00 万元" in found[0].message
    # the department's total that disagrees with the 收支总表 (p.7: 支出总计 471,452,100 元)
    found = _narrative(_rechecked(item, "支出预算47,145万元，其中", "支出预算为47,045万元，其中").findings)
    assert len(found) == 1, found
    assert found[0].message.startswith("the narrative says 47045.00 万元 for 收支总表 本年支出合计 (“支出预算为47,045万元")
    assert "the table prints 47145.21 万元" in found[0].message


def test_a_narrative_figure_that_disagrees_with_the_table_is_a_finding():
    item = processed_real(SWU_2021)
    found = _narrative(item.findings)
    # p.9: …其中本年收入预算 390,140.45 万元，使用非财政拨款结余 18,953.73 万元…; p.10: 使用非财政拨款结余 18,953.78 万元;
    # p.6 收支预算总表: 使用非财政拨款结余 18,953.78
    assert len(found) == 1, [f.message for f in found]
    assert found[0].message.startswith("the narrative says 18953.73 万元 for 收支总表 使用非财政拨款结余")
    assert "the table prints 18953.78 万元 (difference -0.05 万元)" in found[0].message


@pytest.mark.parametrize("path", [
    # (含上年结转750.00万元) of one project, not the 收支总表's 上年结转
    REAL / "中央" / "国家信访局" / "central_guojiaxinfangju_2026_budget.pdf",
    # 机关运行经费财政拨款预算X万元 is no 收支总表 财政拨款 line; 社会组织管理 569.04 is a project, not the 款 line
    REAL / "广东省" / "深圳市" / "guangdong_shenzhen_minzhengju_2026_budget.pdf",
    REAL / "浙江省" / "湖州市" / "zhejiang_huzhou_jiaotongju_2026_budget.pdf",
    # 财政拨款基本支出预算12308.48万元 is the 财政拨款 part of the 收支总表's 基本支出 12,323.48
    REAL / "江苏省" / "省本级" / "jiangsu_shengji_jcy_2017_budget.pdf",
])
def test_a_line_named_inside_a_larger_phrase_is_not_compared(path):
    item = processed_real(path)
    assert _narrative(item.findings) == [], [f.message for f in _narrative(item.findings)]


def test_office_running_costs_are_bounded_by_the_public_costs_where_no_table_prints_them():
    item = processed_real(REAL / "山东省" / "烟台市" / "shandong_yantai_caizhengju_2026_budget.pdf")
    # p.30: 2026年本部门机关运行经费安排484.47万元; no table prints 机关运行经费. p.19 基本支出表: 合计 6,012.90 |
    # 5,355.29 | 657.61 (公用经费); p.17: 行政运行 … 2,506.26 | 484.47 — the 行政单位' part, not the 合计
    assert _narrative(item.findings) == [], [f.message for f in _narrative(item.findings)]
    found = _narrative(_rechecked(item, "机关运行经费安排484.47万元", "机关运行经费安排684.47万元").findings)
    assert len(found) == 1, found
    assert found[0].message.startswith("the narrative says 684.47 万元 for 机关运行经费")
    assert "more than the 657.61 万元 the 基本支出表 prints as 公用经费合计" in found[0].message


def test_a_funds_spending_is_checked_against_its_own_table_where_the_fiscal_summary_has_no_fund_columns():
    item = processed_real(REAL / "江苏省" / "省本级" / "jiangsu_shengji_jcy_2017_budget.pdf")
    # 江苏's 财政拨款收支总表 prints its spending by kind (基本/项目/单位预留机动经费) in one column; the text's
    # 一般公共预算财政拨款支出预算17981.68 万元 (p.21) is the 合计 of 八、一般公共预算支出预算表 (p.14: 合计 17,981.68)
    stated = {r["figure"]: r["stated_wan"] for r in rows(item, "narrative_figures")}
    assert stated["general_public_expense"] == Decimal("17981.68")
    assert _narrative(item.findings) == []
    found = _narrative(_rechecked(item, "财政拨款支出预算17981.68", "财政拨款支出预算17991.68").findings)
    assert len(found) == 1, found
    assert found[0].message.startswith("the narrative says 17991.68 万元 for 一般公共预算支出合计")
    assert "the table prints 17981.68 万元" in found[0].message
