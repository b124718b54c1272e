"""Every frame a filing writes to the warehouse passes the pandera model it is declared by (schemas/models.py) —
the fact frames are validated on every ingest; the pipeline's own records (findings, table_cells, check_results,
coverage, coverage_gaps) are checked here, on a sample filing, a rejected one and real filings."""

from __future__ import annotations

import docx
import pytest

from pipelines.lib.stages import process
from pipelines.schemas.models import BY_FRAME, MODELS, RELATIONS
from tests.hostile.builders import REFERENCE
from tests.real.real_samples import REAL


def _validate_all(item) -> dict[str, int]:
    assert set(item.frames) <= set(BY_FRAME), sorted(set(item.frames) - set(BY_FRAME))
    for name, frame in item.frames.items():
        BY_FRAME[name].model.validate(frame, lazy=True)
    return {name: frame.height for name, frame in item.frames.items()}


def test_every_frame_of_the_reference_filing_passes_its_model():
    heights = _validate_all(process(REFERENCE))
    assert set(heights) == {r.frame for r in RELATIONS}
    # the 魏县 2023 201 sample: 9 tables read in full, so no gap, and every check reported
    assert heights["table_cells"] > 500 and heights["check_results"] >= 15 and heights["coverage_gaps"] == 0


def test_a_rejected_filing_writes_findings_its_model_accepts(tmp_path):
    document = docx.Document()
    document.add_paragraph("魏县教育局2023年部门预算")
    document.add_paragraph("本文件没有表格。")
    path = tmp_path / "no_tables.docx"
    document.save(path)
    item = process(path)
    assert item.rejected
    _validate_all(item)
    assert item.frames["findings"].select("severity", "check").rows() == [("error", "filing_identifiable")]


def test_the_models_validated_before_loading_are_the_facts():
    assert set(MODELS) == {"budget_lines", "budget_summary", "three_public", "performance_indicators", "projects",
                           "narrative_figures", "procurement", "unit_lines"}


@pytest.mark.real
@pytest.mark.parametrize("name", [
    "陕西省/西安市/shaanxi_xian_xinfangju_2026_budget.pdf",  # coverage gaps, by-unit tables, warnings
    "浙江省/杭州市/zhejiang_hangzhou_sifaju_2026_budget.pdf",  # 款/项 printed by name without codes
    "中央/教育部/chongqing_xinandaxue_2023_final.pdf",  # 决算
])
def test_every_frame_of_a_real_filing_passes_its_model(name):
    heights = _validate_all(process(REAL / name))
    assert heights["table_cells"] > 0 and heights["coverage"] > 0 and heights["check_results"] > 0
