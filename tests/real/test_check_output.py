"""``yusuan check`` on a real filing, and on a filing with many findings and amounts left out, as a new user runs it.

No real filing is read under 98 % any more (江苏 swbgt 2019's 收入预算总表 was the last, 97.9 %), nor prints ten
findings: the filing with amounts left out and findings by the dozen is generated here as a real .docx — a column
yusuan has no role for and rows printed without their codes, each figure typed below."""

from __future__ import annotations

import re

import pytest

from pipelines.cli import main
from pipelines.lib import stages
from tests.docx_builder import build_docx, p, tbl
from tests.real.real_samples import REAL, processed_real

pytestmark = pytest.mark.real

XINFANG = REAL / "陕西省" / "西安市" / "shaanxi_xian_xinfangju_2026_budget.pdf"

# 一般公共预算支出表 of a generated filing (万元): two coded lines, twelve rows printed without a code (each a finding,
# each amount left out) and a column 备查数 yusuan has no role for (its two amounts left out)
UNCODED = [(f"未列编码的支出{i}", f"{i}.00") for i in range(1, 13)]


@pytest.fixture(scope="module")
def many_findings(tmp_path_factory):
    rows = [["科目编码", "科目名称", "合计", "备查数"], ["201", "一般公共服务支出", "120.50", "7.00"],
            ["20103", "政府办公厅（室）及相关机构事务", "120.50", "7.00"]]
    rows += [["", name, amount, ""] for name, amount in UNCODED]
    data = build_docx([p("某某局2025年部门预算"), p("一般公共预算支出表", heading=True), p("编制部门：某某局"),
                       p("单位：万元"), tbl(rows)])
    path = tmp_path_factory.mktemp("check") / "mouju_2025_budget.docx"
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def many_processed(many_findings):
    return stages.process(many_findings)


def _run(capsys, *args: str, path=XINFANG) -> tuple[int, list[str]]:
    code = main(["check", *args, str(path)])
    return code, capsys.readouterr().out.splitlines()


def test_the_generated_filing_reads_what_it_prints(many_processed):
    item = many_processed
    cov = item.frames["coverage"]
    # printed: 120.50 and 7.00 twice, and the twelve uncoded amounts; read: the two coded 合计 only
    assert (sum(cov["printed"].to_list()), sum(cov["read"].to_list())) == (16, 2)
    assert len([f for f in item.findings if "未列编码的支出" in (f.actual or "") + f.message]) >= 12


def test_check_lists_every_finding_once_grouped_under_its_table(capsys, many_findings, many_processed):
    item = many_processed
    code, out = _run(capsys, path=many_findings)
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
    rows = {int(m.group(1)): m.group(2) for line in out if (m := re.match(r"^\s+(\d+)\s+(\d*)\s{2}\S+\s", line))}
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


def test_every_amount_left_out_is_listed_under_its_table_and_the_coverage_finding_stays_short(
        capsys, many_findings, many_processed):
    item = many_processed
    _, out = _run(capsys, path=many_findings)
    gaps = item.frames["coverage_gaps"]
    (head,) = [line for line in out if line.startswith("  amounts left out (")]
    assert int(re.search(r"\((\d+),", head).group(1)) == gaps.height > 0
    per_table = [int(m.group(1)) for line in out if (m := re.search(r"· (\d+) amounts? in \d+ rows?$", line))]
    assert sum(per_table) == gaps.height
    (cov,) = [line for line in out if line.strip().startswith("[warning] only ")]
    assert len(cov) < 300 and cov.endswith("the amounts left out are listed above")


def test_ingest_names_each_filing_read_under_98_percent_with_the_coverage_checks_figure(many_findings,
                                                                                        many_processed):
    from pipelines.lib.ingest import Summary, _report

    s = Summary()
    suzhou = REAL / "江苏省" / "苏州市" / "jiangsu_suzhou_shenjiju_2026_budget.pdf"
    for path, item in ((many_findings, many_processed), (suzhou, processed_real(suzhou))):
        _report(item, "loaded", path, s)
    (cov,) = [f for f in many_processed.findings if f.check == "coverage"]
    assert [(p.endswith(many_findings.name), pct) for p, pct in s.low_coverage] == [(True, cov.actual)]
    text = "\n".join(s.lines())
    assert "1 filing(s) loaded with under 98 % of their printed amounts read — `yusuan check FILE`" in text
