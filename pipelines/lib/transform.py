"""The SQL models as a dbt project (``sql/``, shipped in the package as ``pipelines/sql``), run with dbt-duckdb.

:func:`build` runs ``dbt build`` (seeds, models and their tests) in this process through dbt's
programmatic runner (``dbtRunner``); the Dagster assets (``pipelines/defs/models.py``) run the same
project with the same manifest through dagster-dbt.  ``yusuan ingest`` runs the same models and tests
from dbt's compiled SQL, and not at all when nothing changed (:mod:`pipelines.lib.model_runs`).

- The project is read from the installed package (``importlib.resources``), never written to:
  dbt's artifacts (the parsed manifest, run results, logs) go to a cache folder keyed by the
  project's content (:func:`artifacts_dir`), so the manifest is parsed once per project version
  and reused by every later build, in this process and the next.
- No network: the project uses no dbt packages (no ``dbt deps``); the grain test is its own macro.
- The warehouse is passed as ``--vars {warehouse: <absolute path>}`` (profiles.yml).  Inside one
  process DuckDB shares one database instance per file, so a build runs while the caller keeps its
  own connection (and the file's write lock) open.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from pipelines.lib import db, settings

PROJECT_NAME = "yusuan"
# What dbt reads of the project; ddl/ is the loader's (pipelines.lib.warehouse.apply_ddl).
_PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


class ModelBuildFailed(RuntimeError):
    """``dbt build`` failed: a model did not build or a test (grain, values, relationship) failed."""

    def __init__(self, message: str, failures: Sequence[NodeResult] = ()):
        super().__init__(message)
        self.failures = tuple(failures)


@dataclass(frozen=True)
class NodeResult:
    """One node of a build: a model, seed or test, its status and dbt's message."""

    unique_id: str
    resource_type: str  # model | seed | test
    name: str  # models and seeds: schema.table (dw.fct_budget_line); tests: the test's name
    status: str  # success | error | skipped | pass | fail | warn
    message: str | None = None
    failures: int | None = None


@dataclass(frozen=True)
class BuildResult:
    nodes: tuple[NodeResult, ...] = field(default_factory=tuple)

    @property
    def models(self) -> list[str]:
        return [n.name for n in self.nodes if n.resource_type == "model" and n.status == "success"]

    @property
    def tests(self) -> list[NodeResult]:
        return [n for n in self.nodes if n.resource_type == "test"]

    @property
    def failed(self) -> list[NodeResult]:
        return [n for n in self.nodes if n.status in ("error", "fail", "runtime error")]


def project_dir() -> Path:
    """The dbt project folder inside the installed package (``pipelines/sql`` → the repo's ``sql/``)."""
    return Path(str(resources.files("pipelines").joinpath("sql"))).resolve()


def _project_files() -> list[Path]:
    root = project_dir()
    found: list[Path] = []
    for part in _PROJECT_PARTS:
        path = root / part
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return found


@cache
def project_version() -> str:
    """sha256 over the project's files (paths and bytes): the manifest is reused while it matches."""
    digest = hashlib.sha256()
    root = project_dir()
    for path in _project_files():
        digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def artifacts_dir() -> Path:
    """Where dbt's artifacts go: ``$YUSUAN_DBT_ARTIFACTS`` or the user cache, one folder per project version."""
    base = settings.load().dbt_artifacts
    if base:
        root = Path(base)
    else:
        cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        root = cache_home / "yusuan" / "dbt"
    path = root / project_version()[:16]
    path.mkdir(parents=True, exist_ok=True)
    return path


def _common_args(target_path: Path, warehouse: str | None, extra_vars: dict[str, Any] | None = None) -> list[str]:
    args = [
        "--project-dir", str(project_dir()),
        "--profiles-dir", str(project_dir()),
        "--target-path", str(target_path),
        "--log-path", str(target_path),
    ]
    if warehouse is not None:
        from pipelines.lib.db import STORAGE_COMPATIBILITY_VERSION

        args += ["--vars", json.dumps({"warehouse": warehouse,
                                       "storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION,
                                       **(extra_vars or {})})]
    return args


def _invoke(args: list[str], manifest: Any = None) -> Any:
    from dbt.cli.main import dbtRunner

    # dbt prints every node to stdout; the caller reports what matters (the CLI's summary).
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return dbtRunner(manifest=manifest).invoke(
                ["--quiet", "--no-use-colors", "--log-level-file", "warn", *args]
            )
    finally:
        _release_duckdb()


def _release_duckdb() -> None:
    """Close dbt-duckdb's handle on the warehouse, so the file's instance is only the caller's."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb is a dependency
        return
    env = DuckDBConnectionManager._ENV
    if env is not None and hasattr(env, "close"):
        env.close()
    DuckDBConnectionManager.close_all_connections()


def default_warehouse() -> str:
    return str(settings.load().db)


def _database_name(warehouse: str | Path) -> str:
    # DuckDB and dbt-duckdb name the database after the file's name, and the manifest's relations carry it.
    return db.database_name(warehouse)


def manifest(warehouse: str | Path | None = None) -> Any:
    """The parsed project (dbt's ``Manifest``) for warehouses named like ``warehouse``.

    Parsed once per process and database name (:func:`pipelines.lib.db.database_name`, which dbt-duckdb writes into
    every relation); ``manifest.json`` is written to ``artifacts_dir()/<name>/`` and dbt's partial
    parse file beside it makes the next process's parse cheap.
    """
    return _manifest(_database_name(warehouse or default_warehouse()), str(Path(warehouse or default_warehouse()).resolve()))


@cache
def _manifest(name: str, warehouse: str) -> Any:
    # Parsed in a folder of this process (concurrent ingests parse at once), starting from the shared
    # partial-parse file, whose update is then moved into place atomically with the manifest.
    shared = artifacts_dir() / name
    shared.mkdir(parents=True, exist_ok=True)
    target = shared / f"parse-{os.getpid()}"
    target.mkdir(exist_ok=True)
    partial = shared / "partial_parse.msgpack"
    if partial.exists():
        shutil.copyfile(partial, target / partial.name)
    result = _invoke(["parse", *_common_args(target, warehouse)])
    if not result.success:
        raise ModelBuildFailed(f"the dbt project {project_dir()} does not parse: {result.exception}")
    for file_name in ("partial_parse.msgpack", "manifest.json"):
        if (target / file_name).exists():
            os.replace(target / file_name, shared / file_name)
    shutil.rmtree(target, ignore_errors=True)
    return result.result


def manifest_path(warehouse: str | Path | None = None) -> Path:
    """``manifest.json`` of the current project version for ``warehouse`` (parsed on first use)."""
    path = artifacts_dir() / _database_name(warehouse or default_warehouse()) / "manifest.json"
    if not path.exists():
        _manifest.cache_clear()
        manifest(warehouse)
    return path


def database_path(con: duckdb.DuckDBPyConnection) -> str:
    """The file behind a connection's current database."""
    rows = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    if not rows or not rows[0][0]:
        raise ValueError("the connection is not to a warehouse file (in-memory databases cannot be built by dbt)")
    return str(Path(rows[0][0]).resolve())


def _node_name(node: Any) -> str:
    if node.resource_type in ("model", "seed", "snapshot"):
        return f"{node.schema}.{node.alias}"
    return node.name


def build(
    warehouse: str | Path,
    select: Iterable[str] | None = None,
    *,
    exclude: Iterable[str] | None = None,
    raise_on_failure: bool = True,
) -> BuildResult:
    """``dbt build`` of the project (or the ``select``ed part) on the warehouse file.

    Seeds, models and their tests run in dependency order; a model whose tests fail stops the models
    downstream of it (dbt skips them).  Raises :class:`ModelBuildFailed` naming every failed node
    unless ``raise_on_failure`` is False.
    """
    target = artifacts_dir() / f"run-{os.getpid()}"
    args = ["build", *_common_args(target, str(Path(warehouse).resolve())), "--no-write-json"]
    select = list(select or [])
    if select:
        # only the tests all of whose models are selected (a relationship test to a model not built yet waits)
        args += ["--select", *select, "--indirect-selection", "cautious"]
    exclude = list(exclude or [])
    if exclude:
        args += ["--exclude", *exclude]
    try:
        result = _invoke(args, manifest(warehouse))
    finally:
        shutil.rmtree(target, ignore_errors=True)
    if result.exception is not None and result.result is None:
        raise ModelBuildFailed(f"dbt build did not run: {result.exception}")
    nodes = tuple(
        NodeResult(
            unique_id=r.node.unique_id,
            resource_type=str(r.node.resource_type),
            name=_node_name(r.node),
            status=str(r.status),
            message=r.message,
            failures=r.failures,
        )
        for r in (result.result.results if result.result is not None else [])
    )
    out = BuildResult(nodes)
    if raise_on_failure and (out.failed or not result.success):
        raise ModelBuildFailed(_failure_message(out), out.failed)
    return out


def compiled_sql(warehouse: str | Path) -> dict[str, str]:
    """Each model's SQL as dbt compiles it for ``warehouse`` (``schema.table`` → select), for benchmarks."""
    target = artifacts_dir() / f"compile-{os.getpid()}"
    result = _invoke(["compile", *_common_args(target, str(Path(warehouse).resolve())), "--no-write-json",
                      "--select", "resource_type:model"], manifest(warehouse))
    shutil.rmtree(target, ignore_errors=True)
    if not result.success:
        raise ModelBuildFailed(f"dbt compile failed: {result.exception}")
    return {_node_name(r.node): r.node.compiled_code for r in result.result.results}


def _failure_message(result: BuildResult) -> str:
    lines = []
    for node in result.failed:
        what = "test" if node.resource_type == "test" else node.resource_type
        detail = (node.message or "").strip().splitlines()[0] if node.message else ""
        lines.append(f"{what} {node.name}: {node.status}" + (f" — {detail}" if detail else ""))
    skipped = [n.name for n in result.nodes if n.status == "skipped" and n.resource_type == "model"]
    if skipped:
        lines.append(f"skipped because of the above: {', '.join(skipped)}")
    return "dbt build failed:\n  " + "\n  ".join(lines or ["(no node reported a failure)"])


def model_names() -> list[str]:
    """Every model as ``schema.table``, in an order where each comes after the models it reads."""
    nodes = manifest().nodes
    graph = {
        uid: [d for d in node.depends_on.nodes if d.startswith("model.")]
        for uid, node in nodes.items()
        if node.resource_type == "model"
    }
    import graphlib

    sorter = graphlib.TopologicalSorter(graph)
    sorter.prepare()
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=lambda uid: _node_name(nodes[uid]))
        order.extend(_node_name(nodes[uid]) for uid in ready)
        sorter.done(*ready)
    return order


def docs(out_dir: str | Path, warehouse: str | Path) -> Path:
    """Build the dbt docs site (``dbt docs generate --static``) into ``out_dir``; returns its index.html."""
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="yusuan-dbt-docs-") as tmp:
        result = _invoke(["docs", "generate", *_common_args(Path(tmp), str(Path(warehouse).resolve())),
                          "--static"], manifest(warehouse))
        if not result.success:
            raise ModelBuildFailed(f"dbt docs generate failed: {result.exception}")
        for name in ("static_index.html", "manifest.json", "catalog.json"):
            source = Path(tmp) / name
            if source.exists():
                (out_dir / ("index.html" if name == "static_index.html" else name)).write_bytes(source.read_bytes())
    return out_dir / "index.html"


# --------------------------------------------------------------------------------------------
# the models by name (the warehouse's front door re-exports these)

SQL_DIR = project_dir()
MODEL_SCHEMAS = ("dw", "marts")  # folders of sql/models holding models, in no particular order


@dataclass(frozen=True)
class Model:
    """One SQL model: ``sql/<schema>/<name>.sql`` builds the table ``<schema>.<name>``."""

    name: str  # schema.table
    path: Path
    sql: str
    deps: tuple[str, ...]  # other models it reads
    code_version: str  # sha256 of the file, for Dagster's code_version


def model_files() -> list[Path]:
    """Every SQL model file (``sql/models/dw/*.sql``, ``sql/models/marts/*.sql``), sorted by path."""
    return sorted(path for schema in MODEL_SCHEMAS for path in (SQL_DIR / "models" / schema).glob("*.sql"))


def models() -> dict[str, Model]:
    """Every SQL model by name (``marts.yoy_change``), with the models it reads (from dbt's manifest)."""
    nodes = manifest().nodes
    names = {uid: f"{n.schema}.{n.alias}" for uid, n in nodes.items() if n.resource_type == "model"}
    found: dict[str, Model] = {}
    for uid, name in names.items():
        node = nodes[uid]
        found[name] = Model(
            name=name,
            path=SQL_DIR / node.original_file_path,
            sql=node.raw_code,
            deps=tuple(sorted(names[d] for d in node.depends_on.nodes if d in names)),
            code_version=node.checksum.checksum,
        )
    return found


def model_order() -> list[str]:
    """Model names in an order where every model comes after the models it reads."""
    return model_names()


def run_model(con: duckdb.DuckDBPyConnection, name: str) -> int:
    """Build one model (``dbt build --select``, its tests included); its row count."""
    all_models = models()
    if name not in all_models:
        raise KeyError(f"no SQL model {name!r}; known models: {sorted(all_models)}")
    build(database_path(con), [all_models[name].path.stem])
    return int(con.execute(f"select count(*) from {name}").fetchall()[0][0])


def rebuild_models(con: duckdb.DuckDBPyConnection, *, tests: bool | None = None) -> dict[str, int]:
    """``dbt build`` of every seed, model and test on this connection's warehouse; rows per model.

    ``tests=False`` builds the models without running their data tests (grain, values,
    relationships); ``None`` runs them unless ``$YUSUAN_MODEL_TESTS`` is ``0`` (the SQL tests of
    this repository set it, and test the dbt tests themselves in ``tests/sql/test_dbt_project.py``).
    Raises :class:`pipelines.lib.ModelBuildFailed` naming the failed models and tests.
    """
    if tests is None:
        tests = settings.load().model_tests
    exclude = None if tests else ["resource_type:test"]
    from pipelines.lib import model_runs  # it builds on this module

    path = database_path(con)
    sources = sorted(f"{s.schema}.{s.identifier}" for s in manifest(path).sources.values())
    seen = model_runs.fingerprint(con, sources)
    result = build(path, exclude=exclude)
    model_runs.record(con, seen, tests)  # the ingest after this one skips the build if nothing changes
    return {name: int(con.execute(f"select count(*) from {name}").fetchall()[0][0]) for name in result.models}
