"""PDF filings whose grids are set the other ways exports set them, each built as a government export is built (a
.docx, printed by LibreOffice; ``build.py``), with no rule or in the 三线表, ingested with ``yusuan ingest``'s own
function and compared with the figures typed once in ``tests/variants/filings.py``:

- **headings centred over no figure**: the table stretched across the page (Word's default), headings centred in
  their wide cells, the short figures right-aligned under them — a heading (合计 over 12.00) ends before its column's
  figures begin, and a column left blank in every row (因公出国(境)费) stands in the same gap;
- **labels running on into a blank cell**: a spreadsheet printed without rules, its long labels (二、政府性基金预算拨款收入)
  running on, unwrapped, over their row's blank 预算数 cell into the column of figures;
- **元 integers under wrapped labels**: amounts in 元 without decimals (1505000) in narrow label columns, the cells
  aligned to the bottom (Excel's default: the figures on a wrapped label's last line) or centred (the figures on a
  line of their own between the label's two lines).

The same tables as .docx files (no PDF) read the same.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.pdf_layouts import build as B
from tests.pdf_layouts import expect as X
from tests.variants import filings as F
from tests.variants.warehouse import Warehouse, ingested

D = Decimal
# name → (family, grid options, style options)
GRIDS = {
    "centred_heads_none": ("none", {"stretch": True, "head": "center"}, {}),
    "centred_heads_three_line": ("three_line", {"stretch": True, "head": "center"}, {}),
    "run_on_none": ("none", {"overflow": True, "narrow": 16}, {}),
    "yuan_bottom_none": ("none", {"narrow": 12, "valign": "bottom"}, {"unit": "元", "decimals": 0}),
    "yuan_bottom_three_line": ("three_line", {"narrow": 12, "valign": "bottom"}, {"unit": "元", "decimals": 0}),
    "yuan_centred_none": ("none", {"narrow": 12, "valign": "center"}, {"unit": "元", "decimals": 0}),
}
STEMS = "甲乙丙丁戊己庚辛壬癸"


def tables(s: F.Style) -> list[F.Table]:
    return [F.summary("部门收支总表", s), F.income("部门收入总表", s), F.expenditure("部门支出总表", s),
            F.basic("一般公共预算基本支出表", s), F.three_public("一般公共预算“三公”经费支出表", s)]


def _docs() -> tuple[dict[str, bytes], dict[str, bytes]]:
    pdf, docx = {}, {}
    for i, (name, (family, grid, style)) in enumerate(GRIDS.items()):
        s = F.Style(dept=f"魏县栅格{STEMS[i]}测试局", **style)
        pdf[name] = B.docx(tables(s), s, family, **grid)
        s = F.Style(dept=f"魏县栅格{STEMS[i]}文档局", **style)
        docx[f"{name}_docx"] = B.docx(tables(s), s, family, **grid)
    return pdf, docx


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    B.need_soffice()
    pdf, docx = _docs()
    tmp = tmp_path_factory.mktemp("pdf_grids")
    paths = B.printed(pdf, tmp)
    for name, data in docx.items():
        paths.append(tmp / f"{name}.docx")
        paths[-1].write_bytes(data)
    return ingested(paths, tmp / "w.duckdb")



@pytest.mark.parametrize("file", [*GRIDS, *(f"{g}_docx" for g in GRIDS)])
def test_grid_reads_every_fact(wh, file):
    _, status, _, year, doc_type, _, unit = wh.doc(file)
    assert (status, year, doc_type, unit) == ("loaded", F.YEAR, "budget", GRIDS[file.removesuffix("_docx")][2].get(
        "unit", "万元"))
    X.reads_the_five_tables(wh, file, dict(wh.parts(file)))


@pytest.mark.parametrize("file", ["yuan_bottom_none", "yuan_centred_none", "yuan_bottom_none_docx"])
def test_yuan_integers_keep_their_yuan(wh, file):
    parts = dict(wh.parts(file))
    rows = {(code, measure): (yuan, wan) for t in parts["expenditure"]
            for _, _, code, measure, _, yuan, wan in wh.line_detail(file, t)}
    # typed: 行政运行 80.30 万元 printed as 803000 元; 养老保险缴费 30.00 万元 as 300000 (its label wrapped)
    assert rows[("2010301", "total")] == (D("803000"), D("80.30"))
    assert rows[("2080505", "basic")] == (D("300000"), D("30.00"))
    assert ("2080505", "project") not in rows
