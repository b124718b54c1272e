"""The department names of ``tests/variants/test_names.py`` that hold 预算 / 决算 or a scope word of their own
(人大常委会预算工作委员会, 财政局预算股, 预算外资金管理局, …), on covers printed the ways real filings print them, as PDFs
built as a government export is built (a .docx printed by LibreOffice, ``build.py``), their tables without rules and
ruled: the whole name comes out of the PDF's cover with the filing's doc_type and scope, and the figures are its own.
"""

from __future__ import annotations

import pytest

from tests.pdf_layouts import build as B
from tests.variants import filings as F
from tests.variants import test_names as N
from tests.variants.warehouse import Warehouse, ingested

FAMILIES = ("none", "full")


def _docx(cover: list[str], label: str | None, final: bool, family: str) -> bytes:
    return B.document(N.blocks(cover, label, final, lambda t: B.table_xml(t, family)))


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> dict[str, Warehouse]:
    """A warehouse per family (the two prints of a filing are one department's filing twice): printed in one run."""
    B.need_soffice()
    docs = {f"{name}_{family}": _docx(cover, label, final, family)
            for name, (cover, label, final, _) in N.CASES.items() for family in FAMILIES}
    tmp = tmp_path_factory.mktemp("pdf_names")
    paths = B.printed(docs, tmp)
    return {family: ingested([x for x in paths if x.stem.endswith(f"_{family}")], tmp / f"{family}.duckdb")
            for family in FAMILIES}


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("name", list(N.CASES))
def test_name_printed_in_a_pdf_comes_out_whole(wh, name, family):
    file = f"{name}_{family}"
    wh = wh[family]
    _, status, dept, year, doc_type, scope, _ = wh.doc(file)
    assert (status, year) == ("loaded", F.YEAR)
    assert (dept, doc_type, scope) == N.CASES[name][3]
    assert wh.summary(file, 0) == F.expect_summary(N.CASES[name][2])
    assert not [f for f in wh.findings(file) if f[1] == "identity" or "identity:" in f[4]]
