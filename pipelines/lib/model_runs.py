"""The SQL models at warehouse speed: dbt's compiled SQL run on the caller's connection, and no build at all
when nothing the models read has changed since their last successful build.

``yusuan ingest`` ends with the models.  ``dbt build`` (:func:`pipelines.lib.transform.build`) costs about
5 CPU seconds whatever the batch — importing dbt, loading the manifest, and dbt's own work around each of
~200 nodes (24 models, ~180 data tests) — for what is ~0.3 s of SQL on a small warehouse.  So the ingest:

1. **skips the build** when the tables the models read (dbt's sources) hold what they held at the last
   successful build (:func:`fingerprint`, recorded in ``core.model_build`` with the project's version),
   the models all exist, and that build ran the data tests if they are wanted now.  A crash between
   loading and the build, a failed build, or a model dropped by hand leaves no matching record, so the
   next ingest builds (even one that loads nothing);
2. otherwise **runs the plan** (:func:`plan`): every model's and every data test's SQL exactly as dbt
   compiles it for this warehouse (``dbt compile``, once per project version for every warehouse name,
   cached beside dbt's manifest), in dbt's build order — a model is ``create or replace table`` of its compiled
   select, a test counts the rows its compiled select returns.  As in ``dbt build``, a model downstream
   of a failed model or of a failed (error-severity) test is skipped and keeps its previous contents;
   failures raise :class:`~pipelines.lib.transform.ModelBuildFailed` naming each node;
3. **incrementally** where it can (:func:`changed_departments`): when the last build was this runner's and a
   batch touched at most a third of the departments, the incremental models (macro ``only_changed_departments``)
   delete and insert only those departments' rows; the others are built whole.  Their data tests read only the
   rows the build wrote where that gives the whole table's verdict (:func:`_scoped_test`); every other test
   reads the whole table (``tests/sql/test_incremental_models.py``: the same rows and verdicts as a full build);
4. in **one transaction with the tests in one query** (:func:`run`), falling back to one step at a time, with
   ``dbt build``'s skipping and messages, when anything fails.

dbt stays the one definition of the models and tests (the plan is its compiled output); Dagster's assets,
``yusuan docs`` and the SQL tests run dbt itself (``tests/sql/test_model_runs.py`` checks that both
runners build the same rows and fail the same tests).
"""

from __future__ import annotations

import graphlib
import hashlib
import json
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipelines.lib import settings, transform
from pipelines.lib.db import ROW_GROUP
from pipelines.lib.transform import BuildResult, ModelBuildFailed, NodeResult

PLAN_FORMAT = 6  # bump when the plan's layout changes (cached plans of another format are compiled again)
RECORD = "core.model_build"
STATE = "core.model_build_documents"  # what each filing was at the last build (incremental builds diff it)
INCREMENTAL_VAR = "yusuan_incremental"  # dbt var: compile the incremental models' department filters
CHANGED = "yusuan_changed_departments"  # temp table the filters read (macro only_changed_departments)
CHANGED_COUNTIES = "yusuan_changed_counties"  # their counties ('∅': none printed; macro only_changed_counties)
DOCUMENTS_MODEL = "dw.dim_document"  # where a filing's department_key is defined
DEPARTMENTS_MODEL = "dw.dim_department"  # a department's county
# the filter macro only_changed_departments compiles to, between its markers: stripped for a full build
_FILTER = re.compile(r"/\*<changed (departments|counties)>\*/.*?/\*</changed \1>\*/", re.S)
# an incremental build is worth it while a batch touches at most this share of the departments
INCREMENTAL_SHARE = 1 / 3
# the generic tests whose verdict on an incremental model is the same over the changed departments' rows as over
# the whole table, given that the other rows are untouched since the last build (which tested them): a test of
# each row on its own, or of a row against a dim rebuilt whole.  A uniqueness test is one only when its key holds
# department_key or document_id (two rows sharing it belong to one department); any other test sees the whole.
ROW_TESTS = ("not_null", "accepted_values", "relationships")
KEY_TESTS = ("unique", "unique_combination")
DEPARTMENT_COLUMNS = {"department_key", "document_id"}
# the rows of a changed department or county an incremental model replaces (by the filter its SQL calls)
_DELETE = {"departments": f"department_key in (select department_key from temp.main.{CHANGED})",
           "counties": f"coalesce(county, '∅') in (select county from temp.main.{CHANGED_COUNTIES})"}


# The database name the plan is compiled for, whatever the warehouse is called: dbt-duckdb writes the warehouse's
# database name (db.database_name) into every relation (``"<name>"."dw"."x"``), so a plan per name cost every new
# warehouse file name a ``dbt compile`` (~6 CPU s).  The one plan is compiled for this name and :func:`plan` writes the warehouse's in.
PLAN_DATABASE = "yusuan_compiled_plan"


def plan_path(warehouse: str | Path | None = None) -> Path:
    """The cached plan of this project version (one for every warehouse: ``warehouse`` is not needed)."""
    return transform.artifacts_dir() / PLAN_DATABASE / "plan.json"


def plan(warehouse: str | Path) -> dict[str, Any]:
    """The compiled build of this project version for ``warehouse`` (compiled once, cached, for any name)."""
    path = plan_path()
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("format") == PLAN_FORMAT and cached.get("project_version") == transform.project_version():
            return _named(cached, warehouse)
    except (OSError, ValueError):
        pass
    # compiled against a database file of this process's own (dbt-duckdb opens it, and holds its lock, while it
    # compiles): two processes compiling at once each get theirs, named as the plan needs
    scratch = path.parent / f"compile-{os.getpid()}"
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        made = _compile(scratch / f"{PLAN_DATABASE}.duckdb")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"plan-{os.getpid()}.json")
    tmp.write_text(json.dumps(made, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)  # concurrent ingests may compile at once: whole files only
    return _named(made, warehouse)


def _named(the_plan: dict[str, Any], warehouse: str | Path) -> dict[str, Any]:
    """The plan with the warehouse's database name where dbt wrote :data:`PLAN_DATABASE` (quoted, as dbt-duckdb
    quotes it in every relation: the SQL is what ``dbt compile`` gives for that warehouse)."""
    ours, theirs = f'"{PLAN_DATABASE}".', f'"{transform._database_name(warehouse)}".'
    if ours == theirs:
        return the_plan
    steps = [{**step, **{key: step[key].replace(ours, theirs) for key in ("sql", "incremental_sql") if key in step}}
             for step in the_plan["steps"]]
    return {**the_plan, "steps": steps}


def _compile(warehouse: str | Path) -> dict[str, Any]:
    """``dbt compile`` of every model and test; their SQL and dependencies in dbt's build order."""
    manifest = transform.manifest(warehouse)
    target = transform.artifacts_dir() / f"compile-{os.getpid()}"
    try:
        args = transform._common_args(target, str(Path(warehouse).resolve()), {INCREMENTAL_VAR: True})
        result = transform._invoke(["compile", *args, "--no-write-json",
                                    "--select", "resource_type:model", "resource_type:test"], manifest)
    finally:
        shutil.rmtree(target, ignore_errors=True)
    if not result.success:
        raise ModelBuildFailed(f"dbt compile failed: {result.exception}")
    compiled = {r.node.unique_id: r.node.compiled_code for r in result.result.results}
    name = transform._database_name(warehouse)
    # the database's name outside a relation (SQL naming the catalog) would not carry over to another warehouse
    named_apart = any(sql.count(name) != sql.count(f'"{name}".') for sql in compiled.values())
    nodes = manifest.nodes
    names = {uid: transform._node_name(n) for uid, n in nodes.items() if n.resource_type in ("model", "seed")}
    sources = sorted(f"{s.schema}.{s.identifier}" for s in manifest.sources.values())
    models = {uid: n for uid, n in nodes.items() if n.resource_type == "model"}
    # only tables can be rebuilt here; anything else (a view, an incremental model) goes through dbt
    fast = all(str(n.config.materialized) == "table" for n in models.values()) and not named_apart
    sorter = graphlib.TopologicalSorter({uid: [d for d in n.depends_on.nodes if d in models]
                                         for uid, n in models.items()})
    order = list(sorter.static_order())
    tests = sorted((uid for uid, n in nodes.items() if n.resource_type == "test"), key=lambda u: nodes[u].name)
    steps: list[dict[str, Any]] = []
    done = {uid for uid, n in nodes.items() if n.resource_type == "seed"} | set(manifest.sources)
    pending = list(tests)

    def ready_tests() -> None:
        for uid in [u for u in pending if set(nodes[u].depends_on.nodes) <= done]:
            pending.remove(uid)
            node = nodes[uid]
            step = {"id": uid, "type": "test", "name": node.name, "sql": compiled[uid],
                    "parents": list(node.depends_on.nodes), "severity": str(node.config.severity).lower()}
            scoped = _scoped_test(node, compiled[uid], nodes, incremental_models.get(node.attached_node))
            if scoped is not None:
                step["incremental_sql"] = scoped
            steps.append(step)

    # a model with filters is incremental: its rows of the changed departments (or of their counties) are
    # deleted and inserted again
    incremental_models: dict[str, str] = {}
    for uid in models:
        kinds = {m.group(1) for m in _FILTER.finditer(compiled[uid])}
        if len(kinds) > 1:
            raise ModelBuildFailed(f"{names[uid]} filters both on the changed departments and on their counties: "
                                   "a model is incremental by one of them (docs/warehouse.md)")
        if kinds:
            incremental_models[uid] = kinds.pop()
    ready_tests()
    read_by_incremental: set[str] = set()
    for uid in order:
        node = nodes[uid]
        # the full select is dbt's (the filters compile to nothing without the var); a model with filters is
        # incremental: its rows of the changed departments are deleted and inserted again from the filtered select
        full = _FILTER.sub("", compiled[uid])
        step = {"id": uid, "type": "model", "name": names[uid], "sql": full,
                "parents": [d for d in node.depends_on.nodes if d in names or d in manifest.sources]}
        if full != compiled[uid]:
            step["incremental_sql"] = compiled[uid]
            step["incremental_by"] = incremental_models[uid]
            read_by_incremental |= {f"{manifest.sources[d].schema}.{manifest.sources[d].identifier}"
                                    for d in node.depends_on.nodes if d in manifest.sources}
        steps.append(step)
        done.add(uid)
        ready_tests()
    if pending:  # a test on something that is never built: leave it to dbt
        fast = False
    seeds = {uid: names[uid] for uid, n in nodes.items() if n.resource_type == "seed"}
    return {"format": PLAN_FORMAT, "project_version": transform.project_version(), "fast": fast,
            "sources": sources, "seeds": sorted(seeds.values()), "seed_ids": seeds,
            "models": [names[u] for u in order], "steps": steps,
            # the tables whose rows per filing the state counts (core.documents is in the documents model's rows)
            "incremental_sources": sorted(read_by_incremental - {"core.documents"})}


def _scoped_test(node: Any, sql: str, nodes: Any, incremental_by: str | None) -> str | None:
    """A data test's SQL over only the changed departments' (or counties') rows of the incremental model it tests,
    where that gives the verdict the whole table would (:data:`ROW_TESTS`, :data:`KEY_TESTS` with a department's
    key, or a county's for a model incremental by county); None where the test must see the whole table (a model
    built whole, a global key, a test of another kind)."""
    meta = getattr(node, "test_metadata", None)
    model = getattr(node, "attached_node", None)
    if meta is None or incremental_by is None:
        return None
    if meta.name in KEY_TESTS:
        key = meta.kwargs.get("columns") or [meta.kwargs.get("column_name")]
        if not (DEPARTMENT_COLUMNS | ({"county"} if incremental_by == "counties" else set())) & set(key):
            return None
    elif meta.name not in ROW_TESTS:
        return None
    relation = nodes[model].relation_name
    if not relation or sql.count(relation) != 1:  # the tested model read once (a relationship's parent is a dim)
        return None
    return sql.replace(relation, f"temp.main.{_rows_written(transform._node_name(nodes[model]))}")


def _rows_written(model: str) -> str:
    """The temp table of the rows an incremental build wrote into ``model`` (schema.table): every row it holds
    of the changed departments, which the model's scoped tests read (:func:`_replace_changed`)."""
    return "yusuan_changed__" + model.replace(".", "__")


def run(con: duckdb.DuckDBPyConnection, the_plan: dict[str, Any], *, tests: bool = True,
        incremental: bool = False) -> BuildResult:
    """Run the plan on ``con``'s warehouse: every model, and its tests when ``tests``; dbt build's semantics.

    ``incremental``: the incremental models replace only the rows of the departments in temp table
    ``yusuan_changed_departments`` (:func:`changed_departments`); the others are built whole.  Their tests that
    can (:func:`_scoped_test`) then see only those departments' rows; every other test sees the whole table.

    The build is first tried as one transaction: every model, then every test in one query (a ``union all`` of
    their counts).  When all models build and no error-severity test fails — nearly always — it commits, and
    the warehouse moves from the last build's models to this one's at once.  Otherwise it is rolled back and
    the plan is run again step by step (:func:`_run_steps`), which stops what a failure stops as ``dbt build``
    does and names each failure.

    On a warehouse whose every table the models read fits in one DuckDB row group, the build runs on one thread
    (:func:`_one_thread`)."""
    threads = _one_thread(con, the_plan)
    try:
        try:
            result = _run_at_once(con, the_plan, tests=tests, incremental=incremental)
        except duckdb.Error as err:
            if isinstance(err, duckdb.InterruptException | duckdb.IOException | duckdb.FatalException):
                raise
            result = None
        return result if result is not None else _run_steps(con, the_plan, tests=tests, incremental=incremental)
    finally:
        if incremental:
            for step in the_plan["steps"]:
                if step["type"] == "model" and "incremental_sql" in step:
                    con.execute(f"drop table if exists temp.main.{_rows_written(step['name'])}").fetchall()
        if threads is not None:
            con.execute(f"set threads = {threads}").fetchall()


def _one_thread(con: duckdb.DuckDBPyConnection, the_plan: dict[str, Any]) -> int | None:
    """Set DuckDB to one thread when no table the plan reads holds more than a row group (:data:`ROW_GROUP`)
    of rows; the setting it had, to restore after the build, or None (left as it is).  DuckDB runs a scan in
    parallel by row group: on smaller tables every model's query and the data tests' one query run on one
    thread anyway, and a second only adds its coordination (bench/bench_models.py ``--costs --code``: the model
    step of an ingest of 280 filings 0.92 → 0.81 CPU s, its wall no longer)."""
    sql = "\n".join(step["sql"] for step in the_plan["steps"])
    read = [source for source in the_plan["sources"] if '."' + source.replace(".", '"."') + '"' in sql]
    biggest, threads = con.execute(
        "select max(estimated_size), current_setting('threads') from duckdb_tables() where database_name = "
        "current_database() and (schema_name || '.' || table_name) in (select unnest(?))", [read]).fetchall()[0]
    if biggest is None or biggest > ROW_GROUP or int(threads) == 1:
        return None
    con.execute("set threads = 1").fetchall()
    return int(threads)


def _test_sql(step: dict[str, Any], incremental: bool) -> str:
    return step["incremental_sql"] if incremental and "incremental_sql" in step else step["sql"]


def _run_at_once(con: duckdb.DuckDBPyConnection, the_plan: dict[str, Any], *, tests: bool,
                 incremental: bool) -> BuildResult | None:
    """Every model and test in one transaction, the tests in one query; None (rolled back) on any failure."""
    out = [NodeResult(uid, "seed", name, "success") for uid, name in the_plan["seed_ids"].items()]
    checks = [step for step in the_plan["steps"] if step["type"] == "test"] if tests else []
    con.begin()
    try:
        for step in the_plan["steps"]:
            if step["type"] == "model":
                _build_model(con, step, incremental, transaction=False)
        failures: dict[int, int] = {}
        if checks:
            failures = dict(con.execute("\nunion all\n".join(
                f"select {i} as test, count(*) as failures from ({_test_sql(step, incremental)}) dbt_internal_test"
                for i, step in enumerate(checks))).fetchall())
        if any(failures[i] and step["severity"] != "warn" for i, step in enumerate(checks)):
            con.rollback()
            return None
        con.commit()
    except BaseException:
        con.rollback()
        raise
    by_id: dict[str, NodeResult] = {}
    for i, step in enumerate(checks):
        n = failures[i]
        by_id[step["id"]] = NodeResult(step["id"], "test", step["name"], "pass" if n == 0 else "warn",
                                       message=None if n == 0 else f"Got {n} results, configured to fail if != 0",
                                       failures=n)
    for step in the_plan["steps"]:  # in the plan's order, as the step-by-step run reports them
        if step["type"] == "model":
            out.append(NodeResult(step["id"], "model", step["name"], "success"))
        elif step["id"] in by_id:
            out.append(by_id[step["id"]])
    return BuildResult(tuple(out))


def _run_steps(con: duckdb.DuckDBPyConnection, the_plan: dict[str, Any], *, tests: bool = True,
               incremental: bool = False) -> BuildResult:
    """The plan one step at a time, each model in its own transaction; dbt build's semantics on failure."""
    state: dict[str, str] = {}  # model id -> broken (failed or skipped) | tested_bad (an error test failed)
    # the seeds (the national subject classes) are loaded from their csv by apply_ddl, before any build
    out = [NodeResult(uid, "seed", name, "success") for uid, name in the_plan["seed_ids"].items()]
    for step in the_plan["steps"]:
        uid, name, parents = step["id"], step["name"], step["parents"]
        if step["type"] == "model":
            if any(state.get(p) for p in parents):
                state[uid] = "broken"
                out.append(NodeResult(uid, "model", name, "skipped"))
                continue
            try:
                _build_model(con, step, incremental, transaction=True)
            except duckdb.Error as err:
                if isinstance(err, duckdb.InterruptException | duckdb.IOException | duckdb.FatalException):
                    raise
                state[uid] = "broken"
                out.append(NodeResult(uid, "model", name, "error", message=str(err).splitlines()[0]))
                continue
            out.append(NodeResult(uid, "model", name, "success"))
        elif tests:
            if any(state.get(p) == "broken" for p in parents):
                out.append(NodeResult(uid, "test", name, "skipped"))
                continue
            try:
                failures = int(con.execute(f"select count(*) from ({_test_sql(step, incremental)}) "
                                           "dbt_internal_test").fetchall()[0][0])
            except duckdb.Error as err:
                if isinstance(err, duckdb.InterruptException | duckdb.IOException | duckdb.FatalException):
                    raise
                out.append(NodeResult(uid, "test", name, "error", message=str(err).splitlines()[0]))
                failures = None
            else:
                status = "pass" if failures == 0 else ("warn" if step["severity"] == "warn" else "fail")
                out.append(NodeResult(uid, "test", name, status,
                                      message=None if status == "pass" else f"Got {failures} results, configured "
                                      f"to fail if != 0", failures=failures))
            if failures is None or (failures and step["severity"] != "warn"):
                for p in parents:
                    state.setdefault(p, "tested_bad")
    return BuildResult(tuple(out))


def _build_model(con: duckdb.DuckDBPyConnection, step: dict[str, Any], incremental: bool, *,
                 transaction: bool) -> None:
    """One model: its changed departments' rows replaced when the build is incremental and it can be
    (:func:`_replace_changed`, in a transaction of its own when ``transaction``), else the table built whole."""
    if incremental and "incremental_sql" in step:
        _replace_changed(con, step, transaction=transaction)
    else:
        con.execute(f"create or replace table {step['name']} as {step['sql']}").fetchall()


def _replace_changed(con: duckdb.DuckDBPyConnection, step: dict[str, Any], *, transaction: bool = True) -> None:
    """The model's rows of the changed departments (or of their counties) deleted and inserted again, all or
    nothing (in a transaction of its own, or with ``transaction=False`` in the caller's).  The rows inserted —
    all the model now holds of those departments or counties — are kept in a temp table (:func:`_rows_written`)
    for the model's scoped tests."""
    name = step["name"]
    if transaction:
        con.begin()
    try:
        written = f"temp.main.{_rows_written(name)}"
        con.execute(f"create or replace temp table {_rows_written(name)} as {step['incremental_sql']}").fetchall()
        con.execute(f"delete from {name} where {_DELETE[step.get('incremental_by', 'departments')]}").fetchall()
        con.execute(f"insert into {name} select * from {written}").fetchall()
        if transaction:
            con.commit()
    except BaseException:
        if transaction:
            con.rollback()
        raise


def _state_now(con: duckdb.DuckDBPyConnection, the_plan: dict[str, Any]) -> None:
    """Temp table ``yusuan_documents_now``: each filing's department and a digest of what the incremental models
    read of it — its row in the documents model (status, year, department key, …) and its row count in every
    source they read (the loader appends a filing's rows or deletes them; it never edits one in place)."""
    documents = next(s["sql"] for s in the_plan["steps"] if s["type"] == "model" and s["name"] == DOCUMENTS_MODEL)
    with_id = {f"{schema}.{table}" for schema, table in con.execute(
        "select schema_name, table_name from duckdb_columns() where database_name = current_database() "
        "and column_name = 'document_id'").fetchall()}
    counted = [t for t in the_plan["incremental_sources"] if t in with_id]
    joins = "".join(f"\nleft join (select document_id, count(*) as n from {t} group by document_id) as c{i} "
                    "using (document_id)" for i, t in enumerate(counted))
    counts = "".join(f", c{i}.n" for i in range(len(counted)))
    con.execute(f"create or replace temp table yusuan_documents_now as select documents.document_id, "
                f"documents.department_key, hash(documents{counts}) as digest from ({documents}) as documents"
                f"{joins}").fetchall()


def changed_departments(con: duckdb.DuckDBPyConnection, the_plan: dict[str, Any]) -> int | None:
    """Temp table ``yusuan_changed_departments``: the departments with a filing that is new, gone or different
    since the last build (its state in ``core.model_build_documents``), under the key they had then and the
    key they have now.  Their number, or None where a full build is due: no state recorded (first build,
    or the last build was not the runner's), or more than a third of the departments changed."""
    _state_now(con, the_plan)
    if not _exists(con, [STATE]) or not con.execute(f"select count(*) from {STATE}").fetchall()[0][0]:
        return None  # (a warehouse whose DDL predates the table gets it from apply_ddl at the next ingest)
    con.execute(f"""create or replace temp table {CHANGED} as
        select distinct department_key from (
            (select document_id, department_key, digest from {STATE}
             except select document_id, department_key, digest from yusuan_documents_now)
            union all
            (select document_id, department_key, digest from yusuan_documents_now
             except select document_id, department_key, digest from {STATE}))""").fetchall()
    # their counties: where their filings were printed (a department's key holds its county), and where the last
    # build's dw.dim_department put them — read before this build replaces it
    last_dims = (f"union select coalesce(county, '∅') from {DEPARTMENTS_MODEL} where department_key in "
                 f"(select department_key from {CHANGED})" if _exists(con, [DEPARTMENTS_MODEL]) else "")
    con.execute(f"""create or replace temp table {CHANGED_COUNTIES} as
        select coalesce(county, '∅') as county from core.documents where document_id in (
            select document_id from {STATE} where department_key in (select department_key from {CHANGED})
            union all
            select document_id from yusuan_documents_now where department_key in (select department_key from {CHANGED}))
        {last_dims}""").fetchall()
    changed, total = con.execute(f"select (select count(*) from {CHANGED}), (select count(distinct department_key) "
                                 f"from (from {STATE} union all from yusuan_documents_now))").fetchall()[0]
    return changed if changed <= max(1, total * INCREMENTAL_SHARE) else None


def fingerprint(con: duckdb.DuckDBPyConnection, sources: list[str]) -> str:
    """What the models read, in a few milliseconds: every row of ``core.documents`` (status, supersession,
    error — its timestamps left out, so the same filings give the same print however they were loaded) and
    of ``core.department_aliases`` (a name found to be another department's is corrected there, in place),
    and the row count of every other source.  The loader only appends to, or deletes a filing's rows from,
    the other sources, and every such write changes its filing's ``core.documents`` row or a count."""
    hashed = [t for t in sources if t in ("core.documents", "core.department_aliases")]
    cols: dict[str, list[str]] = {t: [] for t in hashed}
    for schema, name, column, data_type in con.execute(
            "select schema_name, table_name, column_name, data_type from duckdb_columns() where database_name = "
            "current_database() and (schema_name || '.' || table_name) in (select unnest(?)) order by column_index",
            [hashed]).fetchall():
        if not data_type.startswith("TIMESTAMP"):
            cols[f"{schema}.{name}"].append(column)
    # one query for every count and hash (a query each cost ~1 ms of planning)
    figures = [f"(select count(*) from {t})" for t in sources] + [
        f"(select coalesce(bit_xor(hash({', '.join(cols[t])})), 0) from {t})" for t in hashed]
    row = con.execute(f"select {', '.join(figures)}").fetchall()[0]
    hashes = dict(zip(hashed, row[len(sources):], strict=True))
    parts = [f"{table}:{n}:{hashes.get(table, '')}" for table, n in zip(sources, row, strict=False)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _exists(con: duckdb.DuckDBPyConnection, names: list[str]) -> bool:
    present = {f"{s}.{t}" for s, t in con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = current_database() union all "
        "select schema_name, view_name from duckdb_views() where database_name = current_database()").fetchall()}
    return set(names) <= present


def last_build(con: duckdb.DuckDBPyConnection) -> tuple[str, str, bool] | None:
    """(project version, fingerprint, tests ran) of the last successful build, if recorded."""
    rows = con.execute(f"select project_version, sources, tests from {RECORD}").fetchall()
    return rows[0] if rows else None


def record(con: duckdb.DuckDBPyConnection, print_: str, tests: bool, *, state: bool = False) -> None:
    """Remember a successful build of every model: what it saw (:func:`fingerprint`) and whether tests ran, and
    with ``state`` each filing's state at it (temp table ``yusuan_documents_now`` of :func:`changed_departments`),
    which the next incremental build diffs; without, no state is kept, so the next refresh builds in full."""
    con.begin()
    try:
        con.execute(f"delete from {RECORD}").fetchall()
        con.execute(f"insert into {RECORD} values (?, ?, ?, ?)",
                    [transform.project_version(), print_, tests, datetime.now(UTC)]).fetchall()
        if _exists(con, [STATE]):
            con.execute(f"delete from {STATE}").fetchall()
        if state and _exists(con, [STATE]):
            con.execute(f"insert into {STATE} select document_id, department_key, digest "
                        "from yusuan_documents_now").fetchall()
        con.commit()
    except BaseException:
        con.rollback()
        raise


def build(con: duckdb.DuckDBPyConnection, the_plan: dict[str, Any], print_: str, *, tests: bool,
          force: bool = False, last: tuple[str, str, bool] | None = None) -> tuple[BuildResult, int | None]:
    """Build every model with the runner — incrementally when the last build was this runner's, of this project
    version, and few departments changed (:func:`changed_departments`), else in full — and on success record the
    build with each filing's state, so the next one can be incremental.  A build asked for when no filing changed
    is a full one.  The result and the number of departments rebuilt (None: a full build).  ``yusuan ingest`` (:func:`refresh`) and Dagster's models step both build so."""
    changed = changed_departments(con, the_plan)  # also the state to record
    if (force or not changed or last is None or last[0] != the_plan["project_version"]
            or not _exists(con, the_plan["models"])):
        changed = None  # no filing changed, yet a build was asked for (an operator's, or a hand edit): in full
    result = run(con, the_plan, tests=tests, incremental=changed is not None)
    if not result.failed:
        record(con, print_, tests, state=True)
    return result, changed


def refresh(con: duckdb.DuckDBPyConnection, *, tests: bool | None = None, force: bool = False,
            report: dict[str, Any] | None = None) -> str:
    """Bring the models up to date after an ingest: ``"up to date"`` (nothing they read changed since the
    last successful build: no build), or ``"built"``.  Raises ModelBuildFailed as ``rebuild_models`` does;
    the record is then not updated, so the next ingest builds again.  ``tests`` as for ``rebuild_models``.

    The build is **incremental** when the last one was this runner's, of this project version, and the batch
    touched at most a third of the departments (:func:`changed_departments`): the incremental models (those
    whose SQL filters on macro ``only_changed_departments``) replace only those departments' rows, every other
    model is built whole, every test runs.  Otherwise, and with ``force`` (``--full-refresh``), it is a full
    build.  ``report`` (a dict) gets ``mode`` ("incremental" / "full") and ``departments`` (changed)."""
    if tests is None:
        tests = settings.load().model_tests
    path = transform.database_path(con)
    the_plan = plan(path)
    print_ = fingerprint(con, the_plan["sources"])
    last = last_build(con)
    if (not force and last is not None and last[0] == the_plan["project_version"] and last[1] == print_
            and (last[2] or not tests) and _exists(con, the_plan["models"] + the_plan["seeds"])):
        return "up to date"
    fast = the_plan["fast"] and _exists(con, the_plan["seeds"])  # the seeds: loaded by apply_ddl from the csv
    changed = None
    if fast:
        result, changed = build(con, the_plan, print_, tests=tests, force=force, last=last)
    else:
        result = transform.build(path, exclude=None if tests else ["resource_type:test"], raise_on_failure=False)
        if not result.failed:
            record(con, print_, tests)
    if result.failed:
        raise ModelBuildFailed(transform._failure_message(result), result.failed)
    if report is not None:
        report.update(mode="full" if changed is None else "incremental", departments=changed)
    return "built"
