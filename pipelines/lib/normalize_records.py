"""What normalize gives the checks and the warehouse: one record per amount read (``Line``, ``SummaryLine``,
``ThreePublicLine``, …), the cells it could not read (``Problem``), and ``Normalized``, which holds them all
and turns them into the frames of ``frames.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

import polars as pl

from pipelines.lib import frames as F
from pipelines.lib.numbers import Amount
from pipelines.lib.subjects import level, parent


@dataclass(slots=True)
class Loc:
    table: int
    row: int
    col: int

    def __str__(self) -> str:
        return f"table {self.table} row {self.row} col {self.col}"


@dataclass(slots=True)
class Line:
    """One amount of a subject-coded table (合计 rows too, with ``is_total``)."""

    table_kind: str
    classification: str
    subject_code: str | None
    subject_name: str
    measure: str
    amount: Amount
    unit: str
    loc: Loc
    is_total: bool = False
    basis: str = "budget"  # budget 预算数 | adjusted_budget 调整预算数 | final 决算数
    # A cross-classified table (北京 支出总表: function × 政府经济分类 × 部门经济分类; 烟台 基本支出表: 部门经济 ×
    # 政府经济) gives each row its codes in the other classification columns too, joined by '|' in printed order.
    cross_code: str | None = None
    cross_name: str | None = None
    # A table that prints its subjects over again, one run per unit without the unit's name (北京 预算05表):
    # the run's number (1, 2, …); None where the table prints each subject once.
    section: int | None = None
    section_name: str | None = None  # the unit a run belongs to, where the table prints it (西安: 125001 西安市…中心)
    logical: int | None = None  # the logical table it was read from (its first part's index)


@dataclass(slots=True)
class SummaryLine:
    table_kind: str
    side: str
    item: str
    item_name: str
    subject_code: str | None
    measure: str
    amount: Amount
    unit: str
    loc: Loc
    basis: str = "budget"


@dataclass(slots=True)
class UnitRow:
    """A cell of a table printed by unit (layouts.UNIT_COLUMN_HEADER): one unit's figure, the department's as a
    whole, or (``is_total``) the table's 合计 — read and checked (Σ units = 合计), not stored."""
    table_kind: str
    unit_name: str
    measure: str
    amount: Amount
    unit: str
    loc: Loc
    is_total: bool = False


@dataclass(slots=True)
class ThreePublicLine:
    category: str
    label: str
    fund_source: str
    amount: Amount
    unit: str
    loc: Loc
    basis: str = "budget"


@dataclass(slots=True)
class Indicator:
    project_seq: int | None
    project_name: str
    objective: str
    level1: str
    level2: str
    level3: str
    description: str
    target_value: str
    basis: str
    classified: bool
    loc: Loc


@dataclass(slots=True)
class Project:
    project_seq: int | None
    project_name: str
    cost_wan: Decimal | None
    cost_text: str | None
    table: int
    cost_basis: str | None = None  # cost_indicator | annual_funds | total_funds
    row: int | None = None
    project_code: str | None = None
    supervisor: str | None = None  # 主管部门
    implementer: str | None = None  # 实施单位
    nature: str | None = None  # 项目性质
    category: str | None = None  # 项目类别
    total_funds_yuan: Decimal | None = None  # 项目资金总额 / 资金总额 / 项目总额
    total_funds_wan: Decimal | None = None
    annual_funds_yuan: Decimal | None = None  # 年度资金申请总额 / 年度资金总额
    annual_funds_wan: Decimal | None = None
    fiscal_funds_yuan: Decimal | None = None  # 其中：财政资金 / 财政拨款
    fiscal_funds_wan: Decimal | None = None
    objective: str | None = None  # 年度总体目标
    overall_objective: str | None = None  # 项目总目标
    attributes: str | None = None  # every label/value pair of the project's form, as printed (JSON)
    indicators: list[Indicator] = field(default_factory=list)  # its rows in Normalized.indicators


@dataclass(slots=True)
class StatedFigure:
    figure: str
    stated_wan: Decimal
    sentence: str


@dataclass(slots=True)
class Problem:
    """A cell normalization could not read: becomes a finding."""

    check: str
    table_kind: str
    location: str
    actual: str
    message: str


@dataclass(slots=True)
class UnitLine:
    """An amount of a row named by spending unit (资金使用单位, 预算单位) rather than by subject code — the unit's own
    row (``item_name`` None) or an item printed under it (广东 部门预算基本支出预算表: 工资福利支出 under each unit)."""

    table_kind: str
    unit_name: str | None
    item_name: str | None
    measure: str
    amount: Amount
    unit: str
    loc: Loc
    basis: str = "budget"


@dataclass(slots=True)
class ProcurementLine:
    """A line of a 政府采购预算表: its printed labels (the group lines above it carried down) and amount."""

    item: str
    is_total: bool
    amount: Amount
    unit: str
    loc: Loc


@dataclass
class Normalized:
    document_id: str
    lines: list[Line] = field(default_factory=list)
    summary: list[SummaryLine] = field(default_factory=list)
    three_public: list[ThreePublicLine] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    stated: list[StatedFigure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    doc_type: str = "budget"  # the filing's: decides the basis of columns that name none
    procurement: list[ProcurementLine] = field(default_factory=list)
    year: int | None = None  # the filing's: which of a table's year rows (深圳 三公: 2025年 | 2026年) is its own
    unit_lines: list[UnitLine] = field(default_factory=list)
    unit_rows: list[UnitRow] = field(default_factory=list)  # read and checked, not stored
    # a 收支总表 line printed again on the same row by another classification (西安: 本年支出合计 under each of its
    # three expense columns): read and checked equal to the stored line, not stored twice
    summary_repeats: list[SummaryLine] = field(default_factory=list)
    list_totals: list = field(default_factory=list)  # (table, (row, text)): a project list's unlabelled 合计
    list_projects: dict = field(default_factory=dict)  # a 绩效目标 table's title → its projects, across tables
    # 三公 cells printed 涉密: (category, fund_source, basis) — not compared as if they were 0
    withheld: set = field(default_factory=set)
    year: int | None = None  # the filing's budget year: a column of an earlier year's figures is a comparison

    def frames(self) -> dict[str, pl.DataFrame]:
        """The tidy frames of ``frames.py`` (合计 rows left out), cast to their final dtypes.

        Each frame is built once, column by column, straight from the records (a list per column, no dict per
        row): the values and the one ``pl.DataFrame`` call per frame are what a frame of row dicts came to."""
        d = self.document_id
        lines = [x for x in self.lines if not x.is_total]
        return {
            "budget_lines": _frame(lines, F.BUDGET_LINES, d, _AMOUNT, {
                "subject_level": [level(x.subject_code) for x in lines],
                "parent_code": [parent(x.subject_code) for x in lines]}),
            "budget_summary": _frame(self.summary, F.BUDGET_SUMMARY, d, _AMOUNT),
            "three_public": _frame(self.three_public, F.THREE_PUBLIC, d, _AMOUNT | {"category_label": "label"}),
            "performance_indicators": _frame(self.indicators, F.PERFORMANCE_INDICATORS, d, {
                "indicator_level1": "level1", "indicator_level2": "level2", "indicator_level3": "level3",
                "source_table": "loc.table", "source_row": "loc.row"}),
            "projects": _frame(self.projects, F.PROJECTS, d, {"source_table": "table"}),
            "narrative_figures": _frame(self.stated, F.NARRATIVE_FIGURES, d),
            "procurement": _frame(self.procurement, F.PROCUREMENT, d, _AMOUNT, {
                "basis": ["budget"] * len(self.procurement)}),
            "unit_lines": _frame(self.unit_lines, F.UNIT_LINES, d, _AMOUNT),
        }


# where a frame's column comes from when the record's attribute has another name (dotted: an attribute's attribute)
_AMOUNT = {"amount_text": "amount.text", "source_table": "loc.table", "source_row": "loc.row", "source_col": "loc.col"}


def _frame(records: list, schema: dict, document_id: str, named: dict | None = None,
           computed: dict | None = None) -> pl.DataFrame:
    """One frame of ``schema`` from ``records``: a column is ``document_id``, one of ``computed`` (a list), the
    record's attribute ``named[column]`` or else the record's attribute of the column's name; ``amount_yuan`` and
    ``amount_wan`` are the record's ``amount`` in 元 and 万元 (from its ``unit``)."""
    if not records:
        return empty_frame(schema)
    named = named or {}
    computed = computed or {}
    n = len(records)
    cols: dict[str, list] = {}
    for c in schema:
        if c in computed:
            cols[c] = computed[c]
        elif c == "document_id":
            cols[c] = [document_id] * n
        elif c == "amount_yuan":
            cols[c] = [x.amount.yuan(x.unit) for x in records]
        elif c == "amount_wan":
            cols[c] = [x.amount.wan(x.unit) for x in records]
        else:
            cols[c] = list(map(attrgetter(named.get(c, c)), records))
    # Decimals go in as python Decimal objects: exact, no float on the way, with the final dtypes
    return F.build(cols, schema)


def empty_frame(schema: dict) -> pl.DataFrame:
    """``pl.DataFrame(schema=schema)``, from a copy made once per schema: polars spends ~0.1 ms reading a schema
    into an empty frame, and most filings leave several of their frames empty (a clone costs ~1 µs and shares
    nothing it could change)."""
    held = _EMPTY.get(id(schema))
    if held is None or held[0] is not schema or held[1].columns != list(schema):
        held = _EMPTY[id(schema)] = (schema, pl.DataFrame(schema=schema))
    return held[1].clone()


_EMPTY: dict[int, tuple[dict, pl.DataFrame]] = {}  # id(schema) → (the schema, held so its id stays its own; its frame)
