"""Column names and polars dtypes of the tidy per-filing frames.

``normalize`` produces these frames, ``schemas/`` validates them and ``warehouse`` loads them, so
the three agree by construction.  Names follow ``../shared/CONTRACT.md``; the extra columns
(``amount_text``, ``source_*``) are the provenance the warehouse keeps for every fact.
"""

from __future__ import annotations

import polars as pl

YUAN = pl.Decimal(18, 2)  # 元, exact to the cent
WAN = pl.Decimal(18, 6)  # 万元 = 元 / 10000, exact

PROVENANCE = {
    "amount_text": pl.String,  # the cell as printed
    "source_table": pl.Int32,  # 0-based physical table index in the filing
    "source_row": pl.Int32,  # 0-based row inside that table
    "source_col": pl.Int32,  # 0-based grid column
}

BUDGET_LINES = {
    "document_id": pl.String,
    "table_kind": pl.String,
    "classification": pl.String,  # function | economic
    "subject_code": pl.String,
    "subject_name": pl.String,
    "subject_level": pl.Int8,  # 1 = 3 digits, 2 = 5, 3 = 7
    "parent_code": pl.String,
    "measure": pl.String,
    "basis": pl.String,  # budget 预算数 | adjusted_budget 调整预算数 | final 决算数
    "amount_yuan": YUAN,
    "amount_wan": WAN,
    **PROVENANCE,
    "cross_code": pl.String,  # a cross-classified table: the row's codes in its other classification columns
    "cross_name": pl.String,
    "section": pl.Int16,  # a table printing its subjects over again (one run per unit): the run, 1, 2, …
    "section_name": pl.String,  # the unit of the run, where the table names it (西安: 125001 西安市安全生产宣传教育中心)
}

BUDGET_SUMMARY = {
    "document_id": pl.String,
    "table_kind": pl.String,  # summary | fiscal_summary
    "side": pl.String,  # income | expense
    "item": pl.String,
    "item_name": pl.String,
    "subject_code": pl.String,
    "measure": pl.String,
    "basis": pl.String,  # budget 预算数 | adjusted_budget 调整预算数 | final 决算数
    "amount_yuan": YUAN,
    "amount_wan": WAN,
    **PROVENANCE,
}

THREE_PUBLIC = {
    "document_id": pl.String,
    "category": pl.String,
    "category_label": pl.String,  # as printed
    "fund_source": pl.String,
    "basis": pl.String,  # budget 预算数 | adjusted_budget 调整预算数 | final 决算数
    "amount_yuan": YUAN,
    "amount_wan": WAN,
    **PROVENANCE,
}

PERFORMANCE_INDICATORS = {
    "document_id": pl.String,
    "project_seq": pl.Int32,
    "project_name": pl.String,
    "objective": pl.String,
    "indicator_level1": pl.String,
    "indicator_level2": pl.String,
    "indicator_level3": pl.String,
    "description": pl.String,
    "target_value": pl.String,
    "basis": pl.String,
    "classified": pl.Boolean,
    "source_table": pl.Int32,
    "source_row": pl.Int32,
}

# Beyond the contract: what a project's 绩效目标 form prints about it (docs/warehouse.md).
PROJECT_EXTRAS = {
    "cost_basis": pl.String,
    "project_code": pl.String,
    "supervisor": pl.String,
    "implementer": pl.String,
    "nature": pl.String,
    "category": pl.String,
    "total_funds_yuan": YUAN,
    "total_funds_wan": WAN,
    "annual_funds_yuan": YUAN,
    "annual_funds_wan": WAN,
    "fiscal_funds_yuan": YUAN,
    "fiscal_funds_wan": WAN,
    "objective": pl.String,
    "overall_objective": pl.String,
    "attributes": pl.String,
}

PROJECTS = {
    "document_id": pl.String,
    "project_seq": pl.Int32,
    "project_name": pl.String,
    "cost_wan": WAN,
    "cost_text": pl.String,
    "source_table": pl.Int32,
    **PROJECT_EXTRAS,
}

FINDINGS = {
    "document_id": pl.String,
    "severity": pl.String,  # error | warning | info
    "check": pl.String,
    "table_kind": pl.String,
    "location": pl.String,
    "expected": pl.String,
    "actual": pl.String,
    "message": pl.String,
}

# Every cell of every table, losslessly: what an analyst checks a fact against.
TABLE_CELLS = {
    "document_id": pl.String,
    "source_table": pl.Int32,  # physical table, 0-based
    "logical_table": pl.Int32,  # the logical table it belongs to (continuations joined), its first part
    "table_kind": pl.String,
    "title": pl.String,
    "source_row": pl.Int32,
    "source_col": pl.Int32,
    "row_span": pl.Int32,
    "col_span": pl.Int32,
    "text": pl.String,
    "page": pl.Int32,
}

# The coverage of validation: every check per filing, passed / failed / not_run.
CHECK_RESULTS = {
    "document_id": pl.String,
    "check": pl.String,
    "table_kind": pl.String,
    "status": pl.String,
    "compared": pl.Int32,
    "within_rounding": pl.Int32,
    "failures": pl.Int32,
    "reason": pl.String,
}

# 政府采购预算表 lines (a relation beyond the contract; docs/warehouse.md).
PROCUREMENT = {
    "document_id": pl.String,
    "basis": pl.String,
    "item": pl.String,  # the row's labels, group lines above carried down: 三、服务C / 物业管理费 / 物业管理服务
    "is_total": pl.Boolean,  # the table's 合计 row
    "amount_yuan": YUAN,
    "amount_wan": WAN,
    **PROVENANCE,
}

# Rows named by spending unit instead of subject code (a relation beyond the contract; docs/warehouse.md).
UNIT_LINES = {
    "document_id": pl.String,
    "table_kind": pl.String,
    "unit_name": pl.String,  # the spending unit (资金使用单位 / 预算单位) as printed; NULL above the first unit
    "item_name": pl.String,  # the item under the unit as printed (工资福利支出); NULL on the unit's own row
    "measure": pl.String,
    "basis": pl.String,
    "amount_yuan": YUAN,
    "amount_wan": WAN,
    **PROVENANCE,
}

# Self-coverage (pipelines/lib/coverage.py says what is counted): per logical budget table, and per left-out cell.
COVERAGE = {
    "document_id": pl.String,
    "source_table": pl.Int32,  # the logical table (its first physical part)
    "table_kind": pl.String,
    "title": pl.String,
    "printed": pl.Int32,  # amounts printed in the table's body
    "read": pl.Int32,  # of which became lines (facts, or 合计 rows read and checked)
}
COVERAGE_GAPS = {
    "document_id": pl.String,
    "source_table": pl.Int32,  # physical table of the cell
    "source_row": pl.Int32,
    "source_col": pl.Int32,
    "table_kind": pl.String,
    "text": pl.String,  # the cell as printed
    "row_label": pl.String,
    "column": pl.String,  # its header path
    "reason": pl.String,
}

# What the narrative states, kept with its sentence (checked against the tables).
NARRATIVE_FIGURES = {
    "document_id": pl.String,
    "figure": pl.String,  # income_total, expense_total, personnel, public_operating, office_operation, ...
    "stated_wan": WAN,
    "sentence": pl.String,
}

FRAMES = {
    "budget_lines": BUDGET_LINES,
    "budget_summary": BUDGET_SUMMARY,
    "three_public": THREE_PUBLIC,
    "performance_indicators": PERFORMANCE_INDICATORS,
    "projects": PROJECTS,
    "findings": FINDINGS,
    "table_cells": TABLE_CELLS,
    "check_results": CHECK_RESULTS,
    "narrative_figures": NARRATIVE_FIGURES,
    "procurement": PROCUREMENT,
    "unit_lines": UNIT_LINES,
    "coverage": COVERAGE,
    "coverage_gaps": COVERAGE_GAPS,
}


def empty(name: str) -> pl.DataFrame:
    """An empty frame with the right columns and dtypes."""
    return pl.DataFrame(schema=FRAMES[name])
