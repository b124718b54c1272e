"""E2 of ../shared/seed/VARIANTS.md printed as PDFs without a ruling line: every header variant of
``tests/variants/test_headers.py`` (序号 and 栏次, 行次, codes in one cell, spaced, split 类|款|项 or stacked, the
side-by-side 基本支出 groups, 三公 wide, vertical, by fund, 决算 wide with 预算数 | 决算数 under each category, 柞水's
预算数 ‖ 决算数 groups over sixteen columns, on a landscape page), the same filings built as a government export builds
them (a .docx printed by LibreOffice; ``build.py``) and read by the text-table reader: each table is its kind and
its facts are the ones typed in ``tests/variants``, every printed amount read (岳阳's earlier-year column left out
with its named finding, as in the .docx).

Headings printed left in cells merged over several columns (本年支出 over 项目 | 预算数, 预算数 over 合计 | 基本支出 |
项目支出, 合计 over 预算数 | 决算数) and headings wrapped in narrow cells (公务用车购置及 / 运行维护费) are where a text
reader has to guess; these are the layouts that make it.
"""

from __future__ import annotations

import pytest

from tests.pdf_layouts import build as B
from tests.variants import test_headers as T
from tests.variants.warehouse import Warehouse, ingested

WIDE = {"final_02"}  # 柞水's sixteen columns: printed on a landscape page, as the exports print them


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    B.need_soffice()
    docs = {name: B.docx([t for t, _ in tables], tables[0][1], "none", landscape=name in WIDE)
            for name, tables in T.FILINGS.items()}
    tmp = tmp_path_factory.mktemp("pdf_headers")
    paths = B.printed(docs, tmp)
    return ingested(paths, tmp / "w.duckdb")



@pytest.mark.parametrize("vid", list(T.VARIANTS))
def test_header_variant_printed_without_rules(wh, vid):
    kind, _, _, what, expected = T.VARIANTS[vid]
    file, table = T.WHERE[vid]
    assert wh.doc(file)[1] == "loaded"
    parts = wh.parts(file)[table][1]
    assert wh.kind(file, parts[0])[0] == kind
    got: set = set()
    for t in parts:
        if what == "lines":
            got |= set(wh.rows("select subject_code, measure, amount_wan, basis from staging.budget_lines "
                               "where document_id = ? and source_table = ?", file, t))
        elif what == "summary":
            got |= set(wh.rows("select side, item, subject_code, measure, amount_wan from staging.budget_summary "
                               "where document_id = ? and source_table = ? and basis in ('budget', 'final')", file, t))
        else:
            got |= wh.three_public(file, t)
    assert got == expected
    printed, read = wh.coverage(file, parts[0])
    assert printed - read == (T.NAMED_GAPS[vid][1] if vid in T.NAMED_GAPS else 0), wh.gaps(file, parts[0])


@pytest.mark.parametrize("file", sorted(T.FILINGS))
def test_each_header_filing_printed_without_rules_has_no_finding(wh, file):
    named = {T.NAMED_GAPS[v][0] for v, (f, _) in T.WHERE.items() if f == file and v in T.NAMED_GAPS}
    if named:
        named.add("coverage")
    assert [f for f in wh.findings(file) if f[1] not in named and f[0] != "info"] == []
    assert wh.con.execute("select count(*) from quality.coverage where document_id = ? and source_table is null",
                          [wh.doc(file)[0]]).fetchone() == (0,)  # no figure outside a table
