"""A PDF whose text layer is in scrambled order never gives a wrong name or figure (issue #11).

Every glyph of a clean sample PDF is drawn by its own text operator, in random order (``pdf_scrambled``): the
page looks the same, but the text in drawing order is every line in pieces.  yusuan reads a page by the
position of its glyphs, not by their drawing order, so the filing must come out exactly as the clean one.
"""

from __future__ import annotations

from decimal import Decimal

import pypdfium2 as pdfium
import pytest

from pipelines.lib import stages
from tests.hostile import pdf_hidden as H
from tests.hostile import pdf_scrambled as S


def _facts(p: stages.Processed) -> dict:
    return {k: v.drop("document_id") for k, v in p.frames.items() if k not in stages.NOT_FACTS}


def _drawn_text(data: bytes) -> str:
    """The text in the order the page draws it (what a reader that trusts the text layer's order gets)."""
    doc = pdfium.PdfDocument(data)
    try:
        return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


@pytest.fixture(scope="module")
def scrambled(tmp_path_factory) -> tuple[bytes, stages.Processed]:
    data = S.scramble(H.SAMPLE.read_bytes())
    path = tmp_path_factory.mktemp("scrambled") / "202_魏县人民政府办公室_2022.pdf"
    path.write_bytes(data)
    return data, stages.process(path)


def test_the_built_pdf_really_has_its_text_out_of_order(scrambled):
    clean = _drawn_text(H.SAMPLE.read_bytes()).replace("\r\n", "")
    shuffled = _drawn_text(scrambled[0]).replace("\r\n", "")
    for words in ("部门预算收支总表", "魏县人民政府办公室", "837.01"):
        assert words in clean and words not in shuffled
    assert sorted(clean.replace(" ", "")) == sorted(shuffled.replace(" ", ""))  # the same glyphs, other order


def test_a_scrambled_text_layer_is_read_by_position_exactly_as_the_clean_file(scrambled):
    _, got = scrambled
    assert not got.rejected, got.document.error
    # typed from the sample (表一 部门预算收支总表): 202 魏县人民政府办公室, 预算年度：2022, 本年收入合计 837.01 万元
    assert (got.document.department_name, got.document.year) == ("魏县人民政府办公室", 2022)
    lines = got.frames["budget_lines"]
    line_201 = lines.filter((lines["subject_code"] == "201") & (lines["table_kind"] == "expenditure"))
    assert Decimal("714.85") in line_201["amount_wan"].to_list()
    clean = stages.process(H.SAMPLE)
    assert {k: v.height for k, v in _facts(got).items()} == {k: v.height for k, v in _facts(clean).items()}
    for name, frame in _facts(clean).items():
        assert frame.equals(_facts(got)[name]), name
    assert got.document.n_tables == clean.document.n_tables
    # … and says what it saw, naming the pages; the clean file says nothing of the kind
    said = [f.message for f in got.findings if f.check == "content_readable"]
    assert len(said) == 1 and "drawn out of reading order" in said[0] and "page(s) 1, 2, 3" in said[0]
    assert not [f for f in clean.findings if f.check == "content_readable"]
