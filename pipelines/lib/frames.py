"""Column names and polars dtypes of the tidy per-filing frames, derived from their pandera models.

Each relation is declared once, in ``schemas/models.py`` (installed as :mod:`pipelines.schemas.models`): this
module reads each model's columns and dtypes, in order, so ``normalize`` builds, pandera validates and the
warehouse keeps (``sql/ddl/20_frames.sql``, generated from the same models) the same columns.
"""

from __future__ import annotations

from decimal import Decimal

import pandera.polars as pa
import polars as pl
import pyarrow

from pipelines.schemas.models import RELATIONS, Project, _ProjectContract

YUAN = pl.Decimal(18, 2)  # 元, exact to the cent
WAN = pl.Decimal(18, 6)  # 万元 = 元 / 10000, exact


def dtypes(model: type[pa.DataFrameModel]) -> dict[str, pl.DataType]:
    """The model's columns and their polars dtypes, in the model's order."""
    return {name: column.dtype.type for name, column in model.to_schema().columns.items()}


FRAMES: dict[str, dict[str, pl.DataType]] = {r.frame: dtypes(r.model) for r in RELATIONS}

BUDGET_LINES = FRAMES["budget_lines"]
BUDGET_SUMMARY = FRAMES["budget_summary"]
THREE_PUBLIC = FRAMES["three_public"]
PERFORMANCE_INDICATORS = FRAMES["performance_indicators"]
PROJECTS = FRAMES["projects"]
# Beyond the contract: what a project's 绩效目标 form prints about it (docs/warehouse.md).
PROJECT_EXTRAS = {k: v for k, v in dtypes(Project).items() if k not in dtypes(_ProjectContract)}
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
    per column (~10 µs) and, for a Decimal column, ~0.5 µs a value, which is most of what building a filing's frames
    costs.  A column of Decimals (and None) goes in through a pyarrow decimal128 array (~0.15 µs a value, exact: an
    amount arrow cannot hold at the column's scale or precision raises, and that column is built by polars as
    before); every other column is the ``pl.Series`` polars itself makes for it."""
    series = []
    for name, dtype in schema.items():
        values = columns[name]
        column = None
        if isinstance(dtype, pl.Decimal) and all(type(v) is Decimal or v is None for v in values):
            try:
                column = pl.Series(name, pyarrow.array(values, type=pyarrow.decimal128(dtype.precision, dtype.scale)))
            except (pyarrow.ArrowException, ValueError, TypeError, OverflowError):
                column = None
            if column is not None and column.dtype != dtype:
                column = None
        series.append(column if column is not None else pl.Series(name, values, dtype=dtype, strict=False))
    return pl.DataFrame(series)
