"""Classified tables → tidy, exactly typed lines in the contract's terms.

``normalize(filing, document_id)`` returns a :class:`Normalized`: python records that the checks read
(合计 rows included, flagged ``is_total``) and, through :meth:`Normalized.frames`, the polars frames of
``frames.py`` that the warehouse loads (合计 rows excluded: the contract stores them nowhere).

Columns are recognised by their header *paths* (``本年收入 / 财政拨款收入``), with all whitespace removed,
so ``项  目`` and ``科目    编码`` match; rows by their subject code or printed label.  A cell that should hold
an amount and does not parse becomes a finding, never an exception.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from pipelines.lib import frames as F
from pipelines.lib import layouts, performance, subject_lookup
from pipelines.lib.model import Cell, Filing, Table
from pipelines.lib.numbers import (
    Amount,
    BadNumber,
    TooLarge,
    clean,
    fits,
    in_unit,
    parse_amount,
    stated_amounts,
)
from pipelines.lib.subjects import (
    CODE,
    ECONOMIC_CLASSES,
    FUNCTION_CLASSES,
    function_class_code,
    level,
    parent,
    strip_ordinal,
)

SUBJECT_KINDS = {
    "income": "function",
    "expenditure": "function",
    "general_public_expenditure": "function",
    "gov_fund_expenditure": "function",
    "soe_capital_expenditure": "function",
    "basic_expenditure": "economic",
    "office_operation": "economic",  # 机关运行经费 by economic code (江苏 公开10表); docs/warehouse.md
}

# header path (whitespace removed) → measure, first match wins; order matters (小计 before 合计 etc.)
MEASURES: dict[str, list[tuple[str, str]]] = {
    "income": [
        (r"上年结转", "prior_year_carryover"),
        (r"本年收入/小计|本年收入合计|^小计$", "current_year_total"),
        (r"财政专户", "fiscal_special_account"),
        (r"财政拨款|一般公共预算", "fiscal_appropriation"),
        (r"事业单位经营|经营收入", "operating"),
        (r"事业收入", "business"),
        (r"上级补助", "superior_subsidy"),
        (r"附属单位上缴", "affiliate_remittance"),
        (r"其[他它]收入", "other"),
        (r"合计|总计", "total"),
    ],
    "expenditure": [
        (r"基本支出", "basic"),
        (r"项目支出", "project"),
        (r"经营支出", "operating"),
        (r"上解上级|上缴上级", "remit_to_superior"),
        (r"对附属单位补助", "subsidy_to_affiliates"),
        (r"合计|总计", "total"),
    ],
    "basic_expenditure": [
        (r"人员经费", "personnel"),
        (r"公用经费", "public_operating"),
        (r"合计|总计", "total"),
    ],
}
for _k in ("general_public_expenditure", "gov_fund_expenditure", "soe_capital_expenditure"):
    MEASURES[_k] = [(r"人员经费|人员支出", "personnel"), (r"公用经费|公用支出", "public_operating"),
                    (r"基本支出", "basic"),
                    (r"项目支出|专项业务", "project"), (r"合计|总计", "total")]
MEASURES["office_operation"] = [(r"合计|总计", "total")]
MEASURES.update(layouts.EXTRA_MEASURES)
MEASURES["income"] = [*layouts.INCOME_FUND_MEASURES, *MEASURES["income"]]
for _k, _rules in layouts.PART_MEASURES.items():
    MEASURES[_k] = [*_rules, *MEASURES[_k]]
MEASURES["income"] = [*layouts.INCOME_EXTRA_MEASURES, *MEASURES["income"]]
for _k in ("expenditure", "general_public_expenditure", "gov_fund_expenditure", "soe_capital_expenditure"):
    MEASURES[_k] = [*layouts.OF_WHICH_MEASURES, *MEASURES[_k]]
for _k in ("expenditure", "general_public_expenditure", "gov_fund_expenditure", "soe_capital_expenditure",
           "basic_expenditure"):
    MEASURES[_k] = [*MEASURES[_k], *layouts.COMPARISON_MEASURES]
# A table with a single amount column (江苏's 金额, 预算数, 机关运行经费支出): that column is the total.
SINGLE_AMOUNT_RE = re.compile(layouts.SINGLE_AMOUNT_HEADER)
# 决算 columns: the 政府性基金 / 国有资本经营 收入支出决算表 print the year's balance around the
# spending (年初结转和结余 | 本年收入 | 本年支出 小计 基本 项目 | 年末结转和结余); every 决算 table may
# print its single amount column as 决算数 / 金额.
FINAL_MEASURES: list[tuple[str, str]] = [
    (r"年初结转", "year_start_carryover"),
    (r"年末结转", "year_end_carryover"),
    (r"^本年收入$|^本年收入合计$", "current_year_income"),
    (r"本年支出/小计|本年支出合计|^本年支出$", "total"),
]
FINAL_MEASURE_KINDS = ("gov_fund_expenditure", "soe_capital_expenditure")
SINGLE_AMOUNT = [(r"决算数|^金额$|/金额$|预算数|执行数|^合计$", "total")]

THREE_PUBLIC_CATEGORIES: list[tuple[str, str]] = [
    (r"机关运行经费|行政经费", "office_operation"),
    (r"会议费", "meeting"),
    (r"培训费", "training"),
    (r"教学科研", "overseas_travel_research"),
    (r"其他因公出国", "overseas_travel_other"),
    (r"因公出国", "overseas_travel"),
    (r"购置及运|公务用车费|车购置及运行|用车购置及运行", "vehicles"),
    (r"购置", "vehicle_purchase"),
    (r"运行|运维", "vehicle_operation"),
    (r"接待", "reception"),
    (r"小计", "subtotal"),
    (r"三公", "subtotal"),  # “三公”经费 (广州's row), “三公”经费财政拨款预算总额 (北京's column): the 三公 sum
    (r"合计|总计", "total"),  # 深圳: 总计 / 一般公共预算
]
# in a wide 三公 table the vehicle group's 小计 column is the vehicle total, not the 三公 subtotal
FUND_SOURCES = [
    (r"一般公共预算|公共财政", "general_public"),
    (r"政府性基金", "gov_fund"),
    (r"国有资本", "soe_capital"),
    (r"合计|预算数|金额|本年预算|决算数|执行数", "total"),
]

SUMMARY_INCOME_ITEMS: list[tuple[str, str]] = [
    (r"使用非财政拨款结余|用事业基金弥补收支差额|使用事业基金", "use_of_non_fiscal_balance"),  # 西南大学 预算 too
    (r"^其中[:：]?捐赠收入$", "of_which_donations"),  # 西南大学: under 其他收入, a part of it (not added again)
    # 深圳: 上年结余、结转 / 1.财政拨款结余、结转 / 2.非财政拨款结余、结转 — its two parts
    (r"^(?:\d+[.．、])?非财政拨款结[余转]", "prior_year_carryover_non_fiscal"),
    (r"^(?:\d+[.．、])?财政拨款结[余转]", "prior_year_carryover_fiscal"),
    (r"上年结转|年初.*结转|年初结转|^上年结余", "prior_year_carryover"),  # 深圳: 上年结余、结转
    # 上海: "一、财政拨款收入" heads its three funds (1. 一般公共预算资金 2. 政府性基金 3. 国有资本经营预算)
    (r"^(一、)?(本级)?(?:财政|预算)拨款(收入)?$", "fiscal_appropriation"),  # 湖南: 一、本级财政拨款收入; 广东: 一、预算拨款
    (r"一般公共预算", "general_public_budget"),
    (r"政府性基金", "gov_fund_budget"),
    (r"国有资本经营", "soe_capital_budget"),
    (r"财政专户", "fiscal_special_account"),
    (r"事业单位经营|经营收入", "operating"),
    (r"事业收入", "business"),
    (r"上级补助", "superior_subsidy"),
    (r"附属单位上缴", "affiliate_remittance"),
    (r"其[他它]收入", "other"),  # 湖南 prints 其它收入
    (r"单位资金", "other"),
    (r"本年收入合计|本年收入小计|当年收入小计|当年收入合计|^(一、)?本年收入$", "current_year_total"),
    (r"收入总计|^总计$|^收入合计$", "grand_total"),
    (r"其他资金", "other"),
    (r"^合计$", "grand_total"),  # 重庆: 合计 on the first row, both sides, above the lines it adds up
]
SUMMARY_EXPENSE_ITEMS: list[tuple[str, str]] = [
    (r"本年支出合计|本年支出小计|当年支出小计|当年支出合计|^(一、)?本年支出$", "current_year_total"),
    (r"年终结转|年末.*结转|年末结转|结转下年|结转结余下年", "year_end_carryover"),  # 广东: 结转结余下年
    (r"结余分配", "balance_distribution"),  # 湖南's budget 收支总表 prints it (blank) beside 结转下年
    (r"支出总计|^总计$|^支出合计$", "grand_total"),
    *layouts.SUMMARY_USE_ITEMS,
    (r"^合计$", "grand_total"),
]
# 决算 (final accounts) lines, tried before the lists above in a 决算 filing: there 年初结转和结余 is
# the balance brought into the year, and two balancing lines appear (使用非财政拨款结余 / 结余分配).
FINAL_SUMMARY_INCOME_ITEMS: list[tuple[str, str]] = [
    (r"使用非财政拨款结余|用事业基金弥补收支差额|使用事业基金", "use_of_non_fiscal_balance"),
    (r"^年初.*结转和?结余|^年初.*结转|^上年结转和?结余", "year_start_carryover"),
    (r"^本年收入合计$|^本年收入小计$", "current_year_total"),
    (r"^合计$|^总计$|^收入总计$", "grand_total"),  # 西南大学: 合计 under the carry-overs is the grand total
]
FINAL_SUMMARY_EXPENSE_ITEMS: list[tuple[str, str]] = [
    (r"结余分配", "balance_distribution"),
    (r"^年末.*结转和?结余|^年末.*结转|^年终结转", "year_end_carryover"),
    (r"^本年支出合计$|^本年支出小计$", "current_year_total"),
    (r"^合计$|^总计$|^支出总计$", "grand_total"),
]

# Which figure a column holds, from its header (whitespace removed).  A column naming none holds the
# filing's own figures: 预算数 in a budget, 决算数 in a 决算.
BASIS_SPELLINGS: list[tuple[str, str]] = [
    (r"调整预算数|调整后预算|调整预算$", "adjusted_budget"),
    (r"决算数|决算金额|执行数|实际支出|(^|/)决算$", "final"),
    (r"(^|/)(年初)?预算数|(^|/)年初预算$|(^|/)预算$|全年预算数", "budget"),
]


def basis_of(header_key: str, doc_type: str) -> str:
    return _match(BASIS_SPELLINGS, header_key) or ("final" if doc_type == "final_accounts" else "budget")


FISCAL_EXPENSE_MEASURES = [
    (r"一般公共预算", "general_public"),
    (r"政府性基金", "gov_fund"),
    (r"国有资本", "soe_capital"),
    (r"合计|金额|预算数", "total"),
]


def _match(rules: list[tuple[str, str]], text: str) -> str | None:
    for pattern, key in rules:
        if re.search(pattern, text):
            return key
    return None


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
    list_totals: list = field(default_factory=list)  # (table, (row, text)): a project list's unlabelled 合计
    list_projects: dict = field(default_factory=dict)  # a 绩效目标 table's title → its projects, across tables
    year: int | None = None  # the filing's budget year: a column of an earlier year's figures is a comparison

    def frames(self) -> dict[str, pl.DataFrame]:
        """The tidy frames of ``frames.py`` (合计 rows left out), cast to their final dtypes."""
        d = self.document_id

        def prov(a: Amount, unit: str, loc: Loc) -> dict:
            return {
                "amount_yuan": a.yuan(unit), "amount_wan": a.wan(unit), "amount_text": a.text,
                "source_table": loc.table, "source_row": loc.row, "source_col": loc.col,
            }

        budget = [
            {"document_id": d, "table_kind": x.table_kind, "classification": x.classification,
             "subject_code": x.subject_code, "subject_name": x.subject_name,
             "subject_level": level(x.subject_code), "parent_code": parent(x.subject_code),
             "measure": x.measure, "basis": x.basis, "cross_code": x.cross_code, "cross_name": x.cross_name,
             "section": x.section, "section_name": x.section_name, **prov(x.amount, x.unit, x.loc)}
            for x in self.lines if not x.is_total
        ]
        summary = [
            {"document_id": d, "table_kind": x.table_kind, "side": x.side, "item": x.item,
             "item_name": x.item_name, "subject_code": x.subject_code, "measure": x.measure,
             "basis": x.basis, **prov(x.amount, x.unit, x.loc)}
            for x in self.summary
        ]
        three = [
            {"document_id": d, "category": x.category, "category_label": x.label,
             "fund_source": x.fund_source, "basis": x.basis, **prov(x.amount, x.unit, x.loc)}
            for x in self.three_public
        ]
        indicators = [
            {"document_id": d, "project_seq": x.project_seq, "project_name": x.project_name,
             "objective": x.objective, "indicator_level1": x.level1, "indicator_level2": x.level2,
             "indicator_level3": x.level3, "description": x.description, "target_value": x.target_value,
             "basis": x.basis, "classified": x.classified, "source_table": x.loc.table,
             "source_row": x.loc.row}
            for x in self.indicators
        ]
        projects = [
            {"document_id": d, "project_seq": p.project_seq, "project_name": p.project_name,
             "cost_wan": p.cost_wan, "cost_text": p.cost_text, "source_table": p.table,
             **{c: getattr(p, c) for c in F.PROJECT_EXTRAS}}
            for p in self.projects
        ]
        stated = [
            {"document_id": d, "figure": s.figure, "stated_wan": s.stated_wan, "sentence": s.sentence}
            for s in self.stated
        ]
        return {
            "budget_lines": _frame(budget, F.BUDGET_LINES),
            "budget_summary": _frame(summary, F.BUDGET_SUMMARY),
            "three_public": _frame(three, F.THREE_PUBLIC),
            "performance_indicators": _frame(indicators, F.PERFORMANCE_INDICATORS),
            "projects": _frame(projects, F.PROJECTS),
            "narrative_figures": _frame(stated, F.NARRATIVE_FIGURES),
            "procurement": _frame([
                {"document_id": d, "basis": "budget", "item": x.item, "is_total": x.is_total,
                 **prov(x.amount, x.unit, x.loc)} for x in self.procurement], F.PROCUREMENT),
            "unit_lines": _frame([
                {"document_id": d, "table_kind": x.table_kind, "unit_name": x.unit_name, "item_name": x.item_name,
                 "measure": x.measure, "basis": x.basis, **prov(x.amount, x.unit, x.loc)} for x in self.unit_lines],
                F.UNIT_LINES),
        }


def _frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    if not rows:
        return pl.DataFrame(schema=schema)
    # Decimals go in as python Decimal objects: exact, no float on the way.
    return pl.DataFrame(rows, schema=schema, strict=False).select(
        [pl.col(c).cast(t, strict=False) for c, t in schema.items()]
    )


# --------------------------------------------------------------------------------------------------


def normalize(filing: Filing, document_id: str) -> Normalized:
    """Every recognised table of a filing → lines; unreadable cells → problems."""
    out = Normalized(document_id, doc_type=filing.doc_type, year=filing.year)
    for table in filing.tables:
        unit = table.unit or filing.unit or "万元"
        if table.kind in SUBJECT_KINDS:
            _subject_table(table, unit, out)
        elif table.kind in ("summary", "fiscal_summary"):
            _summary_table(table, unit, out)
        elif table.kind == "three_public":
            # 三公 tables are printed in 万元 nearly everywhere, even where tables 1–8 are in 元
            _three_public_table(table, table.unit or "万元", out)
        elif table.kind == "performance_target":
            _performance_table(table, table.unit or filing.unit, out)
        elif table.kind == "procurement" and filing.doc_type == "budget":
            _procurement_table(table, unit, out)
    for table, total in out.list_totals:  # a project list's 合计 against all of the list's projects
        problem = performance.list_total_problem(table.title or table.kind, table.index, total,
                                                 out.list_projects.get(key_title(table.title), []))
        if problem:
            out.problems.append(Problem(problem[0], table.kind, *problem[1:]))
    out.stated = narrative_figures(filing)
    if out.projects and all(p.project_seq is None for p in out.projects):
        for n, p in enumerate(out.projects, start=1):  # unnumbered forms: numbered in the order printed
            p.project_seq = n
            for x in p.indicators:
                x.project_seq = n
    return out


def _amount(text: str, table: Table, loc: Loc, out: Normalized, what: str, unit: str) -> Amount | None:
    """The cell's amount in the table's ``unit``; what is odd about it becomes a problem (a finding)."""
    name = table.title or table.kind
    try:
        a = parse_amount(text)
    except TooLarge:
        out.problems.append(Problem(
            check="amount_fits", table_kind=table.kind, location=str(loc), actual=text,
            message=f"{name}: the cell for {what} reads {text!r}, far larger than any amount (the warehouse holds "
            "amounts below 10^16 元); it was not loaded, the rest of the table was — check the cell in the file",
        ))
        return None
    except BadNumber:
        out.problems.append(Problem(
            check="amount_parses", table_kind=table.kind, location=str(loc), actual=text,
            message=f"{name}: the cell for {what} reads {text!r}, which is not a number; "
            "the rest of the table was loaded without it",
        ))
        return None
    if a is None:
        return None
    if a.marker:
        out.problems.append(Problem(
            check="footnote_marker", table_kind=table.kind, location=str(loc), actual=text,
            message=f"{name}: the cell for {what} reads {text!r}; {a.marker} is a footnote marker, kept out of "
            f"the amount ({clean(text).removesuffix(clean(a.marker))}) — see the table's notes for what it says",
        ))
    if a.unit is not None and a.unit != unit:
        a = in_unit(a, unit)
        out.problems.append(Problem(
            check="amount_unit", table_kind=table.kind, location=str(loc), actual=text,
            message=f"{name}: the cell for {what} prints its own unit ({text.strip()!r}) in a table in {unit}; "
            f"loaded as {a.value.normalize():f} {unit}, converted exactly",
        ))
    if not fits(a, unit):
        out.problems.append(Problem(
            check="amount_fits", table_kind=table.kind, location=str(loc), actual=text,
            message=f"{name}: the cell for {what} reads {text!r} {unit}, above what the warehouse holds (amounts "
            "below 10^16 元); it was not loaded, the rest of the table was — check the cell in the file",
        ))
        return None
    return a


def _keys(table: Table) -> list[str]:
    return [clean(h) for h in table.header]


def _code_columns(keys: list[str], table: Table | None = None) -> tuple[list[int], int | None]:
    """Code columns (one, or 类|款|项 split) and the name column, from the header paths — or, where the header
    names none, from the cells: a leading column of subject codes (201, 20101, 2010101)."""
    split = [i for i, k in enumerate(keys) if re.search(r"(^|/)(类|款|项)$", k)]
    # two code groups (部门经济科目 类|款 and 政府经济科目 类|款, 烟台): the first run is the table's subject
    split = [i for n, i in enumerate(split) if i == split[0] + n]
    if split:
        codes = split
    else:
        # several 编码 columns (部门经济科目编码 | … | 政府经济科目编码): the first is the table's subject
        codes = [i for i, k in enumerate(keys) if "编码" in k or "代码" in k]
        if len(codes) > 1 and codes != list(range(codes[0], codes[0] + len(codes))):
            codes = codes[:1]  # adjacent 编码 columns are 类|款|项 split; apart, the first is the table's subject
        if not codes and table is not None:
            codes = [i for i in range(min(2, table.n_cols)) if _codes_in(table, i)][:1]
    names = [i for i, k in enumerate(keys) if "名称" in k and i not in codes]
    if not names:
        names = [i for i, k in enumerate(keys)
                 if re.search(r"(^|/)(项目|科目|[^/]*科目)(名称)?$", k) and i not in codes and "编码" not in k]
    return codes[:3], (names[0] if names else None)


_GENERIC_LEAF = re.compile(r"^(小计|合计|金额|预算数|预算|决算数)$")


def _column_measure(rules: list[tuple[str, str]], path: str) -> str | None:
    """A column's measure from its header path: the last segment speaks first (``基本支出 / 人员支出`` is
    personnel, not basic), unless it is generic (``基本支出 / 小计`` is basic); a lone 小计 is the total."""
    leaf = path.split("/")[-1]
    if m := _match(layouts.PATH_FIRST_MEASURES, path):
        return m
    if not _GENERIC_LEAF.match(leaf) and (m := _match(rules, leaf)):
        return m
    return _match(rules, path) or ("total" if leaf == "小计" else None)


# (a name never starts with a decimal point or a thousands comma: 24995.94 is an amount, not 24995 + ".94")
_GLUED = re.compile(r"^[\[【(（]?(\d{3}(?:\d{2}){0,2})[\]】)）]?(?:\s*[-－—_、.．:：]\s*|\s+|(?=[^\d\s]))([^\d\s.,，．].*)$")


def _codes_in(table: Table, col: int) -> bool:
    """Whether most non-blank cells of a column are subject codes (a code column with no 编码 header)."""
    texts = [clean(table.values(r)[col]) for r in table.body[:60]]
    texts = [t for t in texts if t and not re.search(r"合计|总计", t)]
    return len(texts) >= 2 and sum(bool(CODE.match(t)) for t in texts) >= 0.8 * len(texts)


def _glued_column(table: Table, name_col: int | None) -> int | None:
    """The column printing code and name in one cell (``2040601-行政运行``, ``201 一般公共服务支出``)."""
    cols = [name_col] if name_col is not None else []
    cols += [i for i in range(min(3, table.n_cols)) if i not in cols]
    for col in cols:
        texts = [table.values(r)[col].strip() for r in table.body[:60]]
        texts = [t for t in texts if t and not re.search(r"合计|总计", clean(t))]
        if len(texts) >= 2 and sum(bool(_GLUED.match(t)) for t in texts) >= 0.6 * len(texts):
            return col
    return None


def _blocks(keys: list[str]) -> list[list[int]]:
    """Column blocks of a table printed as two or more side by side (类 款 名称 决算数 | 类 款 名称
    决算数 — the 基本支出 tables of 上海 and 广东 决算): each block starts at the code columns
    before its 科目名称 column.  One block for an ordinary table."""
    names = [i for i, k in enumerate(keys) if re.search(r"(^|/)科目名称$", k)]
    if len(names) < 2:
        return [list(range(len(keys)))]
    is_code = re.compile(r"编码|代码|(^|/)(类|款|项)$")
    starts = [0]
    for previous, name in zip(names, names[1:], strict=False):
        start = name
        while start - 1 > previous and is_code.search(keys[start - 1]):
            start -= 1
        starts.append(start)
    return [list(range(a, b)) for a, b in zip(starts, [*starts[1:], len(keys)], strict=True)]


def _subject_table(table: Table, unit: str, out: Normalized) -> None:
    all_keys = _keys(table)
    blocks = _blocks(all_keys)
    for block in blocks:
        keys = [k if i in block else "" for i, k in enumerate(all_keys)]
        _subject_block(table, unit, out, keys, block_measure=_block_measure(table, keys, block) if len(blocks) > 1
                       else None)


# A block of a side-by-side 基本支出表 is one half: its heading or its total row says which.
BLOCK_MEASURES = [(r"人员经费", "personnel"), (r"公用经费", "public_operating")]


def _block_measure(table: Table, keys: list[str], block: list[int]) -> str:
    found = _match(BLOCK_MEASURES, " ".join(keys[i] for i in block))
    for row in table.body[::-1]:
        if found:
            break
        vals = table.values(row)
        found = _match(BLOCK_MEASURES, " ".join(clean(vals[i]) for i in block if "合计" in vals[i]))
    return found or "total"


_SPLIT_CODE = re.compile(r"(^|/)(类|款|项)$")


def _cross_groups(table: Table, keys: list[str], code_cols: list[int], name_col: int | None,
                  glued: int | None) -> list[tuple[list[int], int | None, bool]]:
    """The table's *other* classification columns, beside the subject's own (a cross-classified table):
    ``(code columns, name column, glued)`` per classification, in printed order.

    Three printings are known (``layouts.CROSS_CLASSIFICATION_HEADER`` names the header words): a second run of
    split 类|款 columns with its name column after it (烟台: 部门经济科目 类 款 名称 | 政府经济科目 类 款 名称), a second
    编码 column with its 名称 beside it, and columns printing code and name in one cell (北京 预算03表:
    ``2040601-行政运行 | 50101-工资奖金津补贴 | 30101-基本工资``)."""
    own = set(code_cols) | {name_col, glued}
    groups: list[tuple[list[int], int | None, bool]] = []
    taken: set[int] = set()
    split = [i for i, k in enumerate(keys) if _SPLIT_CODE.search(k) and i not in own]
    editors = [i for i, k in enumerate(keys) if ("编码" in k or "代码" in k) and i not in own and i not in split]
    runs: list[list[int]] = []
    for i in sorted(split + editors):
        if runs and i == runs[-1][-1] + 1 and i in split and runs[-1][-1] in split:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        after = run[-1] + 1
        name = after if after < len(keys) and after not in own and re.search(r"名称|科目", keys[after]) and \
            not _SPLIT_CODE.search(keys[after]) else None
        groups.append((run, name, False))
        taken |= set(run) | ({name} if name is not None else set())
    if glued is not None or (code_cols and name_col is not None):
        for col in range(table.n_cols):
            if col in own or col in taken or not re.search(layouts.CROSS_CLASSIFICATION_HEADER, keys[col]):
                continue
            texts = [table.values(r)[col].strip() for r in table.body[:60]]
            texts = [t for t in texts if t and not re.search(r"合计|总计", clean(t))]
            if len(texts) >= 2 and sum(bool(_GLUED.match(t)) for t in texts) >= 0.6 * len(texts):
                groups.append(([col], col, True))
    return sorted(groups, key=lambda g: g[0][0])


def _cross_of(vals: list[str], groups: list[tuple[list[int], int | None, bool]],
              contexts: list[list[str]]) -> tuple[str | None, str | None]:
    """A row's codes and names in the other classification columns (``50101|30101``, ``工资奖金津补贴|基本工资``)."""
    codes: list[str] = []
    names: list[str] = []
    for (cols, name_col, glued), context in zip(groups, contexts, strict=True):
        if glued:
            g = _GLUED.match(vals[cols[0]].strip())
            code, name = (g.group(1), g.group(2).strip()) if g else (None, vals[cols[0]].strip())
        else:
            parts = [clean(vals[i]) for i in cols]
            code = _join_code(parts, context)
            name = vals[name_col].strip() if name_col is not None else ""
        codes.append(code or "")
        names.append(name)
    if not any(codes) and not any(names):
        return None, None
    return "|".join(codes), "|".join(names)


def _prints_subjects_again(table: Table, code_cols: list[int], glued: int | None) -> bool:
    """Whether a table prints its subjects over again, run after run (北京 预算05表 lists the department's rows, then
    each unit's, without the unit's name): a code printed again after other codes, where the order starts over.
    A row printed twice in a row stays a duplicate (a finding), not a new run."""
    col = glued if glued is not None else (code_cols[0] if len(code_cols) == 1 else None)
    if col is None:
        return False
    codes = []
    for row in table.body:
        text = table.values(row)[col].strip()
        g = _GLUED.match(text) if glued is not None else None
        code = g.group(1) if g else clean(text)
        if CODE.match(code):
            codes.append(code)
    restarts = [i for i in range(1, len(codes)) if codes[i] < codes[i - 1]]
    return bool(restarts) and any(codes[i] in codes[:i] for i in restarts)


def _unit_row(vals: list[str], code_cols: list[int], name_col: int | None) -> str | None:
    """The unit a row names, where a subject table prints a unit's row before its subjects (``layouts.UNIT_ROW_CODE``:
    a unit code, not a subject code, beside an organisation's name)."""
    if len(code_cols) != 1 or name_col is None:
        return None
    name = vals[name_col].strip()
    if layouts.UNIT_ROW_CODE.match(clean(vals[code_cols[0]])) and clean(name).endswith(layouts.ORG_ENDINGS):
        return name
    return None


def _subject_block(table: Table, unit: str, out: Normalized, keys: list[str], block_measure: str | None) -> None:
    code_cols, name_col = _code_columns(keys, table)
    unit_cols = [i for i, k in enumerate(keys) if layouts.BY_UNIT_HEADER.match(k)]
    if unit_cols and not any(re.search(r"科目|功能|经济", keys[i]) for i in code_cols):
        # rows are units (024 苏州市审计局 / 024001 …): their codes (部门代码) are the units', never subject codes
        code_cols = []
        name_col = next((i for i in unit_cols if "名称" in keys[i]), unit_cols[-1])
    glued = _glued_column(table, name_col) if not code_cols else None
    if glued is not None:
        name_col = glued
    if table.kind == "income" and not code_cols and glued is None and name_col is not None and \
            sum(1 for k in keys if _column_measure(MEASURES["income"], k)) <= 1:  # one amount column: by source
        _income_by_source(table, unit, out, keys)
        return
    rules = MEASURES[table.kind]
    if out.doc_type == "final_accounts":
        # the carry-over columns belong to the 政府性基金 / 国有资本经营 收入支出决算表 only
        rules = (FINAL_MEASURES if table.kind in FINAL_MEASURE_KINDS else []) + rules + SINGLE_AMOUNT
    if block_measure:
        # one amount per block: the subject's own figure, a part (人员经费 | 公用经费) of the 基本支出
        rules = [(pattern, block_measure) for pattern, _ in SINGLE_AMOUNT]
    cross = _cross_groups(table, keys, code_cols, name_col, glued) if table.kind != "income" else []
    cross_cols = {i for cols, name, _ in cross for i in (*cols, name) if i is not None}
    measure_cols: list[tuple[int, str]] = []
    bases: dict[int, str] = {}
    seen: set[tuple[str, str]] = set()
    for i, k in enumerate(keys):
        if i in code_cols or i == name_col or i in cross_cols or not k or re.search(r"序号|行次|栏次", k):
            continue
        m = _column_measure(rules, k)
        if m is None and out.year and (y := layouts.PRIOR_YEAR_COLUMN.match(k)) and int(y.group("year")) < out.year:
            m = "prior_year_budget"  # 重庆: 2025年预算数 beside 2026年预算数 / 总计 …
        b = basis_of(k, out.doc_type)
        if m and (m, b) not in seen:
            measure_cols.append((i, m))
            bases[i] = b
            seen.add((m, b))
    if not measure_cols:
        single = [i for i, k in enumerate(keys) if i not in code_cols and i != name_col and SINGLE_AMOUNT_RE.search(k)]
        if len(single) == 1:
            measure_cols = [(single[0], "total")]
            bases[single[0]] = basis_of(keys[single[0]], out.doc_type)
    classification = SUBJECT_KINDS[table.kind]
    if re.search(layouts.ECONOMIC_TITLE, clean(table.title or "")):
        classification = "economic"
    unit_col, item_col, unit_rows, unit_is_total = _unit_rows(table, keys, code_cols, name_col, glued)
    current_unit: str | None = None
    first_unit_line, first_line = len(out.unit_lines), len(out.lines)
    by_unit = not code_cols and glued is None and name_col is not None and bool(
        re.search(layouts.UNIT_COLUMN_HEADER, keys[name_col]))
    if classification == "function" and code_cols and len(code_cols) == 1:
        # a spending table by economic class (福州/泉州 一般公共预算支出经济分类情况表: 301 工资福利支出 …)
        printed = [c for r in table.body if (c := clean(table.values(r)[code_cols[0]])) and CODE.match(c)]
        if printed and sum(bool(layouts.ECONOMIC_CODE.match(c)) for c in printed) > len(printed) / 2:
            classification = "economic"
    # a table printing names only (杭州 原点财通): each row takes its code from the shipped subject list by its exact
    # name under the 类 / 款 above it (subject_lookup); a name the list does not hold under that parent stays a finding
    names_only = not code_cols and glued is None and name_col is not None and not by_unit
    classes = FUNCTION_CLASSES if classification == "function" else ECONOMIC_CLASSES
    walk = subject_lookup.NameWalk(subject_lookup.shipped(), classification, classes, out.year) if names_only else None
    by_name: list[str] = []
    not_found: dict[tuple[int, int], str] = {}  # row → why its name gave no code
    context = ["", ""]  # the last 类 and 款 seen, for split code columns that print only the new part
    seen_rows: dict[tuple, Loc] = {}  # a subject (or 合计) printed twice would double every sum
    cross_contexts = [["", ""] for _ in cross]
    section, previous_code, first_line = 1, None, len(out.lines)
    named = any(_unit_row(table.values(r), code_cols, name_col) is not None for r in table.body)
    section_name: str | None = None  # the unit of the current section, where the table names its units
    sectioned = not cross and not named and _prints_subjects_again(table, code_cols, glued)
    for row in table.body:
        vals = table.values(row)
        if named and (unit_name := _unit_row(vals, code_cols, name_col)) is not None:
            # a unit's row (西安: 125001 西安市安全生产宣传教育中心 461.80 …): its subtotal, then its own subject rows
            section, section_name, previous_code = (section + 1 if section_name else 1), unit_name, None
            seen_rows = {k: v for k, v in seen_rows.items() if k[0] is None and k[2] is None}
            context[:] = ["", ""]
            for c in cross_contexts:
                c[:] = ["", ""]
            first = row[0] if row else Cell("", 0, 0)
            for col, measure in measure_cols:
                loc = Loc(first.table, first.row, col)
                if (a := _amount(vals[col], table, loc, out, f"{unit_name} / {measure}", unit)) is not None:
                    out.lines.append(Line(table.kind, classification, None, unit_name, measure, a, unit, loc, True,
                                          bases[col], None, None, section, unit_name))
            continue
        parts = [clean(vals[i]) for i in code_cols]
        code = _join_code(parts, context) if code_cols else None
        if code is None and len(parts) == 1 and re.fullmatch(r"\d{2}", parts[0]) and context[0]:
            # one code column printing only the new part under its parent (208 / 05 / 2080505): 款 under the 类
            code = context[0][:3] + parts[0]
        elif code is not None and len(parts) == 1 and len(code) == 3:
            context[0] = code
        glued_name = None
        if glued is not None and (g := _GLUED.match(vals[glued].strip())):
            code, glued_name = g.group(1), g.group(2).strip()
        if code is None and len(parts) > 1 and any(len(p) == 1 and p.isdigit() for p in parts[1:]):
            first = row[0] if row else Cell("", 0, 0)
            out.problems.append(Problem(
                check="subject_code_present", table_kind=table.kind,
                location=str(Loc(first.table, first.row, code_cols[1])), actual="|".join(parts),
                message=f"{table.title or table.kind}: {vals[name_col].strip() if name_col is not None else ''} is "
                f"printed with code {'|'.join(parts)} — a 款/项 code has two digits (0{parts[-1]}?); the row was "
                "kept out rather than guessed",
            ))
            continue
        name = glued_name or (vals[name_col].strip() if name_col is not None else "")
        # the row's own name beside its unit (杭州: 单位名称 | 项目名称 | 金额): an item of that unit
        own_name = vals[item_col].strip() if item_col is not None else ""
        if unit_col is not None and code is None and clean(vals[unit_col]) and not clean(own_name):
            name = vals[unit_col].strip()
        if not clean(name) and code is None:  # 合计 printed in another text column (陕西: under 政府经济科目名称)
            name = next((v for i, v in enumerate(vals) if v.strip() and not re.match(r"^[\d,.\-%]+$", clean(v))),
                        "")
        label = clean(name) or clean(" ".join(vals[i] for i in code_cols))
        is_total = code is None and bool(re.search(r"合计|总计", label))
        if not code_cols and name_col is None and glued is None and code is None and unit_col is None:
            if not any(clean(vals[c]) for c, _ in measure_cols):
                continue  # an empty row (上海: a wide table's last column spilled onto a page of its own, blank)
            is_total, label = True, "合计"  # a table of one row and no subject column (江苏 支出预算总表): the total
        if code is None and not is_total and unit_col is not None and label:
            r_id = (row[0].table, row[0].row) if row else None
            if r_id in unit_rows:
                current_unit = name.strip()
            elif clean(own_name) and clean(vals[unit_col]):
                current_unit = vals[unit_col].strip()
            if r_id in unit_rows and unit_is_total:
                is_total = True  # the filing's only unit, printed where a 合计 row would be (深圳 本级)
            elif r_id in unit_rows or not (code_cols or glued is not None):
                item = None if r_id in unit_rows else (own_name or name.strip())
                for col, measure in measure_cols:
                    loc = Loc(row[0].table, row[0].row, col)
                    a = _amount(vals[col], table, loc, out, f"{label} / {measure}", unit)
                    if a is not None:
                        out.unit_lines.append(UnitLine(table.kind, current_unit, item, measure, a, unit, loc,
                                                       bases[col]))
                        if item is None:  # a unit's own figure: checked with the others against the 合计
                            out.unit_rows.append(UnitRow(table.kind, current_unit or label, measure, a, unit, loc))
                continue
        if (code is None and not is_total and walk is not None and label not in ("", "无")
                and not re.search(r"栏次|^\d+$|^\*+$", label)):
            found = walk.match(label)
            if found.code:
                code = found.code
                by_name.append(f"{Loc(row[0].table, row[0].row, 0) if row else '?'}: {label} → {found.code}")
            elif row:
                not_found[(row[0].table, row[0].row)] = found.why
        if code is None and not is_total:
            if not label or label in ("无",) or re.search(r"栏次|^\d+$|^\*+$", label):  # ** 1 2 …: 栏次 unlabelled
                continue
            if by_unit:  # a unit's row (浙江 收入预算总表 by 单位名称): read and checked against the 合计
                for col, measure in measure_cols:
                    a = _amount(vals[col], table, Loc(row[0].table, row[0].row, col), out, f"{label} / {measure}",
                                unit)
                    if a is not None:
                        out.unit_rows.append(UnitRow(table.kind, name.strip(), measure, a, unit,
                                                     Loc(row[0].table, row[0].row, col)))
                continue
            # a row with amounts but neither a code nor a total label: report, do not guess
            if any(clean(vals[i]) for i, _ in measure_cols):
                out.problems.append(Problem(
                    check="subject_code_present", table_kind=table.kind,
                    location=str(Loc(row[0].table, row[0].row, 0)), actual=label,
                    message=f"{table.title or table.kind}: row {label!r} has amounts but no subject code"
                    + (f" (the table prints names only, and {not_found[(row[0].table, row[0].row)]})"
                       if (row[0].table, row[0].row) in not_found else
                       " (the table prints names only)" if names_only else ""),
                ))
            continue
        first = row[0] if row else Cell("", 0, 0)
        cross_code, cross_name = _cross_of(vals, cross, cross_contexts) if cross and not is_total else (None, None)
        if sectioned and not is_total and previous_code and code < previous_code:
            # the subjects start over (北京 预算05表: each unit's rows after the department's, no unit name printed)
            section += 1
            seen_rows = {k: v for k, v in seen_rows.items() if k[0] is None}
        previous_code = code if not is_total else previous_code
        key = (code, cross_code, section if section > 1 or section_name else None)
        if key in seen_rows and code is None and _same_amounts(table, seen_rows[key], row, measure_cols):
            # 合计 printed again with the same figures (西南大学: above the lines and below them): read, not a fact
            earlier = seen_rows[key]
            if earlier.table != first.table:  # 佛山 决算: reprinted atop each continuation page — said, not hidden
                out.problems.append(Problem(
                    check="subject_unique", table_kind=table.kind, location=str(Loc(first.table, first.row, 0)),
                    actual="合计",
                    message=f"{table.title or table.kind}: the 合计 row is printed again (table {first.table} row "
                    f"{first.row}) with the same figures as the first (table {earlier.table} row {earlier.row}) — a "
                    "total repeated on a continuation page; counted once, the repeat checked equal to it",
                ))
            for col, measure in measure_cols:
                loc = Loc(first.table, first.row, col)
                if (a := _amount(vals[col], table, loc, out, f"{label} / {measure}", unit)) is not None:
                    out.lines.append(Line(table.kind, classification, None, label, measure, a, unit, loc, True,
                                          bases[col]))
            continue
        if key in seen_rows:
            earlier = seen_rows[key]
            out.problems.append(Problem(
                check="subject_unique", table_kind=table.kind, location=str(Loc(first.table, first.row, 0)),
                actual=code or "合计",
                message=f"{table.title or table.kind}: {code or '合计'} {label} is printed twice (table {earlier.table} "
                f"row {earlier.row} and table {first.table} row {first.row}); the second was kept out",
            ))
            continue
        seen_rows[key] = Loc(first.table, first.row, 0)
        for col, measure in measure_cols:
            loc = Loc(first.table, first.row, col)
            a = _amount(vals[col], table, loc, out, f"{label} / {measure}", unit)
            if a is None:
                continue
            out.lines.append(Line(table.kind, classification, None if is_total else code, name.strip() or label,
                                  measure, a, unit, loc, is_total, bases[col], cross_code, cross_name,
                                  section if (section > 1 or section_name) and not is_total else None,
                                  section_name if not is_total else None))
            if (by_unit or unit_col is not None) and is_total and not unit_is_total:
                out.unit_rows.append(UnitRow(table.kind, label, measure, a, unit, loc, True))
    for x in out.lines[first_line:]:
        x.logical = table.index
    if by_name:
        out.problems.append(Problem(
            check="subject_code_present", table_kind=table.kind, location=f"table {table.index}",
            actual="; ".join(by_name),
            message=f"{table.title or table.kind}: the table prints subject names without codes; {len(by_name)} "
            "rows took their code from yusuan's subject list (pipelines/lib/data/subjects.csv) by exact name under "
            f"the 类 / 款 above them: {'; '.join(by_name)}",
        ))
    if section > 1:
        for x in out.lines[first_line:]:  # the first run is a section too, once a second one is known
            if x.loc.table in table.parts and x.section is None and not x.is_total:
                x.section = 1
    if len(out.unit_lines) > first_unit_line:
        _drop_whole_department(out, first_unit_line, first_line)


def _drop_whole_department(out: Normalized, first_unit_line: int, first_line: int) -> None:
    """A unit row repeating the table's 合计 in every column is the department as a whole, printed before its units
    (杭州: 合计, 杭州市司法局, then 杭州市司法局 本级 and each unit): not stored again in unit_lines (it is checked,
    with the units, against the 合计 — checks.unit_rows_sum)."""
    totals = {x.measure: x.amount.value for x in out.lines[first_line:] if x.is_total}
    rows: dict[tuple[int, int], list[UnitLine]] = defaultdict(list)
    for x in out.unit_lines[first_unit_line:]:
        if x.item_name is None:
            rows[(x.loc.table, x.loc.row)].append(x)
    whole = {key for key, xs in rows.items()
             if totals and len(xs) == len(totals) and all(totals.get(x.measure) == x.amount.value for x in xs)}
    if whole:
        out.unit_lines[first_unit_line:] = [x for x in out.unit_lines[first_unit_line:]
                                            if (x.loc.table, x.loc.row) not in whole]


def _unit_rows(table: Table, keys: list[str], code_cols: list[int], name_col: int | None,
               glued: int | None) -> tuple[int | None, int | None, set[tuple[int, int]], bool]:
    """A table naming its rows by spending unit (layouts.UNIT_LABEL_HEADER): that column, the column naming each
    row's own item beside it (科目名称, 项目名称), the rows that are units (not 合计, not a code's row, no item of
    their own, and — where the column also lists items under each unit — named like an organisation), and whether
    the only unit stands where a 合计 row would (no 合计 printed, one unit)."""
    col = next((i for i, k in enumerate(keys) if i not in code_cols and re.search(layouts.UNIT_LABEL_HEADER, k)), None)
    if col is None:
        return None, None, set(), False
    item_col = name_col if name_col not in (None, col) else next(
        (i for i, k in enumerate(keys) if i != col and i not in code_cols and "名称" in k), None)
    units_only = bool(re.search(layouts.UNITS_ONLY_HEADER, keys[col]))
    rows: set[tuple[int, int]] = set()
    has_total = False
    for row in table.body:
        if not row:
            continue
        vals = table.values(row)
        text = clean(vals[col])
        if not text:
            continue
        if re.search(r"合计|总计", text):
            has_total = True
            continue
        if code_cols and any(clean(vals[i]) for i in code_cols):
            continue
        if glued is not None and _GLUED.match(vals[glued].strip()):
            continue
        if item_col is not None and clean(vals[item_col]):
            continue  # the row's own name beside its unit: an item of that unit, not the unit's row
        if units_only or code_cols or glued is not None or \
                layouts.SCOPE_SUFFIX.sub("", text).endswith(layouts.ORG_ENDINGS):
            rows.add((row[0].table, row[0].row))
    return col, item_col, rows, (not has_total and len(rows) == 1)


def _same_amounts(table: Table, earlier: Loc, row: list[Cell], measure_cols: list[tuple[int, str]]) -> bool:
    """Whether ``row`` prints the same amounts as the earlier row at ``earlier`` in every measured column."""
    before = next((r for r in table.body if r and r[0].table == earlier.table and r[0].row == earlier.row), None)
    if before is None:
        return False
    a, b = table.values(before), table.values(row)
    return any(clean(b[c]) for c, _ in measure_cols) and all(clean(a[c]) == clean(b[c]) for c, _ in measure_cols)


def _income_by_source(table: Table, unit: str, out: Normalized, keys: list[str]) -> None:
    """A 收入总表 listing income by source, without function codes (江苏: 一般公共预算资金 | 小计 | 金额, its parts
    on the rows below): summary lines of table_kind ``income``, each source an item of the 收支总表's vocabulary."""
    amount_cols = [i for i, k in enumerate(keys) if SINGLE_AMOUNT_RE.search(k) or re.search(r"合计|小计", k)]
    if not amount_cols:
        return
    group_item = None
    for row in table.body:
        vals = table.values(row)
        labels = [v.strip() for i, v in enumerate(vals) if i not in amount_cols and v.strip()]
        if not labels:
            continue
        label = " / ".join(labels)
        first = clean(labels[0])
        item = _match(SUMMARY_INCOME_ITEMS, first)
        if clean(vals[0]):  # a source group (its 小计 row), or a line of its own
            group_item = item
        else:
            item = _match(SUMMARY_INCOME_ITEMS, first) or group_item or "other"
        if item is None:
            item = "other" if re.search(r"资金|收入", first) else None
        if item is None:
            out.problems.append(Problem(
                check="summary_item_known", table_kind=table.kind, location=str(Loc(row[0].table, row[0].row, 0)),
                actual=label, message=f"{table.title or table.kind}: the income line {label!r} is not a known source; "
                "kept out"))
            continue
        for col in amount_cols:
            loc = Loc(row[0].table, row[0].row, col)
            a = _amount(vals[col], table, loc, out, label, unit)
            if a is not None:
                out.summary.append(SummaryLine("income", "income", item, label, None, "amount", a, unit, loc))


def _join_code(parts: list[str], context: list[str]) -> str | None:
    parts = [p for p in parts]
    if len(parts) == 1:
        code = parts[0]
        return code if CODE.match(code) else None
    lei, kuan, xiang = (parts + ["", "", ""])[:3]
    if not any(parts) or not all(p.isdigit() or p == "" for p in parts):
        return None
    if lei:
        context[0], context[1] = lei, ""
    else:
        lei = context[0]
    if kuan:
        context[1] = kuan
    elif xiang:
        kuan = context[1]
    code = lei + (kuan if (kuan and (parts[1] or xiang)) else "") + (xiang if xiang else "")
    return code if CODE.match(code) else None


def _summary_table(table: Table, unit: str, out: Normalized) -> None:
    keys = _keys(table)
    income_cols = [i for i, k in enumerate(keys) if k.startswith(("收入", "本年收入"))]
    expense_cols = [i for i, k in enumerate(keys) if k.startswith(("支出", "本年支出"))]
    if not income_cols or not expense_cols:
        # no 收入/支出 group header: the label columns alternate (项目 金额 项目 金额 …)
        labels = [i for i, k in enumerate(keys) if re.search(r"项目", k)]
        if len(labels) >= 2:
            income_cols = list(range(labels[0], labels[1]))
            expense_cols = list(range(labels[1], len(keys)))
    for side, cols in (("income", income_cols), ("expense", expense_cols)):
        if not cols:
            continue
        # a side may print several label columns, each with its amounts (江苏: 功能分类 | 金额 | 支出用途 | 金额)
        labels = [i for i in cols if re.search(r"项目(?!支出)|名称|科目", keys[i].split("/")[-1])] or [cols[0]]
        for n, label_col in enumerate(labels):
            end = labels[n + 1] if n + 1 < len(labels) else cols[-1] + 1
            value_cols = [i for i in cols if label_col < i < end and not re.search(r"行次|序号", keys[i])]
            if n and side == "expense" and re.search(layouts.SUMMARY_SIDE_BY_SIDE_ECONOMIC, keys[label_col]):
                _summary_by_economic_class(table, label_col, value_cols, keys, out)
                continue
            if value_cols:
                _summary_side(table, unit, out, side, label_col, value_cols, keys, labels[0])


def _summary_by_economic_class(table: Table, label_col: int, value_cols: list[int], keys: list[str],
                               out: Normalized) -> None:
    """A 收支总表's expense by economic class, printed beside its function classes (layouts.SUMMARY_SIDE_BY_SIDE_
    ECONOMIC): each amount left out with a finding that says where the same spending is read."""
    for row in table.body:
        vals = table.values(row)
        for col in value_cols:
            if clean(vals[col]) and not re.search(r"合计|总计|结转|结余", clean(vals[label_col])):
                out.problems.append(Problem(
                    check="summary_item_known", table_kind=table.kind,
                    location=str(Loc(row[0].table, row[0].row, col)), actual=vals[col].strip(),
                    message=f"{table.title or table.kind}: {vals[label_col].strip() or '(no label)'} "
                    f"{vals[col].strip()} is spending by economic class ({table.header[label_col]}), printed beside "
                    "the function classes on the same rows; the summary keeps the function classes, the 经济分类 "
                    "tables print this spending line by line"))


def _summary_side(table, unit, out, side, label_col, value_cols, keys, first_label_col=None) -> None:
    in_carryover: str | None = None  # the carry-over line whose parts by fund follow
    in_class: str | None = None  # the 类 (its code) whose 款/项 lines follow (浙江 prints them under it)
    final = out.doc_type == "final_accounts"
    by_use: dict[int, str] = {}  # expense columns by use beside the total (layouts.SUMMARY_EXPENSE_MEASURES)
    if table.kind == "summary" and side == "expense" and len(value_cols) > 1:
        named = next((table.values(r) for r in table.body[:3] if not clean(table.values(r)[label_col])
                      and any(clean(table.values(r)[c]) for c in value_cols)), None)
        for col in value_cols:
            below = clean(named[col]) if named else ""
            if m := _match(layouts.SUMMARY_EXPENSE_MEASURES, below or keys[col].split("/")[-1]):
                by_use[col] = m
    for row in table.body:
        vals = table.values(row)
        label = vals[label_col].strip()
        if not label and first_label_col is not None and any(clean(vals[c]) for c in value_cols) and \
                re.search(r"合计|小计|总计", clean(vals[first_label_col])):
            label = vals[first_label_col].strip()  # 江苏: 当年支出小计 printed under the first group, its amount under the last
        key = clean(label)
        if not key:
            continue
        subject_code = None
        if side == "income":
            item = (final and _match(FINAL_SUMMARY_INCOME_ITEMS, key)) or _match(SUMMARY_INCOME_ITEMS, key) or \
                _match(SUMMARY_INCOME_ITEMS, strip_ordinal(key))  # 西安: 1、财政拨款 (1)一般公共预算拨款收入
            if item in ("prior_year_carryover", "year_start_carryover"):
                in_carryover = item
            elif in_carryover and item in ("general_public_budget", "gov_fund_budget", "soe_capital_budget"):
                # the fiscal summary lists the carry-over by fund after 年初财政拨款结转和结余
                item = in_carryover + "_" + {"general_public_budget": "general_public",
                                             "gov_fund_budget": "gov_fund",
                                             "soe_capital_budget": "soe_capital"}[item]
            elif item == "grand_total":
                in_carryover = None
        else:
            item = (final and _match(FINAL_SUMMARY_EXPENSE_ITEMS, key)) or _match(SUMMARY_EXPENSE_ITEMS, key)
            if item == "year_end_carryover":
                in_carryover = item
            elif in_carryover and re.search(r"一般公共预算|政府性基金|国有资本经营", key) and not re.search(r"支出", key):
                item = in_carryover + "_" + _match([(r"一般公共预算", "general_public"), (r"政府性基金", "gov_fund"),
                                                    (r"国有资本经营", "soe_capital")], key)
            if item is None:
                subject_code = function_class_code(label)
                if subject_code is None and in_class:
                    # a 款 or 项 line printed under its 类, by name only: a detail of that class
                    item, subject_code = "function_detail", in_class
                else:
                    item = "function_class" if (subject_code or re.search(r"支出|科目|预备费", key)) else None
                    in_class = subject_code
            else:
                in_class = None
        if item is None:
            out.problems.append(Problem(
                check="summary_item_known", table_kind=table.kind,
                location=str(Loc(row[0].table, row[0].row, label_col)), actual=label,
                message=f"{table.title or table.kind}: the {side} line {label!r} is not a known item; kept out",
            ))
            continue
        taken: set[str] = set()  # bases read for the 'amount' measure
        for col in value_cols:
            if table.kind == "fiscal_summary" and side == "expense":
                measure = _match(FISCAL_EXPENSE_MEASURES, keys[col]) or "total"
            else:
                measure = by_use.get(col, "amount")
            basis = basis_of(keys[col], out.doc_type)
            if measure == "amount" and basis in taken:
                continue  # one amount per line and basis (the 预算数 column; a 决算's 决算数 beside its 预算数)
            loc = Loc(row[0].table, row[0].row, col)
            a = _amount(vals[col], table, loc, out, f"{label}", unit)
            if a is None:
                continue
            out.summary.append(SummaryLine(table.kind, side, item, strip_ordinal(label) if item in (
                "function_class", "function_detail") else label, subject_code, measure, a, unit, loc, basis))
            if measure == "amount":
                taken.add(basis)
                if not final and not by_use:
                    break


def _basis_rows(table: Table, keys: list[str], doc_type: str) -> tuple[dict[int, str], set[int]]:
    """Each column's basis, from its header and from rows that only label columns 预算数 / 决算数
    (上海's 决算 prints that row under the header, in the body); the label rows' indices."""
    bases = {i: basis_of(k, doc_type) for i, k in enumerate(keys)}
    label_rows: set[int] = set()
    for r, row in enumerate(table.body[:4]):
        vals = [clean(v) for v in table.values(row)]
        named = {i: _match(BASIS_SPELLINGS, v) for i, v in enumerate(vals) if v}
        if named and all(named.values()):
            label_rows.add(r)
            bases.update({i: b for i, b in named.items() if b})
    return bases, label_rows


def _own_year_rows(table: Table, keys: list[str], out: Normalized) -> set[int] | None:
    """Where a table prints one row per year (深圳 三公: 年度 2025年 | 2026年 | 增减变化金额), the rows of the filing's
    own year; every other row gets a problem saying why it is not loaded.  None where the table has no year column."""
    col = next((i for i, k in enumerate(keys) if re.search(layouts.YEAR_ROW_HEADER, k)), None)
    if col is None:
        return None
    own: set[int] = set()
    name = table.title or table.kind
    for r, row in enumerate(table.body):
        label = table.values(row)[col].strip()
        m = re.search(r"((?:19|20)\d{2})", label)
        if m and out.year is not None and int(m.group(1)) == out.year:
            own.add(r)
            continue
        if not label or not row:
            continue
        why = (f"the row {label!r} prints the {m.group(1)} figures beside this filing's {out.year} ones; each year's "
               "三公 comes from that year's own filing (marts.three_public_trend compares the years), so it is not "
               "loaded") if m else (
               f"the row {label!r} is the change between the years printed above it, which marts.three_public_trend "
               "computes from each year's filing; it is not loaded")
        out.problems.append(Problem(check="year_row", table_kind=table.kind,
                                    location=str(Loc(row[0].table, row[0].row, 0)), actual=label,
                                    message=f"{name}: {why}"))
    return own


def _three_public_table(table: Table, unit: str, out: Normalized) -> None:
    keys = _keys(table)
    bases, label_rows = _basis_rows(table, keys, out.doc_type)
    # wide layout: the categories are columns; vertical: they are rows
    # a column whose last segment is a fund (深圳: 因公出国(境)费 / 一般公共预算): category above, fund below
    funds = {i: f for i, k in enumerate(keys) if "/" in k and (f := _match(layouts.THREE_PUBLIC_FUND_LEAF,
                                                                             k.split("/")[-1]))}
    header_cats = [(i, _match(THREE_PUBLIC_CATEGORIES, (k.rsplit("/", 1)[0] if i in funds else k).split("/")[-1]),
                    k.rsplit("/", 1)[0] if i in funds else k) for i, k in enumerate(keys)]
    wide = sum(1 for _, c, _ in header_cats if c) >= 3
    if wide:
        own_rows = _own_year_rows(table, keys, out)
        # a row of sub-headings printed in the body under a cut header (西安: 小计 | 公务用车购置经费 | 公务用车运行维护
        # under three columns whose header reads alike): it names those columns, it is no data row
        for r, row in enumerate(table.body[:2]):
            vals = table.values(row)
            texts = {i: clean(v) for i, v in enumerate(vals) if clean(v)}
            if texts and not any(re.search(r"\d", t) for t in texts.values()) and \
                    all(_match(THREE_PUBLIC_CATEGORIES, t) for t in texts.values()):
                label_rows.add(r)
                for n, (i, cat, k) in enumerate(header_cats):
                    if i in texts and cat is not None:
                        sub_cat = _match(THREE_PUBLIC_CATEGORIES, texts[i])
                        header_cats[n] = (i, "vehicles" if sub_cat == "subtotal" and "车" in k else sub_cat,
                                          f"{k}/{texts[i]}")
        total_row = _by_unit_total_row(table, keys)
        for i, cat, k in header_cats:
            if cat is None:
                continue
            if cat == "subtotal" and re.search(r"用车|车", k):
                cat = "vehicles"
            elif cat in ("vehicle_purchase", "vehicle_operation", "vehicles") and "车" not in k and "购置" not in k \
                    and "运行" not in k:
                continue
            prior = (y := layouts.PRIOR_YEAR_GROUP.match(k)) and out.year and int(y.group("year")) < out.year
            change = layouts.CHANGE_GROUP.match(k)
            if not prior and layouts.PRIOR_GROUP_WORDS.match(k):  # 上年 / …: the year before, unnamed
                change = True
            for r, row in enumerate(table.body):
                vals = table.values(row)
                if r in label_rows or not any(clean(v) for v in vals) or clean(vals[0]) in ("无",) or \
                        (own_rows is not None and r not in own_rows):
                    continue
                loc = Loc(row[0].table, row[0].row, i)
                if change and not prior:  # the year before or the change on it (layouts): a comparison
                    if clean(vals[i]):
                        out.problems.append(Problem(
                            check="three_public_prior_year", table_kind=table.kind, location=str(loc),
                            actual=vals[i].strip(),
                            message=f"{table.title or table.kind}: {table.header[i]} is the year before's figure or "
                            f"the change on it, printed for comparison; the 三公 facts are the year's own columns"))
                    continue
                if prior:  # the year before's figures, printed for comparison: not this filing's 三公 facts
                    if clean(vals[i]):
                        out.problems.append(Problem(
                            check="three_public_prior_year", table_kind=table.kind, location=str(loc),
                            actual=vals[i].strip(),
                            message=f"{table.title or table.kind}: {table.header[i]} is the {y.group('year')} budget "
                            f"printed beside {out.year}'s for comparison; the 三公 facts are {out.year}'s (the "
                            f"{y.group('year')} figures are that year's filing's)"))
                    continue
                a = _amount(vals[i], table, loc, out, k, unit)
                if a is None:
                    continue
                if total_row is not None:  # printed by unit: the 合计 row is the department's, the rest checked
                    out.unit_rows.append(UnitRow(table.kind, vals[0].strip(), f"{cat}/{i}", a, unit, loc,
                                                 r == total_row))
                    if r != total_row:
                        continue
                out.three_public.append(ThreePublicLine(cat, table.header[i], funds.get(i, "total"), a, unit, loc,
                                                        bases[i]))
        return
    label_col = next((i for i, k in enumerate(keys) if re.search(r"项目", k)), 1 if len(keys) > 1 else 0)
    fund_cols = [(i, _match(FUND_SOURCES, k)) for i, k in enumerate(keys) if i != label_col]
    fund_cols = [(i, f) for i, f in fund_cols if f and not re.search(r"序号|行次", keys[i])]
    for r, row in enumerate(table.body):
        vals = table.values(row)
        label = vals[label_col].strip()
        key = clean(label)
        if not key or r in label_rows:
            continue
        cat = _match(THREE_PUBLIC_CATEGORIES, key.replace("其中:", "").replace("其中：", ""))
        if cat is None:
            continue
        if cat == "subtotal" and "用车" in key:
            cat = "vehicles"
        for col, fund in fund_cols:
            loc = Loc(row[0].table, row[0].row, col)
            a = _amount(vals[col], table, loc, out, f"{label} / {fund}", unit)
            if a is not None:
                out.three_public.append(ThreePublicLine(cat, label, fund, a, unit, loc, bases[col]))


def _by_unit_total_row(table: Table, keys: list[str]) -> int | None:
    """The body index of the 合计 row of a table printed by unit (its first column lists units), else None."""
    # the unit column leads, or follows a 单位编码 column (西安: 单位编码 | 单位名称 | …)
    col = next((i for i, k in enumerate(keys[:2]) if re.search(layouts.UNIT_COLUMN_HEADER, k)), None)
    if col is None or (col == 1 and not re.search(r"编码|代码", keys[0])):
        return None
    return next((r for r, row in enumerate(table.body)
                 if any(re.fullmatch(r"合计|总计", clean(v)) for v in table.values(row)[:col + 1])), None)


def key_title(title: str | None) -> str:
    return clean(title or "")


def _performance_table(table: Table, unit: str | None, out: Normalized) -> None:
    """A 绩效目标 table of any template (see ``performance.py``): projects with their form, indicators."""
    parsed = performance.parse(table, unit)
    for check, location, actual, message in parsed.problems:
        out.problems.append(Problem(check, table.kind, location, actual, message))
    if parsed.list_total is not None:
        out.list_totals.append((table, parsed.list_total))
    out.list_projects.setdefault(key_title(table.title), []).extend(parsed.projects)
    for p in parsed.projects:
        indicators = [
            Indicator(p.seq, p.name, p.objective, x.level1, x.level2, x.level3, x.description, x.target_value,
                      x.basis, x.classified, Loc(x.table, x.row, 0))
            for x in p.indicators
        ]
        out.indicators.extend(indicators)
        cost, cost_text, cost_basis = p.cost()
        out.projects.append(Project(
            p.seq, p.name, cost, cost_text, p.table, cost_basis=cost_basis, row=p.row,
            project_code=p.attributes.get("project_code"), supervisor=p.attributes.get("supervisor"),
            implementer=p.attributes.get("implementer"), nature=p.attributes.get("nature"),
            category=p.attributes.get("category"),
            total_funds_yuan=p.amount_yuan("total_funds"), total_funds_wan=p.amount_wan("total_funds"),
            annual_funds_yuan=p.amount_yuan("annual_funds"), annual_funds_wan=p.amount_wan("annual_funds"),
            fiscal_funds_yuan=p.amount_yuan("fiscal_funds"), fiscal_funds_wan=p.amount_wan("fiscal_funds"),
            objective=p.objective or None, overall_objective=p.overall_objective or None,
            attributes=performance.attributes_json(p), indicators=indicators,
        ))


# --------------------------------------------------------------------------------------------------
# What the narrative states, kept with its sentence.

NARRATIVE_PATTERNS: list[tuple[str, str]] = [
    ("income_total", r"收入预算(共计|合计|总额|为)"),
    ("expense_total", r"支出预算(共计|合计|总额|为)"),
    ("personnel", r"人员经费(支出预算)?"),
    ("public_operating", r"(日常)?公用经费(支出预算)?"),
    ("office_operation", r"机关运行经费(共计安排|预算|为|安排)"),
    ("three_public_total", r"“?三公”?经费(预算)?(安排|预算数为|为|合计)"),
    ("overseas_travel", r"因公出国[（(]境[)）]费(用)?"),
    ("vehicles", r"公务用车购置及运[行维]*费|公务用车购置及运维费"),
    ("vehicle_purchase", r"公务用车购置费(为)?"),
    ("vehicle_operation", r"公务用车运行(维护)?费"),
    ("reception", r"公务接待费"),
    ("change_on_prior_year", r"比(上年|\d{4}年(预算)?)(增加|减少|增长|下降)"),
]


def narrative_figures(filing: Filing) -> list[StatedFigure]:
    """Amounts the narrative states, each the first amount after its phrase within a clause."""
    found: list[StatedFigure] = []
    seen: set[str] = set()
    for p in filing.paragraphs:
        text = p.text
        if "万元" not in text and "元" not in text:
            continue
        for clause in re.split(r"[；;。]", text):
            amounts = stated_amounts(clause)
            if not amounts:
                continue
            for figure, pattern in NARRATIVE_PATTERNS:
                if figure in seen:
                    continue
                m = re.search(pattern, clause)
                if not m:
                    continue
                after = [a for a in amounts if a[0] >= m.start()]
                if not after:
                    continue
                value = after[0][1]
                if figure == "change_on_prior_year" and re.search(r"减少|下降", m.group(0)):
                    value = -value
                found.append(StatedFigure(figure, value.quantize(Decimal("0.000001")), clause.strip()))
                seen.add(figure)
    return found


_PROCUREMENT_AMOUNT = re.compile(r"总计|合计|金额|预算|小计|采购额")


def _procurement_table(table: Table, unit: str, out: Normalized) -> None:
    """政府采购预算表 → procurement lines: the first amount column (总计 / 金额 / 预算数), every row that prints
    an amount, labelled by its text cells with the group lines above carried down (货物A / 办公设备购置 / 复印机)."""
    keys = _keys(table)
    amount_cols = [i for i, k in enumerate(keys) if _PROCUREMENT_AMOUNT.search(k.split("/")[-1] or k)]
    if not amount_cols:
        return
    col = amount_cols[0]
    label_cols = [i for i in range(table.n_cols) if i < col and not re.search(r"序号|行次|编码|代码", keys[i])]
    carried = [""] * table.n_cols
    for row in table.body:
        vals = table.values(row)
        texts = {i: vals[i].strip() for i in label_cols if vals[i].strip()}
        if texts:
            first = min(texts)
            for i in label_cols:
                if i >= first:
                    carried[i] = texts.get(i, "")
        label = " / ".join(carried[i] for i in label_cols if carried[i])
        if not clean(vals[col]) or not label:
            continue
        loc = Loc(row[0].table, row[0].row, col)
        a = _amount(vals[col], table, loc, out, label, unit)
        if a is not None:
            is_total = bool(re.search(r"^(合计|总计)$", clean(texts.get(min(texts), "")) if texts else ""))
            out.procurement.append(ProcurementLine(label, is_total, a, unit, loc))
