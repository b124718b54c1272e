"""绩效目标 forms of the real 上海 2023 万里街道 filing: five projects, their forms and indicators (issue 11.5).

Every figure below was typed by hand from pages 31–35 of shpt_wanli_jiedao_2023_dept_budget.pdf.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pipelines.lib.classify import classify
from pipelines.lib.normalize import normalize

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def wanli(real_pdf_docs):
    filing = classify(real_pdf_docs[2023])
    return normalize(filing, "wanli-2023")


# (name, 项目性质, 项目类别, 项目资金总额 元, 年度资金申请总额 元, indicators printed)
PRINTED = [
    ("新建万里街道社区公共服务中心", "阶段性项目", "特定目标类", "4100000.00", "4100000.00", 5),
    ("就业援助基地补贴", "经常性项目", "特定目标类", "6351000.00", "6351000.00", 4),
    ("社区环境整治和建设经费", "经常性项目", "特定目标类", "4563800.00", "4563800.00", 4),
    ("各类工作经费", "经常性项目", "特定目标类", "7595500.00", "7595500.00", 43),
    ("公共服务设施运行经费", "经常性项目", "其他运转类", "10903043.00", "10903043.00", 9),
]


def test_five_projects_with_their_costs(wanli):
    got = [(p.project_seq, p.project_name, p.cost_wan, p.cost_basis) for p in wanli.projects]
    assert got == [
        (1, "新建万里街道社区公共服务中心", Decimal("410"), "annual_funds"),  # its 成本指标 prints 合规, no amount
        (2, "就业援助基地补贴", Decimal("635.1"), "annual_funds"),
        (3, "社区环境整治和建设经费", Decimal("456.38"), "annual_funds"),
        (4, "各类工作经费", Decimal("759.55"), "annual_funds"),
        (5, "公共服务设施运行经费", Decimal("1090.3043"), "annual_funds"),
    ]


def test_the_form_rows_are_project_attributes(wanli):
    for p, (name, nature, category, total, annual, _) in zip(wanli.projects, PRINTED, strict=True):
        assert (p.project_name, p.nature, p.category) == (name, nature, category)
        assert p.supervisor == p.implementer == "上海市普陀区人民政府万里街道办事处"
        assert (p.total_funds_yuan, p.annual_funds_yuan) == (Decimal(total), Decimal(annual))
        assert p.total_funds_wan == Decimal(total) / 10000
        printed = dict(json.loads(p.attributes))
        assert printed["项目名称"] == name
        assert printed["计划开始日期"] == "2023-01-01" and printed["计划完成日期"] == "2023-12-31"


def test_indicators_are_indicators_only(wanli):
    counts = {}
    for x in wanli.indicators:
        counts[x.project_seq] = counts.get(x.project_seq, 0) + 1
    assert counts == {seq: n for seq, (*_, n) in enumerate(PRINTED, start=1)}
    form_words = {"项目名称", "项目性质", "实施单位", "主管部门", "项目资金总额", "年度资金申请总额", "项目总目标", "年度总体目标",
                  "一级指标", "二级指标", "三级指标"}
    for x in wanli.indicators:
        assert not form_words & {x.level1, x.level2, x.level3, x.target_value}
        assert x.level1 in ("产出指标", "效益指标", "满意度指标")
    first = [(x.level1, x.level2, x.level3, x.target_value) for x in wanli.indicators if x.project_seq == 1]
    assert first == [
        ("产出指标", "数量指标", "规划建筑面积", "≥13459.00(平方米)"),
        ("产出指标", "质量指标", "完工及时率", "及时率"),
        ("产出指标", "成本指标", "预算内经费", "合规"),
        ("效益指标", "社会效益指标", "完善社区基础设施建设", "完善率"),
        ("满意度指标", "服务对象满意度指标", "居民满意度", "满意度"),
    ]
    last = [x for x in wanli.indicators if x.project_seq == 5][-1]
    assert (last.level1, last.level3, last.target_value) == ("满意度指标", "工作人员满意度", "≥95.00(%)")
    assert wanli.indicators[0].objective.startswith("建成后作为万里街道社区事务受理")


def test_the_fifth_form_whose_parts_exceed_its_total_is_reported(wanli):
    """公共服务设施运行经费: 年度资金申请总额 10,903,043.00 but 其中：当年财政拨款 11,419,043.00 (a publisher defect)."""
    sums = [p for p in wanli.problems if p.check == "project_funds_sum"]
    assert len(sums) == 1
    assert "公共服务设施运行经费" in sums[0].message and "11,419,043.00" in sums[0].message
    assert [p for p in wanli.problems if p.check.startswith("performance_")] == []
