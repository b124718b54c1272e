"""Department and year you can trust: the filing's name and year from the tables' labelled lines, the cover, the
paragraphs, the titles and a heading, in that order (``layouts.py`` says where a filing names itself); notes where
the sources disagree."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from pipelines.lib import layouts
from pipelines.lib.classify_header import _Parsed
from pipelines.lib.classify_meta import _PARA_DEPT_YEAR, _TITLE_YEAR, Meta, parse_meta
from pipelines.lib.classify_text import key, squash
from pipelines.lib.model import RawDocument, Table
from pipelines.lib.numbers import nfkc
from pipelines.lib.vocab import BUDGET_KINDS

# what a department's name never holds: digits, punctuation, a title's 表 (代表 is a name's), budget words
_NOT_IN_NAME = re.compile(r"[0-9０-９:：，,。；;%]|(?<!代)表|预算|决算|说明")


def plausible_name(text: str | None) -> str | None:
    """``text`` as a department's name, or None when it cannot be one (a pronoun, a sentence, a cell with digits)."""
    if not text:
        return None
    name = layouts.NAME_PREFIX.sub("", squash(text)).strip(" ：:，,。")
    if not (3 <= len(name) <= 40) or layouts.NOT_A_NAME_START.match(name):
        return None
    # a title's 表 is no name's, but 代表 is (人大常委会代表工作委员会, 代表联络处)
    if _NOT_IN_NAME.search(layouts.BUDGET_IN_NAME.sub("", name)):
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
            if m.start("name") > m.start("year") and (name := _whole_name(text, m.start("name"), m.end("name"))):
                return name, int(m.group("year"))
            # the name is the longest plausible tail of what stands before/after the year
            raw = m.group("name")
            for i in range(len(raw)):
                if (name := plausible_name(raw[i:])) is not None:
                    return name, int(m.group("year"))
    return None, year


_COVER_DOC = re.compile(layouts.COVER_DOC)


def _whole_name(text: str, start: int, end: int) -> str | None:
    """A name after the year that holds a doc-type word of its own (2026年魏县人大常委会预算工作委员会部门预算: the
    cover's pattern stops at the first 预算, 魏县人大常委会): the longest plausible name from ``start`` up to a later
    预算 / 部门预算 / … that holds such a word (layouts.BUDGET_IN_NAME) past ``end``, where the pattern's name ended
    (泉州市人民政府办公室（本级）单位预算 is no name ending in 单位)."""
    best = None
    for d in _COVER_DOC.finditer(text, end + 1):
        if d.start() - start > 40:
            break
        if (name := plausible_name(text[start:d.start()])) is not None and name == text[start:d.start()] \
                and layouts.BUDGET_IN_NAME.search(text, end - 1, d.start()):
            best = name
    return best


_TITLE_KIND_WORDS = re.compile(r"(?:\d{4}年度?)?(?:部门|单位)?(?:收支|收入|支出|财政拨款|一般公共|政府性|国有资本|三公|“三公”|基本支出|项目支出)")


def paragraph_meta(paragraphs) -> Meta:
    """What the labelled lines among the first 400 paragraphs say (编制单位：…, 预算年度：…, 单位：万元)."""
    para_meta = Meta()
    for para in paragraphs[:400]:
        text = para.text.strip()
        if text and len(text) <= 120:
            parse_meta(text, para_meta, allow_code_name=False)
    return para_meta


_DEPARTMENT_LABEL_KEYS = frozenset(key(w) for w in layouts.DEPARTMENT_LABELS)


@lru_cache(maxsize=1 << 14)  # the first rows' cells of every table
def _department_label(text: str) -> bool:
    """Whether a cell reads as a label of the department's name (部门名称, with or without its colon)."""
    return key(text).rstrip(":：") in _DEPARTMENT_LABEL_KEYS


def identify(raw: RawDocument, parsed: list[_Parsed], tables: list[Table],
             para_meta: Meta | None = None) -> tuple[str | None, str | None, int | None, list[str]]:
    """(name, code, year, notes): the department from the tables' labelled lines, the cover, the paragraphs'
    labelled lines, the titles, a heading — in that order, each name judged by :func:`plausible_name`; notes say
    where the sources disagree (prefixed ``identity:``).  ``para_meta``: :func:`paragraph_meta` of the document's
    paragraphs, where the caller has it."""
    notes: list[str] = []
    label_names = Counter(n for p in parsed if (n := plausible_name(p.meta.name)))
    codes = Counter(p.meta.code for p in parsed if p.meta.code and plausible_name(p.meta.name))
    years = Counter(p.meta.year for p in parsed if p.meta.year)
    cover_name, cover_year = cover_identity(raw.paragraphs)
    if para_meta is None:
        para_meta = paragraph_meta(raw.paragraphs)
    title_names = Counter()
    for t in tables:
        if t.kind in BUDGET_KINDS and t.title and (m := _TITLE_KIND_WORDS.search(key(t.title))) and m.start() > 0:
            if n := plausible_name(key(t.title)[: m.start()]):
                title_names[n] += 1
    # 部门名称 | 北京市司法局 — a label cell and its value, in the first rows of a table (a 绩效目标 table's head)
    pair_names = Counter()
    for rt in raw.tables:
        for row in rt.rows[:3]:
            for a, b in zip(row, row[1:], strict=False):
                if _department_label(a.text) and (n := plausible_name(b.text)):
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
        int(m.group(1)) for t in tables if (m := _TITLE_YEAR.search(nfkc(t.title))))
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
