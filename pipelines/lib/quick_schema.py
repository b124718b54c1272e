"""A quick yes to "does this frame pass its pandera model?": the model's checks, as pandera's polars backend runs
them, compiled into one polars ``select`` — and known without importing pandera.

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

What the checks are is read from ``schemas/declared.py``, plain data :func:`describe` generates from the models
(``python -m pipelines.lib.quick_schema`` writes it; a test fails when it is stale): importing pandera (and the
numpy it imports) costs a process ~0.18 CPU s, which a worker whose frames all pass no longer pays.
"""

from __future__ import annotations

import pprint
import re
import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl

from pipelines.schemas import declared

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

_FLOATS = ("Float32", "Float64")


def _anchored(pattern: str | re.Pattern) -> str:
    pattern = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    return pattern if pattern.startswith("^") else f"^{pattern}"


def dtype(spec: tuple) -> pl.DataType:
    """A polars dtype from its ``declared`` form: ``("String",)``, ``("Decimal", 18, 2)``."""
    name, *args = spec
    kind = getattr(pl, name)
    return kind(*args) if args else kind


def dtypes(frame: str) -> dict[str, pl.DataType]:
    """The frame's columns and their polars dtypes, in its model's order."""
    return {name: dtype(spec) for name, spec, *_ in declared.COLUMNS[frame]}


# frame name → its compiled row checks, or None: no quick path (pandera alone decides); and its schema
_PLANS: dict[str, pl.Expr | None] = {}
_SCHEMAS: dict[str, tuple] = {}


def _row_checks(frame: str) -> list[pl.Expr] | None:
    """One boolean aggregate per row check pandera runs on the frame, or None where its model uses something not
    compiled here (``declared.QUICK``)."""
    if not declared.QUICK[frame]:
        return None
    exprs: list[pl.Expr] = []
    for name, spec, nullable, unique, checks in declared.COLUMNS[frame]:
        col = pl.col(name)
        if not nullable:
            exprs.append(col.is_not_null().all())
            if spec[0] in _FLOATS:
                exprs.append(col.is_not_nan().all())
        if unique:
            exprs.append(col.is_duplicated().any().not_())
        for check, stats, ignore_na in checks:
            exprs.append(_BUILTIN[check](col, **stats).fill_null(ignore_na).all())
    for keys in declared.UNIQUE[frame]:
        exprs.append(pl.struct(list(keys)).is_duplicated().any().not_())
    return exprs


def _plan(frame: str) -> pl.Expr | None:
    if frame not in _PLANS:
        exprs = _row_checks(frame)
        _PLANS[frame] = None if exprs is None else pl.all_horizontal(exprs) if exprs else pl.lit(True)
        _SCHEMAS[frame] = tuple(dtypes(frame).items())
    return _PLANS[frame]


def passes(frame: str, df: pl.DataFrame) -> bool:
    """True: the frame's model (``schemas/models.py``) passes ``df`` (``validate(df, lazy=True)`` would return it
    unchanged: no model here coerces).  False: it may not — run pandera for its verdict and failure cases."""
    plan = _plan(frame)
    # pandera's schema checks pass a frame of exactly the model's columns and dtypes in its order; any other
    # schema goes to pandera, which says what is wrong
    if plan is None or tuple(df.schema.items()) != _SCHEMAS[frame]:
        return False
    if df.height == 0:
        return True
    return bool(df.select(plan).item())


# -- schemas/declared.py, from the pandera models ----------------------------------------------------------------

def _spec(dt: pl.DataType) -> tuple:
    if isinstance(dt, pl.Decimal):
        return ("Decimal", dt.precision, dt.scale)
    name = dt.__name__ if isinstance(dt, type) else type(dt).__name__
    if dtype((name,)) != dt:
        raise ValueError(f"dtype {dt!r} has arguments schemas/declared.py does not keep")
    return (name,)


def describe() -> dict:
    """What ``schemas/declared.py`` holds, read from the pandera models of ``schemas/models.py``."""
    from pipelines.schemas.models import RELATIONS, Project, _ProjectContract

    columns, unique, quick = {}, {}, {}
    for r in RELATIONS:
        schema = r.model.to_schema()
        ok = not (schema.checks or schema.coerce or schema.add_missing_columns or schema.drop_invalid_rows
                  or getattr(schema, "parsers", None) or getattr(schema, "unique_column_names", False))
        cols = []
        for name, column in schema.columns.items():
            if (column.regex or column.coerce or column.default is not None or column.drop_invalid_rows
                    or getattr(column, "parsers", None) or not column.required):
                ok = False
            checks = []
            for check in column.checks:
                if check.name not in _BUILTIN or check.element_wise or check.groupby is not None:
                    ok = False
                    continue
                checks.append((check.name, dict(check.statistics), bool(check.ignore_na)))
            cols.append((name, _spec(column.dtype.type), bool(column.nullable), bool(column.unique), tuple(checks)))
        sets = schema.unique or []
        sets = [sets] if sets and all(isinstance(x, str) for x in sets) else sets
        columns[r.frame] = tuple(cols)
        unique[r.frame] = tuple(tuple(s) for s in sets)
        quick[r.frame] = ok
    contract = tuple(_ProjectContract.to_schema().columns)
    return {
        "RELATIONS": tuple((r.frame, r.table, r.validated) for r in RELATIONS),
        "COLUMNS": columns,
        "UNIQUE": unique,
        "QUICK": quick,
        "PROJECT_EXTRAS": tuple(c for c in Project.to_schema().columns if c not in contract),
    }


DECLARED = Path(declared.__file__)


def declared_text() -> str:
    """The text of ``schemas/declared.py``."""
    head = ('"""GENERATED from schemas/models.py by `python -m pipelines.lib.quick_schema`: do not edit; run that '
            'after changing a model.\n\nEach relation\'s frame, table and whether it is validated before loading; '
            'each column as (name, polars dtype,\nnullable, unique, its pandera checks as (builtin check, '
            'statistics, ignore_na)); the unique column sets;\nwhether pipelines.lib.quick_schema can ask its '
            'checks in one query (QUICK); the projects columns beyond\nthe contract.  Plain data: reading it '
            'imports neither pandera nor polars."""\n\n')
    data = describe()
    lines = [head + "RELATIONS = ("]
    lines += [f"    {r!r}," for r in data["RELATIONS"]]
    lines += [")", "", "# (name, dtype, nullable, unique, checks)", "COLUMNS = {"]
    for frame, cols in data["COLUMNS"].items():
        lines += [f"    {frame!r}: ("] + [f"        {c!r}," for c in cols] + ["    ),"]
    lines += ["}", ""]
    lines += [f"{k} = {pprint.pformat(data[k], width=110, sort_dicts=False)}\n" for k in ("UNIQUE", "QUICK", "PROJECT_EXTRAS")]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    DECLARED.write_text(declared_text(), encoding="utf-8")
    print(f"wrote {DECLARED}", file=sys.stderr)
