"""PDF filings whose tables are ruled the ways county exports rule them — every rule (the control), the 三线表, rules
across only, the outer frame only, every second rule between columns missing, no rule at all — each built as a
government export is built (a .docx with those cell borders, printed by LibreOffice; ``build.py``), ingested with
``yusuan ingest``'s own function into one real DuckDB warehouse, and compared with the figures typed once in
``tests/variants/filings.py``: every fact, every printed amount read, no finding.

The same filings with every cell centred both ways, with labels wrapped in narrow columns, and with both, in the 三线表
and with no rule, read the same.

The seed's own 收支总表 (序号 column, 栏次 row, 31 classes) and 收入总表 (twelve columns, headings wrapped in narrow
cells, 本年收入 printed left over its eight sources) under the Hebei metadata row, on landscape pages, both run over a
page break: in the 三线表, with rules across only and with no rule, the parts join and every figure typed from the
seed comes out.

And a page that prints a row of figures yusuan cannot align into a table (no rule, no header above it) ends as a
named finding, not a silent drop.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.pdf_layouts import build as B
from tests.pdf_layouts import expect as X
from tests.pdf_layouts import seed as S
from tests.variants import filings as F
from tests.variants.warehouse import Warehouse, ingested

D = Decimal
KINDS = X.KINDS


def tables(s: F.Style) -> list[F.Table]:
    return [F.summary("部门收支总表", s), F.income("部门收入总表", s), F.expenditure("部门支出总表", s),
            F.basic("一般公共预算基本支出表", s), F.three_public("一般公共预算“三公”经费支出表", s)]


# A 三公 table printed with no rule and no header: its one row of figures stands under the 单位 line, so nothing
# tells which figure is which.
LOOSE_ROW = F.Table("一般公共预算“三公”经费支出表", [], [["12.00", "", "2.00", "10.00", "6.00", "4.00"]])
STEMS = "甲乙丙丁戊己庚辛"
ALIGN_STEMS = "子丑寅卯辰巳午未"
SEED_YEARS = {"full": 2023, "three_line": 2022, "h_rules": 2021, "none": 2020}
# how the exports set the cells: every cell centred both ways (headings merged down centred in their height), the
# label columns too narrow for their longest labels (labels wrapped over two lines, top-aligned), or both (a wrapped
# label's lines stand above and below its row's figures)
ALIGNED = [(family, how) for how in ("centred", "narrow", "both") for family in ("three_line", "none")]


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    B.need_soffice()
    docs = {}
    for i, family in enumerate(B.FAMILIES):
        s = F.Style(dept=f"魏县版式{STEMS[i]}测试局")
        docs[family] = B.docx(tables(s), s, family)
    s = F.Style(dept=f"魏县版式{STEMS[len(B.FAMILIES)]}测试局")
    docs["loose_row"] = B.docx([F.summary("部门收支总表", s), LOOSE_ROW], s, "none")
    for k, (family, how) in enumerate(ALIGNED):
        s = F.Style(dept=f"魏县对齐{ALIGN_STEMS[k]}测试局")
        docs[f"{how}_{family}"] = B.docx(tables(s), s, family, centred=how in ("centred", "both"),
                                         narrow=12 if how in ("narrow", "both") else 0)
    for family, year in SEED_YEARS.items():  # one year each: the seed's department files one filing a year
        docs[f"seed_{family}"] = B.docx([S.summary(year), S.income(year)], F.Style(dept=S.DEPT), family,
                                        cover=f"{S.DEPT}{year}年部门预算", lines=False, landscape=True)
    tmp = tmp_path_factory.mktemp("pdf_layouts")
    paths = B.printed(docs, tmp)
    said: list[str] = []
    wh = ingested(paths, tmp / "w.duckdb", echo=said.append)
    wh.said, wh.paths = said, {p.stem: p for p in paths}  # what ingest printed per filing; the PDFs, for yusuan check
    return wh


@pytest.mark.parametrize("family", B.FAMILIES)
def test_family_reads_every_fact(wh, family):
    _, status, dept, year, doc_type, _, _ = wh.doc(family)
    assert (status, dept, year, doc_type) == ("loaded", f"魏县版式{STEMS[B.FAMILIES.index(family)]}测试局", F.YEAR,
                                              "budget")
    assert [wh.kind(family, t)[0] for t in range(5)] == KINDS
    assert wh.summary(family, 0) == F.expect_summary(False)
    assert wh.lines(family, 1) == F.expect_function(F.INCOME)
    assert wh.lines(family, 2) == F.expect_function(F.EXPENDITURE)
    assert wh.lines(family, 3) == F.BASIC_LINES
    assert wh.three_public(family, 4) == {(k, "budget", v) for k, v in F.THREE.items() if v}


@pytest.mark.parametrize("family", B.FAMILIES)
def test_family_every_printed_amount_read(wh, family):
    # typed: the amounts each table prints (收支总表 7, 收入总表 8 rows × 2, 支出总表 19, 基本支出 13, 三公 5)
    assert [wh.coverage(family, t) for t in range(5)] == [(7, 7), (16, 16), (19, 19), (13, 13), (5, 5)]
    assert [f for f in wh.findings(family) if f[0] != "info"] == []


def test_row_no_table_takes_is_a_named_finding(wh):
    _, status, *_ = wh.doc("loose_row")
    assert status == "loaded"
    assert wh.summary("loose_row", 0) == F.expect_summary(False)  # the readable table still loads
    [(severity, check, _, location, message)] = [f for f in wh.findings("loose_row") if f[1] == "content_readable"]
    assert (severity, location) == ("warning", "document")
    assert message.startswith("5 figure(s) printed in rows outside any table yusuan could read (5 on p.")
    assert "not in the warehouse" in message


def test_figures_outside_any_table_count_as_printed_not_read(wh, capsys):
    # typed from the built filing: its 收支总表 prints 7 amounts, all read; LOOSE_ROW prints 12.00 2.00 10.00 6.00
    # 4.00 (its blank cell is no figure) in a row no table takes — printed, and not read
    doc_id = wh.doc("loose_row")[0]
    rows = wh.con.execute("select source_table, table_kind, printed, read from quality.coverage where document_id = ? "
                          "order by source_table nulls last", [doc_id]).fetchall()
    assert rows == [(0, "summary", 7, 7), (None, "outside_tables", 5, 0)]
    assert wh.con.execute("select sum(printed), sum(read) from quality.coverage where document_id = ?",
                          [doc_id]).fetchone() == (12, 7)
    gaps = wh.con.execute("select source_table, text from quality.coverage_gaps where document_id = ?",
                          [doc_id]).fetchall()
    assert sorted(gaps) == [(None, t) for t in sorted(["12.00", "2.00", "10.00", "6.00", "4.00"])]
    # 7 of 12 is 58.3 %: the per-filing line of yusuan ingest, and the coverage check's warning (under 98 %)
    [line] = [ln for ln in wh.said if "loose_row.pdf" in ln and "facts" in ln]
    assert "58.3 % of printed amounts read" in line
    [(_, _, _, _, message)] = [f for f in wh.findings("loose_row") if f[1] == "coverage"]
    assert message.startswith("only 7 of the 12 amounts printed")
    assert [w for w in ("12.00", "2.00", "10.00", "6.00", "4.00") if f"outside any table on p.1 '{w}'" in message] \
        == ["12.00", "2.00", "10.00", "6.00", "4.00"]
    # yusuan check names the row outside any table and its figures
    from pipelines.cli import main
    main(["check", str(wh.paths["loose_row"])])
    out = capsys.readouterr().out
    assert "coverage: 7 of the 12 amounts printed in recognised budget tables and in rows outside any table read " \
           "(58.3 %)" in out
    assert "outside any table · 5 amounts in 1 row" in out
    assert "12.00, 2.00, 10.00, 6.00, 4.00" in out
    # a filing whose every figure stands in a table it read has no such row
    assert wh.con.execute("select count(*) from quality.coverage where table_kind = 'outside_tables' "
                          "and document_id <> ?", [doc_id]).fetchone() == (0,)


@pytest.mark.parametrize("family", list(SEED_YEARS))
def test_seed_tables_over_a_page_break(wh, family):
    file = f"seed_{family}"
    _, status, dept, year, doc_type, _, unit = wh.doc(file)
    assert (status, dept, year, doc_type, unit) == ("loaded", S.DEPT, SEED_YEARS[family], "budget", "万元")
    # the 收支总表 runs over two pages (physical tables 0 and 1, one table to classify); the 收入总表 is the third
    assert wh.summary(file, 0) | wh.summary(file, 1) == S.EXPECT_SUMMARY
    assert wh.kind(file, 2)[0] == "income"
    assert wh.lines(file, 2) | wh.lines(file, 3) == S.EXPECT_INCOME  # its second page: physical table 3
    # typed: 收支总表 8 amounts (2041.42 ×5, 1974.41, 49.89, 17.12); 收入总表 17 rows × 3
    assert [wh.coverage(file, t) for t in (0, 2)] == [(8, 8), (51, 51)]
    assert [f for f in wh.findings(file) if f[0] != "info"] == []


@pytest.mark.parametrize(("family", "how"), ALIGNED)
def test_centred_or_wrapped_cells_read_the_same(wh, family, how):
    file = f"{how}_{family}"
    assert wh.doc(file)[1] == "loaded"
    # a table may run over a page break: its part on the next page is a physical table of its own, without a
    # coverage row (the first part's row counts the whole table)
    kinds = [_kind(wh, file, t) for t in range(8)]
    parts: dict[str, list[int]] = {}
    for t, k in enumerate(kinds):
        if k:
            parts[k] = [t]
        elif parts and t < 7 and any(kinds[t + 1:]):
            parts[list(parts)[-1]].append(t)
    X.reads_the_five_tables(wh, file, parts)


def _kind(wh, file: str, t: int) -> str | None:
    rows = wh.rows("select table_kind from quality.coverage where document_id = ? and source_table = ?", file, t)
    return rows[0][0] if rows else None
