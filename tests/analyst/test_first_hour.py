"""A new analyst's first hour: what each command prints must lead to the next one, pasted as printed.

Each test here is a friction point met by following README.md in a fresh clone (the README tests check that its
commands run; these check that what the commands *say* is right and usable).
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.analyst.conftest import SAMPLES, run_cli
from tests.real.real_samples import REAL

ONE_FILING = SAMPLES / "河北省/邯郸市/魏县/2023/305_魏县教育局_2023.docx"


def test_the_commands_an_ingest_suggests_read_the_warehouse_it_wrote(tmp_path, monkeypatch):
    # The analyst ingests into a warehouse of their own (--db), then pastes what the ingest suggests: that must read
    # the same warehouse, not the default one (here: none at all, so a wrong suggestion fails loudly).
    monkeypatch.setenv("YUSUAN_DB", str(tmp_path / "default" / "warehouse.duckdb"))
    db = tmp_path / "mine.duckdb"
    code, out, err = run_cli("ingest", str(ONE_FILING), "--db", str(db))
    assert code == 0, out + err
    last = out.splitlines()[-1]
    assert last.startswith(f"warehouse: {db} — next: "), last
    suggested = [shlex.split(c) for c in last.split("next: ", 1)[1].split(" · ")]
    assert [c[:2] for c in suggested] == [["yusuan", "summary"], ["yusuan", "sql"], ["yusuan", "report"]]
    summary, sql = suggested[0], suggested[1]
    code, out, err = run_cli(*summary[1:])
    assert code == 0, err
    assert "魏县教育局" in out
    code, out, err = run_cli(*sql[1:])
    assert code == 0, err
    assert "(10 rows)" in out and "魏县教育局" in out


def test_the_suggestion_names_no_db_when_the_warehouse_is_the_default(tmp_path, monkeypatch):
    from pipelines.cli import next_steps

    db = tmp_path / "w.duckdb"
    monkeypatch.setenv("YUSUAN_DB", str(db))
    assert "--db" not in next_steps(db)
    assert f"--db {tmp_path / 'other.duckdb'}" in next_steps(tmp_path / "other.duckdb")


def _section(out: str, title: str) -> list[str]:
    """The table rows printed under ``== title`` by `yusuan summary`."""
    body = out.split(f"== {title}", 1)[1].split("\n== ", 1)[0]
    return [line for line in body.splitlines() if line.startswith("│")]


@pytest.fixture(scope="module")
def with_unit_budget(tmp_path_factory) -> Path:
    """The demo's filings and a real 部门预算 with its 单位预算 (上海市普陀区人民政府办公室 2025)."""
    if not REAL.is_dir():
        pytest.skip("../shared/real_samples is absent")
    folder = REAL / "上海市" / "普陀区"
    db = tmp_path_factory.mktemp("pair") / "w.duckdb"
    code, out, err = run_cli("ingest", str(SAMPLES), str(folder / "shanghai_putuo_qzfbgs_2025_dept_budget.pdf"),
                             str(folder / "shanghai_putuo_qzfbgs_2025_unit_budget.pdf"), "--db", str(db))
    assert code == 0, out + err
    return db


@pytest.mark.real
def test_the_summary_shows_every_column_and_tells_a_department_from_its_unit(with_unit_budget):
    # 上海市普陀区人民政府办公室 2025 published a 部门预算 and a 单位预算 with the same 三公 total (867.5 万元, read by
    # hand from both PDFs): two rows that looked identical until the summary printed their scope.
    db = with_unit_budget
    code, out, err = run_cli("summary", "--db", str(db))
    assert code == 0, err
    header = next(line for line in out.splitlines() if "prior_year" in line)
    assert "…" not in header and "┆ year ┆" in header  # no column left out of a table
    rows = _section(out, "三公 totals by department and year (万元)")
    assert len(set(rows)) == len(rows), rows
    putuo = [r for r in rows if "上海市普陀区人民政府办公室" in r]
    assert len(putuo) == 2 and all("867.50" in r for r in putuo), putuo
    assert {"department" in r and "unit" not in r for r in putuo} == {True, False}


def test_dot_tables_lists_the_relations_as_a_query_too(demo_db):
    # The README: "`.tables` lists the relations" — so the analyst types `yusuan sql .tables`.
    code, out, err = run_cli("sql", ".tables", "--db", str(demo_db))
    assert code == 0, err
    assert "marts.three_public_trend" in out and "quality.findings" in out


def test_an_unknown_relation_says_where_the_relations_are_listed(demo_db):
    code, out, err = run_cli("sql", "from marts.three_publik_trend", "--db", str(demo_db))
    assert code == 1
    assert "three_publik_trend" in err and "yusuan sql .tables" in err and "docs/warehouse.md" in err


@pytest.mark.parametrize("command", ["summary", "sql", "export", "report", "ingest", "docs"])
def test_every_db_option_says_which_warehouse_it_means(command):
    import contextlib
    import io

    from pipelines.cli import build_parser

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        build_parser().parse_args([command, "--help"])
    text = " ".join(out.getvalue().split())
    assert "--db DB warehouse" in text and "$YUSUAN_DB" in text, text


def _readme_queries() -> list[str]:
    from tests.analyst.test_readme import commands, statements

    pasted = [shlex.split(c)[2] for c in commands() if c.startswith(".venv/bin/yusuan sql \"")]
    return pasted + statements()


@pytest.mark.parametrize("number", range(len(_readme_queries())))
def test_no_readme_query_prints_two_rows_an_analyst_cannot_tell_apart(demo_db, number):
    # 魏县教育局 2023 has a 三公 total from its budget (33.00), and two from its 决算 (the 预算数 33.00 printed
    # again, and the 决算数 30.07): a query without doc_type and basis printed 33.00 twice, as if duplicated.
    _no_repeated_rows(demo_db, _readme_queries()[number])


@pytest.mark.real
@pytest.mark.parametrize("number", range(len(_readme_queries())))
def test_no_readme_query_repeats_a_row_when_a_unit_budget_is_loaded(with_unit_budget, number):
    # a 部门预算 and its 单位预算 (867.50 万元 of 三公 each): without scope, the same row twice
    _no_repeated_rows(with_unit_budget, _readme_queries()[number])


def _no_repeated_rows(db: Path, sql: str) -> None:
    code, out, err = run_cli("sql", sql, "--db", str(db), "--max-rows", "1000")
    assert code == 0, err
    rows = [line for line in out.splitlines() if line.startswith("│")]
    repeated = {r for r in rows if rows.count(r) > 1}
    assert not repeated, f"{sql}\n" + "\n".join(sorted(repeated))


def test_the_readme_says_which_folders_are_regions_as_the_code_decides():
    # It said "the last folder that is not a year"; a folder such as 教育部 (under 中央) or tianbaoxitong is not
    # a county, and yusuan passes it over — the analyst must know which names count.
    from pipelines.lib.discovery import REGION_NAMES, REGION_SUFFIXES, looks_like_region
    from tests.analyst.test_readme import README

    text = README.read_text(encoding="utf-8")
    sentence = text.split("yusuan records the region and the county", 1)[1].split(").", 1)[0]
    assert all(s in sentence for s in REGION_SUFFIXES + REGION_NAMES), sentence
    assert "中央/教育部" in sentence and looks_like_region("中央") and not looks_like_region("教育部")


@pytest.fixture(scope="module")
def with_rejects(tmp_path_factory) -> Path:
    """A warehouse of one sample filing, an empty download and a Word file that is no filing (rejected)."""
    import shutil

    from docx import Document

    folder = tmp_path_factory.mktemp("mixed") / "河北省" / "邯郸市" / "魏县"
    folder.mkdir(parents=True)
    shutil.copy(ONE_FILING, folder / ONE_FILING.name)
    (folder / "empty.pdf").write_bytes(b"")
    notes = Document()
    for line in ("会议纪要", "本次会议讨论了年度工作安排。", "请各科室按时报送材料。"):
        notes.add_paragraph(line)
    notes.save(folder / "会议纪要.docx")
    db = folder.parents[2] / "w.duckdb"
    code, out, err = run_cli("ingest", str(folder.parents[1]), "--db", str(db))
    assert code == 1 and "2 rejected" in out, out + err
    return db


def test_the_summary_says_how_to_list_the_rejected_files_and_each_finding(with_rejects):
    code, out, err = run_cli("summary", "--db", str(with_rejects))
    assert code == 0, err
    steps = out.split("\nnext:\n", 1)[1].splitlines()
    commands = [shlex.split(line.split(": ", 1)[1]) for line in steps if "yusuan sql" in line]
    assert len(commands) == 2, steps
    code, rejected, err = run_cli(*commands[0][1:])
    assert code == 0, err
    assert "empty.pdf" in rejected and "会议纪要.docx" in rejected and "(2 rows)" in rejected
    assert "Check that this is a department budget disclosure." in rejected  # the reason whole, not cut at 80
    code, findings, err = run_cli(*commands[1][1:])
    assert code == 0, err
    assert "会议纪要.docx" in findings and "filing_identifiable" in findings


def test_sql_says_when_it_cut_text_short_and_how_to_see_it_whole(with_rejects):
    sql = "select error from core.documents where file_name = '会议纪要.docx'"
    code, out, err = run_cli("sql", sql, "--db", str(with_rejects))
    assert code == 0, err
    assert "…" in out and "--max-width 0 prints it whole" in out
    code, out, err = run_cli("sql", sql, "--db", str(with_rejects), "--max-width", "0")
    assert code == 0, err
    assert "Check that this is a department budget disclosure." in out and "(1 row)" in out


def test_check_on_a_folder_says_what_to_run_instead(tmp_path):
    folder = tmp_path / "2023"
    folder.mkdir()
    import shutil

    shutil.copy(ONE_FILING, folder / ONE_FILING.name)
    code, out, err = run_cli("check", str(folder))
    assert code == 2 and not out
    assert f"{folder} is a folder (1 filing(s) in it)" in err
    check, ingest = (shlex.split(line.rsplit(": ", 1)[1]) for line in err.splitlines())
    assert check == ["yusuan", "check", str(folder / ONE_FILING.name)]
    assert ingest[:3] == ["yusuan", "ingest", str(folder)] and ingest[3] == "--db"
    code, out, err = run_cli(*check[1:])
    assert code == 0 and "魏县教育局 · 2023" in out, err
    code, out, err = run_cli("check", str(tmp_path / "nothing-here"))
    assert code == 2 and "no such file" in err


def test_check_of_a_file_that_is_no_filing_keeps_the_checks_that_could_not_run_short(tmp_path):
    # A Word file that is no budget filing: two dozen checks cannot run, most because a table is missing. One line
    # per reason (the missing tables on one) keeps the reason it is rejected on the screen.
    from docx import Document

    from pipelines.lib.stages import process

    path = tmp_path / "会议纪要.docx"
    notes = Document()
    for line in ("会议纪要", "本次会议讨论了年度工作安排。"):
        notes.add_paragraph(line)
    notes.save(path)
    code, out, err = run_cli("check", str(path))
    assert code == 1, err
    lines = [line for line in out.splitlines() if line.startswith("    not run ")]
    not_run = [r for r in process(path, root=tmp_path).checks if r.status == "not_run"]
    assert len(not_run) >= 20 and len(lines) <= 8, lines
    named = " ".join(lines)
    assert all(r.check in named for r in not_run)
    assert all(r.reason.removeprefix("the filing has no ") in named for r in not_run)
    assert f"checks: 1 FAILED · 1 passed · {len(not_run)} not run" in out
    assert out.rstrip().splitlines()[-1].startswith("  REJECTED: no recognisable budget table")


def test_check_of_a_file_that_is_no_filing_does_not_call_it_a_department_budget(tmp_path):
    from docx import Document

    path = tmp_path / "会议纪要.docx"
    notes = Document()
    notes.add_paragraph("本次会议讨论了年度工作安排。")
    notes.save(path)
    code, out, err = run_cli("check", str(path))
    header = out.splitlines()[2]
    assert code == 1 and "(department not found) · (year not found)" in header, header
    assert "预算 budget" not in header and "部门 department" not in header, header
    assert "(预算 or 决算: not found) · (部门 or 单位: not found)" in header


def test_check_counts_checks_with_findings_in_words_that_read():
    from pipelines.lib.check_view import check_lines
    from pipelines.lib.checks import CheckResult, Finding

    warned = Finding("warning", "narrative_claims", "narrative", "情况说明", None, None, "a typo")
    results = [CheckResult("narrative_claims", "narrative", "failed", 27, findings=[warned]),
               CheckResult("hierarchy_sum", "income", "passed", 45)]
    head = next(check_lines(results))
    assert head == "  checks: 1 with findings · 1 passed", head


def test_suggested_commands_run_yusuan_the_way_the_analyst_did(tmp_path):
    # The README runs `.venv/bin/yusuan …` with the venv not activated: a suggestion saying `yusuan check …` is
    # "command not found" when pasted. Suggestions repeat the path typed, and say `yusuan` when that is on PATH.
    import os
    import subprocess

    from tests.analyst.conftest import ROOT

    env = {**{k: v for k, v in os.environ.items() if not k.startswith("YUSUAN_")}, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([".venv/bin/yusuan", "check", "data/samples"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    first = done.stderr.splitlines()[0].rsplit(": ", 1)[1]
    assert first.startswith(".venv/bin/yusuan check "), first
    pasted = subprocess.run(["bash", "-c", first + " --summary"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert pasted.returncode == 0 and "中国共产党魏县委员会办公室 · 2021" in pasted.stdout, pasted.stderr


def test_the_suggestions_say_yusuan_when_the_shell_finds_it(monkeypatch):
    from pipelines import cli
    from tests.analyst.conftest import ROOT

    monkeypatch.setenv("PATH", f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin")
    monkeypatch.setattr("sys.argv", [str(ROOT / ".venv" / "bin" / "yusuan"), "summary"])
    assert cli.prog() == "yusuan"
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert cli.prog() == str(ROOT / ".venv" / "bin" / "yusuan")


def test_sql_prints_amounts_with_the_decimals_they_have_and_every_one_exact(demo_db):
    # The warehouse keeps DECIMAL(18,6) (北京 prints 万元 to six places); 79.800000 on every line of a 魏县 answer
    # buried the figure. Each column prints with the decimals its values need, at least two, nothing rounded.
    from decimal import Decimal

    code, out, err = run_cli("sql", "select amount_wan from marts.three_public_trend where category = 'total' "
                             "and department_name = '中国共产党魏县委员会办公室' order by year", "--db", str(demo_db))
    assert code == 0, err
    printed = [line.strip("│ ") for line in out.splitlines() if line.startswith("│")][1:]  # under the header
    assert printed == ["79.80", "54.50", "54.50", "58.60"]  # 2021–2024, as the filings print them (万元)
    code, out, err = run_cli("sql", "select * from (values (12.345678::decimal(18,6)), (1.5::decimal(18,6))) t(a)",
                             "--db", str(demo_db))
    assert code == 0, err
    printed = [line.strip("│ ") for line in out.splitlines() if line.startswith("│")][1:]
    assert [Decimal(v) for v in printed] == [Decimal("12.345678"), Decimal("1.5")] and printed[1] == "1.500000"


def test_a_summary_section_too_long_to_print_says_so_and_how_to_see_it_all(demo_db, monkeypatch):
    # A county has a hundred departments; polars printed the first and last rows of a long section with a bare
    # '…' between them. Now: the first rows, how many there are, and the command that prints them all.
    from pipelines import cli

    monkeypatch.setattr(cli, "SUMMARY_ROWS", 3)
    code, out, err = run_cli("summary", "--db", str(demo_db))
    assert code == 0, err
    section = out.split("== departments and years loaded", 1)[1].split("\n== ", 1)[0]
    shown = [line for line in section.splitlines() if line.startswith("│")][1:]
    assert len(shown) == 3 and not any("…" in line for line in shown), section
    note = next(line for line in section.splitlines() if "the first 3 of 4 rows" in line)
    code, everything, err = run_cli(*shlex.split(note.split("all of them: ", 1)[1])[1:])
    assert code == 0, err
    assert "(4 rows)" in everything and "final_accounts" in everything  # 魏县教育局's 决算 comes last


@pytest.mark.real
def test_the_summary_lists_no_execution_gap_of_zero(tmp_path):
    # 佛山市轨道交通局's 2019 决算 prints its 三公 预算数 all 0.00 and 决算数 0.16 (合计, 公务接待费) and 0.00 for the
    # rest (表7, read from the PDF): four gaps of 0.00 filled "the largest execution gaps".
    if not REAL.is_dir():
        pytest.skip("../shared/real_samples is absent")
    db = tmp_path / "w.duckdb"
    code, out, err = run_cli("ingest", str(REAL / "广东省"), "--db", str(db))
    assert code == 0, out + err
    code, out, err = run_cli("summary", "--db", str(db))
    assert code == 0, err
    section = out.split("== largest execution gaps", 1)[1].split("\n== ", 1)[0]
    head, *rows = [[c.strip(" │") for c in line.split("┆")] for line in section.splitlines() if line.startswith("│")]
    rows = [dict(zip(head, r, strict=True)) for r in rows]
    assert rows and all(r["gap"] not in ("0.00", "-0.00") for r in rows), section
    assert any("佛山市轨道交通局" in r["department_name"] and r["what"] == "total" and r["gap"] == "0.16"
               for r in rows), section


def _chart_points(con, scope) -> dict[str, dict[int, float]]:
    from pipelines.lib.report import three_public_chart

    return {t.name: {int(x): y for x, y in zip(t.x, t.y, strict=True) if y is not None}
            for t in three_public_chart(con, scope).data}


def test_the_reports_san_gong_charts_count_each_budget_once(demo_db):
    # 魏县教育局 2023: its budget's 三公 合计 is 33.00 万元 (表九, typed from the .docx); its 决算 prints that 预算数
    # again beside the 决算数 30.07. The county chart summed the three: 96.07.
    import duckdb

    from pipelines.lib.report import scopes

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        [county] = scopes(con)
        assert _chart_points(con, county)["魏县教育局"] == {2022: 16.3, 2023: 33.0}
        [bureau] = [d for d in county.children if d.title.startswith("魏县教育局")]
        parts = _chart_points(con, bureau)
        # 2023: 购置 18.00, 运行 9.20, 接待 5.80; 2022: 运行 9.80, 接待 6.50 (购置 printed empty)
        assert parts["公务用车购置费"][2023] == 18.0 and parts["公务用车运行费"][2023] == 9.2
        assert parts["公务接待费"] == {2022: 6.5, 2023: 5.8} and parts["公务用车运行费"][2022] == 9.8
    finally:
        con.close()


@pytest.mark.real
def test_the_reports_san_gong_chart_counts_a_department_and_its_unit_once(with_unit_budget):
    import duckdb

    from pipelines.lib.report import scopes

    con = duckdb.connect(str(with_unit_budget), read_only=True)
    try:
        [putuo] = [s for s in scopes(con) if any("上海市普陀区人民政府办公室" in d.title for d in s.children)]
        assert _chart_points(con, putuo)["上海市普陀区人民政府办公室"] == {2025: 867.5}  # not 1735.0
    finally:
        con.close()


def test_export_says_how_to_read_what_it_wrote(demo_db, tmp_path):
    import subprocess

    out = tmp_path / "exports"
    code, printed, err = run_cli("export", "--db", str(demo_db), "--out", str(out))
    assert code == 0, err
    last = printed.splitlines()[-1]
    assert last.startswith("read one: "), last
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("POLARS_")}  # a shell's own, not this process's
    done = subprocess.run(["bash", "-c", last.removeprefix("read one: ")], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    import duckdb

    with duckdb.connect(str(demo_db), read_only=True) as con:
        [(rows,)] = con.sql("select count(*) from marts.three_public").fetchall()
    assert rows > 0 and f"shape: ({rows}, " in done.stdout, done.stdout[:300]  # every row of the relation


def test_two_queries_pasted_into_one_sql_argument_both_print(demo_db):
    # DuckDB runs every statement of a text but returns the last one's rows: the first query's answer was lost.
    code, out, err = run_cli("sql", "select count(*) as documents from core.documents;\n"
                             "select count(*) as departments from dw.dim_department", "--db", str(demo_db))
    assert code == 0, err
    assert "documents" in out and "departments" in out and out.count("(1 row)") == 2, out
    assert "│ 9 " in out  # the demo's nine filings, in the first answer


def test_the_summary_leaves_the_callers_polars_settings_alone(demo_db):
    import os

    before = {k: v for k, v in os.environ.items() if k.startswith("POLARS_")}
    code, out, err = run_cli("summary", "--db", str(demo_db))
    assert code == 0 and "== documents by status" in out, err
    assert {k: v for k, v in os.environ.items() if k.startswith("POLARS_")} == before


def test_a_check_that_would_load_ends_with_the_ingest_that_loads_it_with_its_county(tmp_path):
    import duckdb

    code, out, err = run_cli("check", "--summary", str(ONE_FILING))
    assert code == 0, err
    last = out.rstrip().splitlines()[-1]
    assert last.startswith("  to load it: yusuan ingest "), last
    command = shlex.split(last.split(": ", 1)[1])
    assert command[-2:] == ["--county", "魏县"]  # a file given alone would have no county
    db = tmp_path / "w.duckdb"
    code, out, err = run_cli(*command[1:], "--db", str(db))
    assert code == 0 and "1 loaded" in out, out + err
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.sql("select county, department_name from core.documents").fetchall() == [("魏县", "魏县教育局")]
