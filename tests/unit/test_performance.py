"""绩效目标 tables of other templates, as the PDF reader hands them over (cells with their spans).

The grids below copy, cell for cell, tables of real filings: the 中央 form (国家信访局 2026, p. 30), the
北京 list (北京市司法局 2026, 预算12表) and the 北京 部门整体 table; figures typed from those pages.
"""

from __future__ import annotations

from decimal import Decimal

from pipelines.lib.model import Cell, Table
from pipelines.lib.performance import parse


def table(rows: list[list[tuple[int, int, int, str]]], n_cols: int, title: str, header: list[str] | None = None):
    body = [[Cell(text, r, col, span, rspan, table=7) for col, span, rspan, text in row] for r, row in enumerate(rows)]
    return Table(7, "performance_target", title, None, header or [""] * n_cols, body, n_cols)


def test_central_form_with_colon_labels_and_a_score_box():
    t = table([
        [(0, 2, 1, "项目名称"), (2, 5, 1, "信息化运行维护")],
        [(0, 2, 1, "主管部门及代码"), (2, 2, 1, "[292]国家信访局"), (4, 1, 1, "实施单位"), (5, 2, 1, "国家信访局本级")],
        [(0, 2, 4, "项目资金（万元）"), (2, 2, 1, "年度资金总额："), (4, 2, 1, "2,134.87"), (6, 1, 4, "执行率分值（10）")],
        [(2, 2, 1, "其中：财政拨款"), (4, 2, 1, "1,384.87")],
        [(2, 2, 1, "上年结转"), (4, 2, 1, "750.00")],
        [(2, 2, 1, "其他资金"), (4, 2, 1, "-")],
        [(0, 1, 1, "年度总体目标"), (1, 6, 1, "1.加强对信访信息系统应用工作的指导和部署")],
        [(0, 1, 10, "绩效指标"), (1, 1, 1, "一级指标"), (2, 1, 1, "二级指标"), (3, 2, 1, "三级指标"), (5, 1, 1, "指标值"),
         (6, 1, 1, "分值（90）")],
        [(1, 1, 1, "成本指标"), (2, 1, 1, "经济成本指标"), (3, 2, 1, "项目总成本"), (5, 1, 1, "≤2134.87万元"), (6, 1, 1, "20")],
        [(1, 1, 2, "产出指标"), (2, 1, 1, "数量指标"), (3, 2, 1, "数据中心设备维护量"), (5, 1, 1, "≥330台（套）"),
         (6, 1, 1, "8")],
        [(2, 1, 1, "质量指标"), (3, 2, 1, "设备完好率"), (5, 1, 1, "≥96%"), (6, 1, 1, "8")],
    ], 7, "（2026年度）")
    got = parse(t, "万元")
    assert got.problems == []
    (p,) = got.projects
    assert p.name == "信息化运行维护"
    assert (p.attributes["supervisor"], p.attributes["implementer"]) == ("[292]国家信访局", "国家信访局本级")
    assert p.amount_wan("annual_funds") == Decimal("2134.87")
    assert p.amount_yuan("fiscal_funds") == Decimal("13848700.00")
    assert p.cost() == (Decimal("2134.87"), "≤2134.87万元", "cost_indicator")
    assert p.objective == "1.加强对信访信息系统应用工作的指导和部署"
    assert [(x.level1, x.level2, x.level3, x.target_value) for x in p.indicators] == [
        ("成本指标", "经济成本指标", "项目总成本", "≤2134.87万元"),
        ("产出指标", "数量指标", "数据中心设备维护量", "≥330台（套）"),
        ("产出指标", "质量指标", "设备完好率", "≥96%"),
    ]


def test_beijing_list_one_row_per_indicator_with_the_project_merged_down():
    t = table([
        [(0, 1, 2, "项目名称"), (1, 1, 2, "项目总额"), (2, 2, 1, "其中："), (4, 1, 2, "绩效目标"), (5, 1, 2, "一级指标"),
         (6, 1, 2, "二级指标"), (7, 1, 2, "三级指标"), (8, 1, 2, "绩效指标性质"), (9, 1, 2, "本年绩效指标值"),
         (10, 1, 2, "绩效度量单位")],
        [(2, 1, 1, "财政资金"), (3, 1, 1, "其他资金")],
        [(0, 1, 2, "11000022T000000444194-法律援助办案补贴"), (1, 1, 2, "560.000000"), (2, 1, 2, "560.000000"),
         (3, 1, 2, ""), (4, 1, 2, "确保2026年法律援助工作的顺利进行"), (5, 1, 1, "产出指标"), (6, 1, 1, "质量指标"),
         (7, 1, 1, "符合相关办法要求"), (8, 1, 1, "定性"), (9, 1, 1, "符合相关办法要求"), (10, 1, 1, "")],
        [(5, 1, 1, "效益指标"), (6, 1, 1, "社会效益指标"), (7, 1, 1, "挽回经济损失"), (8, 1, 1, "≥"), (9, 1, 1, "3000"),
         (10, 1, 1, "万元")],
        [(0, 1, 1, "11000022T000000444222-法援业务保障"), (1, 1, 1, "6.957500"), (2, 1, 1, "6.957500"), (3, 1, 1, ""),
         (4, 1, 1, "通过开展保障法律援助工作相关辅助工作"), (5, 1, 1, "满意度指标"), (6, 1, 1, "服务对象满意度指标"),
         (7, 1, 1, "法律援助工作人员满意度"), (8, 1, 1, "≥"), (9, 1, 1, "95"), (10, 1, 1, "%")],
    ], 11, "预算12表 项目支出绩效目标表")
    got = parse(t, "万元")
    assert got.problems == []
    assert [(p.name, p.attributes["project_code"], p.amount_wan("total_funds"), len(p.indicators))
            for p in got.projects] == [
        ("法律援助办案补贴", "11000022T000000444194", Decimal("560"), 2),
        ("法援业务保障", "11000022T000000444222", Decimal("6.9575"), 1),
    ]
    assert [x.target_value for p in got.projects for x in p.indicators] == ["符合相关办法要求", "≥3000万元", "≥95%"]
    assert got.projects[1].objective == "通过开展保障法律援助工作相关辅助工作"


def test_a_shape_yusuan_does_not_know_is_a_finding_not_rows():
    t = table([
        [(0, 1, 1, "公共法律服务"), (1, 1, 1, "产出指标数量指标选拔形成法律援助优秀案例汇编"), (2, 1, 1, "＝"), (3, 1, 1, "1"),
         (4, 1, 1, "册")],
        [(0, 1, 1, "律师公证管理"), (1, 1, 1, "产出指标质量指标律师培训参与度"), (2, 1, 1, "≥"), (3, 1, 1, "95"),
         (4, 1, 1, "%")],
    ], 5, "绩效目标")
    got = parse(t, "万元")
    assert got.projects == []
    ((check, location, _, message),) = got.problems
    assert check == "performance_table_layout" and location == "table 7"
    assert "2 rows were not loaded" in message


def test_an_unknown_row_inside_a_known_form_is_reported_not_loaded():
    t = table([
        [(0, 1, 1, "项目名称"), (1, 3, 1, "办公楼物业")],
        [(0, 1, 1, "一级指标"), (1, 1, 1, "二级指标"), (2, 1, 1, "三级指标"), (3, 1, 1, "指标值")],
        [(0, 1, 1, "产出指标"), (1, 1, 1, "数量指标"), (2, 1, 1, "物业管理面积"), (3, 1, 1, "≤5137.26平方米")],
        [(0, 4, 1, "审核意见：同意")],
    ], 4, "办公楼物业项目绩效目标表")
    got = parse(t, "万元")
    (p,) = got.projects
    assert (p.name, len(p.indicators)) == ("办公楼物业", 1)
    ((check, location, _, message),) = got.problems
    assert (check, location) == ("performance_row_unread", "table 7 row 3") and "审核意见" in message
