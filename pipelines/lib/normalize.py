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
from decimal import Decimal

from pipelines.lib import performance
from pipelines.lib.model import Filing, Table
from pipelines.lib.normalize_cells import _amount, _keys
from pipelines.lib.normalize_records import (
    Indicator,
    Line,
    Loc,
    Normalized,
    Problem,
    ProcurementLine,
    Project,
    StatedFigure,
    SummaryLine,
    ThreePublicLine,
    UnitLine,
    UnitRow,
)
from pipelines.lib.normalize_rules import SUBJECT_KINDS, basis_of
from pipelines.lib.normalize_subjects import _subject_table
from pipelines.lib.normalize_summary import _summary_table
from pipelines.lib.normalize_three_public import _three_public_table, only_sum_is_total
from pipelines.lib.numbers import clean, stated_amounts

# What other modules import from here: the front door of normalize; the records live in normalize_records.py.
__all__ = [
    "Indicator", "Line", "Loc", "Normalized", "ProcurementLine", "Problem", "Project", "StatedFigure", "SummaryLine",
    "ThreePublicLine", "UnitLine", "UnitRow", "basis_of", "key_title", "narrative_figures", "normalize",
]


# --------------------------------------------------------------------------------------------------


def normalize(filing: Filing, document_id: str) -> Normalized:
    """Every recognised table of a filing → lines; unreadable cells → problems."""
    out = Normalized(document_id, doc_type=filing.doc_type, year=filing.year)
    for table in filing.tables:
        unit = table.unit or filing.unit or "万元"
        if table.kind in SUBJECT_KINDS:
            _subject_table(table, unit, out)
        elif table.kind in ("summary", "fiscal_summary", "gov_fund_summary"):
            _summary_table(table, unit, out)
        elif table.kind == "three_public":
            # 三公 tables are printed in 万元 nearly everywhere, even where tables 1–8 are in 元
            n = len(out.three_public)
            _three_public_table(table, table.unit or "万元", out)
            only_sum_is_total(out.three_public[n:], out.withheld)
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
    # one fund's appropriation spending (上海: 财政拨款支出预算中，一般公共预算拨款支出预算X万元；政府性基金拨款支出
    # 预算0万元；国有资本经营预算拨款支出预算为0万元), checked against that fund's column of the 财政拨款收支总表
    ("fiscal_expense_total", r"财政拨款支出预算(共计|合计|总额|为)?"),
    ("general_public_expense", r"一般公共预算(财政)?拨款支出预算(共计|合计|总额|为)?"),
    ("gov_fund_expense", r"政府性基金(预算)?(财政)?拨款支出预算(共计|合计|总额|为)?"),
    ("soe_capital_expense", r"国有资本经营预算(财政)?拨款支出预算(共计|合计|总额|为)?"),
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


# A total's phrase right after one fund's or one kind's name speaks of that part, not of the total
# (国有资本经营预算拨款支出预算为0万元 is no 支出预算为 of the whole department).
NARRATIVE_PART_BEFORE = r"(财政拨款|拨款|一般公共预算|政府性基金(预算)?|国有资本经营(预算)?|基本|项目|事业|经营|其他)$"
NARRATIVE_PARTS_OF = ("income_total", "expense_total", "fiscal_expense_total")
# figures whose amount must follow the phrase at once: a fund's phrase may head a clause about another fund
# (财政拨款支出预算中，一般公共预算拨款支出预算X万元)
NARRATIVE_ADJACENT = ("fiscal_expense_total", "general_public_expense", "gov_fund_expense", "soe_capital_expense")


# compiled once (each clause of every paragraph stating an amount is tried against all of them)
_NARRATIVE_COMPILED = [(figure, re.compile(pattern)) for figure, pattern in NARRATIVE_PATTERNS]
_PART_BEFORE = re.compile(NARRATIVE_PART_BEFORE)
_CLAUSES = re.compile(r"[；;。]")  # what ends a clause


def narrative_figures(filing: Filing) -> list[StatedFigure]:
    """Amounts the narrative states, each the first amount after its phrase within a clause."""
    found: list[StatedFigure] = []
    seen: set[str] = set()
    for p in filing.paragraphs:
        text = p.text
        if "万元" not in text and "元" not in text:
            continue
        for clause in _CLAUSES.split(text):
            amounts = stated_amounts(clause)
            if not amounts:
                continue
            for figure, pattern in _NARRATIVE_COMPILED:
                if figure in seen:
                    continue
                m = next((m for m in pattern.finditer(clause)
                          if figure not in NARRATIVE_PARTS_OF or not _PART_BEFORE.search(clause, 0, m.start())),
                         None)
                if not m:
                    continue
                after = [a for a in amounts if a[0] >= m.start()]
                if not after or (figure in NARRATIVE_ADJACENT and clause[m.end():after[0][0]].strip(" ：:")):
                    continue
                value = after[0][1]
                if figure == "change_on_prior_year" and re.search(r"减少|下降", m.group(0)):
                    value = -value
                found.append(StatedFigure(figure, value.quantize(Decimal("0.000001")), clause.strip()))
                seen.add(figure)
    return found


_PROCUREMENT_AMOUNT = re.compile(r"总计|合计|金额|预算|小计|采购额")


_TOTAL_CELL = re.compile(r"^(合计|总计)$")  # a procurement row's first cell: asked of every row


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
            is_total = bool(_TOTAL_CELL.search(clean(texts.get(min(texts), "")) if texts else ""))
            out.procurement.append(ProcurementLine(label, is_total, a, unit, loc))
