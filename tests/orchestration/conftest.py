import shutil
from pathlib import Path

import dagster as dg
import pytest
import yaml

ROOT = Path(__file__).parents[2]
SAMPLES = ROOT / "data" / "samples"


def repo_storage(base_dir: Path) -> dict:
    """The storage block of the repo's dagster.yaml, its files under ``base_dir``."""
    storage = yaml.safe_load((ROOT / "dagster.yaml").read_text(encoding="utf-8"))["storage"]
    [(kind, conf)] = storage.items()
    assert kind == "custom", "dagster.yaml's storage should name pipelines.defs.storage"
    return {"custom": {**conf, "config": {**conf["config"], "base_dir": str(base_dir)}}}


def dotenv() -> dict[str, str]:
    """The repo's .env, which Dagster's processes started in the repo load."""
    lines = (ROOT / ".env").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


@pytest.fixture
def inbox(tmp_path) -> Path:
    """An inbox holding a copy of the shipped samples, region folders and all."""
    target = tmp_path / "inbox"
    shutil.copytree(SAMPLES, target, ignore=shutil.ignore_patterns("*.md"))
    return target


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """A Dagster instance as the repo configures one: dagster.yaml's storage (pipelines/defs/storage.py) and .env's
    event batches."""
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", dotenv()["DAGSTER_EVENT_BATCH_SIZE"])
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home), overrides={"storage": repo_storage(home)}) as inst:
        yield inst


@pytest.fixture(autouse=True)
def own_warehouse(tmp_path, monkeypatch):
    """$YUSUAN_DB of the test's own (absent until written): never the repo's data/warehouse.duckdb, which the demo
    fills and whose filings the inbox sensor would report as loaded by `yusuan ingest` — a test's partitions would
    then depend on whether the demo ran first.  A test naming another warehouse sets its own."""
    monkeypatch.setenv("YUSUAN_DB", str(tmp_path / "own.duckdb"))
