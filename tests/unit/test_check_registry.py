"""The check registry: every check name the code produces is declared once, and a filing counts once per check."""

import re
from pathlib import Path

from pipelines.lib import check_registry
from pipelines.lib.check_registry import CHECKS, filing_outcomes, owner
from pipelines.lib.checks import CheckResult, Finding

LIB = Path(check_registry.__file__).parent
# the ways lib code names a check: _Checker("x", …), _per_basis("x", …), CheckResult("x", …), Finding("warning", "x", …), check="x",
# and a problem tuple ("x", f"table …", …) that normalize turns into a cells_readable finding (performance.py)
NAMED = re.compile(r'(?:_Checker\(|_per_basis\(|CheckResult\(|check=)\s*"([a-z_]+)"'
                   r'|Finding\(\s*"(?:warning|error)",\s*"([a-z_]+)"'
                   r'|\(\s*"([a-z_]+)",\s*f"table ')


def names_in_code() -> set[str]:
    found = set()
    for path in LIB.glob("*.py"):
        for m in NAMED.finditer(path.read_text(encoding="utf-8")):
            found.add(m.group(1) or m.group(2) or m.group(3))
    return found


def test_every_check_name_in_the_code_is_declared_and_every_declared_name_is_produced():
    code = names_in_code()
    declared = set(check_registry.OWNER)
    assert code - declared == set(), "declare these in check_registry.CHECKS"
    assert declared - code == set(), "declared checks nothing produces"
    assert {"schema", "coverage", "table_recognised", "amount_parses", "project_funds_sum"} <= code  # every producer


def test_a_finding_belongs_to_the_check_that_declares_it():
    assert owner("table_recognised") == "cells_readable"
    assert owner("identity_consistent") == "filing_identifiable"
    assert owner("schema") == "schema"
    assert [c.severity for c in CHECKS if c.severity == "error"] == ["error"]


def warn(check: str) -> Finding:
    return Finding("warning", check, "expenditure", "table 3 row 4", "1.00", "2.00", "…")


def test_outcomes_count_a_filing_once_per_check_not_once_per_table():
    failed = CheckResult("hierarchy_sum", "expenditure", status="failed", compared=5, findings=[warn("hierarchy_sum")])
    results = [
        failed,
        CheckResult("hierarchy_sum", "income", compared=3, within_rounding=1),
        CheckResult("measures_sum", "income", compared=2),
        CheckResult("measures_sum", "expenditure", compared=4, within_rounding=2),
        CheckResult("three_public_sum", "three_public", status="not_run", reason="the filing has no 三公 table"),
        CheckResult("cells_readable", None, status="failed", compared=1, findings=[warn("table_recognised")]),
    ]
    findings = [*failed.findings, warn("table_recognised"), warn("schema")]
    out = filing_outcomes(results, findings, validated=True)
    assert set(out) == {c.name for c in CHECKS}
    assert (out["hierarchy_sum"].status, out["hierarchy_sum"].compared, out["hierarchy_sum"].findings) == ("failed", 8, 1)
    assert (out["measures_sum"].status, out["measures_sum"].within_rounding) == ("passed", 2)
    assert out["three_public_sum"].status == "not_run"
    assert (out["cells_readable"].status, out["cells_readable"].findings) == ("failed", 1)
    assert out["schema"].status == "failed"  # a check that only reports findings
    assert out["coverage"].status == "passed"  # validated, no result and no finding: it found nothing
    statuses = [o.status for o in out.values()]
    assert statuses.count("failed") == 3


def test_a_rejected_filing_runs_no_check_it_has_no_result_for():
    rejected = CheckResult("filing_identifiable", None, status="failed", compared=1,
                           findings=[Finding("error", "filing_identifiable", None, "document", None, "no_year", "…")])
    out = filing_outcomes([rejected], rejected.findings, validated=False)
    assert out["filing_identifiable"].status == "failed"
    assert {o.status for name, o in out.items() if name != "filing_identifiable"} == {"not_run"}
