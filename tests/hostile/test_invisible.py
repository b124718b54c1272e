"""Issue #17's hostile classes on a real sample, end to end through ``stages.process``.

Where the hostile part is invisible in Word, the facts must be exactly the clean sample's (every
relation, every column but the document id); where it is visible, the exact finding.  The clean
figures themselves are pinned by tests/test_reference_filing.py (typed from the published PDF).
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import polars as pl
import pytest

from pipelines.cli import main
from pipelines.lib.stages import NOT_FACTS, process
from tests.hostile import invisible as H
from tests.hostile.builders import REFERENCE, SAMPLES

LAST_YEAR = SAMPLES / "2022" / "201_中国共产党魏县委员会办公室_2022.docx"
OTHER_DEPT = SAMPLES / "2023" / "305_魏县教育局_2023.docx"


def facts(item, drop: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every fact frame, sorted, without the document id (and ``drop`` columns)."""
    out = {}
    for name, df in item.frames.items():
        if name in NOT_FACTS:
            continue
        df = df.drop(["document_id", *[c for c in drop if c in df.columns]])
        out[name] = sorted(df.rows(), key=repr)
    return out


def _process(tmp_path, data: bytes, name: str = "hostile.docx"):
    path = tmp_path / name
    path.write_bytes(data)
    return process(path)


@pytest.fixture(scope="module")
def clean():
    return process(REFERENCE)


INVISIBLE = {
    "deleted minus (w:del/w:delText)": H.hidden_minus("deleted"),
    "deleted minus (w:del/w:t)": H.hidden_minus("deleted w:t"),
    "moved-away minus (w:moveFrom)": H.hidden_minus("moved away"),
    "hidden minus (w:vanish)": H.hidden_minus("vanish"),
    "web-hidden minus (w:webHidden)": H.hidden_minus("webHidden"),
    "hidden decrease mark △ (w:vanish)": H.hidden_minus("vanish", "△"),
    "deleted U+2212 minus (w:del/w:delText)": H.hidden_minus("deleted", "\u2212"),
    "last year's filing hidden above": H.hidden_copy(LAST_YEAR.read_bytes()),
    "三公 table in a text box": H.table_in_text_box(8, fallback=False),
    "三公 table in a text box with its VML fallback copy": H.table_in_text_box(8, fallback=True),
    "main part renamed (word/main.xml)": H.renamed_main_part(),
    "main part renamed, another year's orphan word/document.xml": H.renamed_main_part(LAST_YEAR.read_bytes()),
    "Strict OOXML namespaces": H.strict_ooxml,
}


@pytest.mark.parametrize("case", INVISIBLE)
def test_what_word_does_not_show_changes_no_fact(case, clean, tmp_path):
    item = _process(tmp_path, INVISIBLE[case](REFERENCE.read_bytes()))
    assert item.document.status == "loaded", item.document.error
    for key in ("department_code", "department_name", "year", "doc_type", "unit"):
        assert getattr(item.document, key) == getattr(clean.document, key), key
    assert facts(item) == facts(clean)
    assert [f for f in item.findings] == [f for f in clean.findings]


def test_a_hidden_copy_of_last_years_filing_supersedes_nothing(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "genuine_2022.docx").write_bytes(LAST_YEAR.read_bytes())
    (folder / "this_year_with_hidden_2022.docx").write_bytes(
        H.hidden_copy(LAST_YEAR.read_bytes())(REFERENCE.read_bytes()))
    db = tmp_path / "w.duckdb"
    assert main(["ingest", str(folder), "--db", str(db), "--jobs", "1"]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql("select file_name, year, status from core.documents order by file_name").fetchall()
    assert rows == [("genuine_2022.docx", 2022, "loaded"), ("this_year_with_hidden_2022.docx", 2023, "loaded")]


@pytest.mark.parametrize("marker", ["superscript run", "①", "¹"])
def test_footnote_markers_stay_out_of_the_amounts(marker, clean, tmp_path):
    item = _process(tmp_path, H.footnote_markers(marker)(REFERENCE.read_bytes()))
    assert item.document.status == "loaded"
    assert facts(item, drop=("amount_text",)) == facts(clean, drop=("amount_text",))
    notes = [f for f in item.findings if f.check == "footnote_marker"]
    shown = "¹" if marker == "superscript run" else marker
    assert notes and all(f.actual.endswith(shown) and f.severity == "warning" for f in notes)
    # one note per amount cell that was read as an amount (every budget / 三公 / summary cell marked)
    loaded = sum(df.height for k, df in item.frames.items() if k in ("budget_lines", "budget_summary", "three_public"))
    assert len(notes) >= loaded


def test_a_unit_printed_in_a_cell_is_converted_exactly(clean, tmp_path):
    item = _process(tmp_path, H.replace_cell("291.31", "2913100元")(REFERENCE.read_bytes()))
    assert item.document.status == "loaded"
    assert facts(item, drop=("amount_text",)) == facts(clean, drop=("amount_text",))
    assert [(f.check, f.location, f.actual, f.message) for f in item.findings] == [(
        "amount_unit", "table 1 row 6 col 3", "2913100元",
        "部门预算收入总表: the cell for 群众团体事务 / total prints its own unit ('2913100元') in a table in 万元; "
        "loaded as 291.31 万元, converted exactly")]
    rows = item.frames["budget_lines"].filter(pl.col("amount_text") == "2913100元")
    assert rows.select("amount_yuan", "amount_wan").rows() == [(Decimal("2913100.00"), Decimal("291.310000"))]


@pytest.mark.parametrize("huge", ["1000000000000", "1" * 30, "123456789012345678901234567890.12"])
def test_an_amount_no_column_holds_is_a_finding_on_its_cell(huge, clean, tmp_path):
    item = _process(tmp_path, H.replace_cell("291.31", huge)(REFERENCE.read_bytes()))
    assert item.document.status == "loaded", item.document.error
    [note] = [f for f in item.findings if f.check == "amount_fits"]
    assert (note.location, note.actual) == ("table 1 row 6 col 3", huge)
    assert "it was not loaded, the rest of the table was" in note.message
    got, want = facts(item), facts(clean)
    missing = [r for r in want["budget_lines"] if r not in got["budget_lines"]]
    assert len(missing) == 1 and "291.31" in missing[0]  # only the one cell is left out
    assert all(r in want["budget_lines"] for r in got["budget_lines"])
    # and it loads: the warehouse holds everything else
    db = tmp_path / "w.duckdb"
    assert main(["ingest", str(tmp_path / "hostile.docx"), "--db", str(db), "--jobs", "1"]) == 0


def test_imported_html_is_a_finding_not_a_silent_loss(clean, tmp_path):
    item = _process(tmp_path, H.alt_chunk_html(REFERENCE.read_bytes()))
    assert facts(item) == facts(clean)
    [note] = [f for f in item.findings if f.check == "content_readable"]
    assert note.message.startswith("imported content word/chunk1.html (w:altChunk, HTML that Word converts")
    assert "a table there is not loaded" in note.message


def test_two_entries_of_one_name_are_refused(tmp_path):
    item = _process(tmp_path, H.duplicate_entry(OTHER_DEPT.read_bytes())(REFERENCE.read_bytes()))
    assert item.reject_kind == "duplicate_part"
    assert "two entries named 'word/document.xml'" in item.document.error
