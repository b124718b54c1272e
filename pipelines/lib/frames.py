"""Column names and polars dtypes of the tidy per-filing frames, derived from their pandera models.

Each relation is declared once, in ``schemas/models.py`` (installed as :mod:`pipelines.schemas.models`): this
module reads each model's columns and dtypes, in order (from ``schemas/declared.py``, generated from the models
and checked against them by a test, so that reading them does not import pandera), so ``normalize`` builds,
pandera validates and the warehouse keeps (``sql/ddl/20_frames.sql``, generated from the same models) the same
columns.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from pipelines.lib.quick_schema import dtypes
from pipelines.schemas import declared

YUAN = pl.Decimal(18, 2)  # 元, exact to the cent
WAN = pl.Decimal(18, 6)  # 万元 = 元 / 10000, exact

FRAMES: dict[str, dict[str, pl.DataType]] = {frame: dtypes(frame) for frame, _, _ in declared.RELATIONS}

BUDGET_LINES = FRAMES["budget_lines"]
BUDGET_SUMMARY = FRAMES["budget_summary"]
THREE_PUBLIC = FRAMES["three_public"]
PERFORMANCE_INDICATORS = FRAMES["performance_indicators"]
PROJECTS = FRAMES["projects"]
# Beyond the contract: what a project's 绩效目标 form prints about it (docs/warehouse.md).
PROJECT_EXTRAS = {k: v for k, v in PROJECTS.items() if k in declared.PROJECT_EXTRAS}
NARRATIVE_FIGURES = FRAMES["narrative_figures"]
PROCUREMENT = FRAMES["procurement"]
UNIT_LINES = FRAMES["unit_lines"]
FINDINGS = FRAMES["findings"]
TABLE_CELLS = FRAMES["table_cells"]  # every cell of every table, losslessly
CHECK_RESULTS = FRAMES["check_results"]  # every check per filing, passed / failed / not_run
COVERAGE = FRAMES["coverage"]  # self-coverage per logical budget table (pipelines/lib/coverage.py)
COVERAGE_GAPS = FRAMES["coverage_gaps"]  # and per left-out cell


def empty(name: str) -> pl.DataFrame:
    """An empty frame with the right columns and dtypes."""
    return pl.DataFrame(schema=FRAMES[name])


def build(columns: dict[str, list], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """``pl.DataFrame(columns, schema=schema, strict=False)``, the same frame at less cost: a frame's polars cost is
    per column (~10 µs) and, for a column of Python Decimals, ~0.9 µs a value, which is most of what building a
    filing's frames costs.  A Decimal column whose every value fits the column's scale and precision exactly goes in
    as text that polars casts (~0.35 µs a value, its own exact parse; any other column is built by polars from the
    values, as before).  A text column of one value (``document_id``) is that value repeated, held once: from a
    list, polars copies a text of more than 12 bytes once per row, ~100 KB a filing that a worker hands the loader
    (and pickles, ~0.1 ms a side).  Every other column is the ``pl.Series`` polars itself makes for it.  (Not
    through pyarrow: its first array imports pandas, ~0.15 CPU s a process that ``yusuan ingest`` does not
    otherwise pay.)"""
    series = []
    for name, dtype in schema.items():
        values = columns[name]
        if isinstance(dtype, pl.Decimal):
            column = _decimal_column(name, values, dtype)
        elif (dtype == pl.String and values and type(values[0]) is str and values[-1] == values[0]
              and values.count(values[0]) == len(values)):
            column = _series(name, values[:1], pl.String).new_from_index(0, len(values))  # ~5 µs
        else:
            column = None
        series.append(column if column is not None else _series(name, values, dtype))
    if _PyDataFrame is not None:  # pl.DataFrame(series) without its ~20 µs of argument checks (named Series, no schema)
        try:
            return pl.DataFrame._from_pydf(_PyDataFrame([s._s for s in series]))
        except Exception:  # polars' own path below, as before
            pass
    return pl.DataFrame(series)


def _series(name: str, values: list, dtype: pl.DataType) -> pl.Series:
    """``pl.Series(name, values, dtype=dtype, strict=False)``.  For a text, integer or boolean column whose values are
    of the one Python type the dtype takes (or None), the constructor polars itself picks for the dtype is called
    the way ``pl.Series`` calls it (``polars_type_to_constructor(dtype)(name, values, strict)``): the same column,
    without the ~5 µs of checks polars' Python side makes first for values of any other kind (dataclasses, mappings,
    enums, dates), ~90 columns a filing.  Anything else, or any error, goes through ``pl.Series`` itself."""
    plain = dtype if isinstance(dtype, type) else type(dtype)  # the frames' dtypes are classes (pl.String)
    constructor = _CONSTRUCTORS.get(plain)
    if constructor is not None:
        first = next((v for v in values if v is not None), None)
        if first is None or type(first) is _PLAIN[plain]:
            try:
                return pl.Series._from_pyseries(constructor(name, values, False))
            except Exception:  # polars' own path below says what is wrong, or falls back as it does
                pass
    return pl.Series(name, values, dtype=dtype, strict=False)


# the dtypes of _series' short way, with the one Python type of their values
_PLAIN: dict[type, type] = {pl.String: str, pl.Int8: int, pl.Int16: int, pl.Int32: int, pl.Int64: int,
                            pl.Boolean: bool}
try:  # polars' own choice of constructor per dtype, where pl.Series finds it (checked against pl.Series by a test)
    from polars._utils.construction.series import polars_type_to_constructor

    _CONSTRUCTORS = {t: polars_type_to_constructor(t()) for t in _PLAIN}
    from polars._plr import PyDataFrame as _PyDataFrame
except (ImportError, ValueError, AttributeError):  # another polars: pl.Series and pl.DataFrame themselves
    _CONSTRUCTORS = {}
    _PyDataFrame = None


def _decimal_column(name: str, values: list, dtype: pl.Decimal) -> pl.Series | None:
    """The Decimal column ``values`` through their text, or None where a value is not a Decimal that the column's
    scale and precision hold exactly (then polars' own construction, which rounds or nulls, decides)."""
    if dtype.precision is None:
        return None
    scale, whole = dtype.scale, dtype.precision - dtype.scale
    texts: list[str | None] = []
    for v in values:
        if v is None:
            texts.append(None)
            continue
        if type(v) is not Decimal or not v.is_finite():
            return None
        t = f"{v:f}"
        dot = t.find(".")
        digits = dot if dot >= 0 else len(t)
        if t[0] == "-":
            digits -= 1
        if digits > whole or (dot >= 0 and len(t) - dot - 1 > scale):
            return None
        texts.append(t)
    try:
        column = _series(name, texts, pl.String).cast(dtype)
    except pl.exceptions.PolarsError:
        return None
    return column if column.null_count() == texts.count(None) else None
