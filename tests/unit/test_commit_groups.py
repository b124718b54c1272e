"""The ingest's commit groups (loading.commit_groups): the first group at once, then groups joined until they hold a
DuckDB row group's rows of some table — and that this is where the installed DuckDB writes an insert straight into
the file rather than into its write-ahead log."""

from __future__ import annotations

from types import SimpleNamespace

import duckdb
import polars as pl

from pipelines.lib import loading


def _item(name: str, cells: int, lines: int = 1) -> SimpleNamespace:
    return SimpleNamespace(name=name, frames={"table_cells": pl.DataFrame({"x": range(cells)}),
                                              "budget_lines": pl.DataFrame({"x": range(lines)})})


def _names(groups) -> list[list[str]]:
    return [[item.name for item in group] for group in groups]


def test_the_first_group_goes_at_once_then_groups_are_joined_up_to_a_row_group_of_some_table(monkeypatch):
    monkeypatch.setattr(loading, "ROW_GROUP", 100)
    readers = [[_item("a", 60), _item("b", 60)], [_item("c", 30)], [_item("d", 30)], [_item("e", 50)],
               [_item("f", 5, lines=120)], [_item("g", 10)]]
    assert _names(loading.commit_groups(readers)) == [["a", "b"], ["c", "d", "e"], ["f"], ["g"]]
    assert _names(loading.commit_groups([])) == []


def test_the_first_commit_holds_at_most_first_filings(monkeypatch):
    monkeypatch.setattr(loading, "ROW_GROUP", 100)
    monkeypatch.setattr(loading, "FIRST", 2)
    readers = [[_item("a", 10), _item("b", 10), _item("c", 10), _item("d", 10)], [_item("e", 80)], [_item("f", 10)]]
    assert _names(loading.commit_groups(readers)) == [["a", "b"], ["c", "d", "e"], ["f"]]


def test_a_group_holds_at_most_max_group_filings(monkeypatch):
    monkeypatch.setattr(loading, "ROW_GROUP", 10**9)
    monkeypatch.setattr(loading, "MAX_GROUP", 3)
    readers = [[_item(str(k), 1)] for k in range(8)]
    assert _names(loading.commit_groups(readers)) == [["0"], ["1", "2", "3"], ["4", "5", "6"], ["7"]]


def test_duckdb_writes_a_transaction_of_a_row_group_of_rows_into_the_file_not_the_log(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        con.execute("set checkpoint_threshold = '1GB'")  # no checkpoint empties the log in between
        con.execute("create table t (a bigint, b varchar)")
        wal = tmp_path / "w.duckdb.wal"
        grown = {}
        for n in (loading.ROW_GROUP - 1, loading.ROW_GROUP):
            before = wal.stat().st_size if wal.exists() else 0
            con.begin()
            con.execute(f"insert into t select i, 'cell ' || i from range({n}) r(i)")
            con.commit()
            grown[n] = wal.stat().st_size - before
        assert grown[loading.ROW_GROUP - 1] > 1_000_000  # every row in the log
        assert grown[loading.ROW_GROUP] < 100_000  # only where the written blocks are
    finally:
        con.close()


def test_an_empty_group_commits_what_is_held(monkeypatch):
    """``processed_chunks(idle=True)`` hands an empty group when it waits for the workers' last tasks: what is held
    is committed then, not after them, and an empty group follows it (the reader still waits: the ingest writes
    DuckDB's log into the file then); an empty group with nothing held is passed over."""
    monkeypatch.setattr(loading, "ROW_GROUP", 100)
    readers = [[_item("a", 10)], [], [_item("b", 10)], [_item("c", 10)], [], [], [_item("d", 10)]]
    assert _names(loading.commit_groups(readers)) == [["a"], ["b", "c"], [], ["d"]]


def test_the_reader_says_when_it_waits_for_the_workers_last_tasks():
    from pipelines.lib import workers
    from pipelines.lib.discovery import discover
    from tests.unit.test_workers_warm import SAMPLES

    files = discover([SAMPLES])
    groups = list(workers.processed_chunks(files, jobs=2, idle=True))
    assert [i.document.source_path for g in groups for i in g] == [str(f) for f, _ in files]
    assert all(groups[k] or groups[k + 1] for k in range(len(groups) - 1))  # never two empty groups in a row
    quiet = list(workers.processed_chunks(files, jobs=2))
    assert [] not in quiet and [i.document.source_path for g in quiet for i in g] == [str(f) for f, _ in files]
