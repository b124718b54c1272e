"""Exports a dashboard can trust: every file self-contained (year inside), warehouse types, empty
relations as zero-row files, an atomic swap that a SIGKILL cannot tear, a true manifest."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest

from pipelines.lib import warehouse
from tests.analyst.conftest import run_cli

# The one line a reader writes for each tool (the README shows the same).
READERS = {
    "polars": lambda path: pl.read_parquet(f"{path}/"),
    "duckdb": lambda path: duckdb.read_parquet(f"{path}/**/*.parquet", hive_partitioning=False).pl(),
    "pandas": lambda path: pd.read_parquet(path, partitioning=None),
}


@pytest.fixture(scope="module")
def exported(demo_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports") / "exports"
    os.chmod(demo_db, 0o444)  # export opens the warehouse read-only: a read-only file is enough
    try:
        code, stdout, err = run_cli("export", "--db", str(demo_db), "--out", str(out))
    finally:
        os.chmod(demo_db, 0o644)
    assert code == 0, err
    return out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_every_export_reads_in_polars_duckdb_and_pandas_in_one_line(exported, demo_db):
    out, manifest = exported
    assert len(manifest["relations"]) >= 10
    with duckdb.connect(str(demo_db), read_only=True) as con:
        for rel in manifest["relations"]:
            want = con.execute(f"select count(*) from {rel['relation']}").fetchall()[0][0]
            assert rel["row_count"] == want, rel["relation"]
            names = [c["name"] for c in rel["columns"]]
            for tool, read in READERS.items():
                frame = read(out / rel["path"])
                assert len(frame) == want, (tool, rel["relation"])
                assert list(frame.columns) == names, (tool, rel["relation"])


def test_types_are_the_warehouses_and_year_is_inside_every_file(exported, demo_db):
    out, manifest = exported
    with duckdb.connect(str(demo_db), read_only=True) as con:
        for rel in manifest["relations"]:
            warehouse_types = [(c["name"], c["type"]) for c in rel["columns"]]
            got = con.sql(f"select * from read_parquet('{out / rel['path']}/**/*.parquet', hive_partitioning = false)")
            assert list(zip(got.columns, [str(t) for t in got.types], strict=True)) == warehouse_types
            for file in rel["files"]:
                one = con.sql(f"select * from read_parquet('{out / file}')")  # one file alone, hive on by default
                assert one.columns == [n for n, _ in warehouse_types]
                if rel["partition_by"] == ["year"] and rel["row_count"]:
                    year = int(Path(file).parent.name.removeprefix("year="))
                    assert dict(zip(one.columns, map(str, one.types), strict=True))["year"] in ("INTEGER", "BIGINT")
                    assert con.sql(f"select distinct year from read_parquet('{out / file}', "
                                   "hive_partitioning = false)").fetchall() == [(year,)]
    lines = pl.read_parquet(out / "budget_lines" / "year=2023" / "data_0.parquet")
    assert lines.schema["year"] == pl.Int32 and lines.schema["amount_wan"] == pl.Decimal(18, 6)
    assert set(lines["year"]) == {2023}


def test_an_empty_relation_is_a_zero_row_file_with_its_schema(demo_copy, tmp_path):
    with duckdb.connect(str(demo_copy)) as con:
        con.execute("delete from marts.three_public_trend")
    out = tmp_path / "out"
    code, _, err = run_cli("export", "--db", str(demo_copy), "--out", str(out))
    assert code == 0, err
    rel = {r["relation"]: r for r in json.loads((out / "manifest.json").read_text())["relations"]}
    empty = rel["marts.three_public_trend"]
    assert empty["row_count"] == 0 and empty["files"] == ["three_public_trend/data_0.parquet"]
    for tool, read in READERS.items():
        frame = read(out / "three_public_trend")
        assert len(frame) == 0 and list(frame.columns) == [c["name"] for c in empty["columns"]], tool


def test_export_honours_yusuan_exports_and_keeps_a_users_own_files(demo_db, tmp_path, monkeypatch):
    out = tmp_path / "dash"
    monkeypatch.setenv("YUSUAN_EXPORTS", str(out))
    assert run_cli("export", "--db", str(demo_db))[0] == 0
    (out / "README-dashboard.txt").write_text("mine")
    assert run_cli("export", "--db", str(demo_db))[0] == 0
    assert (out / "manifest.json").is_file() and (out / "README-dashboard.txt").read_text() == "mine"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


# ---- a SIGKILL during an export never leaves a torn relation -----------------------------------

CHILD = textwrap.dedent("""
    import os, signal, sys
    from pipelines.lib import warehouse
    db, out, kill_at = sys.argv[1], sys.argv[2], sys.argv[3]
    def progress(step):
        if step == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
    con = warehouse.connect(db, read_only=True)
    warehouse.export(con, out, progress=progress)
""")


def _state(out: Path) -> dict[str, int]:
    """Rows per relation as read from the files, after checking the manifest tells the truth about them."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    counts = {}
    for rel in manifest["relations"]:
        on_disk = sorted(str(p.relative_to(out)) for p in (out / rel["path"]).rglob("*.parquet"))
        assert on_disk == rel["files"], rel["relation"]
        rows = duckdb.sql(f"select count(*) from read_parquet('{out / rel['path']}/**/*.parquet')").fetchall()[0][0]
        assert rows == rel["row_count"], rel["relation"]
        counts[rel["relation"]] = rows
    assert sorted(p.name for p in out.iterdir()) == sorted([*(r["path"] for r in manifest["relations"]),
                                                            "manifest.json"])
    return counts


def test_a_killed_export_leaves_the_old_or_the_new_export_whole(demo_db, tmp_path):
    old_db, new_db = tmp_path / "old.duckdb", tmp_path / "new.duckdb"
    shutil.copy(demo_db, old_db)
    shutil.copy(demo_db, new_db)
    with duckdb.connect(str(new_db)) as con:  # the new warehouse differs in two relations
        con.execute("delete from marts.budget_lines where year = 2023")
        con.execute("delete from marts.three_public")
    out = tmp_path / "exports"
    with warehouse.connect(old_db, read_only=True) as con:
        warehouse.export(con, out)
    old = _state(out)
    with warehouse.connect(new_db, read_only=True) as con:
        new = _state(warehouse.export(con, tmp_path / "reference") and tmp_path / "reference")
    assert old != new and old.keys() == new.keys()
    steps = [*sorted(old), "written", "swapped", "cleaned"]
    rng = random.Random(16)
    kill_points = [*rng.sample(steps[:-3], 4), "written", "swapped", "cleaned"]
    for kill_at in kill_points:
        child = subprocess.run([sys.executable, "-c", CHILD, str(new_db), str(out), kill_at],
                               capture_output=True, text=True, timeout=120)
        assert child.returncode == -signal.SIGKILL, (kill_at, child.stderr)
        # The manifest matches the files; before the swap the old export is whole, after it the new one.
        assert _state(out) == (new if kill_at in ("swapped", "cleaned") else old), kill_at
        leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
        assert bool(leftovers) == (kill_at != "cleaned"), (kill_at, leftovers)  # the kill left its part
        # The next export removes what the killed one left beside the exports.
        with warehouse.connect(old_db, read_only=True) as con:
            warehouse.export(con, out)
        assert _state(out) == old
        assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")], kill_at
    # Kills at seeded moments of a plain export, wherever they land.
    for delay in (rng.uniform(0.05, 1.5) for _ in range(3)):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(new_db), str(out), "never"])
        try:
            child.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            child.wait()
        assert _state(out) in (old, new)
        with warehouse.connect(old_db, read_only=True) as con:
            warehouse.export(con, out)
        assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
