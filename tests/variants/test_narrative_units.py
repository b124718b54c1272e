"""E3/E4 of ../shared/seed/VARIANTS.md in the narrative: 上海 prints its tables in 元 and its narrative in 万元, 彭水
2026 its narrative in 元; figures with thousands separators (18,976.76万元, 328,661万元).  Each filing ingested into a
real warehouse: the stated figures land in 万元 exactly, agree with the tables whatever their unit, and a stated
figure that differs is a finding."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from tests.variants import filings as F
from tests.variants.warehouse import build, dept

D = Decimal


def _filing(s: F.Style, three: F.Style, narrative: list[str]) -> list[tuple[F.Table, F.Style]]:
    tables = [(F.summary("部门收支总表", s), s), (F.expenditure("部门支出总表", s), s),
              (F.basic("一般公共预算基本支出表", s), s), (F.three_public("一般公共预算“三公”经费支出表", three, "wide"), three)]
    last, style = tables[-1]
    tables[-1] = (replace(last, below=[*last.below, *narrative]), style)
    return tables


YUAN = F.Style(unit="元", thousands=True)
WAN = F.Style()
# id → (tables' style, 三公 style, narrative, figures stated (万元), a finding expected on narrative_vs_tables)
CASES = {
    "上海: tables in 元, 三公 and narrative in 万元": (
        YUAN, WAN, ["2025年收入预算共计150.50万元，支出预算共计150.50万元。",
                    "人员经费95.10万元，公用经费15.20万元；“三公”经费预算为12.00万元，公务接待费2.00万元。"],
        {"income_total": D("150.50"), "expense_total": D("150.50"), "personnel": D("95.10"),
         "public_operating": D("15.20"), "three_public_total": D("12.00"), "reception": D("2.00")}, False),
    "彭水 2026: tables in 万元, narrative in 元 with separators": (
        WAN, WAN, ["2025年收入预算共计1,505,000.00元，支出预算共计1,505,000元。", "“三公”经费预算为120,000.00元。"],
        {"income_total": D("150.50"), "expense_total": D("150.50"), "three_public_total": D("12.00")}, False),
    "a stated figure that differs from the table (150.60 against 150.50)": (
        WAN, WAN, ["2025年收入预算共计150.60万元，支出预算共计150.50万元。"],
        {"income_total": D("150.60"), "expense_total": D("150.50")}, True),
}
FILINGS = {f"n{i}": _filing(replace(s, dept=dept("叙述", i)), replace(t, dept=dept("叙述", i)), text)
           for i, (s, t, text, _, _) in enumerate(CASES.values())}
FILE = {cid: f"n{i}" for i, cid in enumerate(CASES)}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    w = build(tmp_path_factory.mktemp("narrative"), FILINGS)
    yield w
    w.con.close()


@pytest.mark.parametrize("cid", list(CASES))
def test_narrative_figures_in_either_unit(wh, cid):
    expect_case(wh, FILE[cid], cid)


def expect_case(wh, file: str, cid: str) -> None:
    """``file`` (case ``cid``, as a .docx or printed) stated the case's figures, and warned only where it differs."""
    _, _, _, stated, differs = CASES[cid]
    got = dict(wh.con.execute("select figure, stated_wan from staging.narrative_figures where document_id = ?",
                              [wh.doc(file)[0]]).fetchall())
    assert got == stated
    findings = wh.findings(file)
    if differs:
        assert [(f[0], f[1]) for f in findings] == [("warning", "narrative_vs_tables")]
        assert "150.60" in findings[0][4] and "150.50" in findings[0][4]
    else:
        assert findings == []
        assert wh.check_status(file, "narrative_vs_tables", "narrative")[0] == "passed"
