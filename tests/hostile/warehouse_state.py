"""Read a warehouse's state for the crash and concurrency tests: per-document fact counts and invariants."""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from pathlib import Path

import duckdb

from pipelines.lib.warehouse import FRAME_TABLES

REPO = Path(__file__).resolve().parents[2]
FACT_TABLES = sorted(FRAME_TABLES.values())  # staging.* and quality.findings, keyed by document_id


def yusuan_command() -> list[str]:
    """The installed ``yusuan`` beside this interpreter (CI: .venv/bin), else ``python -m pipelines.cli``."""
    exe = Path(sys.executable).parent / ("yusuan.exe" if os.name == "nt" else "yusuan")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "pipelines.cli"]


def children(pid: int) -> set[int]:
    """Live processes whose parent is ``pid`` (Linux /proc)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.add(int(stat.parent.name))
    return out


def subprocess_env() -> dict[str, str]:
    """Unbuffered output, so a progress line is seen the moment it is printed."""
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def snapshot(db: Path) -> dict:
    """Documents (by id: file name, status), fact counts per document and table, and mart row counts."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {f"{s}.{t}" for s, t in con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database()").fetchall()}
        if "core.documents" not in tables:
            return {"documents": {}, "facts": {}, "marts": {}, "orphans": {}, "loaded_twice": [], "restatements": 0}
        documents = {r[0]: (r[1], r[2]) for r in con.execute(
            "select document_id, file_name, status from core.documents").fetchall()}
        facts: dict[str, dict[str, int]] = defaultdict(dict)
        orphans = {}
        for table in FACT_TABLES:
            for doc_id, n in con.execute(f"select document_id, count(*) from {table} group by 1").fetchall():
                facts[doc_id][table] = n
            # Facts of a filing that has no loaded/superseded row (findings may also belong to a rejection).
            allowed = "('loaded', 'superseded', 'rejected')" if table == "quality.findings" else \
                "('loaded', 'superseded')"
            orphans[table] = con.execute(
                f"select count(*) from {table} f where not exists (select 1 from core.documents d "
                f"where d.document_id = f.document_id and d.status in {allowed})").fetchall()[0][0]
        loaded_twice = con.execute(
            "select county, coalesce(department_code, department_name), year, doc_type, scope, count(*) "
            "from core.documents where status = 'loaded' group by all having count(*) > 1").fetchall()
        marts = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
                 for t in sorted(tables) if t.startswith("marts.")}
        mart_lines = dict(con.execute(
            "select document_id, count(*) from marts.budget_lines group by 1").fetchall()) \
            if "marts.budget_lines" in tables else {}
        restated = con.execute("select count(*) from core.restatements").fetchall()[0][0]
        return {"documents": documents, "facts": dict(facts), "marts": marts, "mart_lines": mart_lines,
                "orphans": orphans, "loaded_twice": loaded_twice, "restatements": restated}
    finally:
        con.close()


def inconsistencies(state: dict, reference: dict) -> list[str]:
    """Every way ``state`` breaks all-or-nothing loading, judged against a clean run's ``reference``."""
    problems = []
    ref_docs, ref_facts = reference["documents"], reference["facts"]
    for doc_id, (name, status) in state["documents"].items():
        if status in ("loaded", "superseded"):
            want = ref_facts.get(doc_id, {})
            got = state["facts"].get(doc_id, {})
            if got != want:
                problems.append(f"{name} is {status} with facts {got}, a clean run has {want}")
        if doc_id not in ref_docs:
            problems.append(f"{name} ({doc_id[:8]}) is not a document of the clean run")
    for doc_id, counts in state["facts"].items():
        if doc_id not in state["documents"]:
            problems.append(f"facts {counts} of {doc_id[:8]} have no document row")
    problems += [f"{n} orphan rows in {t}" for t, n in state["orphans"].items() if n]
    problems += [f"more than one loaded filing for {row[:4]}" for row in state["loaded_twice"]]
    return problems
