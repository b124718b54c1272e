"""The shapes of the synthetic 魏县 filings (departments, 三公, totals, 绩效 projects, assets) and the subject
names their tables print; the figures are in :mod:`pipelines.samples.synthetic_filings`, the text rendering in
:mod:`pipelines.samples.synthetic`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

D = Decimal
ZERO = D("0.00")
SYNTHETIC_NOTE = (
    "合成样例：本文件数据为yusuan项目虚构，非真实公开文件（synthetic sample, invented figures）。"
)
_REFERENCE = Path(__file__).with_name("reference_2023.txt")

SUBJECT_NAMES = {
    "201": "一般公共服务支出",
    "20103": "政府办公厅（室）及相关机构事务",
    "2010301": "行政运行",
    "2010302": "一般行政管理事务",
    "2010399": "其他政府办公厅（室）及相关机构事务支出",
    "20129": "群众团体事务",
    "2012901": "行政运行",
    "20131": "党委办公厅（室）及相关机构事务",
    "2013101": "行政运行",
    "2013102": "一般行政管理事务",
    "2013105": "专项业务",
    "2013199": "其他党委办公厅（室）及相关机构事务支出",
    "205": "教育支出",
    "20501": "教育管理事务",
    "2050101": "行政运行",
    "2050199": "其他教育管理事务支出",
    "20502": "普通教育",
    "2050201": "学前教育",
    "2050202": "小学教育",
    "2050203": "初中教育",
    "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出",
    "2080501": "行政单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "210": "卫生健康支出",
    "21011": "行政事业单位医疗",
    "2101101": "行政单位医疗",
    "21012": "财政对基本医疗保险基金的补助",
    "2101201": "财政对职工基本医疗保险基金的补助",
    "221": "住房保障支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
}
ECONOMIC_NAMES = {
    "301": "工资福利支出",
    "30101": "基本工资",
    "30102": "津贴补贴",
    "30103": "奖金",
    "30107": "绩效工资",
    "30108": "机关事业单位基本养老保险缴费",
    "30109": "职业年金缴费",
    "30110": "职工基本医疗保险缴费",
    "30113": "住房公积金",
    "302": "商品和服务支出",
    "30201": "办公费",
    "30207": "邮电费",
    "30211": "差旅费",
    "30228": "工会经费",
    "30229": "福利费",
    "30231": "公务用车运行维护费",
    "30239": "其他交通费用",
    "303": "对个人和家庭的补助",
    "30302": "退休费",
    "30305": "生活补助",
}
# Basic spending tied to one economic item is budgeted under its own function subject (the
# reference: 30108 养老保险 31.80 = 2080505 31.80); the rest goes to the department's 行政运行.
_ECONOMIC_TO_FUNCTION = {"30108": "2080505", "30109": "2080506", "30113": "2210201", "30302": "2080501"}
_CLASS_ROW = {"201": 0, "205": 4, "208": 7, "210": 9, "221": 19}  # line in the 收支总表's 31 classes
_CHINESE_NUMBERS = "一二三四五六七八九"


@dataclass(frozen=True)
class Dept:
    """A department and the way its filings vary from the reference's layout."""

    code: str
    name: str
    duties: tuple[str, ...]
    units: tuple[tuple[str, str, str, str], ...]  # 单位名称 | 单位性质 | 单位规格 | 经费保障形式
    admin_subject: str  # 行政运行 subject that carries basic spending
    medical_subject: str  # where 30110 职工基本医疗保险缴费 is budgeted by function
    goals: tuple[tuple[str, str, str, str], ...]  # 分项绩效目标: name, 职责描述, 年度目标, 指标
    title_prefix: bool = False  # `表一 部门预算收支总表`
    ascii_quotes: bool = False  # `部门预算财政拨款"三公"经费支出表`


@dataclass(frozen=True)
class Sangong:
    """三公经费 by item, 万元."""

    overseas: Decimal = ZERO
    purchase: Decimal = ZERO
    operation: Decimal = ZERO
    reception: Decimal = ZERO

    @property
    def vehicles(self) -> Decimal:
        """公务用车购置及运维费."""
        return self.purchase + self.operation

    @property
    def total(self) -> Decimal:
        """“三公”经费合计."""
        return self.overseas + self.vehicles + self.reception


@dataclass(frozen=True)
class Totals:
    """The three parts of a year's spending the narrative compares, 万元."""

    personnel: Decimal
    public: Decimal
    project: Decimal

    @property
    def total(self) -> Decimal:
        """收入预算共计 = 支出预算共计."""
        return self.personnel + self.public + self.project


@dataclass(frozen=True)
class Perf:
    """One project's 绩效目标 table: rows are 三级指标 | 描述 | 指标值 | 依据 for 数量, 质量, 时效, 成本,
    社会效益, 可持续影响 (满意度 is always the same row)."""

    name: str
    objective: str
    rows: tuple[tuple[str, str, str, str], ...]


@dataclass(frozen=True)
class Assets:
    """部门固定资产占用情况 at the end of the year before."""

    house_area: str
    house_value: Decimal
    office_area: str
    vehicles: int
    vehicle_value: Decimal
    equipment: int
    equipment_value: Decimal
    other_value: Decimal

    @property
    def total(self) -> Decimal:
        """资产总额."""
        return self.house_value + self.vehicle_value + self.equipment_value + self.other_value


@dataclass(frozen=True)
class Filing:
    """One synthetic filing; the prior-year figures feed the narrative's 比上年 sentences."""

    dept: Dept
    year: int
    economic: tuple[tuple[str, Decimal], ...]  # 款-level economic lines of basic spending
    projects: tuple[tuple[str, Decimal], ...]  # 项-level function lines of project spending
    sangong: Sangong
    prior: Totals
    prior_sangong: Sangong
    perf: tuple[Perf, ...]
    assets: Assets
    procurement: tuple[tuple[str, ...], ...] = field(default=())  # 16 cells per row

    @property
    def totals(self) -> Totals:
        """人员经费 (301 + 303), 公用经费 (302) and 项目支出."""
        personnel = sum((a for c, a in self.economic if c[:3] in ("301", "303")), ZERO)
        public = sum((a for c, a in self.economic if c[:3] == "302"), ZERO)
        return Totals(personnel, public, sum((a for _, a in self.projects), ZERO))

    def function_lines(self) -> dict[str, tuple[Decimal, Decimal]]:
        """项-level function subjects -> (基本支出, 项目支出)."""
        basic: dict[str, Decimal] = {}
        mapping = {**_ECONOMIC_TO_FUNCTION, "30110": self.dept.medical_subject}
        for code, amount in self.economic:
            subject = mapping.get(code, self.dept.admin_subject)
            basic[subject] = basic.get(subject, ZERO) + amount
        lines = {code: (amount, ZERO) for code, amount in basic.items()}
        for code, amount in self.projects:
            b, p = lines.get(code, (ZERO, ZERO))
            lines[code] = (b, p + amount)
        return dict(sorted(lines.items()))


def lines(target: str, residual: str, **fixed: str) -> tuple[tuple[str, Decimal], ...]:
    """Lines summing exactly to ``target``: the ``fixed`` ones (``c30102="16.00"``) and ``residual``
    taking the rest, sorted by code."""
    items = {code.lstrip("c"): D(v) for code, v in fixed.items()}
    rest = D(target) - sum(items.values(), ZERO)
    if rest <= 0:
        raise ValueError(f"fixed lines exceed the target {target}")
    items[residual] = rest
    return tuple(sorted(items.items()))


def perf(name: str, objective: str, cost: str, classified: bool = False, **rows: tuple[str, ...]) -> Perf:
    """A 绩效目标 table; ``classified`` prints 涉密 in every row but 成本 and 满意度, as the reference
    does for its confidential projects."""
    secret = ("涉密",) * 4
    keys = ("quantity", "quality", "timing", "cost", "social", "lasting")
    built = []
    for key in keys:
        if key == "cost":
            built.append(rows.get("cost_row", ("总费用", "总费用", cost, "依据实际工作需要测算")))
        elif classified:
            built.append(secret)
        else:
            built.append(rows[key])
    return Perf(name, objective, tuple(built))  # type: ignore[arg-type]


