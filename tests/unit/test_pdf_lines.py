"""``pdf_page.cluster_lines`` on a line whose digits come from a font with other metrics: LibreOffice printed the
cover 魏县格式乙测试局2025年部门预算 with the Chinese glyphs' boxes at 67.6–78.1 and the year's at 75.0–86.0 (positions
typed from the PDF's text layer), so the year's middle fell below the line's band and it stood as a line of its own —
the cover lost its year and the filing was rejected ("the budget year could not be determined")."""

from __future__ import annotations

from pipelines.lib import pdf_page
from pipelines.lib.pdf_layer import Char


def _chars(text: str, x: float, top: float, bottom: float, size: float, step: float) -> list[Char]:
    return [Char(ch, x + i * step, x + i * step + step, top, bottom, size) for i, ch in enumerate(text)]


COVER = (_chars("魏县格式乙测试局", 72.1, 67.6, 78.1, 10.5, 10.5) + _chars("2025", 158.2, 75.0, 86.0, 11.0, 7.0)
         + _chars("年部门预算", 188.4, 67.6, 78.1, 10.5, 10.5))
TITLE = _chars("部门收支总表", 72.1, 82.7, 93.2, 10.5, 10.5)


def _texts(chars: list[Char]) -> list[str]:
    return ["".join(c.text for c in line) for line in pdf_page.cluster_lines(chars)]


def test_a_year_set_lower_by_its_font_stays_in_its_line():
    assert _texts(COVER + TITLE) == ["魏县格式乙测试局2025年部门预算", "部门收支总表"]


def test_figures_on_a_line_of_their_own_stay_there():
    # a row of figures under a label, not filling a gap of it: its own line
    figures = _chars("12.00", 150.0, 75.0, 86.0, 11.0, 6.0)
    assert _texts(_chars("合计", 72.1, 67.6, 78.1, 10.5, 10.5) + figures) == ["合计", "12.00"]
    # digits in a gap of a line they do not overlap (the next line down): their own line
    below = _chars("2025", 158.2, 80.0, 91.0, 11.0, 7.0)
    assert _texts(_chars("魏县格式乙测试局", 72.1, 67.6, 78.1, 10.5, 10.5) + _chars("年", 188.4, 67.6, 78.1, 10.5, 10.5)
                  + below) == ["魏县格式乙测试局年", "2025"]
