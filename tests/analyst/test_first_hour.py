"""A new analyst's first hour: what each command prints must lead to the next one, pasted as printed.

Each test here is a friction point met by following README.md in a fresh clone (the README tests check that its
commands run; these check that what the commands *say* is right and usable).
"""

from __future__ import annotations

import shlex

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


@pytest.mark.real
@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real_samples is absent")
def test_the_summary_shows_every_column_and_tells_a_department_from_its_unit(tmp_path):
    # 上海市普陀区人民政府办公室 2025 published a 部门预算 and a 单位预算 with the same 三公 total (867.5 万元, read by
    # hand from both PDFs): two rows that looked identical until the summary printed their scope.
    folder = REAL / "上海市" / "普陀区"
    db = tmp_path / "w.duckdb"
    code, out, err = run_cli("ingest", str(SAMPLES), str(folder / "shanghai_putuo_qzfbgs_2025_dept_budget.pdf"),
                             str(folder / "shanghai_putuo_qzfbgs_2025_unit_budget.pdf"), "--db", str(db))
    assert code == 0, out + err
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
