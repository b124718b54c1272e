"""The sample filings printed as PDF give the same facts as the .docx they were printed from (issue 8).

``data/samples_pdf`` holds LibreOffice renderings of ``data/samples``: names wrap in narrow cells, tables
run over pages without their header repeated, a header merged over two rows is cut by a page break,
a title ends one page and its table starts the next, and the synthetic files print a page header.
Every fact (the keys and amounts of each frame, not where they were printed) must match the .docx.
The hand-typed figures below were read off the PDFs' pages.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import polars as pl
import pytest

from pipelines.lib.stages import Processed, process

REPO = Path(__file__).resolve().parents[2]
DOCX_ROOT = REPO / "data" / "samples"
PDF_ROOT = REPO / "data" / "samples_pdf"
PAIRS = {
    d.stem: (d, PDF_ROOT / d.relative_to(DOCX_ROOT).with_suffix(".pdf")) for d in sorted(DOCX_ROOT.rglob("*.docx"))
}
REFERENCE = "201_中国共产党魏县委员会办公室_2023"

# What a fact is, per frame: its keys and its amount; provenance (table, row, page) is left out.
FACT_COLUMNS = {
    "budget_lines": ["table_kind", "classification", "subject_code", "subject_name", "measure", "basis", "amount_yuan"],
    "budget_summary": ["table_kind", "side", "item", "item_name", "subject_code", "measure", "basis", "amount_yuan"],
    "three_public": ["category", "fund_source", "basis", "amount_yuan"],
    "performance_indicators": [
        "project_seq", "project_name", "objective", "indicator_level1", "indicator_level2", "indicator_level3",
        "description", "target_value", "basis", "classified",
    ],
    "projects": ["project_seq", "project_name", "cost_wan"],
}  # fmt: skip

pytestmark = pytest.mark.slow  # 9 PDFs of 12-24 pages, about 9 s in all


@cache
def processed(path: Path) -> Processed:
    """Each file is read once per test session."""
    root = DOCX_ROOT if path.suffix == ".docx" else PDF_ROOT
    return process(path, root=root)


def facts(item: Processed, frame: str) -> set[tuple]:
    return set(item.frames[frame].select(FACT_COLUMNS[frame]).iter_rows())


def test_every_sample_has_its_pdf():
    assert len(PAIRS) == 9
    assert all(pdf.is_file() for _, pdf in PAIRS.values())


@pytest.mark.parametrize("stem", sorted(PAIRS))
@pytest.mark.parametrize("frame", sorted(FACT_COLUMNS))
def test_the_pdf_gives_the_facts_of_the_docx(stem, frame):
    docx, pdf = (processed(p) for p in PAIRS[stem])
    expected, got = facts(docx, frame), facts(pdf, frame)
    # a 决算 prints no 绩效目标 tables
    assert expected or (stem.endswith("_决算") and frame in ("performance_indicators", "projects")), \
        f"{stem}: the .docx gives no {frame}"
    assert sorted(expected - got, key=str) == [], "facts the PDF lost"
    assert sorted(got - expected, key=str) == [], "facts the PDF made up"


@pytest.mark.parametrize("stem", sorted(PAIRS))
def test_the_pdf_loads_as_the_same_filing_with_every_table_recognised(stem):
    docx, pdf = (processed(p) for p in PAIRS[stem])
    assert pdf.document.status == "loaded", pdf.document.error
    fields = ("department_code", "department_name", "year", "unit", "doc_type")
    assert {k: getattr(pdf.document, k) for k in fields} == {k: getattr(docx.document, k) for k in fields}
    assert pdf.filing.problems == []
    assert [f for f in pdf.findings if f.check == "table_recognised"] == []
    assert [(t.kind, t.title, t.header) for t in pdf.filing.tables] == [
        (t.kind, t.title, t.header) for t in docx.filing.tables
    ]
    assert {(f.check, f.table_kind, f.expected, f.actual) for f in pdf.findings} == {
        (f.check, f.table_kind, f.expected, f.actual) for f in docx.findings
    }


# --------------------------------------------------------------------------- figures typed from the PDFs


def lines(stem: str) -> pl.DataFrame:
    return processed(PAIRS[stem][1]).frames["budget_lines"]


def amount(df: pl.DataFrame, **where: str) -> list[Decimal]:
    return df.filter(*(pl.col(k) == v for k, v in where.items()))["amount_yuan"].to_list()


def test_reference_2013199_is_all_project_spending():
    got = lines(REFERENCE).filter(pl.col("table_kind") == "general_public_expenditure", pl.col("subject_code") == "2013199")
    assert dict(zip(got["measure"], got["amount_yuan"], strict=True)) == {
        "total": Decimal("9312000.00"),  # 931.20 万元
        "project": Decimal("9312000.00"),
    }  # the blank 基本支出 cell is no row
    assert set(got["subject_name"]) == {"其他党委办公厅（室）及相关机构事务支出"}


def test_reference_basic_expenditure_total_row():
    (table,) = processed(PAIRS[REFERENCE][1]).filing.by_kind("basic_expenditure")
    (total,) = [table.values(r) for r in table.body if "合计" in table.values(r)]
    assert total[3:] == ["358.32", "311.56", "46.76"]
    assert table.header[3:] == ["一般公共预算基本支出 / 合计", "一般公共预算基本支出 / 人员经费", "一般公共预算基本支出 / 公用经费"]


def test_reference_three_public_is_reception_only():
    got = processed(PAIRS[REFERENCE][1]).frames["three_public"]
    assert amount(got, category="reception", fund_source="total") == [Decimal("545000.00")]  # 54.50 万元
    assert set(got["category"]) == {"total", "subtotal", "reception"}


def test_an_expenditure_table_whose_header_a_page_break_cut():
    """202 2022: 支出总表's first header row closes page 2; 科目编码 | 科目名称 and the rest of 经营支出,
    上解上级支出 and 对附属单位补助支出 open page 3 above the body."""
    (table,) = processed(PAIRS["202_魏县人民政府办公室_2022"][1]).filing.by_kind("expenditure")
    assert (table.page, table.body[0][0].page) == (2, 3)
    assert table.header == [
        "序号", "功能分类科目 / 科目编码", "功能分类科目 / 科目名称", "合计", "基本支出", "项目支出", "经营支出",
        "上解上级支出", "对附属单位补助支出",
    ]  # fmt: skip
    got = lines("202_魏县人民政府办公室_2022").filter(pl.col("table_kind") == "expenditure")
    assert amount(got, subject_code="201", measure="total") == [Decimal("7148500.00")]  # 714.85
    assert amount(got, subject_code="201", measure="basic") == [Decimal("3586500.00")]  # 358.65
    assert amount(got, subject_code="201", measure="project") == [Decimal("3562000.00")]  # 356.20
    names = dict(zip(got["subject_code"], got["subject_name"], strict=False))
    # wrapped over two lines in the 科目名称 cell
    assert names["20103"] == "政府办公厅（室）及相关机构事务"
    assert names["2010399"] == "其他政府办公厅（室）及相关机构事务支出"
