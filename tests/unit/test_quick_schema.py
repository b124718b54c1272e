"""quick_schema.passes says yes only where pandera passes the frame: every check of every model, spoiled in one row,
is caught by both, and a filing so spoiled is still reported by pandera with its table and row."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandera.polars as pa
import polars as pl
import pytest

from pipelines.lib import processing, quick_schema
from pipelines.lib.stages import process
from pipelines.schemas.models import BY_FRAME, RELATIONS

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
DOC = "a" * 64

# rows of the frames no sample filing has (typed by hand: a 广东-style unit line, a finding, a left-out cell)
BY_HAND = {
    "unit_lines": {"document_id": DOC, "table_kind": "basic_expenditure", "unit_name": "某某中心",
                   "item_name": "工资福利支出", "measure": "total", "basis": "budget",
                   "amount_yuan": Decimal("12345.60"), "amount_wan": Decimal("1.234560"), "amount_text": "1.23456",
                   "source_table": 3, "source_row": 4, "source_col": 2},
    "findings": {"document_id": DOC, "severity": "warning", "check": "schema", "table_kind": "budget_lines",
                 "location": "table 1 row 2", "expected": None, "actual": "x", "message": "m"},
    "coverage_gaps": {"document_id": DOC, "source_table": 1, "source_row": 2, "source_col": 3,
                      "table_kind": "income", "text": "5.00", "row_label": None, "column": None, "reason": "r"},
}


@pytest.fixture(scope="module")
def valid() -> dict[str, pl.DataFrame]:
    """Each relation's frame over the nine sample filings stacked (a row typed by hand where none has one)."""
    items = [process(p, root=SAMPLES) for p in sorted(SAMPLES.rglob("*.docx"))]
    out = {}
    for r in RELATIONS:
        frame = pl.concat([i.frames[r.frame] for i in items if r.frame in i.frames])
        if frame.height == 0:
            frame = pl.DataFrame([BY_HAND[r.frame]], schema=frame.schema)
        out[r.frame] = frame
    return out


def _pandera_passes(model, df: pl.DataFrame) -> bool:
    try:
        model.validate(df, lazy=True)
    except pa.errors.SchemaErrors:
        return False
    return True


def _bad_value(check, dtype):
    """A value failing ``check`` (one of the builtin checks the models use)."""
    stats = check.statistics
    if check.name == "isin":
        return 99 if dtype.is_integer() else "bogus"
    if check.name == "str_matches":
        return "x!"
    if check.name == "greater_than_or_equal_to":
        return stats["min_value"] - 1
    raise AssertionError(f"no spoiler for {check.name}: add one, and the check to quick_schema._BUILTIN")


def _spoiled(df: pl.DataFrame, column: str, value, row: int = 1) -> pl.DataFrame:
    """``df`` with ``value`` in ``column`` of ``row`` (of the last row of a shorter frame)."""
    return df.with_columns(pl.when(pl.int_range(pl.len()) == min(row, df.height - 1)).then(pl.lit(value, dtype=df.schema[column]))
                           .otherwise(pl.col(column)).alias(column))


def _cases(frame: str, df: pl.DataFrame):
    """(what, spoiled frame) for every row check of the frame's model."""
    schema = BY_FRAME[frame].model.to_schema()
    for name, column in schema.columns.items():
        if not column.nullable:
            yield f"{name} null", _spoiled(df, name, None)
        for check in column.checks:
            yield f"{name} {check.name}", _spoiled(df, name, _bad_value(check, df.schema[name]))
    if schema.unique:
        yield "unique rows", pl.concat([df, df.head(1)])
    yield "a column missing", df.drop(df.columns[-1])
    yield "a column too many", df.with_columns(pl.lit(1).alias("extra"))
    yield "a wrong dtype", df.with_columns(pl.col("source_table").cast(pl.Int64)) if "source_table" in df.columns \
        else df.with_columns(pl.col("document_id").cast(pl.Categorical))


@pytest.mark.parametrize("frame", [r.frame for r in RELATIONS])
def test_every_check_spoiled_in_one_row_fails_both_quick_and_pandera(valid, frame):
    model, df = BY_FRAME[frame].model, valid[frame]
    assert df.height >= 1
    assert _pandera_passes(model, df) and quick_schema.passes(frame, df)
    assert quick_schema._plan(frame) is not None  # the model has a quick path: nothing it uses is left out
    cases = list(_cases(frame, df))
    assert len(cases) >= 4
    for what, bad in cases:
        assert not _pandera_passes(model, bad), what  # the spoiler spoils
        assert not quick_schema.passes(frame, bad), what
        assert quick_schema.passes(frame, df), what  # the verdicts cached per schema do not leak


def test_a_null_where_the_model_allows_it_passes_both(valid):
    model, df = BY_FRAME["budget_lines"].model, valid["budget_lines"]
    for column in ("parent_code", "cross_code", "section"):
        bad = _spoiled(df, column, None)
        assert _pandera_passes(model, bad) and quick_schema.passes("budget_lines", bad), column


def test_a_spoiled_filing_in_a_batch_is_reported_with_its_table_and_row():
    files = sorted(SAMPLES.rglob("*.docx"))[:3]
    steps = [processing._normalized(p, SAMPLES, None, None) for p in files]
    lines = steps[1].frames["budget_lines"]
    steps[1].frames["budget_lines"] = _spoiled(lines, "subject_level", 9, row=5)
    items = processing._validated(steps)
    schema = [f for f in items[1].findings if f.check == "schema"]
    assert [(f.actual, f.location) for f in schema] == [
        ("9", f"table {lines['source_table'][5]} row {lines['source_row'][5]}")]
    assert items[1].frames["budget_lines"].height == lines.height - 1
    assert not [f for i in (0, 2) for f in items[i].findings if f.check == "schema"]


@pytest.mark.parametrize("relation", RELATIONS, ids=lambda r: r.frame)
def test_a_frame_of_the_declared_columns_and_dtypes_passes_pandera_schema_checks(relation):
    """What quick_schema takes for granted of a frame whose schema is the model's own, asked of pandera."""
    empty = pl.DataFrame(schema=quick_schema.dtypes(relation.frame))
    assert _pandera_passes(relation.model, empty)
    assert quick_schema.passes(relation.frame, empty)
    reordered = empty.select(reversed(empty.columns))
    assert not quick_schema.passes(relation.frame, reordered)  # another order: pandera decides
    assert _pandera_passes(relation.model, reordered)


def test_declared_is_what_the_models_say():
    """schemas/declared.py (what frames, the loader and quick_schema read without importing pandera) is generated
    from schemas/models.py: after changing a model, run `python -m pipelines.lib.quick_schema`."""
    assert quick_schema.declared_text() == quick_schema.DECLARED.read_text(encoding="utf-8")
    assert all(quick_schema.declared.QUICK.values())  # every model has a quick path


# In a fresh Python: filings whose frames all pass never import pandera; a bad row imports it and is reported.
SCRIPT = """
import json, sys
from pathlib import Path
import polars as pl
from pipelines.lib import processing
files = sorted(Path(sys.argv[1]).rglob("*.docx"))[:3]
items = processing.process_batch([(p, Path(sys.argv[1])) for p in files])
clean = "pandera" in sys.modules
step = processing._normalized(files[0], None, None, None)
lines = step.frames["budget_lines"]
step.frames["budget_lines"] = lines.with_columns(
    pl.when(pl.int_range(pl.len()) == 2).then(pl.lit("bogus")).otherwise(pl.col("measure")).alias("measure"))
bad = processing._validated([step])[0]
print(json.dumps({"clean": clean, "loaded": [i.document.status for i in items],
                  "schema": sorted({f.actual for f in bad.findings if f.check == "schema"}),
                  "rows": lines.height - bad.frames["budget_lines"].height, "pandera": "pandera" in sys.modules}))
"""


def test_pandera_is_imported_only_when_a_frame_may_fail():
    import json
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(SAMPLES)], env={**os.environ, "PYTHONPATH": str(root)},
                          capture_output=True, text=True, check=True, timeout=120)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["clean"] is False and out["loaded"] == ["loaded"] * 3
    assert out["pandera"] is True and out["schema"] == ["bogus"] and out["rows"] == 1  # the bad row, left out
