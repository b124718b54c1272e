"""E3 and E4 of ../shared/seed/VARIANTS.md printed as PDFs without ruling lines: every unit label and number format
of ``tests/variants/test_formats.py`` (元 with and without separators, 1 / 2 / as few decimals as needed, nothing
printed as blank / 0 / 0.00 / - / —, 单位:/单位 : /金额单位：/(单位:元)/單位:萬), and the edge formats of
``tests/variants/test_edge_formats.py`` (negatives as -2.00, (2.00), −2.00 and △2.00; 涉密 in a 三公 table; tables
empty by declaration, their one row 无 or blank), each
filing built as a government export is built (a .docx printed by LibreOffice; ``build.py``) with no rule at all, a few
in the 三线表 too, and read by the text-table reader: the facts are the figures typed in ``tests/variants/filings.py``.

Every page prints the filing's name as a running header and its number as a footer (- 2 -), as the exports do.  The
page breaks fall where LibreOffice puts them, and they split tables the ways exports do: a 三公 table's header
closes a page and its one row opens the next, or the header itself is cut between its lines, or a table's last row
stands alone on the next page (``pdf_page.mend_breaks`` reads such pages again).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from tests.pdf_layouts import build as B
from tests.variants import filings as F
from tests.variants import test_edge_formats as E
from tests.variants import test_formats as T
from tests.variants.warehouse import Warehouse, ingested

D = Decimal
STEMS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
# the formats printed in 编制部门 / 单位 lines (the two in a header cell or a metadata row are grids of their own)
VIDS = [vid for vid, s in T.STYLES.items() if s.meta == "lines"]
THREE_LINE = ["万元, - for nothing", "元, 单位：元, thousands separators, 2 decimals (上海 2026 96,282,213.44)",
              "万元, as few decimals as needed (1.00 beside 1: 30 | 120.5)"]
CASES = [(vid, "none") for vid in VIDS] + [(vid, "three_line") for vid in THREE_LINE]


def _name(vid: str, family: str) -> str:
    return f"f{VIDS.index(vid):02d}_{family}"


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    B.need_soffice()
    docs = {}
    for n, (vid, family) in enumerate(CASES):
        s = replace(T.STYLES[vid], dept=f"魏县印格{STEMS[n % len(STEMS)]}{'测试局' if n < len(STEMS) else '试验局'}")
        docs[_name(vid, family)] = B.docx([t for t, _ in T._tables(s)], s, family, running=True)
    s = F.Style(dept="魏县印格边界测试局")
    docs["edge"] = B.docx([E.NEGATIVE, E.CLASSIFIED, F.empty_fund("政府性基金预算支出表", s, blank_row="无"),
                           F.empty_fund("国有资本经营预算支出表", s, fund="国有资本经营预算拨款")], s, "none", running=True)
    docs["signs"] = B.docx([E.SIGNS], F.Style(dept="魏县印格符号测试局"), "none", running=True)
    tmp = tmp_path_factory.mktemp("pdf_formats")
    paths = B.printed(docs, tmp)
    return ingested(paths, tmp / "w.duckdb")



@pytest.mark.parametrize(("vid", "family"), CASES)
def test_format_printed_without_rules(wh, vid, family):
    file = _name(vid, family)
    _, status, _, year, _, _, unit = wh.doc(file)
    assert (status, year, unit) == ("loaded", F.YEAR, "元" if T.STYLES[vid].unit == "元" else "万元")
    parts = [ts for _, ts in wh.parts(file)]
    assert len(parts) == 4
    want = T.expected(vid in T.ZEROS)
    for i, tables in enumerate(parts):
        assert set().union(*(T.facts(wh, file, t) for t in tables)) == want[i], i
    # typed: the amounts each table prints (收支总表 7, 支出总表 19, 基本支出 13, 三公 5), and where nothing is
    # printed as 0 / 0.00 / - / —, the places of nothing too (5, 5, 5 and 1 more)
    printed = [(12, 12), (24, 24), (18, 18), (6, 6)] if vid in T.ZEROS else [(7, 7), (19, 19), (13, 13), (5, 5)]
    assert [wh.coverage(file, tables[0]) for tables in parts] == printed
    assert wh.con.execute("select count(*) from quality.coverage where document_id = ? and source_table is null",
                          [wh.doc(file)[0]]).fetchone() == (0,)  # no figure outside a table
    assert [f for f in wh.findings(file) if f[0] != "info"] == []


def test_negatives_printed_without_rules(wh):
    for file, want in (("edge", {("total", D("-2.00"), "(2.00)"), ("project", D("-2.00"), "-2.00")}),
                       ("signs", {("total", D("-2.00"), "△2.00"), ("project", D("-2.00"), "\u22122.00")})):
        got = wh.rows("select measure, amount_wan, amount_text from staging.budget_lines where document_id = ? "
                      "and source_table = ? and subject_code = '2010399'", file, 0)
        assert set(got) == want, file
        assert wh.coverage(file, 0) == (21, 21)
        assert wh.check_status(file, "hierarchy_sum", "expenditure")[0] == "passed"


def test_classified_cells_printed_without_rules(wh):
    assert wh.three_public("edge", 1) == {("reception", "budget", D("2.00")), ("vehicles", "budget", D("10.00")),
                                          ("vehicle_purchase", "budget", D("6.00")),
                                          ("vehicle_operation", "budget", D("4.00"))}
    assert wh.coverage("edge", 1) == (4, 4)  # 涉密 is no printed amount
    assert sorted((f[0], f[1]) for f in wh.findings("edge") if f[1] == "amount_classified") == [
        ("info", "amount_classified"), ("info", "amount_classified")]


@pytest.mark.parametrize(("table", "kind"), [(2, "gov_fund_expenditure"), (3, "soe_capital_expenditure")])
def test_tables_empty_by_declaration_printed_without_rules(wh, table, kind):
    # a header, a row printing 无 (上海司法局) or a blank one, and the note 注：本部门无…故本表为空表。: no figure, yet a
    # table of its kind, empty by declaration
    parts = [ts for _, ts in wh.parts("edge")]
    assert wh.kind("edge", parts[table][0])[0] == kind
    assert wh.lines("edge", parts[table][0]) == set()
    assert wh.coverage("edge", parts[table][0]) == (0, 0)
    status, reason = wh.check_status("edge", "hierarchy_sum", kind)
    assert status == "not_run" and "empty by declaration" in reason
    assert [f for f in wh.findings("edge") if f[0] != "info"] == []
