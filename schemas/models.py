"""pandera DataFrameModels, one per tidy frame.

No ``coerce``: ``normalize`` already casts every column to its final polars dtype, and with coerce a
missing column surfaces as a polars error instead of a schema failure (pandera 0.35).
"""

from __future__ import annotations

from typing import Annotated

import pandera.polars as pa
import polars as pl

CODE = r"^\d{3}(\d{2}){0,2}$"
SHA256 = r"^[0-9a-f]{64}$"

BUDGET_MEASURES = [
    "total", "current_year_total", "fiscal_appropriation", "fiscal_special_account", "business", "operating",
    "superior_subsidy", "affiliate_remittance", "other", "prior_year_carryover", "basic", "project",
    "remit_to_superior", "subsidy_to_affiliates", "personnel", "public_operating",
    "reserve", "carryover_to_next_year",  # 江苏: 单位预留机动经费, 结转下年资金 (docs/warehouse.md)
    "prior_year_execution", "change_on_prior_year",  # central: 2025年执行数, 增减额 beside the budget
    "excl_capital_construction", "prior_year_execution_excl_capital_construction",  # 扣除(中央)基建…后
    "change_on_prior_year_excl_capital_construction",
    "general_public", "gov_fund", "soe_capital",  # 基本支出 by fund source (烟台, 广州)
    # 广东: 财政专户 in its parts (收入); 深圳 支出总表: 政府采购 and the parts reserved for small firms
    "fiscal_special_account_education_fees", "fiscal_special_account_other",
    "procurement", "procurement_reserved_sme", "procurement_reserved_small_micro",
    "fiscal_appropriation_funding",  # 湖南: 本级财政拨款 / 其中:经费拨款 (docs/warehouse.md)
    "prior_year_carryover_general_public", "prior_year_carryover_gov_fund", "prior_year_carryover_soe_capital",
    "prior_year_carryover_fiscal_special_account", "prior_year_carryover_other",  # 浙江: 上年结转结余 by fund
    # 决算: the 政府性基金 / 国有资本经营 收入支出决算表
    "year_start_carryover", "current_year_income", "year_end_carryover",
    "prior_year_budget",  # 重庆: 2025年预算数 beside 2026年预算数
    "business_education_fees",  # 西南大学 收入预算表: 事业收入 / 其中：教育收费
    "project_capital_construction",  # 西南大学 决算: 项目支出 / 其中：基本建设资金支出
    "of_which_special_funds", "prior_year_own_account_balance",  # 西安 收入总表 (docs/warehouse.md)
    "use_of_non_fiscal_balance",  # 西安 收入总表: 使用非财政拨款结余 / 用事业基金弥补收支差额
]
TABLE_KINDS = ["income", "expenditure", "general_public_expenditure", "basic_expenditure",
               "gov_fund_expenditure", "soe_capital_expenditure", "office_operation"]
SUMMARY_ITEMS = [
    "general_public_budget", "gov_fund_budget", "soe_capital_budget", "fiscal_appropriation",
    "fiscal_special_account", "business",
    "operating", "superior_subsidy", "affiliate_remittance", "other", "current_year_total",
    "prior_year_carryover", "prior_year_carryover_general_public", "prior_year_carryover_gov_fund",
    "prior_year_carryover_soe_capital",
    "prior_year_carryover_fiscal", "prior_year_carryover_non_fiscal",  # 深圳: 1.财政拨款结余、结转 2.非财政拨款…
    "grand_total", "function_class",
    "function_detail",  # a 款/项 line a 收支总表 prints by name under its 类 (浙江); subject_code is the 类's
    "year_end_carryover",
    "basic", "project", "reserve",  # expense lines by use (江苏 收支总表: 基本支出, 项目支出, 单位预留机动经费)
    # 决算 (final accounts) lines
    "year_start_carryover", "use_of_non_fiscal_balance",
    "of_which_donations",  # 西南大学: 其中：捐赠收入 under 其他收入
    "balance_distribution",
    "year_end_carryover_general_public", "year_end_carryover_gov_fund", "year_end_carryover_soe_capital",
    "year_start_carryover_general_public", "year_start_carryover_gov_fund", "year_start_carryover_soe_capital",
    # 西安 收支总表 (docs/warehouse.md): its heading line, income lines, and expense by economic class beside the
    # function classes (the department's uses and classes, the government's classes)
    "department_budget", "prior_year_own_account_balance", "of_which_special_funds",
    "economic_class", "gov_economic_class", "remit_to_superior", "subsidy_to_affiliates",
]
CATEGORIES = [
    "total", "subtotal", "overseas_travel", "overseas_travel_research", "overseas_travel_other", "vehicles",
    "vehicle_purchase", "vehicle_operation", "reception", "meeting", "training", "office_operation",
]
FUND_SOURCES = ["total", "general_public", "gov_fund", "soe_capital"]
BASES = ["budget", "adjusted_budget", "final", "prior_year_budget", "change_on_prior_year"]  # 预算数 | 调整预算数 | 决算数 | 上年预算数 | 比上年增减 (printed beside, docs/warehouse.md)

Yuan = Annotated[pl.Decimal, 18, 2]
Wan = Annotated[pl.Decimal, 18, 6]


class _Amounts(pa.DataFrameModel):
    document_id: str = pa.Field(str_matches=SHA256)
    basis: str = pa.Field(isin=BASES)
    amount_yuan: Yuan
    amount_wan: Wan
    amount_text: str
    source_table: pl.Int32 = pa.Field(ge=0)
    source_row: pl.Int32 = pa.Field(ge=0)
    source_col: pl.Int32 = pa.Field(ge=0)


class BudgetLine(_Amounts):
    """One subject-coded amount: department × year × table × subject × measure (元 and 万元)."""

    table_kind: str = pa.Field(isin=TABLE_KINDS)
    classification: str = pa.Field(isin=["function", "economic"])
    subject_code: str = pa.Field(str_matches=CODE)  # 类/款/项, as printed
    subject_name: str
    subject_level: pl.Int8 = pa.Field(isin=[1, 2, 3])
    parent_code: str = pa.Field(nullable=True, str_matches=CODE)
    measure: str = pa.Field(isin=BUDGET_MEASURES)
    # cross-classified tables: the row's codes in the other classification columns ('50101|30101'); None elsewhere
    cross_code: str = pa.Field(nullable=True, str_matches=r"^(\d{3}(\d{2}){0,2})?(\|(\d{3}(\d{2}){0,2})?)*$")
    cross_name: str = pa.Field(nullable=True)
    section: pl.Int16 = pa.Field(nullable=True, ge=1)  # a table printing its subjects once per unit: the run
    section_name: str = pa.Field(nullable=True)  # the unit of that run, where the table names it

    class Config:
        strict = True
        unique = ["document_id", "table_kind", "subject_code", "measure", "source_table", "source_row"]


class SummaryLine(_Amounts):
    """A line of the 收支总表 or 财政拨款收支总表."""

    table_kind: str = pa.Field(isin=["summary", "fiscal_summary", "income",  # income: by source, no codes (江苏)
                                     "gov_fund_summary"])  # 西安 政府性基金收支表 (docs/warehouse.md)
    side: str = pa.Field(isin=["income", "expense"])
    item: str = pa.Field(isin=SUMMARY_ITEMS)
    item_name: str
    subject_code: str = pa.Field(nullable=True, str_matches=r"^\d{3}$")
    measure: str = pa.Field(isin=["amount", "total", "general_public", "gov_fund", "soe_capital",
                                  "basic", "project", "personnel", "public_operating",
                                  "remit_to_superior", "operating", "subsidy_to_affiliates"])  # 上海 单位 收支总表 by use

    class Config:
        strict = True
        unique = ["document_id", "table_kind", "side", "source_table", "source_row", "source_col", "measure"]


class ThreePublicLine(_Amounts):
    """A 三公经费 amount by category and fund source."""

    category: str = pa.Field(isin=CATEGORIES)
    category_label: str
    fund_source: str = pa.Field(isin=FUND_SOURCES)

    class Config:
        strict = True
        unique = ["document_id", "category", "fund_source", "source_table", "source_row", "source_col"]


class PerformanceIndicator(pa.DataFrameModel):
    """One indicator of a project's 绩效目标 table."""

    document_id: str = pa.Field(str_matches=SHA256)
    project_seq: pl.Int32 = pa.Field(nullable=True, ge=0)
    project_name: str
    objective: str
    indicator_level1: str
    indicator_level2: str
    indicator_level3: str
    description: str
    target_value: str
    basis: str
    classified: bool
    source_table: pl.Int32 = pa.Field(ge=0)
    source_row: pl.Int32 = pa.Field(ge=0)

    class Config:
        strict = True


class Project(pa.DataFrameModel):
    """A project with a 绩效目标 table; cost_wan from its 成本指标, else its form's funds (cost_basis says which)."""

    document_id: str = pa.Field(str_matches=SHA256)
    project_seq: pl.Int32 = pa.Field(nullable=True, ge=0)
    project_name: str
    cost_wan: Wan = pa.Field(nullable=True, ge=0)
    cost_text: str = pa.Field(nullable=True)
    source_table: pl.Int32 = pa.Field(ge=0)
    cost_basis: str = pa.Field(nullable=True, isin=["cost_indicator", "annual_funds", "total_funds"])
    project_code: str = pa.Field(nullable=True)
    supervisor: str = pa.Field(nullable=True)
    implementer: str = pa.Field(nullable=True)
    nature: str = pa.Field(nullable=True)
    category: str = pa.Field(nullable=True)
    total_funds_yuan: Yuan = pa.Field(nullable=True)
    total_funds_wan: Wan = pa.Field(nullable=True)
    annual_funds_yuan: Yuan = pa.Field(nullable=True)
    annual_funds_wan: Wan = pa.Field(nullable=True)
    fiscal_funds_yuan: Yuan = pa.Field(nullable=True)
    fiscal_funds_wan: Wan = pa.Field(nullable=True)
    objective: str = pa.Field(nullable=True)
    overall_objective: str = pa.Field(nullable=True)
    attributes: str = pa.Field(nullable=True)

    class Config:
        strict = True


class NarrativeFigure(pa.DataFrameModel):
    document_id: str = pa.Field(str_matches=SHA256)
    figure: str
    stated_wan: Wan
    sentence: str

    class Config:
        strict = True


class ProcurementLine(_Amounts):
    """A line of a 政府采购预算表 (its labels and amount)."""

    item: str
    is_total: bool

    class Config:
        strict = True
        unique = ["document_id", "source_table", "source_row", "source_col"]


class UnitLineModel(_Amounts):
    """An amount of a row named by spending unit (资金使用单位) rather than subject code (docs/warehouse.md)."""

    table_kind: str = pa.Field(isin=TABLE_KINDS)
    unit_name: str = pa.Field(nullable=True)
    item_name: str = pa.Field(nullable=True)
    measure: str = pa.Field(isin=BUDGET_MEASURES)

    class Config:
        strict = True
        unique = ["document_id", "source_table", "source_row", "source_col"]


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "budget_lines": BudgetLine,
    "budget_summary": SummaryLine,
    "three_public": ThreePublicLine,
    "performance_indicators": PerformanceIndicator,
    "projects": Project,
    "narrative_figures": NarrativeFigure,
    "procurement": ProcurementLine,
    "unit_lines": UnitLineModel,
}
