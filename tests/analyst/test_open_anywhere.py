"""The warehouse opens in the tools analysts already have: DuckDB 1.4/1.5 clients, `yusuan sql`,
DuckDB's `.df()` / `.pl()` in the venv."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import duckdb
import pytest

from pipelines.lib import warehouse
from tests.analyst.conftest import old_duckdb_path, run_cli


def test_a_duckdb_1_4_client_reads_every_mart(demo_db):
    old = old_duckdb_path()
    if old is None:
        pytest.skip("no DuckDB 1.4/1.5 installed in .venv/duckdb-old (run scripts/test.sh)")
    with duckdb.connect(str(demo_db), read_only=True) as con:
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        expected = {m: con.execute(f"select count(*) from marts.{m}").fetchall()[0][0] for m in marts}
    assert len(marts) >= 10 and expected["budget_lines"] > 0
    script = textwrap.dedent("""
        import duckdb, json, sys
        con = duckdb.connect(sys.argv[1], read_only=True)
        marts = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                           "where table_schema = 'marts' order by 1").fetchall()]
        counts = {}
        for m in marts:
            rows = con.execute(f"select * from marts.{m}").fetchall()  # every column decoded, not just counted
            counts[m] = len(rows)
        print(json.dumps({"version": duckdb.__version__, "counts": counts}))
    """)
    env = {**os.environ, "PYTHONPATH": str(old)}
    done = subprocess.run([sys.executable, "-c", script, str(demo_db)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    major, minor = (int(x) for x in result["version"].split(".")[:2])
    assert (major, minor) in ((1, 4), (1, 5)), result["version"]
    assert result["counts"] == expected


def test_the_file_is_written_in_the_1_4_storage_format(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        tags = con.execute("select tags from duckdb_databases() where database_name = 'warehouse'").fetchall()[0][0]
    assert tags["storage_version"].startswith(warehouse.STORAGE_COMPATIBILITY_VERSION)


def test_df_pl_and_arrow_work_in_the_venv(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        rel = "select department_name, year, amount_wan from marts.three_public_trend where category = 'total'"
        df = con.sql(rel).df()
        pl_frame = con.sql(rel).pl()
        table = con.sql(rel).arrow().read_all()
    assert len(df) == pl_frame.height == table.num_rows > 0
    assert set(df["department_name"]) == set(pl_frame["department_name"])


def test_yusuan_sql_prints_an_aligned_table_with_chinese_text(demo_db):
    code, out, err = run_cli("sql", "--db", str(demo_db),
                             "select department_name, year from marts.three_public_trend "
                             "where category = 'total' order by department_name, year limit 3")
    assert code == 0, err
    lines = out.splitlines()
    table = [line for line in lines if line.startswith(("┌", "│", "╞", "└"))]
    assert any("中国共产党魏县委员会办公室" in line for line in table)
    # Aligned: every table line is equally wide on screen (a CJK character takes two columns).
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    assert len({width(line) for line in table}) == 1, table
    assert lines[-1] == "(3 rows)"


def test_yusuan_sql_says_what_is_wrong_without_a_traceback(demo_db):
    code, out, err = run_cli("sql", "--db", str(demo_db), "select * from marts.no_such_mart")
    assert code == 1
    assert "no_such_mart" in err and "Traceback" not in err
    code, out, err = run_cli("sql", "--db", str(demo_db), "delete from core.documents")
    assert code == 1 and "read-only" in err
    with duckdb.connect(str(demo_db), read_only=True) as con:
        assert con.execute("select count(*) from core.documents").fetchall()[0][0] > 0


def test_yusuan_sql_reads_statements_piped_in(demo_db):
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "sql", "--db", str(demo_db)],
                          input="select 40 + 2 as answer;\nselect count(*) as n\n  from core.documents;\n",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "42" in done.stdout and done.stdout.count("(1 row)") == 2


HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(float(sys.argv[2]))"


def _hold(db, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


@pytest.mark.parametrize("command", [["summary"], ["sql", "select 1"], ["export", "--out", "EXPORTS"]])
def test_a_reader_is_told_the_warehouse_is_being_written(demo_copy, tmp_path, command):
    command = [str(tmp_path / "x") if c == "EXPORTS" else c for c in command]
    holder = _hold(demo_copy, 60)
    try:
        code, out, err = run_cli(*command, "--db", str(demo_copy))
    finally:
        holder.kill()
        holder.wait()
    assert code == 2
    assert "is being written by" in err and f"pid {holder.pid}" in err and "--wait" in err
    assert "WarehouseInUse" not in err and "Error" not in err and "Traceback" not in err


def test_summary_waits_for_the_writer_with_wait(demo_copy):
    holder = _hold(demo_copy, 1.0)  # releases the file after a second
    try:
        code, out, err = run_cli("summary", "--db", str(demo_copy), "--wait", "120")
    finally:
        holder.wait()
    assert code == 0, err
    assert "waiting up to 120 s" in err and "documents by status" in out


def test_the_lock_message_names_the_program_holding_it(demo_copy, tmp_path):
    # An analyst's `yusuan sql` prompt keeps the file open (read-only): an ingest is told who holds it.
    reader = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "sql", "--db", str(demo_copy)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        reader.stdin.write("select 'open' as state;\n")
        reader.stdin.flush()
        while "open" not in reader.stdout.readline():
            pass
        (tmp_path / "in").mkdir()
        code, out, err = run_cli("ingest", str(tmp_path / "in"), "--db", str(demo_copy))
    finally:
        reader.kill()
        reader.wait()
    assert code == 2
    assert f"in use by yusuan sql (pid {reader.pid})" in err, err
    assert warehouse.lock_holder(None) == "another process"


def test_summary_notes_a_warehouse_only_duckdb_2_reads(demo_db, tmp_path):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        assert warehouse.readable_by_duckdb_1_4(con) is True
    old = tmp_path / "made_by_duckdb2.duckdb"
    duckdb.connect(str(old)).close()  # DuckDB 2.0's default format, as yusuan wrote before
    code, out, err = run_cli("summary", "--db", str(old))
    assert "DuckDB 2.0's storage format" in out and "--db" in out
    code, out, err = run_cli("summary", "--db", str(demo_db))
    assert code == 0 and "storage format" not in out
