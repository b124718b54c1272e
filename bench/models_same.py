"""Do two checkouts build the same models?  Every row of every dw.* and marts.* table, and every data test's verdict.

    .venv/bin/python bench/models_same.py WAREHOUSE [WAREHOUSE ...] --before DIR [--after DIR] [--incremental]

For each warehouse (e.g. one `yusuan ingest` of bench/corpus.py's 280 filings, and the real filings' that
``bench/real_coverage.py --db PATH`` keeps), two copies get the models built in full with the data tests
(``model_runs.refresh(force=True, tests=True)``, the ingest's model step), one by the code of checkout ``--before``
(e.g. ``git worktree add /tmp/before <commit>``), one by ``--after`` (default: this checkout), each in a process of its
own.  Then, per table, the row count and a sha256 of its rows (bench/runner_snapshot.py, every column: both copies
hold the same filings, down to their load times), and per test its status and failure count, are compared.

``--incremental`` also checks the incremental path: in both copies, after the full build, one department's filing is
dropped and the models refreshed (an incremental build of that department), then compared again.

Prints one line per table that differs (or "same") and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# run in a process with the checkout's code first on the path: the build, then the digest of every table
_BUILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[3])
from pipelines.lib import model_runs, warehouse
from pipelines.lib.transform import ModelBuildFailed
from runner_snapshot import snapshot

def build(con, force):
    report = {}
    try:
        model_runs.refresh(con, force=force, tests=True, report=report)
    except ModelBuildFailed as err:
        return {"mode": report.get("mode"), "failed": [n.name for n in err.failed]}
    return {"mode": report.get("mode"), "failed": []}

con = warehouse.connect(sys.argv[2])
out = {"full": build(con, True)}
out["full"]["tables"] = snapshot(con, skip=())
if sys.argv[4] == "incremental":
    (doc,) = con.execute("select document_id from core.documents where status = 'loaded' "
                         "order by document_id limit 1").fetchone()
    for table in ("staging.budget_lines", "staging.budget_summary", "staging.three_public", "core.documents"):
        con.execute(f"delete from {table} where document_id = ?", [doc])
    out["incremental"] = build(con, False)
    out["incremental"]["tables"] = snapshot(con, skip=())
con.close()
print(json.dumps(out))
"""

# the tests' verdicts of a build: read back from a warehouse is not possible, so the build reports them
_TESTS = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from pipelines.lib import model_runs, transform, warehouse

con = warehouse.connect(sys.argv[2])
result = model_runs.run(con, model_runs.plan(transform.database_path(con)))
print(json.dumps([[n.name, n.status, n.failures] for n in result.nodes if n.resource_type == "test"]))
con.close()
"""


def _in(code: Path, script: str, *args: str) -> object:
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run([sys.executable, "-c", script, str(code), *args], check=True, capture_output=True,
                         text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def compare(db: Path, before: Path, after: Path, tmp: Path, incremental: bool) -> bool:
    got = {}
    for label, code in (("before", before), ("after", after)):
        copy = tmp / f"{label}.duckdb"
        shutil.copy(db, copy)
        got[label] = _in(code, _BUILD, str(copy), str(ROOT / "bench"),
                         "incremental" if incremental else "full")
        shutil.copy(db, copy)
        got[label]["tests"] = _in(code, _TESTS, str(copy))
        copy.unlink()
    same = True
    for stage in ("full", "incremental") if incremental else ("full",):
        b, a = got["before"][stage], got["after"][stage]
        print(f"{db} — {stage} build ({b['mode']} before, {a['mode']} after; failed: {b['failed']} / {a['failed']}):")
        if (b["mode"], b["failed"]) != (a["mode"], a["failed"]):
            same = False
            print("  the builds differ")
        for table in sorted(set(b["tables"]) | set(a["tables"])):
            x, y = b["tables"].get(table), a["tables"].get(table)
            if x == y:
                continue
            same = False
            print(f"  {table}: {x and x['rows']} rows before, {y and y['rows']} after — DIFFERENT")
        rows = sum(t["rows"] for t in a["tables"].values())
        print(f"  {len(a['tables'])} tables, {rows:,} rows: " + ("same" if same else "NOT the same"))
    tests_b, tests_a = got["before"]["tests"], got["after"]["tests"]
    differ = [(x, y) for x, y in zip(tests_b, tests_a, strict=False) if x != y] + \
        ([("count", (len(tests_b), len(tests_a)))] if len(tests_b) != len(tests_a) else [])
    print(f"  {len(tests_a)} data tests, name, status and failures: " + ("same" if not differ else f"DIFFERENT {differ[:5]}"))
    return same and not differ


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("warehouses", nargs="+", type=Path)
    ap.add_argument("--before", type=Path, required=True, help="checkout whose build is the reference")
    ap.add_argument("--after", type=Path, default=ROOT, help="checkout to compare (default: this one)")
    ap.add_argument("--incremental", action="store_true", help="also an incremental build after a filing is dropped")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="yusuan-models-same-"))
    try:
        ok = all([compare(db, args.before.resolve(), args.after.resolve(), tmp, args.incremental)
                  for db in args.warehouses])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
