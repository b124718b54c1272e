"""What a PDF viewer does not show is never a figure (#17).

A minus sign is put in front of every amount of every table of a clean sample PDF (524 of them), drawn
so that a viewer does not show it: render mode 3 (invisible), render mode 7 (clip only), white on the
white page, or in the colour of a filled shape under it.  The facts must be those of the clean sample,
with no finding.  Two controls prove the minus would be read where it shows: drawn black, and drawn
white on a black shape — then the filing's amounts are negated and its checks cry out.
"""

from __future__ import annotations

import pytest

from pipelines.lib import stages
from tests.hostile import pdf_hidden as H

# Typed from the sample PDF (表一 部门预算收支总表): 本年收入合计 837.01 万元; the 201 一般公共服务支出 line 714.85.
TOTAL = "837.01"
LINE_201 = "714.85"


def _facts(p: stages.Processed) -> dict:
    return {k: v.drop("document_id") for k, v in p.frames.items() if k not in stages.NOT_FACTS}


@pytest.fixture(scope="module")
def clean() -> stages.Processed:
    p = stages.process(H.SAMPLE)
    assert not p.rejected, p.document.error
    return p


def _read(tmp_path, mode: str) -> tuple[stages.Processed, int]:
    data, n = H.minus_before_amounts(mode)
    path = tmp_path / f"{mode}.pdf"
    path.write_bytes(data)
    return stages.process(path), n


def test_the_clean_sample_reads_its_printed_figures(clean):
    lines = clean.frames["budget_lines"]
    assert LINE_201 in lines.filter(lines["subject_code"] == "201")["amount_text"].to_list()
    assert clean.findings == []


@pytest.mark.parametrize("mode", ["invisible", "clip_only", "white", "on_its_colour"])
def test_a_minus_a_viewer_does_not_show_changes_no_fact(tmp_path, clean, mode):
    hostile, n = _read(tmp_path, mode)
    assert n > 500  # every amount of every table got one
    assert not hostile.rejected, hostile.document.error
    got, want = _facts(hostile), _facts(clean)
    assert got.keys() == want.keys()
    for name in want:
        assert got[name].equals(want[name]), name
    assert hostile.findings == []
    cells = hostile.frames["table_cells"]["text"].to_list()
    assert not any(t.startswith("-") for t in cells)


@pytest.mark.parametrize("mode", ["visible", "white_on_black"])
def test_the_same_minus_where_it_shows_is_read(tmp_path, clean, mode):
    """The controls: a black minus, and a white one on a black shape, are seen, so they are read."""
    shown, _ = _read(tmp_path, mode)
    cells = shown.frames["table_cells"]["text"].to_list() if shown.frames else []
    assert f"-{LINE_201}" in cells
    assert any(f"-{TOTAL}" in f.message for f in shown.findings)
