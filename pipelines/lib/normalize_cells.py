"""Reading a table's cells as normalize needs them: an amount in the table's unit (what is odd about it becomes a
problem), the header keys, the code and name columns, a column's measure, codes glued to names, side-by-side
column blocks, and split 类|款|项 codes joined."""

from __future__ import annotations

import re

from pipelines.lib import layouts
from pipelines.lib.classify_text import simplified
from pipelines.lib.model import Table
from pipelines.lib.normalize_records import Loc, Normalized, Problem
from pipelines.lib.normalize_rules import _match
from pipelines.lib.numbers import Amount, BadNumber, TooLarge, clean, fits, in_unit, parse_amount
from pipelines.lib.subjects import CODE


def _amount(text: str, table: Table, loc: Loc, out: Normalized, what: str, unit: str) -> Amount | None:
    """The cell's amount in the table's ``unit``; what is odd about it becomes a problem (a finding)."""
    plain = _MEMO.get((text, unit))
    if plain is not None:
        return plain
    n = len(out.problems)
    a = _amount_read(text, table, loc, out, what, unit)
    if a is not None and len(out.problems) == n:
        # a plain amount: its text and unit alone made it, and will again without a word to say (the memo holds
        # only these; a cell with anything to report is read in full every time, for its own message)
        if len(_MEMO) >= 1 << 16:
            _MEMO.clear()
        _MEMO[(text, unit)] = a
    return a


_MEMO: dict[tuple[str, str], Amount] = {}  # (cell text, table unit) → its amount, for the texts nothing is said of


def _amount_read(text: str, table: Table, loc: Loc, out: Normalized, what: str, unit: str) -> Amount | None:
    name = table.title or table.kind
    if layouts.CLASSIFIED.match(clean(text)):
        out.problems.append(Problem(
            check="amount_classified", table_kind=table.kind, location=str(loc), actual=text.strip(),
            message=f"{name}: the cell for {what} is printed {text.strip()!r}: withheld as classified, so no amount "
            "is loaded for it and the sums it stands in are not checked"))
        return None
    try:
        a = parse_amount(text)
    except TooLarge:
        out.problems.append(Problem(
            check="amount_fits", table_kind=table.kind, location=str(loc), actual=text,
            message=f"{name}: the cell for {what} reads {text!r}, far larger than any amount (the warehouse holds "
            "amounts below 10^16 元); it was not loaded, the rest of the table was — check the cell in the file",
        ))
        return None
    except BadNumber:
        out.problems.append(Problem(
            check="amount_parses", table_kind=table.kind, location=str(loc), actual=text,
            message=f"{name}: the cell for {what} reads {text!r}, which is not a number; "
            "the rest of the table was loaded without it",
        ))
        return None
    if a is None:
        return None
    if a.marker:
        out.problems.append(Problem(
            check="footnote_marker", table_kind=table.kind, location=str(loc), actual=text,
            message=f"{name}: the cell for {what} reads {text!r}; {a.marker} is a footnote marker, kept out of "
            f"the amount ({clean(text).removesuffix(clean(a.marker))}) — see the table's notes for what it says",
        ))
    if a.unit is not None and a.unit != unit:
        a = in_unit(a, unit)
        out.problems.append(Problem(
            check="amount_unit", table_kind=table.kind, location=str(loc), actual=text,
            message=f"{name}: the cell for {what} prints its own unit ({text.strip()!r}) in a table in {unit}; "
            f"loaded as {a.value.normalize():f} {unit}, converted exactly",
        ))
    if not fits(a, unit):
        out.problems.append(Problem(
            check="amount_fits", table_kind=table.kind, location=str(loc), actual=text,
            message=f"{name}: the cell for {what} reads {text!r} {unit}, above what the warehouse holds (amounts "
            "below 10^16 元); it was not loaded, the rest of the table was — check the cell in the file",
        ))
        return None
    return a


def _keys(table: Table) -> list[str]:
    # roles are matched in simplified characters: plpkl prints 項 目 | 合計 | 一般公共預算 …
    return [simplified(clean(h)) for h in table.header]


def _code_columns(keys: list[str], table: Table | None = None) -> tuple[list[int], int | None]:
    """Code columns (one, or 类|款|项 split) and the name column, from the header paths — or, where the header
    names none, from the cells: a leading column of subject codes (201, 20101, 2010101)."""
    split = [i for i, k in enumerate(keys) if re.search(r"(^|/)(类|款|项)$", k)]
    # two code groups (部门经济科目 类|款 and 政府经济科目 类|款, 烟台): the first run is the table's subject
    split = [i for n, i in enumerate(split) if i == split[0] + n]
    if split:
        codes = split
    else:
        # several 编码 columns (部门经济科目编码 | … | 政府经济科目编码): the first is the table's subject
        codes = [i for i, k in enumerate(keys) if "编码" in k or "代码" in k]
        if len(codes) > 1 and codes != list(range(codes[0], codes[0] + len(codes))):
            codes = codes[:1]  # adjacent 编码 columns are 类|款|项 split; apart, the first is the table's subject
        if not codes and table is not None:
            codes = [i for i in range(min(2, table.n_cols)) if _codes_in(table, i)][:1]
    names = [i for i, k in enumerate(keys) if "名称" in k and i not in codes]
    if not names:
        names = [i for i, k in enumerate(keys)
                 if re.search(r"(^|/)(项目|科目|[^/]*科目)(名称)?$", k) and i not in codes and "编码" not in k]
    return codes[:3], (names[0] if names else None)


_GENERIC_LEAF = re.compile(r"^(小计|合计|金额|预算数|预算|决算数)$")


def _column_measure(rules: list[tuple[str, str]], path: str) -> str | None:
    """A column's measure from its header path: the last segment speaks first (``基本支出 / 人员支出`` is
    personnel, not basic), unless it is generic (``基本支出 / 小计`` is basic); a lone 小计 is the total."""
    leaf = path.split("/")[-1]
    if m := _match(layouts.PATH_FIRST_MEASURES, path):
        return m
    if not _GENERIC_LEAF.match(leaf) and (m := _match(rules, leaf)):
        return m
    return _match(rules, path) or ("total" if leaf == "小计" else None)


# (a name never starts with a decimal point or a thousands comma: 24995.94 is an amount, not 24995 + ".94")
_GLUED = re.compile(r"^[\[【(（]?(\d{3}(?:\d{2}){0,2})[\]】)）]?(?:\s*[-－—_、.．:：]\s*|\s+|(?=[^\d\s]))([^\d\s.,，．].*)$")


def _codes_in(table: Table, col: int) -> bool:
    """Whether most non-blank cells of a column are subject codes (a code column with no 编码 header)."""
    texts = [clean(table.values(r)[col]) for r in table.body[:60]]
    texts = [t for t in texts if t and not re.search(r"合计|总计", t)]
    return len(texts) >= 2 and sum(bool(CODE.match(t)) for t in texts) >= 0.8 * len(texts)


def _glued_column(table: Table, name_col: int | None) -> int | None:
    """The column printing code and name in one cell (``2040601-行政运行``, ``201 一般公共服务支出``)."""
    cols = [name_col] if name_col is not None else []
    cols += [i for i in range(min(3, table.n_cols)) if i not in cols]
    for col in cols:
        texts = [table.values(r)[col].strip() for r in table.body[:60]]
        texts = [t for t in texts if t and not re.search(r"合计|总计", clean(t))]
        if len(texts) >= 2 and sum(bool(_GLUED.match(t)) for t in texts) >= 0.6 * len(texts):
            return col
    return None


def _blocks(keys: list[str]) -> list[list[int]]:
    """Column blocks of a table printed as two or more side by side (类 款 名称 决算数 | 类 款 名称
    决算数 — the 基本支出 tables of 上海 and 广东 决算): each block starts at the code columns
    before its 科目名称 column.  One block for an ordinary table."""
    names = [i for i, k in enumerate(keys) if re.search(r"(^|/)科目名称$", k)]
    if len(names) < 2:
        return [list(range(len(keys)))]
    is_code = re.compile(r"编码|代码|(^|/)(类|款|项)$")
    starts = [0]
    for previous, name in zip(names, names[1:], strict=False):
        start = name
        while start - 1 > previous and is_code.search(keys[start - 1]):
            start -= 1
        starts.append(start)
    return [list(range(a, b)) for a, b in zip(starts, [*starts[1:], len(keys)], strict=True)]


def _join_code(parts: list[str], context: list[str]) -> str | None:
    parts = [p for p in parts]
    if len(parts) == 1:
        code = parts[0]
        return code if CODE.match(code) else None
    lei, kuan, xiang = (parts + ["", "", ""])[:3]
    if not any(parts) or not all(p.isdigit() or p == "" for p in parts):
        return None
    if lei:
        context[0], context[1] = lei, ""
    else:
        lei = context[0]
    if kuan:
        context[1] = kuan
    elif xiang:
        kuan = context[1]
    code = lei + (kuan if (kuan and (parts[1] or xiang)) else "") + (xiang if xiang else "")
    return code if CODE.match(code) else None
