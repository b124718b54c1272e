"""Synthetic 魏县 filings (invented figures), laid out like the published reference.

Figures are chosen so that every check an analyst would run holds: 类 = Σ 款 = Σ 项, 合计 = Σ 类,
the four 总表 agree, 基本支出 = 人员经费 + 公用经费 in the function and the economic tables, 三公
合计 = 出国 + 用车 + 接待 with 用车 = 购置 + 运维, and the narrative states the tables' figures and
the true change on the year before.  A filing is written as a text rendering in the seed's
format and goes through the same parser and writer as the reference, so the layout (headings,
metadata row, two-row headers, 栏次 row, empty tables with their note) is the reference's.

中国共产党魏县委员会办公室 2022 is built so that the published 2023 narrative holds: 2041.42 −
1561.99 = 479.43 in total, 人员经费 +59.83, 日常公用经费 +4.92, 专项公用项目 +414.68.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from pipelines.samples.docx_writer import DocInfo
from pipelines.samples.rendering import Block, Table, parse_rendering

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


# ---------------------------------------------------------------- departments

PARTY_OFFICE = Dept(
    code="201",
    name="中国共产党魏县委员会办公室",
    duties=(
        "1、负责推动党中央、省委、市委、县委决策部署的贯彻落实，按照县委要求协调有关方面开展工作，承担县委工作运行中的保障具体事务。",
        "2、负责县委和县委办公室文件、县委领导报告、讲话、汇报材料等重要文稿的起草、修改等工作。",
        "3、负责全县保密、密码工作发展规划的拟定和组织实施；负责全县电子政务内网、党委系统信息化等建设和管理工作。",
        "4、完成县委及县委领导交办的其他工作任务。",
    ),
    units=(("中国共产党魏县委员会办公室本级", "行政", "正科级", "财政拨款"),),
    admin_subject="2012901",
    medical_subject="2101201",
    goals=(
        (
            "参谋协调运转",
            "县委公文运转、大型会议和活动组织安排、公务接待等。",
            "保障县委大型会议、重大活动的正常、顺利举办；保障机关公文正常运转。",
            "合格率达到90%以上。",
        ),
        (
            "保密管理",
            "全县保密管理、保密宣传教育培训、督促检查。",
            "完成党刊杂志征订任务。",
            "征订率达到90%以上。",
        ),
    ),
)
GOVERNMENT_OFFICE = Dept(
    code="202",
    name="魏县人民政府办公室",
    duties=(
        "1、负责县政府会议的准备工作，协助县政府领导组织会议决定事项的实施。",
        "2、负责起草或审核以县政府、县政府办公室名义发布的公文。",
        "3、负责督促检查县政府各部门和各乡镇对县政府公文、会议决定事项及县政府领导同志指示的执行落实情况。",
        "4、负责县政府值班工作，及时向县政府领导报告重要情况。",
        "5、承办县政府交办的其他事项。",
    ),
    units=(("魏县人民政府办公室本级", "行政", "正科级", "财政拨款"),),
    admin_subject="2010301",
    medical_subject="2101101",
    goals=(
        (
            "政务运转保障",
            "县政府会议组织、公文运转、值班应急。",
            "保障县政府各项会议和公文正常运转。",
            "办结率达到95%以上。",
        ),
        (
            "督查督办",
            "县政府重点工作和领导批示事项的督查督办。",
            "确保县政府重点工作按期落实。",
            "按期办结率达到90%以上。",
        ),
    ),
    ascii_quotes=True,
)
EDUCATION = Dept(
    code="305",
    name="魏县教育局",
    duties=(
        "1、贯彻执行国家、省、市有关教育工作的方针、政策和法律法规，拟订全县教育发展规划并组织实施。",
        "2、负责全县各级各类教育的统筹规划和协调管理，推进义务教育均衡发展和促进教育公平。",
        "3、负责全县教育经费的统筹管理，参与拟订教育经费筹措、教育拨款、教育基建投资的政策。",
        "4、负责全县学生资助工作，完成县委、县政府交办的其他任务。",
    ),
    units=(
        ("魏县教育局本级", "行政", "正科级", "财政拨款"),
        ("魏县教育局所属学校（汇总）", "事业", "股级", "财政拨款"),
    ),
    admin_subject="2050101",
    medical_subject="2101101",
    goals=(
        (
            "教育管理",
            "全县教育事业规划、管理和督导。",
            "保障全县教育系统正常运转。",
            "学校正常运转率达到100%。",
        ),
        ("学生资助", "落实各学段学生资助政策。", "应助尽助。", "资助资金按时足额发放率100%。"),
    ),
    title_prefix=True,
)

_SATISFACTION = ("满意率", "满意率", "≥90%", "服务对象满意度反馈")

# ---------------------------------------------------------------- filings

_PARTY_2021 = Filing(
    dept=PARTY_OFFICE,
    year=2021,
    economic=lines(
        "238.40",
        "30101",
        c30102="15.20",
        c30103="7.60",
        c30107="3.40",
        c30108="25.10",
        c30109="12.55",
        c30110="13.80",
        c30302="2.05",
        c30305="0.90",
    )
    + lines("39.90", "30239", c30201="27.30"),
    projects=lines("1102.36", "2013199", c2013101="230.00", c2013102="286.40", c2013105="138.50"),
    sangong=Sangong(purchase=D("25.00"), operation=D("6.80"), reception=D("48.00")),
    prior=Totals(D("230.15"), D("38.70"), D("1026.45")),
    prior_sangong=Sangong(operation=D("7.20"), reception=D("50.00")),
    perf=(
        perf("保密电话运行维护费", "保障保密电话正常运行", "2万元", classified=True),
        perf(
            "党政专用电视会议系统运行维护费",
            "满足省市党政专用会议室建设相关要求",
            "120万元",
            quantity=("维护设备数量", "党政专用电视会议系统", "1套", "依据实际工作需要"),
            quality=("设备合格率", "设备合格率", "100%", "依据相关技术标准"),
            timing=("完成时间", "完成时间", "6月份前完成", "依据实际工作要求"),
            social=("保障会议召开", "保障党政视频会议顺利召开", "会议正常召开", "依据实际工作效果"),
            lasting=("长期性", "长期保障会议系统运转", "长期提供服务", "依据实际工作效果"),
        ),
    ),
    assets=Assets("", ZERO, "", 7, D("168.20"), 0, ZERO, D("860.35")),
)
_PARTY_2022 = Filing(
    dept=PARTY_OFFICE,
    year=2022,
    economic=lines(
        "251.73",
        "30101",
        c30102="16.00",
        c30103="7.90",
        c30107="3.60",
        c30108="26.40",
        c30109="13.20",
        c30110="14.30",
        c30302="2.10",
        c30305="0.95",
    )
    + lines("41.84", "30239", c30201="28.50"),
    projects=lines("1268.42", "2013199", c2013101="250.00", c2013102="300.00", c2013105="150.00"),
    sangong=Sangong(reception=D("54.50")),
    prior=_PARTY_2021.totals,
    prior_sangong=_PARTY_2021.sangong,
    perf=(
        perf(
            "2021年县委重要文稿资料汇编经费",
            "将重要文稿辑印成册，便于存档资政，参考学习",
            "5万元",
            quantity=(
                "辑印存档文件范围",
                "2021年全年主要领导重要精神文件",
                "全年重要精神文件",
                "依据实际工作要求",
            ),
            quality=(
                "辑印存档质量",
                "达到档案管理相关规定",
                "高标准完成辑印归档",
                "依据相关文件辑印存档要求",
            ),
            timing=("完成时间", "6月份以前", "6月份前完成相关工作", "依据实际工作量要求"),
            cost_row=("辑印存档费用", "辑印存档费用", "5万元", "实际辑印成册及整理存档费用测算"),
            social=("辑印存档意义", "便于资政参考学习", "提供参考谋划", "实际工作效果"),
            lasting=("长期影响力", "长期满足查阅参考需要", "长期保存资政", "实际工作效果"),
        ),
        perf(
            "党委机关协同办公平台系统保障服务费",
            "保障党委协同办公平台系统正常运转",
            "29.8万元",
            quantity=("维护数量", "全套协同办公系统", "1套", "依据实际工作要求"),
            quality=("服务质量", "保障系统高效运行", "保证系统顺畅", "依据实际提供服务质量"),
            timing=("服务时间", "全年不间断", "全年维护", "依据实际提供服务情况"),
            social=("提升服务能力", "提高协调办公服务能力", "提高行政效率", "依据实际工作开展效果"),
            lasting=("长期性", "长期保障网络顺畅运转", "长期提供服务", "依据实际工作开展效果"),
        ),
        perf("保密工作保障经费", "保障保密工作正常开展", "10万元", classified=True),
    ),
    assets=Assets("", ZERO, "", 7, D("162.40"), 0, ZERO, D("905.16")),
)
# The published 2023 filing (transcribed, not generated): the figures its successor compares with.
REFERENCE_2023_TOTALS = Totals(D("311.56"), D("46.76"), D("1683.10"))
REFERENCE_2023_SANGONG = Sangong(reception=D("54.50"))
_PARTY_2024 = Filing(
    dept=PARTY_OFFICE,
    year=2024,
    economic=lines(
        "330.12",
        "30101",
        c30102="17.40",
        c30103="9.00",
        c30107="4.20",
        c30108="33.60",
        c30109="16.80",
        c30110="18.10",
        c30302="2.25",
        c30305="1.02",
    )
    + lines("52.30", "30201", c30231="8.60", c30239="15.20"),
    projects=lines("1420.75", "2013199", c2013101="280.00", c2013102="310.50", c2013105="160.00"),
    sangong=Sangong(operation=D("8.60"), reception=D("50.00")),
    prior=REFERENCE_2023_TOTALS,
    prior_sangong=REFERENCE_2023_SANGONG,
    perf=(
        perf(
            "党委机关协同办公平台系统保障服务费",
            "保障党委协同办公平台系统正常运转",
            "31.2万元",
            quantity=("维护数量", "全套协同办公系统", "1套", "依据实际工作要求"),
            quality=("服务质量", "保障系统高效运行", "保证系统顺畅", "依据实际提供服务质量"),
            timing=("服务时间", "全年不间断", "全年维护", "依据实际提供服务情况"),
            social=("提升服务能力", "提高协调办公服务能力", "提高行政效率", "依据实际工作开展效果"),
            lasting=("长期性", "长期保障网络顺畅运转", "长期提供服务", "依据实际工作开展效果"),
        ),
        perf("国家安全工作保障经费", "保障国安办正常运转", "6万元", classified=True),
    ),
    assets=Assets("", ZERO, "", 6, D("131.90"), 0, ZERO, D("968.40")),
)

_GOV_PERF_INFO = dict(
    quantity=("报送政务信息数量", "全年报送政务信息", "≥300条", "依据年度工作计划"),
    quality=("信息采用率", "被上级采用的信息占比", "≥30%", "依据上年采用情况"),
    timing=("报送时效", "重要信息及时报送", "当日报送", "依据信息报送有关规定"),
    social=("服务决策", "为县政府决策提供参考", "有效提升", "依据实际工作效果"),
    lasting=("长期性", "政务信息工作长效机制", "长期有效", "依据实际工作效果"),
)
_GOV_PERF_MEETING = dict(
    quantity=("保障会议次数", "县政府常务会议及重大活动", "≥40次", "依据上年会议次数"),
    quality=("会议保障质量", "会务安排无差错", "无差错", "依据会务工作规范"),
    timing=("完成时间", "全年", "12月底前完成", "依据年度工作计划"),
    social=("保障政务运转", "保障县政府重大决策部署落实", "有效保障", "依据实际工作效果"),
    lasting=("长期性", "会务保障规范化", "长期有效", "依据实际工作效果"),
)
_GOV_2022 = Filing(
    dept=GOVERNMENT_OFFICE,
    year=2022,
    economic=lines(
        "412.36",
        "30101",
        c30102="28.60",
        c30103="13.20",
        c30107="6.40",
        c30108="42.80",
        c30109="21.40",
        c30110="23.50",
        c30113="30.10",
        c30302="4.36",
    )
    + lines(
        "68.45",
        "30239",
        c30201="22.00",
        c30207="6.50",
        c30211="9.80",
        c30228="5.60",
        c30229="4.55",
        c30231="12.00",
    ),
    projects=lines("356.20", "2010399", c2010302="210.00"),
    sangong=Sangong(operation=D("12.00"), reception=D("18.60")),
    prior=Totals(D("398.10"), D("70.28"), D("333.50")),
    prior_sangong=Sangong(operation=D("12.50"), reception=D("20.00")),
    perf=(
        perf(
            "政务信息报送及督查经费",
            "及时准确报送政务信息，督促县政府重点工作落实",
            "18万元",
            **_GOV_PERF_INFO,
        ),
        perf(
            "县政府常务会议及重大活动保障经费",
            "保障县政府常务会议及重大活动顺利开展",
            "36.5万元",
            **_GOV_PERF_MEETING,
        ),
    ),
    assets=Assets("3200", D("1450.00"), "2100", 5, D("98.60"), 2, D("56.00"), D("312.45")),
)
_GOV_2023 = Filing(
    dept=GOVERNMENT_OFFICE,
    year=2023,
    economic=lines(
        "436.92",
        "30101",
        c30102="30.10",
        c30103="14.00",
        c30107="6.90",
        c30108="45.30",
        c30109="22.65",
        c30110="24.90",
        c30113="31.80",
        c30302="4.52",
    )
    + lines(
        "66.10",
        "30239",
        c30201="21.00",
        c30207="6.20",
        c30211="9.40",
        c30228="5.80",
        c30229="4.70",
        c30231="11.20",
    ),
    projects=lines("402.80", "2010399", c2010302="236.00"),
    sangong=Sangong(overseas=D("3.50"), operation=D("11.20"), reception=D("16.00")),
    prior=_GOV_2022.totals,
    prior_sangong=_GOV_2022.sangong,
    perf=(
        perf(
            "政务信息报送及督查经费",
            "及时准确报送政务信息，督促县政府重点工作落实",
            "19万元",
            **_GOV_PERF_INFO,
        ),
        perf(
            "县政府常务会议及重大活动保障经费",
            "保障县政府常务会议及重大活动顺利开展",
            "40万元",
            **_GOV_PERF_MEETING,
        ),
        perf(
            "政府网站集约化平台运维费",
            "保障县政府门户网站及政务新媒体安全稳定运行",
            "12.8万元",
            quantity=("运维网站数量", "县政府门户网站及子站", "1个平台", "依据平台建设情况"),
            quality=("网站可用率", "全年网站正常访问", "≥99%", "依据政府网站管理规定"),
            timing=("服务时间", "全年不间断", "全年运维", "依据运维合同"),
            social=("政务公开", "提升政务公开和政务服务水平", "有效提升", "依据政府网站考评结果"),
            lasting=("长期性", "平台长期安全运行", "长期稳定", "依据实际运行效果"),
        ),
    ),
    assets=Assets("3200", D("1450.00"), "2100", 5, D("92.30"), 2, D("56.00"), D("330.10")),
)

_EDU_PERF_PRESCHOOL = dict(
    quantity=("资助幼儿人数", "家庭经济困难幼儿", "≥900人", "依据上年资助人数"),
    quality=("资助对象准确率", "资助对象符合条件", "100%", "依据学生资助政策"),
    timing=("资金发放时间", "按学期发放", "学期结束前发放", "依据资金管理办法"),
    social=("教育公平", "保障困难家庭幼儿入园", "应助尽助", "依据学生资助政策"),
    lasting=("长期性", "学前教育资助长效机制", "长期有效", "依据学生资助政策"),
)
_EDU_PERF_SCHOOLS = dict(
    quantity=("补助学校数量", "全县义务教育学校", "≥180所", "依据学校数量"),
    quality=("资金使用合规率", "公用经费按规定使用", "100%", "依据资金管理办法"),
    timing=("资金拨付时间", "按季度拨付", "季度初拨付", "依据资金管理办法"),
    social=("保障学校运转", "义务教育学校正常运转", "正常运转", "依据实际运转情况"),
    lasting=("长期性", "义务教育经费保障机制", "长期有效", "依据相关政策"),
)
_EDU_2022 = Filing(
    dept=EDUCATION,
    year=2022,
    economic=lines(
        "624.18",
        "30101",
        c30102="44.00",
        c30103="20.50",
        c30107="60.30",
        c30108="64.80",
        c30109="32.40",
        c30110="35.60",
        c30113="45.50",
        c30302="6.08",
    )
    + lines(
        "85.40",
        "30239",
        c30201="30.00",
        c30207="7.80",
        c30211="12.40",
        c30228="8.20",
        c30229="6.50",
        c30231="9.80",
    ),
    projects=lines("3268.50", "2050203", c2050199="120.00", c2050201="860.00", c2050202="1320.00"),
    sangong=Sangong(operation=D("9.80"), reception=D("6.50")),
    prior=Totals(D("601.20"), D("88.96"), D("3012.50")),
    prior_sangong=Sangong(operation=D("10.40"), reception=D("7.20")),
    perf=(
        perf(
            "学前教育保教费补助资金", "资助家庭经济困难幼儿接受学前教育", "≤86.6万元", **_EDU_PERF_PRESCHOOL
        ),
        perf("义务教育学校公用经费补助", "保障义务教育学校正常运转", "1320万元", **_EDU_PERF_SCHOOLS),
    ),
    assets=Assets("5600", D("2380.00"), "3100", 4, D("72.50"), 3, D("84.00"), D("1240.60")),
)
_EDU_2023 = Filing(
    dept=EDUCATION,
    year=2023,
    economic=lines(
        "651.35",
        "30101",
        c30102="45.80",
        c30103="21.30",
        c30107="62.50",
        c30108="67.50",
        c30109="33.75",
        c30110="37.10",
        c30113="47.40",
        c30302="6.30",
    )
    + lines(
        "83.12",
        "30239",
        c30201="29.00",
        c30207="7.50",
        c30211="12.00",
        c30228="8.40",
        c30229="6.60",
        c30231="9.20",
    ),
    projects=lines("3540.00", "2050203", c2050199="138.00", c2050201="905.00", c2050202="1412.00"),
    sangong=Sangong(purchase=D("18.00"), operation=D("9.20"), reception=D("5.80")),
    prior=_EDU_2022.totals,
    prior_sangong=_EDU_2022.sangong,
    perf=(
        perf(
            "学前教育保教费补助资金", "资助家庭经济困难幼儿接受学前教育", "≤92.4万元", **_EDU_PERF_PRESCHOOL
        ),
        perf("义务教育学校公用经费补助", "保障义务教育学校正常运转", "1412万元", **_EDU_PERF_SCHOOLS),
        perf(
            "教育系统公务用车购置",
            "更新报废公务用车，保障教育督导检查用车",
            "18万元",
            quantity=("购置车辆数量", "更新公务用车", "1辆", "依据车辆编制及报废情况"),
            quality=("车辆配置标准", "符合公务用车配备标准", "符合标准", "依据党政机关公务用车管理办法"),
            timing=("购置时间", "上半年完成购置", "6月份前完成", "依据政府采购计划"),
            social=("保障督导检查", "保障全县教育督导检查工作", "有效保障", "依据实际工作需要"),
            lasting=("长期性", "车辆使用年限", "≥8年", "依据车辆报废标准"),
        ),
    ),
    assets=Assets("5600", D("2380.00"), "3100", 5, D("90.50"), 3, D("84.00"), D("1302.80")),
    procurement=(
        (
            "教育系统公务用车购置",
            "18.00",
            "轿车",
            "A02030500",
            "辆",
            "1",
            "18.00",
            "18.00",
            "18.00",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ),
    ),
)

FILINGS: tuple[Filing, ...] = (
    _PARTY_2021,
    _PARTY_2022,
    _PARTY_2024,
    _GOV_2022,
    _GOV_2023,
    _EDU_2022,
    _EDU_2023,
)


# ---------------------------------------------------------------- rendering


def doc_info(filing: Filing) -> DocInfo:
    """Core properties marking the file as synthetic."""
    dept = filing.dept
    return DocInfo(
        title=f"{dept.name}{filing.year}年部门预算信息公开（合成样例）",
        subject=f"部门预算公开 {dept.code} {dept.name} {filing.year} — SYNTHETIC",
        comments="Synthetic sample generated by yusuan (pipelines/samples/synthetic.py): invented figures, "
        "laid out like the published 魏县 2023 filing. Not a real disclosure.",
        keywords="部门预算; 魏县; synthetic; 合成样例",
        header_note=SYNTHETIC_NOTE,
    )


def blocks(filing: Filing) -> list[Block]:
    """The filing as blocks ready for the writer (via its text rendering)."""
    return parse_rendering(rendering(filing))


def rendering(filing: Filing) -> str:
    """The filing in the seed's text-rendering format."""
    _check(filing)
    out = _Out()
    titles = _table_titles(filing.dept)
    tables = _budget_tables(filing)
    for i, (title, rows) in enumerate(zip(titles, tables, strict=True)):
        out.para(title, f"_Toc_2_2_{i + 1:010d}")
        out.table(rows)
        if i in (6, 7):
            fund = "政府基金" if i == 6 else "国有资本经营"
            out.para(f"注：无{fund}预算财政拨款预算，空表列示。")
        else:
            out.blank()
    _narrative(filing, out)
    return out.text()


class _Out:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def para(self, text: str, bookmark: str | None = None) -> None:
        self.lines.append((f"[bookmark: {bookmark}]" if bookmark else "") + text)

    def blank(self, n: int = 1) -> None:
        self.lines.extend([""] * n)

    def table(self, rows: list[list[str]]) -> None:
        for row in rows:
            self.lines.extend("\t" + cell for cell in row)
            self.lines.append("")
        self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@cache
def _reference_tables() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """The reference's tables as printed text: their headers are reused verbatim."""
    parsed = parse_rendering(_REFERENCE.read_text(encoding="utf-8"))
    return tuple(tuple(tuple(c.text for c in row) for row in b.rows) for b in parsed if isinstance(b, Table))


def _table_titles(dept: Dept) -> list[str]:
    quote = ('"', '"') if dept.ascii_quotes else ("“", "”")
    titles = [
        "部门预算收支总表",
        "部门预算收入总表",
        "部门预算支出总表",
        "部门预算财政拨款收支总表",
        "部门预算一般公共预算财政拨款支出表",
        "部门预算一般公共预算财政拨款基本支出表",
        "部门预算政府基金预算财政拨款支出表",
        "部门预算国有资本经营预算财政拨款支出表",
        f"部门预算财政拨款{quote[0]}三公{quote[1]}经费支出表",
    ]
    if dept.title_prefix:
        titles = [f"表{_CHINESE_NUMBERS[i]} {t}" for i, t in enumerate(titles)]
    return titles


def _amt(value: Decimal) -> str:
    """Two decimals as printed; a zero amount is a blank cell, as in the reference."""
    return "" if value == 0 else f"{value:.2f}"


def _wan(value: Decimal) -> str:
    return f"{value:.2f}"


def _budget_tables(filing: Filing) -> list[list[list[str]]]:
    ref = _reference_tables()
    meta = [f"{filing.dept.code}{filing.dept.name}", f"预算年度：{filing.year}", "单位：万元"]

    def head(index: int) -> list[list[str]]:
        return [meta] + [list(r) for r in ref[index][1:4]]  # two header rows and 栏次

    totals = filing.totals
    total = totals.total
    basic_total = totals.personnel + totals.public
    tree = _function_tree(filing)
    classes = {code: amounts for code, _, amounts in tree if len(code) == 3}

    # 1 收支总表: income labels and 31 expenditure classes come from the reference.
    summary = head(0)
    ref_rows = ref[0][4:]
    for i, ref_row in enumerate(ref_rows[:31]):
        income = _amt(total) if i == 0 else ""
        code = next((c for c, row in _CLASS_ROW.items() if row == i), None)
        expense = _amt(classes[code][0]) if code in classes else ""
        summary.append([str(i + 1), ref_row[1], income if ref_row[1] else "", ref_row[3], expense])
    summary += [
        ["32", "本年收入合计", _amt(total), "本年支出合计", _amt(total)],
        ["33", "上年结转结余", "", "年终结转结余", ""],
        ["34", "收入总计", _amt(total), "支出总计", _amt(total)],
    ]

    # 2 收入总表, 3 支出总表, 5 一般公共预算支出表: one row per 类/款/项.
    income = head(1) + [["1", "", "合计", *[_amt(total)] * 3, *[""] * 7]]
    expense = head(2) + [["1", "", "合计", _amt(total), _amt(basic_total), _amt(totals.project), "", "", ""]]
    general = head(4) + [["1", "", "合计", _amt(total), _amt(basic_total), _amt(totals.project)]]
    for n, (code, name, (line_total, basic, project)) in enumerate(tree, start=2):
        income.append([str(n), code, name, *[_amt(line_total)] * 3, *[""] * 7])
        expense.append([str(n), code, name, _amt(line_total), _amt(basic), _amt(project), "", "", ""])
        general.append([str(n), code, name, _amt(line_total), _amt(basic), _amt(project)])

    # 4 财政拨款收支总表
    fiscal = head(3)
    for i, ref_row in enumerate(ref[3][4:35]):
        code = next((c for c, row in _CLASS_ROW.items() if row == i), None)
        amount = _amt(classes[code][0]) if code in classes else ""
        income_amount = _amt(total) if i == 0 else ""
        fiscal.append([str(i + 1), ref_row[1], income_amount, ref_row[3], amount, amount, "", ""])
    fiscal += [
        ["32", "本年收入合计", _amt(total), "本年支出合计", _amt(total), _amt(total), "", ""],
        ["33", "年初财政拨款结转和结余", "", "年末财政拨款结转和结余", "", "", "", ""],
        ["34", "一、一般公共预算拨款", "", "", "", "", "", ""],
        ["35", "二、政府性基金预算拨款", "", "", "", "", "", ""],
        ["36", "三、国有资本经营预算拨款", "", "", "", "", "", ""],
        ["37", "收入总计", _amt(total), "支出总计", _amt(total), _amt(total), "", ""],
    ]

    # 6 基本支出表 by economic class
    basic_table = head(5) + [
        ["1", "", "合计", _amt(basic_total), _amt(totals.personnel), _amt(totals.public)]
    ]
    n = 2
    for cls in ("301", "302", "303"):
        items = [(c, a) for c, a in filing.economic if c.startswith(cls)]
        if not items:
            continue
        for code, amount in [(cls, sum((a for _, a in items), ZERO)), *items]:
            personnel, public = (ZERO, amount) if cls == "302" else (amount, ZERO)
            basic_table.append(
                [str(n), code, ECONOMIC_NAMES[code], _amt(amount), _amt(personnel), _amt(public)]
            )
            n += 1

    # 7, 8 empty tables: one blank row
    empty_fund = head(6) + [[""] * 6]
    empty_soe = head(7) + [[""] * 6]

    # 9 三公
    s = filing.sangong
    sangong_rows = [
        ("合计", s.total),
        ("“三公”经费小计", s.total),
        ("一、因公出国（境）费", s.overseas),
        ("    其中：教学科研人员因公出国（境）", ZERO),
        ("          其他因公出国（境）费", s.overseas),
        ("二、公务用车购置及运维费", s.vehicles),
        ("    其中：公务用车购置费", s.purchase),
        ("          公务用车运行维护费", s.operation),
        ("三、公务接待费", s.reception),
    ]
    sangong = head(8) + [
        [str(i), name, _amt(v), _amt(v), "", ""] for i, (name, v) in enumerate(sangong_rows, 1)
    ]
    return [summary, income, expense, fiscal, general, basic_table, empty_fund, empty_soe, sangong]


def _function_tree(filing: Filing) -> list[tuple[str, str, tuple[Decimal, Decimal, Decimal]]]:
    """类, 款 and 项 rows in code order with (合计, 基本, 项目), parents summed from their children."""
    sums: dict[str, tuple[Decimal, Decimal]] = {}
    for code, (basic, project) in filing.function_lines().items():
        for prefix in (code[:3], code[:5], code):
            b, p = sums.get(prefix, (ZERO, ZERO))
            sums[prefix] = (b + basic, p + project)
    return [(code, SUBJECT_NAMES[code], (b + p, b, p)) for code, (b, p) in sorted(sums.items())]


def _change(delta: Decimal) -> str:
    if delta > 0:
        return f"增加{_wan(delta)}万元"
    if delta < 0:
        return f"减少{_wan(-delta)}万元"
    return "与上年持平"


def _check(filing: Filing) -> None:
    """Fail loudly if a hand-typed figure breaks the invariants the module promises."""
    t = filing.totals
    tree = _function_tree(filing)
    by_code = {code: amounts for code, _, amounts in tree}
    basic_function = sum((v[1] for c, v in by_code.items() if len(c) == 3), ZERO)
    if basic_function != t.personnel + t.public:
        raise AssertionError(f"{filing.dept.name} {filing.year}: 基本支出 by function ≠ by economic class")
    for code, (total, basic, project) in by_code.items():
        children = [v for c, v in by_code.items() if len(c) == len(code) + 2 and c.startswith(code)]
        if children and total != sum((v[0] for v in children), ZERO):
            raise AssertionError(f"{filing.dept.name} {filing.year}: {code} ≠ Σ children")
        if total != basic + project:
            raise AssertionError(f"{filing.dept.name} {filing.year}: {code} total ≠ basic + project")
    if sum((v[0] for c, v in by_code.items() if len(c) == 3), ZERO) != t.total:
        raise AssertionError(f"{filing.dept.name} {filing.year}: 合计 ≠ Σ 类")
    if not set(c for c in by_code if len(c) == 3) <= set(_CLASS_ROW):
        raise AssertionError(f"{filing.dept.name} {filing.year}: a 类 has no line in the 收支总表")


def _narrative(filing: Filing, out: _Out) -> None:
    dept, year, t, prior = filing.dept, filing.year, filing.totals, filing.prior
    s, ps = filing.sangong, filing.prior_sangong
    name = dept.name
    out.para(f"第一部分  {name}{year}年部门预算信息公开情况说明")
    out.para(f"{name}{year}年部门预算信息公开情况说明")
    out.para(
        f"按照《预算法》、《地方预决算公开操作规程》和《关于进一步推进预算公开工作的实施意见》规定，"
        f"现将{name}{year}年部门预算公开如下："
    )
    out.para("一、部门职责及机构设置情况", "_Toc_3_3_0000000010")
    out.para("部门职责：")
    for duty in dept.duties:
        out.para(duty)
    out.para("机构设置：")
    out.para("部门机构设置情况")
    out.table([["单位名称", "单位性质", "单位规格", "经费保障形式"], *[list(u) for u in dept.units]])

    out.para("二、部门预算安排的总体情况", "_Toc_3_3_0000000011")
    out.para(
        f"按照预算管理有关规定，目前我县部门预算的编制实行综合预算管理，即全部收入和支出都反映在预算中。"
        f"{name}机关及所属事业单位的收支包含在部门预算中。"
    )
    out.para(f"1、收入说明：{year}年收入预算共计{_wan(t.total)}万元，全部为财政拨款收入。")
    out.para(
        f"2、支出说明：{year}年支出预算共计{_wan(t.total)}万元，其中人员经费支出预算{_wan(t.personnel)}万元，"
        f"日常公用经费支出预算{_wan(t.public)}万元，专项公用项目支出{_wan(t.project)}万元。"
    )
    out.para(
        f"3、比上年增减情况：经过对比测算，{year}年财政拨款预算比{year - 1}年{_change(t.total - prior.total)}，"
        f"主要是：人员经费{_change(t.personnel - prior.personnel)}(单位人员调动调资等)，"
        f"日常公用经费{_change(t.public - prior.public)}、专项公用项目经费{_change(t.project - prior.project)}，"
        f"根据实际工作需求安排。"
    )
    out.para("三、机关运行经费安排情况", "_Toc_3_3_0000000012")
    out.para(
        f"机关运行经费共计安排{_wan(t.public)}万元，主要用于保证正常办公的基本需要和维持单位日常业务运转，"
        f"包括：办公费、邮电费、差旅费、手续费、公务接待费、工会经费、离退休干部经费。"
    )
    out.para("四、财政拨款“三公”经费预算情况及增减变化原因", "_Toc_3_3_0000000013")
    out.para(
        f"{year}年，财政拨款“三公”经费预算安排{_wan(s.total)}万元，其中因公出国(境)费{_wan(s.overseas)}万元；"
        f"公务用车购置及运维费{_wan(s.vehicles)}万元(其中：公务用车购置费为{_wan(s.purchase)}万元，"
        f"公务用车运行费{_wan(s.operation)}万元)；公务接待费{_wan(s.reception)}万元。"
        f"与{year - 1}年相比，“三公”经费{_change(s.total - ps.total)}，其中因公出国(境)费{_change(s.overseas - ps.overseas)}；"
        f"公务用车购置费{_change(s.purchase - ps.purchase)}；公务用车运行费{_change(s.operation - ps.operation)}；"
        f"公务接待费{_change(s.reception - ps.reception)}。原因是我单位按照有关要求，强化“三公”经费管理，"
        f"根据实际工作需要安排相关经费。"
    )
    out.para("五、预算绩效信息", "_Toc_3_3_0000000014")
    out.para("第一部分 部门整体绩效目标")
    out.para("（一）总体绩效目标")
    out.para(
        f"{year}年，{name}坚持以习近平新时代中国特色社会主义思想为指引，全面履行部门职责，确保各项工作任务圆满完成。"
    )
    out.para("（二）分项绩效目标")
    for i, (goal, duty, target, indicator) in enumerate(dept.goals, start=1):
        out.para(f"{i}、{goal}")
        out.para(f"职责描述：{duty}")
        out.para(f"年度绩效目标：{target}")
        out.para(f"工作活动绩效指标：{indicator}")
    out.blank(2)
    out.para("（三）工作保障措施")
    out.para("加强预算执行管理，提高资金使用效益，确保全年工作目标顺利完成。")
    out.para("第二部分  专项资金绩效目标")
    out.para("第三部分  预算项目绩效目标")
    for i, p in enumerate(filing.perf, start=1):
        out.para(f"{i}、{p.name}绩效目标表")
        out.table([["绩效目标", f"1.目标内容1{p.objective}"]])
        out.para(" ")
        groups = ("产出指标", "", "", "", "效益指标", "", "满意度指标")
        level2 = (
            "数量指标",
            "质量指标",
            "时效指标",
            "成本指标",
            "社会效益指标",
            "可持续影响指标",
            "服务对象满意度指标",
        )
        rows = [["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]]
        for g, l2, row in zip(groups, level2, (*p.rows, _SATISFACTION), strict=True):
            rows.append([g, l2, *row])
        out.table(rows)
        out.blank()

    purchase_total = sum((D(r[7]) for r in filing.procurement), ZERO)
    out.para("六、政府采购预算情况", "_Toc_3_3_0000000015")
    out.para(f"{year}年，{name}安排政府采购预算{_wan(purchase_total)}万元。具体内容见下表。")
    out.para("部门政府采购预算")
    ref = _reference_tables()[-2]
    header = [list(r) for r in ref[1:3]]
    header[0][-1] = header[0][-1].replace("2023", str(year))
    body = [list(r) for r in filing.procurement] or [[""] * 16]
    out.table([[f"{dept.code}{name}", "单位：万元"], *header, *body])
    out.para(
        "注：同一采购目录序号的物品，其单价会因配置规格不同而变动，均符合资产配置标准。涉密采购事项按照相关规定执行。"
    )
    out.blank()

    a = filing.assets
    out.para("七、国有资产信息", "_Toc_3_3_0000000016")
    out.para(
        f"{name}（含所属单位）上年末固定资产金额为{_wan(a.total)}万元（详见下表）。本年度拟购置固定资产总额为"
        f"{_wan(purchase_total)}万元，已按要求列入政府采购预算，详见政府采购预算表。"
    )
    out.para("部门固定资产占用情况表")
    out.table(
        [
            [f"{dept.code}{name}", f"截止时间：{year - 1}-12-31"],
            ["项   目", "数量", "价值（金额单位：万元）"],
            ["资产总额", "", _amt(a.total)],
            ["1、房屋（平方米）", a.house_area, _amt(a.house_value)],
            ["　　其中：办公用房（平方米）", a.office_area, ""],
            ["2、车辆（台、辆）", str(a.vehicles) if a.vehicles else "", _amt(a.vehicle_value)],
            ["3、单价在20万元以上的设备", str(a.equipment) if a.equipment else "", _amt(a.equipment_value)],
            ["4、其他固定资产", "", _amt(a.other_value)],
        ]
    )
    out.blank()

    out.para("八、名词解释", "_Toc_3_3_0000000017")
    for term in _reference_glossary():
        out.para(term)
    out.para("九、其他需要说明的事项", "_Toc_3_3_0000000018")
    out.para("我部门无其他需要说明的事项。")
    out.para(SYNTHETIC_NOTE)


@cache
def _reference_glossary() -> tuple[str, ...]:
    """The reference's 名词解释 paragraphs (standard wording across the county's filings)."""
    text = _REFERENCE.read_text(encoding="utf-8")
    section = text.split("]八、名词解释\n", 1)[1].split("[bookmark:", 1)[0]
    return tuple(line for line in section.splitlines() if line)
