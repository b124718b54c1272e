"""The real filings that came nearest to the text-table reader: each rules its tables, so nothing on them is read by
its text and no figure is reported as left out — the ruled path reads them as before (``bench/pdf_facts.py`` compares
every part of all 45 PDFs; these are the three whose pages tripped a detector while it was built).

- 江苏 检察院 2017: justified narrative opens gaps around its numbers (省检察院 2017 年度财政拨款收、支总预算 17981.68);
  its words cover the whole width (one column), so it stays a paragraph;
- 西安 安监局 2019: an Excel export whose labels run over into the amount cell (出 2,022.39): a one-glyph label is no
  column of its own, so the ruled table stays ruled;
- 西南大学 2021: a pie chart's legend (0.70% 3.34%): shares are no amounts, so no stray-figure note.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from pipelines.lib import pdf_layer, pdf_page
from pipelines.lib.pdf_reader import read_pdf
from tests.real.real_samples import REAL

pytestmark = pytest.mark.real

FILES = {
    "jcy": REAL / "江苏省/省本级/jiangsu_shengji_jcy_2017_budget.pdf",
    "anjianju": REAL / "陕西省/西安市/shaanxi_xian_anjianju_2019_budget_tables.pdf",
    "xinandaxue": REAL / "中央/教育部/chongqing_xinandaxue_2021_budget.pdf",
}


@pytest.mark.parametrize("name", list(FILES))
def test_ruled_filing_reads_nothing_by_its_text(name):
    doc = pdfium.PdfDocument(FILES[name].read_bytes())
    try:
        pages = [pdf_page.build_page(pdf_layer.read_page(doc[i], i + 1)) for i in range(len(doc))]
    finally:
        doc.close()
    assert [t.page for p in pages for t in p.tables if t.by_text] == []
    assert [p.number for p in pages if p.stray] == []


def test_justified_narrative_stays_a_paragraph():
    raw = read_pdf(FILES["jcy"].read_bytes())
    assert not any("figure(s) printed in rows" in n for n in raw.notes)
    # typed from p.18 of the PDF
    assert any("2017 年度财政拨款收、支总预算" in p.text and "17981.68" in p.text for p in raw.paragraphs)
