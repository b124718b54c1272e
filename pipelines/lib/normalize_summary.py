"""收支总表 and 财政拨款收支总表: each side's printed lines → ``SummaryLine`` items of the contract's vocabulary
(``normalize_rules.SUMMARY_INCOME_ITEMS`` …), function classes by code or name."""

from __future__ import annotations

import re

from pipelines.lib import layouts
from pipelines.lib.model import Table
from pipelines.lib.normalize_cells import _amount, _keys
from pipelines.lib.normalize_records import Loc, Normalized, Problem, SummaryLine
from pipelines.lib.normalize_rules import (
    FINAL_SUMMARY_EXPENSE_ITEMS,
    FINAL_SUMMARY_INCOME_ITEMS,
    FISCAL_EXPENSE_MEASURES,
    SUMMARY_EXPENSE_ITEMS,
    SUMMARY_INCOME_ITEMS,
    _match,
    basis_of,
)
from pipelines.lib.numbers import clean
from pipelines.lib.subjects import economic_class_code, function_class_code, strip_ordinal


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
                _summary_by_economic_class(table, unit, label_col, value_cols, out)
                continue
            if value_cols:
                _summary_side(table, unit, out, side, label_col, value_cols, keys, labels[0])


# the end of a label cut at its column's edge and printed in the amount cell beside it (CJK words or a closing
# parenthesis), with or without the amount after it
_OVERFLOW = re.compile(r"^(?P<words>[\u4e00-\u9fff）)]+)\s*(?P<amount>-?[\d,]+(?:\.\d+)?)?$")


def _summary_by_economic_class(table: Table, unit: str, label_col: int, value_cols: list[int],
                               out: Normalized) -> None:
    """A 收支总表's expense by economic class, printed beside its function classes (layouts.SUMMARY_SIDE_BY_SIDE_
    ECONOMIC, SUMMARY_ECONOMIC_USES): the department's uses with their economic classes under them, or the
    government's economic classes; the heading and total lines repeat the function column's (checked, not stored)."""
    header = clean(table.header[label_col])
    names = [strip_ordinal(clean(table.values(r)[label_col])) for r in table.body]
    government = bool(re.search(layouts.SUMMARY_GOV_ECONOMIC_HEADER, header)) or (
        not re.search(layouts.SUMMARY_DEPT_ECONOMIC_HEADER, header)
        and any(n.startswith("机关") and economic_class_code(n, True) for n in names))
    measure_total = "total" if table.kind == "fiscal_summary" else "amount"
    use: str | None = None  # the department's use whose classes follow (人员经费和公用经费支出 → basic)
    for row in table.body:
        vals = table.values(row)
        label = vals[label_col].strip()
        col = next((c for c in value_cols if clean(vals[c])), None)
        text = vals[col].strip() if col is not None else ""
        if (m := _OVERFLOW.match(text)) and label:
            # a label cut at the column's edge, its last characters printed in the amount cell (西安 2019, printed
            # from Excel: "1、人员经费和公用经费支" | "出 2,022.39"): the words go back to the label
            label, text = label + m.group("words"), m.group("amount") or ""
            col = col if text else None
        key = clean(label)
        if not key:
            continue
        loc = Loc(row[0].table, row[0].row, col if col is not None else label_col)
        repeated = _match(SUMMARY_EXPENSE_ITEMS, key)
        if repeated and repeated not in [m for _, m in layouts.SUMMARY_USE_ITEMS]:
            # 一、部门预算, 本年支出合计, 结转下年, 支出总计: the function column's line again
            if col is not None and (a := _amount(text, table, loc, out, label, unit)) is not None:
                out.summary_repeats.append(SummaryLine(table.kind, "expense", repeated, label, None, measure_total,
                                                       a, unit, loc))
            continue
        name = strip_ordinal(key)
        if not government and (u := _match(layouts.SUMMARY_ECONOMIC_USES, name)):
            use, item, code, measure = u, u, None, measure_total
        else:
            item = "gov_economic_class" if government else "economic_class"
            code, measure = economic_class_code(name, government), (measure_total if government else use or measure_total)
        if col is None:
            continue
        if code is None and item in ("economic_class", "gov_economic_class"):
            out.problems.append(Problem(
                check="summary_item_known", table_kind=table.kind, location=str(loc), actual=label,
                message=f"{table.title or table.kind}: {label} {text} ({table.header[label_col]}) is no "
                "economic class yusuan knows by name; kept out"))
            continue
        a = _amount(text, table, loc, out, label, unit)
        if a is not None:
            out.summary.append(SummaryLine(table.kind, "expense", item, name, code, measure, a, unit, loc))


_TOTAL_ROW = re.compile(r"合计|小计|总计")  # asked of every row of a side


def _summary_side(table, unit, out, side, label_col, value_cols, keys, first_label_col=None) -> None:
    in_carryover: str | None = None  # the carry-over line whose parts by fund follow
    in_class: str | None = None  # the 类 (its code) whose 款/项 lines follow (浙江 prints them under it)
    final = out.doc_type == "final_accounts"
    # a 收支总表 whose title says its expense side is by economic class (山东 2016 年收支预算总表(经济分类科目) beside its
    # (功能分类科目) twin): its class lines are economic classes, coded by name
    economic = side == "expense" and bool(re.search(layouts.ECONOMIC_TITLE, clean(table.title or "")))
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
                _TOTAL_ROW.search(clean(vals[first_label_col])):
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
            if item is None and economic and (subject_code := economic_class_code(label)
                                              or economic_class_code(label, True)):
                item = "economic_class" if economic_class_code(label) else "gov_economic_class"
            if item is None:
                subject_code = function_class_code(label)
                if subject_code is None and re.match(layouts.SUMMARY_UNCODED_CLASSES, strip_ordinal(key)):
                    in_class = None  # a class with no code (人行科目), not a detail of the one above
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
            text = vals[col].strip()
            if (m := _OVERFLOW.match(text)) and key:  # 西安 2019: "二、文化旅游体育与传" | "媒" — the label's end
                text = m.group("amount") or ""
            a = _amount(text, table, loc, out, f"{label}", unit)
            if a is None:
                continue
            out.summary.append(SummaryLine(table.kind, side, item, strip_ordinal(label) if item in (
                "function_class", "function_detail", "economic_class", "gov_economic_class") else label, subject_code,
                measure, a, unit, loc, basis))
            if measure == "amount":
                taken.add(basis)
                if not final and not by_use:
                    break
