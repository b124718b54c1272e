"""Turn a RawDocument (from any reader) into a Filing: metadata, kinds, headers, bodies.

Works only from the RawDocument model, never from format-specific objects, so the .docx and the
.pdf readers share it.  A table is recognised by its title (a paragraph in ``RawTable.before`` or
a merged first row) AND by its header signature: a missing or odd title still classifies from the
header, and where title and header disagree the header wins and ``Filing.problems`` says so.

Header paths join the header rows top-down with ' / ' per grid column (``本年收入 / 财政拨款收入``);
a vertically merged header cell contributes once.  Body rows are the rows after the metadata,
header and 栏次 rows.  A table continued as a second physical table (header rows repeated) is
joined into one logical Table; a performance objective table and its indicator table are joined too.
A PDF table part on the next page with nothing above it and no header repeated carries on the one
before (see ``_runs_on``); where the page break cut the header itself, the parts are parsed as one.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from pipelines.lib import doctype, layouts
from pipelines.lib.model import Cell, Filing, RawDocument, RawTable, Table

BUDGET_KINDS = (
    "summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "general_public_expenditure",
    "basic_expenditure",
    "gov_fund_expenditure",
    "soe_capital_expenditure",
    "three_public",
)
KINDS = (
    *BUDGET_KINDS,
    "performance_target",
    "procurement",
    "assets",
    "org_structure",
    "project_expenditure",
    "office_operation",
    "unknown",
)

# Traditional characters seen in titles, headers and labels (台安, plpkl, 沅陵 filings).
_T2S_PAIRS = (
    "財财撥拨決决總总預预經经費费門门國国資资營营務务車车購购運运維维護护單单萬万項项計计額额類类編编碼码稱称餘余結结轉转關关"
    "機机構构設设採采產产標标績绩數数況况體体統统會会議议訓训級级屬属繳缴補补業业報报專专戶户險险衛卫區区與与傳传農农輸输圍围"
    "員员當当臨临時时債债還还據据說说明明註注無无開开齊齐細细廳厅實实際际執执並并於于歲岁舊旧點点導导參参對对發发處处應应從从"
    "來来個个們们內内為为後后寫写調调職职黨党義义縣县鄉乡鎮镇場场醫医療疗頁页條条雙双號号廣广東东陝陕貴贵遼辽寧宁蘇苏價价值值"
    "數数量量幣币億亿合合計计撥拨款款"
)
_T2S = str.maketrans(
    # pairs: traditional, simplified
    dict(zip(_T2S_PAIRS[0::2], _T2S_PAIRS[1::2], strict=True))
)
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
_WS = re.compile(r"\s+")
_QUOTES = re.compile("[\"'“”‘’「」『』《》〈〉〝〞＂＇]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    """Collapse whitespace inside words, keep the printed characters: '项  目' → '项目'.

    Whitespace (including NBSP, full-width spaces, line breaks) is dropped next to CJK text and
    kept as one space between two ASCII words; zero-width characters are dropped.
    """
    text = _ZERO_WIDTH.sub("", text)
    pieces = _WS.split(text.strip())
    if len(pieces) == 1:
        return pieces[0]
    out = [pieces[0]]
    for piece in pieces[1:]:
        if not piece:
            continue
        if out[-1] and _ASCII_WORD.match(out[-1][-1]) and _ASCII_WORD.match(piece[0]):
            out.append(" ")
        out.append(piece)
    return "".join(out)


@lru_cache(maxsize=1 << 16)  # cell texts repeat a lot ('', 合计, 0.00, 涉密…)
def key(text: str) -> str:
    """Matching key: NFKC (full-width → ASCII), traditional → simplified, no whitespace, no quotes."""
    text = unicodedata.normalize("NFKC", _ZERO_WIDTH.sub("", text)).translate(_T2S)
    return _QUOTES.sub("", _WS.sub("", text))


# ---------------------------------------------------------------------------------------------
# Titles

_TITLE_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("three_public", re.compile(r"三公")),
    ("office_operation", re.compile(r"机关运行经费")),  # 江苏: 一般公共预算机关运行经费支出预算表, by economic code
    ("performance_target", re.compile(r"绩效(?:目标|指标|自评)")),
    ("performance_target", re.compile(r"项目支出绩效表")),  # 浙江: 单位名称 | 项目名称 | 金额 | 绩效目标
    ("procurement", re.compile(r"政府采购")),
    ("unknown", re.compile(r"政府购买服务|财政专户管理资金|专项资金|转移支付")),
    ("assets", re.compile(r"国有资产|固定资产|资产(?:占用|使用|配置|情况)")),
    ("org_structure", re.compile(r"机构设置|机构情况")),
    ("gov_fund_expenditure", re.compile(r"政府性?基金")),
    ("soe_capital_expenditure", re.compile(r"国有资本经营")),
    ("basic_expenditure", re.compile(r"基本支出")),
    ("project_expenditure", re.compile(r"项目(?:支出|预算)(?!绩效)")),
    ("project_expenditure", re.compile(r"专项业务经费支出表")),  # 西安: its projects by unit, no subject codes
    ("unknown", re.compile(r"结转资金支出表|财拨结转支出表")),  # 西安: carried-over spending by project, not modelled
    ("general_public_expenditure", re.compile(r"一般公共预算.*支出|一般公共预算.*拨款.*表")),
    ("fiscal_summary", re.compile(r"财政拨款收支|财政拨款收入支出")),
    ("summary", re.compile(r"收支|收入支出")),
    ("income", re.compile(r"收入")),
    ("expenditure", re.compile(r"支出")),
]
_TITLE_HINT = re.compile(r"表$|表\(|情况$|预算$|决算$|明细$|汇总$|目标$")


def kind_from_title(title: str) -> str | None:
    """The table kind a title names, or None when it names none we know.

    Order matters: 三公 before 一般公共预算…支出, 基本支出 before 一般公共预算, 政府性基金 and
    国有资本经营 before the generic 支出, 财政拨款收支 before 收支.  'unknown' means the title
    names a table we recognise but do not model (政府购买服务支出表, …).
    """
    k = key(title)
    if not k:
        return None
    for kind, pattern in _TITLE_RULES:
        if pattern.search(k):
            return kind
    return None


# ---------------------------------------------------------------------------------------------
# Metadata

_LABEL_DEPT = (
    r"(?:部门[（(]单位[)）]|部门名称|預算主管部门|预算主管部门|主管部门|编制部门|編制部門|编制单位|編制單位|单位名称|單位名稱|"
    r"预算单位|填报单位|部门|部門)"
)
_LABEL_UNIT = r"(?:金额|金額)?[单單]\s*位"
_LABEL_YEAR = r"(?:预算|預算|决算|決算)?年\s*度"
# Consuming (not a lookahead) so that the leftmost, longest label wins: 预算年度 not 年度, 编制部门 not 部门.
_SPLIT_BEFORE = re.compile(
    rf"((?:{_LABEL_DEPT}|{_LABEL_UNIT}|{_LABEL_YEAR}|截[止至](?:时间|日期)?|报送日期|填报日期)\s*[:：])"
)
_TOKEN_SEP = re.compile(r"\x00|\s{2,}|[\t\n\r]|\u3000")
_UNIT_RE = re.compile(rf"{_LABEL_UNIT}\s*[:：]\s*(万元|萬元|万|萬|千元|亿元|億元|元)")
_YEAR_RE = re.compile(rf"{_LABEL_YEAR}\s*[:：]\s*([0-9０-９]{{4}})")
_DEPT_RE = re.compile(rf"^{_LABEL_DEPT}\s*[:：]\s*(.+)$")
_UNIT_AS_DEPT_RE = re.compile(r"^[单單]\s*位\s*[:：]\s*(.+)$")
_CODE_NAME_RE = re.compile(r"^[\[【(（]?([0-9]{3,12})[\]】)）]?[\s\-_、.]*([^\d\s:：].*?)$")
_OTHER_META = re.compile(
    r"^(?:(?:截[止至](?:时间|日期)?|报送日期|填报日期)\s*[:：]|(?:公开\d+表|附?表[0-9一二三四五六七八九十]+(?:-\d+)?)$)"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_ORG_END = re.compile(
    r"(?:办公室|局|委员会|院|中心|所|站|队|处|部|会|校|馆|社|厅|署|委|办|镇|乡|街道|政府|公司|协会|学校|大学|医院|幼儿园|单位)$"
)
_PARA_DEPT_YEAR = re.compile(r"^(?:第.部分\s*)?(.{2,40}?)((?:19|20)\d{2})\s*年度?(?:部门|单位)?(?:预算|决算)")


@dataclass
class Meta:
    """Metadata read from table rows and paragraphs."""

    code: str | None = None
    name: str | None = None
    year: int | None = None
    unit: str | None = None
    other: list[str] = field(default_factory=list)


def _norm_unit(u: str) -> str:
    u = u.translate(_T2S)
    return {"万": "万元", "萬元": "万元", "億元": "亿元"}.get(u, u)


def _tokens(text: str) -> list[str]:
    marked = _SPLIT_BEFORE.sub("\x00\\1", text)
    return [t.strip() for t in _TOKEN_SEP.split(marked) if t and t.strip()]


def _code_name(token: str) -> tuple[str, str] | None:
    m = _CODE_NAME_RE.match(token)
    if not m:
        return None
    name = m.group(2).strip()
    if len(_CJK.findall(name)) < 2 or ":" in name or "：" in name:
        return None
    # "2026年部门财务收支预算总表" is a year and a title, not a department code and name.
    if name.startswith(("年", "年度")) or name.endswith(("表", "情况", "说明")):
        return None
    return m.group(1), name


def parse_meta(text: str, meta: Meta | None = None, *, allow_code_name: bool = True) -> bool:
    """Read metadata fields from one cell or line into ``meta``; True when ALL of it is metadata.

    Understands ``201中国共产党魏县委员会办公室`` (code glued to name), ``部门名称：…``/``部门：…``/
    ``编制单位：…``/``单位名称：…``/``编制部门：…``/``预算主管部门：…``, ``预算年度：2023``, and units
    ``单位：万元``/``金额单位：元``/``单位 : 万元``/``單位:萬``; several fields may share one line.
    """
    meta = meta if meta is not None else Meta()
    tokens = _tokens(text)
    if not tokens:
        return False
    all_meta = True
    for tok in tokens:
        nk = unicodedata.normalize("NFKC", tok)
        if m := _UNIT_RE.search(tok):
            meta.unit = meta.unit or _norm_unit(m.group(1))
            rest = (tok[: m.start()] + tok[m.end() :]).strip(" ()（）")
            if rest and not parse_meta(rest, meta, allow_code_name=allow_code_name):
                all_meta = False
        elif m := _YEAR_RE.search(tok):
            meta.year = meta.year or int(unicodedata.normalize("NFKC", m.group(1)))
        elif m := _DEPT_RE.match(nk) or _UNIT_AS_DEPT_RE.match(nk):
            value = m.group(1).strip()
            start = len(tok) - len(tok.lstrip())
            raw_value = tok[start:].split("：", 1)[-1].split(":", 1)[-1].strip() or value
            cn = _code_name(raw_value)
            if cn:
                meta.code = meta.code or cn[0]
                meta.name = meta.name or cn[1]
            elif raw_value:
                meta.name = meta.name or raw_value
        elif _OTHER_META.match(nk):
            meta.other.append(tok)
        elif allow_code_name and (cn := _code_name(tok)):
            meta.code = meta.code or cn[0]
            meta.name = meta.name or cn[1]
        else:
            all_meta = False
    return all_meta


def _strip_unit(text: str) -> str:
    """The text without its unit label: '部门收支总表（单位：万元）' → '部门收支总表'."""
    out = _UNIT_RE.sub("", text)
    if out != text:
        out = re.sub(r"[(（]\s*[)）]", "", out)
    return out.strip()


def _find_unit(text: str) -> str | None:
    m = _UNIT_RE.search(text)
    return _norm_unit(m.group(1)) if m else None


# ---------------------------------------------------------------------------------------------
# Rows

_NUMBER = re.compile(r"^[-−+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
_SUBJECT_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_HEADER_WORDS = {
    "项目", "预算数", "金额", "合计", "小计", "科目编码", "科目名称", "类", "款", "项", "编码", "名称", "行次",
    "序号", "决算数", "执行数", "本年预算数", "预算", "决算", "单位名称", "项目名称", "数量", "单价", "价值",
}
_NOTE_ROW = re.compile(r"^(?:注|备注|说明)\s*[:：\d(（]")
_EMPTY_NOTE = re.compile(r"空表|为空|无数据|无相关数据|本表无|无此项|没有.{0,30}(?:预算|支出|收入|经费|资金)|不涉及")


def _row_keys(row: list[Cell]) -> list[str]:
    return [key(c.text) for c in row]


def _is_number(k: str) -> bool:
    return bool(_NUMBER.match(k))


def _is_data_row(keys: list[str]) -> bool:
    return any(_is_number(k) for k in keys if k)


def _is_lanci_row(keys: list[str]) -> bool:
    """The 栏次 row that numbers the columns (栏次 | 1 | 2 | …), or bare consecutive numbers (``**`` marks
    the label columns in 陕西's Excel template: ``** | ** | 1 | 2 | 3``)."""
    nonempty = [k for k in keys if k and k.strip("*")]
    if not nonempty:
        return False
    if nonempty[0] in ("栏次", "栏号") or "栏次" in nonempty:
        return True
    if len(nonempty) >= 3 and all(k.isdigit() for k in nonempty):
        nums = [int(k) for k in nonempty]
        return nums == list(range(nums[0], nums[0] + len(nums))) and nums[0] in (0, 1)
    return False


def _title_like(line: str) -> bool:
    k = key(line)
    return bool(k) and len(k) <= 80 and "。" not in k and not k.endswith((":", "：")) and not _is_number(k)


# ---------------------------------------------------------------------------------------------
# One physical table


@dataclass
class _Parsed:
    raw: RawTable
    title: str = ""
    title_in_table: bool = False
    meta: Meta = field(default_factory=Meta)
    header_rows: list[int] = field(default_factory=list)
    lanci_row: int | None = None
    header: list[str] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kind: str = "unknown"
    title_kind: str | None = None
    hints: list[str] = field(default_factory=list)
    unit: str | None = None
    problems: list[str] = field(default_factory=list)


def _title_from_before(before: list[str], meta: Meta) -> str:
    for line in reversed(before):
        if _NOTE_ROW.match(key(line)):
            continue
        if layouts.TITLE_SUBTITLE.match(key(line)):  # （2026年度） under the title: the table's year, not its title
            meta.year = meta.year or int(_TITLE_YEAR.search(key(line)).group(1))
            continue
        line_meta = Meta()
        if parse_meta(line, line_meta):
            _merge_meta(meta, line_meta)
            continue
        # A title printed on one line with its unit ("部门收支总表    单位：万元") or its department
        # ("收支预算总表部门：中共江苏省委办公厅"): the title is what comes before the label.
        stripped = _strip_unit(line)
        if (cut := _SPLIT_BEFORE.search(stripped)) and cut.start() > 0:
            stripped = stripped[: cut.start()].strip()
        if layouts.NOT_A_TITLE.match(key(stripped)):
            return ""  # a 绩效 form's own words above its continuation (layouts.NOT_A_TITLE): no title
        if _title_like(stripped):
            _merge_meta(meta, line_meta)
            return stripped
        return ""
    return ""


def _merge_meta(into: Meta, src: Meta) -> None:
    into.code = into.code or src.code
    into.name = into.name or src.name
    into.year = into.year or src.year
    into.unit = into.unit or src.unit


def _header_extent(rows: list[list[Cell]], start: int, n_cols: int) -> list[int]:
    """Indices of the header rows starting at ``start`` (0 to 3 of them)."""
    if start >= len(rows):
        return []
    keys0 = _row_keys(rows[start])
    if not any(keys0) or _is_data_row(keys0) or _is_lanci_row(keys0):
        return []
    out = [start]
    # Rows a header cell spans down into are header rows too.
    span_end = max((c.row + c.row_span for c in rows[start]), default=start + 1)
    r = start + 1
    while r < len(rows) and len(out) < 3:
        keys = _row_keys(rows[r])
        if not any(keys) or _is_data_row(keys) or _is_lanci_row(keys):
            break
        prev = rows[out[-1]]
        covered = r < span_end
        has_parent = any(c.col_span > 1 for c in prev)
        prev_gaps = _has_gaps(prev, n_cols)
        vocab = all(k in _HEADER_WORDS for k in keys if k)
        if not (covered or has_parent or prev_gaps or vocab):
            break
        out.append(r)
        span_end = max(span_end, max((c.row + c.row_span for c in rows[r]), default=r + 1))
        r += 1
    return out


def _has_gaps(row: list[Cell], n_cols: int) -> bool:
    covered = 0
    for c in row:
        if c.text.strip():
            covered += c.col_span
    return covered < n_cols


def _header_paths(rows: list[list[Cell]], header_rows: list[int], n_cols: int) -> list[str]:
    if not header_rows:
        return [""] * n_cols
    h0, h1 = header_rows[0], header_rows[-1] + 1
    grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(h1 - h0)]
    for r in header_rows:
        for c in rows[r]:
            for rr in range(max(c.row, h0), min(c.row + max(c.row_span, 1), h1)):
                for cc in range(max(c.col, 0), min(c.col + max(c.col_span, 1), n_cols)):
                    grid[rr - h0][cc] = c
    _fill_unmerged_parents(grid)
    paths = []
    for cc in range(n_cols):
        parts: list[str] = []
        seen: set[int] = set()
        for rr in range(h1 - h0):
            c = grid[rr][cc]
            if c is None or id(c) in seen:
                continue
            seen.add(id(c))
            t = squash(c.text)
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        paths.append(" / ".join(parts))
    return paths


def _fill_unmerged_parents(grid: list[list[Cell | None]]) -> None:
    """A parent printed once over blank, unmerged cells (Excel exports, PDFs) covers its children.

    ``收入 | (blank)`` over ``项目 | 预算数`` reads ``收入 / 预算数`` for the second column.  Only
    when both the parent's own column and the blank column have a child below, so a vertical
    header such as ``合计`` never swallows the blank cell beside it.
    """
    n_rows = len(grid)

    def has_child(i: int, c: int) -> bool:
        above = grid[i][c]
        return any(grid[j][c] is not None and grid[j][c] is not above and grid[j][c].text.strip()
                   for j in range(i + 1, n_rows))

    for i in range(n_rows - 1):
        row = grid[i]
        for c in range(1, len(row)):
            cell = row[c]
            if cell is not None and cell.text.strip():
                continue
            left = row[c - 1]
            if left is None or not left.text.strip() or not has_child(i, c):
                continue
            if has_child(i, left.col if 0 <= left.col < len(row) else c - 1):
                row[c] = left


def _UNITS_LISTED(hk: str, bk: str) -> bool:
    """序号 | 单位名称 | 备注 with rows like 上海市普陀区财政局（本级） / 预算不单列，并入本级: no amounts."""
    money = any(w in hk for w in ("合计", "金额", "支出", "收入", "预算数", "决算数"))
    return "单位名称" in hk and not money and any(w in hk + bk for w in ("备注", "本级", "单列", "单位构成"))


def _function_codes(body: list[list[Cell]]) -> bool:
    """Whether the leading code column holds function codes (2xx…) and no economic ones (3xx/5xx…)."""
    codes = [key(r[0].text) for r in body[:40] if r and _SUBJECT_CODE.match(key(r[0].text))]
    return len(codes) >= 2 and all(c.startswith("2") for c in codes)


def _header_kinds(header: list[str], body: list[list[Cell]]) -> list[str]:
    """Kinds the header (and the first body column) is compatible with, most likely first."""
    hks = [key(h) for h in header]
    hk = "|".join(hks)
    first_col = "|".join(key(r[0].text) for r in body[:40] if r)
    bk = "|".join(key(c.text) for r in body[:40] for c in r[:3])
    if any(w in hk for w in ("一级指标", "二级指标", "三级指标", "指标值")) or first_col.startswith("绩效目标"):
        return ["performance_target"]
    subject_like = any(w in hk for w in ("科目", "经济分类", "功能分类"))
    if any(w in hk for w in ("三公", "因公出国", "公务接待", "公务用车")) or (
        not subject_like and sum(w in bk for w in ("因公出国", "公务接待", "公务用车")) >= 2
    ):
        return ["three_public"]
    if "采购" in hk and not ("基本支出" in hk and "项目支出" in hk):  # 深圳 支出总表: 政府采购 columns beside the uses
        return ["procurement"]
    if any(w in hk for w in ("单位性质", "单位规格", "经费保障", "经费形式", "机构规格")):
        return ["org_structure"]
    if _UNITS_LISTED(hk, bk) and not subject_like:
        return ["org_structure"]  # a 决算's 部门决算单位构成: the units it covers, untitled
    if not subject_like and ("资产总额" in bk or ("房屋" in bk and "车辆" in bk)):
        return ["assets"]
    tops = [h.split("/")[0] for h in hks]
    two_sided = (any(t.startswith("收入") for t in tops) and any(t.startswith("支出") for t in tops)) or sum(
        h.split("/")[-1] in ("项目", "项目名称", "收入项目", "支出项目") for h in hks
    ) >= 2
    if two_sided:
        if any(w in hk for w in ("政府性基金", "国有资本经营", "一般公共预算")):
            return ["fiscal_summary"]
        if any(w in bk for w in ("事业收入", "财政专户", "上级补助", "经营收入", "附属单位")):
            return ["summary"]
        if "财政拨款结转" in bk:
            return ["fiscal_summary"]
        return ["summary", "fiscal_summary"]
    if not subject_like and "绩效目标" in hk:
        return ["performance_target"]  # 浙江 项目支出绩效表: 单位名称 | 项目名称 | 金额 | (项目总体)绩效目标
    leaves = {h.split("/")[-1] for h in hks}
    if not subject_like and {"单位名称", "项目名称"} <= leaves:
        return ["project_expenditure"]  # projects by unit (浙江 表10: … | 财政拨款收入 / 一般公共预算 | 单位资金)
    function_coded = any(w in hk for w in ("功能分类", "功能科目"))  # a function table that splits 基本 into 人员/公用
    # … or whose codes say so (浙江 一般公共预算支出表: 科目编码 | 基本支出 / 人员经费 | 公用经费 | 项目支出, codes 2xx)
    function_coded = function_coded or _function_codes(body)
    if not function_coded and (("人员经费" in hk and "公用经费" in hk) or "经济分类" in hk):
        return ["basic_expenditure"]
    if "本年收入" in hk or "事业收入" in hk or "财政拨款收入" in hk or ("上年结转" in hk and "收入" in hk):
        return ["income"]
    if any(w in hk for w in ("经营支出", "上缴上级", "上解上级", "对附属单位补助")):
        return ["expenditure"]
    if "基本支出" in hk and "项目支出" in hk:
        # Shanghai prints the fund above the columns (政府性基金预算支出 / 合计 …); Hebei does not.
        for word, kind in (("政府性基金", "gov_fund_expenditure"), ("国有资本经营", "soe_capital_expenditure"),
                           ("一般公共预算", "general_public_expenditure")):
            if word in hk:
                return [kind]
        return ["general_public_expenditure", "gov_fund_expenditure", "soe_capital_expenditure", "expenditure"]
    return []


def _parse_physical(raw: RawTable) -> _Parsed:
    out = _Parsed(raw=raw)
    rows = raw.rows
    n = raw.n_cols
    meta = out.meta
    title = _title_from_before(raw.before, meta)
    pending_header: list[str] = []
    r = 0
    while r < len(rows) and not any(c.text.strip() for c in rows[r]):
        r += 1
    # Title inside the table: a first row with one cell spanning (nearly) the whole grid.
    if r < len(rows):
        nonempty = [c for c in rows[r] if c.text.strip()]
        if len(nonempty) == 1 and n > 1 and nonempty[0].col_span >= max(2, n - 1):
            cell_meta = Meta()
            text = nonempty[0].text
            if parse_meta(text, cell_meta):
                pass  # a merged metadata row, handled below
            elif (cut := _SPLIT_BEFORE.search(text)) and cut.start() > 0 and kind_from_title(text[: cut.start()]):
                # title, 部门：…, 单位：… and the column headings run together in one merged cell (an Excel sheet
                # printed to PDF): split them; the headings name the columns when the table prints none
                title = text[: cut.start()].strip()
                out.title_in_table = True
                rest = text[cut.start():]
                words = _UNIT_RE.sub(" ", rest).split()
                parse_meta(words[0], meta)  # 部门：<name>
                meta.unit = meta.unit or _find_unit(rest)
                pending_header = [w for w in words[1:] if ":" not in w and "：" not in w]
                r += 1
            elif _title_like(_strip_unit(text)) and (kind_from_title(text) or not title):
                title = _strip_unit(text)
                out.title_in_table = True
                _merge_meta(meta, cell_meta)
                r += 1
    # Metadata rows.
    while r < len(rows):
        cells = [c for c in rows[r] if c.text.strip()]
        if not cells:
            r += 1
            continue
        row_meta = Meta()
        if all(parse_meta(c.text, row_meta) for c in cells):
            _merge_meta(meta, row_meta)
            r += 1
            continue
        break
    out.title = title
    out.header_rows = _header_extent(rows, r, n)
    body_start = out.header_rows[-1] + 1 if out.header_rows else r
    if body_start < len(rows) and _is_lanci_row(_row_keys(rows[body_start])):
        out.lanci_row = body_start
        body_start += 1
    out.header = _header_paths(rows, out.header_rows, n)
    body = [row for row in rows[body_start:] if row]
    if pending_header and not any(out.header):
        _header_from_words(out.header, body, pending_header)
    # Notes printed as the table's last rows.
    while body:
        nonempty = [c for c in body[-1] if c.text.strip()]
        if len(nonempty) == 1 and _NOTE_ROW.match(key(nonempty[0].text)):
            out.notes.insert(0, nonempty[0].text.strip())
            body.pop()
        else:
            break
    out.body = body
    out.notes = [*out.notes, *raw.after]
    out.title_kind = kind_from_title(title) if title else None
    # Performance tables put the header (一级指标…) below the project/objective rows.
    if out.title_kind == "performance_target" or any(key(c.text) == "一级指标" for row in rows[:8] for c in row):
        _performance_layout(out, rows, r)
    out.hints = _header_kinds(out.header, out.body)
    unit = meta.unit
    if unit is None:
        for h in out.header:
            unit = _find_unit(h)
            if unit:
                break
    out.unit = unit
    return out


def _header_from_words(header: list[str], body: list[list[Cell]], words: list[str]) -> None:
    """Column headings printed as words (``功能科目编码 功能科目名称 金额``) onto the columns the body fills."""
    words = [key(w) for w in words]
    while words and (_is_number(words[-1]) or words[-1] in ("合计", "总计", "计")):
        words = words[:-1]  # a 合计 row glued onto the headings (合 计 broken in two); its cells are lost with it
    if words and words[-1].endswith("合"):
        words[-1] = words[-1][:-1]
    cols = sorted({c.col for row in body for c in row if c.text.strip() and 0 <= c.col < len(header)})
    if words and len(words) == len(cols):
        for col, word in zip(cols, words, strict=True):
            header[col] = word


def _performance_layout(out: _Parsed, rows: list[list[Cell]], start: int) -> None:
    for r in range(start, min(len(rows), start + 12)):
        if any(key(c.text) == "一级指标" for c in rows[r]):
            out.header_rows = [r]
            out.lanci_row = None
            out.header = _header_paths(rows, [r], out.raw.n_cols)
            # the header row stays in the body: normalize reads the rows above it (the project's form) and
            # any further 一级指标 rows (several projects in one ruled table) in order
            out.body = [row for row in rows[start:] if row]
            return
    # No indicator header: an objective-only table (绩效目标 | 1.目标内容…).
    out.header_rows = []
    out.lanci_row = None
    out.header = [""] * out.raw.n_cols
    out.body = [row for row in rows[start:] if row]


# Titles that name their kind beyond doubt even where the header looks like another kind's: the 决算's
# 政府性基金 / 国有资本经营 收入支出决算表 print 本年收入 beside 本年支出 (an income-like header).
_TITLE_OVER_HEADER = re.compile(r"(政府性?基金|国有资本经营).*收入支出(决算)?表")


def _decide_kind(p: _Parsed) -> None:
    t, hints = p.title_kind, p.hints
    label = f"table {p.raw.index + 1}" + (f" ({p.title})" if p.title else "")
    if t == "unknown":
        p.kind = "unknown"  # a table we recognise by name but do not model (政府购买服务…)
    elif t is not None and _TITLE_OVER_HEADER.search(key(p.title)):
        p.kind = t
    elif t is not None and (not hints or t in hints or t in layouts.TITLE_DECIDES):
        p.kind = t
    elif t in layouts.TITLE_OVER_HEADER and len(hints) == 1 and hints[0] in layouts.TITLE_OVER_HEADER[t]:
        p.kind = t  # 深圳 基本支出总表: spending by its fund sources, whose columns read like an income table
    elif hints:
        p.kind = hints[0]
        if t is not None:
            p.problems.append(f"{label}: the title says {t} but the header is that of {p.kind}; classified as {p.kind}")
        elif len(hints) > 1:
            p.problems.append(f"{label}: no title; the header fits {', '.join(hints)}; assumed {p.kind}")
    else:
        p.kind = "unknown"
    if p.kind == "unknown":
        p.problems.append(f"{label}: not a table kind yusuan knows; kept as unknown with its cells intact")


# ---------------------------------------------------------------------------------------------
# Logical tables


def _is_empty_declared(notes: list[str], body: list[list[Cell]]) -> bool:
    if any(_EMPTY_NOTE.search(key(n)) for n in notes):
        return True
    seen = False
    for row in body:
        for c in row:
            text = c.text.strip()
            if text:
                if key(text) != "无":
                    return False
                seen = True
    return seen


def _to_table(p: _Parsed) -> Table:
    return Table(
        index=p.raw.index,
        kind=p.kind,
        title=p.title,
        unit=p.unit,
        header=p.header,
        body=list(p.body),
        n_cols=p.raw.n_cols,
        parts=[p.raw.index],
        notes=list(p.notes),
        page=p.raw.page,
    )


def _continues(prev: Table, prev_p: _Parsed, p: _Parsed) -> bool:
    if p.raw.nested or prev_p.raw.nested or p.raw.index != prev.parts[-1] + 1:
        return False
    if p.title and key(p.title) != key(prev.title):
        return False
    if prev.kind == "performance_target" and not any(prev.header) and p.header_rows and p.kind == "performance_target":
        return True
    if p.raw.n_cols != prev.n_cols or prev.kind == "unknown":
        return False
    if p.header_rows and [key(h) for h in p.header] == [key(h) for h in prev.header]:
        return True
    # A table broken by Word without its header repeated: nothing at all between the parts.
    return not p.header_rows and not p.raw.before and not p.title and bool(p.body)


def _runs_on(prev: Table, prev_p: _Parsed, p: _Parsed) -> bool:
    """A PDF table part on the next page that carries on the table before it without repeating its header.

    Word and LibreOffice repeat header rows on a new page only where they are marked to, so a table
    broken across pages goes on with bare rows: rows the header parse mistakes for a header (the first
    row of a performance table's second page, whose 一级指标 cell was merged down from the previous
    page), or the rest of a header the page break cut (sub-headings under ``功能分类科目``).  The part
    must stand on the next page with nothing printed above it, have the same grid, and be no table of
    its own: it has no title and either no kind of its own or a predecessor with no body yet.
    """
    if p.raw.page is None or prev_p.raw.page is None or p.raw.page != prev_p.raw.page + 1:
        return False
    if p.raw.nested or prev_p.raw.nested or p.raw.index != prev.parts[-1] + 1:
        return False
    if p.raw.before or p.title or p.raw.n_cols != prev_p.raw.n_cols or prev.kind == "unknown":
        return False
    blank = not any(c.text.strip() for row in prev.body for c in row)  # a header row's empty lower half
    if prev.kind == "performance_target" and prev.body and p.title_kind is None:
        # indicator rows go on; whatever kind their words suggest (总费用 …), a new 绩效目标 table has a title
        return not any(key(c.text) == "一级指标" for row in p.raw.rows[:1] for c in row)
    return p.kind == "unknown" or (blank and prev.kind != "performance_target") or _same_columns(prev_p.raw, p.raw)


def _same_columns(a: RawTable, b: RawTable, tolerance: float = 2.0) -> bool:
    """Whether two PDF table parts stand on the same column grid: every column starts at the same x (within
    ``tolerance`` points).  A part heading the next page on its predecessor's grid, with no title and nothing
    above it, goes on with that table even when its first rows read like a header of another kind (a 收入支出
    决算总表's 五、事业收入 / 六、经营收入 … rows, blank in their amount columns, carried over the break)."""
    def starts(raw: RawTable) -> dict[int, float]:
        out: dict[int, float] = {}
        for row in raw.rows:
            for c in row:
                if c.bbox is not None and c.col_span == 1:
                    out[c.col] = min(out.get(c.col, c.bbox[0]), c.bbox[0])
        return out

    sa, sb = starts(a), starts(b)
    return len(sa) == a.n_cols and sa.keys() == sb.keys() and all(abs(sa[k] - sb[k]) <= tolerance for k in sa)


def _reparse(raws: list[RawTable]) -> Table:
    """Parse the parts of one table as a single physical table (a header cut by a page break).

    The cells are copied with their row renumbered through the joined table so that header spans line
    up; the body keeps the original cells, whose table and row say where each was printed.
    """
    rows: list[list[Cell]] = []
    original: dict[int, Cell] = {}
    for raw in raws:
        offset = len(rows)
        for r, row in enumerate(raw.rows):
            copied = []
            for c in row:
                cc = Cell(c.text, offset + r, c.col, c.col_span, c.row_span, c.table, c.page, c.bbox)
                original[id(cc)] = c
                copied.append(cc)
            rows.append(copied)
    first, final = raws[0], raws[-1]
    joined = RawTable(first.index, rows, first.n_cols, list(first.before), list(final.after), first.page)
    p = _parse_physical(joined)
    p.body = [[original.get(id(c), c) for c in row] for row in p.body]
    _decide_kind(p)
    table = _to_table(p)
    table.parts = [raw.index for raw in raws]
    return table


def _stretch(row: list[Cell], n_cols: int) -> list[Cell]:
    """A row from a narrower part (the one-row objective table), its last cell widened to the grid."""
    if not row:
        return row
    last = row[-1]
    if last.col + last.col_span >= n_cols:
        return row
    widened = Cell(last.text, last.row, last.col, n_cols - last.col, last.row_span, last.table, last.page, last.bbox)
    return [*row[:-1], widened]


def _join(prev: Table, p: _Parsed) -> None:
    if prev.kind == "performance_target" and not any(prev.header):
        prev.header = p.header
        prev.n_cols = max(prev.n_cols, p.raw.n_cols)
        prev.body = [_stretch(r, prev.n_cols) for r in prev.body] + list(p.body)
    else:
        prev.body.extend(p.body)
    prev.parts.append(p.raw.index)
    prev.notes.extend(n for n in p.notes if n not in prev.notes)
    prev.unit = prev.unit or p.unit


def classify(raw: RawDocument) -> Filing:
    """Classify every table of a RawDocument and read the filing's metadata.

    Returns a Filing whose tables are logical tables (continuations joined), each with a kind
    from :data:`KINDS`, its title as printed, its unit, one header path per grid column, body
    rows and notes.  Nothing raises on odd input: what could not be understood is listed in
    ``Filing.problems``.
    """
    problems: list[str] = []
    parsed = [_parse_physical(t) for t in raw.tables]
    for p in parsed:
        _decide_kind(p)
    tables: list[Table] = []
    last: tuple[Table, _Parsed] | None = None
    by_index = {t.index: t for t in raw.tables}
    for p in parsed:
        if last is not None and _continues(last[0], last[1], p):
            _join(last[0], p)  # a continuation's own doubts (no title…) are moot
            last = (last[0], p)
            continue
        if last is not None and _runs_on(last[0], last[1], p):
            # a continuation's own doubts (no title, a header it does not have) are moot
            if any(c.text.strip() for row in last[0].body for c in row):
                last[0].body.extend(row for row in p.raw.rows if any(c.text.strip() for c in row))
                last[0].parts.append(p.raw.index)
            else:
                tables[-1] = _reparse([by_index[i] for i in last[0].parts] + [p.raw])
            last = (tables[-1], p)
            continue
        problems.extend(p.problems)
        table = _to_table(p)
        tables.append(table)
        last = (table, p) if not p.raw.nested else None
    for t in tables:
        t.empty_declared = _is_empty_declared(t.notes, t.body)

    # Department and year (layouts.py says where a filing names itself, in which order; see identify()).
    name, code, year, notes = identify(raw, parsed, tables)
    problems.extend(notes)
    # （本级）/（汇总） after a name is the filing's scope (doctype.scope_of reads it), not part of the name: the
    # body is the same department as its filings printed without it (the printed name is kept as an alias)
    printed_name = name
    if name is not None:
        name = layouts.SCOPE_SUFFIX.sub("", name) or name
    if name is None:
        problems.append("no department name found on the cover, in the tables' 编制部门 lines or in the titles")
    if year is None:
        problems.append("no budget year found (no 预算年度 cell and no year in a title)")

    budget = [t for t in tables if t.kind in BUDGET_KINDS]
    units = Counter(t.unit for t in budget if t.unit) or Counter(t.unit for t in tables if t.unit)
    unit = units.most_common(1)[0][0] if units else None
    # 预算 or 决算, 部门 or 单位: the spellings are data in pipelines/lib/doctype.py
    cover = doctype.cover_text(p.text for p in raw.paragraphs[:40])
    titles = [t.title for t in budget if t.title] or [t.title for t in tables if t.title]
    doc_type = doctype.doc_type_of(cover, titles)
    scope = doctype.scope_of(cover, titles)

    para_meta = Meta()
    for para in raw.paragraphs[:400]:
        text = para.text.strip()
        if text and len(text) <= 120:
            parse_meta(text, para_meta, allow_code_name=False)
    if unit is None and para_meta.unit:
        unit = para_meta.unit
    return Filing(
        file_type=raw.file_type,
        department_code=code,
        department_name=name,
        printed_name=printed_name if printed_name != name else None,
        year=year,
        doc_type=doc_type,
        scope=scope,
        unit=unit,
        tables=tables,
        paragraphs=raw.paragraphs,
        pages=raw.pages,
        problems=problems,
        identity_notes=[n for n in notes if n.startswith("identity:")],
        part="narrative" if not budget and name and year and is_narrative(raw) else None,
    )


# ---------------------------------------------------------------------------------------------
# Department and year you can trust


def plausible_name(text: str | None) -> str | None:
    """``text`` as a department's name, or None when it cannot be one (a pronoun, a sentence, a cell with digits)."""
    if not text:
        return None
    name = layouts.NAME_PREFIX.sub("", squash(text)).strip(" ：:，,。")
    if not (3 <= len(name) <= 40) or layouts.NOT_A_NAME_START.match(name):
        return None
    if re.search(r"[0-9０-９:：，,。；;%]|表|预算|决算|说明", name):
        return None
    bare = layouts.SCOPE_SUFFIX.sub("", name)
    return name if bare.endswith(layouts.ORG_ENDINGS) else None


def canonical_name(name: str) -> str:
    """A name with known abbreviations applied and its scope suffix removed: 中国共产党江苏省委员会办公厅 and
    中共江苏省委办公厅 give the same."""
    k = layouts.SCOPE_SUFFIX.sub("", key(name))
    for full, short in layouts.ABBREVIATIONS:
        k = k.replace(full, short)
    return k


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _cover_text(paragraphs) -> str:
    """The first page's text before the 目录 (a cover), joined, dates of publication removed."""
    lines: list[str] = []
    first = next((p.page for p in paragraphs if p.page is not None), None)
    for p in paragraphs[:12]:
        k = key(p.text)
        if k.startswith(("目录", "目次")) or (p.page is not None and first is not None and p.page != first):
            break
        lines.append(squash(p.text))
    text = "".join(lines)
    text = layouts.CN_DATE.sub("", text)
    text = layouts.CN_YEAR.sub(lambda m: m.group(0).translate(layouts.CN_DIGITS), text)
    text = text.translate(_FULLWIDTH_DIGITS).replace(" ", "")
    return layouts.PUBLICATION_DATE.sub("", text)


def cover_identity(paragraphs) -> tuple[str | None, int | None]:
    """(name, year) as the cover prints them ("2026年度 / 福州市商务局 / 部门预算", "西南大学 / 2021年度部门预算")."""
    text = _cover_text(paragraphs)
    year = None
    for pattern in layouts.COVER_PATTERNS:
        for m in pattern.finditer(text):
            year = year or int(m.group("year"))
            # the name is the longest plausible tail of what stands before/after the year
            raw = m.group("name")
            for i in range(len(raw)):
                if (name := plausible_name(raw[i:])) is not None:
                    return name, int(m.group("year"))
    return None, year


_TITLE_KIND_WORDS = re.compile(r"(?:\d{4}年度?)?(?:部门|单位)?(?:收支|收入|支出|财政拨款|一般公共|政府性|国有资本|三公|“三公”|基本支出|项目支出)")


def identify(raw: RawDocument, parsed: list[_Parsed], tables: list[Table]) -> tuple[str | None, str | None, int | None, list[str]]:
    """(name, code, year, notes): the department from the tables' labelled lines, the cover, the paragraphs'
    labelled lines, the titles, a heading — in that order, each name judged by :func:`plausible_name`; notes say
    where the sources disagree (prefixed ``identity:``)."""
    notes: list[str] = []
    label_names = Counter(n for p in parsed if (n := plausible_name(p.meta.name)))
    codes = Counter(p.meta.code for p in parsed if p.meta.code and plausible_name(p.meta.name))
    years = Counter(p.meta.year for p in parsed if p.meta.year)
    cover_name, cover_year = cover_identity(raw.paragraphs)
    para_meta = Meta()
    for para in raw.paragraphs[:400]:
        text = para.text.strip()
        if text and len(text) <= 120:
            parse_meta(text, para_meta, allow_code_name=False)
    title_names = Counter()
    for t in tables:
        if t.kind in BUDGET_KINDS and t.title and (m := _TITLE_KIND_WORDS.search(key(t.title))) and m.start() > 0:
            if n := plausible_name(key(t.title)[: m.start()]):
                title_names[n] += 1
    # 部门名称 | 北京市司法局 — a label cell and its value, in the first rows of a table (a 绩效目标 table's head)
    pair_names = Counter()
    labels = {key(w) for w in layouts.DEPARTMENT_LABELS}
    for rt in raw.tables:
        for row in rt.rows[:3]:
            for a, b in zip(row, row[1:], strict=False):
                if key(a.text).rstrip(":：") in labels and (n := plausible_name(b.text)):
                    pair_names[n] += 1
    heading_name = heading_year = None
    for para in raw.paragraphs[:200]:
        m = _PARA_DEPT_YEAR.match(squash(para.text))
        if m:
            heading_name = heading_name or plausible_name(m.group(1))
            heading_year = heading_year or int(m.group(2))
    label = label_names.most_common(1)[0][0] if label_names else None
    candidates = [("the tables' 编制部门 lines", label), ("the cover", cover_name),
                  ("a 编制单位 line", plausible_name(para_meta.name)),
                  ("a 部门名称 cell", pair_names.most_common(1)[0][0] if pair_names else None),
                  ("the table titles", title_names.most_common(1)[0][0] if title_names else None),
                  ("a heading", heading_name)]
    found = [(where, n) for where, n in candidates if n]
    name = found[0][1] if found else None
    if found:
        where0, n0 = found[0]
        for where, n in found[1:3]:
            a, b = canonical_name(n0), canonical_name(n)
            if a != b and a not in b and b not in a:
                notes.append(f"identity: the department is {n0} according to {where0} but {n} according to "
                             f"{where}; {n0} was used — check which is right")
                break
    code = codes.most_common(1)[0][0] if codes else None
    title_years = Counter(
        int(m.group(1)) for t in tables if (m := _TITLE_YEAR.search(unicodedata.normalize("NFKC", t.title))))
    year_sources = [("the 预算年度 cells", years.most_common(1)[0][0] if years else None),
                    ("the cover", cover_year), ("a 预算年度 line", para_meta.year),
                    ("the table titles", title_years.most_common(1)[0][0] if title_years else None),
                    ("a heading", heading_year)]
    found_years = [(w, y) for w, y in year_sources if y]
    # titles and headings may name another year (上年执行情况): only the labelled sources and the cover are compared
    compared_years = [(w, y) for w, y in year_sources[:3] if y]
    year = found_years[0][1] if found_years else None
    if year is None:
        for para in raw.paragraphs[:200]:
            text = squash(para.text)
            if (m := _TITLE_YEAR.search(text)) and ("预算" in text or "决算" in text):
                year = int(m.group(1))
                break
    if compared_years:
        w0, y0 = compared_years[0]
        for w, y in compared_years[1:]:
            if y != y0:
                notes.append(f"identity: the year is {y0} according to {w0} but {y} according to {w}; {y0} was used "
                             "— check which is right")
                break
    return name, code, year, notes


def is_narrative(raw: RawDocument) -> bool:
    """A disclosure's narrative (情况说明, 公开文件): it speaks of the budget's income and spending in running text.
    A file with no budget table that is this is the narrative half of a filing, not a stranger."""
    text = "".join(key(p.text) for p in raw.paragraphs[:600])
    return sum(w in text for w in layouts.NARRATIVE_MARKERS) >= layouts.NARRATIVE_MIN_MARKERS
