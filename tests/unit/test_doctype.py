"""doc_type and scope from a filing's cover and titles, as real filings spell them (covers copied
from ../shared/real_samples)."""

from __future__ import annotations

import pytest

from pipelines.lib import doctype

COVERS = [
    # (first lines of the cover, doc_type, scope)
    (["上海市普陀区2025年区级部门预算", "预算主管部门：上海市普陀区人民政府办公室", "目 录", "二、部门决算单位构成"],
     "budget", "department"),
    (["上海市普陀区2025年区级单位预算", "预算单位：上海市普陀区人民政府办公室", "目 录"], "budget", "unit"),
    (["上海市2026年市级单位预算", "预算单位：上海市数据局", "目 录"], "budget", "unit"),
    (["上海市普陀区财政局", "2024年度部门决算", "目录", "二、部门决算单位构成"], "final_accounts", "department"),
    (["西南大学2023年度部门决算", "2024年8月", "目录"], "final_accounts", "department"),
    (["2019年佛山市轨道交通局 部门决算", "目 录"], "final_accounts", "department"),
    (["2026年度", "泉州市人民政府办公室", "（本级）", "单位预算", "目 录"], "budget", "unit"),
    (["2026年深圳市民政局（本级）部门预", "算", "目录"], "budget", "unit"),
    (["西安市信访局（汇总）", "2026年部门预算公开说明", "目 录"], "budget", "department"),
    (["魏县某局", "2023年单位决算", "目录"], "final_accounts", "unit"),
    (["2019年部门综合预算公开报表", "部门名称：西安市安全生产监督管理局"], "budget", "department"),
]


@pytest.mark.parametrize(("lines", "doc_type", "scope"), COVERS, ids=[c[0][0][:12] for c in COVERS])
def test_cover_decides(lines, doc_type, scope):
    cover = doctype.cover_text(lines)
    assert doctype.doc_type_of(cover, []) == doc_type
    assert doctype.scope_of(cover, []) == scope


def test_the_table_of_contents_is_not_the_cover():
    # 部门决算单位构成 in the contents of a 部门预算 says nothing about this filing
    cover = doctype.cover_text(["某某局", "目录", "部门决算单位构成", "单位预算"])
    assert cover == "某某局"


def test_titles_decide_when_the_cover_is_silent():
    unit_titles = ["2025年预算单位财务收支预算总表", "2025年预算单位收入预算总表", "2025年预算单位支出预算总表"]
    assert doctype.scope_of("", unit_titles) == "unit"
    assert doctype.doc_type_of("", unit_titles) == "budget"
    dept_titles = ["2025年部门财务收支预算总表", "2025年部门收入预算总表"]
    assert doctype.scope_of("", dept_titles) == "department"
    final_titles = ["收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表"]
    assert doctype.doc_type_of("", final_titles) == "final_accounts"
    # 烟台 prints 部门（单位）：… which names neither
    assert doctype.scope_of("", ["部门（单位）：烟台市财政局"]) == "department"


def test_a_cover_naming_both_falls_back_to_the_titles():
    # "部门预决算公开" names both: the tables decide
    cover = doctype.cover_text(["某某局2023年度部门预决算公开"])
    assert doctype.doc_type_of(cover, ["收入支出决算总表", "支出决算表"]) == "final_accounts"
    assert doctype.doc_type_of(cover, ["收支预算总表"]) == "budget"
