"""One physical table: its title, metadata rows, header rows and header paths, 栏次 row, body and notes, and the
kind its title and header agree on (``_decide_kind``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipelines.lib import layouts
from pipelines.lib.classify_meta import (
    _SPLIT_BEFORE,
    _TITLE_YEAR,
    _UNIT_RE,
    Meta,
    _find_unit,
    _strip_unit,
    parse_meta,
)
from pipelines.lib.classify_text import key, kind_from_title, squash
from pipelines.lib.model import Cell, RawTable

# ---------------------------------------------------------------------------------------------
# Rows

_NUMBER = re.compile(r"^[-−△+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
_SUBJECT_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_HEADER_WORDS = {
    "项目", "预算数", "金额", "合计", "小计", "科目编码", "科目名称", "类", "款", "项", "编码", "名称", "行次",
    "序号", "决算数", "执行数", "本年预算数", "预算", "决算", "单位名称", "项目名称", "数量", "单价", "价值",
}
_NOTE_ROW = re.compile(r"^(?:注|备注|说明)\s*[:：\d(（]")
_EMPTY_NOTE = re.compile(r"空表|为空|无数据|无相关数据|本表无|无此项|没有.{0,30}(?:预算|支出|收入|经费|资金)|不涉及")


def _row_keys(row: list[Cell]) -> list[str]:
    return [key(c.text) for c in row]


@lru_cache(maxsize=1 << 14)  # the keys of the first rows of every table (header words, 合计, figures) repeat
def _is_number(k: str) -> bool:
    return bool(_NUMBER.match(k))


def _is_data_row(keys: list[str]) -> bool:
    for k in keys:  # (a loop, not a generator: asked for several rows of every table)
        if k and _is_number(k):
            return True
    return False


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
    wrapped_unit = -1
    for i in range(len(before) - 1, -1, -1):
        line = before[i]
        if _NOTE_ROW.match(key(line)):
            continue
        if i > 0 and _name_wrapped(before[i - 1], line):
            continue
        # a metadata row's 单位 field wrapped in its cell (… 单位：万 / 元, … 单位： / 万元): the unit's rest, no title
        if i > 0 and _UNIT_TAIL.match(key(line)) and layouts.TEXT_TABLE_META_CUT.search(key(before[i - 1])):
            wrapped_unit = i - 1
            continue
        if i == wrapped_unit:
            line += before[i + 1]
        if layouts.TITLE_SUBTITLE.match(key(line)):  # （2026年度） under the title: the table's year, not its title
            meta.year = meta.year or int(_TITLE_YEAR.search(key(line)).group(1))
            continue
        line_meta = Meta()
        if parse_meta(line, line_meta):
            _merge_meta(meta, line_meta)
            continue
        # a title too long for its line, its last characters wrapped onto the next (…(按政府预算经济分 / 类)): the title
        # (a short title of its own, 收支总表 under the cover's line, names its table: no such rest)
        if i > 0 and len(key(line)) <= 4 and len(key(before[i - 1])) >= 12 and kind_from_title(key(line)) is None \
                and kind_from_title(key(before[i - 1] + line)) is not None and not parse_meta(before[i - 1], Meta()) \
                and not _NOTE_ROW.match(key(before[i - 1])):
            line = before[i - 1] + line
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


_UNIT_TAIL = re.compile(r"^[万千百]?元$")


def _name_wrapped(above: str, line: str) -> bool:
    """Whether ``line`` is the end of the department's name on the line above, wrapped in its cell (江苏 swbgt 2017:
    部门：中国共产党江苏省委员会办 单位：万元 / 公厅): a few characters naming no table, under a 部门：… line."""
    above_meta, line_meta = Meta(), Meta()
    k = key(line)
    if not (parse_meta(above, above_meta) and above_meta.name is not None and 0 < len(k) <= 6):
        return False
    parse_meta(line, line_meta)  # (单位:元) sets the unit though it is no labelled line of its own
    return not (kind_from_title(k) or _is_number(k) or line_meta.unit or line_meta.name or line_meta.year
                or line_meta.code)


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
    for r in header_rows:  # (comparisons, not max/min calls: every header cell of every table)
        for c in rows[r]:
            col, span, row, row_span = c.col, c.col_span, c.row, c.row_span
            lo = col if col > 0 else 0
            hi = col + (span if span > 1 else 1)
            if hi > n_cols:
                hi = n_cols
            if lo >= hi:
                continue
            end = row + (row_span if row_span > 1 else 1)
            fill = [c] * (hi - lo)
            for rr in range(row if row > h0 else h0, end if end < h1 else h1):
                grid[rr - h0][lo:hi] = fill
    if len(grid) == 1:  # one header row: each column's path is its cell's text
        return [squash(c.text) if c is not None else "" for c in grid[0]]
    _fill_unmerged_parents(grid)
    paths = []
    for column in zip(*grid, strict=True):  # the grid's columns (each row is n_cols long), top to bottom
        parts: list[str] = []
        seen: set[int] = set()
        for c in column:
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


def _any_of(*words: str) -> re.Pattern[str]:
    """What ``any(w in text for w in words)`` asks, in one search of ``text`` (the header words of every table)."""
    return re.compile("|".join(map(re.escape, words)))


_MONEY_WORDS = _any_of("合计", "金额", "支出", "收入", "预算数", "决算数")
_UNIT_LIST_WORDS = _any_of("备注", "本级", "单列", "单位构成")
_INDICATOR_WORDS = _any_of("一级指标", "二级指标", "三级指标", "指标值")
_SUBJECT_WORDS = _any_of("科目", "经济分类", "功能分类")
_THREE_PUBLIC_WORDS = _any_of("三公", "因公出国", "公务接待", "公务用车")
_ORG_WORDS = _any_of("单位性质", "单位规格", "经费保障", "经费形式", "机构规格")
_FUND_WORDS = _any_of("政府性基金", "国有资本经营", "一般公共预算")
_UNIT_INCOME_WORDS = _any_of("事业收入", "财政专户", "上级补助", "经营收入", "附属单位")
_FUNCTION_WORDS = _any_of("功能分类", "功能科目")
_EXPENDITURE_WORDS = _any_of("经营支出", "上缴上级", "上解上级", "对附属单位补助")


def _UNITS_LISTED(hk: str, bk: str) -> bool:
    """序号 | 单位名称 | 备注 with rows like 上海市普陀区财政局（本级） / 预算不单列，并入本级: no amounts."""
    money = _MONEY_WORDS.search(hk)
    return "单位名称" in hk and not money and bool(_UNIT_LIST_WORDS.search(hk + bk))


def _function_codes(body: list[list[Cell]]) -> bool:
    """Whether the leading code column holds function codes (2xx…) and no economic ones (3xx/5xx…)."""
    codes = [key(r[0].text) for r in body[:40] if r and _SUBJECT_CODE.match(key(r[0].text))]
    return len(codes) >= 2 and all(c.startswith("2") for c in codes)


def _header_kinds(header: list[str], body: list[list[Cell]]) -> list[str]:
    """Kinds the header (and the first body column) is compatible with, most likely first."""
    hks = [key(h) for h in header]
    hk = "|".join(hks)
    first_col = "|".join([key(r[0].text) for r in body[:40] if r])
    bk_memo: list[str] = []

    def bk() -> str:  # the first rows' first three cells: joined only where a rule below reads them
        if not bk_memo:
            bk_memo.append("|".join([key(c.text) for r in body[:40] for c in r[:3]]))
        return bk_memo[0]

    if _INDICATOR_WORDS.search(hk) or first_col.startswith("绩效目标"):
        return ["performance_target"]
    subject_like = bool(_SUBJECT_WORDS.search(hk))
    if _THREE_PUBLIC_WORDS.search(hk) or (
        not subject_like and sum(w in bk() for w in ("因公出国", "公务接待", "公务用车")) >= 2
    ):
        return ["three_public"]
    if "采购" in hk and not ("基本支出" in hk and "项目支出" in hk):  # 深圳 支出总表: 政府采购 columns beside the uses
        return ["procurement"]
    if _ORG_WORDS.search(hk):
        return ["org_structure"]
    if not subject_like and _UNITS_LISTED(hk, bk()):
        return ["org_structure"]  # a 决算's 部门决算单位构成: the units it covers, untitled
    if not subject_like and ("资产总额" in bk() or ("房屋" in bk() and "车辆" in bk())):
        return ["assets"]
    tops = [h.split("/")[0] for h in hks]
    # a heading spanning two grid columns is one heading (江苏 2019 收入预算总表: 项目名称 over 一般公共预算资金 | 小计,
    # then 金额 — one side, not a 收支总表's 项目 | 金额 | 项目 | 金额)
    headings = [h for i, h in enumerate(hks) if i == 0 or h != hks[i - 1]]
    two_sided = (any(t.startswith("收入") for t in tops) and any(t.startswith("支出") for t in tops)) or sum(
        h.split("/")[-1] in ("项目", "项目名称", "收入项目", "支出项目") for h in headings
    ) >= 2
    if two_sided:
        if _FUND_WORDS.search(hk):
            return ["fiscal_summary"]
        if _UNIT_INCOME_WORDS.search(bk()):
            return ["summary"]
        if "财政拨款结转" in bk():
            return ["fiscal_summary"]
        return ["summary", "fiscal_summary"]
    if not subject_like and "绩效目标" in hk:
        return ["performance_target"]  # 浙江 项目支出绩效表: 单位名称 | 项目名称 | 金额 | (项目总体)绩效目标
    leaves = {h.split("/")[-1] for h in hks}
    if not subject_like and {"单位名称", "项目名称"} <= leaves:
        return ["project_expenditure"]  # projects by unit (浙江 表10: … | 财政拨款收入 / 一般公共预算 | 单位资金)
    function_coded = bool(_FUNCTION_WORDS.search(hk))  # a function table that splits 基本 into 人员/公用
    # … or whose codes say so (浙江 一般公共预算支出表: 科目编码 | 基本支出 / 人员经费 | 公用经费 | 项目支出, codes 2xx)
    function_coded = function_coded or _function_codes(body)
    if not function_coded and (("人员经费" in hk and "公用经费" in hk) or "经济分类" in hk):
        return ["basic_expenditure"]
    if "本年收入" in hk or "事业收入" in hk or "财政拨款收入" in hk or ("上年结转" in hk and "收入" in hk):
        return ["income"]
    if _EXPENDITURE_WORDS.search(hk):
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
    if out.title_kind == "performance_target" or _names_indicator_levels(rows[:8]):
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


def _names_indicator_levels(rows: list[list[Cell]]) -> bool:
    """Whether a cell of these rows reads 一级指标 (a loop, not a generator: the first rows of every table)."""
    for row in rows:
        for c in row:
            if key(c.text) == "一级指标":
                return True
    return False


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
    elif t in layouts.TITLE_OVER_HEADER and hints and all(h in layouts.TITLE_OVER_HEADER[t] for h in hints):
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
