import shutil
from pathlib import Path

import dagster as dg
import pytest

SAMPLES = Path(__file__).parents[2] / "data" / "samples"


@pytest.fixture
def inbox(tmp_path) -> Path:
    """An inbox holding a copy of the shipped samples, region folders and all."""
    target = tmp_path / "inbox"
    shutil.copytree(SAMPLES, target, ignore=shutil.ignore_patterns("*.md"))
    return target


@pytest.fixture
def instance(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as inst:
        yield inst
