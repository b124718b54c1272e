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
   failures raise :class:`~pipelines.lib.transform.ModelBuildFailed` naming each node.

dbt stays the one definition of the models and tests (the plan is its compiled output); Dagster's assets,
``yusuan docs`` and the SQL tests run dbt itself (``tests/sql/test_model_runs.py`` checks that both
runners build the same rows and fail the same tests).
"""

from __future__ import annotations

import graphlib
import hashlib
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipelines.lib import settings, transform
from pipelines.lib.transform import BuildResult, ModelBuildFailed, NodeResult

PLAN_FORMAT = 3  # bump when the plan's layout changes (cached plans of another format are compiled again)
RECORD = "core.model_build"


# The database name the plan is compiled for, whatever the warehouse is called: dbt-duckdb writes the file's
# stem into every relation (``"<stem>"."dw"."x"``), so a plan per name cost every new warehouse file name a
# ``dbt compile`` (~6 CPU s).  The one plan is compiled for this name and :func:`plan` writes the warehouse's in.
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
    made = _compile(path.parent / f"{PLAN_DATABASE}.duckdb")
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
    steps = [{**step, "sql": step["sql"].replace(ours, theirs)} for step in the_plan["steps"]]
    return {**the_plan, "steps": steps}


def _compile(warehouse: str | Path) -> dict[str, Any]:
    """``dbt compile`` of every model and test; their SQL and dependencies in dbt's build order."""
    manifest = transform.manifest(warehouse)
    target = transform.artifacts_dir() / f"compile-{os.getpid()}"
    try:
        result = transform._invoke(["compile", *transform._common_args(target, str(Path(warehouse).resolve())),
                                    "--no-write-json", "--select", "resource_type:model", "resource_type:test"],
                                   manifest)
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
            steps.append({"id": uid, "type": "test", "name": node.name, "sql": compiled[uid],
                          "parents": list(node.depends_on.nodes),
                          "severity": str(node.config.severity).lower()})

    ready_tests()
    for uid in order:
        node = nodes[uid]
        steps.append({"id": uid, "type": "model", "name": names[uid], "sql": compiled[uid],
                      "parents": [d for d in node.depends_on.nodes if d in names or d in manifest.sources]})
        done.add(uid)
        ready_tests()
    if pending:  # a test on something that is never built: leave it to dbt
        fast = False
    seeds = {uid: names[uid] for uid, n in nodes.items() if n.resource_type == "seed"}
    return {"format": PLAN_FORMAT, "project_version": transform.project_version(), "fast": fast,
            "sources": sources, "seeds": sorted(seeds.values()), "seed_ids": seeds,
            "models": [names[u] for u in order], "steps": steps}


def run(con: duckdb.DuckDBPyConnection, the_plan: dict[str, Any], *, tests: bool = True) -> BuildResult:
    """Run the plan on ``con``'s warehouse: every model, and its tests when ``tests``; dbt build's semantics."""
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
                con.execute(f"create or replace table {name} as {step['sql']}").fetchall()
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
                failures = int(con.execute(f"select count(*) from ({step['sql']}) dbt_internal_test")
                               .fetchall()[0][0])
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


def fingerprint(con: duckdb.DuckDBPyConnection, sources: list[str]) -> str:
    """What the models read, in a few milliseconds: every row of ``core.documents`` (status, supersession,
    error — its timestamps left out, so the same filings give the same print however they were loaded)
    and the row count of every other source.  The loader only appends to, or deletes a filing's rows from,
    the other sources, and every such write changes its filing's ``core.documents`` row or a count."""
    parts = []
    for table in sources:
        schema, name = table.split(".")
        if table == "core.documents":
            cols = [c for c, t in con.execute(
                "select column_name, data_type from information_schema.columns where table_catalog = "
                "current_database() and table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name]).fetchall() if not t.startswith("TIMESTAMP")]
            row = con.execute(f"select count(*), coalesce(bit_xor(hash({', '.join(cols)})), 0) "
                              f"from {table}").fetchall()[0]
        else:
            row = con.execute(f"select count(*) from {table}").fetchall()[0]
        parts.append(f"{table}:{row[0]}:{row[1] if len(row) > 1 else ''}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _exists(con: duckdb.DuckDBPyConnection, names: list[str]) -> bool:
    present = {f"{s}.{t}" for s, t in con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database()").fetchall()}
    return set(names) <= present


def last_build(con: duckdb.DuckDBPyConnection) -> tuple[str, str, bool] | None:
    """(project version, fingerprint, tests ran) of the last successful build, if recorded."""
    rows = con.execute(f"select project_version, sources, tests from {RECORD}").fetchall()
    return rows[0] if rows else None


def record(con: duckdb.DuckDBPyConnection, print_: str, tests: bool) -> None:
    """Remember a successful build of every model: what it saw (:func:`fingerprint`) and whether tests ran."""
    con.begin()
    try:
        con.execute(f"delete from {RECORD}").fetchall()
        con.execute(f"insert into {RECORD} values (?, ?, ?, ?)",
                    [transform.project_version(), print_, tests, datetime.now(UTC)]).fetchall()
        con.commit()
    except BaseException:
        con.rollback()
        raise


def refresh(con: duckdb.DuckDBPyConnection, *, tests: bool | None = None, force: bool = False) -> str:
    """Bring the models up to date after an ingest: ``"up to date"`` (nothing they read changed since the
    last successful build: no build), or ``"built"``.  Raises ModelBuildFailed as ``rebuild_models`` does;
    the record is then not updated, so the next ingest builds again.  ``tests`` as for ``rebuild_models``."""
    if tests is None:
        tests = settings.load().model_tests
    path = transform.database_path(con)
    the_plan = plan(path)
    print_ = fingerprint(con, the_plan["sources"])
    last = last_build(con)
    if (not force and last is not None and last[0] == the_plan["project_version"] and last[1] == print_
            and (last[2] or not tests) and _exists(con, the_plan["models"] + the_plan["seeds"])):
        return "up to date"
    if the_plan["fast"] and _exists(con, the_plan["seeds"]):  # the seeds: loaded by apply_ddl from the csv
        result = run(con, the_plan, tests=tests)
    else:
        result = transform.build(path, exclude=None if tests else ["resource_type:test"], raise_on_failure=False)
    if result.failed:
        raise ModelBuildFailed(transform._failure_message(result), result.failed)
    record(con, print_, tests)
    return "built"
