"""A table's last rows carried alone atop the next page, its amounts wrapped in their cells, on filings built as a
government export is built (a .docx printed by LibreOffice, ``build.py``), with no rule and with every rule, read by
``yusuan ingest``'s own function and compared with the figures typed once in ``tests/variants/filings.py``:

部门支出总表 in 元 without decimals, its columns of figures sized for five digits, so that 1505000 wraps as ``15050`` /
``00`` and 300000 as ``30000`` / ``0`` (a tail that shows no cut: 30000 / 0 is as much 300000 as a row of its own), each
filing under a running header (the filing's name atop every page) and the table slid down line by line (running text
above it, each line exactly 12 pt), so that the page break falls after the last row's first line (its tails ``0 0``
alone atop the next page), before the last row (the row alone there, under the running header), and between the
rows above.  Each must read as the typed figures, every one once; before, a row alone under a running header was left
out as figures outside any table, and tails alone were loaded as rows of no label beside their heads read short
(30000 for 300000: a wrong figure).

The sweep asserts that the breaks it claims do fall where it says (the PDF's own text).
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest

from tests.pdf_layouts import build as B
from tests.variants import filings as F
from tests.variants.warehouse import Warehouse, ingested

FAMILIES = ("none", "full")
SWEEP = range(36, 52)  # lines of running text above the table: its last rows slide over the page's end
STEMS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳"


def _name(family: str, k: int) -> str:
    return f"last_{family}_{k}"


def _docs() -> dict[str, bytes]:
    docs = {}
    for f, family in enumerate(FAMILIES):
        for k in SWEEP:
            s = F.Style(dept=f"魏县末行{STEMS[f]}{STEMS[k - SWEEP.start]}测试局", unit="元", decimals=0)
            docs[_name(family, k)] = B.document(
                [B.p(s.cover()), *B.filler(k), *B.table_blocks(F.expenditure("部门支出总表", s), s, family,
                                                                amount_width=5)], running=s.cover())
    return docs


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    B.need_soffice()
    tmp = tmp_path_factory.mktemp("pdf_last_row")
    return ingested(B.printed(_docs(), tmp), tmp / "w.duckdb")


_TAILS = re.compile(r"^[0 ]+$")  # a line of wrapped tails alone: 0 0, 00 0 0


def _opening(wh: Warehouse, file: str) -> str:
    """What the table's part on page 2 opens with, under the running header (the PDF's own text): ``tails`` (the
    wrapped rests of the amounts above), ``last row`` (2080505 alone) or ``rows``."""
    pdf = pdfium.PdfDocument(wh.paths[file])
    try:
        assert len(pdf) == 2
        lines = [ln.strip() for ln in pdf[1].get_textpage().get_text_range().replace("\r", "").split("\n")]
    finally:
        pdf.close()
    assert lines[0].replace(" ", "") == f"{wh.doc(file)[2]}{F.YEAR}年部门预算" and lines[-1] == "- 2 -"
    body = lines[1:-1]
    if _TAILS.match(body[0]):
        return "tails alone" if len(body) == 1 else "tails"
    codes = [ln.split()[0] for ln in body if ln[:1].isdigit() and " " in ln]
    return "last row" if codes == ["2080505"] else "rows"


@pytest.mark.parametrize("family", FAMILIES)
def test_the_sweep_breaks_the_last_rows_every_way(wh, family):
    got = {_opening(wh, _name(family, k)) for k in SWEEP}
    assert {"last row", "rows"} <= got
    if family == "none":  # (with rules, LibreOffice keeps a row's lines together)
        assert {"tails alone", "tails"} <= got


@pytest.mark.parametrize("file", [_name(f, k) for f in FAMILIES for k in SWEEP])
def test_last_rows_atop_the_next_page(wh, file):
    _, status, _, year, _, _, unit = wh.doc(file)
    assert (status, year, unit) == ("loaded", F.YEAR, "元")
    [(kind, tables)] = wh.parts(file)
    assert kind == "expenditure" and len(tables) <= 2  # the part on page 1, and the rows on page 2 (not its tails alone)
    assert set().union(*(wh.lines(file, t) for t in tables)) == F.expect_function(F.EXPENDITURE)
    assert wh.coverage(file, tables[0]) == (19, 19)
    # typed: 300000 (30.00 万元) printed for 208, 20805 and 2080505, 合计 and 基本支出 each; never its head 30000 alone
    texts = [t for (t,) in wh.con.execute("select amount_text from staging.budget_lines where document_id = ?",
                                          [wh.doc(file)[0]]).fetchall()]
    assert texts.count("300000") == 6 and "30000" not in texts
    assert [f for f in wh.findings(file) if f[0] != "info"] == []
