"""A chunk of filings loaded in one transaction (``load_batch``: one insert per table for the chunk, the
department aliases and supersession worked out for all of it at once) leaves the warehouse exactly as loading
them one by one (``load_document``) does: the same documents and statuses, the same department aliases (a name
printed by an earlier filing of the chunk is known to a later one), the same supersessions and ledger."""

from __future__ import annotations

import polars as pl
from wh_filings import scaled, weixian_2023_final_frames, weixian_2023_frames, weixian_doc

from pipelines.lib import warehouse

# 江苏's 省委办公厅 printed three ways (real filings of 2017-2019), a 本级 filing, and a department of its own
NAMES = [
    ("a17", dict(year=2017, department_code=None, department_name="中国共产党江苏省委员会办公厅")),
    ("a18", dict(year=2018, department_code=None, department_name="中共江苏省委办公厅")),
    ("a19", dict(year=2019, department_code=None, department_name="江苏省委办公厅")),
    ("q26", dict(year=2026, department_code="305", department_name="泉州市人民政府办公室",
                 printed_name="泉州市人民政府办公室（本级）", scope="unit")),
    ("q26b", dict(year=2025, department_code="305", department_name="泉州市人民政府办公室",
                  printed_name="泉州市人民政府办公室（本级）", scope="unit")),
    ("w23", dict(year=2023)),
]


def _batches():
    """Two chunks: the second restates the first chunk's 2023 filing (new bytes, amounts ×1.1)."""
    frames = weixian_2023_frames()
    first = [(weixian_doc(label, **fields), frames, False) for label, fields in NAMES]
    restated = {**frames, "budget_lines": scaled(frames["budget_lines"], "1.1", "budget")}
    second = [(weixian_doc("w23-v2", year=2023), restated, False),
              (weixian_doc("x24", year=2024, department_code="999", department_name="魏县统计局"), frames, False)]
    return [first, second]


def _state(con) -> dict[str, list]:
    queries = {
        "documents": "select document_id, status, superseded_by, error from core.documents order by document_id",
        "aliases": "select county, alias, department, matched_by, document_id from core.department_aliases "
                   "order by alias",
        "files": "select document_id, path, county from core.files order by document_id",
        "restatements": "select * exclude (detected_at) from core.restatements order by all",
        "lines": "select document_id, count(*), sum(amount_yuan) from staging.budget_lines group by 1 order by 1",
    }
    return {k: con.execute(q).fetchall() for k, q in queries.items()}


def test_a_chunk_in_one_transaction_loads_what_one_by_one_loads(tmp_path):
    states, outcomes = [], []
    for batched in (True, False):
        con = warehouse.connect(tmp_path / f"{batched}.duckdb")
        try:
            warehouse.apply_ddl(con)
            done = []
            for chunk in _batches():
                if batched:
                    done += warehouse.load_batch(con, chunk)
                else:
                    done += [warehouse.load_document(con, doc, frames).outcome for doc, frames, _ in chunk]
            outcomes.append(done)
            states.append(_state(con))
        finally:
            con.close()
    assert outcomes[0] == outcomes[1] == ["loaded"] * 8
    assert states[0] == states[1]
    aliases = {alias: (dept, how) for _, alias, dept, how, _ in states[0]["aliases"]}
    # typed from the rule (load._record_alias), not from a run: the later 江苏 names are the first one's department
    assert aliases["中共江苏省委办公厅"] == ("中国共产党江苏省委员会办公厅", "abbreviation")
    assert aliases["江苏省委办公厅"][0] == "中国共产党江苏省委员会办公厅"
    assert aliases["泉州市人民政府办公室（本级）"] == ("泉州市人民政府办公室", "scope suffix")
    # 3 江苏 names, 泉州 and its 本级 name once each (two filings print them), 魏县's 县委办 and 统计局
    assert len(states[0]["aliases"]) == 7
    statuses = {d: s for d, s, _, _ in states[0]["documents"]}
    assert sorted(statuses.values()).count("superseded") == 1 and states[0]["restatements"]


def test_the_stacked_insert_sets_each_rows_document_id(tmp_path):
    frames = weixian_2023_frames()
    wrong = {**frames, "budget_lines": frames["budget_lines"].with_columns(pl.lit("not-mine").alias("document_id"))}
    con = warehouse.connect(tmp_path / "w.duckdb")
    try:
        warehouse.apply_ddl(con)
        warehouse.load_batch(con, [(weixian_doc("w23"), wrong, False),
                                   (weixian_doc("x24", year=2024, department_code="999"), frames, False)])
        ids = con.execute("select distinct d.file_name, l.document_id = d.document_id from staging.budget_lines l "
                          "join core.documents d using (document_id)").fetchall()
        n = con.execute("select count(*) from staging.budget_lines where document_id = 'not-mine'").fetchall()
    finally:
        con.close()
    assert n == [(0,)] and {same for _, same in ids} == {True}


# one department printed two ways in the same year: the later name ends with the earlier (load._record_alias,
# 'contained'), so the marts key both filings as one department (dim_document)
RENAMED = [("g23", "魏县人民政府办公室"), ("g23-renamed", "河北省魏县人民政府办公室")]


def test_a_filing_under_another_name_of_its_department_supersedes_the_earlier(tmp_path):
    # a 决算 re-filed under the department's longer name: one filing of that department, year and scope stays
    # loaded (else both reach budget_execution, whose one-row-per-key test fails and no mart builds)
    from pipelines.lib import model_runs

    final = weixian_2023_final_frames()
    revised = {**final, "budget_lines": scaled(final["budget_lines"], "1.1", "final")}
    chunk = [(weixian_doc(label, department_code=None, department_name=name, doc_type="final_accounts"), frames,
              False) for (label, name), frames in zip(RENAMED, (final, revised), strict=True)]
    for batched in (True, False):
        con = warehouse.connect(tmp_path / f"{batched}.duckdb")
        try:
            warehouse.apply_ddl(con)
            if batched:
                outcomes = warehouse.load_batch(con, chunk)
            else:
                outcomes = [warehouse.load_document(con, doc, frames).outcome for doc, frames, _ in chunk]
            statuses = dict(con.execute("select department_name, status from core.documents").fetchall())
            model_runs.refresh(con, tests=True)
            departments = con.execute("select distinct department_name from marts.budget_execution").fetchall()
        finally:
            con.close()
        assert outcomes == ["loaded", "loaded"]
        assert statuses == {"魏县人民政府办公室": "superseded", "河北省魏县人民政府办公室": "loaded"}
        assert departments == [("河北省魏县人民政府办公室",)]
