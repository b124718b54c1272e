"""Subject codes looked up by name, for tables that print names only (杭州 原点财通: ``公共安全支出`` /
``　司法`` / ``　　行政运行`` without 204 / 20406 / 2040601).

The list is data: ``pipelines/lib/data/subjects.csv`` (shipped in the wheel, read through ``importlib.resources``),
one row per (classification, code, name) with where it comes from — ``filing`` (printed with its code in a real
filing or sample, ``source`` names the file) or ``classification`` (entered by hand from the published
政府收支分类科目 / 部门预算支出经济分类科目).  ``scripts/harvest_subjects.py`` rebuilds the ``filing`` rows.

A name is matched only within its parent, exactly, after normalizing whitespace and full-width forms (NFKC):
walking down the table, a row is first a 项 of the 款 above it, else a 款 of the 类 above it, else a 类 by its
national name.  Never fuzzily, never across parents: ``行政运行`` is 2040601 under 司法 (20406), 2040701 under
监狱 (20407), and nothing at all before a 款 is known.  A name that two codes print under one parent is
ambiguous and not matched.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from pipelines.lib.numbers import nfkc

CSV_COLUMNS = ["classification", "code", "name", "parent", "level", "provenance", "source", "year"]
_ORDINAL = re.compile(r"^[（(]?[一二三四五六七八九十百零〇]+[)）、.．]\s*|^\d+[、.．]\s*|^[（(]\d+[)）]\s*")


def normalized_name(text: str) -> str:
    """The name as compared: full-width forms folded (NFKC: ``（护）`` = ``(护)``), all whitespace removed, a leading
    ordinal (``一、``, ``（二）``) dropped.  Nothing else: two names that differ in a character are different."""
    folded = "".join(nfkc(text).split())
    return _ORDINAL.sub("", folded)


@dataclass(frozen=True)
class Entry:
    classification: str
    code: str
    name: str
    provenance: str  # filing | classification
    source: str
    year: int | None = None  # the latest year a filing printed the pair (the classification's year for hand entries)


@dataclass
class SubjectList:
    """(classification, parent code or '' for a 类, normalized name) → the codes printed under that name, each with
    the latest year it was printed."""

    codes: dict[tuple[str, str, str], dict[str, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: list[Entry]) -> SubjectList:
        out = cls()
        for e in entries:
            parent = e.code[:-2] if len(e.code) > 3 else ""
            years = out.codes.setdefault((e.classification, parent, normalized_name(e.name)), {})
            years[e.code] = max(years.get(e.code, 0), e.year or 0)
        return out

    def under(self, classification: str, parent: str, name: str, year: int | None = None) -> set[str]:
        """The codes of ``name`` under ``parent``.  Where the name was printed with two codes in different years (a
        项 renumbered: 其他社会保障和就业支出 2089901 in 2019, 2089999 in 2026), the code of the latest year not after
        ``year`` stands; two codes of one year stay two (ambiguous)."""
        years = self.codes.get((classification, parent, normalized_name(name)), {})
        if len(years) > 1 and year:
            known = {c: y for c, y in years.items() if y <= year} or years
            latest = max(known.values())
            return {c for c, y in known.items() if y == latest}
        return set(years)


def read_entries(text: str) -> list[Entry]:
    return [Entry(r["classification"], r["code"], r["name"], r["provenance"], r["source"],
                  int(r["year"]) if r["year"] else None) for r in csv.DictReader(text.splitlines())]


@lru_cache(maxsize=1)
def shipped() -> SubjectList:
    """The list yusuan ships (``pipelines/lib/data/subjects.csv``)."""
    text = resources.files("pipelines.lib").joinpath("data", "subjects.csv").read_text(encoding="utf-8")
    return SubjectList.of(read_entries(text))


@dataclass
class Match:
    code: str | None
    why: str  # for a finding: "→ 2040601" or why nothing was matched


@dataclass
class NameWalk:
    """Codes for the rows of one names-only table, top to bottom: each matched 类 / 款 becomes the parent of the rows
    below it.  ``classes`` are the national 类 names (``subjects.FUNCTION_CLASSES``), tried after the list's 类."""

    subjects: SubjectList
    classification: str
    classes: dict[str, str]
    year: int | None = None  # the filing's year: which code of a renumbered name stands
    context: list[str] = field(default_factory=lambda: ["", ""])  # the last 类 and 款 matched

    def match(self, name: str) -> Match:
        lei, kuan = self.context
        tried: list[str] = []
        for parent, level in ((kuan, 3), (lei, 2), ("", 1)):
            if level > 1 and not parent:
                continue
            codes = self.subjects.under(self.classification, parent, name, self.year)
            if level == 1 and not codes and (c := self.classes.get(normalized_name(name))):
                codes = {c}
            if len(codes) > 1:
                return Match(None, f"{name!r} stands for {len(codes)} codes under {parent or 'no parent'}: "
                             f"{' and '.join(sorted(codes))}, not guessed")
            if codes:
                code = next(iter(codes))
                if level == 1:
                    self.context[:] = [code, ""]
                elif level == 2:
                    self.context[1] = code
                return Match(code, f"→ {code}")
            tried.append(parent or "the 类 names")
        self.context[1] = ""  # the row may be a 款 of its own: the rows below it are not matched under the 款 above
        return Match(None, f"{name!r} is not in yusuan's subject list under " + " or ".join(tried))
