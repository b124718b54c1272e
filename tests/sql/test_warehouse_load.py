"""The warehouse's DDL and its one-transaction-per-filing loader, against real DuckDB files."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from decimal import Decimal

import duckdb
import polars as pl
import pytest
from wh_filings import count, doc_id, frame, lines, weixian_2023_frames, weixian_doc

from pipelines.lib import ddl, vocab, warehouse
from pipelines.lib.frames import FRAMES

STAGED = [
    "staging.budget_lines",
    "staging.budget_summary",
    "staging.three_public",
    "staging.performance_indicators",
    "staging.projects",
    "staging.narrative_figures",
    "quality.findings",
]


def table_counts(con) -> dict[str, int]:
    return {t: count(con, t) for t in ["core.documents", "core.restatements", *STAGED]}


def test_ddl_applies_twice_and_seeds_the_national_classes(con):
    warehouse.apply_ddl(con)  # the fixture applied it once already
    warehouse.apply_ddl(con)
    assert count(con, "dw.subject_seed") == 40  # 30 function classes + 10 economic
    named = dict(
        con.execute(
            "select subject_code, subject_name from dw.subject_seed where classification = 'function'"
        ).fetchall()
    )
    assert named["201"] == "一般公共服务支出"
    assert named["224"] == "灾害防治及应急管理支出"
    assert named["234"] == "抗疫特别国债安排的支出"
    assert "218" not in named  # no such class in the 2023 classification
    assert count(con, "dw.subject_seed", "classification = 'economic' and subject_code = '309'") == 1


_DUCKDB_TYPES = {
    pl.String: "VARCHAR",
    pl.Int8: "TINYINT",
    pl.Int16: "SMALLINT",
    pl.Int32: "INTEGER",
    pl.Boolean: "BOOLEAN",
    pl.Decimal(18, 2): "DECIMAL(18,2)",
    pl.Decimal(18, 6): "DECIMAL(18,6)",
}


@pytest.mark.parametrize("name", sorted(warehouse.FRAME_TABLES))
def test_staging_tables_match_the_frame_specs(con, name):
    schema, table = warehouse.FRAME_TABLES[name].split(".")
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    assert dict(columns) == {col: _DUCKDB_TYPES[dtype] for col, dtype in FRAMES[name].items()}


def test_the_tables_of_the_frames_are_generated_from_the_models_and_current():
    text = (warehouse.DDL_DIR / ddl.FRAMES_DDL).read_text(encoding="utf-8")
    assert text == ddl.frames_ddl(), "sql/ddl/20_frames.sql is stale: run `yusuan docs --dictionary`"
    # typed here, not read from the generator: what the warehouse has always declared for these columns
    assert "    basis varchar not null default 'budget',  -- budget 预算数" in text
    assert "    severity varchar not null check (severity in ('error', 'warning', 'info'))," in text
    assert '    "check" varchar not null,' in text
    assert "    amount_yuan decimal(18, 2)," in text and "    cost_wan decimal(18, 6)," in text


def test_the_constraints_the_models_declare_hold_in_the_warehouse(con):
    doc = "0" * 64
    con.execute("insert into quality.check_results (document_id, \"check\", status) values (?, 'schema', 'passed')",
                [doc])
    with pytest.raises(duckdb.ConstraintException):
        con.execute("insert into quality.check_results (document_id, \"check\", status) values (?, 'schema', 'ok')",
                    [doc])
    with pytest.raises(duckdb.ConstraintException):
        con.execute("insert into staging.budget_lines (document_id, table_kind) values (?, 'income')", [doc])
    con.execute("insert into staging.three_public (document_id, category, fund_source) values (?, 'total', 'total')",
                [doc])
    assert con.execute("select basis from staging.three_public").fetchall() == [("budget",)]


def test_loading_the_same_filing_twice_changes_nothing(con):
    first = warehouse.load_document(con, weixian_doc(), weixian_2023_frames())
    assert first.outcome == "loaded"
    assert first.rows["budget_lines"] == 8
    before = table_counts(con)
    second = warehouse.load_document(con, weixian_doc(), weixian_2023_frames())
    assert (second.outcome, second.status) == ("unchanged", "loaded")
    assert table_counts(con) == before
    assert before["staging.budget_lines"] == 8
    assert before["quality.findings"] == 1


def test_a_byte_identical_copy_under_another_name_is_the_same_document(con):
    warehouse.load_document(con, weixian_doc(), weixian_2023_frames())
    copy = weixian_doc(file_name="副本.docx", source_path="inbox/副本.docx")
    assert warehouse.load_document(con, copy, weixian_2023_frames()).outcome == "unchanged"
    rows = con.execute("select file_name, status from core.documents").fetchall()
    assert rows == [("中共魏县县委办公室2023年部门预算.docx", "loaded")]
    assert count(con, "staging.budget_lines") == 8


def test_amounts_stay_exact_decimals(con):
    warehouse.load_document(con, weixian_doc(), weixian_2023_frames())
    warehouse.rebuild_models(con)
    rows = con.execute(
        "select amount_wan, amount_yuan from marts.budget_summary where item = 'general_public_budget'"
    ).fetchall()
    assert rows == [(Decimal("2041.420000"), Decimal("20414200.00"))]
    # and back: 元 / 10000 is the 万元 figure to the last digit
    back = con.execute(
        "select amount_yuan / 10000 = amount_wan, typeof(amount_wan) from marts.budget_summary "
        "where item = 'general_public_budget'"
    ).fetchall()
    assert back == [(True, "DECIMAL(18,6)")]
    out = warehouse.query_pl(con, "select amount_yuan from marts.three_public where category = 'reception'")
    assert out.schema["amount_yuan"] == pl.Decimal(18, 2)
    assert out["amount_yuan"].to_list() == [Decimal("545000.00")]


def replaced_frames() -> dict[str, pl.DataFrame]:
    """The same filing re-published: 201 corrected, 210 dropped, 212 added, 三公 reception cut."""
    budget_lines = frame(
        "budget_lines",
        lines(
            "expenditure",
            "function",
            "total",
            [
                ("201", "一般公共服务支出", "1980.00"),
                ("20129", "群众团体事务", "291.31"),
                ("2012901", "行政运行", "291.31"),
                ("208", "社会保障和就业支出", "49.89"),
                ("212", "城乡社区支出", "3.00"),
            ],
        )
        + lines(
            "basic_expenditure",
            "economic",
            "total",
            [
                ("301", "工资福利支出", "308.39"),
                ("302", "商品和服务支出", "46.76"),
                ("303", "对个人和家庭的补助", "3.17"),
            ],
        ),
    )
    three_public = frame(
        "three_public",
        [
            {
                "category": "total",
                "fund_source": "total",
                "amount_wan": Decimal("50.00"),
                "amount_yuan": Decimal("500000.00"),
            },
            {
                "category": "reception",
                "fund_source": "total",
                "amount_wan": Decimal("50.00"),
                "amount_yuan": Decimal("500000.00"),
            },
        ],
    )
    return weixian_2023_frames(budget_lines=budget_lines, three_public=three_public)


def test_a_replaced_filing_supersedes_the_old_one_and_records_what_changed(con):
    old_id, new_id = doc_id("weixian-2023-v1"), doc_id("weixian-2023-v2")
    warehouse.load_document(con, weixian_doc("weixian-2023-v1"), weixian_2023_frames())
    result = warehouse.load_document(
        con, weixian_doc("weixian-2023-v2", file_name="更正版.docx"), replaced_frames()
    )
    assert result.outcome == "loaded"
    assert result.superseded == (old_id,)
    statuses = dict(con.execute("select document_id, status from core.documents").fetchall())
    assert statuses == {old_id: "superseded", new_id: "loaded"}
    assert con.execute(
        "select superseded_by from core.documents where document_id = ?", [old_id]
    ).fetchall() == [(new_id,)]

    warehouse.rebuild_models(con)
    for mart in ["marts.budget_lines", "marts.budget_summary", "marts.three_public", "marts.projects"]:
        assert con.execute(f"select distinct document_id from {mart}").fetchall() == [(new_id,)], mart
    assert con.execute("select amount_wan from marts.budget_lines where subject_code = '201'").fetchall() == [
        (Decimal("1980.000000"),)
    ]

    changes = con.execute(
        """
        select relation, table_kind, coalesce(subject_code, category), measure, change_kind,
            old_amount_wan, new_amount_wan
        from marts.restatements
        where old_document_id = ? and new_document_id = ? and county = '魏县'
            and department_code = '201' and year = 2023
        order by all
        """,
        [old_id, new_id],
    ).fetchall()
    d = Decimal
    assert changes == [
        ("budget_lines", "expenditure", "201", "total", "changed", d("1974.410000"), d("1980.000000")),
        ("budget_lines", "expenditure", "210", "total", "disappeared", d("17.120000"), None),
        ("budget_lines", "expenditure", "212", "total", "appeared", None, d("3.000000")),
        ("three_public", "three_public", "reception", "total", "changed", d("54.500000"), d("50.000000")),
        ("three_public", "three_public", "subtotal", "total", "disappeared", d("54.500000"), None),
        ("three_public", "three_public", "total", "general_public", "disappeared", d("54.500000"), None),
        ("three_public", "three_public", "total", "total", "changed", d("54.500000"), d("50.000000")),
    ]
    assert result.restated == len(changes)


def test_a_department_without_code_is_matched_by_name(con):
    first = weixian_doc("no-code-v1", department_code=None, department_name="魏县档案馆")
    second = weixian_doc("no-code-v2", department_code=None, department_name="魏县档案馆")
    other = weixian_doc("no-code-other", department_code=None, department_name="魏县史志办")
    for doc in (first, other, second):
        warehouse.load_document(con, doc, weixian_2023_frames())
    statuses = dict(con.execute("select document_id, status from core.documents").fetchall())
    assert statuses == {
        doc_id("no-code-v1"): "superseded",
        doc_id("no-code-other"): "loaded",
        doc_id("no-code-v2"): "loaded",
    }


def test_another_year_or_county_does_not_supersede(con):
    warehouse.load_document(con, weixian_doc("a"), weixian_2023_frames())
    warehouse.load_document(con, weixian_doc("b", year=2024), weixian_2023_frames())
    warehouse.load_document(con, weixian_doc("c", county="大名县"), weixian_2023_frames())
    assert count(con, "core.documents", "status = 'loaded'") == 3
    assert count(con, "core.restatements") == 0


def test_an_error_mid_load_writes_nothing_of_that_filing(con):
    warehouse.load_document(con, weixian_doc("earlier"), weixian_2023_frames())
    before = table_counts(con)
    # budget_lines goes in first, then three_public fails: its amount is not a number.
    bad_three_public = pl.DataFrame(
        {"category": ["total"], "fund_source": ["total"], "amount_wan": ["五十四点五"]},
        schema={"category": pl.String, "fund_source": pl.String, "amount_wan": pl.String},
    )
    broken = weixian_doc("broken", year=2024)
    with pytest.raises(duckdb.ConversionException):
        warehouse.load_document(con, broken, weixian_2023_frames(three_public=bad_three_public))
    assert table_counts(con) == before
    assert warehouse.document_status(con, broken["document_id"]) is None
    # the earlier filing is intact and the connection usable
    assert warehouse.document_status(con, doc_id("earlier")) == "loaded"
    assert warehouse.load_document(con, broken, weixian_2023_frames()).outcome == "loaded"


def test_a_replacement_that_fails_leaves_the_old_filing_loaded(con):
    warehouse.load_document(con, weixian_doc("v1"), weixian_2023_frames())
    bad = weixian_2023_frames(
        projects=pl.DataFrame({"project_name": ["x"], "cost_wan": ["n/a"]}),
    )
    with pytest.raises(duckdb.Error):
        warehouse.load_document(con, weixian_doc("v2"), bad)
    assert dict(con.execute("select document_id, status from core.documents").fetchall()) == {
        doc_id("v1"): "loaded"
    }
    assert count(con, "core.restatements") == 0


def test_a_frame_with_an_unknown_column_is_refused_before_writing(con):
    bad = frame("budget_lines", []).with_columns(pl.lit("x").alias("fiscal_year"))
    with pytest.raises(ValueError, match="fiscal_year"):
        warehouse.load_document(con, weixian_doc(), weixian_2023_frames(budget_lines=bad))
    assert table_counts(con)["core.documents"] == 0


def test_bad_document_fields_are_named(con):
    with pytest.raises(ValueError, match="dept_code"):
        warehouse.load_document(con, {**weixian_doc(), "dept_code": "201"}, {})
    with pytest.raises(ValueError, match="sha256"):
        warehouse.load_document(con, weixian_doc(document_id="abc"), {})
    with pytest.raises(ValueError, match="千元"):
        warehouse.load_document(con, weixian_doc(unit="千元"), {})
    with pytest.raises(ValueError, match="year"):
        warehouse.load_document(con, weixian_doc(year="2023年"), {})
    with pytest.raises(ValueError, match="unknown frames"):
        warehouse.load_document(con, weixian_doc(), {"sangong": frame("three_public", [])})


def test_rejections_are_recorded_and_a_fixed_file_is_a_new_document(con):
    rejected = weixian_doc("broken-bytes", error="表3 支出总表的合计不等于各类之和", year=None)
    findings = frame(
        "findings",
        [
            {
                "severity": "error",
                "check": "total_equals_sum",
                "table_kind": "expenditure",
                "message": "合计不等于各类之和",
            }
        ],
    )
    assert warehouse.record_rejection(con, rejected, findings) == "rejected"
    assert warehouse.record_rejection(con, {**rejected, "error": "新的原因"}, findings) == "rejected"
    rows = con.execute("select status, error from core.documents").fetchall()
    assert rows == [("rejected", "新的原因")]
    assert count(con, "quality.findings") == 1  # replaced, not duplicated

    fixed = weixian_doc("fixed-bytes")
    assert warehouse.load_document(con, fixed, weixian_2023_frames()).outcome == "loaded"
    statuses = dict(con.execute("select document_id, status from core.documents").fetchall())
    assert statuses == {doc_id("broken-bytes"): "rejected", doc_id("fixed-bytes"): "loaded"}
    warehouse.rebuild_models(con)
    assert count(con, "marts.budget_lines", "document_id = ?", [doc_id("broken-bytes")]) == 0

    # a loaded file is never turned into a rejection by a later run
    assert warehouse.record_rejection(con, {**fixed, "error": "x"}) == "loaded"
    with pytest.raises(ValueError, match="error"):
        warehouse.record_rejection(con, weixian_doc("no-reason"))


def test_bytes_rejected_before_can_load_later(con):
    doc = weixian_doc("once-rejected")
    warehouse.record_rejection(con, {**doc, "error": "reader could not find the year"})
    result = warehouse.load_document(con, doc, weixian_2023_frames())
    assert result.outcome == "loaded"
    assert con.execute("select status, error from core.documents").fetchall() == [("loaded", None)]


_HOLD_LOCK = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.read()  # hold the lock until the test closes our stdin
    con.close()
    """
)


def test_a_second_process_gets_a_clear_error(db_path):
    warehouse.connect(db_path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(warehouse.WarehouseInUse) as caught:
            warehouse.connect(db_path)
        assert caught.value.pid == holder.pid
        message = str(caught.value)
        assert f"the warehouse {db_path} is in use by python" in message and f"(pid {holder.pid})" in message
        assert "--db" in message
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    warehouse.connect(db_path).close()  # free again once the holder is gone


def test_connect_creates_parent_folders_and_read_only_needs_a_file(tmp_path):
    path = tmp_path / "a" / "b" / "w.duckdb"
    with pytest.raises(warehouse.WarehouseMissing, match="no warehouse"):
        warehouse.connect(path, read_only=True)
    warehouse.connect(path).close()
    assert path.exists()
    ro = warehouse.connect(path, read_only=True)
    assert ro.execute("select 42").fetchall() == [(42,)]
    ro.close()


def test_a_file_named_like_a_schema_is_refused(tmp_path):
    # DuckDB names the database after the file: a catalog "marts" would make marts.x ambiguous.
    with pytest.raises(ValueError, match="named like one of its schemas"):
        warehouse.connect(tmp_path / "marts.duckdb")
    assert not (tmp_path / "marts.duckdb").exists()


# The hand-written DDL of the tables that are not frames (core.*) lists allowed values too: each list must be its
# vocabulary's (the frames' lists are generated from the models, whose isin come from the same enums).
_CHECKED_VOCABULARIES = {
    ("core", "documents", "doc_type"): vocab.DocType,
    ("core", "documents", "scope"): vocab.Scope,
    ("core", "documents", "unit"): vocab.Unit,
    ("core", "documents", "status"): vocab.DocStatus,
    ("core", "restatements", "change_kind"): vocab.ChangeKind,
    ("core", "department_aliases", "matched_by"): vocab.MatchedBy,
    ("quality", "findings", "severity"): vocab.Severity,
    ("quality", "check_results", "status"): vocab.CheckStatus,
}


def test_every_check_constraint_lists_its_vocabulary(con):
    rows = con.execute(
        "select schema_name, table_name, constraint_column_names, expression from duckdb_constraints() "
        "where constraint_type = 'CHECK' and database_name = current_database()").fetchall()
    seen = set()
    for schema, table, (column,), expression in rows:
        key = (schema, table, column)
        assert key in _CHECKED_VOCABULARIES, f"{key} has a check constraint no vocabulary is declared for"
        allowed = set(re.findall(r"'([^']*)'", expression))
        assert allowed == set(vocab.codes(_CHECKED_VOCABULARIES[key])), key
        seen.add(key)
    assert seen == set(_CHECKED_VOCABULARIES)


def test_a_file_whose_database_is_named_like_a_schema_is_refused(tmp_path):
    # DuckDB names the database in marts.v2.duckdb "marts" too: the same ambiguity as marts.duckdb
    with pytest.raises(ValueError, match="named like one of its schemas"):
        warehouse.connect(tmp_path / "marts.v2.duckdb")
    assert not (tmp_path / "marts.v2.duckdb").exists()
