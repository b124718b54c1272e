"""Every check a filing goes through, declared once: its name, what it promises, its severity, the table kinds
it reads and the names its findings carry.

``checks.py`` (the arithmetic and the narrative), ``normalize*.py`` (cells it could not read), ``coverage.py`` and
the pandera step (``processing.py``) produce :class:`~pipelines.lib.checks.CheckResult` rows and findings under these
names; the Dagster asset checks (``pipelines/defs/filings.py``) are generated from :data:`CHECKS`, and
:func:`filing_outcomes` turns one filing's results and findings into one outcome per check — so a check's
counters count filings, and a finding is counted under the check that declares its name, never another's.

A new check: add a :class:`Check` here (and its finding names, if they differ from its own name), produce its
``CheckResult`` where the data is, and describe it in ``docs/design.md`` ("The checks").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# LINE_KINDS: the tables checks.validate runs hierarchy_sum and measures_sum on
from pipelines.lib.vocab import LINE_KINDS


@dataclass(frozen=True)
class Check:
    name: str
    promise: str  # what a passed check tells the reader, in one line
    severity: str = "warning"  # "error": a failure rejects the filing
    table_kinds: tuple[str, ...] = ()  # the table kinds it reads; () = the filing as a whole
    findings: tuple[str, ...] = ()  # names its findings carry besides its own (facets of one promise)
    source: str = "checks"  # the module that produces it: checks | normalize | coverage | pandera


CHECKS: tuple[Check, ...] = (
    Check("filing_identifiable", "department, year and at least one budget table were found (else rejected)",
          severity="error", findings=("identity_consistent",)),
    Check("cells_readable", "every amount cell was read, every table recognised, every content readable",
          findings=("amount_parses", "amount_classified", "amount_fits", "amount_unit", "footnote_marker", "subject_code_present",
                    "subject_unique", "summary_item_known", "table_recognised", "content_readable",
                    "three_public_prior_year", "year_row",
                    # a 三公 决算数 printed blank beside its 预算数 (checks_arithmetic.blank_finals): no figure to read
                    "three_public_blank",
                    # 绩效目标 tables (performance.py): a layout or row not read, a project without a name, funds that
                    # do not add up
                    "performance_table_layout", "performance_row_unread", "performance_project_name",
                    "project_funds_sum"),
          source="normalize"),
    Check("empty_note_consistent", "a table declared empty prints no amounts"),
    Check("schema", "the frames pass their pandera models: types, code patterns, enumerations, grain",
          source="pandera"),
    Check("hierarchy_sum", "类 = Σ 款, 款 = Σ 项, 合计 = Σ 类 within rounding", table_kinds=LINE_KINDS),
    Check("measures_sum", "合计 = 基本 + 项目 …, 人员 + 公用 …, per row", table_kinds=LINE_KINDS),
    Check("summary_sums", "收支总表 / 财政拨款收支总表 add up and balance", table_kinds=("summary", "fiscal_summary")),
    Check("cross_table", "totals agree across the nine tables",
          table_kinds=("summary", "income", "expenditure", "fiscal_summary", "general_public_expenditure",
                       "basic_expenditure")),
    Check("three_public_sum", "三公 合计 = 小计 = 出国 + 用车 + 接待, 用车 = 购置 + 运行", table_kinds=("three_public",)),
    Check("unit_rows_sum", "a table printed by unit: Σ units = 合计 per column (浙江 收入预算总表, 三公 by 单位名称)"),
    Check("narrative_vs_tables", "the figures the text states match the tables", table_kinds=("narrative",)),
    Check("narrative_claims", "the narrative compares with the year before and states possible changes",
          table_kinds=("narrative",)),
    Check("final_balance", "决算: 年初结转和结余 + 本年收入 + 使用非财政拨款结余 = 本年支出 + 结余分配 + 年末结转和结余",
          table_kinds=("summary", "fiscal_summary")),
    Check("narrative_execution", "决算: the narrative's 决算数 and 完成预算的 % agree with the tables",
          table_kinds=("narrative",)),
    Check("coverage", "at least 98 % of the amounts printed in recognised budget tables were read",
          source="coverage"),
)

BY_NAME: dict[str, Check] = {c.name: c for c in CHECKS}
# finding name -> the check that declares it
OWNER: dict[str, str] = {name: c.name for c in CHECKS for name in (c.name, *c.findings)}
if len(OWNER) != sum(1 + len(c.findings) for c in CHECKS):
    raise RuntimeError("a finding name is declared by two checks in check_registry.CHECKS")


def owner(finding_check: str) -> str:
    """The declared check a finding belongs to; a name no check declares is an error in yusuan, not the filing's."""
    try:
        return OWNER[finding_check]
    except KeyError:
        raise KeyError(f"finding check {finding_check!r} is declared by no check in check_registry.CHECKS") from None


@dataclass
class Outcome:
    """One check on one filing: ``passed``, ``failed`` or ``not_run``, with what it compared."""

    status: str
    compared: int = 0
    within_rounding: int = 0
    findings: int = 0


def filing_outcomes(results: Iterable, findings: Iterable, *, validated: bool) -> dict[str, Outcome]:
    """One :class:`Outcome` per declared check for one filing.

    ``results`` are its ``CheckResult`` rows (a check may have one per table), ``findings`` all its findings;
    ``validated`` says whether the filing reached validation (a rejected file did not: checks without a result
    are then ``not_run``).  A check failed when any of its results failed or any finding it declares was
    raised; passed when one of its results passed (or, for a check that reports only findings, when the filing
    was validated); else not_run.
    """
    out = {c.name: Outcome("not_run") for c in CHECKS}
    seen: set[str] = set()
    for r in results:
        o = out[owner(r.check)]
        o.compared += r.compared
        o.within_rounding += r.within_rounding
        seen.add(r.check)
        if r.status == "failed":
            o.status = "failed"
        elif r.status == "passed" and o.status == "not_run":
            o.status = "passed"
    for f in findings:
        o = out[owner(f.check)]
        o.findings += 1
        if getattr(f, "severity", "warning") != "info":  # an info finding (a cell printed 涉密) fails nothing
            o.status = "failed"
    for name, o in out.items():
        if validated and name not in seen and o.status == "not_run":
            o.status = "passed"  # a check that only reports findings (schema) ran and found nothing
    return out
