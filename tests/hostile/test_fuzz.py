"""Property tests on whole filings, the layer tests/unit does not cover: (1) disguising the characters of
the reference filing's numbers (full-width digits, NBSP/ideographic spaces, zero-width characters) and
inserting blank rows changes none of its facts; (2) ill-formed grids (merges that continue nothing,
spans past the grid, ragged rows) in an identifiable budget table never break process().

tests/unit already fuzzes the table reader on well-formed merges, classify on random raw tables and
parse_amount on any text; these go end to end, through normalize and the checks."""

from __future__ import annotations

import functools
import io
import random
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.lib.stages import process
from tests.docx_builder import C, R, build_docx, p, tbl
from tests.hostile import builders as B

_FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789.,-"}
_SPACES = ["", "\u00a0", "\u3000", " ", "\t"]
_TEXT_RUN = re.compile(r"(<w:t(?: [^>]*)?>)([^<]+)(</w:t>)")
_ROW = re.compile(r"<w:tr[ >].*?</w:tr>", re.DOTALL)


def _disguise(xml: str, rng: random.Random, *, full_width: bool, spaces: bool, zero_width: bool,
              blank_rows: bool) -> str:
    """The same filing as a different word processor or a careless typist would print it."""
    def number(m: re.Match) -> str:
        text = m.group(2)
        if not re.fullmatch(r"[\d.,\-]+", text) or rng.random() < 0.3:
            return m.group(0)
        out = []
        for ch in text:
            if full_width and rng.random() < 0.5:
                ch = _FULL_WIDTH.get(ch, ch)
            if zero_width and rng.random() < 0.15:
                ch += rng.choice(["\u200b", "\u200c", "\ufeff"])
            out.append(ch)
        text = "".join(out)
        if spaces:
            text = rng.choice(_SPACES) + text + rng.choice(_SPACES)
        return m.group(1) + text + m.group(3)

    xml = _TEXT_RUN.sub(number, xml)
    if blank_rows:
        # A copy of a row with its text removed: an empty row, as Word leaves after a deleted line.
        def blank(m: re.Match) -> str:
            row = m.group(0)
            if rng.random() < 0.1 and "<w:vMerge" not in row:
                return row + _TEXT_RUN.sub("", row)
            return row
        xml = _ROW.sub(blank, xml)
    return xml


def _facts(data: bytes):
    item = process(Path("/inbox/reference.docx"), data=data)
    assert item.reject_kind != "internal", item.document.error
    lines = item.frames.get("budget_lines")
    rows = sorted(lines.select("table_kind", "subject_code", "measure", "amount_yuan").rows()) if lines is not None \
        else []
    return item, rows


@functools.cache
def _reference() -> tuple[str, list[tuple[str, str]], list[tuple]]:
    """The reference filing's document.xml, its findings (check, location) and its facts, computed once."""
    with zipfile.ZipFile(io.BytesIO(B.REFERENCE.read_bytes())) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    item, facts = _facts(B.REFERENCE.read_bytes())
    return xml, [(f.check, f.location) for f in item.findings], facts


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), full_width=st.booleans(), spaces=st.booleans(), zero_width=st.booleans(),
       blank_rows=st.booleans())
def test_disguised_numbers_and_blank_rows_change_no_fact(seed, full_width, spaces, zero_width, blank_rows):
    reference_xml, plain_findings, plain = _reference()
    # 一般公共服务支出 1974.41 万元 in the 支出总表 (typed from the seed), so the comparison is not vacuous.
    assert ("expenditure", "201", "total", Decimal("19744100.00")) in plain
    xml = _disguise(reference_xml, random.Random(seed), full_width=full_width, spaces=spaces,
                    zero_width=zero_width, blank_rows=blank_rows)
    data = B.rewrite_docx(B.REFERENCE.read_bytes(),
                          lambda name, content: xml.encode("utf-8") if name == "word/document.xml" else content)
    item, facts = _facts(data)
    assert item.document.status == "loaded", item.document.error
    assert facts == plain
    assert [(f.check, f.location) for f in item.findings] == plain_findings


_CELL_TEXT = st.sampled_from(["", "合计", "201", "20129", "2012901", "一般公共服务支出", "行政运行", "1,974.41",
                              "１９７４．４１", "\u00a0", "\u200b", "-", "0.00", "基本支出", "项目支出", "科目编码",
                              "涉密", "32S.70", " 224.80\u3000"])


@st.composite
def ill_formed_rows(draw):
    """Rows whose merges and spans a careless generator writes: nothing here has to fit the grid."""
    rows = []
    for _ in range(draw(st.integers(1, 9))):
        cells = []
        for _ in range(draw(st.integers(0, 7))):
            cells.append(C(draw(_CELL_TEXT), span=draw(st.sampled_from([1, 1, 1, 2, 3, 9, 0])),
                           vmerge=draw(st.sampled_from([None, None, "restart", "continue"])),
                           hmerge=draw(st.sampled_from([None, None, None, "restart", "continue"]))))
        rows.append(R(cells, grid_before=draw(st.sampled_from([0, 0, 1, 5])),
                      grid_after=draw(st.sampled_from([0, 0, 2]))))
    return rows, draw(st.integers(1, 6))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ill_formed_rows(), st.sampled_from(["部门预算支出总表", "部门预算收支总表", "一般公共预算财政拨款支出表",
                                           "部门预算财政拨款“三公”经费支出表", "绩效目标表"]))
def test_ill_formed_grids_in_an_identifiable_filing_never_break_process(rows_and_cols, title):
    rows, n_cols = rows_and_cols
    data = build_docx([p(title, heading=True), p("201中国共产党魏县委员会办公室"), p("预算年度：2023"),
                       p("单位：万元"), tbl(rows, n_cols=n_cols)])
    item = process(Path("/inbox/fuzz.docx"), data=data)
    assert item.reject_kind != "internal", item.document.error
    if item.rejected:
        assert isinstance(item.document.error, str) and len(item.document.error) > 15
