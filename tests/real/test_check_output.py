"""``yusuan check`` on a real filing with many findings, as a new user runs it."""

from __future__ import annotations

import re

import pytest

from pipelines.cli import main
from tests.real.real_samples import REAL, processed_real

pytestmark = pytest.mark.real

XINFANG = REAL / "陕西省" / "西安市" / "shaanxi_xian_xinfangju_2026_budget.pdf"
# the one filing still read under 98 % (3 of its 142 amounts left out), and with the most findings (14; 西安 信访局
# had 106 until its columns were read, 杭州 115 until its names were coded, 北京 27 until its pages were joined)
UNDER_98 = MANY_FINDINGS = REAL / "江苏省" / "省本级" / "jiangsu_shengji_swbgt_2019_budget_tables.pdf"


def _run(capsys, *args: str, path=XINFANG) -> tuple[int, list[str]]:
    code = main(["check", *args, str(path)])
    return code, capsys.readouterr().out.splitlines()


def test_check_lists_every_finding_once_grouped_under_its_table(capsys):
    item = processed_real(MANY_FINDINGS)
    code, out = _run(capsys, path=MANY_FINDINGS)
    assert code == 0
    listed = [line.strip() for line in out if line.strip().startswith("[warning]") or line.strip().startswith("[error]")]
    assert len(listed) == len(item.findings) >= 10
    headings = [line for line in out if re.match(r"^    \S+ · (#\d+|the filing)", line)]
    counts = [int(re.search(r"· (\d+) (warning|error)s?$", h).group(1)) for h in headings]
    assert sum(counts) == len(item.findings)
    # one heading per check and table, not per row (the real filings no longer print many findings in one table,
    # so the groups are at most as many as the (check, table) pairs named)
    groups = {(f.check, m.group(1) if (m := re.match(r"table (\d+)", f.location or "")) else None)
              for f in item.findings}
    assert len(headings) == len(groups) < len(item.findings), "one heading per check and table, not per row"


def test_tables_are_numbered_as_the_warehouse_keeps_them_with_their_pages(capsys):
    item = processed_real(XINFANG)
    _, out = _run(capsys, "--summary")
    rows = {int(m.group(1)): m.group(2) for line in out if (m := re.match(r"^\s+(\d+)\s+(\d*)\s{2}[a-z_]+\s", line))}
    assert rows == {t.index: str(t.page or "") for t in item.filing.tables}
    # the page is the PDF's: the text layer of page 19 opens "单位：元 表1 部门综合预算收支总表"
    assert {t.kind: t.page for t in item.filing.tables if t.title.endswith("部门综合预算收支总表")} == {"summary": 19}


def test_a_filing_without_a_department_code_says_so_in_words_and_warnings_do_not_read_as_failures(capsys):
    _, out = _run(capsys, "--summary")
    assert out[2].startswith("  西安市信访局 · 2026 · 预算 budget · 部门 department · amounts in 元 · pdf, 43 pages")
    assert "  department code: none printed (the warehouse keys this department by its name)" in out
    assert not any("department: -" in line for line in out)
    checks = [line for line in out if line.startswith("    findings ") or line.startswith("    FAILED ")]
    assert checks and all(line.startswith("    findings ") for line in checks)
    assert not any("[warning]" in line for line in out), "--summary lists groups, not each finding"


def test_every_amount_left_out_is_listed_under_its_table_and_the_coverage_finding_stays_short(capsys):
    item = processed_real(UNDER_98)
    _, out = _run(capsys, path=UNDER_98)
    gaps = item.frames["coverage_gaps"]
    (head,) = [line for line in out if line.startswith("  amounts left out (")]
    assert int(re.search(r"\((\d+),", head).group(1)) == gaps.height > 0
    per_table = [int(m.group(1)) for line in out if (m := re.search(r"· (\d+) amounts? in \d+ rows?$", line))]
    assert sum(per_table) == gaps.height
    (cov,) = [line for line in out if line.strip().startswith("[warning] only ")]
    assert len(cov) < 300 and cov.endswith("the amounts left out are listed above")


def test_ingest_names_each_filing_read_under_98_percent_with_the_coverage_checks_figure():
    from pipelines.lib.ingest import Summary, _report

    s = Summary()
    for path in (UNDER_98, REAL / "江苏省" / "苏州市" / "jiangsu_suzhou_shenjiju_2026_budget.pdf"):
        _report(processed_real(path), "loaded", path, s)
    (cov,) = [f for f in processed_real(UNDER_98).findings if f.check == "coverage"]
    assert [(p.endswith(UNDER_98.name), pct) for p, pct in s.low_coverage] == [(True, cov.actual)]
    text = "\n".join(s.lines())
    assert "1 filing(s) loaded with under 98 % of their printed amounts read — `yusuan check FILE`" in text
