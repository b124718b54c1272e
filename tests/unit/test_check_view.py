"""``yusuan check``'s printing: findings grouped by check and table, every one still listed, CJK aligned."""

from __future__ import annotations

from pipelines.lib.check_view import finding_lines, fit, group_findings, split_location, width
from pipelines.lib.checks import Finding
from pipelines.lib.model import Table


def _f(check: str, location: str, severity: str = "warning", message: str = "m") -> Finding:
    return Finding(severity, check, None, location, None, None, message)


def test_a_location_splits_into_the_table_and_the_place_inside_it():
    assert split_location("table 8 row 1 col 2") == (8, "row 1 col 2")
    assert split_location("table 27") == (27, "")
    assert split_location("document") == (None, "document")
    assert split_location("") == (None, "")


def test_findings_group_by_check_and_table_with_the_groups_holding_an_error_first():
    fs = [_f("measures_sum", "table 8 row 1 col 2"), _f("measures_sum", "table 8 row 2 col 2"),
          _f("measures_sum", "table 9 row 1 col 2"), _f("coverage", "document"),
          _f("filing_identifiable", "document", "error")]
    groups = group_findings(fs)
    assert [(g.check, g.table, len(g.findings)) for g in groups] == [
        ("filing_identifiable", None, 1), ("measures_sum", 8, 2), ("measures_sum", 9, 1), ("coverage", None, 1)]
    assert groups[0].severity == "error" and groups[1].severity == "warning"


def test_every_finding_is_listed_once_under_a_heading_naming_its_table_and_page():
    tables = [Table(8, "general_public_expenditure", "一般公共预算支出表", "元", [], [], 0, page=23)]
    fs = [_f("measures_sum", f"table 8 row {i} col 2", message=f"row {i} differs") for i in range(12)]
    fs.append(_f("coverage", "document", message="only 9 of 10 read"))
    out = list(finding_lines(fs, tables))
    assert out[0] == "  13 findings: 0 errors, 13 warnings — the filing would load"
    listed = [line for line in out if line.lstrip().startswith("[warning]")]
    assert len(listed) == 13 and len(set(listed)) == 13
    assert "    measures_sum · #8 p.23 一般公共预算支出表 · 12 warnings" in out
    assert "      [warning] row 3 col 2: row 3 differs" in out
    assert "      [warning] only 9 of 10 read" in out  # 'document' is not repeated as a place
    # 13 findings ≥ 10: an overview with one line per group comes first
    assert any(line.startswith("  by check and table (2 groups)") for line in out)


def test_summary_mode_gives_the_groups_and_not_each_finding():
    fs = [_f("measures_sum", "table 8 row 1 col 2"), _f("measures_sum", "table 8 row 2 col 2")]
    out = list(finding_lines(fs, [], every=False))
    assert not any("[warning]" in line for line in out)
    assert any(line.strip().startswith("2  warning measures_sum") for line in out)
    assert list(finding_lines([], [])) == ["  no findings"]


def test_an_error_says_the_filing_would_be_rejected():
    out = list(finding_lines([_f("filing_identifiable", "document", "error")], []))
    assert out[0].endswith("the filing would be REJECTED")


def test_cjk_text_is_cut_and_padded_by_the_columns_a_terminal_gives_it():
    assert width("部门abc") == 7
    assert fit("部门", 6) == "部门  "
    cut = fit("部门综合预算收支总表", 9)
    assert width(cut) == 9 and cut.startswith("部门综合") and "…" in cut


def test_amounts_left_out_are_listed_by_table_and_row_with_a_reason_said_once_per_run():
    import polars as pl

    from pipelines.lib.check_view import gap_lines

    why = "表3：支出总表: the table prints subject names without codes (row '{}'); yusuan keys lines by code"
    gaps = pl.DataFrame([
        {"source_table": 3, "source_row": 5, "source_col": 1, "text": "0.19", "row_label": "社会工作事务",
         "column": "总计", "reason": why.format("社会工作事务")},
        {"source_table": 3, "source_row": 5, "source_col": 4, "text": "0.19", "row_label": "社会工作事务",
         "column": "项目支出", "reason": why.format("社会工作事务")},
        {"source_table": 3, "source_row": 6, "source_col": 1, "text": "12.00", "row_label": "司法",
         "column": "总计", "reason": why.format("司法")},
        {"source_table": 3, "source_row": 7, "source_col": 1, "text": "1.00", "row_label": "合计",
         "column": "金额", "reason": "the column '金额' has no role yusuan knows"},
    ])
    tables = [Table(3, "expenditure", "表3：支出总表", "万元", [], [], 0, page=26)]
    out = list(gap_lines(gaps, tables))
    assert out == [
        "  amounts left out (4, in quality.coverage_gaps once loaded), by table and row:",
        "    #3 p.26 表3：支出总表 · 4 amounts in 3 rows",
        "      row 5 社会工作事务: 总计 0.19, 项目支出 0.19",
        "          — the table prints subject names without codes; yusuan keys lines by code",
        "      row 6 司法: 总计 12.00",
        "      row 7 合计: 金额 1.00",
        "          — the column '金额' has no role yusuan knows",
    ]
    brief = list(gap_lines(gaps, tables, every=False))
    assert brief[-1] == "      … 2 more rows (every row: run without --summary)"
    assert list(gap_lines(gaps.clear(), tables)) == []


def test_check_on_a_filing_read_in_full_prints_no_empty_section(capsys):
    from pathlib import Path

    from pipelines.cli import main

    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "河北省" / "邯郸市" / "魏县" / "2023"
    assert main(["check", str(sample / "305_魏县教育局_2023_决算.docx")]) == 0
    out = capsys.readouterr().out
    assert "amounts left out" not in out and "\n\n\n" not in out
    assert "\n\n  facts: " in out and "\n\n  no findings" in out
