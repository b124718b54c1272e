"""Benchmark the SQL models: dbt build vs the plain runner, and the marts vs a hand-written window query.

    .venv/bin/python bench/bench_models.py                  # 2M budget lines (~8k filings), a minute or two
    .venv/bin/python bench/bench_models.py --rows 10000000  # the 10M-row warehouse of bench_warehouse.py

The warehouse is bench_warehouse.py's synthetic one (counties × departments × years, ~250 budget
lines a filing), written in bulk (this bench times the models, not the loader).  On it, in one run:

1. the plain runner: each model's SQL (as dbt compiles it) run as ``create or replace table … as``
   in dependency order in one transaction — what yusuan's home-made runner did;
2. ``dbt build`` of the models only, then the full ``dbt build`` (models + seeds + every test), the
   way ``yusuan ingest`` runs it: the difference to (1) is dbt's cost per ingest;
3. every mart against the obvious hand-written query over the same rows (``REFERENCE``: the plainest query
   for what the mart says — aggregate to its grain, one ``LAG`` / rank window, a join for the names), with
   the ratio in wall and in CPU seconds (the CPU ratio is the steadier one on a shared machine).

A tenth of the filings get a 决算 beside their budget (outturn 90 %), so ``budget_execution`` has work.

4. the ingest's model build (``model_runs.refresh``) after a batch touching two departments (one filing
   republished, one new year): the full build against the incremental one, with and without the data tests;
   then the data tests alone after that incremental build: one query per test over the whole tables (the runner
   before), all in one query over the whole tables (a full build's), and in one query with the incremental
   models' tests over the changed departments' rows (an incremental build's) — the same verdicts.

Then the same on the shipped samples' warehouse (a small batch) to give the per-ingest overhead.

    .venv/bin/python bench/bench_models.py --model-step 9 --model-step 280   # the model step of an ingest, alone

    .venv/bin/python bench/bench_models.py --tail 280   # the ingest's serial tail: loading, models, close

5. the model step of ``yusuan ingest`` (``model_runs.refresh``, a full build with the data tests) on the warehouse
   of the 9 samples or of an N-filing corpus (bench/corpus.py): the runner now (one transaction, the tests in one
   query) against the runner step by step (each model its own transaction, each test its own query: the runner
   before), in CPU seconds, the better of three runs each.
6. the serial tail of ``yusuan ingest`` (``--tail N``): loading N filings read beforehand, the model step and closing
   the warehouse, loading in the readers' groups against ``loading.commit_groups``' (CPU seconds, alternating runs),
   and with the models built after every group but the last too (what building them beside the reading would cost:
   "load" then holds those builds).

    .venv/bin/python bench/bench_models.py --costs WAREHOUSE [--code /tmp/before --code .]

7. what each model and data test costs on a warehouse (``--costs``, e.g. ``yusuan ingest`` of bench/corpus.py's 280
   filings): every model's ``create or replace table`` in the plan's order, the one transaction's commit, the tests
   in the build's one query and each test alone, ``yoy_change`` against its hand-written window query; then the
   whole model step with the code of each ``--code`` checkout in alternating runs, each in a process of its own.
   On a loaded machine, wall figures count the others' work: ``chrt -f 5`` before the command (real-time priority,
   a few seconds) gives the wall of a machine with free cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_warehouse import synthetic  # noqa: E402

from pipelines.lib import transform, warehouse  # noqa: E402

# The hand-written counterpart of every mart: the plainest query an analyst would write for what the mart says,
# over the same fact rows — aggregate to the mart's grain, fill what the mart fills, one LAG / rank window — without
# the mart's care (a line printed in two tables counted once, like compared with like, exact decimals).
_JOINED = """select f.*, d.county, d.department_code, d.department_name, d.region
             from {fact} f join dw.dim_document d using (document_id){where}"""
REFERENCE = {
    # what the mart says, plainly: each line's yearly sum against the year before of the same series (department,
    # doc_type, scope, basis: like with like), with the department's names and the change; not what it adds (a line
    # counted once, years compared only when both are filed, a line dropped shown as a change to 0)
    "marts.yoy_change": """
        with yearly as (
            select department_key, doc_type, scope, basis, table_kind, subject_code, measure, year,
                   any_value(subject_name) as subject_name, sum(amount_wan) as amount_wan
            from dw.fct_budget_line group by all),
        compared as (
            select *, lag(amount_wan) over (partition by department_key, doc_type, scope, basis, table_kind,
                                            subject_code, measure order by year) as prior_amount_wan
            from yearly)
        select d.county, d.department_code, d.department_name, compared.*,
               amount_wan - prior_amount_wan as change_wan,
               round((amount_wan - prior_amount_wan) * 100 / prior_amount_wan, 2) as change_pct
        from compared join dw.dim_department d using (department_key)""",
    "marts.budget_execution": """
        with facts as (
            select department_key, year, scope, doc_type, basis, table_kind, subject_code, null as side,
                   null as item, null as category, measure, amount_wan from dw.fct_budget_line
            union all
            select department_key, year, scope, doc_type, basis, table_kind, subject_code, side, item, null,
                   measure, amount_wan from dw.fct_budget_summary
            union all
            select department_key, year, scope, doc_type, basis, 'three_public', null, null, null, category,
                   fund_source, amount_wan from dw.fct_three_public),
        outturn as (
            select department_key, year, scope, table_kind, subject_code, side, item, category, measure,
                   sum(amount_wan) filter (where basis = 'final') as final_wan,
                   sum(amount_wan) filter (where basis = 'budget') as printed_budget_wan
            from facts where doc_type = 'final_accounts' group by all),
        budgets as (
            select department_key, year, scope, table_kind, subject_code, side, item, category, measure,
                   sum(amount_wan) as budget_wan
            from facts where doc_type = 'budget' and basis = 'budget' group by all)
        select o.*, coalesce(o.printed_budget_wan, b.budget_wan) as budget_wan,
               o.final_wan * 100 / coalesce(o.printed_budget_wan, b.budget_wan) as execution_pct
        from outturn o left join budgets b
            on o.department_key = b.department_key and o.year = b.year and o.scope = b.scope
            and o.table_kind = b.table_kind and o.subject_code is not distinct from b.subject_code
            and o.side is not distinct from b.side and o.item is not distinct from b.item
            and o.category is not distinct from b.category and o.measure = b.measure""",
    "marts.budget_lines": _JOINED.format(fact="dw.fct_budget_line", where=""),
    "marts.budget_summary": _JOINED.format(fact="dw.fct_budget_summary", where=""),
    "marts.three_public": _JOINED.format(
        fact="dw.fct_three_public", where=" where f.basis in ('budget', 'adjusted_budget', 'final')"),
    "marts.three_public_comparisons": _JOINED.format(
        fact="dw.fct_three_public", where=" where f.basis not in ('budget', 'adjusted_budget', 'final')"),
    "marts.projects": _JOINED.format(fact="dw.fct_project", where=""),
    "marts.performance_indicators": _JOINED.format(fact="dw.fct_performance_indicator", where=""),
    "marts.unit_lines": _JOINED.format(fact="staging.unit_lines", where=" where d.status = 'loaded'"),
    "marts.procurement": _JOINED.format(fact="staging.procurement", where=" where d.status = 'loaded'"),
    "marts.restatements": """select *, coalesce(new_amount_wan, 0) - coalesce(old_amount_wan, 0) as change_wan
                             from core.restatements""",
    "marts.split_filing_checks": """
        with figures as (
            select document_id, case side when 'income' then 'income_total' else 'expense_total' end as figure,
                   max(amount_wan) as table_wan
            from staging.budget_summary where table_kind = 'summary' and measure = 'amount'
                and item = 'current_year_total' group by all
            union all
            select document_id, category, max(amount_wan) from staging.three_public
            where fund_source = 'total' group by all)
        select n.county, t.department_name, n.year, s.figure, s.stated_wan, f.table_wan,
               s.stated_wan - f.table_wan as difference_wan
        from dw.dim_document n
        join dw.dim_document t on t.department_key = n.department_key and t.year = n.year
            and t.doc_type = n.doc_type and t.part is null and t.status = 'loaded'
        join staging.narrative_figures s on s.document_id = n.document_id
        join figures f on f.document_id = t.document_id and f.figure = s.figure
        where n.status = 'loaded' and n.part = 'narrative'""",
    "marts.department_ranking": """
    with totals as (
        select d.department_key, d.county, d.doc_type, d.year, d.document_id,
               coalesce(s.total_wan, l.total_wan) as total_wan, t.three_public_wan
        from dw.dim_document d
        left join (select document_id, sum(amount_wan) as total_wan from dw.fct_budget_summary
                   where table_kind = 'summary' and side = 'expense' and item = 'current_year_total'
                   and measure = 'amount' group by 1) s using (document_id)
        left join (select document_id, sum(amount_wan) as total_wan from dw.fct_budget_line
                   where table_kind = 'expenditure' and measure = 'total' and subject_level = 1 group by 1) l
            using (document_id)
        left join (select document_id, sum(amount_wan) as three_public_wan from dw.fct_three_public
                   where fund_source = 'total' and category = 'total' and basis = 'budget' group by 1) t
            using (document_id)
        where d.status = 'loaded' and d.scope = 'department'),
    prior as (
        select *, lag(total_wan) over (partition by department_key, doc_type order by year) as prior_wan
        from totals)
    select *, total_wan - prior_wan as change_wan,
           rank() over (partition by county, doc_type, year order by total_wan desc) as rank_by_total,
           rank() over (partition by county, doc_type, year order by total_wan - prior_wan desc) as rank_by_change,
           rank() over (partition by county, doc_type, year order by (total_wan - prior_wan) / prior_wan desc)
               as rank_by_change_pct,
           count(*) over (partition by county, doc_type, year) as n_departments
    from prior""",
    "marts.three_public_trend": """
    with own as (
        select department_key, doc_type, scope, basis, category, year, any_value(document_id) as document_id,
               sum(amount_yuan) as amount_yuan, sum(amount_wan) as amount_wan
        from dw.fct_three_public
        where fund_source = 'total' and basis in ('budget', 'adjusted_budget', 'final') group by all),
    filled as (  -- every category the series printed, in every year it has a 三公 table
        select k.department_key, k.doc_type, k.scope, k.basis, c.category, k.year, own.document_id,
               coalesce(own.amount_yuan, 0) as amount_yuan, coalesce(own.amount_wan, 0) as amount_wan
        from (select distinct department_key, doc_type, scope, basis, year from own) k
        join (select distinct department_key, doc_type, scope, basis, category from own) c
            using (department_key, doc_type, scope, basis)
        left join own using (department_key, doc_type, scope, basis, category, year))
    select d.county, d.department_code, d.department_name, filled.*,
           lag(amount_wan) over (partition by department_key, doc_type, scope, basis, category order by year)
               as prior_amount_wan
    from filled join dw.dim_department d using (department_key)""",
    "marts.three_public_by_county": """
    with own as (
        select d.county, f.doc_type, f.year, f.category, count(distinct f.department_key) as n_departments,
               sum(f.amount_yuan) as amount_yuan, sum(f.amount_wan) as amount_wan
        from dw.fct_three_public f join dw.dim_department d using (department_key)
        where f.fund_source = 'total' and f.scope = 'department'
            and f.basis = case when f.doc_type = 'final_accounts' then 'final' else 'budget' end
        group by all),
    filled as (
        select k.county, k.doc_type, k.year, c.category, coalesce(own.n_departments, 0) as n_departments,
               coalesce(own.amount_yuan, 0) as amount_yuan, coalesce(own.amount_wan, 0) as amount_wan
        from (select distinct county, doc_type, year from own) k
        join (select distinct county, doc_type, category from own) c using (county, doc_type)
        left join own using (county, doc_type, year, category))
    select *, lag(amount_wan) over (partition by county, doc_type, category order by year) as prior_amount_wan
    from filled""",
}


def bulk_load(con, rows: int, years: int) -> int:
    documents, frames = synthetic(rows, years)
    now = datetime.now(UTC)
    docs = documents.drop("n").with_columns(
        status=pl.lit("loaded"), unit=pl.lit("元"), doc_type=pl.lit("budget"),
        ingested_at=pl.lit(now), status_changed_at=pl.lit(now),
    )
    con.begin()
    warehouse.register_frame(con, "_docs", docs)
    con.execute("insert into core.documents by name select * from _docs").fetchall()
    con.unregister("_docs")
    for name, frame in frames.items():
        if "source_row" not in frame.columns or frame["source_row"].null_count():
            # the generator leaves the 收支总表 lines without a row number; a filing prints them on rows
            frame = frame.with_columns(source_table=pl.lit(0, pl.Int32),
                                       source_row=pl.int_range(pl.len(), dtype=pl.Int32).over("document_id"))
        view = f"_f_{name}"
        warehouse.register_frame(con, view, frame)
        con.execute(f"insert into {warehouse.FRAME_TABLES[name]} by name select * from {view}").fetchall()
        con.unregister(view)
    # a 决算 for every tenth filing (county 县k's department d, year y): its outturn at 90 % of the budget, and the
    # budget printed beside it for every other line, so budget_execution has budget and outturn to meet
    con.execute("""create temp table _finals as select document_id as budget_id,
                   md5('final-' || document_id) as document_id from core.documents where hash(document_id) % 10 = 0""")
    con.execute("""insert into core.documents by name select d.* replace (f.document_id as document_id,
                   'final_accounts' as doc_type, d.file_name || '.决算' as file_name)
                   from core.documents d join _finals f on d.document_id = f.budget_id""")
    for table in ("budget_lines", "three_public", "budget_summary"):
        con.execute(f"""insert into staging.{table} by name
                        select s.* replace (f.document_id as document_id, 'final' as basis,
                                            round(s.amount_wan * 0.9, 6)::decimal(18, 6) as amount_wan,
                                            round(s.amount_yuan * 0.9, 2)::decimal(18, 2) as amount_yuan)
                        from staging.{table} s join _finals f on s.document_id = f.budget_id
                        union all by name
                        select s.* replace (f.document_id as document_id)
                        from staging.{table} s join _finals f on s.document_id = f.budget_id
                        where s.source_row % 2 = 0""")
    con.execute("drop table _finals")
    con.commit()
    return con.execute("select count(*) from staging.budget_lines").fetchall()[0][0]


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def plain_runner(con, compiled: dict[str, str]) -> dict[str, float]:
    seconds = {}
    con.begin()
    for name in transform.model_names():
        seconds[name], _ = timed(lambda n=name: con.execute(
            f"create or replace table {n} as\n{compiled[n]}").fetchall())
    con.commit()
    return seconds


def compare(db: Path, label: str) -> None:
    con = warehouse.connect(db)
    con.execute("set enable_progress_bar = false").fetchall()
    transform.manifest(db)  # parsed once, as in a long-running process (a new process adds the parse)
    compiled = transform.compiled_sql(db)
    runner = plain_runner(con, compiled)
    runner_s = sum(runner.values())
    con.close()
    models_s, _ = timed(lambda: transform.build(db, exclude=["resource_type:test"]))
    build_s, result = timed(lambda: transform.build(db))
    n_tests = len(result.tests)
    print(f"[{label}] plain runner (same SQL, one transaction): {runner_s:.2f}s")
    print(f"[{label}] dbt build, models only:                  {models_s:.2f}s  (+{models_s - runner_s:.2f}s)")
    print(f"[{label}] dbt build, models + {n_tests} tests:           {build_s:.2f}s  (+{build_s - runner_s:.2f}s)")
    if label != "bench":
        return
    con = warehouse.connect(db)
    con.execute("create schema if not exists bench_ref").fetchall()
    print(f"[{label}] marts vs the hand-written window query over the same rows (both written as tables, "
          "each run twice in turn, the faster kept; CPU s = all threads, steadier on a shared machine):")
    marts = sorted(n for n in transform.model_names() if n.startswith("marts."))
    missing = [n for n in marts if n not in REFERENCE]
    if missing:
        raise SystemExit(f"no hand-written counterpart in REFERENCE for {', '.join(missing)}: add one")
    for name in marts:
        best = {"model": (float("inf"), float("inf")), "ref": (float("inf"), float("inf"))}
        for _ in range(2):
            for kind, sql in (("model", compiled[name]), ("ref", REFERENCE[name])):
                cpu = time.process_time()
                wall, _ = timed(lambda s=sql: con.execute(f"create or replace table bench_ref.ref as {s}").fetchall())
                best[kind] = min(best[kind], (wall, time.process_time() - cpu))
        rows = con.execute(f"select count(*) from {name}").fetchall()[0][0]
        (m_wall, m_cpu), (r_wall, r_cpu) = best["model"], best["ref"]
        print(f"  {name:<32} {rows:>11,} rows  model {m_wall:6.3f}s  hand-written {r_wall:6.3f}s  "
              f"ratio {m_wall / r_wall:4.1f}x  (CPU {m_cpu:6.3f}s vs {r_cpu:6.3f}s, "
              f"{m_cpu / max(r_cpu, 1e-3):4.1f}x)" + ("  (empty here)" if not rows else ""))
    slowest = sorted(runner.items(), key=lambda kv: -kv[1])[:5]
    print(f"[{label}] slowest models: " + ", ".join(f"{n} {s:.2f}s" for n, s in slowest))
    con.close()


def incremental(db: Path) -> None:
    """The ingest's build (model_runs.refresh) after a batch touching two departments: full vs incremental."""
    from pipelines.lib import model_runs

    con = warehouse.connect(db)
    con.execute("set enable_progress_bar = false").fetchall()
    model_runs.plan(db)  # compiled once (cached), as after the first ingest
    q = lambda sql: con.execute(sql).fetchall()  # noqa: E731

    def build(**kw) -> tuple[float, float, dict]:
        report: dict = {}
        cpu, wall = time.process_time(), time.perf_counter()
        model_runs.refresh(con, report=report, **kw)
        return time.process_time() - cpu, time.perf_counter() - wall, report

    # a batch: one department's budget republished (one amount changed: the old one superseded), another's next year
    (a,), (b,) = q("select document_id from core.documents where doc_type = 'budget' order by document_id limit 2")
    q(f"""create temp table _batch as select md5('v2-' || document_id) as new_id, document_id as old_id,
          year + case when document_id = '{b}' then 100 else 0 end as new_year
          from core.documents where document_id in ('{a}', '{b}')""")

    def load_batch() -> None:
        q("""insert into core.documents by name select d.* replace (b.new_id as document_id, b.new_year as year,
             d.file_name || '.v2' as file_name) from core.documents d join _batch b on d.document_id = b.old_id""")
        for table in ("budget_lines", "three_public", "budget_summary"):
            q(f"""insert into staging.{table} by name select s.* replace (b.new_id as document_id,
                  s.amount_wan + case when s.source_row = 3 then 1 else 0 end as amount_wan)
                  from staging.{table} s join _batch b on s.document_id = b.old_id""")
        q(f"update core.documents set status = 'superseded' where document_id = '{a}'")

    spent: dict[bool, tuple[float, float]] = {}
    for tests in (False, True):
        build(force=True, tests=tests)  # the state before the batch
        q("checkpoint")
        q("begin")
        load_batch()
        q("commit")
        inc_cpu, inc_wall, report = build(tests=tests)
        full_cpu, full_wall, _ = build(force=True, tests=tests)
        spent[tests] = (full_cpu, inc_cpu)
        print(f"[bench] the ingest's model build after a batch touching {report['departments']} departments "
              f"({'with' if tests else 'without'} the data tests): full {full_cpu:.2f} CPU s ({full_wall:.2f}s wall)"
              f" -> {report['mode']} {inc_cpu:.2f} CPU s ({inc_wall:.2f}s wall), {full_cpu / inc_cpu:.0f}x less")
        if tests:
            (full_t, inc_t), (full_m, inc_m) = spent[True], spent[False]
            print(f"[bench]   the data tests inside those builds (with − without): full {full_t - full_m:.2f} CPU s, "
                  f"incremental {inc_t - inc_m:.2f} CPU s")
            data_tests(con)
        # undo the batch for the next round
        q("begin")
        q("delete from core.documents where document_id in (select new_id from _batch)")
        for table in ("budget_lines", "three_public", "budget_summary"):
            q(f"delete from staging.{table} where document_id in (select new_id from _batch)")
        q(f"update core.documents set status = 'loaded' where document_id = '{a}'")
        q("commit")
    con.close()


def data_tests(con) -> None:
    """The data tests alone, on the warehouse as the batch left it (the changed departments as the last
    incremental build found them): per test over whole tables, in one query whole, in one query scoped."""
    from pipelines.lib import model_runs

    the_plan = model_runs.plan(transform.database_path(con))
    model_runs.changed_departments(con, the_plan)
    tests = [s for s in the_plan["steps"] if s["type"] == "test"]
    scoped = sum("incremental_sql" in s for s in tests)

    def each() -> list[int]:
        return [con.execute(f"select count(*) from ({s['sql']}) t").fetchall()[0][0] for s in tests]

    def at_once(incremental: bool) -> list[int]:
        if incremental:  # the rows an incremental build wrote, which its scoped tests read (here from the tables:
            # an upper bound — the build keeps them as it writes them)
            for step in the_plan["steps"]:
                if step["type"] == "model" and "incremental_sql" in step:
                    con.execute(f"create or replace temp table {model_runs._rows_written(step['name'])} as "
                                f"select * from {step['name']} "
                                f"where {model_runs._DELETE[step['incremental_by']]}").fetchall()
        rows = dict(con.execute("\nunion all\n".join(
            f"select {i}, count(*) from ({model_runs._test_sql(s, incremental)}) t{i}"
            for i, s in enumerate(tests))).fetchall())
        return [rows[i] for i in range(len(tests))]

    timings = {}
    for label, fn in (("one query per test, whole tables", each), ("one query, whole tables", lambda: at_once(False)),
                      ("one query, changed departments only", lambda: at_once(True))):
        best = (float("inf"), float("inf"))
        for _ in range(2):
            cpu, wall = time.process_time(), time.perf_counter()
            verdicts = fn()
            best = min(best, (time.process_time() - cpu, time.perf_counter() - wall))
        timings[label] = (best, verdicts)
    base = timings["one query per test, whole tables"]
    for label, ((cpu, wall), verdicts) in timings.items():
        same = "same verdicts" if [v > 0 for v in verdicts] == [v > 0 for v in base[1]] else "VERDICTS DIFFER"
        print(f"[bench]   {len(tests)} data tests ({scoped} of them scoped when incremental), {label:<38} "
              f"{cpu:5.2f} CPU s ({wall:.2f}s wall), {base[0][0] / cpu:4.1f}x less than per test whole; {same}")


def model_step(n: int, tmp: Path) -> None:
    """5.: the ingest's model step on a warehouse of ``n`` filings, the runner at once vs step by step."""
    from corpus import make_corpus

    from pipelines.lib import model_runs
    from pipelines.lib.ingest import ingest

    folder = ROOT / "data" / "samples" if n == 9 else tmp / f"corpus-{n}"
    if n != 9:
        make_corpus(folder, n)
    db = tmp / f"step-{n}" / "warehouse.duckdb"
    s = ingest([folder], db, echo=lambda _line: None, jobs=1)
    con = warehouse.connect(db)
    at_once = model_runs.run

    def step_by_step(con, the_plan, **kw):  # on the thread count the build at once runs on (model_runs._one_thread)
        threads = model_runs._one_thread(con, the_plan)
        try:
            return model_runs._run_steps(con, the_plan, **kw)
        finally:
            if threads is not None:
                con.execute(f"set threads = {threads}").fetchall()

    best: dict[str, float] = {}
    try:
        for _ in range(3):
            for label, runner in (("step by step", step_by_step), ("at once", at_once)):
                model_runs.run = runner
                cpu = time.process_time()
                model_runs.refresh(con, force=True, tests=True)
                best[label] = min(best.get(label, float("inf")), time.process_time() - cpu)
    finally:
        model_runs.run = at_once
    lines = con.execute("select count(*) from staging.budget_lines").fetchall()[0][0]
    con.close()
    print(f"[model step] {n} filings ({lines:,} budget lines, {s.loaded} loaded): step by step {best['step by step']:.2f} CPU s -> at once {best['at once']:.2f} CPU s "
          f"({best['step by step'] / best['at once']:.2f}x)")


def tail(n: int, tmp: Path, rounds: int = 3) -> None:
    """6.: the serial tail of ``yusuan ingest`` in its process: loading N processed filings (read once, beforehand)
    into a fresh warehouse, the model step, closing the warehouse — loading in the groups the readers hand back
    (``workers.processed_chunks``: a commit per ~32 filings) against the groups of ``loading.commit_groups`` (a commit
    per DuckDB row group's rows of the biggest table), in alternating runs, CPU seconds of this process."""
    from corpus import make_corpus

    from pipelines.lib import loading, model_runs
    from pipelines.lib.discovery import discover
    from pipelines.lib.workers import processed_chunks

    folder = ROOT / "data" / "samples" if n == 9 else tmp / f"corpus-{n}"
    if n != 9 and not folder.exists():
        make_corpus(folder, n)
    readers = list(processed_chunks(discover([folder]), jobs=1))
    cells = sum(item.frames["table_cells"].height for group in readers for item in group if "table_cells" in item.frames)
    variants = {"the readers' groups": lambda: readers, "commit_groups": lambda: list(loading.commit_groups(readers)),
                "commit_groups, models each": lambda: list(loading.commit_groups(readers))}
    runs: dict[str, list[tuple[float, ...]]] = {label: [] for label in variants}
    groups: dict[str, int] = {}
    for r in range(rounds):
        for label, grouped in variants.items():
            db = tmp / f"tail-{n}-{r}-{len(runs[label])}-{label[:6]}.duckdb"
            con = warehouse.connect(db)
            warehouse.apply_ddl(con)
            model_runs.plan(db)  # compiled once per project version (cached), as for every ingest after the first
            todo = grouped()
            groups[label] = len(todo)
            c0, w0 = time.process_time(), time.perf_counter()
            for k, items in enumerate(todo):
                loading.load_group(con, items)
                if label.endswith("models each") and k < len(todo) - 1:
                    model_runs.refresh(con)  # item 3: the models built beside the reading, a group at a time
            c1 = time.process_time()
            model_runs.refresh(con)
            c2 = time.process_time()
            con.close()
            c3, w3 = time.process_time(), time.perf_counter()
            runs[label].append((c1 - c0, c2 - c1, c3 - c2, c3 - c0, w3 - w0))
            db.unlink()
    print(f"[tail] {n} filings ({cells:,} raw.table_cells rows), the ingest's serial work in its process, "
          f"CPU s, median of {rounds} alternating runs (wall: disk waits included):")
    for label, rows in runs.items():
        load_s, models_s, close_s, total_s, wall_s = (sorted(col)[len(col) // 2] for col in zip(*rows, strict=True))
        print(f"  loading in {label:<26} {groups[label]:>3} commits: load {load_s:.3f}  models {models_s:.3f}  "
              f"close {close_s:.3f}  total {total_s:.3f} CPU s ({wall_s:.2f}s wall)")


# the model step of an ingest (model_runs.refresh, full, with the data tests) on a copy of a warehouse, in a process
# of its own that imports the code of a checkout (``--code``): CPU seconds (all threads) and wall of the step alone
_STEP = """
import json, resource, shutil, sys, time
sys.path.insert(0, sys.argv[1])
from pipelines.lib import model_runs, warehouse
shutil.copy(sys.argv[2], sys.argv[3])
con = warehouse.connect(sys.argv[3])
model_runs.plan(sys.argv[3])
cpu, wall = time.process_time(), time.perf_counter()
model_runs.refresh(con, force=True, tests=True)
con.close()
print(json.dumps([time.process_time() - cpu, time.perf_counter() - wall]))
"""


def step_in(code: Path, db: Path, tmp: Path) -> tuple[float, float]:
    """(CPU s, wall s) of the model step with the code of checkout ``code`` on a copy of ``db``."""
    import json
    import subprocess

    copy = tmp / f"step-{code.name}.duckdb"
    out = subprocess.run([sys.executable, "-c", _STEP, str(code), str(db), str(copy)], check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(code)}).stdout
    copy.unlink()
    cpu, wall = json.loads(out.strip().splitlines()[-1])
    return cpu, wall


def costs(db: Path, tmp: Path, codes: list[Path], rounds: int) -> None:
    """7.: what each model and each data test costs on a warehouse (``--costs WAREHOUSE``): every model's
    ``create or replace table`` in the plan's order and every test's query, one at a time (CPU and wall, the
    better of two rounds, on one thread as the build runs them there), the one transaction's commit, the tests in
    the build's one query, the hand-written window query of ``yoy_change``; then the whole model step
    (``model_runs.refresh``) with the code of each ``--code`` checkout, in alternating runs."""
    from pipelines.lib import model_runs

    work = tmp / "costs.duckdb"
    shutil.copy(db, work)
    con = warehouse.connect(work)
    con.execute("set enable_progress_bar = false").fetchall()
    the_plan = model_runs.plan(work)
    threads = model_runs._one_thread(con, the_plan)
    lines = con.execute("select count(*) from staging.budget_lines").fetchall()[0][0]
    spent: dict[str, tuple[float, float]] = {}

    def clock(label: str, sql: str | None = None, fn=None) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        con.execute(sql).fetchall() if sql is not None else fn()
        got = (time.process_time() - cpu, time.perf_counter() - wall)
        spent[label] = min(spent.get(label, got), got)

    tests = [s for s in the_plan["steps"] if s["type"] == "test"]
    for _ in range(2):
        con.begin()
        for step in the_plan["steps"]:
            if step["type"] == "model":
                clock(step["name"], f"create or replace table {step['name']} as {step['sql']}")
        clock("(the tests in one query)", "\nunion all\n".join(
            f"select {i}, count(*) from ({s['sql']}) dbt_internal_test" for i, s in enumerate(tests)))
        clock("(commit)", fn=con.commit)
        for step in tests:
            clock(step["name"], f"select count(*) from ({step['sql']}) dbt_internal_test")
        con.begin()  # written as a table too, as the model is
        clock("(hand-written yoy_change)", f"create or replace table main.bench_hand_written as "
              f"{REFERENCE['marts.yoy_change']}")
        con.rollback()
    if threads is not None:
        con.execute(f"set threads = {threads}").fetchall()
    con.close()
    models = [s["name"] for s in the_plan["steps"] if s["type"] == "model"]
    total = lambda names: tuple(sum(spent[n][k] for n in names) for k in (0, 1))  # noqa: E731
    print(f"[costs] {db} ({lines:,} budget lines), {'one thread' if threads else 'DuckDB threads as set'}, "
          "CPU s / wall s, the better of two rounds:")
    for name in sorted(models, key=lambda n: -spent[n][0]):
        print(f"  model {name:<34} {spent[name][0]:.4f} / {spent[name][1]:.4f}")
    print(f"  the {len(models)} models                         {total(models)[0]:.3f} / {total(models)[1]:.3f}")
    for label in ("(commit)", "(the tests in one query)", "(hand-written yoy_change)"):
        print(f"  {label:<40} {spent[label][0]:.3f} / {spent[label][1]:.3f}")
    print(f"  marts.yoy_change against the hand-written window query over the same rows: "
          f"{spent['marts.yoy_change'][0] / spent['(hand-written yoy_change)'][0]:.1f}x CPU")
    kinds: dict[str, list[str]] = {}
    for s in tests:
        kind = next((k for k in ("source_", "accepted_values", "not_null", "unique_combination", "unique",
                                 "relationships") if s["name"].startswith(k)), "other")
        kinds.setdefault(kind, []).append(s["name"])
    names = [s["name"] for s in tests]
    print(f"  the {len(tests)} tests one query each: {total(names)[0]:.3f} / {total(names)[1]:.3f}; by kind: " +
          ", ".join(f"{k} {len(v)} {total(v)[0]:.3f}" for k, v in kinds.items()))
    for name in sorted(names, key=lambda n: -spent[n][0])[:10]:
        print(f"  test {name[:70]:<70} {spent[name][0]:.4f} / {spent[name][1]:.4f}")
    if not codes:
        return
    runs: dict[Path, list[tuple[float, float]]] = {code: [] for code in codes}
    for _ in range(rounds):
        for code in codes:
            runs[code].append(step_in(code, db, tmp))
    print(f"[costs] the model step (model_runs.refresh: full, with the tests), {rounds} alternating runs each, "
          "CPU s / wall s, median (all):")
    for code, got in runs.items():
        cpu = sorted(c for c, _ in got)
        wall = sorted(w for _, w in got)
        print(f"  {str(code):<32} {cpu[len(cpu) // 2]:.3f} / {wall[len(wall) // 2]:.3f}   "
              f"({' '.join(f'{c:.2f}/{w:.2f}' for c, w in got)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2_000_000, help="budget lines (default 2M)")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--model-step", type=int, action="append", metavar="N",
                        help="only the model step of an ingest of N filings (9: the samples), repeatable")
    parser.add_argument("--tail", type=int, action="append", metavar="N",
                        help="only the ingest's serial tail (loading, models, close) for N filings (9: the samples)")
    parser.add_argument("--incremental-only", action="store_true",
                        help="only the incremental build and the data tests (4.), not the marts or dbt")
    parser.add_argument("--costs", type=Path, metavar="WAREHOUSE",
                        help="only each model's and test's cost on (a copy of) this warehouse, and the model step")
    parser.add_argument("--code", type=Path, action="append", default=[],
                        help="with --costs: time the model step with the code of this checkout too (repeatable; "
                        "e.g. a `git worktree add` of the commit before), in alternating runs")
    parser.add_argument("--rounds", type=int, default=5, help="with --costs --code: runs of the model step each")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="yusuan-bench-models-"))
    os.environ.setdefault("YUSUAN_DBT_ARTIFACTS", str(tmp / "dbt"))
    try:
        if args.costs:
            costs(args.costs, tmp, args.code, args.rounds)
            return
        if args.model_step or args.tail:
            for n in args.model_step or []:
                model_step(n, tmp)
            for n in args.tail or []:
                tail(n, tmp)
            return
        db = tmp / "warehouse.duckdb"
        con = warehouse.connect(db)
        warehouse.apply_ddl(con)
        load_s, n = timed(lambda: bulk_load(con, args.rows, args.years))
        con.close()
        print(f"bench warehouse: {n:,} budget lines, written in bulk in {load_s:.1f}s")
        if args.incremental_only:
            incremental(db)
            return
        compare(db, "bench")
        incremental(db)

        # a small batch: the shipped samples (8 filings), as `yusuan ingest data/samples` leaves them
        from pipelines.lib.ingest import ingest

        small = tmp / "samples" / "warehouse.duckdb"
        ingest([ROOT / "data" / "samples"], small, echo=lambda _line: None)
        compare(small, "samples")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(f"peak RSS {peak:.1f} GiB")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
