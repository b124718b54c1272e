"""frames.build gives exactly the frame ``pl.DataFrame(columns, schema=schema, strict=False)`` gives, edge cases
included (a value the column's scale or precision cannot hold exactly falls back to polars' own column)."""

from decimal import Decimal

import polars as pl
import pytest

from pipelines.lib import frames as F

SCHEMA = {"document_id": pl.String, "n": pl.Int32, "yuan": pl.Decimal(18, 2), "wan": pl.Decimal(18, 6),
          "ok": pl.Boolean}

CASES = {
    "amounts": [Decimal("1308312.60"), Decimal("-2.00"), None, Decimal("0"), Decimal("5")],
    "more decimals than the scale": [Decimal("1.234"), Decimal("2.00"), None, None, None],
    "not decimals": [1, 2.5, None, None, Decimal("3.10")],
    "all null": [None] * 5,
    "negative zero and large": [Decimal("-0.00"), Decimal("9999999999999999.99"), None, None, Decimal("0.01")],
    "too large for the column": [Decimal("99999999999999999.99"), Decimal("1.00"), None, None, None],
    "exponents": [Decimal("1E+3"), Decimal("0E-6"), Decimal("2.5E-1"), None, Decimal("-7")],
}


@pytest.mark.parametrize("name", CASES)
def test_build_equals_polars(name):
    yuan = CASES[name]
    cols = {"document_id": ["d"] * 5, "n": [1, None, 3, 4, 5], "yuan": yuan,
            "wan": [None if v is None or not isinstance(v, Decimal) else v / 10000 for v in yuan],
            "ok": [True, False, None, True, True]}
    try:
        want = pl.DataFrame(cols, schema=SCHEMA, strict=False)
    except Exception as err:  # whatever polars refuses, build refuses too
        with pytest.raises(type(err)):
            F.build(cols, SCHEMA)
        return
    got = F.build(cols, SCHEMA)
    assert got.schema == want.schema
    assert got.rows() == want.rows()


def test_build_keeps_cents_exact():
    got = F.build({"document_id": ["d"], "n": [1], "yuan": [Decimal("2041.42")], "wan": [Decimal("0.204142")],
                   "ok": [None]}, SCHEMA)
    assert got["yuan"].to_list() == [Decimal("2041.42")] and got["wan"].to_list() == [Decimal("0.204142")]


@pytest.mark.parametrize("texts", [["a" * 64] * 300, ["x"], ["a" * 64] * 3 + ["b" * 64], [None, "a"], ["", ""],
                                   ["長" * 30] * 4 + [None]])
def test_a_text_column_of_one_value_is_that_value_held_once(texts):
    import pickle

    schema = {"document_id": pl.String}
    got = F.build({"document_id": texts}, schema)
    want = pl.DataFrame({"document_id": texts}, schema=schema)
    assert got.schema == want.schema and got.rows() == want.rows()
    if len(texts) == 300:  # one 64-byte value per row no more: what a worker pickles for the loader shrinks
        assert len(pickle.dumps(got)) < len(pickle.dumps(want)) / 2


class _Level(__import__("enum").IntEnum):
    ONE = 1


PLAIN = {  # column values of every kind build may meet, for the plain dtypes it builds through polars' constructor
    pl.String: [["a", None, "長" * 20], [None, None], [], ["a", 1], [1, "a"], [True, "x"], ["x", b"y"]],
    pl.Int32: [[1, None, -5], [None], [2**31, 1], [1, 2**40], [True, 2], [1, True], [1.5, 2], [2, 1.5], [1, "2"],
               [_Level.ONE, 2], [None, 3]],
    pl.Int8: [[127, -128], [128], [1, None]],
    pl.Int16: [[2**15 - 1], [2**15]],
    pl.Int64: [[2**63 - 1, None], [2**63]],
    pl.Boolean: [[True, None, False], [1, True], [True, 0], [None]],
}


@pytest.mark.parametrize("dtype, values", [(d, v) for d, vs in PLAIN.items() for v in vs])
def test_plain_columns_equal_polars(dtype, values):
    """A text, integer or boolean column is polars' own, odd values (overflow, bools for ints, mixed types) too."""
    try:
        want = pl.DataFrame({"c": values}, schema={"c": dtype}, strict=False)
    except Exception as err:
        with pytest.raises(type(err)):
            F.build({"c": values}, {"c": dtype})
        return
    got = F.build({"c": values}, {"c": dtype})
    assert got.schema == want.schema
    assert got.rows() == want.rows()


def test_the_short_way_is_taken_with_the_pinned_polars():
    """build calls polars' constructors itself (frames._series) and makes the frame from its Series directly: if a
    polars release moves them, build still works (through pl.Series / pl.DataFrame) but loses the saving."""
    assert set(F._CONSTRUCTORS) == set(F._PLAIN) and F._PyDataFrame is not None
    got = F.build({"a": ["x", "y"], "b": [1, None]}, {"a": pl.String, "b": pl.Int32})
    assert got.schema == {"a": pl.String, "b": pl.Int32} and got.rows() == [("x", 1), ("y", None)]
