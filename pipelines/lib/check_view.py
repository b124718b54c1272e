"""What ``yusuan check FILE`` prints: one filing as a budget analyst reads it.

The contract asks ``check`` to print what it found and every finding.  A real filing can carry a
hundred findings, most of them one cause repeated on every row of one table; printed one per line
they bury the two that matter.  So the findings are grouped by check and table: an overview of the
groups first (how many, what the first one says), then every finding under its group's heading,
with the table's number as the warehouse keeps it (``source_table``), its page and printed title.

Words follow what an analyst needs to decide: a check whose findings are all warnings did not
*fail* the filing (it loads); only an ``error`` rejects it.  Nothing here reads the warehouse.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipelines.lib.checks import LABELS, Finding
from pipelines.lib.coverage import OUTSIDE_TABLES, THRESHOLD, percent
from pipelines.lib.model import Table
from pipelines.lib.record import FilingRecord

_LOCATION = re.compile(r"^table (\d+)(?:\s+(.*))?$")
_ROW_NAMED = re.compile(r" \(row '[^']*'\)")
OVERVIEW_FROM = 10  # findings: from this many on, an overview of the groups comes before the list


@dataclass
class Group:
    """The findings of one check on one table (or on the filing as a whole)."""

    check: str
    table: int | None
    findings: list[tuple[str, Finding]] = field(default_factory=list)  # (where inside the table, finding)

    @property
    def severity(self) -> str:
        return "error" if any(f.severity == "error" for _, f in self.findings) else "warning"


def split_location(location: str) -> tuple[int | None, str]:
    """``'table 8 row 1 col 2'`` → ``(8, 'row 1 col 2')``; ``'document'`` → ``(None, 'document')``."""
    m = _LOCATION.match(location or "")
    if not m:
        return None, location or ""
    return int(m.group(1)), m.group(2) or ""


def group_findings(findings: list[Finding]) -> list[Group]:
    """Findings grouped by (check, table), in the order each group first appears; errors' groups first."""
    groups: dict[tuple[str, int | None], Group] = {}
    for f in findings:
        table, where = split_location(f.location)
        g = groups.setdefault((f.check, table), Group(f.check, table))
        g.findings.append((where, f))
    return sorted(groups.values(), key=lambda g: g.severity != "error")


def _table_label(tables: dict[int, Table], index: int | None, columns: int = 60) -> str:
    if index is None:
        return "the filing"
    t = tables.get(index)
    if t is None:
        return f"#{index}"
    page = f" p.{t.page}" if t.page else ""
    return f"#{index}{page} {fit(t.title or '(no title)', columns).rstrip()}"


def width(text: str) -> int:
    """Columns a terminal gives ``text``: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit(text: str, columns: int) -> str:
    """``text`` cut to at most ``columns`` terminal columns (with '…' where cut) and padded to exactly that."""
    if width(text) > columns:
        out, used = [], 0
        for c in text:
            w = width(c)
            if used + w > columns - 1:
                break
            out.append(c)
            used += w
        text = "".join(out) + "…"
    return text + " " * (columns - width(text))


def table_name(kind: str | None) -> str:
    """The Chinese name an analyst knows a table kind by (``three_public`` → “三公”经费表): the checks' names
    (:data:`~pipelines.lib.checks.LABELS`), else the vocabulary's term without its explanation in brackets; the key
    itself for a kind neither knows.  The warehouse keeps the key (``table_kind``); this is for what is printed."""
    if not kind:
        return ""
    if kind in LABELS:
        return LABELS[kind]
    if kind == OUTSIDE_TABLES:
        return "表外的数字"
    from pipelines.lib.vocab import TableKind

    try:
        return re.sub(r"（.*）$", "", TableKind(kind).term)
    except ValueError:
        return kind


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _status_word(r) -> str:
    """An analyst's word for a check's outcome: only an error fails a filing; warnings are findings."""
    if r.status == "not_run":
        return "not run"
    if r.status == "failed":
        return "FAILED" if any(f.severity == "error" for f in r.findings) else "findings"
    return r.status


def header_lines(filing, document: FilingRecord) -> Iterator[str]:
    code = filing.department_code
    kind = {"budget": "预算 budget", "final_accounts": "决算 final accounts"}.get(filing.doc_type, filing.doc_type)
    scope = {"department": "部门 department", "unit": "单位 unit"}.get(filing.scope, filing.scope)
    if not filing.tables and not filing.department_name and not filing.year:
        # nothing identified the file: 预算 and 部门 would only be the defaults, not what the file says
        kind, scope = "(预算 or 决算: not found)", "(部门 or 单位: not found)"
    pages = f", {filing.pages} pages" if filing.pages else ""
    yield (f"  {filing.department_name or '(department not found)'} · {filing.year or '(year not found)'} · "
           f"{kind} · {scope} · amounts in {filing.unit or '(unit not printed)'} · {filing.file_type}{pages}")
    if filing.printed_name and filing.printed_name != filing.department_name:
        yield f"  printed as: {filing.printed_name}"
    yield ("  department code: " + (code if code else "none printed (the warehouse keys this department "
                                                       "by its name)"))
    yield f"  document_id: {document.document_id}"


def table_lines(tables: list[Table], coverage: dict[int, dict]) -> Iterator[str]:
    yield f"  {_plural(len(tables), 'table')} (# = source_table in the warehouse; p. = the page it starts on):"
    yield f"    {'#':>3} {'page':>4}  {fit('table', 22)} {fit('title as printed', 56)} unit  rows  amounts read"
    for t in tables:
        c = coverage.get(t.index)
        read = f"{c['read']:>5} / {c['printed']}" if c else ""
        flag = "  (empty by declaration)" if t.empty_declared else ""
        yield (f"    {t.index:>3} {t.page or '':>4}  {fit(table_name(t.kind), 22)} {fit(t.title or '—', 56)} "
               f"{t.unit or '':<4} {len(t.body):>4}  {read}{flag}")
    if (c := coverage.get(None)) is not None:  # figures printed in rows outside any table (coverage.OUTSIDE_TABLES)
        yield f"    {'':>3} {'':>4}  {fit(table_name(c['table_kind']), 22)} {fit(c['title'], 56)} {'':<4} {'':>4}  {c['read']:>5} / " \
              f"{c['printed']}"
    if coverage:
        printed = sum(c["printed"] for c in coverage.values())
        got = sum(c["read"] for c in coverage.values())
        if (pct := percent(got, printed)) is not None:
            tail = "" if pct >= THRESHOLD else f" — under {THRESHOLD} %: each amount left out is listed below with why"
            where = "recognised budget tables" + (" and in rows outside any table" if None in coverage else "")
            yield f"  coverage: {got} of the {printed} amounts printed in {where} read ({pct} %)" + tail


def gap_lines(gaps, tables: list[Table], *, every: bool = True) -> Iterator[str]:
    """The amounts printed in recognised tables that did not become facts, by table, one line per row.

    ``gaps`` is the filing's ``coverage_gaps`` frame (the rows of ``quality.coverage_gaps``)."""
    if gaps is None or gaps.height == 0:
        return
    by_index = {t.index: t for t in tables}
    rows = gaps.sort("source_table", "source_row", "source_col").iter_rows(named=True)
    tables_seen: dict[int, dict[tuple, list[dict]]] = {}
    for g in rows:
        tables_seen.setdefault(g["source_table"], {}).setdefault((g["source_row"], g["row_label"]), []).append(g)
    yield f"  amounts left out ({gaps.height}, in quality.coverage_gaps once loaded), by table and row:"
    for index, by_row in tables_seen.items():
        t = by_index.get(index)
        n = sum(len(v) for v in by_row.values())
        label = "outside any table" if index is None else _table_label(by_index, index, 80)
        yield f"    {label} · {_plural(n, 'amount')} in {_plural(len(by_row), 'row')}"
        prefix = f"{t.title}: " if t is not None and t.title else None
        before: list[str] = []
        for (row, label), cells in (by_row.items() if every else list(by_row.items())[:1]):
            printed = ", ".join(f"{c['column'] or ('' if index is None else '?')} {c['text']}".strip() for c in cells)
            reasons: list[str] = []
            for c in cells:
                why = c["reason"][len(prefix):] if prefix and c["reason"].startswith(prefix) else c["reason"]
                why = _ROW_NAMED.sub("", why)  # the row is named on the line above
                if why not in reasons:
                    reasons.append(why)
            yield f"      {f'row {row} ' if row is not None else ''}{label or ('' if row is not None else 'a row')}: {printed}"
            if reasons != before:  # a run of rows left out for one reason says it once
                yield from (f"          — {why}" for why in reasons[:3])
                if len(reasons) > 3:
                    yield f"          — and {len(reasons) - 3} more reasons"
            before = reasons
        if not every and len(by_row) > 1:
            yield f"      … {_plural(len(by_row) - 1, 'more row')} (every row: run without --summary)"


def check_lines(results) -> Iterator[str]:
    words = Counter(_status_word(r) for r in results)
    order = ("FAILED", "findings", "passed", "not run")
    # "1 with findings", not "1 findings": the count is of checks, and the word names their outcome
    yield "  checks: " + " · ".join(f"{words[w]} {'with findings' if w == 'findings' else w}" for w in order if words[w])
    if any(r.within_rounding for r in results):  # the word the lines below use, said once
        yield ("  (within rounding: a sum that differs from the printed total by no more than rounding each printed "
               "figure to its decimals allows — it held)")
    for w in order:
        if w == "not run":
            yield from _not_run_lines([r for r in results if _status_word(r) == w])
            continue
        for r in results:
            if _status_word(r) != w:
                continue
            where = LABELS.get(r.table_kind, r.table_kind or "filing")
            extra = f", {r.within_rounding} within rounding" if r.within_rounding else ""
            yield (f"    {w:<9} {r.check:<22} {where}: {r.compared} compared{extra}, "
                   f"{_plural(len(r.findings), 'finding')}")


MISSING = "the filing has no "


def _not_run_lines(results) -> Iterator[str]:
    """The checks that could not run, one line per reason: the checks of a table the filing does not have all on
    one line (a file that is no filing, or a narrative without tables, has two dozen of them), the others one line
    per table and reason."""
    missing = [r for r in results if r.reason.startswith(MISSING)]
    by_reason: dict[tuple[str, str], list[str]] = {}
    for r in results:
        if r not in missing:
            where = LABELS.get(r.table_kind, r.table_kind or "filing")
            by_reason.setdefault((where, r.reason), []).append(r.check)
    if missing:
        checks = ", ".join(dict.fromkeys(r.check for r in missing))
        tables = ", ".join(dict.fromkeys(r.reason.removeprefix(MISSING) for r in missing))
        yield f"    {'not run':<9} {checks}: {MISSING}{tables}"
    for (where, reason), checks in by_reason.items():
        yield f"    {'not run':<9} {', '.join(checks):<22} {where}: {reason}"


def finding_lines(findings: list[Finding], tables: list[Table], *, every: bool = True) -> Iterator[str]:
    by_index = {t.index: t for t in tables}
    severities = Counter(f.severity for f in findings)
    if not findings:
        yield "  no findings"
        return
    verdict = ("the filing would be REJECTED" if severities["error"] else "the filing would load")
    yield (f"  {_plural(len(findings), 'finding')}: {_plural(severities['error'], 'error')}, "
           f"{_plural(severities['warning'], 'warning')} — {verdict}")
    groups = group_findings(findings)
    if len(findings) >= OVERVIEW_FROM or not every:
        yield f"  by check and table ({_plural(len(groups), 'group')}):"
        for g in groups:
            first = g.findings[0][1].message.split("; left out: ")[0]
            yield f"    {len(g.findings):>4}  {g.severity:<7} {g.check:<24} {_table_label(by_index, g.table)}"
            yield f"          e.g. {fit(first, 150).rstrip()}"
    if not every:
        yield "  (every finding: run without --summary)"
        return
    yield "  every finding, by check and table:"
    for g in groups:
        yield f"    {g.check} · {_table_label(by_index, g.table, 80)} · {_plural(len(g.findings), g.severity)}"
        for where, f in g.findings:
            at = f"{where}: " if where and where != "document" else ""
            message = f.message
            if f.check == "coverage" and "; left out: " in message:  # the cells are listed under 'amounts left out'
                message = message.split("; left out: ")[0] + "; the amounts left out are listed above"
            yield f"      [{f.severity}] {at}{message}"
