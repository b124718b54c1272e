"""Page breaks that cut a table where the exports cut them, on filings built as a government export is built (a .docx
printed by LibreOffice, ``build.py``), with no rule and with every rule, read by ``yusuan ingest``'s own function and
compared with the figures typed once in ``tests/variants/filings.py``:

- **a table printed empty, cut by the break**: 政府性基金预算支出表 printed empty (its header, a blank row, the note
  注：本部门无…故本表为空表。) slid down the first page line by line (running text above it, each line exactly 12 pt),
  so the break falls after its title, after its 单位 line, between its header's lines, and between its header and the
  note.  Each must read as a table of its kind, empty by declaration, and the 三公 table after it as typed;
- **a table continued on the next page**: 部门支出总表 slid the same way, its header rows repeated atop the next page
  (Word's 重复标题行), so the break falls between its rows, or after its title and 单位 lines, or after its title
  alone (the table starting the next page under its 编制部门 / 单位 lines); and the same table printed in two parts,
  the second under its title and 单位 lines printed again (an Excel sheet's 打印标题).  Each must read as one table
  of its kind, every figure once.

The sweeps assert that the breaks they claim do fall where they say (the PDF's own text), so a different font that
moved them would fail here rather than test nothing.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from tests.pdf_layouts import build as B
from tests.variants import filings as F
from tests.variants.warehouse import Warehouse, ingested

STEMS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
FAMILIES = ("none", "full")
EMPTY_SWEEP = range(48, 60)  # lines of running text above the empty table: its top slides past the page's end
CONTINUED_SWEEP = range(45, 57)
EMPTY_NOTE = "注：本部门无政府性基金"


def _style(n: int) -> F.Style:
    return F.Style(dept=f"魏县断页{STEMS[n // len(STEMS)]}{STEMS[n % len(STEMS)]}测试局")


def _docs() -> dict[str, bytes]:
    docs: dict[str, bytes] = {}
    n = 0
    for family in FAMILIES:
        for k in EMPTY_SWEEP:
            s = _style(n)
            n += 1
            blocks = [B.p(s.cover()), *B.filler(k),
                      *B.table_blocks(F.empty_fund("政府性基金预算支出表", s), s, family),
                      *B.table_blocks(F.three_public("一般公共预算“三公”经费支出表", s), s, family)]
            docs[f"empty_{family}_{k}"] = B.document(blocks, running=s.cover())
        for k in CONTINUED_SWEEP:
            s = _style(n)
            n += 1
            blocks = [B.p(s.cover()), *B.filler(k),
                      *B.table_blocks(F.expenditure("部门支出总表", s), s, family, repeat=True),
                      *B.table_blocks(F.summary("部门收支总表", s), s, family)]
            docs[f"continued_{family}_{k}"] = B.document(blocks, running=s.cover())
        s = _style(n)
        n += 1
        t = F.expenditure("部门支出总表", s)
        blocks = [B.p(s.cover()), *B.table_blocks(F.Table(t.title, t.header, t.body[:4]), s, family), B.page_break(),
                  *B.table_blocks(F.Table(t.title, t.header, t.body[4:]), s, family),
                  *B.table_blocks(F.summary("部门收支总表", s), s, family)]
        docs[f"retitled_{family}"] = B.document(blocks, running=s.cover())
    return docs


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> tuple[Warehouse, dict[str, dict[str, set[int]]]]:
    """The warehouse, and per filing the pages its marker texts stand on (from the PDF's own text layer)."""
    B.need_soffice()
    tmp = tmp_path_factory.mktemp("pdf_breaks")
    paths = B.printed(_docs(), tmp)
    pages = {p.stem: _pages(p, ["政府性基金预算支出表", "功能分类科目", "科目编", EMPTY_NOTE, "部门支出总表",
                                "编制部门", "2010301"]) for p in paths}
    return ingested(paths, tmp / "w.duckdb"), pages


def _pages(path, needles: list[str]) -> dict[str, set[int]]:
    doc = pdfium.PdfDocument(str(path))
    try:
        text = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    return {n: {i + 1 for i, t in enumerate(text) if n in t.replace(" ", "")} for n in needles}


def _where_empty(p: dict[str, set[int]]) -> str:
    """Where the break cut the empty table."""
    title, head, head2, note = (min(p[n]) for n in ("政府性基金预算支出表", "功能分类科目", "科目编", EMPTY_NOTE))
    if title == note:
        return "whole"
    if head == head2 == note:
        return "after title"  # (or after its 编制部门 / 单位 lines)
    if head == head2:
        return "before note"
    return "inside header"


@pytest.mark.parametrize("family", FAMILIES)
def test_the_sweep_cuts_the_empty_table_everywhere(printed, family):
    _, pages = printed
    got = {_where_empty(pages[f"empty_{family}_{k}"]) for k in EMPTY_SWEEP}
    assert got >= {"whole", "after title", "inside header", "before note"}


@pytest.mark.parametrize("file", [f"empty_{f}_{k}" for f in FAMILIES for k in EMPTY_SWEEP])
def test_empty_table_cut_by_a_page_break(printed, file):
    wh, _ = printed
    _, status, _, year, _, _, unit = wh.doc(file)
    assert (status, year, unit) == ("loaded", F.YEAR, "万元")
    parts = wh.parts(file)
    # typed: a 政府性基金 table printed empty, then the 三公 table 12.00 | 0 | 2.00 | 10.00 | 6.00 | 4.00
    assert [k for k, _ in parts] == ["gov_fund_expenditure", "three_public"]
    empty, three = parts[0][1][0], parts[1][1][0]
    assert wh.kind(file, empty) == ("gov_fund_expenditure", "政府性基金预算支出表")
    assert (wh.lines(file, empty), wh.coverage(file, empty)) == (set(), (0, 0))
    status, reason = wh.check_status(file, "hierarchy_sum", "gov_fund_expenditure")
    assert status == "not_run" and "empty by declaration" in reason
    assert wh.three_public(file, three) == {(k, "budget", v) for k, v in F.THREE.items() if v}
    assert wh.coverage(file, three) == (5, 5)
    assert [f for f in wh.findings(file) if f[0] != "info"] == []


def _where_continued(p: dict[str, set[int]]) -> str:
    if len(p["科目编"]) == 2:
        return "between rows"  # the header printed again atop the second page
    if min(p["部门支出总表"]) < min(p["科目编"]):
        return "after title" if min(p["编制部门"]) > min(p["部门支出总表"]) else "after 单位 line"
    return "whole"


@pytest.mark.parametrize("family", FAMILIES)
def test_the_sweep_continues_the_table_on_the_next_page(printed, family):
    _, pages = printed
    got = {_where_continued(pages[f"continued_{family}_{k}"]) for k in CONTINUED_SWEEP}
    assert got >= {"between rows", "after 单位 line", "after title"}
    assert pages[f"retitled_{family}"]["部门支出总表"] == {1, 2}


@pytest.mark.parametrize("file", [f"{w}_{f}{k}" for f in FAMILIES
                                  for w, ks in (("continued", [f"_{k}" for k in CONTINUED_SWEEP]), ("retitled", [""]))
                                  for k in ks])
def test_table_continued_on_the_next_page(printed, file):
    wh, _ = printed
    assert wh.doc(file)[1] == "loaded"
    parts = wh.parts(file)
    assert [k for k, _ in parts] == ["expenditure", "summary"]
    tables = parts[0][1]
    assert wh.kind(file, tables[0]) == ("expenditure", "部门支出总表")
    # typed: 合计 150.50 | 110.30 | 40.20 and the seven function lines, each read once (19 amounts)
    assert set().union(*(wh.lines(file, t) for t in tables)) == F.expect_function(F.EXPENDITURE)
    rows = [(code, measure) for t in tables for _, _, code, measure, *_ in wh.line_detail(file, t)]
    assert len(rows) == len(set(rows))
    assert wh.coverage(file, tables[0]) == (19, 19)
    assert wh.summary(file, parts[1][1][0]) == F.expect_summary(False)
    assert [f for f in wh.findings(file) if f[0] != "info"] == []
