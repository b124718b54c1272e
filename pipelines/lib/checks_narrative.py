"""What the narrative (情况说明) states, checked against the tables: its figures (narrative_vs_tables), the year
it compares with and the changes it claims (narrative_claims), and a 决算's execution claims (narrative_execution).
:func:`pipelines.lib.checks.validate` runs them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from pipelines.lib.checks import ZERO, CheckResult, Finding, Term, _Checker, _fmt, term
from pipelines.lib.checks_arithmetic import _summary_index, final_balance
from pipelines.lib.model import Filing
from pipelines.lib.normalize import Line, Normalized, ThreePublicLine
from pipelines.lib.numbers import nfkc


def _three_public_totals(lines: list[ThreePublicLine], basis: str) -> dict[str, Term]:
    """Each 三公 category's figure of one basis: its fund_source ``total`` where printed, else (深圳 prints only
    一般公共预算 | 政府性基金预算 | 国有资本经营预算 columns) the sum of its funds — for checking, never stored."""
    out: dict[str, Term] = {}
    parts: dict[str, list[Term]] = defaultdict(list)
    for x in lines:
        if x.basis != basis:
            continue
        if x.fund_source == "total":
            out.setdefault(x.category, term(x.amount, x.unit))
        else:
            parts[x.category].append(term(x.amount, x.unit))
    for cat, terms in parts.items():
        if cat not in out:
            out[cat] = Term(sum((t.wan for t in terms), ZERO), sum((t.half for t in terms), ZERO))
    return out


def narrative(norm: Normalized, by_kind: dict[str, list[Line]], filing: Filing | None = None) -> CheckResult:
    c = _Checker("narrative_vs_tables", "narrative")
    if filing is not None:
        _summary_items(filing, norm, c)
    if not norm.stated:
        return c.done() if c.r.compared else c.not_run("the narrative states no figures yusuan recognises")
    s_idx, _ = _summary_index(norm.summary, "summary")
    own = "final" if norm.doc_type == "final_accounts" else "budget"  # the figures the narrative speaks of
    three = _three_public_totals(norm.three_public, own)
    basic = {x.measure: x for x in by_kind["basic_expenditure"] if x.is_total and x.section is None}

    def from_summary(side):
        return s_idx.get((side, "current_year_total", "amount")) or s_idx.get((side, "grand_total", "amount"))

    # one fund's spending against that fund's column of the 财政拨款收支总表; where the table prints no such
    # column (or no total in it) the sentence is not compared
    f_idx, _ = _summary_index(norm.summary, "fiscal_summary")

    fiscal_headers = " ".join(h for t in (filing.tables if filing else []) if t.kind == "fiscal_summary"
                              for h in t.header)

    # the 合计 of all funds, from_fiscal("total") (neither a fund column nor a fund table): not a recursive call,
    # which would hold the function in its own closure — a cycle keeping every line of the filing for the collector
    fiscal_total = (f_idx.get(("expense", "current_year_total", "total"))
                    or f_idx.get(("expense", "grand_total", "total")))

    def from_fiscal(measure):
        total = (f_idx.get(("expense", "current_year_total", measure))
                 or f_idx.get(("expense", "grand_total", measure)))
        if total is None and measure in _FUND_COLUMNS and re.search(_FUND_COLUMNS[measure], fiscal_headers) and (
                fiscal_total is not None):
            return Term(ZERO, ZERO)  # the fund's column is printed, its 合计 blank: nothing of that fund
        if total is None and measure in _FUND_TABLES:  # no such column (江苏: by kind only): the fund's own table
            total = next((x for x in by_kind[_FUND_TABLES[measure]]
                          if x.is_total and x.section is None and x.measure == "total" and x.basis == own), None)
        return total

    targets = {
        "income_total": (from_summary("income"), "收支总表 本年收入合计"),
        "expense_total": (from_summary("expense"), "收支总表 本年支出合计"),
        "fiscal_expense_total": (from_fiscal("total"), "财政拨款收支总表 支出合计"),
        "general_public_expense": (from_fiscal("general_public"), "一般公共预算支出合计"),
        "gov_fund_expense": (from_fiscal("gov_fund"), "政府性基金预算支出合计"),
        "soe_capital_expense": (from_fiscal("soe_capital"), "国有资本经营预算支出合计"),
        "personnel": (basic.get("personnel"), "基本支出表 人员经费合计"),
        "public_operating": (basic.get("public_operating"), "基本支出表 公用经费合计"),
        "office_operation": (three.get("office_operation") or basic.get("public_operating"),
                             "机关运行经费" if "office_operation" in three else "基本支出表 公用经费合计"),
        "three_public_total": (three.get("subtotal") or three.get("total"), "“三公”经费表 小计"),
        "overseas_travel": (three.get("overseas_travel"), "“三公”经费表 因公出国（境）费"),
        "vehicles": (three.get("vehicles"), "“三公”经费表 公务用车购置及运行费"),
        "vehicle_purchase": (three.get("vehicle_purchase"), "“三公”经费表 公务用车购置费"),
        "vehicle_operation": (three.get("vehicle_operation"), "“三公”经费表 公务用车运行费"),
        "reception": (three.get("reception"), "“三公”经费表 公务接待费"),
    }
    has_three = bool(norm.three_public)
    for s in norm.stated:
        if s.figure not in targets:
            continue
        line, label = targets[s.figure]
        if line is None:
            if not (has_three and s.figure in ("overseas_travel", "vehicles", "vehicle_purchase", "vehicle_operation",
                                               "reception")):
                continue
            table_term = Term(ZERO, ZERO)  # the 三公 table prints a blank where the text says 0
        else:
            table_term = line if isinstance(line, Term) else term(line.amount, line.unit)
        exp = s.stated_wan
        decimals = max(0, -exp.normalize().as_tuple().exponent)
        stated = Term(exp, Decimal(1).scaleb(-decimals) / 2)
        if s.figure == "office_operation" and "office_operation" not in three:
            # no table prints 机关运行经费: it is the 行政单位' part of the 公用经费 (烟台: 484.47 of 657.61, the
            # 行政运行 line's), so the 基本支出表's 公用经费合计 bounds it but need not equal it
            c.r.compared += 1
            if exp > table_term.wan + table_term.half + stated.half:
                c.r.status = "failed"
                c.r.findings.append(Finding(
                    "warning", c.r.check, c.r.table_kind, f"narrative: {s.sentence[:60]}", f"≤ {_fmt(table_term.wan)}",
                    _fmt(exp), f"the narrative says {_fmt(exp)} 万元 for 机关运行经费 (“{s.sentence[:80]}”), more than "
                    f"the {_fmt(table_term.wan)} 万元 the 基本支出表 prints as 公用经费合计, of which it is a part"))
            continue
        _stated_against_table(c, table_term, stated, label=label, quote=s.sentence[:80],
                              location=f"narrative: {s.sentence[:60]}")
    return c.done()


def _stated_against_table(c: _Checker, table_term: Term, stated: Term, *, label: str, quote: str,
                          location: str) -> None:
    """One figure of the text against the table's, with a finding an analyst reads as "the narrative says X,
    the table prints Y" where they differ by more than the printed rounding."""
    before = len(c.r.findings)
    c.compare(table_term, [stated], location=location, what=f"情况说明 states {_fmt(stated.wan)} 万元 for {label}")
    if len(c.r.findings) > before:
        c.r.findings[-1].message = (
            f"the narrative says {_fmt(stated.wan)} 万元 for {label} (“{quote}”), the table prints "
            f"{_fmt(table_term.wan)} 万元 (difference {_fmt(stated.wan - table_term.wan)} 万元)")


# a fund's column of the 财政拨款收支总表 (its header), where a blank 合计 means the fund spends nothing
_FUND_COLUMNS = {"gov_fund": r"政府性基金", "soe_capital": r"国有资本经营"}
# …or, where that table prints no fund columns, the 合计 of the fund's own 支出表
_FUND_TABLES = {"general_public": "general_public_expenditure", "gov_fund": "gov_fund_expenditure",
                "soe_capital": "soe_capital_expenditure"}


# A 收支总表 line the narrative names with its amount (使用非财政拨款结余18,953.78万元, 上年结转81,714.17万元,
# 事业收入124,020.47万元): its numbering and a 其中 dropped, the name must stand right before the amount.
_ITEM_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|其中[:：])+")
# the totals are the income_total / expense_total figures; function lines share their names with projects and
# 款/项 of other tables; a name this short is too common to trust
_ITEMS_NOT_NAMED = ("current_year_total", "grand_total", "function_class", "function_detail")
_ITEM_MIN_CHARS = 4
# a name right after one fund's name, a kind of spending or 含 speaks of a part of something else (财政拨款基本支出
# 预算, 机关运行经费财政拨款预算, 项目…（含上年结转750.00万元）), not of the 收支总表 line
_ITEM_PART_OF = re.compile(r"(?:财政拨款|拨款|一般公共预算|政府性基金(?:预算)?|国有资本经营(?:预算)?|经费|含|包括)$")


def _summary_items(filing: Filing, norm: Normalized, c: _Checker) -> None:
    """Every "<收支总表 line name> X万元" of the narrative against that line: a narrative figure that disagrees
    with the table (西南大学 2021 says 使用非财政拨款结余 18,953.73 万元 in one paragraph, 18,953.78 in the next;
    the table prints 18,953.78) is a finding, wherever in the text it stands."""
    # a PDF gives a paragraph per printed line, so a figure's 万元 may open the next one
    text = re.sub(r"\s+", "", nfkc("".join(p.text for p in filing.paragraphs)))
    seen: set[str] = set()
    own = "final" if norm.doc_type == "final_accounts" else "budget"  # a 决算 prints its 预算数 beside the 决算数
    for x in norm.summary:
        if (x.table_kind != "summary" or x.measure != "amount" or x.basis != own or x.item in _ITEMS_NOT_NAMED
                or x.subject_code):
            continue
        name = _ITEM_NUMBERING.sub("", re.sub(r"\s+", "", nfkc(x.item_name)))
        if len(name) < _ITEM_MIN_CHARS or name in seen:
            continue
        seen.add(name)
        if name not in text:  # (the pattern starts with the name: a substring test first, not a regex scan per line)
            continue
        table_term = term(x.amount, x.unit)
        for m in re.finditer(re.escape(name) + r"(?:为|是|共计|合计)?(?P<amt>\d[\d,]*(?:\.\d+)?)万元", text):
            if _ITEM_PART_OF.search(text, 0, m.start()):
                continue
            stated = _stated(m.group("amt"))
            sentence = text[max(0, m.start() - 30):m.end()]
            _stated_against_table(c, table_term, stated, label=f"收支总表 {name}", quote=f"…{sentence}",
                                  location=f"narrative: {sentence[-60:]}")


_COMPARED_YEAR = re.compile(r"(?:比|与|较|同)(?:上年[（(])?(\d{4})年")


_CHANGE = re.compile(
    r"(?P<what>[^，,；;。]{0,30}?)(?P<amt>\d[\d,]*(?:\.\d+)?)万元[，,]\s*比(?P<year>\d{4})年[^，,；;。]{0,8}?"
    r"(?P<dir>增加|增长|减少|下降)(?P<chg>\d[\d,]*(?:\.\d+)?)万元")
# what every match of _CHANGE holds: a cheap scan first, since _CHANGE tries its lazy prefix at every position
_CHANGE_HINT = re.compile(r"万元[，,]\s*比\d{4}年")


_CLAUSES = re.compile(r"[；;。]")  # what ends a clause


def narrative_claims(filing: Filing) -> CheckResult:
    """What the text claims about itself: the year it compares with, and changes larger than the amount."""
    c = _Checker("narrative_claims", "narrative")
    if filing.year is None or not filing.paragraphs:
        return c.not_run("no year or no narrative")
    for p in filing.paragraphs:
        if "年" not in p.text:  # nor any of its clauses
            continue
        for clause in _CLAUSES.split(p.text):
            if "年" not in clause:  # both patterns need a year (…2025年…): most clauses have none
                continue
            years = {int(y) for y in _COMPARED_YEAR.findall(clause)}
            for m in (_CHANGE.finditer(clause) if _CHANGE_HINT.search(clause) else ()):
                years.add(int(m.group("year")))
                amount, change = Decimal(m.group("amt").replace(",", "")), Decimal(m.group("chg").replace(",", ""))
                c.r.compared += 1
                if m.group("dir") in ("增加", "增长") and change > amount:
                    c.r.status = "failed"
                    c.r.findings.append(Finding(
                        "warning", "narrative_claims", "narrative", f"narrative: {clause.strip()[:60]}",
                        f"an increase of at most {_fmt(amount)} 万元", f"增加{_fmt(change)}万元",
                        f"情况说明 says{(' ' + m.group('what').strip()) if m.group('what').strip() else ''} "
                        f"{_fmt(amount)}万元 rose by {_fmt(change)}万元 on {m.group('year')}, which would make the "
                        f"{m.group('year')} figure negative: the stated change looks wrong ({clause.strip()[:80]})",
                    ))
            for y in sorted(years):
                c.r.compared += 1
                if y >= filing.year:
                    c.r.status = "failed"
                    c.r.findings.append(Finding(
                        "warning", "narrative_claims", "narrative", f"narrative: {clause.strip()[:60]}",
                        f"a comparison with {filing.year - 1}", f"{y}年",
                        f"情况说明 of the {filing.year} budget compares with {y}年 — the year before is "
                        f"{filing.year - 1}; probably a typo ({clause.strip()[:80]})",
                    ))
    return c.done()


# The narrative's execution claims: "…年初预算为X万元，支出决算为Y万元，完成年初预算的Z%" and, for the
# parts, "…决算为Y万元，完成预算的Z%".
_NUM = r"\d[\d,]*(?:\.\d+)?"


_EXECUTION_FULL = re.compile(
    rf"(?P<what>[^，,。；;：:]*?)(?:年初|全年)?预算(?:数)?(?:为|是)(?P<budget>{_NUM})万元[，,]?\s*(?:[^，,。；;]{{0,12}}?)"
    rf"决算(?:数)?(?:为|是)(?P<final>{_NUM})万元[，,]?\s*完成(?:年初|全年)?预算的(?P<pct>{_NUM})%")


_EXECUTION_PART = re.compile(
    rf"(?P<what>[^，,。；;：:]*?)决算(?:数)?(?:为|是)(?P<final>{_NUM})万元[，,]?\s*完成(?:年初|全年)?预算的(?P<pct>{_NUM})%")


# what a claim is about → (relation, key); the first match wins (parts before the 三公 total)
EXECUTION_TARGETS: list[tuple[str, tuple[str, str]]] = [
    (r"因公出国", ("three_public", "overseas_travel")),
    (r"公务用车购置费", ("three_public", "vehicle_purchase")),
    (r"公务用车运行", ("three_public", "vehicle_operation")),
    (r"公务用车", ("three_public", "vehicles")),
    (r"公务接待", ("three_public", "reception")),
    (r"三公", ("three_public", "total")),
    (r"一般公共预算财政拨款支出|一般公共预算支出", ("lines", "general_public_expenditure")),
    (r"政府性基金预算财政拨款支出", ("lines", "gov_fund_expenditure")),
]


def final_accounts(filing: Filing, norm: Normalized) -> list[CheckResult]:
    """The identities only a 决算 has; not run on budgets."""
    if filing.doc_type != "final_accounts":
        c = _Checker("final_balance", "summary")
        n = _Checker("narrative_execution", "narrative")
        return [c.not_run("a budget filing has no 决算 balance"), n.not_run("a budget filing states no execution")]
    return [final_balance(norm), _narrative_execution(filing, norm)]


def _narrative_execution(filing: Filing, norm: Normalized) -> CheckResult:
    """"决算数为 X 万元，完成预算的 Y %" against the tables, and Y against X / 预算."""
    c = _Checker("narrative_execution", "narrative")
    three: dict[tuple[str, str], ThreePublicLine] = {}
    for x in norm.three_public:
        if x.fund_source == "total":
            three.setdefault((x.category, x.basis), x)
    totals = {x.table_kind: x for x in norm.lines
              if x.is_total and x.section is None and x.measure == "total" and x.basis == "final"}
    for p in filing.paragraphs:
        text = p.text.replace(" ", "")
        if "完成" not in text or "决算" not in text:
            continue
        for clause in re.split(r"[；;。]|其中[：:]", text):
            m = _EXECUTION_FULL.search(clause) or _EXECUTION_PART.search(clause)
            if not m:
                continue
            target = next((t for pattern, t in EXECUTION_TARGETS if re.search(pattern, m.group("what"))), None)
            stated_final = _stated(m.group("final"))
            stated_budget = _stated(m.group("budget")) if "budget" in m.groupdict() and m.group("budget") else None
            where = f"narrative: {clause[:60]}"
            table_final = table_budget = None
            if target and target[0] == "three_public" and three:
                f = three.get((target[1], "final"))
                b = three.get((target[1], "budget"))
                table_final = term(f.amount, f.unit) if f else Term(ZERO, ZERO)  # blank 决算数: nothing spent
                table_budget = term(b.amount, b.unit) if b else Term(ZERO, ZERO)
            elif target and target[0] == "lines" and target[1] in totals:
                f = totals[target[1]]
                table_final = term(f.amount, f.unit)
            if table_final is not None:
                c.compare(table_final, [stated_final], location=where,
                          what=f"情况说明 states a 决算数 of {_fmt(stated_final.wan)} 万元 ({m.group('what')[:20]})")
            if stated_budget is not None and table_budget is not None:
                c.compare(table_budget, [stated_budget], location=where,
                          what=f"情况说明 states a 预算数 of {_fmt(stated_budget.wan)} 万元 ({m.group('what')[:20]})")
            budget = stated_budget or table_budget
            if budget is not None and budget.wan > 0:
                pct = _stated(m.group("pct"))
                rate = stated_final.wan * 100 / budget.wan
                # the rate's own rounding: how far the printed amounts' rounding can move it
                spread = (stated_final.half * 100 / budget.wan) + (stated_final.wan * 100 * budget.half / budget.wan ** 2)
                c.compare(pct, [Term(rate, spread)], location=where,
                          what=f"情况说明 says 完成预算的 {m.group('pct')}% but {_fmt(stated_final.wan)} / "
                          f"{_fmt(budget.wan)} is {rate:.2f}%")
    return c.done()


def _stated(text: str) -> Term:
    value = Decimal(text.replace(",", ""))
    decimals = max(0, -value.as_tuple().exponent)
    return Term(value, Decimal(1).scaleb(-decimals) / 2)
