"""E3/E4 of ../shared/seed/VARIANTS.md in the narrative (``tests/variants/test_narrative_units.py``: tables in 元 and
narrative in 万元, narrative in 元 with separators, a stated figure that differs from its table) printed as PDFs, built
as a government export is built (a .docx printed by LibreOffice, ``build.py``), the tables without rules and ruled —
and the same narrative pushed along its line character by character, so that its figures fall at a line's end and
wrap (150.50 / 万元, 1,505,000.00 / 元, or the whole figure onto the next line): the stated figures land in 万元
exactly, and a stated figure that differs is a finding.  (The narrative stands outside the tables: it slides in the
unruled prints only.)
"""

from __future__ import annotations

import re
from dataclasses import replace

import pypdfium2 as pdfium
import pytest

from tests.docx_builder import p
from tests.pdf_layouts import build as B
from tests.variants import filings as F
from tests.variants import test_narrative_units as N
from tests.variants.warehouse import Warehouse, ingested

FAMILIES = ("none", "full")
LEAD = "本部门认真贯彻落实预算法及其实施条例，坚持勤俭节约、量入为出的原则，"  # running text before the figures
SHIFTS = range(14, 26)  # characters of LEAD before the first stated figure: it slides past the line's end
SHIFTED = list(N.CASES)[:2]


STEMS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


def _docx(filing: list[tuple[F.Table, F.Style]], family: str, lead: str, dept: str) -> bytes:
    """The filing printed under a department of its own (``dept``), ``lead`` before its narrative's first line."""
    filing = [(t, replace(s, dept=dept)) for t, s in filing]
    blocks = [p(filing[0][1].cover())]
    for n, (t, s) in enumerate(filing):
        below = list(t.below)
        if lead and n == len(filing) - 1:
            below = [lead + below[0], *below[1:]]
        blocks += B.table_blocks(replace(t, below=below), s, family)
    return B.document(blocks)


def _cases() -> dict[str, tuple[str, str]]:
    """file → (case id, family)."""
    out = {}
    for family in FAMILIES:
        for cid in N.CASES:
            out[f"{N.FILE[cid]}_{family}"] = (cid, family)
        for cid in SHIFTED if family == "none" else ():  # (the narrative stands outside the tables: rules or none)
            for k in SHIFTS:
                out[f"{N.FILE[cid]}_{family}_{k}"] = (cid, family)
    return out


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Warehouse:
    B.need_soffice()
    docs = {}
    for n, (file, (cid, family)) in enumerate(_cases().items()):
        k = int(file.rsplit("_", 1)[1]) if file.count("_") == 2 else 0
        docs[file] = _docx(N.FILINGS[N.FILE[cid]], family, LEAD[:k],
                           f"魏县叙述{STEMS[n // len(STEMS)]}{STEMS[n % len(STEMS)]}测试局")
    tmp = tmp_path_factory.mktemp("pdf_narrative")
    paths = B.printed(docs, tmp)
    warehouse = ingested(paths, tmp / "w.duckdb")
    warehouse.split = {x.stem for x in paths if _splits_a_figure(x)}  # type: ignore[attr-defined]
    return warehouse


def _splits_a_figure(path) -> bool:
    """Whether a line of the PDF's narrative ends inside a stated figure, or between it and its unit."""
    doc = pdfium.PdfDocument(str(path))
    try:
        lines = [ln.strip() for i in range(len(doc)) for ln in doc[i].get_textpage().get_text_range().splitlines()]
    finally:
        doc.close()
    return any(a[-1:].isdigit() and re.search(r"共计|预算为|经费", a) and re.match(r"[\d,.]|万?元", b)
               for a, b in zip(lines, lines[1:], strict=False))


@pytest.mark.parametrize("cid", SHIFTED)
def test_the_sweep_wraps_the_figures(wh, cid):
    assert any(f"{N.FILE[cid]}_none_{k}" in wh.split for k in SHIFTS)


@pytest.mark.parametrize("file", list(_cases()))
def test_narrative_figures_printed_in_a_pdf(wh, file):
    cid, _ = _cases()[file]
    N.expect_case(wh, file, cid)
