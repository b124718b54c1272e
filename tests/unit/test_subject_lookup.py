"""Subject codes looked up by name (tables that print names only, 杭州 原点财通): exact, within the parent, never
across parents; an unknown name is a finding that names the line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipelines.lib import coverage, subject_lookup
from pipelines.lib.model import Cell, Filing, Table
from pipelines.lib.normalize import normalize
from pipelines.lib.subject_lookup import Entry, NameWalk, SubjectList, normalized_name
from pipelines.lib.subjects import ECONOMIC_CLASSES, FUNCTION_CLASSES

ROOT = Path(__file__).resolve().parents[2]


def _list(*pairs: tuple[str, str] | tuple[str, str, int]) -> SubjectList:
    return SubjectList.of([Entry("function", p[0], p[1], "filing", "x.pdf", p[2] if len(p) > 2 else 2026)
                           for p in pairs])


SMALL = _list(("204", "公共安全支出"), ("20406", "司法"), ("2040601", "行政运行"), ("20407", "监狱"),
              ("2040704", "罪犯生活及医疗卫生"))


def _walk(subjects: SubjectList = SMALL, year: int | None = 2026) -> NameWalk:
    return NameWalk(subjects, "function", FUNCTION_CLASSES, year)


def test_a_name_is_matched_under_its_parent_and_not_under_another():
    walk = _walk()
    assert [walk.match(n).code for n in ("公共安全支出", "司法", "行政运行")] == ["204", "20406", "2040601"]
    # 行政运行 under 监狱: the list knows it only under 司法 — not 2040601, not matched at all
    assert walk.match("监狱").code == "20407"
    miss = walk.match("行政运行")
    assert miss.code is None and "20407" in miss.why
    # the 款 above is no longer trusted after a miss: a known 项 of 监狱 is not read under it until a 款 is matched
    assert walk.match("罪犯生活及医疗卫生").code is None
    assert [walk.match(n).code for n in ("监狱", "罪犯生活及医疗卫生")] == ["20407", "2040704"]


def test_nothing_is_matched_without_its_parent():
    walk = _walk()
    assert walk.match("行政运行").code is None  # no 类 / 款 above it yet
    assert walk.match("司法").code is None  # a 款 before its 类
    assert walk.match("公共安全支出").code == "204"  # a 类 by its national name


def test_names_compare_after_whitespace_and_full_width_folding_only():
    assert normalized_name("　　维修（护）费 ") == normalized_name("维修(护)费")
    assert normalized_name("一、公共安全支出") == "公共安全支出"
    walk = _walk()
    walk.match("公共安全支出")
    assert walk.match("　司 法").code == "20406"
    assert walk.match("行政运行费").code is None  # one character more is another name: never fuzzy


def test_two_codes_for_one_name_under_one_parent():
    # the same year: ambiguous, not guessed
    both = _list(("208", "社会保障和就业支出"), ("20899", "其他社会保障和就业支出"),
                 ("2089901", "其他社会保障和就业支出"), ("2089999", "其他社会保障和就业支出"))
    walk = _walk(both)
    walk.match("社会保障和就业支出")
    walk.match("其他社会保障和就业支出")
    miss = walk.match("其他社会保障和就业支出")
    assert miss.code is None and "2089901" in miss.why and "2089999" in miss.why
    # a code renumbered between years: the latest printing not after the filing's year stands
    renumbered = _list(("208", "社会保障和就业支出"), ("20899", "其他社会保障和就业支出"),
                       ("2089901", "其他社会保障和就业支出", 2019), ("2089999", "其他社会保障和就业支出", 2026))
    for year, code in ((2026, "2089999"), (2019, "2089901"), (2020, "2089901")):
        walk = _walk(renumbered, year)
        codes = [walk.match(n).code for n in ("社会保障和就业支出", "其他社会保障和就业支出", "其他社会保障和就业支出")]
        assert codes == ["208", "20899", code]


def _names_only_table(rows: list[list[str]]) -> Table:
    body = [[Cell(text, r + 2, c, table=3) for c, text in enumerate(row)] for r, row in enumerate(rows)]
    return Table(index=3, kind="general_public_expenditure", title="表5：一般公共预算支出预算表", unit="万元",
                 header=["功能分类科目名称", "合计"], body=body, n_cols=2, parts=[3])


def test_a_names_only_table_gets_codes_and_an_unknown_name_is_a_finding_naming_the_line():
    t = _names_only_table([
        ["合计", "130.00"],
        ["公共安全支出", "130.00"],
        ["　司法", "100.00"],
        ["　　行政运行", "100.00"],
        ["　某个不存在的款", "30.00"],
        ["　　行政运行", "30.00"],  # under the unknown 款: not taken as 2040601 again
    ])
    f = Filing("pdf", None, "某局", 2026, "budget", "万元", [t], [])
    out = normalize(f, "x")
    got = {(x.subject_code, x.amount.value) for x in out.lines if not x.is_total}
    assert got == {("204", Decimal("130.00")), ("20406", Decimal("100.00")), ("2040601", Decimal("100.00"))}
    left = [p for p in out.problems if "no subject code" in p.message]
    assert [p.location for p in left] == ["table 3 row 6 col 0", "table 3 row 7 col 0"]
    assert "'某个不存在的款' is not in yusuan's subject list under 20406 or 204 or the 类 names" in left[0].message
    assert "'行政运行' is not in yusuan's subject list under 204 or the 类 names" in left[1].message
    said = [p for p in out.problems if "by exact name" in p.message]
    assert len(said) == 1 and "table 3 row 5: 行政运行 → 2040601" in said[0].actual
    assert "3 rows took their code" in said[0].message and "司法 → 20406" in said[0].message
    # the two amounts left out are coverage gaps that say why, in the same words
    cov = coverage.measure(f, out)
    assert (cov.printed, cov.read) == (6, 4)
    reasons = {g.label: g.reason for g in cov.gaps}
    assert "its name is not in yusuan's subject list under 20406 or 204 or the 类 names" in reasons["某个不存在的款"]
    assert "under 204 or the 类 names" in reasons["行政运行"]


def test_the_shipped_list_is_in_the_package_and_says_where_each_row_comes_from():
    text = (ROOT / "pipelines" / "lib" / "data" / "subjects.csv").read_text(encoding="utf-8")
    entries = subject_lookup.read_entries(text)
    assert len(entries) > 300
    assert {e.provenance for e in entries} == {"filing", "classification"}
    for e in entries:
        assert len(e.code) in (3, 5, 7) and e.code.isdigit() and e.name
        assert e.classification == ("function" if e.code.startswith("2") else "economic")
        if e.provenance == "filing":
            assert e.source.startswith(("real_samples/", "data/samples/", "seed/")), e
            if e.source.startswith("data/samples/"):
                assert (ROOT / e.source).is_file(), e.source
        else:
            assert "entered by hand" in e.source
    # hand entries never contradict a filing: one name under one parent has one code, or codes of different years
    # (a code renumbered, 2089901 → 2089999); a same-year pair would be an error in the list, not an ambiguity
    years: dict[tuple[str, str, str], dict[str, set[int | None]]] = {}
    for e in entries:
        key = (e.classification, e.code[:-2] if len(e.code) > 3 else "", normalized_name(e.name))
        years.setdefault(key, {}).setdefault(e.code, set()).add(e.year)
    for key, codes in years.items():
        if len(codes) > 1:
            printed = [y for ys in codes.values() for y in ys]
            assert len(printed) == len(set(printed)), (key, codes)
    # the shipped list, read through importlib.resources, is the file
    shipped = subject_lookup.shipped()
    assert shipped.under("function", "20406", "行政运行") == {"2040601"}
    assert shipped.under("economic", "302", "维修（护）费") == {"30213"}
    walk = NameWalk(shipped, "economic", ECONOMIC_CLASSES, 2026)
    assert [walk.match(n).code for n in ("工资福利支出", "其他社会保障缴费")] == ["301", "30112"]  # 30104 is 2017's
