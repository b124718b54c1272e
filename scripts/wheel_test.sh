#!/usr/bin/env bash
# The installed package, as a user gets it: build the wheel, install it (not editable) into a venv that
# cannot see this repository, and from another folder ingest a sample filing into a temporary warehouse,
# then read it back with `yusuan summary`. Catches what the editable install hides: SQL or DDL left out of
# the wheel, imports of modules that are not shipped, paths relative to the repository.
#
# The venv (.venv/wheel-env) is rebuilt from nothing whenever the wheel's requirements change, and always
# when CI=true or YUSUAN_WHEEL_FRESH=1; otherwise only yusuan itself is uninstalled and the new wheel put in
# (`pip check` then proves the kept dependencies still satisfy it). scripts/test.sh runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
PY=${PYTHON:-python3}
fail() { echo "wheel test FAILED: $*" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
env=$repo/.venv/wheel-env
log=$repo/.venv/wheel-test.log
: > "$log"
started=$SECONDS

# 1. the wheel (build/ may hold files of an older package layout: setuptools would ship them)
rm -rf build
.venv/bin/python -m pip wheel -q --no-deps -w "$work/dist" . >> "$log" 2>&1 \
  || { tail -20 "$log"; fail "pip wheel could not build yusuan (log: $log)"; }
wheel=$(ls "$work"/dist/yusuan-*.whl)
# what the wheel must hold, and must not
listing=$(.venv/bin/python -m zipfile -l "$wheel")
grep -q "pipelines/sql/ddl/.*\.sql" <<< "$listing" || fail "no DDL (.sql) in $wheel"
grep -q "pipelines/sql/dbt_project.yml" <<< "$listing" || fail "no dbt project in $wheel"
grep -q "pipelines/schemas/models.py" <<< "$listing" || fail "no pandera models in $wheel"
grep -q "pipelines/lib/queries/superseded_by.sql" <<< "$listing" || fail "no loader queries (.sql) in $wheel"
grep -q "pipelines/lib/data/subjects.csv" <<< "$listing" || fail "no subject list (lib/data/subjects.csv) in $wheel"
if grep -q "pipelines/samples/" <<< "$listing"; then fail "the sample generator is in $wheel"; fi
tops=$(.venv/bin/python - "$wheel" <<'EOF'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
print(" ".join(sorted({n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")})))
EOF
)
[ "$tops" = "pipelines" ] || fail "the wheel claims top-level names '$tops' (expected only 'pipelines')"

# 2. the venv: fresh when the requirements changed (or in CI), else the kept dependencies
stamp=$({ "$PY" --version; .venv/bin/python -m zipfile -e "$wheel" "$work/unz" > /dev/null \
          && grep -h "^Requires-Dist" "$work"/unz/yusuan-*.dist-info/METADATA; } | sha256sum | cut -c1-16)
if [ "${CI:-}" = true ] || [ "${YUSUAN_WHEEL_FRESH:-}" = 1 ] || [ "$(cat "$env/.requirements" 2> /dev/null)" != "$stamp" ]; then
  echo "wheel test: installing $(basename "$wheel") and its dependencies into a new venv (log: $log) …"
  rm -rf "$env" && "$PY" -m venv "$env"
  "$env/bin/python" -m pip install -q "$wheel" >> "$log" 2>&1 \
    || { tail -20 "$log"; fail "the wheel does not install into a clean venv (log: $log)"; }
  echo "$stamp" > "$env/.requirements"
else
  "$env/bin/python" -m pip uninstall -q -y yusuan >> "$log" 2>&1 || true
  "$env/bin/python" -m pip install -q --no-deps "$wheel" >> "$log" 2>&1 \
    || { tail -20 "$log"; fail "the wheel does not install (log: $log)"; }
  "$env/bin/python" -m pip check >> "$log" 2>&1 \
    || { tail -20 "$log"; fail "the kept venv does not satisfy the wheel's requirements: rerun with YUSUAN_WHEEL_FRESH=1"; }
fi

# 3. from another folder: one sample filing under its region folders, into a temporary warehouse
sample="data/samples/河北省/邯郸市/魏县/2023/305_魏县教育局_2023.docx"
[ -f "$sample" ] || fail "the sample $sample is missing"
mkdir -p "$work/inbox/河北省/邯郸市/魏县/2023" "$work/run"
cp "$sample" "$work/inbox/河北省/邯郸市/魏县/2023/"
cd "$work/run"
where=$("$env/bin/python" -c "import pipelines; print(pipelines.__file__)")
case $where in "$env"/*) ;; *) fail "the wheel venv imports yusuan from $where, not from the installed wheel";; esac
# the subject list (names-only tables) is read through importlib.resources from the installed package
"$env/bin/python" -c "from pipelines.lib.subject_lookup import shipped; assert shipped().under('function', '20406', '行政运行') == {'2040601'}" \
  >> "$log" 2>&1 || fail "the installed wheel cannot read its subject list (pipelines/lib/data/subjects.csv)"
db=$work/run/warehouse.duckdb
YUSUAN_DB=$db "$env/bin/yusuan" ingest "$work/inbox" >> "$log" 2>&1 \
  || { tail -20 "$log"; fail "yusuan ingest from the installed wheel failed (log: $log)"; }
facts=$("$env/bin/python" - "$db" <<'EOF'
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
loaded = con.execute("select count(*) from core.documents where status = 'loaded'").fetchone()[0]
lines = con.execute("select count(*) from marts.budget_lines where department_name = '魏县教育局'").fetchone()[0]
print(f"{loaded} {lines}")
EOF
) || fail "could not read the warehouse the installed wheel wrote ($db)"
read -r loaded lines <<< "$facts"
[ "$loaded" = 1 ] && [ "$lines" -gt 0 ] \
  || fail "the installed wheel loaded $loaded document(s) and $lines budget line(s) of 魏县教育局 (expected 1 and some)"
summary=$(YUSUAN_DB=$db "$env/bin/yusuan" summary 2>&1) || { echo "$summary" | tail -20; fail "yusuan summary failed"; }
grep -q "魏县教育局" <<< "$summary" || fail "yusuan summary does not show the department it loaded"
echo "wheel test: $(basename "$wheel") installed outside the repository ingested 1 filing ($lines budget lines)" \
     "and summarised it in $((SECONDS - started)) s"
