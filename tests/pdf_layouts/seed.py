"""The seed's first two tables (../shared/seed/000_90c74acd61f76a6e.txt: 中国共产党魏县委员会办公室 2023, the Hebei
county template), typed here once by hand: the 部门预算收支总表 with its 序号 column, 栏次 row and 31 expense
classes, and the 部门预算收入总表 with its twelve columns (科目    编码 | 科目名称 | 合计 | 本年收入 ×8 | 上年结转),
each under the Hebei metadata row (201中国共产党魏县委员会办公室 | 预算年度：2023 | 单位：万元)."""

from __future__ import annotations

from decimal import Decimal

from tests.docx_builder import C
from tests.variants.filings import Table

D = Decimal
DEPT = "中国共产党魏县委员会办公室"
YEAR = 2023


def meta(year: int) -> list[str]:
    return [f"201{DEPT}", f"预算年度：{year}", "单位：万元"]

CLASSES = ["一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出", "文化旅游体育与传媒支出",
           "社会保障和就业支出", "社会保险基金支出", "卫生健康支出", "节能环保支出", "城乡社区支出", "农林水支出", "交通运输支出",
           "资源勘探工业信息等支出", "商业服务业等支出", "金融支出", "援助其他地区支出", "自然资源海洋气象等支出", "住房保障支出",
           "粮油物资储备支出", "国有资本经营预算支出", "灾害防治及应急管理支出", "预备费", "其他支出", "转移性支出",
           "债务还本支出", "债务付息支出", "债务发行费用支出", "抗疫特别国债安排的支出", "人行科目"]
INCOME = ["一般公共预算拨款收入", "政府性基金预算拨款收入", "国有资本经营预算拨款收入", "财政专户管理资金收入", "事业收入",
          "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入"]
CN = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八",
      "十九", "二十", "二十一", "二十二", "二十三", "二十四", "二十五", "二十六", "二十七", "二十八", "二十九", "三十", "三十一"]
SPENT = {1: "1974.41", 8: "49.89", 10: "17.12"}  # the classes this office spends on (一、八、十)


def summary(year: int = YEAR) -> Table:
    header = [[C(x, span=s) for x, s in zip(meta(year), (2, 1, 2), strict=True)],
              [C("序号", vmerge="restart"), C("收入", span=2), C("支出", span=2)],
              [C("", vmerge="continue"), "项  目", "预算数", "项  目", "预算数"],
              ["栏次", "1", "2", "3", "4"]]
    body = []
    for i in range(31):
        income = (f"{CN[i]}、{INCOME[i]}", "2041.42" if i == 0 else "") if i < len(INCOME) else ("", "")
        body.append([str(i + 1), *income, f"{CN[i]}、{CLASSES[i]}", SPENT.get(i + 1, "")])
    body += [["32", "本年收入合计", "2041.42", "本年支出合计", "2041.42"], ["33", "上年结转结余", "", "年终结转结余", ""],
             ["34", "收入总计", "2041.42", "支出总计", "2041.42"]]
    return Table("部门预算收支总表", header, body)


# 收入总表: code, name, and the one figure each row prints three times (合计 = 本年收入 小计 = 财政拨款 收入)
INCOME_ROWS = [
    ("201", "一般公共服务支出", "1974.41"), ("20129", "群众团体事务", "291.31"), ("2012901", "行政运行", "291.31"),
    ("20131", "党委办公厅（室）及相关机构事务", "1683.10"), ("2013101", "行政运行", "272.00"),
    ("2013102", "一般行政管理事务", "325.70"), ("2013105", "专项业务", "154.20"),
    ("2013199", "其他党委办公厅（室）及相关机构事务支出", "931.20"), ("208", "社会保障和就业支出", "49.89"),
    ("20805", "行政事业单位养老支出", "49.89"), ("2080501", "行政单位离退休", "2.18"),
    ("2080505", "机关事业单位基本养老保险缴费支出", "31.80"), ("2080506", "机关事业单位职业年金缴费支出", "15.90"),
    ("210", "卫生健康支出", "17.12"), ("21012", "财政对基本医疗保险基金的补助", "17.12"),
    ("2101201", "财政对职工基本医疗保险基金的补助", "17.12"),
]


def income(year: int = YEAR) -> Table:
    sources = ["小计", "财政拨款 收入", "财政专户 收入", "事业收入", "经营收入", "上级补助收入", "附属单位上缴收入", "其他收入"]
    header = [[C(x, span=s) for x, s in zip(meta(year), (4, 5, 4), strict=True)],
              [C("序号", vmerge="restart"), C("功能分类科目", span=2), C("合计", vmerge="restart"), C("本年收入", span=8),
               C("上年结转", vmerge="restart")],
              [C("", vmerge="continue"), "科目    编码", "科目名称", C("", vmerge="continue"), *sources,
               C("", vmerge="continue")],
              ["栏次", *map(str, range(1, 13))]]
    body = [["1", "", "合计", "2041.42", "2041.42", "2041.42", *[""] * 7]]
    body += [[str(i + 2), code, name, x, x, x, *[""] * 7] for i, (code, name, x) in enumerate(INCOME_ROWS)]
    return Table("部门预算收入总表", header, body)


EXPECT_SUMMARY = {("income", "general_public_budget", None, D("2041.42")), ("income", "current_year_total", None, D("2041.42")),
                  ("income", "grand_total", None, D("2041.42")), ("expense", "function_class", "201", D("1974.41")),
                  ("expense", "function_class", "208", D("49.89")), ("expense", "function_class", "210", D("17.12")),
                  ("expense", "current_year_total", None, D("2041.42")), ("expense", "grand_total", None, D("2041.42"))}
EXPECT_INCOME = {(code, m, D(x)) for code, _, x in INCOME_ROWS
                 for m in ("total", "current_year_total", "fiscal_appropriation")}
