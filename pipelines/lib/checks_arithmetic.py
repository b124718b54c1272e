"""The arithmetic a filing's tables promise: 类 = Σ 款 (hierarchy_sum), 合计 = 基本 + 项目 per row (measures_sum),
the 总表 add up and balance (summary_sums), totals agree across tables (cross_table), 三公 (three_public_sum), the
决算 balance (final_balance) and tables printed by unit (unit_rows_sum).  Each within the printed-precision
tolerance of :class:`pipelines.lib.checks._Checker`; :func:`pipelines.lib.checks.validate` runs them.
"""

from __future__ import annotations

from collections import defaultdict

from pipelines.lib.checks import LABELS, ZERO, CheckResult, Finding, Term, _Checker, term
from pipelines.lib.normalize import Line, Normalized, SummaryLine, ThreePublicLine


def _by_basis(lines: list[Line]) -> list[list[Line]]:
    """The lines of each basis apart (a 决算 table may print 预算数 beside 决算数)."""
    groups: dict[str, list[Line]] = defaultdict(list)
    for x in lines:
        groups[x.basis].append(x)
    return list(groups.values()) or [[]]


def hierarchy(kind: str, lines: list[Line], absent: str | None) -> CheckResult:
    c = _Checker("hierarchy_sum", kind)
    if absent:
        return c.not_run(absent)
    for group in _by_basis(lines):
        # a kind printed by function and by economic class (福州 一般公共预算支出表 and …经济分类情况表): two
        # hierarchies, each adding up to the 合计 on its own
        by_class: dict[str, list[Line]] = defaultdict(list)
        for x in group:
            by_class[x.classification].append(x)
        for part in by_class.values() or [group]:
            _hierarchy_of(c, kind, part)
    return c.done()


def _hierarchy_of(c: _Checker, kind: str, lines: list[Line]) -> None:
    unit_of = {}
    by_measure: dict[str, dict[str, Line]] = defaultdict(dict)
    # a cross-classified table (or one printed per unit) gives a subject several lines, its parts: summed per code
    parts_of: dict[tuple[str, str], list[Line]] = defaultdict(list)
    totals: dict[str, Line] = {}
    for x in lines:
        unit_of[x.measure] = x.unit
        if x.is_total and x.section is None:  # a unit's subtotal row (西安) is no table total
            totals.setdefault(x.measure, x)
        elif x.subject_code and (x.cross_code is not None or x.section is not None):
            by_measure[x.measure].setdefault(x.subject_code, x)
            parts_of[(x.measure, x.subject_code, x.logical)].append(x)
        elif x.subject_code and x.subject_code not in by_measure[x.measure]:
            by_measure[x.measure][x.subject_code] = x

    made: dict[tuple[str, int], Term] = {}  # a line is summed as a child and again as its children's parent

    def value(measure: str, x: Line) -> Term:
        held = made.get((measure, id(x)))
        if held is None:
            parts = parts_of.get((measure, x.subject_code, x.logical))
            if parts is None:  # most lines: the line's own amount
                held = made[(measure, id(x))] = term(x.amount, x.unit)
            else:
                terms = [term(p.amount, p.unit) for p in parts]
                held = made[(measure, id(x))] = Term(sum((t.wan for t in terms), ZERO),
                                                     sum((t.half for t in terms), ZERO))
        return held

    def top(code: str) -> bool:
        """A class (3 digits), or a line none of whose 类 / 款 is printed (a loop: every code of every measure)."""
        if len(code) == 3:
            return True
        for n in range(3, len(code), 2):
            if code[:n] in printed:
                return False
        return True

    printed = {code for m in by_measure.values() for code in m}  # codes printed with an amount in any column
    for measure, codes in by_measure.items():
        children: dict[str, list[Line]] = defaultdict(list)
        all_codes = set(codes)
        for code, x in codes.items():
            if len(code) > 3:
                # under its nearest printed ancestor: 西安 prints 3010201 津贴补贴 under 301 without a 30102 line
                up = code[:-2]
                while up not in printed and len(up) > 3:
                    up = up[:-2]
                children[up if up in printed else code[:-2]].append(x)
        for parent_code, kids in children.items():
            p = codes.get(parent_code)
            if p is None and parent_code not in printed:
                continue  # the parent is not printed at all (泉州 prints its 项 lines only): nothing to compare
            # a parent printed blank with non-blank children is a real gap: compare against 0
            expected = value(measure, p) if p else Term(ZERO, ZERO)
            parts = [value(measure, k) for k in kids]
            if not c.holds(expected, parts):
                c.fails(expected, parts, location=str(p.loc) if p else f"code {parent_code}",
                        unit=unit_of.get(measure, "万元"),
                        what=f"{LABELS[kind]} {parent_code} {p.subject_name if p else ''} ({measure}) = Σ its "
                             f"{len(kids)} sub-items")
        # the top printed level: the 类, or lines whose 类 and 款 are not printed at all (泉州: 项 lines only)
        classes = [x for code, x in codes.items() if top(code)]
        if measure in totals and classes:
            t = totals[measure]
            expected, parts = term(t.amount, t.unit), [value(measure, k) for k in classes]
            if not c.holds(expected, parts):
                c.fails(expected, parts, location=str(t.loc), unit=t.unit,
                        what=f"{LABELS[kind]} 合计 ({measure}) = Σ {len(classes)} classes")
        elif measure in totals and not all_codes:
            pass


def measures(kind: str, lines: list[Line], absent: str | None) -> CheckResult:
    c = _Checker("measures_sum", kind)
    if absent:
        return c.not_run(absent)
    for group in _by_basis(lines):
        _measures_of(c, kind, group)
    return c.done()


def _measures_of(c: _Checker, kind: str, lines: list[Line]) -> None:
    # Each printed table against its own columns: two tables of one kind (江苏's one-row 支出总表 with
    # 基本/项目/预留 beside a 财政拨款支出表 that prints 合计 only) must not lend each other columns.
    by_table: dict[int, list[Line]] = defaultdict(list)
    for x in lines:
        by_table[x.loc.table].append(x)
    for table_lines in by_table.values():
        _measures_of_table(c, kind, table_lines)


def _measures_of_table(c: _Checker, kind: str, lines: list[Line]) -> None:
    rows: dict[tuple, dict[str, Line]] = defaultdict(dict)
    for x in lines:
        rows[(x.loc.table, x.loc.row)][x.measure] = x
    measures_seen = {x.measure for x in lines}
    identities = [PARTS_FOR[kind]] if kind in PARTS_FOR else []
    if kind == "income":
        identities = [PARTS_FOR["income"], PARTS_FOR["income_current"], PARTS_FOR["income_carryover"]]
        if not {"current_year_total", "prior_year_carryover"} & measures_seen:
            # 上海: 合计 | 财政拨款收入 | 事业收入 | 其他收入 — no 本年收入 subtotal, no carry-over column
            identities = [("total", PARTS_FOR["income_current"][1])]
        elif "current_year_total" not in measures_seen:
            # 福州/泉州: 合计 | 一般公共预算拨款收入 | 政府性基金… | … | 上年结转结余 — the sources and the carry-over
            # side by side, no 本年收入 subtotal
            identities = [("total", [*PARTS_FOR["income_current"][1], *PARTS_FOR["income"][1][1:]]),
                          PARTS_FOR["income_carryover"]]
    for total_m, part_ms in identities:
        present_parts = [m for m in part_ms if m in measures_seen]
        if "basic" in present_parts:  # 人员 and 公用 are inside 基本支出 where both are printed
            present_parts = [m for m in present_parts if m not in ("personnel", "public_operating")]
        if {"fiscal_appropriation", "general_public"} <= set(present_parts):
            # 财政拨款 printed with its three funds under it (烟台): the funds are inside it, not beside it
            present_parts = [m for m in present_parts if m not in ("general_public", "gov_fund", "soe_capital")]
        if "fiscal_special_account" in present_parts:  # 教育收费 | 其他专户收入 are inside 财政专户 where printed
            present_parts = [m for m in present_parts if not m.startswith("fiscal_special_account_")]
        if total_m not in measures_seen or not present_parts:
            continue
        for (_, _), ms in rows.items():
            if total_m not in ms and not any(m in ms for m in present_parts):
                continue
            t = ms.get(total_m)
            any_line = t or next(ms[m] for m in present_parts if m in ms)
            expected = term(t.amount, t.unit) if t else Term(ZERO, ZERO)
            parts = [term(ms[m].amount, ms[m].unit) for m in present_parts if m in ms]
            if not c.holds(expected, parts):
                label = any_line.subject_code or "合计"
                c.fails(expected, parts, location=str(any_line.loc), unit=any_line.unit,
                        what=f"{LABELS[kind]} {label} {any_line.subject_name}: {total_m} = {' + '.join(present_parts)}")


def _summary_index(lines: list[SummaryLine], kind: str):
    idx: dict[tuple[str, str, str], SummaryLine] = {}
    classes: dict[str, list[SummaryLine]] = defaultdict(list)
    for x in lines:
        if x.table_kind != kind:
            continue
        if x.item == "function_class":
            classes[x.measure].append(x)
        else:
            idx.setdefault((x.side, x.item, x.measure), x)
    return idx, classes


INCOME_ITEMS = ["general_public_budget", "gov_fund_budget", "soe_capital_budget", "fiscal_appropriation",
                "fiscal_special_account", "business", "operating", "superior_subsidy", "affiliate_remittance", "other"]


ECONOMIC_USES = ("basic", "project", "reserve", "remit_to_superior", "operating", "subsidy_to_affiliates")
# Uses a 收支总表 may print after its function classes, in their column (广东: 二十四、对附属单位补助支出 二十五、上缴上级支出):
# with no 基本支出 / 项目支出 line they are no split of the year's spending by use but spending beside the classes.
BESIDE_CLASSES = ("remit_to_superior", "operating", "subsidy_to_affiliates")


def _beside_classes(lines: list[SummaryLine], kind: str, m_exp: str) -> list[SummaryLine]:
    """The uses printed beside the function classes (BESIDE_CLASSES), when no 基本支出 / 项目支出 line splits by use."""
    mine = [x for x in lines if x.table_kind == kind and x.side == "expense" and x.measure == m_exp]
    if any(x.item in ("basic", "project") for x in mine):
        return []
    return [x for x in mine if x.item in BESIDE_CLASSES]


def _economic_columns(c: _Checker, kind: str, lines: list[SummaryLine], cur_ex: Term | None, m_exp: str) -> None:
    """西安's 收支总表 prints its expense by economic class beside the function classes: the government's classes
    add up to 本年支出合计, and so do the department's uses, each use the sum of its classes."""
    mine = [x for x in lines if x.table_kind == kind and x.side == "expense"]
    gov = [x for x in mine if x.item == "gov_economic_class" and x.measure == m_exp]
    uses = {x.item: x for x in mine if x.item in ECONOMIC_USES and x.measure == m_exp}
    if not any(u in uses for u in ("basic", "project")):
        uses = {}  # only the uses beside the function classes: added to them (summary), not a split by use
    for what, parts in (("Σ 政府预算支出经济分类", gov), ("Σ 部门预算支出 by use", list(uses.values()))):
        if cur_ex and parts:
            c.compare(cur_ex, [term(x.amount, x.unit) for x in parts], location=cur_ex.where,
                      what=f"{LABELS[kind]} 本年支出合计 = {what}")
    for use, x in uses.items():
        classes = [y for y in mine if y.item == "economic_class" and y.measure == use]
        if classes:
            c.compare(term(x.amount, x.unit, str(x.loc)), [term(y.amount, y.unit) for y in classes], location=str(x.loc),
                      what=f"{LABELS[kind]} {x.item_name} = Σ its economic classes")


def summary(lines: list[SummaryLine], present: set, declared_empty: set,
            repeated: list[SummaryLine] = ()) -> list[CheckResult]:
    out = []
    for kind in ("summary", "fiscal_summary"):
        c = _Checker("summary_sums", kind)
        if kind not in present:
            out.append(c.not_run(f"the filing has no {LABELS[kind]}"))
            continue
        idx, classes = _summary_index(lines, kind)
        m_exp = "total" if kind == "fiscal_summary" else "amount"

        def t(side, item, measure="amount", idx=idx):
            x = idx.get((side, item, measure))
            return term(x.amount, x.unit, str(x.loc)) if x else None

        carried = ("prior_year_carryover", "year_start_carryover", "use_of_non_fiscal_balance",
                   "prior_year_own_account_balance")  # 西安: 上年实户资金余额, the units' own accounts
        cur_in = t("income", "current_year_total") or (
            t("income", "grand_total") if not any(("income", i, "amount") in idx for i in carried) else None)
        names = INCOME_ITEMS
        if ("income", "fiscal_appropriation", "amount") in idx and ("income", "general_public_budget", "amount") \
                not in idx:
            # 西南大学: "一、财政拨款收入" then "其中：政府性基金预算财政拨款" — a part printed under it, not beside it
            names = [i for i in INCOME_ITEMS if i not in ("gov_fund_budget", "soe_capital_budget")]
        elif any(("income", i, "amount") in idx for i in INCOME_ITEMS[:3]):
            names = [i for i in INCOME_ITEMS if i != "fiscal_appropriation"]  # its funds are listed: no double count
        items = [idx[("income", i, "amount")] for i in names if ("income", i, "amount") in idx]
        if cur_in and items:
            c.compare(cur_in, [term(x.amount, x.unit) for x in items], location=cur_in.where,
                      what=f"{LABELS[kind]} 本年收入合计 = Σ income items")
        cur_ex = t("expense", "current_year_total", m_exp)
        if cur_ex and classes.get(m_exp):
            beside = _beside_classes(lines, kind, m_exp)
            c.compare(cur_ex, [term(x.amount, x.unit) for x in classes[m_exp] + beside], location=cur_ex.where,
                      what=f"{LABELS[kind]} 本年支出合计 = Σ expense by function class"
                      + "".join(f" + {x.item_name}" for x in beside))
        _economic_columns(c, kind, lines, cur_ex, m_exp)
        # a line printed again on its row under another classification's column (西安: 本年支出合计, 结转下年 and
        # 支出总计 under each of its three expense columns): equal to the line read from the first column
        first = {(x.side, x.item, x.loc.table, x.loc.row): x for x in lines if x.table_kind == kind}
        for x in repeated:
            if x.table_kind == kind and (y := first.get((x.side, x.item, x.loc.table, x.loc.row))):
                c.compare(term(y.amount, y.unit, str(y.loc)), [term(x.amount, x.unit)], location=str(x.loc),
                          what=f"{LABELS[kind]} {x.item_name} printed again beside the function classes")
        for side, carries in (("income", carried), ("expense", ("year_end_carryover", "balance_distribution"))):
            m = "amount" if side == "income" else m_exp
            grand, cur = t(side, "grand_total", m), t(side, "current_year_total", m)
            if grand and cur:
                cvs = [cv for carry in carries if (cv := t(side, carry, m))]
                c.compare(grand, [cur, *cvs], location=grand.where,
                          what=f"{LABELS[kind]} {side} 总计 = 本年合计 + 结转" + ("、结余" if len(cvs) > 1 else ""))
        gi, ge = t("income", "grand_total"), t("expense", "grand_total", m_exp)
        if gi and ge:
            c.compare(gi, [ge], location=ge.where, what=f"{LABELS[kind]} 收入总计 = 支出总计")
        if kind == "fiscal_summary":
            rows: dict[tuple, dict[str, SummaryLine]] = defaultdict(dict)
            for x in lines:
                if x.table_kind == kind and x.side == "expense":  # a line's columns (西安: 3 lines on one row)
                    rows[(x.loc.table, x.loc.row, x.item, x.subject_code)][x.measure] = x
            for ms in rows.values():
                if "total" in ms and len(ms) > 1:
                    parts = [term(ms[m].amount, ms[m].unit) for m in ("general_public", "gov_fund", "soe_capital") if m in ms]
                    c.compare(term(ms["total"].amount, ms["total"].unit), parts, location=str(ms["total"].loc),
                              what=f"财政拨款收支总表 {ms['total'].item_name}: 合计 = 一般公共预算 + 政府性基金 + 国有资本经营")
        out.append(c.done())
    return out


def _total(lines: list[Line], measure: str) -> Line | None:
    return next((x for x in lines if x.is_total and x.section is None and x.measure == measure), None)


def cross_tables(norm: Normalized, by_kind: dict[str, list[Line]], present: set) -> list[CheckResult]:
    c = _Checker("cross_table", None)
    s_idx, s_classes = _summary_index(norm.summary, "summary")
    f_idx, _ = _summary_index(norm.summary, "fiscal_summary")
    # 收支总表 expense by class = 支出总表 类 rows
    # (the first table of the kind: a 财政拨款支出表 printed after the 支出总表 is an expenditure table too — 西南大学)
    exp_classes: dict[str, Line] = {}
    for x in by_kind["expenditure"]:  # function classes only (fandezvous prints a 支出总表 by economic class)
        if not x.is_total and x.measure == "total" and x.subject_code and len(x.subject_code) == 3 and \
                x.classification != "economic":
            exp_classes.setdefault(x.subject_code, x)
    if s_classes.get("amount") and exp_classes:
        seen = set()
        for s in s_classes["amount"]:
            if not s.subject_code:
                continue
            seen.add(s.subject_code)
            e = exp_classes.get(s.subject_code)
            c.compare(term(s.amount, s.unit), [term(e.amount, e.unit)] if e else [], location=str(s.loc),
                      what=f"收支总表 {s.item_name} = 支出总表 {s.subject_code}")
        for code, e in exp_classes.items():
            if code not in seen:
                c.compare(Term(ZERO, ZERO), [term(e.amount, e.unit)], location=str(e.loc),
                          what=f"收支总表 has no line for 支出总表 {code} {e.subject_name}")
    pairs: list[tuple[str, Line | SummaryLine | None, Line | SummaryLine | None]] = []
    cur_in = s_idx.get(("income", "current_year_total", "amount"))
    inc = _total(by_kind["income"], "current_year_total") or _total(by_kind["income"], "total")
    if _total(by_kind["income"], "current_year_total") is None and _total(by_kind["income"], "prior_year_carryover"):
        # 广州/珠海: the 收入总表's 合计 includes 上年结转结余: it is the 收支总表's 收入总计
        pairs.append(("收入总表 合计 = 收支总表 收入总计", s_idx.get(("income", "grand_total", "amount")), inc))
    else:
        pairs.append(("收入总表 合计 = 收支总表 本年收入合计", cur_in, inc))
    cur_ex = s_idx.get(("expense", "current_year_total", "amount"))
    if _total(by_kind["expenditure"], "prior_year_carryover") or _total(by_kind["expenditure"],
                                                                        "prior_year_own_account_balance"):
        # 西安: a 支出总表 by fund source, 上年结转 and the units' own accounts among them: its 合计 is the money to
        # spend, the 收支总表's 支出总计 (本年支出 + 结转下年)
        pairs.append(("支出总表 合计 = 收支总表 支出总计", s_idx.get(("expense", "grand_total", "amount")),
                      _total(by_kind["expenditure"], "total")))
    else:
        pairs.append(("支出总表 合计 = 收支总表 本年支出合计", cur_ex, _total(by_kind["expenditure"], "total")))
    gp_fs = f_idx.get(("expense", "current_year_total", "general_public"))
    pairs.append(("一般公共预算支出表 合计 = 财政拨款收支总表 一般公共预算 本年支出合计", gp_fs,
                  _total(by_kind["general_public_expenditure"], "total")))
    pairs.append(("一般公共预算支出表 基本支出合计 = 基本支出表 合计",
                  _total(by_kind["general_public_expenditure"], "basic"), _total(by_kind["basic_expenditure"], "total")))
    for what, a, b in pairs:
        if a is not None and b is not None:
            c.compare(term(a.amount, a.unit, str(a.loc)), [term(b.amount, b.unit)], location=str(a.loc), what=what)
    # a 基本支出表 printed as two blocks has no 合计, but 人员经费合计 and 公用经费合计
    gp_basic = _total(by_kind["general_public_expenditure"], "basic")
    halves = [x for m in ("personnel", "public_operating") if (x := _total(by_kind["basic_expenditure"], m))]
    if gp_basic is not None and len(halves) == 2 and _total(by_kind["basic_expenditure"], "total") is None:
        c.compare(term(gp_basic.amount, gp_basic.unit), [term(x.amount, x.unit) for x in halves],
                  location=str(gp_basic.loc), what="一般公共预算支出表 基本支出合计 = 基本支出表 人员经费合计 + 公用经费合计")
    return [c.done()]


def three_public(lines: list[ThreePublicLine], present: set, declared_empty: set,
                 withheld: set = frozenset()) -> CheckResult:
    c = _Checker("three_public_sum", "three_public")
    if "three_public" not in present:
        return c.not_run("the filing has no “三公”经费表")
    if not lines:
        return c.not_run("the “三公”经费表 has no amounts" + (" (empty by declaration)" if "three_public" in declared_empty else ""))
    by_fund: dict[str, dict[str, ThreePublicLine]] = defaultdict(dict)
    for x in lines:
        # a 决算 prints 预算数 and 决算数 side by side: each basis adds up on its own
        fund = x.fund_source if x.basis == "budget" else f"{x.fund_source}, {x.basis}"
        by_fund[fund].setdefault(x.category, x)
    held = {(cat, f if b == "budget" else f"{f}, {b}") for cat, f, b in withheld}
    rules = [
        ("subtotal", ["overseas_travel", "vehicles", "reception"], "“三公”经费小计 = 出国 + 用车 + 接待"),
        ("vehicles", ["vehicle_purchase", "vehicle_operation"], "公务用车购置及运行费 = 购置 + 运行"),
        ("overseas_travel", ["overseas_travel_research", "overseas_travel_other"], "因公出国（境）费 = 其中两项"),
    ]
    for fund, cats in by_fund.items():
        def tm(cat, cats=cats):
            x = cats.get(cat)
            return term(x.amount, x.unit) if x else Term(ZERO, ZERO)

        if "subtotal" in cats:
            extra = [k for k in ("meeting", "training") if k in cats]
            if "total" in cats:
                c.compare(tm("total"), [tm("subtotal")] + [tm(k) for k in extra], location=str(cats["total"].loc),
                          what=f"三公 合计 = 小计{' + 会议费/培训费' if extra else ''} ({fund})")
            checks = rules
        else:
            # no 小计 row: the 合计 is the 三公 total itself (wide Shanghai layout)
            checks = [("total", rules[0][1] + [k for k in ("meeting", "training") if k in cats], "“三公”经费合计 = 出国 + 用车 + 接待")] + rules[1:]
        for parent_cat, kids, what in checks:
            if parent_cat not in cats and not any(k in cats for k in kids):
                continue
            if any((k, fund) in held for k in (parent_cat, *kids)):
                continue  # a 涉密 figure is no 0: nothing to compare
            if not any(k in cats for k in kids):
                continue
            loc = cats[parent_cat].loc if parent_cat in cats else cats[next(k for k in kids if k in cats)].loc
            c.compare(tm(parent_cat), [tm(k) for k in kids if k in cats], location=str(loc), what=f"{what} ({fund})")
    return c.done()


PARTS_FOR = {
    # 西安: 上年实户资金余额 (the units' own accounts) and 用事业基金弥补收支差额 beside 上年结转
    "income": ("total", ["current_year_total", "prior_year_carryover", "prior_year_own_account_balance",
                         "use_of_non_fiscal_balance"]),
    "income_current": (
        "current_year_total",
        ["fiscal_appropriation", "general_public", "gov_fund", "soe_capital", "fiscal_special_account",
         "fiscal_special_account_education_fees", "fiscal_special_account_other", "business", "operating",
         "superior_subsidy", "affiliate_remittance", "other"],
    ),
    "income_carryover": (  # 浙江: 上年结转结余 / 小计 | 一般公共预算 | 政府性基金预算 | … | 单位资金
        "prior_year_carryover",
        ["prior_year_carryover_general_public", "prior_year_carryover_gov_fund", "prior_year_carryover_soe_capital",
         "prior_year_carryover_fiscal_special_account", "prior_year_carryover_other"],
    ),
    "expenditure": ("total", ["basic", "project", "reserve", "operating", "remit_to_superior",
                              "subsidy_to_affiliates", "personnel", "public_operating"]),
    # 西安 一般公共预算支出明细表: 人员经费 | 公用经费 | 专项业务经费 (no 基本支出 column; where it is printed, 人员 and
    # 公用 are inside it and left out of the sum)
    "general_public_expenditure": ("total", ["basic", "project", "personnel", "public_operating"]),
    "gov_fund_expenditure": ("total", ["basic", "project"]),
    "soe_capital_expenditure": ("total", ["basic", "project"]),
    "basic_expenditure": ("total", ["personnel", "public_operating", "project"]),  # 西安: 专项业务经费 beside them
}


def final_balance(norm: Normalized) -> CheckResult:
    """年初结转和结余 + 本年收入 + 使用非财政拨款结余 = 本年支出 + 结余分配 + 年末结转和结余, on the
    收入支出决算总表 and the 财政拨款收入支出决算总表; and the fiscal carry-over = Σ its funds."""
    c = _Checker("final_balance", "summary")
    for kind in ("summary", "fiscal_summary"):
        idx, _ = _summary_index(norm.summary, kind)
        m_exp = "total" if kind == "fiscal_summary" else "amount"

        def t(side, item, measure, idx=idx):
            x = idx.get((side, item, measure))
            return term(x.amount, x.unit, str(x.loc)) if x else None

        cur_in, cur_ex = t("income", "current_year_total", "amount"), t("expense", "current_year_total", m_exp)
        if not cur_in or not cur_ex:
            continue
        income = [cur_in] + [x for i in ("year_start_carryover", "use_of_non_fiscal_balance")
                             if (x := t("income", i, "amount"))]
        expense = [x for i in ("balance_distribution", "year_end_carryover") if (x := t("expense", i, m_exp))]
        # expected = Σ income side; parts = Σ expense side (both within their printed rounding)
        total_in = Term(sum((x.wan for x in income), ZERO), sum((x.half for x in income), ZERO))
        c.compare(total_in, [cur_ex, *expense], location=cur_ex.where,
                  what=f"{LABELS[kind]} 年初结转和结余 + 本年收入 + 使用非财政拨款结余 = 本年支出 + 结余分配 + 年末结转和结余")
        for side, carry, m in (("income", "year_start_carryover", "amount"), ("expense", "year_end_carryover", m_exp)):
            whole = t(side, carry, m)
            parts = [x for fund in ("general_public", "gov_fund", "soe_capital") if (x := t(side, f"{carry}_{fund}", m))]
            if whole and parts:
                c.compare(whole, parts, location=whole.where, what=f"{LABELS[kind]} {carry} = Σ its funds")
    return c.done()


def unit_rows(norm: Normalized) -> CheckResult:
    """A table printed by unit (浙江 收入预算总表 / 三公 by 单位名称): per column, the units add up to the 合计 row.
    A row that repeats the 合计 in every column is the department as a whole (printed before its units): it is
    compared with the 合计, not added."""
    c = _Checker("unit_rows_sum", None)
    tables: dict[str, list[list]] = defaultdict(list)
    for x in norm.unit_rows:
        groups = tables[x.table_kind]
        # two tables of one kind (西安 收入总表 and 支出总表, both by unit): a second 合计 starts the next table
        if not groups or (x.is_total and any(y.is_total and y.measure == x.measure and
                                             (y.loc.table, y.loc.row) != (x.loc.table, x.loc.row)
                                             for y in groups[-1])):
            groups.append([])
        groups[-1].append(x)
    for kind, cells in ((k, g) for k, gs in tables.items() for g in gs):
        totals = {x.measure: x for x in cells if x.is_total}
        rows: dict[tuple[int, int], list] = defaultdict(list)
        for x in cells:
            if not x.is_total:
                rows[(x.loc.table, x.loc.row)].append(x)
        whole = {key for key, xs in rows.items()
                 if all(x.measure in totals and x.amount.value == totals[x.measure].amount.value for x in xs)
                 and len(xs) == len(totals)}
        label = LABELS.get(kind, kind)
        for key in whole:
            for x in rows[key]:
                t = totals[x.measure]
                c.compare(term(t.amount, t.unit), [term(x.amount, x.unit)], location=str(x.loc), unit=x.unit,
                          what=f"{label} {x.unit_name} (the department as a whole) {x.measure} = 合计")
        for measure, t in totals.items():
            parts = [x for key, xs in rows.items() if key not in whole for x in xs if x.measure == measure]
            if parts:
                c.compare(term(t.amount, t.unit), [term(x.amount, x.unit) for x in parts], location=str(t.loc),
                          unit=t.unit, what=f"{label} 合计 {measure} = Σ {len(parts)} units")
    return c.done()


def blank_finals(filing, norm: Normalized, result: CheckResult) -> None:
    """A 三公 table's 决算数 cell left blank beside the 预算数 it prints for the same category (上海 普陀区财政局 2024
    决算 prints its 合计 预算数 0.95 and nothing under 决算数): a ``three_public_blank`` finding on ``result`` (the
    cells_readable result: an amount cell with nothing to read; the sums, which held, are not failed) per blank
    cell, saying what is blank and where.  A blank is no figure: no fact is made, nothing is filled in; the filing's
    narrative, or its publisher, says what was meant."""
    from pipelines.lib.normalize_cells import _keys
    from pipelines.lib.normalize_three_public import _basis_rows
    from pipelines.lib.numbers import clean

    if filing.doc_type != "final_accounts":  # a budget's 决算数 columns are an earlier year's, printed to compare
        return
    budgets = [x for x in norm.three_public if x.basis == "budget" and x.amount.value != 0]
    for t in (t for t in filing.tables if t.kind == "three_public") if budgets else ():
        keys = _keys(t)
        bases, _ = _basis_rows(t, keys, filing.doc_type)
        finals = [i for i, b in bases.items() if b == "final"]
        if not finals:
            continue
        covered: dict[tuple[int, int, int], object] = {}  # (table, row, col) → the cell printed over it
        for row in t.body:
            for cell in row:
                for dr in range(max(cell.row_span, 1)):
                    for dc in range(max(cell.col_span, 1)):
                        covered.setdefault((cell.table, cell.row + dr, cell.col + dc), cell)
        rows = {(row[0].table, row[0].row) for row in t.body if row}
        for x in budgets:
            if (x.loc.table, x.loc.row) not in rows or x.loc.col >= len(keys):
                continue
            stem = _without_basis(keys[x.loc.col])
            for j in finals:
                if j == x.loc.col or _without_basis(keys[j]) != stem:
                    continue
                cell = covered.get((x.loc.table, x.loc.row, j))
                if cell is not None and (clean(cell.text) or (cell.row, cell.col, cell.col_span, cell.row_span)
                                         != (x.loc.row, j, 1, 1)):
                    continue  # printed, or inside a merged cell: not a blank of its own
                result.status = "failed"
                result.findings.append(Finding(
                    "warning", "three_public_blank", "three_public", f"table {x.loc.table} row {x.loc.row} col {j}",
                    "决算数", "blank",
                    f"{t.title or LABELS['three_public']}: the 决算数 of {x.label or x.category} is blank beside its "
                    f"预算数 {x.amount.text} {x.unit}; a blank is no figure, so no 决算数 was loaded for it "
                    "(marts.budget_execution shows it as 0 with final_printed false). The narrative may state it; "
                    "the publisher can say which"))


def _without_basis(key: str) -> str:
    """A header path without its 预算数 / 决算数 segments: the column's category and fund (``合计 / 决算数`` → ``合计``)."""
    return "/".join(s.strip() for s in key.split("/") if not _match_basis(s.strip()))


def _match_basis(segment: str) -> bool:
    from pipelines.lib.normalize_rules import BASIS_SPELLINGS, _match

    return _match(BASIS_SPELLINGS, segment) is not None
