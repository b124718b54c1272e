"""One settings object: defaults written once, the environment read at each call, the CLI and Dagster alike."""

from pathlib import Path

import pytest

from pipelines.lib import settings

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_and_the_environment():
    s = settings.load({})
    assert (s.db, s.exports, s.inbox) == (Path("data/warehouse.duckdb"), Path("data/exports"), Path("data/inbox"))
    assert (s.jobs, s.model_tests, s.dbt_artifacts) == (None, True, None)
    s = settings.load({"YUSUAN_DB": "/srv/w.duckdb", "YUSUAN_EXPORTS": "out", "YUSUAN_JOBS": "3",
                       "YUSUAN_MODEL_TESTS": "0", "YUSUAN_INBOX": ""})
    assert (s.db, s.exports, s.jobs, s.model_tests) == (Path("/srv/w.duckdb"), Path("out"), 3, False)
    assert s.inbox == Path("data/inbox")  # an empty variable is unset
    assert settings.load({"YUSUAN_JOBS": "0"}).jobs is None  # 0: every core
    with pytest.raises(ValueError, match=r"\$YUSUAN_JOBS is 'many'"):
        settings.load({"YUSUAN_JOBS": "many"})


def test_each_default_path_is_written_once():
    defaults = [s.default for s in settings.ALL if s.default and "/" in s.default]
    assert len(defaults) == 3
    for path in (ROOT / "pipelines").rglob("*.py"):
        if path.name == "settings.py" or "samples" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for default in defaults:
            assert f'"{default}"' not in text, f"{path.relative_to(ROOT)} writes {default} again: use settings"


def test_cli_and_dagster_read_the_same_settings(monkeypatch, tmp_path):
    from pipelines import cli
    from pipelines.defs import resources

    monkeypatch.setenv("YUSUAN_DB", str(tmp_path / "w.duckdb"))
    args = cli.build_parser().parse_args(["summary"])
    assert cli._db(args) == tmp_path / "w.duckdb"
    assert resources.warehouse_path() == str(tmp_path / "w.duckdb")
    assert cli._db(cli.build_parser().parse_args(["summary", "--db", "x.duckdb"])) == Path("x.duckdb")


def test_memory_limit_reaches_every_warehouse_connection(monkeypatch, tmp_path):
    """$YUSUAN_MEMORY_LIMIT bounds DuckDB in the CLI's connections and in the Dagster warehouse resource alike."""
    from pipelines.defs import resources
    from pipelines.lib import db

    assert "memory_limit" not in db.connection_config()  # unset: DuckDB's own default
    monkeypatch.setenv("YUSUAN_MEMORY_LIMIT", "300MB")
    con = db.connect(tmp_path / "w.duckdb")
    limit = con.sql("select current_setting('memory_limit')").fetchall()[0][0]
    con.close()
    assert limit.endswith("MiB") and 280 <= float(limit.split()[0]) <= 300, limit  # DuckDB says 300MB as MiB
    assert resources.resources().resources["warehouse"].connection_config["memory_limit"] == "300MB"
    monkeypatch.setenv("YUSUAN_MEMORY_LIMIT", "lots")
    with pytest.raises(ValueError, match=r"\$YUSUAN_MEMORY_LIMIT is not a memory size.*e\.g\. 1GB"):
        db.connect(tmp_path / "x.duckdb")
