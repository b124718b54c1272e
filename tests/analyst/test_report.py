"""`yusuan report`: static HTML per county and department, opened in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.analyst.conftest import run_cli

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync",
                  "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    if os.environ.get("CI"):
        pytest.fail("no chromium: scripts/test.sh installs it (apt-get install chromium fonts-noto-cjk)")
    pytest.skip("no chromium installed (scripts/test.sh installs it)")


def open_in_chromium(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"  # a fresh profile each time
    return subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def report(demo_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report"
    code, stdout, err = run_cli("report", "--db", str(demo_db), "--out", str(out))
    assert code == 0, err
    assert "wrote 1 county page(s) and 3 department page(s)" in stdout
    return out


def test_the_report_has_a_page_per_county_and_department_and_loads_nothing_from_the_network(report):
    pages = sorted(p.relative_to(report).as_posix() for p in report.rglob("*.html"))
    assert "index.html" in pages and "county/魏县.html" in pages
    assert len([p for p in pages if p.startswith("department/")]) == 3
    for page in report.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), page  # offline: no CDN, no remote asset
    county = (report / "county" / "魏县.html").read_text(encoding="utf-8")
    for label in ("“三公”经费", "同比变化最大的支出", "中国共产党魏县委员会办公室", "一般公共服务支出", "预算执行", "校验发现"):
        assert label in county
    # the demo's one 决算 (魏县教育局 2023) gives the execution section a chart and a table
    section = county[county.index("<h2>预算执行</h2>"):county.index("<h2>校验发现")]
    assert 'id="execution"' in section and "魏县教育局" in section and "教育支出" in section


@pytest.mark.parametrize("page", ["county/魏县.html", "index.html"])
def test_chromium_draws_the_charts_without_console_errors(report, tmp_path, page):
    done = open_in_chromium(report / page, tmp_path, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []  # no error, no warning, nothing logged by the page
    if page.startswith("county"):
        # plotly drew both charts: each chart's div holds its SVG
        assert done.stdout.count('class="main-svg"') >= 2 * 2, done.stdout[:2000]


def test_the_screenshot_is_not_blank(report, tmp_path):
    shot = tmp_path / "shot.png"
    done = open_in_chromium(report / "county" / "魏县.html", tmp_path, "--window-size=1200,1400",
                            f"--screenshot={shot}")
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 200  # text, lines and bars, not an empty page
    # the bar chart's red and blue bars are drawn
    assert any(c[1] == (0xC0, 0x39, 0x2B) for c in colours) and any(c[1] == (0x24, 0x71, 0xA3) for c in colours)
