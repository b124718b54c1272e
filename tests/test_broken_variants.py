"""Deliberately broken versions of the reference filing: the right check fires at the right place, and an
absent table is coverage, not failure."""

import copy
from pathlib import Path

import pytest

from pipelines.lib.checks import validate
from pipelines.lib.normalize import normalize
from pipelines.lib.stages import read_filing

REFERENCE = (Path(__file__).parents[1] / "data/samples/河北省/邯郸市/魏县/2023/201_中国共产党魏县委员会办公室_2023.docx")


@pytest.fixture(scope="module")
def filing():
    return read_filing(REFERENCE.read_bytes(), REFERENCE.name)


def run(f):
    v = validate(f, normalize(f, "0" * 64))
    return v, {(r.check, r.table_kind): r for r in v.results}


def set_cell(table, code: str, header_word: str, text: str):
    col = next(i for i, h in enumerate(table.header) if header_word in h.replace(" ", ""))
    for row in table.body:
        vals = table.values(row)
        if code in vals:
            cell = next(c for c in row if c.col == col)
            cell.text = text
            return cell
    raise AssertionError(f"{code} not in {table.title}")


def test_reference_is_clean(filing):
    v, _ = run(filing)
    assert v.findings == []


def test_a_kuan_off_by_ten(filing):
    f = copy.deepcopy(filing)
    [t] = f.by_kind("expenditure")
    cell = set_cell(t, "20129", "合计", "301.31")  # printed 291.31
    v, by = run(f)
    hier = [x for x in v.findings if x.check == "hierarchy_sum"]
    # 201 = 20129 + 20131 no longer holds, and 20129 ≠ its only 项 2012901
    assert {x.location for x in hier} == {f"table {t.index} row {cell.row - 1} col {cell.col}",
                                          f"table {t.index} row {cell.row} col {cell.col}"}
    assert all(x.severity == "warning" for x in hier)
    assert any(x.expected == "1974.41" and x.actual == "1984.41" for x in hier)
    assert by[("measures_sum", "expenditure")].status == "failed"  # 301.31 ≠ 291.31 + blank project


def test_swapped_columns_break_the_cross_table_identity(filing):
    f = copy.deepcopy(filing)
    [t] = f.by_kind("general_public_expenditure")
    i = next(i for i, h in enumerate(t.header) if "基本支出" in h)
    j = next(i for i, h in enumerate(t.header) if "项目支出" in h)
    t.header[i], t.header[j] = t.header[j], t.header[i]
    v, by = run(f)
    cross = [x for x in v.findings if x.check == "cross_table"]
    assert [(x.expected, x.actual) for x in cross] == [("1683.10", "358.32")]
    assert "基本支出合计 = 基本支出表 合计" in cross[0].message
    assert by[("measures_sum", "general_public_expenditure")].status == "passed"  # the row sums still hold


def test_missing_table_is_not_run_not_failed(filing):
    f = copy.deepcopy(filing)
    f.tables = [t for t in f.tables if t.kind != "basic_expenditure"]
    v, by = run(f)
    assert v.findings == []
    assert by[("hierarchy_sum", "basic_expenditure")].status == "not_run"
    assert by[("hierarchy_sum", "basic_expenditure")].reason == "the filing has no 基本支出表"


def test_unreadable_amount_is_a_finding_and_the_rest_loads(filing):
    f = copy.deepcopy(filing)
    [t] = f.by_kind("expenditure")
    cell = set_cell(t, "2013102", "合计", "32S.70")
    norm = normalize(f, "0" * 64)
    v = validate(f, norm)
    [bad] = [x for x in v.findings if x.check == "amount_parses"]
    assert bad.location == f"table {t.index} row {cell.row} col {cell.col}"
    assert bad.actual == "32S.70"
    assert not v.rejected
    assert any(x.subject_code == "2013102" and x.measure == "project" for x in norm.lines)


def test_a_subject_printed_twice_is_reported_and_counted_once(filing):
    f = copy.deepcopy(filing)
    [t] = f.by_kind("expenditure")
    i = next(i for i, row in enumerate(t.body) if "2013101" in t.values(row))
    dup = copy.deepcopy(t.body[i])
    for c in dup:
        c.row = 99
    t.body.insert(i + 1, dup)
    norm = normalize(f, "0" * 64)
    v = validate(f, norm)
    [x] = [x for x in v.findings if x.check == "subject_unique"]
    assert x.actual == "2013101" and x.location == f"table {t.index} row 99 col 0"
    assert len([ln for ln in norm.lines if ln.table_kind == "expenditure" and ln.subject_code == "2013101"
                and ln.measure == "total"]) == 1
    assert not [x for x in v.findings if x.check == "hierarchy_sum"]  # counted once, the sums still hold
