"""classify: kinds, titles, metadata, header paths, bodies and continuations from variant filings."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.lib.classify import classify, key, kind_from_title, squash
from pipelines.lib.docx_reader import read_docx
from tests.docx_builder import C, build_docx, meta_row, p, tbl

REPO = Path(__file__).resolve().parents[2]

# --- titles (VARIANTS.md E1, exact strings, with the prefixes and suffixes seen) -------------

TITLES = {
    "summary": [
        "部门预算收支总表", "部门收支总表", "收支总表", "收支预算总表", "《收支预算总表》", "部门收支总体情况表(公开01表)",
        "部门财务收支总体情况表", "2023年部门财务收支预算总表", "2024年预算单位财务收支预算总表", "表1部门收支预算总表",
        "2016 年收支预算总表(功能分类科目)", "2016 年收支预算总表(经济分类科目)", "部门综合预算收支总表",
        "收入支出决算总表", "收支决算总表", "部门收支总体情况决算表", "表一  部门收支总表", "公开01表 部门收支总表",
    ],
    "income": [
        "部门预算收入总表", "部门收入总表", "收入总表", "部门收入总体情况表(公开02表)", "表二 收入总体情况表",
        "部门收入预算总表", "预算单位收入预算总表", "收入预算表", "收入决算表", "收入决算总表", "表1-2 部门收入总表",
    ],
    "expenditure": [
        "部门预算支出总表", "部门支出总表", "支出总表", "部门支出总体情况表(公开03表)", "预算支出总表", "部门支出预算总表",
        "支出预算表", "支出预算分类汇总表(按政府/部门预算经济分类)", "支出决算表", "支出决算总表", "表三 部门支出总表",
    ],
    "fiscal_summary": [
        "部门预算财政拨款收支总表", "财政拨款收支总表", "财政拨款收支总体情况表(公开04表)", "财政拨款收支预算总表",
        "部门财政拨款收支预算总表", "财政拨款收支预算表", "财政拨款收入支出决算总表", "財政撥款收入支出決算表",
        "2022年财政拨款收支总表",
    ],
    "general_public_expenditure": [
        "部门预算一般公共预算财政拨款支出表", "一般公共预算支出表", "一般公共预算支出情况表(公开05表)",
        "一般公共预算财政拨款支出预算表", "部门一般公共预算支出功能分类预算表", "一般公共预算本级财力支出情况表",
        "一般公共预算财政拨款支出决算表", "一般公共预算财政拨款收入支出决算表", "一般公共预算支出决算表(功能科目)",
        "表五 一般公共预算支出表",
    ],
    "basic_expenditure": [
        "部门预算一般公共预算财政拨款基本支出表", "一般公共预算基本支出表", "一般公共预算基本支出情况表(公开06表)",
        "一般公共预算基本支出明细表(按经济分类)", "一般公共预算基本支出经济分类情况表",
        "部门一般公共预算基本支出部门预算经济分类预算表", "部门基本支出情况表", "财政拨款安排的基本支出预算表",
        "一般公共预算基本支出表--人员经费(工资福利支出)(按政府预算经济分类)", "一般公共预算财政拨款基本支出决算表",
        "一般公共预算财政拨款基本支出决算明细表", "一般公共预算基本支出决算表(经济科目)",
    ],
    "gov_fund_expenditure": [
        "部门预算政府基金预算财政拨款支出表", "政府性基金预算支出表", "政府性基金预算支出情况表(公开08表)",
        "政府性基金支出表", "政府性基金预算拨款支出预算表", "政府性基金预算拨款支出情况表",
        "部门政府性基金预算支出功能分类预算表", "部门政府性基金预算支出情况表", "政府性基金预算财政拨款收入支出决算表",
    ],
    "soe_capital_expenditure": [
        "部门预算国有资本经营预算财政拨款支出表", "国有资本经营预算支出表", "国有资本经营预算支出情况表(公开09表)",
        "国有资本经营预算预算支出表", "部门国有资本经营预算支出功能分类预算表", "国有资本经营预算财政拨款支出决算表",
        "国有资本经营预算财政拨款收入支出决算表",
    ],
    "three_public": [
        "部门预算财政拨款“三公”经费支出表", "一般公共预算“三公”经费支出表", '《一般公共预算"三公"经费支出表》',
        "一般公共预算“三公”经费支出情况表(公开07表)", "财政拨款“三公经费”支出表", "部门预算资金安排的“三公”经费情况表",
        "一般公共预算“三公”经费支出预算表", "2022年一般公共预算“三公”经费支出预算表", "部门“三公”经费和机关运行经费预算表",
        "部门“三公”经费情况统计表", "年度部门“三公”经费预算情况表", "“三公”经费预算财政拨款情况统计表",
        "一般公共预算 三公 经费支出表", "财政拨款“三公”经费支出决算表", "一般公共预算财政拨款“三公”经费支出决算表",
        "一般公共预算财政拨款安排的“三公”经费支出决算表", "财政拨款三公经费支出决算表",
        "一般公共预算财政拨款“三公”经费及会议费、培训费支出决算表", "“三公”经费、行政参公单位机关运行经费情况表",
        "一般公共预算‘三公’经费支出表", "“三公”經費支出表",
    ],
    "project_expenditure": ["项目支出表", "一般公共预算项目支出表", "一般公共预算项目预算表"],
    "procurement": ["政府采购支出表", "政府采购预算表(公开10表)", "政府采购表", "部门政府采购预算"],
    "performance_target": [
        "项目支出绩效目标表", "绩效目标申报表(公开11表)", "部门整体支出绩效目标表", "重点项目绩效目标表",
        "财政项目支出绩效目标申报表", "财政项目支出绩效目标填报表", "1、2022年县委重要文稿资料汇编经费绩效目标表",
    ],
    "assets": ["国有资产占用情况表", "国有资产使用情况表", "部门固定资产占用情况表"],
    "org_structure": ["部门机构设置情况"],
    "contents": ["目录", "报表目录"],  # 西安: the list of tables (报表 | 报表名称 | 是否空表 | 公开空表理由)
    "unknown": ["政府购买服务支出表", "财政专户管理资金预算支出表", "专项资金预算汇总表"],
}
# 西安 部门综合预算: the 支出总表 prints spending by fund source, and the 一般公共预算支出明细表 by economic class holds
# 基本 and 专项 spending — their titles name the kind whatever the header suggests (layouts.TITLE_OVER_HEADER)
TITLES["expenditure"] += ["部门综合预算支出总表", "2019年部门综合预算支出总表"]
TITLES["general_public_expenditure"] += ["部门综合预算一般公共预算支出明细表（按支出经济分类科目）"]


@pytest.mark.parametrize(("kind", "title"), [(k, t) for k, ts in TITLES.items() for t in ts])
def test_every_title_variant_maps_to_its_kind(kind, title):
    assert kind_from_title(title) == kind


def test_titles_naming_nothing_known():
    assert kind_from_title("") is None
    assert kind_from_title("名词解释") is None


def test_squash_and_key():
    assert squash("项  目") == "项目"
    assert squash("科目    编码") == "科目编码"
    assert squash("公务 接待费") == "公务接待费"
    assert squash("资 金 性 质") == "资金性质"
    assert squash("一般公共预算\u00a0\u3000财政\u200b拨款\n") == "一般公共预算财政拨款"
    assert squash("Table 1 总表") == "Table 1总表"
    assert key("單位:萬") == "单位:万"
    assert key("“三公”经费（２０２３）") == "三公经费(2023)"


# --- builders --------------------------------------------------------------------------------


def filing(*blocks) -> object:
    return classify(read_docx(build_docx(list(blocks))))


SUMMARY_ROWS = [
    [C("序号", vmerge="restart"), C("收入", span=2), C("支出", span=2)],
    [C(vmerge="continue"), "项  目", "预算数", "项  目", "预算数"],
    ["栏次", "1", "2", "3", "4"],
    ["1", "一、一般公共预算拨款收入", "2041.42", "一、一般公共服务支出", "1974.41"],
    ["2", "五、事业收入", "", "八、社会保障和就业支出", "49.89"],
    ["3", "收入总计", "2041.42", "支出总计", "2041.42"],
]


def test_hebei_summary_with_metadata_row_header_and_lanci():
    f = filing(p("部门预算收支总表"), tbl([meta_row(5), *SUMMARY_ROWS]))
    (t,) = f.tables
    assert (t.kind, t.title, t.unit, t.index, t.parts) == ("summary", "部门预算收支总表", "万元", 0, [0])
    assert t.header == ["序号", "收入 / 项目", "收入 / 预算数", "支出 / 项目", "支出 / 预算数"]
    assert [t.values(r) for r in t.body] == [
        ["1", "一、一般公共预算拨款收入", "2041.42", "一、一般公共服务支出", "1974.41"],
        ["2", "五、事业收入", "", "八、社会保障和就业支出", "49.89"],
        ["3", "收入总计", "2041.42", "支出总计", "2041.42"],
    ]
    assert [(c.table, c.row) for c in t.body[0][:1]] == [(0, 4)]
    assert (f.department_code, f.department_name, f.year, f.unit, f.doc_type) == (
        "201", "中国共产党魏县委员会办公室", 2023, "万元", "budget"
    )
    assert f.problems == []


def test_title_as_the_first_merged_row_inside_the_table():
    rows = [
        [C("表1-1 部门收支总表", span=5)],
        [C("编制单位：上海市普陀区司法局", span=3), C("单位：元", span=2)],
        *SUMMARY_ROWS[:2],
        ["1", "一、一般公共预算拨款收入", "164,978,640", "一、一般公共服务支出", "164,978,640"],
    ]
    f = filing(p("一、部门预算公开表"), tbl(rows))
    (t,) = f.tables
    assert (t.kind, t.title, t.unit) == ("summary", "表1-1 部门收支总表", "元")
    assert t.header[1] == "收入 / 项目"
    assert len(t.body) == 1 and t.body[0][0].row == 4
    assert (f.department_code, f.department_name, f.unit) == (None, "上海市普陀区司法局", "元")


@pytest.mark.parametrize(
    ("lines", "code", "name", "year", "unit"),
    [
        (["部门名称：魏县财政局", "预算年度：2023", "单位：万元"], None, "魏县财政局", 2023, "万元"),
        (["部门：南漳县招商服务中心", "金额单位：万元"], None, "南漳县招商服务中心", None, "万元"),
        (["编制单位：某某县教育局          单位：元"], None, "某某县教育局", None, "元"),
        (["单位名称：平山县下口镇财政所  预算年度:2025  单位:万元"], None, "平山县下口镇财政所", 2025, "万元"),
        (["编制部门：岳阳市人力资源和社会保障局", "单位:元"], None, "岳阳市人力资源和社会保障局", None, "元"),
        (["预算主管部门：沅陵县民政局", "單位:萬"], None, "沅陵县民政局", None, "万元"),
        (["920平山县下口镇财政所  预算年度:2025  单位 : 万元"], "920", "平山县下口镇财政所", 2025, "万元"),
        (["部门：201中国共产党魏县委员会办公室", "预算年度：２０２３"], "201", "中国共产党魏县委员会办公室", 2023, None),
    ],
)
def test_metadata_forms_in_the_paragraphs_above(lines, code, name, year, unit):
    f = filing(p("部门预算收支总表"), *[p(x) for x in lines], tbl(SUMMARY_ROWS))
    (t,) = f.tables
    assert t.kind == "summary" and t.title == "部门预算收支总表"
    assert (f.department_code, f.department_name, f.year, t.unit) == (code, name, year, unit)


@pytest.mark.parametrize(
    "cells",
    [
        ["201中国共产党魏县委员会办公室", "预算年度：2023", "单位：万元"],
        ["部门名称：中国共产党魏县委员会办公室  预算年度：2023", "单位：万元"],
        ["单位名称：中国共产党魏县委员会办公室", "预算年度:2023", "单位:万元"],
    ],
)
def test_metadata_forms_in_the_first_rows(cells):
    f = filing(p("部门预算收支总表"), tbl([meta_row(5, cells), *SUMMARY_ROWS]))
    assert (f.department_name, f.year, f.unit) == ("中国共产党魏县委员会办公室", 2023, "万元")
    assert f.tables[0].header[0] == "序号"


def test_year_from_a_title_or_a_paragraph_when_no_budget_year_cell():
    f = filing(p("2023年部门财务收支预算总表"), p("单位：元"), tbl(SUMMARY_ROWS))
    assert f.year == 2023 and f.tables[0].kind == "summary"
    f = filing(p("上海市普陀区2024年区级部门预算"), p("部门收支总表"), tbl(SUMMARY_ROWS))
    assert f.year == 2024
    f = filing(p("中国共产党魏县委员会办公室2023年部门预算信息公开情况说明"), p("部门收支总表"), tbl(SUMMARY_ROWS))
    assert (f.year, f.department_name) == (2023, "中国共产党魏县委员会办公室")


INCOME_ROWS = [
    [C("序号", vmerge="restart"), C("功能分类科目", span=2), C("合计", vmerge="restart"), C("本年收入", span=3),
     C("上年结转", vmerge="restart")],
    [C(vmerge="continue"), "科目    编码", "科目名称", C(vmerge="continue"), "小计", "财政拨款 收入", "事业收入",
     C(vmerge="continue")],
    ["栏次", "1", "2", "3", "4", "5", "6", "7"],
    ["1", "", "合计", "2041.42", "2041.42", "2041.42", "", ""],
    ["2", "201", "一般公共服务支出", "1974.41", "1974.41", "1974.41", "", ""],
]

INCOME_HEADER = [
    "序号", "功能分类科目 / 科目编码", "功能分类科目 / 科目名称", "合计", "本年收入 / 小计", "本年收入 / 财政拨款收入",
    "本年收入 / 事业收入", "上年结转",
]


def test_two_header_rows_with_merges_give_one_path_per_column():
    (t,) = filing(p("部门预算收入总表"), tbl(INCOME_ROWS)).tables
    assert t.kind == "income"
    assert t.header == INCOME_HEADER
    assert [t.values(r)[:4] for r in t.body] == [["1", "", "合计", "2041.42"], ["2", "201", "一般公共服务支出", "1974.41"]]


def test_three_header_rows():
    rows = [
        [C("项目", vmerge="restart"), C("合计", vmerge="restart"), C("本年收入", span=3)],
        [C(vmerge="continue"), C(vmerge="continue"), C("财政拨款收入", span=2), C("事业收入", vmerge="restart")],
        [C(vmerge="continue"), C(vmerge="continue"), "一般公共预算", "政府性基金", C(vmerge="continue")],
        ["合计", "10.00", "8.00", "1.00", "1.00"],
    ]
    (t,) = filing(p("收入总表"), tbl(rows)).tables
    assert t.header == [
        "项目", "合计", "本年收入 / 财政拨款收入 / 一般公共预算", "本年收入 / 财政拨款收入 / 政府性基金", "本年收入 / 事业收入",
    ]
    assert len(t.body) == 1 and t.body[0][0].text == "合计"


def test_no_lanci_row_and_one_header_row():
    rows = [["项 目", "预算数"], ["合计", "54.50"], ["1.因公出国(境)费", "0"], ["2.公务接待费", "54.50"]]
    (t,) = filing(p("一般公共预算“三公”经费支出表"), p("单位:万元"), tbl(rows)).tables
    assert (t.kind, t.header, t.unit) == ("three_public", ["项目", "预算数"], "万元")
    assert [r[0].text for r in t.body] == ["合计", "1.因公出国(境)费", "2.公务接待费"]


def test_final_accounts_template_with_hangci_columns_and_lanci_row():
    rows = [
        [C("收入", span=3), C("支出", span=3)],
        ["项目", "行次", "金额", "项目", "行次", "金额"],
        ["栏次", "", "1", "栏次", "", "2"],
        ["一、一般公共预算财政拨款收入", "1", "1,308,312.6", "一、一般公共服务支出", "29", "71339.2"],
    ]
    f = filing(p("收入支出决算总表"), p("公开01表"), p("部门:南漳县招商服务中心"), p("金额单位:万元"), tbl(rows))
    (t,) = f.tables
    assert (t.kind, f.doc_type, f.department_name, t.unit) == ("summary", "final_accounts", "南漳县招商服务中心", "万元")
    assert t.header == ["收入 / 项目", "收入 / 行次", "收入 / 金额", "支出 / 项目", "支出 / 行次", "支出 / 金额"]
    assert len(t.body) == 1 and t.body[0][2].text == "1,308,312.6"


def test_split_class_section_item_columns():
    rows = [
        [C("功能分类科目编码", span=3), C("科目名称", vmerge="restart"), C("合计", vmerge="restart"),
         C("基本支出", vmerge="restart"), C("项目支出", vmerge="restart")],
        ["类", "款", "项", C(vmerge="continue"), C(vmerge="continue"), C(vmerge="continue"), C(vmerge="continue")],
        ["201", "01", "01", "行政运行", "96,282,213.44", "96,282,213.44", "0"],
    ]
    (t,) = filing(p("部门一般公共预算支出功能分类预算表"), tbl(rows)).tables
    assert t.kind == "general_public_expenditure"
    assert t.header == [
        "功能分类科目编码 / 类", "功能分类科目编码 / 款", "功能分类科目编码 / 项", "科目名称", "合计", "基本支出", "项目支出",
    ]
    assert t.values(t.body[0])[:3] == ["201", "01", "01"]


def test_internal_spaces_are_collapsed_in_header_paths():
    rows = [
        ["合计", "因公出国(境)费", "公务 接待费", C("公务用车购置及运行费", span=3), "机关运行经费预算数"],
        ["", "", "", "小计", "购置费", "运行费", ""],
        ["54.50", "0", "54.50", "0", "0", "0", "46.76"],
    ]
    (t,) = filing(p("部门“三公”经费和机关运行经费预算表"), tbl(rows)).tables
    assert t.kind == "three_public"
    assert t.header == [
        "合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费 / 小计", "公务用车购置及运行费 / 购置费",
        "公务用车购置及运行费 / 运行费", "机关运行经费预算数",
    ]
    assert t.values(t.body[0]) == ["54.50", "0", "54.50", "0", "0", "0", "46.76"]


SANGONG_HEADER = [
    [C("序号", vmerge="restart"), C("项  目", vmerge="restart"), C("资 金 性 质", span=4)],
    [C(vmerge="continue"), C(vmerge="continue"), "合计", "一般公共预算              财政拨款", "政府性基金                  预算拨款",
     "国有资本经营              预算财政拨款"],
    ["栏次", "1", "2", "3", "4", "5"],
]


@pytest.mark.parametrize(
    "car",
    ["二、公务用车购置及运维费", "二、公务用车购置及运行费", "二、公务用车购置及运行维护费", "二、公务用车费",
     "二、公務用車購置及運行維護支出"],
)
def test_vertical_three_public_with_car_label_variants(car):
    body = [
        ["1", "合计", "54.50", "54.50", "", ""],
        ["2", "“三公”经费小计", "54.50", "54.50", "", ""],
        ["3", "一、因公出国（境）费", "", "", "", ""],
        ["6", car, "", "", "", ""],
        ["7", "    其中：公务用车购置费", "", "", "", ""],
        ["8", "          公务用车运行维护费", "", "", "", ""],
        ["9", "三、公务接待费", "54.50", "54.50", "", ""],
    ]
    (t,) = filing(p("部门预算财政拨款“三公”经费支出表"), tbl([meta_row(6), *SANGONG_HEADER, *body])).tables
    assert t.kind == "three_public"
    assert t.header == [
        "序号", "项目", "资金性质 / 合计", "资金性质 / 一般公共预算财政拨款", "资金性质 / 政府性基金预算拨款",
        "资金性质 / 国有资本经营预算财政拨款",
    ]
    assert [r[1].text for r in t.body][3] == car
    assert t.body[4][1].text == "    其中：公务用车购置费"  # printed text kept exactly


def test_three_public_without_a_title_classifies_from_its_rows():
    rows = [["项目", "预算数"], ["1.因公出国(境)费用", "0"], ["2.公务接待费", "3.2"], ["3.公务用车购置及运行维护费", "5"]]
    f = filing(p("附表"), tbl(rows))
    assert f.tables[0].kind == "three_public"


def test_a_long_table_continued_as_a_second_word_table_with_its_header_repeated():
    head = [meta_row(8), *INCOME_ROWS[:3]]
    part1 = [*head, *[[str(i), "201", f"科目{i}", "1.00", "1.00", "1.00", "", ""] for i in range(1, 4)]]
    part2 = [*head, *[[str(i), "208", f"科目{i}", "2.00", "2.00", "2.00", "", ""] for i in range(4, 6)]]
    f = filing(p("部门预算收入总表"), tbl(part1), p(""), tbl(part2), p("部门预算支出总表"), tbl([["项目", "金额"]]))
    t = f.tables[0]
    assert (t.kind, t.parts, t.header) == ("income", [0, 1], INCOME_HEADER)
    assert [r[0].text for r in t.body] == ["1", "2", "3", "4", "5"]
    assert [(r[0].table, r[0].row) for r in t.body] == [(0, 4), (0, 5), (0, 6), (1, 4), (1, 5)]
    assert f.tables[1].index == 2 and f.tables[1].title == "部门预算支出总表"


def test_a_continuation_with_the_same_title_is_joined_but_a_different_title_is_not():
    rows = [["项目", "金额"], ["一、因公出国（境）费", "1.00"], ["二、公务接待费", "2.00"]]
    f = filing(p("“三公”经费支出表"), tbl(rows), p("“三公”经费支出表"), tbl(rows))
    assert [t.parts for t in f.tables] == [[0, 1]]
    f = filing(p("“三公”经费支出表"), tbl(rows), p("一般公共预算支出表"), tbl(INCOME_ROWS))
    assert [t.parts for t in f.tables] == [[0], [1]]


def test_performance_objective_and_indicator_tables_are_one_logical_table():
    indicators = [
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
        [C("产出指标", vmerge="restart"), "数量指标", "辑印存档文件范围", "2022年全年主要领导重要精神文件", "全年重要精神文件",
         "依据实际工作要求"],
        [C(vmerge="continue"), "成本指标", "辑印存档费用", "辑印存档费用", "5万元", "实际辑印成册及整理存档费用测算"],
        ["满意度指标", "服务对象满意度指标", "满意率", "满意率", "≥90%", "服务对象满意度反馈"],
    ]
    f = filing(
        p("第三部分  预算项目绩效目标"),
        p("1、2022年县委重要文稿资料汇编经费绩效目标表"),
        tbl([["绩效目标", "1.目标内容1将重要文稿辑印成册，便于存档资政，参考学习"]]),
        p(" "),
        tbl(indicators),
        p("2、保密电话运行维护费绩效目标表"),
        tbl([["绩效目标", "1.目标内容1保障保密电话正常运行"]]),
        tbl(indicators[:2]),
    )
    t1, t2 = f.tables
    assert (t1.kind, t1.title, t1.parts) == ("performance_target", "1、2022年县委重要文稿资料汇编经费绩效目标表", [0, 1])
    assert t1.header == ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    assert t1.values(t1.body[0]) == ["绩效目标", "1.目标内容1将重要文稿辑印成册，便于存档资政，参考学习", "", "", "", ""]
    assert t1.body[0][1].col_span == 5 and (t1.body[0][1].table, t1.body[0][1].row) == (0, 0)
    # the 一级指标 row stays in the body too: normalize reads a 绩效目标 table's rows in order (several forms
    # can share one ruled table), and a header row is never an indicator
    assert [r[0].text for r in t1.body[1:]] == ["一级指标", "产出指标", "成本指标", "满意度指标"]
    assert t1.body[2][0].row_span == 2
    assert t1.values(t1.body[3])[4] == "5万元"
    assert (t2.title, t2.parts, len(t2.body)) == ("2、保密电话运行维护费绩效目标表", [2, 3], 3)
    assert not [x for x in f.problems if x.startswith("table")]


GOV_FUND_ROWS = [
    [C("序号", vmerge="restart"), C("功能分类科目", span=2), C("合计", vmerge="restart"), C("基本支出", vmerge="restart"),
     C("项目支出", vmerge="restart")],
    [C(vmerge="continue"), "科目编码", "科目名称", C(vmerge="continue"), C(vmerge="continue"), C(vmerge="continue")],
    ["栏次", "1", "2", "3", "4", "5"],
]


@pytest.mark.parametrize(
    "note",
    ["注：无政府基金预算财政拨款预算，空表列示。", "注：本部门2024年无政府性基金预算拨款安排的支出，故本表为空表。",
     "注:本单位没有政府性基金预算支出。"],
)
def test_empty_by_declaration_note(note):
    (t,) = filing(p("部门预算政府基金预算财政拨款支出表"), tbl([*GOV_FUND_ROWS, [""] * 6]), p(note)).tables
    assert (t.kind, t.empty_declared, t.notes) == ("gov_fund_expenditure", True, [note])
    assert len(t.body) == 1


def test_empty_by_a_body_row_that_says_none():
    (t,) = filing(p("国有资本经营预算支出表"), tbl([*GOV_FUND_ROWS, ["无", "", "", "", "", ""]])).tables
    assert (t.kind, t.empty_declared) == ("soe_capital_expenditure", True)


def test_figures_printed_with_an_empty_note_keep_their_body():
    body = [["1", "2120101", "行政运行", "10.00", "10.00", ""]]
    (t,) = filing(p("政府性基金预算支出表"), tbl([*GOV_FUND_ROWS, *body]), p("注：本单位无政府性基金预算，故本表为空表。")).tables
    assert t.empty_declared is True
    assert t.values(t.body[0])[3] == "10.00"


def test_a_note_row_inside_the_table_becomes_a_note():
    rows = [*GOV_FUND_ROWS, [""] * 6, [C("注：无国有资本经营预算财政拨款预算，空表列示。", span=6)]]
    (t,) = filing(p("国有资本经营预算支出表"), tbl(rows)).tables
    assert t.notes == ["注：无国有资本经营预算财政拨款预算，空表列示。"] and t.empty_declared
    assert len(t.body) == 1


def test_an_unanticipated_table_is_kept_as_unknown_with_its_cells():
    rows = [["指标", "2022年", "2023年"], ["在职人数", "12", "13"]]
    f = filing(p("人员编制情况表"), tbl(rows))
    (t,) = f.tables
    assert t.kind == "unknown"
    assert t.header == ["指标", "2022年", "2023年"]
    assert t.values(t.body[0]) == ["在职人数", "12", "13"]
    assert any("table 1" in x and "unknown" in x for x in f.problems)


def test_a_title_that_conflicts_with_the_header_trusts_the_header():
    rows = [
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出", "经营支出", "上缴上级支出", "对附属单位补助支出"],
        ["201", "一般公共服务支出", "1.00", "1.00", "", "", "", ""],
    ]
    f = filing(p("部门预算收入总表"), tbl(rows))
    assert f.tables[0].kind == "expenditure"
    assert any("title says income" in x and "expenditure" in x for x in f.problems)


def test_a_missing_title_still_classifies_from_the_header():
    f = filing(p("单位：万元"), tbl(INCOME_ROWS))
    assert (f.tables[0].kind, f.tables[0].title, f.tables[0].unit) == ("income", "", "万元")
    fiscal = [
        [C("收入", span=2), C("支出", span=4)],
        ["项目", "金额", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款"],
        ["一、一般公共预算拨款", "10", "一、一般公共服务支出", "10", "10", ""],
    ]
    f = filing(p("部门预算收支总表"), tbl(fiscal))  # a wrong title: the header is the 财政拨款 one
    assert f.tables[0].kind == "fiscal_summary"
    assert f.problems


def test_unit_per_table_and_the_filing_unit_most_tables_print():
    f = filing(
        p("部门收支总表"), p("单位：元"), tbl(SUMMARY_ROWS),
        p("部门收入总表"), p("单位：元"), tbl(INCOME_ROWS),
        p("一般公共预算“三公”经费支出表"), p("单位：万元"), tbl([["项目", "预算数"], ["合计", "1"]]),
    )
    assert [t.unit for t in f.tables] == ["元", "元", "万元"]
    assert f.unit == "元"
