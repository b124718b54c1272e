"""Subject-coded tables (收入总表, 支出总表, 一般公共预算 / 政府性基金 / 国有资本经营支出表, 基本支出表, 机关运行经费):
one ``Line`` per subject and measure, with the cross-classification, unit sections and unit rows they print."""

from __future__ import annotations

import re
from collections import defaultdict

from pipelines.lib import layouts, subject_lookup
from pipelines.lib.model import Cell, Table
from pipelines.lib.normalize_cells import (
    _GLUED,
    _amount,
    _blocks,
    _code_columns,
    _column_measure,
    _glued_column,
    _join_code,
    _keys,
)
from pipelines.lib.normalize_records import Line, Loc, Normalized, Problem, SummaryLine, UnitLine, UnitRow
from pipelines.lib.normalize_rules import (
    FINAL_MEASURE_KINDS,
    FINAL_MEASURES,
    MEASURES,
    SINGLE_AMOUNT,
    SINGLE_AMOUNT_RE,
    SUBJECT_KINDS,
    SUMMARY_INCOME_ITEMS,
    _match,
    basis_of,
)
from pipelines.lib.numbers import clean
from pipelines.lib.subjects import CODE, ECONOMIC_CLASSES, FUNCTION_CLASSES


def _subject_table(table: Table, unit: str, out: Normalized) -> None:
    all_keys = _keys(table)
    blocks = _blocks(all_keys)
    for block in blocks:
        keys = [k if i in block else "" for i, k in enumerate(all_keys)]
        _subject_block(table, unit, out, keys, block_measure=_block_measure(table, keys, block) if len(blocks) > 1
                       else None)


# A block of a side-by-side 基本支出表 is one half: its heading or its total row says which.
BLOCK_MEASURES = [(r"人员经费", "personnel"), (r"公用经费", "public_operating")]


def _block_measure(table: Table, keys: list[str], block: list[int]) -> str:
    found = _match(BLOCK_MEASURES, " ".join(keys[i] for i in block))
    for row in table.body[::-1]:
        if found:
            break
        vals = table.values(row)
        found = _match(BLOCK_MEASURES, " ".join(clean(vals[i]) for i in block if "合计" in vals[i]))
    return found or "total"


_SPLIT_CODE = re.compile(r"(^|/)(类|款|项)$")


def _cross_groups(table: Table, keys: list[str], code_cols: list[int], name_col: int | None,
                  glued: int | None) -> list[tuple[list[int], int | None, bool]]:
    """The table's *other* classification columns, beside the subject's own (a cross-classified table):
    ``(code columns, name column, glued)`` per classification, in printed order.

    Three printings are known (``layouts.CROSS_CLASSIFICATION_HEADER`` names the header words): a second run of
    split 类|款 columns with its name column after it (烟台: 部门经济科目 类 款 名称 | 政府经济科目 类 款 名称), a second
    编码 column with its 名称 beside it, and columns printing code and name in one cell (北京 预算03表:
    ``2040601-行政运行 | 50101-工资奖金津补贴 | 30101-基本工资``)."""
    own = set(code_cols) | {name_col, glued}
    groups: list[tuple[list[int], int | None, bool]] = []
    taken: set[int] = set()
    split = [i for i, k in enumerate(keys) if _SPLIT_CODE.search(k) and i not in own]
    editors = [i for i, k in enumerate(keys) if ("编码" in k or "代码" in k) and i not in own and i not in split]
    runs: list[list[int]] = []
    for i in sorted(split + editors):
        if runs and i == runs[-1][-1] + 1 and i in split and runs[-1][-1] in split:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        after = run[-1] + 1
        name = after if after < len(keys) and after not in own and re.search(r"名称|科目", keys[after]) and \
            not _SPLIT_CODE.search(keys[after]) else None
        groups.append((run, name, False))
        taken |= set(run) | ({name} if name is not None else set())
    if glued is not None or (code_cols and name_col is not None):
        for col in range(table.n_cols):
            if col in own or col in taken or not re.search(layouts.CROSS_CLASSIFICATION_HEADER, keys[col]):
                continue
            texts = [table.values(r)[col].strip() for r in table.body[:60]]
            texts = [t for t in texts if t and not re.search(r"合计|总计", clean(t))]
            if len(texts) >= 2 and sum(bool(_GLUED.match(t)) for t in texts) >= 0.6 * len(texts):
                groups.append(([col], col, True))
    return sorted(groups, key=lambda g: g[0][0])


def _cross_of(vals: list[str], groups: list[tuple[list[int], int | None, bool]],
              contexts: list[list[str]]) -> tuple[str | None, str | None]:
    """A row's codes and names in the other classification columns (``50101|30101``, ``工资奖金津补贴|基本工资``)."""
    codes: list[str] = []
    names: list[str] = []
    for (cols, name_col, glued), context in zip(groups, contexts, strict=True):
        if glued:
            g = _GLUED.match(vals[cols[0]].strip())
            code, name = (g.group(1), g.group(2).strip()) if g else (None, vals[cols[0]].strip())
        else:
            parts = [clean(vals[i]) for i in cols]
            code = _join_code(parts, context)
            name = vals[name_col].strip() if name_col is not None else ""
        codes.append(code or "")
        names.append(name)
    if not any(codes) and not any(names):
        return None, None
    return "|".join(codes), "|".join(names)


# patterns asked of every row or column of a subject table, compiled once (not looked up in re's cache each time)
_ROW_NUMBERS = re.compile(r"序号|行次|栏次")
_FIGURE_ONLY = re.compile(r"^[\d,.\-%]+$")
_TOTAL_WORD = re.compile(r"合计|总计")
_LANCI_LABEL = re.compile(r"栏次|^\d+$|^\*+$")


def _prints_subjects_again(table: Table, code_cols: list[int], glued: int | None,
                           body_values: list[list[str]] | None = None) -> bool:
    """Whether a table prints its subjects over again, run after run (北京 预算05表 lists the department's rows, then
    each unit's, without the unit's name): a code printed again after other codes, where the order starts over.
    A row printed twice in a row stays a duplicate (a finding), not a new run.  ``body_values``: ``table.values`` of
    each body row, when the caller has them."""
    col = glued if glued is not None else (code_cols[0] if len(code_cols) == 1 else None)
    if col is None:
        return False
    codes = []
    for vals in body_values if body_values is not None else map(table.values, table.body):
        text = vals[col].strip()
        g = _GLUED.match(text) if glued is not None else None
        code = g.group(1) if g else clean(text)
        if CODE.match(code):
            codes.append(code)
    restarts = [i for i in range(1, len(codes)) if codes[i] < codes[i - 1]]
    return bool(restarts) and any(codes[i] in codes[:i] for i in restarts)


def _unit_row(vals: list[str], code_cols: list[int], name_col: int | None) -> str | None:
    """The unit a row names, where a subject table prints a unit's row before its subjects (``layouts.UNIT_ROW_CODE``:
    a unit code, not a subject code, beside an organisation's name)."""
    if len(code_cols) != 1 or name_col is None:
        return None
    name = vals[name_col].strip()
    if layouts.UNIT_ROW_CODE.match(clean(vals[code_cols[0]])) and clean(name).endswith(layouts.ORG_ENDINGS):
        return name
    return None


def _subject_block(table: Table, unit: str, out: Normalized, keys: list[str], block_measure: str | None) -> None:
    code_cols, name_col = _code_columns(keys, table)
    unit_cols = [i for i, k in enumerate(keys) if layouts.BY_UNIT_HEADER.match(k)]
    if unit_cols and not any(re.search(r"科目|功能|经济", keys[i]) for i in code_cols):
        # rows are units (024 苏州市审计局 / 024001 …): their codes (部门代码) are the units', never subject codes
        code_cols = []
        name_col = next((i for i in unit_cols if "名称" in keys[i]), unit_cols[-1])
    glued = _glued_column(table, name_col) if not code_cols else None
    if glued is not None:
        name_col = glued
    if table.kind == "income" and not code_cols and glued is None and name_col is not None and \
            sum(1 for k in keys if _column_measure(MEASURES["income"], k)) <= 1:  # one amount column: by source
        _income_by_source(table, unit, out, keys)
        return
    rules = MEASURES[table.kind]
    if out.doc_type == "final_accounts":
        # the carry-over columns belong to the 政府性基金 / 国有资本经营 收入支出决算表 only
        rules = (FINAL_MEASURES if table.kind in FINAL_MEASURE_KINDS else []) + rules + SINGLE_AMOUNT
    if block_measure:
        # one amount per block: the subject's own figure, a part (人员经费 | 公用经费) of the 基本支出
        rules = [(pattern, block_measure) for pattern, _ in SINGLE_AMOUNT]
    cross = _cross_groups(table, keys, code_cols, name_col, glued) if table.kind != "income" else []
    cross_cols = {i for cols, name, _ in cross for i in (*cols, name) if i is not None}
    measure_cols: list[tuple[int, str]] = []
    # a second total column (西安 2019 收入总表: 总计 beside 部门预算 / 合计): in a table printed by unit, read and checked
    # Σ units = 合计 like the first, not stored
    twin_cols: list[tuple[int, str]] = []
    bases: dict[int, str] = {}
    seen: set[tuple[str, str]] = set()
    for i, k in enumerate(keys):
        if i in code_cols or i == name_col or i in cross_cols or not k or _ROW_NUMBERS.search(k):
            continue
        m = _column_measure(rules, k)
        if m is None and out.year and (y := layouts.PRIOR_YEAR_COLUMN.match(k)) and int(y.group("year")) < out.year:
            m = "prior_year_budget"  # 重庆: 2025年预算数 beside 2026年预算数 / 总计 …
        b = basis_of(k, out.doc_type)
        if m and (m, b) not in seen:
            measure_cols.append((i, m))
            bases[i] = b
            seen.add((m, b))
        elif m == "total" and (m, b) in seen and re.search(r"(?:^|/)(?:合计|小计)$", k):
            twin_cols.append((i, f"{m}/{i}"))  # 西安 2019: 总计 | 部门预算 / 合计 — the same total again
    if not measure_cols:
        single = [i for i, k in enumerate(keys) if i not in code_cols and i != name_col and SINGLE_AMOUNT_RE.search(k)]
        if len(single) == 1:
            measure_cols = [(single[0], "total")]
            bases[single[0]] = basis_of(keys[single[0]], out.doc_type)
    classification = SUBJECT_KINDS[table.kind]
    if re.search(layouts.ECONOMIC_TITLE, clean(table.title or "")):
        classification = "economic"
    unit_col, item_col, unit_rows, unit_is_total = _unit_rows(table, keys, code_cols, name_col, glued)
    body_values = [table.values(row) for row in table.body]  # each row's values once, for every pass below
    current_unit: str | None = None
    first_unit_line, first_line = len(out.unit_lines), len(out.lines)
    by_unit = not code_cols and glued is None and name_col is not None and bool(
        re.search(layouts.UNIT_COLUMN_HEADER, keys[name_col]))
    if code_cols and len(code_cols) == 1:
        # a spending table by economic class (福州/泉州 一般公共预算支出经济分类情况表: 301 工资福利支出 …), or a
        # 基本支出表 by function class (西安 一般公共预算基本支出明细表（按支出功能分类科目）: 201 一般公共服务支出 …)
        printed = [c for vals in body_values if (c := clean(vals[code_cols[0]])) and CODE.match(c)]
        economic = sum(bool(layouts.ECONOMIC_CODE.match(c)) for c in printed)
        if classification == "function" and printed and economic > len(printed) / 2:
            classification = "economic"
        elif classification == "economic" and printed and economic < len(printed) / 2 and re.search(
                layouts.FUNCTION_TITLE, clean(table.title or "")):
            classification = "function"
    # a table printing names only (杭州 原点财通): each row takes its code from the shipped subject list by its exact
    # name under the 类 / 款 above it (subject_lookup); a name the list does not hold under that parent stays a finding
    names_only = not code_cols and glued is None and name_col is not None and not by_unit
    classes = FUNCTION_CLASSES if classification == "function" else ECONOMIC_CLASSES
    walk = subject_lookup.NameWalk(subject_lookup.shipped(), classification, classes, out.year) if names_only else None
    by_name: list[str] = []
    not_found: dict[tuple[int, int], str] = {}  # row → why its name gave no code
    context = ["", ""]  # the last 类 and 款 seen, for split code columns that print only the new part
    seen_rows: dict[tuple, Loc] = {}  # a subject (or 合计) printed twice would double every sum
    cross_contexts = [["", ""] for _ in cross]
    section, previous_code, first_line = 1, None, len(out.lines)
    named = any(_unit_row(vals, code_cols, name_col) is not None for vals in body_values)
    section_name: str | None = None  # the unit of the current section, where the table names its units
    sectioned = not cross and not named and _prints_subjects_again(table, code_cols, glued, body_values)
    for row, vals in zip(table.body, body_values, strict=True):
        if named and (unit_name := _unit_row(vals, code_cols, name_col)) is not None:
            # a unit's row (西安: 125001 西安市安全生产宣传教育中心 461.80 …): its subtotal, then its own subject rows
            section, section_name, previous_code = (section + 1 if section_name else 1), unit_name, None
            seen_rows = {k: v for k, v in seen_rows.items() if k[0] is None and k[2] is None}
            context[:] = ["", ""]
            for c in cross_contexts:
                c[:] = ["", ""]
            first = row[0] if row else Cell("", 0, 0)
            for col, measure in measure_cols:
                loc = Loc(first.table, first.row, col)
                if (a := _amount(vals[col], table, loc, out, f"{unit_name} / {measure}", unit)) is not None:
                    out.lines.append(Line(table.kind, classification, None, unit_name, measure, a, unit, loc, True,
                                          bases[col], None, None, section, unit_name))
            continue
        parts = [clean(vals[i]) for i in code_cols]
        code = _join_code(parts, context) if code_cols else None
        if code is None and len(parts) == 1 and re.fullmatch(r"\d{2}", parts[0]) and context[0]:
            # one code column printing only the new part under its parent (208 / 05 / 2080505): 款 under the 类
            code = context[0][:3] + parts[0]
        elif code is not None and len(parts) == 1 and len(code) == 3:
            context[0] = code
        glued_name = None
        if glued is not None and (g := _GLUED.match(vals[glued].strip())):
            code, glued_name = g.group(1), g.group(2).strip()
        if code is None and len(parts) > 1 and any(len(p) == 1 and p.isdigit() for p in parts[1:]):
            first = row[0] if row else Cell("", 0, 0)
            out.problems.append(Problem(
                check="subject_code_present", table_kind=table.kind,
                location=str(Loc(first.table, first.row, code_cols[1])), actual="|".join(parts),
                message=f"{table.title or table.kind}: {vals[name_col].strip() if name_col is not None else ''} is "
                f"printed with code {'|'.join(parts)} — a 款/项 code has two digits (0{parts[-1]}?); the row was "
                "kept out rather than guessed",
            ))
            continue
        name = glued_name or (vals[name_col].strip() if name_col is not None else "")
        # the row's own name beside its unit (杭州: 单位名称 | 项目名称 | 金额): an item of that unit
        own_name = vals[item_col].strip() if item_col is not None else ""
        if unit_col is not None and code is None and clean(vals[unit_col]) and not clean(own_name):
            name = vals[unit_col].strip()
        if not clean(name) and code is None:  # 合计 printed in another text column (陕西: under 政府经济科目名称)
            name = next((v for i, v in enumerate(vals) if v.strip() and not _FIGURE_ONLY.match(clean(v))),
                        "")
        label = clean(name) or clean(" ".join(vals[i] for i in code_cols))
        is_total = code is None and bool(_TOTAL_WORD.search(label))
        if not code_cols and name_col is None and glued is None and code is None and unit_col is None:
            if not any(clean(vals[c]) for c, _ in measure_cols):
                continue  # an empty row (上海: a wide table's last column spilled onto a page of its own, blank)
            is_total, label = True, "合计"  # a table of one row and no subject column (江苏 支出预算总表): the total
        if code is None and not is_total and unit_col is not None and label:
            r_id = (row[0].table, row[0].row) if row else None
            if r_id in unit_rows:
                current_unit = name.strip()
            elif clean(own_name) and clean(vals[unit_col]):
                current_unit = vals[unit_col].strip()
            if r_id in unit_rows and unit_is_total:
                is_total = True  # the filing's only unit, printed where a 合计 row would be (深圳 本级)
            elif r_id in unit_rows or not (code_cols or glued is not None):
                item = None if r_id in unit_rows else (own_name or name.strip())
                for col, measure in measure_cols:
                    loc = Loc(row[0].table, row[0].row, col)
                    a = _amount(vals[col], table, loc, out, f"{label} / {measure}", unit)
                    if a is not None:
                        out.unit_lines.append(UnitLine(table.kind, current_unit, item, measure, a, unit, loc,
                                                       bases[col]))
                        if item is None:  # a unit's own figure: checked with the others against the 合计
                            out.unit_rows.append(UnitRow(table.kind, current_unit or label, measure, a, unit, loc))
                for col, measure in twin_cols if item is None else ():
                    loc = Loc(row[0].table, row[0].row, col)
                    if (a := _amount(vals[col], table, loc, out, f"{label} / {measure}", unit)) is not None:
                        out.unit_rows.append(UnitRow(table.kind, current_unit or label, measure, a, unit, loc))
                continue
        if (code is None and not is_total and walk is not None and label not in ("", "无")
                and not _LANCI_LABEL.search(label)):
            found = walk.match(label)
            if found.code:
                code = found.code
                by_name.append(f"table {row[0].table} row {row[0].row}: {label} → {found.code}" if row else label)
            elif row:
                not_found[(row[0].table, row[0].row)] = found.why
        if code is None and not is_total:
            if not label or label in ("无",) or _LANCI_LABEL.search(label):  # ** 1 2 …: 栏次 unlabelled
                continue
            if by_unit:  # a unit's row (浙江 收入预算总表 by 单位名称): read and checked against the 合计
                for col, measure in measure_cols:
                    a = _amount(vals[col], table, Loc(row[0].table, row[0].row, col), out, f"{label} / {measure}",
                                unit)
                    if a is not None:
                        out.unit_rows.append(UnitRow(table.kind, name.strip(), measure, a, unit,
                                                     Loc(row[0].table, row[0].row, col)))
                continue
            # a row with amounts but neither a code nor a total label: report, do not guess
            if any(clean(vals[i]) for i, _ in measure_cols):
                out.problems.append(Problem(
                    check="subject_code_present", table_kind=table.kind,
                    location=str(Loc(row[0].table, row[0].row, 0)), actual=label,
                    message=f"{table.title or table.kind}: row {label!r} has amounts but no subject code"
                    + (f" (the table prints names only, and {not_found[(row[0].table, row[0].row)]})"
                       if (row[0].table, row[0].row) in not_found else
                       " (the table prints names only)" if names_only else ""),
                ))
            continue
        first = row[0] if row else Cell("", 0, 0)
        cross_code, cross_name = _cross_of(vals, cross, cross_contexts) if cross and not is_total else (None, None)
        if sectioned and not is_total and previous_code and code < previous_code:
            # the subjects start over (北京 预算05表: each unit's rows after the department's, no unit name printed)
            section += 1
            seen_rows = {k: v for k, v in seen_rows.items() if k[0] is None}
        previous_code = code if not is_total else previous_code
        key = (code, cross_code, section if section > 1 or section_name else None)
        if key in seen_rows and code is None and _same_amounts(table, seen_rows[key], row, measure_cols):
            # 合计 printed again with the same figures (西南大学: above the lines and below them): read, not a fact
            earlier = seen_rows[key]
            if earlier.table != first.table:  # 佛山 决算: reprinted atop each continuation page — said, not hidden
                out.problems.append(Problem(
                    check="subject_unique", table_kind=table.kind, location=str(Loc(first.table, first.row, 0)),
                    actual="合计",
                    message=f"{table.title or table.kind}: the 合计 row is printed again (table {first.table} row "
                    f"{first.row}) with the same figures as the first (table {earlier.table} row {earlier.row}) — a "
                    "total repeated on a continuation page; counted once, the repeat checked equal to it",
                ))
            for col, measure in measure_cols:
                loc = Loc(first.table, first.row, col)
                if (a := _amount(vals[col], table, loc, out, f"{label} / {measure}", unit)) is not None:
                    out.lines.append(Line(table.kind, classification, None, label, measure, a, unit, loc, True,
                                          bases[col]))
            continue
        if key in seen_rows:
            earlier = seen_rows[key]
            out.problems.append(Problem(
                check="subject_unique", table_kind=table.kind, location=str(Loc(first.table, first.row, 0)),
                actual=code or "合计",
                message=f"{table.title or table.kind}: {code or '合计'} {label} is printed twice (table {earlier.table} "
                f"row {earlier.row} and table {first.table} row {first.row}); the second was kept out",
            ))
            continue
        seen_rows[key] = Loc(first.table, first.row, 0)
        for col, measure in measure_cols:
            loc = Loc(first.table, first.row, col)
            a = _amount(vals[col], table, loc, out, f"{label} / {measure}", unit)
            if a is None:
                continue
            out.lines.append(Line(table.kind, classification, None if is_total else code, name.strip() or label,
                                  measure, a, unit, loc, is_total, bases[col], cross_code, cross_name,
                                  section if (section > 1 or section_name) and not is_total else None,
                                  section_name if not is_total else None))
            if (by_unit or unit_col is not None) and is_total and not unit_is_total:
                out.unit_rows.append(UnitRow(table.kind, label, measure, a, unit, loc, True))
        for col, measure in twin_cols if (by_unit or unit_col is not None) and is_total and not unit_is_total else ():
            loc = Loc(first.table, first.row, col)
            if (a := _amount(vals[col], table, loc, out, f"{label} / {measure}", unit)) is not None:
                out.unit_rows.append(UnitRow(table.kind, label, measure, a, unit, loc, True))
    for x in out.lines[first_line:]:
        x.logical = table.index
    if by_name:
        out.problems.append(Problem(
            check="subject_code_present", table_kind=table.kind, location=f"table {table.index}",
            actual="; ".join(by_name),
            message=f"{table.title or table.kind}: the table prints subject names without codes; {len(by_name)} "
            "rows took their code from yusuan's subject list (pipelines/lib/data/subjects.csv) by exact name under "
            f"the 类 / 款 above them ({'; '.join(x.split(': ', 1)[-1] for x in by_name[:3])}"
            + ("; … — every row with its location in the finding's actual value)" if len(by_name) > 3 else ")"),
        ))
    if section > 1:
        for x in out.lines[first_line:]:  # the first run is a section too, once a second one is known
            if x.loc.table in table.parts and x.section is None and not x.is_total:
                x.section = 1
    if len(out.unit_lines) > first_unit_line:
        _drop_whole_department(out, first_unit_line, first_line)


def _drop_whole_department(out: Normalized, first_unit_line: int, first_line: int) -> None:
    """A unit row repeating the table's 合计 in every column is the department as a whole, printed before its units
    (杭州: 合计, 杭州市司法局, then 杭州市司法局 本级 and each unit): not stored again in unit_lines (it is checked,
    with the units, against the 合计 — checks.unit_rows_sum).  Only while another unit row is left: a department of
    one unit prints that unit with the 合计's figures too (西安 信访局 2026 收入总表: 合计, 121 西安市信访局, 121001
    西安市信访局, all 28,384,234.71), and that unit is stored."""
    totals = {x.measure: x.amount.value for x in out.lines[first_line:] if x.is_total}
    rows: dict[tuple[int, int], list[UnitLine]] = defaultdict(list)
    for x in out.unit_lines[first_unit_line:]:
        if x.item_name is None:
            rows[(x.loc.table, x.loc.row)].append(x)
    whole: set[tuple[int, int]] = set()
    for key, xs in rows.items():
        if totals and len(xs) == len(totals) and all(totals.get(x.measure) == x.amount.value for x in xs) and any(
                other != key and other not in whole for other in rows):
            whole.add(key)
    if whole:
        out.unit_lines[first_unit_line:] = [x for x in out.unit_lines[first_unit_line:]
                                            if (x.loc.table, x.loc.row) not in whole]


def _unit_rows(table: Table, keys: list[str], code_cols: list[int], name_col: int | None,
               glued: int | None) -> tuple[int | None, int | None, set[tuple[int, int]], bool]:
    """A table naming its rows by spending unit (layouts.UNIT_LABEL_HEADER): that column, the column naming each
    row's own item beside it (科目名称, 项目名称), the rows that are units (not 合计, not a code's row, no item of
    their own, and — where the column also lists items under each unit — named like an organisation), and whether
    the only unit stands where a 合计 row would (no 合计 printed, one unit)."""
    col = next((i for i, k in enumerate(keys) if i not in code_cols and re.search(layouts.UNIT_LABEL_HEADER, k)), None)
    if col is None:
        return None, None, set(), False
    item_col = name_col if name_col not in (None, col) else next(
        (i for i, k in enumerate(keys) if i != col and i not in code_cols and "名称" in k), None)
    units_only = bool(re.search(layouts.UNITS_ONLY_HEADER, keys[col]))
    rows: set[tuple[int, int]] = set()
    has_total = False
    for row in table.body:
        if not row:
            continue
        vals = table.values(row)
        text = clean(vals[col])
        if not text:
            continue
        if _TOTAL_WORD.search(text):
            has_total = True
            continue
        if code_cols and any(clean(vals[i]) for i in code_cols):
            continue
        if glued is not None and _GLUED.match(vals[glued].strip()):
            continue
        if item_col is not None and clean(vals[item_col]):
            continue  # the row's own name beside its unit: an item of that unit, not the unit's row
        if units_only or code_cols or glued is not None or \
                layouts.SCOPE_SUFFIX.sub("", text).endswith(layouts.ORG_ENDINGS):
            rows.add((row[0].table, row[0].row))
    return col, item_col, rows, (not has_total and len(rows) == 1)


def _same_amounts(table: Table, earlier: Loc, row: list[Cell], measure_cols: list[tuple[int, str]]) -> bool:
    """Whether ``row`` prints the same amounts as the earlier row at ``earlier`` in every measured column."""
    before = next((r for r in table.body if r and r[0].table == earlier.table and r[0].row == earlier.row), None)
    if before is None:
        return False
    a, b = table.values(before), table.values(row)
    return any(clean(b[c]) for c, _ in measure_cols) and all(clean(a[c]) == clean(b[c]) for c, _ in measure_cols)


def _income_by_source(table: Table, unit: str, out: Normalized, keys: list[str]) -> None:
    """A 收入总表 listing income by source, without function codes (江苏: 一般公共预算资金 | 小计 | 金额, its parts
    on the rows below): summary lines of table_kind ``income``, each source an item of the 收支总表's vocabulary."""
    amount_cols = [i for i, k in enumerate(keys) if SINGLE_AMOUNT_RE.search(k) or re.search(r"合计|小计", k)]
    if not amount_cols:
        return
    group_item = None
    for row in table.body:
        vals = table.values(row)
        labels = [v.strip() for i, v in enumerate(vals) if i not in amount_cols and v.strip()]
        if not labels:
            continue
        label = " / ".join(labels)
        first = clean(labels[0])
        item = _match(SUMMARY_INCOME_ITEMS, first)
        if clean(vals[0]):  # a source group (its 小计 row), or a line of its own
            group_item = item
        else:
            item = _match(SUMMARY_INCOME_ITEMS, first) or group_item or "other"
        if item is None:
            item = "other" if re.search(r"资金|收入", first) else None
        if item is None:
            out.problems.append(Problem(
                check="summary_item_known", table_kind=table.kind, location=str(Loc(row[0].table, row[0].row, 0)),
                actual=label, message=f"{table.title or table.kind}: the income line {label!r} is not a known source; "
                "kept out"))
            continue
        for col in amount_cols:
            loc = Loc(row[0].table, row[0].row, col)
            a = _amount(vals[col], table, loc, out, label, unit)
            if a is not None:
                out.summary.append(SummaryLine("income", "income", item, label, None, "amount", a, unit, loc))
