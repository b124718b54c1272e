"""The whole-filing variants of ../shared/seed/VARIANTS.md (``tests/variants/test_families.py``: the order of the tables,
a 单位预算, the Hebei metadata row naming code and department, 山东's pair of 收支预算总表, fandezvous' tables by
政府预算经济分类, 岳阳's 2017-度, a 决算 under a metadata row, 平山's 收支总表 of 31 classes with 序号 and 栏次, 广东's and
长沙's uses in the 收支总表) printed as PDFs, built as a government export is built (a .docx printed by LibreOffice,
``build.py``), without rules and ruled: each must read as the figures typed there, every printed amount read, no
finding.  A table the page break splits is one logical table (``Warehouse.parts``).
"""

from __future__ import annotations

import pytest

from tests.docx_builder import C, p
from tests.pdf_layouts import build as B
from tests.variants import filings as F
from tests.variants import test_families as V
from tests.variants.warehouse import Warehouse, ingested

FAMILIES = ("none", "full")


def _docx(filing: list[tuple[F.Table, F.Style]], family: str) -> bytes:
    """A filing as ``filings.docx`` prints it (编制部门 / 单位 lines, a metadata row, or 单位 in the header's last cell),
    its grids ruled by ``family``."""
    blocks = [p(filing[0][1].cover())]
    for t, s in filing:
        header = [list(r) for r in t.header]
        n = max(sum(c.span if isinstance(c, C) else 1 for c in r) for r in [*header, *t.body])
        blocks.append(p(t.title, heading=True))
        if s.form:
            blocks.append(p(s.form))
        if s.meta == "lines":
            blocks += [p(f"{s.dept_label}{s.dept}"), p(f"{s.unit_label}{s.unit}")]
        elif s.meta == "row":
            meta = [f"{s.code}{s.dept}", f"{s.year_label}：{F.YEAR}", f"{s.unit_label}{s.unit}"]
            base, extra = divmod(n, 3)
            header.insert(0, [C(x, span=base + (1 if i < extra else 0)) for i, x in enumerate(meta)])
        else:
            blocks.append(p(f"{s.dept_label}{s.dept}"))
            header.insert(0, [C("", span=n - 1), C(f"{s.unit_label}{s.unit}")])
        blocks += [B.table_xml(F.Table(t.title, header, t.body), family), *(p(b) for b in t.below)]
    return B.document(blocks)


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> dict[str, Warehouse]:
    """A warehouse per family (the two prints of a filing are one department's filing twice), printed in one run."""
    B.need_soffice()
    docs = {f"{name}_{family}": _docx(filing, family) for name, filing in V.FILINGS.items() for family in FAMILIES}
    tmp = tmp_path_factory.mktemp("pdf_families")
    paths = B.printed(docs, tmp)
    return {family: ingested([x for x in paths if x.stem.endswith(f"_{family}")], tmp / f"{family}.duckdb")
            for family in FAMILIES}


def _tables(wh: Warehouse, file: str) -> dict[str, list[int]]:
    return dict(wh.parts(file))


def _clean(wh: Warehouse, file: str) -> None:
    """Every printed amount read (each logical table's coverage row), no finding."""
    for _, tables in wh.parts(file):
        printed, read = wh.coverage(file, tables[0])
        assert printed == read, wh.gaps(file, tables[0])
    assert wh.findings(file) == []


def _lines(wh: Warehouse, file: str, tables: list[int], **kw) -> set:
    return set().union(*(wh.lines(file, t, **kw) for t in tables))


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("n", range(len(V.ORDERS)), ids=list(V.ORDERS))
def test_table_order(wh, n, family):
    wh, file = wh[family], f"order_{n}_{family}"
    order = list(V.ORDERS.values())[n]
    assert [k for k, _ in wh.parts(file)] == [V.KINDS[i] for i in order]
    at = _tables(wh, file)
    assert wh.summary(file, at["summary"][0]) == F.expect_summary(False)
    assert _lines(wh, file, at["expenditure"]) == F.expect_function(F.EXPENDITURE)
    assert _lines(wh, file, at["basic_expenditure"]) == F.BASIC_LINES
    # (its one row may open the next page, under its header closing this one)
    assert set().union(*(wh.three_public(file, t) for t in at["three_public"])) == {
        (k, "budget", v) for k, v in F.THREE.items() if v}
    _clean(wh, file)


@pytest.mark.parametrize("family", FAMILIES)
def test_unit_budget(wh, family):
    wh, file = wh[family], f"unit_{family}"
    _, status, name, year, doc_type, scope, _ = wh.doc(file)
    assert (status, name, year, doc_type, scope) == ("loaded", "魏县变体测试服务中心", F.YEAR, "budget", "unit")
    assert [k for k, _ in wh.parts(file)] == ["summary", "income", "expenditure"]
    assert _lines(wh, file, _tables(wh, file)["income"]) == F.expect_function(F.INCOME)
    _clean(wh, file)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(("name", "code", "dept"), [("hebei", "920", "平山县下口镇财政所"),
                                                   ("daibiao", "105", "魏县人大常委会代表工作委员会"),
                                                   ("bianshen", "302", "魏县财政局预算编审中心")])
def test_metadata_row_names_code_and_department(wh, name, code, dept, family):
    wh, file = wh[family], f"{name}_{family}"
    assert wh.con.execute("select department_code, department_name from core.documents where document_id = ?",
                          [wh.doc(file)[0]]).fetchone() == (code, dept)
    assert _lines(wh, file, _tables(wh, file)["income"]) == F.expect_function(F.INCOME)
    _clean(wh, file)


@pytest.mark.parametrize("family", FAMILIES)
def test_shandong_summary_by_function_and_by_economic_class(wh, family):
    wh, file = wh[family], f"shandong_{family}"
    [(_, [first]), (_, [second])] = wh.parts(file)
    assert wh.summary(file, first) == F.expect_summary(False)
    assert set(wh.rows("select side, item, subject_code, amount_wan from staging.budget_summary where document_id = ? "
                       "and source_table = ?", file, second)) == {
        ("income", "general_public_budget", None, F.TOTAL), ("income", "current_year_total", None, F.TOTAL),
        ("income", "grand_total", None, F.TOTAL), ("expense", "economic_class", "301", V.D("95.10")),
        ("expense", "economic_class", "302", V.D("55.40")), ("expense", "current_year_total", None, F.TOTAL),
        ("expense", "grand_total", None, F.TOTAL)}
    _clean(wh, file)


@pytest.mark.parametrize("family", FAMILIES)
def test_fandezvous_tables_by_government_economic_class(wh, family):
    wh, file = wh[family], f"fandezvous_{family}"
    assert [k for k, _ in wh.parts(file)] == ["summary", "expenditure", "basic_expenditure"]
    at = _tables(wh, file)
    got = set().union(*(wh.rows("select classification, subject_code, measure, amount_wan from staging.budget_lines "
                                "where document_id = ? and source_table = ? and measure = 'total'", file, t)
                        for t in at["expenditure"]))
    assert got == {("economic", "501", "total", V.D("95.10")), ("economic", "50101", "total", V.D("65.10")),
                   ("economic", "50102", "total", V.D("30.00")), ("economic", "502", "total", V.D("55.40")),
                   ("economic", "50201", "total", V.D("55.40"))}
    assert _lines(wh, file, at["basic_expenditure"]) == {("501", "total", V.D("95.10")), ("50101", "total", V.D("65.10")),
                                                        ("50102", "total", V.D("30.00"))}
    _clean(wh, file)


@pytest.mark.parametrize("family", FAMILIES)
def test_year_printed_with_its_year_word_lost(wh, family):
    wh, file = wh[family], f"yueyang_{family}"
    _, status, name, year, doc_type, _, _ = wh.doc(file)
    assert (status, name, year, doc_type) == ("loaded", V.dept("岳阳", 0), F.YEAR, "budget")
    assert wh.three_public(file, 0) == {(k, "budget", v) for k, v in F.THREE.items() if v}
    _clean(wh, file)


@pytest.mark.parametrize("family", FAMILIES)
def test_final_accounts_with_a_metadata_row(wh, family):
    wh, file = wh[family], f"final_row_{family}"
    _, status, _, year, doc_type, _, _ = wh.doc(file)
    assert (status, year, doc_type) == ("loaded", F.YEAR, "final_accounts")
    at = _tables(wh, file)
    assert wh.summary(file, at["summary"][0]) == F.expect_summary(True)
    assert _lines(wh, file, at["expenditure"], basis="final") == F.expect_function(F.EXPENDITURE)
    _clean(wh, file)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("n", [0, 1], ids=["blank cells", "0.00 in every empty cell"])
def test_pingshan_summary_all_31_classes(wh, n, family):
    wh, file = wh[family], f"pingshan{n}_{family}"
    [(kind, tables)] = wh.parts(file)
    assert kind == "summary"
    got = set().union(*(wh.summary(file, t) for t in tables))
    assert got == F.expect_summary(False) | (V.PINGSHAN_ZEROS if n else set())
    _clean(wh, file)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("name", list(V.USES_EXPECTED))
def test_summary_uses_beside_the_classes_or_alone_are_items(wh, name, family):
    wh, file = wh[family], f"{name}_{family}"
    carry = {("income", "prior_year_carryover", None, V.D("0.00")), ("expense", "year_end_carryover", None, V.D("0.00"))}
    assert wh.summary(file, 0) == V.USES_EXPECTED[name] | V.TOTALS | (carry if name == "uses_0" else set())
    assert wh.check_status(file, "summary_sums", "summary")[0] == "passed"
    _clean(wh, file)
