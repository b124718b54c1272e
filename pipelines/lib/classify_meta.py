"""Metadata printed around and inside the tables: 编制部门 / 单位名称 lines, 预算年度, the unit (单位：万元), a
department code glued to its name."""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, field, fields
from functools import lru_cache

from pipelines.lib.classify_text import _T2S
from pipelines.lib.numbers import nfkc

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
# the year as titles print it: 2026年; 岳阳 prints 2017-度 for 2017年度 (年 lost to "-")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年|-度)")
_ORG_END = re.compile(
    r"(?:办公室|局|委员会|院|中心|所|站|队|处|部|会|校|馆|社|厅|署|委|办|镇|乡|街道|政府|公司|协会|学校|大学|医院|幼儿园|单位)$"
)
_PARA_DEPT_YEAR = re.compile(r"^(?:第.部分\s*)?(.{2,40}?)((?:19|20)\d{2})\s*(?:年度?|-度)(?:部门|单位)?(?:预算|决算)")


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
    # every label _SPLIT_BEFORE marks ends in a colon: a text without one has nothing to mark
    marked = _SPLIT_BEFORE.sub("\x00\\1", text) if (":" in text or "：" in text) else text
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
    assigned, other, all_meta = _read_meta(text, allow_code_name)
    for name, value in assigned:  # what the text sets, applied as its own `meta.x = meta.x or value` would
        setattr(meta, name, getattr(meta, name) or value)
    meta.other.extend(other)
    return all_meta


class _Recording(Meta):
    """A fresh Meta that remembers which fields were assigned (a field never assigned must stay as it was)."""

    def __setattr__(self, name: str, value: object) -> None:
        self.__dict__.setdefault("_assigned", set()).add(name)
        super().__setattr__(name, value)


@lru_cache(maxsize=1 << 14)  # every cell of a table's head and every paragraph is read, some twice (classify, identify)
def _read_meta(text: str, allow_code_name: bool) -> tuple[tuple[tuple[str, object], ...], tuple[str, ...], bool]:
    """What ``text`` alone sets: the assigned fields with their values (``a or b`` chains, so applying them with
    ``or`` onto a Meta equals reading the text into it), the ``other`` tokens, and whether all of it is meta."""
    rec = object.__new__(_Recording)  # Meta()'s defaults, without a recorded __setattr__ per field
    rec.__dict__.update({name: make() if make is not MISSING else default for name, default, make in _FIELDS},
                        _assigned=set())
    all_meta = _parse_meta_into(text, rec, allow_code_name)
    names = [name for name, _, _ in _FIELDS if name != "other" and name in rec.__dict__["_assigned"]]
    return tuple((n, getattr(rec, n)) for n in names), tuple(rec.other), all_meta


_FIELDS = [(f.name, f.default, f.default_factory) for f in fields(Meta)]


def _parse_meta_into(text: str, meta: Meta, allow_code_name: bool) -> bool:
    tokens = _tokens(text)
    if not tokens:
        return False
    all_meta = True
    for tok in tokens:
        nk = nfkc(tok)
        if m := _UNIT_RE.search(tok):
            meta.unit = meta.unit or _norm_unit(m.group(1))
            rest = (tok[: m.start()] + tok[m.end() :]).strip(" ()（）")
            if rest and not _parse_meta_into(rest, meta, allow_code_name):
                all_meta = False
        elif m := _YEAR_RE.search(tok):
            meta.year = meta.year or int(nfkc(m.group(1)))
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
