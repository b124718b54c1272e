"""Rows at PDF page breaks are not lost (issue 11.6).

``data/samples_pdf_breaks`` holds LibreOffice renders of the sample .docx files, made by
``python -m pipelines.samples.render_breaks``, of two sorts:

- on short landscape pages (30–51 mm high, 280–297 mm wide) a table has a page break every row or two, so
  class rows, rows with 类/款/项 codes in separate cells, wrapped names and 绩效目标 rows print at the bottom
  or the top of a page, or cut in two; the fewest of ten page sizes that together reach the most rows are kept;
- for the rows no page size reached (59 of 1,777, most in short 绩效目标 tables), a break is placed on the row:
  on a page tall enough for any table, each table starts a new page below a spacer paragraph whose height,
  computed from a first render's row positions, moves the chosen row across the page bottom
  (``297x600m2-12-break*``; the manifest records each spacer).

The renders are committed rather than made at test time: LibreOffice takes minutes and is not
byte-reproducible, and the suite stays fast.  ``manifest.json`` records the sha256 of each source .docx, so a
changed sample fails here until its renders are made again.

The tests recompute from the PDFs' own pages which rows stand next to a break
(:func:`pipelines.samples.render_breaks.rows_at_breaks`) and check that every row of every table of every
sample lands at a break in at least one render, and that each render gives exactly the .docx's facts, its
table rows equal to the .docx's row for row.
"""

from __future__ import annotations

import json
import zipfile
from functools import cache
from pathlib import Path

import pytest

from pipelines.lib.stages import Processed, process
from pipelines.samples.render_breaks import TALL, all_rows, rows_at_breaks, sha256, with_geometry

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
RENDERS = REPO / "data" / "samples_pdf_breaks"
MANIFEST = json.loads((RENDERS / "manifest.json").read_text())
BY_DOCX: dict[str, list[str]] = {}
for _r in MANIFEST["renders"]:
    BY_DOCX.setdefault(_r["docx"], []).append(_r["pdf"])

FACT_COLUMNS = {
    "budget_lines": ["table_kind", "classification", "subject_code", "subject_name", "measure", "amount_yuan"],
    "budget_summary": ["table_kind", "side", "item", "item_name", "subject_code", "measure", "amount_yuan"],
    "three_public": ["category", "fund_source", "amount_yuan"],
    "performance_indicators": [
        "project_seq", "project_name", "objective", "indicator_level1", "indicator_level2", "indicator_level3",
        "description", "target_value", "basis", "classified",
    ],
    "projects": ["project_seq", "project_name", "cost_wan", "total_funds_yuan", "annual_funds_yuan"],
}  # fmt: skip

pytestmark = pytest.mark.slow


@cache
def processed(path: Path) -> Processed:
    """Each file is read once per test session."""
    return process(path, root=path.parent)


def facts(item: Processed, frame: str) -> set[tuple]:
    return set(item.frames[frame].select(FACT_COLUMNS[frame]).iter_rows())


def test_the_renders_are_of_the_current_samples():
    assert BY_DOCX, "no renders in data/samples_pdf_breaks"
    for r in MANIFEST["renders"]:
        assert sha256(SAMPLES / r["docx"]) == r["docx_sha256"], (
            f"{r['docx']} changed since its page-break renders were made: "
            "run python -m pipelines.samples.render_breaks"
        )
        assert (RENDERS / r["pdf"]).is_file()


@pytest.mark.parametrize("pdf", [r["pdf"] for r in MANIFEST["renders"]])
def test_a_render_gives_the_facts_of_its_docx(pdf):
    (docx_rel,) = {r["docx"] for r in MANIFEST["renders"] if r["pdf"] == pdf}
    docx, rendered = processed(SAMPLES / docx_rel), processed(RENDERS / pdf)
    assert rendered.document.status == "loaded", rendered.document.error
    for frame in FACT_COLUMNS:
        expected, got = facts(docx, frame), facts(rendered, frame)
        assert sorted(expected - got, key=str) == [], f"{frame}: facts the PDF lost"
        assert sorted(got - expected, key=str) == [], f"{frame}: facts the PDF made up"


@pytest.mark.parametrize("docx_rel", sorted(BY_DOCX))
def test_every_row_of_every_table_lands_at_a_break(docx_rel):
    docx = processed(SAMPLES / docx_rel).filing
    covered: set[tuple[int, int]] = set()
    for pdf in BY_DOCX[docx_rel]:
        got, differences = rows_at_breaks(processed(RENDERS / pdf).filing, docx)
        assert differences == [], pdf
        covered |= got
    missing = sorted(all_rows(docx) - covered)
    assert missing == [], f"{len(missing)} rows of {docx_rel} meet no page break in any render: {missing}"
    assert MANIFEST["uncovered"].get(docx_rel) == [], f"the manifest says rows of {docx_rel} meet no break"


def test_a_spaced_copy_reads_as_its_docx(tmp_path):
    """The targeted renders' copies differ from the sample only in layout: page size, and a page break with an
    empty spacer paragraph above each table.  Read as .docx, such a copy gives the sample's facts."""
    for docx_rel in sorted({r["docx"] for r in MANIFEST["renders"] if "spacers" in r})[:2]:
        sample = processed(SAMPLES / docx_rel)
        copy = tmp_path / Path(docx_rel).name
        n_tables = sum(not t.nested for t in sample.filing.raw.tables)
        with_geometry(SAMPLES / docx_rel, TALL, copy, dict.fromkeys(range(n_tables), 3000))
        spaced = process(copy, root=tmp_path)
        assert spaced.document.status == "loaded"
        assert len(spaced.filing.raw.tables) == len(sample.filing.raw.tables)
        with zipfile.ZipFile(copy) as z:
            xml = z.read("word/document.xml").decode()
        assert xml.count("<w:pageBreakBefore/>") == n_tables
        for frame in FACT_COLUMNS:
            assert facts(spaced, frame) == facts(sample, frame), frame
