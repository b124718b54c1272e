"""Layout knowledge as data: what yusuan knows about how each family of templates prints a filing.

Nothing here is code that decides; ``classify`` and ``normalize`` read these tables.  A new province is new rows
here (and a test), not a new branch in the code.

Families seen so far (``../shared/real_samples``): the seed (河北 county), 上海 (district and municipal, 部门 and
单位), 江苏 provincial (公开01表–12表, tables and narrative as two files), 江苏 city (苏州/无锡), 北京 (预算01表 …,
6 decimals), Guangdong (广州/珠海/深圳/佛山: 第二部分 …预算表), 浙江 (杭州/湖州), 山东 烟台 (公开表1 …), 陕西 西安,
福建 (福州/泉州), 湖南 长沙, 重庆 (tables inside the 情况说明), central (国家信访局), a central university (西南大学).
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------------------------------------------------------
# Department and year: where a filing names itself.
#
# Trusted sources, in order: the labelled lines of the tables (编制部门：/ 部门：/ 部门（单位）：/ 预算单位：…), the
# cover (the text of the first page before the 目录), the labelled lines of the paragraphs, the titles of the tables
# ("西南大学收支预算总表"), and last a narrative heading ("X2026年部门预算情况说明").  Never a table's body cell, a
# PDF's metadata, or a sentence of running text.

# Labels that introduce the department's name (before a colon).
DEPARTMENT_LABELS = (
    "部门名称", "預算主管部门", "预算主管部门", "主管部门", "编制部门", "編制部門", "编制单位", "編制單位", "单位名称",
    "單位名稱", "预算单位", "填报单位", "部门（单位）", "部门(单位)", "部门", "部門",
)

# How an organisation's name ends (a name that does not end so is not taken from a cover or a heading).
ORG_ENDINGS = (
    "办公室", "办公厅", "局", "委员会", "院", "中心", "所", "站", "队", "处", "部", "会", "校", "馆", "社", "厅", "署",
    "委", "办", "镇", "乡", "街道", "政府", "公司", "协会", "学校", "医院", "幼儿园", "单位", "大学", "学院", "法院",
    "检察院", "监狱", "研究院", "联合会", "党校", "宫", "台", "团", "科", "股", "室",
)
# A scope printed after the name: （本级） one body without its units, （汇总） the department with its units.
SCOPE_SUFFIX = re.compile(r"[（(](本级|汇总|部门汇总|本部)[)）]$")

# What a name never starts with: a pronoun (我校, 本部门), a verb of running text (纳入…), an attachment label.
NOT_A_NAME_START = re.compile(r"^(?:我|本|该|其|纳入|列入|包括|根据|按照|关于|附件)")
# 预算 / 决算 inside an organisation's name (财政局预算编审中心, 预算评审中心, 预算绩效管理中心, 人大常委会预算工作委员会,
# 财政局决算审查中心, 预决算编审中心): not the word of a title, so such a name is not rejected for it, and a cover
# printing it names no doc_type by it.
# Or, whatever word follows, the name goes on to a body's ending (BUDGET_BODY_ENDINGS) within a few characters —
# 预算股, 决算办公室, 预算投资评审中心, 预算外资金管理局, 预算会计核算中心, 人大常委会预算监督室 — never through a
# conjunction (部门预算及所属单位 is a title's).
BUDGET_BODY_ENDINGS = ("中心", "委员会", "办公室", "局", "科", "股", "所", "处", "室", "站", "院")
BUDGET_IN_NAME = re.compile(r"(?:预决算|预算|决算)(?:编审|评审|审查|审核|绩效|管理|执行|编制|工作委员会|工委|联网监督"
                            r"|(?:(?![及和与含的])[\u4e00-\u9fff]){0,8}?(?:" + "|".join(BUDGET_BODY_ENDINGS) + "))")
# Prefixes to strip before judging a name: "附件：", "附件2 ", "第一部分".
NAME_PREFIX = re.compile(r"^(?:附件\s*\d*\s*[:：]?\s*|第[一二三四五六七八九十]+部分\s*)")

# The cover: the year and the name around 部门预算 / 单位预算 / 部门决算 (either order), dates of publication removed;
# 岳阳 prints the year as 2017-度 (年 lost to "-").
COVER_DOC = r"(?:(?:省级|市级|区级|县级|市本级)?(?:部门|单位)(?:综合)?(?:预算|决算)|(?:预算|决算))"
COVER_PATTERNS = (
    # 2026年烟台市财政局部门预算 / 2026年度 福州市商务局 部门预算 / 2026年深圳市民政局（本级）部门预算
    re.compile(r"(?P<year>(?:19|20)\d{2})\s*(?:年度?|-度)(?P<name>[^\d:：，。；]{2,40}?)" + COVER_DOC),
    # 西南大学2021年度部门预算 / 国家信访局2026年度部门预算 / 西安市信访局（汇总）2026年部门预算公开说明
    re.compile(r"(?P<name>[^\d:：，。；]{2,40}?)(?P<year>(?:19|20)\d{2})\s*(?:年度?|-度)" + COVER_DOC),
)
# A date of publication on a cover (2021年4月, 二〇二六年三月): not the budget year.
PUBLICATION_DATE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?")
CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" "9")
CN_YEAR = re.compile(r"[二][〇零○一二三四五六七八九]{3}(?=\s*年)")
CN_DATE = re.compile(r"[二][〇零○一二三四五六七八九]{3}\s*年\s*[一二三四五六七八九十]{1,3}\s*月")

# Subject codes: function codes (支出功能分类) are 2xx (201 一般公共服务支出 … 232 债务付息支出), economic codes
# (经济分类) 3xx / 5xx; a table whose header names neither is told by its codes.
ECONOMIC_CODE = re.compile(r"^[35]\d{2}(?:\d{2}){0,2}$")

# A table listed by unit, not by subject (苏州/无锡 收入总表: 部门代码 | 部门名称 | 合计 …, rows 024 / 024001; 福州/泉州
# 收入预算总表: 单位名称 | 合计 …): its codes are the units' codes, never subject codes.
BY_UNIT_HEADER = re.compile(r"^(?:部门|单位|预算单位)(?:代码|编码|名称)$")

# Known abbreviations: a body's full and short names are one department (dw.department_aliases records how).
ABBREVIATIONS = (
    ("中国共产党", "中共"),
    ("委员会办公厅", "委办公厅"),
    ("委员会办公室", "委办公室"),
    ("人民政府办公厅", "政府办公厅"),
    ("中国人民政治协商会议", "政协"),
)

# ---------------------------------------------------------------------------------------------------------------
# Column roles beyond the seed's (normalize_rules.MEASURES holds the seed's; these extend it per table kind).

EXTRA_MEASURES: dict[str, list[tuple[str, str]]] = {
    # 江苏 支出预算总表: 合计 | 基本支出 | 项目支出 | 单位预留机动经费 | 结转下年资金 (one row, no codes)
    "expenditure": [
        # 深圳 支出总表: 2026年政府采购项目 / 小计 | 其中：…预留给中小企业的… | 其中：…预留给小型、微型企业的…
        (r"预留给小型|小型、?微型企业|小微企业", "procurement_reserved_small_micro"),
        (r"预留给中小企业|中小企业", "procurement_reserved_sme"),
        (r"政府采购", "procurement"),
        (r"单位预留机动|预留机动", "reserve"),
        (r"结转下年", "carryover_to_next_year"),
        (r"基本支出", "basic"),
        (r"项目支出|专项业务", "project"),
        (r"经营支出", "operating"),
        (r"上解上级|上缴上级", "remit_to_superior"),
        (r"对附属单位补助", "subsidy_to_affiliates"),
        (r"人员经费|人员支出", "personnel"),  # 杭州: 基本支出 / 人员支出 | 日常公用支出, no 基本支出 subtotal
        (r"公用经费|公用支出", "public_operating"),
        # 西安 部门综合预算支出总表: the spending of each unit by fund source, as its 收入总表 prints the income (部门预算
        # / 合计 | 一般公共预算拨款 / 小计 | 其中：专项资金… | 政府性基金拨款 | 事业收入 | … | 上年结转)
        (r"(?:^|/)(?:一般)?公共预算拨款", "fiscal_appropriation"),
        (r"(?:^|/)政府性基金拨款", "gov_fund"),
        (r"(?:^|/)国有资本经营预算(?:拨款|收入)", "soe_capital"),
        (r"(?:^|/)事业收入$", "business"),
        (r"(?:^|/)其他收入$", "other"),
        (r"(?:^|/)上年结转$", "prior_year_carryover"),
        (r"合计|总计", "total"),
    ],
    "basic_expenditure": [
        (r"^财政拨款/(?:合计|小计)$", "fiscal_appropriation"),  # 广东: 总计 | 财政拨款 / 合计 | / 一般公共预算 …
        (r"人员经费|人员支出", "personnel"),
        (r"^人员类$", "personnel"),  # 湖南 长沙: 经济科目名称 | 总计 | 人员类 | 公用经费
        (r"公用经费|公用支出", "public_operating"),
        (r"专项业务|项目支出", "project"),
        (r"合计|总计", "total"),
        # 基本支出 by fund source (烟台 基本支出预算情况表, 广州 部门预算基本支出预算表)
        (r"一般公共预算", "general_public"),
        (r"政府性基金", "gov_fund"),
        (r"国有资本", "soe_capital"),
        (r"财政专户", "fiscal_special_account"),
        (r"财政拨款", "fiscal_appropriation"),
        # … and by the unit's own funds (深圳 基本支出总表: 单位资金 / 事业收入 …, 上年结余、结转; 广东: 其他资金)
        (r"事业单位经营|经营收入", "operating"),
        (r"事业收入", "business"),
        (r"上级补助", "superior_subsidy"),
        (r"附属单位上缴", "affiliate_remittance"),
        (r"上年结转|上年结余", "prior_year_carryover"),
        (r"其他收入|^其他资金$", "other"),
    ],
}
# Income by fund (广州 收入总体情况表: 财政拨款收入 / 一般公共预算 | 政府性基金预算 | 国有资本经营预算; 深圳: …拨款),
# tried before normalize_rules.MEASURES["income"]: gov_fund / soe_capital (under a 财政拨款 group PATH_FIRST_MEASURES makes
# the 一般公共预算 column general_public, as for 烟台; a bare 一般公共预算 column stays fiscal_appropriation, 浙江).
INCOME_FUND_MEASURES: list[tuple[str, str]] = [
    (r"^政府性基金(?:预算)?(?:拨款|资金)?$", "gov_fund"),
    (r"^国有资本经营(?:预算)?(?:拨款|资金)?$", "soe_capital"),
    (r"上年结余", "prior_year_carryover"),  # 深圳: 上年结余、结转
]
# A subject table whose title says it is by economic class though its kind is by function (深圳
# 一般公共预算支出表（按经济分类）beside its 按功能分类 twin): its lines are economic.
ECONOMIC_TITLE = r"按经济分类|经济分类科目"
# …and a kind by economic class whose title and codes say it is by function (西安 一般公共预算基本支出明细表（按支出
# 功能分类科目）: 201 一般公共服务支出 …): its lines are function lines, added up apart from the economic twin's.
FUNCTION_TITLE = r"按(?:支出)?功能分类|功能分类科目"
# Tables that list their rows by spending unit (资金使用单位 / 预算单位), or by unit and the items under it, instead
# of (or beside) subject codes: the header of that column.  Their rows go to staging.unit_lines (docs/warehouse.md).
UNIT_LABEL_HEADER = r"资金使用单位|^支出项目类别$|^(?:单位|部门|预算单位)(?:名称)?$"
# …and where that header names units only (no 类别; UNIT_COLUMN_HEADER below): every row of it is a unit.
UNITS_ONLY_HEADER = r"^(?:单位|部门|预算单位)(?:名称)?$"
# Parts printed as "其中" under a column, read before the column's own role (their measure is not one of the sum's
# parts: 经费拨款 is inside 本级财政拨款).  湖南 长沙 收入总体情况表: 本级财政拨款 / 金额 | 其中:经费拨款.
PART_MEASURES: dict[str, list[tuple[str, str]]] = {
    "income": [(r"^(?:其中[:：]?)?经费拨款$", "fiscal_appropriation_funding")],
}
# Columns that compare with the year before (central template: 2025年执行数 | 2026年预算数 | 增减额 | 增减%):
# matched after every other role, so 2026年预算数 / 基本支出 stays basic.
COMPARISON_MEASURES: list[tuple[str, str]] = [
    (r"扣除.*执行数", "prior_year_execution_excl_capital_construction"),
    (r"扣除.*预算数", "excl_capital_construction"),  # 扣除中央基建投资后预算数 / 扣除基建项目后预算数 (北京, 项目支出)
    (r"增减额|增减$|比上年增减", "change_on_prior_year"),
    (r"^(?:19|20)\d{2}年执行数|执行数$", "prior_year_execution"),
]

# A column of the year before's budget beside this year's (重庆 2025年预算数 | 2026年预算数 / 总计 …): measure
# prior_year_budget when the year it names is before the filing's (a lone 2026年预算数 stays this year's figure).
PRIOR_YEAR_COLUMN = re.compile(r"^(?P<year>(?:19|20)\d{2})年度?(?:年初)?预算数?$")
# The same year over a group of columns (重庆 三公: 2025年预算数 / 合计 | 因公出国… beside 2026年预算数 / …).
PRIOR_YEAR_GROUP = re.compile(r"^(?P<year>(?:19|20)\d{2})年度?(?:(?:年初)?预算数?)?(?:/|$)")  # 西安: 2018年 / …

# A 收支总表 expense label column by economic class, printed beside the function classes on the same rows (西安:
# 支出功能分类科目（按大类） | 部门预算支出经济分类科目（按大类） | 政府预算支出经济分类科目（按大类）): its lines are read by
# SUMMARY_ECONOMIC_USES below.
SUMMARY_SIDE_BY_SIDE_ECONOMIC = r"经济分类"

# A group of columns printing the year before or the change on it (西安 三公: 2018年 | 2019年 | 增减变化情况): 三公
# lines of basis prior_year_budget / change_on_prior_year, not the filing's own figures (docs/warehouse.md).
PRIOR_GROUP_WORDS = re.compile(r"^(?:上年|上年度)(?:预算数?)?(?:/|$)")  # 西安 信访局 三公: 上年 | 当年 | 增减变化情况
CHANGE_GROUP = re.compile(r"^(?:增减变化情况|增减变化|增减情况|比上年增减)(?:/|$)")

# Roles read from a column's whole header path before its last segment (the group above says which variant).
PATH_FIRST_MEASURES: list[tuple[str, str]] = [
    # 财政专户拨款收入 printed in its two parts (广州/珠海 收入总体情况表: 教育收费 | 其他专户收入拨款)
    (r"^财政专户[^/]*/教育收费", "fiscal_special_account_education_fees"),
    (r"^财政专户[^/]*/其他专户", "fiscal_special_account_other"),
    (r"扣除.*增减额", "change_on_prior_year_excl_capital_construction"),
    # 浙江 收入预算总表: 本年收入 / 一般公共预算 | 政府性基金预算 | 国有资本经营预算 …, and the carry-over by fund
    (r"^本年收入/政府性基金", "gov_fund"),
    (r"^本年收入/国有资本经营", "soe_capital"),
    (r"^上年结转[^/]*/一般公共预算", "prior_year_carryover_general_public"),
    (r"^上年结转[^/]*/政府性基金", "prior_year_carryover_gov_fund"),
    (r"^上年结转[^/]*/国有资本经营", "prior_year_carryover_soe_capital"),
    (r"^上年结转[^/]*/(?:财政专户|专户资金)", "prior_year_carryover_fiscal_special_account"),
    (r"^上年结转[^/]*/单位资金", "prior_year_carryover_other"),
    # 西安 收入总表: 其中：专项资金列入部门预算项目 (a part of 一般公共预算拨款), 上年实户资金余额 (the units' own accounts)
    (r"其中[:：]?专项资金", "of_which_special_funds"),
    (r"上年实户资金余额", "prior_year_own_account_balance"),
    # 财政拨款 parts by fund under its group (烟台 收入总体情况表: 财政拨款收入 / 一般公共预算收入)
    (r"财政拨款[^/]*/一般公共预算", "general_public"),
    (r"财政拨款[^/]*/政府性基金", "gov_fund"),
    (r"财政拨款[^/]*/国有资本", "soe_capital"),
]

# A subtitle printed under a table's title that is not the title (北京 预算13表 部门整体支出绩效目标表 / （2026年度））:
# passed over when the title is looked for above a table.
TITLE_SUBTITLE = re.compile(r"^[（(]\s*(?:19|20)\d{2}\s*年度?\s*[)）]$")

# Lines above a table that are no title: the words of a 绩效目标 form's own cells, printed vertically or cut by a
# page break (西安 部门整体支出绩效目标表: "目标", "标", "时效指标" above its continuation on the next page; the
# indicator header "一级指标 二级指标 指标内容 指标值").  A part with such a "title" continues the table before it.
NOT_A_TITLE = re.compile(
    r"^(?:年度)?(?:绩效)?(?:目标|标|指|指标|(?:产出|效益|满意度|成本|时效|数量|质量|社会效益|经济效益|生态效益|"
    r"可持续影响|服务对象满意度)(?:指标)?)$|^(?:(?:一级|二级|三级)指标|指标内容|指标值|指标名称)+$"
)

# The header of a column printing a second classification's code and name in one cell, beside the subject's own
# (北京 预算03表 支出功能分类科目 | 政府支出经济分类科目 | 部门支出经济分类科目; 预算06表 政府 | 部门经济分类科目):
# a cross-classified table whose rows become lines with ``cross_code`` / ``cross_name`` (docs/warehouse.md).
CROSS_CLASSIFICATION_HEADER = r"分类科目|经济科目|功能科目"

# A row naming one of the department's units inside a subject table, before that unit's own subject rows, with the
# unit's subtotal (西安 部门综合预算: 125001 西安市安全生产监督管理局 | 2,080.32 …): its code is no subject code (3, 5
# or 7 digits) but a unit code.  The rows under it are that unit's section (budget_lines.section / section_name).
UNIT_ROW_CODE = re.compile(r"^(?:\d{6}|\d{8,12})$")

# The header of a table's only amount column (江苏 金额, 北京 预算数, 机关运行经费支出, 决算数).
SINGLE_AMOUNT_HEADER = r"金额|预算数|预算金额|本年预算|决算数|机关运行经费|^合计$|^预算$"  # 广东: 部门预算支出经济科目 | 预算

# 收支总表 lines that head a side with its sum, above the lines they add up (西安: 一、部门预算 on every column, over
# 1、财政拨款 … / the function classes; 财政拨款收支总表: 一、财政拨款) — summary items of both sides.
SUMMARY_HEADING_ITEMS: list[tuple[str, str]] = [
    (r"^一、部门预算$", "department_budget"),
    (r"^一、财政拨款$", "fiscal_appropriation"),
]
# 收支总表 income lines of the 西安 family: the units' own accounts (上年实户资金余额), the parts of 上年结转 (其中：财政
# 拨款资金结转 | 非财政拨款资金结余), the part of 一般公共预算拨款 for special funds (其中：专项资金列入部门预算的项目).
SUMMARY_INCOME_EXTRA_ITEMS: list[tuple[str, str]] = [
    (r"上年实户资金余额", "prior_year_own_account_balance"),
    (r"下级单位上缴", "affiliate_remittance"),  # 西安 2019: 5、下级单位上缴收入 (附属单位上缴收入 in 2026)
    (r"^(?:其中[:：])?非财政拨款(?:资金)?结[余转]", "prior_year_carryover_non_fiscal"),
    (r"^(?:其中[:：])?财政拨款(?:资金)?结[余转]", "prior_year_carryover_fiscal"),
    (r"^其中[:：]?专项资金", "of_which_special_funds"),
]
# A 收支总表's expense side printed a second and third time by economic class on the same rows (西安: 支出功能分类科目
# （按大类） | 部门预算支出经济分类科目（按大类） | 政府预算支出经济分类科目（按大类）).  The department's column lists its
# uses, each with its economic classes under it (1、人员经费和公用经费支出 (1)工资福利支出 …; 2、专项业务经费支出 …): the
# uses are these items, the classes item economic_class (code by name, subjects.ECONOMIC_CLASSES) with the use as
# their measure.  The government's column lists 政府预算支出经济分类 classes (1、机关工资福利支出 …): item
# gov_economic_class (subjects.GOV_ECONOMIC_CLASSES).  Their heading and total lines repeat the function column's.
SUMMARY_ECONOMIC_USES: list[tuple[str, str]] = [
    (r"^人员经费和公用经费(?:支出)?$|^基本支出$", "basic"),
    (r"^专项业务经费(?:支出)?$|^项目支出$", "project"),
    (r"^上缴上级支出$", "remit_to_superior"),
    (r"^事业单位经营支出$", "operating"),
    (r"^对附属单位补助支出$", "subsidy_to_affiliates"),
]
SUMMARY_GOV_ECONOMIC_HEADER = r"政府预算支出经济分类|政府经济分类"
SUMMARY_DEPT_ECONOMIC_HEADER = r"部门预算支出经济分类|部门经济分类"

# 收支总表 expense classes that have no 类 code (平山 2025's 31st: 三十一、人行科目): a class of their own with no
# subject_code, never a detail of the class printed above them.
SUMMARY_UNCODED_CLASSES = r"^人行科目$"

# 收支总表 expense lines by use (江苏: 一、基本支出 二、项目支出 三、单位预留机动经费; 长沙: … 三、事业单位经营支出 四、对附属
# 单位补助支出 五、上缴上级支出) — summary items.  The last three are no function class even where they follow the classes
# (广东: … 二十三、其他支出 二十四、对附属单位补助支出 二十五、上缴上级支出; 烟台: 对附属单位的补助支出): 本年支出合计 adds them to
# the classes there (checks_arithmetic.BESIDE_CLASSES), never a 款 of 229 其他支出 above them.
SUMMARY_USE_ITEMS: list[tuple[str, str]] = [
    (r"^(?:[一二三四五六七八九十]+、)?基本支出$", "basic"),
    (r"^(?:[一二三四五六七八九十]+、)?项目支出$", "project"),
    (r"^(?:[一二三四五六七八九十]+、)?(?:单位)?预留机动经费$", "reserve"),
    (r"^(?:[一二三四五六七八九十]+、)?事业单位经营支出$", "operating"),
    (r"^(?:[一二三四五六七八九十]+、)?对附属单位(?:的)?补助支出$", "subsidy_to_affiliates"),
    (r"^(?:[一二三四五六七八九十]+、)?上[缴解]上级支出$", "remit_to_superior"),
]

# A 三公 table whose only sum is the 三公 sum of its three categories (寿县, 杭州, 湖州: “三公”经费合计 | 因公出国(境)费 |
# 公务用车… | 公务接待费; 广州/珠海: “三公”经费 under 行政经费; 长沙: 三公经费… / 小计; 北京: “三公”经费财政拨款预算总额): where
# no 合计 is printed beside it and it equals 出国 + 用车 + 接待, that sum is the table's total (category total, what the
# marts filter on).  Where these are printed beside it (无锡, 苏州: … | 会议费 | 培训费) it stays the subtotal of a
# wider 合计, printed or not.  The parts: each category, or where it is not printed its two 其中 lines.
THREE_PUBLIC_BESIDE_THE_SUM = ("meeting", "training")
THREE_PUBLIC_SUM_PARTS: list[tuple[str, tuple[str, ...]]] = [
    ("overseas_travel", ("overseas_travel_research", "overseas_travel_other")),
    ("vehicles", ("vehicle_purchase", "vehicle_operation")),
    ("reception", ()),
]

# 三公 tables printed one column per category and fund (深圳: 因公出国(境)费 / 一般公共预算 | / 政府性基金预算 …): the
# last header segment names the fund, the segment above it the category.
THREE_PUBLIC_FUND_LEAF: list[tuple[str, str]] = [
    (r"^一般公共预算|^公共财政", "general_public"),
    (r"^政府性基金", "gov_fund"),
    (r"^国有资本", "soe_capital"),
]
# Rows of a 三公 table that count, not spend (桂林, 沅陵: 相关统计数 / 因公出国(境)团组数(个) / 公务用车保有量(辆) /
# 国内公务接待批次(个)): their numbers are no amounts — neither 三公 lines nor printed amounts coverage counts.
COUNT_ROW = re.compile(r"[（(](?:个|辆|人|人次|次|批|批次|台|套)[)）]$|团组数|人数|购置数|保有量|批次|相关统计数")
# A cell printing that its amount is withheld as a state secret (涉密 in a 三公 or 绩效 table): no amount, no error —
# an info finding, and the sums it stands in are not checked.
CLASSIFIED = re.compile(r"^[（(]?(?:涉密|保密|涉及国家秘密)[)）]?$")
# A vertical 三公 table's column naming its year (2017年预算数; 岳阳 prints 2016-执行数 | 2017-预算数, 年 lost): a year
# before the filing's is a comparison — the year before's 预算数 basis prior_year_budget, anything else not loaded.
COLUMN_YEAR = re.compile(r"^(?P<year>(?:19|20)\d{2})\s*(?:年度?|-)")
# A column naming the year of each row (深圳 三公: 年度 | 2025年, 2026年, 增减变化金额): only the filing's own year
# is its figure.
YEAR_ROW_HEADER = r"^年度$|^年份$"
# …and the row printing the change between the years (深圳: 增减变化金额).
CHANGE_ROW = r"增减|变化|比上年"

# Where the title's kind overrules what the header looks like: spending tables printed by fund source (深圳
# 基本支出总表 / 项目支出总表: 总计 | 财政拨款 / 一般公共预算拨款 … | 单位资金 / 事业收入 …) have a 收入总表's columns, and a
# project table may print each project's 绩效目标 in a column (广东 部门预算项目支出及其他支出预算表) — the title says
# what the rows are.  title kind → the header kinds it overrules.
TITLE_OVER_HEADER: dict[str, tuple[str, ...]] = {
    "basic_expenditure": ("income",),
    "expenditure": ("income",),  # 西安 部门综合预算支出总表: each unit's spending by fund source
    # 西安 部门综合预算政府性基金收支表: the 收支总表's layout for the 政府性基金 alone — its own kind, so its lines never
    # stand beside the 收支总表's as if they were the whole budget's
    "gov_fund_summary": ("summary", "fiscal_summary"),
    "project_expenditure": ("income", "performance_target"),
    # 西安 一般公共预算支出明细表（按支出经济分类科目）: all of 一般公共预算 by economic class, 人员经费 | 公用经费 |
    # 专项业务经费 beside each other — a 基本支出表's columns, but 专项业务经费 is no 基本支出: the title says what it is
    "general_public_expenditure": ("basic_expenditure",),
}
# 收支总表 expense side printed by use beside its total (上海 单位预算: 本年支出 / 预算数 / 合计 | 基本支出 (人员经费 |
# 公用经费, named on a row under the header) | 项目支出): each column its measure; the total stays 'amount'.
SUMMARY_EXPENSE_MEASURES: list[tuple[str, str]] = [
    (r"人员经费|人员支出", "personnel"),
    (r"公用经费|公用支出", "public_operating"),
    (r"基本支出", "basic"),
    (r"项目支出", "project"),
]

# 收入总表 columns beyond the contract's measures: the funds of 财政拨款 printed as columns of their own (福州/泉州/
# 重庆: 一般公共预算拨款收入 | 政府性基金预算拨款收入 | 国有资本经营预算拨款收入; the first stays fiscal_appropriation) and
# an "of which" column (西南大学: 事业收入 / 其中：教育收费).  Tried before the contract's rules.
INCOME_EXTRA_MEASURES: list[tuple[str, str]] = [
    (r"其中[:：]?教育收费|^教育收费", "business_education_fees"),
    # 西安 收入总表: 使用非财政拨款结余 / 用事业基金弥补收支差额 beside 上年结转; 2019 支出总表 prints 公共预算拨款 for
    # 一般公共预算拨款
    (r"使用非财政拨款结余|用事业基金弥补收支差额", "use_of_non_fiscal_balance"),
    (r"(?:^|/)公共预算拨款(?:/小计)?$", "fiscal_appropriation"),
    (r"^(?!.*财政拨款[^/]*/).*政府性基金", "gov_fund"),
    (r"^(?!.*财政拨款[^/]*/).*国有资本经营", "soe_capital"),
]

# "Of which" columns of the spending tables (西南大学 决算: 项目支出 / 小计 | 其中：基本建设资金支出): a part of the
# column before it, a measure of its own (not a part in the measures sum).
OF_WHICH_MEASURES: list[tuple[str, str]] = [
    (r"其中[:：]?基本建设", "project_capital_construction"),
]

# Table kinds a title names so plainly that the header's hints do not overrule it (a 机关运行经费 table lists
# 公务接待费 and 公务用车运行维护费 rows, which the header test would take for a 三公 table).
TITLE_DECIDES = ("office_operation", "procurement")  # 重庆 政府采购预算明细表 prints income-like columns

# ---------------------------------------------------------------------------------------------------------------
# Tables printed by unit: a leading column with this header lists the department's units (浙江 收入预算总表 and
# 三公 table: 合计, the department as a whole, then each unit; 湖南: 合计, 106_长沙市公安局).  Its rows are read and
# checked against the 合计 row, not stored: the warehouse's grain is the filing (docs/warehouse.md).
UNIT_COLUMN_HEADER = r"^(?:单位|部门|预算单位)(?:名称)?$"

# ---------------------------------------------------------------------------------------------------------------
# Split filings: a file with no budget table is the narrative half of a filing when it speaks of these.
NARRATIVE_MARKERS = ("收支预算", "收入预算", "支出预算", "三公", "机关运行经费", "部门概况", "主要职能", "情况说明",
                     "政府采购", "绩效目标", "名词解释", "国有资产")
NARRATIVE_MIN_MARKERS = 4


# Tables yusuan recognises by their title but does not model (classify_text: kind ``unknown``): what each is, for the
# finding that says its cells are kept and not loaded (rather than "not recognised").  A new one is a row here.
NOT_MODELLED: list[tuple[str, str]] = [
    (r"政府购买服务", "a 政府购买服务 table (services the government buys, by item)"),
    (r"结转资金支出表|财拨结转支出表", "a 财政拨款结转资金支出表 (spending of appropriations carried over, by project)"),
    (r"培训费明细|会议费明细", "a 培训费 / 会议费明细表 (training or meeting expenses, item by item)"),
    (r"财政专户管理资金", "a 财政专户管理资金 table (funds held in the treasury's special account)"),
    (r"专项资金|转移支付", "a 专项资金 / 转移支付 table (earmarked funds or transfers, by item)"),
]


# ---------------------------------------------------------------------------------------------------------------
# PDF tables read by their text (pdf_text_tables: a 三线表, rules across only, a frame only, no rules): the lines that
# are no part of a table's text, though they stand right above or below it.  A title (…表, …表（2025年）), a note, a
# table of contents' leader (…… 3).
TEXT_TABLE_STOP = re.compile(r"表\s*(?:[（(][^）)]*[）)])?$|^(?:注|备注|附注|说明)\s*[:：]|…{2,}|\.{4,}|·{4,}")
# The 编制部门 / 单位 line (or a Hebei metadata row printed without rules): stays a paragraph, which classify reads.
TEXT_TABLE_META = re.compile(r"(?:金额)?单位\s*[:：]|编制(?:部门|单位)|(?:预算|决算)年度\s*[:：]|^公开\d+表")
# A metadata row's 单位 or year field its cell's wrap cut short of its value (单位：万 / 元, 预算年 / 度：2023).
TEXT_TABLE_META_CUT = re.compile(r"(?:(?:金额)?单(?:位\s*[:：]?\s*[万千百]?)?|(?:预算|决算)(?:年(?:度\s*[:：]?\s*\d{0,3})?)?)$")
# A line of labels that opens an item (三、… （一）… 1. … 其中：) is a row of its own, never the rest of the label above.
# A list's ordinal standing alone, a label's first line wrapped in a narrow column (（2） / 公务用车 / 购置费): no figure
# (an amount in parentheses, a negative, prints its decimals or is not this short), and the start of the row below.
TEXT_TABLE_ORDINAL = re.compile(r"^(?:（\d{1,2}）|\(\d\)|[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．])$")
TEXT_TABLE_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+\s*[.、．]|其中)")
# A label ending so is whole: the line under it is a row of its own, never the rest of it (本年收入合计 / 上年结转结余
# in a column just as wide as them).
TEXT_TABLE_LABEL_END = re.compile(r"(?:合计|总计|小计|结余)$")
# A line opening with a Chinese ordinal (一、…) right above a table's first line of figures is its first row, not a
# heading: headings never open so.
TEXT_TABLE_ROW_START = re.compile(r"^[一二三四五六七八九十]+\s*[、.．]")
# A note declaring the table above it empty (注：本部门无政府性基金预算拨款安排的支出，故本表为空表。): a table printed
# without rules and without a figure is read by its text only under such a note, its one row blank or 无.
TEXT_TABLE_EMPTY = re.compile(r"空表|本表无数据|无(?:此项|相关)?(?:收支|数据)")
TEXT_TABLE_NIL_ROW = re.compile(r"^(?:无|—|-|/)$")
