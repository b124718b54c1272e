"""What kind of filing this is: ``doc_type`` (预算 | 决算) and ``scope`` (部门 | 单位).

Both are read from the filing's cover (its first lines, up to the 目录) and, where the cover says
nothing, from its table titles.  The spellings are data: add a row to :data:`SCOPE_SPELLINGS` or
:data:`DOC_TYPE_SPELLINGS` for a template that spells them another way.

Why it matters: a department publishes its 部门预算 (the department with all its units) and often a
单位预算 for its own organ; a year later the 部门决算 and 单位决算.  They are four different filings —
none replaces another (the warehouse keys supersession by doc_type and scope).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipelines.lib import layouts
from pipelines.lib.numbers import nfkc

# (pattern on the cover text with whitespace removed, scope).  Earlier rows win: an explicit
# "one unit" marker beats a generic 部门预算 (深圳: "2026年深圳市民政局（本级）部门预算" is the bureau's
# own organ, not the bureau with its units).
SCOPE_SPELLINGS: list[tuple[str, str]] = [
    (r"单位(预算|决算)", "unit"),  # 上海 区级单位预算 / 市级单位预算, 泉州 单位预算
    (r"预算单位[:：]", "unit"),  # 上海 cover: 预算单位：上海市数据局
    (r"[(（]本级[)）]", "unit"),  # 泉州 （本级）, 深圳 （本级）
    (r"[(（]汇总[)）]", "department"),  # 西安 西安市信访局（汇总）
    (r"部门(综合)?(预算|决算)", "department"),  # 部门预算, 年度部门决算, 区级部门预算, 部门综合预算
    (r"预算主管部门[:：]", "department"),  # 上海 cover: 预算主管部门：…
]

# Table titles: 上海 prints 预算单位… in every title of a 单位预算, 部门… in a 部门预算.
TITLE_SCOPE_SPELLINGS: list[tuple[str, str]] = [
    (r"^(\d{4}年(度)?)?预算单位", "unit"),
    (r"单位(预算|决算)", "unit"),
    (r"^(\d{4}年(度)?)?(区级|市级|省级|县级)?部门(?!（单位）|\(单位\))", "department"),
]

# (pattern, doc_type): a cover that names only one of them decides.
DOC_TYPE_SPELLINGS: list[tuple[str, str]] = [
    (r"决算", "final_accounts"),  # 部门决算, 单位决算, 年度部门决算, 收入支出决算总表
    (r"預算|预算", "budget"),
]

# Words naming both (部门预决算公开), or neither (预算 / 决算 inside a body's name: 预算工作委员会, 决算审查中心,
# layouts.BUDGET_IN_NAME): removed before the cover is read for the doc_type.
DOC_TYPE_NEITHER = [layouts.BUDGET_IN_NAME.pattern, r"预决算", r"預決算"]

_COVER_END = re.compile(r"^目录$|^目次$")
_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    return _SPACE.sub("", nfkc(text))


def cover_text(paragraphs: Iterable[str], limit: int = 12) -> str:
    """The cover: the first short lines up to the 目录 (a table of contents lists 部门决算单位构成 …)."""
    lines: list[str] = []
    for text in paragraphs:
        line = squash(text)
        if not line:
            continue
        if _COVER_END.match(line) or len(lines) >= limit:
            break
        if len(line) <= 60:
            lines.append(line)
    return "".join(lines)


def _first(rules: list[tuple[str, str]], text: str) -> str | None:
    for pattern, value in rules:
        if re.search(pattern, text):
            return value
    return None


def doc_type_of(cover: str, titles: list[str]) -> str:
    """``final_accounts`` or ``budget``: the cover if it names one only, else most table titles."""
    for pattern in DOC_TYPE_NEITHER:
        cover = re.sub(pattern, "", cover)
    named = {value for pattern, value in DOC_TYPE_SPELLINGS if re.search(pattern, cover)}
    if len(named) == 1:
        return named.pop()
    keyed = [squash(t) for t in titles if t]
    final = sum("决算" in t for t in keyed)
    budget = sum(bool(re.search(r"预算|預算", t)) and "决算" not in t for t in keyed)
    return "final_accounts" if final > budget else "budget"


def scope_of(cover: str, titles: list[str]) -> str:
    """``unit`` or ``department``: the cover's spelling, else most table titles, else department."""
    found = _first(SCOPE_SPELLINGS, cover)
    if found:
        return found
    votes = [v for t in titles if t and (v := _first(TITLE_SCOPE_SPELLINGS, squash(t)))]
    if votes and votes.count("unit") > votes.count("department"):
        return "unit"
    return "department"
