"""The arithmetic a filing promises, checked with a tolerance taken from printed precision.

A sum of n terms each printed to d decimals can differ from its printed total by up to
0.5·10⁻ᵈ·(n + 1) through rounding alone.  Within that: no finding, but the check counts it
(``within_rounding``).  Beyond it: a ``warning`` finding with expected, actual, difference and location.
A check whose table is absent, or empty by declaration, is ``not_run`` — never a failure.

``error`` findings (the filing is rejected) are only for what leaves nothing trustworthy to load:
no recognisable budget table, no year, no department.

Here: the findings and results, the tolerance (:class:`_Checker`), :func:`validate` and the checks on the filing as
a whole (identifiable, cells readable, empty notes).  The arithmetic of the tables is ``checks_arithmetic.py``,
what the narrative states ``checks_narrative.py``; every check's name, promise and severity ``check_registry.py``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from pipelines.lib import layouts
from pipelines.lib.classify_text import key as _key
from pipelines.lib.model import Filing
from pipelines.lib.normalize import Line, Normalized
from pipelines.lib.numbers import Amount
from pipelines.lib.vocab import BUDGET_KINDS

LABELS = {
    "summary": "收支总表", "income": "收入总表", "expenditure": "支出总表", "fiscal_summary": "财政拨款收支总表",
    "general_public_expenditure": "一般公共预算支出表", "basic_expenditure": "基本支出表",
    "gov_fund_expenditure": "政府性基金预算支出表", "soe_capital_expenditure": "国有资本经营预算支出表",
    "three_public": "“三公”经费表", "narrative": "情况说明", "office_operation": "机关运行经费表",
    "gov_fund_summary": "政府性基金收支表",
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
    step = _HALF_STEPS.get((a.decimals, unit))
    if step is None:
        step = Decimal(1).scaleb(-a.decimals) / 2
        if unit == "元":
            step = step / 10000
        _HALF_STEPS[(a.decimals, unit)] = step
    return Term(a.wan(unit), step, where)


_HALF_STEPS: dict[tuple[int, str], Decimal] = {}  # (decimals printed, unit) → half a printed step in 万元


def _fmt(d: Decimal) -> str:
    """2041.42 stays 2041.42, 54.500000 prints 54.50, 0.000001 keeps its digits."""
    q = d.quantize(Decimal("0.01"))
    return f"{q:f}" if q == d else f"{d.normalize():f}"


class _Checker:
    def __init__(self, check: str, table_kind: str | None):
        self.r = CheckResult(check, table_kind)

    def compare(self, expected: Term, parts: list[Term], *, location: str, what: str, unit: str = "万元") -> None:
        """expected ≈ Σ parts within printed rounding; the message speaks the table's printed unit."""
        if not self.holds(expected, parts):
            self.fails(expected, parts, location=location, what=what, unit=unit)

    def holds(self, expected: Term, parts: list[Term]) -> bool:
        """The comparison of :meth:`compare`, counted, without its finding: whether expected ≈ Σ parts.  Where it does
        not hold, :meth:`fails` records the finding: a check comparing many sums (some 200 a filing, nearly all of
        which hold) makes the text saying what it compares only for those."""
        diff = sum((p.wan for p in parts), ZERO) - expected.wan
        self.r.compared += 1
        if diff == 0:
            return True
        if abs(diff) <= expected.half + sum((p.half for p in parts), ZERO):
            self.r.within_rounding += 1
            return True
        return False

    def fails(self, expected: Term, parts: list[Term], *, location: str, what: str, unit: str = "万元") -> None:
        """The finding of a comparison that does not hold (:meth:`holds` said so)."""
        actual = sum((p.wan for p in parts), ZERO)
        tol = expected.half + sum((p.half for p in parts), ZERO)
        diff = actual - expected.wan
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
    # the two rooms of checks import this module's Finding, CheckResult and _Checker: imported here, not above
    from pipelines.lib import checks_arithmetic as arithmetic
    from pipelines.lib import checks_narrative as narrative

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
        results.append(arithmetic.hierarchy(kind, lines_by_kind[kind], absent))
        results.append(arithmetic.measures(kind, lines_by_kind[kind], absent))
    results += arithmetic.summary(norm.summary, present, declared_empty, norm.summary_repeats)
    results += arithmetic.cross_tables(norm, lines_by_kind, present)
    results.append(arithmetic.three_public(norm.three_public, present, declared_empty, norm.withheld))
    results.append(narrative.narrative(norm, lines_by_kind, filing))
    results.append(narrative.narrative_claims(filing))
    results += narrative.final_accounts(filing, norm)
    results.append(_empty_but_printed(filing, norm))
    results.append(_readable(norm, filing))
    arithmetic.blank_finals(filing, norm, results[-1])  # a blank 决算数 beside a printed 预算数: said, not filled
    results.append(arithmetic.unit_rows(norm))

    _link_dropped_rows(results, norm)
    findings = [f for r in results for f in r.findings]
    return Validation(results, findings)


_DROPPED = ("subject_code_present", "subject_unique", "amount_parses", "amount_classified")


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
        if p.check == "amount_classified":  # read as printed: withheld, not unreadable
            c.r.findings.append(Finding("info", p.check, p.table_kind, p.location, None, p.actual, p.message))
            continue
        c.r.status = "failed"
        c.r.findings.append(Finding("warning", p.check, p.table_kind, p.location, None, p.actual, p.message))
    for note in (filing.raw.notes if filing.raw is not None else []):
        c.r.status = "failed"
        c.r.findings.append(Finding("warning", "content_readable", None, "document", None, None, note))
    for t in filing.tables:
        if t.kind == "unknown":
            c.r.status = "failed"
            what = _not_modelled(t.title or "")
            c.r.findings.append(Finding(
                "warning", "table_recognised", "unknown", f"table {t.index}", None, t.title or "",
                f"table {t.index} ({t.title}) is {what}, a table yusuan knows but does not model: its cells are kept "
                "(table_cells), not loaded as facts" if what else
                f"table {t.index} ({t.title or 'no title'}) was not recognised; its cells are kept but not loaded as facts",
            ))
    return c.r


def _not_modelled(title: str) -> str | None:
    """What a table yusuan knows by its title but does not model is (layouts.NOT_MODELLED), or None."""
    k = _key(title)
    return next((what for pattern, what in layouts.NOT_MODELLED if k and re.search(pattern, k)), None)
