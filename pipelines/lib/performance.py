"""绩效目标 tables of any template → projects (with their attributes) and indicators.

Templates print a project's 绩效目标 in several shapes, all built from the same words:

- 河北 (the seed): a title per project (``1、…绩效目标表``), a row ``绩效目标 | 1.目标内容…``, then the
  indicator grid ``一级指标 | 二级指标 | 三级指标 | 绩效指标描述 | 指标值 | 指标值确定依据``.
- 上海 (``财政项目支出绩效目标填报表``), 福建, 中央, 西安…: a form per project — label/value pairs
  (``项目名称 | … | 项目性质 | … | 主管部门 | … | 实施单位 | … | 项目资金总额 | 4,100,000.00 | 年度资金申请总额 | …``),
  a row of objective labels (``项目总目标 | 年度总体目标``) with the texts in the row below, then the
  indicator grid; several projects can follow one another in one ruled table.
- 北京 (``预算12表 项目支出绩效目标表``): one wide list, the project's name, amounts and objective merged
  down beside its indicators (``项目名称 | 项目总额 | 财政资金 | 其他资金 | 绩效目标 | 一级指标 | … |
  绩效指标性质 | 本年绩效指标值 | 绩效度量单位``).

The words are data (:data:`ATTRIBUTES`, :data:`OBJECTIVES`, :data:`GROUPS`, :data:`COLUMNS`): a label
cell names what the cell(s) to its right hold, a header row names what each column holds, and a cell
merged down (or left blank) carries its 一级/二级指标 on.  Header rows and label rows are never
indicators.  A row that fits none of this is reported, never loaded as an indicator; a table with no
indicator header and no project label is reported whole.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from pipelines.lib.classify import key
from pipelines.lib.model import Cell, Table
from pipelines.lib.numbers import Amount, BadNumber, clean, parse_amount
from pipelines.lib.rule_memo import first_match

# --------------------------------------------------------------------------------------------------
# Layout words (matched against classify.key(): NFKC, no whitespace, no quotes)

# label → attribute of the project.  Amount attributes end in ``_funds``.
ATTRIBUTES: list[tuple[str, re.Pattern[str]]] = [
    ("project_name", re.compile(r"^(?:项目|专项|单位[(（]项目[)）])名称$")),
    ("project_code", re.compile(r"^项目(?:编码|代码|编号)$")),
    ("supervisor", re.compile(r"^(?:预算)?主管部门(?:及代码|名称)?$")),
    ("implementer", re.compile(r"^(?:项目)?实施单位(?:名称)?$")),
    ("nature", re.compile(r"^项目(?:性质|属性)$")),
    ("category", re.compile(r"^项目(?:类别|类型)$")),
    ("start_date", re.compile(r"^计划开始(?:日期|时间)$")),
    ("end_date", re.compile(r"^计划完成(?:日期|时间)$")),
    ("period", re.compile(r"^(?:项目)?(?:实施)?(?:期限|周期)$")),
    ("leader", re.compile(r"^项目负责人$")),
    ("phone", re.compile(r"^联系电话$")),
    ("annual_funds", re.compile(r"^(?:年度资金(?:申请)?总额|年度资金|本年(?:度)?预算(?:数|金额)?|年度预算(?:数|金额)?)$")),
    ("total_funds", re.compile(r"^(?:项目|实施期)?(?:资金)?总额$|^项目总金额$")),
    ("fiscal_funds", re.compile(r"^(?:其中[:：]?)?(?:当年)?财政(?:资金|拨款)(?:资金)?$")),
    ("carryover_funds", re.compile(r"^(?:其中[:：]?)?上年结转(?:资金)?$")),
    ("other_funds", re.compile(r"^(?:其中[:：]?)?其他资金$")),
]
# label → objective text: the annual objective is the contract's ``objective``.
OBJECTIVES: list[tuple[str, re.Pattern[str]]] = [
    ("objective", re.compile(
        r"^(?:年度(?:总体|绩效)?目标|本年度?(?:绩效)?目标|绩效目标|目标内容|年度目标内容|项目实施期目标|实施期目标)$"
    )),
    ("overall_objective", re.compile(r"^(?:项目)?(?:总目标|总体目标|长期目标|中长期目标)$")),
]
# labels that only group other rows (printed vertically, merged down), with the unit they may carry
GROUPS = re.compile(
    r"^(?:项目资金|资金金额|专项资金情况|资金情况|项目资金情况|资金来源|项目绩效目标|绩效目标|年度绩效目标|绩效指标|"
    r"年度绩效指标|绩效目标指标|项目绩效指标|其中)[:：]?$"
)
# label cells that carry nothing to load (a score box, an empty 备注)
IGNORED = re.compile(r"分值|权重|^备注$")
# a 部门整体 绩效目标 table is the department's, not a project's
WHOLE_DEPARTMENT = re.compile(r"整体")
# indicator header word → column role
COLUMNS: list[tuple[str, re.Pattern[str]]] = [
    ("level1", re.compile(r"^一级指标")),
    ("level2", re.compile(r"^二级指标")),
    ("level3", re.compile(r"^(?:三级指标|指标名称|绩效指标名称)")),
    ("description", re.compile(r"(?:指标描述|指标内容|指标值内容|指标解释|指标说明)")),
    ("basis", re.compile(r"(?:确定依据|取值依据|指标值依据)")),
    ("unit", re.compile(r"(?:度量单位|计量单位|^单位$)")),
    ("comparator", re.compile(r"(?:指标性质|指标方向|指标值类型|^符号$)")),
    ("scoring", re.compile(r"评.*分标准|评分")),
    ("target_value", re.compile(r"(?:指标值|目标值)")),
    ("score", re.compile(r"^(?:分值|权重)")),
    ("remark", re.compile(r"^备注")),
    # the 北京 wide list: the project's own columns beside its indicators
    ("project_name", re.compile(r"^(?:项目|专项|单位[(（]项目[)）])名称$")),
    ("unit_code", re.compile(r"^单位(?:编码|代码)$")),
    ("total_funds", re.compile(r"^(?:项目总额|项目资金总额|资金总额)$")),
    ("fiscal_funds", re.compile(r"财政资金$|财政拨款$")),
    ("other_funds", re.compile(r"其他资金$")),
    ("objective", re.compile(r"^(?:年度)?绩效目标$|^年度目标$")),
    # the 浙江 项目支出绩效表: 单位名称 | 项目名称 | 金额 | (项目总体)绩效目标, one project a row
    ("implementer", re.compile(r"^单位名称$")),
    ("annual_funds", re.compile(r"^金额$")),
    ("objective", re.compile(r"^项目总体绩效目标$")),
]
INDICATOR_HEADER = re.compile(r"^(?:一级指标|二级指标|三级指标)$")
# a 成本指标 whose value is an amount gives the project's cost
COST_LEVEL = re.compile(r"成本")
COST_VALUE = re.compile(r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>万元|元)")
_UNIT_IN_LABEL = re.compile(r"[(（]\s*(万元|元)\s*[)）]")
_YEAR_ROW = re.compile(r"^[(（]?(?:19|20)\d{2}年度?[)）]?$")
_COMPARATOR = re.compile(r"^[≥≤=＝><≠]+$|^(?:大于|小于|等于|不低于|不高于)(?:等于)?$")
_PROJECT_TITLE = re.compile(r"^\s*(\d+)\s*[、.．]\s*(.+?)(?:项目)?(?:支出)?(?:绩效目标(?:申报|填报)?表)?\s*$")
_GENERIC_TITLE = re.compile(
    r"^(?:预算\d+表|附表\d+|表[一二三四五六七八九十\d]+)?(?:\d{4}年度?)?(?:财政)?(?:部门)?(?:项目)?(?:支出)?"
    r"(?:预算)?绩效目标(?:申报|填报)?表?(?:[(（]\d{4}年度?[)）])?$"
)
_CODE_NAME = re.compile(r"^([0-9A-Za-z]{8,})\s*[-—－_]\s*(.+)$")


@dataclass
class Project:
    """One project of a 绩效目标 table, with what its header rows say about it."""

    seq: int | None
    name: str
    table: int
    row: int
    attributes: dict[str, str] = field(default_factory=dict)  # attribute → value as printed
    printed: list[tuple[str, str]] = field(default_factory=list)  # every (label, value) pair, in order
    units: dict[str, str] = field(default_factory=dict)  # amount attribute → 元 | 万元
    labels: dict[str, str] = field(default_factory=dict)  # attribute → its label as printed
    objective: str = ""
    overall_objective: str = ""
    indicators: list[Indicator] = field(default_factory=list)

    def _amount(self, attribute: str) -> tuple[Amount, str] | None:
        """An amount attribute as printed, with its unit; None where not printed or not a number."""
        text = self.attributes.get(attribute)
        unit = self.units.get(attribute)
        if not text or unit is None:
            return None
        try:
            a = parse_amount(text)
        except BadNumber:
            return None
        return (a, unit) if a is not None else None

    def amount_wan(self, attribute: str) -> Decimal | None:
        """An amount attribute in 万元 (exact), None where not printed or not a number."""
        found = self._amount(attribute)
        return found[0].wan(found[1]) if found else None

    def amount_yuan(self, attribute: str) -> Decimal | None:
        """An amount attribute in 元 (exact), None where not printed or not a number."""
        found = self._amount(attribute)
        return found[0].yuan(found[1]) if found else None

    def cost(self) -> tuple[Decimal | None, str | None, str | None]:
        """(cost in 万元, the text it was read from, where it came from).

        The 成本指标's amount where one is printed (the contract's rule); otherwise the annual funds the
        form prints (年度资金申请总额 / 本年预算), then the project's total (项目资金总额).
        """
        for ind in self.indicators:
            if COST_LEVEL.search(ind.level1 + ind.level2) and "涉密" not in ind.target_value:
                m = COST_VALUE.search(clean(ind.target_value))
                if m:
                    value = Decimal(m.group("num").replace(",", ""))
                    return (value if m.group("unit") == "万元" else value / 10000), ind.target_value, "cost_indicator"
        for attribute in ("annual_funds", "total_funds"):
            wan = self.amount_wan(attribute)
            if wan is not None:
                return wan, self.attributes[attribute], attribute
        for ind in self.indicators:  # a 成本指标 printed without an amount, or 涉密
            if COST_LEVEL.search(ind.level1 + ind.level2):
                return None, ind.target_value, None
        return None, None, None


@dataclass
class Indicator:
    level1: str
    level2: str
    level3: str
    description: str
    target_value: str
    basis: str
    classified: bool
    table: int
    row: int


@dataclass
class Parsed:
    projects: list[Project] = field(default_factory=list)
    problems: list[tuple[str, str, str, str]] = field(default_factory=list)  # (check, location, actual, message)
    list_total: tuple[int, str] | None = None  # (row, text) of a project list's unlabelled 合计


def _match(rules: list[tuple[str, re.Pattern[str]]], k: str) -> str | None:
    # every row's labels are matched against the same few rule lists: remembered per list
    return first_match(rules, k, _first)


def _first(rules: list[tuple[str, re.Pattern[str]]], k: str) -> str | None:
    return next((name for name, pattern in rules if pattern.search(k)), None)


@lru_cache(maxsize=1 << 14)  # a form's labels repeat on every project (项目名称, 资金总额, 一级指标 …)
def _label_key(text: str) -> tuple[str, str | None]:
    """The label's key without its unit and colon, and the unit it names: '项目资金（元）' → ('项目资金', '元')."""
    k = key(text).rstrip(":：")
    m = _UNIT_IN_LABEL.search(k)
    unit = m.group(1) if m else None
    if m:
        k = (k[: m.start()] + k[m.end() :]).strip()
    return k, unit


def _roles_from_paths(header: list[str]) -> dict[int, str]:
    """Column roles from the header paths classify found (the header row of the table's first part)."""
    roles: dict[int, str] = {}
    for col, path in enumerate(header):
        for part in reversed(path.split(" / ")):
            role = _match(COLUMNS, _label_key(part)[0])
            if role:
                roles[col] = role
                break
    return roles


def project_title(title: str) -> tuple[int | None, str | None]:
    """(number, project name) from a per-project title; (None, None) for a generic title."""
    k = key(title)
    if not k or _GENERIC_TITLE.match(k):
        return None, None
    m = _PROJECT_TITLE.match(title.strip())
    if m:
        return int(m.group(1)), m.group(2).strip()
    name = re.sub(r"(?:项目)?(?:支出)?绩效目标(?:申报|填报)?表$", "", title.strip()).strip()
    return None, name or None


def parse(table: Table, unit: str | None) -> Parsed:
    """Every project and indicator of one logical 绩效目标 table; what it cannot read, as problems."""
    state = _State(table, unit)
    rows = [(row, [c for c in row if c.text.strip()]) for row in table.body]
    rows = [(row, cells) for row, cells in rows if cells]
    for i, (row, cells) in enumerate(rows):
        state.row(cells, opens=state.opens_at_foot(row, rows[i + 1][1] if i + 1 < len(rows) else None))
    return state.finish()


_LANCI_KEY = re.compile(r"\*+|\d{1,2}")  # a 栏次 row's keys (** ** 1 2 3): asked of every row


class _State:
    """Reads a 绩效目标 table row by row (see the module docstring)."""

    def __init__(self, table: Table, unit: str | None) -> None:
        self.table = table
        self.out = Parsed()
        self.seq, self.title_name = project_title(table.title or "")
        self.whole = bool(WHOLE_DEPARTMENT.search(key(table.title or "")))
        self.roles = _roles_from_paths(table.header) if any(map(_is_header_path, table.header)) else {}
        self.current: Project | None = None
        self.unit = unit
        self.pending: list[tuple[Cell, str]] = []  # objective labels whose texts are in the next row
        self.carry: dict[str, str] = {}
        self.funds_head: dict[int, str] = {}  # column → the funds head printed in it (项目资金总额 | 年度资金…)
        self.unread: list[tuple[int, str]] = []
        self.after_header = False  # the previous row was a header row (a second header row may follow)
        self.list_total: tuple[int, str] | None = None  # (row, text) of a list's 合计 printed before its projects
        self.part: int | None = None  # the physical table (page's part) of the last row read
        self.opened = False  # the current project's cells began at the previous page's foot, empty there

    # ---------------------------------------------------------------- projects

    def start(self, row: int, name: str = "") -> Project:
        self.current = Project(self.seq if not self.out.projects else None, name, self.table.index, row)
        self.out.projects.append(self.current)
        self.carry = {}
        self.funds_head = {}
        return self.current

    def project(self, row: int) -> Project:
        return self.current if self.current is not None else self.start(row, self.title_name or "")

    def name(self, p: Project, printed: str) -> None:
        code_name = _CODE_NAME.match(printed)
        if code_name:
            p.attributes.setdefault("project_code", code_name.group(1))
            printed = code_name.group(2).strip()
        p.name = printed
        p.attributes.setdefault("project_name", printed)

    # ---------------------------------------------------------------- rows

    def opens_at_foot(self, row: list[Cell], following: list[Cell] | None) -> bool:
        """Whether this row, the last of its page's part, opens a new project whose merged cells print nothing
        on this page: its name cell is a cell of its own, empty, and the next page's part begins with a name.

        北京 预算12表 draws a merged cell's text once, centred over the whole cell; a cell cut by the page break
        shows it on the page holding the most of it (p.26's foot: 法治政府建设宣传覆盖单位范围 ≥ 800 家 beside
        empty 项目名称 / 金额 cells, whose 11000022T000000444951-政府法治研究和法规规章汇编译审 95.949000 stands on
        p.27).  Read as blank cells carrying the project above on, the row was that project's."""
        if following is None or following[0].table == row[0].table or not self.roles:
            return False
        named = {c.col for c in row if self.roles.get(c.col) == "project_name"}
        return bool(named) and not any(c.text.strip() for c in row if c.col in named) and any(
            self.roles.get(c.col) == "project_name" for c in following)

    def row(self, cells: list[Cell], opens: bool = False) -> None:
        r = cells[0].row
        new_part, self.part = cells[0].table != self.part and self.part is not None, cells[0].table
        keys = [_label_key(c.text) for c in cells]
        for k, u in keys:
            if u and GROUPS.match(k):
                self.unit = u  # 项目资金（元）, 专项资金情况（万元）
        # 1. a header row (一级指标 | 二级指标 | …, or the 北京/长沙 list's 项目名称 | 资金总额 | …)
        header = _header_roles(cells, keys, self.table.n_cols, under_header=self.after_header)
        self.after_header = header is not None
        if header is not None:
            self.roles = {**self.roles, **header}
            self.pending = []
            self.carry = {}
            return
        # 2. objective texts under a row of objective labels
        if self.pending:
            pending, self.pending = self.pending, []
            taken = False
            for label_cell, what in pending:
                lo, hi = label_cell.col, label_cell.col + max(label_cell.col_span, 1)
                texts = [c.text.strip() for c in cells if lo <= c.col < hi]
                if texts:
                    setattr(self.project(r), what, "".join(texts))
                    taken = True
            if taken:
                return
        # 3. a year line (（2023年度）), a title repeated inside the table, a 合计 row, an empty 备注
        if len(cells) == 1 and (_YEAR_ROW.match(keys[0][0]) or _GENERIC_TITLE.match(keys[0][0])):
            return
        if keys[0][0] in ("合计", "总计") or (len(cells) == 1 and IGNORED.search(keys[0][0])):
            return
        if all(_LANCI_KEY.fullmatch(k) for k, _ in keys):
            return  # the 栏次 row (** ** 1 2 3), repeated on every page
        # 4. label | value rows (项目名称 | … | 项目性质 | …) and rows of objective labels
        labelled = _label_row(cells, keys)
        if labelled is not None:
            self.labels(r, *labelled)
            return
        # 5. an indicator row
        if self.roles:
            if opens:
                self.start(r)
                self.opened = True
            self.indicator(r, cells, keys, new_part)
            return
        self.unread.append((r, " | ".join(c.text.strip() for c in cells)))

    def labels(self, r: int, pairs: list[tuple[Cell, str, str]], objective_labels: list[Cell | str]) -> None:
        for label_cell, attribute, value in pairs:
            if attribute == "project_name":
                p = self.current
                if p is None or p.attributes.get("project_name") or p.indicators:
                    p = self.start(r)
                self.name(p, value)
                p.printed.append((label_cell.text.strip(), value))
                continue
            p = self.project(r)
            if attribute.endswith("_funds"):
                span = range(label_cell.col, label_cell.col + max(label_cell.col_span, 1))
                if attribute in ("annual_funds", "total_funds"):
                    for col in span:
                        self.funds_head[col] = attribute
                elif self.funds_head.get(label_cell.col) == "annual_funds" and "total_funds" in self.funds_head.values():
                    attribute = "annual_" + attribute  # the annual column of a form that prints both
                u = _label_key(label_cell.text)[1] or self.unit
                if u:
                    p.units.setdefault(attribute, u)
            if attribute in ("objective", "overall_objective"):
                setattr(p, attribute, value)
            else:
                p.attributes.setdefault(attribute, value)
                p.labels.setdefault(attribute, label_cell.text.strip())
            p.printed.append((label_cell.text.strip(), value))
        for label_cell, what in objective_labels:
            self.pending.append((label_cell, what))

    def indicator(self, r: int, cells: list[Cell], keys: list[tuple[str, str | None]], new_part: bool = False) -> None:
        got: dict[str, str] = {}
        for c, (k, _) in zip(cells, keys, strict=True):
            role = self.roles.get(c.col)
            # (a cell of one column has one role at most: the set is made only for a cell across several)
            if c.col_span > 1 and len({self.roles.get(col) for col in range(c.col, c.col + c.col_span)} - {None}) > 1 \
                    and not (GROUPS.match(k) or IGNORED.search(k)):
                role = None  # a cell across several columns (审核意见：…) is no indicator's
            if role is None:
                if GROUPS.match(k) or IGNORED.search(k):
                    continue
                self.unread.append((r, " | ".join(c.text.strip() for c in cells)))
                return
            got.setdefault(role, c.text.strip())
        if got.get("project_name") and key(got["project_name"]) in ("合计", "总计"):
            return
        if got and set(got) <= {"annual_funds", "total_funds"} and self.current is None:
            self.list_total = (r, got.get("annual_funds") or got["total_funds"])  # a list's unlabelled 合计 row
            return
        if got.get("project_name"):
            name = got["project_name"]
            code_name = _CODE_NAME.match(name)
            bare = code_name.group(2).strip() if code_name else name
            other_unit = got.get("implementer") and self.current is not None and \
                got["implementer"] != self.current.attributes.get("implementer")
            funds = [a for a in ("total_funds", "annual_funds", "fiscal_funds", "other_funds") if got.get(a)]
            opened, self.opened = self.opened and new_part, False
            if (new_part and not opened and self.current is not None and not code_name and not funds
                    and self.current.attributes.get("project_code") and _funds_printed(self.current)):
                # the rest of the project's merged cells, cut by the page break (北京 预算12表 p.45 → p.46:
                # 11000025T000003567866-北京市公共 | 327.340000 … on p.45, 法律网络平台升级改造项目 with no code
                # and no amount heading p.46's part): its name and objective go on
                self.current.name += bare
                self.current.attributes["project_name"] = self.current.name
                if got.get("objective"):
                    self.current.objective += got["objective"]
                got.pop("objective", None)
            elif self.current is None or self.current.name != bare or other_unit or opened:
                if not opened:
                    self.start(r)
                self.name(self.current, name)
                for attribute in ("total_funds", "annual_funds", "fiscal_funds", "other_funds", "implementer"):
                    if got.get(attribute):
                        self.current.attributes[attribute] = got[attribute]
                        self.current.printed.append((attribute, got[attribute]))
                        if self.unit and attribute.endswith("_funds"):
                            self.current.units[attribute] = self.unit
                if got.get("objective"):
                    self.current.objective = got["objective"]
        elif got.get("objective") and self.current is not None and not self.current.objective:
            self.current.objective = got["objective"]
        if got.get("level1"):
            self.carry = {"level1": got["level1"]}
        if got.get("level2"):
            self.carry["level2"] = got["level2"]
        if not any(got.get(x) for x in ("level3", "description", "target_value", "basis")):
            if not any(got.get(x) for x in ("level1", "level2", "project_name")):
                self.unread.append((r, " | ".join(c.text.strip() for c in cells)))
            return  # an empty slot (二级指标 with nothing under it) or a list row's project cells
        p = self.project(r)
        target = got.get("target_value", "")
        comparator = got.get("comparator", "")
        if comparator and _COMPARATOR.match(key(comparator)) and not target.startswith(comparator):
            target = comparator + target
        if got.get("unit") and target and not target.endswith(got["unit"]):
            target += got["unit"]
        values = [got.get(x, "") for x in ("level3", "description", "target_value", "basis")]
        p.indicators.append(Indicator(
            self.carry.get("level1", ""), self.carry.get("level2", ""), got.get("level3", ""),
            got.get("description", ""), target, got.get("basis", ""), any(key(v) == "涉密" for v in values),
            cells[0].table, r,
        ))

    # ---------------------------------------------------------------- the end

    def finish(self) -> Parsed:
        out, table = self.out, self.table
        label = table.title or f"table {table.index + 1}"
        rows = sum(1 for r in table.body if any(c.text.strip() for c in r))
        if self.whole or not any(p.indicators or p.attributes or p.objective for p in out.projects):
            what = (
                "a 部门整体 绩效目标 table (the department's, not a project's): the warehouse keeps projects only"
                if self.whole
                else "a 绩效目标 table whose layout yusuan does not know (no 一级指标/二级指标 header and no 项目名称 "
                "row)"
            )
            out.projects = []
            out.problems.append((
                "performance_table_layout", f"table {table.index}", table.title or "",
                f"{label}: {what}; its {rows} rows were not loaded"
                + ("" if self.whole else " — its header words belong in pipelines/lib/performance.py"),
            ))
            return out
        for row, text in self.unread:
            out.problems.append((
                "performance_row_unread", f"table {table.index} row {row}", text[:200],
                f"{label}: row {row} ({text[:80]}) is neither an indicator nor a project attribute yusuan "
                "knows; it was not loaded",
            ))
        kept = []
        for p in out.projects:
            if not p.name:
                p.name = self.title_name or ""
            if not p.indicators and not p.objective and p.attributes.keys() <= {"project_name", "project_code",
                                                                                "total_funds"}:
                out.problems.append((
                    "performance_row_unread", f"table {p.table} row {p.row}", p.name,
                    f"{label}: row {p.row} names {p.name!r} with an amount but no objective and no indicator "
                    "(a unit's subtotal?); not loaded as a project",
                ))
                continue
            if not p.name:
                out.problems.append((
                    "performance_project_name", f"table {p.table} row {p.row}", "",
                    f"{label}: a project whose name is printed nowhere (no 项目名称 and no title naming it); "
                    "loaded without a name",
                ))
            kept.append(p)
            out.problems.extend(_funds_sum(p, label))
        out.projects = kept
        out.list_total = self.list_total
        return out


def _funds_printed(p: Project) -> bool:
    return any(a.endswith("_funds") for a in p.attributes)


def list_total_problem(label: str, table: int, total: tuple[int, str], projects: list[Project]):
    """The 合计 a project list prints above its rows (浙江 项目支出绩效表) against the Σ of its projects (the list
    may run on into the next ruled table: ``projects`` are all of the list's); None when they agree."""
    row, text = total
    try:
        printed = parse_amount(text)
        parts = [parse_amount(p.attributes.get("annual_funds") or p.attributes.get("total_funds") or "")
                 for p in projects]
    except BadNumber:
        parts = [None]
    added = sum((a.value for a in parts if a is not None), Decimal(0))
    if printed is not None and None not in parts and added == printed.value:
        return None
    return ("project_funds_sum", f"table {table} row {row}", f"{added:,.2f}",
            f"{label}: row {row} prints {text} (the projects' 合计, unlabelled) but the {len(projects)} projects "
            f"add up to {added:,.2f}; the projects were loaded as printed")


def _funds_sum(p: Project, label: str) -> list[tuple[str, str, str, str]]:
    """其中 lines that do not add up to the amount they split (年度资金申请总额 = 财政拨款 + 上年结转 + 其他资金)."""
    out = []
    head = "total_funds" if "total_funds" in p.attributes else "annual_funds"
    groups = [(head, ["fiscal_funds", "carryover_funds", "other_funds"])]
    if head == "total_funds":
        groups.append(("annual_funds", ["annual_fiscal_funds", "annual_carryover_funds", "annual_other_funds"]))
    for total, parts in groups:
        printed = [x for x in parts if x in p.attributes]
        if total not in p.attributes or not printed or total not in p.units:
            continue
        try:
            whole = parse_amount(p.attributes[total])
            amounts = [parse_amount(p.attributes[x]) for x in printed]
        except BadNumber:
            continue
        if whole is None or any(a is None for a in amounts):
            continue
        added = sum((a.value for a in amounts), Decimal(0))
        if added != whole.value:
            sum_text = " + ".join(f"{p.labels.get(x, x)} {p.attributes[x]}" for x in printed)
            out.append((
                "project_funds_sum", f"table {p.table} row {p.row}", f"{added:,.2f}",
                f"{label}: project {p.name!r} prints {p.labels.get(total, total)} {p.attributes[total]} "
                f"{p.units[total]}, but its parts ({sum_text}) add up to {added:,.2f}; both were loaded as printed "
                "— ask the publisher which is right",
            ))
    return out


def _header_roles(
    cells: list[Cell], keys: list[tuple[str, str | None]], n_cols: int, *, under_header: bool = False
) -> dict[int, str] | None:
    """Column roles when the row is a header row, else None.

    A header row names at least two of 一级/二级/三级指标, or consists only of column words (the 北京 list's
    ``财政资金 | 其他资金`` under ``其中：``, the 长沙 list's ``单位编码 | 单位（项目）名称 | 资金总额 | …``).
    """
    ks = [k for k, _ in keys]
    levels = 0  # (asked of every row: counted by a loop that stops at two)
    for k in ks:
        if INDICATOR_HEADER.match(k):
            levels += 1
            if levels == 2:
                break
    if levels < 2:
        if len(cells) < (1 if under_header else 2):
            return None
        words: list[str | None] = []
        for k in ks:  # every cell a column word or a group's heading, else no header: known at the first that is not
            w = _match(COLUMNS, k)
            if w is None and not GROUPS.match(k):
                return None
            words.append(w)
        if not under_header and (sum(w is not None for w in words) < 2 or all(w in _FORM_ROLES for w in words if w)):
            return None  # 资金总额 | 财政拨款 as form labels are no header
    roles: dict[int, str] = {}
    for c, k in zip(cells, ks, strict=True):
        role = _match(COLUMNS, k)
        if role is None:
            continue
        for col in range(c.col, min(n_cols, c.col + max(c.col_span, 1))):
            roles[col] = role
    return roles


_FORM_ROLES = {"total_funds", "fiscal_funds", "other_funds", "objective", "project_name"}


def _is_header_path(path: str) -> bool:
    return any(INDICATOR_HEADER.match(_label_key(p)[0]) for p in path.split(" / "))

def _label_kind(k: str) -> str | None:
    """The attribute a label's key names, "group" for a group's heading or a cell to skip, else None (no label)."""
    attribute = _match(ATTRIBUTES, k) or _match(OBJECTIVES, k)
    if attribute is None and (GROUPS.match(k) or IGNORED.search(k)):
        attribute = "group"
    return attribute


def _label_row(cells: list[Cell], keys: list[tuple[str, str | None]]):
    """Read a row of labels and values, or None when its first filled cell is no label.

    Returns (pairs, objective labels with no text beside them): each pair is (label cell, attribute, value
    as printed) — the value is the filled cell right of the label; an objective label followed by another
    label has its text in the row below.  Cells such as 执行率分值（10） are skipped.
    """
    first = _label_kind(keys[0][0])
    if first is None:  # no label first: the other cells' kinds are not needed (an indicator row's)
        return None
    kinds = [first, *(_label_kind(k) for k, _ in keys[1:])]
    if not any(a not in (None, "group") for a in kinds):
        return None
    pairs: list[tuple[Cell, str, str]] = []
    objective_labels: list[tuple[Cell, str]] = []
    i = 0
    while i < len(cells):
        what = kinds[i]
        if what is None:
            return None  # a value with no label before it: not a form row
        j = i + 1
        if what != "group":
            if j < len(cells) and kinds[j] is None:
                pairs.append((cells[i], what, cells[j].text.strip()))
                j += 1
            elif what in ("objective", "overall_objective"):
                objective_labels.append((cells[i], what))
        i = j
    return pairs, objective_labels


def attributes_json(p: Project) -> str | None:
    """Every label/value pair the project's form prints, in order, as JSON (Chinese kept readable)."""
    if not p.printed:
        return None
    return json.dumps([[label, value] for label, value in p.printed], ensure_ascii=False)
