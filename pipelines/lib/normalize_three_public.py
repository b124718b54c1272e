"""三公 tables, wide (categories as columns) or vertical (categories as rows): ``ThreePublicLine`` per category
and fund source; the year before's budget and the change on it, printed beside the year's own figures (as columns
or as rows), are lines of basis ``prior_year_budget`` / ``change_on_prior_year``."""

from __future__ import annotations

import re

from pipelines.lib import layouts
from pipelines.lib.classify_text import simplified
from pipelines.lib.model import Table
from pipelines.lib.normalize_cells import _amount, _keys
from pipelines.lib.normalize_records import Loc, Normalized, Problem, ThreePublicLine, UnitRow
from pipelines.lib.normalize_rules import (
    BASIS_SPELLINGS,
    FUND_SOURCES,
    THREE_PUBLIC_CATEGORIES,
    _match,
    basis_of,
)
from pipelines.lib.numbers import clean


def _basis_rows(table: Table, keys: list[str], doc_type: str) -> tuple[dict[int, str], set[int]]:
    """Each column's basis, from its header and from rows that only label columns 预算数 / 决算数
    (上海's 决算 prints that row under the header, in the body); the label rows' indices."""
    bases = {i: basis_of(k, doc_type) for i, k in enumerate(keys)}
    label_rows: set[int] = set()
    for r, row in enumerate(table.body[:4]):
        vals = [clean(v) for v in table.values(row)]
        named = {i: _match(BASIS_SPELLINGS, v) for i, v in enumerate(vals) if v}
        if named and all(named.values()):
            label_rows.add(r)
            bases.update({i: b for i, b in named.items() if b})
    return bases, label_rows


def _year_rows(table: Table, keys: list[str], out: Normalized) -> dict[int, str] | None:
    """Where a table prints one row per year (深圳 三公: 年度 2025年 | 2026年 | 增减变化金额), each row's basis: the
    filing's own year its columns' own, the year before ``prior_year_budget``, the change row ``change_on_prior_year``
    (docs/warehouse.md); any other row gets a problem saying why it is not loaded.  None where the table has no year
    column."""
    col = next((i for i, k in enumerate(keys) if re.search(layouts.YEAR_ROW_HEADER, k)), None)
    if col is None:
        return None
    rows: dict[int, str] = {}
    name = table.title or table.kind
    for r, row in enumerate(table.body):
        label = table.values(row)[col].strip()
        m = re.search(r"((?:19|20)\d{2})", label)
        if m and out.year is not None and int(m.group(1)) == out.year:
            rows[r] = "own"
            continue
        if not label or not row:
            continue
        if out.doc_type == "budget" and out.year is not None and (
                (m and int(m.group(1)) == out.year - 1) or (not m and re.search(layouts.CHANGE_ROW, clean(label)))):
            rows[r] = "prior_year_budget" if m else "change_on_prior_year"
            continue
        why = (f"the row {label!r} prints the {m.group(1)} figures beside this filing's {out.year} ones; each year's "
               "三公 comes from that year's own filing (marts.three_public_trend compares the years), so it is not "
               "loaded") if m else f"the row {label!r} names no year yusuan can place; it is not loaded"
        out.problems.append(Problem(check="year_row", table_kind=table.kind,
                                    location=str(Loc(row[0].table, row[0].row, 0)), actual=label,
                                    message=f"{name}: {why}"))
    return rows


def _three_public_table(table: Table, unit: str, out: Normalized) -> None:
    keys = _keys(table)
    bases, label_rows = _basis_rows(table, keys, out.doc_type)
    # wide layout: the categories are columns; vertical: they are rows
    # a column whose last segment is a fund (深圳: 因公出国(境)费 / 一般公共预算): category above, fund below
    funds = {i: f for i, k in enumerate(keys) if "/" in k and (f := _match(layouts.THREE_PUBLIC_FUND_LEAF,
                                                                             k.split("/")[-1]))}
    # …or whose last segment names the figure (决算: 合计 / 预算数 | 合计 / 决算数 …): category above, basis below
    leaf = set(funds) | {i for i, k in enumerate(keys) if "/" in k and _match(BASIS_SPELLINGS, k.split("/")[-1])
                         and not _match(THREE_PUBLIC_CATEGORIES, k.split("/")[-1])}
    header_cats = [(i, _match(THREE_PUBLIC_CATEGORIES, (k.rsplit("/", 1)[0] if i in leaf else k).split("/")[-1]),
                    k.rsplit("/", 1)[0] if i in leaf else k) for i, k in enumerate(keys)]
    wide = sum(1 for _, c, _ in header_cats if c) >= 3
    if wide:
        year_rows = _year_rows(table, keys, out)
        # a row of sub-headings printed in the body under a cut header (西安: 小计 | 公务用车购置经费 | 公务用车运行维护
        # under three columns whose header reads alike): it names those columns, it is no data row
        for r, row in enumerate(table.body[:2]):
            vals = table.values(row)
            texts = {i: clean(v) for i, v in enumerate(vals) if clean(v)}
            if texts and not any(re.search(r"\d", t) for t in texts.values()) and \
                    all(_match(THREE_PUBLIC_CATEGORIES, t) for t in texts.values()):
                label_rows.add(r)
                for n, (i, cat, k) in enumerate(header_cats):
                    if i in texts and cat is not None:
                        sub_cat = _match(THREE_PUBLIC_CATEGORIES, texts[i])
                        header_cats[n] = (i, "vehicles" if sub_cat == "subtotal" and "车" in k else sub_cat,
                                          f"{k}/{texts[i]}")
        total_row = _by_unit_total_row(table, keys)
        for i, cat, k in header_cats:
            if cat is None:
                continue
            if cat == "subtotal" and re.search(r"用车|车", k):
                cat = "vehicles"
            elif cat in ("vehicle_purchase", "vehicle_operation", "vehicles") and "车" not in k and "购置" not in k \
                    and "运行" not in k:
                continue
            # a group of columns printing the year before's budget or the change on it (西安: 2018年 | 2019年 |
            # 增减变化情况, 上年 | 当年 | 增减变化情况): facts of their own basis (docs/warehouse.md)
            y = layouts.PRIOR_YEAR_GROUP.match(k)
            column_basis = bases[i]
            if layouts.CHANGE_GROUP.match(k):
                column_basis = "change_on_prior_year"
            elif (y and out.year and int(y.group("year")) < out.year) or (not y and layouts.PRIOR_GROUP_WORDS.match(k)):
                column_basis = "prior_year_budget"
            for r, row in enumerate(table.body):
                vals = table.values(row)
                if r in label_rows or not any(clean(v) for v in vals) or clean(vals[0]) in ("无",) or \
                        (year_rows is not None and r not in year_rows):
                    continue
                loc = Loc(row[0].table, row[0].row, i)
                basis = year_rows[r] if year_rows and year_rows[r] != "own" else column_basis
                if basis in ("prior_year_budget", "change_on_prior_year") and (
                        out.doc_type != "budget" or (y and out.year and int(y.group("year")) < out.year - 1)):
                    # a 决算's comparison, or a year before the year before: no basis names it
                    _left_for_comparison(table, i, vals[i], loc, out, "an earlier year's figure or the change on it")
                    continue
                a = _amount(vals[i], table, loc, out, k, unit)
                if a is None:
                    if layouts.CLASSIFIED.match(clean(vals[i])):
                        out.withheld.add((cat, funds.get(i, "total"), basis))
                    continue
                if total_row is not None:  # printed by unit: the 合计 row is the department's, the rest checked
                    out.unit_rows.append(UnitRow(table.kind, vals[0].strip(), f"{cat}/{i}/{basis}", a, unit, loc,
                                                 r == total_row))
                    if r != total_row:
                        continue
                out.three_public.append(ThreePublicLine(cat, table.header[i], funds.get(i, "total"), a, unit, loc,
                                                        basis))
        return
    label_col = next((i for i, k in enumerate(keys) if re.search(r"项目", k)), 1 if len(keys) > 1 else 0)
    fund_cols = [(i, _match(FUND_SOURCES, k)) for i, k in enumerate(keys) if i != label_col]
    fund_cols = [(i, f) for i, f in fund_cols if f and not re.search(r"序号|行次", keys[i])]
    col_basis = {i: bases[i] for i, _ in fund_cols}
    for i in col_basis:
        y = layouts.COLUMN_YEAR.match(keys[i])
        if y and out.year and int(y.group("year")) < out.year:
            prior = out.doc_type == "budget" and int(y.group("year")) == out.year - 1 and bases[i] == "budget"
            col_basis[i] = "prior_year_budget" if prior else None
    for r, row in enumerate(table.body):
        vals = table.values(row)
        label = vals[label_col].strip()
        key = simplified(clean(label))
        if not key or r in label_rows or layouts.COUNT_ROW.search(key):
            continue
        cat = _match(THREE_PUBLIC_CATEGORIES, key.replace("其中:", "").replace("其中：", ""))
        if cat is None:
            continue
        if cat == "subtotal" and "用车" in key:
            cat = "vehicles"
        for col, fund in fund_cols:
            loc = Loc(row[0].table, row[0].row, col)
            if col_basis[col] is None:  # an earlier year's 执行数 / 决算数: no basis names it
                _left_for_comparison(table, col, vals[col], loc, out, "an earlier year's figure")
                continue
            a = _amount(vals[col], table, loc, out, f"{label} / {fund}", unit)
            if a is None and layouts.CLASSIFIED.match(clean(vals[col])):
                out.withheld.add((cat, fund, bases[col]))
            if a is not None:
                out.three_public.append(ThreePublicLine(cat, label, fund, a, unit, loc, col_basis[col]))


def _left_for_comparison(table: Table, col: int, text: str, loc: Loc, out: Normalized, what: str) -> None:
    """A printed cell of a column no basis names (an earlier year's figure, printed for comparison): a finding."""
    if clean(text):
        out.problems.append(Problem(
            check="three_public_prior_year", table_kind=table.kind, location=str(loc), actual=text.strip(),
            message=f"{table.title or table.kind}: {table.header[col]} is {what}, printed for comparison; "
            "the 三公 facts are the year's own columns"))


def _by_unit_total_row(table: Table, keys: list[str]) -> int | None:
    """The body index of the 合计 row of a table printed by unit (its first column lists units), else None."""
    # the unit column leads, or follows a 单位编码 column (西安: 单位编码 | 单位名称 | …)
    col = next((i for i, k in enumerate(keys[:2]) if re.search(layouts.UNIT_COLUMN_HEADER, k)), None)
    if col is None or (col == 1 and not re.search(r"编码|代码", keys[0])):
        return None
    return next((r for r, row in enumerate(table.body)
                 if any(re.fullmatch(r"合计|总计", clean(v)) for v in table.values(row)[:col + 1])), None)


def only_sum_is_total(lines: list[ThreePublicLine], withheld: set) -> None:
    """The 三公 sum a table prints as its only sum, with nothing beside it, is its total (layouts.THREE_PUBLIC_BESIDE_
    THE_SUM): where a fund and basis has a subtotal and no total, no 会议费 / 培训费, and the subtotal equals the sum of
    its categories as printed (none withheld), its category becomes total.  ``lines``: one table's."""
    groups: dict[tuple[str, str], dict[str, ThreePublicLine]] = {}
    for x in lines:
        groups.setdefault((x.fund_source, x.basis), {}).setdefault(x.category, x)
    for (fund, basis), cats in groups.items():
        sub = cats.get("subtotal")
        if sub is None or "total" in cats or any(c in cats for c in layouts.THREE_PUBLIC_BESIDE_THE_SUM):
            continue
        parts = []
        for cat, under in layouts.THREE_PUBLIC_SUM_PARTS:
            names = (cat,) if cat in cats else tuple(c for c in under if c in cats)
            if any((c, fund, basis) in withheld for c in (cat, *under)):
                parts = []
                break
            parts += [cats[c].amount.value for c in names]
        if parts and sum(parts) == sub.amount.value:
            sub.category = "total"
