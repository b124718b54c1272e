"""What a budget analyst still met after the first hour (tests/analyst/test_first_hour.py): a re-run that counted old
findings as new, year-over-year rows that looked duplicated, a blank 三公 决算数 nobody flagged, table kinds shown as
English keys, and a no-county warning that counted the rejected files.

Figures typed by hand from the filings: 上海市普陀区财政局 2024 决算 (shanghai_putuo_czj_2024_dept_final.pdf, p.18,
财政拨款“三公”经费): 合计 预算数 0.95, 公务接待费 预算数 0.95, every 决算数 cell blank (its narrative says 0.00).
魏县教育局 支出总表 205 教育支出: 3793.70 (2022) and 4082.42 (2023) 万元.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from tests.analyst.conftest import SAMPLES, run_cli
from tests.real.real_samples import REAL

WEIXIAN = SAMPLES / "河北省" / "邯郸市" / "魏县"
EDU = [WEIXIAN / "2022" / "305_魏县教育局_2022.docx", WEIXIAN / "2023" / "305_魏县教育局_2023.docx"]
CZJ_FINAL = REAL / "上海市" / "普陀区" / "shanghai_putuo_czj_2024_dept_final.pdf"


def _rows(out: str, title: str) -> list[list[str]]:
    """The cells of each table row printed under ``== title`` by `yusuan summary` (the header row first)."""
    body = out.split(f"== {title}", 1)[1].split("\n== ", 1)[0]
    return [[c.strip() for c in line.strip("│").split("┆")] for line in body.splitlines() if line.startswith("│")]


def as_unit_filing(src: Path, dst: Path) -> Path:
    """The same body's 单位预算: a publisher prints it with the tables of its 部门预算, titled 单位预算 (上海市普陀区人民
    政府办公室 2025 did, tests/analyst/test_first_hour.py) — here the sample's words 部门预算 become 单位预算."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".xml"):
                data = data.decode("utf-8").replace("部门预算", "单位预算").encode("utf-8")
            zout.writestr(info, data)
    return dst


@pytest.fixture(scope="module")
def department_and_unit(tmp_path_factory) -> Path:
    """魏县教育局's 部门预算 2022 and 2023, and a 单位预算 of the same body for both years, in one warehouse."""
    root = tmp_path_factory.mktemp("pair") / "in" / "河北省" / "邯郸市" / "魏县"
    for src in EDU:
        (root / src.parent.name).mkdir(parents=True)
        shutil.copy(src, root / src.parent.name / src.name)
        as_unit_filing(src, root / src.parent.name / f"unit_{src.name}")
    db = root.parents[3] / "w.duckdb"
    code, out, err = run_cli("ingest", str(root.parents[2]), "--db", str(db))
    assert code == 0, out + err
    with duckdb.connect(str(db), read_only=True) as con:
        scopes = con.execute("select scope, count(*) from core.documents group by all order by 1").fetchall()
    assert scopes == [("department", 2), ("unit", 2)]
    return db


# (b) --------------------------------------------------------------------------------------------------------------


def test_the_summarys_year_over_year_rows_of_a_department_and_its_unit_read_as_two(department_and_unit):
    # Both series grew 3793.70 → 4082.42 万元 (205 教育支出): two comparisons, which printed as one row twice.
    code, out, err = run_cli("summary", "--db", str(department_and_unit))
    assert code == 0, err
    head, *rows = _rows(out, "largest year-over-year changes (支出总表 by 类, 万元)")
    assert {"doc_type", "scope", "basis"} <= set(head), head
    edu = [dict(zip(head, r, strict=True)) for r in rows if r[head.index("code")] == "205"]
    assert [(r["prior_wan"], r["wan"]) for r in edu] == [("3793.70", "4082.42")] * 2
    assert sorted(r["scope"] for r in edu) == ["department", "unit"]
    assert len({tuple(r) for r in rows}) == len(rows)


def test_the_reports_changes_say_which_series_each_row_is(department_and_unit, tmp_path):
    code, out, err = run_cli("report", "--db", str(department_and_unit), "--out", str(tmp_path / "r"))
    assert code == 0, err
    page = (tmp_path / "r" / "county" / "魏县.html").read_text(encoding="utf-8")
    section = page[page.index("<h2>同比变化最大的支出"):page.index("<h2>预算执行")]
    head = re.findall(r"<th>(.*?)</th>", section)
    rows = [dict(zip(head, re.findall(r"<td[^>]*>(.*?)</td>", r), strict=True))
            for r in re.findall(r"<tr>(.*?)</tr>", section) if "<td" in r]
    edu = [r for r in rows if r["科目编码"] == "205"]
    assert sorted((r["范围"], r["类型"], r["口径"], r["本年万元"]) for r in edu) == [
        ("单位", "预算", "预算数", "4,082.42"), ("部门", "预算", "预算数", "4,082.42")]
    assert "（2022→2023，部门预算预算数）" in section and "（2022→2023，单位预算预算数）" in section  # the bars too


# (c) --------------------------------------------------------------------------------------------------------------


@pytest.mark.real
@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real_samples is absent")
def test_a_blank_san_gong_final_figure_is_a_finding_that_says_what_and_where():
    code, out, err = run_cli("check", str(CZJ_FINAL))
    assert code == 0, out + err  # a warning: the filing loads
    blank = [line for line in out.splitlines() if "决算数 of" in line]
    assert len(blank) == 2, out
    assert "row 5 col 1:" in blank[0] and "the 决算数 of 合计 is blank beside its 预算数 0.95 万元" in blank[0]
    assert "row 5 col 11:" in blank[1] and "the 决算数 of 公务接待费 is blank beside its 预算数 0.95 万元" in blank[1]
    assert "three_public_blank · #13 p.18 财政拨款“三公”经费 · 2 warnings" in out


@pytest.mark.real
@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real_samples is absent")
def test_a_blank_san_gong_final_figure_is_no_fact_and_its_finding_is_in_the_warehouse(tmp_path):
    db = tmp_path / "w.duckdb"
    code, out, err = run_cli("ingest", str(CZJ_FINAL), "--db", str(db), "--county", "普陀区")
    assert code == 0, out + err
    with duckdb.connect(str(db), read_only=True) as con:
        facts = con.execute("select category, basis, amount_wan::varchar from marts.three_public order by 1").fetchall()
        found = con.execute("select location, expected, actual from quality.findings "
                            "where \"check\" = 'three_public_blank' order by 1").fetchall()
    assert facts == [("reception", "budget", "0.950000"), ("total", "budget", "0.950000")]  # nothing of basis final
    assert found == [("table 13 row 5 col 1", "决算数", "blank"), ("table 13 row 5 col 11", "决算数", "blank")]


def test_a_final_account_that_prints_its_san_gong_final_figures_has_no_blank_finding():
    # the demo's 决算 (魏县教育局 2023) prints 预算数 and 决算数 for every 三公 category it spent on
    code, out, err = run_cli("check", str(WEIXIAN / "2023" / "305_魏县教育局_2023_决算.docx"))
    assert code == 0, out + err
    assert "three_public_blank" not in out and "no findings" in out


# (d) --------------------------------------------------------------------------------------------------------------


def test_check_names_each_table_as_the_filing_does_and_keeps_the_key_beside_the_line_counts():
    code, out, err = run_cli("check", str(EDU[1]))
    assert code == 0, err
    listing = out.split("tables (# = source_table", 1)[1].split("coverage:", 1)[0]
    assert "“三公”经费表" in listing and "支出总表" in listing and "一般公共预算支出表" in listing
    assert not re.search(r"\b(three_public|expenditure|general_public_expenditure|summary)\b", listing), listing
    counts = next(line for line in out.splitlines() if "budget lines by table" in line)
    assert "支出总表 (expenditure)" in counts  # the name, and the key the warehouse's table_kind holds


def test_the_summary_names_the_tables_of_the_execution_gaps_in_chinese(demo_db):
    code, out, err = run_cli("summary", "--db", str(demo_db))
    assert code == 0, err
    head, *rows = _rows(out, "largest execution gaps: 决算 against budget (支出决算表 by 类, 本年支出合计, 三公; 万元)")
    assert "table" in head and "table_kind" not in head
    tables = {r[head.index("table")] for r in rows}
    assert tables and tables <= {"收支总表", "支出总表", "“三公”经费表"}, tables


def test_every_table_kind_has_a_chinese_name():
    from pipelines.lib.check_view import table_name
    from pipelines.lib.vocab import TableKind

    names = {k.value: table_name(k.value) for k in TableKind}
    assert all(n and n != k and not re.search(r"[A-Za-z（]", n) for k, n in names.items()), names
    assert names["three_public"] == "“三公”经费表" and names["contents"] == "目录"


# (a), (e) ---------------------------------------------------------------------------------------------------------


@pytest.mark.real
@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real_samples is absent")
def test_a_rerun_says_its_files_are_already_loaded_and_does_not_count_their_findings_again(tmp_path):
    db = tmp_path / "w.duckdb"
    code, first, err = run_cli("ingest", str(CZJ_FINAL), "--db", str(db), "--county", "普陀区")
    assert code == 0, err
    assert "1 loaded, 0 unchanged, 0 rejected; findings: 0 error(s), 2 warning(s)\n" in first
    code, again, err = run_cli("ingest", str(CZJ_FINAL), "--db", str(db), "--county", "普陀区")
    assert code == 0, err
    progress = again.splitlines()[0]
    assert progress.endswith("上海市普陀区财政局 2024 — unchanged, already loaded: nothing written"), progress
    assert ("0 loaded, 1 unchanged, 0 rejected; findings: 0 error(s), 0 warning(s) (the 1 unchanged file(s) were "
            "already loaded: nothing of them was written again)") in again
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from quality.findings").fetchone() == (2,)


def test_the_no_county_warning_counts_the_files_loaded_not_the_rejected(tmp_path):
    inbox = tmp_path / "downloads"
    (inbox / "broken").mkdir(parents=True)
    shutil.copy(EDU[1], inbox / EDU[1].name)
    for n in range(3):
        (inbox / "broken" / f"bad{n}.docx").write_text("not a filing")
    code, out, err = run_cli("ingest", str(inbox), "--db", str(tmp_path / "w.duckdb"))
    assert code == 1, out + err  # three rejected
    warning = next(line for line in out.splitlines() if line.startswith("warning:"))
    assert warning.startswith("warning: 1 file(s) have no county"), warning
    assert str(inbox / "broken") not in warning and "--county" in warning


def _readme_queries() -> list[str]:
    from tests.analyst.test_first_hour import _readme_queries as queries

    return queries()


@pytest.mark.parametrize("number", range(len(_readme_queries())))
def test_no_readme_query_repeats_a_row_when_a_department_and_its_unit_are_loaded_for_two_years(department_and_unit,
                                                                                             number):
    # the year-over-year query printed 魏县教育局 205 3793.70 → 4082.42 twice: the 部门's comparison and the 单位's
    from tests.analyst.test_first_hour import _no_repeated_rows

    _no_repeated_rows(department_and_unit, _readme_queries()[number])


# a journalist's three questions (README, "Questions a journalist asks") -----------------------------------------


def _journalist(number: int) -> str:
    from tests.analyst.test_readme import blocks

    text = "\n".join(line for line in blocks("sql")[1].splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()][number]


def _answer(db: Path, sql: str) -> list[dict[str, str]]:
    code, out, err = run_cli("sql", sql, "--db", str(db))
    assert code == 0, err
    head, *rows = [[c.strip(" │") for c in line.split("┆")] for line in out.splitlines() if line.startswith("│")]
    return [dict(zip(head, r, strict=True)) for r in rows]


def test_whose_san_gong_grew_most_is_answered_with_one_budget_figure_per_department_and_year(demo_db):
    top, *rest = _answer(demo_db, _journalist(0))
    assert (top["department_name"], top["year"], top["prior_amount_wan"], top["amount_wan"], top["change_wan"]) == (
        "魏县教育局", "2023", "16.30", "33.00", "16.70")
    # its 决算 prints the 预算数 33.00 again and the 决算数 30.07: neither is a second year of growth
    assert all(r["department_name"] != "魏县教育局" for r in rest), rest
    assert "魏县教育局's\n三公 grew most, 16.30 → 33.00 万元 in 2023" in _readme()  # as the README says it


def _readme() -> str:
    from tests.analyst.test_readme import README

    return README.read_text(encoding="utf-8")


def test_the_share_of_basic_spending_sums_one_level_of_the_subject_tree(demo_db):
    rows = {(r["department_name"], r["year"]): r for r in _answer(demo_db, _journalist(1))}
    edu = rows[("魏县教育局", "2023")]  # 表三 部门预算支出总表: 合计 4274.47, 基本支出 734.47
    assert (edu["basic_wan"], edu["total_wan"], edu["basic_pct"]) == ("734.47", "4274.47", "17.2")
    assert "基本支出 is 734.47 of 4274.47 万元, 17.2 %" in _readme()
    assert rows[("中国共产党魏县委员会办公室", "2023")]["total_wan"] == "2041.42"


def test_no_sample_fails_its_arithmetic(demo_db):
    assert _answer(demo_db, _journalist(2)) == []


@pytest.mark.real
@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real_samples is absent")
def test_a_filing_whose_own_sums_do_not_add_up_is_named_by_the_arithmetic_question(tmp_path):
    # 江苏省政协办公厅 2019 (p.3, 支出总表): 合计 printed 13377.11 万元, its three classes add up to 13297.11; the 收支总表
    # prints 一般公共服务支出 10271.56 against the 支出总表's 10191.56. A blank 三公 决算数 (普陀区财政局 2024) is no
    # arithmetic failure.
    db = tmp_path / "w.duckdb"
    filing = REAL / "江苏省" / "省本级" / "jiangsu_shengji_zxbgt_2019_budget_tables.pdf"
    code, out, err = run_cli("ingest", str(filing), str(CZJ_FINAL), "--db", str(db), "--county", "省本级")
    assert code == 0, out + err
    rows = _answer(db, _journalist(2))
    assert sorted((r["department_name"], r["check"], r["table_kind"]) for r in rows) == [
        ("江苏省政协办公厅", "cross_table", "null"), ("江苏省政协办公厅", "hierarchy_sum", "expenditure")]
    with duckdb.connect(str(db), read_only=True) as con:
        printed = con.execute("select expected, actual from quality.findings where \"check\" = 'hierarchy_sum'").fetchall()
    assert printed == [("13377.11", "13297.11")]
    # the summary says what each check with findings promises: "hierarchy_sum" alone does not say it adds up
    code, out, err = run_cli("summary", "--db", str(db))
    assert code == 0, err
    head, *found = _rows(out, "findings by severity and check")
    what = {r[head.index("check")]: r[head.index("what it checks")] for r in found if r[head.index("check")]}
    assert what["hierarchy_sum"].startswith("类 = Σ 款") and what["cross_table"].startswith("totals agree")
    assert what["three_public_blank"].startswith("(cells_readable) every amount cell was r")  # cut at 40
    # …and that the 0.00 the execution mart shows for 普陀区财政局's blank 决算数 was not printed
    head, *gaps = _rows(out, "largest execution gaps: 决算 against budget (支出决算表 by 类, 本年支出合计, 三公; 万元)")
    blank = [dict(zip(head, r, strict=True)) for r in gaps if r[0] == "上海市普陀区财政局"]
    assert {(r["what"], r["budget"], r["final"], r["final_printed"]) for r in blank} == {
        ("total", "0.95", "0.00", "false"), ("reception", "0.95", "0.00", "false")}


def test_check_says_once_what_within_rounding_means_when_a_check_used_it():
    from pipelines.lib.check_view import check_lines
    from pipelines.lib.checks import CheckResult

    held = [CheckResult("hierarchy_sum", "expenditure", compared=21, within_rounding=2)]
    lines = list(check_lines(held))
    assert sum("within rounding:" in line for line in lines) == 1 and "2 within rounding" in lines[-1]
    assert not any("within rounding:" in line for line in check_lines([CheckResult("hierarchy_sum", "income",
                                                                                   compared=3)]))


def test_a_blank_final_figure_in_a_three_public_table_printed_by_rows_is_found_too(tmp_path):
    # The demo's 决算 prints its 三公 table one category a row (项目 | 预算数 | 决算数): 3.公务接待费 5.80 | 4.10. The same
    # file with that 决算数 cell emptied, as a publisher's export leaves it, names that cell and loads no figure there.
    src = WEIXIAN / "2023" / "305_魏县教育局_2023_决算.docx"
    blanked = tmp_path / "魏县" / src.name
    blanked.parent.mkdir()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(blanked, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                at = text.index("3.公务接待费")
                budget = text.index("<w:t>5.80</w:t>", at)
                final = text.index("<w:t>4.10</w:t>", budget)
                data = (text[:final] + "<w:t></w:t>" + text[final + len("<w:t>4.10</w:t>"):]).encode("utf-8")
            zout.writestr(info, data)
    code, out, err = run_cli("check", str(blanked))
    assert code == 0, out + err
    blank = [line.strip() for line in out.splitlines() if "is blank beside" in line]
    assert blank == ["[warning] row 7 col 2: 财政拨款“三公”经费支出决算表: the 决算数 of 3.公务接待费 is blank beside its "
                     "预算数 5.80 万元; a blank is no figure, so no 决算数 was loaded for it (marts.budget_execution shows "
                     "it as 0 with final_printed false). The narrative may state it; the publisher can say which"]
    db = tmp_path / "w.duckdb"
    assert run_cli("ingest", str(blanked), "--db", str(db), "--county", "魏县")[0] == 0
    with duckdb.connect(str(db), read_only=True) as con:
        finals = con.execute("select category from marts.three_public where basis = 'final' order by 1").fetchall()
    assert ("reception",) not in finals and ("total",) in finals  # the 合计 30.07 is still printed and loaded
