"""pandera over a batch of filings gives each filing the findings and rows it gets when validated alone."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.lib import processing

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.fixture(scope="module")
def steps():
    files = sorted(SAMPLES.rglob("*.docx"))[:4]
    out = [processing._normalized(p, SAMPLES, None, None) for p in files]
    assert all(isinstance(s, processing._Normalized) for s in out)
    return out


def _spoil(step, **changes):
    """A copy of ``step`` whose budget_lines rows 3 and 7 get ``changes`` (column -> bad value)."""
    df = step.frames["budget_lines"]
    bad = df.with_row_index("_i").with_columns(
        [pl.when(pl.col("_i").is_in([3, 7])).then(pl.lit(v)).otherwise(pl.col(c)).alias(c) for c, v in changes.items()]
    ).drop("_i")
    return processing._Normalized(step.doc, step.path, step.filing, step.validation, {**step.frames, "budget_lines": bad})


def test_a_batch_without_failures_passes_every_frame_through(steps):
    result = processing._schema_validate_batch([s.frames for s in steps], [s.doc.document_id for s in steps])
    for step, (frames, findings) in zip(steps, result, strict=True):
        assert findings == []
        assert frames.keys() == step.frames.keys()
        assert all(frames[k].equals(step.frames[k]) for k in frames)


def test_failing_rows_are_found_in_their_own_filing_and_reported_as_alone(steps):
    spoiled = [steps[0], _spoil(steps[1], measure="bogus", subject_code="12x"), steps[2],
               _spoil(steps[3], source_row=-1)]
    batch = processing._schema_validate_batch([s.frames for s in spoiled], [s.doc.document_id for s in spoiled])
    assert [r is None for r in batch] == [False, True, False, True]  # the spoiled ones are redone alone

    together = processing._validated(spoiled)
    for step, item in zip(spoiled, together, strict=True):
        frames, findings = processing._schema_validate(step.frames, step.doc.document_id)
        assert item.findings == step.validation.findings + findings
        assert item.frames["budget_lines"].equals(frames["budget_lines"])
    # what the findings say, independently of the implementation: two rows each, named by table and row
    schema = [f for f in together[1].findings if f.check == "schema"]
    assert {f.actual for f in schema} == {"bogus", "12x"}
    rows = spoiled[1].frames["budget_lines"]
    assert together[1].frames["budget_lines"].height == rows.height - 2
    where = {f"table {rows['source_table'][i]} row {rows['source_row'][i]}" for i in (3, 7)}
    assert {f.location for f in schema} == where
    assert [f.actual for f in together[3].findings if f.check == "schema"] == ["-1", "-1"]
    assert not [f for f in together[0].findings + together[2].findings if f.check == "schema"]


def test_the_same_bytes_twice_and_a_missing_column_fall_back_to_one_filing_at_a_time(steps):
    twice = [steps[0], steps[1], steps[0]]
    batch = processing._schema_validate_batch([s.frames for s in twice], [s.doc.document_id for s in twice])
    assert [r is None for r in batch] == [False, False, True]
    narrowed = {**steps[2].frames, "budget_lines": steps[2].frames["budget_lines"].drop("measure")}
    with pytest.raises(pl.exceptions.PolarsError):  # frames that cannot be stacked: _validated redoes each alone
        processing._schema_validate_batch([steps[0].frames, narrowed], ["a" * 64, "b" * 64])
    odd = processing._Normalized(steps[2].doc, steps[2].path, steps[2].filing, steps[2].validation, narrowed)
    items = processing._validated([steps[0], odd])
    assert [f.check for f in items[1].findings if f.check == "schema"]  # the missing column is reported
    assert not [f for f in items[0].findings if f.check == "schema"]
