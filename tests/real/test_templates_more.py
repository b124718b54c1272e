"""Real filings of the 江苏 city (苏州/无锡), 福建 (福州/泉州), 重庆, 西南大学 and 上海 单位预算 templates, read cell by
cell: figures typed by hand from the PDFs' page text (pdfium / pdfplumber), never from yusuan's output; the page
and table are named beside each.  Each PDF is read once per session (``processed``).
"""

from __future__ import annotations

import shutil

import pytest

from pipelines.lib.stages import process
from tests.real.real_samples import REAL

FILES = {
    "suzhou": REAL / "江苏省" / "苏州市" / "jiangsu_suzhou_shenjiju_2026_budget.pdf",
    "wuxi": REAL / "江苏省" / "无锡市" / "jiangsu_wuxi_shangwuju_2026_budget.pdf",
    "chongqing": REAL / "重庆市" / "重庆市本级" / "chongqing_shiji_zfbgt_2026_budget_narrative.pdf",
    "quanzhou": REAL / "福建省" / "泉州市" / "fujian_quanzhou_zfbgs_2026_unit_budget.pdf",
    "fuzhou": REAL / "福建省" / "福州市" / "fujian_fuzhou_shangwuju_2026_budget.pdf",
    "swu_2021": REAL / "中央" / "教育部" / "chongqing_xinandaxue_2021_budget.pdf",
    "swu_2023": REAL / "中央" / "教育部" / "chongqing_xinandaxue_2023_final.pdf",
    "sh_shujuju": REAL / "上海市" / "上海市本级" / "shanghai_shiji_shujuju_2026_unit_budget.pdf",
    "sh_putuo_unit": REAL / "上海市" / "普陀区" / "shanghai_putuo_qzfbgs_2025_unit_budget.pdf",
    "shenzhen": REAL / "广东省" / "深圳市" / "guangdong_shenzhen_minzhengju_2026_budget.pdf",
    "xian_xinfang": REAL / "陕西省" / "西安市" / "shaanxi_xian_xinfangju_2026_budget.pdf",
}
_CACHE: dict = {}
pytestmark = pytest.mark.real


@pytest.fixture(scope="session")
def processed():
    def get(name: str):
        if name not in _CACHE:
            _CACHE[name] = process(FILES[name], root=REAL)
        return _CACHE[name]

    return get


# --- a scope printed after the name is scope, not name ----------------------------------------------------------

@pytest.mark.parametrize(("name", "department", "printed", "scope"), [
    # cover p.1: 2026年度 / 泉州市人民政府办公室 / （本级） / 单位预算
    ("quanzhou", "泉州市人民政府办公室", "泉州市人民政府办公室（本级）", "unit"),
    # cover p.1: 2026年深圳市民政局（本级）部门预算 — one organ without its units
    ("shenzhen", "深圳市民政局", "深圳市民政局（本级）", "unit"),
    # cover p.1: 西安市信访局（汇总）2026年部门预算 — the bureau with its units
    ("xian_xinfang", "西安市信访局", "西安市信访局（汇总）", "department"),
])
def test_a_scope_suffix_is_the_filings_scope_not_part_of_the_name(processed, name, department, printed, scope):
    doc = processed(name).document
    assert doc["status"] == "loaded", doc["error"]
    assert (doc["department_name"], doc["printed_name"], doc["scope"], doc["year"]) == (
        department, printed, scope, 2026)


def test_the_body_is_one_department_with_or_without_its_scope_suffix(tmp_path):
    """泉州 2026 prints 泉州市人民政府办公室（本级）; a filing of the same body that prints the bare name (another
    year) is the same dw.dim_department row, and the suffixed name is recorded as an alias of it."""
    from pipelines.lib import warehouse
    from pipelines.lib.ingest import ingest
    from tests.sql.wh_filings import weixian_2023_frames, weixian_doc

    folder = tmp_path / "福建省" / "泉州市"
    folder.mkdir(parents=True)
    shutil.copy(FILES["quanzhou"], folder / FILES["quanzhou"].name)
    db = tmp_path / "w.duckdb"
    assert ingest([tmp_path / "福建省"], db).loaded == 1
    con = warehouse.connect(db)
    try:
        county = con.execute("select county from core.documents").fetchall()[0][0]
        other = weixian_doc("quanzhou-2025", file_name="泉州市人民政府办公室2025年单位预算.pdf",
                            source_path="福建省/泉州市/泉州市人民政府办公室2025年单位预算.pdf", region="福建省/泉州市",
                            county=county, department_code=None, department_name="泉州市人民政府办公室", year=2025)
        warehouse.load_document(con, other, weixian_2023_frames())
        aliases = {r[0]: r[1:] for r in con.execute(
            "select alias, department, matched_by from core.department_aliases").fetchall()}
        assert aliases["泉州市人民政府办公室（本级）"] == ("泉州市人民政府办公室", "scope suffix")
        assert aliases["泉州市人民政府办公室"][1] == "printed"
        warehouse.rebuild_models(con)
        rows = con.execute("select department_name, names_seen, first_year, last_year from dw.dim_department"
                           ).fetchall()
        assert rows == [("泉州市人民政府办公室", ["泉州市人民政府办公室"], 2025, 2026)]
    finally:
        con.close()
