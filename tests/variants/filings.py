"""Generated filings for the variant tests: one department's budget, typed here once in 万元, printed in each title,
header, unit and number format of ../shared/seed/VARIANTS.md the way government exports print it (a heading paragraph
per table, 编制部门 / 单位 lines or a Hebei metadata row, merged header cells), written as a real .docx.

Every figure below is typed by hand; the tests compare the warehouse with these constants (``expect_*``), never with
what our code computes.  The budget adds up (children to parents, tables to each other), so a finding is a real one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from tests.docx_builder import C, build_docx, p, tbl

D = Decimal
YEAR = 2025

# The function tree (支出功能分类, 万元): code, name, total, basic, project.
FUNCTION = [
    ("201", "一般公共服务支出", D("120.50"), D("80.30"), D("40.20")),
    ("20103", "政府办公厅（室）及相关机构事务", D("120.50"), D("80.30"), D("40.20")),
    ("2010301", "行政运行", D("80.30"), D("80.30"), None),
    ("2010302", "一般行政管理事务", D("40.20"), None, D("40.20")),
    ("208", "社会保障和就业支出", D("30.00"), D("30.00"), None),
    ("20805", "行政事业单位养老支出", D("30.00"), D("30.00"), None),
    ("2080505", "机关事业单位基本养老保险缴费支出", D("30.00"), D("30.00"), None),
]
TOTAL, BASIC, PROJECT = D("150.50"), D("110.30"), D("40.20")
CARRIED = D("5.00")  # a 决算's balance brought in and carried out (年初 / 年末结转和结余)
# The economic classes of 基本支出 (万元): code, name, total, personnel, public.
ECONOMIC = [
    ("301", "工资福利支出", D("95.10"), D("95.10"), None),
    ("30101", "基本工资", D("65.10"), D("65.10"), None),
    ("30108", "机关事业单位基本养老保险缴费", D("30.00"), D("30.00"), None),
    ("302", "商品和服务支出", D("15.20"), None, D("15.20")),
    ("30201", "办公费", D("15.20"), None, D("15.20")),
]
PERSONNEL, PUBLIC = D("95.10"), D("15.20")
# 三公 (万元), and in a 决算 the outturn beside the budget.
THREE = {"total": D("12.00"), "overseas_travel": D("0"), "reception": D("2.00"), "vehicles": D("10.00"),
         "vehicle_purchase": D("6.00"), "vehicle_operation": D("4.00")}
THREE_FINAL = {"total": D("11.30"), "overseas_travel": D("0"), "reception": D("1.70"), "vehicles": D("9.60"),
               "vehicle_purchase": D("6.00"), "vehicle_operation": D("3.60")}
OFFICE_OPERATION = D("15.20")


@dataclass(frozen=True)
class Style:
    """How a filing prints: whose it is, its unit and unit label, separators, what it prints for zero or blank,
    where its 编制部门 / 单位 stand, budget or 决算."""

    dept: str = "魏县变体测试局"
    unit: str = "万元"  # 万元 | 元
    unit_label: str = "单位："
    thousands: bool = False
    zero: str = ""  # printed for no amount: '', '0', '0.00', '-', '—'
    decimals: int = 2  # -1: as few as the figure needs (30, 120.5, 1,505,000)
    meta: str = "lines"  # lines: 编制部门 / 单位 paragraphs | row: a Hebei metadata row | header: 单位 in a header cell
    final: bool = False
    dept_label: str = "编制部门："
    form: str = ""  # a form number printed above the grid (公开01表)
    scope: str = "部门"  # 部门 (the department with its units) | 单位 (one unit): the cover's 部门预算 / 单位预算
    code: str = "301"  # the department code a Hebei metadata row prints before the name
    year_word: str = "年"  # how the cover writes the year: 2025年; 岳阳 prints 2017-度 (年 lost)

    def amt(self, wan: Decimal | None) -> str:
        if wan is None or wan == 0:
            return self.zero
        v = wan * 10000 if self.unit == "元" else wan
        if self.decimals < 0:
            q = v.quantize(D(1)) if v == v.to_integral_value() else v.normalize()
        else:
            q = v.quantize(D(1).scaleb(-self.decimals))
        return f"{q:,}" if self.thousands else f"{q}"

    @property
    def figure(self) -> str:
        return "决算数" if self.final else "预算数"

    @property
    def year_label(self) -> str:
        return "决算年度" if self.final else "预算年度"

    def cover(self) -> str:
        return f"{self.dept}{YEAR}{self.year_word}{self.scope}{'决算' if self.final else '预算'}"


@dataclass
class Table:
    """One printed table: its title paragraph, header rows (cells may span), body rows, notes under it."""

    title: str
    header: list[list]
    body: list[list[str]]
    below: list[str] = field(default_factory=list)


def docx(tables: list[tuple[Table, Style]]) -> bytes:
    """The .docx: a cover line, then per table its heading, its 编制部门 / 单位 lines or metadata row, the grid."""
    first = tables[0][1]
    blocks = [p(first.cover())]
    for t, s in tables:
        blocks.append(p(t.title, heading=True))
        rows = list(t.header) + [list(r) for r in t.body]
        n = max(sum(c.span if isinstance(c, C) else 1 for c in r) for r in rows)
        if s.form:
            blocks.append(p(s.form))
        if s.meta == "lines":
            blocks += [p(f"{s.dept_label}{s.dept}"), p(f"{s.unit_label}{s.unit}")]
        elif s.meta == "row":  # 201魏县… | 预算年度：2025 | 单位：万元 across the grid
            meta = [f"{s.code}{s.dept}", f"{s.year_label}：{YEAR}", f"{s.unit_label}{s.unit}"]
            base, extra = divmod(n, 3)
            rows.insert(0, [C(x, span=base + (1 if i < extra else 0)) for i, x in enumerate(meta)])
        else:  # the unit only in the grid's top-right cell (header), the department above
            blocks.append(p(f"{s.dept_label}{s.dept}"))
            rows.insert(0, [C("", span=n - 1), C(f"{s.unit_label}{s.unit}")])
        blocks.append(tbl(rows, n_cols=n))
        blocks += [p(b) for b in t.below]
    return build_docx(blocks)


V = "continue"


def _under(*labels: str) -> list:
    """Cells continuing a vertical merge from the row above, for each label given (the labels are not printed)."""
    return [C("", vmerge=V) for _ in labels]


# --------------------------------------------------------------------------------------------------------------
# The standard tables.  Each takes its title and the style; ``layout`` picks a header variant of E2.

INCOME_LABELS = ["一、一般公共预算拨款收入", "二、政府性基金预算拨款收入", "三、事业收入"]
EXPENSE_CLASSES = [("一、一般公共服务支出", D("120.50")), ("二、社会保障和就业支出", D("30.00")), ("三、卫生健康支出", None)]


def summary(title: str, s: Style, layout: str = "plain") -> Table:
    """收支总表.  plain: 项目 | 预算数 on each side; seq: 序号 and a 栏次 row (平山); hangci: 决算 行次 columns and a
    栏次 row (财政部 template); a 决算 closes with 使用非财政拨款结余 / 年初结转和结余 / 总计."""
    a = s.amt
    pairs = [(INCOME_LABELS[i], TOTAL if i == 0 else None, *EXPENSE_CLASSES[i]) for i in range(3)]
    if s.final:
        pairs += [("本年收入合计", TOTAL, "本年支出合计", TOTAL), ("使用非财政拨款结余", None, "结余分配", None),
                  ("年初结转和结余", CARRIED, "年末结转和结余", CARRIED),
                  ("总计", TOTAL + CARRIED, "总计", TOTAL + CARRIED)]
    else:
        pairs += [("本年收入合计", TOTAL, "本年支出合计", TOTAL), ("上年结转结余", None, "年终结转结余", None),
                  ("收入总计", TOTAL, "支出总计", TOTAL)]
    if layout == "hangci":
        header = [[C("收入", span=3), C("支出", span=3)], ["项目", "行次", "金额", "项目", "行次", "金额"],
                  ["栏次", "", "1", "栏次", "", "2"]]
        body = [[x, str(i + 1), a(xa), y, str(i + 29), a(ya)] for i, (x, xa, y, ya) in enumerate(pairs)]
    elif layout == "seq":
        header = [["序号", C("收入", span=2), C("支出", span=2)], [C("", vmerge=V), "项 目", s.figure, "项 目", s.figure],
                  ["栏次", "1", "2", "3", "4"]]
        header[0][0] = C("序号", vmerge="restart")
        body = [[str(i + 1), x, a(xa), y, a(ya)] for i, (x, xa, y, ya) in enumerate(pairs)]
    else:
        header = [[C("收入", span=2), C("支出", span=2)], ["项目", s.figure, "项目", s.figure]]
        body = [[x, a(xa), y, a(ya)] for x, xa, y, ya in pairs]
    return Table(title, header, body)


def _function_body(s: Style, values, code_cols: str) -> list[list[str]]:
    rows = []
    total = ("", "合计", TOTAL, BASIC, PROJECT)
    for code, name, *rest in [total, *FUNCTION]:
        vals = [s.amt(v) for v in values((code, name, *rest))]
        if code_cols == "lkx":
            rows.append([code[:3], code[3:5], code[5:7], name, *vals])
        else:
            rows.append([code, name, *vals])
    return rows


def _function_header(code_cols: str, groups: list, leaves: list) -> list[list]:
    """Header rows over 功能分类科目 code and name columns: ``groups`` the top row's amount cells (C with spans or
    vmerge restarts), ``leaves`` the second row's."""
    if code_cols == "lkx":  # 上海: 功能分类科目编码 over 类 | 款 | 项, then 功能分类科目名称
        return [[C("功能分类科目编码", span=3), C("功能分类科目名称", vmerge="restart"), *groups],
                ["类", "款", "项", C("", vmerge=V), *leaves]]
    if code_cols == "stacked":  # 决算 收入决算表: 功能分类 / 科目编码 and 科目名称 stacked in one merged cell
        return [[C("功能分类\r科目编码", vmerge="restart"), C("科目名称", vmerge="restart"), *groups],
                [C("", vmerge=V), C("", vmerge=V), *leaves]]
    code = {"one": "科目编码", "spaced": "科目    编码"}[code_cols]
    return [[C("功能分类科目", span=2), *groups], [code, "科目名称", *leaves]]


def expenditure(title: str, s: Style, code_cols: str = "one") -> Table:
    """支出总表 / 一般公共预算支出表: codes (one 7-digit cell, 科目    编码, 类|款|项, stacked) | 合计 | 基本 | 项目."""
    first = "本年支出合计" if s.final else "合计"
    groups = [C(first, vmerge="restart"), C("基本支出", vmerge="restart"), C("项目支出", vmerge="restart")]
    header = _function_header(code_cols, groups, _under(1, 2, 3))
    return Table(title, header, _function_body(s, lambda r: r[2:5], code_cols))


def income(title: str, s: Style, code_cols: str = "one") -> Table:
    """收入总表: codes | 合计 | 本年收入 (一般公共预算拨款收入 | 事业收入) | 上年结转."""
    if s.final:
        groups = [C("本年收入合计", vmerge="restart"), C("财政拨款收入", vmerge="restart"), C("事业收入", vmerge="restart")]
        leaves = _under(1, 2, 3)
        n_blank = 1
    else:
        groups = [C("合计", vmerge="restart"), C("本年收入", span=2), C("上年结转", vmerge="restart")]
        leaves = [C("", vmerge=V), "一般公共预算拨款收入", "事业收入", C("", vmerge=V)]
        n_blank = 2
    def values(r):  # 合计 and 财政拨款 both the line's total, the other sources blank
        return [r[2], r[2], *[None] * n_blank]
    return Table(title, _function_header(code_cols, groups, leaves), _function_body(s, values, code_cols))


def fiscal_summary(title: str, s: Style) -> Table:
    """财政拨款收支总表: 收入 项目 | 预算数 ‖ 支出 项目 | 合计 | 一般公共预算 | 政府性基金预算."""
    a = s.amt
    header = [[C("收入", span=2), C("支出", span=4)],
              ["项目", s.figure, "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款"]]
    body = [["一、一般公共预算财政拨款", a(TOTAL), "一、一般公共服务支出", a(D("120.50")), a(D("120.50")), a(None)],
            ["二、政府性基金预算财政拨款", a(None), "二、社会保障和就业支出", a(D("30.00")), a(D("30.00")), a(None)],
            ["本年收入合计", a(TOTAL), "本年支出合计", a(TOTAL), a(TOTAL), a(None)],
            ["收入总计" if not s.final else "总计", a(TOTAL), "支出总计" if not s.final else "总计", a(TOTAL), a(TOTAL),
             a(None)]]
    return Table(title, header, body)


def basic(title: str, s: Style, layout: str = "plain") -> Table:
    """基本支出表.  plain: 部门预算经济分类科目 / 科目编码 | 科目名称 over 合计 | 人员经费 | 公用经费; lk: 类 | 款 code
    columns (上海 dept); side: two side-by-side groups 编码 | 名称 | 决算数 ‖ 编码 | 名称 | 决算数 with a 人员经费合计 …
    公用经费合计 footer (上海决算)."""
    a = s.amt
    if layout == "side":
        personnel = [e for e in ECONOMIC if e[0].startswith("301")]
        public = [e for e in ECONOMIC if e[0].startswith("302")]
        header = [["经济分类科目编码", "科目名称", s.figure, "经济分类科目编码", "科目名称", s.figure]]
        body = []
        for i in range(max(len(personnel), len(public))):
            left = [personnel[i][0], personnel[i][1], a(personnel[i][2])] if i < len(personnel) else ["", "", ""]
            right = [public[i][0], public[i][1], a(public[i][2])] if i < len(public) else ["", "", ""]
            body.append(left + right)
        body.append(["人员经费合计", "", a(PERSONNEL), "公用经费合计", "", a(PUBLIC)])
        return Table(title, header, body)
    if layout == "lk":
        header = [[C("部门预算经济分类科目编码", span=2), C("经济分类科目名称", vmerge="restart"),
                   C("合计", vmerge="restart"), C("人员经费", vmerge="restart"), C("公用经费", vmerge="restart")],
                  ["类", "款", *_under(1, 2, 3, 4)]]
        body = [["", "", "合计", a(BASIC), a(PERSONNEL), a(PUBLIC)]]
        body += [[c[:3], c[3:5], n, a(t), a(x), a(y)] for c, n, t, x, y in ECONOMIC]
        return Table(title, header, body)
    header = [[C("部门预算经济分类科目", span=2), C("一般公共预算基本支出", span=3)],
              ["科目编码", "科目名称", "合计", "人员经费", "公用经费"]]
    body = [["", "合计", a(BASIC), a(PERSONNEL), a(PUBLIC)]]
    body += [[c, n, a(t), a(x), a(y)] for c, n, t, x, y in ECONOMIC]
    return Table(title, header, body)


EMPTY_NOTE = "注：本部门无{}安排的支出，故本表为空表。"


def empty_fund(title: str, s: Style, fund: str = "政府性基金预算拨款", blank_row: str = "") -> Table:
    """政府性基金 / 国有资本经营 table printed empty, with a note under it; ``blank_row`` the text of its one body row's
    name cell (上海司法局 prints 无)."""
    if s.final and "收入支出" in title:  # the 收入支出决算表 prints the fund's balance around its spending
        header = [["科目编码", "科目名称", "年初结转和结余", "本年收入", "本年支出", "年末结转和结余"]]
        body = [["", blank_row, "", "", "", ""]]
    elif s.final:  # the 财政部 template's 支出决算表: 本年支出 合计 | 基本支出 | 项目支出
        header = [[C("项目", span=2), C("本年支出", span=3)], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
        body = [["", blank_row, "", "", ""]]
    else:
        header = [[C("功能分类科目", span=2), C("本年支出", span=3)], ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
        body = [["", blank_row, s.amt(None), s.amt(None), s.amt(None)]]
    return Table(title, header, body, below=[EMPTY_NOTE.format(fund)])


def three_public(title: str, s: Style, layout: str = "wide") -> Table:
    """三公.  wide: 合计 | 因公出国(境)费 | 公务接待费 | 公务用车购置及运行费 (小计 | 购置费 | 运行费) (上海); shou: 寿县's
    order with “三公”经费合计 and 公务用车购置费 / 公务用车运行费; vertical: 项目 | 预算数 rows (青阳 …); final_wide: each
    category 预算数 | 决算数 (12 columns, 决算); final_vertical: 项目 | 预算数 | 决算数."""
    a = s.amt
    t, f = THREE, THREE_FINAL
    if layout == "wide":
        header = [[C("合计", vmerge="restart"), C("因公出国(境)费", vmerge="restart"), C("公务接待费", vmerge="restart"),
                   C("公务用车购置及运行费", span=3)], [*_under(1, 2, 3), "小计", "购置费", "运行费"]]
        body = [[a(t[k]) for k in ("total", "overseas_travel", "reception", "vehicles", "vehicle_purchase",
                                   "vehicle_operation")]]
    elif layout == "shou":
        header = [[C("“三公”经费合计", vmerge="restart"), C("因公出国(境)费", vmerge="restart"),
                   C("公务用车购置及运行费", span=3), C("公务 接待费", vmerge="restart")],
                  [*_under(1, 2), "小计", "公务用车购置费", "公务用车运行费", C("", vmerge=V)]]
        body = [[a(t[k]) for k in ("total", "overseas_travel", "vehicles", "vehicle_purchase", "vehicle_operation",
                                   "reception")]]
    elif layout == "final_wide":
        cats = [("合计", "total"), ("因公出国(境)费", "overseas_travel"), ("公务用车购置及运行维护费", "vehicles"),
                ("公务用车购置费", "vehicle_purchase"), ("公务用车运行维护费", "vehicle_operation"), ("公务接待费", "reception")]
        header = [[C(label, span=2) for label, _ in cats], ["预算数", "决算数"] * len(cats)]
        body = [[x for _, k in cats for x in (a(t[k]), a(f[k]))]]
    else:  # vertical / final_vertical
        rows = [("合计", "total"), ("1.因公出国（境）费", "overseas_travel"), ("2.公务接待费", "reception"),
                ("3.公务用车购置及运行维护费", "vehicles"), ("其中：（1）公务用车运行维护费", "vehicle_operation"),
                ("（2）公务用车购置费", "vehicle_purchase")]
        if layout == "final_vertical":
            header = [["项目", "预算数", "决算数"]]
            body = [[label, a(t[k]), a(f[k])] for label, k in rows]
        else:
            header = [["项目", s.figure]]
            body = [[label, a(t[k])] for label, k in rows]
    return Table(title, header, body)


# --------------------------------------------------------------------------------------------------------------
# What each table must become, typed from the constants above (万元).

def expect_function(measures: dict[str, int], zeros: bool = False) -> set[tuple[str, str, Decimal]]:
    """(subject_code, measure, amount_wan) of a function table; ``measures`` maps a measure to the index of its
    figure in a FUNCTION row (2 total, 3 basic, 4 project); ``zeros``: the filing prints 0 / 0.00 / - where it has no
    amount, a row with 0 (CONTRACT.md: a blank cell is no row)."""
    return {(code, m, row[i] or D(0)) for code, *rest in FUNCTION for row in [(code, *rest)]
            for m, i in measures.items() if row[i] or zeros}


EXPENDITURE = {"total": 2, "basic": 3, "project": 4}
INCOME = {"total": 2, "fiscal_appropriation": 2}
BASIC_LINES = ({(c, "total", t) for c, _, t, _, _ in ECONOMIC} | {(c, "personnel", x) for c, _, _, x, _ in ECONOMIC if x}
               | {(c, "public_operating", y) for c, _, _, _, y in ECONOMIC if y})


def expect_summary(final: bool) -> set[tuple[str, str, str | None, Decimal]]:
    """(side, item, subject_code, amount_wan) of a 收支总表."""
    out = {("income", "general_public_budget", None, TOTAL), ("income", "current_year_total", None, TOTAL),
           ("expense", "function_class", "201", D("120.50")), ("expense", "function_class", "208", D("30.00")),
           ("expense", "current_year_total", None, TOTAL)}
    if final:
        out |= {("income", "year_start_carryover", None, CARRIED), ("expense", "year_end_carryover", None, CARRIED),
                ("income", "grand_total", None, TOTAL + CARRIED), ("expense", "grand_total", None, TOTAL + CARRIED)}
    else:
        out |= {("income", "grand_total", None, TOTAL), ("expense", "grand_total", None, TOTAL)}
    return out


def expect_three_public(layout: str) -> set[tuple[str, str, Decimal]]:
    """(category, basis, amount_wan) of a 三公 table (fund source total)."""
    out = {(k, "budget", v) for k, v in THREE.items() if v}
    if layout.startswith("final"):
        out |= {(k, "final", v) for k, v in THREE_FINAL.items() if v}
    return out


def restyle(s: Style, **kw) -> Style:
    return replace(s, **kw)
