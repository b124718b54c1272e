"""Every closed list of codes yusuan writes or reads — table kinds, measures, summary items, 三公 categories,
fund sources, bases, document types, scopes, statuses, severities — declared once, each code with its Chinese
term, as :class:`enum.StrEnum` classes (a member *is* its code: ``Basis.budget == "budget"``).

Everything else is derived from here:

- the pandera models (``schemas/models.py``) take their ``isin`` lists from these enums;
- the CHECK constraints of the generated DDL (``sql/ddl/20_frames.sql``) come from those models;
- ``vars.vocabularies`` of ``sql/dbt_project.yml`` (what dbt's ``accepted_values`` tests read, and
  ``docs/dictionary.md``) is written from :data:`VOCABULARIES` by ``yusuan docs --dictionary``
  (:func:`pipelines.lib.dictionary.write_vocabularies`); ``tests/sql/test_dbt_project.py`` fails when it is stale;
- classify, normalize, the checks and coverage take their groups of table kinds from the tuples at the end.

Check names are not here: ``check_registry.py`` declares each check once, with what it promises.

A new code: add a member (code, Chinese term) to its class, run ``yusuan docs --dictionary``.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Vocabulary(StrEnum):
    """A closed list of codes; each member is its code (a ``str``) and carries its Chinese term as ``.term``."""

    term: str

    def __new__(cls, value: str, term: str) -> Vocabulary:
        member = str.__new__(cls, value)
        member._value_ = value
        member.term = term
        return member


class _IntVocabulary(IntEnum):
    term: str

    def __new__(cls, value: int, term: str) -> _IntVocabulary:
        member = int.__new__(cls, value)
        member._value_ = value
        member.term = term
        return member


class DocType(Vocabulary):
    budget = "budget", "预算"
    final_accounts = "final_accounts", "决算"


class Scope(Vocabulary):
    department = "department", "部门（含所属单位）"
    unit = "unit", "单位（一个预算单位）"


class Basis(Vocabulary):
    budget = "budget", "预算数"
    adjusted_budget = "adjusted_budget", "调整预算数"
    final = "final", "决算数"
    prior_year_budget = "prior_year_budget", "上年预算数（本年表中并列印出，供比较）"
    change_on_prior_year = "change_on_prior_year", "比上年增减额（本年表中印出）"


class BudgetSource(Vocabulary):
    final_accounts = "final_accounts", "决算文件自身所列的预算数"
    budget = "budget", "同部门同年度的预算文件"


class DocStatus(Vocabulary):
    loaded = "loaded", "已入库（现行）"
    superseded = "superseded", "已被同部门同年度的新文件替代"
    rejected = "rejected", "未能入库（error 说明原因）"


class Unit(Vocabulary):
    万元 = "万元", "万元"
    元 = "元", "元"


class TableKind(Vocabulary):
    """Every kind a table is classified as (``classify``); the line/summary/other kinds below are its parts the
    warehouse stores."""

    summary = "summary", "收支总表"
    income = "income", "收入总表"
    expenditure = "expenditure", "支出总表"
    fiscal_summary = "fiscal_summary", "财政拨款收支总表"
    general_public_expenditure = "general_public_expenditure", "一般公共预算财政拨款支出表"
    basic_expenditure = "basic_expenditure", "一般公共预算财政拨款基本支出表"
    gov_fund_expenditure = "gov_fund_expenditure", "政府性基金预算财政拨款支出表"
    soe_capital_expenditure = "soe_capital_expenditure", "国有资本经营预算财政拨款支出表"
    three_public = "three_public", "财政拨款“三公”经费支出表"
    gov_fund_summary = "gov_fund_summary", "政府性基金收支表（收支总表的格式，仅政府性基金）"
    performance_target = "performance_target", "项目绩效目标表"
    procurement = "procurement", "政府采购预算表"
    assets = "assets", "国有资产占用情况表（不读取）"
    org_structure = "org_structure", "机构设置情况表（不读取）"
    project_expenditure = "project_expenditure", "项目支出表（不读取）"
    office_operation = "office_operation", "机关运行经费表"
    contents = "contents", "目录（报表目录：表1 … 是否空表；不是预算表）"
    unknown = "unknown", "未识别的表（不读取）"
    narrative = "narrative", "情况说明（文字部分，不是表）"


class LineTableKind(Vocabulary):
    income = "income", "收入总表"
    expenditure = "expenditure", "支出总表"
    general_public_expenditure = "general_public_expenditure", "一般公共预算财政拨款支出表"
    basic_expenditure = "basic_expenditure", "一般公共预算财政拨款基本支出表"
    gov_fund_expenditure = "gov_fund_expenditure", "政府性基金预算财政拨款支出表"
    soe_capital_expenditure = "soe_capital_expenditure", "国有资本经营预算财政拨款支出表"
    office_operation = "office_operation", "机关运行经费表"


class SummaryTableKind(Vocabulary):
    summary = "summary", "收支总表"
    fiscal_summary = "fiscal_summary", "财政拨款收支总表"
    income = "income", "收入总表（按来源，无科目编码）"
    gov_fund_summary = "gov_fund_summary", "政府性基金收支表（收支总表的格式，仅政府性基金）"


class OtherTableKind(Vocabulary):
    three_public = "three_public", "财政拨款“三公”经费支出表"
    performance_target = "performance_target", "项目绩效目标表"


class Classification(Vocabulary):
    function = "function", "支出功能分类科目"
    economic = "economic", "支出经济分类科目"


class LineMeasure(Vocabulary):
    total = "total", "合计"
    current_year_total = "current_year_total", "本年收入（支出）合计"
    fiscal_appropriation = "fiscal_appropriation", "财政拨款（补助）"
    fiscal_special_account = "fiscal_special_account", "财政专户管理资金"
    business = "business", "事业收入"
    operating = "operating", "事业单位经营收入"
    superior_subsidy = "superior_subsidy", "上级补助收入"
    affiliate_remittance = "affiliate_remittance", "附属单位上缴收入"
    other = "other", "其他收入"
    prior_year_carryover = "prior_year_carryover", "上年结转"
    basic = "basic", "基本支出"
    project = "project", "项目支出"
    remit_to_superior = "remit_to_superior", "上缴上级支出"
    subsidy_to_affiliates = "subsidy_to_affiliates", "对附属单位补助支出"
    personnel = "personnel", "人员经费"
    public_operating = "public_operating", "公用经费"
    reserve = "reserve", "单位预留机动经费"
    carryover_to_next_year = "carryover_to_next_year", "结转下年资金"
    prior_year_execution = "prior_year_execution", "上年执行数"
    change_on_prior_year = "change_on_prior_year", "比上年增减额"
    excl_capital_construction = "excl_capital_construction", "扣除基建后"
    prior_year_execution_excl_capital_construction = "prior_year_execution_excl_capital_construction", "上年执行数（扣除基建后）"
    change_on_prior_year_excl_capital_construction = "change_on_prior_year_excl_capital_construction", "比上年增减（扣除基建后）"
    general_public = "general_public", "一般公共预算"
    gov_fund = "gov_fund", "政府性基金预算"
    soe_capital = "soe_capital", "国有资本经营预算"
    fiscal_special_account_education_fees = "fiscal_special_account_education_fees", "财政专户拨款收入：教育收费"
    fiscal_special_account_other = "fiscal_special_account_other", "财政专户拨款收入：其他专户收入"
    procurement = "procurement", "政府采购预算"
    procurement_reserved_sme = "procurement_reserved_sme", "政府采购预留给中小企业"
    procurement_reserved_small_micro = "procurement_reserved_small_micro", "政府采购预留给小型、微型企业"
    fiscal_appropriation_funding = "fiscal_appropriation_funding", "其中：经费拨款（本级财政拨款的一部分）"
    prior_year_carryover_general_public = "prior_year_carryover_general_public", "上年结转结余（一般公共预算）"
    prior_year_carryover_gov_fund = "prior_year_carryover_gov_fund", "上年结转结余（政府性基金预算）"
    prior_year_carryover_soe_capital = "prior_year_carryover_soe_capital", "上年结转结余（国有资本经营预算）"
    prior_year_carryover_fiscal_special_account = "prior_year_carryover_fiscal_special_account", "上年结转结余（财政专户管理资金）"
    prior_year_carryover_other = "prior_year_carryover_other", "上年结转结余（单位资金）"
    year_start_carryover = "year_start_carryover", "年初结转和结余"
    current_year_income = "current_year_income", "本年收入"
    year_end_carryover = "year_end_carryover", "年末结转和结余"
    prior_year_budget = "prior_year_budget", "上年预算数"
    business_education_fees = "business_education_fees", "事业收入（其中：教育收费）"
    project_capital_construction = "project_capital_construction", "项目支出（其中：基本建设资金支出）"
    of_which_special_funds = "of_which_special_funds", "其中：专项资金列入部门预算的项目（一般公共预算拨款的一部分）"
    prior_year_own_account_balance = "prior_year_own_account_balance", "上年实户资金余额（单位实有账户资金）"
    use_of_non_fiscal_balance = "use_of_non_fiscal_balance", "使用非财政拨款结余（用事业基金弥补收支差额）"


class SummaryMeasure(Vocabulary):
    amount = "amount", "金额"
    total = "total", "合计"
    general_public = "general_public", "一般公共预算"
    gov_fund = "gov_fund", "政府性基金预算"
    soe_capital = "soe_capital", "国有资本经营预算"
    basic = "basic", "基本支出"
    project = "project", "项目支出"
    personnel = "personnel", "人员经费"
    public_operating = "public_operating", "公用经费"
    remit_to_superior = "remit_to_superior", "上缴上级支出"
    operating = "operating", "事业单位经营支出"
    subsidy_to_affiliates = "subsidy_to_affiliates", "对附属单位补助支出"


class Side(Vocabulary):
    income = "income", "收入"
    expense = "expense", "支出"


class SummaryItem(Vocabulary):
    general_public_budget = "general_public_budget", "一般公共预算拨款收入"
    gov_fund_budget = "gov_fund_budget", "政府性基金预算拨款收入"
    soe_capital_budget = "soe_capital_budget", "国有资本经营预算拨款收入"
    fiscal_appropriation = "fiscal_appropriation", "财政拨款收入"
    fiscal_special_account = "fiscal_special_account", "财政专户管理资金收入"
    business = "business", "事业收入"
    operating = "operating", "事业单位经营收入 / 事业单位经营支出"
    superior_subsidy = "superior_subsidy", "上级补助收入"
    affiliate_remittance = "affiliate_remittance", "附属单位上缴收入"
    other = "other", "其他收入"
    current_year_total = "current_year_total", "本年收入合计 / 本年支出合计"
    prior_year_carryover = "prior_year_carryover", "上年结转"
    prior_year_carryover_general_public = "prior_year_carryover_general_public", "上年结转（一般公共预算）"
    prior_year_carryover_gov_fund = "prior_year_carryover_gov_fund", "上年结转（政府性基金预算）"
    prior_year_carryover_soe_capital = "prior_year_carryover_soe_capital", "上年结转（国有资本经营预算）"
    prior_year_carryover_fiscal = "prior_year_carryover_fiscal", "上年结余、结转（财政拨款）"
    prior_year_carryover_non_fiscal = "prior_year_carryover_non_fiscal", "上年结余、结转（非财政拨款）"
    grand_total = "grand_total", "收入总计 / 支出总计"
    function_class = "function_class", "支出功能分类（类级科目行）"
    function_detail = "function_detail", "支出功能分类（类下的款、项行，只印名称）"
    year_end_carryover = "year_end_carryover", "年末结转和结余"
    basic = "basic", "基本支出"
    project = "project", "项目支出"
    reserve = "reserve", "单位预留机动经费"
    year_start_carryover = "year_start_carryover", "年初结转和结余"
    use_of_non_fiscal_balance = "use_of_non_fiscal_balance", "使用非财政拨款结余"
    of_which_donations = "of_which_donations", "其中：捐赠收入"
    balance_distribution = "balance_distribution", "结余分配"
    year_end_carryover_general_public = "year_end_carryover_general_public", "年末结转和结余（一般公共预算）"
    year_end_carryover_gov_fund = "year_end_carryover_gov_fund", "年末结转和结余（政府性基金预算）"
    year_end_carryover_soe_capital = "year_end_carryover_soe_capital", "年末结转和结余（国有资本经营预算）"
    year_start_carryover_general_public = "year_start_carryover_general_public", "年初结转和结余（一般公共预算）"
    year_start_carryover_gov_fund = "year_start_carryover_gov_fund", "年初结转和结余（政府性基金预算）"
    year_start_carryover_soe_capital = "year_start_carryover_soe_capital", "年初结转和结余（国有资本经营预算）"
    department_budget = "department_budget", "一、部门预算（本年部门预算合计，列于各项之上）"
    prior_year_own_account_balance = "prior_year_own_account_balance", "上年实户资金余额（单位实有账户资金）"
    of_which_special_funds = "of_which_special_funds", "其中：专项资金列入部门预算的项目（一般公共预算拨款的一部分）"
    economic_class = "economic_class", "部门预算支出经济分类（类级，与功能分类并列印出；measure 为其所属用途）"
    gov_economic_class = "gov_economic_class", "政府预算支出经济分类（类级，与功能分类并列印出）"
    remit_to_superior = "remit_to_superior", "上缴上级支出"
    subsidy_to_affiliates = "subsidy_to_affiliates", "对附属单位补助支出"


class Category(Vocabulary):
    total = "total", "“三公”经费合计"
    subtotal = "subtotal", "“三公”经费小计（出国 + 用车 + 接待）"
    overseas_travel = "overseas_travel", "因公出国（境）费"
    overseas_travel_research = "overseas_travel_research", "其中：教学科研人员因公出国（境）费"
    overseas_travel_other = "overseas_travel_other", "其中：其他因公出国（境）费"
    vehicles = "vehicles", "公务用车购置及运行费"
    vehicle_purchase = "vehicle_purchase", "公务用车购置费"
    vehicle_operation = "vehicle_operation", "公务用车运行费"
    reception = "reception", "公务接待费"
    meeting = "meeting", "会议费"
    training = "training", "培训费"
    office_operation = "office_operation", "机关运行经费"


class FundSource(Vocabulary):
    total = "total", "合计"
    general_public = "general_public", "一般公共预算"
    gov_fund = "gov_fund", "政府性基金预算"
    soe_capital = "soe_capital", "国有资本经营预算"


class ProjectMeasure(Vocabulary):
    cost_wan = "cost_wan", "成本指标（万元）"


class ChangeKind(Vocabulary):
    changed = "changed", "金额变动"
    appeared = "appeared", "新出现"
    disappeared = "disappeared", "消失"


class Relation(Vocabulary):
    budget_lines = "budget_lines", "科目金额"
    budget_summary = "budget_summary", "收支总表行"
    three_public = "three_public", "“三公”经费"
    projects = "projects", "项目"


class Severity(Vocabulary):
    error = "error", "错误（文件未入库）"
    warning = "warning", "警告"
    info = "info", "提示"


class CheckStatus(Vocabulary):
    passed = "passed", "通过"
    failed = "failed", "未通过"
    not_run = "not_run", "未运行（表缺失或声明为空）"


class SubjectLevel(_IntVocabulary):
    lei = 1, "类"
    kuan = 2, "款"
    xiang = 3, "项"



class MatchedBy(Vocabulary):
    """How a printed department name was matched to its department (``core.department_aliases``)."""

    printed = "printed", "印刷名称（本身即一个部门）"
    abbreviation = "abbreviation", "已知简称"
    contained = "contained", "一个名称以另一个结尾"
    scope_suffix = "scope suffix", "名称后附范围（本级）/（汇总）"


class CostBasis(Vocabulary):
    """Where a project's ``cost_wan`` comes from (``staging.projects.cost_basis``)."""

    cost_indicator = "cost_indicator", "成本指标"
    annual_funds = "annual_funds", "年度资金总额"
    total_funds = "total_funds", "项目资金总额"


# The name of each vocabulary in sql/dbt_project.yml (vars.vocabularies) and docs/dictionary.md, in that order.
VOCABULARIES: dict[str, type[Vocabulary] | type[_IntVocabulary]] = {
    "doc_type": DocType,
    "scope": Scope,
    "basis": Basis,
    "budget_source": BudgetSource,
    "status": DocStatus,
    "unit": Unit,
    "table_kind": TableKind,
    "line_table_kind": LineTableKind,
    "summary_table_kind": SummaryTableKind,
    "other_table_kind": OtherTableKind,
    "classification": Classification,
    "line_measure": LineMeasure,
    "summary_measure": SummaryMeasure,
    "side": Side,
    "summary_item": SummaryItem,
    "category": Category,
    "fund_source": FundSource,
    "project_measure": ProjectMeasure,
    "change_kind": ChangeKind,
    "relation": Relation,
    "severity": Severity,
    "check_status": CheckStatus,
    "subject_level": SubjectLevel,
    "matched_by": MatchedBy,
    "cost_basis": CostBasis,
}


def codes(vocabulary: type[Vocabulary] | type[_IntVocabulary]) -> list:
    """The codes of a vocabulary as plain values, in order (what pandera's ``isin`` and SQL ``in (…)`` take)."""
    return [member.value for member in vocabulary]


def codes_of(*members: Vocabulary) -> tuple[str, ...]:
    return tuple(m.value for m in members)


def terms() -> dict[str, dict[str, str]]:
    """Each vocabulary: code -> Chinese term (what ``sql/dbt_project.yml`` must say)."""
    return {name: {str(m.value): m.term for m in vocab} for name, vocab in VOCABULARIES.items()}


# Groups of table kinds, named once (plain ``str`` codes, so they print and bind like the data they match).
# The budget tables: a filing with none of them is not a budget filing (classify, checks).
BUDGET_KINDS: tuple[str, ...] = codes_of(
    TableKind.summary, TableKind.income, TableKind.expenditure, TableKind.fiscal_summary,
    TableKind.general_public_expenditure, TableKind.basic_expenditure, TableKind.gov_fund_expenditure,
    TableKind.soe_capital_expenditure, TableKind.three_public,
    TableKind.gov_fund_summary,  # 西安 部门综合预算政府性基金收支表: a 收支总表 of the 政府性基金 alone
)
# Tables of subject-coded lines (staging.budget_lines.table_kind; coverage's subject tables).
SUBJECT_KINDS: tuple[str, ...] = tuple(codes(LineTableKind))
# The subject tables whose lines add up by 类/款/项 and by measure (hierarchy_sum, measures_sum).
LINE_KINDS: tuple[str, ...] = codes_of(
    TableKind.income, TableKind.expenditure, TableKind.general_public_expenditure, TableKind.gov_fund_expenditure,
    TableKind.soe_capital_expenditure, TableKind.basic_expenditure,
)
# Tables whose amounts yusuan promises to read (coverage): the budget tables and 机关运行经费.
COUNTED_KINDS: tuple[str, ...] = (*BUDGET_KINDS, TableKind.office_operation.value)

for _part in (LineTableKind, SummaryTableKind, OtherTableKind):
    if not {m.value for m in _part} <= {m.value for m in TableKind}:
        raise RuntimeError(f"{_part.__name__} holds a kind TableKind does not declare")
