#!/usr/bin/env bash
# One command on a fresh machine: set up a venv, install yusuan, ingest the shipped sample filings into
# data/warehouse.duckdb, export the marts to Parquet and print a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
echo "installing yusuan and its dependencies into .venv/ (log: .venv/install.log) …"
if ! .venv/bin/python -m pip install -e . > .venv/install.log 2>&1; then
  tail -20 .venv/install.log; echo "pip install failed: see .venv/install.log" >&2; exit 2
fi
export YUSUAN_DB=${YUSUAN_DB:-data/warehouse.duckdb}
status=0
.venv/bin/yusuan ingest data/samples || status=$?
.venv/bin/yusuan export --out data/exports
.venv/bin/yusuan summary
exit "$status"
