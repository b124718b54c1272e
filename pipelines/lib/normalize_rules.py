"""Column and row roles of the tables normalize reads, as data: which header path is which measure, which printed
label is which summary item or 三公 category, which figure (预算数 / 决算数 / 调整预算数) a column holds.

The per-template extensions live in ``layouts.py`` and are folded into these lists here; ``normalize.py`` and
its readers only look words up in them.
"""

from __future__ import annotations

import re

from pipelines.lib import layouts
from pipelines.lib.rule_memo import first_match

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
    (r"一般公共预算|公共财政|公共预算财政拨款", "general_public"),  # 江北: 本年预算数 | 其中:公共预算财政拨款
    (r"政府性基金", "gov_fund"),
    (r"国有资本", "soe_capital"),
    (r"合计|预算数|金额|本年预算|决算数|执行数", "total"),
]

SUMMARY_INCOME_ITEMS: list[tuple[str, str]] = [
    *layouts.SUMMARY_HEADING_ITEMS,
    *layouts.SUMMARY_INCOME_EXTRA_ITEMS,
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
    *layouts.SUMMARY_HEADING_ITEMS,
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
    *layouts.SUMMARY_HEADING_ITEMS,
    *layouts.SUMMARY_INCOME_EXTRA_ITEMS,
    (r"使用非财政拨款结余|用事业基金弥补收支差额|使用事业基金", "use_of_non_fiscal_balance"),
    (r"^年初.*结转和?结余|^年初.*结转|^上年结转和?结余", "year_start_carryover"),
    (r"^本年收入合计$|^本年收入小计$", "current_year_total"),
    (r"^合计$|^总计$|^收入总计$", "grand_total"),  # 西南大学: 合计 under the carry-overs is the grand total
]
FINAL_SUMMARY_EXPENSE_ITEMS: list[tuple[str, str]] = [
    *layouts.SUMMARY_HEADING_ITEMS,
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
    return first_match(rules, text, _first)


def _first(rules: list[tuple[str, str]], text: str) -> str | None:
    for pattern, key in rules:
        rx = _COMPILED.get(pattern)
        if rx is None:
            rx = _COMPILED[pattern] = re.compile(pattern)
        if rx.search(text):
            return key
    return None


_COMPILED: dict[str, re.Pattern[str]] = {}  # what re.search would look up in its own cache, without the lookup
