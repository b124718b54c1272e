"""The README's commands, pasted as written, work on a fresh copy of the repository after the demo.

The copy is the tracked files (git ls-files) with the venv linked in, so `.venv/bin/…` resolves as it does for a
reader; the demo's steps (ingest data/samples, export) are run as scripts/demo.sh runs them, minus the pip install.
Every `.venv/bin/…` line of the README's bash blocks runs, and every statement of its SQL block goes through
`yusuan sql`; the placeholders `path/to/filing.docx` and `path/to/filings/` become a sample filing and its folder.
Left out: ./scripts/demo.sh and ./scripts/test.sh (their own tests and CI), `dg dev` (a server) and `pip install`
(it would install the throw-away copy into the shared venv).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.analyst.conftest import N_SAMPLES, ROOT

README = ROOT / "README.md"
# Not run: `dg dev` is a server, and a `pip install` would re-point the shared venv (linked into the copy) at the
# throw-away copy, breaking every later import of the package.
SETUP_LINES = (".venv/bin/dg ", ".venv/bin/pip ")
SAMPLE = "data/samples/河北省/邯郸市/魏县/2023/201_中国共产党魏县委员会办公室_2023.docx"


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def commands() -> list[str]:
    out = []
    for block in blocks("bash"):
        for line in block.splitlines():
            if line.startswith(".venv/bin/") and not line.startswith(SETUP_LINES):
                out.append(line.replace("path/to/filing.docx", SAMPLE).replace("path/to/filings/", "data/samples/"))
    return out


def statements() -> list[str]:
    sql = "\n".join(blocks("sql"))  # "Ask the warehouse" and "Questions a journalist asks"
    text = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory, demo_db) -> Path:
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    copy = tmp_path_factory.mktemp("fresh") / "yusuan"
    for name in filter(None, files.decode("utf-8").split("\0")):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    # the demo, as scripts/demo.sh runs it (the warehouse is the session's demo build, copied)
    (copy / "data" / "warehouse.duckdb").write_bytes(demo_db.read_bytes())
    run(copy, ".venv/bin/yusuan export --out data/exports")
    return copy


def run(copy: Path, command: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YUSUAN_")}
    done = subprocess.run(["bash", "-c", command], cwd=copy, env=env, input=stdin, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, f"{command}\n{done.stderr[-2000:]}"
    return done


def test_the_readme_has_the_analyst_commands():
    lines = commands()
    assert any("yusuan sql" in c for c in lines) and any("yusuan report" in c for c in lines)
    assert any("read_parquet" in c for c in lines) and any(".df()" in c for c in lines)
    assert len(statements()) >= 4


@pytest.mark.parametrize("command", commands())
def test_each_readme_command_works_as_written(fresh_copy, command):
    # the prompt (`yusuan sql` alone) gets what a person would type
    typed = ".tables\nselect count(*) as documents\n  from core.documents;\n" if command.endswith("yusuan sql") else ""
    done = run(fresh_copy, command, typed)
    assert done.stdout.strip(), command  # it printed something
    if typed:
        assert "marts.three_public_trend" in done.stdout and f"│ {N_SAMPLES:<9} │" in done.stdout


@pytest.mark.parametrize("number", range(len(statements())))
def test_each_readme_query_runs_and_returns_rows(fresh_copy, number):
    sql = statements()[number]
    done = run(fresh_copy, f".venv/bin/yusuan sql {shlex_quote(sql)}")
    # what validation noticed (quality.*) may be nothing for the demo; every other query finds rows
    assert "(0 rows)" not in done.stdout or "quality." in sql, sql


def shlex_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)
