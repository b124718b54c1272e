#!/usr/bin/env bash
# One command on a fresh machine: set up a venv, install yusuan, ingest the shipped sample filings into
# data/warehouse.duckdb, export the marts to Parquet and print a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet -e . >/dev/null
export YUSUAN_DB=${YUSUAN_DB:-data/warehouse.duckdb}
status=0
.venv/bin/yusuan ingest data/samples || status=$?
.venv/bin/yusuan export --out data/exports
.venv/bin/yusuan summary
exit "$status"
