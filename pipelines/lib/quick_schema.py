"""A quick yes to "does this frame pass its pandera model?": the model's checks, as pandera's polars backend runs
them, compiled into one polars ``select``.

pandera runs each check of each column as a query of its own (~25 queries and ~5 ms for a model of 20 columns,
whatever the rows), and a frame almost always passes.  :func:`passes` asks the same questions in one query:

- what pandera checks of the frame's *schema* (the columns present, no others under ``strict``, each dtype)
  does not depend on the rows: a frame of exactly the model's columns and dtypes, in its order, passes it (the
  test has pandera say so of every model), and a frame of any other schema is left to pandera;
- what it checks of the *rows* (not null, ``unique`` columns and column sets, and the builtin checks the models
  use: ``isin``, ``str_matches``, ``ge`` …) is one boolean aggregate per check, written as pandera's polars
  backend writes that check (``pandera/backends/polars/builtin_checks.py``), nulls passing a check as pandera's
  ``ignore_na`` makes them pass.

Only a yes is trusted: ``False`` means "run pandera", which finds the failing rows and says why, as it always
did.  So :func:`passes` can never hide a failure pandera would report as long as each compiled check is at least
as strict as pandera's; a model using anything not compiled here (another check, a parser, coercion, a
dataframe-level check) gets no quick path and every frame goes to pandera.  ``tests/unit/test_quick_schema.py``
spoils each check of every model and asserts both agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandera.polars as pa
import polars as pl

# pandera's builtin check name → the boolean expression it evaluates per row (backends/polars/builtin_checks.py)
_BUILTIN: dict[str, Callable[..., pl.Expr]] = {
    "equal_to": lambda c, value: c.eq(value),
    "not_equal_to": lambda c, value: c.ne(value),
    "greater_than": lambda c, min_value: c.gt(min_value),
    "greater_than_or_equal_to": lambda c, min_value: c.ge(min_value),
    "less_than": lambda c, max_value: c.lt(max_value),
    "less_than_or_equal_to": lambda c, max_value: c.le(max_value),
    "isin": lambda c, allowed_values: c.is_in(allowed_values),
    "notin": lambda c, forbidden_values: c.is_in(forbidden_values).not_(),
    "str_matches": lambda c, pattern: c.str.contains(_anchored(pattern)),
    "str_contains": lambda c, pattern: c.str.contains(pattern, literal=False),
    "str_startswith": lambda c, string: c.str.starts_with(string),
    "str_endswith": lambda c, string: c.str.ends_with(string),
}

_FLOATS = (pl.Float32, pl.Float64)

# (model, frame schema) → the compiled row checks, or None: no quick path (pandera alone decides)
_PLANS: dict[tuple[type, tuple], pl.Expr | None] = {}


def _anchored(pattern: str | re.Pattern) -> str:
    pattern = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    return pattern if pattern.startswith("^") else f"^{pattern}"


def _row_checks(schema: pa.DataFrameSchema, dtypes: dict[str, pl.DataType]) -> list[pl.Expr] | None:
    """One boolean aggregate per row check pandera runs on a frame of these dtypes, or None where the model uses
    something not compiled here."""
    if (schema.checks or schema.coerce or schema.add_missing_columns or schema.drop_invalid_rows
            or getattr(schema, "parsers", None) or getattr(schema, "unique_column_names", False)):
        return None
    exprs: list[pl.Expr] = []
    for name, column in schema.columns.items():
        if (column.regex or column.coerce or column.default is not None or column.drop_invalid_rows
                or getattr(column, "parsers", None)):
            return None
        if name not in dtypes:
            if column.required:
                return None  # pandera's presence check failed on the empty frame already; never reached
            continue
        col = pl.col(name)
        if not column.nullable:
            exprs.append(col.is_not_null().all())
            if dtypes[name] in _FLOATS:
                exprs.append(col.is_not_nan().all())
        if column.unique:
            exprs.append(col.is_duplicated().any().not_())
        for check in column.checks:
            build = _BUILTIN.get(check.name)
            if build is None or check.element_wise or check.groupby is not None:
                return None
            exprs.append(build(col, **check.statistics).fill_null(check.ignore_na).all())
    if schema.unique:
        sets = [schema.unique] if all(isinstance(x, str) for x in schema.unique) else schema.unique
        for keys in sets:
            present = [k for k in keys if k in dtypes]
            if present:
                exprs.append(pl.struct(present).is_duplicated().any().not_())
    return exprs


def declared(model: type[pa.DataFrameModel]) -> tuple[tuple[str, pl.DataType], ...]:
    """The model's columns and their polars dtypes, in the model's order (what ``frames.FRAMES`` builds)."""
    return tuple((name, column.dtype.type) for name, column in model.to_schema().columns.items())


def _plan(model: type[pa.DataFrameModel], df: pl.DataFrame) -> pl.Expr | None:
    key = (model, tuple(df.schema.items()))
    if key not in _PLANS:
        plan = None
        # pandera's checks of the schema (each column there, no other under strict, each dtype) pass for a frame
        # of exactly the model's own columns and dtypes in its order (the test asks pandera so, for every model);
        # any other schema goes to pandera, which says what is wrong
        if key[1] == declared(model):
            exprs = _row_checks(model.to_schema(), dict(df.schema))
            if exprs is not None:
                plan = pl.all_horizontal(exprs) if exprs else pl.lit(True)
        _PLANS[key] = plan
    return _PLANS[key]


def passes(model: type[pa.DataFrameModel], df: pl.DataFrame) -> bool:
    """True: ``model.validate(df, lazy=True)`` passes (it would return ``df`` unchanged: no model here coerces).
    False: it may not — run pandera for its verdict and failure cases."""
    plan = _plan(model, df)
    if plan is None:
        return False
    if df.height == 0:
        return True
    return bool(df.select(plan).item())
