#!/usr/bin/env bash
# One command on a fresh machine: set up a venv with the dev extras, lint, validate the Dagster
# definitions, test the wheel installed outside the repository (scripts/wheel_test.sh) and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
echo "installing yusuan and its dependencies into .venv/ (log: .venv/install.log) …"
if ! .venv/bin/python -m pip install -e '.[dev]' > .venv/install.log 2>&1; then
  tail -20 .venv/install.log; echo "pip install failed: see .venv/install.log" >&2; exit 2
fi
# An older DuckDB (1.4/1.5) beside the venv's, for the test that opens the warehouse the way other
# clients (DuckDB CLI, DBeaver) do; headless Chromium and CJK fonts for the test that opens `yusuan report`.
if [ ! -d .venv/duckdb-old/duckdb ]; then
  .venv/bin/python -m pip install --target .venv/duckdb-old 'duckdb>=1.4,<1.6' >> .venv/install.log 2>&1 \
    || { tail -20 .venv/install.log; echo "could not install DuckDB 1.4/1.5 into .venv/duckdb-old" >&2; exit 2; }
fi
if ! command -v chromium > /dev/null || ! fc-list 2> /dev/null | grep -qi "noto.*cjk"; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing chromium and fonts-noto-cjk (apt) …"
  { $sudo apt-get -o DPkg::Lock::Timeout=600 update && \
    $sudo apt-get -o DPkg::Lock::Timeout=600 install -y chromium fonts-noto-cjk; } >> .venv/install.log 2>&1 \
    || echo "could not install chromium / fonts-noto-cjk: the report test will fail in CI (see .venv/install.log)" >&2
fi
# LibreOffice prints the generated .docx filings of tests/pdf_layouts to PDF, as county exports are printed.
if ! command -v soffice > /dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing libreoffice-writer-nogui (apt) …"
  { $sudo apt-get -o DPkg::Lock::Timeout=600 update && \
    $sudo apt-get -o DPkg::Lock::Timeout=600 install -y libreoffice-writer-nogui fonts-noto-cjk; } >> .venv/install.log 2>&1 \
    || echo "could not install libreoffice-writer-nogui: tests/pdf_layouts will fail in CI (see .venv/install.log)" >&2
fi
.venv/bin/ruff check .
home=$(mktemp -d) && printf 'telemetry:\n  enabled: false\n' > "$home/dagster.yaml"
VIRTUAL_ENV=$PWD/.venv DAGSTER_HOME=$home .venv/bin/dg check defs
bash scripts/wheel_test.sh
# One pytest worker per core (pytest-xdist); a test file stays on one worker so its module fixtures are built
# once. YUSUAN_TEST_WORKERS=0 runs everything in this process (e.g. under a debugger).
.venv/bin/python -m pytest -n "${YUSUAN_TEST_WORKERS:-auto}" --dist loadfile "$@"
