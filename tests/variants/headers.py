"""The column-header layouts of E2 (../shared/seed/VARIANTS.md) beyond filings.py's standard ones, each with the facts
it must give, typed from filings.py's constants (万元)."""

from __future__ import annotations

from tests.variants.filings import (
    BASIC,
    CARRIED,
    ECONOMIC,
    FUNCTION,
    PERSONNEL,
    PROJECT,
    PUBLIC,
    THREE,
    THREE_FINAL,
    TOTAL,
    YEAR,
    C,
    D,
    Style,
    Table,
    V,
    _under,
)

# Per function class: total, basic, personnel, public, project (the 收支总表 by use of 上海's 单位预算).
BY_USE = {"201": (D("120.50"), D("80.30"), D("65.10"), D("15.20"), D("40.20")),
          "208": (D("30.00"), D("30.00"), D("30.00"), None, None)}


def summary_shanghai(title: str, s: Style) -> Table:
    """上海 部门预算: 本年收入 | 本年支出 over 项目 | 预算数 | 项目 | 预算数, closing with 收入总计 | 支出总计 only."""
    a = s.amt
    header = [[C("本年收入", span=2), C("本年支出", span=2)], ["项目", "预算数", "项目", "预算数"]]
    body = [["一、一般公共预算拨款收入", a(TOTAL), "一般公共服务支出", a(D("120.50"))],
            ["二、政府性基金预算拨款收入", a(None), "社会保障和就业支出", a(D("30.00"))],
            ["收入总计", a(TOTAL), "支出总计", a(TOTAL)]]
    return Table(title, header, body)


EXPECT_SUMMARY_SHANGHAI = {("income", "general_public_budget", None, "amount", TOTAL),
                           ("expense", "function_class", "201", "amount", D("120.50")),
                           ("expense", "function_class", "208", "amount", D("30.00")),
                           ("income", "grand_total", None, "amount", TOTAL), ("expense", "grand_total", None, "amount", TOTAL)}


def summary_shanghai_unit(title: str, s: Style) -> Table:
    """上海 单位预算: the expense side by use, 合计 | 基本支出 (人员经费 | 公用经费) | 项目支出."""
    a = s.amt
    header = [[C("本年收入", span=2), C("本年支出", span=5)],
              [C("项目", vmerge="restart"), C("预算数", vmerge="restart"), C("项目", vmerge="restart"),
               C("预算数", span=4)],
              [C("", vmerge=V), C("", vmerge=V), C("", vmerge=V), C("合计", vmerge="restart"), C("基本支出", span=2),
               C("项目支出", vmerge="restart")],
              [C("", vmerge=V), C("", vmerge=V), C("", vmerge=V), C("", vmerge=V), "人员经费", "公用经费",
               C("", vmerge=V)]]
    body = [["一、一般公共预算拨款收入", a(TOTAL), "一般公共服务支出", *[a(x) for i, x in enumerate(BY_USE["201"]) if i != 1]],
            ["", "", "社会保障和就业支出", *[a(x) for i, x in enumerate(BY_USE["208"]) if i != 1]],
            ["收入总计", a(TOTAL), "支出总计", a(TOTAL), a(PERSONNEL), a(PUBLIC), a(PROJECT)]]
    return Table(title, header, body)


MEASURE_OF = ("amount", None, "personnel", "public_operating", "project")  # 基本支出 is no column of its own
EXPECT_SUMMARY_SHANGHAI_UNIT = (
    {("income", "general_public_budget", None, "amount", TOTAL), ("income", "grand_total", None, "amount", TOTAL)}
    | {("expense", "function_class", c, m, v) for c, vals in BY_USE.items() for m, v in zip(MEASURE_OF, vals,
                                                                                               strict=True) if v and m}
    | {("expense", "grand_total", None, m, v) for m, v in zip(MEASURE_OF, (TOTAL, BASIC, PERSONNEL, PUBLIC, PROJECT),
                                                               strict=True) if m})


def summary_jiangsu(title: str, s: Style) -> Table:
    """江苏 省级 收支预算总表: 收入 | 支出 over 项目名称 | 金额 | 功能分类 (名称 | 金额) | 支出用途 (项目名称 | 金额)."""
    a = s.amt
    header = [[C("收入", span=2), C("支出", span=4)],
              [C("项目名称", vmerge="restart"), C("金额", vmerge="restart"), C("功能分类", span=2), C("支出用途", span=2)],
              [C("", vmerge=V), C("", vmerge=V), "功能科目名称", "金额", "项目名称", "金额"]]
    body = [["一、一般公共预算拨款", a(TOTAL), "一般公共服务支出", a(D("120.50")), "一、基本支出", a(BASIC)],
            ["二、政府性基金预算拨款", "", "社会保障和就业支出", a(D("30.00")), "二、项目支出", a(PROJECT)],
            ["收入合计", a(TOTAL), "", "", "支出合计", a(TOTAL)]]
    return Table(title, header, body)


EXPECT_SUMMARY_JIANGSU = {
    ("income", "general_public_budget", None, "amount", TOTAL), ("income", "grand_total", None, "amount", TOTAL),
    ("expense", "function_class", "201", "amount", D("120.50")), ("expense", "function_class", "208", "amount", D("30.00")),
    ("expense", "basic", None, "amount", BASIC), ("expense", "project", None, "amount", PROJECT),
    ("expense", "grand_total", None, "amount", TOTAL)}


def summary_yichuan_final(title: str, s: Style) -> Table:
    """上海宜川 决算: 收入 | 支出 over 项目 | 决算数, closing 本年收入合计 …, 使用非财政拨款结余 / 结余分配,
    年初结转和结余 / 年末结转和结余, 总计 / 总计, and a note line under it."""
    a = s.amt
    header = [[C("收入", span=2), C("支出", span=2)], ["项目", "决算数", "项目", "决算数"]]
    body = [["一、财政拨款收入", a(TOTAL), "一、一般公共服务支出", a(D("120.50"))],
            ["二、事业收入", "", "二、社会保障和就业支出", a(D("30.00"))],
            ["本年收入合计", a(TOTAL), "本年支出合计", a(TOTAL)], ["使用非财政拨款结余", "", "结余分配", ""],
            ["年初结转和结余", a(CARRIED), "年末结转和结余", a(CARRIED)], ["总计", a(TOTAL + CARRIED), "总计", a(TOTAL + CARRIED)]]
    return Table(title, header, body, below=["注：本表反映部门本年度的总收支和年末结转结余情况。"])


EXPECT_SUMMARY_YICHUAN = {
    ("income", "fiscal_appropriation", None, "amount", TOTAL), ("income", "current_year_total", None, "amount", TOTAL),
    ("income", "year_start_carryover", None, "amount", CARRIED), ("income", "grand_total", None, "amount", TOTAL + CARRIED),
    ("expense", "function_class", "201", "amount", D("120.50")), ("expense", "function_class", "208", "amount", D("30.00")),
    ("expense", "current_year_total", None, "amount", TOTAL), ("expense", "year_end_carryover", None, "amount", CARRIED),
    ("expense", "grand_total", None, "amount", TOTAL + CARRIED)}


def basic_unit(title: str, s: Style) -> Table:
    """上海 单位预算: 经济分类科目编码 | 部门经济分类科目名称 | 合计 | 人员经费 | 公用经费."""
    a = s.amt
    header = [["经济分类科目编码", "部门经济分类科目名称", "合计", "人员经费", "公用经费"]]
    body = [["", "合计", a(BASIC), a(PERSONNEL), a(PUBLIC)]]
    body += [[c, n, a(t), a(x), a(y)] for c, n, t, x, y in ECONOMIC]
    return Table(title, header, body)


def three_public_shanghai_office(title: str, s: Style) -> Table:
    """上海 部门“三公”经费和机关运行经费预算表: the wide row with 机关运行经费预算数 after the 三公 columns."""
    a, t = s.amt, THREE
    header = [[C("“三公”经费预算数", span=6), C("机关运行经费预算数", vmerge="restart")],
              [C("合计", vmerge="restart"), C("因公出国(境)费", vmerge="restart"), C("公务接待费", vmerge="restart"),
               C("公务用车购置及运行费", span=3), C("", vmerge=V)],
              [*_under(1, 2, 3), "小计", "购置费", "运行费", C("", vmerge=V)]]
    body = [[a(t["total"]), a(t["overseas_travel"]), a(t["reception"]), a(t["vehicles"]), a(t["vehicle_purchase"]),
             a(t["vehicle_operation"]), a(D("15.20"))]]
    return Table(title, header, body)


def three_public_vertical(title: str, s: Style, columns: tuple[str, ...], car: tuple[str, str, str],
                          stats: bool = False) -> Table:
    """A vertical 三公 (青阳, 江北, 桂林, 沅陵, 岳阳): rows 合计 / 1.因公出国(境)费 / 2.公务接待费 / 3.<car> / 其中 its two
    parts; ``columns`` the header (项目 first, then one column per figure: the first prints the budget, a second
    (其中:公共预算财政拨款) the same), ``stats`` appends the 相关统计数 rows (团组数, 人数 …: counts, not amounts)."""
    a, t = s.amt, THREE
    rows = [("合计", "total"), ("1.因公出国(境)费", "overseas_travel"), ("2.公务接待费", "reception"), (car[0], "vehicles"),
            (car[1], "vehicle_operation"), (car[2], "vehicle_purchase")]
    body = [[label, *[a(t[k])] * (len(columns) - 1)] for label, k in rows]
    if stats:
        body += [["相关统计数", *[""] * (len(columns) - 1)], ["因公出国(境)团组数(个)", *["0"] * (len(columns) - 1)],
                 ["公务用车购置数(辆)", *["1"] * (len(columns) - 1)], ["公务用车保有量(辆)", *["3"] * (len(columns) - 1)],
                 ["国内公务接待批次(个)", *["12"] * (len(columns) - 1)]]
    return Table(title, [list(columns)], body)


def three_public_by_fund(title: str, s: Style) -> Table:
    """plpkl 2019 (traditional characters): 項 目 | 合計 | 一般公共預算 | 政府性基金預算 | 國有資本經營預算, first row 行政經費."""
    a, t = s.amt, THREE
    rows = [("行政經費", D("15.20")), ("“三公”經費合計", t["total"]), ("因公出國(境)費", t["overseas_travel"]),
            ("公務接待費", t["reception"]), ("公務用車購置及運行維護支出", t["vehicles"]), ("公務用車購置費", t["vehicle_purchase"]),
            ("公務用車運行維護費", t["vehicle_operation"])]
    header = [["項 目", "合計", "一般公共預算", "政府性基金預算", "國有資本經營預算"]]
    return Table(title, header, [[label, a(v), a(v), "", ""] for label, v in rows])


EXPECT_THREE = {(k, "budget", v) for k, v in THREE.items() if v}
# “三公”经费合计 printed as the table's only sum, equal to 出国 + 用车 + 接待 (寿县, 杭州, 湖州): the table's total.
# Where 会议费 and 培训费 stand beside it (苏州, 无锡) it is the 三公 sum of a wider total, category subtotal: no 'total'
# line (the table prints none).
EXPECT_THREE_SUBTOTAL = {("subtotal" if k == "total" else k, b, v) for k, b, v in EXPECT_THREE}
EXPECT_THREE_FINAL = EXPECT_THREE | {(k, "final", v) for k, v in THREE_FINAL.items() if v}
FUNCTION_CODES = [c for c, *_ in FUNCTION]


def three_public_yueyang(title: str, s: Style) -> Table:
    """岳阳: 项目 | 2024-执行数 | 2025-预算数 (年 lost to '-'): the year before's outturn beside the year's budget."""
    a, t = s.amt, THREE
    prior = {"total": D("13.00"), "overseas_travel": None, "reception": D("3.00"), "vehicles": D("10.00"),
             "vehicle_operation": D("4.00"), "vehicle_purchase": D("6.00")}
    rows = [("合计", "total"), ("1.因公出国(境)费", "overseas_travel"), ("2.公务接待费", "reception"),
            ("3.公务用车购置及运行费", "vehicles"), ("其中:(1)公务用车运行维护费", "vehicle_operation"),
            ("(2)公务用车购置", "vehicle_purchase")]
    header = [["项目", f"{YEAR - 1}-执行数", f"{YEAR}-预算数"]]
    return Table(title, header, [[label, a(prior[k]), a(t[k])] for label, k in rows])


MEETING, TRAINING = D("3.00"), D("5.00")
MEETING_FINAL, TRAINING_FINAL = D("2.50"), D("5.00")


def three_public_zhashui(title: str, s: Style) -> Table:
    """柞水 决算: 预算数 over 合计 | 因公出国(境)费 | 公务用车购置及运行费 (小计 | 购置费 | 运行费) | 公务接待费 | 会议费 |
    培训费, and the same under 决算数 (16 columns); 合计 = 三公 + 会议费 + 培训费."""
    a, t, f = s.amt, THREE, THREE_FINAL
    top = [C("合计", vmerge="restart"), C("因公出国(境)费", vmerge="restart"), C("公务用车购置及运行费", span=3),
           C("公务接待费", vmerge="restart"), C("会议费", vmerge="restart"), C("培训费", vmerge="restart")]
    under = [C("", vmerge=V), C("", vmerge=V), "小计", "公务用车购置费", "公务用车运行费", *_under(1, 2, 3)]
    header = [[C("预算数", span=8), C("决算数", span=8)], top * 2, under * 2]

    def side(x, meeting, training):
        return [a(x["total"] + meeting + training), a(x["overseas_travel"]), a(x["vehicles"]),
                a(x["vehicle_purchase"]), a(x["vehicle_operation"]), a(x["reception"]), a(meeting), a(training)]
    return Table(title, header, [side(t, MEETING, TRAINING) + side(f, MEETING_FINAL, TRAINING_FINAL)])


def three_public_suzhou(title: str, s: Style) -> Table:
    """苏州 2026: “三公”经费合计 | 因公出国（境）费 | 公务用车购置及运行维护费 (小计 | 购置费 | 运行维护费) | 公务接待费 | 会议费 |
    培训费 — no 合计 of the whole table: the first column is the 三公 sum beside 会议费 and 培训费."""
    a, t = s.amt, THREE
    top = [C("“三公”经费合计", vmerge="restart"), C("因公出国（境）费", vmerge="restart"), C("公务用车购置及运行维护费", span=3),
           C("公务接待费", vmerge="restart"), C("会议费", vmerge="restart"), C("培训费", vmerge="restart")]
    under = [C("", vmerge=V), C("", vmerge=V), "小计", "公务用车购置费", "公务用车运行维护费", *_under(1, 2, 3)]
    body = [[a(t[k]) for k in ("total", "overseas_travel", "vehicles", "vehicle_purchase", "vehicle_operation",
                               "reception")] + [a(MEETING), a(TRAINING)]]
    return Table(title, [top, under], body)


EXPECT_THREE_SUZHOU = EXPECT_THREE_SUBTOTAL | {("meeting", "budget", MEETING), ("training", "budget", TRAINING)}


EXPECT_THREE_ZHASHUI = (
    {(k, "budget", v) for k, v in THREE.items() if v and k != "total"}
    | {(k, "final", v) for k, v in THREE_FINAL.items() if v and k != "total"}
    | {("total", "budget", THREE["total"] + MEETING + TRAINING), ("meeting", "budget", MEETING),
       ("training", "budget", TRAINING), ("total", "final", THREE_FINAL["total"] + MEETING_FINAL + TRAINING_FINAL),
       ("meeting", "final", MEETING_FINAL), ("training", "final", TRAINING_FINAL)})


PINGSHAN_INCOME = ["一、一般公共预算拨款收入", "二、政府性基金预算拨款收入", "三、国有资本经营预算拨款收入", "四、财政专户管理资金收入",
                   "五、单位资金"]
# 平山 2025's 31 expense classes in print order, with the 类 code each stands for (typed from the 2025 classification;
# 人行科目 has none)
PINGSHAN_CLASSES = [
    ("一般公共服务支出", "201"), ("外交支出", "202"), ("国防支出", "203"), ("公共安全支出", "204"), ("教育支出", "205"),
    ("科学技术支出", "206"), ("文化旅游体育与传媒支出", "207"), ("社会保障和就业支出", "208"), ("社会保险基金支出", "209"),
    ("卫生健康支出", "210"), ("节能环保支出", "211"), ("城乡社区支出", "212"), ("农林水支出", "213"), ("交通运输支出", "214"),
    ("资源勘探工业信息等支出", "215"), ("商业服务业等支出", "216"), ("金融支出", "217"), ("援助其他地区支出", "219"),
    ("自然资源海洋气象等支出", "220"), ("住房保障支出", "221"), ("粮油物资储备支出", "222"), ("国有资本经营预算支出", "223"),
    ("灾害防治及应急管理支出", "224"), ("预备费", "227"), ("其他支出", "229"), ("转移性支出", "230"), ("债务还本支出", "231"),
    ("债务付息支出", "232"), ("债务发行费用支出", "233"), ("抗疫特别国债安排的支出", "234"), ("人行科目", None)]
NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"] + [f"十{x}" for x in "一二三四五六七八九"] + ["二十"] + [
    f"二十{x}" for x in "一二三四五六七八九"] + ["三十", "三十一"]
PINGSHAN_AMOUNTS = {"201": D("120.50"), "208": D("30.00")}


def summary_pingshan(title: str, s: Style) -> Table:
    """平山 2025 exactly: 序号 | 收入 (项 目 | 预算数) | 支出 (项 目 | 预算数), a 栏次 row, rows 1–34 — 5 income items, the
    31 expense classes, then 本年收入合计 / 上年结转结余 / 收入总计 beside their expense twins."""
    a = s.amt
    header = [[C("序号", vmerge="restart"), C("收入", span=2), C("支出", span=2)],
              [C("", vmerge=V), "项 目", "预算数", "项 目", "预算数"], ["栏次", "1", "2", "3", "4"]]
    body = []
    for i, (name, code) in enumerate(PINGSHAN_CLASSES):
        income = PINGSHAN_INCOME[i] if i < len(PINGSHAN_INCOME) else ""
        body.append([str(i + 1), income, a(TOTAL if i == 0 else None) if income else "",
                     f"{NUMERALS[i]}、{name}", a(PINGSHAN_AMOUNTS.get(code))])
    body += [["32", "本年收入合计", a(TOTAL), "本年支出合计", a(TOTAL)],
             ["33", "上年结转结余", a(None), "年终结转结余", a(None)], ["34", "收入总计", a(TOTAL), "支出总计", a(TOTAL)]]
    return Table(title, header, body)
