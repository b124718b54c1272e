#!/usr/bin/env bash
# One command on a fresh machine: set up a venv with the dev extras, lint, validate the Dagster
# definitions and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet -e '.[dev]' >/dev/null
.venv/bin/ruff check .
DAGSTER_HOME=$(mktemp -d) .venv/bin/dg check defs
.venv/bin/python -m pytest "$@"
