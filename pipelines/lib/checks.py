"""The arithmetic a filing promises, checked with a tolerance taken from printed precision.

A sum of n terms each printed to d decimals can differ from its printed total by up to
0.5·10⁻ᵈ·(n + 1) through rounding alone.  Within that: no finding, but the check counts it
(``within_rounding``).  Beyond it: a ``warning`` finding with expected, actual, difference and location.
A check whose table is absent, or empty by declaration, is ``not_run`` — never a failure.

``error`` findings (the filing is rejected) are only for what leaves nothing trustworthy to load:
no recognisable budget table, no year, no department.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from pipelines.lib.model import Filing
from pipelines.lib.normalize import Line, Normalized, SummaryLine, ThreePublicLine
from pipelines.lib.numbers import Amount

BUDGET_KINDS = (
    "summary", "income", "expenditure", "fiscal_summary", "general_public_expenditure",
    "basic_expenditure", "gov_fund_expenditure", "soe_capital_expenditure", "three_public",
)
LABELS = {
    "summary": "收支总表", "income": "收入总表", "expenditure": "支出总表", "fiscal_summary": "财政拨款收支总表",
    "general_public_expenditure": "一般公共预算支出表", "basic_expenditure": "基本支出表",
    "gov_fund_expenditure": "政府性基金预算支出表", "soe_capital_expenditure": "国有资本经营预算支出表",
    "three_public": "“三公”经费表", "narrative": "情况说明", "office_operation": "机关运行经费表",
}
ZERO = Decimal(0)


@dataclass(slots=True)
class Finding:
    severity: str  # error | warning
    check: str
    table_kind: str | None
    location: str
    expected: str | None
    actual: str | None
    message: str

    def as_row(self, document_id: str) -> dict:
        return {"document_id": document_id, "severity": self.severity, "check": self.check,
                "table_kind": self.table_kind, "location": self.location, "expected": self.expected,
                "actual": self.actual, "message": self.message}


@dataclass
class CheckResult:
    """One named identity over one table (or pair of tables): how often it held, within rounding, or not."""

    check: str
    table_kind: str | None
    status: str = "passed"  # passed | failed | not_run
    compared: int = 0
    within_rounding: int = 0
    reason: str | None = None  # why not run
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Validation:
    results: list[CheckResult]
    findings: list[Finding]

    @property
    def rejected(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


@dataclass(slots=True)
class Term:
    """A value in 万元 with its rounding half-width (also in 万元) and where it was printed."""

    wan: Decimal
    half: Decimal
    where: str = ""


def term(a: Amount, unit: str, where: str = "") -> Term:
    step = Decimal(1).scaleb(-a.decimals) / 2
    if unit == "元":
        step = step / 10000
    return Term(a.wan(unit), step, where)


def _fmt(d: Decimal) -> str:
    """2041.42 stays 2041.42, 54.500000 prints 54.50, 0.000001 keeps its digits."""
    q = d.quantize(Decimal("0.01"))
    return f"{q:f}" if q == d else f"{d.normalize():f}"


class _Checker:
    def __init__(self, check: str, table_kind: str | None):
        self.r = CheckResult(check, table_kind)

    def compare(self, expected: Term, parts: list[Term], *, location: str, what: str, unit: str = "万元") -> None:
        """expected ≈ Σ parts within printed rounding; the message speaks the table's printed unit."""
        actual = sum((p.wan for p in parts), ZERO)
        tol = expected.half + sum((p.half for p in parts), ZERO)
        diff = actual - expected.wan
        self.r.compared += 1
        if diff == 0:
            return
        if abs(diff) <= tol:
            self.r.within_rounding += 1
            return
        self.r.status = "failed"
        shown = (lambda v: _fmt(v * 10000)) if unit == "元" else _fmt
        self.r.findings.append(Finding(
            "warning", self.r.check, self.r.table_kind, location, shown(expected.wan), shown(actual),
            f"{what}: printed {shown(expected.wan)} {unit} but the parts add up to {shown(actual)} {unit} "
            f"(difference {shown(diff)} {unit}, more than rounding to the printed precision allows: {shown(tol)})",
        ))

    def not_run(self, reason: str) -> CheckResult:
        self.r.status, self.r.reason = "not_run", reason
        return self.r

    def done(self) -> CheckResult:
        if self.r.compared == 0 and self.r.status == "passed":
            self.r.status, self.r.reason = "not_run", self.r.reason or "nothing to compare"
        return self.r


# --------------------------------------------------------------------------------------------------


def validate(filing: Filing, norm: Normalized) -> Validation:
    """Run every identity; gather findings (errors for unidentifiable filings, warnings otherwise)."""
    results: list[CheckResult] = []
    present = {t.kind for t in filing.tables}
    declared_empty = {t.kind for t in filing.tables if t.empty_declared}

    results.append(_identifiable(filing))
    lines_by_kind: dict[str, list[Line]] = defaultdict(list)
    for x in norm.lines:
        lines_by_kind[x.table_kind].append(x)

    for kind in ("income", "expenditure", "general_public_expenditure", "gov_fund_expenditure",
                 "soe_capital_expenditure", "basic_expenditure"):
        absent = _absent(kind, present, declared_empty, lines_by_kind[kind])
        results.append(_hierarchy(kind, lines_by_kind[kind], absent))
        results.append(_measures(kind, lines_by_kind[kind], absent))
    results += _summary(norm.summary, present, declared_empty)
    results += _cross_tables(norm, lines_by_kind, present)
    results.append(_three_public(norm.three_public, present, declared_empty))
    results.append(_narrative(norm, lines_by_kind))
    results.append(_narrative_claims(filing))
    results += _final_accounts(filing, norm)
    results.append(_empty_but_printed(filing, norm))
    results.append(_readable(norm, filing))
    results.append(_unit_rows(norm))

    _link_dropped_rows(results, norm)
    findings = [f for r in results for f in r.findings]
    return Validation(results, findings)


_DROPPED = ("subject_code_present", "subject_unique", "amount_parses")


def _link_dropped_rows(results: list[CheckResult], norm: Normalized) -> None:
    """A sum that fails in a table whose rows were kept out says so: the difference may be those rows, not an
    error of the filing (one finding explains the other instead of two unrelated warnings)."""
    dropped: dict[str, list[str]] = defaultdict(list)
    for p in norm.problems:
        if p.check in _DROPPED:
            dropped[p.table_kind].append(f"{p.location} ({p.actual})")
    for r in results:
        if r.check not in ("hierarchy_sum", "measures_sum") or r.table_kind not in dropped:
            continue
        rows = dropped[r.table_kind]
        for f in r.findings:
            f.message += (f"; {len(rows)} row(s) of this table were kept out ({', '.join(rows[:5])}"
                          f"{' …' if len(rows) > 5 else ''}; see their own findings), which may be the difference")


def _absent(kind: str, present: set, declared_empty: set, lines: list) -> str | None:
    if kind not in present:
        return f"the filing has no {LABELS[kind]}"
    if kind in declared_empty and not lines:
        return f"the {LABELS[kind]} is empty by declaration"
    if not lines:
        return f"the {LABELS[kind]} has no amounts"
    return None


def _identifiable(filing: Filing) -> CheckResult:
    c = _Checker("filing_identifiable", None)
    c.r.compared = 1
    problems = []
    if not any(t.kind in BUDGET_KINDS for t in filing.tables) and filing.part != "narrative":
        problems.append(("no_budget_table", "no recognisable budget table (收支总表, 收入总表, 支出总表 …) was found"))
    if filing.year is None:
        problems.append(("no_year", "the budget year could not be determined (no 预算年度 and no year in the titles)"))
    if not filing.department_name:
        problems.append(("no_department", "the department could not be determined (no 部门名称/编制单位 or code+name cell)"))
    for note in filing.identity_notes:  # cover, titles and 编制部门 lines disagree: loaded, but say so
        c.r.status = "failed"
        c.r.findings.append(Finding("warning", "identity_consistent", None, "document", None, None,
                                    note.removeprefix("identity: ")))
    for key, text in problems:
        c.r.status = "failed"
        c.r.findings.append(Finding("error", "filing_identifiable", None, "document", None, key,
                                    f"Rejected: {text}. Check that this is a department budget disclosure."))
    return c.r


def _by_basis(lines: list[Line]) -> list[list[Line]]:
    """The lines of each basis apart (a 决算 table may print 预算数 beside 决算数)."""
    groups: dict[str, list[Line]] = defaultdict(list)
    for x in lines:
        groups[x.basis].append(x)
    return list(groups.values()) or [[]]


def _hierarchy(kind: str, lines: list[Line], absent: str | None) -> CheckResult:
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

    def value(measure: str, x: Line) -> Term:
        parts = parts_of.get((measure, x.subject_code, x.logical)) or [x]
        terms = [term(p.amount, p.unit) for p in parts]
        return Term(sum((t.wan for t in terms), ZERO), sum((t.half for t in terms), ZERO))

    for measure, codes in by_measure.items():
        children: dict[str, list[Line]] = defaultdict(list)
        for code, x in codes.items():
            if len(code) > 3:
                children[code[:-2]].append(x)
        all_codes = set(codes)
        printed = {code for m in by_measure.values() for code in m}  # codes printed with an amount in any column
        for parent_code, kids in children.items():
            p = codes.get(parent_code)
            if p is None and parent_code not in printed:
                continue  # the parent is not printed at all (泉州 prints its 项 lines only): nothing to compare
            # a parent printed blank with non-blank children is a real gap: compare against 0
            expected = value(measure, p) if p else Term(ZERO, ZERO)
            where = str(p.loc) if p else f"code {parent_code}"
            c.compare(expected, [value(measure, k) for k in kids],
                      location=where, unit=unit_of.get(measure, "万元"),
                      what=f"{LABELS[kind]} {parent_code} {p.subject_name if p else ''} ({measure}) = Σ its {len(kids)} sub-items")
        # the top printed level: the 类, or lines whose 类 and 款 are not printed at all (泉州: 项 lines only)
        classes = [x for code, x in codes.items()
                   if len(code) == 3 or not any(code[:n] in printed for n in range(3, len(code), 2))]
        if measure in totals and classes:
            t = totals[measure]
            c.compare(term(t.amount, t.unit), [value(measure, k) for k in classes], location=str(t.loc),
                      unit=t.unit, what=f"{LABELS[kind]} 合计 ({measure}) = Σ {len(classes)} classes")
        elif measure in totals and not all_codes:
            pass


def _measures(kind: str, lines: list[Line], absent: str | None) -> CheckResult:
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
            identities = [("total", [*PARTS_FOR["income_current"][1], "prior_year_carryover"]),
                          PARTS_FOR["income_carryover"]]
    for total_m, part_ms in identities:
        present_parts = [m for m in part_ms if m in measures_seen]
        if "basic" in present_parts:  # 人员 and 公用 are inside 基本支出 where both are printed
            present_parts = [m for m in present_parts if m not in ("personnel", "public_operating")]
        if total_m not in measures_seen or not present_parts:
            continue
        for (_, _), ms in rows.items():
            if total_m not in ms and not any(m in ms for m in present_parts):
                continue
            t = ms.get(total_m)
            any_line = t or next(ms[m] for m in present_parts if m in ms)
            expected = term(t.amount, t.unit) if t else Term(ZERO, ZERO)
            parts = [term(ms[m].amount, ms[m].unit) for m in present_parts if m in ms]
            label = any_line.subject_code or "合计"
            c.compare(expected, parts, location=str(any_line.loc), unit=any_line.unit,
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


def _summary(lines: list[SummaryLine], present: set, declared_empty: set) -> list[CheckResult]:
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

        carried = ("prior_year_carryover", "year_start_carryover", "use_of_non_fiscal_balance")
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
            c.compare(cur_ex, [term(x.amount, x.unit) for x in classes[m_exp]], location=cur_ex.where,
                      what=f"{LABELS[kind]} 本年支出合计 = Σ expense by function class")
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
                if x.table_kind == kind and x.side == "expense":
                    rows[(x.loc.table, x.loc.row)][x.measure] = x
            for ms in rows.values():
                if "total" in ms and len(ms) > 1:
                    parts = [term(ms[m].amount, ms[m].unit) for m in ("general_public", "gov_fund", "soe_capital") if m in ms]
                    c.compare(term(ms["total"].amount, ms["total"].unit), parts, location=str(ms["total"].loc),
                              what=f"财政拨款收支总表 {ms['total'].item_name}: 合计 = 一般公共预算 + 政府性基金 + 国有资本经营")
        out.append(c.done())
    return out


def _total(lines: list[Line], measure: str) -> Line | None:
    return next((x for x in lines if x.is_total and x.section is None and x.measure == measure), None)


def _cross_tables(norm: Normalized, by_kind: dict[str, list[Line]], present: set) -> list[CheckResult]:
    c = _Checker("cross_table", None)
    s_idx, s_classes = _summary_index(norm.summary, "summary")
    f_idx, _ = _summary_index(norm.summary, "fiscal_summary")
    # 收支总表 expense by class = 支出总表 类 rows
    # (the first table of the kind: a 财政拨款支出表 printed after the 支出总表 is an expenditure table too — 西南大学)
    exp_classes: dict[str, Line] = {}
    for x in by_kind["expenditure"]:
        if not x.is_total and x.measure == "total" and x.subject_code and len(x.subject_code) == 3:
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
    pairs.append(("收入总表 合计 = 收支总表 本年收入合计", cur_in, inc))
    cur_ex = s_idx.get(("expense", "current_year_total", "amount"))
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


def _three_public(lines: list[ThreePublicLine], present: set, declared_empty: set) -> CheckResult:
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
            if not any(k in cats for k in kids):
                continue
            loc = cats[parent_cat].loc if parent_cat in cats else cats[next(k for k in kids if k in cats)].loc
            c.compare(tm(parent_cat), [tm(k) for k in kids if k in cats], location=str(loc), what=f"{what} ({fund})")
    return c.done()


def _narrative(norm: Normalized, by_kind: dict[str, list[Line]]) -> CheckResult:
    c = _Checker("narrative_vs_tables", "narrative")
    if not norm.stated:
        return c.not_run("the narrative states no figures yusuan recognises")
    s_idx, _ = _summary_index(norm.summary, "summary")
    own = "final" if norm.doc_type == "final_accounts" else "budget"  # the figures the narrative speaks of
    three = {x.category: x for x in norm.three_public if x.fund_source == "total" and x.basis == own}
    basic = {x.measure: x for x in by_kind["basic_expenditure"] if x.is_total and x.section is None}

    def from_summary(side):
        return s_idx.get((side, "current_year_total", "amount")) or s_idx.get((side, "grand_total", "amount"))

    targets = {
        "income_total": (from_summary("income"), "收支总表 本年收入合计"),
        "expense_total": (from_summary("expense"), "收支总表 本年支出合计"),
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
            table_term = term(line.amount, line.unit)
        exp = s.stated_wan
        decimals = max(0, -exp.normalize().as_tuple().exponent)
        stated = Term(exp, Decimal(1).scaleb(-decimals) / 2)
        before = len(c.r.findings)
        c.compare(table_term, [stated], location=f"narrative: {s.sentence[:60]}",
                  what=f"情况说明 states {_fmt(exp)} 万元 for {label}")
        if len(c.r.findings) > before:
            f = c.r.findings[-1]
            f.message = (f"the narrative says {_fmt(exp)} 万元 for {label} (“{s.sentence[:80]}”), the table prints "
                         f"{_fmt(table_term.wan)} 万元 (difference {_fmt(exp - table_term.wan)} 万元)")
    return c.done()


_COMPARED_YEAR = re.compile(r"(?:比|与|较|同)(?:上年[（(])?(\d{4})年")
_CHANGE = re.compile(
    r"(?P<what>[^，,；;。]{0,30}?)(?P<amt>\d[\d,]*(?:\.\d+)?)万元[，,]\s*比(?P<year>\d{4})年[^，,；;。]{0,8}?"
    r"(?P<dir>增加|增长|减少|下降)(?P<chg>\d[\d,]*(?:\.\d+)?)万元")


def _narrative_claims(filing: Filing) -> CheckResult:
    """What the text claims about itself: the year it compares with, and changes larger than the amount."""
    c = _Checker("narrative_claims", "narrative")
    if filing.year is None or not filing.paragraphs:
        return c.not_run("no year or no narrative")
    for p in filing.paragraphs:
        for clause in re.split(r"[；;。]", p.text):
            years = {int(y) for y in _COMPARED_YEAR.findall(clause)}
            for m in _CHANGE.finditer(clause):
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


def _empty_but_printed(filing: Filing, norm: Normalized) -> CheckResult:
    c = _Checker("empty_note_consistent", None)
    amounts: dict[int, list] = defaultdict(list)
    for x in [*norm.lines, *norm.summary, *norm.three_public]:
        amounts[x.loc.table].append(x.amount.value)
    for t in filing.tables:
        if not t.empty_declared:
            continue
        c.r.compared += 1
        nonzero = [v for p in (t.parts or [t.index]) for v in amounts.get(p, []) if v != 0]
        if nonzero:
            c.r.status = "failed"
            c.r.findings.append(Finding(
                "warning", "empty_note_consistent", t.kind, f"table {t.index}", "no amounts",
                f"{len(nonzero)} non-zero amounts",
                f"{t.title or LABELS.get(t.kind, t.kind)} says it is empty ({' '.join(t.notes)[:60]}) but prints "
                f"{len(nonzero)} non-zero amounts; the amounts were loaded — ask the publisher which is right",
            ))
    return c.done()


def _readable(norm: Normalized, filing: Filing) -> CheckResult:
    c = _Checker("cells_readable", None)
    c.r.compared = 1
    for p in norm.problems:
        c.r.status = "failed"
        c.r.findings.append(Finding("warning", p.check, p.table_kind, p.location, None, p.actual, p.message))
    for note in (filing.raw.notes if filing.raw is not None else []):
        c.r.status = "failed"
        c.r.findings.append(Finding("warning", "content_readable", None, "document", None, None, note))
    for t in filing.tables:
        if t.kind == "unknown":
            c.r.status = "failed"
            c.r.findings.append(Finding(
                "warning", "table_recognised", "unknown", f"table {t.index}", None, t.title or "",
                f"table {t.index} ({t.title or 'no title'}) was not recognised; its cells are kept but not loaded as facts",
            ))
    return c.r


PARTS_FOR = {
    "income": ("total", ["current_year_total", "prior_year_carryover"]),
    "income_current": (
        "current_year_total",
        ["fiscal_appropriation", "gov_fund", "soe_capital", "fiscal_special_account", "business", "operating",
         "superior_subsidy", "affiliate_remittance", "other"],
    ),
    "income_carryover": (  # 浙江: 上年结转结余 / 小计 | 一般公共预算 | 政府性基金预算 | … | 单位资金
        "prior_year_carryover",
        ["prior_year_carryover_general_public", "prior_year_carryover_gov_fund", "prior_year_carryover_soe_capital",
         "prior_year_carryover_fiscal_special_account", "prior_year_carryover_other"],
    ),
    "expenditure": ("total", ["basic", "project", "reserve", "operating", "remit_to_superior",
                              "subsidy_to_affiliates", "personnel", "public_operating"]),
    "general_public_expenditure": ("total", ["basic", "project"]),
    "gov_fund_expenditure": ("total", ["basic", "project"]),
    "soe_capital_expenditure": ("total", ["basic", "project"]),
    "basic_expenditure": ("total", ["personnel", "public_operating", "project"]),  # 西安: 专项业务经费 beside them
}


# --------------------------------------------------------------------------------------------------
# 决算 (final accounts): the balance of the year, and what the narrative says about execution.

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


def _final_accounts(filing: Filing, norm: Normalized) -> list[CheckResult]:
    """The identities only a 决算 has; not run on budgets."""
    if filing.doc_type != "final_accounts":
        c = _Checker("final_balance", "summary")
        n = _Checker("narrative_execution", "narrative")
        return [c.not_run("a budget filing has no 决算 balance"), n.not_run("a budget filing states no execution")]
    return [_final_balance(norm), _narrative_execution(filing, norm)]


def _final_balance(norm: Normalized) -> CheckResult:
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


def _unit_rows(norm: Normalized) -> CheckResult:
    """A table printed by unit (浙江 收入预算总表 / 三公 by 单位名称): per column, the units add up to the 合计 row.
    A row that repeats the 合计 in every column is the department as a whole (printed before its units): it is
    compared with the 合计, not added."""
    c = _Checker("unit_rows_sum", None)
    tables: dict[str, list[list]] = defaultdict(list)
    for x in norm.unit_rows:
        groups = tables[x.table_kind]
        # two tables of one kind (西安 收入总表 and 支出总表, both by unit): a second 合计 starts the next table
        if not groups or (x.is_total and any(y.is_total and y.measure == x.measure and y.loc.row != x.loc.row
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
