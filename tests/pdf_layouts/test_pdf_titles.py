"""E1 of ../shared/seed/VARIANTS.md printed as PDFs without a ruling line: every table title of
``tests/variants/test_titles.py``, 预算 and 决算, over its standard table, the filings built as a government export
builds them (a .docx printed by LibreOffice, the filing's name as a running header and the page number as a
footer on every page; ``build.py``) and read by the text-table reader.  A title is what ends a
table's text above it (``layouts.TEXT_TABLE_STOP``): each table is its kind under its own title, with its facts as
typed in ``tests/variants/filings.py`` and every printed amount read.

The 政府性基金 / 国有资本经营 tables printed empty hold no figure: the note under them declaring them empty
(``layouts.TEXT_TABLE_EMPTY``) makes them tables, of their kind, with no line."""

from __future__ import annotations

import pytest

from tests.pdf_layouts import build as B
from tests.variants import test_titles as T
from tests.variants.warehouse import Warehouse, ingested

VARIANTS = T.VARIANTS
# 部门政府性基金预算支出情况表 is printed empty, its header cut by the page break (its first header line closes the page,
# the rest and the note open the next): read as a table all the same (pdf_page.mend_breaks carries the title, 单位
# line and header's first line over to the note; test_pdf_breaks.py slides such a table over every place a break
# can cut it).


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    B.need_soffice()
    docs = {name: B.docx([t for t, _ in tables], tables[0][1], "none", running=True)
            for name, tables in T.FILINGS.items() if name != "extra"}
    tmp = tmp_path_factory.mktemp("pdf_titles")
    paths = B.printed(docs, tmp)
    return ingested(paths, tmp / "w.duckdb")


@pytest.mark.parametrize(("kind", "title", "final", "file", "table"), VARIANTS,
                         ids=[f"{'决算' if v[2] else '预算'}-{v[1]}" for v in VARIANTS])
def test_title_variant_printed_without_rules(wh, kind, title, final, file, table):
    rows = wh.con.execute("select source_table, printed, read from quality.coverage where document_id = ? "
                          "and table_kind = ? and title = ?", [wh.doc(file)[0], kind, title]).fetchall()
    assert len(rows) == 1, wh.con.execute("select table_kind, title from quality.coverage where document_id = ?",
                                          [wh.doc(file)[0]]).fetchall()
    [(t, printed, read)] = rows
    assert printed == read
    # the table and its parts on the pages after (a table run over a page break: the parts have no coverage row)
    firsts = {x for (x,) in wh.con.execute("select source_table from quality.coverage where document_id = ? "
                                           "and source_table is not null", [wh.doc(file)[0]]).fetchall()}
    parts = range(t, next((y for y in sorted(firsts) if y > t), t + 5))  # (no table has more parts here)
    what, expected = T._expected(kind, final)
    got: set = set()
    for x in parts:
        if what == "summary":
            got |= wh.summary(file, x)
        elif what == "lines":
            got |= wh.lines(file, x, basis=None)
        else:
            got |= wh.three_public(file, x)
    if what == "lines":
        expected = {x[:3] for x in expected}
    assert got == expected


@pytest.mark.parametrize("file", sorted(n for n in T.FILINGS if n != "extra"))
def test_title_filing_printed_without_rules_has_no_figure_left_out(wh, file):
    assert wh.doc(file)[1] == "loaded"
    assert wh.con.execute("select count(*) from quality.coverage where document_id = ? and source_table is null",
                          [wh.doc(file)[0]]).fetchone() == (0,)
    assert [f for f in wh.findings(file) if f[0] != "info"] == []
