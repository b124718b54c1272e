"""Which figure a narrative sentence states (normalize.narrative_figures): a total's phrase right after one fund's
name is that fund's figure, and a fund's phrase takes only the amount right after it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.lib.model import Filing, Paragraph
from pipelines.lib.normalize import narrative_figures


def _stated(*sentences: str) -> dict[str, Decimal]:
    filing = Filing(file_type="docx", department_code=None, department_name="某局", year=2026, doc_type="budget",
                    unit="万元", tables=[], paragraphs=[Paragraph(s, index=i) for i, s in enumerate(sentences)])
    return {s.figure: s.stated_wan for s in narrative_figures(filing)}


def test_a_funds_spending_is_not_the_departments_total():
    # the wording of 上海's 单位预算编制说明 (上海市数据局 2026, p.6)
    got = _stated("支出预算47,145万元，其中：财政拨款支出预算47,145万元，比2025年预算增加19,021万元。财政拨款支出预算中，"
                  "一般公共预算拨款支出预算47,145万元，比2025年预算增加19,021万元；政府性基金拨款支出预算0万元；"
                  "国有资本经营预算拨款支出预算为0万元。")
    assert "expense_total" not in got
    assert got["fiscal_expense_total"] == Decimal("47145")
    assert got["general_public_expense"] == Decimal("47145")
    assert got["gov_fund_expense"] == Decimal("0")
    assert got["soe_capital_expense"] == Decimal("0")


@pytest.mark.parametrize(("sentence", "figure", "amount"), [
    ("2026年，某局收入预算为9628.22万元，其中：财政拨款收入9628.22万元。", "income_total", Decimal("9628.22")),
    ("2026年某局支出预算为1,200.50万元。", "expense_total", Decimal("1200.50")),
    ("一般公共预算财政拨款支出预算为300万元。", "general_public_expense", Decimal("300")),
])
def test_an_unqualified_phrase_still_states_its_figure(sentence, figure, amount):
    assert _stated(sentence)[figure] == amount


@pytest.mark.parametrize("sentence", [
    "事业收入预算为20万元。",  # one kind of income, not the 收入预算
    "财政拨款收入预算为50万元。",
    "一般公共预算财政拨款支出预算为300万元。",  # not the 财政拨款 total either
])
def test_a_qualified_total_phrase_is_not_the_total(sentence):
    got = _stated(sentence)
    assert "income_total" not in got and "expense_total" not in got and "fiscal_expense_total" not in got


def test_a_funds_phrase_heading_a_clause_about_another_fund_takes_no_amount():
    got = _stated("财政拨款支出预算中，政府性基金拨款支出预算0万元")
    assert "fiscal_expense_total" not in got
    assert got["gov_fund_expense"] == Decimal("0")
