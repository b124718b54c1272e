#!/usr/bin/env bash
# One command on a fresh machine: set up a venv with the dev extras, lint, validate the Dagster
# definitions and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
echo "installing yusuan and its dependencies into .venv/ (log: .venv/install.log) …"
if ! .venv/bin/python -m pip install -e '.[dev]' > .venv/install.log 2>&1; then
  tail -20 .venv/install.log; echo "pip install failed: see .venv/install.log" >&2; exit 2
fi
.venv/bin/ruff check .
home=$(mktemp -d) && touch "$home/dagster.yaml"
VIRTUAL_ENV=$PWD/.venv DAGSTER_HOME=$home .venv/bin/dg check defs
.venv/bin/python -m pytest "$@"
