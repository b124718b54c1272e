"""The SQL models: registry and order, the star schema and the marts, with hand-computed figures."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from wh_filings import count, doc_id, frame, lines, weixian_2023_frames, weixian_doc

from pipelines.lib import warehouse

SQL = Path(warehouse.__file__).resolve().parents[2] / "sql"


def test_every_sql_file_is_registered_and_runs(con):
    on_disk = {p for p in SQL.rglob("*.sql") if p.parent.name != "macros"}
    registered = set(warehouse.ddl_files()) | {m.path for m in warehouse.models().values()}
    assert on_disk == registered
    built = warehouse.rebuild_models(con)
    assert set(built) == set(warehouse.model_order())
    assert set(built) == {f"{p.parent.name}.{p.stem}" for p in on_disk if p.parent.name != "ddl"}
    for name in built:
        assert count(con, name) == built[name]  # every model's table exists


def test_models_come_after_the_models_they_read():
    order = warehouse.model_order()
    all_models = warehouse.models()
    assert all_models["marts.yoy_change"].deps == (
        "dw.dim_department",
        "dw.dim_document",
        "dw.fct_budget_line",
    )
    for name, model in all_models.items():
        for dep in model.deps:
            assert order.index(dep) < order.index(name), (dep, name)
    assert all(len(m.code_version) == 64 for m in all_models.values())


def test_model_files_are_plain_selects():
    for model in warehouse.models().values():
        text = model.sql.lower()
        assert "create " not in text, model.path
        assert text.lstrip().startswith(("--", "with", "select", "{#")), model.path
        # relations are read through ref() / source(), so dbt knows the lineage (comments may name them)
        code = "\n".join(line.split("--")[0] for line in text.splitlines())
        assert " dw." not in code and " marts." not in code and " staging." not in code, model.path


def test_one_model_runs_by_name(con):
    warehouse.load_document(con, weixian_doc(), weixian_2023_frames())
    assert warehouse.run_model(con, "dw.dim_document") == 1
    assert warehouse.run_model(con, "dw.dim_department") == 1
    with pytest.raises(KeyError, match="marts.sangong"):
        warehouse.run_model(con, "marts.sangong")


def test_dim_subject_has_the_national_names_and_every_printed_code(con):
    warehouse.load_document(con, weixian_doc(), weixian_2023_frames())
    warehouse.rebuild_models(con)
    rows = con.execute(
        "select subject_code, subject_name, subject_level, parent_code, national_seed from dw.dim_subject "
        "where classification = 'function' and subject_code in ('201', '20129', '2012901', '205') order by 1"
    ).fetchall()
    assert rows == [
        ("201", "一般公共服务支出", 1, None, True),
        ("20129", "群众团体事务", 2, "201", False),
        ("2012901", "行政运行", 3, "20129", False),
        ("205", "教育支出", 1, None, True),  # never printed in this filing, known from the seed
    ]
    assert count(con, "dw.dim_subject", "classification = 'economic' and subject_code = '303'") == 1
    # the 40 seeded classes plus 20129 and 2012901
    assert count(con, "dw.dim_subject") == 42


def test_dim_department_is_stable_across_years_and_renames(con):
    warehouse.load_document(con, weixian_doc("2022", year=2022, department_name="中共魏县县委办公室"), {})
    warehouse.load_document(con, weixian_doc("2023"), {})
    warehouse.rebuild_models(con)
    rows = con.execute(
        "select county, department_code, department_name, names_seen, first_year, last_year from dw.dim_department"
    ).fetchall()
    assert rows == [
        (
            "魏县",
            "201",
            "中国共产党魏县委员会办公室",
            ["中共魏县县委办公室", "中国共产党魏县委员会办公室"],
            2022,
            2023,
        )
    ]


def expenditure(year_items: list[tuple[str, str, str]]):
    return frame("budget_lines", lines("expenditure", "function", "total", year_items))


def load_two_years(con):
    """魏县 201 in 2022 and 2023 (hand-typed), plus departments that cannot be compared."""
    y2022 = expenditure(
        [
            ("201", "一般公共服务支出", "1500.00"),
            ("208", "社会保障和就业支出", "50.00"),
            ("212", "城乡社区支出", "0.00"),  # printed 0: a row with 0
            ("213", "农林水支出", "10.00"),  # dropped in 2023
        ]
    )
    y2023 = expenditure(
        [
            ("201", "一般公共服务支出", "1974.41"),
            ("208", "社会保障和就业支出", "49.89"),
            ("212", "城乡社区支出", "5.00"),
            ("210", "卫生健康支出", "17.12"),  # new in 2023
        ]
    )
    warehouse.load_document(con, weixian_doc("201-2022", year=2022), {"budget_lines": y2022})
    warehouse.load_document(con, weixian_doc("201-2023"), {"budget_lines": y2023})
    # 202 filed 2023 only; 203 filed 2021 and 2023 (no 2022): neither has a year before to compare
    only = expenditure([("201", "一般公共服务支出", "100.00")])
    warehouse.load_document(
        con, weixian_doc("202-2023", department_code="202", department_name="甲"), {"budget_lines": only}
    )
    for year in (2021, 2023):
        doc = weixian_doc(f"203-{year}", department_code="203", department_name="乙", year=year)
        warehouse.load_document(con, doc, {"budget_lines": only})


def test_yoy_change_counts_a_missing_side_as_zero(con):
    load_two_years(con)
    warehouse.rebuild_models(con)
    rows = con.execute(
        """
        select department_code, subject_code, year, amount_wan, prior_year, prior_amount_wan,
            change_wan, change_pct
        from marts.yoy_change
        where table_kind = 'expenditure' and measure = 'total'
        order by department_code, subject_code
        """
    ).fetchall()
    assert rows == [
        ("201", "201", 2023, D("1974.41"), 2022, D("1500.00"), D("474.41"), D("31.63")),
        ("201", "208", 2023, D("49.89"), 2022, D("50.00"), D("-0.11"), D("-0.22")),
        ("201", "210", 2023, D("17.12"), 2022, D("0"), D("17.12"), None),  # new: prior 0
        ("201", "212", 2023, D("5.00"), 2022, D("0.00"), D("5.00"), None),  # printed 0 before
        ("201", "213", 2023, D("0"), 2022, D("10.00"), D("-10.00"), D("-100.00")),  # dropped
    ]
    names = dict(con.execute("select subject_code, subject_name from marts.yoy_change").fetchall())
    assert names["213"] == "农林水支出"  # named from the year it was printed


def test_yoy_change_leaves_superseded_filings_out(con):
    load_two_years(con)
    corrected = expenditure([("201", "一般公共服务支出", "1600.00"), ("208", "社会保障和就业支出", "50.00")])
    warehouse.load_document(con, weixian_doc("201-2022-v2", year=2022), {"budget_lines": corrected})
    warehouse.rebuild_models(con)
    rows = con.execute(
        "select subject_code, prior_amount_wan, change_wan from marts.yoy_change "
        "where department_code = '201' and subject_code in ('201', '213') order by 1"
    ).fetchall()
    assert rows == [("201", D("1600.00"), D("374.41"))]  # 213 is in neither loaded filing now


def three_public(rows: list[tuple[str, str, str]]):
    return frame(
        "three_public",
        [
            {"category": c, "fund_source": f, "amount_wan": D(a), "amount_yuan": D(a).scaleb(4)}
            for c, f, a in rows
        ],
    )


def load_three_public(con):
    y2022 = three_public(
        [
            ("total", "total", "65.00"),
            ("reception", "total", "60.00"),
            ("vehicles", "total", "5.00"),
            ("total", "general_public", "99.99"),  # not fund_source total: ignored by the trend
        ]
    )
    y2023 = three_public([("total", "total", "54.50"), ("reception", "total", "54.50")])  # vehicles blank
    other = three_public([("total", "total", "10.00"), ("reception", "total", "10.00")])
    summary_2022 = frame(
        "budget_summary",
        [
            {"table_kind": "summary", "side": "expense", "item": "current_year_total", "measure": "amount",
             "amount_wan": D("1562.00"), "amount_yuan": D("15620000.00")}
        ],
    )  # fmt: skip
    warehouse.load_document(
        con, weixian_doc("tp-2022", year=2022), {"three_public": y2022, "budget_summary": summary_2022}
    )
    warehouse.load_document(con, weixian_doc("tp-2023"), weixian_2023_frames(three_public=y2023))
    lines_202 = expenditure([("201", "一般公共服务支出", "300.00"), ("208", "社会保障和就业支出", "100.00"),
                             ("20805", "行政事业单位养老支出", "100.00")])  # fmt: skip
    doc_202 = weixian_doc("tp-202-2023", department_code="202", department_name="魏县人民政府办公室")
    warehouse.load_document(con, doc_202, {"three_public": other, "budget_lines": lines_202})


def test_three_public_trend(con):
    load_three_public(con)
    warehouse.rebuild_models(con)
    rows = con.execute(
        """
        select year, category, amount_wan, prior_amount_wan, change_wan, change_pct
        from marts.three_public_trend where department_code = '201'
        order by year, category
        """
    ).fetchall()
    assert rows == [
        (2022, "reception", D("60.00"), None, None, None),
        (2022, "total", D("65.00"), None, None, None),
        (2022, "vehicles", D("5.00"), None, None, None),
        (2023, "reception", D("54.50"), D("60.00"), D("-5.50"), D("-9.17")),
        (2023, "total", D("54.50"), D("65.00"), D("-10.50"), D("-16.15")),
        (2023, "vehicles", D("0"), D("5.00"), D("-5.00"), D("-100.00")),
    ]


def test_three_public_by_county(con):
    load_three_public(con)
    warehouse.rebuild_models(con)
    rows = con.execute(
        """
        select year, n_departments, amount_wan, prior_amount_wan, change_wan, change_pct
        from marts.three_public_by_county where county = '魏县' and category = 'total'
        order by year
        """
    ).fetchall()
    assert rows == [
        (2022, 1, D("65.00"), None, None, None),
        (2023, 2, D("64.50"), D("65.00"), D("-0.50"), D("-0.77")),
    ]


def test_department_ranking(con):
    load_three_public(con)
    warehouse.rebuild_models(con)
    rows = con.execute(
        """
        select department_code, total_wan, prior_total_wan, change_wan, change_pct, three_public_wan,
            rank_by_total, rank_by_change, n_departments
        from marts.department_ranking where county = '魏县' and year = 2023
        order by rank_by_total
        """
    ).fetchall()
    assert rows == [
        # 本年支出合计 of the 收支总表
        ("201", D("2041.42"), D("1562.00"), D("479.42"), D("30.69"), D("54.50"), 1, 1, 2),
        # no 收支总表: the 类 lines of the 支出总表, 300 + 100 (the 款 20805 not added again)
        ("202", D("400.00"), None, None, None, D("10.00"), 2, 2, 2),
    ]


def test_marts_keep_only_loaded_filings(con):
    warehouse.load_document(con, weixian_doc("loaded"), weixian_2023_frames())
    warehouse.record_rejection(con, weixian_doc("rejected", year=2024, error="无法读取"))
    warehouse.rebuild_models(con)
    for mart in ("budget_lines", "budget_summary", "three_public", "performance_indicators", "projects"):
        ids = con.execute(f"select distinct document_id from marts.{mart}").fetchall()
        assert ids == [(doc_id("loaded"),)], mart
    indicator = con.execute(
        "select county, department_code, year, project_seq, indicator_level2, target_value, classified "
        "from marts.performance_indicators"
    ).fetchall()
    assert indicator == [("魏县", "201", 2023, 1, "成本指标", "5万元", False)]
    assert con.execute("select project_name, cost_wan from marts.projects").fetchall() == [
        ("2022年县委重要文稿资料汇编经费", D("5.000000"))
    ]


def test_every_mart_amount_is_an_exact_decimal(con):
    warehouse.rebuild_models(con)
    columns = con.execute(
        "select table_name, column_name, data_type from information_schema.columns where table_schema = 'marts'"
    ).fetchall()
    amounts = [
        (t, c, k)
        for t, c, k in columns
        if c.endswith(("_wan", "_yuan", "_pct")) and not c.startswith("rank_")
    ]
    assert len(amounts) > 20
    for table, column, kind in amounts:
        expected = "DECIMAL(18,6)" if column.endswith("_wan") else "DECIMAL(18,2)"
        assert kind == expected, (table, column)


def test_a_line_printed_in_two_tables_of_its_kind_counts_once(con):
    # 江苏 city filings print the 支出总表's lines again in the 财政拨款支出表, both `expenditure` (无锡市商务局
    # 2026: 合计 17,466.65 on p.11, 公开03表 支出总表, and on p.15, 公开05表 财政拨款支出表（功能科目）): the marts'
    # sums take the first printed table only.
    warehouse.load_document(con, weixian_doc("201-2022", year=2022),
                            {"budget_lines": expenditure([("201", "一般公共服务支出", "1500.00")])})
    first = lines("expenditure", "function", "total",
                  [("201", "一般公共服务支出", "1974.41"), ("20101", "人大事务", "1974.41")])
    again = [{**row, "source_table": 9} for row in first]
    warehouse.load_document(con, weixian_doc("201-2023"), {"budget_lines": frame("budget_lines", first + again)})
    warehouse.rebuild_models(con)
    assert count(con, "marts.budget_lines") == 1 + 4  # every printed line stays, traced to its table
    assert con.execute(
        "select subject_code, amount_wan, prior_amount_wan, change_wan from marts.yoy_change "
        "where year = 2023 and measure = 'total' order by 1"
    ).fetchall() == [("201", D("1974.41"), D("1500.00"), D("474.41")), ("20101", D("1974.41"), D("0"), D("1974.41"))]
    # no 收支总表: the ranking's total is the 类 lines of the 支出总表, once
    assert con.execute(
        "select total_wan, prior_total_wan from marts.department_ranking where year = 2023"
    ).fetchall() == [(D("1974.41"), D("1500.00"))]
